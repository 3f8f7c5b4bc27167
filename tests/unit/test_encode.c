/*
 * test_encode.c - hand-worked cases of the hairpin-image encoder (docs/hairpin-image.md):
 * loop choice, the two-strand walk (mirrored loop, gaps, dropped strand rests), bar lengths
 * and colours, the column map and pixel map, refusals, the CHW tensor.
 */
#include <ctype.h>
#include <stdint.h>
#include "mirlens.h"
#include "encode/encode.h"
#include "test.h"

static const uint8_t WHITE[3] = {255, 255, 255}, BLACK[3] = {0, 0, 0};
static const uint8_t YELLOW[3] = {255, 255, 0}, BLUE[3] = {0, 0, 255};
static const uint8_t RED[3] = {255, 0, 0}, GREEN[3] = {0, 255, 0};

static const uint8_t *px(const mrl_hairpin_t *h, int row, int col)
{
    return h->rgb + ((size_t)row * MRL_IMG_W + (size_t)col) * 3;
}

static int is(const uint8_t *a, const uint8_t *b)
{
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
}

/* Column col: rows top0..12 have colour ct, rows 13..bot1 colour cb, everything else white. */
static int column_is(const mrl_hairpin_t *h, int col, int top0, const uint8_t *ct, int bot1,
                     const uint8_t *cb)
{
    for (int r = 0; r < MRL_IMG_H; r++) {
        const uint8_t *want = WHITE;
        if (r >= top0 && r <= 12)
            want = ct;
        else if (r >= 13 && r <= bot1)
            want = cb;
        if (!is(px(h, r, col), want)) {
            fprintf(stderr, "  column %d row %d differs\n", col, r);
            return 0;
        }
    }
    return 1;
}

static void find(const char *fold, int want_found, size_t want_o, size_t want_k)
{
    size_t o = 999, k = 999;
    int found = enc_find_loop(fold, strlen(fold), &o, &k);
    CHECK_INT(found, want_found);
    if (found && want_found) {
        CHECK_INT(o, want_o);
        CHECK_INT(k, want_k);
    }
}

static void test_loop_choice(void)
{
    find("((...))", 1, 1, 5);
    find("(.)", 1, 0, 2);                  /* L = 1 is accepted */
    find("(...)(...)", 1, 0, 4);           /* distances 0 and 0: leftmost wins the tie */
    find("(...)....(...).....", 1, 9, 13); /* mid 9: distances 4 and 0 */
    find("(.(...)", 1, 2, 6);              /* "(." then "(" is no candidate */
    find("((...", 0, 0, 0);
    find("...)", 0, 0, 0);
    find("()", 0, 0, 0);
    find(".....", 0, 0, 0);
    find("", 0, 0, 0);
}

static void test_pair_len(void)
{
    /* enc_pair_len(bottom, top) */
    CHECK_INT(enc_pair_len('C', 'G'), 1);
    CHECK_INT(enc_pair_len('G', 'C'), 1);
    CHECK_INT(enc_pair_len('A', 'U'), 2);
    CHECK_INT(enc_pair_len('U', 'A'), 2);
    CHECK_INT(enc_pair_len('G', 'U'), 3);
    CHECK_INT(enc_pair_len('U', 'G'), 3);
    CHECK_INT(enc_pair_len('a', 'u'), 2);
    CHECK_INT(enc_pair_len('t', 'a'), 2);
    CHECK_INT(enc_pair_len('T', 'g'), 3);
    CHECK_INT(enc_pair_len('A', 'A'), 4);
    CHECK_INT(enc_pair_len('C', 'U'), 4);
    CHECK_INT(enc_pair_len('A', 'N'), 4);
    CHECK_INT(enc_pair_len('N', 'A'), 4);
    CHECK_INT(enc_pair_len('G', '-'), 1);
    CHECK_INT(enc_pair_len('-', 'G'), 1);
    CHECK_INT(enc_pair_len('-', 'N'), 1); /* top N facing a gap: 1 */
    CHECK_INT(enc_pair_len('N', '-'), 4); /* bottom N facing a gap: 4 (quirk 13.3) */
    CHECK_INT(enc_pair_len('@', '-'), 4);
}

