/*
 * test_faithful.c - masked hairpin images and deletion / insertion curves (Petsiuk et al.
 * 2018): mrl_curve_auc by hand; white masking erases exactly the pixels
 * mrl_encode_pixel_pos gives to the masked positions (on hairpins with bulges, interior
 * loops, dropped positions, N letters, more than 100 columns, and loop bases drawn twice);
 * N masking equals redrawing with N; masking nothing is the original; curves on a linear
 * network checked point by point against a hand computation, a faithful ordering beating
 * the random one, the all-masked and unmasked ends, determinism with 1 or 2 threads and
 * any batch size; argument errors.
 */
#include "mirlens.h"
#include "test.h"

#define D (3 * MRL_IMG_H * MRL_IMG_W)
#define PLANE (MRL_IMG_H * MRL_IMG_W)

/* ---- hairpins ------------------------------------------------------------------- */

typedef struct hp_case {
    const char *name, *seq, *st;
} hp_case_t;

/* docs/hairpin-image.md 11.1-11.3 plus a plain stem-loop */
static const hp_case_t cases[] = {
    {"stem-loop", "GGCUAGCUAGGAUCCGAAAGGAUCCUAGCUAGCC", "((((((((((((......))))))))))))...."},
    {"let-7b (bulges, interior loops)",
     "CGGGGUGAGGUAGUAGGUUGUGUGGUUUCAGGGCAGUGAUGUUGCCCCUCGGAAGAUAACUAUACAACCUACUGCCUUCCCUG",
     "(((((.(((((((((((((((((((((((.((((((.....))))))...))).....)))))))))))))))))))))))))"},
    {"cloverleaf (dropped 3')",
     "GCACCCAUGGCCUAAUGGAUAAGGCGCUUGACUUCUAAUCAAGCGAUUGUGGGUUCGAAUCCCACUGGGUGUG",
     "(((((((..((((........))))((((((.......))))))....(((((.......))))))))))))."},
    {"N in the stem",
     "CGGGAAAUUGUGUNACCGGAGUUCAUGGGAGUNACGCUAAAAACGUCUAUCUUAUUGACUAUGGCAUGGUCCGCCAAUUCACCG",
     "(((..(((((.((.(((((((((.((((((...(((.......)))...)))))).))))....).))))..)))))))..)))"},
};
#define NCASES (int)(sizeof cases / sizeof cases[0])

/* A stem of 130 pairs around a 4-nt loop with a 3' bulge: 135 columns, only 100 drawn. */
static char long_seq[300], long_st[300];
static size_t make_long(void)
{
    size_t n = 0;
    for (int i = 0; i < 130; i++)
        long_seq[n] = "GCAU"[i % 4], long_st[n++] = '(';
    for (int i = 0; i < 4; i++)
        long_seq[n] = 'A', long_st[n++] = '.';
    for (int i = 129; i >= 0; i--) {
        if (i == 60)
            long_seq[n] = 'U', long_st[n++] = '.';
        long_seq[n] = "CGUA"[i % 4], long_st[n++] = ')';
    }
    long_seq[n] = long_st[n] = 0;
    return n;
}

static void encode(const char *seq, size_t n, const char *st, mrl_hairpin_t *h)
{
    if (mrl_encode_hairpin(seq, n, st, h) != 0) {
        fprintf(stderr, "encode: %s\n", mrl_errmsg());
        exit(2);
    }
}

static int is_white_px(const uint8_t *rgb, int row, int col)
{
    const uint8_t *px = rgb + ((size_t)row * MRL_IMG_W + (size_t)col) * 3;
    return px[0] == 255 && px[1] == 255 && px[2] == 255;
}

static int same_px(const uint8_t *a, const uint8_t *b, int row, int col)
{
    size_t o = ((size_t)row * MRL_IMG_W + (size_t)col) * 3;
    return memcmp(a + o, b + o, 3) == 0;
}

static const uint8_t *colour_of(char ch)
{
    static const uint8_t tab[5][3] = {
        {255, 255, 0}, {0, 0, 255}, {255, 0, 0}, {0, 255, 0}, {0, 0, 0}};
    switch (ch) {
    case 'A':
    case 'a':
        return tab[0];
    case 'C':
    case 'c':
        return tab[1];
    case 'G':
    case 'g':
        return tab[2];
    case 'U':
    case 'u':
    case 'T':
    case 't':
        return tab[3];
    default:
        return tab[4];
    }
}

/* The pixel map itself: every bar pixel of a position is drawn in its letter's colour;
 * every other non-white pixel lies in a gap bar (pos -1); white pixels map to -1. */
static int map_errors(const mrl_hairpin_t *h, const char *seq)
{
    int bad = 0;
    for (int row = 0; row < MRL_IMG_H; row++)
        for (int col = 0; col < MRL_IMG_W; col++) {
            int p = mrl_encode_pixel_pos(h, row, col);
            const uint8_t *px = h->rgb + ((size_t)row * MRL_IMG_W + (size_t)col) * 3;
            if (p >= 0) {
                bad += memcmp(px, colour_of(seq[p]), 3) != 0;
            } else if (!is_white_px(h->rgb, row, col)) {
                int top = row <= MRL_IMG_TOP_ROW;
                int in_bar = top ? row > MRL_IMG_TOP_ROW - h->top_px[col]
                                 : row <= MRL_IMG_TOP_ROW + h->bot_px[col];
                int gap = (top ? h->pos5[col] : h->pos3[col]) < 0;
                bad += !(col < h->used && in_bar && gap && px[0] == 0 && px[1] == 0 && px[2] == 0);
            }
        }
    return bad;
}

