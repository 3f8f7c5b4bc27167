/*
 * test_explain.c - attribution methods against what they must satisfy: the vanilla
 * gradient against central differences of the logit (kinks skipped); the guided and
 * deconvnet rules on a hand-built net with a known answer; integrated-gradients
 * completeness (1% at 256 steps); SHAP efficiency (expected gradients, KernelSHAP) and
 * KernelSHAP / nucleotide occlusion exact on a linear model; occlusion finding the one
 * region a synthetic network looks at; Grad-CAM by hand; structure contexts; .npy bytes;
 * determinism (same seed, same map with 1 or 2 threads and in a batch or alone); the method
 * table; the caller's logits giving the same bits as explain's own scoring.
 */
#include "mirlens.h"
#include "test.h"

#define D (3 * MRL_IMG_H * MRL_IMG_W)
#define PLANE (MRL_IMG_H * MRL_IMG_W)

static mrl_arch_t arch(int c, int h, int w, int nl, const mrl_layer_spec_t *L)
{
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = c, a.in_h = h, a.in_w = w, a.n_layers = nl;
    for (int i = 0; i < c; i++)
        a.in_scale[i] = 1.0f / 255.0f;
    memcpy(a.layer, L, (size_t)nl * sizeof *L);
    return a;
}

static mrl_nn_t *ctx(mrl_model_t *m, int threads)
{
    return test_nn_ctx(m, threads);
}

static float logit_of(mrl_nn_t *nn, const mrl_model_t *m, const float *x, int t)
{
    float z[16];
    if (mrl_nn_forward(nn, x, 1, MRL_NN_INFER, NULL) != 0 ||
        mrl_nn_read(nn, mrl_model_arch(m)->n_layers - 1, 0, z) != 0)
        exit(2);
    return z[t];
}

static double fd(mrl_nn_t *nn, const mrl_model_t *m, float *x, size_t j, double h)
{
    float keep = x[j];
    x[j] = (float)((double)keep + h);
    double hp = (double)x[j] - (double)keep, lp = (double)logit_of(nn, m, x, 1);
    x[j] = (float)((double)keep - h);
    double hm = (double)keep - (double)x[j], lm = (double)logit_of(nn, m, x, 1);
    x[j] = keep;
    return (lp - lm) / (hp + hm);
}

