/*
 * shap.c - two SHAP estimators (Lundberg & Lee 2017).
 *  - shap: expected gradients (Erion et al. 2021; GradientSHAP without input noise):
 *    phi_i = E_{b, a} [(x_i - b_i) d F(b + a (x - b)) / d x_i] over background images b and
 *    a ~ U(0,1). Sample s uses background s mod B (each background equally often) and a
 *    stratified a = (m + u) / M_b for its m-th of M_b uses, so the efficiency gap
 *    sum phi - (F(x) - mean_s F(b_s)) shrinks like integrated gradients' does.
 *  - kernel-shap: KernelSHAP over the image's nucleotide bars (half columns) as features,
 *    a removed bar painted white. Coalition sizes m are drawn from the Shapley kernel
 *    distribution p(m) ~ (F-1) / (m (F-m)), members uniformly, each coalition with its
 *    complement (paired sampling), so the regression is unweighted; the efficiency
 *    constraint sum phi = F(x) - F(white) is imposed exactly by eliminating the last
 *    feature, and the normal equations are solved by Cholesky in double.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "explain.h"
#include "methods.h" /* this file's entry points */

/* ---- expected gradients ----------------------------------------------------------- */

typedef struct eg_ud {
    const ex_t *e;
    const float *x, *bg; /* x (C,H,W); backgrounds (B,C,H,W) */
    size_t B, S;
    float *acc, *alpha; /* acc (C,H,W); alpha per sample */
} eg_ud_t;

static void gen_eg(void *ud, size_t r0, size_t nb, float *rows)
{
    eg_ud_t *u = ud;
    size_t D = u->e->D;
    for (size_t r = r0; r < r0 + nb; r++) {
        const float *b = u->bg + (r % u->B) * D;
        float a = u->alpha[r], *row = rows + (r - r0) * D;
        for (size_t p = 0; p < D; p++)
            row[p] = b[p] + a * (u->x[p] - b[p]);
    }
}

static void take_eg(void *ud, size_t r0, size_t nb, const float *z, const float *g)
{
    (void)z;
    eg_ud_t *u = ud;
    size_t D = u->e->D;
    for (size_t r = r0; r < r0 + nb; r++) {
        const float *b = u->bg + (r % u->B) * D, *gr = g + (r - r0) * D;
        for (size_t p = 0; p < D; p++)
            u->acc[p] += (u->x[p] - b[p]) * gr[p];
    }
}

typedef struct bg_ud {
    const ex_t *e;
    const float *bg;
    float *score;
} bg_ud_t;

static void gen_bg(void *ud, size_t r0, size_t nb, float *rows)
{
    bg_ud_t *u = ud;
    memcpy(rows, u->bg + r0 * u->e->D, nb * u->e->D * sizeof(float));
}

static void take_bg(void *ud, size_t r0, size_t nb, const float *z, const float *g)
{
    (void)g;
    bg_ud_t *u = ud;
    for (size_t r = 0; r < nb; r++)
        u->score[r0 + r] = z[r * (size_t)u->e->K + (size_t)u->e->o->target];
}

/* Target logits of the first nb backgrounds (those the samples use), once per call. */
static int bg_scores(ex_t *e, const float *bg, size_t nb)
{
    if (e->bg_score)
        return 0;
    if (!(e->bg_score = malloc(nb * sizeof(float))))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    bg_ud_t bu = {e, bg, e->bg_score};
    int rc = ex_run(e, nb, -1, gen_bg, take_bg, &bu);
    if (rc) {
        free(e->bg_score);
        e->bg_score = NULL;
    }
    return rc;
}

