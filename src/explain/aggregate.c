/*
 * aggregate.c - attribution summed over a labelled set: mean maps by outcome group,
 * profiles along the hairpin (image columns, distance from the terminal loop in nt),
 * shares by structural context, base and pair type, by region around the miRNA duplex
 * (mature strands, loop, basal stem, flanks), around the Drosha and Dicer cut sites, and
 * 3-mer motifs among each sequence's most attributed windows; each hairpin's category sums
 * and their percentile bootstrap intervals over hairpins (Efron & Tibshirani 1993), paired
 * between two networks that explained the same hairpins.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

static const char *const region_names[] = {"mature5p", "mature3p", "loop", "basal-stem", "flank"};
static const char *const outcome_names[] = {"TP", "TN", "FP", "FN"};
static const char *const base_names[] = {"A", "C", "G", "U", "other"};
static const char *const pair_names[] = {"unpaired", "AU", "UA", "GC", "CG", "GU", "UG", "other"};
static const char *const cut_names[] = {"drosha-5p", "dicer-5p", "dicer-3p", "drosha-3p"};

static const char *const loop_names[] = {"3-4", "5-6", "7-8", "9-10", "11-14", "15-20", "21+"};

int mrl_agg_loop_bin(int len)
{
    static const int upper[MRL_AGG_NLOOP - 1] = {4, 6, 8, 10, 14, 20};
    int b = 0;
    while (b < MRL_AGG_NLOOP - 1 && len > upper[b])
        b++;
    return b;
}

const char *mrl_agg_loop_name(int bin)
{
    return bin >= 0 && bin < MRL_AGG_NLOOP ? loop_names[bin] : "?";
}

const char *mrl_region_name(int r)
{
    return r >= 0 && r < MRL_NREGIONS ? region_names[r] : "?";
}

const char *mrl_outcome_name(int g)
{
    return g >= 0 && g < MRL_NOUTCOMES ? outcome_names[g] : "?";
}

const char *mrl_agg_base_name(int b)
{
    return b >= 0 && b < MRL_AGG_NBASE ? base_names[b] : "?";
}

const char *mrl_agg_pair_name(int p)
{
    return p >= 0 && p < MRL_AGG_NPAIR ? pair_names[p] : "?";
}

const char *mrl_agg_cut_name(int c)
{
    return c >= 0 && c < MRL_AGG_NCUT ? cut_names[c] : "?";
}

int mrl_outcome_of(int label, float prob, float threshold)
{
    int called = prob >= threshold;
    return label ? (called ? MRL_OUT_TP : MRL_OUT_FN) : (called ? MRL_OUT_FP : MRL_OUT_TN);
}

/* 0..3 for A C G U (T = U, any case), 4 otherwise. */
static int base_code(char c)
{
    int b = mrl_base_index(c);
    return b < 0 ? 4 : b;
}

char *mrl_agg_kmer_str(int k, char buf[4])
{
    static const char nt[] = "ACGU";
    for (int i = MRL_AGG_KMER - 1; i >= 0; i--, k >>= 2)
        buf[i] = nt[k & 3];
    buf[MRL_AGG_KMER] = '\0';
    return buf;
}

static int pair_code(char x, char y)
{
    static const int tab[4][4] = {
        /*        A  C  G  U */
        /* A */ {7, 7, 7, 1},
        /* C */ {7, 7, 4, 7},
        /* G */ {7, 3, 7, 5},
        /* U */ {2, 7, 6, 7},
    };
    int a = base_code(x), b = base_code(y);
    return a < 4 && b < 4 ? tab[a][b] : 7;
}

/* ---- the miRNA duplex ------------------------------------------------------------- */

static int region_of(int p, const int *dx)
{
    if (p >= dx[0] && p <= dx[1])
        return MRL_REG_MATURE5;
    if (p >= dx[2] && p <= dx[3])
        return MRL_REG_MATURE3;
    if (p > dx[1] && p < dx[2])
        return MRL_REG_LOOP;
    if ((p >= dx[0] - MRL_BASAL_NT && p < dx[0]) || (p > dx[3] && p <= dx[3] + MRL_BASAL_NT))
        return MRL_REG_BASAL;
    return MRL_REG_FLANK;
}

/* First paired position from p stepping by dir, at most until limit (inclusive);
 * *steps = how far it went. -1 when none. */
static int paired_near(const int *pt, int p, int dir, int limit, int *steps)
{
    for (int s = 0;; s++, p += dir) {
        if ((dir > 0 && p > limit) || (dir < 0 && p < limit))
            return -1;
        if (pt[p] >= 0) {
            *steps = s;
            return p;
        }
    }
}

