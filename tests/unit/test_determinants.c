/*
 * test_determinants.c - hand-worked hairpins for the known determinants (mirlens.h "known
 * determinants"): for each determinant a case where it is present, one where it is absent,
 * and, where the sequence can be too short, one where it cannot be seen; the masks, the
 * measured values, the names and the refusals of bad arguments.
 *
 * The reference hairpin (positions 0-based): 20 unpaired nt, a perfect 35-bp stem (5' side
 * 20..54 pairs with 101..67, i pairs with 121 - i), a 12-nt loop 55..66, 25 unpaired nt
 * 102..126; n = 127. Unpaired nt are A, 5' stem nt C, 3' stem nt G (all GC pairs), so every
 * motif below is planted by hand. Duplex: s5 = 31 (11 bp of stem below it), e5 = 52 (a 22-nt
 * arm), s3 = partner(e5 - 2) = 71, e3 = partner(s5) + 2 = 92 (Dicer's 2-nt overhangs).
 */
#include <stdarg.h>
#include "mirlens.h"
#include "test.h"

#define MAXN 256

typedef struct hp {
    char seq[MAXN + 1];
    char db[MAXN + 1];
    int pt[MAXN];
    uint8_t ctx[MAXN];
    int n, dup[4];
} hp_t;

/* Dot-bracket from a spec such as "20. 35( 12. 35) 25." (count, character). */
static void db_build(char *out, const char *spec)
{
    size_t k = 0;
    while (*spec) {
        char *end;
        long c = strtol(spec, &end, 10);
        char ch = *end;
        for (long i = 0; i < c && k < MAXN; i++)
            out[k++] = ch;
        spec = end + 1;
        while (*spec == ' ')
            spec++;
    }
    out[k] = 0;
}

/* A hairpin of structure spec with the duplex placed from s5 and e5 (3p strand through the
 * pairs with 2-nt overhangs, as the header of this file says). */
static void hp_make(hp_t *h, const char *spec, int s5, int e5)
{
    db_build(h->db, spec);
    h->n = (int)strlen(h->db);
    for (int p = 0; p < h->n; p++)
        h->seq[p] = h->db[p] == '(' ? 'C' : h->db[p] == ')' ? 'G' : 'A';
    h->seq[h->n] = 0;
    if (mrl_explain_structure(h->db, (size_t)h->n, h->pt, h->ctx) != 0) {
        fprintf(stderr, "bad structure %s\n", h->db);
        exit(2);
    }
    h->dup[0] = s5, h->dup[1] = e5, h->dup[2] = h->pt[e5 - 2], h->dup[3] = h->pt[s5] + 2;
}

static void set_bases(hp_t *h, int p, const char *b)
{
    for (size_t k = 0; b[k]; k++)
        h->seq[p + (int)k] = b[k];
}

static mrl_det_hit_t eval(const hp_t *h, int d, uint8_t *mask)
{
    mrl_det_hit_t hit;
    int rc = mrl_det_eval(d, h->seq, h->pt, (size_t)h->n, h->dup, mask, &hit);
    CHECK_INT(rc, 0);
    return hit;
}

/* visible, present, value (NaN: pass NAN) */
#define CHECK_HIT(h_, d_, vis, pres, val)                                                          \
    do {                                                                                           \
        mrl_det_hit_t r_ = eval((h_), (d_), NULL);                                                 \
        CHECK_INT(r_.visible, vis);                                                                \
        CHECK_INT(r_.present, pres);                                                               \
        if (isnan((double)(val)))                                                                  \
            CHECK(isnan(r_.value));                                                                \
        else                                                                                       \
            CHECK_CLOSE(r_.value, (val), 0, 0);                                                    \
    } while (0)