static int eg_one(ex_t *e, const float *x, size_t k, float *map, mrl_explain_info_t *info)
{
    const float *bg = e->o->background ? e->o->background : e->white;
    size_t B = e->o->background ? e->o->n_background : 1, S = (size_t)e->o->samples;
    float *alpha = malloc(S * sizeof(float));
    int rc = alpha ? bg_scores(e, bg, MRL_MIN(B, S)) : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (rc) {
        free(alpha);
        return rc;
    }
    mrl_rng_t rng;
    mrl_rng_init(&rng, e->o->seed, (uint64_t)k);
    double ref = 0;
    for (size_t s = 0; s < S; s++) {
        size_t j = s % B, m = s / B, uses = S / B + (j < S % B);
        alpha[s] = ((float)m + mrl_rng_uniform(&rng)) / (float)uses;
        ref += (double)e->bg_score[j];
    }
    memset(map, 0, e->D * sizeof(float));
    eg_ud_t u = {e, x, bg, B, S, map, alpha};
    rc = ex_run(e, S, MRL_RELU_STANDARD, gen_eg, take_eg, &u);
    for (size_t p = 0; !rc && p < e->D; p++)
        map[p] /= (float)S;
    info->ref = (float)(ref / (double)S);
    free(alpha);
    return rc;
}

/* ---- KernelSHAP ------------------------------------------------------------------- */

typedef struct ks_ud {
    const ex_t *e;
    const float *x;
    const int *feat;
    const uint8_t *z; /* (S,F) coalitions: 1 = bar kept */
    int F;
    float *v; /* (S) target logits */
} ks_ud_t;

static void gen_ks(void *ud, size_t r0, size_t nb, float *rows)
{
    ks_ud_t *u = ud;
    for (size_t r = r0; r < r0 + nb; r++) {
        float *row = rows + (r - r0) * u->e->D;
        memcpy(row, u->x, u->e->D * sizeof(float));
        for (int f = 0; f < u->F; f++)
            if (!u->z[r * (size_t)u->F + (size_t)f])
                ex_feature_blank(u->e, row, u->feat[f]);
    }
}

static void take_ks(void *ud, size_t r0, size_t nb, const float *z, const float *g)
{
    (void)g;
    ks_ud_t *u = ud;
    for (size_t r = 0; r < nb; r++)
        u->v[r0 + r] = z[r * (size_t)u->e->K + (size_t)u->e->o->target];
}

/* Coalitions in complementary pairs, sizes from the Shapley kernel. z: (S,F), S even. */
static void coalitions(int F, size_t S, mrl_rng_t *rng, uint8_t *z, int *perm)
{
    double tot = 0;
    for (int m = 1; m < F; m++)
        tot += 1.0 / ((double)m * (double)(F - m));
    for (size_t s = 0; s + 1 < S; s += 2) {
        double t = (double)mrl_rng_uniform(rng) * tot;
        int m = 1;
        for (; m < F - 1; m++) {
            t -= 1.0 / ((double)m * (double)(F - m));
            if (t < 0)
                break;
        }
        for (int f = 0; f < F; f++)
            perm[f] = f;
        uint8_t *a = z + s * (size_t)F, *b = a + F;
        memset(a, 0, (size_t)F);
        for (int i = 0; i < m; i++) { /* partial Fisher-Yates: m distinct members */
            int j = i + (int)mrl_rng_below(rng, (uint32_t)(F - i));
            int keep = perm[i];
            perm[i] = perm[j], perm[j] = keep;
            a[perm[i]] = 1;
        }
        for (int f = 0; f < F; f++)
            b[f] = (uint8_t)!a[f];
    }
}

/* Solve A x = b (n x n, symmetric) in place, x in b, after adding a ridge of 1e-6 times the
 * mean diagonal: with fewer coalitions than features A is singular, and the ridge then picks
 * the small-norm solution instead of failing (the efficiency constraint holds regardless). */
