/*
 * test_seqlets.c - landmark-anchored motif discovery (src/explain/seqlets.c): landmark
 * offsets of a small hairpin worked by hand; two motifs planted in synthetic attribution
 * maps, one at the basal UG (5p Drosha cut -14/-13) and one at the mismatched GHG (3p
 * Drosha cut +5..+7, its H unpaired), are recovered with their consensus, landmark and
 * offset, named after the determinant whose mrl_det_eval mask they meet (checked against
 * masks read here from mrl_det_eval), and tested significant on the held-out half, with the
 * p-value checked against an independent hypergeometric sum; the site determinants' counts
 * and anchors on hand-made hairpins; the loop landmarks of a hairpin inside a flanked window
 * whose image was drawn around a flank's hairpin; random maps over the same sequences give
 * no significant motif; the run is deterministic; bad inputs are refused.
 */
#include "test.h"

/* Synthetic hairpins: 90 nt, 5p strand 20..41, loop closing pair (43, 48), 3p strand
 * 50..71, so the landmarks sit at 20, 42, 44, 48, 50, 72. Their fold: one stem (43 - k,
 * 48 + k), k = 0..41, except the pair (14, 77) left open (the mGHG's mismatch). */
#define LEN 90
#define NHP 240
static const int DUPLEX[4] = {20, 41, 50, 71};
#define LOOP_O 43
#define LOOP_K 48
/* planted: centred at offset -13 of the 5p Drosha cut (nucleotide 7), U at -14, G at -13 */
static const char PLANT[] = "CAUGCAC";
#define PLANT_CENTRE 7
/* planted in the other hairpins: centred at 77 (offset +6 of the 3p Drosha cut at 72), GCG
 * at 76..78 = +5..+7, its C unpaired: an mGHG as mrl_det_eval reads it */
static const char PLANT2[] = "UAGCGAC";
#define PLANT2_CENTRE 77

static void stem_pairs(int *pt)
{
    for (int p = 0; p < LEN; p++)
        pt[p] = -1;
    for (int k = 0; k <= 41; k++)
        if (43 - k != 14)
            pt[43 - k] = 48 + k, pt[48 + k] = 43 - k;
}

/* P(X >= k), X ~ hypergeometric(N, K, n), by the pmf's recurrence from x = 0 (an
 * implementation independent of the library's log-gamma sum). */
static double hyper_ref(long N, long K, long n, long k)
{
    long lo = n - (N - K) > 0 ? n - (N - K) : 0, hi = n < K ? n : K;
    if (k > hi)
        return 0;
    /* pmf(lo) by a product, then pmf(x+1) = pmf(x) (K-x)(n-x) / ((x+1)(N-K-n+x+1)) */
    double pmf = 1;
    for (long i = 0; i < n; i++) { /* C(K,lo) C(N-K,n-lo) / C(N,n) as a running product */
        double num = i < lo ? (double)(K - i) : (double)(N - K - (i - lo));
        pmf *= num / (double)(N - i);
    }
    for (long i = 1; i <= lo; i++) /* C(n, lo): which draws were the successes */
        pmf *= (double)(n - lo + i) / (double)i;
    double tail = 0;
    for (long x = lo; x <= hi; x++) {
        if (x >= k)
            tail += pmf;
        pmf *= (double)(K - x) * (double)(n - x) / ((double)(x + 1) * (double)(N - K - n + x + 1));
    }
    return tail;
}

