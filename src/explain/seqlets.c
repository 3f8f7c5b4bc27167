/*
 * seqlets.c - landmark-anchored motif discovery: the windows of highest attribution
 * (seqlets: the idea of TF-MoDISco, Shrikumar et al. 2018) collected over a set of
 * hairpins, placed relative to the nearest processing landmark (the Drosha and Dicer cut
 * sites of the miRNA duplex, the terminal loop's closing pair), clustered greedily by
 * Hamming distance over aligned windows into motifs, each tested on the held-out half of
 * the hairpins against every window at the same landmark offsets (hypergeometric upper
 * tail, Benjamini & Hochberg 1995) and compared with the known site determinants of
 * pri-miRNA processing as mrl_det_eval places them on each hairpin (determinants.c: Auyeung
 * et al. 2013; Fang & Bartel 2015; Kwon et al. 2019; Nguyen et al. 2015; Lee et al. 2023).
 * The attributions come from motif_data.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

#define PAD 4 /* window letter outside the sequence or not A/C/G/U */

static const char *const lm_names[] = {"drosha-5p", "dicer-5p", "loop-5p",
                                       "loop-3p",   "dicer-3p", "drosha-3p"};
static const char *const arm_names[] = {"5p", "loop", "3p"};

const char *mrl_landmark_name(int lm)
{
    return lm >= 0 && lm < MRL_NLANDMARKS ? lm_names[lm] : "?";
}

const char *mrl_arm_name(int arm)
{
    return arm >= 0 && arm <= MRL_ARM_3P ? arm_names[arm] : "?";
}

/* The site determinants a motif is named after: those of mrl_det_eval (determinants.c, where
 * each is defined once, its place included) that carry letters, with those letters (IUPAC;
 * '|' between alternatives). The letters are necessary, not sufficient: mGHG also wants its
 * H unpaired, GYM its G and Y paired and its M not. Their places come from mrl_det_eval's
 * masks on each hairpin. In 5'-to-3' order of their sites. */
static const struct {
    int det;
    const char *pattern;
} sites[MRL_MOTIF_NDET] = {
    {MRL_DET_BASAL_UG, "UG"},        {MRL_DET_MATURE_5U, "U"}, {MRL_DET_GYM, "GYM"},
    {MRL_DET_APICAL_UGU, "UGU|GUG"}, {MRL_DET_MGHG, "GHG"},    {MRL_DET_CNNC, "CNNC"},
};

/* ---- landmarks ---------------------------------------------------------------------- */

int mrl_landmarks(int loop_open, int loop_close, const int *duplex, int b[MRL_NLANDMARKS])
{
    int have = duplex && duplex[0] >= 0 && duplex[1] >= 0 && duplex[2] >= 0 && duplex[3] >= 0;
    b[MRL_LM_DROSHA5] = have ? duplex[0] : -1;
    b[MRL_LM_DICER5] = have ? duplex[1] + 1 : -1;
    b[MRL_LM_LOOP5] = loop_open + 1;
    b[MRL_LM_LOOP3] = loop_close;
    b[MRL_LM_DICER3] = have ? duplex[2] : -1;
    b[MRL_LM_DROSHA3] = have ? duplex[3] + 1 : -1;
    return have ? 6 : 2;
}

int mrl_landmark_offset(int b, int p)
{
    return p >= b ? p - b + 1 : p - b;
}

/* Offset back to the coordinate p - b (the first nucleotide 3' of the landmark is 0). */
static int coord_of(int off)
{
    return off > 0 ? off - 1 : off;
}

static int offset_of(int x)
{
    return x >= 0 ? x + 1 : x;
}

int mrl_landmark_nearest(const int b[MRL_NLANDMARKS], int loop_open, int loop_close, int p, int *lm,
                         int *off)
{
    int best = -1, bo = 0;
    for (int l = 0; l < MRL_NLANDMARKS; l++) {
        if (b[l] < 0)
            continue;
        int o = mrl_landmark_offset(b[l], p);
        if (best < 0 || abs(o) < abs(bo))
            best = l, bo = o;
    }
    *lm = best, *off = bo;
    return p <= loop_open ? MRL_ARM_5P : p >= loop_close ? MRL_ARM_3P : MRL_ARM_LOOP;
}

/* ---- seqlets ------------------------------------------------------------------------ */

void mrl_motif_opts_default(mrl_motif_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->width = 7, o->top = 0.05, o->sign = 0, o->shift = 1, o->mismatch = 2;
    o->offset_tol = 3, o->min_seqlets = 5, o->max_motifs = 50, o->alpha = 0.05, o->seed = 1;
}

