/*
 * test_tcav.c - concept tests (src/explain/tcav.c) against answers known by construction:
 * a hand-built network whose score is h0 - h1 + sum_j |h_j - 0.6| over a 40-unit layer
 * (its gradient there: +1 on unit 0, -1 on unit 1, a sign that changes from input to input
 * on the others) finds a concept planted on unit 0 (TCAV score ~1, significantly above the
 * random concepts; mean derivative +1 per unit of h0, times the layer's scale), one planted
 * on unit 1 (~0, -1: significantly below), and neither a concept planted on unit 5 (whose
 * gradient sign varies) nor a concept of random membership, by either statistic; the
 * CAV of a symmetric separable set points along the separating axis, and its 1-D optimum
 * solves sigma(-w) = l2 w; the directional derivative at a layer against central
 * differences of the score computed by hand above it; the Monte-Carlo p-value by hand and
 * uniform under the null; Benjamini-Hochberg by hand; default layers, bad arguments, determinism;
 * determinant membership without a duplex.
 */
#include "mirlens.h"
#include "test.h"

#define NIN 6   /* the small network of the derivative and error tests */
#define WIDE 40 /* the planted-concept network's input and hidden width */

/* flatten, dense h1, ReLU (layer 2), dense h2, ReLU (layer 4), dense 2 */
static mrl_arch_t tiny_arch(int in, int h1, int h2)
{
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = 1, a.in_h = 1, a.in_w = in, a.n_layers = 6;
    a.in_scale[0] = 1;
    const mrl_layer_spec_t L[6] = {{MRL_LAYER_FLATTEN, 0, 0, 0, 0}, {MRL_LAYER_DENSE, h1, 0, 0, 0},
                                   {MRL_LAYER_RELU, 0, 0, 0, 0},    {MRL_LAYER_DENSE, h2, 0, 0, 0},
                                   {MRL_LAYER_RELU, 0, 0, 0, 0},    {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    memcpy(a.layer, L, sizeof L);
    return a;
}

static void set_layer(mrl_model_t *m, int layer, const float *w, const float *b)
{
    size_t wo, wn, bo, bn;
    CHECK(mrl_model_layer_params(m, layer, &wo, &wn, &bo, &bn) == 0);
    memcpy(mrl_model_params(m) + wo, w, wn * sizeof *w);
    memcpy(mrl_model_params(m) + bo, b, bn * sizeof *b);
}

/* Layer 2: h = relu(x) (40 units). Layer 4: h0, h1, then relu(h_j - 0.6) and relu(0.6 -
 * h_j) for j = 2..39 (78 units). Margin z1 - z0 = h0 - h1 + sum_j |h_j - 0.6|. */
static mrl_model_t *planted_model(void)
{
    enum { H2 = 2 + 2 * (WIDE - 2) };
    mrl_arch_t a = tiny_arch(WIDE, WIDE, H2);
    mrl_model_t *m = NULL;
    CHECK(mrl_model_new(&m, &a, 1) == 0);
    float *w1 = calloc(WIDE * WIDE, sizeof *w1), b1[WIDE] = {0};
    float *w3 = calloc(H2 * WIDE, sizeof *w3), b3[H2] = {0}, w5[2 * H2] = {0}, b5[2] = {0};
    for (int u = 0; u < WIDE; u++)
        w1[u * WIDE + u] = 1;
    w3[0 * WIDE + 0] = 1, w3[1 * WIDE + 1] = 1;
    w5[H2 + 0] = 1, w5[H2 + 1] = -1;
    for (int j = 2; j < WIDE; j++) {
        int u = 2 + 2 * (j - 2);
        w3[u * WIDE + j] = 1, b3[u] = -0.6f;
        w3[(u + 1) * WIDE + j] = -1, b3[u + 1] = 0.6f;
        w5[H2 + u] = w5[H2 + u + 1] = 1;
    }
    set_layer(m, 1, w1, b1), set_layer(m, 3, w3, b3), set_layer(m, 5, w5, b5);
    mrl_model_touch(m);
    free(w1), free(w3);
    return m;
}

/* n inputs of WIDE values uniform in (0.1, 1.1); member[i] = 1 for the first half, where
 * input `unit` gets +1 when unit >= 0 (a planted concept; unit < 0: membership alone). */
static void planted_data(float *x, int8_t *member, size_t n, int unit, uint64_t seed)
{
    mrl_rng_t r;
    mrl_rng_init(&r, seed, 3);
    for (size_t i = 0; i < n; i++) {
        for (int j = 0; j < WIDE; j++)
            x[i * WIDE + (size_t)j] = 0.1f + mrl_rng_uniform(&r);
        member[i] = i < n / 2;
        if (unit >= 0 && member[i])
            x[i * WIDE + (size_t)unit] += 1;
    }
}

/* One run of concept k (planted on unit[k]) with statistic stat; its row into *w. */
static void planted_run(mrl_nn_t *nn, mrl_model_t *m, int unit, int k, int stat, mrl_tcav_row_t *w)
{
    enum { N = 120 };
    float *x = malloc(N * WIDE * sizeof *x);
    int8_t member[N];
    uint8_t cls[N];
    planted_data(x, member, N, unit, 7 + (uint64_t)k);
    for (int i = 0; i < N; i++) /* class inputs: the counterparts, nothing planted */
        cls[i] = member[i] == 0;
    mrl_concept_t c = {"planted", member};
    mrl_tcav_opts_t o;
    mrl_tcav_opts_default(&o);
    o.layers = (const int[]){2}, o.n_layers = 1, o.stat = stat;
    mrl_tcav_t t;
    memset(&t, 0, sizeof t);
    memset(w, 0, sizeof *w);
    CHECK(mrl_tcav_run(nn, m, x, N, cls, &c, 1, &o, &t) == 0);
    if (t.row) {
        *w = t.row[0];
        CHECK_INT(w->n_concept, N / 2);
        CHECK_INT(w->n_random, N / 2);
        CHECK_INT(w->n_side, 50);
        CHECK(w->p >= 0 && w->p <= 1 && w->q == w->p); /* one test: q = p */
        CHECK_INT(t.stat, stat);
    }
    fprintf(stderr, "  %s, unit %d: CAV acc %.2f score %.3f (random %.3f +- %.3f) p %.3g -> %s\n",
            stat ? "derivative" : "sign", unit, w->cav_accuracy, w->tcav_mean, w->random_mean,
            w->random_sd, w->p, mrl_tcav_verdict_name(w->verdict));
    mrl_tcav_release(&t);
    free(x);
}

static void test_planted(void)
{
    mrl_model_t *m = planted_model();
    mrl_nn_t *nn = test_nn_ctx(m, 1);
    /* concepts: planted on unit 0, on unit 1, on unit 5, and membership at random */
    const int unit[4] = {0, 1, 5, -1};
    const int want[4] = {MRL_TCAV_SIGNIFICANT, MRL_TCAV_SIGNIFICANT, MRL_TCAV_NS, MRL_TCAV_NS};
    for (int k = 0; k < 4; k++) {
        mrl_tcav_row_t w;
        planted_run(nn, m, unit[k], k, MRL_TCAV_STAT_SIGN, &w);
        CHECK_INT(w.verdict, want[k]);
        if (k == 0) /* the CAV is +e0 up to noise: the derivative is > 0 nearly everywhere */
            CHECK(w.tcav_mean > 0.95 && w.cav_accuracy > 0.9 && w.p == 1.0 / 201);
        else if (k == 1) /* +e1: derivative -v1 < 0 nearly everywhere */
            CHECK(w.tcav_mean < 0.05 && w.cav_accuracy > 0.9 && w.p == 1.0 / 201);
        else if (k == 2) /* +e5: the sign of d/dh5 is that of x5 - 0.6, half the inputs */
            CHECK(w.tcav_mean > 0.3 && w.tcav_mean < 0.7 && w.cav_accuracy > 0.9);
        else /* nothing to learn: held-out accuracy near chance */
            CHECK(w.cav_accuracy < 0.7);
        /* random concepts: random directions, about half the inputs either way */
        CHECK(w.random_mean > 0.4 && w.random_mean < 0.6 && w.random_sd < 0.1);
        /* the mean derivative along the unit CAV v: (+1 or -1) v0 or v1 per unit of h, times
         * the layer's scale (root mean squared norm of the centred activations: 40 units of
         * variance 1/12, plus the planted unit's 1/4), give or take the other units' mean
         * signs; |v0| <= 1, near 1 */
        planted_run(nn, m, unit[k], k, MRL_TCAV_STAT_DERIV, &w);
        CHECK_INT(w.verdict, want[k]);
        double scale = sqrt(40.0 / 12 + 0.25), v = k == 0 ? w.tcav_mean : -w.tcav_mean;
        if (k < 2)
            CHECK(v > 0.6 * scale && v < 1.2 * scale);
        CHECK(fabs(w.random_mean) < 0.2 * scale);
    }
    mrl_nn_free(nn);
    mrl_model_free(m);
}

/* The margin of the tiny model from layer 2's output h (5) up, in double, by hand. */
static double margin_above(const mrl_model_t *m, const double *h)
{
    const float *p = mrl_model_params((mrl_model_t *)m);
    size_t wo, wn, bo, bn, wo5, wn5, bo5, bn5;
    if (mrl_model_layer_params(m, 3, &wo, &wn, &bo, &bn) ||
        mrl_model_layer_params(m, 5, &wo5, &wn5, &bo5, &bn5))
        return (double)NAN;
    double h2[3], z[2];
    for (int j = 0; j < 3; j++) {
        double s = (double)p[bo + (size_t)j];
        for (int i = 0; i < 5; i++)
            s += (double)p[wo + (size_t)(j * 5 + i)] * h[i];
        h2[j] = s > 0 ? s : 0;
    }
    for (int k = 0; k < 2; k++) {
        z[k] = (double)p[bo5 + (size_t)k];
        for (int j = 0; j < 3; j++)
            z[k] += (double)p[wo5 + (size_t)(k * 3 + j)] * h2[j];
    }
    return z[1] - z[0];
}

static void test_directional(void)
{
    mrl_arch_t a = tiny_arch(NIN, 5, 3);
    mrl_model_t *m = NULL;
    CHECK(mrl_model_new(&m, &a, 5) == 0);
    float *p = mrl_model_params(m);
    mrl_rng_t r;
    mrl_rng_init(&r, 5, 1);
    for (size_t i = 0; i < mrl_model_nparams(m); i++) /* non-zero biases: no ReLU ties */
        p[i] = 1.5f * p[i] + 0.3f * (mrl_rng_uniform(&r) - 0.3f);
    mrl_model_touch(m);
    mrl_nn_t *nn = test_nn_ctx(m, 1);
    enum { N = 8 };
    float x[N * NIN], act[N * 5], grad[N * 5], lg[N * 5];
    for (int i = 0; i < N * NIN; i++)
        x[i] = 2 * mrl_rng_uniform(&r) - 1;
    mrl_tcav_opts_t o;
    mrl_tcav_opts_default(&o);
    CHECK(mrl_tcav_layer_read(nn, m, x, N, 2, &o, act, grad) == 0);
    o.margin = 0; /* the logit z1 alone */
    CHECK(mrl_tcav_layer_read(nn, m, x, N, 2, &o, NULL, lg) == 0);
    size_t wo, wn, bo, bn;
    CHECK(mrl_model_layer_params(m, 1, &wo, &wn, &bo, &bn) == 0);
    int checked = 0, bad = 0;
    for (int i = 0; i < N; i++) {
        double h[5], v[5], hp[5], hm[5], gv = 0, nv = 0;
        for (int u = 0; u < 5; u++) { /* layer 2 by hand: relu(W1 x + b1) */
            double s = (double)p[bo + (size_t)u];
            for (int j = 0; j < NIN; j++)
                s += (double)p[wo + (size_t)(u * NIN + j)] * (double)x[i * NIN + j];
            h[u] = s > 0 ? s : 0;
            CHECK_CLOSE(act[i * 5 + u], h[u], 1e-5, 1e-5);
            v[u] = (double)mrl_rng_uniform(&r) - 0.5;
            nv += v[u] * v[u];
        }
        for (int u = 0; u < 5; u++)
            v[u] /= sqrt(nv), gv += (double)grad[i * 5 + u] * v[u];
        const double eps = 1e-4;
        for (int u = 0; u < 5; u++)
            hp[u] = h[u] + eps * v[u], hm[u] = h[u] - eps * v[u];
        double f1 = (margin_above(m, hp) - margin_above(m, hm)) / (2 * eps);
        for (int u = 0; u < 5; u++)
            hp[u] = h[u] + 2 * eps * v[u], hm[u] = h[u] - 2 * eps * v[u];
        double f2 = (margin_above(m, hp) - margin_above(m, hm)) / (4 * eps);
        if (fabs(f1 - f2) > 1e-6) /* a ReLU kink of layer 4 within the step */
            continue;
        checked++;
        bad += fabs(f1 - gv) > 1e-4 + 1e-4 * fabs(f1);
        /* the logit's gradient differs from the margin's by d z0 / d h */
        double dz = 0;
        for (int u = 0; u < 5; u++)
            dz += (double)(lg[i * 5 + u] - grad[i * 5 + u]) * v[u];
        CHECK(isfinite(dz));
    }
    fprintf(stderr, "  directional derivative vs central differences: %d of %d inputs\n", checked,
            N);
    CHECK(checked >= N / 2);
    CHECK_INT(bad, 0);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

/* Symmetric separable points: concept (2,0) (3,1) (3,-1), counterpart the mirror images.
 * By symmetry w = (w1, 0), b = 0, and the CAV is (1, 0). */
static void test_cav_fit(void)
{
    const double X[6][2] = {{2, 0}, {3, 1}, {3, -1}, {-2, 0}, {-3, 1}, {-3, -1}};
    double K[36], alpha[6], b;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            K[i * 6 + j] = X[i][0] * X[j][0] + X[i][1] * X[j][1];
    const size_t idx[6] = {0, 1, 2, 3, 4, 5};
    const int8_t y[6] = {1, 1, 1, -1, -1, -1};
    mrl_tcav_opts_t o;
    mrl_tcav_opts_default(&o);
    o.iters = 2000;
    CHECK(mrl_cav_fit(K, 6, idx, y, 6, &o, alpha, &b) == 0);
    double w[2] = {0, 0};
    for (int i = 0; i < 6; i++)
        w[0] += alpha[i] * X[i][0], w[1] += alpha[i] * X[i][1];
    CHECK(w[0] > 0.1);
    CHECK_CLOSE(w[1] / w[0], 0, 1e-9, 0);
    CHECK_CLOSE(b, 0, 1e-9, 0);
    /* stationarity: the gradient (1/n) sum -y_i x_i sigma(-y_i f_i) + l2 w vanishes */
    double g[2] = {o.l2 * w[0], o.l2 * w[1]};
    for (int i = 0; i < 6; i++) {
        double f = w[0] * X[i][0] + w[1] * X[i][1] + b, s = 1 / (1 + exp(y[i] * f));
        g[0] -= y[i] * X[i][0] * s / 6, g[1] -= y[i] * X[i][1] * s / 6;
    }
    CHECK_CLOSE(g[0], 0, 1e-9, 0);
    CHECK_CLOSE(g[1], 0, 1e-9, 0);
    /* 1-D: x = +1 (y = +1), -1 (y = -1): the loss is log(1 + e^-w) + l2 w^2 / 2, its optimum
     * sigma(-w) = l2 w, solved here by bisection */
    double K1[4] = {1, -1, -1, 1}, a1[2], b1, lo = 0, hi = 100;
    const size_t i1[2] = {0, 1};
    const int8_t y1[2] = {1, -1};
    CHECK(mrl_cav_fit(K1, 2, i1, y1, 2, &o, a1, &b1) == 0);
    for (int it = 0; it < 200; it++) {
        double mid = (lo + hi) / 2;
        if (1 / (1 + exp(mid)) > o.l2 * mid)
            lo = mid;
        else
            hi = mid;
    }
    CHECK_CLOSE(a1[0] - a1[1], lo, 1e-7, 1e-7);
    CHECK_CLOSE(b1, 0, 1e-9, 0);
    /* bad input */
    const int8_t ybad[2] = {1, 0};
    CHECK(mrl_cav_fit(K1, 2, i1, ybad, 2, &o, a1, &b1) == MRL_ERR_ARG);
    CHECK(mrl_cav_fit(K1, 2, i1, y1, 1, &o, a1, &b1) == MRL_ERR_ARG);
}

static void test_mc_pvalue(void)
{
    /* null 1..9 (mean 5): t = 9 is as far as 1 and 9: (1 + 2) / 10; t = 5: all (1 + 9) / 10;
     * t = 100: none, (1 + 0) / 10; t = 2 (distance 3): 1, 2, 8, 9 -> 5 / 10 */
    const double nul[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    CHECK_CLOSE(mrl_mc_pvalue(9, nul, 9), 0.3, 1e-15, 0);
    CHECK_CLOSE(mrl_mc_pvalue(5, nul, 9), 1.0, 1e-15, 0);
    CHECK_CLOSE(mrl_mc_pvalue(100, nul, 9), 0.1, 1e-15, 0);
    CHECK_CLOSE(mrl_mc_pvalue(-100, nul, 9), 0.1, 1e-15, 0);
    CHECK_CLOSE(mrl_mc_pvalue(2, nul, 9), 0.5, 1e-15, 0);
    /* a constant null: equal is p = 1, anything else 1 / (n + 1) */
    const double z[4] = {0.5, 0.5, 0.5, 0.5};
    CHECK_CLOSE(mrl_mc_pvalue(0.5, z, 4), 1.0, 1e-15, 0);
    CHECK_CLOSE(mrl_mc_pvalue(0.6, z, 4), 0.2, 1e-15, 0);
    CHECK(isnan(mrl_mc_pvalue(1, z, 0)) && isnan(mrl_mc_pvalue((double)NAN, z, 4)));
    /* under the null, p is uniform on {1, ..., n+1} / (n+1): P(p <= 0.05) ~ 0.05 */
    mrl_rng_t r;
    mrl_rng_init(&r, 11, 0);
    int small = 0;
    double draws[200];
    for (int rep = 0; rep < 2000; rep++) {
        for (int j = 0; j < 199; j++)
            draws[j] = (double)mrl_rng_normal(&r);
        small += mrl_mc_pvalue((double)mrl_rng_normal(&r), draws, 199) <= 0.05;
    }
    fprintf(stderr, "  Monte-Carlo p <= 0.05 under the null: %d of 2000\n", small);
    CHECK(small > 60 && small < 145); /* 100 expected; binomial sd 9.7 */
}

static void test_bh(void)
{
    /* sorted 0.005 0.01 0.03 0.04 (m = 4): 0.02 0.02 0.04 0.04 */
    double p[5] = {0.01, 0.04, 0.03, 0.005, (double)NAN}, q[5];
    CHECK(mrl_bh_adjust(p, 5, q) == 0);
    CHECK_CLOSE(q[0], 0.02, 1e-15, 0);
    CHECK_CLOSE(q[1], 0.04, 1e-15, 0);
    CHECK_CLOSE(q[2], 0.04, 1e-15, 0);
    CHECK_CLOSE(q[3], 0.02, 1e-15, 0);
    CHECK(isnan(q[4]));
    /* monotone from the top: raw 0.04 0.03 -> 0.03 0.03; capped at 1; in place */
    double r[3] = {0.02, 0.03, 0.9};
    CHECK(mrl_bh_adjust(r, 3, r) == 0);
    CHECK_CLOSE(r[0], 0.045, 1e-15, 0);
    CHECK_CLOSE(r[1], 0.045, 1e-15, 0);
    CHECK_CLOSE(r[2], 0.9, 1e-15, 0);
    double s[2] = {0.6, 0.7};
    CHECK(mrl_bh_adjust(s, 2, s) == 0);
    CHECK_CLOSE(s[0], 0.7, 1e-15, 0);
    CHECK(s[1] <= 1);
}

static void test_layers_and_errors(void)
{
    mrl_arch_t a;
    mrl_arch_default(&a, 3);
    int layers[MRL_NN_MAX_LAYERS];
    const int want[7] = {1, 3, 7, 9, 13, 15, 20};
    CHECK_INT(mrl_tcav_default_layers(&a, layers), 7);
    for (int k = 0; k < 7; k++)
        CHECK_INT(layers[k], want[k]);
    mrl_model_t *m = planted_model();
    mrl_nn_t *nn = test_nn_ctx(m, 1);
    enum { N = 40 };
    float x[N * WIDE];
    int8_t member[N];
    uint8_t cls[N] = {0};
    planted_data(x, member, N, 0, 3);
    mrl_concept_t c = {"c", member};
    mrl_tcav_opts_t o;
    mrl_tcav_opts_default(&o);
    mrl_tcav_t t;
    memset(&t, 0, sizeof t);
    CHECK(mrl_tcav_run(nn, m, x, N, cls, &c, 1, &o, &t) == MRL_ERR_ARG); /* no class input */
    CHECK(strstr(mrl_errmsg(), "class input") != NULL);
    memset(cls, 1, sizeof cls);
    o.layers = (const int[]){1}, o.n_layers = 1; /* dense fused with its ReLU */
    CHECK(mrl_tcav_run(nn, m, x, N, cls, &c, 1, &o, &t) == MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "use 2") != NULL);
    o.layers = (const int[]){5}; /* the output */
    CHECK(mrl_tcav_run(nn, m, x, N, cls, &c, 1, &o, &t) == MRL_ERR_ARG);
    o.layers = NULL, o.n_layers = 0, o.runs = 1;
    CHECK(mrl_tcav_run(nn, m, x, N, cls, &c, 1, &o, &t) == MRL_ERR_ARG);
    CHECK(t.row == NULL);
    /* too few examples: untested, NaN p, left out of the q-values */
    mrl_tcav_opts_default(&o);
    o.runs = 10, o.min_n = 25; /* 20 per side */
    CHECK(mrl_tcav_run(nn, m, x, N, cls, &c, 1, &o, &t) == 0);
    CHECK_INT(t.n_layers, 2); /* layers 2 and 4 */
    CHECK_INT(t.row[0].verdict, MRL_TCAV_UNTESTED);
    CHECK(isnan(t.row[0].p) && isnan(t.row[0].q));
    mrl_tcav_release(&t);
    /* determinism: the same seed, the same bits; another seed, other subsets */
    mrl_tcav_opts_default(&o);
    o.runs = 20;
    mrl_tcav_t t2;
    memset(&t2, 0, sizeof t2);
    CHECK(mrl_tcav_run(nn, m, x, N, cls, &c, 1, &o, &t) == 0);
    CHECK(mrl_tcav_run(nn, m, x, N, cls, &c, 1, &o, &t2) == 0);
    CHECK(t.row && t2.row && memcmp(t.row, t2.row, 2 * sizeof *t.row) == 0);
    CHECK(t.scores && t2.scores && memcmp(t.scores, t2.scores, 2 * 23 * sizeof(float)) == 0);
    mrl_tcav_release(&t), mrl_tcav_release(&t2);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

static void test_det_member(void)
{
    int8_t mem[MRL_NDET];
    const int partner[4] = {3, -1, -1, 0};
    CHECK(mrl_tcav_det_member("GAAC", partner, 4, NULL, mem) == 0);
    for (int d = 0; d < MRL_NDET; d++)
        CHECK_INT(mem[d], -1);
}

int main(void)
{
    test_cav_fit();
    test_mc_pvalue();
    test_bh();
    test_directional();
    test_planted();
    test_layers_and_errors();
    test_det_member();
    return test_summary("test_tcav");
}
