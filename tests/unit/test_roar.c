/*
 * test_roar.c - RemOve And Retrain (src/explain/roar.c): removal orders worked by hand, the
 * erased images checked pixel by pixel against mrl_encode_pixel_pos (an independent map of
 * bars to positions), k = 0 and k = 1, the seeded random baseline, the method's order
 * against the attribution computed separately, the image-set writer read back, and one
 * retraining run twice.
 */
#include <unistd.h>
#include "test.h"

/* Three hairpins: a plain stem-loop, one with a 5' bulge (a gap bar in the image), and one
 * with dangling ends. */
static const char *const SEQ[3] = {"GGGAAACCC", "GCGUAGAAACUCGC",
                                   "AAGGCUAGCUAGGAUCCGAAAGGAUCCUAGCUAGCCUU"};
static const char *const ST[3] = {"(((...)))", "(((.((...)))))",
                                  "..((((((((((((......))))))))))))......"};

static mrl_hairpin_t HP[3];

static void draw_all(void)
{
    for (int i = 0; i < 3; i++)
        CHECK_INT(mrl_encode_hairpin(SEQ[i], strlen(SEQ[i]), ST[i], &HP[i]), 0);
}

/* Positions whose every bar pixel is white in rgb; -1 if a position is partly erased.
 * gone[p] = 1 for those, from mrl_encode_pixel_pos (not the mask code's geometry). */
static int erased_positions(const mrl_hairpin_t *h, const uint8_t *rgb, size_t n, int *gone)
{
    int white[64] = {0}, total[64] = {0}, count = 0;
    for (int r = 0; r < MRL_IMG_H; r++)
        for (int c = 0; c < MRL_IMG_W; c++) {
            int p = mrl_encode_pixel_pos(h, r, c);
            const uint8_t *px = rgb + ((size_t)r * MRL_IMG_W + (size_t)c) * 3;
            if (p < 0) /* not a nucleotide's bar: must be as drawn */
                CHECK(memcmp(px, h->rgb + (px - rgb), 3) == 0);
            else
                total[p]++, white[p] += px[0] == 255 && px[1] == 255 && px[2] == 255;
            if (p >= 0 && !(px[0] == 255 && px[1] == 255 && px[2] == 255))
                CHECK(memcmp(px, h->rgb + (px - rgb), 3) == 0); /* kept bars byte-identical */
        }
    for (size_t p = 0; p < n; p++) {
        gone[p] = total[p] && white[p] == total[p];
        if (white[p] && white[p] != total[p])
            return -1;
        count += gone[p];
    }
    return count;
}

/* Orders by hand on GGGAAACCC: all 9 drawn; attribution descending, ties by position. */
static void test_order_by_hand(void)
{
    const float attr[9] = {0.1f, 0.9f, -0.5f, 0.3f, 0.8f, 0.2f, 0.0f, 0.7f, 0.4f};
    const int want[9] = {1, 4, 7, 8, 3, 5, 0, 6, 2};
    int order[9];
    CHECK_INT(mrl_roar_order(&HP[0], 9, attr, NULL, order), 9);
    CHECK(memcmp(order, want, sizeof want) == 0);
    /* ties: equal values go by lower position */
    const float tie[9] = {1, 1, 0, 0, 2, 0, 1, 0, 0};
    const int want_tie[9] = {4, 0, 1, 6, 2, 3, 5, 7, 8};
    CHECK_INT(mrl_roar_order(&HP[0], 9, tie, NULL, order), 9);
    CHECK(memcmp(order, want_tie, sizeof want_tie) == 0);
    /* a NaN is refused, naming the position */
    float bad[9];
    memcpy(bad, attr, sizeof bad);
    bad[5] = NAN;
    CHECK_INT(mrl_roar_order(&HP[0], 9, bad, NULL, order), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "position 6") != NULL);
    /* a map that does not fit the sequence */
    CHECK_INT(mrl_roar_order(&HP[0], 5, attr, NULL, order), MRL_ERR_ARG);
    CHECK_INT(mrl_roar_order(&HP[0], 9, NULL, NULL, order), MRL_ERR_ARG);
}