static void test_run_extra(void)
{
    /* run starting at column 0 (l = -1): a tent, N = r */
    CHECK_INT(enc_run_extra(0, -1, 3), 2);
    CHECK_INT(enc_run_extra(1, -1, 3), 4);
    CHECK_INT(enc_run_extra(2, -1, 3), 2);
    CHECK_INT(enc_run_extra(0, -1, 4), 2);
    CHECK_INT(enc_run_extra(1, -1, 4), 4);
    CHECK_INT(enc_run_extra(2, -1, 4), 4);
    CHECK_INT(enc_run_extra(3, -1, 4), 2);
    CHECK_INT(enc_run_extra(4, -1, 9), 10);
    /* other runs: N = l + r + 1 is too large, a ramp 2, 4, 6, ... */
    CHECK_INT(enc_run_extra(17, 16, 22), 2);
    CHECK_INT(enc_run_extra(21, 16, 22), 10);
    /* a long run close to column 0 turns down: l = 0, r = 10, N = 11, floor(N/2) = 5 */
    CHECK_INT(enc_run_extra(5, 0, 10), 10);
    CHECK_INT(enc_run_extra(6, 0, 10), 12);
    CHECK_INT(enc_run_extra(9, 0, 10), 6);
}

static void test_colours(void)
{
    CHECK(is(enc_colour('A'), YELLOW) && is(enc_colour('a'), YELLOW));
    CHECK(is(enc_colour('C'), BLUE) && is(enc_colour('c'), BLUE));
    CHECK(is(enc_colour('G'), RED) && is(enc_colour('g'), RED));
    CHECK(is(enc_colour('U'), GREEN) && is(enc_colour('u'), GREEN));
    CHECK(is(enc_colour('T'), GREEN) && is(enc_colour('t'), GREEN));
    CHECK(is(enc_colour('N'), BLACK) && is(enc_colour('-'), BLACK));
    CHECK(is(enc_colour('R'), BLACK) && is(enc_colour(' '), BLACK));
}

/* Every non-white pixel maps to a nucleotide of its colour, or is a black gap bar; every
 * white pixel maps to nothing; rows <= 12 map to pos5, rows >= 13 to pos3. */
static int map_consistent(const mrl_hairpin_t *h, const char *seq)
{
    for (int r = 0; r < MRL_IMG_H; r++)
        for (int c = 0; c < MRL_IMG_W; c++) {
            int p = mrl_encode_pixel_pos(h, r, c);
            const uint8_t *v = px(h, r, c);
            int32_t want = r <= 12 ? h->pos5[c] : h->pos3[c];
            if (is(v, WHITE)) {
                if (p != -1)
                    return 0;
            } else if (p < 0) {
                if (!is(v, BLACK) || want != -1 || c >= h->used)
                    return 0;
            } else if (p != want || !is(v, enc_colour(seq[p]))) {
                return 0;
            }
        }
    return 1;
}

