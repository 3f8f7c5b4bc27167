/*
 * test_sanity.c - the pieces of the model-parameter randomisation test (Adebayo et al.
 * 2018): Spearman's rho on hand-worked cases (perfect, reversed, ties, constant), its
 * invariance to monotone transforms and agreement with an O(n^2) rank count; rank
 * correlation of hand-made maps; model clones (same predictions, independent, no Adam
 * state); layer randomisation (only that layer, Glorot limit, zero biases, the exact
 * draws of PCG32(seed, 1 + layer), per-seed determinism); cascading randomisation seen by
 * a live context while the original model's outputs stay put; error cases.
 */
#include "mirlens.h"
#include "test.h"

#define C_ 3
#define H_ 8
#define W_ 12
#define D_ (C_ * H_ * W_)
#define NIMG 4

/* conv(4, 3x3 same) relu conv(2, 3x3 valid) relu maxpool2 flatten dense5 relu dense2:
 * layers with parameters 0, 2, 6, 8. */
static mrl_model_t *small_model(uint64_t seed)
{
    mrl_layer_spec_t L[] = {{MRL_LAYER_CONV, 4, 3, 1, 0},    {MRL_LAYER_RELU, 0, 0, 0, 0},
                            {MRL_LAYER_CONV, 2, 3, 0, 0},    {MRL_LAYER_RELU, 0, 0, 0, 0},
                            {MRL_LAYER_MAXPOOL, 0, 2, 0, 0}, {MRL_LAYER_FLATTEN, 0, 0, 0, 0},
                            {MRL_LAYER_DENSE, 5, 0, 0, 0},   {MRL_LAYER_RELU, 0, 0, 0, 0},
                            {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = C_, a.in_h = H_, a.in_w = W_, a.n_layers = 9;
    for (int i = 0; i < C_; i++)
        a.in_scale[i] = 1.0f;
    memcpy(a.layer, L, sizeof L);
    mrl_model_t *m = NULL;
    if (mrl_model_new(&m, &a, seed) != 0) {
        fprintf(stderr, "model_new: %s\n", mrl_errmsg());
        exit(2);
    }
    /* non-zero biases (and stronger weights), so that zeroing them is visible */
    float *p = mrl_model_params(m);
    mrl_rng_t r;
    mrl_rng_init(&r, seed, 99);
    for (size_t i = 0; i < mrl_model_nparams(m); i++)
        p[i] = 2 * p[i] + 0.1f * (2 * mrl_rng_uniform(&r) - 1);
    mrl_model_touch(m);
    return m;
}

static mrl_nn_t *ctx(mrl_model_t *m)
{
    return test_nn_ctx(m, 1);
}

static void inputs(float *x)
{
    mrl_rng_t r;
    mrl_rng_init(&r, 7, 7);
    for (size_t i = 0; i < (size_t)NIMG * D_; i++)
        x[i] = mrl_rng_uniform(&r);
}

static void predict(mrl_nn_t *nn, const float *x, float *probs)
{
    if (mrl_nn_predict(nn, x, NIMG, probs) != 0) {
        fprintf(stderr, "predict: %s\n", mrl_errmsg());
        exit(2);
    }
}

/* ---- Spearman ------------------------------------------------------------------------ */

/* Spearman by definition: ranks counted in O(n^2) (mean rank of ties), then Pearson. */
static double naive_spearman(const float *a, const float *b, size_t n)
{
    double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb), ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        double lt = 0, eq = 0, lt2 = 0, eq2 = 0;
        for (size_t j = 0; j < n; j++) {
            lt += a[j] < a[i], eq += a[j] == a[i];
            lt2 += b[j] < b[i], eq2 += b[j] == b[i];
        }
        ra[i] = lt + (eq + 1) / 2, rb[i] = lt2 + (eq2 + 1) / 2;
        ma += ra[i] / (double)n, mb += rb[i] / (double)n;
    }
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma), sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    free(ra), free(rb);
    return sab / sqrt(saa * sbb);
}