static void test_landmarks(void)
{
    /* 30 nt: duplex 3..8 / 19..24, loop closing pair (11, 16) */
    int dx[4] = {3, 8, 19, 24}, b[MRL_NLANDMARKS], lm, off, arm;
    CHECK_INT(mrl_landmarks(11, 16, dx, b), 6);
    CHECK(b[0] == 3 && b[1] == 9 && b[2] == 12 && b[3] == 16 && b[4] == 19 && b[5] == 25);
    CHECK_INT(mrl_landmark_offset(3, 2), -1); /* the first 5' of the cut */
    CHECK_INT(mrl_landmark_offset(3, 3), 1);  /* the first 3' of it */
    CHECK_INT(mrl_landmark_offset(20, 6), -14);
    static const struct {
        int p, lm, off, arm;
    } want[] = {
        {0, MRL_LM_DROSHA5, -3, MRL_ARM_5P},  {3, MRL_LM_DROSHA5, 1, MRL_ARM_5P},
        {8, MRL_LM_DICER5, -1, MRL_ARM_5P},   {10, MRL_LM_DICER5, 2, MRL_ARM_5P}, /* tie */
        {11, MRL_LM_LOOP5, -1, MRL_ARM_5P},   {12, MRL_LM_LOOP5, 1, MRL_ARM_LOOP},
        {15, MRL_LM_LOOP3, -1, MRL_ARM_LOOP}, {16, MRL_LM_LOOP3, 1, MRL_ARM_3P},
        {18, MRL_LM_DICER3, -1, MRL_ARM_3P},  {24, MRL_LM_DROSHA3, -1, MRL_ARM_3P},
        {29, MRL_LM_DROSHA3, 5, MRL_ARM_3P},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        arm = mrl_landmark_nearest(b, 11, 16, want[i].p, &lm, &off);
        CHECK_INT(lm, want[i].lm);
        CHECK_INT(off, want[i].off);
        CHECK_INT(arm, want[i].arm);
    }
    /* without a duplex only the loop's landmarks */
    CHECK_INT(mrl_landmarks(11, 16, NULL, b), 2);
    CHECK(b[0] == -1 && b[1] == -1 && b[4] == -1 && b[5] == -1);
    mrl_landmark_nearest(b, 11, 16, 0, &lm, &off);
    CHECK_INT(lm, MRL_LM_LOOP5);
    CHECK_INT(off, -12);
    CHECK_STR(mrl_landmark_name(MRL_LM_DICER3), "dicer-3p");
    CHECK_STR(mrl_arm_name(MRL_ARM_LOOP), "loop");
    CHECK_STR(mrl_landmark_name(MRL_NLANDMARKS), "?");
}

/* NHP random hairpins; with plant, half of them (every other) carry PLANT at PLANT_CENTRE
 * and a bump of attribution on it, a quarter (k % 4 == 1) PLANT2 at PLANT2_CENTRE and its
 * bump; every map has noise N(0, 0.05). */
static void make_data(mrl_motif_data_t *d, int plant, uint64_t seed)
{
    mrl_rng_t rng;
    mrl_rng_init(&rng, seed, 7);
    mrl_motif_data_init(d);
    for (int k = 0; k < NHP; k++) {
        char seq[LEN + 1], id[16];
        float attr[LEN];
        for (int p = 0; p < LEN; p++)
            seq[p] = "ACGU"[mrl_rng_below(&rng, 4)], attr[p] = 0.05f * mrl_rng_normal(&rng);
        seq[LEN] = '\0';
        for (int i = 0; plant && k % 4 != 3 && i < 7; i++) {
            int p = (k % 2 ? PLANT2_CENTRE : PLANT_CENTRE) - 3 + i;
            seq[p] = (k % 2 ? PLANT2 : PLANT)[i];
            attr[p] += i == 3 ? 1.0f : 0.6f - 0.1f * (float)abs(i - 3);
        }
        snprintf(id, sizeof id, "hp%d", k);
        int pt[LEN];
        stem_pairs(pt);
        int rc = mrl_motif_data_add(d, id, seq, LEN, pt, LOOP_O, LOOP_K, DUPLEX, attr);
        CHECK_INT(rc, 0);
    }
}

static void check_counts(const mrl_motif_result_t *r)
{
    for (size_t i = 0; i < r->n_motifs; i++) {
        const mrl_motif_t *m = &r->motif[i];
        CHECK(m->n_test_match <= m->n_test && m->n_test <= m->n_windows);
        CHECK(m->n_match <= m->n_windows);
        CHECK(m->n_seqlets >= r->opts.min_seqlets && m->n_hairpins <= m->n_seqlets);
        if (m->n_test)
            CHECK_CLOSE(m->p, hyper_ref(m->n_windows, m->n_match, m->n_test, m->n_test_match),
                        1e-12, 1e-6);
    }
}