static mrl_model_t *small_model(uint64_t seed, float gain)
{
    mrl_layer_spec_t L[] = {{MRL_LAYER_CONV, 4, 3, 1, 0},
                            {MRL_LAYER_RELU, 0, 0, 0, 0},
                            {MRL_LAYER_MAXPOOL, 0, 2, 0, 0},
                            {MRL_LAYER_FLATTEN, 0, 0, 0, 0},
                            {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    mrl_arch_t a = arch(3, MRL_IMG_H, MRL_IMG_W, 5, L);
    mrl_model_t *m = NULL;
    CHECK(mrl_model_new(&m, &a, seed) == 0);
    float *p = mrl_model_params(m);
    mrl_rng_t r;
    mrl_rng_init(&r, seed, 9);
    for (size_t i = 0; i < mrl_model_nparams(m); i++) /* stronger weights, non-zero biases */
        p[i] = gain * p[i] + 0.05f * (2 * mrl_rng_uniform(&r) - 1);
    mrl_model_touch(m);
    return m;
}

static void test_gradient_fd(void)
{
    mrl_model_t *m = small_model(11, 1);
    mrl_nn_t *nn = ctx(m, 1);
    float *x = malloc(D * sizeof(float)), *g = malloc(D * sizeof(float));
    test_hairpin_x(m, x, 0);
    mrl_rng_t r;
    mrl_rng_init(&r, 5, 5);
    for (size_t i = 0; i < D; i++) /* off the exact 0/1 grid: fewer ties in max-pool */
        x[i] += 0.05f * (mrl_rng_uniform(&r) - 0.5f);
    mrl_explain_opts_t o;
    mrl_explain_opts_default(&o);
    o.method = MRL_EXPLAIN_GRADIENT;
    mrl_explain_info_t info;
    CHECK(mrl_explain(nn, m, x, 1, &o, g, &info) == 0);
    CHECK_CLOSE(info.score, logit_of(nn, m, x, 1), 1e-6, 1e-6);
    int checked = 0, bad = 0;
    for (int t = 0; t < 60; t++) {
        size_t j = mrl_rng_below(&r, D);
        double f1 = fd(nn, m, x, j, 4e-4), f2 = fd(nn, m, x, j, 2e-4);
        double f3 = fd(nn, m, x, j, 1e-4), tol = 2e-3 + 1e-2 * fabs(f3);
        if (fabs(f1 - f2) > tol / 2 || fabs(f2 - f3) > tol / 2) /* a kink within the steps */
            continue;
        checked++;
        if (fabs(f3 - (double)g[j]) > tol && bad++ < 3)
            fprintf(stderr, "  grad[%zu]: numerical %.6g analytical %.6g\n", j, f3, (double)g[j]);
    }
    fprintf(stderr, "  gradient vs central differences: %d points checked\n", checked);
    CHECK(bad == 0);
    CHECK(checked >= 40);
    free(x), free(g);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

/* x (3 inputs) -> dense 3 (identity) -> ReLU -> dense 2. Class-1 weights (1, 2, -3) on
 * h = relu(x) at x = (0.5, -0.7, 0.3): unit 2 is off, unit 3 has a negative gradient.
 * standard: (1, 0, -3); guided: (1, 0, 0); deconvnet: (1, 2, 0). */
static void test_rules(void)
{
    mrl_layer_spec_t L[] = {{MRL_LAYER_FLATTEN, 0, 0, 0, 0},
                            {MRL_LAYER_DENSE, 3, 0, 0, 0},
                            {MRL_LAYER_RELU, 0, 0, 0, 0},
                            {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    mrl_arch_t a = arch(1, 1, 3, 4, L);
    a.in_scale[0] = 0; /* white = 0: gradient x input is then g * x */
    mrl_model_t *m = NULL;
    CHECK(mrl_model_new(&m, &a, 1) == 0);
    float *p = mrl_model_params(m);
    size_t wo, wn, bo, bn;
    CHECK(mrl_model_layer_params(m, 1, &wo, &wn, &bo, &bn) == 0);
    for (int i = 0; i < 9; i++)
        p[wo + (size_t)i] = i % 4 == 0 ? 1.0f : 0.0f;
    for (size_t i = 0; i < bn; i++)
        p[bo + i] = 0;
    CHECK(mrl_model_layer_params(m, 3, &wo, &wn, &bo, &bn) == 0);
    const float w2[6] = {0.3f, -0.2f, 0.1f, 1, 2, -3};
    memcpy(p + wo, w2, sizeof w2);
    p[bo] = p[bo + 1] = 0;
    mrl_model_touch(m);
    mrl_nn_t *nn = ctx(m, 1);
    const float x[3] = {0.5f, -0.7f, 0.3f};
    const float want[4][3] = {{1, 0, -3}, {1, 0, 0}, {1, 2, 0}, {0.5f, 0, -0.9f}};
    const int meth[4] = {MRL_EXPLAIN_GRADIENT, MRL_EXPLAIN_GUIDED, MRL_EXPLAIN_DECONVNET,
                         MRL_EXPLAIN_GRADIENT_X_INPUT};
    for (int k = 0; k < 4; k++) {
        mrl_explain_opts_t o;
        mrl_explain_opts_default(&o);
        o.method = meth[k];
        float g[3];
        mrl_explain_info_t info;
        CHECK(mrl_explain(nn, m, x, 1, &o, g, &info) == 0);
        for (int i = 0; i < 3; i++)
            CHECK_CLOSE(g[i], want[k][i], 1e-6, 1e-6);
        CHECK_CLOSE(info.score, 0.5 - 0.9, 1e-6, 1e-6);
    }
    /* target 0: standard rule gives W2[0] masked: (0.3, 0, 0.1) */
    mrl_explain_opts_t o;
    mrl_explain_opts_default(&o);
    o.method = MRL_EXPLAIN_GRADIENT;
    o.target = 0;
    float g[3];
    CHECK(mrl_explain(nn, m, x, 1, &o, g, NULL) == 0);
    CHECK_CLOSE(g[0], 0.3, 1e-6, 1e-6);
    CHECK_CLOSE(g[1], 0, 1e-6, 1e-6);
    CHECK_CLOSE(g[2], 0.1, 1e-6, 1e-6);
    o.target = 2;
    CHECK(mrl_explain(nn, m, x, 1, &o, g, NULL) == MRL_ERR_ARG);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

static void test_axioms(void)
{
    mrl_model_t *m = small_model(23, 3);
    mrl_nn_t *nn = ctx(m, 2);
    float *x = malloc(4 * D * sizeof(float)), *map = malloc(D * sizeof(float));
    test_hairpin_x(m, x, 1);
    mrl_explain_opts_t o;
    mrl_explain_opts_default(&o);
    mrl_explain_info_t info;
    o.method = MRL_EXPLAIN_IG;
    o.steps = 256;
    CHECK(mrl_explain(nn, m, x, 1, &o, map, &info) == 0);
    double diff = (double)info.score - (double)info.ref;
    fprintf(stderr, "  ig: f(x) - f(white) = %.5g, gap %.3g\n", diff, (double)info.gap);
    CHECK(fabs(diff) > 0.1);
    CHECK(fabs((double)info.gap) <= 0.01 * fabs(diff));
    /* expected gradients against a background of white + two images */
    memcpy(x + D, x, D * sizeof(float));
    test_hairpin_x(m, x + 2 * D, 0);
    for (size_t i = 0; i < D; i++)
        x[3 * D + i] = 1.0f;
    test_hairpin_x(m, x + D, 0);
    for (size_t i = 0; i < D; i++) /* a mixed background image */
        x[D + i] = i % 7 ? x[D + i] : 0.0f;
    o.method = MRL_EXPLAIN_SHAP;
    o.samples = 384;
    o.background = x + D;
    o.n_background = 3;
    CHECK(mrl_explain(nn, m, x, 1, &o, map, &info) == 0);
    diff = (double)info.score - (double)info.ref;
    fprintf(stderr, "  shap: f(x) - E f(b) = %.5g, gap %.3g\n", diff, (double)info.gap);
    CHECK(fabs((double)info.gap) <= 0.03 * fabs(diff) + 1e-3);
    o.method = MRL_EXPLAIN_KERNEL_SHAP;
    o.kshap_samples = 256;
    o.background = NULL;
    o.n_background = 0;
    CHECK(mrl_explain(nn, m, x, 1, &o, map, &info) == 0);
    fprintf(stderr, "  kernel-shap: gap %.3g\n", (double)info.gap);
    CHECK(fabs((double)info.gap) <= 1e-3 * fabs((double)info.score - (double)info.ref) + 1e-4);
    free(x), free(map);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

/* flatten -> dense 2 with given class-1 weights (all channels alike), zero class 0. */
static mrl_model_t *linear_model(const float *w1 /* (H,W) */)
{
    mrl_layer_spec_t L[] = {{MRL_LAYER_FLATTEN, 0, 0, 0, 0}, {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    mrl_arch_t a = arch(3, MRL_IMG_H, MRL_IMG_W, 2, L);
    mrl_model_t *m = NULL;
    CHECK(mrl_model_new(&m, &a, 1) == 0);
    float *p = mrl_model_params(m);
    size_t wo, wn, bo, bn;
    CHECK(mrl_model_layer_params(m, 1, &wo, &wn, &bo, &bn) == 0);
    memset(p + wo, 0, wn * sizeof(float));
    for (int c = 0; c < 3; c++)
        for (int q = 0; q < PLANE; q++)
            p[wo + D + (size_t)c * PLANE + (size_t)q] = w1[q];
    p[bo] = 0, p[bo + 1] = 0.25f;
    mrl_model_touch(m);
    return m;
}

/* A network that only looks at rows 4..8, columns 40..47: occlusion must find that block. */
static void test_occlusion(void)
{
    float *w1 = calloc(PLANE, sizeof(float)), *x = malloc(D * sizeof(float));
    float *map = malloc(D * sizeof(float)), *s = malloc(PLANE * sizeof(float));
    for (int r = 4; r <= 8; r++)
        for (int c = 40; c <= 47; c++)
            w1[r * MRL_IMG_W + c] = -0.1f;
    mrl_model_t *m = linear_model(w1);
    mrl_nn_t *nn = ctx(m, 1);
    test_hairpin_x(m, x, 1);
    for (int ch = 0; ch < 3; ch++) /* make sure the block is not white */
        for (int r = 2; r <= 10; r++)
            for (int c = 36; c <= 50; c++)
                x[ch * PLANE + r * MRL_IMG_W + c] = 0;
    mrl_explain_opts_t o;
    mrl_explain_opts_default(&o);
    o.method = MRL_EXPLAIN_OCCLUSION;
    o.patch_h = o.patch_w = 3;
    o.stride = 1;
    mrl_explain_info_t info;
    CHECK(mrl_explain(nn, m, x, 1, &o, map, &info) == 0);
    mrl_explain_channel_sum(map, 1, 3, MRL_IMG_H, MRL_IMG_W, s);
    int best = 0, outside = 0;
    for (int q = 0; q < PLANE; q++) {
        int r = q / MRL_IMG_W, c = q % MRL_IMG_W;
        best = s[q] > s[best] ? q : best;
        if ((r < 2 || r > 10 || c < 38 || c > 49) && s[q] != 0)
            outside++;
    }
    CHECK(best / MRL_IMG_W >= 4 && best / MRL_IMG_W <= 8);
    CHECK(best % MRL_IMG_W >= 40 && best % MRL_IMG_W <= 47);
    CHECK(s[best] > 0);
    CHECK_INT(outside, 0);
    free(w1), free(x), free(map), free(s);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

/* On a linear model, KernelSHAP and nucleotide occlusion give each bar its exact share
 * w . (x - white) over the bar's pixels. */
static void test_linear_shares(void)
{
    float *w1 = malloc(PLANE * sizeof(float)), *x = malloc(D * sizeof(float));
    float *map = malloc(D * sizeof(float)), *s = malloc(PLANE * sizeof(float));
    mrl_rng_t r;
    mrl_rng_init(&r, 3, 3);
    for (int q = 0; q < PLANE; q++)
        w1[q] = 0.2f * (mrl_rng_uniform(&r) - 0.5f);
    mrl_model_t *m = linear_model(w1);
    mrl_nn_t *nn = ctx(m, 1);
    test_hairpin_x(m, x, 0);
    const int meth[2] = {MRL_EXPLAIN_KERNEL_SHAP, MRL_EXPLAIN_OCCLUSION_NT};
    for (int k = 0; k < 2; k++) {
        mrl_explain_opts_t o;
        mrl_explain_opts_default(&o);
        o.method = meth[k];
        o.kshap_samples = 128;
        CHECK(mrl_explain(nn, m, x, 1, &o, map, NULL) == 0);
        mrl_explain_channel_sum(map, 1, 3, MRL_IMG_H, MRL_IMG_W, s);
        double worst = 0;
        for (int c = 0; c < MRL_IMG_W; c++)
            for (int half = 0; half < 2; half++) {
                double want = 0, got = 0;
                for (int row = half ? 13 : 0; row < (half ? MRL_IMG_H : 13); row++) {
                    int q = row * MRL_IMG_W + c;
                    for (int ch = 0; ch < 3; ch++)
                        want += (double)w1[q] * ((double)x[ch * PLANE + q] - 1.0);
                    got += (double)s[q];
                }
                worst = fmax(worst, fabs(got - want));
            }
        fprintf(stderr, "  %s on a linear model: worst bar error %.2g\n",
                mrl_explain_method_name(meth[k]), worst);
        CHECK(worst < 1e-4);
    }
    free(w1), free(x), free(map), free(s);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

/* Grad-CAM is non-negative and spatial (equal over channels); every method runs; the same
 * seed gives the same map with 1 or 2 threads and alone or in a batch. */
static void test_methods_run(void)
{
    mrl_model_t *m = small_model(31, 3);
    mrl_nn_t *nn1 = ctx(m, 1), *nn2 = ctx(m, 2);
    float *x = malloc(2 * D * sizeof(float)), *a = malloc(2 * D * sizeof(float));
    float *b = malloc(2 * D * sizeof(float));
    test_hairpin_x(m, x, 0);
    test_hairpin_x(m, x + D, 1);
    for (int meth = 0; meth < MRL_EXPLAIN_NMETHODS; meth++) {
        mrl_explain_opts_t o;
        mrl_explain_opts_default(&o);
        o.method = meth;
        o.samples = 8;
        o.steps = 8;
        o.kshap_samples = 64;
        o.batch = 5;
        CHECK(mrl_explain(nn1, m, x, 2, &o, a, NULL) == 0);
        CHECK(mrl_explain(nn2, m, x, 1, &o, b, NULL) == 0);
        int same = memcmp(a, b, D * sizeof(float)) == 0, finite = 1;
        for (size_t i = 0; i < 2 * D; i++)
            finite &= isfinite(a[i]);
        if (!same || !finite)
            fprintf(stderr, "  %s: same %d finite %d\n", mrl_explain_method_name(meth), same,
                    finite);
        CHECK(same && finite);
        CHECK_INT(mrl_explain_method_find(mrl_explain_method_name(meth)), meth);
        if (meth == MRL_EXPLAIN_GRADCAM) {
            int ok = 1;
            for (size_t i = 0; i < PLANE; i++)
                ok &= a[i] >= 0 && a[i] == a[PLANE + i] && a[i] == a[2 * PLANE + i];
            CHECK(ok);
        }
    }
    CHECK_INT(mrl_explain_method_find("ig"), MRL_EXPLAIN_IG);
    CHECK_INT(mrl_explain_method_find("nope"), -1);
    mrl_explain_opts_t o;
    mrl_explain_opts_default(&o);
    o.method = MRL_EXPLAIN_GRADCAM;
    o.layer = 4; /* the dense layer */
    CHECK(mrl_explain(nn1, m, x, 1, &o, a, NULL) == MRL_ERR_ARG);
    free(x), free(a), free(b);
    mrl_nn_free(nn1), mrl_nn_free(nn2);
    mrl_model_free(m);
}

/* Grad-CAM by hand: 1x1 conv (weight 1, bias 0) -> ReLU -> dense on a 1x2x2 input.
 * A = relu(x), dlogit/dA = w1 (class-1 dense weights), alpha = mean(w1), cam =
 * relu(alpha * A); same size as the input, so the upsampling is the identity. */
static void test_gradcam_by_hand(void)
{
    mrl_layer_spec_t L[] = {{MRL_LAYER_CONV, 1, 1, 0, 0},
                            {MRL_LAYER_RELU, 0, 0, 0, 0},
                            {MRL_LAYER_FLATTEN, 0, 0, 0, 0},
                            {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    mrl_arch_t a = arch(1, 2, 2, 4, L);
    mrl_model_t *m = NULL;
    CHECK(mrl_model_new(&m, &a, 1) == 0);
    float *p = mrl_model_params(m);
    size_t wo, wn, bo, bn;
    CHECK(mrl_model_layer_params(m, 0, &wo, &wn, &bo, &bn) == 0);
    p[wo] = 1, p[bo] = 0;
    CHECK(mrl_model_layer_params(m, 3, &wo, &wn, &bo, &bn) == 0);
    const float w[8] = {0, 0, 0, 0, 0.5f, -0.1f, 0.3f, 0.1f};
    memcpy(p + wo, w, sizeof w);
    p[bo] = p[bo + 1] = 0;
    mrl_model_touch(m);
    mrl_nn_t *nn = ctx(m, 1);
    const float x[4] = {1, 2, -1, 0.5f};
    mrl_explain_opts_t o;
    mrl_explain_opts_default(&o);
    o.method = MRL_EXPLAIN_GRADCAM;
    float map[4];
    CHECK(mrl_explain(nn, m, x, 1, &o, map, NULL) == 0);
    const float want[4] = {0.2f, 0.4f, 0, 0.1f}; /* alpha = 0.2 */
    for (int i = 0; i < 4; i++)
        CHECK_CLOSE(map[i], want[i], 1e-6, 1e-5);
    o.method = MRL_EXPLAIN_GUIDED_GRADCAM; /* guided: w1 * [A > 0] * [w1 > 0] */
    CHECK(mrl_explain(nn, m, x, 1, &o, map, NULL) == 0);
    const float gg[4] = {0.5f * 0.2f, 0, 0, 0.1f * 0.1f};
    for (int i = 0; i < 4; i++)
        CHECK_CLOSE(map[i], gg[i], 1e-6, 1e-5);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

static void test_structure(void)
{
    /* 5' flank, stem, bulge, interior loop, hairpin, exterior, multiloop, 3' flank */
    const char *s = "..((.((..((...))..))))..((((...))((...))))..";
    size_t n = strlen(s);
    int pt[64];
    uint8_t c[64];
    CHECK(mrl_explain_structure(s, n, pt, c) == 0);
    CHECK_INT(pt[2], 21);
    CHECK_INT(pt[21], 2);
    CHECK_INT(pt[0], -1);
    CHECK_STR(mrl_context_name(c[0]), "flank5");
    CHECK_STR(mrl_context_name(c[2]), "stem");
    CHECK_STR(mrl_context_name(c[4]), "bulge");
    CHECK_STR(mrl_context_name(c[7]), "interior-loop");
    CHECK_STR(mrl_context_name(c[16]), "interior-loop");
    CHECK_STR(mrl_context_name(c[12]), "terminal-loop");
    CHECK_STR(mrl_context_name(c[22]), "exterior");
    CHECK_STR(mrl_context_name(c[43]), "flank3");
    const char *ml = "(((..((...))..((...))..)))";
    CHECK(mrl_explain_structure(ml, strlen(ml), pt, c) == 0);
    CHECK_STR(mrl_context_name(c[3]), "multiloop");
    CHECK_STR(mrl_context_name(c[8]), "terminal-loop");
    CHECK(mrl_explain_structure("((.)", 4, pt, c) == MRL_ERR_ARG);
    CHECK(mrl_explain_structure("(.))", 4, pt, c) == MRL_ERR_ARG);
    CHECK(mrl_explain_structure("(.x)", 4, pt, c) == MRL_ERR_ARG);
}

static void test_npy(void)
{
    char path[] = "/tmp/mirlens_test_npy_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    const float v[6] = {1, -2, 0.5f, 3, 4, 5};
    const size_t shape[2] = {2, 3};
    CHECK(mrl_npy_write(path, v, 2, shape) == 0);
    FILE *f = fopen(path, "rb");
    unsigned char buf[256];
    size_t got = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    CHECK_INT(got, 128 + 24);
    CHECK(memcmp(buf, "\x93NUMPY\x01\x00", 8) == 0);
    CHECK_INT(buf[8] + 256 * buf[9], 118);
    CHECK(memmem(buf, 128, "'shape': (2, 3)", 15) != NULL);
    CHECK_INT(buf[127], '\n');
    float back[6];
    memcpy(back, buf + 128, sizeof back);
    CHECK(memcmp(back, v, sizeof v) == 0);
    const size_t one[1] = {6};
    CHECK(mrl_npy_write(path, v, 1, one) == 0);
    f = fopen(path, "rb");
    got = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    CHECK(memmem(buf, 128, "'shape': (6,)", 13) != NULL);
    remove(path);
}

/* The method table: every method has a name that parses back, a family and the documented
 * contribution flag; out-of-range methods have none. Caller's logits (o.logits, one batched
 * forward pass as the pipeline makes them) give the same maps and info bits as explain's own
 * scoring, and they are what is used (a shifted logit shows in info.score). */
static void test_table_and_logits(void)
{
    const int contrib[MRL_EXPLAIN_NMETHODS] = {0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1};
    for (int meth = 0; meth < MRL_EXPLAIN_NMETHODS; meth++) {
        CHECK(mrl_explain_method_name(meth) != NULL && mrl_explain_method_family(meth) != NULL);
        CHECK_INT(mrl_explain_method_find(mrl_explain_method_name(meth)), meth);
        CHECK_INT(mrl_explain_method_is_contribution(meth), contrib[meth]);
    }
    CHECK_STR(mrl_explain_method_family(MRL_EXPLAIN_SMOOTHGRAD_GUIDED), "gradient");
    CHECK_STR(mrl_explain_method_family(MRL_EXPLAIN_KERNEL_SHAP), "shap");
    CHECK(mrl_explain_method_name(-1) == NULL &&
          mrl_explain_method_name(MRL_EXPLAIN_NMETHODS) == NULL);
    CHECK(mrl_explain_method_family(MRL_EXPLAIN_NMETHODS) == NULL);
    CHECK_INT(mrl_explain_method_is_contribution(MRL_EXPLAIN_NMETHODS), 0);

    enum { N = 3 };
    mrl_model_t *m = small_model(41, 3);
    mrl_nn_t *nn = ctx(m, 2);
    float *x = malloc(N * D * sizeof(float)), *a = malloc(N * D * sizeof(float));
    float *b = malloc(N * D * sizeof(float)), z[2 * N];
    test_hairpin_x(m, x, 0);
    test_hairpin_x(m, x + D, 1);
    for (size_t i = 0; i < D; i++)
        x[2 * D + i] = x[i] + x[D + i] * 0.25f;
    CHECK(mrl_nn_forward(nn, x, N, MRL_NN_INFER, NULL) == 0);
    CHECK(mrl_nn_read(nn, mrl_model_arch(m)->n_layers - 1, 0, z) == 0);
    for (int target = 0; target < 2; target++)
        for (int meth = 0; meth < MRL_EXPLAIN_NMETHODS; meth++) {
            mrl_explain_opts_t o;
            mrl_explain_opts_default(&o);
            o.method = meth, o.target = target;
            o.samples = 4, o.steps = 4, o.kshap_samples = 16, o.batch = 5;
            mrl_explain_info_t ia[N], ib[N];
            CHECK(mrl_explain(nn, m, x, N, &o, a, ia) == 0);
            o.logits = z;
            CHECK(mrl_explain(nn, m, x, N, &o, b, ib) == 0);
            int same = !memcmp(a, b, N * D * sizeof(float)) && !memcmp(ia, ib, sizeof ia);
            if (!same)
                fprintf(stderr, "  %s, target %d: caller's logits change the result\n",
                        mrl_explain_method_name(meth), target);
            CHECK(same);
        }
    float shifted[2 * N];
    memcpy(shifted, z, sizeof z);
    shifted[1] += 1.0f;
    mrl_explain_opts_t o;
    mrl_explain_opts_default(&o);
    o.method = MRL_EXPLAIN_OCCLUSION;
    o.logits = shifted;
    mrl_explain_info_t in[N];
    CHECK(mrl_explain(nn, m, x, N, &o, a, in) == 0);
    CHECK(in[0].score == shifted[1] && in[1].score == z[3]);
    free(x), free(a), free(b);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

int main(void)
{
    test_gradient_fd();
    test_rules();
    test_axioms();
    test_occlusion();
    test_linear_shares();
    test_methods_run();
    test_table_and_logits();
    test_gradcam_by_hand();
    test_structure();
    test_npy();
    return test_summary("test_explain");
}