void mrl_motif_result_release(mrl_motif_result_t *r)
{
    if (!r)
        return;
    free(r->seqlet), free(r->motif);
    memset(r, 0, sizeof *r);
}

/* 0..3 for A C G U (T = U, any case), PAD otherwise. */
static int code_of(char ch)
{
    int b = mrl_base_index(ch);
    return b < 0 ? PAD : b;
}

/* A hairpin's shares as o scores them: attr over its sum of |attr|, |.| or one sign. */
static void shares(const mrl_motif_hp_t *h, int sign, double *s)
{
    double S = 0;
    for (size_t p = 0; p < h->n; p++)
        S += fabs((double)h->attr[p]);
    for (size_t p = 0; p < h->n; p++) {
        double v = S > 0 ? (double)h->attr[p] / S : 0;
        s[p] = sign == 0 ? fabs(v) : MRL_MAX(0.0, sign * v);
    }
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* The (1 - top) quantile of every share of the set (nearest rank, at least the smallest
 * positive share so that a zero never seeds a seqlet). */
static int share_threshold(const mrl_motif_data_t *d, const mrl_motif_opts_t *o, double *thr)
{
    size_t N = 0, m = 0;
    for (size_t k = 0; k < d->n; k++)
        N += d->hp[k].n;
    double *all = malloc(N * sizeof *all);
    if (!all)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < d->n; k++) {
        shares(&d->hp[k], o->sign, all + m);
        m += d->hp[k].n;
    }
    qsort(all, N, sizeof *all, cmp_double);
    size_t i = (size_t)floor((1 - o->top) * (double)(N - 1));
    *thr = all[MRL_MIN(i, N - 1)];
    free(all);
    return 0;
}

typedef struct peak {
    double s;
    int p;
} peak_t;

static int cmp_peak(const void *x, const void *y)
{
    const peak_t *a = x, *b = y;
    if (a->s != b->s)
        return a->s > b->s ? -1 : 1;
    return a->p - b->p;
}

/* Seqlets of hairpin k: local maxima of its shares at or above thr (the leftmost of a
 * plateau), strongest first, none closer than the window width to a stronger one. */
static int hairpin_seqlets(const mrl_motif_data_t *d, size_t k, const mrl_motif_opts_t *o,
                           double thr, int half, double *s, peak_t *pk, mrl_motif_result_t *r,
                           size_t *cap)
{
    const mrl_motif_hp_t *h = &d->hp[k];
    int n = (int)h->n, np = 0, hw = o->width / 2, b[MRL_NLANDMARKS];
    shares(h, o->sign, s);
    for (int p = 0; p < n; p++)
        if (s[p] >= thr && s[p] > 0 && (p == 0 || s[p] > s[p - 1]) &&
            (p == n - 1 || s[p] >= s[p + 1]))
            pk[np++] = (peak_t){s[p], p};
    qsort(pk, (size_t)np, sizeof *pk, cmp_peak);
    int na = 0;
    for (int i = 0; i < np; i++) {
        int ok = 1;
        for (int j = 0; j < na && ok; j++)
            ok = abs(pk[j].p - pk[i].p) >= o->width;
        if (ok)
            pk[na++] = pk[i];
    }
    mrl_landmarks(h->loop[0], h->loop[1], h->duplex, b);
    for (int i = 0; i < na; i++) {
        mrl_seqlet_t *sl = mrl_grow(r->seqlet, cap, r->n_seqlets + 1, sizeof *sl, 256);
        if (!sl)
            return MRL_ERR_NOMEM;
        r->seqlet = sl;
        mrl_seqlet_t *q = &r->seqlet[r->n_seqlets++];
        memset(q, 0, sizeof *q);
        q->hp = k, q->pos = pk[i].p, q->half = half, q->motif = -1;
        q->arm = mrl_landmark_nearest(b, h->loop[0], h->loop[1], q->pos, &q->landmark, &q->offset);
        double sum = 0;
        for (int p = q->pos - hw; p <= q->pos + hw; p++)
            sum += p >= 0 && p < n ? s[p] : 0;
        q->score = (float)sum;
    }
    return 0;
}

static int cmp_seqlet_pos(const void *x, const void *y)
{
    const mrl_seqlet_t *a = x, *b = y;
    if (a->hp != b->hp)
        return a->hp < b->hp ? -1 : 1;
    return a->pos - b->pos;
}

