/*
 * sanity.c - similarity of attribution maps for the sanity checks of Adebayo et al. 2018
 * ("Sanity checks for saliency maps", NeurIPS): maps of a trained model are compared with
 * those of the same model with randomised layers (or trained on shuffled labels) by the
 * Spearman rank correlation of their values, signed and absolute.
 *
 * Spearman's rho is the Pearson correlation of the ranks, ties given their mean rank
 * (the standard tie correction, as scipy.stats.spearmanr). Ranks come from a stable merge
 * sort of indices, O(n log n), so equal values are grouped without an O(n^2) pass.
 */
#include <math.h>
#include <stdlib.h>
#include "../util/util.h"

/* Scratch for one correlation of n values. */
typedef struct rank_ws {
    size_t *idx, *tmp;
    double *ra, *rb;
} rank_ws_t;

static int ws_init(rank_ws_t *w, size_t n)
{
    w->idx = malloc(n * sizeof *w->idx);
    w->tmp = malloc(n * sizeof *w->tmp);
    w->ra = malloc(n * sizeof *w->ra);
    w->rb = malloc(n * sizeof *w->rb);
    if (w->idx && w->tmp && w->ra && w->rb)
        return 0;
    return mrl_err_set(MRL_ERR_NOMEM, "out of memory for ranks of %zu values", n);
}

static void ws_release(rank_ws_t *w)
{
    free(w->idx), free(w->tmp), free(w->ra), free(w->rb);
}

/* Bottom-up merge sort of idx[0..n) by v[idx], stable (left run wins ties). */
static void sort_idx(const float *v, size_t n, size_t *idx, size_t *tmp)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    size_t *src = idx, *dst = tmp;
    for (size_t run = 1; run < n; run *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * run) {
            size_t mid = MRL_MIN(lo + run, n), hi = MRL_MIN(lo + 2 * run, n);
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = v[src[j]] < v[src[i]] ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        size_t *t = src;
        src = dst, dst = t;
    }
    if (src != idx)
        for (size_t i = 0; i < n; i++)
            idx[i] = src[i];
}

/* 1-based ranks of v into r, a run of ties [i, j) sharing the mean rank (i + j + 1) / 2. */
static void ranks(const float *v, size_t n, rank_ws_t *w, double *r)
{
    sort_idx(v, n, w->idx, w->tmp);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[w->idx[j]] == v[w->idx[i]])
            j++;
        double mean = 0.5 * (double)(i + j + 1);
        for (size_t k = i; k < j; k++)
            r[w->idx[k]] = mean;
        i = j;
    }
}

/* rho of a and b (n >= 2, no NaN) with scratch w. */
static double spearman_ws(const float *a, const float *b, size_t n, rank_ws_t *w)
{
    ranks(a, n, w, w->ra);
    ranks(b, n, w, w->rb);
    /* both rank vectors have the mean (n + 1) / 2 exactly, ties included */
    double mu = 0.5 * ((double)n + 1.0), sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        double da = w->ra[i] - mu, db = w->rb[i] - mu;
        sab += da * db, saa += da * da, sbb += db * db;
    }
    if (saa == 0 || sbb == 0) /* a constant input: every rank is the mean */
        return (double)NAN;
    /* sqrt(s * s) == s exactly, so identical ranks give 1 and reversed ones -1 */
    double rho = sab / sqrt(saa * sbb);
    return rho > 1 ? 1 : rho < -1 ? -1 : rho;
}

static int has_nan(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(v[i]))
            return 1;
    return 0;
}

/* NaN also when an input holds a NaN (it has no rank) or the scratch cannot be allocated
 * (the message says so). */
double mrl_spearman(const float *a, const float *b, size_t n)
{
    if (n < 2 || has_nan(a, n) || has_nan(b, n))
        return (double)NAN;
    rank_ws_t w;
    double rho = (double)NAN;
    if (ws_init(&w, n) == 0)
        rho = spearman_ws(a, b, n, &w);
    ws_release(&w);
    return rho;
}

int mrl_maps_rank_corr(const float *a, const float *b, size_t n, int c, int h, int w,
                       double *rho_signed, double *rho_abs)
{
    if (c < 1 || h < 1 || w < 1)
        return mrl_err_set(MRL_ERR_ARG, "bad map shape %dx%dx%d", c, h, w);
    size_t hw = (size_t)h * w, img = (size_t)c * hw;
    rank_ws_t ws;
    float *sa = malloc(4 * hw * sizeof *sa);
    int rc = ws_init(&ws, hw);
    if (!rc && !sa)
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n && !rc; k++) {
        float *sb = sa + hw, *aa = sb + hw, *ab = aa + hw;
        mrl_explain_channel_sum(a + k * img, 1, c, h, w, sa);
        mrl_explain_channel_sum(b + k * img, 1, c, h, w, sb);
        int bad = hw < 2 || has_nan(sa, hw) || has_nan(sb, hw);
        if (rho_signed)
            rho_signed[k] = bad ? (double)NAN : spearman_ws(sa, sb, hw, &ws);
        if (rho_abs) {
            for (size_t p = 0; p < hw; p++)
                aa[p] = fabsf(sa[p]), ab[p] = fabsf(sb[p]);
            rho_abs[k] = bad ? (double)NAN : spearman_ws(aa, ab, hw, &ws);
        }
    }
    free(sa);
    ws_release(&ws);
    return rc;
}
