/*
 * test_aggregate.c - hand-worked cases of the aggregation layer (mirlens.h "aggregation"):
 * the mature-positions table (plain and gzip, lookups, arm choice, refusals naming file and
 * line), the miRNA duplex and its regions (both arms, an arm inferred with the 2-nt 3'
 * overhangs of Dicer, bulges, clamping, refusals), outcome groups and names, and the
 * accumulator: per-image normalisation of maps, column bins, nucleotide bins by context,
 * base, pair type, distance from the loop, region and cut site, and 3-mer statistics whose
 * top windows are counted by hand. Every expected number is worked out in the comments.
 */
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "mirlens.h"
#include "test.h"

/* Bin check: n, frac, sum, sum_abs (4 checks). */
#define CHECK_BIN(b, n_, fr_, s_, sa_)                                                             \
    do {                                                                                           \
        const mrl_agg_bin_t *b_ = (b);                                                             \
        CHECK_CLOSE(b_->n, (n_), 0, 0);                                                            \
        CHECK_CLOSE(b_->frac, (fr_), 1e-12, 0);                                                    \
        CHECK_CLOSE(b_->sum, (s_), 1e-12, 0);                                                      \
        CHECK_CLOSE(b_->sum_abs, (sa_), 1e-12, 0);                                                 \
    } while (0)

#define CHECK_RANGE(r, a, b, c, d)                                                                 \
    do {                                                                                           \
        CHECK_INT((r)[0], a);                                                                      \
        CHECK_INT((r)[1], b);                                                                      \
        CHECK_INT((r)[2], c);                                                                      \
        CHECK_INT((r)[3], d);                                                                      \
    } while (0)

static int contains(const char *hay, const char *needle)
{
    return hay && needle && strstr(hay, needle) != NULL;
}

/* ---- mature positions table ----------------------------------------------------------- */

static char tmp_dir_path[256];

static const char *tmp_path(const char *leaf)
{
    static char buf[8][512];
    static int next;
    char *p = buf[next++ & 7];
    snprintf(p, 512, "%s/%s", tmp_dir_path, leaf);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
}

/* Gzip text, every "\n" written as "\r\n" (the reader takes both line ends). */
static void write_gz_crlf(const char *path, const char *text)
{
    gzFile z = gzopen(path, "wb");
    if (!z) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
    for (const char *p = text; *p; p++)
        if ((*p == '\n' && gzputs(z, "\r\n") < 0) || (*p != '\n' && gzputc(z, *p) < 0))
            exit(2);
    if (gzclose(z) != Z_OK)
        exit(2);
}

#define MAT_HDR                                                                                    \
    "#hairpin_id\thairpin_acc\tmature_id\tmature_acc\tstart_1based\tend_1based\t"                  \
    "arm_by_position\thairpin_len\tmatch\n"

/* hsa-mir-a: both arms name+seq.
 * hsa-mir-b: 5p seq_only (3..22), then name+seq (4..24, must win), then another name+seq
 *   (6..25, must not replace the first name+seq); 3p 38..60 with end == hairpin_len.
 * dme-mir-c: only 3p, two seq_only rows (the first, 40..59, wins).
 * dme-mir-d: 5p name+seq 1..1 (start == end), a later seq_only row must not replace it.
 * Ids and accessions are not in sorted order; a blank line sits in the middle. */
#define MAT_ROWS                                                                                   \
    "hsa-mir-a\tMI0000001\thsa-miR-a-5p\tMIMAT0000001\t5\t26\t5p\t80\tname+seq\n"                  \
    "hsa-mir-a\tMI0000001\thsa-miR-a-3p\tMIMAT0000002\t50\t71\t3p\t80\tname+seq\n"                 \
    "hsa-mir-b\tMI0000009\tb-1\tMIMAT0000003\t3\t22\t5p\t60\tseq_only\n"                           \
    "hsa-mir-b\tMI0000009\tb-2\tMIMAT0000004\t4\t24\t5p\t60\tname+seq\n"                           \
    "hsa-mir-b\tMI0000009\tb-3\tMIMAT0000005\t6\t25\t5p\t60\tname+seq\n"                           \
    "hsa-mir-b\tMI0000009\tb-4\tMIMAT0000006\t38\t60\t3p\t60\tname+seq\n"                          \
    "\n"                                                                                           \
    "dme-mir-c\tMI0000003\tc-1\tMIMAT0000007\t40\t59\t3p\t59\tseq_only\n"                          \
    "dme-mir-c\tMI0000003\tc-2\tMIMAT0000008\t41\t58\t3p\t59\tseq_only\n"                          \
    "dme-mir-d\tMI0000004\td-1\tMIMAT0000009\t1\t1\t5p\t10\tname+seq\n"                            \
    "dme-mir-d\tMI0000004\td-2\tMIMAT0000010\t2\t9\t5p\t10\tseq_only\n"

/* The lookups every good table must answer (1-based inclusive -> 0-based inclusive). */
static void check_mature_lookups(const mrl_mature_tab_t *t)
{
    int r[4], len = -7;
    /* hsa-mir-a 5..26 / 50..71 -> 4..25 / 49..70, any case, by id or accession */
    CHECK_INT(mrl_mature_find(t, "hsa-mir-a", r, &len), 1);
    CHECK_RANGE(r, 4, 25, 49, 70);
    CHECK_INT(len, 80);
    CHECK_INT(mrl_mature_find(t, "HSA-MIR-A", r, &len), 1);
    CHECK_RANGE(r, 4, 25, 49, 70);
    CHECK_INT(mrl_mature_find(t, "MI0000001", r, NULL), 1);
    CHECK_RANGE(r, 4, 25, 49, 70);
    CHECK_INT(mrl_mature_find(t, "mi0000001", r, NULL), 1);
    CHECK_RANGE(r, 4, 25, 49, 70);
    /* hsa-mir-b: name+seq 4..24 beats the earlier seq_only row -> 3..23; 38..60 -> 37..59 */
    CHECK_INT(mrl_mature_find(t, "Hsa-Mir-B", r, &len), 1);
    CHECK_RANGE(r, 3, 23, 37, 59);
    CHECK_INT(len, 60);
    CHECK_INT(mrl_mature_find(t, "MI0000009", r, &len), 1);
    CHECK_RANGE(r, 3, 23, 37, 59);
    /* dme-mir-c: no 5p; first seq_only 3p row 40..59 -> 39..58 */
    CHECK_INT(mrl_mature_find(t, "dme-mir-c", r, &len), 1);
    CHECK_RANGE(r, -1, -1, 39, 58);
    CHECK_INT(len, 59);
    /* dme-mir-d: name+seq 1..1 -> 0..0, the later seq_only row ignored */
    CHECK_INT(mrl_mature_find(t, "MI0000004", r, &len), 1);
    CHECK_RANGE(r, 0, 0, -1, -1);
    CHECK_INT(len, 10);
    /* absent hairpins, prefixes and accessions */
    CHECK_INT(mrl_mature_find(t, "hsa-mir-zzz", r, &len), 0);
    CHECK_INT(mrl_mature_find(t, "hsa-mir", r, &len), 0);
    CHECK_INT(mrl_mature_find(t, "MI0000002", r, &len), 0);
    CHECK_INT(mrl_mature_find(t, "", r, &len), 0);
    CHECK_INT(mrl_mature_find(t, NULL, r, &len), 0);
}

static void test_mature_good(void)
{
    const char *plain = tmp_path("good.tsv"), *gz = tmp_path("good.tsv.gz");
    write_text(plain, MAT_HDR MAT_ROWS);
    write_gz_crlf(gz, MAT_HDR MAT_ROWS);
    mrl_mature_tab_t *t = (mrl_mature_tab_t *)1;
    CHECK_INT(mrl_mature_load(&t, plain), 0);
    CHECK(t != NULL);
    if (t)
        check_mature_lookups(t);
    mrl_mature_free(t);
    /* gzip with CRLF line ends: the same answers ("name+seq\r" would lose to seq_only) */
    t = NULL;
    CHECK_INT(mrl_mature_load(&t, gz), 0);
    CHECK(t != NULL);
    if (t)
        check_mature_lookups(t);
    mrl_mature_free(t);
    mrl_mature_free(NULL);
    int r[4];
    CHECK_INT(mrl_mature_find(NULL, "hsa-mir-a", r, NULL), 0);
    remove(plain), remove(gz);
}

/* Rows of one hairpin split by another hairpin's rows: merged as if adjacent (5p from the
 * first run, 3p from the second; a later seq_only row does not replace an exact one). */