/* The discovery / test halves: a seeded permutation, its first ceil(n/2) discover. */
static int split_halves(size_t n, uint64_t seed, int *half)
{
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        perm[k] = k;
    mrl_rng_t rng;
    mrl_rng_init(&rng, seed, 0);
    for (size_t k = n; k > 1; k--) { /* Fisher-Yates */
        size_t j = mrl_rng_below(&rng, (uint32_t)k), t = perm[k - 1];
        perm[k - 1] = perm[j], perm[j] = t;
    }
    for (size_t k = 0; k < n; k++)
        half[perm[k]] = k >= (n + 1) / 2;
    free(perm);
    return 0;
}

static int all_seqlets(const mrl_motif_data_t *d, const mrl_motif_opts_t *o, const int *half,
                       mrl_motif_result_t *r)
{
    size_t nmax = 0, cap = 0;
    for (size_t k = 0; k < d->n; k++)
        nmax = MRL_MAX(nmax, d->hp[k].n);
    double *s = malloc(nmax * sizeof *s);
    peak_t *pk = malloc(nmax * sizeof *pk);
    int rc = s && pk ? share_threshold(d, o, &r->threshold)
                     : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < d->n; k++)
        rc = hairpin_seqlets(d, k, o, r->threshold, half[k], s, pk, r, &cap);
    free(s), free(pk);
    if (!rc && r->n_seqlets) /* qsort takes no NULL array, even empty */
        qsort(r->seqlet, r->n_seqlets, sizeof *r->seqlet, cmp_seqlet_pos);
    return rc;
}

/* ---- clustering --------------------------------------------------------------------- */

/* The letters of the window of width w centred at p into win (PAD outside). */
static void window_at(const mrl_motif_hp_t *h, int p, int w, uint8_t *win)
{
    for (int i = 0; i < w; i++) {
        int q = p - w / 2 + i;
        win[i] = (uint8_t)(q >= 0 && (size_t)q < h->n ? code_of(h->seq[q]) : PAD);
    }
}

/* Letter sets (bit per base, as mismatches takes them) of codes; PAD: the empty set. */
static void masks_of(const uint8_t *code, int w, uint8_t *mask)
{
    for (int i = 0; i < w; i++)
        mask[i] = (uint8_t)(code[i] == PAD ? 0 : 1 << code[i]);
}

/* The letter set of an IUPAC letter (0 for anything else). */
static uint8_t iupac_mask(char ch)
{
    static const char *const letters = "ACGURYSWKMBDHVN";
    static const uint8_t masks[] = {1, 2, 4, 8, 5, 10, 6, 9, 12, 3, 14, 13, 11, 7, 15};
    if (ch == 'T')
        ch = 'U';
    const char *p = ch ? strchr(letters, ch) : NULL;
    return p ? masks[p - letters] : 0;
}

/* Mismatches of the window at centre p of h against the letter sets want[w] (bit b for
 * base b; 15 = N matches anything, a PAD letter nothing else), stopping past limit. */
static int mismatches(const mrl_motif_hp_t *h, int p, int w, const uint8_t *want, int limit)
{
    int mm = 0;
    for (int i = 0; i < w && mm <= limit; i++) {
        int q = p - w / 2 + i;
        int c = q >= 0 && (size_t)q < h->n ? code_of(h->seq[q]) : PAD;
        mm += want[i] != 15 && (c == PAD || !((want[i] >> c) & 1));
    }
    return mm;
}

/* Shifts in the order tried: 0, -1, +1, -2, +2, ... (the smallest move wins a tie). */
static int shift_at(int i)
{
    return i == 0 ? 0 : (i & 1) ? -(i + 1) / 2 : i / 2;
}

typedef struct cluster_ctx {
    const mrl_motif_data_t *d;
    const mrl_motif_opts_t *o;
    mrl_motif_result_t *r;
    size_t *order; /* discovery seqlets, strongest first */
    size_t n_order;
    int (*b)[MRL_NLANDMARKS]; /* (d->n) each hairpin's landmarks */
} cluster_ctx_t;

/* Can seqlet j join the seed i (letters seed[w]) and at which shift: returns the shift
 * index (shift_at), or -1. */
static int joins(const cluster_ctx_t *c, const mrl_seqlet_t *si, const uint8_t *seed,
                 const mrl_seqlet_t *sj)
{
    const mrl_motif_opts_t *o = c->o;
    const mrl_motif_hp_t *h = &c->d->hp[sj->hp];
    int best = -1, bmm = o->mismatch + 1;
    for (int i = 0; i < 2 * o->shift + 1; i++) {
        int t = shift_at(i), pc = sj->pos + t;
        if (o->offset_tol >= 0) {
            int bj = c->b[sj->hp][si->landmark], bi = c->b[si->hp][si->landmark];
            if (bj < 0 || abs((pc - bj) - (si->pos - bi)) > o->offset_tol)
                continue;
        }
        int mm = mismatches(h, pc, o->width, seed, o->mismatch);
        if (mm < bmm)
            bmm = mm, best = i;
    }
    return best;
}