static void test_spearman(void)
{
    const float a[5] = {3, 1, 4, 1.5f, 9};
    float b[5], c[5];
    for (int i = 0; i < 5; i++)
        b[i] = 2 * a[i] + 1, c[i] = -a[i] * a[i] * a[i];
    CHECK_CLOSE(mrl_spearman(a, a, 5), 1.0, 1e-15, 0);
    CHECK_CLOSE(mrl_spearman(a, b, 5), 1.0, 1e-15, 0);
    CHECK_CLOSE(mrl_spearman(a, c, 5), -1.0, 1e-15, 0);
    /* ties: ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4), mean 2.5: sum dd = 4.5, sum da^2 = 4.5,
     * sum db^2 = 5, rho = 4.5 / sqrt(22.5) = sqrt(0.9) */
    const float t1[4] = {1, 2, 2, 3}, t2[4] = {1, 3, 2, 4};
    CHECK_CLOSE(mrl_spearman(t1, t2, 4), sqrt(0.9), 1e-15, 0);
    CHECK_CLOSE(mrl_spearman(t2, t1, 4), sqrt(0.9), 1e-15, 0);
    /* ties on both sides: ranks (1.5, 1.5, 3, 4.5, 4.5) and (5, 3.5, 3.5, 1, 2), mean 3:
     * sum dd = -3 - 0.75 + 0 - 3 - 1.5 = -8.25, sum da^2 = 9, sum db^2 = 9.5 */
    const float u1[5] = {7, 7, 8, 9, 9}, u2[5] = {5, 4, 4, 1, 2};
    CHECK_CLOSE(mrl_spearman(u1, u2, 5), -8.25 / sqrt(9 * 9.5), 1e-15, 0);
    /* two values: +-1 */
    const float p2[2] = {0, 1}, q2[2] = {5, -5};
    CHECK_CLOSE(mrl_spearman(p2, q2, 2), -1.0, 1e-15, 0);
    /* NaN: too short, a constant input, a NaN value */
    const float k4[4] = {2, 2, 2, 2}, n4[4] = {1, NAN, 2, 3};
    CHECK(isnan(mrl_spearman(a, b, 1)));
    CHECK(isnan(mrl_spearman(a, b, 0)));
    CHECK(isnan(mrl_spearman(k4, t2, 4)));
    CHECK(isnan(mrl_spearman(t2, k4, 4)));
    CHECK(isnan(mrl_spearman(n4, t2, 4)));
}

static void test_spearman_random(void)
{
    enum { N = 600 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), *fx = malloc(N * sizeof *fx),
          *fy = malloc(N * sizeof *fy), *nx = malloc(N * sizeof *nx);
    mrl_rng_t r;
    mrl_rng_init(&r, 3, 1);
    for (int i = 0; i < N; i++) { /* integers below 200: many ties */
        x[i] = (float)mrl_rng_below(&r, 200);
        y[i] = (float)mrl_rng_below(&r, 100) + 0.5f * x[i];
        fx[i] = expf(x[i] / 50), fy[i] = y[i] * y[i] * y[i] + 7; /* strictly increasing */
        nx[i] = -x[i];
    }
    double rho = mrl_spearman(x, y, N);
    CHECK(rho > 0.3 && rho < 1);
    CHECK_CLOSE(rho, naive_spearman(x, y, N), 1e-12, 0);
    /* monotone transforms leave the ranks, hence rho, exactly as they were */
    CHECK(mrl_spearman(fx, fy, N) == rho);
    CHECK(mrl_spearman(fx, y, N) == rho);
    CHECK_CLOSE(mrl_spearman(nx, y, N), -rho, 1e-14, 0);
    CHECK_CLOSE(mrl_spearman(y, x, N), rho, 1e-14, 0);
    free(x), free(y), free(fx), free(fy), free(nx);
}

/* ---- rank correlation of maps -------------------------------------------------------- */