static void test_mature_split(void)
{
    const char *path = tmp_path("split.tsv");
    write_text(path, MAT_HDR "hsa-mir-s\tMI0000009\ts-5p\tMIMAT9\t3\t24\t5p\t70\tname+seq\n"
                             "hsa-mir-t\tMI0000010\tt-5p\tMIMAT10\t4\t25\t5p\t71\tname+seq\n"
                             "hsa-mir-s\tMI0000009\ts-3p\tMIMAT11\t45\t66\t3p\t70\tname+seq\n"
                             "hsa-mir-s\tMI0000009\ts-5p'\tMIMAT12\t1\t20\t5p\t70\tseq_only\n");
    mrl_mature_tab_t *t = NULL;
    CHECK_INT(mrl_mature_load(&t, path), 0);
    int r[4] = {0}, len = 0;
    CHECK_INT(mrl_mature_find(t, "HSA-MIR-S", r, &len), 1);
    CHECK_INT(r[0], 2);
    CHECK_INT(r[1], 23);
    CHECK_INT(r[2], 44);
    CHECK_INT(r[3], 65);
    CHECK_INT(len, 70);
    CHECK_INT(mrl_mature_find(t, "MI0000010", r, &len), 1);
    CHECK_INT(r[0], 3);
    CHECK_INT(r[2], -1);
    CHECK_INT(len, 71);
    mrl_mature_free(t);
    remove(path);
}

/* A file whose line 3 is bad: load fails with code want, *out NULL, message with path and
 * "line 3". */
static void bad_line3(const char *leaf, const char *row, int want)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s%s", MAT_HDR,
             "hsa-mir-a\tMI0000001\thsa-miR-a-5p\tMIMAT0000001\t5\t26\t5p\t80\tname+seq\n", row);
    const char *path = tmp_path(leaf);
    write_text(path, text);
    mrl_mature_tab_t *t = (mrl_mature_tab_t *)1;
    int rc = mrl_mature_load(&t, path);
    CHECK_INT(rc, want);
    CHECK(t == NULL);
    CHECK(contains(mrl_errmsg(), path));
    CHECK(contains(mrl_errmsg(), "line 3"));
    if (rc == 0)
        mrl_mature_free(t);
    remove(path);
}

static void test_mature_bad(void)
{
    /* 8 columns (no match), 10 columns */
    bad_line3("c8.tsv", "x\tMI1\tm\tMIMAT1\t5\t26\t5p\t80\n", MRL_ERR_PARSE);
    bad_line3("c10.tsv", "x\tMI1\tm\tMIMAT1\t5\t26\t5p\t80\tname+seq\tmore\n", MRL_ERR_PARSE);
    /* end < start; end > hairpin_len; start 0 (1-based); not a number; negative */
    bad_line3("rev.tsv", "x\tMI1\tm\tMIMAT1\t30\t20\t5p\t80\tname+seq\n", MRL_ERR_PARSE);
    bad_line3("long.tsv", "x\tMI1\tm\tMIMAT1\t5\t81\t5p\t80\tname+seq\n", MRL_ERR_PARSE);
    bad_line3("zero.tsv", "x\tMI1\tm\tMIMAT1\t0\t20\t5p\t80\tname+seq\n", MRL_ERR_PARSE);
    bad_line3("nan.tsv", "x\tMI1\tm\tMIMAT1\t5x\t20\t5p\t80\tname+seq\n", MRL_ERR_PARSE);
    bad_line3("neg.tsv", "x\tMI1\tm\tMIMAT1\t-5\t20\t5p\t80\tname+seq\n", MRL_ERR_PARSE);
    /* arm neither 5p nor 3p */
    bad_line3("arm.tsv", "x\tMI1\tm\tMIMAT1\t5\t20\tloop\t80\tname+seq\n", MRL_ERR_PARSE);

    /* empty file, a header alone: no rows at all; a missing file: I/O error naming it */
    const char *empty = tmp_path("empty.tsv"), *hdr = tmp_path("hdr.tsv");
    const char *missing = tmp_path("missing.tsv");
    write_text(empty, "");
    write_text(hdr, MAT_HDR);
    const char *paths[3] = {empty, hdr, missing};
    const int want[3] = {MRL_ERR_PARSE, MRL_ERR_PARSE, MRL_ERR_IO};
    for (int i = 0; i < 3; i++) {
        mrl_mature_tab_t *t = (mrl_mature_tab_t *)1;
        int rc = mrl_mature_load(&t, paths[i]);
        CHECK_INT(rc, want[i]);
        CHECK(t == NULL);
        CHECK(contains(mrl_errmsg(), paths[i]));
        if (rc == 0)
            mrl_mature_free(t);
    }
    remove(empty), remove(hdr);
}

/* ---- the miRNA duplex ------------------------------------------------------------------ */

/* s = concatenation of runs: count, char, count, char, ..., 0. Returns the length. */
static int runs(char *s, ...)
{
    va_list ap;
    va_start(ap, s);
    int n = 0, k;
    while ((k = va_arg(ap, int)) > 0) {
        char c = (char)va_arg(ap, int);
        for (int i = 0; i < k; i++)
            s[n++] = c;
    }
    va_end(ap);
    s[n] = '\0';
    return n;
}

static void fill(uint8_t *reg, int lo, int hi, int r)
{
    for (int p = lo; p <= hi; p++)
        reg[p] = (uint8_t)r;
}

static int same_regions(const uint8_t *got, const uint8_t *want, int n)
{
    for (int p = 0; p < n; p++)
        if (got[p] != want[p]) {
            fprintf(stderr, "  region of %d: %d, want %d\n", p, got[p], want[p]);
            return 0;
        }
    return 1;
}

static void partners(const char *st, int *pt)
{
    uint8_t ctx[256];
    CHECK_INT(mrl_explain_structure(st, strlen(st), pt, ctx), 0);
}

/* The perfect stem, N = 88: flank 0..14, '(' 15..39, loop 40..47, ')' 48..72, flank 73..87;
 * p pairs with 87 - p. */
static int perfect_stem(int *pt)
{
    char st[128];
    int N = runs(st, 15, '.', 25, '(', 8, '.', 25, ')', 15, '.', 0);
    CHECK_INT(N, 88);
    partners(st, pt);
    CHECK_INT(pt[15], 72);
    CHECK_INT(pt[39], 48);
    return N;
}

static void test_duplex_perfect(void)
{
    int pt[128], dx[4], N = perfect_stem(pt);
    uint8_t reg[128], want[128];

    /* both arms given (5p 17..38, 3p 50..70): taken as they are. mature5p 17..38, loop
     * 39..49, mature3p 50..70, basal 11 nt beyond each outer end: 6..16 and 71..81, flank
     * 0..5 and 82..87. */
    const int both[4] = {17, 38, 50, 70};
    memset(reg, 0xff, sizeof reg);
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, both, dx, reg), 0);
    CHECK_RANGE(dx, 17, 38, 50, 70);
    fill(want, 0, 5, MRL_REG_FLANK), fill(want, 6, 16, MRL_REG_BASAL);
    fill(want, 17, 38, MRL_REG_MATURE5), fill(want, 39, 49, MRL_REG_LOOP);
    fill(want, 50, 70, MRL_REG_MATURE3), fill(want, 71, 81, MRL_REG_BASAL);
    fill(want, 82, 87, MRL_REG_FLANK);
    CHECK(same_regions(reg, want, N));

    /* only 5p 17..38: a = 17 pairs with 70 = d - 2 -> d = 72; b - 2 = 36 pairs with
     * 87 - 36 = 51 = c. The 3p strand 51..72 overhangs the pair (17,70) by 71,72 and the
     * 5p strand overhangs (36,51) by 37,38: the 2-nt 3' overhangs on both ends. Regions:
     * loop 39..50, basal 6..16 and 73..83 (72 + 11), flank 0..5 and 84..87. */
    const int only5[4] = {17, 38, -1, -1};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, only5, dx, reg), 0);
    CHECK_RANGE(dx, 17, 38, 51, 72);
    fill(want, 0, 5, MRL_REG_FLANK), fill(want, 6, 16, MRL_REG_BASAL);
    fill(want, 17, 38, MRL_REG_MATURE5), fill(want, 39, 50, MRL_REG_LOOP);
    fill(want, 51, 72, MRL_REG_MATURE3), fill(want, 73, 83, MRL_REG_BASAL);
    fill(want, 84, 87, MRL_REG_FLANK);
    CHECK(same_regions(reg, want, N));

    /* only 3p 51..72: d - 2 = 70 pairs with 17 = a; c = 51 pairs with 36 = b - 2 -> b =
     * 38. The same duplex back (region may be NULL). */
    const int only3[4] = {-1, -1, 51, 72};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, only3, dx, NULL), 0);
    CHECK_RANGE(dx, 17, 38, 51, 72);
}