/* The mask of d equals exactly the union of the listed inclusive ranges (lo, hi pairs, -1 end). */
static void check_mask(const hp_t *h, int d, ...)
{
    uint8_t mask[MAXN], want[MAXN] = {0};
    va_list ap;
    va_start(ap, d);
    for (;;) {
        int lo = va_arg(ap, int);
        if (lo < 0)
            break;
        int hi = va_arg(ap, int);
        for (int p = lo; p <= hi; p++)
            want[p] = 1;
    }
    va_end(ap);
    (void)eval(h, d, mask);
    int diff = 0;
    for (int p = 0; p < h->n; p++)
        if (mask[p] != want[p]) {
            if (!diff)
                fprintf(stderr, "mask of %s differs first at %d (%d, want %d)\n", mrl_det_name(d),
                        p, mask[p], want[p]);
            diff++;
        }
    CHECK_INT(diff, 0);
}

#define REF "20. 35( 12. 35) 25."

static void test_reference(void)
{
    hp_t h;
    hp_make(&h, REF, 31, 52);
    CHECK_INT(h.n, 127);
    CHECK_INT(h.pt[20], 101);
    CHECK_INT(h.dup[2], 71);
    CHECK_INT(h.dup[3], 92);
    /* the structural determinants hold on the reference */
    CHECK_HIT(&h, MRL_DET_LOWER_STEM, 1, 1, 11); /* pairs 20..30 below s5 = 31 */
    CHECK_HIT(&h, MRL_DET_UPPER_STEM, 1, 1, 24); /* pairs 31..54 */
    CHECK_HIT(&h, MRL_DET_STEM_LENGTH, 1, 1, 35);
    CHECK_HIT(&h, MRL_DET_BULGE_FREE1, 1, 1, 0);
    CHECK_HIT(&h, MRL_DET_BULGE_FREE2, 1, 1, 0);
    CHECK_HIT(&h, MRL_DET_LOOP_SIZE, 1, 1, 12);
    CHECK_HIT(&h, MRL_DET_DICER_5P, 1, 1, 22);
    CHECK_HIT(&h, MRL_DET_DICER_LOOP, 1, 1, 2); /* 53, 54 paired; 55 opens the loop */
    /* and the sequence motifs are absent (A flanks and loop, GC stem) */
    CHECK_HIT(&h, MRL_DET_BASAL_UG, 1, 0, 0);
    CHECK_HIT(&h, MRL_DET_MGHG, 1, 0, 0); /* 97..102 all G, all paired but 102 */
    CHECK_HIT(&h, MRL_DET_APICAL_UGU, 1, 0, 0);
    CHECK_HIT(&h, MRL_DET_CNNC, 1, 0, 0);
    CHECK_HIT(&h, MRL_DET_GYM, 1, 0, 1); /* 51 C (not G), 52 C paired, 53 paired */
    CHECK_HIT(&h, MRL_DET_GU_STEM, 1, 0, 0);
    CHECK_HIT(&h, MRL_DET_MATURE_5U, 1, 0, 0);
    /* masks */
    check_mask(&h, MRL_DET_BASAL_UG, 17, 18, -1); /* s5 - 14, s5 - 13 */
    check_mask(&h, MRL_DET_LOWER_STEM, 20, 30, 93, 101, -1);
    check_mask(&h, MRL_DET_MGHG, 97, 102, -1); /* e3 + 5 .. e3 + 10 */
    check_mask(&h, MRL_DET_UPPER_STEM, 31, 54, 67, 92, -1);
    check_mask(&h, MRL_DET_STEM_LENGTH, 20, 54, 67, 101, -1);
    check_mask(&h, MRL_DET_BULGE_FREE1, 35, 40, 81, 86, -1); /* pair k = (19 + k, 102 - k) */
    check_mask(&h, MRL_DET_BULGE_FREE2, 47, 51, 70, 74, -1);
    check_mask(&h, MRL_DET_LOOP_SIZE, 55, 66, -1);
    check_mask(&h, MRL_DET_APICAL_UGU, 53, 68, -1);
    check_mask(&h, MRL_DET_CNNC, 108, 113, -1); /* e3 + 16 .. e3 + 21 */
    check_mask(&h, MRL_DET_DICER_5P, 31, 52, -1);
    check_mask(&h, MRL_DET_DICER_LOOP, 53, 55, -1);
    check_mask(&h, MRL_DET_GYM, 51, 53, -1);
    check_mask(&h, MRL_DET_GU_STEM, -1); /* no GU pair: empty */
    check_mask(&h, MRL_DET_MATURE_5U, 31, 31, -1);
}