static void test_maps_rank_corr(void)
{
    enum { N = 3, C = 2, H = 2, W = 3, P = H * W };
    /* channel sums: image 0 a = (-3..3 without 0), b = its reverse: signed -1, abs +1;
     * image 1 a = b = 1..6 split differently over the channels: +1 and +1;
     * image 2 a constant: NaN */
    const float sa[N][P] = {{-3, -2, -1, 1, 2, 3}, {1, 2, 3, 4, 5, 6}, {4, 4, 4, 4, 4, 4}};
    const float sb[N][P] = {{3, 2, 1, -1, -2, -3}, {1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, 6}};
    float a[N * C * P], b[N * C * P];
    for (int k = 0; k < N; k++)
        for (int p = 0; p < P; p++) {
            float sp = (float)(p % 3) - 1, sq = (float)p * 0.5f;
            a[(k * C + 0) * P + p] = sa[k][p] - sp, a[(k * C + 1) * P + p] = sp;
            b[(k * C + 0) * P + p] = sq, b[(k * C + 1) * P + p] = sb[k][p] - sq;
        }
    double rs[N], ra[N];
    CHECK(mrl_maps_rank_corr(a, b, N, C, H, W, rs, ra) == 0);
    CHECK_CLOSE(rs[0], -1.0, 1e-15, 0);
    CHECK_CLOSE(ra[0], 1.0, 1e-15, 0);
    CHECK_CLOSE(rs[1], 1.0, 1e-15, 0);
    CHECK_CLOSE(ra[1], 1.0, 1e-15, 0);
    CHECK(isnan(rs[2]) && isnan(ra[2]));
    /* either output may be NULL */
    double only[N];
    CHECK(mrl_maps_rank_corr(a, b, N, C, H, W, NULL, only) == 0);
    CHECK(only[0] == ra[0] && only[1] == ra[1]);
    CHECK(mrl_maps_rank_corr(a, b, N, C, H, W, only, NULL) == 0);
    CHECK(only[0] == rs[0] && only[1] == rs[1]);
    /* as mrl_spearman of the channel sums */
    float ca[P], cb[P];
    mrl_explain_channel_sum(a + C * P, 1, C, H, W, ca);
    mrl_explain_channel_sum(b + C * P, 1, C, H, W, cb);
    CHECK(mrl_spearman(ca, cb, P) == rs[1]);
    CHECK(mrl_maps_rank_corr(a, b, N, 0, H, W, rs, ra) == MRL_ERR_ARG);
}

/* ---- clone --------------------------------------------------------------------------- */

static void test_clone(void)
{
    mrl_model_t *m = small_model(5), *c = NULL;
    CHECK(mrl_model_meta_set(m, "note", "trained") == 0);
    size_t np = mrl_model_nparams(m);
    /* give the original gradients and Adam state; the copy must not inherit them */
    float *g = mrl_model_grads(m);
    for (size_t i = 0; i < np; i++)
        g[i] = 0.01f * (float)(i % 7) - 0.03f;
    mrl_adam_opts_t ao;
    mrl_adam_opts_default(&ao);
    mrl_model_adam_step(m, &ao);
    CHECK(mrl_model_clone(&c, m) == 0);
    CHECK_INT(mrl_model_nparams(c), np);
    CHECK(memcmp(mrl_model_arch(c), mrl_model_arch(m), sizeof(mrl_arch_t)) == 0);
    CHECK(memcmp(mrl_model_params(c), mrl_model_params(m), np * sizeof(float)) == 0);
    CHECK_STR(mrl_model_meta_get(c, "seed"), "5");
    CHECK_STR(mrl_model_meta_get(c, "note"), "trained");
    CHECK_INT(mrl_model_adam_t(c), 0);
    int zero = 1;
    for (size_t i = 0; i < np; i++)
        zero &= mrl_model_grads(c)[i] == 0.0f;
    CHECK(zero);
    /* zero Adam moments: a step with zero gradients leaves the parameters as they are */
    float *keep = malloc(np * sizeof *keep);
    memcpy(keep, mrl_model_params(c), np * sizeof *keep);
    mrl_model_adam_step(c, &ao);
    CHECK(memcmp(keep, mrl_model_params(c), np * sizeof *keep) == 0);

    /* same predictions */
    float *x = malloc(NIMG * D_ * sizeof *x), pm[NIMG * 2], pc[NIMG * 2], pm2[NIMG * 2];
    inputs(x);
    mrl_nn_t *nm = ctx(m), *nc = ctx(c);
    predict(nm, x, pm);
    predict(nc, x, pc);
    CHECK(memcmp(pm, pc, sizeof pm) == 0);
    /* independent: changing the copy leaves the original alone */
    float *p = mrl_model_params(c);
    for (size_t i = 0; i < np; i++)
        p[i] = -p[i];
    mrl_model_touch(c);
    CHECK(mrl_model_meta_set(c, "note", "changed") == 0);
    predict(nc, x, pc);
    predict(nm, x, pm2);
    CHECK(memcmp(pm, pc, sizeof pm) != 0);
    CHECK(memcmp(pm, pm2, sizeof pm) == 0);
    CHECK(memcmp(keep, mrl_model_params(m), np * sizeof *keep) == 0);
    CHECK_STR(mrl_model_meta_get(m, "note"), "trained");
    mrl_nn_free(nm);
    mrl_nn_free(nc);
    mrl_model_free(c);
    mrl_model_free(m);
    free(keep);
    free(x);
}

