/*
 * test_aggregate_ci.c - the category tables' per-hairpin bins and bootstrap intervals
 * (aggregate.c: mrl_agg_seq_cats, mrl_agg_boot): one hairpin's bins worked by hand (the
 * small hairpin of test_aggregate.c) and equal to what mrl_agg_add_seq sums; two hairpins
 * whose every resample is one of three known values, so that with 1000 resamples the
 * percentiles are the extremes (hand-worked intervals, the paired difference narrower than
 * any unpaired one); identical hairpins give a zero-width interval equal to the table's
 * point value, bit for bit; a few resamples recomputed independently from the same PCG32
 * stream; non-finite resamples dropped; a category in fewer than min_h hairpins without an
 * enrichment interval; argument errors.
 */
#include "test.h"

#define NC MRL_AGG_NCAT

static const char SMALL_SEQ[] = "CAAAACGUGUAUGUGCN", SMALL_ST[] = "..((.((....))))..";
static const float SMALL_ATTR[17] = {2, -2, 2, 0, -2, 1, 1, 4, 4, 4, -2, 1, 1, 1, 0, -3, 2};

static void check_bin(const mrl_agg_bin_t *b, double n, double frac, double sum, double sum_abs)
{
    CHECK_CLOSE(b->n, n, 0, 0);
    CHECK_CLOSE(b->frac, frac, 1e-15, 0);
    CHECK_CLOSE(b->sum, sum, 1e-15, 0);
    CHECK_CLOSE(b->sum_abs, sum_abs, 1e-15, 0);
}

static int same_bin(const mrl_agg_bin_t *a, const mrl_agg_bin_t *b)
{
    return a->n == b->n && a->frac == b->frac && a->sum == b->sum && a->sum_abs == b->sum_abs;
}

static void test_names(void)
{
    CHECK_INT(NC, 26);
    CHECK_STR(mrl_agg_cat_table(0), "context");
    CHECK_STR(mrl_agg_cat_name(MRL_AGG_CAT_CTX + MRL_CTX_TERMINAL_LOOP), "terminal-loop");
    CHECK_STR(mrl_agg_cat_table(MRL_AGG_CAT_BASE), "base");
    CHECK_STR(mrl_agg_cat_name(MRL_AGG_CAT_BASE + 3), "U");
    CHECK_STR(mrl_agg_cat_table(MRL_AGG_CAT_PAIR + 7), "pair");
    CHECK_STR(mrl_agg_cat_name(MRL_AGG_CAT_PAIR + 3), "GC");
    CHECK_STR(mrl_agg_cat_table(NC - 1), "region");
    CHECK_STR(mrl_agg_cat_name(NC - 1), "flank");
    CHECK_STR(mrl_agg_cat_name(MRL_AGG_CAT_REGION), "mature5p");
    CHECK_STR(mrl_agg_cat_table(NC), "?");
    CHECK_STR(mrl_agg_cat_name(-1), "?");
}

/* The small hairpin (test_aggregate.c: every position drawn, frac 1/17 each, shares
 * attr / 32): its bins by hand, and mrl_agg_add_seq's bins are exactly these. */