static void test_stem_loop(void)
{
    /* n = 9, mid 4, loop o = 2, k = 6; walk (0,8) (1,7) (2,6) paired, (3,5) (4,4) (5,3)
     * unpaired; reversed: the loop A/A three times, then G-C x3. */
    const char *seq = "GGGAAACCC", *fold = "(((...)))";
    static mrl_hairpin_t h;
    CHECK_INT(mrl_encode_hairpin(seq, 9, fold, &h), 0);
    CHECK_INT(h.loop_open, 2);
    CHECK_INT(h.loop_close, 6);
    CHECK_INT(h.ncols, 6);
    CHECK_INT(h.used, 6);
    CHECK_INT(h.dropped5, 0);
    CHECK_INT(h.dropped3, 0);
    const int p5[6] = {5, 4, 3, 2, 1, 0}, p3[6] = {3, 4, 5, 6, 7, 8};
    for (int c = 0; c < 6; c++) {
        CHECK_INT(h.pos5[c], p5[c]);
        CHECK_INT(h.pos3[c], p3[c]);
        CHECK_INT(h.kind[c], c < 3 ? MRL_COL_UNPAIRED : MRL_COL_PAIRED);
    }
    CHECK_INT(h.kind[6], MRL_COL_NONE);
    CHECK_INT(h.pos5[6], -1);
    /* loop: b = 4 (A/A), tent extras 2,4,2: T = B = 6, 8, 6 */
    CHECK(column_is(&h, 0, 6, YELLOW, 19, YELLOW));
    CHECK(column_is(&h, 1, 4, YELLOW, 21, YELLOW));
    CHECK(column_is(&h, 2, 6, YELLOW, 19, YELLOW));
    /* G (top) - C (bottom): b = 1, two pixels each side */
    for (int c = 3; c < 6; c++)
        CHECK(column_is(&h, c, 11, RED, 14, BLUE));
    CHECK(column_is(&h, 6, 99, WHITE, 0, WHITE));
    CHECK(column_is(&h, 99, 99, WHITE, 0, WHITE));
    CHECK_INT(h.top_px[1], 9);
    CHECK_INT(h.bot_px[1], 9);
    CHECK_INT(h.top_px[3], 2);
    CHECK_INT(mrl_encode_pixel_pos(&h, 12, 0), 5);
    CHECK_INT(mrl_encode_pixel_pos(&h, 13, 0), 3);
    CHECK_INT(mrl_encode_pixel_pos(&h, 5, 0), -1);
    CHECK_INT(mrl_encode_pixel_pos(&h, 11, 3), 2);
    CHECK_INT(mrl_encode_pixel_pos(&h, 10, 3), -1);
    CHECK_INT(mrl_encode_pixel_pos(&h, 14, 5), 8);
    CHECK_INT(mrl_encode_pixel_pos(&h, 15, 5), -1);
    CHECK_INT(mrl_encode_pixel_pos(&h, 12, 6), -1);
    CHECK_INT(mrl_encode_pixel_pos(&h, -1, 0), -1);
    CHECK_INT(mrl_encode_pixel_pos(&h, 25, 0), -1);
    CHECK(map_consistent(&h, seq));

    /* case and T do not matter */
    static mrl_hairpin_t h2;
    CHECK_INT(mrl_encode_hairpin("gggaaaccc", 9, fold, &h2), 0);
    CHECK(memcmp(h.rgb, h2.rgb, sizeof h.rgb) == 0);
    CHECK_INT(mrl_encode_hairpin("GGGAAUCCC", 9, fold, &h), 0);
    CHECK_INT(mrl_encode_hairpin("GGGAATCCC", 9, fold, &h2), 0);
    CHECK(memcmp(h.rgb, h2.rgb, sizeof h.rgb) == 0);
}

static void test_bulge(void)
{
    /* A 5' bulge: o = 3, k = 7; walk (0,9) (1,8) P, (2,-) top only, (3,7) P, (4,6) (5,5)
     * (6,4) unpaired. Column 4 = (2,-): top A with b = 1 and ramp extra 2 (l = 3, r = 5),
     * bottom a black 2-pixel gap bar. */
    const char *seq = "GGAGAAACCC", *fold = "((.(...)))";
    static mrl_hairpin_t h;
    CHECK_INT(mrl_encode_hairpin(seq, 10, fold, &h), 0);
    CHECK_INT(h.ncols, 7);
    CHECK_INT(h.kind[4], MRL_COL_TOP_ONLY);
    CHECK_INT(h.pos5[4], 2);
    CHECK_INT(h.pos3[4], -1);
    CHECK(column_is(&h, 4, 9, YELLOW, 14, BLACK));
    CHECK_INT(mrl_encode_pixel_pos(&h, 9, 4), 2);
    CHECK_INT(mrl_encode_pixel_pos(&h, 13, 4), -1); /* a gap bar belongs to no base */
    CHECK(column_is(&h, 3, 11, RED, 14, BLUE));     /* G-C closing pair */
    CHECK(map_consistent(&h, seq));

    /* The same bulge on the 3' side, with an N: bottom N facing a gap gives b = 4, so both
     * the black top gap bar and the black N bar are 5 pixels + the N's ramp extra 2. */
    const char *seq3 = "GGGAAACNCC", *fold3 = "(((...).))";
    CHECK_INT(mrl_encode_hairpin(seq3, 10, fold3, &h), 0);
    CHECK_INT(h.kind[4], MRL_COL_BOT_ONLY);
    CHECK_INT(h.pos3[4], 7);
    CHECK(column_is(&h, 4, 8, BLACK, 19, BLACK));
    CHECK_INT(mrl_encode_pixel_pos(&h, 8, 4), -1);
    CHECK_INT(mrl_encode_pixel_pos(&h, 19, 4), 7);
    CHECK(map_consistent(&h, seq3));
}