/* ---- layer randomisation ------------------------------------------------------------- */

static void test_param_layers(void)
{
    mrl_model_t *m = small_model(1);
    int L[MRL_NN_MAX_LAYERS];
    CHECK_INT(mrl_model_param_layers(m, L), 4);
    CHECK(L[0] == 8 && L[1] == 6 && L[2] == 2 && L[3] == 0);
    mrl_model_free(m);
    mrl_arch_t a;
    mrl_arch_default(&a, 3);
    CHECK(mrl_model_new(&m, &a, 1) == 0);
    const int want[8] = {22, 19, 14, 12, 8, 6, 2, 0};
    CHECK_INT(mrl_model_param_layers(m, L), 8);
    CHECK(memcmp(L, want, sizeof want) == 0);
    mrl_model_free(m);
}

static void test_randomize(void)
{
    /* Glorot limits by hand: (fan_in, fan_out) conv0 (3*9, 4*9), conv2 (4*9, 2*9), dense6
     * (2*3*5, 5), dense8 (5, 2) */
    const int layer[4] = {0, 2, 6, 8};
    const double fans[4] = {27 + 36, 36 + 18, 30 + 5, 5 + 2};
    for (int t = 0; t < 4; t++) {
        int li = layer[t];
        mrl_model_t *m = small_model(2), *r1 = NULL, *r2 = NULL, *r3 = NULL;
        CHECK(mrl_model_clone(&r1, m) == 0 && mrl_model_clone(&r2, m) == 0 &&
              mrl_model_clone(&r3, m) == 0);
        CHECK(mrl_model_randomize_layer(r1, li, 17) == 0);
        CHECK(mrl_model_randomize_layer(r2, li, 17) == 0);
        CHECK(mrl_model_randomize_layer(r3, li, 18) == 0);
        size_t wo, wn, bo, bn, np = mrl_model_nparams(m);
        CHECK(mrl_model_layer_params(m, li, &wo, &wn, &bo, &bn) == 0);
        const float *p0 = mrl_model_params(m), *p1 = mrl_model_params(r1);
        /* only this layer's parameters change */
        int others = 1;
        for (size_t j = 0; j < np; j++)
            if ((j < wo || j >= wo + wn) && (j < bo || j >= bo + bn))
                others &= p0[j] == p1[j];
        CHECK(others);
        int zero = 1, diff = 0;
        for (size_t j = 0; j < bn; j++)
            zero &= p1[bo + j] == 0.0f;
        CHECK(zero);
        /* the draws of mrl_model_new's rule from PCG32(seed, 1 + layer), within the limit */
        float lim = (float)sqrt(6.0 / fans[t]), mx = 0;
        mrl_rng_t rng;
        mrl_rng_init(&rng, 17, 1 + (uint64_t)li);
        int exact = 1;
        for (size_t j = 0; j < wn; j++) {
            exact &= p1[wo + j] == (2.0f * mrl_rng_uniform(&rng) - 1.0f) * lim;
            mx = fabsf(p1[wo + j]) > mx ? fabsf(p1[wo + j]) : mx;
            diff += p1[wo + j] != p0[wo + j];
        }
        CHECK(exact);
        CHECK(mx <= lim && mx > (wn >= 100 ? 0.9f : 0.5f) * lim);
        CHECK(diff > 0);
        /* deterministic per seed, different between seeds */
        CHECK(memcmp(p1, mrl_model_params(r2), np * sizeof(float)) == 0);
        CHECK(memcmp(p1 + wo, mrl_model_params(r3) + wo, wn * sizeof(float)) != 0);
        mrl_model_free(r1);
        mrl_model_free(r2);
        mrl_model_free(r3);
        mrl_model_free(m);
    }
}