/* White masking against the pixel map: a pixel is white iff mrl_encode_pixel_pos gives it
 * to a masked position, else it is untouched. Returns the number of pixels that break this. */
static int white_errors(const mrl_hairpin_t *h, const uint8_t *mask, const uint8_t *img,
                        int *erased)
{
    int bad = 0;
    *erased = 0;
    for (int row = 0; row < MRL_IMG_H; row++)
        for (int col = 0; col < MRL_IMG_W; col++) {
            int p = mrl_encode_pixel_pos(h, row, col);
            if (p >= 0 && mask[p]) {
                bad += !is_white_px(img, row, col) || is_white_px(h->rgb, row, col);
                ++*erased;
            } else {
                bad += !same_px(img, h->rgb, row, col);
            }
        }
    return bad;
}

static void check_masks_on(const char *name, const char *seq, size_t n, const char *st)
{
    mrl_hairpin_t h, ref;
    encode(seq, n, st, &h);
    uint8_t *mask = calloc(n, 1), *img = malloc(MRL_IMG_BYTES);
    char *s2 = malloc(n);
    int bad_map = map_errors(&h, seq), bad_white = 0, bad_n = 0, erased, total = 0;
    /* nothing masked: the original, byte for byte, in both modes */
    CHECK(mrl_encode_masked(&h, NULL, NULL, n, mask, MRL_MASK_WHITE, img) == 0);
    CHECK(memcmp(img, h.rgb, MRL_IMG_BYTES) == 0);
    CHECK(mrl_encode_masked(&h, seq, st, n, mask, MRL_MASK_N, img) == 0);
    CHECK(memcmp(img, h.rgb, MRL_IMG_BYTES) == 0);
    /* every position alone, then random subsets */
    mrl_rng_t r;
    mrl_rng_init(&r, 42, n);
    for (size_t t = 0; t < n + 12; t++) {
        memset(mask, 0, n);
        if (t < n)
            mask[t] = 1;
        else
            for (size_t p = 0; p < n; p++)
                mask[p] = mrl_rng_uniform(&r) < (t % 2 ? 0.2f : 0.6f);
        CHECK(mrl_encode_masked(&h, NULL, NULL, n, mask, MRL_MASK_WHITE, img) == 0);
        bad_white += white_errors(&h, mask, img, &erased);
        total += erased;
        for (size_t p = 0; p < n; p++)
            s2[p] = mask[p] ? 'N' : seq[p];
        encode(s2, n, st, &ref);
        CHECK(mrl_encode_masked(&h, seq, st, n, mask, MRL_MASK_N, img) == 0);
        bad_n += memcmp(img, ref.rgb, MRL_IMG_BYTES) != 0;
    }
    fprintf(stderr, "  %s: %d columns, %d pixels erased over %zu masks\n", name, h.used, total,
            n + 12);
    CHECK_INT(bad_map, 0);
    CHECK_INT(bad_white, 0);
    CHECK_INT(bad_n, 0);
    CHECK(total > 0);
    free(mask), free(img), free(s2);
}

static void test_mask_pixels(void)
{
    for (int i = 0; i < NCASES; i++) {
        size_t n = strlen(cases[i].seq);
        CHECK_INT(strlen(cases[i].st), n);
        check_masks_on(cases[i].name, cases[i].seq, n, cases[i].st);
    }
    size_t n = make_long();
    check_masks_on("130-pair stem (135 columns)", long_seq, n, long_st);
    check_masks_on("lower case and T", "ggcuagcuaggauccgaaaggauccuagcuagcc", 34, cases[0].st);
    check_masks_on("T for U", "GGCTAGCTAGGATCCGAAAGGATCCTAGCTAGCC", 34, cases[0].st);
}

/* A loop base is drawn twice (top of one column, bottom of its mirror): masking it erases
 * both bars; positions no column shows (dropped by the walk, beyond column 99) change
 * nothing in either mode. */