static void test_motifs_present(void)
{
    hp_t h;
    hp_make(&h, REF, 31, 52);
    set_bases(&h, 17, "UG");    /* basal UG at -14/-13 */
    set_bases(&h, 56, "UGUG");  /* apical UGU at 56 and GUG at 57 */
    set_bases(&h, 109, "CAAC"); /* CNNC with its C at +17 */
    h.seq[40] = 'U';            /* 40 pairs with 81 (G): one UG pair */
    CHECK_HIT(&h, MRL_DET_BASAL_UG, 1, 1, 1);
    CHECK_HIT(&h, MRL_DET_APICAL_UGU, 1, 1, 2);
    CHECK_HIT(&h, MRL_DET_CNNC, 1, 1, 1);
    CHECK_HIT(&h, MRL_DET_GU_STEM, 1, 1, 1);
    check_mask(&h, MRL_DET_GU_STEM, 40, 40, 81, 81, -1);
    h.seq[31] = 'U'; /* 5' U of the mature; it pairs with G 90: a second UG pair */
    CHECK_HIT(&h, MRL_DET_MATURE_5U, 1, 1, 1);
    CHECK_HIT(&h, MRL_DET_GU_STEM, 1, 1, 2);
    /* the basal UG one nt off is not the determinant */
    set_bases(&h, 17, "AUG");
    CHECK_HIT(&h, MRL_DET_BASAL_UG, 1, 0, 0);
    /* CNNC with its C at +15 or +19 is outside the window */
    set_bases(&h, 107, "CAACAAAA");
    CHECK_HIT(&h, MRL_DET_CNNC, 1, 0, 0);
    set_bases(&h, 107, "AAAACAAC");
    CHECK_HIT(&h, MRL_DET_CNNC, 1, 0, 0);
    set_bases(&h, 107, "AAACAACA"); /* C at +18 */
    CHECK_HIT(&h, MRL_DET_CNNC, 1, 1, 1);
}

/* mGHG: a 1x1 mismatch at 23/98 (e3 + 6) with G A G on the 3p strand at 97..99. */
static void test_mghg(void)
{
    hp_t h;
    hp_make(&h, "20. 3( 1. 31( 12. 31) 1. 3) 25.", 31, 52);
    CHECK_INT(h.pt[31], 90);
    CHECK_INT(h.dup[3], 92);
    CHECK_INT(h.pt[23], -1);
    CHECK_INT(h.pt[98], -1);
    CHECK_HIT(&h, MRL_DET_MGHG, 1, 1, 1); /* 97 G, 98 A (unpaired), 99 G */
    h.seq[98] = 'G';
    CHECK_HIT(&h, MRL_DET_MGHG, 1, 0, 0); /* GGG: H must not be G */
    /* the lower stem walks through the 1x1 loop: 10 pairs below s5 */
    CHECK_HIT(&h, MRL_DET_LOWER_STEM, 1, 1, 10);
    CHECK_HIT(&h, MRL_DET_STEM_LENGTH, 1, 1, 34);
    /* the same GAG paired (reference structure) is no mismatch */
    hp_t r;
    hp_make(&r, REF, 31, 52);
    r.seq[98] = 'A';
    CHECK_HIT(&r, MRL_DET_MGHG, 1, 0, 0);
}