/* mrl_model_randomize_all: every parameter layer re-drawn from seed + MRL_SANITY_SEED_OFFSET
 * on its own stream, so the result does not depend on the order of the layers: the same as
 * re-drawing layers 0, 2, 6, 8 one by one in the cascade's order or the reverse. */
static void test_randomize_all(void)
{
    const int layer[4] = {0, 2, 6, 8};
    mrl_model_t *m = small_model(2), *a = NULL, *down = NULL, *up = NULL;
    CHECK(mrl_model_clone(&a, m) == 0 && mrl_model_clone(&down, m) == 0 &&
          mrl_model_clone(&up, m) == 0);
    CHECK(mrl_model_randomize_all(a, 5) == 0);
    for (int t = 0; t < 4; t++) {
        CHECK(mrl_model_randomize_layer(down, layer[3 - t], 5 + MRL_SANITY_SEED_OFFSET) == 0);
        CHECK(mrl_model_randomize_layer(up, layer[t], 5 + MRL_SANITY_SEED_OFFSET) == 0);
    }
    size_t np = mrl_model_nparams(m);
    CHECK(memcmp(mrl_model_params(a), mrl_model_params(down), np * sizeof(float)) == 0);
    CHECK(memcmp(mrl_model_params(a), mrl_model_params(up), np * sizeof(float)) == 0);
    CHECK(memcmp(mrl_model_params(a), mrl_model_params(m), np * sizeof(float)) != 0);
    CHECK(mrl_model_randomize_all(NULL, 5) == MRL_ERR_ARG);
    mrl_model_free(a), mrl_model_free(down), mrl_model_free(up), mrl_model_free(m);
}