static void test_mask_twice_and_undrawn(void)
{
    const hp_case_t *c = &cases[0];
    size_t n = strlen(c->seq);
    mrl_hairpin_t h;
    encode(c->seq, n, c->st, &h);
    uint8_t mask[64] = {0}, img[MRL_IMG_BYTES];
    int p = h.pos5[0], c5 = 0, c3 = -1;
    for (int k = 0; k < h.used; k++)
        c3 = h.pos3[k] == p ? k : c3;
    CHECK(p >= 12 && p < 18); /* a loop base */
    CHECK(c3 >= 0);
    mask[p] = 1;
    CHECK(mrl_encode_masked(&h, NULL, NULL, n, mask, MRL_MASK_WHITE, img) == 0);
    int changed = 0, top = 0, bot = 0;
    for (int col = 0; col < MRL_IMG_W; col++)
        for (int row = 0; row < MRL_IMG_H; row++)
            if (!same_px(img, h.rgb, row, col)) {
                changed += col != c5 && col != c3;
                top += col == c5 && row <= MRL_IMG_TOP_ROW;
                bot += col == c3 && row > MRL_IMG_TOP_ROW;
            }
    CHECK_INT(changed, 0);
    CHECK_INT(top, h.top_px[c5]);
    CHECK_INT(bot, h.bot_px[c3]);

    /* the cloverleaf's walk leaves 9 positions of the 3' strand unvisited; those of them
     * that are also on the 5' strand (the chosen loop) are still drawn there */
    const hp_case_t *cl = &cases[2];
    n = strlen(cl->seq);
    encode(cl->seq, n, cl->st, &h);
    CHECK_INT(h.dropped3, 9);
    uint8_t m2[128] = {0};
    int undrawn = 0, drawn5 = 0;
    for (int q = h.loop_open + 1; q < h.loop_open + 1 + h.dropped3; q++) {
        int seen = 0;
        for (int k = 0; k < h.used; k++)
            seen |= h.pos5[k] == q || h.pos3[k] == q;
        m2[q] = (uint8_t)!seen;
        undrawn += !seen, drawn5 += seen;
    }
    CHECK(undrawn >= 1);
    CHECK_INT(drawn5, h.loop_close - h.loop_open - 1);
    CHECK(mrl_encode_masked(&h, NULL, NULL, n, m2, MRL_MASK_WHITE, img) == 0);
    CHECK(memcmp(img, h.rgb, MRL_IMG_BYTES) == 0);
    CHECK(mrl_encode_masked(&h, cl->seq, cl->st, n, m2, MRL_MASK_N, img) == 0);
    CHECK(memcmp(img, h.rgb, MRL_IMG_BYTES) == 0);

    /* the long stem: the outermost pairs lie beyond column 99 */
    n = make_long();
    encode(long_seq, n, long_st, &h);
    CHECK(h.ncols > MRL_IMG_W);
    CHECK_INT(h.used, MRL_IMG_W);
    uint8_t *m3 = calloc(n, 1);
    for (int q = 0; q < 20; q++)
        m3[q] = m3[n - 1 - (size_t)q] = 1;
    CHECK(mrl_encode_masked(&h, NULL, NULL, n, m3, MRL_MASK_WHITE, img) == 0);
    CHECK(memcmp(img, h.rgb, MRL_IMG_BYTES) == 0);
    CHECK(mrl_encode_masked(&h, long_seq, long_st, n, m3, MRL_MASK_N, img) == 0);
    CHECK(memcmp(img, h.rgb, MRL_IMG_BYTES) == 0);
    free(m3);
}

static void test_mask_errors(void)
{
    const hp_case_t *c = &cases[0];
    size_t n = strlen(c->seq);
    mrl_hairpin_t h;
    encode(c->seq, n, c->st, &h);
    uint8_t mask[64] = {0}, img[MRL_IMG_BYTES];
    mask[3] = 1;
    CHECK_INT(mrl_encode_masked(NULL, c->seq, c->st, n, mask, MRL_MASK_WHITE, img), MRL_ERR_ARG);
    CHECK_INT(mrl_encode_masked(&h, c->seq, c->st, n, NULL, MRL_MASK_WHITE, img), MRL_ERR_ARG);
    CHECK_INT(mrl_encode_masked(&h, c->seq, c->st, n, mask, MRL_MASK_WHITE, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_encode_masked(&h, c->seq, c->st, n, mask, 2, img), MRL_ERR_ARG);
    CHECK_INT(mrl_encode_masked(&h, c->seq, c->st, n, mask, -1, img), MRL_ERR_ARG);
    CHECK_INT(mrl_encode_masked(&h, NULL, c->st, n, mask, MRL_MASK_N, img), MRL_ERR_ARG);
    CHECK_INT(mrl_encode_masked(&h, c->seq, NULL, n, mask, MRL_MASK_N, img), MRL_ERR_ARG);
    /* a mask shorter than the positions the map shows */
    CHECK_INT(mrl_encode_masked(&h, c->seq, c->st, 20, mask, MRL_MASK_WHITE, img), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "20-letter") != NULL);
    /* a structure that h was not drawn from */
    const char *other = "(((((((((((((....)))))))))))))....";
    CHECK_INT(mrl_encode_masked(&h, c->seq, other, n, mask, MRL_MASK_N, img), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "not drawn") != NULL);
    CHECK_INT(mrl_encode_masked(&h, c->seq, "..................................", n, mask,
                                MRL_MASK_N, img),
              MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "no hairpin loop") != NULL);
}

/* ---- curves ---------------------------------------------------------------------- */

static void test_auc(void)
{
    const float a[] = {0, 1}, b[] = {1, 1, 1}, c[] = {0, 0.5f, 1, 0.5f, 0}, e[] = {1, 0, 0, 0};
    const float f[] = {0.25f, 0.75f, 0.5f};
    CHECK_CLOSE(mrl_curve_auc(a, 1), 0.5, 1e-12, 0);
    CHECK_CLOSE(mrl_curve_auc(b, 2), 1.0, 1e-12, 0);
    CHECK_CLOSE(mrl_curve_auc(c, 4), 0.5, 1e-12, 0);
    CHECK_CLOSE(mrl_curve_auc(e, 3), 1.0 / 6, 1e-12, 0);
    CHECK_CLOSE(mrl_curve_auc(f, 2), (0.5 + 0.625) / 2, 1e-12, 0); /* 0.5625 */
    CHECK(isnan(mrl_curve_auc(a, 0)));
    CHECK(isnan(mrl_curve_auc(NULL, 1)));
    const float g[] = {1, NAN};
    CHECK(isnan(mrl_curve_auc(g, 1)));
}

