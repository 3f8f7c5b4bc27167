/*
 * tcav.c - concept tests: Testing with Concept Activation Vectors (Kim et al. 2018,
 * "Interpretability beyond feature attribution", ICML). A concept's activation vector (CAV)
 * at a layer is the normal of a linear classifier separating the activations of concept
 * examples from counterparts; its TCAV score is the fraction of a class's inputs whose
 * directional derivative of the class score along the CAV is positive; concept CAVs are
 * tested against CAVs of random subsets by a two-sided t-test (Kim et al. sec. 3.5), with
 * Benjamini-Hochberg (1995) control of the false discovery rate over concepts x layers.
 *
 * Every CAV lives in the span of its training examples (L2-regularised logistic regression,
 * representer theorem), so a layer's activations are reduced once to Gram matrices (pool x
 * pool: K = A A^T, class inputs x pool: C = G A^T) and each of the thousands of fits works
 * on a small submatrix; the layer's width enters only the two products.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

#define CHUNK 32 /* images per forward / backward pass */
#define TB 4     /* Gram tile: TB x TB dot products at once */
#define DB 512   /* float partial sums over DB elements, then double */

void mrl_tcav_opts_default(mrl_tcav_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->runs = 200;
    o->reps = 3;
    o->max_n = 50;
    o->min_n = 10;
    o->holdout = 0.2;
    o->l2 = 0.01;
    o->iters = 100;
    o->target = 1;
    o->margin = 1;
    o->alpha = 0.05;
    o->seed = 1;
}

const char *mrl_tcav_verdict_name(int v)
{
    switch (v) {
    case MRL_TCAV_UNTESTED:
        return "untested";
    case MRL_TCAV_NS:
        return "not-significant";
    case MRL_TCAV_SIGNIFICANT:
        return "significant";
    default:
        return "?";
    }
}

int mrl_tcav_default_layers(const mrl_arch_t *a, int *layers)
{
    int k = 0;
    for (int i = 1; i < a->n_layers - 1; i++) {
        int prev = a->layer[i - 1].kind;
        if (a->layer[i].kind == MRL_LAYER_RELU &&
            (prev == MRL_LAYER_CONV || prev == MRL_LAYER_DENSE)) {
            if (layers)
                layers[k] = i;
            k++;
        }
    }
    return k;
}

/* 0 if `layer` can be read with its gradient, else MRL_ERR_ARG naming why. */
static int check_layer(const mrl_arch_t *a, int layer)
{
    if (layer < 0 || layer >= a->n_layers - 1)
        return mrl_err_set(MRL_ERR_ARG, "layer %d: not a layer below the output (0..%d)", layer,
                           a->n_layers - 2);
    int kind = a->layer[layer].kind;
    if ((kind == MRL_LAYER_CONV || kind == MRL_LAYER_DENSE) &&
        a->layer[layer + 1].kind == MRL_LAYER_RELU)
        return mrl_err_set(MRL_ERR_ARG, "layer %d is fused with the ReLU after it: use %d", layer,
                           layer + 1);
    return 0;
}

/* Output gradient (k,K) of the score: the target's logit, or the margin z_t - mean z_j. */
static void score_dy(float *dy, size_t k, int K, const mrl_tcav_opts_t *o)
{
    for (size_t i = 0; i < k; i++)
        for (int j = 0; j < K; j++)
            dy[i * (size_t)K + (size_t)j] = j == o->target ? 1.0f
                                            : o->margin    ? -1.0f / (float)(K - 1)
                                                           : 0.0f;
}