static void test_seq_cats(void)
{
    static mrl_hairpin_t h;
    int pt[17];
    uint8_t ctx[17];
    mrl_agg_bin_t cat[NC];
    const double F = 1.0 / 17, V = 1.0 / 32;
    const int dx[4] = {2, 4, 12, 14};
    CHECK_INT(mrl_encode_hairpin(SMALL_SEQ, 17, SMALL_ST, &h), 0);
    CHECK_INT(mrl_explain_structure(SMALL_ST, 17, pt, ctx), 0);
    CHECK_INT(mrl_agg_seq_cats(SMALL_SEQ, pt, ctx, 17, &h, SMALL_ATTR, dx, cat), 0);
    /* stem {2,3,5,6,11,12,13,14}: 2+0+1+1+1+1+1+0; terminal loop {7..10}: 4+4+4-2 */
    check_bin(&cat[MRL_AGG_CAT_CTX + MRL_CTX_STEM], 8, 8 * F, 7 * V, 7 * V);
    check_bin(&cat[MRL_AGG_CAT_CTX + MRL_CTX_TERMINAL_LOOP], 4, 4 * F, 10 * V, 14 * V);
    check_bin(&cat[MRL_AGG_CAT_CTX + MRL_CTX_INTERIOR], 0, 0, 0, 0);
    /* A {1,2,3,4,10}: -2+2+0-2-2; unpaired {0,1,4,7,8,9,10,15,16}: abs 25 */
    check_bin(&cat[MRL_AGG_CAT_BASE + 0], 5, 5 * F, -4 * V, 8 * V);
    check_bin(&cat[MRL_AGG_CAT_PAIR + 0], 9, 9 * F, 7 * V, 25 * V);
    check_bin(&cat[MRL_AGG_CAT_PAIR + 7], 2, 2 * F, 2 * V, 2 * V);
    /* duplex {2,4,12,14}: loop {5..11} 13 (abs 17), basal {0,1,15,16} -1 (abs 9) */
    check_bin(&cat[MRL_AGG_CAT_REGION + MRL_REG_LOOP], 7, 7 * F, 13 * V, 17 * V);
    check_bin(&cat[MRL_AGG_CAT_REGION + MRL_REG_BASAL], 4, 4 * F, -1 * V, 9 * V);
    check_bin(&cat[MRL_AGG_CAT_REGION + MRL_REG_FLANK], 0, 0, 0, 0);
    /* every table's shares add up to 1 */
    const int t0[4] = {MRL_AGG_CAT_CTX, MRL_AGG_CAT_BASE, MRL_AGG_CAT_PAIR, MRL_AGG_CAT_REGION};
    const int t1[4] = {MRL_AGG_CAT_BASE, MRL_AGG_CAT_PAIR, MRL_AGG_CAT_REGION, NC};
    for (int t = 0; t < 4; t++) {
        double f = 0, s = 0;
        for (int c = t0[t]; c < t1[t]; c++)
            f += cat[c].frac, s += cat[c].sum_abs;
        CHECK_CLOSE(f, 1, 1e-12, 0);
        CHECK_CLOSE(s, 1, 1e-12, 0);
    }
    /* the accumulator's bins are the hairpin's, exactly */
    mrl_agg_t *a = calloc(1, sizeof *a);
    if (!a)
        exit(2);
    CHECK_INT(mrl_agg_add_seq(a, MRL_OUT_TP, SMALL_SEQ, pt, ctx, 17, &h, SMALL_ATTR, dx), 0);
    int same = 1;
    for (int c = 0; c < MRL_AGG_NCTX; c++)
        same &= same_bin(&a->ctx[MRL_OUT_TP][c], &cat[MRL_AGG_CAT_CTX + c]);
    for (int c = 0; c < MRL_AGG_NBASE; c++)
        same &= same_bin(&a->base[MRL_OUT_TP][c], &cat[MRL_AGG_CAT_BASE + c]);
    for (int c = 0; c < MRL_AGG_NPAIR; c++)
        same &= same_bin(&a->pair[MRL_OUT_TP][c], &cat[MRL_AGG_CAT_PAIR + c]);
    for (int c = 0; c < MRL_NREGIONS; c++)
        same &= same_bin(&a->region[MRL_OUT_TP][c], &cat[MRL_AGG_CAT_REGION + c]);
    CHECK(same);
    /* without a duplex the regions stay zero */
    CHECK_INT(mrl_agg_seq_cats(SMALL_SEQ, pt, ctx, 17, &h, SMALL_ATTR, NULL, cat), 0);
    check_bin(&cat[MRL_AGG_CAT_REGION + MRL_REG_LOOP], 0, 0, 0, 0);
    check_bin(&cat[MRL_AGG_CAT_CTX + MRL_CTX_STEM], 8, 8 * F, 7 * V, 7 * V);
    CHECK_INT(mrl_agg_seq_cats(NULL, pt, ctx, 17, &h, SMALL_ATTR, NULL, cat), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_seq_cats(SMALL_SEQ, pt, ctx, 17, &h, SMALL_ATTR, NULL, NULL), MRL_ERR_ARG);
    /* identical hairpins: the interval of every category has zero width and equals the
     * table's point value, bit for bit (the same sums in the same order) */
    mrl_agg_bin_t rows[3 * NC];
    for (int i = 0; i < 3; i++)
        CHECK_INT(mrl_agg_seq_cats(SMALL_SEQ, pt, ctx, 17, &h, SMALL_ATTR, dx, rows + i * NC), 0);
    for (int i = 0; i < 2; i++)
        CHECK_INT(mrl_agg_add_seq(a, MRL_OUT_TP, SMALL_SEQ, pt, ctx, 17, &h, SMALL_ATTR, dx), 0);
    const size_t idx[3] = {0, 1, 2};
    mrl_agg_ci_t ci[NC];
    mrl_rng_t rng;
    mrl_rng_init(&rng, 7, 0);
    CHECK_INT(mrl_agg_boot(rows, rows, NC, idx, 3, 0, NC, 200, 1, &rng, ci), 0);
    int exact = 1, nan_ok = 1;
    for (int c = 0; c < NC; c++) {
        const mrl_agg_bin_t *b = c < MRL_AGG_CAT_BASE   ? &a->ctx[MRL_OUT_TP][c]
                                 : c < MRL_AGG_CAT_PAIR ? &a->base[MRL_OUT_TP][c - MRL_AGG_CAT_BASE]
                                 : c < MRL_AGG_CAT_REGION
                                     ? &a->pair[MRL_OUT_TP][c - MRL_AGG_CAT_PAIR]
                                     : &a->region[MRL_OUT_TP][c - MRL_AGG_CAT_REGION];
        double share = b->sum_abs / 3;
        exact &= ci[c].share_lo == share && ci[c].share_hi == share;
        if (b->frac > 0) {
            double en = b->sum_abs / b->frac;
            exact &= ci[c].enrich_lo == en && ci[c].enrich_hi == en;
            exact &= ci[c].y_enrich_lo == en && ci[c].y_enrich_hi == en;
            exact &= ci[c].diff_lo == 0 && ci[c].diff_hi == 0;
        } else { /* no nucleotide of the category in any hairpin: no enrichment */
            nan_ok &= isnan(ci[c].enrich_lo) && isnan(ci[c].enrich_hi) && isnan(ci[c].diff_lo);
        }
    }
    CHECK(exact);
    CHECK(nan_ok);
    CHECK(isnan(ci[MRL_AGG_CAT_CTX + MRL_CTX_INTERIOR].enrich_lo));
    free(a);
}

