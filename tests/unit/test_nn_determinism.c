/*
 * test_nn_determinism.c - what include/mirlens.h promises (mrl_nn_opts_t), on whatever
 * instruction set oneDNN runs (CI runs it natively and under ONEDNN_MAX_CPU_ISA=AVX2 and
 * SSE41):
 *  - the same seed gives bit-identical weights, outputs and gradients, run twice and with 1
 *    or 2 threads: training steps (dropout on, several shards of unequal size), batch-1
 *    inference and input gradients (kernels threaded inside), and a batch of SmoothGrad-style
 *    guided gradients; in precision f32 and bf16;
 *  - outside training an image's probabilities and input gradients are the same bits alone
 *    and in batches of any size, at any position.
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

/* Probabilities (2 per image) and input gradients of the pre-miRNA logit of images idx[0..n)
 * of x, run as one batch. */
static void scores(mrl_nn_t *nn, const mrl_arch_t *a, const float *x, const int *idx, int n,
                   float *probs, float *grads)
{
    size_t img = (size_t)a->in_c * a->in_h * a->in_w;
    float *xb = malloc((size_t)n * img * sizeof *xb), *dy = calloc(2 * (size_t)n, sizeof *dy);
    for (int j = 0; j < n; j++) {
        memcpy(xb + (size_t)j * img, x + (size_t)idx[j] * img, img * sizeof *xb);
        dy[2 * j + 1] = 1;
    }
    CHECK(mrl_nn_predict(nn, xb, (size_t)n, probs) == 0);
    CHECK(mrl_nn_forward(nn, xb, (size_t)n, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_backward(nn, a->n_layers - 1, dy, NULL) == 0);
    CHECK(mrl_nn_read(nn, -1, 1, grads) == 0);
    free(xb), free(dy);
}

/* Each of N images scored alone, then in batches of several sizes (the images in a shuffled
 * order, so each sits at other positions among other neighbours): the same bits. */
static void batch_independent(const char *name, const mrl_arch_t *a, int prec, int threads)
{
    enum { N = 70 };
    mrl_model_t *m;
    CHECK(mrl_model_new(&m, a, 3) == 0);
    mrl_nn_t *nn = test_nn_ctx_prec(m, threads, prec);
    size_t img = (size_t)a->in_c * a->in_h * a->in_w;
    float *x = malloc(N * img * sizeof *x), *g1 = malloc(N * img * sizeof *g1);
    float *gb = malloc(N * img * sizeof *gb), p1[2 * N], pb[2 * N];
    mrl_rng_t rng;
    mrl_rng_init(&rng, 9, 0);
    for (size_t i = 0; i < N * img; i++)
        x[i] = mrl_rng_normal(&rng);
    for (int i = 0; i < N; i++)
        scores(nn, a, x, &i, 1, p1 + 2 * i, g1 + (size_t)i * img);
    static const int sizes[] = {2, 3, 5, 32, 33, 47, N};
    int perm[N], diff = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        int n = sizes[s];
        for (int j = 0; j < n; j++)
            perm[j] = (int)((7 * (size_t)j + 3 * s) % N); /* 7 is prime to N: distinct */
        scores(nn, a, x, perm, n, pb, gb);
        for (int j = 0; j < n; j++) {
            int i = perm[j];
            diff += memcmp(pb + 2 * j, p1 + 2 * i, 2 * sizeof *pb) != 0;
            diff += memcmp(gb + (size_t)j * img, g1 + (size_t)i * img, img * sizeof *gb) != 0;
        }
    }
    if (diff)
        fprintf(stderr, "FAIL %s: %d results depend on the batch\n", name, diff);
    CHECK_INT(diff, 0);
    free(x), free(g1), free(gb);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

int main(void)
{
    fprintf(stderr, "test_nn_determinism: cpu %s (bf16 units: %s)\n", mrl_cpu_isa(),
            mrl_cpu_bf16() ? "yes" : "no");
    mrl_arch_t a;
    mrl_arch_default(&a, 3);
    a.in_h = 13, a.in_w = 40; /* the real layer stack on smaller images keeps this quick */
    check_arch("default k3, 70 images", &a, 70, MRL_PREC_F32);
    check_arch("default k3, 70 images, bf16", &a, 70, MRL_PREC_BF16);
    mrl_arch_default(&a, 5);
    a.in_w = 60;
    check_arch("default k5, 33 images", &a, 33, MRL_PREC_F32);
    check_arch("default k5, 33 images, bf16", &a, 33, MRL_PREC_BF16);
    batch_independent("k5 f32, 2 threads", &a, MRL_PREC_F32, 2);
    batch_independent("k5 bf16, 1 thread", &a, MRL_PREC_BF16, 1);
    mrl_arch_default(&a, 3);
    a.in_h = 13, a.in_w = 40;
    batch_independent("k3 f32, 1 thread", &a, MRL_PREC_F32, 1);
    batch_independent("k3 bf16, 2 threads", &a, MRL_PREC_BF16, 2);
    return test_summary("test_nn_determinism");
}