static void test_planted(void)
{
    mrl_motif_data_t d;
    make_data(&d, 1, 11);
    mrl_motif_opts_t o;
    mrl_motif_opts_default(&o);
    mrl_motif_result_t r, r2;
    memset(&r, 0, sizeof r), memset(&r2, 0, sizeof r2);
    CHECK_INT(mrl_motif_discover(&d, &o, &r), 0);
    CHECK_INT(r.n_hp[0] + r.n_hp[1], NHP);
    CHECK(r.n_hp[0] == NHP / 2 && r.n_hp[1] == NHP / 2);
    CHECK(r.n_motifs >= 1);
    int found = 0, found2 = 0;
    for (size_t i = 0; i < r.n_motifs; i++) {
        const mrl_motif_t *m = &r.motif[i];
        if (!strcmp(m->consensus, PLANT2)) { /* the mGHG one */
            found2++;
            CHECK_INT(m->landmark, MRL_LM_DROSHA3);
            CHECK_INT(m->offset, 6);
            CHECK(m->significant);
            CHECK_INT(m->determinant, MRL_DET_MGHG);
            CHECK(m->det_gap == 0 && m->det_overlap == 1.0);
            CHECK(m->det_position && m->det_sequence);
        }
        if (strcmp(m->consensus, PLANT) != 0)
            continue;
        found++;
        CHECK_INT(m->landmark, MRL_LM_DROSHA5);
        CHECK_INT(m->offset, -13);
        CHECK(m->significant);
        CHECK(m->q < 1e-6);
        CHECK(m->enrichment > 1.5);
        CHECK(m->n_hairpins >= 50); /* ~60 planted hairpins in the discovery half */
        CHECK_INT(m->determinant, MRL_DET_BASAL_UG);
        CHECK_INT(m->det_gap, 0);
        CHECK(m->det_overlap == 1.0);
        CHECK_INT(m->det_position, 1);
        CHECK_INT(m->det_sequence, 1);
    }
    CHECK_INT(found, 1);
    CHECK_INT(found2, 1);
    /* the sites' anchors and spans against mrl_det_eval's masks on hairpin 0 (all share the
     * fold and duplex): basal UG 6..7 = drosha-5p -14..-13; mGHG 76..81 = drosha-3p +5..+10;
     * GYM 40..42 = dicer-5p -2..+1 */
    static const struct {
        int det, lm, lo, hi;
    } anchor[] = {{MRL_DET_BASAL_UG, MRL_LM_DROSHA5, -14, -13},
                  {MRL_DET_MGHG, MRL_LM_DROSHA3, 5, 10},
                  {MRL_DET_GYM, MRL_LM_DICER5, -2, 1},
                  {MRL_DET_MATURE_5U, MRL_LM_DROSHA5, 1, 1}};
    for (size_t a = 0; a < sizeof anchor / sizeof anchor[0]; a++) {
        const mrl_motif_det_t *t = NULL;
        for (int k = 0; k < MRL_MOTIF_NDET; k++)
            t = r.det[k].det == anchor[a].det ? &r.det[k] : t;
        CHECK(t != NULL);
        if (!t)
            continue;
        uint8_t mask[LEN];
        mrl_det_hit_t hit;
        CHECK_INT(
            mrl_det_eval(anchor[a].det, d.hp[0].seq, d.hp[0].partner, LEN, DUPLEX, mask, &hit), 0);
        int b[MRL_NLANDMARKS], lo = -1, hi = -1;
        mrl_landmarks(LOOP_O, LOOP_K, DUPLEX, b);
        for (int p = 0; p < LEN; p++)
            if (mask[p])
                hi = p, lo = lo < 0 ? p : lo;
        CHECK_INT(t->landmark, anchor[a].lm);
        CHECK_INT(t->off_lo, anchor[a].lo);
        CHECK_INT(t->off_hi, anchor[a].hi);
        CHECK_INT(mrl_landmark_offset(b[anchor[a].lm], lo), anchor[a].lo);
        CHECK_INT(mrl_landmark_offset(b[anchor[a].lm], hi), anchor[a].hi);
        CHECK(t->placed == NHP && t->visible == NHP);
    }
    /* every significant motif is a planted one, perhaps shifted */
    for (size_t i = 0; i < r.n_motifs; i++)
        if (r.motif[i].significant)
            CHECK(strstr(r.motif[i].consensus, "UGC") || strstr(r.motif[i].consensus, "GCG"));
    check_counts(&r);
    /* seqlets: landmark and offset of their centre, by hand for the planted ones */
    int planted_seqlets = 0;
    for (size_t i = 0; i < r.n_seqlets; i++) {
        const mrl_seqlet_t *q = &r.seqlet[i];
        if (q->pos == PLANT_CENTRE && q->hp % 2 == 0) {
            planted_seqlets++;
            CHECK(q->landmark == MRL_LM_DROSHA5 && q->offset == -13 && q->arm == MRL_ARM_5P);
        }
    }
    CHECK(planted_seqlets >= NHP / 2 - 5);
    /* deterministic */
    CHECK_INT(mrl_motif_discover(&d, &o, &r2), 0);
    CHECK_INT(r2.n_motifs, r.n_motifs);
    CHECK_INT(r2.n_seqlets, r.n_seqlets);
    CHECK(r.n_motifs == r2.n_motifs &&
          memcmp(r.motif, r2.motif, r.n_motifs * sizeof *r.motif) == 0);
    /* position-free clustering finds it too */
    o.offset_tol = -1;
    CHECK_INT(mrl_motif_discover(&d, &o, &r2), 0);
    found = 0;
    for (size_t i = 0; i < r2.n_motifs; i++)
        found += !strcmp(r2.motif[i].consensus, PLANT) && r2.motif[i].significant &&
                 r2.motif[i].landmark == MRL_LM_DROSHA5 && r2.motif[i].offset == -13;
    CHECK_INT(found, 1);
    check_counts(&r2);
    mrl_motif_result_release(&r), mrl_motif_result_release(&r2);
    mrl_motif_data_release(&d);
}