/* Refusals on the perfect stem. */
static void test_duplex_refused(void)
{
    int pt[128], dx[4], N = perfect_stem(pt);
    uint8_t reg[128];
    const int none[4] = {-1, -1, -1, -1};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, none, dx, reg), MRL_ERR_REFUSED);
    CHECK(contains(mrl_errmsg(), "no annotated mature"));
    const int out5[4] = {80, 90, -1, -1}, rev5[4] = {30, 20, -1, -1};
    const int out3[4] = {17, 38, 80, 88};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, out5, dx, reg), MRL_ERR_REFUSED);
    CHECK(contains(mrl_errmsg(), "outside"));
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, rev5, dx, reg), MRL_ERR_REFUSED);
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, out3, dx, reg), MRL_ERR_REFUSED);
    CHECK(contains(mrl_errmsg(), "outside"));
    /* a 5p mature in the 5' flank (2..12), a 3p one in the 3' flank (75..86): unpaired */
    const int flank5[4] = {2, 12, -1, -1}, flank3[4] = {-1, -1, 75, 86};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, flank5, dx, reg), MRL_ERR_REFUSED);
    CHECK(contains(mrl_errmsg(), "not paired"));
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, flank3, dx, reg), MRL_ERR_REFUSED);
    CHECK(contains(mrl_errmsg(), "not paired"));
    /* a "5p" mature lying on the 3' arm: its first pair points back 5' */
    const int wrong5[4] = {50, 70, -1, -1}, wrong3[4] = {-1, -1, 17, 38};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, wrong5, dx, reg), MRL_ERR_REFUSED);
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, wrong3, dx, reg), MRL_ERR_REFUSED);
    /* crossing strands: given 5p after 3p; overlapping (b = 40 >= c = 38) */
    const int cross[4] = {50, 70, 17, 38}, overlap[4] = {17, 40, 38, 60};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, cross, dx, reg), MRL_ERR_REFUSED);
    CHECK(contains(mrl_errmsg(), "cross"));
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, overlap, dx, reg), MRL_ERR_REFUSED);
    CHECK(contains(mrl_errmsg(), "cross"));
    /* inferred crossing: 5p 35..45 reaches into the loop. a = 35 pairs with 52 -> d = 54;
     * b - 2 = 43 is in the loop, the first pair stepping 5'wards is 39 (4 steps), paired
     * with 48 -> c = 48 - 4 = 44 <= b = 45: refused. */
    const int into_loop[4] = {35, 45, -1, -1};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, into_loop, dx, reg), MRL_ERR_REFUSED);
    CHECK(contains(mrl_errmsg(), "cross"));
}

/* Unpaired stretches inside a mature or on the inferred strand. */
static void test_duplex_bulges(void)
{
    char st[128];
    int pt[128], dx[4];
    uint8_t reg[128];
    /* A 1-nt bulge on the 3' arm, N = 89: '(' 15..39, loop 40..47, ')' 48..59, '.' 60,
     * ')' 61..73, flank 74..88. Pairs: 39..28 with 48..59 (p + q = 87), 27..15 with 61..73
     * (p + q = 88). Only 5p 17..38: a = 17 pairs with 71 -> d = 73; b - 2 = 36 pairs with
     * 51 = c. The inferred 3p strand 51..73 is 23 nt and holds the bulged 60. */
    int N = runs(st, 15, '.', 25, '(', 8, '.', 12, ')', 1, '.', 13, ')', 15, '.', 0);
    CHECK_INT(N, 89);
    partners(st, pt);
    CHECK_INT(pt[17], 71);
    CHECK_INT(pt[36], 51);
    const int only5[4] = {17, 38, -1, -1};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, only5, dx, reg), 0);
    CHECK_RANGE(dx, 17, 38, 51, 73);
    CHECK_INT(reg[60], MRL_REG_MATURE3);
    CHECK_INT(reg[50], MRL_REG_LOOP);
    CHECK_INT(reg[74], MRL_REG_BASAL);
    CHECK_INT(reg[84], MRL_REG_BASAL); /* 73 + 11 */
    CHECK_INT(reg[85], MRL_REG_FLANK);

    /* A symmetric 2x2 interior loop: '(' 15,16, '.' 17,18, '(' 19..39, loop 40..47, ')'
     * 48..68, '.' 69,70, ')' 71,72, flank 73..87 (paired p with 87 - p).
     * Only 5p 17..38: 17 and 18 are unpaired, the first pair 3'wards is 19 (2 steps), with
     * 68 -> d = 68 + 2 + 2 = 72 (17 would have faced 70 = d - 2); c = pt[36] = 51. */
    N = runs(st, 15, '.', 2, '(', 2, '.', 21, '(', 8, '.', 21, ')', 2, '.', 2, ')', 15, '.', 0);
    CHECK_INT(N, 88);
    partners(st, pt);
    CHECK_INT(pt[19], 68);
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, only5, dx, reg), 0);
    CHECK_RANGE(dx, 17, 38, 51, 72);
    /* Only 3p 53..72: d - 2 = 70 is unpaired, 5'wards 69 too, 68 pairs (2 steps) with 19 ->
     * a = 19 - 2 = 17; c = 53 pairs with 34 -> b = 36. */
    const int only3[4] = {-1, -1, 53, 72};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, only3, dx, reg), 0);
    CHECK_RANGE(dx, 17, 36, 53, 72);
    CHECK_INT(reg[16], MRL_REG_BASAL);
    CHECK_INT(reg[37], MRL_REG_LOOP);
    CHECK_INT(reg[52], MRL_REG_LOOP);
}

/* Clamping at the ends: "((((((((((((....))))))))))))" (12 pairs, p with 27 - p). */
static void test_duplex_clamp(void)
{
    const char *st = "((((((((((((....))))))))))))";
    int pt[64], dx[4], N = (int)strlen(st);
    uint8_t reg[64], want[64];
    partners(st, pt);
    /* only 5p 0..9: a = 0 pairs with 27 -> d = 29, clamped to N - 1 = 27; b - 2 = 7 pairs
     * with 20 = c. Regions: 0..9 mature5p, 10..19 loop, 20..27 mature3p, no basal stem. */
    const int only5[4] = {0, 9, -1, -1};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, only5, dx, reg), 0);
    CHECK_RANGE(dx, 0, 9, 20, 27);
    fill(want, 0, 9, MRL_REG_MATURE5), fill(want, 10, 19, MRL_REG_LOOP);
    fill(want, 20, 27, MRL_REG_MATURE3);
    CHECK(same_regions(reg, want, N));

    /* the same with a 4-nt 3' flank (N = 32); only 3p 18..31: d - 2 = 29 and 28 are
     * unpaired, 27 pairs with 0 (2 steps) -> a = -2, clamped to 0; c = 18 pairs with 9 ->
     * b = 11. */
    char st2[64];
    N = runs(st2, 12, '(', 4, '.', 12, ')', 4, '.', 0);
    partners(st2, pt);
    const int only3[4] = {-1, -1, 18, 31};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, only3, dx, reg), 0);
    CHECK_RANGE(dx, 0, 11, 18, 31);
    CHECK_INT(reg[12], MRL_REG_LOOP);
    CHECK_INT(reg[17], MRL_REG_LOOP);
    /* a mature shorter than the 2-nt overhang cannot be carried over (b - 2 < a) */
    const int tiny[4] = {3, 4, -1, -1};
    CHECK_INT(mrl_duplex_regions(pt, (size_t)N, tiny, dx, reg), MRL_ERR_REFUSED);
}

/* ---- names and groups ------------------------------------------------------------------- */