/* IUPAC letter of a column's counts: one base >= 60%, two bases >= 80%, else N. */
static char consensus_letter(const double *cnt)
{
    static const char *const two[4][4] = {
        {"", "M", "R", "W"}, {"M", "", "S", "Y"}, {"R", "S", "", "K"}, {"W", "Y", "K", ""}};
    double tot = cnt[0] + cnt[1] + cnt[2] + cnt[3];
    if (tot <= 0)
        return 'N';
    int a = 0, b = -1;
    for (int i = 1; i < 4; i++)
        if (cnt[i] > cnt[a])
            a = i;
    for (int i = 0; i < 4; i++)
        if (i != a && (b < 0 || cnt[i] > cnt[b]))
            b = i;
    if (cnt[a] >= 0.6 * tot)
        return "ACGU"[a];
    return cnt[a] + cnt[b] >= 0.8 * tot ? two[a][b][0] : 'N';
}

static int cmp_int_fn(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return a < b ? -1 : a > b;
}

/* Mode of v[0..n), which it sorts in place (the smallest value on a tie). */
static int mode_of(int *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_int_fn);
    int best = v[0], bc = 0;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && v[j] == v[i])
            j++;
        if (j - i > bc)
            bc = j - i, best = v[i];
        i = j;
    }
    return best;
}

/* Motif from its members (seqlet indices mem[nm], their shifts sh[nm]): the aligned
 * counts, consensus, hairpins, the landmark and offsets. */
static int make_motif(const cluster_ctx_t *c, const size_t *mem, const int *sh, int nm,
                      const mrl_seqlet_t *seed, mrl_motif_t *m, int *tmp)
{
    const mrl_motif_opts_t *o = c->o;
    const mrl_seqlet_t *sl = c->r->seqlet;
    int w = o->width, nh = 0;
    memset(m, 0, sizeof *m);
    m->width = w;
    for (int i = 0; i < nm; i++) {
        const mrl_seqlet_t *q = &sl[mem[i]];
        uint8_t win[MRL_MOTIF_MAXW];
        window_at(&c->d->hp[q->hp], q->pos + sh[i], w, win);
        for (int j = 0; j < w; j++)
            if (win[j] != PAD)
                m->count[j][win[j]] += 1;
        nh += i == 0 || sl[mem[i - 1]].hp != q->hp; /* members are in hairpin order */
        int lm, off;
        mrl_landmark_nearest(c->b[q->hp], c->d->hp[q->hp].loop[0], c->d->hp[q->hp].loop[1],
                             q->pos + sh[i], &lm, &off);
        m->lm_count[lm]++;
    }
    for (int j = 0; j < w; j++)
        m->consensus[j] = consensus_letter(m->count[j]);
    m->consensus[w] = '\0';
    m->n_seqlets = nm, m->n_hairpins = nh;
    m->landmark = seed->landmark;
    if (o->offset_tol < 0)
        for (int l = 0; l < MRL_NLANDMARKS; l++)
            if (m->lm_count[l] > m->lm_count[m->landmark])
                m->landmark = l;
    int k = 0;
    for (int i = 0; i < nm; i++) {
        const mrl_seqlet_t *q = &sl[mem[i]];
        int b = c->b[q->hp][m->landmark];
        if (b >= 0)
            tmp[k++] = coord_of(mrl_landmark_offset(b, q->pos + sh[i]));
    }
    if (k == 0)
        return 0;
    m->offset = offset_of(mode_of(tmp, k)); /* tmp is sorted now */
    m->off_min = offset_of(tmp[0]), m->off_max = offset_of(tmp[k - 1]);
    return 0;
}

static int cmp_by_score(const void *x, const void *y, const mrl_seqlet_t *sl)
{
    const mrl_seqlet_t *a = &sl[*(const size_t *)x], *b = &sl[*(const size_t *)y];
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->hp != b->hp)
        return a->hp < b->hp ? -1 : 1;
    return a->pos - b->pos;
}

/* Insertion sort of the discovery seqlets by score (qsort has no context argument in C11;
 * a few thousand seqlets). */