static void test_out_of_sync(void)
{
    /* Two hairpins, left loop chosen (tie); the 3' strand keeps 5 positions when the 5'
     * strand runs out: positions 2..6 are dropped. */
    const char *seq = "GCAAAGCUUUGC", *fold = "((...)(...))";
    static mrl_hairpin_t h;
    CHECK_INT(mrl_encode_hairpin(seq, 12, fold, &h), 0);
    CHECK_INT(h.loop_open, 1);
    CHECK_INT(h.loop_close, 5);
    CHECK_INT(h.ncols, 5);
    CHECK_INT(h.dropped5, 0);
    CHECK_INT(h.dropped3, 5);
    const int p5[5] = {4, 3, 2, 1, 0}, p3[5] = {7, 8, 9, 10, 11};
    for (int c = 0; c < 5; c++) {
        CHECK_INT(h.pos5[c], p5[c]);
        CHECK_INT(h.pos3[c], p3[c]);
    }
    CHECK(map_consistent(&h, seq));

    /* Right loop chosen (distance 0 vs 1); the 5' strand keeps [6, 11) when the 3' strand
     * runs out. Reversed walk: (-,8) (-,9) (-,10) (5,11) (4,-) (3,-) (2,-) (1,12) (0,13). */
    const char *seq2 = "GCAAAGGCUUUGCC", *fold2 = "((...)((...)))";
    CHECK_INT(mrl_encode_hairpin(seq2, 14, fold2, &h), 0);
    CHECK_INT(h.loop_open, 7);
    CHECK_INT(h.loop_close, 11);
    CHECK_INT(h.ncols, 9);
    CHECK_INT(h.dropped5, 5);
    CHECK_INT(h.dropped3, 0);
    const int q5[9] = {-1, -1, -1, 5, 4, 3, 2, 1, 0}, q3[9] = {8, 9, 10, 11, -1, -1, -1, 12, 13};
    const int kinds[9] = {MRL_COL_BOT_ONLY, MRL_COL_BOT_ONLY, MRL_COL_BOT_ONLY,
                          MRL_COL_PAIRED,   MRL_COL_TOP_ONLY, MRL_COL_TOP_ONLY,
                          MRL_COL_TOP_ONLY, MRL_COL_PAIRED,   MRL_COL_PAIRED};
    for (int c = 0; c < 9; c++) {
        CHECK_INT(h.pos5[c], q5[c]);
        CHECK_INT(h.pos3[c], q3[c]);
        CHECK_INT(h.kind[c], kinds[c]);
    }
    /* bottom run at column 0 (l = -1, r = 3): tent 2,4,2 on b = 1 (letter vs gap) */
    CHECK(column_is(&h, 0, 11, BLACK, 16, GREEN)); /* U, B = 3 */
    CHECK(column_is(&h, 1, 11, BLACK, 18, GREEN)); /* U, B = 5 */
    CHECK(column_is(&h, 2, 11, BLACK, 16, GREEN)); /* U, B = 3 */
    /* "paired" G over G (brackets zipped blindly, 5 ')' vs 11 ')'): b = 4 */
    CHECK(column_is(&h, 3, 8, RED, 17, RED));
    /* top run l = 3, r = 7: ramp 2, 4, 6 on b = 1 */
    CHECK(column_is(&h, 4, 9, YELLOW, 14, BLACK));
    CHECK(column_is(&h, 5, 7, YELLOW, 14, BLACK));
    CHECK(column_is(&h, 6, 5, YELLOW, 14, BLACK));
    CHECK(map_consistent(&h, seq2));
}