static void test_names(void)
{
    CHECK_INT(mrl_outcome_of(1, 0.9f, 0.5f), MRL_OUT_TP);
    CHECK_INT(mrl_outcome_of(1, 0.1f, 0.5f), MRL_OUT_FN);
    CHECK_INT(mrl_outcome_of(0, 0.9f, 0.5f), MRL_OUT_FP);
    CHECK_INT(mrl_outcome_of(0, 0.1f, 0.5f), MRL_OUT_TN);
    /* prob == threshold calls the positive class (as mrl_metrics_compute: >=) */
    CHECK_INT(mrl_outcome_of(1, 0.5f, 0.5f), MRL_OUT_TP);
    CHECK_INT(mrl_outcome_of(0, 0.5f, 0.5f), MRL_OUT_FP);
    CHECK_STR(mrl_outcome_name(MRL_OUT_TP), "TP");
    CHECK_STR(mrl_outcome_name(MRL_OUT_TN), "TN");
    CHECK_STR(mrl_outcome_name(MRL_OUT_FP), "FP");
    CHECK_STR(mrl_outcome_name(MRL_OUT_FN), "FN");
    CHECK_STR(mrl_outcome_name(-1), "?");
    CHECK_STR(mrl_outcome_name(MRL_NOUTCOMES), "?");
    CHECK_STR(mrl_region_name(MRL_REG_MATURE5), "mature5p");
    CHECK_STR(mrl_region_name(MRL_REG_MATURE3), "mature3p");
    CHECK_STR(mrl_region_name(MRL_REG_LOOP), "loop");
    CHECK_STR(mrl_region_name(MRL_REG_BASAL), "basal-stem");
    CHECK_STR(mrl_region_name(MRL_REG_FLANK), "flank");
    CHECK_STR(mrl_region_name(MRL_NREGIONS), "?");
    CHECK_STR(mrl_agg_base_name(0), "A");
    CHECK_STR(mrl_agg_base_name(3), "U");
    CHECK_STR(mrl_agg_base_name(4), "other");
    CHECK_STR(mrl_agg_base_name(5), "?");
    CHECK_STR(mrl_agg_pair_name(0), "unpaired");
    CHECK_STR(mrl_agg_pair_name(3), "GC");
    CHECK_STR(mrl_agg_pair_name(6), "UG");
    CHECK_STR(mrl_agg_pair_name(7), "other");
    CHECK_STR(mrl_agg_pair_name(8), "?");
    CHECK_STR(mrl_agg_cut_name(0), "drosha-5p");
    CHECK_STR(mrl_agg_cut_name(1), "dicer-5p");
    CHECK_STR(mrl_agg_cut_name(2), "dicer-3p");
    CHECK_STR(mrl_agg_cut_name(3), "drosha-3p");
    CHECK_STR(mrl_agg_cut_name(-1), "?");
    /* k-mer codes: base-4 digits A0 C1 G2 U3, first letter most significant */
    char buf[4];
    CHECK_STR(mrl_agg_kmer_str(0, buf), "AAA");
    CHECK_STR(mrl_agg_kmer_str(63, buf), "UUU");
    /* loop-size bins: 3-4, 5-6, 7-8, 9-10, 11-14, 15-20, 21+ */
    const int lens[] = {0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 20, 21, 500};
    const int bins[] = {0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6};
    for (int i = 0; i < (int)(sizeof lens / sizeof lens[0]); i++)
        CHECK_INT(mrl_agg_loop_bin(lens[i]), bins[i]);
    CHECK_STR(mrl_agg_loop_name(0), "3-4");
    CHECK_STR(mrl_agg_loop_name(6), "21+");
    CHECK_STR(mrl_agg_loop_name(7), "?");
    CHECK_STR(mrl_agg_kmer_str(3 * 16 + 2 * 4 + 3, buf), "UGU"); /* 59 */
    CHECK_STR(mrl_agg_kmer_str(6, buf), "ACG");                  /* 0*16 + 1*4 + 2 */
    CHECK_STR(mrl_agg_kmer_str(27, buf), "CGU");                 /* 1*16 + 2*4 + 3 */
    CHECK(mrl_agg_kmer_str(1, buf) == buf);
}

/* ---- maps ------------------------------------------------------------------------------- */

static void test_add_map(void)
{
    mrl_agg_t *a = calloc(1, sizeof *a);
    static float map[MRL_IMG_H * MRL_IMG_W];
    if (!a)
        exit(2);
    memset(a, 0xff, sizeof *a);
    mrl_agg_clear(a);
    CHECK_INT(a->n_img[MRL_OUT_TP], 0);
    CHECK(a->map_sum[MRL_OUT_FN][MRL_IMG_H * MRL_IMG_W - 1] == 0.0);
    CHECK(a->kmer_var[MRL_OUT_FN][1][63] == 0.0);

    /* sum |map| = 2 + 1 + 3 + 1 + 1 = 8: shares 0.25 (0,0), -0.125 (12,0), 0.375 (13,0),
     * -0.125 (24,1), 0.125 (5,3). used = 3: column 3 is outside the column bins. */
    memset(map, 0, sizeof map);
    map[0 * MRL_IMG_W + 0] = 2, map[12 * MRL_IMG_W + 0] = -1, map[13 * MRL_IMG_W + 0] = 3;
    map[24 * MRL_IMG_W + 1] = -1, map[5 * MRL_IMG_W + 3] = 1;
    mrl_agg_add_map(a, MRL_OUT_TP, map, 3);
    /* the same map times 5 (sum 40) gives the same shares: every sum below doubles */
    for (int k = 0; k < MRL_IMG_H * MRL_IMG_W; k++)
        map[k] *= 5;
    mrl_agg_add_map(a, MRL_OUT_TP, map, 3);
    const int g = MRL_OUT_TP;
    CHECK_INT(a->n_img[g], 2);
    CHECK_CLOSE(a->map_sum[g][0], 0.5, 1e-12, 0);
    CHECK_CLOSE(a->map_sum[g][12 * MRL_IMG_W], -0.25, 1e-12, 0);
    CHECK_CLOSE(a->map_abs[g][12 * MRL_IMG_W], 0.25, 1e-12, 0);
    CHECK_CLOSE(a->map_sum[g][13 * MRL_IMG_W], 0.75, 1e-12, 0);
    CHECK_CLOSE(a->map_sum[g][24 * MRL_IMG_W + 1], -0.25, 1e-12, 0);
    CHECK_CLOSE(a->map_sum[g][5 * MRL_IMG_W + 3], 0.25, 1e-12, 0);
    CHECK(a->map_sum[g][1] == 0.0);
    double tot = 0;
    for (int k = 0; k < MRL_IMG_H * MRL_IMG_W; k++)
        tot += a->map_abs[g][k];
    CHECK_CLOSE(tot, 2.0, 1e-12, 0); /* each image's |shares| sum to 1 */
    /* column bins (frac unused for columns): top = rows 0..12, bottom = rows 13..24.
     * col 0 top: 0.25 - 0.125 = 0.125 (abs 0.375) per image; bottom 0.375;
     * col 1 bottom -0.125; col 2 nothing but counted; col 3 not counted. */
    CHECK_BIN(&a->col[g][0][0], 2, 0, 0.25, 0.75);
    CHECK_BIN(&a->col[g][1][0], 2, 0, 0.75, 0.75);
    CHECK_BIN(&a->col[g][0][1], 2, 0, 0, 0);
    CHECK_BIN(&a->col[g][1][1], 2, 0, -0.25, 0.25);
    CHECK_BIN(&a->col[g][0][2], 2, 0, 0, 0);
    CHECK_BIN(&a->col[g][1][2], 2, 0, 0, 0);
    CHECK_BIN(&a->col[g][0][3], 0, 0, 0, 0);
    CHECK_BIN(&a->col[g][1][3], 0, 0, 0, 0);
    CHECK_INT(a->n_img[MRL_OUT_FN], 0); /* other groups untouched */
    CHECK_BIN(&a->col[MRL_OUT_FN][0][0], 0, 0, 0, 0);

    /* an all-zero map, no column map (used = MRL_IMG_W): the image counts, all adds are 0 */
    memset(map, 0, sizeof map);
    mrl_agg_add_map(a, MRL_OUT_TN, map, MRL_IMG_W);
    CHECK_INT(a->n_img[MRL_OUT_TN], 1);
    int nonzero = 0;
    for (int k = 0; k < MRL_IMG_H * MRL_IMG_W; k++)
        nonzero += a->map_sum[MRL_OUT_TN][k] != 0 || a->map_abs[MRL_OUT_TN][k] != 0;
    CHECK_INT(nonzero, 0);
    CHECK_BIN(&a->col[MRL_OUT_TN][0][0], 1, 0, 0, 0);
    CHECK_BIN(&a->col[MRL_OUT_TN][1][MRL_IMG_W - 1], 1, 0, 0, 0);
    free(a);
}

/* ---- sequences ---------------------------------------------------------------------------- */

/* Code of a 3-mer written as text (A0 C1 G2 U3, first letter most significant). */
static int kc(const char *s)
{
    static const char nt[] = "ACGU";
    int c = 0;
    for (int i = 0; i < 3; i++)
        c = 4 * c + (int)(strchr(nt, s[i]) - nt);
    return c;
}

