/*
 * test_nn_grad.c - finite-difference gradient checks (ggml's grad mode) for every layer
 * kind and a whole network: the loss L = sum(r * y) is accumulated in double from the
 * engine's float32 forward pass, differentiated centrally, and compared with the engine's
 * backward pass for input and parameter gradients. Points near a ReLU or max-pool kink are
 * recognised by two step sizes disagreeing and skipped (most points must be checked).
 */
#include "mirlens.h"
#include "test.h"

typedef struct gc {
    mrl_arch_t a;
    mrl_model_t *m;
    mrl_nn_t *nn;
    size_t n, nin, nout;
    float *x, *r;
    int mode; /* MRL_NN_EXPLAIN, or MRL_NN_TRAIN (dropout, fixed mask seed) */
    double h; /* finite-difference step */
} gc_t;

static double loss_at(gc_t *g)
{
    mrl_rng_t rng;
    mrl_rng_init(&rng, 99, 7); /* the same dropout masks every time */
    float *y = malloc(g->nout * sizeof(float));
    if (mrl_nn_forward(g->nn, g->x, g->n, g->mode, &rng) != 0 ||
        mrl_nn_read(g->nn, g->a.n_layers - 1, 0, y) != 0) {
        fprintf(stderr, "forward: %s\n", mrl_errmsg());
        exit(2);
    }
    double L = 0;
    for (size_t i = 0; i < g->nout; i++)
        L += (double)g->r[i] * (double)y[i];
    free(y);
    return L;
}

static double fd(gc_t *g, float *v, double h, int param)
{
    double keep = (double)*v;
    *v = (float)(keep + h);
    if (param)
        mrl_model_touch(g->m);
    double lp = loss_at(g);
    *v = (float)(keep - h);
    if (param)
        mrl_model_touch(g->m);
    double lm = loss_at(g);
    *v = (float)keep;
    if (param)
        mrl_model_touch(g->m);
    /* the step actually taken, in float */
    double hp = (double)(float)(keep + h) - keep, hm = keep - (double)(float)(keep - h);
    return (lp - lm) / (hp + hm);
}

/* Compare analytical and numerical gradients at up to `count` coordinates of v. */
static void compare(gc_t *g, const char *what, float *v, const float *an, size_t len, int param,
                    mrl_rng_t *pick)
{
    int checked = 0, skipped = 0, bad = 0;
    size_t count = len < 24 ? len : 24;
    for (size_t c = 0; c < count; c++) {
        size_t j = len < 24 ? c : mrl_rng_below(pick, (uint32_t)len);
        double f1 = fd(g, &v[j], g->h, param), f2 = fd(g, &v[j], g->h / 2, param);
        double tol = 2e-3 + 1e-2 * fabs(f2);
        /* piecewise-linear pieces: the three steps agree unless a kink lies within them */
        double f3 = fabs(f1 - f2) > tol / 2 ? f1 : fd(g, &v[j], g->h / 4, param);
        if (fabs(f1 - f2) > tol / 2 || fabs(f3 - f2) > tol / 2) {
            skipped++;
            continue;
        }
        checked++;
        if (!(fabs(f2 - (double)an[j]) <= tol)) {
            if (bad++ < 3)
                fprintf(stderr, "  %s[%zu]: numerical %.6g analytical %.6g\n", what, j, f2,
                        (double)an[j]);
        }
    }
    if (bad)
        fprintf(stderr, "FAIL gradcheck %s: %d of %d off\n", what, bad, checked);
    CHECK(bad == 0);
    CHECK(checked >= (int)count * 2 / 3);
    (void)skipped;
}