/* Two hairpins a, b in one category: a has |share| 1/4 on nt share 1/2 (enrichment 1/2),
 * b 1/2 on 1/4 (2); under the second network a has 1/8 (1/4), b 1/2 (2). A resample is aa,
 * ab/ba or bb (1/4, 1/2, 1/4), so 1000 resamples hold ~250 of aa and of bb: the 2.5th
 * percentile (sorted value 24) is the smallest resample value and the 97.5th (974) the
 * largest, almost surely. Model enrichment: aa 1/2, ab 3/4 / 3/4 = 1, bb 2 -> [1/2, 2];
 * share: aa 1/4, bb 1/2 -> [1/4, 1/2]; second network aa 1/4, ab 5/8 / 3/4, bb 2 ->
 * [1/4, 2]; paired difference aa 1/4, ab (3/4 - 5/8) / (3/4) = 1/6, bb 0 -> [0, 1/4],
 * where unpaired resamples would reach 1/2 - 2 = -3/2 and 2 - 1/4 = 7/4. */
static void test_boot_two(void)
{
    mrl_agg_bin_t x[2 * NC], y[2 * NC];
    memset(x, 0, sizeof x), memset(y, 0, sizeof y);
    const int c = MRL_AGG_CAT_CTX + MRL_CTX_STEM, e = MRL_AGG_CAT_CTX + MRL_CTX_BULGE;
    x[c] = (mrl_agg_bin_t){4, 0.5, 0.25, 0.25}, x[NC + c] = (mrl_agg_bin_t){2, 0.25, -0.5, 0.5};
    y[c] = (mrl_agg_bin_t){4, 0.5, 0.125, 0.125}, y[NC + c] = x[NC + c];
    /* category e: only in b (frac 1/4, |share| 1/8): aa has no enrichment (dropped), the
     * others 1/2 */
    x[NC + e] = y[NC + e] = (mrl_agg_bin_t){1, 0.25, 0.125, 0.125};
    const size_t idx[2] = {0, 1};
    mrl_agg_ci_t ci[NC];
    mrl_rng_t rng;
    mrl_rng_init(&rng, 1, 0);
    CHECK_INT(mrl_agg_boot(x, y, NC, idx, 2, 0, MRL_AGG_CAT_BASE, 1000, 1, &rng, ci), 0);
    CHECK(ci[c].enrich_lo == 0.5 && ci[c].enrich_hi == 2);
    CHECK(ci[c].share_lo == 0.25 && ci[c].share_hi == 0.5);
    CHECK(ci[c].y_enrich_lo == 0.25 && ci[c].y_enrich_hi == 2);
    CHECK(ci[c].diff_lo == 0 && ci[c].diff_hi == 0.25);
    CHECK(ci[e].enrich_lo == 0.5 && ci[e].enrich_hi == 0.5);
    CHECK(ci[e].share_lo == 0 && ci[e].share_hi == 0.125);
    /* min_h 2: e is drawn in one hairpin only, so no enrichment interval (its share one
     * stays); c (drawn in both) keeps its intervals. min_h 3: neither has an enrichment. */
    mrl_rng_init(&rng, 1, 0);
    CHECK_INT(mrl_agg_boot(x, y, NC, idx, 2, 0, MRL_AGG_CAT_BASE, 1000, 2, &rng, ci), 0);
    CHECK(ci[c].enrich_lo == 0.5 && ci[c].enrich_hi == 2 && ci[c].diff_hi == 0.25);
    CHECK(isnan(ci[e].enrich_lo) && isnan(ci[e].enrich_hi) && isnan(ci[e].y_enrich_lo));
    CHECK(isnan(ci[e].diff_lo) && isnan(ci[e].diff_hi));
    CHECK(ci[e].share_lo == 0 && ci[e].share_hi == 0.125);
    CHECK_INT(mrl_agg_boot(x, y, NC, idx, 2, 0, MRL_AGG_CAT_BASE, 1000, 3, &rng, ci), 0);
    CHECK(isnan(ci[c].enrich_lo) && isnan(ci[c].diff_hi));
    CHECK(ci[c].share_lo == 0.25 && ci[c].share_hi == 0.5);
    mrl_rng_init(&rng, 1, 0);
    CHECK_INT(mrl_agg_boot(x, y, NC, idx, 2, 0, MRL_AGG_CAT_BASE, 1000, 1, &rng, ci), 0);
    /* without a second network: its columns NaN, the model's the same (same stream) */
    mrl_agg_ci_t c1[NC];
    mrl_rng_init(&rng, 1, 0);
    CHECK_INT(mrl_agg_boot(x, NULL, NC, idx, 2, 0, MRL_AGG_CAT_BASE, 1000, 1, &rng, c1), 0);
    CHECK(c1[c].enrich_lo == 0.5 && c1[c].enrich_hi == 2);
    CHECK(isnan(c1[c].y_enrich_lo) && isnan(c1[c].diff_lo) && isnan(c1[c].diff_hi));
    /* a category range: ci[0] is category c0's; idx picks rows (row 1 alone: zero width) */
    const size_t one[1] = {1};
    CHECK_INT(mrl_agg_boot(x, y, NC, one, 1, c, c + 1, 50, 1, &rng, c1), 0);
    CHECK(c1[0].enrich_lo == 2 && c1[0].enrich_hi == 2 && c1[0].diff_lo == 0);
    /* errors */
    CHECK_INT(mrl_agg_boot(x, y, NC, idx, 0, 0, NC, 10, 1, &rng, ci), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_boot(x, y, NC, idx, 2, 0, NC, 0, 1, &rng, ci), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_boot(x, y, NC, idx, 2, 3, 3, 10, 1, &rng, ci), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_boot(x, y, NC, idx, 2, 0, NC + 1, 10, 1, &rng, ci), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_boot(x, y, NC - 1, idx, 2, 0, NC, 10, 1, &rng, ci), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_boot(NULL, y, NC, idx, 2, 0, NC, 10, 1, &rng, ci), MRL_ERR_ARG);
}