int mrl_duplex_regions(const int *partner, size_t n, const int range[4], int duplex[4],
                       uint8_t *region)
{
    int a = range[0], b = range[1], c = range[2], d = range[3], s, q, N = (int)n;
    if ((a >= 0 && (b < a || b >= N)) || (c >= 0 && (d < c || d >= N)))
        return mrl_err_set(MRL_ERR_REFUSED, "mature range outside the hairpin");
    if (a < 0 && c < 0)
        return mrl_err_set(MRL_ERR_REFUSED, "no annotated mature");
    if (c < 0) { /* 3p strand from the 5p one: a pairs with d - 2, b - 2 with c */
        if (b - 2 < a || (q = paired_near(partner, a, +1, b - 2, &s)) < 0 || partner[q] < q)
            return mrl_err_set(MRL_ERR_REFUSED, "5p mature is not paired to a 3p arm");
        d = partner[q] + s + 2;
        if ((q = paired_near(partner, b - 2, -1, a, &s)) < 0 || partner[q] < q)
            return mrl_err_set(MRL_ERR_REFUSED, "5p mature is not paired to a 3p arm");
        c = partner[q] - s;
    } else if (a < 0) { /* 5p strand from the 3p one */
        if (d - 2 < c || (q = paired_near(partner, d - 2, -1, c, &s)) < 0 || partner[q] > q)
            return mrl_err_set(MRL_ERR_REFUSED, "3p mature is not paired to a 5p arm");
        a = partner[q] - s;
        if ((q = paired_near(partner, c, +1, d - 2, &s)) < 0 || partner[q] > q)
            return mrl_err_set(MRL_ERR_REFUSED, "3p mature is not paired to a 5p arm");
        b = partner[q] + s + 2;
    }
    a = MRL_MAX(a, 0), d = MRL_MIN(d, N - 1);
    if (!(a <= b && b < c && c <= d))
        return mrl_err_set(MRL_ERR_REFUSED, "the two mature strands overlap or cross");
    duplex[0] = a, duplex[1] = b, duplex[2] = c, duplex[3] = d;
    for (int p = 0; region && p < N; p++)
        region[p] = (uint8_t)region_of(p, duplex);
    return 0;
}

/* ---- accumulation ------------------------------------------------------------------- */

void mrl_agg_clear(mrl_agg_t *a)
{
    memset(a, 0, sizeof *a);
}

static void bin_add(mrl_agg_bin_t *b, double frac, double v)
{
    b->n += 1, b->frac += frac, b->sum += v, b->sum_abs += fabs(v);
}

void mrl_agg_add_map(mrl_agg_t *a, int g, const float *map2d, int used)
{
    double S = 0;
    for (int k = 0; k < MRL_IMG_H * MRL_IMG_W; k++)
        S += fabs((double)map2d[k]);
    double inv = S > 0 ? 1 / S : 0;
    a->n_img[g]++;
    for (int k = 0; k < MRL_IMG_H * MRL_IMG_W; k++) {
        double v = (double)map2d[k] * inv;
        a->map_sum[g][k] += v, a->map_abs[g][k] += fabs(v);
    }
    for (int c = 0; c < used && c < MRL_IMG_W; c++)
        for (int half = 0; half < 2; half++) {
            mrl_agg_bin_t *b = &a->col[g][half][c];
            int r0 = half ? MRL_IMG_TOP_ROW + 1 : 0, r1 = half ? MRL_IMG_H : MRL_IMG_TOP_ROW + 1;
            double s = 0, sa = 0;
            for (int r = r0; r < r1; r++)
                s += (double)map2d[r * MRL_IMG_W + c] * inv,
                    sa += fabs((double)map2d[r * MRL_IMG_W + c] * inv);
            b->n += 1, b->sum += s, b->sum_abs += sa;
        }
}

typedef struct window {
    double score;
    int pos, kmer, near;
} window_t;

static int cmp_window(const void *x, const void *y)
{
    const window_t *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->pos - b->pos;
}