static void test_random(void)
{
    for (int plant_seq = 0; plant_seq < 2; plant_seq++) {
        mrl_motif_data_t d;
        make_data(&d, 0, 100 + (uint64_t)plant_seq);
        if (plant_seq) /* the motif in the sequences but not in the maps: still nothing */
            for (size_t k = 0; k < d.n; k += 2)
                memcpy(d.hp[k].seq + PLANT_CENTRE - 3, PLANT, 7);
        mrl_motif_opts_t o;
        mrl_motif_opts_default(&o);
        mrl_motif_result_t r;
        memset(&r, 0, sizeof r);
        CHECK_INT(mrl_motif_discover(&d, &o, &r), 0);
        CHECK(r.n_seqlets > 0);
        CHECK(r.n_motifs > 0); /* greedy clustering always makes some clusters of noise */
        CHECK_INT(r.n_significant, 0);
        check_counts(&r);
        mrl_motif_result_release(&r);
        mrl_motif_data_release(&d);
    }
}

/* The sites counted by hand on three hairpins of 60 nt, one stem (27 - k, 32 + k), k =
 * 0..27, loop 28..31. a: duplex 16-24 / 35-43, "UG" written at 2-3 = its 5p Drosha cut
 * -14/-13 (visible, present), U at 16 (5' U present); b: duplex 10-24 / 35-43, the basal UG
 * would sit at -4 (not visible), A at 10; c: no duplex (not placed). mGHG spans 48..53 on a
 * and b (visible, letters absent); CNNC would reach 64 (not visible on either). GYM: 23..25
 * on both, dicer-5p -2..+1 (and loop-5p -5..-3: the same spread; dicer-5p is the lower
 * enum). Every count is also checked against mrl_det_eval itself. */
