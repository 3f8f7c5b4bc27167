/*
 * test_nn_determinism.c - the same seed gives bit-identical weights, outputs and gradients,
 * run twice and with 1 or 2 threads: training steps (dropout on, several shards of unequal
 * size), batch-1 inference and input gradients (kernels threaded inside), and a batch of
 * SmoothGrad-style guided gradients; in precision f32 and bf16.
 */
#include "mirlens.h"
#include "test.h"

typedef struct result {
    float *params, *probs, *grad1, *gradb;
    double loss[3];
} result_t;

static void run(const mrl_arch_t *a, size_t n, int threads, int prec, result_t *r)
{
    mrl_model_t *m;
    mrl_nn_t *nn;
    CHECK(mrl_model_new(&m, a, 11) == 0);
    mrl_nn_opts_t o;
    mrl_nn_opts_default(&o);
    o.threads = threads;
    o.precision = prec;
    CHECK(mrl_nn_new(&nn, m, &o) == 0);
    size_t img = (size_t)a->in_c * a->in_h * a->in_w, P = mrl_model_nparams(m);
    float *x = malloc(n * img * sizeof(float));
    int *lab = malloc(n * sizeof(int));
    mrl_rng_t rng;
    mrl_rng_init(&rng, 5, 0);
    for (size_t i = 0; i < n * img; i++)
        x[i] = mrl_rng_uniform(&rng);
    for (size_t i = 0; i < n; i++)
        lab[i] = (int)(i % 3 == 0);
    mrl_adam_opts_t ao;
    mrl_adam_opts_default(&ao);
    mrl_rng_t drop;
    mrl_rng_init(&drop, 77, 3);
    for (int t = 0; t < 3; t++)
        CHECK(mrl_nn_train_step(nn, x, lab, NULL, n, &ao, &drop, &r->loss[t], NULL) == 0);
    r->params = malloc(P * sizeof(float));
    memcpy(r->params, mrl_model_params(m), P * sizeof(float));
    r->probs = malloc(2 * n * sizeof(float));
    CHECK(mrl_nn_predict(nn, x, n, r->probs) == 0);

    /* input gradient of one image, and guided gradients of 50 noisy copies */
    float dy1[2] = {0, 1};
    r->grad1 = malloc(img * sizeof(float));
    CHECK(mrl_nn_forward(nn, x, 1, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_backward(nn, a->n_layers - 1, dy1, NULL) == 0);
    CHECK(mrl_nn_read(nn, -1, 1, r->grad1) == 0);
    float *xs = malloc(50 * img * sizeof(float)), dy[100];
    for (size_t i = 0; i < 50 * img; i++)
        xs[i] = x[i % img] + 0.15f * mrl_rng_normal(&rng);
    for (int i = 0; i < 50; i++)
        dy[2 * i] = 0, dy[2 * i + 1] = 1;
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    bo.relu_rule = MRL_RELU_GUIDED;
    r->gradb = malloc(50 * img * sizeof(float));
    CHECK(mrl_nn_forward(nn, xs, 50, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_backward(nn, a->n_layers - 1, dy, &bo) == 0);
    CHECK(mrl_nn_read(nn, -1, 1, r->gradb) == 0);
    free(xs), free(x), free(lab);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

static void same(const char *what, const result_t *a, const result_t *b, size_t P, size_t n,
                 size_t img)
{
    int eq = memcmp(a->params, b->params, P * sizeof(float)) == 0;
    eq &= memcmp(a->probs, b->probs, 2 * n * sizeof(float)) == 0;
    eq &= memcmp(a->grad1, b->grad1, img * sizeof(float)) == 0;
    eq &= memcmp(a->gradb, b->gradb, 50 * img * sizeof(float)) == 0;
    eq &= memcmp(a->loss, b->loss, sizeof a->loss) == 0;
    if (!eq)
        fprintf(stderr, "FAIL %s: results differ\n", what);
    CHECK(eq);
}

static void release(result_t *r)
{
    free(r->params), free(r->probs), free(r->grad1), free(r->gradb);
}

static void check_arch(const char *name, const mrl_arch_t *a, size_t n, int prec)
{
    result_t r1, r2, r2b;
    run(a, n, 1, prec, &r1);
    run(a, n, 2, prec, &r2);
    run(a, n, 2, prec, &r2b);
    mrl_model_t *m;
    CHECK(mrl_model_new(&m, a, 11) == 0);
    size_t P = mrl_model_nparams(m), img = (size_t)a->in_c * a->in_h * a->in_w;
    char what[64];
    snprintf(what, sizeof what, "%s: 2 threads twice", name);
    same(what, &r2, &r2b, P, n, img);
    snprintf(what, sizeof what, "%s: 1 vs 2 threads", name);
    same(what, &r1, &r2, P, n, img);
    CHECK(memcmp(r1.params, mrl_model_params(m), P * sizeof(float)) != 0); /* it trained */
    CHECK(r1.loss[2] == r1.loss[2]);                                       /* not NaN */
    mrl_model_free(m);
    release(&r1), release(&r2), release(&r2b);
}

int main(void)
{
    mrl_arch_t a;
    mrl_arch_default(&a, 3);
    a.in_h = 13, a.in_w = 40; /* the real layer stack on smaller images keeps this quick */
    check_arch("default k3, 70 images", &a, 70, MRL_PREC_F32);
    check_arch("default k3, 70 images, bf16", &a, 70, MRL_PREC_BF16);
    mrl_arch_default(&a, 5);
    a.in_w = 60;
    check_arch("default k5, 33 images", &a, 33, MRL_PREC_F32);
    check_arch("default k5, 33 images, bf16", &a, 33, MRL_PREC_BF16);
    return test_summary("test_nn_determinism");
}