/* 3-mer windows of drawn A/C/G/U positions; the top MRL_AGG_TOP of them by summed share. */
static int add_kmers(mrl_agg_t *a, int g, const char *seq, int n, const uint8_t *drawn,
                     const double *v, int o, int k)
{
    window_t *w = malloc((size_t)(n > 0 ? n : 1) * sizeof *w);
    if (!w)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    int nw = 0;
    for (int p = 0; p + MRL_AGG_KMER <= n; p++) {
        int code = 0, ok = 1;
        double s = 0;
        for (int i = 0; i < MRL_AGG_KMER && ok; i++) {
            int b = base_code(seq[p + i]);
            ok = drawn[p + i] && b < 4;
            code = code * 4 + b, s += a->rank_abs ? fabs(v[p + i]) : v[p + i];
        }
        if (ok)
            w[nw++] = (window_t){s, p, code,
                                 p >= o - MRL_AGG_NEAR_LOOP &&
                                     p + MRL_AGG_KMER - 1 <= k + MRL_AGG_NEAR_LOOP};
    }
    if (nw == 0) {
        free(w);
        return 0;
    }
    qsort(w, (size_t)nw, sizeof *w, cmp_window);
    int ntop = (int)ceil(MRL_AGG_TOP * nw), near = 0, near_top = 0;
    for (int i = 0; i < nw; i++)
        near += w[i].near, near_top += w[i].near && i < ntop;
    double f[2] = {(double)ntop / nw, near ? (double)near_top / near : 0};
    int cnt[2][MRL_AGG_NKMER] = {{0}}, N[2] = {nw, near};
    for (int i = 0; i < nw; i++)
        for (int scope = 0; scope < 2; scope++) {
            if (scope == 1 && !w[i].near)
                continue;
            cnt[scope][w[i].kmer]++;
            a->kmer_occ[g][scope][w[i].kmer] += 1;
            a->kmer_top[g][scope][w[i].kmer] += i < ntop;
            a->kmer_exp[g][scope][w[i].kmer] += f[scope];
        }
    /* the number of a k-mer's K windows among the sequence's top windows, drawn uniformly
     * without replacement, is hypergeometric: variance K f (1 - f) (N - K) / (N - 1) */
    for (int scope = 0; scope < 2; scope++)
        for (int km = 0; km < MRL_AGG_NKMER && N[scope] > 1; km++)
            if (cnt[scope][km])
                a->kmer_var[g][scope][km] += cnt[scope][km] * f[scope] * (1 - f[scope]) *
                                             (N[scope] - cnt[scope][km]) / (N[scope] - 1);
    free(w);
    return 0;
}

/* The drawn positions of a hairpin (drawn, n + 1) and each one's share of the drawn
 * nucleotides' |attribution| (v; 0 elsewhere); the number drawn. */
static int shares(size_t n, const mrl_hairpin_t *h, const float *attr, uint8_t *drawn, double *v)
{
    int N = (int)n, nd = 0;
    memset(drawn, 0, n + 1);
    for (int c = 0; c < h->used; c++) {
        if (h->pos5[c] >= 0 && h->pos5[c] < N)
            drawn[h->pos5[c]] = 1;
        if (h->pos3[c] >= 0 && h->pos3[c] < N)
            drawn[h->pos3[c]] = 1;
    }
    double S = 0;
    for (int p = 0; p < N; p++)
        if (drawn[p])
            S += fabs((double)attr[p]), nd++;
    for (int p = 0; p < N; p++)
        v[p] = drawn[p] && S > 0 ? (double)attr[p] / S : 0;
    return nd;
}

static void cats_of(const char *seq, const int *pt, const uint8_t *ctx, int N, const uint8_t *drawn,
                    const double *v, int nd, const int *duplex, mrl_agg_bin_t *cat)
{
    double fr = nd ? 1.0 / nd : 0;
    memset(cat, 0, MRL_AGG_NCAT * sizeof *cat);
    for (int p = 0; p < N; p++) {
        if (!drawn[p])
            continue;
        int c = ctx[p] < MRL_AGG_NCTX ? ctx[p] : MRL_AGG_NCTX - 1;
        bin_add(&cat[MRL_AGG_CAT_CTX + c], fr, v[p]);
        bin_add(&cat[MRL_AGG_CAT_BASE + base_code(seq[p])], fr, v[p]);
        bin_add(&cat[MRL_AGG_CAT_PAIR + (pt[p] < 0 ? 0 : pair_code(seq[p], seq[pt[p]]))], fr, v[p]);
        if (duplex)
            bin_add(&cat[MRL_AGG_CAT_REGION + region_of(p, duplex)], fr, v[p]);
    }
}

static int seq_args_ok(const char *seq, const int *pt, const uint8_t *ctx, const mrl_hairpin_t *h,
                       const float *attr)
{
    return seq && pt && ctx && h && attr;
}