static mrl_arch_t arch(int nl, const mrl_layer_spec_t *L)
{
    mrl_arch_t a;
    memset(&a, 0, sizeof a);
    a.in_c = 3, a.in_h = MRL_IMG_H, a.in_w = MRL_IMG_W, a.n_layers = nl;
    for (int i = 0; i < 3; i++) /* white -> 0, a colour channel at 0 -> -1 */
        a.in_scale[i] = 1.0f / 255.0f, a.in_shift[i] = -1.0f;
    memcpy(a.layer, L, (size_t)nl * sizeof *L);
    return a;
}

static mrl_nn_t *ctx(mrl_model_t *m, int threads)
{
    return test_nn_ctx(m, threads);
}

/* The linear network: logit0 = 0, logit1 = B1 + sum_{pixel, channel} w[pixel] x, with w
 * non-zero (negative: a coloured bar raises the logit) in a few columns only. */
#define B1 (-2.0)
static float lin_w[PLANE];

static double lin_logit(const uint8_t *rgb)
{
    double s = B1;
    for (int q = 0; q < PLANE; q++)
        for (int c = 0; c < 3; c++)
            s += (double)lin_w[q] * ((double)rgb[3 * q + c] / 255.0 - 1.0);
    return s;
}

static double lin_prob(const uint8_t *rgb)
{
    return 1.0 / (1.0 + exp(-lin_logit(rgb)));
}