static void sort_by_score(size_t *v, size_t n, const mrl_seqlet_t *sl)
{
    for (size_t i = 1; i < n; i++) {
        size_t x = v[i], j = i;
        while (j > 0 && cmp_by_score(&x, &v[j - 1], sl) < 0)
            v[j] = v[j - 1], j--;
        v[j] = x;
    }
}

/* Greedy clustering: the strongest unassigned discovery seqlet seeds a motif; every
 * unassigned discovery seqlet within o->mismatch of its window (best of the shifts, at its
 * landmark within offset_tol) joins it; a motif with fewer than min_seqlets members is
 * dropped and its members stay free. Members are kept in hairpin order. */
static int cluster(cluster_ctx_t *c)
{
    mrl_motif_result_t *r = c->r;
    const mrl_motif_opts_t *o = c->o;
    size_t n = c->n_order, cap = 0;
    size_t *mem = malloc((n ? n : 1) * sizeof *mem);
    int *sh = malloc((n ? n : 1) * sizeof *sh), *tmp = malloc((n ? n : 1) * sizeof *tmp);
    int *pick = malloc((r->n_seqlets ? r->n_seqlets : 1) * sizeof *pick);
    int rc = mem && sh && tmp && pick ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t a = 0; !rc && a < n && (int)r->n_motifs < o->max_motifs; a++) {
        mrl_seqlet_t *si = &r->seqlet[c->order[a]];
        if (si->motif >= 0)
            continue;
        uint8_t win[MRL_MOTIF_MAXW], seed[MRL_MOTIF_MAXW];
        window_at(&c->d->hp[si->hp], si->pos, o->width, win);
        masks_of(win, o->width, seed);
        for (size_t k = 0; k < r->n_seqlets; k++)
            pick[k] = -1;
        int nm = 0;
        for (size_t bi = 0; bi < n; bi++) {
            mrl_seqlet_t *sj = &r->seqlet[c->order[bi]];
            if (sj->motif < 0)
                pick[c->order[bi]] = c->order[bi] == c->order[a] ? 0 : joins(c, si, seed, sj);
            nm += pick[c->order[bi]] >= 0;
        }
        if (nm < o->min_seqlets)
            continue;
        nm = 0;
        for (size_t k = 0; k < r->n_seqlets; k++) /* hairpin order */
            if (pick[k] >= 0)
                mem[nm] = k, sh[nm++] = shift_at(pick[k]);
        mrl_motif_t *mo = mrl_grow(r->motif, &cap, r->n_motifs + 1, sizeof *mo, 16);
        if (!mo) {
            rc = MRL_ERR_NOMEM;
            break;
        }
        r->motif = mo;
        rc = make_motif(c, mem, sh, nm, si, &r->motif[r->n_motifs], tmp);
        for (int i = 0; i < nm; i++)
            r->seqlet[mem[i]].motif = (int)r->n_motifs, r->seqlet[mem[i]].shift = sh[i];
        r->n_motifs++;
    }
    free(mem), free(sh), free(tmp), free(pick);
    return rc;
}

/* ---- the held-out test -------------------------------------------------------------- */

/* log C(a, b) */
static double log_choose(double a, double b)
{
    return lgamma(a + 1) - lgamma(b + 1) - lgamma(a - b + 1);
}

/* P(X >= k) for X hypergeometric: n draws without replacement from N holding K successes. */
static double hyper_upper(long N, long K, long n, long k)
{
    if (k <= 0)
        return 1;
    long hi = MRL_MIN(n, K);
    if (k > hi)
        return 0;
    double lc = log_choose((double)N, (double)n), mx = -(double)INFINITY, sum = 0;
    for (long x = k; x <= hi; x++) {
        if (n - x > N - K)
            continue;
        double l = log_choose((double)K, (double)x) + log_choose((double)(N - K), (double)(n - x));
        mx = MRL_MAX(mx, l - lc);
    }
    for (long x = k; x <= hi; x++)
        if (n - x <= N - K)
            sum += exp(log_choose((double)K, (double)x) +
                       log_choose((double)(N - K), (double)(n - x)) - lc - mx);
    return MRL_MIN(1.0, exp(mx) * sum);
}

/* Centre p of hairpin k lies in motif m's test range. */
static int in_range(const cluster_ctx_t *c, const mrl_motif_t *m, size_t k, int p)
{
    const mrl_motif_hp_t *h = &c->d->hp[k];
    int b = c->b[k][m->landmark];
    if (b < 0)
        return 0;
    if (c->o->offset_tol < 0) {
        int lm, off;
        mrl_landmark_nearest(c->b[k], h->loop[0], h->loop[1], p, &lm, &off);
        return lm == m->landmark;
    }
    return abs(coord_of(mrl_landmark_offset(b, p)) - coord_of(m->offset)) <= c->o->offset_tol;
}

