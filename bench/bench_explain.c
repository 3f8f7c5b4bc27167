/*
 * bench_explain.c - explanations per second of `mrl_explain` on the paper's network
 * (mrl_arch_default(k), random Glorot weights), one method and batch size per run:
 *   bench_explain --k 3 --threads 2 --method smoothgrad-guided --batch 32 [--samples 50]
 *                 [--rows N (images per engine pass, default 64)]
 * Input images are uniform random in [0,1) (the same for every method). Output, as
 * bench_nn: "method/batch explanations_per_second peak_rss_mib explanations_per_cpu_second".
 * bench/bench_explain.sh runs it beside the PyTorch equivalents of bench/torch_explain.py.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "mirlens.h"

static double clk(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    int k = 3, threads = 2, batch = 1;
    double min_s = 2.0;
    mrl_explain_opts_t eo;
    mrl_explain_opts_default(&eo);
    const char *method = "smoothgrad-guided";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--k") == 0)
            k = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--threads") == 0)
            threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--method") == 0)
            method = argv[i + 1];
        else if (strcmp(argv[i], "--batch") == 0)
            batch = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--samples") == 0)
            eo.samples = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--rows") == 0)
            eo.batch = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--min-seconds") == 0)
            min_s = atof(argv[i + 1]);
    }
    if ((eo.method = mrl_explain_method_find(method)) < 0 || batch < 1) {
        fprintf(stderr, "bench_explain: unknown method '%s' or bad batch\n", method);
        return 1;
    }
    mrl_arch_t a;
    mrl_arch_default(&a, k);
    mrl_model_t *m = NULL;
    mrl_nn_t *nn = NULL;
    mrl_nn_opts_t o;
    mrl_nn_opts_default(&o);
    o.threads = threads;
    if (mrl_model_new(&m, &a, 1) != 0 || mrl_nn_new(&nn, m, &o) != 0) {
        fprintf(stderr, "bench_explain: %s\n", mrl_errmsg());
        return 1;
    }
    size_t img = 3 * 25 * 100;
    float *x = malloc((size_t)batch * img * sizeof(float));
    float *maps = malloc((size_t)batch * img * sizeof(float));
    mrl_rng_t rng;
    mrl_rng_init(&rng, 1, 0);
    for (size_t i = 0; i < (size_t)batch * img; i++)
        x[i] = mrl_rng_uniform(&rng);
    for (int w = 0; w < 2; w++) /* warm-up: arena, kernels, weight layouts */
        if (mrl_explain(nn, m, x, (size_t)batch, &eo, maps, NULL) != 0) {
            fprintf(stderr, "bench_explain: %s: %s\n", method, mrl_errmsg());
            return 1;
        }
    int reps = 0;
    double t0 = clk(CLOCK_MONOTONIC), c0 = clk(CLOCK_PROCESS_CPUTIME_ID), dt;
    do {
        if (mrl_explain(nn, m, x, (size_t)batch, &eo, maps, NULL) != 0)
            return 1;
        reps++;
        dt = clk(CLOCK_MONOTONIC) - t0;
    } while (dt < min_s || reps < 3);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = clk(CLOCK_PROCESS_CPUTIME_ID) - c0;
    printf("%s/%d %.2f %.0f %.2f\n", method, batch, (double)reps * batch / dt,
           (double)ru.ru_maxrss / 1024.0, (double)reps * batch / cpu);
    mrl_nn_free(nn);
    mrl_model_free(m);
    free(x), free(maps);
    return 0;
}