/* A 6-nt loop, a 19-nt 5p arm, a GYM motif at the Dicer cut, a bulge in zone 1. */
static void test_absent_cases(void)
{
    hp_t h;
    hp_make(&h, "20. 35( 6. 35) 25.", 31, 52);
    CHECK_HIT(&h, MRL_DET_LOOP_SIZE, 1, 0, 6);
    hp_make(&h, REF, 31, 49); /* 5p arm 31..49: 19 nt; loop 3' of the cut 5 nt away */
    CHECK_HIT(&h, MRL_DET_DICER_5P, 1, 0, 19);
    CHECK_HIT(&h, MRL_DET_DICER_LOOP, 1, 0, 5);
    /* GYM: G at 51 paired, U at 52 paired, A at 53 unpaired (53 x 68 mismatch) */
    hp_make(&h, "20. 33( 1. 1( 12. 1) 1. 33) 25.", 31, 52);
    CHECK_INT(h.pt[53], -1);
    set_bases(&h, 51, "GUA");
    CHECK_HIT(&h, MRL_DET_GYM, 1, 1, 3);
    CHECK_HIT(&h, MRL_DET_DICER_LOOP, 1, 0, 0); /* the first unpaired nt follows the cut */
    h.seq[53] = 'G';
    CHECK_HIT(&h, MRL_DET_GYM, 1, 0, 2);
    /* bulge after the 18th pair from the base (5p side, position 38) */
    hp_make(&h, "20. 18( 1. 17( 12. 35) 25.", 31, 52);
    CHECK_INT(h.pt[38], -1);
    CHECK_HIT(&h, MRL_DET_BULGE_FREE1, 1, 0, 1);
    CHECK_HIT(&h, MRL_DET_BULGE_FREE2, 1, 1, 0);
    CHECK_HIT(&h, MRL_DET_STEM_LENGTH, 1, 1, 35);
    /* a 28-bp stem: upper 17, total 28; zone 2 (pairs 28..32) does not exist */
    hp_make(&h, "20. 28( 12. 28) 25.", 31, 45);
    CHECK_HIT(&h, MRL_DET_LOWER_STEM, 1, 1, 11);
    CHECK_HIT(&h, MRL_DET_UPPER_STEM, 1, 0, 17);
    CHECK_HIT(&h, MRL_DET_STEM_LENGTH, 1, 0, 28);
    CHECK_HIT(&h, MRL_DET_BULGE_FREE2, 1, 0, NAN);
    check_mask(&h, MRL_DET_BULGE_FREE2, -1);
    /* a lower stem of 7 bp (s5 four pairs further out) */
    hp_make(&h, REF, 27, 48);
    CHECK_HIT(&h, MRL_DET_LOWER_STEM, 1, 0, 7);
    /* a 5-nt internal loop below the cut ends the stem there: 6 bp below it */
    hp_make(&h, "20. 5( 5. 30( 12. 30) 5. 5) 25.", 36, 57);
    CHECK_HIT(&h, MRL_DET_LOWER_STEM, 1, 0, 6);
    CHECK_HIT(&h, MRL_DET_STEM_LENGTH, 1, 0, 30);
}

/* A trimmed hairpin: 1 nt beyond the stem on each side. The basal junction, the basal UG
 * and CNNC cannot be seen; the hairpin's own determinants can. */
static void test_trimmed(void)
{
    hp_t h;
    hp_make(&h, "1. 35( 12. 35) 1.", 12, 33);
    CHECK_INT(h.n, 84);
    CHECK_INT(h.dup[3], 73);
    CHECK_HIT(&h, MRL_DET_BASAL_UG, 0, 0, NAN);
    CHECK_HIT(&h, MRL_DET_CNNC, 0, 0, NAN);
    CHECK_HIT(&h, MRL_DET_LOWER_STEM, 0, 0, NAN);
    CHECK_HIT(&h, MRL_DET_STEM_LENGTH, 0, 0, NAN);
    CHECK_HIT(&h, MRL_DET_BULGE_FREE1, 0, 0, NAN);
    CHECK_HIT(&h, MRL_DET_BULGE_FREE2, 0, 0, NAN);
    CHECK_HIT(&h, MRL_DET_MGHG, 1, 0, 0); /* e3 + 10 = 83, the last nt */
    CHECK_HIT(&h, MRL_DET_UPPER_STEM, 1, 1, 24);
    CHECK_HIT(&h, MRL_DET_LOOP_SIZE, 1, 1, 12);
    CHECK_HIT(&h, MRL_DET_DICER_5P, 1, 1, 22);
    /* the seen part of an invisible site is still masked */
    check_mask(&h, MRL_DET_LOWER_STEM, 1, 11, 74, 82, -1);
    check_mask(&h, MRL_DET_BASAL_UG, -1); /* -14 = -2: outside */
    check_mask(&h, MRL_DET_CNNC, -1);     /* e3 + 16 = 89 >= 84 */
    /* one nt less on the 3' side: mGHG's window leaves the sequence */
    hp_make(&h, "1. 35( 12. 35)", 12, 33);
    CHECK_HIT(&h, MRL_DET_MGHG, 0, 0, NAN);
    /* a stem base with > MRL_DET_GAP unpaired nt on one side only is seen */
    hp_make(&h, "1. 35( 12. 35) 4.", 12, 33);
    CHECK_HIT(&h, MRL_DET_LOWER_STEM, 1, 1, 11);
}