int mrl_tcav_layer_read(mrl_nn_t *nn, const mrl_model_t *m, const float *x, size_t n, int layer,
                        const mrl_tcav_opts_t *o, float *act, float *grad)
{
    const mrl_arch_t *a = mrl_model_arch(m);
    int s[3], out[3], rc = check_layer(a, layer);
    if (rc || (rc = mrl_arch_shape(a, layer, s)) < 0 ||
        (rc = mrl_arch_shape(a, a->n_layers - 1, out)) < 0)
        return rc;
    const int K = out[0];
    if (o->target < 0 || o->target >= K || K < 2)
        return mrl_err_set(MRL_ERR_ARG, "target class %d not in 0..%d", o->target, K - 1);
    size_t D = (size_t)s[0] * (size_t)s[1] * (size_t)s[2];
    size_t px = (size_t)a->in_c * (size_t)a->in_h * (size_t)a->in_w;
    float *dy = malloc(CHUNK * (size_t)K * sizeof *dy);
    if (!dy)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    bo.stop = layer;
    for (size_t i0 = 0; !rc && i0 < n; i0 += CHUNK) {
        size_t k = MRL_MIN((size_t)CHUNK, n - i0);
        rc = mrl_nn_forward(nn, x + i0 * px, k, MRL_NN_EXPLAIN, NULL);
        if (!rc && act)
            rc = mrl_nn_read(nn, layer, 0, act + i0 * D);
        if (!rc && grad) {
            score_dy(dy, k, K, o);
            rc = mrl_nn_backward(nn, a->n_layers - 1, dy, &bo);
            if (!rc)
                rc = mrl_nn_read(nn, layer, 1, grad + i0 * D);
        }
    }
    free(dy);
    return rc;
}

/* ---- Gram matrices ------------------------------------------------------------------ */

/* out[i][j] = a[i] . b[j] (rows of d floats) for a TB x TB tile: float partial sums in 8
 * lanes over blocks of DB elements, each block added in double, in a fixed order. */
static void tile_dot(const float *const *a, const float *const *b, size_t d, double out[TB][TB])
{
    memset(out, 0, TB * TB * sizeof(double));
    for (size_t d0 = 0; d0 < d; d0 += DB) {
        size_t e = MRL_MIN(d, d0 + DB), k = d0;
        float s[TB][TB][8];
        memset(s, 0, sizeof s);
        for (; k + 8 <= e; k += 8)
            for (int i = 0; i < TB; i++)
                for (int j = 0; j < TB; j++)
                    for (int l = 0; l < 8; l++)
                        s[i][j][l] += a[i][k + (size_t)l] * b[j][k + (size_t)l];
        for (; k < e; k++)
            for (int i = 0; i < TB; i++)
                for (int j = 0; j < TB; j++)
                    s[i][j][0] += a[i][k] * b[j][k];
        for (int i = 0; i < TB; i++)
            for (int j = 0; j < TB; j++) {
                float t = 0;
                for (int l = 0; l < 8; l++)
                    t += s[i][j][l];
                out[i][j] += (double)t;
            }
    }
}

/* P (na, nb) = A B^T for rows of d floats; sym: A == B and only j <= i is computed, then
 * mirrored. Rows past the end of a tile repeat the last row; their results are dropped. */
static void gram(const float *A, size_t na, const float *B, size_t nb, size_t d, int sym, double *P)
{
    for (size_t i0 = 0; i0 < na; i0 += TB)
        for (size_t j0 = 0; j0 < (sym ? i0 + 1 : nb); j0 += TB) {
            const float *ra[TB], *rb[TB];
            double t[TB][TB];
            for (int u = 0; u < TB; u++) {
                ra[u] = A + MRL_MIN(i0 + (size_t)u, na - 1) * d;
                rb[u] = B + MRL_MIN(j0 + (size_t)u, nb - 1) * d;
            }
            tile_dot(ra, rb, d, t);
            for (size_t i = i0; i < MRL_MIN(i0 + TB, na); i++)
                for (size_t j = j0; j < MRL_MIN(j0 + TB, nb); j++) {
                    P[i * nb + j] = t[i - i0][j - j0];
                    if (sym)
                        P[j * nb + i] = t[i - i0][j - j0];
                }
        }
}

/* Centre the features on the mean of the n pool rows and scale them to a mean squared norm
 * of 1: K <- (K - r_i - r_j + rbar) / s; C's rows (m of them) lose their mean over the pool
 * (the gradient's dot product with the mean activation); C's scale is irrelevant to signs.
 * r (n) is scratch. */
