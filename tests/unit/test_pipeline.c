/*
 * test_pipeline.c - the pipeline (src/pipeline/): fold + encode in input order on any thread
 * count, the scorer (one model: its softmax and logit margin, the same bits as
 * mrl_nn_predict; an ensemble: the logistic of the mean margin, computed here by hand), a
 * batch's rows, each record's pair table and contexts, normalised images and scores (NAN
 * for a record without a hairpin loop), the model check, and --params resolution.
 */
#include <unistd.h>
#include "mirlens.h"
#include "test.h"

enum { N = 6 };
static const char *seqs[N] = {
    "UGAGGUAGUAGGUUGUAUAGUUUUAGGGUCACACCCACCACUGGGAGAUAACUAUACAAUCUACUGUCUUUCC",
    "AAAAAAAAAAAAAAAAAAAA", /* no pair: no hairpin loop, refused */
    "GGCUAGCUAGGAUCCGAAAGGAUCCUAGCUAGCC",
    "UGUUUGCAGGUAGACAUAUGCAAUUUCUUGGAUAAGCAGAUUUGUAUGCAUUGAGCCAGAGUCUCGCAGCAAACA",
    "", /* empty: refused */
    "CCUGGCCGCCGCGGCCAGGAAAACCUGGCCGCCGCGGCCAGGAAAACGCGCGAAAGCGCGC"};