static void gradcheck(const char *name, const mrl_arch_t *a, size_t n, int mode, int threads)
{
    gc_t g;
    memset(&g, 0, sizeof g);
    g.a = *a;
    g.n = n;
    g.mode = mode;
    g.h = a->n_layers > 2 ? 2e-3 : 1e-2; /* deep nets: more kinks, smaller steps */
    CHECK(mrl_model_new(&g.m, a, 5) == 0);
    mrl_nn_opts_t o;
    mrl_nn_opts_default(&o);
    o.threads = threads;
    CHECK(mrl_nn_new(&g.nn, g.m, &o) == 0);
    int s[3];
    CHECK(mrl_arch_shape(a, -1, s) == 0);
    g.nin = n * s[0] * s[1] * s[2];
    CHECK(mrl_arch_shape(a, a->n_layers - 1, s) == 0);
    g.nout = n * s[0] * s[1] * s[2];
    g.x = malloc(g.nin * sizeof(float));
    g.r = malloc(g.nout * sizeof(float));
    mrl_rng_t rng;
    mrl_rng_init(&rng, 1234, 1);
    for (size_t i = 0; i < g.nin; i++)
        g.x[i] = 2 * mrl_rng_uniform(&rng) - 1;
    for (size_t i = 0; i < g.nout; i++)
        g.r[i] = 2 * mrl_rng_uniform(&rng) - 1;
    float *p = mrl_model_params(g.m);
    for (size_t i = 0; i < mrl_model_nparams(g.m); i++) /* non-zero biases too */
        p[i] += 0.1f * (2 * mrl_rng_uniform(&rng) - 1);
    mrl_model_touch(g.m);

    (void)loss_at(&g);
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    bo.weights = 1;
    mrl_model_zero_grads(g.m);
    CHECK(mrl_nn_backward(g.nn, a->n_layers - 1, g.r, &bo) == 0);
    float *dx = malloc(g.nin * sizeof(float));
    CHECK(mrl_nn_read(g.nn, -1, 1, dx) == 0);
    size_t P = mrl_model_nparams(g.m);
    float *dp = malloc((P ? P : 1) * sizeof(float));
    memcpy(dp, mrl_model_grads(g.m), P * sizeof(float));
    char what[96];
    snprintf(what, sizeof what, "%s/input", name);
    compare(&g, what, g.x, dx, g.nin, 0, &rng);
    if (P) {
        snprintf(what, sizeof what, "%s/params", name);
        compare(&g, what, p, dp, P, 1, &rng);
    }
    free(dx), free(dp), free(g.x), free(g.r);
    mrl_nn_free(g.nn);
    mrl_model_free(g.m);
}

static mrl_arch_t arch(int c, int h, int w, int nl, const mrl_layer_spec_t *L)
{
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = c, a.in_h = h, a.in_w = w, a.n_layers = nl;
    memcpy(a.layer, L, (size_t)nl * sizeof *L);
    return a;
}

static void test_xent(void)
{
    float z[12] = {0.3f, -1.2f, 2.0f, 0.1f, 0.5f, 0.4f, -0.7f, 1.5f, 0.0f, 0.2f, -2.0f, 1.0f};
    int lab[4] = {2, 0, 1, 1};
    float dz[12];
    double L;
    mrl_nn_softmax_xent(z, lab, 4, 3, NULL, dz, &L);
    int ok = 1;
    for (int j = 0; j < 12; j++) {
        float keep = z[j];
        double lp, lm;
        z[j] = keep + 1e-2f;
        mrl_nn_softmax_xent(z, lab, 4, 3, NULL, NULL, &lp);
        z[j] = keep - 1e-2f;
        mrl_nn_softmax_xent(z, lab, 4, 3, NULL, NULL, &lm);
        z[j] = keep;
        double num = (lp - lm) / ((double)(keep + 1e-2f) - (double)(keep - 1e-2f));
        ok &= fabs(num - (double)dz[j]) < 1e-4;
    }
    CHECK(ok);
}

/* A batch cut into shards gives the gradients of its halves run alone (summed): the shard
 * reduction checked directly (finite differences over 40 images meet too many kinks). */