/* Whether the column map (columns < used) holds every position 0..n-1. */
static int all_drawn(const mrl_hairpin_t *h, int n)
{
    int seen[128] = {0};
    for (int c = 0; c < h->used; c++) {
        if (h->pos5[c] >= 0 && h->pos5[c] < n)
            seen[h->pos5[c]] = 1;
        if (h->pos3[c] >= 0 && h->pos3[c] < n)
            seen[h->pos3[c]] = 1;
    }
    for (int p = 0; p < n; p++)
        if (!seen[p])
            return 0;
    return 1;
}

/* The small hairpin, n = 17:
 *   pos  0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16
 *   seq  C A A A A C G U G U A  U  G  U  G  C  N
 *   st   . . ( ( . ( ( . . . .  )  )  )  )  .  .
 * pairs 6-11 (G-U), 5-12 (C-G), 3-13 (A-U), 2-14 (A-G, "other"); 4 is a 5' bulge; loop
 * 7..10 (o = 6, k = 11); flanks 0,1 and 15,16. Walk: loop columns 0..3, (6,11), (5,12),
 * (4,-), (3,13), (2,14), (1,15), (0,16): 11 columns, every position drawn.
 * attr = 2 -2 2 0 -2 1 1 4 4 4 -2 1 1 1 0 -3 2, sum |attr| = 32, so share v = attr / 32
 * (exact in binary) and every drawn position has frac 1/17. */
static const char SMALL_SEQ[] = "CAAAACGUGUAUGUGCN", SMALL_ST[] = "..((.((....))))..";
static const float SMALL_ATTR[17] = {2, -2, 2, 0, -2, 1, 1, 4, 4, 4, -2, 1, 1, 1, 0, -3, 2};

static void check_small_map(const mrl_hairpin_t *h)
{
    const int p5[11] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    const int p3[11] = {7, 8, 9, 10, 11, 12, -1, 13, 14, 15, 16};
    CHECK_INT(h->loop_open, 6);
    CHECK_INT(h->loop_close, 11);
    CHECK_INT(h->used, 11);
    for (int c = 0; c < 11; c++) {
        CHECK_INT(h->pos5[c], p5[c]);
        CHECK_INT(h->pos3[c], p3[c]);
    }
    CHECK(all_drawn(h, 17));
}

static void check_small_bins(const mrl_agg_t *a, int g)
{
    const double F = 1.0 / 17, V = 1.0 / 32;
    /* context: flank5 {0,1} 2-2; stem {2,3,5,6,11,12,13,14} 2+0+1+1+1+1+1+0 = 7;
     * bulge {4} -2; terminal loop {7..10} 4+4+4-2 = 10 (abs 14); flank3 {15,16} -3+2 */
    CHECK_BIN(&a->ctx[g][MRL_CTX_FLANK5], 2, 2 * F, 0, 4 * V);
    CHECK_BIN(&a->ctx[g][MRL_CTX_STEM], 8, 8 * F, 7 * V, 7 * V);
    CHECK_BIN(&a->ctx[g][MRL_CTX_BULGE], 1, F, -2 * V, 2 * V);
    CHECK_BIN(&a->ctx[g][MRL_CTX_TERMINAL_LOOP], 4, 4 * F, 10 * V, 14 * V);
    /* the 4-nt loop (7..10) is in loop-size bin "3-4": one hairpin, its loop's shares */
    CHECK_BIN(&a->loop[g][0], 1, 4 * F, 10 * V, 14 * V);
    CHECK_BIN(&a->loop[g][1], 0, 0, 0, 0);
    CHECK_BIN(&a->ctx[g][MRL_CTX_FLANK3], 2, 2 * F, -1 * V, 5 * V);
    CHECK_BIN(&a->ctx[g][MRL_CTX_INTERIOR], 0, 0, 0, 0);
    CHECK_BIN(&a->ctx[g][MRL_CTX_MULTILOOP], 0, 0, 0, 0);
    /* base: A {1,2,3,4,10} -2+2+0-2-2 = -4 (abs 8); C {0,5,15} 2+1-3 = 0 (abs 6);
     * G {6,8,12,14} 1+4+1+0 = 6; U {7,9,11,13} 4+4+1+1 = 10; other {16} 2 */
    CHECK_BIN(&a->base[g][0], 5, 5 * F, -4 * V, 8 * V);
    CHECK_BIN(&a->base[g][1], 3, 3 * F, 0, 6 * V);
    CHECK_BIN(&a->base[g][2], 4, 4 * F, 6 * V, 6 * V);
    CHECK_BIN(&a->base[g][3], 4, 4 * F, 10 * V, 10 * V);
    CHECK_BIN(&a->base[g][4], 1, F, 2 * V, 2 * V);
    /* pair type, this base first: unpaired {0,1,4,7,8,9,10,15,16} 2-2-2+4+4+4-2-3+2 = 7
     * (abs 25); AU {3} 0; UA {13} 1; GC {12} 1; CG {5} 1; GU {6} 1; UG {11} 1;
     * other {2 (A-G), 14 (G-A)} 2+0 */
    CHECK_BIN(&a->pair[g][0], 9, 9 * F, 7 * V, 25 * V);
    CHECK_BIN(&a->pair[g][1], 1, F, 0, 0);
    CHECK_BIN(&a->pair[g][2], 1, F, V, V);
    CHECK_BIN(&a->pair[g][3], 1, F, V, V);
    CHECK_BIN(&a->pair[g][4], 1, F, V, V);
    CHECK_BIN(&a->pair[g][5], 1, F, V, V);
    CHECK_BIN(&a->pair[g][6], 1, F, V, V);
    CHECK_BIN(&a->pair[g][7], 2, 2 * F, 2 * V, 2 * V);
    /* distance: 5' arm o - p + 1 (6 -> 1 ... 0 -> 7), loop p - o (7 -> 1 ... 10 -> 4),
     * 3' arm p - k + 1 (11 -> 1 ... 16 -> 6); bin 0 stays empty */
    const int d5[8] = {0, 1, 1, -2, 0, 2, -2, 2}; /* attr at distance 1..7: p = 6..0 */
    const int dl[5] = {0, 4, 4, 4, -2}, d3[7] = {0, 1, 1, 1, 0, -3, 2};
    for (int d = 1; d <= 7; d++)
        CHECK_BIN(&a->dist[g][0][d], 1, F, d5[d] * V, abs(d5[d]) * V);
    for (int d = 1; d <= 4; d++)
        CHECK_BIN(&a->dist[g][1][d], 1, F, dl[d] * V, abs(dl[d]) * V);
    for (int d = 1; d <= 6; d++)
        CHECK_BIN(&a->dist[g][2][d], 1, F, d3[d] * V, abs(d3[d]) * V);
    for (int s = 0; s < 3; s++)
        CHECK_BIN(&a->dist[g][s][0], 0, 0, 0, 0);
    CHECK_BIN(&a->dist[g][0][8], 0, 0, 0, 0);
    CHECK_BIN(&a->dist[g][1][5], 0, 0, 0, 0);
    CHECK_BIN(&a->dist[g][2][7], 0, 0, 0, 0);
}

/* Duplex {2,4,12,14} on the small hairpin: mature5p {2,3,4} 2+0-2; mature3p {12,13,14} 1+1+0;
 * loop {5..11} 1+1+4+4+4-2+1 = 13 (abs 17); basal {0,1} and {15,16} 2-2-3+2 = -1 (abs 9);
 * no flank. Cut sites 2 (drosha-5p), 5 (dicer-5p), 12 (dicer-3p), 15 (drosha-3p); offset
 * off goes to bin off + 10 when 0 <= site + off < 17. */