int mrl_agg_seq_cats(const char *seq, const int *partner, const uint8_t *context, size_t n,
                     const mrl_hairpin_t *h, const float *attr, const int *duplex,
                     mrl_agg_bin_t cat[MRL_AGG_NCAT])
{
    if (!seq_args_ok(seq, partner, context, h, attr) || !cat)
        return mrl_err_set(MRL_ERR_ARG, "mrl_agg_seq_cats: bad arguments");
    uint8_t *drawn = malloc(n + 1);
    double *v = malloc((n + 1) * sizeof(double));
    int rc = drawn && v ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc)
        cats_of(seq, partner, context, (int)n, drawn, v, shares(n, h, attr, drawn, v), duplex, cat);
    free(drawn), free(v);
    return rc;
}

static void bins_add(mrl_agg_bin_t *to, const mrl_agg_bin_t *from, int nb)
{
    for (int k = 0; k < nb; k++)
        to[k].n += from[k].n, to[k].frac += from[k].frac, to[k].sum += from[k].sum,
            to[k].sum_abs += from[k].sum_abs;
}

int mrl_agg_add_seq(mrl_agg_t *a, int g, const char *seq, const int *pt, const uint8_t *ctx,
                    size_t n, const mrl_hairpin_t *h, const float *attr, const int *duplex)
{
    if (!a || g < 0 || g >= MRL_NOUTCOMES || !seq_args_ok(seq, pt, ctx, h, attr))
        return mrl_err_set(MRL_ERR_ARG, "mrl_agg_add_seq: bad arguments");
    int N = (int)n, rc;
    uint8_t *drawn = malloc(n + 1);
    double *v = malloc((n + 1) * sizeof(double));
    if (!drawn || !v) {
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        goto done;
    }
    int nd = shares(n, h, attr, drawn, v);
    /* the category tables: the hairpin's own sums, then added (mrl_agg_seq_cats) */
    mrl_agg_bin_t cat[MRL_AGG_NCAT];
    cats_of(seq, pt, ctx, N, drawn, v, nd, duplex, cat);
    bins_add(a->ctx[g], cat + MRL_AGG_CAT_CTX, MRL_AGG_NCTX);
    bins_add(a->base[g], cat + MRL_AGG_CAT_BASE, MRL_AGG_NBASE);
    bins_add(a->pair[g], cat + MRL_AGG_CAT_PAIR, MRL_AGG_NPAIR);
    if (duplex)
        bins_add(a->region[g], cat + MRL_AGG_CAT_REGION, MRL_NREGIONS);
    a->n_seq[g]++;
    a->n_duplex[g] += duplex != NULL;
    int o = h->loop_open, k = h->loop_close;
    double fr = nd ? 1.0 / nd : 0, loop_s = 0, loop_a = 0, loop_f = 0;
    for (int p = 0; p < N; p++) {
        if (!drawn[p])
            continue;
        int strand = p <= o ? 0 : p >= k ? 2 : 1;
        if (strand == 1)
            loop_s += v[p], loop_a += fabs(v[p]), loop_f += fr;
        int dist = strand == 0 ? o - p + 1 : strand == 2 ? p - k + 1 : p - o;
        if (dist < MRL_AGG_NDIST)
            bin_add(&a->dist[g][strand][dist], fr, v[p]);
    }
    mrl_agg_bin_t *lb = &a->loop[g][mrl_agg_loop_bin(k - o - 1)];
    lb->n += 1, lb->frac += loop_f, lb->sum += loop_s, lb->sum_abs += loop_a;
    if (duplex) {
        const int site[MRL_AGG_NCUT] = {duplex[0], duplex[1] + 1, duplex[2], duplex[3] + 1};
        for (int s = 0; s < MRL_AGG_NCUT; s++)
            for (int off = -MRL_AGG_CUT_W; off <= MRL_AGG_CUT_W; off++) {
                int p = site[s] + off;
                if (p >= 0 && p < N && drawn[p])
                    bin_add(&a->cut[g][s][off + MRL_AGG_CUT_W], fr, v[p]);
            }
    }
    rc = add_kmers(a, g, seq, N, drawn, v, o, k);
done:
    free(drawn), free(v);
    return rc;
}

void mrl_agg_kmer_stats(const mrl_agg_t *a, int g, int scope, int k, double *enrich, double *z)
{
    double e = a->kmer_exp[g][scope][k], t = a->kmer_top[g][scope][k];
    double var = a->kmer_var[g][scope][k];
    *enrich = e > 0 ? t / e : (double)NAN;
    *z = var > 0 ? (t - e) / sqrt(var) : (double)NAN;
}