static void test_no_loop_and_errors(void)
{
    hp_t h;
    hp_make(&h, REF, 31, 52);
    mrl_det_hit_t hit;
    uint8_t mask[MAXN];
    /* the duplex placed on the flanks only: no hairpin loop in [s5, e3] */
    int dup[4] = {102, 105, 108, 110};
    CHECK_INT(mrl_det_eval(MRL_DET_LOOP_SIZE, h.seq, h.pt, 127, dup, mask, &hit), 0);
    CHECK_INT(hit.visible, 1);
    CHECK_INT(hit.present, 0);
    CHECK(isnan(hit.value));
    CHECK_INT(mrl_det_eval(MRL_DET_UPPER_STEM, h.seq, h.pt, 127, dup, mask, &hit), 0);
    CHECK(isnan(hit.value));
    CHECK_INT(mrl_det_eval(MRL_DET_LOWER_STEM, h.seq, h.pt, 127, dup, mask, &hit), 0);
    CHECK_INT(hit.visible, 0);
    /* refusals */
    CHECK_INT(mrl_det_eval(-1, h.seq, h.pt, 127, h.dup, mask, &hit), MRL_ERR_ARG);
    CHECK_INT(mrl_det_eval(MRL_NDET, h.seq, h.pt, 127, h.dup, mask, &hit), MRL_ERR_ARG);
    CHECK_INT(mrl_det_eval(0, NULL, h.pt, 127, h.dup, mask, &hit), MRL_ERR_ARG);
    CHECK_INT(mrl_det_eval(0, h.seq, h.pt, 0, h.dup, mask, &hit), MRL_ERR_ARG);
    CHECK_INT(mrl_det_eval(0, h.seq, h.pt, 127, h.dup, mask, NULL), MRL_ERR_ARG);
    int bad[4] = {40, 30, 71, 92};
    CHECK_INT(mrl_det_eval(0, h.seq, h.pt, 127, bad, mask, &hit), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "duplex {40, 30, 71, 92}") != NULL);
    int past[4] = {31, 52, 71, 127};
    CHECK_INT(mrl_det_eval(0, h.seq, h.pt, 127, past, mask, &hit), MRL_ERR_ARG);
    h.pt[5] = 9; /* 9 is unpaired: not symmetric */
    CHECK_INT(mrl_det_eval(0, h.seq, h.pt, 127, h.dup, mask, &hit), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "position 6 pairs with 10") != NULL);
    /* lower case and T read as U */
    hp_make(&h, REF, 31, 52);
    set_bases(&h, 17, "tg");
    CHECK_HIT(&h, MRL_DET_BASAL_UG, 1, 1, 1);
}