static void check_small_duplex(const mrl_agg_t *a, int g)
{
    const double F = 1.0 / 17, V = 1.0 / 32;
    CHECK_BIN(&a->region[g][MRL_REG_MATURE5], 3, 3 * F, 0, 4 * V);
    CHECK_BIN(&a->region[g][MRL_REG_MATURE3], 3, 3 * F, 2 * V, 2 * V);
    CHECK_BIN(&a->region[g][MRL_REG_LOOP], 7, 7 * F, 13 * V, 17 * V);
    CHECK_BIN(&a->region[g][MRL_REG_BASAL], 4, 4 * F, -1 * V, 9 * V);
    CHECK_BIN(&a->region[g][MRL_REG_FLANK], 0, 0, 0, 0);
    /* drosha-5p at 2: off -2 -> p 0 (2), off 0 -> p 2 (2), off -3 -> p -1 (none),
     * off 10 -> p 12 (1) */
    CHECK_BIN(&a->cut[g][0][8], 1, F, 2 * V, 2 * V);
    CHECK_BIN(&a->cut[g][0][10], 1, F, 2 * V, 2 * V);
    CHECK_BIN(&a->cut[g][0][7], 0, 0, 0, 0);
    CHECK_BIN(&a->cut[g][0][20], 1, F, V, V);
    /* dicer-5p at 5 (one past the 5p strand): off 0 -> p 5 (1), off -5 -> p 0 (2),
     * off -6 none, off 10 -> p 15 (-3) */
    CHECK_BIN(&a->cut[g][1][10], 1, F, V, V);
    CHECK_BIN(&a->cut[g][1][5], 1, F, 2 * V, 2 * V);
    CHECK_BIN(&a->cut[g][1][4], 0, 0, 0, 0);
    CHECK_BIN(&a->cut[g][1][20], 1, F, -3 * V, 3 * V);
    /* dicer-3p at 12: off 0 -> p 12 (1), off -10 -> p 2 (2), off 4 -> p 16 (2), off 5 none */
    CHECK_BIN(&a->cut[g][2][10], 1, F, V, V);
    CHECK_BIN(&a->cut[g][2][0], 1, F, 2 * V, 2 * V);
    CHECK_BIN(&a->cut[g][2][14], 1, F, 2 * V, 2 * V);
    CHECK_BIN(&a->cut[g][2][15], 0, 0, 0, 0);
    /* drosha-3p at 15 (one past the 3p strand): off 0 -> p 15 (-3), off 1 -> p 16 (2),
     * off 2 none, off -10 -> p 5 (1) */
    CHECK_BIN(&a->cut[g][3][10], 1, F, -3 * V, 3 * V);
    CHECK_BIN(&a->cut[g][3][11], 1, F, 2 * V, 2 * V);
    CHECK_BIN(&a->cut[g][3][12], 0, 0, 0, 0);
    CHECK_BIN(&a->cut[g][3][0], 1, F, V, V);
    double n = 0;
    for (int s = 0; s < MRL_AGG_NCUT; s++)
        for (int b = 0; b <= 2 * MRL_AGG_CUT_W; b++)
            n += a->cut[g][s][b].n;
    /* in-range offsets: site 2 -> p 0..12 (13), 5 -> 0..15 (16), 12 -> 2..16 (15),
     * 15 -> 5..16 (12) */
    CHECK_CLOSE(n, 13 + 16 + 15 + 12, 0, 0);
}

/* 3-mer windows of the small hairpin (window p = positions p..p+2), raw attr sums:
 *   p  0 CAA 2 | 1 AAA 0 | 2 AAA 0 | 3 AAC -1 | 4 ACG 0 | 5 CGU 6 | 6 GUG 9 | 7 UGU 12 |
 *   8 GUA 6 | 9 UAU 3 | 10 AUG 0 | 11 UGU 3 | 12 GUG 2 | 13 UGC -2 | 14 GCN (N: no window)
 * nw = 14, top ceil(1.4) = 2: p7 (UGU, 12) and p6 (GUG, 9); f = 2/14 = 1/7.
 * Near the loop: o - 10 = -4 <= p and p + 2 <= k + 10 = 21: all 14, so the same f. */
static void check_small_kmers(const mrl_agg_t *a, int g)
{
    const double f = 1.0 / 7;
    for (int s = 0; s < 2; s++) {
        CHECK_CLOSE(a->kmer_occ[g][s][kc("UGU")], 2, 0, 0);
        CHECK_CLOSE(a->kmer_top[g][s][kc("UGU")], 1, 0, 0);
        CHECK_CLOSE(a->kmer_exp[g][s][kc("UGU")], 2 * f, 1e-12, 0);
        /* hypergeometric: K = 2 of N = 14 windows: 2 f (1 - f) (14 - 2) / 13 = 12/49 * 12/13 */
        CHECK_CLOSE(a->kmer_var[g][s][kc("UGU")], 2 * f * (1 - f) * 12 / 13, 1e-12, 0);
        CHECK_CLOSE(a->kmer_occ[g][s][kc("GUG")], 2, 0, 0);
        CHECK_CLOSE(a->kmer_top[g][s][kc("GUG")], 1, 0, 0);
        CHECK_CLOSE(a->kmer_occ[g][s][kc("AAA")], 2, 0, 0);
        CHECK_CLOSE(a->kmer_top[g][s][kc("AAA")], 0, 0, 0);
        CHECK_CLOSE(a->kmer_exp[g][s][kc("AAA")], 2 * f, 1e-12, 0);
        CHECK_CLOSE(a->kmer_occ[g][s][kc("GCA")], 0, 0, 0); /* GCN has an N */
        double occ = 0, top = 0, ex = 0;
        for (int k = 0; k < MRL_AGG_NKMER; k++)
            occ += a->kmer_occ[g][s][k], top += a->kmer_top[g][s][k], ex += a->kmer_exp[g][s][k];
        CHECK_CLOSE(occ, 14, 0, 0);
        CHECK_CLOSE(top, 2, 0, 0);
        CHECK_CLOSE(ex, 2, 1e-12, 0);
    }
    /* UGU: enrichment 1 / (2/7) = 3.5, z = (1 - 2/7) / sqrt(12/49 * 12/13) =
     * 5 / sqrt(144/13) */
    double en, z;
    mrl_agg_kmer_stats(a, g, 0, kc("UGU"), &en, &z);
    CHECK_CLOSE(en, 3.5, 1e-12, 0);
    CHECK_CLOSE(z, 5 / sqrt(144.0 / 13), 1e-12, 0);
    /* AAA: 0 / (2/7) = 0, z = -(2/7) / sqrt(12/49 * 12/13) = -2 / sqrt(144/13) */
    mrl_agg_kmer_stats(a, g, 1, kc("AAA"), &en, &z);
    CHECK_CLOSE(en, 0, 1e-12, 0);
    CHECK_CLOSE(z, -2 / sqrt(144.0 / 13), 1e-12, 0);
    /* never seen: NaN */
    mrl_agg_kmer_stats(a, g, 0, kc("CCC"), &en, &z);
    CHECK(isnan(en) && isnan(z));
}

/* mrl_agg_add_seq with the pair table and contexts of structure st (as the pipeline hands
 * them over). */
static int add_seq(mrl_agg_t *a, int g, const char *seq, const char *st, size_t n,
                   const mrl_hairpin_t *h, const float *attr, const int *duplex)
{
    int pt[256];
    uint8_t ctx[256];
    CHECK(n <= 256);
    CHECK_INT(mrl_explain_structure(st, n, pt, ctx), 0);
    return mrl_agg_add_seq(a, g, seq, pt, ctx, n, h, attr, duplex);
}

static void test_add_seq_small(void)
{
    mrl_agg_t *a = calloc(1, sizeof *a);
    static mrl_hairpin_t h;
    if (!a)
        exit(2);
    CHECK_INT(mrl_encode_hairpin(SMALL_SEQ, 17, SMALL_ST, &h), 0);
    check_small_map(&h);
    const int dx[4] = {2, 4, 12, 14};
    const int g = MRL_OUT_TP;
    CHECK_INT(add_seq(a, g, SMALL_SEQ, SMALL_ST, 17, &h, SMALL_ATTR, dx), 0);
    CHECK_INT(a->n_seq[g], 1);
    CHECK_INT(a->n_duplex[g], 1);
    CHECK_INT(a->n_img[g], 0); /* maps are counted by mrl_agg_add_map only */
    check_small_bins(a, g);
    check_small_duplex(a, g);
    check_small_kmers(a, g);
    /* without a duplex nothing goes to regions or cuts */
    CHECK_INT(add_seq(a, MRL_OUT_TN, SMALL_SEQ, SMALL_ST, 17, &h, SMALL_ATTR, NULL), 0);
    CHECK_INT(a->n_seq[MRL_OUT_TN], 1);
    CHECK_INT(a->n_duplex[MRL_OUT_TN], 0);
    check_small_bins(a, MRL_OUT_TN);
    CHECK_BIN(&a->region[MRL_OUT_TN][MRL_REG_LOOP], 0, 0, 0, 0);
    CHECK_BIN(&a->cut[MRL_OUT_TN][1][10], 0, 0, 0, 0);
    /* the same sequence a second time into TP: every sum doubles */
    CHECK_INT(add_seq(a, g, SMALL_SEQ, SMALL_ST, 17, &h, SMALL_ATTR, dx), 0);
    CHECK_INT(a->n_seq[g], 2);
    CHECK_BIN(&a->ctx[g][MRL_CTX_TERMINAL_LOOP], 8, 8.0 / 17, 20.0 / 32, 28.0 / 32);
    CHECK_CLOSE(a->kmer_top[g][0][kc("UGU")], 2, 0, 0);
    free(a);
}