/* The window at centre p matches the consensus at one of the shifts. */
static int matches(const cluster_ctx_t *c, size_t k, int p, const uint8_t *cons)
{
    for (int i = 0; i < 2 * c->o->shift + 1; i++)
        if (mismatches(&c->d->hp[k], p + shift_at(i), c->o->width, cons, c->o->mismatch) <=
            c->o->mismatch)
            return 1;
    return 0;
}

/* Motif m against the test half: its windows, its seqlets, the tail probability. */
static void test_motif(const cluster_ctx_t *c, const int *half, mrl_motif_t *m)
{
    uint8_t cons[MRL_MOTIF_MAXW];
    for (int j = 0; j < m->width; j++)
        cons[j] = iupac_mask(m->consensus[j]);
    for (size_t k = 0; k < c->d->n; k++)
        for (int p = 0; half[k] == 1 && p < (int)c->d->hp[k].n; p++)
            if (in_range(c, m, k, p))
                m->n_windows++, m->n_match += matches(c, k, p, cons);
    for (size_t i = 0; i < c->r->n_seqlets; i++) {
        const mrl_seqlet_t *q = &c->r->seqlet[i];
        if (q->half == 1 && in_range(c, m, q->hp, q->pos))
            m->n_test++, m->n_test_match += matches(c, q->hp, q->pos, cons);
    }
    const mrl_motif_result_t *r = c->r;
    m->enrichment = m->n_test && m->n_match ? ((double)m->n_test_match / m->n_test) /
                                                  ((double)m->n_match / m->n_windows)
                                            : (double)NAN;
    m->pos_enrichment = m->n_windows && r->n_half_seqlets[1]
                            ? ((double)m->n_test / (double)r->n_half_seqlets[1]) /
                                  ((double)m->n_windows / (double)r->n_windows[1])
                            : (double)NAN;
    m->p =
        m->n_test ? hyper_upper(m->n_windows, m->n_match, m->n_test, m->n_test_match) : (double)NAN;
}

/* Benjamini-Hochberg q-values over the motifs with a p-value. */
static int bh_adjust(mrl_motif_result_t *r, double alpha)
{
    size_t m = 0, *idx = malloc((r->n_motifs ? r->n_motifs : 1) * sizeof *idx);
    if (!idx)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < r->n_motifs; i++) {
        r->motif[i].q = (double)NAN;
        if (isfinite(r->motif[i].p))
            idx[m++] = i;
    }
    for (size_t i = 1; i < m; i++) { /* by p, then index: a stable insertion sort */
        size_t x = idx[i], j = i;
        while (j > 0 && r->motif[idx[j - 1]].p > r->motif[x].p)
            idx[j] = idx[j - 1], j--;
        idx[j] = x;
    }
    double run = 1;
    for (size_t i = m; i-- > 0;) {
        mrl_motif_t *mo = &r->motif[idx[i]];
        run = MRL_MIN(run, mo->p * (double)m / (double)(i + 1));
        mo->q = run;
        mo->significant = mo->q < alpha && mo->enrichment > 1;
        r->n_significant += mo->significant;
    }
    free(idx);
    return 0;
}

/* ---- the known determinants --------------------------------------------------------- */

/* Where site determinant t lies on hairpin k: the span [lo, hi] of its mrl_det_eval mask
 * (contiguous for the sites), whether it is placed (pair table and duplex known), visible
 * and present. */
typedef struct det_span {
    int lo, hi;
    int8_t placed, visible, present;
} det_span_t;

static int det_spans(const mrl_motif_data_t *d, det_span_t *sp)
{
    size_t nmax = 0;
    for (size_t k = 0; k < d->n; k++)
        nmax = MRL_MAX(nmax, d->hp[k].n);
    uint8_t *mask = malloc(nmax ? nmax : 1);
    if (!mask)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    int rc = 0;
    for (size_t k = 0; !rc && k < d->n; k++)
        for (int t = 0; !rc && t < MRL_MOTIF_NDET; t++) {
            const mrl_motif_hp_t *h = &d->hp[k];
            det_span_t *s = &sp[k * MRL_MOTIF_NDET + (size_t)t];
            memset(s, 0, sizeof *s);
            s->lo = s->hi = -1;
            if (!h->partner || h->duplex[0] < 0)
                continue;
            mrl_det_hit_t hit;
            if ((rc = mrl_det_eval(sites[t].det, h->seq, h->partner, h->n, h->duplex, mask, &hit)))
                break;
            s->placed = 1, s->visible = (int8_t)hit.visible, s->present = (int8_t)hit.present;
            for (int p = 0; p < (int)h->n; p++)
                if (mask[p])
                    s->hi = p, s->lo = s->lo < 0 ? p : s->lo;
        }
    free(mask);
    return rc;
}