static void check_scorer(mrl_model_t *a, mrl_model_t *b)
{
    mrl_ensemble_t *e1 = NULL, *e2 = NULL;
    mrl_model_t *two[2] = {a, b};
    CHECK(mrl_ensemble_new(&e1, &a, 1, NULL) == 0);
    CHECK(mrl_ensemble_new(&e2, two, 2, NULL) == 0);
    if (!e1 || !e2)
        return;
    CHECK_INT(mrl_ensemble_size(e2), 2);
    CHECK(mrl_ensemble_nn(e2, 1) != NULL && mrl_ensemble_nn(e2, 2) == NULL);

    size_t len[N];
    for (int k = 0; k < N; k++)
        len[k] = strlen(seqs[k]);
    mrl_fe_opts_t fo;
    mrl_fe_opts_default(&fo);
    fo.threads = 3;
    mrl_batch_t b1, b2;
    memset(&b1, 0, sizeof b1), memset(&b2, 0, sizeof b2);
    b1.keep_x = 1;
    for (int rep = 0; rep < 2; rep++) /* the batch is reused */
        CHECK(mrl_pipeline_run(e1, &fo, seqs, len, N, &b1) == 0);
    CHECK(mrl_pipeline_run(e2, NULL, seqs, len, N, &b2) == 0);
    CHECK_INT(b1.n, N);
    CHECK_INT(b1.rows, 4);
    static const size_t want_rows[4] = {0, 2, 3, 5};
    for (size_t r = 0; r < 4 && r < b1.rows; r++)
        CHECK_INT(b1.row[r], want_rows[r]);
    CHECK(isnan(b1.prob[1]) && isnan(b1.margin[1]) && isnan(b2.prob[4]));
    CHECK_INT(b1.items[1].rc, MRL_ERR_REFUSED);
    CHECK_INT(b1.items[4].rc, MRL_ERR_REFUSED);
    /* a refused fold still has its pair table: all unpaired */
    CHECK(b1.items[1].partner && b1.items[1].partner[0] == -1 && b1.items[1].context &&
          b1.items[1].context[0] == MRL_CTX_FLANK5);

    /* items as mrl_fold_encode_batch on one thread; x as mrl_model_normalize; scores as
     * mrl_nn_predict (one model) and the mean margin (two) */
    mrl_fe_item_t it[N];
    memset(it, 0, sizeof it);
    fo.threads = 1;
    CHECK(mrl_fold_encode_batch(seqs, len, N, &fo, it) == 0);
    const size_t img = 3 * MRL_IMG_H * MRL_IMG_W;
    float *x = malloc(img * sizeof *x), pa[2], za[2], zb[2];
    mrl_nn_t *na = test_nn_ctx(a, 1), *nb = test_nn_ctx(b, 1);
    const mrl_arch_t *arch = mrl_model_arch(a);
    for (size_t r = 0; r < b1.rows; r++) {
        size_t k = b1.row[r];
        CHECK_STR(b1.items[k].structure, it[k].structure);
        CHECK_INT(b1.items[k].mfe, it[k].mfe);
        /* the pair table and contexts come with the fold, as mrl_explain_structure makes them */
        int pt[128];
        uint8_t cx[128];
        CHECK(len[k] <= 128 && mrl_explain_structure(it[k].structure, len[k], pt, cx) == 0);
        CHECK(memcmp(b1.items[k].partner, pt, len[k] * sizeof *pt) == 0);
        CHECK(memcmp(b1.items[k].context, cx, len[k]) == 0);
        CHECK(mrl_ensemble_model(e2, 1) == b && mrl_ensemble_model(e2, 2) == NULL);
        CHECK(memcmp(b1.items[k].hp.rgb, it[k].hp.rgb, MRL_IMG_BYTES) == 0);
        mrl_model_normalize(a, it[k].hp.rgb, 1, x);
        CHECK(memcmp(x, b1.x + r * img, img * sizeof *x) == 0);
        CHECK(mrl_nn_predict(na, x, 1, pa) == 0);
        CHECK(mrl_nn_read(na, arch->n_layers - 1, 0, za) == 0);
        CHECK(memcmp(&pa[1], &b1.prob[k], sizeof pa[1]) == 0);
        CHECK(b1.margin[k] == za[1] - za[0]);
        mrl_model_normalize(b, it[k].hp.rgb, 1, x);
        CHECK(mrl_nn_forward(nb, x, 1, MRL_NN_INFER, NULL) == 0);
        CHECK(mrl_nn_read(nb, arch->n_layers - 1, 0, zb) == 0);
        double m = 0.5 * (((double)za[1] - (double)za[0]) + ((double)zb[1] - (double)zb[0]));
        CHECK_CLOSE(b2.margin[k], m, 1e-5, 1e-5);
        CHECK_CLOSE(b2.prob[k], 1 / (1 + exp(-m)), 1e-6, 1e-5);
    }
    CHECK(b1.t[0] > 0 && b1.t[1] > 0);

    /* images already drawn: every record a row, the same scores */
    const uint8_t *rgb[2] = {it[0].hp.rgb, it[5].hp.rgb};
    CHECK(mrl_pipeline_run_images(e2, rgb, 2, &b2) == 0);
    CHECK(b2.rows == 2 && b2.items == NULL);
    float pe[2], me[2];
    CHECK(mrl_ensemble_score(e2, rgb, 2, pe, me) == 0);
    CHECK(memcmp(pe, b2.prob, sizeof pe) == 0 && memcmp(me, b2.margin, sizeof me) == 0);
    CHECK(mrl_ensemble_score(e2, rgb, 2, NULL, NULL) == 0);

    mrl_fe_items_release(it, N);
    mrl_batch_release(&b1), mrl_batch_release(&b2);
    CHECK(b1.cap == 0 && b1.items == NULL);
    mrl_nn_free(na), mrl_nn_free(nb);
    free(x);
    mrl_ensemble_free(e1), mrl_ensemble_free(e2);
}

static void check_refusals(mrl_model_t *a)
{
    mrl_ensemble_t *e = (mrl_ensemble_t *)&e; /* must come back NULL */
    CHECK_INT(mrl_ensemble_new(&e, &a, 0, NULL), MRL_ERR_ARG);
    CHECK(e == NULL);
    mrl_arch_t arch;
    mrl_arch_default(&arch, 3);
    arch.in_w = 60; /* not the 25x100 image */
    mrl_model_t *m = NULL;
    CHECK(mrl_model_new(&m, &arch, 1) == 0);
    CHECK_INT(mrl_model_check_hairpin(m), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "not a 2-class model of 25x100 RGB hairpin images") != NULL);
    mrl_model_t *pair[2] = {a, m};
    CHECK_INT(mrl_ensemble_new(&e, pair, 2, NULL), MRL_ERR_ARG);
    CHECK(e == NULL);
    CHECK_INT(mrl_model_check_hairpin(a), 0);
    mrl_model_free(m);
}

