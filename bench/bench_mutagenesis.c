/*
 * bench_mutagenesis.c - seconds per hairpin of refolding mutagenesis (mrl_mut_run: every
 * substitution folded, drawn and scored through the pipeline) beside occlusion-nt
 * (mrl_explain on the same hairpin's image), with the same model and threads:
 *   bench_mutagenesis --model models/default.mrlm --threads 2 [--indels] [--min-seconds 2]
 *                     [SEQUENCE]
 * The default sequence is hsa-mir-204 (110 nt, from the paper's test set). Output, one line
 * per method: "method nt mutants_or_rows best_seconds calls".
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mirlens.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static const char *mir204 = "GGCUACAGUCUUUCUUCAUGUGACUCGUGGACUUCCCUUUGUCAUCCUAUGCCUGAGAAUAUA"
                            "UGAAGGAGGCUGGGAAGGCAAAGGGACGUUCAAUUGUCAUCACUGGC";

int main(int argc, char **argv)
{
    const char *model = "models/default.mrlm", *seq = mir204;
    int threads = 2;
    double min_s = 2.0;
    mrl_mut_opts_t mo;
    mrl_mut_opts_default(&mo);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--model") && i + 1 < argc)
            model = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--min-seconds") && i + 1 < argc)
            min_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "--indels"))
            mo.kinds |= MRL_EDIT_MASK(MRL_EDIT_DEL) | MRL_EDIT_MASK(MRL_EDIT_INS);
        else
            seq = argv[i];
    }
    size_t n = strlen(seq);
    mrl_ensemble_t *e = NULL;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = threads;
    mo.fold_threads = threads;
    if (mrl_ensemble_load(&e, &model, 1, &no) != 0) {
        fprintf(stderr, "bench_mutagenesis: %s\n", mrl_errmsg());
        return 1;
    }
    /* mutagenesis: best of repeated calls */
    double best = 1e30, t0 = now();
    int calls = 0;
    size_t nmut = 0;
    while (calls < 2 || now() - t0 < min_s) {
        mrl_mut_t r;
        double t = now();
        if (mrl_mut_run(e, seq, n, &mo, &r) != 0) {
            fprintf(stderr, "bench_mutagenesis: %s\n", mrl_errmsg());
            return 1;
        }
        t = now() - t, best = t < best ? t : best, calls++, nmut = r.n_mut;
        mrl_mut_release(&r);
    }
    printf("mutagenesis%s %zu %zu %.4f %d\n", mo.kinds > 1 ? "+indels" : "", n, nmut, best, calls);
    /* occlusion-nt on the same hairpin: fold + draw + score once, then the explainer */
    mrl_batch_t b;
    memset(&b, 0, sizeof b);
    b.keep_x = 1;
    const char *s1[1] = {seq};
    mrl_fe_opts_t fe;
    mrl_fe_opts_default(&fe);
    float *map = malloc(3 * MRL_IMG_H * MRL_IMG_W * sizeof *map);
    mrl_explain_opts_t eo;
    mrl_explain_opts_default(&eo);
    eo.method = MRL_EXPLAIN_OCCLUSION_NT;
    best = 1e30, t0 = now(), calls = 0;
    while (calls < 2 || now() - t0 < min_s) {
        double t = now();
        mrl_explain_info_t info;
        if (mrl_pipeline_run(e, &fe, s1, &n, 1, &b) != 0 ||
            mrl_explain(mrl_ensemble_nn(e, 0), mrl_ensemble_model(e, 0), b.x, 1, &eo, map, &info) !=
                0) {
            fprintf(stderr, "bench_mutagenesis: %s\n", mrl_errmsg());
            return 1;
        }
        t = now() - t, best = t < best ? t : best, calls++;
    }
    printf("occlusion-nt %zu %d %.4f %d\n", n, 2 * b.items[0].hp.used, best, calls);
    free(map);
    mrl_batch_release(&b);
    mrl_ensemble_free(e);
    return 0;
}