static void test_shards(void)
{
    mrl_layer_spec_t L[] = {{MRL_LAYER_CONV, 6, 3, 0, 0},    {MRL_LAYER_RELU, 0, 0, 0, 0},
                            {MRL_LAYER_MAXPOOL, 0, 2, 0, 0}, {MRL_LAYER_CONV, 18, 3, 1, 0},
                            {MRL_LAYER_RELU, 0, 0, 0, 0},    {MRL_LAYER_FLATTEN, 0, 0, 0, 0},
                            {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    mrl_arch_t a = arch(3, 10, 14, 7, L);
    mrl_model_t *m;
    mrl_nn_t *nn;
    CHECK(mrl_model_new(&m, &a, 5) == 0);
    CHECK(mrl_nn_new(&nn, m, NULL) == 0);
    size_t P = mrl_model_nparams(m), img = 420;
    float *x = malloc(40 * img * sizeof(float)), r[80], *dx40 = malloc(40 * img * sizeof(float));
    float *g40 = malloc(P * sizeof(float)), *dxh = malloc(20 * img * sizeof(float));
    mrl_rng_t rng;
    mrl_rng_init(&rng, 4, 4);
    for (size_t i = 0; i < 40 * img; i++)
        x[i] = 2 * mrl_rng_uniform(&rng) - 1;
    for (int i = 0; i < 80; i++)
        r[i] = 2 * mrl_rng_uniform(&rng) - 1;
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    bo.weights = 1;
    mrl_model_zero_grads(m);
    CHECK(mrl_nn_forward(nn, x, 40, MRL_NN_EXPLAIN, NULL) == 0);
    CHECK(mrl_nn_backward(nn, 6, r, &bo) == 0);
    CHECK(mrl_nn_read(nn, -1, 1, dx40) == 0);
    memcpy(g40, mrl_model_grads(m), P * sizeof(float));
    mrl_model_zero_grads(m);
    int ok = 1;
    for (int h = 0; h < 2; h++) {
        CHECK(mrl_nn_forward(nn, x + h * 20 * img, 20, MRL_NN_EXPLAIN, NULL) == 0);
        CHECK(mrl_nn_backward(nn, 6, r + h * 40, &bo) == 0);
        CHECK(mrl_nn_read(nn, -1, 1, dxh) == 0);
        for (size_t i = 0; i < 20 * img; i++)
            ok &= fabsf(dxh[i] - dx40[h * 20 * img + i]) <= 1e-6f + 1e-4f * fabsf(dxh[i]);
    }
    for (size_t j = 0; j < P; j++)
        ok &= fabsf(g40[j] - mrl_model_grads(m)[j]) <= 1e-5f + 1e-4f * fabsf(g40[j]);
    CHECK(ok);
    free(x), free(dx40), free(g40), free(dxh);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

int main(void)
{
    test_shards();
    for (int threads = 1; threads <= 2; threads++) {
        mrl_layer_spec_t conv_v[] = {{MRL_LAYER_CONV, 5, 3, 0, 0}};
        mrl_layer_spec_t conv_s5[] = {{MRL_LAYER_CONV, 17, 5, 1, 0}};
        mrl_layer_spec_t conv_s4[] = {{MRL_LAYER_CONV, 4, 4, 1, 0}};
        mrl_layer_spec_t conv_relu[] = {{MRL_LAYER_CONV, 6, 3, 1, 0}, {MRL_LAYER_RELU, 0, 0, 0, 0}};
        mrl_layer_spec_t pool[] = {{MRL_LAYER_MAXPOOL, 0, 2, 0, 0}};
        mrl_layer_spec_t relu[] = {{MRL_LAYER_RELU, 0, 0, 0, 0}};
        mrl_layer_spec_t drop[] = {{MRL_LAYER_DROPOUT, 0, 0, 0, 0.3f}};
        mrl_layer_spec_t dense[] = {{MRL_LAYER_FLATTEN, 0, 0, 0, 0}, {MRL_LAYER_DENSE, 6, 0, 0, 0}};
        mrl_layer_spec_t net[] = {
            {MRL_LAYER_CONV, 6, 3, 0, 0},       {MRL_LAYER_RELU, 0, 0, 0, 0},
            {MRL_LAYER_CONV, 18, 3, 1, 0},      {MRL_LAYER_RELU, 0, 0, 0, 0},
            {MRL_LAYER_MAXPOOL, 0, 2, 0, 0},    {MRL_LAYER_DROPOUT, 0, 0, 0, 0.25f},
            {MRL_LAYER_CONV, 7, 5, 1, 0},       {MRL_LAYER_MAXPOOL, 0, 2, 0, 0},
            {MRL_LAYER_RELU, 0, 0, 0, 0},       {MRL_LAYER_FLATTEN, 0, 0, 0, 0},
            {MRL_LAYER_DENSE, 9, 0, 0, 0},      {MRL_LAYER_RELU, 0, 0, 0, 0},
            {MRL_LAYER_DROPOUT, 0, 0, 0, 0.5f}, {MRL_LAYER_DENSE, 2, 0, 0, 0}};
        mrl_arch_t a;
        a = arch(3, 6, 7, 1, conv_v), gradcheck("conv_k3_valid", &a, 2, MRL_NN_EXPLAIN, threads);
        a = arch(2, 5, 6, 1, conv_s5), gradcheck("conv_k5_same", &a, 2, MRL_NN_EXPLAIN, threads);
        a = arch(3, 5, 6, 1, conv_s4), gradcheck("conv_k4_same", &a, 2, MRL_NN_EXPLAIN, threads);
        a = arch(3, 5, 6, 2, conv_relu), gradcheck("conv_relu", &a, 2, MRL_NN_EXPLAIN, threads);
        a = arch(5, 7, 9, 1, pool), gradcheck("maxpool", &a, 2, MRL_NN_EXPLAIN, threads);
        a = arch(3, 4, 5, 1, relu), gradcheck("relu", &a, 2, MRL_NN_EXPLAIN, threads);
        a = arch(3, 4, 5, 1, drop), gradcheck("dropout", &a, 2, MRL_NN_TRAIN, threads);
        a = arch(2, 3, 4, 2, dense), gradcheck("dense", &a, 3, MRL_NN_EXPLAIN, threads);
        a = arch(3, 10, 14, 14, net), gradcheck("network", &a, 3, MRL_NN_TRAIN, threads);
    }
    test_xent();
    return test_summary("test_nn_grad");
}