static void test_cascade(void)
{
    mrl_model_t *m = small_model(3), *c = NULL;
    CHECK(mrl_model_clone(&c, m) == 0);
    float *x = malloc(NIMG * D_ * sizeof *x), p0[NIMG * 2], pm[NIMG * 2], pc[NIMG * 2],
          prev[NIMG * 2], pf[NIMG * 2];
    inputs(x);
    mrl_nn_t *nm = ctx(m), *nc = ctx(c);
    predict(nm, x, p0);
    predict(nc, x, prev); /* the copy's context now holds its kernel weights */
    CHECK(memcmp(p0, prev, sizeof p0) == 0);
    /* gradient maps of the trained model and of its untouched copy: rho = 1 */
    mrl_explain_opts_t eo;
    mrl_explain_opts_default(&eo);
    eo.method = MRL_EXPLAIN_GRADIENT;
    float *gm = malloc(NIMG * D_ * sizeof *gm), *gc = malloc(NIMG * D_ * sizeof *gc);
    double rs[NIMG], ra[NIMG];
    CHECK(mrl_explain(nm, m, x, NIMG, &eo, gm, NULL) == 0);
    CHECK(mrl_explain(nc, c, x, NIMG, &eo, gc, NULL) == 0);
    CHECK(mrl_maps_rank_corr(gm, gc, NIMG, C_, H_, W_, rs, ra) == 0);
    CHECK(rs[0] == 1.0 && ra[NIMG - 1] == 1.0);

    int L[MRL_NN_MAX_LAYERS], nl = mrl_model_param_layers(c, L), changed = 0;
    for (int t = 0; t < nl; t++) {
        CHECK(mrl_model_randomize_layer(c, L[t], 100 + (uint64_t)t) == 0);
        predict(nc, x, pc); /* the live context follows the new version */
        changed += memcmp(pc, prev, sizeof pc) != 0;
        memcpy(prev, pc, sizeof pc);
        mrl_nn_t *fresh = ctx(c);
        predict(fresh, x, pf);
        CHECK(memcmp(pc, pf, sizeof pc) == 0);
        mrl_nn_free(fresh);
    }
    CHECK_INT(changed, nl);
    CHECK(memcmp(pc, p0, sizeof pc) != 0);
    predict(nm, x, pm);
    CHECK(memcmp(pm, p0, sizeof pm) == 0);
    /* maps of the fully randomised copy are no longer those of the model */
    CHECK(mrl_explain(nc, c, x, NIMG, &eo, gc, NULL) == 0);
    CHECK(mrl_maps_rank_corr(gm, gc, NIMG, C_, H_, W_, rs, ra) == 0);
    int below = 0;
    fprintf(stderr, "  gradient maps, trained vs randomised: rho signed");
    for (int k = 0; k < NIMG; k++) {
        fprintf(stderr, " %.3f", rs[k]);
        below += rs[k] < 0.99 && rs[k] >= -1;
    }
    fprintf(stderr, ", abs %.3f ...\n", ra[0]);
    CHECK_INT(below, NIMG);

    /* errors leave the model alone */
    size_t np = mrl_model_nparams(c);
    float *keep = malloc(np * sizeof *keep);
    memcpy(keep, mrl_model_params(c), np * sizeof *keep);
    CHECK(mrl_model_randomize_layer(c, 1, 1) == MRL_ERR_ARG); /* ReLU */
    CHECK(strstr(mrl_errmsg(), "no parameters") != NULL);
    CHECK(mrl_model_randomize_layer(c, 5, 1) == MRL_ERR_ARG); /* flatten */
    CHECK(mrl_model_randomize_layer(c, -1, 1) == MRL_ERR_ARG);
    CHECK(mrl_model_randomize_layer(c, 9, 1) == MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "out of range") != NULL);
    CHECK(memcmp(keep, mrl_model_params(c), np * sizeof *keep) == 0);
    mrl_nn_free(nm);
    mrl_nn_free(nc);
    mrl_model_free(c);
    mrl_model_free(m);
    free(keep), free(x), free(gm), free(gc);
}

static void on_step(void *ctx, int done, int total)
{
    int *last = ctx;
    CHECK(done == last[0] + 1 && total == last[1]);
    last[0] = done;
}

/* mrl_sanity_run against the same steps done by hand (clone, re-draw layers from the output
 * down with seed ex.seed + 1000003, explain, rank-correlate, mean): the same numbers; the
 * shuffled column from a given model; the verdict from the rho table. */