static void test_long_and_clipped(void)
{
    /* 150 G + AAAA + 150 C: C = 154 columns, only 100 drawn; the loop tent 2,4,4,2 on
     * A/A (b = 4) and termini cut off. */
    static char seq[305], fold[305];
    memset(seq, 'G', 150);
    memset(seq + 150, 'A', 4);
    memset(seq + 154, 'C', 150);
    memset(fold, '(', 150);
    memset(fold + 150, '.', 4);
    memset(fold + 154, ')', 150);
    static mrl_hairpin_t h;
    CHECK_INT(mrl_encode_hairpin(seq, 304, fold, &h), 0);
    CHECK_INT(h.ncols, 154);
    CHECK_INT(h.used, 100);
    CHECK_INT(h.pos5[99], 150 - 96);
    CHECK_INT(h.pos3[99], 154 + 95);
    CHECK(column_is(&h, 1, 4, YELLOW, 21, YELLOW));
    CHECK(column_is(&h, 3, 6, YELLOW, 19, YELLOW));
    CHECK(column_is(&h, 99, 11, RED, 14, BLUE));
    CHECK(map_consistent(&h, seq));

    /* unpaired 5' tail of 40 facing 3' pairs...: ramp clipped at row 0 */
    static char s2[100], f2[100];
    memset(s2, 'A', 40);
    memcpy(s2 + 40, "GGGAAACCC", 9);
    memset(f2, '.', 40);
    memcpy(f2 + 40, "(((...)))", 9);
    CHECK_INT(mrl_encode_hairpin(s2, 49, f2, &h), 0);
    CHECK_INT(h.ncols, 46);
    CHECK_INT(h.kind[45], MRL_COL_TOP_ONLY);
    CHECK_INT(h.top_px[45], 13);
    CHECK(column_is(&h, 45, 0, YELLOW, 14, BLACK));
    CHECK(map_consistent(&h, s2));
}

/* ---- differential test against a literal transcription of the spec (strings built,
 * reversed and scanned as the jar does; no two-pass tricks) ---- */

static int naive_base(char bot, char top)
{
    char b = (char)toupper((unsigned char)bot), t = (char)toupper((unsigned char)top);
    b = b == 'T' ? 'U' : b;
    t = t == 'T' ? 'U' : t;
    if (b == '-')
        return 1;
    if (!strchr("ACGU", b) || !b)
        return 4;
    if (t == '-')
        return 1;
    char pr[3] = {b, t, 0};
    if (!strcmp(pr, "GC") || !strcmp(pr, "CG"))
        return 1;
    if (!strcmp(pr, "AU") || !strcmp(pr, "UA"))
        return 2;
    if (!strcmp(pr, "GU") || !strcmp(pr, "UG"))
        return 3;
    return 4;
}

static int naive_extra(const char *st, int len, int c)
{
    if (st[c] != '.')
        return 0;
    int l = c - 1, r = c + 1;
    while (l >= 0 && st[l] == '.')
        l--;
    while (r < len && st[r] == '.')
        r++;
    int N = l + r + 1, p = c - l;
    return p > N / 2 ? 2 * (N - p + 1) : 2 * p;
}

static void naive_paint(uint8_t *rgb, int row, int col, char ch)
{
    const uint8_t *v = BLACK;
    switch (toupper((unsigned char)ch)) {
    case 'A':
        v = YELLOW;
        break;
    case 'C':
        v = BLUE;
        break;
    case 'G':
        v = RED;
        break;
    case 'U':
    case 'T':
        v = GREEN;
        break;
    }
    memcpy(rgb + ((size_t)row * 100 + (size_t)col) * 3, v, 3);
}

