/*
 * test_seqlets.c - landmark-anchored motif discovery (src/explain/seqlets.c): landmark
 * offsets of a small hairpin worked by hand; a motif planted at a fixed offset from the
 * 5p Drosha cut in synthetic attribution maps is recovered with its consensus, landmark,
 * offset and the determinant it was built to match (basal UG), and tested significant on
 * the held-out half, with its p-value checked against an independent hypergeometric sum;
 * random maps over the same sequences give no significant motif; the run is deterministic;
 * bad inputs are refused.
 */
#include "test.h"

/* Synthetic hairpins: 90 nt, 5p strand 20..41, loop closing pair (43, 48), 3p strand
 * 50..71, so the landmarks sit at 20, 42, 44, 48, 50, 72. */
#define LEN 90
#define NHP 240
static const int DUPLEX[4] = {20, 41, 50, 71};
#define LOOP_O 43
#define LOOP_K 48
/* planted: centred at offset -13 of the 5p Drosha cut (nucleotide 7), U at -14, G at -13 */
static const char PLANT[] = "CAUGCAC";
#define PLANT_CENTRE 7

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
    const mrl_determinant_t *t;
    int nd = mrl_determinants(&t), ug = 0;
    for (int d = 0; d < nd; d++)
        ug += !strcmp(t[d].name, "basal-UG") && t[d].landmark == MRL_LM_DROSHA5 &&
              t[d].start_lo == -14 && !strcmp(t[d].pattern, "UG");
    CHECK_INT(ug, 1);
}

/* NHP random hairpins; with plant, half of them (every other) carry PLANT at PLANT_CENTRE
 * and a bump of attribution on it; every map has noise N(0, 0.05). */
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
        if (plant && k % 2 == 0)
            for (int i = 0; i < 7; i++) {
                int p = PLANT_CENTRE - 3 + i;
                seq[p] = PLANT[i];
                attr[p] += i == 3 ? 1.0f : 0.6f - 0.1f * (float)abs(i - 3);
            }
        snprintf(id, sizeof id, "hp%d", k);
        int rc = mrl_motif_data_add(d, id, seq, LEN, LOOP_O, LOOP_K, DUPLEX, attr);
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
    int found = 0;
    for (size_t i = 0; i < r.n_motifs; i++) {
        const mrl_motif_t *m = &r.motif[i];
        if (strcmp(m->consensus, PLANT) != 0)
            continue;
        found++;
        CHECK_INT(m->landmark, MRL_LM_DROSHA5);
        CHECK_INT(m->offset, -13);
        CHECK(m->significant);
        CHECK(m->q < 1e-6);
        CHECK(m->enrichment > 1.5);
        CHECK(m->n_hairpins >= 50); /* ~60 planted hairpins in the discovery half */
        const mrl_determinant_t *t;
        mrl_determinants(&t);
        CHECK(m->determinant >= 0 && !strcmp(t[m->determinant].name, "basal-UG"));
        CHECK_INT(m->det_gap, 0);
        CHECK_INT(m->det_position, 1);
        CHECK_INT(m->det_sequence, 1);
    }
    CHECK_INT(found, 1);
    /* every significant motif is the planted one, perhaps shifted: it holds "AUGCA" */
    for (size_t i = 0; i < r.n_motifs; i++)
        if (r.motif[i].significant)
            CHECK(strstr(r.motif[i].consensus, "UGC") != NULL);
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

/* Determinants counted by hand on three hairpins of 40 nt: the 5p Drosha cut at 16 puts
 * the basal UG at 2-3 (present, "UG" written there); at 10 it would start at -4 (not
 * visible); without a duplex the cut is not placed. CNNC at +16..+18 of the 3p cut (3p
 * strand ending at 19: the cut boundary 20, C at 35..37) fits in 40 nt only from +16
 * (35..38) and +17 (36..39). */
static void test_determinant_count(void)
{
    mrl_motif_data_t d;
    mrl_motif_data_init(&d);
    char seq[41];
    float attr[40] = {0};
    memset(seq, 'A', 40), seq[40] = '\0';
    seq[2] = 'U', seq[3] = 'G';   /* basal UG of hairpin a */
    seq[36] = 'C', seq[39] = 'C'; /* CNNC from +17 of a's 3p cut */
    int da[4] = {16, 17, 18, 19}, db[4] = {10, 17, 18, 19};
    CHECK_INT(mrl_motif_data_add(&d, "a", seq, 40, 17, 18, da, attr), 0);
    seq[36] = 'A';
    CHECK_INT(mrl_motif_data_add(&d, "b", seq, 40, 17, 18, db, attr), 0);
    CHECK_INT(mrl_motif_data_add(&d, "c", seq, 40, 17, 18, NULL, attr), 0);
    const mrl_determinant_t *t;
    int nd = mrl_determinants(&t), ug = -1, cnnc = -1;
    for (int k = 0; k < nd; k++)
        ug = !strcmp(t[k].name, "basal-UG") ? k : ug, cnnc = !strcmp(t[k].name, "CNNC") ? k : cnnc;
    long placed, vis, pres;
    CHECK_INT(mrl_determinant_count(&d, ug, &placed, &vis, &pres), 0);
    CHECK(placed == 2 && vis == 1 && pres == 1);
    CHECK_INT(mrl_determinant_count(&d, cnnc, &placed, &vis, &pres), 0);
    CHECK(placed == 2 && vis == 2 && pres == 1);
    CHECK_INT(mrl_determinant_count(&d, nd, NULL, NULL, NULL), MRL_ERR_ARG);
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
    CHECK_INT(mrl_motif_data_add(&d, "x", "ACGUACGUAC", 10, 5, 5, dx, attr), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "x: loop closing pair") != NULL);
    CHECK_INT(mrl_motif_data_add(&d, "x", "ACGUACGUAC", 10, 4, 10, dx, attr), MRL_ERR_ARG);
    CHECK_INT(mrl_motif_data_add(&d, "y", "ACGUACGUAC", 10, 4, 5, bad_dx, attr), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "y: duplex") != NULL);
    mrl_motif_result_t r;
    memset(&r, 0, sizeof r);
    CHECK_INT(mrl_motif_discover(&d, NULL, &r), MRL_ERR_ARG); /* no hairpins */
    CHECK_INT(mrl_motif_data_add(&d, "z", "ACGUACGUAC", 10, 4, 5, dx, attr), 0);
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
    test_determinant_count();
    test_sign();
    test_bad_inputs();
    return test_summary("test_seqlets");
}