static void test_sanity_run(void)
{
    mrl_model_t *m = small_model(3), *sh = small_model(9), *c = NULL;
    float *x = malloc(NIMG * D_ * sizeof *x), *g0 = malloc(NIMG * D_ * sizeof *g0);
    float *g = malloc(NIMG * D_ * sizeof *g);
    inputs(x);
    mrl_nn_t *nm = ctx(m);
    static const int methods[2] = {MRL_EXPLAIN_GRADIENT, MRL_EXPLAIN_GRADIENT_X_INPUT};
    mrl_sanity_opts_t o;
    mrl_sanity_opts_default(&o);
    o.methods = methods, o.n_methods = 2, o.shuffled = sh, o.nn.threads = 1;
    int last[2] = {0, 5};
    o.progress = on_step, o.progress_ctx = last;
    mrl_sanity_t s;
    CHECK(mrl_sanity_run(nm, m, x, NIMG, &o, &s) == 0);
    CHECK_INT(s.L, 4);
    CHECK_INT(last[0], 5);
    CHECK(s.have_shuffled == 1 && s.n == NIMG);
    const size_t cols = (size_t)s.L + 2;
    CHECK(s.rho_s[0] == 1 && s.rho_a[cols] == 1);

    /* by hand, gradient (method 0) and input x gradient (method 1) */
    double rs[NIMG], ra[NIMG];
    CHECK(mrl_model_clone(&c, m) == 0);
    mrl_nn_t *nc = ctx(c);
    for (int j = 0; j < 2; j++) {
        mrl_explain_opts_t eo = o.ex;
        eo.method = methods[j];
        CHECK(mrl_explain(nm, m, x, NIMG, &eo, g0, NULL) == 0);
        CHECK(memcmp(g0, s.maps + (size_t)j * NIMG * D_, NIMG * D_ * sizeof *g0) == 0);
    }
    int worst = 0;
    for (int st = 0; st < s.L; st++) {
        CHECK(mrl_model_randomize_layer(c, s.layers[st], o.ex.seed + 1000003) == 0);
        for (int j = 0; j < 2; j++) {
            mrl_explain_opts_t eo = o.ex;
            eo.method = methods[j];
            CHECK(mrl_explain(nc, c, x, NIMG, &eo, g, NULL) == 0);
            CHECK(mrl_maps_rank_corr(s.maps + (size_t)j * NIMG * D_, g, NIMG, C_, H_, W_, rs,
                                     ra) == 0);
            double ms = 0, ma = 0;
            for (int k = 0; k < NIMG; k++)
                ms += rs[k], ma += ra[k];
            worst += fabs(ms / NIMG - s.rho_s[(size_t)j * cols + (size_t)st + 1]) > 1e-12;
            worst += fabs(ma / NIMG - s.rho_a[(size_t)j * cols + (size_t)st + 1]) > 1e-12;
        }
    }
    CHECK_INT(worst, 0);
    CHECK(isfinite(s.rho_s[cols - 1]) && fabs(s.rho_s[cols - 1]) < 1);

    /* the verdict: mean |rho_s| over columns 1..L below 0.5, and |shuffled| below 0.5 */
    for (int j = 0; j < 2; j++) {
        double casc = 0;
        for (int st = 1; st <= s.L; st++)
            casc += fabs(s.rho_s[(size_t)j * cols + (size_t)st]);
        casc /= s.L;
        CHECK_CLOSE(mrl_sanity_cascade_mean(&s, j), casc, 1e-12, 0);
        int want = casc < 0.5 && fabs(s.rho_s[(size_t)j * cols + cols - 1]) < 0.5;
        CHECK_INT(mrl_sanity_verdict(&s, j), want);
    }
    for (size_t k = 1; k < cols; k++) /* a table made to pass, then to fail on the shuffle */
        s.rho_s[k] = k < cols - 1 ? 0.3 : -0.2;
    CHECK_INT(mrl_sanity_verdict(&s, 0), 1);
    s.rho_s[cols - 1] = -0.6;
    CHECK_INT(mrl_sanity_verdict(&s, 0), 0);
    s.have_shuffled = 0;
    CHECK_INT(mrl_sanity_verdict(&s, 0), 1);
    s.rho_s[1] = 0.9, s.rho_s[2] = 0.9;
    CHECK_INT(mrl_sanity_verdict(&s, 0), 0); /* mean (0.9 + 0.9 + 0.3 + 0.3) / 4 = 0.6 */
    CHECK_INT(mrl_sanity_verdict(&s, 2), -1);
    mrl_sanity_release(&s);
    CHECK(s.rho_s == NULL && s.maps == NULL);
    CHECK_INT(mrl_sanity_verdict(&s, 0), -1);

    o.n_methods = 0;
    CHECK_INT(mrl_sanity_run(nm, m, x, NIMG, &o, &s), MRL_ERR_ARG);
    mrl_nn_free(nm), mrl_nn_free(nc);
    mrl_model_free(m), mrl_model_free(sh), mrl_model_free(c);
    free(x), free(g0), free(g);
}

int main(void)
{
    test_spearman();
    test_spearman_random();
    test_maps_rank_corr();
    test_clone();
    test_param_layers();
    test_randomize();
    test_randomize_all();
    test_cascade();
    test_sanity_run();
    return test_summary("test_sanity");
}