/* 0 = drawn into rgb, 1 = refused */
static int naive_encode(const char *seq, const char *fold, uint8_t *rgb)
{
    int n = (int)strlen(seq), mid = n / 2, best = n, o = -1, k = -1;
    memset(rgb, 255, MRL_IMG_BYTES);
    for (int a = 0; a < n; a++) {
        if (fold[a] != '(')
            continue;
        int b = a + 1;
        while (b < n && fold[b] == '.')
            b++;
        if (b == a + 1 || b >= n || fold[b] != ')')
            continue;
        int d = abs(mid - a) < abs(mid - (b + 1)) ? abs(mid - a) : abs(mid - (b + 1));
        if (d < best) {
            best = d;
            o = a;
            k = b;
        }
    }
    if (o < 0)
        return 1;
    char *s5 = malloc((size_t)k + 1), *f5 = malloc((size_t)k + 1);
    char *s3 = malloc((size_t)n), *f3 = malloc((size_t)n);
    int len5 = k, len3 = 0;
    memcpy(s5, seq, (size_t)k);
    memcpy(f5, fold, (size_t)k);
    for (int q = n - 1; q > o; q--, len3++) {
        s3[len3] = seq[q];
        f3[len3] = fold[q];
    }
    size_t cap = (size_t)(2 * n + 2);
    char *top = malloc(cap), *bot = malloc(cap), *ts = malloc(cap), *bs = malloc(cap);
    int C = 0, i = 0, j = 0;
    while (i < len5 && j < len3) {
        int d5 = f5[i] == '.', d3 = f3[j] == '.';
        if (d5 && d3) {
            top[C] = s5[i++], bot[C] = s3[j++], ts[C] = '.', bs[C] = '.';
        } else if (d5) {
            top[C] = s5[i++], bot[C] = '-', ts[C] = '.', bs[C] = '-';
        } else if (d3) {
            top[C] = '-', bot[C] = s3[j++], ts[C] = '-', bs[C] = '.';
        } else {
            top[C] = s5[i++], bot[C] = s3[j++], ts[C] = '|', bs[C] = '|';
        }
        C++;
    }
    for (int a = 0, b = C - 1; a < b; a++, b--) { /* reverse all four strings */
        char t;
        t = top[a], top[a] = top[b], top[b] = t;
        t = bot[a], bot[a] = bot[b], bot[b] = t;
        t = ts[a], ts[a] = ts[b], ts[b] = t;
        t = bs[a], bs[a] = bs[b], bs[b] = t;
    }
    for (int c = 0; c < C && c < 100; c++) {
        int b = naive_base(bot[c], top[c]);
        int B = b + naive_extra(bs, C, c), T = b + naive_extra(ts, C, c);
        for (int r = 13; r <= 13 + B && r < 25; r++)
            naive_paint(rgb, r, c, bot[c]);
        for (int r = 12 - T < 0 ? 0 : 12 - T; r <= 12; r++)
            naive_paint(rgb, r, c, top[c]);
    }
    free(s5), free(f5), free(s3), free(f3), free(top), free(bot), free(ts), free(bs);
    return 0;
}

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Random dot-bracket of length n: nested hairpins, multiloops, bulges, unpaired ends. */
static void random_fold(uint32_t *s, char *f, int n)
{
    int stack[4096], sp = 0, i = 0;
    while (i < n) {
        int left = n - i, r = (int)(lcg(s) % 100);
        if (sp > 0 && left <= sp) {
            f[i++] = ')';
            sp--;
        } else if (r < 35 && left > sp + 4) {
            stack[sp++] = i;
            f[i++] = '(';
        } else if (r < 65 && sp > 0 && i - stack[sp - 1] > 3) {
            f[i++] = ')';
            sp--;
        } else {
            f[i++] = '.';
        }
    }
    f[n] = '\0';
}