static void centre(double *K, size_t n, double *C, size_t m, double *r)
{
    double rbar = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        double t = 0;
        for (size_t j = 0; j < n; j++)
            t += K[i * n + j];
        r[i] = t / (double)n, rbar += r[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            K[i * n + j] += rbar - r[i] - r[j];
    for (size_t i = 0; i < n; i++)
        s += K[i * n + i] / (double)n;
    s = s > 0 ? s : 1;
    for (size_t i = 0; i < n * n; i++)
        K[i] /= s;
    for (size_t k = 0; k < m; k++) {
        double t = 0;
        for (size_t j = 0; j < n; j++)
            t += C[k * n + j];
        for (size_t j = 0; j < n; j++)
            C[k * n + j] -= t / (double)n;
    }
}

/* ---- the CAV: logistic regression in the span of its examples -------------------------- */

static double sigmoid(double z)
{
    return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

/* Primal gradient steps written on alpha (w = X^T alpha): grad_w = X^T (r + l2 alpha) with
 * r_i = -(1/n) y_i sigmoid(-y_i f_i), so w - eta grad_w is alpha - eta (r + l2 alpha);
 * Nesterov's momentum (sqrt(L) - sqrt(l2)) / (sqrt(L) + sqrt(l2)) for an l2-strongly convex
 * loss with an L-Lipschitz gradient. Kx: the n x n Gram matrix, contiguous. */
static void cav_descend(const double *Kx, const int8_t *y, size_t n, double l2, int iters,
                        double *alpha, double *b, double *work)
{
    double *prev = work, *v = prev + n, *r = v + n, tr = 0, bp = 0;
    for (size_t i = 0; i < n; i++)
        tr += Kx[i * n + i], alpha[i] = prev[i] = 0;
    const double L = tr / (4.0 * (double)n) + 0.25 + l2, eta = 1 / L;
    const double mom = (sqrt(L) - sqrt(l2)) / (sqrt(L) + sqrt(l2));
    *b = 0;
    for (int t = 0; t < iters; t++) {
        double vb = *b + mom * (*b - bp), rs = 0;
        for (size_t i = 0; i < n; i++)
            v[i] = alpha[i] + mom * (alpha[i] - prev[i]);
        for (size_t i = 0; i < n; i++) {
            double f = vb;
            for (size_t j = 0; j < n; j++)
                f += Kx[i * n + j] * v[j];
            r[i] = -(double)y[i] * sigmoid(-(double)y[i] * f) / (double)n;
            rs += r[i];
        }
        for (size_t i = 0; i < n; i++)
            prev[i] = alpha[i], alpha[i] = v[i] - eta * (r[i] + l2 * v[i]);
        bp = *b, *b = vb - eta * rs;
    }
}

int mrl_cav_fit(const double *K, size_t ld, const size_t *idx, const int8_t *y, size_t n,
                const mrl_tcav_opts_t *o, double *alpha, double *b)
{
    if (!K || !idx || !y || !alpha || !b || !o || n < 2 || !(o->l2 > 0) || o->iters < 1)
        return mrl_err_set(MRL_ERR_ARG, "CAV fit: needs 2 or more examples, l2 > 0, iters >= 1");
    for (size_t i = 0; i < n; i++)
        if (y[i] != 1 && y[i] != -1)
            return mrl_err_set(MRL_ERR_ARG, "CAV fit: label %d of example %zu is not +-1", y[i], i);
    double *Kx = malloc((n * n + 3 * n) * sizeof *Kx);
    if (!Kx)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            Kx[i * n + j] = K[idx[i] * ld + idx[j]];
    cav_descend(Kx, y, n, o->l2, o->iters, alpha, b, Kx + n * n);
    free(Kx);
    return 0;
}

/* ---- statistics ---------------------------------------------------------------------- */

static void mean_var(const double *a, size_t n, double *mean, double *var)
{
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (a[i] - *mean) * (a[i] - *mean);
    *var = n > 1 ? ss / (double)(n - 1) : 0;
}

double mrl_mc_pvalue(double t, const double *null, size_t n)
{
    if (!n || isnan(t))
        return (double)NAN;
    double m = 0, d, eps;
    for (size_t j = 0; j < n; j++)
        m += null[j] / (double)n;
    d = fabs(t - m), eps = 1e-12 * (d + fabs(m) + 1e-300); /* ties within rounding count */
    size_t k = 0;
    for (size_t j = 0; j < n; j++)
        k += fabs(null[j] - m) >= d - eps;
    return (double)(k + 1) / (double)(n + 1);
}

typedef struct pidx {
    double p;
    size_t i;
} pidx_t;

static int pidx_cmp(const void *a, const void *b)
{
    const pidx_t *x = a, *y = b;
    return x->p < y->p ? -1 : x->p > y->p ? 1 : x->i < y->i ? -1 : x->i > y->i;
}

int mrl_bh_adjust(const double *p, size_t n, double *q)
{
    pidx_t *s = malloc((n ? n : 1) * sizeof *s);
    double *out = malloc((n ? n : 1) * sizeof *out);
    if (!s || !out) {
        free(s), free(out);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = (double)NAN;
        if (isfinite(p[i]))
            s[m++] = (pidx_t){p[i], i};
    }
    qsort(s, m, sizeof *s, pidx_cmp);
    double run = 1;
    for (size_t k = m; k-- > 0;) {
        double v = s[k].p * (double)m / (double)(k + 1);
        run = v < run ? v : run;
        out[s[k].i] = run;
    }
    memcpy(q, out, n * sizeof *q);
    free(s), free(out);
    return 0;
}

/* ---- one concept at one layer -------------------------------------------------------- */

/* What every concept at a layer shares: centred Gram matrices and scratch. */
typedef struct lay {
    const double *K; /* (n, n) pool x pool */
    const double *C; /* (M, n) class inputs x pool */
    size_t n, M;
    const mrl_tcav_opts_t *o;
    size_t *list;  /* (3n) the concept's examples, counterparts, pool */
    size_t *perm;  /* (n) a random concept's pool, reordered */
    double *rep;   /* (reps) a random concept's CAV scores */
    size_t *idx;   /* (2 max_n) a CAV's examples: positives then negatives, train first */
    int8_t *y;     /* (2 max_n) */
    double *alpha; /* (2 max_n) */
    double *work;  /* (4 max_n^2 + 6 max_n) */
} lay_t;

/* The first k of arr[0..len) become a uniform random k-subset (partial Fisher-Yates). */
static void draw(size_t *arr, size_t len, size_t k, mrl_rng_t *rng)
{
    for (size_t i = 0; i < k; i++) {
        size_t j = i + mrl_rng_below(rng, (uint32_t)(len - i)), t = arr[i];
        arr[i] = arr[j], arr[j] = t;
    }
}

/* Fit on the train parts of pos[0..m) and neg[0..m) (the first m - h of each), then the
 * held-out accuracy (*acc; NaN when h = 0) and the TCAV score over the class inputs. */
static double cav_score(lay_t *L, const size_t *pos, const size_t *neg, size_t m, size_t h,
                        double *acc)
{
    size_t nt = 2 * (m - h), *idx = L->idx, n = L->n;
    for (size_t i = 0; i < m - h; i++) {
        idx[i] = pos[h + i], L->y[i] = 1;
        idx[m - h + i] = neg[h + i], L->y[m - h + i] = -1;
    }
    double b, *Kx = L->work;
    for (size_t i = 0; i < nt; i++)
        for (size_t j = 0; j < nt; j++)
            Kx[i * nt + j] = L->K[idx[i] * n + idx[j]];
    cav_descend(Kx, L->y, nt, L->o->l2, L->o->iters, L->alpha, &b, Kx + nt * nt);
    long right = 0;
    for (size_t k = 0; k < 2 * h; k++) {
        size_t e = k < h ? pos[k] : neg[k - h];
        double f = b;
        for (size_t i = 0; i < nt; i++)
            f += L->alpha[i] * L->K[e * n + idx[i]];
        right += (f > 0) == (k < h);
    }
    *acc = h ? (double)right / (double)(2 * h) : (double)NAN;
    long up = 0;
    double sum = 0, w2 = 0;
    for (size_t c = 0; c < L->M; c++) {
        double s = 0;
        for (size_t i = 0; i < nt; i++)
            s += L->alpha[i] * L->C[c * n + idx[i]];
        up += s > 0, sum += s;
    }
    if (L->o->stat == MRL_TCAV_STAT_SIGN)
        return (double)up / (double)L->M;
    for (size_t i = 0; i < nt; i++) /* |w|^2 = alpha' K alpha on the scaled activations */
        for (size_t j = 0; j < nt; j++)
            w2 += L->alpha[i] * Kx[i * nt + j] * L->alpha[j];
    return w2 > 0 ? sum / (double)L->M / sqrt(w2) : 0;
}

static void sd_of(const double *a, size_t n, double *mean, double *sd)
{
    double v;
    mean_var(a, n, mean, &v);
    *sd = sqrt(v);
}

/* The statistic of one concept (S: nS examples, U: nU counterparts): the mean TCAV score
 * of reps CAVs, each on fresh m-subsets of S and U; sc (reps) each CAV's score, acc the
 * mean held-out accuracy. S and U are reordered. */
static double concept_stat(lay_t *L, size_t *S, size_t nS, size_t *U, size_t nU, size_t m,
                           mrl_rng_t *rng, double *sc, double *acc)
{
    const mrl_tcav_opts_t *o = L->o;
    size_t h = o->holdout > 0 ? MRL_MAX((size_t)1, (size_t)lround(o->holdout * (double)m)) : 0;
    double sum = 0, asum = 0, a;
    for (int r = 0; r < o->reps; r++) {
        draw(S, nS, m, rng), draw(U, nU, m, rng);
        sc[r] = cav_score(L, S, U, m, h, &a);
        sum += sc[r], asum += a;
    }
    *acc = asum / (double)o->reps;
    return sum / (double)o->reps;
}

/* One row: the concept's statistic against `runs` random concepts of its pool (a random
 * subset of the concept's size against the rest, scored the same way); p: Monte-Carlo,
 * two-sided (mrl_mc_pvalue). sc (reps + runs):
 * the concept's CAV scores, then each random concept's statistic; tmp (reps + runs + 3n). */
static void test_concept(lay_t *L, const int8_t *member, uint64_t stream, mrl_tcav_row_t *row,
                         float *sc, double *tmp)
{
    const mrl_tcav_opts_t *o = L->o;
    const int R = o->reps, B = o->runs;
    size_t *S = L->list, nS = 0, nU = 0, nP = 0;
    for (size_t i = 0; i < L->n; i++)
        nS += member[i] == 1, nU += member[i] == 0;
    size_t *U = S + nS, *P = U + nU;
    for (size_t i = 0, a = 0, u = 0; i < L->n; i++) {
        if (member[i] == 1)
            S[a++] = i;
        else if (member[i] == 0)
            U[u++] = i;
        if (member[i] == 1 || member[i] == 0)
            P[nP++] = i;
    }
    size_t m = MRL_MIN(MRL_MIN(nS, nU), (size_t)o->max_n);
    row->n_concept = (long)nS, row->n_random = (long)nU, row->n_side = (int)m;
    row->cav_accuracy = row->tcav_mean = row->tcav_sd = row->random_mean = row->random_sd = (double)NAN;
    row->p = row->q = (double)NAN, row->verdict = MRL_TCAV_UNTESTED;
    for (int r = 0; r < R + B; r++)
        sc[r] = NAN;
    if (m < (size_t)o->min_n)
        return;
    mrl_rng_t rng;
    mrl_rng_init(&rng, o->seed, stream);
    double acc, *t = tmp, *u = tmp + R;
    double T = concept_stat(L, S, nS, U, nU, m, &rng, t, &row->cav_accuracy);
    for (int j = 0; j < B; j++) {
        size_t *Pc = L->perm;
        memcpy(Pc, P, nP * sizeof *Pc);
        draw(Pc, nP, nS, &rng); /* Pc[0..nS): the random concept, the rest its counterparts */
        u[j] = concept_stat(L, Pc, nS, Pc + nS, nP - nS, m, &rng, L->rep, &acc);
    }
    for (int r = 0; r < R + B; r++)
        sc[r] = (float)tmp[r];
    row->tcav_mean = T;
    if (R > 1)
        sd_of(t, (size_t)R, &T, &row->tcav_sd);
    else
        row->tcav_sd = 0;
    sd_of(u, (size_t)B, &row->random_mean, &row->random_sd);
    row->p = mrl_mc_pvalue(T, u, (size_t)B);
}

/* ---- the run ---------------------------------------------------------------------- */

void mrl_tcav_release(mrl_tcav_t *t)
{
    if (!t)
        return;
    free(t->row), free(t->scores);
    memset(t, 0, sizeof *t);
}

static int check_opts(const mrl_tcav_opts_t *o, const mrl_concept_t *c, int nc, size_t n)
{
    const struct {
        int bad;
        const char *why;
    } rule[] = {
        {o->runs < 3, "runs must be 3 or more"},
        {o->reps < 1 || o->reps > MRL_TCAV_MAX_REPS, "reps must be in 1..64"},
        {o->stat != MRL_TCAV_STAT_SIGN && o->stat != MRL_TCAV_STAT_DERIV, "unknown statistic"},
        {o->min_n < 2 || o->max_n < o->min_n, "need 2 <= min_n <= max_n"},
        {!(o->holdout >= 0 && o->holdout <= 0.5), "holdout must be in [0, 0.5]"},
        {!(o->l2 > 0) || o->iters < 1, "need l2 > 0 and iters >= 1"},
        {!(o->alpha > 0 && o->alpha < 1), "alpha must be in (0, 1)"},
        {nc < 1 || !c, "no concept"},
        {n < 2, "fewer than 2 images"},
        {o->n_layers > MRL_NN_MAX_LAYERS || (o->layers && o->n_layers < 1), "bad layer list"}};
    for (size_t k = 0; k < sizeof rule / sizeof rule[0]; k++)
        if (rule[k].bad)
            return mrl_err_set(MRL_ERR_ARG, "concept tests: %s", rule[k].why);
    for (int k = 0; k < nc; k++)
        if (!c[k].member)
            return mrl_err_set(MRL_ERR_ARG, "concept tests: concept %d (%s) has no members", k,
                               c[k].name ? c[k].name : "?");
    return 0;
}

/* K (n, n) and C (M, n) of one layer: activations of every image (held at once), then the
 * class inputs' gradients CHUNK at a time against them. */
static int layer_grams(mrl_nn_t *nn, const mrl_model_t *m, const float *x, size_t n,
                       const size_t *cls, size_t M, int layer, const mrl_tcav_opts_t *o, double *K,
                       double *C)
{
    const mrl_arch_t *a = mrl_model_arch(m);
    int s[3], rc = mrl_arch_shape(a, layer, s);
    if (rc < 0)
        return rc;
    size_t D = (size_t)s[0] * (size_t)s[1] * (size_t)s[2];
    size_t px = (size_t)a->in_c * (size_t)a->in_h * (size_t)a->in_w;
    if (D > SIZE_MAX / sizeof(float) / (n + 2 * CHUNK))
        return mrl_err_set(MRL_ERR_NOMEM, "layer %d: activations too large", layer);
    float *A = malloc(n * D * sizeof *A), *G = malloc(CHUNK * D * sizeof *G);
    float *xb = malloc(CHUNK * px * sizeof *xb);
    if (!A || !G || !xb)
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory (layer %d: %zu x %zu activations)", layer, n,
                         D);
    if (!rc)
        rc = mrl_tcav_layer_read(nn, m, x, n, layer, o, A, NULL);
    if (!rc)
        gram(A, n, A, n, D, 1, K);
    for (size_t i0 = 0; !rc && i0 < M; i0 += CHUNK) {
        size_t k = MRL_MIN((size_t)CHUNK, M - i0);
        for (size_t i = 0; i < k; i++)
            memcpy(xb + i * px, x + cls[i0 + i] * px, px * sizeof *xb);
        rc = mrl_tcav_layer_read(nn, m, xb, k, layer, o, NULL, G);
        if (!rc)
            gram(G, k, A, n, D, 0, C + i0 * n);
    }
    free(A), free(G), free(xb);
    return rc;
}

/* BH over the tested rows, then the verdicts. */
static int verdicts(mrl_tcav_t *t)
{
    size_t nr = (size_t)t->n_concepts * (size_t)t->n_layers;
    double *p = malloc(nr * sizeof *p);
    if (!p)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < nr; r++)
        p[r] = t->row[r].p;
    int rc = mrl_bh_adjust(p, nr, p);
    for (size_t r = 0; !rc && r < nr; r++) {
        t->row[r].q = p[r];
        if (t->row[r].verdict != MRL_TCAV_UNTESTED || isfinite(p[r]))
            t->row[r].verdict = p[r] < t->alpha ? MRL_TCAV_SIGNIFICANT : MRL_TCAV_NS;
    }
    free(p);
    return rc;
}