/* Span of t on hairpin k in coordinates from boundary b into [*a, *z]; 0 when t is not
 * visible there or the landmark is not placed. */
static int span_at(const det_span_t *s, int b, int *a, int *z)
{
    if (!s->visible || s->lo < 0 || b < 0)
        return 0;
    *a = s->lo - b, *z = s->hi - b;
    return 1;
}

/* Each site's counts and its anchor: the landmark from which its mask's two ends move the
 * least over the hairpins where it is visible; a tie goes to the landmark nearest the mask
 * (nt between them, 0 inside), then to the lower enum value. */
static void det_summary(const cluster_ctx_t *c, const det_span_t *sp, mrl_motif_result_t *r)
{
    for (int t = 0; t < MRL_MOTIF_NDET; t++) {
        mrl_motif_det_t *q = &r->det[t];
        memset(q, 0, sizeof *q);
        q->det = sites[t].det, q->pattern = sites[t].pattern, q->landmark = -1;
        int best = -1, bdist = 0;
        long spans = 0; /* visible with a mask: apical UGU is visible without one when no
                           hairpin loop lies between the duplex's arms */
        for (size_t k = 0; k < c->d->n; k++) {
            const det_span_t *s = &sp[k * MRL_MOTIF_NDET + (size_t)t];
            q->placed += s->placed, q->visible += s->visible, q->present += s->present;
            spans += s->visible && s->lo >= 0;
        }
        for (int l = 0; l < MRL_NLANDMARKS; l++) {
            int a, z, a0 = INT32_MAX, a1 = INT32_MIN, z0 = INT32_MAX, z1 = INT32_MIN;
            long n = 0;
            for (size_t k = 0; k < c->d->n; k++)
                if (span_at(&sp[k * MRL_MOTIF_NDET + (size_t)t], c->b[k][l], &a, &z)) {
                    n++;
                    a0 = MRL_MIN(a0, a), a1 = MRL_MAX(a1, a), z0 = MRL_MIN(z0, z),
                    z1 = MRL_MAX(z1, z);
                }
            if (n == 0 || n < spans)
                continue;
            int spread = (a1 - a0) + (z1 - z0), dist = a0 >= 0 ? a0 : z1 < 0 ? -z1 - 1 : 0;
            if (best < 0 || spread < best || (spread == best && dist < bdist))
                best = spread, bdist = dist, q->landmark = l, q->off_lo = offset_of(a0),
                q->off_hi = offset_of(z1);
        }
    }
}

/* Does some placement of t's letters lie inside the motif's window [lo, hi] and inside
 * t's span in at least half of the n hairpins where t is visible, with the consensus
 * letters there within t's? */
static int det_sequence(const cluster_ctx_t *c, const det_span_t *sp, int t, const mrl_motif_t *m,
                        int lo, int hi, int n)
{
    const char *pat = sites[t].pattern;
    while (*pat) {
        int len = (int)strcspn(pat, "|");
        for (int x = lo; x + len - 1 <= hi; x++) {
            int inside = 0, ok = 1, a, z;
            for (size_t k = 0; k < c->d->n; k++)
                inside +=
                    span_at(&sp[k * MRL_MOTIF_NDET + (size_t)t], c->b[k][m->landmark], &a, &z) &&
                    a <= x && x + len - 1 <= z;
            for (int j = 0; j < len && ok; j++) {
                uint8_t cm = iupac_mask(m->consensus[x + j - lo]), pm = iupac_mask(pat[j]);
                ok = pm == 15 || (cm != 15 && cm && !(cm & ~pm));
            }
            if (2 * inside >= n && ok)
                return 1;
        }
        pat += len + (pat[len] == '|');
    }
    return 0;
}

/* The nearest site determinant to motif m: per hairpin the nt between the motif's window
 * and t's mask, both from m's landmark; the median over the hairpins where t is visible
 * (lower median: 0 when the window meets the mask in at least half of them). The smallest
 * median wins, then the larger share overlapping, then sequence agreement. gaps: (d->n). */