static void test_count(void)
{
    CHECK_INT(mrl_roar_count(0.3, 9), 3);  /* 2.7 */
    CHECK_INT(mrl_roar_count(0.5, 9), 5);  /* 4.5: halves up */
    CHECK_INT(mrl_roar_count(0.25, 2), 1); /* 0.5 */
    CHECK_INT(mrl_roar_count(0.1, 4), 0);  /* 0.4 */
    CHECK_INT(mrl_roar_count(0, 10), 0);
    CHECK_INT(mrl_roar_count(1, 7), 7);
    CHECK_INT(mrl_roar_count(0.5, 0), 0);
}

/* A set of the three hairpins with one hand-made order per hairpin (slot 0). */
static void fill_set(mrl_roar_set_t *s)
{
    mrl_roar_set_init(s);
    const char *names[3] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++)
        CHECK_INT(mrl_roar_set_add(s, &HP[i], strlen(SEQ[i]), i != 1, names[i]), 0);
}

/* The top-k of a known attribution come out white, everything else byte-identical. */
static void test_degrade_known(void)
{
    mrl_roar_set_t s;
    fill_set(&s);
    CHECK_INT((int)s.n, 3);
    CHECK_INT(s.nd[0], 9);
    /* GCGUAGAAACUCGC (((.((...))))): every position is drawn, the bulge over a gap */
    CHECK_INT(s.nd[1], 14);
    /* the order: slot 0 by attr[p] = p (highest position first) */
    int *ord = malloc(s.off[3] * sizeof *ord);
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(SEQ[i]);
        float *attr = malloc(n * sizeof *attr);
        for (size_t p = 0; p < n; p++)
            attr[p] = (float)p;
        CHECK_INT(mrl_roar_order(&HP[i], n, attr, NULL, ord + s.off[i]), s.nd[i]);
        free(attr);
    }
    s.methods[0] = MRL_EXPLAIN_IG, s.order[0] = ord, s.n_methods = 1;
    CHECK_INT(mrl_roar_set_add(&s, &HP[0], 9, 1, "late"), MRL_ERR_ARG); /* after the orders */
    mrl_imageset_t *d = NULL;
    long erased = -1;
    /* k = 0.3: GGGAAACCC loses round(2.7) = 3, its positions 8, 7, 6 (the CCC) */
    CHECK_INT(mrl_roar_set_degrade(&s, 0, 0.3, &d, &erased), 0);
    CHECK_INT(erased, 3 + mrl_roar_count(0.3, s.nd[1]) + mrl_roar_count(0.3, s.nd[2]));
    CHECK_INT((int)d->n, 3);
    int gone[64];
    CHECK_INT(erased_positions(&HP[0], d->rgb, 9, gone), 3);
    CHECK(gone[6] && gone[7] && gone[8] && !gone[5] && !gone[0]);
    for (int i = 1; i < 3; i++) {
        size_t n = strlen(SEQ[i]);
        int c = mrl_roar_count(0.3, s.nd[i]);
        CHECK_INT(erased_positions(&HP[i], d->rgb + (size_t)i * MRL_IMG_BYTES, n, gone), c);
        for (int q = 0; q < s.nd[i]; q++) /* exactly the first c of the order */
            CHECK_INT(gone[ord[s.off[i] + (size_t)q]], q < c);
    }
    CHECK_INT(d->labels[0], 1);
    CHECK_INT(d->labels[1], 0);
    CHECK_STR(d->names[2], "c");
    mrl_imageset_free(d);
    /* a loop base is drawn twice: with the loop A's (3, 4, 5) on top, both bars go */
    const float loop[9] = {0, 0, 0, 5, 4, 3, 0, 0, 0};
    CHECK_INT(mrl_roar_order(&HP[0], 9, loop, NULL, ord), 9);
    CHECK_INT(mrl_roar_set_degrade(&s, 0, 3.0 / 9, &d, &erased), 0);
    CHECK_INT(erased_positions(&HP[0], d->rgb, 9, gone), 3);
    CHECK(gone[3] && gone[4] && gone[5]);
    int white_cols = 0;
    for (int c = 0; c < 3; c++) /* columns 0..2: the loop, top and bottom halves both white */
        for (int r = 0; r < MRL_IMG_H; r++) {
            const uint8_t *px = d->rgb + ((size_t)r * MRL_IMG_W + (size_t)c) * 3;
            white_cols += px[0] == 255 && px[1] == 255 && px[2] == 255;
        }
    CHECK_INT(white_cols, 3 * MRL_IMG_H);
    mrl_imageset_free(d);
    /* k = 0: byte-identical; k = 1: every drawn nucleotide erased */
    CHECK_INT(mrl_roar_set_degrade(&s, 0, 0, &d, &erased), 0);
    CHECK_INT(erased, 0);
    for (int i = 0; i < 3; i++)
        CHECK(memcmp(d->rgb + (size_t)i * MRL_IMG_BYTES, HP[i].rgb, MRL_IMG_BYTES) == 0);
    mrl_imageset_free(d);
    CHECK_INT(mrl_roar_set_degrade(&s, 0, 1, &d, &erased), 0);
    CHECK_INT(erased, (long)s.off[3]);
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(SEQ[i]);
        CHECK_INT(erased_positions(&HP[i], d->rgb + (size_t)i * MRL_IMG_BYTES, n, gone), s.nd[i]);
    }
    /* the bulge's gap bar (black, no position) stays */
    int black = 0;
    for (size_t b = 0; b < MRL_IMG_BYTES; b += 3)
        black += !d->rgb[MRL_IMG_BYTES + b] && !d->rgb[MRL_IMG_BYTES + b + 1] &&
                 !d->rgb[MRL_IMG_BYTES + b + 2];
    CHECK_INT(black, 2);
    mrl_imageset_free(d);
    /* bad fractions and slots */
    CHECK_INT(mrl_roar_set_degrade(&s, 0, -0.1, &d, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_roar_set_degrade(&s, 0, 1.5, &d, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_roar_set_degrade(&s, 0, (double)NAN, &d, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_roar_set_degrade(&s, 1, 0.5, &d, NULL), MRL_ERR_ARG);
    mrl_roar_set_release(&s);
}

/* The random baseline: a permutation of the drawn positions, the same for the same seed,
 * another for another seed, exactly round(k nd) erased. */
static void test_random(void)
{
    mrl_roar_set_t a, b;
    fill_set(&a), fill_set(&b);
    const int R[2] = {MRL_ROAR_RANDOM, MRL_ROAR_RANDOM};
    mrl_roar_rank_opts_t ro;
    mrl_roar_rank_opts_default(&ro);
    CHECK_INT(ro.magnitude, 1);
    CHECK_INT((int)ro.seed, 1);
    ro.seed = 5;
    CHECK_INT(mrl_roar_set_rank(&a, NULL, R, 1, &ro), 0);
    CHECK_INT(mrl_roar_set_rank(&b, NULL, R, 2, &ro), 0);
    CHECK_INT(mrl_roar_set_rank(&b, NULL, (const int[]){MRL_EXPLAIN_IG}, 1, &ro),
              MRL_ERR_ARG); /* a method needs a scorer */
    CHECK(memcmp(a.order[0], b.order[0], a.off[3] * sizeof(int)) == 0);
    CHECK(memcmp(a.order[0], b.order[1], a.off[3] * sizeof(int)) == 0);
    mrl_roar_set_t c;
    fill_set(&c);
    ro.seed = 6;
    CHECK_INT(mrl_roar_set_rank(&c, NULL, R, 1, &ro), 0);
    CHECK(memcmp(a.order[0], c.order[0], a.off[3] * sizeof(int)) != 0);
    /* each hairpin's order is its own stream: hairpin i of stream0 = 1 is hairpin i+1's of 0 */
    mrl_roar_set_t d;
    fill_set(&d);
    ro.seed = 5, ro.stream0 = 1;
    CHECK_INT(mrl_roar_set_rank(&d, NULL, R, 1, &ro), 0);
    mrl_rng_t rng;
    int want[64];
    mrl_rng_init(&rng, 5, 1);
    CHECK_INT(mrl_roar_order(&HP[0], 9, NULL, &rng, want), 9);
    CHECK(memcmp(d.order[0], want, 9 * sizeof(int)) == 0);
    for (int i = 0; i < 3; i++) { /* a permutation of the drawn positions */
        size_t n = strlen(SEQ[i]);
        int seen[64] = {0}, *o = a.order[0] + a.off[i];
        for (int q = 0; q < a.nd[i]; q++)
            CHECK(o[q] >= 0 && o[q] < (int)n && !seen[o[q]]++);
    }
    const double ks[3] = {0.1, 0.5, 0.9};
    for (int t = 0; t < 3; t++) {
        mrl_imageset_t *x = NULL, *y = NULL;
        CHECK_INT(mrl_roar_set_degrade(&a, 0, ks[t], &x, NULL), 0);
        CHECK_INT(mrl_roar_set_degrade(&b, 0, ks[t], &y, NULL), 0);
        CHECK(memcmp(x->rgb, y->rgb, 3 * MRL_IMG_BYTES) == 0);
        for (int i = 0; i < 3; i++) {
            int gone[64];
            CHECK_INT(
                erased_positions(&HP[i], x->rgb + (size_t)i * MRL_IMG_BYTES, strlen(SEQ[i]), gone),
                mrl_roar_count(ks[t], a.nd[i]));
        }
        mrl_imageset_free(x), mrl_imageset_free(y);
    }
    mrl_roar_set_release(&a), mrl_roar_set_release(&b), mrl_roar_set_release(&c);
    mrl_roar_set_release(&d);
}

/* A method's order is its attribution, computed here on its own, sorted: by value for a
 * contribution method (integrated gradients) with magnitude = 0, by magnitude for a
 * sensitivity one (gradient) and for every method with magnitude = 1 (the default). */
static void test_method_order(void)
{
    mrl_arch_t arch;
    mrl_arch_default(&arch, 3);
    mrl_model_t *m = NULL;
    mrl_ensemble_t *e = NULL;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = 1;
    if (mrl_model_new(&m, &arch, 3) || mrl_ensemble_new(&e, &m, 1, &no)) {
        CHECK(0);
        return;
    }
    mrl_roar_set_t s;
    fill_set(&s);
    mrl_roar_rank_opts_t ro;
    mrl_roar_rank_opts_default(&ro);
    ro.ex.steps = 16;
    ro.magnitude = 0;
    const int meth[3] = {MRL_EXPLAIN_IG, MRL_EXPLAIN_GRADIENT, MRL_EXPLAIN_IG};
    CHECK_INT(mrl_roar_set_rank(&s, e, meth, 2, &ro), 0);
    ro.magnitude = 1;
    CHECK_INT(mrl_roar_set_rank(&s, e, meth + 2, 1, &ro), 0);
    CHECK_INT(s.n_methods, 3);
    mrl_nn_t *nn = mrl_ensemble_nn(e, 0);
    float x[3 * MRL_IMG_H * MRL_IMG_W], map[3 * MRL_IMG_H * MRL_IMG_W];
    float map2d[MRL_IMG_H * MRL_IMG_W];
    int negative = 0;
    for (int j = 0; j < 3; j++) {
        mrl_explain_opts_t eo = ro.ex;
        eo.method = meth[j];
        for (int i = 0; i < 3; i++) {
            size_t n = strlen(SEQ[i]);
            float attr[64];
            mrl_model_normalize(m, HP[i].rgb, 1, x);
            CHECK_INT(mrl_explain(nn, m, x, 1, &eo, map, NULL), 0);
            mrl_explain_channel_sum(map, 1, 3, MRL_IMG_H, MRL_IMG_W, map2d);
            mrl_explain_nucleotides(&HP[i], map2d, n, attr, NULL);
            const int *o = s.order[j] + s.off[i];
            for (int q = 0; q + 1 < s.nd[i]; q++) {
                float u = attr[o[q]], v = attr[o[q + 1]];
                negative += j == 0 && u < 0;
                if (j > 0)
                    u = fabsf(u), v = fabsf(v);
                CHECK(u > v || (u == v && o[q] < o[q + 1]));
            }
        }
    }
    /* IG has negative values here, so by value and by magnitude are other orders */
    CHECK(negative > 0);
    CHECK(memcmp(s.order[0], s.order[2], s.off[3] * sizeof(int)) != 0);
    mrl_roar_set_release(&s);
    mrl_ensemble_free(e);
    mrl_model_free(m);
}

/* Written, read back identical; one retraining twice gives the same numbers. */
static void test_write_retrain(void)
{
    mrl_roar_set_t s;
    fill_set(&s);
    const int R[1] = {MRL_ROAR_RANDOM};
    CHECK_INT(mrl_roar_set_rank(&s, NULL, R, 1, NULL), 0);
    mrl_imageset_t *d = NULL, *back = NULL;
    CHECK_INT(mrl_roar_set_degrade(&s, 0, 0.5, &d, NULL), 0);
    char dir[] = "/tmp/test_roar.XXXXXX", base[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(base, sizeof base, "%s/set", dir);
    CHECK_INT(mrl_imageset_write(d, base), 0);
    CHECK_INT(mrl_imageset_load(&back, base), 0);
    if (back) {
        CHECK_INT((int)back->n, 3);
        CHECK(memcmp(back->rgb, d->rgb, 3 * MRL_IMG_BYTES) == 0);
        CHECK(back->labels && memcmp(back->labels, d->labels, 3) == 0);
        CHECK(back->names && !strcmp(back->names[0], "a") && !strcmp(back->names[2], "c"));
    }
    mrl_imageset_free(back);
    char p[96];
    const char *ext[3] = {".u8", ".labels", ".names"};
    for (int k = 0; k < 3; k++) {
        snprintf(p, sizeof p, "%s%s", base, ext[k]);
        CHECK_INT(remove(p), 0);
    }
    CHECK_INT(rmdir(dir), 0);
    /* a tiny retraining of the recipe, twice: the same test metrics */
    mrl_arch_t a;
    mrl_arch_default(&a, 3);
    mrl_train_opts_t to;
    mrl_roar_train_opts_default(&to);
    CHECK_INT(to.epochs, 100);
    CHECK_INT(to.early_stop, 8);
    CHECK(to.val_split == 0.1);
    to.epochs = 2, to.val_split = 0, to.early_stop = 0, to.threads = 1;
    mrl_metrics_t m1, m2;
    mrl_model_t *out = NULL;
    CHECK_INT(mrl_roar_retrain(&a, d, d, &to, &m1, &out), 0);
    CHECK_INT(mrl_roar_retrain(&a, d, d, &to, &m2, NULL), 0);
    CHECK(out != NULL);
    CHECK_INT(m1.n_pos, 2);
    CHECK_INT(m1.n_neg, 1);
    CHECK(m1.accuracy == m2.accuracy && m1.auroc == m2.auroc);
    CHECK(m1.accuracy >= 0 && m1.accuracy <= 1 && m1.auroc >= 0 && m1.auroc <= 1);
    mrl_model_free(out);
    mrl_imageset_free(d);
    mrl_roar_set_release(&s);
}

int main(void)
{
    draw_all();
    test_order_by_hand();
    test_count();
    test_degrade_known();
    test_random();
    test_method_order();
    test_write_retrain();
    return test_summary("test_roar");
}