static int cholesky_solve(double *A, double *b, int n)
{
    double tr = 0;
    for (int i = 0; i < n; i++)
        tr += A[i * n + i];
    for (int i = 0; i < n; i++)
        A[i * n + i] += 1e-6 * (tr / n) + 1e-12;
    for (int j = 0; j < n; j++) {
        double d = A[j * n + j];
        for (int k = 0; k < j; k++)
            d -= A[j * n + k] * A[j * n + k];
        if (!(d > 0))
            return -1;
        d = sqrt(d);
        A[j * n + j] = d;
        for (int i = j + 1; i < n; i++) {
            double s = A[i * n + j];
            for (int k = 0; k < j; k++)
                s -= A[i * n + k] * A[j * n + k];
            A[i * n + j] = s / d;
        }
    }
    for (int i = 0; i < n; i++) { /* L y = b */
        double s = b[i];
        for (int k = 0; k < i; k++)
            s -= A[i * n + k] * b[k];
        b[i] = s / A[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) { /* L^T x = y */
        double s = b[i];
        for (int k = i + 1; k < n; k++)
            s -= A[k * n + i] * b[k];
        b[i] = s / A[i * n + i];
    }
    return 0;
}

/* Constrained least squares: phi (F) with sum phi = delta, from S coalitions z and values
 * v (already minus F(empty)). */
static int ks_solve(const uint8_t *z, const float *v, size_t S, int F, double delta, double *phi)
{
    int n = F - 1;
    double *A = calloc((size_t)n * (size_t)n + 2 * (size_t)n, sizeof(double));
    if (!A)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    double *b = A + (size_t)n * (size_t)n, *d = b + n;
    for (size_t s = 0; s < S; s++) {
        const uint8_t *zs = z + s * (size_t)F;
        double last = zs[F - 1], y = (double)v[s] - last * delta;
        for (int j = 0; j < n; j++)
            d[j] = (double)zs[j] - last;
        for (int i = 0; i < n; i++) {
            if (d[i] == 0)
                continue;
            b[i] += d[i] * y;
            for (int j = 0; j <= i; j++)
                A[i * n + j] += d[i] * d[j];
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            A[i * n + j] = A[j * n + i];
    int rc = cholesky_solve(A, b, n);
    if (rc == 0) {
        double sum = 0;
        for (int j = 0; j < n; j++)
            phi[j] = b[j], sum += b[j];
        phi[n] = delta - sum;
    }
    free(A);
    return rc ? mrl_err_set(MRL_ERR_INTERNAL, "KernelSHAP: singular regression") : 0;
}

static int ks_one(ex_t *e, const float *x, size_t k, float *map, mrl_explain_info_t *info)
{
    size_t plane = (size_t)e->H * (size_t)e->W, S = (size_t)e->o->kshap_samples & ~(size_t)1;
    int *feat = malloc(4 * (size_t)e->W * sizeof(int)), F = 0;
    float *s = calloc(plane + S, sizeof(float)), *v = s ? s + plane : NULL;
    uint8_t *z = malloc(S * 2 * (size_t)e->W);
    double *phi = malloc(2 * (size_t)e->W * sizeof(double));
    float f0 = 0;
    int rc = feat && s && z && phi ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = ex_white_score(e, &f0);
    if (!rc) {
        F = ex_features(e, x, feat);
        info->ref = f0;
    }
    double delta = (double)info->score - (double)f0;
    if (!rc && F == 1)
        phi[0] = delta;
    if (!rc && F >= 2) {
        mrl_rng_t rng;
        mrl_rng_init(&rng, e->o->seed, (uint64_t)k);
        coalitions(F, S, &rng, z, feat + 2 * e->W);
        ks_ud_t u = {e, x, feat, z, F, v};
        rc = ex_run(e, S, -1, gen_ks, take_ks, &u);
        for (size_t r = 0; !rc && r < S; r++)
            v[r] -= f0;
        if (!rc)
            rc = ks_solve(z, v, S, F, delta, phi);
    }
    for (int f = 0; !rc && f < F; f++)
        ex_feature_spread(e, x, feat[f], (float)phi[f], s);
    if (!rc)
        ex_spread(e, s, map);
    free(feat), free(s), free(z), free(phi);
    return rc;
}

int ex_shap(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return ex_each(e, x, n, maps, info, eg_one);
}

int ex_kernel_shap(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return ex_each(e, x, n, maps, info, ks_one);
}