static mrl_model_t *linear_model(const mrl_hairpin_t *h)
{
    static const int cols[4] = {2, 13, 21, 40};
    static const float gain[4] = {1, 2, 0.5f, 1.5f};
    memset(lin_w, 0, sizeof lin_w);
    for (int i = 0; i < 4; i++)
        for (int r = 0; r < MRL_IMG_H; r++)
            lin_w[r * MRL_IMG_W + cols[i]] = -gain[i];
    double full = lin_logit(h->rgb) - B1; /* scale so that the full image has logit +2 */
    for (int q = 0; q < PLANE; q++)
        lin_w[q] = (float)((double)lin_w[q] * 4.0 / full);
    mrl_layer_spec_t L[] = {{MRL_LAYER_FLATTEN, 0, 0, 0, 0}, {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    mrl_arch_t a = arch(2, L);
    mrl_model_t *m = NULL;
    CHECK(mrl_model_new(&m, &a, 1) == 0);
    float *p = mrl_model_params(m);
    size_t wo, wn, bo, bn;
    CHECK(mrl_model_layer_params(m, 1, &wo, &wn, &bo, &bn) == 0);
    memset(p + wo, 0, wn * sizeof(float));
    for (int c = 0; c < 3; c++)
        for (int q = 0; q < PLANE; q++)
            p[wo + D + (size_t)c * PLANE + (size_t)q] = lin_w[q];
    p[bo] = 0, p[bo + 1] = (float)B1;
    mrl_model_touch(m);
    return m;
}

/* True attributions of the linear network: each position's exact share w . (x - white)
 * over its bars (what erasing it takes away). */
static void lin_attr(const mrl_hairpin_t *h, size_t n, float *attr)
{
    for (size_t p = 0; p < n; p++)
        attr[p] = 0;
    for (int row = 0; row < MRL_IMG_H; row++)
        for (int col = 0; col < MRL_IMG_W; col++) {
            int p = mrl_encode_pixel_pos(h, row, col), q = row * MRL_IMG_W + col;
            for (int c = 0; p >= 0 && c < 3; c++)
                attr[p] += lin_w[q] * ((float)h->rgb[3 * q + c] / 255.0f - 1.0f);
        }
}

/* Drawn positions, ascending, and the attribution ordering, computed the slow way. */
static int drawn_positions(const mrl_hairpin_t *h, size_t n, int *drawn)
{
    int nd = 0;
    for (size_t p = 0; p < n; p++) {
        int seen = 0;
        for (int c = 0; c < h->used; c++)
            seen |= h->pos5[c] == (int)p || h->pos3[c] == (int)p;
        if (seen)
            drawn[nd++] = (int)p;
    }
    return nd;
}

static void attr_order(const int *drawn, int nd, const float *attr, int *ord)
{
    memcpy(ord, drawn, (size_t)nd * sizeof *ord);
    for (int i = 0; i < nd; i++) /* selection sort: highest first, lower position on ties */
        for (int j = i + 1; j < nd; j++)
            if (attr[ord[j]] > attr[ord[i]] || (attr[ord[j]] == attr[ord[i]] && ord[j] < ord[i])) {
                int t = ord[i];
                ord[i] = ord[j], ord[j] = t;
            }
}

/* The expected curve of one ordering, point by point, from masked images and the network
 * evaluated by hand in double. */
static void expected_curve(const mrl_hairpin_t *h, const char *seq, const char *st, size_t n,
                           const int *ord, int nd, int steps, int mode, int ins, double *y)
{
    uint8_t *mask = malloc(n), img[MRL_IMG_BYTES];
    for (int k = 0; k <= steps; k++) {
        int cnt = (int)lround((double)k * nd / steps);
        memset(mask, 0, n);
        for (int i = 0; i < nd; i++)
            mask[ord[i]] = (uint8_t)((i < cnt) != ins);
        CHECK(mrl_encode_masked(h, seq, st, n, mask, mode, img) == 0);
        y[k] = lin_prob(img);
    }
    free(mask);
}

/* Fisher-Yates shuffles of the ascending drawn positions from PCG32(seed, index), one
 * after the other: the documented random orderings. */
static void random_orders(const int *drawn, int nd, int nr, uint64_t seed, long index, int *ord)
{
    mrl_rng_t r;
    mrl_rng_init(&r, seed, (uint64_t)index);
    for (int j = 0; j < nr; j++) {
        int *o = ord + (size_t)j * (size_t)nd;
        memcpy(o, drawn, (size_t)nd * sizeof *o);
        for (int i = nd - 1; i > 0; i--) {
            int s = (int)mrl_rng_below(&r, (uint32_t)i + 1), t = o[i];
            o[i] = o[s], o[s] = t;
        }
    }
}

static double worst_diff(const float *got, const double *want, int len)
{
    double w = 0;
    for (int k = 0; k < len; k++)
        w = fmax(w, fabs((double)got[k] - want[k]));
    return w;
}

static void test_curves_linear(int mode)
{
    const hp_case_t *c = &cases[1];
    size_t n = strlen(c->seq);
    mrl_hairpin_t h;
    encode(c->seq, n, c->st, &h);
    mrl_model_t *m = linear_model(&h);
    mrl_nn_t *nn = ctx(m, 1);
    float *attr = malloc(n * sizeof *attr);
    lin_attr(&h, n, attr);
    mrl_faith_opts_t o;
    mrl_faith_opts_default(&o);
    o.mask = mode;
    o.steps = 16;
    o.n_random = 6;
    o.batch = 37; /* not a divisor of the image count */
    const int S1 = o.steps + 1;
    float *cv = malloc(4 * (size_t)S1 * sizeof *cv);
    double auc[4];
    long index = 5;
    CHECK(mrl_faith_curves(nn, m, &h, c->seq, c->st, n, attr, index, &o, cv, auc) == 0);

    int drawn[128], ord[128], nd = drawn_positions(&h, n, drawn);
    int *rord = malloc((size_t)o.n_random * (size_t)nd * sizeof *rord);
    double want[4][64], tmp[64];
    attr_order(drawn, nd, attr, ord);
    for (int ins = 0; ins < 2; ins++) {
        expected_curve(&h, c->seq, c->st, n, ord, nd, o.steps, mode, ins, want[ins]);
        random_orders(drawn, nd, o.n_random, o.seed, index, rord);
        for (int k = 0; k < S1; k++)
            want[2 + ins][k] = 0;
        for (int j = 0; j < o.n_random; j++) {
            expected_curve(&h, c->seq, c->st, n, rord + (size_t)j * (size_t)nd, nd, o.steps, mode,
                           ins, tmp);
            for (int k = 0; k < S1; k++)
                want[2 + ins][k] += tmp[k] / o.n_random;
        }
    }
    double worst = 0;
    for (int r = 0; r < 4; r++) {
        worst = fmax(worst, worst_diff(cv + r * S1, want[r], S1));
        CHECK_CLOSE(auc[r], mrl_curve_auc(cv + r * S1, o.steps), 1e-12, 0);
    }
    fprintf(stderr,
            "  %s masking, %d drawn: AUC deletion %.4f (random %.4f), insertion %.4f (random "
            "%.4f); worst point error %.2g\n",
            mode == MRL_MASK_WHITE ? "white" : "N", nd, auc[0], auc[2], auc[1], auc[3], worst);
    CHECK(worst < 2e-5);

    /* the ends: the unmasked image at deletion 0 / insertion end, all masked at the others */
    uint8_t *mask = calloc(n, 1), img[MRL_IMG_BYTES];
    float x[D], pr[2];
    mrl_model_normalize(m, h.rgb, 1, x);
    CHECK(mrl_nn_predict(nn, x, 1, pr) == 0);
    CHECK_CLOSE(cv[0], pr[1], 1e-6, 0);
    CHECK_CLOSE(cv[S1 + o.steps], pr[1], 1e-6, 0);
    CHECK_CLOSE(cv[2 * S1], pr[1], 1e-6, 0);
    CHECK_CLOSE(cv[3 * S1 + o.steps], pr[1], 1e-6, 0);
    for (int i = 0; i < nd; i++)
        mask[drawn[i]] = 1;
    CHECK(mrl_encode_masked(&h, c->seq, c->st, n, mask, mode, img) == 0);
    mrl_model_normalize(m, img, 1, x);
    CHECK(mrl_nn_predict(nn, x, 1, pr) == 0);
    CHECK_CLOSE(cv[o.steps], cv[S1], 1e-6, 0);
    CHECK_CLOSE(cv[o.steps], pr[1], 1e-6, 0);
    CHECK_CLOSE(cv[2 * S1 + o.steps], pr[1], 1e-6, 0);
    CHECK_CLOSE(cv[3 * S1], pr[1], 1e-6, 0);
    if (mode == MRL_MASK_WHITE) {
        /* all masked: only the black gap bars are left */
        int left = 0, gaps = 0, bad = 0;
        for (int row = 0; row < MRL_IMG_H; row++)
            for (int col = 0; col < MRL_IMG_W; col++) {
                int white = is_white_px(img, row, col), pos = mrl_encode_pixel_pos(&h, row, col);
                left += !white;
                gaps += !is_white_px(h.rgb, row, col) && pos < 0;
                bad += !white && pos >= 0;
            }
        CHECK(gaps > 0);
        CHECK_INT(left, gaps);
        CHECK_INT(bad, 0);
        CHECK_CLOSE(cv[o.steps], lin_prob(img), 1e-5, 0);
        CHECK_CLOSE(cv[0], 1 / (1 + exp(-2.0)), 1e-5, 0);
        /* the true ordering is faithful: deletion falls faster, insertion rises faster */
        CHECK(auc[0] < auc[2] - 0.1);
        CHECK(auc[1] > auc[3] + 0.1);
        int mono = 1;
        for (int k = 0; k < o.steps; k++)
            mono &= cv[k + 1] <= cv[k] + 1e-6f && cv[2 * S1 + k + 1] <= cv[2 * S1 + k] + 1e-6f;
        CHECK(mono);
    }
    /* equal attributions: ties go to the lower position, i.e. 5' to 3' */
    for (size_t p = 0; p < n; p++)
        attr[p] = 0.5f;
    CHECK(mrl_faith_curves(nn, m, &h, c->seq, c->st, n, attr, index, &o, cv, NULL) == 0);
    for (int ins = 0; ins < 2; ins++) {
        expected_curve(&h, c->seq, c->st, n, drawn, nd, o.steps, mode, ins, want[ins]);
        CHECK(worst_diff(cv + ins * S1, want[ins], S1) < 2e-5);
    }
    free(mask), free(rord), free(cv), free(attr);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

/* A small CNN: the same seed gives the same curves bit for bit with 1 or 2 threads, the
 * batch size changes nothing beyond rounding, another seed or index changes only the random
 * rows, and n_random = 0 gives NaN rows. */
/* conv(4, 3x3 same) relu maxpool2 flatten dense2 on the full image, seeded. */
static mrl_model_t *small_cnn(uint64_t seed)
{
    mrl_layer_spec_t L[] = {{MRL_LAYER_CONV, 4, 3, 1, 0},
                            {MRL_LAYER_RELU, 0, 0, 0, 0},
                            {MRL_LAYER_MAXPOOL, 0, 2, 0, 0},
                            {MRL_LAYER_FLATTEN, 0, 0, 0, 0},
                            {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    mrl_arch_t a = arch(5, L);
    mrl_model_t *m = NULL;
    CHECK(mrl_model_new(&m, &a, seed) == 0);
    return m;
}

static void test_determinism(void)
{
    mrl_model_t *m = small_cnn(7);
    float *p = mrl_model_params(m);
    for (size_t i = 0; i < mrl_model_nparams(m); i++)
        p[i] *= 3;
    mrl_model_touch(m);
    mrl_nn_t *nn1 = ctx(m, 1), *nn2 = ctx(m, 2);
    const hp_case_t *c = &cases[3];
    size_t n = strlen(c->seq);
    mrl_hairpin_t h;
    encode(c->seq, n, c->st, &h);
    float *attr = malloc(n * sizeof *attr);
    mrl_rng_t r;
    mrl_rng_init(&r, 1, 1);
    for (size_t i = 0; i < n; i++)
        attr[i] = (float)(mrl_rng_below(&r, 5)); /* many ties */
    mrl_faith_opts_t o;
    mrl_faith_opts_default(&o);
    const size_t S1 = (size_t)o.steps + 1, len = 4 * S1;
    float *c1 = malloc(len * sizeof *c1), *c2 = malloc(len * sizeof *c2);
    float *c3 = malloc(len * sizeof *c3);
    double a1[4], a2[4];
    CHECK(mrl_faith_curves(nn1, m, &h, c->seq, c->st, n, attr, 3, &o, c1, a1) == 0);
    CHECK(mrl_faith_curves(nn2, m, &h, c->seq, c->st, n, attr, 3, &o, c2, a2) == 0);
    CHECK(memcmp(c1, c2, len * sizeof *c1) == 0);
    CHECK(memcmp(a1, a2, sizeof a1) == 0);
    CHECK(mrl_faith_curves(nn2, m, &h, c->seq, c->st, n, attr, 3, NULL, c3, NULL) == 0);
    CHECK(memcmp(c1, c3, len * sizeof *c1) == 0); /* NULL options = the defaults */
    int finite = 1;
    for (size_t k = 0; k < len; k++)
        finite &= c1[k] >= 0 && c1[k] <= 1;
    CHECK(finite);
    float x[D], pr[2];
    mrl_model_normalize(m, h.rgb, 1, x);
    CHECK(mrl_nn_predict(nn1, x, 1, pr) == 0);
    CHECK_CLOSE(c1[0], pr[1], 1e-6, 1e-5);
    CHECK_CLOSE(c1[S1 + S1 - 1], pr[1], 1e-6, 1e-5);
    CHECK_CLOSE(c1[S1 - 1], c1[S1], 1e-6, 1e-5);

    o.batch = 1;
    CHECK(mrl_faith_curves(nn1, m, &h, c->seq, c->st, n, attr, 3, &o, c3, NULL) == 0);
    double worst = 0;
    for (size_t k = 0; k < len; k++)
        worst = fmax(worst, fabs((double)c3[k] - (double)c1[k]));
    CHECK(worst < 1e-5);
    o.batch = 128;

    o.seed = 2;
    CHECK(mrl_faith_curves(nn1, m, &h, c->seq, c->st, n, attr, 3, &o, c3, NULL) == 0);
    CHECK(memcmp(c1, c3, 2 * S1 * sizeof *c1) == 0);
    CHECK(memcmp(c1 + 2 * S1, c3 + 2 * S1, 2 * S1 * sizeof *c1) != 0);
    o.seed = 1;
    CHECK(mrl_faith_curves(nn1, m, &h, c->seq, c->st, n, attr, 4, &o, c3, NULL) == 0);
    CHECK(memcmp(c1 + 2 * S1, c3 + 2 * S1, 2 * S1 * sizeof *c1) != 0);

    o.n_random = 0;
    CHECK(mrl_faith_curves(nn1, m, &h, c->seq, c->st, n, attr, 3, &o, c3, a2) == 0);
    CHECK(memcmp(c1, c3, 2 * S1 * sizeof *c1) == 0);
    int nans = 0;
    for (size_t k = 2 * S1; k < len; k++)
        nans += isnan(c3[k]) != 0;
    CHECK_INT(nans, 2 * S1);
    CHECK(isnan(a2[2]) && isnan(a2[3]));
    CHECK(a2[0] == a1[0] && a2[1] == a1[1]);

    o.mask = MRL_MASK_N;
    o.n_random = 2;
    CHECK(mrl_faith_curves(nn1, m, &h, c->seq, c->st, n, attr, 3, &o, c2, NULL) == 0);
    CHECK(mrl_faith_curves(nn2, m, &h, c->seq, c->st, n, attr, 3, &o, c3, NULL) == 0);
    CHECK(memcmp(c2, c3, len * sizeof *c2) == 0);
    CHECK_CLOSE(c2[0], c1[0], 1e-6, 1e-5); /* nothing masked: the same image in both modes */
    free(c1), free(c2), free(c3), free(attr);
    mrl_nn_free(nn1);
    mrl_nn_free(nn2);
    mrl_model_free(m);
}

static void test_curve_errors(void)
{
    const hp_case_t *c = &cases[0];
    size_t n = strlen(c->seq);
    mrl_hairpin_t h;
    encode(c->seq, n, c->st, &h);
    mrl_model_t *m = linear_model(&h);
    mrl_nn_t *nn = ctx(m, 1);
    float attr[64] = {0}, cv[4 * 64];
    mrl_faith_opts_t o;
    mrl_faith_opts_default(&o);
    CHECK_INT(o.steps, 20);
    CHECK_INT(o.mask, MRL_MASK_WHITE);
    CHECK_INT(o.n_random, 8);
    CHECK_INT(o.target, 1);
    CHECK_INT(o.batch, 128);
    CHECK(o.seed == 1);
    const char *s = c->seq, *st = c->st;
    CHECK_INT(mrl_faith_curves(NULL, m, &h, s, st, n, attr, 0, &o, cv, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_faith_curves(nn, NULL, &h, s, st, n, attr, 0, &o, cv, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_faith_curves(nn, m, NULL, s, st, n, attr, 0, &o, cv, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, n, NULL, 0, &o, cv, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, n, attr, 0, &o, NULL, NULL), MRL_ERR_ARG);
    mrl_faith_opts_t b = o;
    b.steps = 0;
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, n, attr, 0, &b, cv, NULL), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "steps") != NULL);
    b.steps = -3;
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, n, attr, 0, &b, cv, NULL), MRL_ERR_ARG);
    b = o, b.n_random = -1;
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, n, attr, 0, &b, cv, NULL), MRL_ERR_ARG);
    b = o, b.batch = 0;
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, n, attr, 0, &b, cv, NULL), MRL_ERR_ARG);
    b = o, b.mask = 9;
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, n, attr, 0, &b, cv, NULL), MRL_ERR_ARG);
    b = o, b.target = 2;
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, n, attr, 0, &b, cv, NULL), MRL_ERR_ARG);
    b.target = -1;
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, n, attr, 0, &b, cv, NULL), MRL_ERR_ARG);
    b = o, b.mask = MRL_MASK_N;
    CHECK_INT(mrl_faith_curves(nn, m, &h, NULL, st, n, attr, 0, &b, cv, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, NULL, n, attr, 0, &b, cv, NULL), MRL_ERR_ARG);
    /* white masking needs only the hairpin */
    CHECK_INT(mrl_faith_curves(nn, m, &h, NULL, NULL, n, attr, 0, &o, cv, NULL), 0);
    /* a map that does not fit the sequence length */
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, 10, attr, 0, &o, cv, NULL), MRL_ERR_ARG);
    /* a NaN attribution of a drawn position */
    attr[5] = NAN;
    CHECK_INT(mrl_faith_curves(nn, m, &h, s, st, n, attr, 0, &o, cv, NULL), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "NaN") != NULL);
    attr[5] = 0;
    /* nothing drawn: the blank map of a refused hairpin */
    mrl_hairpin_t blank;
    CHECK_INT(mrl_encode_hairpin(s, n, "..................................", &blank),
              MRL_ERR_REFUSED);
    CHECK_INT(mrl_faith_curves(nn, m, &blank, s, st, n, attr, 0, &o, cv, NULL), MRL_ERR_ARG);
    CHECK(strstr(mrl_errmsg(), "no nucleotide") != NULL);
    /* a model that does not take hairpin images */
    mrl_layer_spec_t L[] = {{MRL_LAYER_FLATTEN, 0, 0, 0, 0}, {MRL_LAYER_DENSE, 2, 0, 0, 0}};
    mrl_arch_t a = arch(2, L);
    a.in_w = 50;
    mrl_model_t *m2 = NULL;
    CHECK(mrl_model_new(&m2, &a, 1) == 0);
    mrl_nn_t *nn2 = ctx(m2, 1);
    CHECK_INT(mrl_faith_curves(nn2, m2, &h, s, st, n, attr, 0, &o, cv, NULL), MRL_ERR_ARG);
    mrl_nn_free(nn2);
    mrl_model_free(m2);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