static void test_site_counts(void)
{
    enum { N = 60 };
    mrl_motif_data_t d;
    mrl_motif_data_init(&d);
    char seq[N + 1];
    float attr[N] = {0};
    int pt[N];
    for (int p = 0; p < N; p++)
        pt[p] = -1;
    for (int k = 0; k <= 27; k++)
        pt[27 - k] = 32 + k, pt[32 + k] = 27 - k;
    memset(seq, 'A', N), seq[N] = '\0';
    seq[2] = 'U', seq[3] = 'G', seq[16] = 'U';
    int da[4] = {16, 24, 35, 43}, db[4] = {10, 24, 35, 43};
    CHECK_INT(mrl_motif_data_add(&d, "a", seq, N, pt, 27, 32, da, attr), 0);
    CHECK_INT(mrl_motif_data_add(&d, "b", seq, N, pt, 27, 32, db, attr), 0);
    CHECK_INT(mrl_motif_data_add(&d, "c", seq, N, pt, 27, 32, NULL, attr), 0);
    attr[5] = 1; /* one seqlet: the discovery needs a share */
    CHECK_INT(mrl_motif_data_add(&d, "e", seq, N, NULL, 27, 32, da, attr), 0); /* no fold */
    mrl_motif_result_t r;
    memset(&r, 0, sizeof r);
    CHECK_INT(mrl_motif_discover(&d, NULL, &r), 0);
    static const struct {
        int det;
        long visible, present;
        int lm, lo, hi;
    } want[MRL_MOTIF_NDET] = {
        {MRL_DET_BASAL_UG, 1, 1, MRL_LM_DROSHA5, -14, -13},
        {MRL_DET_MATURE_5U, 2, 1, MRL_LM_DROSHA5, 1, 1},
        {MRL_DET_GYM, 2, 0, MRL_LM_DICER5, -2, 1},
        {MRL_DET_APICAL_UGU, 2, 0, MRL_LM_LOOP5, -2, 6}, /* loop 28..31 +- 2: 26..33 */
        {MRL_DET_MGHG, 2, 0, MRL_LM_DROSHA3, 5, 10},
        {MRL_DET_CNNC, 0, 0, -1, 0, 0},
    };
    for (int k = 0; k < MRL_MOTIF_NDET; k++) {
        const mrl_motif_det_t *t = &r.det[k];
        CHECK_INT(t->det, want[k].det);
        CHECK_INT(t->placed, 2);
        CHECK_INT(t->visible, want[k].visible);
        CHECK_INT(t->present, want[k].present);
        CHECK_INT(t->landmark, want[k].lm);
        if (want[k].lm >= 0)
            CHECK(t->off_lo == want[k].lo && t->off_hi == want[k].hi);
        long vis = 0, pres = 0;
        for (int h = 0; h < 2; h++) {
            mrl_det_hit_t hit;
            CHECK_INT(mrl_det_eval(t->det, seq, pt, N, h ? db : da, NULL, &hit), 0);
            vis += hit.visible, pres += hit.present;
        }
        CHECK(vis == t->visible && pres == t->present);
    }
    CHECK(r.det[1].pattern && !strcmp(r.det[1].pattern, "U"));
    CHECK(!strcmp(r.det[3].pattern, "UGU|GUG"));
    mrl_motif_result_release(&r);
    mrl_motif_data_release(&d);
    /* a fold with no hairpin loop between the arms: mrl_det_eval calls the apical UGU
     * visible there with an empty mask; the anchor comes from the hairpins with a mask */
    int open_pt[N];
    for (int p = 0; p < N; p++)
        open_pt[p] = -1;
    mrl_motif_data_init(&d);
    CHECK_INT(mrl_motif_data_add(&d, "a", seq, N, pt, 27, 32, da, attr), 0);
    CHECK_INT(mrl_motif_data_add(&d, "f", seq, N, open_pt, 27, 32, da, attr), 0);
    CHECK_INT(mrl_motif_discover(&d, NULL, &r), 0);
    CHECK_INT(r.det[3].visible, 2);
    CHECK_INT(r.det[3].landmark, MRL_LM_LOOP5);
    CHECK(r.det[3].off_lo == -2 && r.det[3].off_hi == 6);
    mrl_motif_result_release(&r);
    mrl_motif_data_release(&d);
}

/* A hairpin inside a flanked window: 10 nt of flank hairpin ((((....)))) at 0..11, then
 * the miRNA's stem (38 - k, 43 + k), k = 0..17 (21..38 / 43..60), loop 39..42, 10 nt of 3'
 * flank. An image drawn around the flank's loop (closing pair (3, 8)) lies outside the
 * duplex's arms (21-28 / 53-60): the loop landmarks move to (38, 43). Without a pair table,
 * or with the loop between the arms, the pair is kept as given. */