static void test_against_naive(void)
{
    static const char alphabet[] = "ACGUACGUACGUacgutTNRY";
    static char seq[1200], fold[1200];
    static uint8_t want[MRL_IMG_BYTES];
    static mrl_hairpin_t h;
    uint32_t s = 2024;
    int cases = 0, same = 0, refused = 0, wide = 0;
    for (int t = 0; t < 20000; t++) {
        int n = 1 + (int)(lcg(&s) % (t % 10 == 0 ? 1000 : 200));
        for (int i = 0; i < n; i++)
            seq[i] = alphabet[lcg(&s) % (sizeof alphabet - 1)];
        seq[n] = '\0';
        random_fold(&s, fold, n);
        int nref = naive_encode(seq, fold, want);
        int rc = mrl_encode_hairpin(seq, (size_t)n, fold, &h);
        cases++;
        if (nref) {
            refused++;
            same += rc == MRL_ERR_REFUSED;
            continue;
        }
        wide += h.ncols > 100;
        int ok = rc == 0 && !memcmp(h.rgb, want, MRL_IMG_BYTES) && map_consistent(&h, seq);
        if (!ok && cases - same < 5)
            fprintf(stderr, "naive mismatch: %s %s\n", seq, fold);
        same += ok;
    }
    CHECK_INT(same, cases);
    CHECK(refused > 100 && wide > 100); /* both paths exercised */
}

static void test_refusals(void)
{
    static mrl_hairpin_t h;
    CHECK_INT(mrl_encode_hairpin("", 0, "", &h), MRL_ERR_REFUSED);
    CHECK_STR(mrl_errmsg(), "empty sequence");
    CHECK_INT(h.used, 0);
    CHECK_INT(mrl_encode_hairpin("ACGUACGU", 8, "........", &h), MRL_ERR_REFUSED);
    CHECK_STR(mrl_errmsg(), "no hairpin loop");
    CHECK_INT(mrl_encode_hairpin("GGGAAACCC", 9, "(((...(((", &h), MRL_ERR_REFUSED);
    CHECK_STR(mrl_errmsg(), "no hairpin loop");
    int white = 1;
    for (int i = 0; i < MRL_IMG_BYTES; i++)
        white &= h.rgb[i] == 255;
    CHECK(white);
    CHECK_INT(h.pos5[0], -1);
    CHECK_INT(mrl_encode_hairpin("GGGAAACCC", 9, "(((...]]]", &h), MRL_ERR_ARG);
    CHECK_INT(mrl_encode_hairpin(NULL, 9, "(((...)))", &h), MRL_ERR_ARG);
    CHECK_INT(mrl_encode_hairpin("GGGAAACCC", 9, "(((...)))", NULL), MRL_ERR_ARG);
}

static void test_chw(void)
{
    static mrl_hairpin_t h;
    static float chw[3 * MRL_IMG_H * MRL_IMG_W];
    CHECK_INT(mrl_encode_hairpin("GGGAAACCC", 9, "(((...)))", &h), 0);
    mrl_encode_to_chw(h.rgb, chw);
    const int plane = MRL_IMG_H * MRL_IMG_W;
    /* (row 12, col 3) is red G: R=1, G=0, B=0; (row 0, col 0) white */
    CHECK(chw[0 * plane + 12 * MRL_IMG_W + 3] == 1.0f);
    CHECK(chw[1 * plane + 12 * MRL_IMG_W + 3] == 0.0f);
    CHECK(chw[2 * plane + 12 * MRL_IMG_W + 3] == 0.0f);
    CHECK(chw[2 * plane + 13 * MRL_IMG_W + 3] == 1.0f);
    CHECK(chw[0] == 1.0f && chw[plane] == 1.0f && chw[2 * plane] == 1.0f);
    uint8_t mid[MRL_IMG_BYTES];
    memset(mid, 51, sizeof mid);
    mrl_encode_to_chw(mid, chw);
    CHECK_CLOSE(chw[7], 0.2, 1e-7, 0);
}

int main(void)
{
    test_loop_choice();
    test_pair_len();
    test_run_extra();
    test_colours();
    test_stem_loop();
    test_bulge();
    test_out_of_sync();
    test_long_and_clipped();
    test_refusals();
    test_against_naive();
    test_chw();
    return test_summary("test_encode");
}