/* Only columns < used count as drawn: with used = 6 the drawn positions are the loop 7..10
 * (columns 0..3) and 6, 11, 5, 12 (columns 4, 5). attr elsewhere (even huge) is ignored.
 * Drawn attr 1 1 4 4 4 -2 1 1 (p 5..12): sum |.| = 18, frac 1/8. */
static void test_add_seq_undrawn(void)
{
    mrl_agg_t *a = calloc(1, sizeof *a);
    static mrl_hairpin_t h;
    if (!a)
        exit(2);
    CHECK_INT(mrl_encode_hairpin(SMALL_SEQ, 17, SMALL_ST, &h), 0);
    h.used = 6;
    float attr[17];
    memcpy(attr, SMALL_ATTR, sizeof attr);
    attr[0] = 1000, attr[16] = -1000, attr[4] = 500;
    const int g = MRL_OUT_FN;
    const double F = 1.0 / 8, V = 1.0 / 18;
    CHECK_INT(add_seq(a, g, SMALL_SEQ, SMALL_ST, 17, &h, attr, NULL), 0);
    CHECK_BIN(&a->ctx[g][MRL_CTX_STEM], 4, 4 * F, 4 * V, 4 * V);
    CHECK_BIN(&a->ctx[g][MRL_CTX_TERMINAL_LOOP], 4, 4 * F, 10 * V, 14 * V);
    CHECK_BIN(&a->ctx[g][MRL_CTX_FLANK5], 0, 0, 0, 0);
    CHECK_BIN(&a->ctx[g][MRL_CTX_BULGE], 0, 0, 0, 0);
    CHECK_BIN(&a->base[g][0], 1, F, -2 * V, 2 * V); /* the loop's A at 10 */
    CHECK_BIN(&a->base[g][4], 0, 0, 0, 0);          /* the N at 16 is not drawn */
    CHECK_BIN(&a->dist[g][0][1], 1, F, V, V);       /* p 6 */
    CHECK_BIN(&a->dist[g][0][3], 0, 0, 0, 0);       /* p 4 */
    /* windows fully drawn: p 5..10, sums 6 9 12 6 3 0; top ceil(0.6) = 1: p7 UGU;
     * f = 1/6; UGU at 11 (11..13) is not a window (13 undrawn) */
    CHECK_CLOSE(a->kmer_occ[g][0][kc("UGU")], 1, 0, 0);
    CHECK_CLOSE(a->kmer_top[g][0][kc("UGU")], 1, 0, 0);
    CHECK_CLOSE(a->kmer_exp[g][0][kc("UGU")], 1.0 / 6, 1e-12, 0);
    CHECK_CLOSE(a->kmer_var[g][0][kc("UGU")], 5.0 / 36, 1e-12, 0); /* K = 1: (N-1)/(N-1) */
    CHECK_CLOSE(a->kmer_occ[g][0][kc("GUG")], 1, 0, 0);            /* p6; p12 (12..14) undrawn */
    CHECK_CLOSE(a->kmer_occ[g][0][kc("AAA")], 0, 0, 0);
    free(a);
}

/* The long hairpin, n = 40: flank 0..2, '(' 3..17, loop 18..21 (o = 17, k = 22), ')' 22..36,
 * flank 37..39.
 *   seq: U G U A A A A A U G U A A A A A C C U G U A, then 18 A (22..39)
 *   attr: 16 -> 2, 18, 19, 20 -> 10, all else 0; sum 32.
 * Windows p = 0..37, all drawn and ACGU: nw = 38, top ceil(3.8) = 4. Scores (raw):
 * p18 UGU 30, p17 CUG 20, p19 GUA 20, p16 CCU 12, p20 UAA 10, p14/p15 2, the rest 0: the
 * top is {16, 17, 18, 19}, f = 4/38 = 2/19.
 * Near the loop: p >= o - 10 = 7 and p + 2 <= k + 10 = 32: p 7..30, 24 windows, the 4 top
 * ones among them: f_near = 4/24 = 1/6.
 * UGU at p 0 (far), 8 (near), 18 (near, top); GUA at 1 (far), 9, 19 (top); AAA at 3,4,5,
 * 11,12,13, 21..37 (23 windows; near: 11,12,13, 21..30 = 13). */
static const char LONG_SEQ[] = "UGUAAAAAUGUAAAAACCUGUAAAAAAAAAAAAAAAAAAA";

static void long_hairpin(mrl_hairpin_t *h, char *st, float *attr)
{
    CHECK_INT(runs(st, 3, '.', 15, '(', 4, '.', 15, ')', 3, '.', 0), 40);
    CHECK_INT((int)strlen(LONG_SEQ), 40);
    CHECK_INT(mrl_encode_hairpin(LONG_SEQ, 40, st, h), 0);
    CHECK_INT(h->loop_open, 17);
    CHECK_INT(h->loop_close, 22);
    CHECK_INT(h->used, 22); /* 4 loop columns, 15 pairs, 3 flank columns */
    CHECK(all_drawn(h, 40));
    for (int p = 0; p < 40; p++)
        attr[p] = 0;
    attr[16] = 2, attr[18] = attr[19] = attr[20] = 10;
}

static void check_long_kmers(const mrl_agg_t *a, int g)
{
    const double f = 2.0 / 19, fn = 1.0 / 6;
    CHECK_CLOSE(a->kmer_occ[g][0][kc("UGU")], 3, 0, 0);
    CHECK_CLOSE(a->kmer_top[g][0][kc("UGU")], 1, 0, 0);
    CHECK_CLOSE(a->kmer_exp[g][0][kc("UGU")], 3 * f, 1e-12, 0);
    /* hypergeometric: K = 3 of N = 38: 3 f (1 - f) 35 / 37; near: K = 2 of 24: x 22 / 23 */
    CHECK_CLOSE(a->kmer_var[g][0][kc("UGU")], 3 * f * (1 - f) * 35 / 37, 1e-12, 0);
    CHECK_CLOSE(a->kmer_occ[g][1][kc("UGU")], 2, 0, 0);
    CHECK_CLOSE(a->kmer_top[g][1][kc("UGU")], 1, 0, 0);
    CHECK_CLOSE(a->kmer_exp[g][1][kc("UGU")], 2 * fn, 1e-12, 0);
    CHECK_CLOSE(a->kmer_var[g][1][kc("UGU")], 2 * fn * (1 - fn) * 22 / 23, 1e-12, 0);
    CHECK_CLOSE(a->kmer_occ[g][0][kc("GUA")], 3, 0, 0);
    CHECK_CLOSE(a->kmer_top[g][0][kc("GUA")], 1, 0, 0);
    CHECK_CLOSE(a->kmer_occ[g][1][kc("GUA")], 2, 0, 0);
    CHECK_CLOSE(a->kmer_top[g][0][kc("CUG")], 1, 0, 0);
    CHECK_CLOSE(a->kmer_top[g][0][kc("CCU")], 1, 0, 0);
    CHECK_CLOSE(a->kmer_top[g][0][kc("UAA")], 0, 0, 0); /* p20, fifth */
    CHECK_CLOSE(a->kmer_occ[g][0][kc("AAA")], 23, 0, 0);
    CHECK_CLOSE(a->kmer_occ[g][1][kc("AAA")], 13, 0, 0);
    CHECK_CLOSE(a->kmer_exp[g][0][kc("AAA")], 23 * f, 1e-12, 0);
    CHECK_CLOSE(a->kmer_exp[g][1][kc("AAA")], 13 * fn, 1e-12, 0);
    double occ[2] = {0, 0}, top[2] = {0, 0};
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < MRL_AGG_NKMER; k++)
            occ[s] += a->kmer_occ[g][s][k], top[s] += a->kmer_top[g][s][k];
    CHECK_CLOSE(occ[0], 38, 0, 0);
    CHECK_CLOSE(occ[1], 24, 0, 0);
    CHECK_CLOSE(top[0], 4, 0, 0);
    CHECK_CLOSE(top[1], 4, 0, 0);
    /* UGU: scope 0 enrichment 1 / (6/19) = 19/6, z = (13/19) / sqrt(102/361 * 35/37) =
     * 13 / sqrt(102 * 35/37); near: 1 / (1/3) = 3, z = (2/3) / sqrt(10/36 * 22/23) =
     * 4 / sqrt(10 * 22/23) */
    double en, z;
    mrl_agg_kmer_stats(a, g, 0, kc("UGU"), &en, &z);
    CHECK_CLOSE(en, 19.0 / 6, 1e-12, 0);
    CHECK_CLOSE(z, 13 / sqrt(102.0 * 35 / 37), 1e-12, 0);
    mrl_agg_kmer_stats(a, g, 1, kc("UGU"), &en, &z);
    CHECK_CLOSE(en, 3, 1e-12, 0);
    CHECK_CLOSE(z, 4 / sqrt(10.0 * 22 / 23), 1e-12, 0);
}