static void check_params(void)
{
    const mrl_params_t *P = NULL;
    mrl_params_t *owned = (mrl_params_t *)&P;
    CHECK(mrl_params_resolve(NULL, &P, &owned) == 0);
    CHECK(P == mrl_params_builtin("rnafold-2.1.3") && owned == NULL);
    CHECK(mrl_params_resolve("turner2004", &P, &owned) == 0);
    CHECK(P == mrl_params_builtin("turner2004") && owned == NULL);
    CHECK(mrl_params_resolve("/nonexistent/x.par", &P, &owned) < 0);
    CHECK(owned == NULL && P == NULL);
    CHECK(strstr(mrl_errmsg(), "x.par") != NULL);
}

/* mrl_ensemble_load: the same scores as mrl_ensemble_new over the same models; a bad file
 * fails naming it. More images than one forward pass holds (runs of 256 / 2 models) score
 * exactly as they do one at a time. */
static void check_load_and_runs(mrl_model_t *a, mrl_model_t *b)
{
    char pa[] = "/tmp/mirlens_test_pipeline_aXXXXXX", pb[] = "/tmp/mirlens_test_pipeline_bXXXXXX";
    int fa = mkstemp(pa), fb = mkstemp(pb);
    close(fa), close(fb);
    CHECK(mrl_model_save(a, pa) == 0 && mrl_model_save(b, pb) == 0);
    const char *paths[2] = {pa, pb};
    mrl_model_t *two[2] = {a, b};
    mrl_ensemble_t *el = NULL, *en = NULL;
    CHECK(mrl_ensemble_load(&el, paths, 2, NULL) == 0);
    CHECK(mrl_ensemble_new(&en, two, 2, NULL) == 0);
    enum { NI = 600 };
    uint8_t *img = malloc((size_t)NI * MRL_IMG_BYTES);
    const uint8_t *rgb[NI];
    mrl_rng_t rng;
    mrl_rng_init(&rng, 3, 3);
    for (size_t i = 0; i < (size_t)NI * MRL_IMG_BYTES; i++)
        img[i] = mrl_rng_below(&rng, 4) ? 255 : 0;
    for (int i = 0; i < NI; i++)
        rgb[i] = img + (size_t)i * MRL_IMG_BYTES;
    static float pl[NI], pn[NI], ml[NI], one_p, one_m;
    if (el && en) {
        CHECK(mrl_ensemble_score(el, rgb, NI, pl, ml) == 0);
        CHECK(mrl_ensemble_score(en, rgb, NI, pn, NULL) == 0);
        CHECK(memcmp(pl, pn, sizeof pl) == 0);
        int same = 1;
        for (int i = 0; i < NI; i += 37) { /* across the runs' boundaries too */
            CHECK(mrl_ensemble_score(en, &rgb[i], 1, &one_p, &one_m) == 0);
            same &= one_p == pl[i] && one_m == ml[i];
        }
        CHECK(same);
        CHECK(mrl_ensemble_model(el, 1) != b); /* its own copy, freed with it */
    }
    mrl_ensemble_free(el), mrl_ensemble_free(en);
    const char *bad[2] = {pa, "/nonexistent/model.mrlm"};
    el = (mrl_ensemble_t *)&el;
    CHECK(mrl_ensemble_load(&el, bad, 2, NULL) < 0 && el == NULL);
    CHECK(strstr(mrl_errmsg(), "/nonexistent/model.mrlm") != NULL);
    unlink(pa), unlink(pb);
    free(img);
}

int main(void)
{
    mrl_arch_t arch;
    mrl_arch_default(&arch, 3);
    mrl_model_t *a = NULL, *b = NULL;
    CHECK(mrl_model_new(&a, &arch, 1) == 0);
    CHECK(mrl_model_new(&b, &arch, 2) == 0);
    if (a && b) {
        check_scorer(a, b);
        check_refusals(a);
        check_load_and_runs(a, b);
    }
    check_params();
    mrl_model_free(a), mrl_model_free(b);
    return test_summary("test_pipeline");
}