static void test_names(void)
{
    CHECK_STR(mrl_det_name(MRL_DET_BASAL_UG), "basal-UG");
    CHECK_STR(mrl_det_name(MRL_DET_CNNC), "CNNC");
    CHECK_STR(mrl_det_name(MRL_DET_MATURE_5U), "mature-5U");
    CHECK(mrl_det_name(-1) == NULL);
    CHECK(mrl_det_name(MRL_NDET) == NULL);
    CHECK(mrl_det_source(MRL_NDET) == NULL);
    CHECK(strstr(mrl_det_source(MRL_DET_BASAL_UG), "Auyeung") != NULL);
    CHECK(strstr(mrl_det_source(MRL_DET_GYM), "Lee et al. 2023") != NULL);
    int distinct = 1;
    for (int d = 0; d < MRL_NDET; d++) {
        CHECK_INT(mrl_det_find(mrl_det_name(d)), d);
        for (int e = 0; e < d; e++)
            distinct &= strcmp(mrl_det_name(d), mrl_det_name(e)) != 0;
    }
    CHECK(distinct);
    CHECK_INT(mrl_det_find("Basal-ug"), MRL_DET_BASAL_UG);
    CHECK_INT(mrl_det_find("basal"), -1);
    CHECK_INT(mrl_det_find(NULL), -1);
}

/* Verdicts from a hand-filled result: thresholds on n, the enrichment interval and the
 * difference interval against the random network. */
static void test_verdicts(void)
{
    mrl_detmass_t r;
    memset(&r, 0, sizeof r);
    r.n_methods = 1, r.methods[0] = MRL_EXPLAIN_IG, r.min_n = 10;
    r.have[MRL_DETNET_MODEL] = r.have[MRL_DETNET_RANDOM] = 1;
    r.stat = calloc(MRL_NDET * MRL_DETNETS, sizeof *r.stat);
    if (!r.stat)
        exit(2);
    mrl_detmass_stat_t *st = &r.stat[MRL_DET_LOOP_SIZE * MRL_DETNETS];
    r.n_visible[MRL_DET_LOOP_SIZE] = 50;
    st->n = 40, st->lo[MRL_DETEXP_SHARE] = 1.2, st->diff_lo[MRL_DETEXP_SHARE] = 0.05;
    st->lo[MRL_DETEXP_CONTEXT] = 0.5; /* a loop's verdict reads the share expectation */
    CHECK_INT(mrl_detmass_expectation(MRL_DET_LOOP_SIZE), MRL_DETEXP_SHARE);
    CHECK_INT(mrl_detmass_expectation(MRL_DET_CNNC), MRL_DETEXP_CONTEXT);
    CHECK_INT(mrl_detmass_expectation(MRL_NDET), -1);
    CHECK_STR(mrl_detexp_name(MRL_DETEXP_CONTEXT), "context");
    CHECK(mrl_detexp_name(2) == NULL);
    CHECK_INT(mrl_detmass_verdict(&r, MRL_DET_LOOP_SIZE, 0), 1);
    st->diff_lo[MRL_DETEXP_SHARE] = -0.01; /* no more than the random network */
    CHECK_INT(mrl_detmass_verdict(&r, MRL_DET_LOOP_SIZE, 0), 0);
    r.have[MRL_DETNET_RANDOM] = 0; /* without it, the enrichment interval alone */
    CHECK_INT(mrl_detmass_verdict(&r, MRL_DET_LOOP_SIZE, 0), 1);
    CHECK(mrl_detmass_get(&r, MRL_DET_LOOP_SIZE, 0, MRL_DETNET_RANDOM) == NULL);
    CHECK(mrl_detmass_get(&r, MRL_DET_LOOP_SIZE, 0, MRL_DETNET_MODEL) == st);
    CHECK(mrl_detmass_get(&r, MRL_DET_LOOP_SIZE, 1, MRL_DETNET_MODEL) == NULL);
    st->lo[MRL_DETEXP_SHARE] = 0.99;
    CHECK_INT(mrl_detmass_verdict(&r, MRL_DET_LOOP_SIZE, 0), 0);
    st->n = 9; /* present on too few */
    CHECK_INT(mrl_detmass_verdict(&r, MRL_DET_LOOP_SIZE, 0), -2);
    r.n_visible[MRL_DET_LOOP_SIZE] = 9; /* visible on too few */
    CHECK_INT(mrl_detmass_verdict(&r, MRL_DET_LOOP_SIZE, 0), -1);
    CHECK_STR(mrl_detmass_verdict_name(1), "found");
    CHECK_STR(mrl_detmass_verdict_name(0), "not found");
    CHECK_STR(mrl_detmass_verdict_name(-1), "cannot be seen by this input");
    CHECK_STR(mrl_detmass_verdict_name(-2), "too rare to test");
    mrl_detmass_release(&r);
    CHECK(r.stat == NULL);
    mrl_detmass_release(NULL);
}