/* Three hairpins, 5 resamples, recomputed from the same PCG32 stream by hand: resample b
 * draws i = mrl_rng_below(3) three times; with k = 5 values the interval is sorted value
 * floor(0.025 * 4) = 0 to ceil(0.975 * 4) = 4, the minimum and the maximum. A stride
 * above NC and an index list that skips a row are honoured. */
static void test_boot_stream(void)
{
    enum { S = NC + 3 };
    mrl_agg_bin_t x[4 * S], y[4 * S];
    memset(x, 0, sizeof x), memset(y, 0, sizeof y);
    const int c = MRL_AGG_CAT_REGION + MRL_REG_LOOP;
    const double ab[4] = {0.1, 9, 0.3, 0.7}, fr[4] = {0.2, 9, 0.5, 0.25};
    const double yb[4] = {0.2, 9, 0.1, 0.4};
    for (int h = 0; h < 4; h++)
        x[h * S + c] = (mrl_agg_bin_t){3, fr[h], 0, ab[h]},
                  y[h * S + c] = (mrl_agg_bin_t){3, fr[h], 0, yb[h]};
    const size_t idx[3] = {0, 2, 3}; /* row 1 is not in the group */
    mrl_agg_ci_t ci[NC];
    mrl_rng_t rng, ref;
    mrl_rng_init(&rng, 42, 5), mrl_rng_init(&ref, 42, 5);
    CHECK_INT(mrl_agg_boot(x, y, S, idx, 3, MRL_AGG_CAT_REGION, NC, 5, 1, &rng, ci), 0);
    double lo[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL}, hi[3] = {-HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (int b = 0; b < 5; b++) {
        double sa = 0, sf = 0, sy = 0;
        for (int i = 0; i < 3; i++) {
            size_t h = idx[mrl_rng_below(&ref, 3)];
            sa += ab[h], sf += fr[h], sy += yb[h];
        }
        double v[3] = {sa / sf, sa / 3, sa / sf - sy / sf};
        for (int k = 0; k < 3; k++)
            lo[k] = fmin(lo[k], v[k]), hi[k] = fmax(hi[k], v[k]);
    }
    const mrl_agg_ci_t *r = &ci[c - MRL_AGG_CAT_REGION];
    CHECK_CLOSE(r->enrich_lo, lo[0], 1e-15, 1e-14);
    CHECK_CLOSE(r->enrich_hi, hi[0], 1e-15, 1e-14);
    CHECK_CLOSE(r->share_lo, lo[1], 1e-15, 1e-14);
    CHECK_CLOSE(r->share_hi, hi[1], 1e-15, 1e-14);
    CHECK_CLOSE(r->diff_lo, lo[2], 1e-15, 1e-14);
    CHECK_CLOSE(r->diff_hi, hi[2], 1e-15, 1e-14);
    CHECK(r->enrich_lo < r->enrich_hi); /* 5 resamples of 3 distinct hairpins differ */
    /* the generator was advanced exactly as the hand computation did */
    CHECK_INT(mrl_rng_u32(&rng), mrl_rng_u32(&ref));
    /* the same seed and stream again: the same intervals */
    mrl_agg_ci_t again[NC];
    mrl_rng_init(&rng, 42, 5);
    CHECK_INT(mrl_agg_boot(x, y, S, idx, 3, MRL_AGG_CAT_REGION, NC, 5, 1, &rng, again), 0);
    CHECK(memcmp(&again[c - MRL_AGG_CAT_REGION], r, sizeof *r) == 0);
}

int main(void)
{
    test_names();
    test_seq_cats();
    test_boot_two();
    test_boot_stream();
    return test_summary("test_aggregate_ci");
}