/* ---- categories and their intervals --------------------------------------------------- */

const char *mrl_agg_cat_table(int c)
{
    if (c < 0 || c >= MRL_AGG_NCAT)
        return "?";
    return c < MRL_AGG_CAT_BASE     ? "context"
           : c < MRL_AGG_CAT_PAIR   ? "base"
           : c < MRL_AGG_CAT_REGION ? "pair"
                                    : "region";
}

const char *mrl_agg_cat_name(int c)
{
    if (c < 0 || c >= MRL_AGG_NCAT)
        return "?";
    return c < MRL_AGG_CAT_BASE     ? mrl_context_name(c - MRL_AGG_CAT_CTX)
           : c < MRL_AGG_CAT_PAIR   ? mrl_agg_base_name(c - MRL_AGG_CAT_BASE)
           : c < MRL_AGG_CAT_REGION ? mrl_agg_pair_name(c - MRL_AGG_CAT_PAIR)
                                    : mrl_region_name(c - MRL_AGG_CAT_REGION);
}

enum { BS_SHARE, BS_ENRICH, BS_YENRICH, BS_DIFF, BS_N };

int mrl_agg_boot(const mrl_agg_bin_t *x, const mrl_agg_bin_t *y, size_t stride, const size_t *idx,
                 size_t H, int c0, int c1, int n_boot, int min_h, mrl_rng_t *rng, mrl_agg_ci_t *ci)
{
    if (!x || !idx || !rng || !ci || H < 1 || H > UINT32_MAX || n_boot < 1 || c0 < 0 ||
        c1 > MRL_AGG_NCAT || c0 >= c1 || stride < MRL_AGG_NCAT)
        return mrl_err_set(MRL_ERR_ARG, "mrl_agg_boot: bad arguments");
    size_t nc = (size_t)(c1 - c0), B = (size_t)n_boot;
    size_t *bs = malloc(H * sizeof *bs);
    double *v = malloc(nc * BS_N * B * sizeof *v); /* (nc, BS_N, B) */
    double *sx = malloc(3 * nc * sizeof *sx);      /* per resample: sum |x|, sum frac, sum |y| */
    if (!bs || !v || !sx) {
        free(bs), free(v), free(sx);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    for (size_t b = 0; b < B; b++) {
        for (size_t i = 0; i < H; i++)
            bs[i] = idx[mrl_rng_below(rng, (uint32_t)H)];
        memset(sx, 0, 3 * nc * sizeof *sx);
        for (size_t i = 0; i < H; i++)
            for (size_t c = 0; c < nc; c++) {
                const mrl_agg_bin_t *bx = x + bs[i] * stride + (size_t)c0 + c;
                sx[3 * c] += bx->sum_abs, sx[3 * c + 1] += bx->frac;
                if (y)
                    sx[3 * c + 2] += y[bs[i] * stride + (size_t)c0 + c].sum_abs;
            }
        for (size_t c = 0; c < nc; c++) {
            double *vc = v + c * BS_N * B, f = sx[3 * c + 1];
            double ex = f > 0 ? sx[3 * c] / f : (double)NAN;
            double ey = y && f > 0 ? sx[3 * c + 2] / f : (double)NAN;
            vc[BS_SHARE * B + b] = sx[3 * c] / (double)H;
            vc[BS_ENRICH * B + b] = ex, vc[BS_YENRICH * B + b] = ey;
            vc[BS_DIFF * B + b] = ex - ey;
        }
    }
    for (size_t c = 0; c < nc; c++) {
        double *vc = v + c * BS_N * B;
        mrl_agg_ci_t *o = &ci[c];
        long have = 0;
        for (size_t i = 0; i < H; i++)
            have += x[idx[i] * stride + (size_t)c0 + c].frac > 0;
        mrl_percentile95(vc + BS_SHARE * B, n_boot, &o->share_lo, &o->share_hi);
        int few = have < min_h; /* NaN rows: no interval */
        mrl_percentile95(vc + BS_ENRICH * B, few ? 0 : n_boot, &o->enrich_lo, &o->enrich_hi);
        mrl_percentile95(vc + BS_YENRICH * B, few ? 0 : n_boot, &o->y_enrich_lo, &o->y_enrich_hi);
        mrl_percentile95(vc + BS_DIFF * B, few ? 0 : n_boot, &o->diff_lo, &o->diff_hi);
    }
    free(bs), free(v), free(sx);
    return 0;
}
