/*
 * test_class_weight.c - per-class loss weights of mrl_nn_train_step (Keras' class_weight):
 * weights 1,1 train exactly as none; the loss and the parameter gradient are linear in the
 * weights, (w0, w1) = w0 * (1, 0) + w1 * (0, 1), with the same dropout draws, and the
 * classes' two parts add up to the unweighted loss; bad weights are refused.
 */
#include "mirlens.h"
#include "test.h"

#define N 12

typedef struct step {
    double loss;
    float *grads;
} step_t;

static mrl_arch_t arch;
static float x[N * MRL_IMG_BYTES];
static int lab[N];

/* One training step of a fresh model (seed 11), dropout seed 77. */
static int one_step(const float *cw, step_t *r)
{
    mrl_model_t *m;
    mrl_nn_t *nn;
    CHECK(mrl_model_new(&m, &arch, 11) == 0);
    mrl_nn_opts_t o;
    mrl_nn_opts_default(&o);
    o.threads = 2;
    CHECK(mrl_nn_new(&nn, m, &o) == 0);
    mrl_adam_opts_t ao;
    mrl_adam_opts_default(&ao);
    mrl_rng_t drop;
    mrl_rng_init(&drop, 77, 3);
    int rc = mrl_nn_train_step(nn, x, lab, cw, N, &ao, &drop, &r->loss, NULL);
    size_t P = mrl_model_nparams(m);
    r->grads = malloc(P * sizeof(float));
    memcpy(r->grads, mrl_model_grads(m), P * sizeof(float));
    mrl_nn_free(nn);
    mrl_model_free(m);
    return rc;
}

int main(void)
{
    mrl_arch_default(&arch, 3);
    mrl_rng_t rng;
    mrl_rng_init(&rng, 5, 0);
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        x[i] = mrl_rng_uniform(&rng);
    for (int i = 0; i < N; i++)
        lab[i] = i % 3 == 0; /* 4 positives, 8 negatives */
    mrl_model_t *m0;
    CHECK(mrl_model_new(&m0, &arch, 11) == 0);
    size_t P = mrl_model_nparams(m0);
    mrl_model_free(m0);

    step_t none, one, w10, w01, w;
    const float c11[2] = {1, 1}, c10[2] = {1, 0}, c01[2] = {0, 1}, cw[2] = {0.3f, 2.5f};
    CHECK(one_step(NULL, &none) == 0);
    CHECK(one_step(c11, &one) == 0);
    CHECK(one_step(c10, &w10) == 0);
    CHECK(one_step(c01, &w01) == 0);
    CHECK(one_step(cw, &w) == 0);

    /* 1,1 is no weighting, bit for bit */
    CHECK(none.loss == one.loss);
    CHECK(memcmp(none.grads, one.grads, P * sizeof(float)) == 0);
    /* the two classes' parts add up to the unweighted loss and gradient */
    CHECK(fabs(w10.loss + w01.loss - none.loss) <= 1e-6 * none.loss);
    double gmax = 0, e_sum = 0, e_lin = 0;
    for (size_t j = 0; j < P; j++) {
        gmax = fmax(gmax, fabs((double)none.grads[j]));
        double g10 = (double)w10.grads[j], g01 = (double)w01.grads[j];
        e_sum = fmax(e_sum, fabs(g10 + g01 - (double)none.grads[j]));
        e_lin = fmax(e_lin, fabs(0.3 * g10 + 2.5 * g01 - (double)w.grads[j]));
    }
    CHECK(gmax > 0);
    CHECK(e_sum <= 1e-4 * gmax);
    CHECK(e_lin <= 1e-4 * gmax);
    /* linear in the weights */
    CHECK(fabs(0.3 * w10.loss + 2.5 * w01.loss - w.loss) <= 1e-6 * w.loss);
    /* the weighted classes really differ (positives and negatives pull apart) */
    CHECK(fabs(w10.loss - w01.loss) > 1e-3);
    fprintf(stderr,
            "test_class_weight: loss none %.6f = neg %.6f + pos %.6f; 0.3,2.5: %.6f; max "
            "gradient error %.2g / %.2g of max |g| %.3g\n",
            none.loss, w10.loss, w01.loss, w.loss, e_sum, e_lin, gmax);

    /* refused: negative, NaN and huge weights */
    step_t bad;
    float neg[2] = {1, -1}, nan2[2] = {NAN, 1}, big[2] = {1, 1e7f};
    CHECK(one_step(neg, &bad) == MRL_ERR_ARG);
    free(bad.grads);
    CHECK(one_step(nan2, &bad) == MRL_ERR_ARG);
    free(bad.grads);
    CHECK(one_step(big, &bad) == MRL_ERR_ARG);
    free(bad.grads);
    free(none.grads), free(one.grads), free(w10.grads), free(w01.grads), free(w.grads);
    return test_summary("test_class_weight");
}