/* mrl_faith_hairpin = the map read out per nucleotide (|value| for a method that is not a
 * contribution), then mrl_faith_curves; mrl_faith_sum_add sums by hand. */
static void test_hairpin_and_sums(void)
{
    mrl_model_t *m = small_cnn(5);
    mrl_nn_t *nn = ctx(m, 1);
    const hp_case_t *c = &cases[3];
    size_t n = strlen(c->seq);
    mrl_hairpin_t h;
    encode(c->seq, n, c->st, &h);
    float map2d[PLANE], *attr = malloc(n * sizeof *attr);
    mrl_rng_t r;
    mrl_rng_init(&r, 3, 3);
    for (int i = 0; i < PLANE; i++)
        map2d[i] = mrl_rng_normal(&r); /* signed: |.| changes the order */
    mrl_faith_opts_t o;
    mrl_faith_opts_default(&o);
    o.steps = 4, o.n_random = 2;
    const size_t len = 4 * (size_t)(o.steps + 1);
    float got[4 * 5], want[4 * 5];
    double ag[4], aw[4];
    static const int methods[2] = {MRL_EXPLAIN_IG, MRL_EXPLAIN_GRADIENT};
    for (int k = 0; k < 2; k++) {
        CHECK(mrl_faith_hairpin(nn, m, &h, c->seq, c->st, n, methods[k], map2d, 7, &o, got, ag) ==
              0);
        mrl_explain_nucleotides(&h, map2d, n, attr, NULL);
        for (size_t p = 0; k == 1 && p < n; p++)
            attr[p] = fabsf(attr[p]);
        CHECK(mrl_faith_curves(nn, m, &h, c->seq, c->st, n, attr, 7, &o, want, aw) == 0);
        CHECK(memcmp(got, want, len * sizeof *got) == 0);
        CHECK(memcmp(ag, aw, sizeof ag) == 0);
    }

    mrl_faith_sum_t fs;
    CHECK_INT(mrl_faith_sum_init(&fs, 2, 0), MRL_ERR_ARG);
    CHECK(mrl_faith_sum_init(&fs, 2, 4) == 0);
    float c1[4 * 5], c2[4 * 5];
    for (size_t k = 0; k < len; k++)
        c1[k] = (float)k, c2[k] = 0.5f;
    const double a1[4] = {1, 2, 3, 4}, a2[4] = {0.25, 0.25, 0.25, 0.25};
    mrl_faith_sum_add(&fs, 1, 1, c1, a1);
    mrl_faith_sum_add(&fs, 1, 0, c2, a2);
    CHECK(fs.count[0] == 0 && fs.count[1] == 0 && fs.count[2] == 2 && fs.count[3] == 1);
    int bad = 0;
    for (size_t k = 0; k < len; k++) {
        bad += fs.curve[k] != 0;                          /* method 0 untouched */
        bad += fs.curve[2 * len + k] != (double)k + 0.5;  /* method 1, all */
        bad += fs.curve[3 * len + k] != (double)k;        /* method 1, called */
    }
    CHECK_INT(bad, 0);
    CHECK(fs.auc[8] == 1.25 && fs.auc[11] == 4.25 && fs.auc[12] == 1 && fs.auc[15] == 4);
    mrl_faith_sum_release(&fs);
    CHECK(fs.curve == NULL && fs.n_methods == 0);
    free(attr);
    mrl_nn_free(nn);
    mrl_model_free(m);
}

int main(void)
{
    test_auc();
    test_mask_pixels();
    test_mask_twice_and_undrawn();
    test_mask_errors();
    test_curves_linear(MRL_MASK_WHITE);
    test_curves_linear(MRL_MASK_N);
    test_determinism();
    test_curve_errors();
    test_hairpin_and_sums();
    return test_summary("test_faithful");
}