static void test_flanked_loop(void)
{
    enum { N = 71 };
    char seq[N + 1];
    float attr[N] = {0};
    int pt[N], dx[4] = {21, 28, 53, 60}, b[MRL_NLANDMARKS];
    memset(seq, 'A', N), seq[N] = '\0';
    for (int p = 0; p < N; p++)
        pt[p] = -1;
    for (int k = 0; k < 4; k++)
        pt[k] = 11 - k, pt[11 - k] = k;
    for (int k = 0; k <= 17; k++)
        pt[38 - k] = 43 + k, pt[43 + k] = 38 - k;
    mrl_motif_data_t d;
    mrl_motif_data_init(&d);
    CHECK_INT(mrl_motif_data_add(&d, "w", seq, N, pt, 3, 8, dx, attr), 0);
    CHECK(d.hp[0].loop[0] == 38 && d.hp[0].loop[1] == 43);
    CHECK_INT(mrl_landmarks(d.hp[0].loop[0], d.hp[0].loop[1], d.hp[0].duplex, b), 6);
    CHECK(b[MRL_LM_LOOP5] == 39 && b[MRL_LM_LOOP3] == 43);
    CHECK_INT(mrl_motif_data_add(&d, "x", seq, N, NULL, 3, 8, dx, attr), 0);
    CHECK(d.hp[1].loop[0] == 3 && d.hp[1].loop[1] == 8);
    CHECK_INT(mrl_motif_data_add(&d, "y", seq, N, pt, 3, 8, NULL, attr), 0);
    CHECK(d.hp[2].loop[0] == 3 && d.hp[2].loop[1] == 8);
    CHECK_INT(mrl_motif_data_add(&d, "z", seq, N, pt, 36, 45, dx, attr), 0);
    CHECK(d.hp[3].loop[0] == 36 && d.hp[3].loop[1] == 45);
    pt[0] = 5; /* 0 -> 5 but 5 -> -1 */
    CHECK_INT(mrl_motif_data_add(&d, "v", seq, N, pt, 3, 8, dx, attr), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "v: pair table") != NULL);
    mrl_motif_data_release(&d);
}

/* Only negative shares (--sign neg): the planted positive bump gives no seqlet there. */
static void test_sign(void)
{
    mrl_motif_data_t d;
    make_data(&d, 1, 11);
    mrl_motif_opts_t o;
    mrl_motif_opts_default(&o);
    o.sign = -1;
    mrl_motif_result_t r;
    memset(&r, 0, sizeof r);
    CHECK_INT(mrl_motif_discover(&d, &o, &r), 0);
    int at_plant = 0;
    for (size_t i = 0; i < r.n_seqlets; i++)
        at_plant += r.seqlet[i].pos == PLANT_CENTRE && r.seqlet[i].hp % 2 == 0;
    CHECK_INT(at_plant, 0);
    CHECK_INT(r.n_significant, 0);
    mrl_motif_result_release(&r);
    mrl_motif_data_release(&d);
}

static void test_bad_inputs(void)
{
    mrl_motif_data_t d;
    mrl_motif_data_init(&d);
    float attr[10] = {0};
    int dx[4] = {0, 3, 6, 9}, bad_dx[4] = {0, 6, 3, 9};
    CHECK_INT(mrl_motif_data_add(&d, "x", "ACGUACGUAC", 10, NULL, 5, 5, dx, attr), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "x: loop closing pair") != NULL);
    CHECK_INT(mrl_motif_data_add(&d, "x", "ACGUACGUAC", 10, NULL, 4, 10, dx, attr), MRL_ERR_ARG);
    CHECK_INT(mrl_motif_data_add(&d, "y", "ACGUACGUAC", 10, NULL, 4, 5, bad_dx, attr), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "y: duplex") != NULL);
    mrl_motif_result_t r;
    memset(&r, 0, sizeof r);
    CHECK_INT(mrl_motif_discover(&d, NULL, &r), MRL_ERR_ARG); /* no hairpins */
    CHECK_INT(mrl_motif_data_add(&d, "z", "ACGUACGUAC", 10, NULL, 4, 5, dx, attr), 0);
    mrl_motif_opts_t o;
    mrl_motif_opts_default(&o);
    o.width = 6;
    CHECK_INT(mrl_motif_discover(&d, &o, &r), MRL_ERR_ARG);
    mrl_motif_opts_default(&o);
    o.mismatch = 7;
    CHECK_INT(mrl_motif_discover(&d, &o, &r), MRL_ERR_ARG);
    mrl_motif_opts_default(&o);
    o.top = 0;
    CHECK_INT(mrl_motif_discover(&d, &o, &r), MRL_ERR_ARG);
    /* a map of zeros: no seqlet, no motif, no crash */
    CHECK_INT(mrl_motif_discover(&d, NULL, &r), 0);
    CHECK_INT(r.n_seqlets, 0);
    CHECK_INT(r.n_motifs, 0);
    mrl_motif_result_release(&r);
    mrl_motif_data_release(&d);
}

int main(void)
{
    test_landmarks();
    test_planted();
    test_random();
    test_site_counts();
    test_flanked_loop();
    test_sign();
    test_bad_inputs();
    return test_summary("test_seqlets");
}