/* Refusals of mrl_detmass_run before any work. */
static void test_detmass_errors(void)
{
    mrl_detmass_t r;
    mrl_detmass_opts_t o;
    mrl_detmass_opts_default(&o);
    CHECK_INT(o.n_boot, 1000);
    CHECK_INT(o.random_net, 1);
    CHECK_INT(o.min_n, 10);
    mrl_explain_set_t s;
    mrl_explain_set_init(&s);
    CHECK_INT(mrl_detmass_run(NULL, NULL, &o, &r), MRL_ERR_ARG);
    CHECK_INT(mrl_detmass_run(&s, NULL, &o, &r), MRL_ERR_ARG); /* no scorer */
    CHECK(r.stat == NULL);
    mrl_explain_set_release(&s);
}

/* The loop and pair-table helpers mrl_det_eval and the motif collector share, by hand. */
static void test_loop_helpers(void)
{
    /* two hairpins: ((((...))))..((((.....)))) (0-based: loops (3, 7) and (16, 22)) */
    const char *db = "((((...))))..((((.....))))";
    int n = (int)strlen(db), pt[32], loop[2] = {-7, -7};
    uint8_t ctx[32];
    CHECK_INT(mrl_explain_structure(db, (size_t)n, pt, ctx), 0);
    int d1[4] = {0, 2, 8, 10}, d2[4] = {13, 15, 23, 25}, d3[4] = {0, 12, 13, 25};
    CHECK_INT(mrl_det_terminal_loop(pt, d1, loop), 1);
    CHECK(loop[0] == 3 && loop[1] == 7);
    CHECK_INT(mrl_det_terminal_loop(pt, d2, loop), 1);
    CHECK(loop[0] == 16 && loop[1] == 22);
    /* both loops inside: the one nearer the middle of e5..s3 (12.5) wins: (16, 22) */
    CHECK_INT(mrl_det_terminal_loop(pt, d3, loop), 1);
    CHECK(loop[0] == 16 && loop[1] == 22);
    /* no hairpin loop inside [s5, e3]: 0, loop unchanged */
    int d4[4] = {11, 11, 12, 12};
    loop[0] = loop[1] = -7;
    CHECK_INT(mrl_det_terminal_loop(pt, d4, loop), 0);
    CHECK(loop[0] == -7 && loop[1] == -7);
    int bad = -1;
    CHECK_INT(mrl_pairtable_ok(pt, (size_t)n, &bad), 1);
    CHECK_INT(bad, -1);
    pt[5] = 9; /* an unpaired loop base claims 9 */
    CHECK_INT(mrl_pairtable_ok(pt, (size_t)n, &bad), 0);
    CHECK_INT(bad, 5); /* 5 -> 9, but 9 pairs with 1 */
    pt[5] = -1;
    pt[0] = n; /* out of range */
    CHECK_INT(mrl_pairtable_ok(pt, (size_t)n, &bad), 0);
    CHECK_INT(bad, 0);
    pt[0] = 0; /* itself */
    CHECK_INT(mrl_pairtable_ok(pt, (size_t)n, &bad), 0);
    CHECK_INT(bad, 0);
}

int main(void)
{
    test_loop_helpers();
    test_reference();
    test_motifs_present();
    test_mghg();
    test_absent_cases();
    test_trimmed();
    test_no_loop_and_errors();
    test_names();
    test_verdicts();
    test_detmass_errors();
    return test_summary("test_determinants");
}