int mrl_tcav_run(mrl_nn_t *nn, const mrl_model_t *m, const float *x, size_t n, const uint8_t *cls,
                 const mrl_concept_t *c, int nc, const mrl_tcav_opts_t *o, mrl_tcav_t *out)
{
    mrl_tcav_release(out);
    int rc = !nn || !m || !x || !cls || !o ? mrl_err_set(MRL_ERR_ARG, "concept tests: NULL input")
                                           : check_opts(o, c, nc, n);
    if (rc)
        return rc;
    const mrl_arch_t *a = mrl_model_arch(m);
    out->n_layers = o->layers ? o->n_layers : mrl_tcav_default_layers(a, out->layers);
    for (int l = 0; l < out->n_layers && o->layers; l++)
        out->layers[l] = o->layers[l];
    for (int l = 0; !rc && l < out->n_layers; l++)
        rc = check_layer(a, out->layers[l]);
    if (!rc && out->n_layers < 1)
        rc = mrl_err_set(MRL_ERR_ARG, "concept tests: the network has no layer to test");
    size_t M = 0, mx = (size_t)o->max_n, *ci = malloc(n * sizeof *ci);
    for (size_t i = 0; ci && i < n; i++)
        if (cls[i])
            ci[M++] = i;
    if (!rc && ci && M == 0)
        rc = mrl_err_set(MRL_ERR_ARG, "concept tests: no class input");
    out->n_concepts = nc, out->runs = o->runs, out->reps = o->reps, out->stat = o->stat,
    out->n_class = (long)M, out->alpha = o->alpha;
    size_t nr = (size_t)nc * (size_t)out->n_layers;
    double *K = malloc(n * n * sizeof *K), *C = malloc((M ? M : 1) * n * sizeof *C);
    const size_t ns = (size_t)o->reps + (size_t)o->runs; /* scores per row */
    double *tmp = malloc((ns + n) * sizeof *tmp);
    lay_t L = {K,
               C,
               n,
               M,
               o,
               malloc(3 * n * sizeof(size_t)),
               malloc(n * sizeof(size_t)),
               malloc(MRL_TCAV_MAX_REPS * sizeof(double)),
               malloc(2 * mx * sizeof(size_t)),
               malloc(2 * mx),
               malloc(2 * mx * sizeof(double)),
               malloc((4 * mx * mx + 6 * mx) * sizeof(double))};
    out->row = calloc(nr ? nr : 1, sizeof *out->row);
    out->scores = malloc((nr ? nr : 1) * ns * sizeof *out->scores);
    if (!rc && (!ci || !K || !C || !tmp || !L.list || !L.perm || !L.rep || !L.idx || !L.y ||
                !L.alpha || !L.work || !out->row || !out->scores))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory (concept tests on %zu images)", n);
    double t0 = mrl_seconds();
    for (int l = 0; !rc && l < out->n_layers; l++) {
        rc = layer_grams(nn, m, x, n, ci, M, out->layers[l], o, K, C);
        if (rc)
            break;
        centre(K, n, C, M, tmp + ns);
        for (int k = 0; k < nc; k++) {
            size_t r = (size_t)k * (size_t)out->n_layers + (size_t)l;
            out->row[r].concept = k, out->row[r].layer = out->layers[l];
            test_concept(&L, c[k].member, (uint64_t)k, &out->row[r], out->scores + r * ns, tmp);
        }
        if (o->progress)
            o->progress(o->progress_ctx, l + 1, out->n_layers);
    }
    if (!rc)
        rc = verdicts(out);
    out->seconds = mrl_seconds() - t0;
    free(ci), free(K), free(C), free(tmp);
    free(L.list), free(L.perm), free(L.rep), free(L.idx), free(L.y), free(L.alpha), free(L.work);
    if (rc)
        mrl_tcav_release(out);
    return rc;
}

int mrl_tcav_det_member(const char *seq, const int *partner, size_t n, const int *duplex,
                        int8_t member[MRL_NDET])
{
    for (int d = 0; d < MRL_NDET; d++)
        member[d] = -1;
    if (!duplex || duplex[0] < 0)
        return 0;
    for (int d = 0; d < MRL_NDET; d++) {
        mrl_det_hit_t hit;
        int rc = mrl_det_eval(d, seq, partner, n, duplex, NULL, &hit);
        if (rc < 0)
            return rc;
        member[d] = (int8_t)(hit.visible ? (hit.present ? 1 : 0) : -1);
    }
    return 0;
}