static void compare_determinants(const cluster_ctx_t *c, const det_span_t *sp, mrl_motif_t *m,
                                 int *gaps)
{
    int lo = coord_of(m->offset) - m->width / 2, hi = lo + m->width - 1;
    m->determinant = -1, m->det_gap = -1, m->det_position = m->det_sequence = 0;
    m->det_overlap = (double)NAN;
    for (int t = 0; t < MRL_MOTIF_NDET; t++) {
        int n = 0, a, z, n0 = 0;
        for (size_t k = 0; k < c->d->n; k++)
            if (span_at(&sp[k * MRL_MOTIF_NDET + (size_t)t], c->b[k][m->landmark], &a, &z))
                gaps[n++] = MRL_MAX(0, MRL_MAX(a - hi, lo - z));
        if (n == 0)
            continue;
        qsort(gaps, (size_t)n, sizeof *gaps, cmp_int_fn);
        while (n0 < n && gaps[n0] == 0)
            n0++;
        int gap = gaps[(n - 1) / 2];
        double ov = (double)n0 / n;
        int seq = gap == 0 && det_sequence(c, sp, t, m, lo, hi, n);
        int better = m->determinant < 0 || gap < m->det_gap ||
                     (gap == m->det_gap &&
                      (ov > m->det_overlap || (ov == m->det_overlap && seq > m->det_sequence)));
        if (better)
            m->determinant = sites[t].det, m->det_gap = gap, m->det_overlap = ov,
            m->det_sequence = seq;
    }
    m->det_position = m->determinant >= 0 && m->det_gap == 0;
}

/* ---- the whole discovery ------------------------------------------------------------ */

static int check_opts(const mrl_motif_opts_t *o)
{
    if (o->width < 3 || o->width > MRL_MOTIF_MAXW || o->width % 2 == 0 || !(o->top > 0) ||
        o->top > 1 || o->sign < -1 || o->sign > 1 || o->shift < 0 || o->shift > o->width / 2 ||
        o->mismatch < 0 || o->mismatch >= o->width || o->offset_tol < -1 || o->min_seqlets < 1 ||
        o->max_motifs < 1 || !(o->alpha > 0 && o->alpha <= 1))
        return mrl_err_set(MRL_ERR_ARG,
                           "motif discovery: bad options (width odd 3..%d, top in "
                           "(0,1], shift <= width/2, mismatch < width)",
                           MRL_MOTIF_MAXW);
    return 0;
}

int mrl_motif_discover(const mrl_motif_data_t *d, const mrl_motif_opts_t *o, mrl_motif_result_t *r)
{
    mrl_motif_opts_t def;
    if (!o) {
        mrl_motif_opts_default(&def);
        o = &def;
    }
    if (!r || !d)
        return mrl_err_set(MRL_ERR_ARG, "motif discovery: bad arguments");
    mrl_motif_result_release(r);
    int rc = check_opts(o);
    if (rc)
        return rc;
    if (d->n == 0)
        return mrl_err_set(MRL_ERR_ARG, "motif discovery: no hairpins");
    r->opts = *o;
    cluster_ctx_t c = {.d = d, .o = o, .r = r};
    int *half = malloc(d->n * sizeof *half), *gaps = malloc(d->n * sizeof *gaps);
    det_span_t *sp = malloc(d->n * MRL_MOTIF_NDET * sizeof *sp);
    c.b = malloc(d->n * sizeof *c.b);
    rc = half && gaps && sp && c.b ? split_halves(d->n, o->seed, half)
                                   : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < d->n; k++) {
        mrl_landmarks(d->hp[k].loop[0], d->hp[k].loop[1], d->hp[k].duplex, c.b[k]);
        r->n_hp[half[k]]++, r->n_windows[half[k]] += d->hp[k].n;
    }
    if (!rc && !(rc = det_spans(d, sp)))
        det_summary(&c, sp, r);
    if (!rc)
        rc = all_seqlets(d, o, half, r);
    if (!rc && !(c.order = malloc((r->n_seqlets ? r->n_seqlets : 1) * sizeof *c.order)))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < r->n_seqlets; i++) {
        r->n_half_seqlets[r->seqlet[i].half]++;
        if (r->seqlet[i].half == 0)
            c.order[c.n_order++] = i;
    }
    if (!rc) {
        sort_by_score(c.order, c.n_order, r->seqlet);
        rc = cluster(&c);
    }
    for (size_t i = 0; !rc && i < r->n_motifs; i++) {
        test_motif(&c, half, &r->motif[i]);
        compare_determinants(&c, sp, &r->motif[i], gaps);
    }
    if (!rc)
        rc = bh_adjust(r, o->alpha);
    free(half), free(gaps), free(sp), free(c.b), free(c.order);
    if (rc)
        mrl_motif_result_release(r);
    return rc;
}