/* The long hairpin with the duplex mrl_duplex_regions infers from a 5p mature 14..17:
 * a = 14 pairs with 25 -> d = 27; b - 2 = 15 pairs with 24 = c. Regions: flank 0..2, basal
 * 3..13, mature5p 14..17, loop 18..23, mature3p 24..27, basal 28..38, flank 39. */
static void test_add_seq_long(void)
{
    mrl_agg_t *a = calloc(1, sizeof *a);
    static mrl_hairpin_t h;
    char st[64];
    float attr[40];
    int pt[64], dx[4];
    if (!a)
        exit(2);
    long_hairpin(&h, st, attr);
    partners(st, pt);
    const int range[4] = {14, 17, -1, -1};
    CHECK_INT(mrl_duplex_regions(pt, 40, range, dx, NULL), 0);
    CHECK_RANGE(dx, 14, 17, 24, 27);
    const int g = MRL_OUT_TN;
    CHECK_INT(add_seq(a, g, LONG_SEQ, st, 40, &h, attr, dx), 0);
    check_long_kmers(a, g);
    const double F = 1.0 / 40, V = 1.0 / 32;
    CHECK_BIN(&a->region[g][MRL_REG_FLANK], 4, 4 * F, 0, 0);
    CHECK_BIN(&a->region[g][MRL_REG_BASAL], 22, 22 * F, 0, 0);
    CHECK_BIN(&a->region[g][MRL_REG_MATURE5], 4, 4 * F, 2 * V, 2 * V);
    CHECK_BIN(&a->region[g][MRL_REG_LOOP], 6, 6 * F, 30 * V, 30 * V);
    CHECK_BIN(&a->region[g][MRL_REG_MATURE3], 4, 4 * F, 0, 0);
    /* cuts at 14, 18, 24, 28: p 18 is drosha-5p +4, dicer-5p 0, dicer-3p -6, drosha-3p
     * -10; p 16 is drosha-5p +2, dicer-5p -2; drosha-3p +11 (p 39) is outside the window */
    CHECK_BIN(&a->cut[g][0][14], 1, F, 10 * V, 10 * V);
    CHECK_BIN(&a->cut[g][0][12], 1, F, 2 * V, 2 * V);
    CHECK_BIN(&a->cut[g][1][10], 1, F, 10 * V, 10 * V);
    CHECK_BIN(&a->cut[g][1][8], 1, F, 2 * V, 2 * V);
    CHECK_BIN(&a->cut[g][2][4], 1, F, 10 * V, 10 * V);
    CHECK_BIN(&a->cut[g][3][0], 1, F, 10 * V, 10 * V);
    CHECK_BIN(&a->cut[g][3][20], 1, F, 0, 0);
    /* the loop: positions 18..21 at distances 1..4 */
    CHECK_BIN(&a->dist[g][1][1], 1, F, 10 * V, 10 * V);
    CHECK_BIN(&a->dist[g][1][4], 1, F, 0, 0);
    CHECK_BIN(&a->dist[g][0][2], 1, F, 2 * V, 2 * V); /* p 16 = o - 2 + 1 */
    CHECK_BIN(&a->dist[g][2][18], 1, F, 0, 0);        /* p 39 = k + 17 */
    CHECK_BIN(&a->dist[g][2][19], 0, 0, 0, 0);

    /* Both hairpins in one group: expectations add each sequence's own top fraction.
     * UGU scope 0: occ 2 + 3, top 1 + 1, exp 2/7 + 6/19, var 12/49 + 102/361;
     * near: occ 2 + 2, top 2, exp 2/7 + 1/3, var 12/49 + 10/36. */
    static mrl_hairpin_t hs;
    CHECK_INT(mrl_encode_hairpin(SMALL_SEQ, 17, SMALL_ST, &hs), 0);
    const int gg = MRL_OUT_FP;
    CHECK_INT(add_seq(a, gg, SMALL_SEQ, SMALL_ST, 17, &hs, SMALL_ATTR, NULL), 0);
    CHECK_INT(add_seq(a, gg, LONG_SEQ, st, 40, &h, attr, NULL), 0);
    CHECK_INT(a->n_seq[gg], 2);
    CHECK_INT(a->n_duplex[gg], 0);
    CHECK_CLOSE(a->kmer_occ[gg][0][kc("UGU")], 5, 0, 0);
    CHECK_CLOSE(a->kmer_top[gg][0][kc("UGU")], 2, 0, 0);
    CHECK_CLOSE(a->kmer_exp[gg][0][kc("UGU")], 2.0 / 7 + 6.0 / 19, 1e-12, 0);
    CHECK_CLOSE(a->kmer_var[gg][0][kc("UGU")], 12.0 / 49 * 12 / 13 + 102.0 / 361 * 35 / 37, 1e-12,
                0);
    CHECK_CLOSE(a->kmer_occ[gg][1][kc("UGU")], 4, 0, 0);
    CHECK_CLOSE(a->kmer_top[gg][1][kc("UGU")], 2, 0, 0);
    CHECK_CLOSE(a->kmer_exp[gg][1][kc("UGU")], 2.0 / 7 + 1.0 / 3, 1e-12, 0);
    CHECK_CLOSE(a->kmer_var[gg][1][kc("UGU")], 12.0 / 49 * 12 / 13 + 10.0 / 36 * 22 / 23, 1e-12, 0);
    /* frac sums per sequence: stem 8/17 + 30/40; shares 7/32 (small) + 2/32 (p 16, long) */
    CHECK_BIN(&a->ctx[gg][MRL_CTX_STEM], 38, 8.0 / 17 + 30.0 / 40, 9.0 / 32, 9.0 / 32);
    free(a);
}

static void test_add_seq_errors(void)
{
    mrl_agg_t *a = calloc(1, sizeof *a);
    static mrl_hairpin_t h;
    if (!a)
        exit(2);
    CHECK_INT(mrl_encode_hairpin(SMALL_SEQ, 17, SMALL_ST, &h), 0);
    const char *s = SMALL_SEQ;
    const float *at = SMALL_ATTR;
    int pt[17];
    uint8_t cx[17];
    CHECK_INT(mrl_explain_structure(SMALL_ST, 17, pt, cx), 0);
    CHECK_INT(mrl_agg_add_seq(NULL, 0, s, pt, cx, 17, &h, at, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_add_seq(a, 0, NULL, pt, cx, 17, &h, at, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_add_seq(a, 0, s, NULL, cx, 17, &h, at, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_add_seq(a, 0, s, pt, NULL, 17, &h, at, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_add_seq(a, 0, s, pt, cx, 17, NULL, at, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_add_seq(a, 0, s, pt, cx, 17, &h, NULL, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_add_seq(a, -1, s, pt, cx, 17, &h, at, NULL), MRL_ERR_ARG);
    CHECK_INT(mrl_agg_add_seq(a, MRL_NOUTCOMES, s, pt, cx, 17, &h, at, NULL), MRL_ERR_ARG);
    /* unbalanced structures are refused where the pair table is made (test_explain) */
    /* nothing was counted */
    long n = 0;
    for (int g = 0; g < MRL_NOUTCOMES; g++)
        n += a->n_seq[g] + a->n_duplex[g];
    CHECK_INT(n, 0);
    CHECK_BIN(&a->ctx[0][MRL_CTX_STEM], 0, 0, 0, 0);
    free(a);
}

int main(void)
{
    snprintf(tmp_dir_path, sizeof tmp_dir_path, "/tmp/mrl_test_aggregate.%ld", (long)getpid());
    if (mkdir(tmp_dir_path, 0700) != 0) {
        perror(tmp_dir_path);
        return 2;
    }
    test_mature_good();
    test_mature_bad();
    test_mature_split();
    test_duplex_perfect();
    test_duplex_refused();
    test_duplex_bulges();
    test_duplex_clamp();
    test_names();
    test_add_map();
    test_add_seq_small();
    test_add_seq_undrawn();
    test_add_seq_long();
    test_add_seq_errors();
    rmdir(tmp_dir_path);
    return test_summary("test_aggregate");
}
