/*
 * test_report.c - the drawing pieces of src/report/: the one colour map (white at 0,
 * Moreland's ends at -1 and 1, clamped, NaN white), the one escape, unique file names, the
 * table of strongest positions, the hairpin SVG (rungs from the pair table, the loop on an
 * arc, a line without a hairpin, 5'/3' labels, ticks, the mature ring, the colour bar's
 * numbers), the 5x7 font, the overlay's size, title and numbered colour bar, the units, and
 * the unit-square curve.
 */
#include <unistd.h>
#include "mirlens.h"
#include "report/report.h"
#include "test.h"

/* What fn wrote to a memory stream. */
static char *captured(void (*fn)(FILE *fp, const void *arg), const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        exit(2);
    fn(fp, arg);
    fclose(fp);
    return buf;
}

static void escape_fn(FILE *fp, const void *arg)
{
    mrl_report_escape(fp, arg);
}

static void test_colour_escape(void)
{
    uint8_t c[3];
    mrl_report_colour(0, c);
    CHECK(c[0] == 255 && c[1] == 255 && c[2] == 255);
    mrl_report_colour(1, c);
    CHECK(c[0] == 180 && c[1] == 4 && c[2] == 38);
    mrl_report_colour(-7, c); /* clamped */
    CHECK(c[0] == 59 && c[1] == 76 && c[2] == 192);
    mrl_report_colour(NAN, c);
    CHECK(c[0] == 255 && c[1] == 255 && c[2] == 255);
    char *s = captured(escape_fn, "a<b>&\"c' d");
    CHECK_STR(s, "a&lt;b&gt;&amp;&quot;c' d");
    free(s);
}

static void test_names(void)
{
    mrl_report_names_t *ns = mrl_report_names_new();
    char out[160];
    CHECK(ns != NULL);
    if (!ns)
        return;
    CHECK(mrl_report_names_unique(ns, "hsa/mir 1", out, sizeof out) == 0);
    CHECK_STR(out, "hsa_mir_1");
    CHECK(mrl_report_names_unique(ns, "HSA_MIR_1", out, sizeof out) == 0);
    CHECK_STR(out, "HSA_MIR_1_2");
    CHECK(mrl_report_names_unique(ns, "", out, sizeof out) == 0);
    CHECK_STR(out, "seq");
    CHECK(mrl_report_names_unique(ns, ".hidden", out, sizeof out) == 0);
    CHECK_STR(out, "_hidden");
    mrl_report_names_free(ns);
    mrl_report_names_free(NULL);
}

/* ((((...)))) with attr 0.1 p: the strongest positions first, partners 1-based. */
static const char *const seq = "GGGAAAACCCU";
static const char *const st = "(((....))).";

static void top_fn(FILE *fp, const void *arg)
{
    const float *attr = arg;
    int pt[11];
    uint8_t cx[11];
    if (mrl_explain_structure(st, 11, pt, cx) == 0)
        mrl_report_top_table(fp, seq, 11, pt, cx, attr, 2);
}

static void test_top_table(void)
{
    float attr[11];
    for (int p = 0; p < 11; p++)
        attr[p] = 0.1f * (float)p;
    attr[1] = -2;
    char *s = captured(top_fn, attr);
    /* position 2 (-2, paired with 9) first, then position 11 (1.0, 3' flank) */
    const char *a = strstr(s, "<td>2</td><td>G</td><td>9</td><td>stem</td><td class=\"neg\">-2"),
               *b = strstr(s, "<td>11</td><td>U</td><td>.</td><td>flank3</td><td class=\"pos\">1");
    CHECK(a && b && a < b);
    CHECK(strstr(s, "<td>10</td>") == NULL);
    free(s);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = calloc(1, 1 << 16);
    if (f && buf)
        CHECK(fread(buf, 1, (1 << 16) - 1, f) > 0);
    if (f)
        fclose(f);
    return buf;
}

static void test_hairpin_svg(void)
{
    char path[] = "/tmp/mirlens_test_report_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    static mrl_hairpin_t h;
    int pt[11];
    uint8_t cx[11];
    float attr[11] = {0};
    attr[4] = 1;
    CHECK(mrl_explain_structure(st, 11, pt, cx) == 0);
    CHECK(mrl_encode_hairpin(seq, 11, st, &h) == 0);
    const int mature[4] = {1, 3, -1, -1};
    CHECK(mrl_report_hairpin_svg(path, seq, 11, pt, &h, attr, "a<b", mature, "u/nt") == 0);
    char *s = slurp(path);
    CHECK(s && strstr(s, ">a&lt;b</text>") && strstr(s, "</svg>"));
    /* 5' and 3' at the ends, position 10 numbered (11 nt: one tick), positions 2-4 ringed
     * as mature, the colour bar numbered -1, 0, 1 in the unit given */
    CHECK(s && strstr(s, "class=\"end5\"") && strstr(s, "class=\"end3\""));
    CHECK(s && strstr(s, "class=\"tick\"") && strstr(strstr(s, "class=\"tick\""), ">10</text>") &&
          !strstr(strstr(s, "class=\"tick\"") + 1, "class=\"tick\""));
    int rings = 0;
    for (const char *q = s; q && (q = strstr(q, " mature</title>")); q++)
        rings++;
    CHECK_INT(rings, 3);
    CHECK(s && strstr(s, "<title>2 G 0 mature</title>") && strstr(s, "mature miRNA</text>"));
    CHECK(s && strstr(s, "class=\"barnum\" x=\"24\" y=\"186\">-1<") &&
          strstr(s, "class=\"barnum\" x=\"184\" y=\"186\">1<") && strstr(s, ">u/nt</text>"));
    /* 3 rungs; the strongest nucleotide in the red end, the others white */
    int rungs = 0;
    for (const char *q = s; q && (q = strstr(q, "<line ")); q++)
        rungs++;
    CHECK_INT(rungs, 3);
    CHECK(s && strstr(s, "<title>5 A 1</title>") && strstr(s, "fill=\"#b40426\""));
    free(s);
    /* no hairpin: one line of circles, no rungs drawn from a pair table without pairs */
    int none[11];
    for (int p = 0; p < 11; p++)
        none[p] = -1;
    CHECK(mrl_report_hairpin_svg(path, seq, 11, none, NULL, attr, NULL, NULL, NULL) == 0);
    s = slurp(path);
    CHECK(s && !strstr(s, "<line ") && strstr(s, "cx=\"220.0\" cy=\"60.0\""));
    CHECK(s && !strstr(s, "mature") && strstr(s, ">attribution</text>"));
    free(s);
    CHECK(mrl_report_hairpin_svg(path, seq, 0, pt, &h, attr, NULL, NULL, NULL) == MRL_ERR_ARG);
    remove(path);
}

static void test_overlay_curve(void)
{
    static mrl_hairpin_t h;
    float map[MRL_IMG_H * MRL_IMG_W] = {0};
    uint8_t *pic = NULL;
    int w = 0, ht = 0;
    CHECK(mrl_encode_hairpin(seq, 11, st, &h) == 0);
    map[12 * MRL_IMG_W] = 1;
    /* scale 2: font dots of 1 px, 9-px lines; no texts: the panels, gaps, bar (4), ticks (2),
     * one line of numbers and a 1-px margin */
    CHECK(mrl_report_overlay(h.rgb, map, 2, NULL, NULL, &pic, &w, &ht) == 0);
    CHECK(w == 200 && ht == 2 * 50 + 2 * 2 + 4 + 2 + 9 + 1);
    free(pic);
    /* a title line (9 + 1) and a unit line (9); the only non-zero value is 1, so the ticks
     * read -1, -0.5, 0, 0.5, 1: the "0" under the middle tick (x = 2 * 199 / 4 = 99) starts
     * at x = 99 - 5 / 2 = 97, its top row (.###.) 3 px below the bar's end at y = 10 + 50 +
     * 2 + 50 + 2 + 4 = 118 */
    CHECK(mrl_report_overlay(h.rgb, map, 2, "t", "u", &pic, &w, &ht) == 0);
    CHECK(w == 200 && ht == 10 + 2 * 50 + 2 * 2 + 4 + 2 + 9 + 9 + 1);
    const uint8_t *row = pic + (size_t)121 * 200 * 3;
    CHECK(row[97 * 3] == 255 && row[98 * 3] == 34 && row[99 * 3] == 34 && row[100 * 3] == 34 &&
          row[101 * 3] == 255);
    CHECK(pic[(1 * 200 + 3) * 3] == 0); /* the title's T: top row ##### from x = 1 */
    free(pic);
    CHECK(mrl_report_overlay(h.rgb, map, 1, NULL, NULL, &pic, &w, &ht) == MRL_ERR_ARG);
    char path[] = "/tmp/mirlens_test_curve_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    const double x[3] = {0, 0.5, 1}, y[3] = {0, 0.75, 1};
    CHECK(mrl_report_curve_svg(path, "ROC", "fpr", "tpr", x, y, 3, 0.625, 1) == 0);
    char *s = slurp(path);
    CHECK(s && strstr(s, "ROC (area 0.6250)") && strstr(s, "stroke-dasharray=\"4\"") &&
          strstr(s, "points=\"60.0,360.0 220.0,120.0 380.0,40.0 \""));
    free(s);
    remove(path);
}

/* The 5x7 font: "1" drawn with 1-px dots (.#... rows, hand-copied from the classic glyph),
 * doubled dots, widths, clipping, and unknown characters as '?'. */
static void test_font(void)
{
    static const char *const one[7] = {"..#..", ".##..", "..#..", "..#..",
                                       "..#..", "..#..", ".###."};
    uint8_t img[9 * 8 * 3];
    const uint8_t ink[3] = {1, 2, 3};
    memset(img, 255, sizeof img);
    CHECK_INT(rpt_font_draw(img, 8, 9, 1, 1, 1, "1", ink), 6);
    int same = 1;
    for (int y = 0; y < 9; y++)
        for (int x = 0; x < 8; x++) {
            int on = y >= 1 && y < 8 && x >= 1 && x < 6 && one[y - 1][x - 1] == '#';
            same &= img[(y * 8 + x) * 3] == (on ? 1 : 255);
        }
    CHECK(same);
    CHECK_INT(rpt_font_width("ab", 1), 11);
    CHECK_INT(rpt_font_width("ab", 2), 22);
    CHECK_INT(rpt_font_width("", 2), 0);
    /* a glyph that does not fit is left out; lower case and '?' for the unknown */
    memset(img, 255, sizeof img);
    CHECK_INT(rpt_font_draw(img, 8, 9, 4, 0, 1, "1", ink), 0);
    uint8_t a[7 * 6 * 3], b[7 * 6 * 3];
    memset(a, 255, sizeof a), memset(b, 255, sizeof b);
    rpt_font_draw(a, 6, 7, 0, 0, 1, "g", ink), rpt_font_draw(b, 6, 7, 0, 0, 1, "G", ink);
    CHECK(memcmp(a, b, sizeof a) == 0);
    memset(a, 255, sizeof a), memset(b, 255, sizeof b);
    rpt_font_draw(a, 6, 7, 0, 0, 1, "~", ink), rpt_font_draw(b, 6, 7, 0, 0, 1, "?", ink);
    CHECK(memcmp(a, b, sizeof a) == 0);
    char num[32];
    rpt_num(num, sizeof num, -0.0);
    CHECK_STR(num, "0");
    rpt_num(num, sizeof num, -0.123456);
    CHECK_STR(num, "-0.12");
}

/* Units by kind of method; the recorded sanity verdicts of the methods the issue names. */
static void test_units_verdicts(void)
{
    CHECK_STR(mrl_report_unit(MRL_EXPLAIN_IG, 0), "logit contribution per pixel");
    CHECK_STR(mrl_report_unit(MRL_EXPLAIN_IG, 1), "logit contribution per nucleotide");
    CHECK_STR(mrl_report_unit(MRL_EXPLAIN_SMOOTHGRAD_GUIDED, 0), "logit gradient per pixel");
    const char *why = NULL;
    CHECK_INT(mrl_explain_method_sanity(MRL_EXPLAIN_IG, &why), 1);
    CHECK(why && strstr(why, "faithful"));
    CHECK_INT(mrl_explain_method_sanity(MRL_EXPLAIN_SMOOTHGRAD_GUIDED, &why), 0);
    CHECK(why && strstr(why, "cascade 0.80"));
    CHECK_INT(mrl_explain_method_sanity(MRL_EXPLAIN_GUIDED, NULL), 0);
    CHECK_INT(mrl_explain_method_sanity(MRL_EXPLAIN_OCCLUSION_NT, NULL), 1);
    CHECK_INT(mrl_explain_method_sanity(MRL_EXPLAIN_NMETHODS, &why), -1);
    for (int k = 0; k < MRL_EXPLAIN_NMETHODS; k++) { /* every entry filled */
        CHECK(mrl_explain_method_sanity(k, &why) >= 0 && why && *why);
    }
    mrl_explain_opts_t o;
    mrl_explain_opts_default(&o);
    CHECK_INT(o.method, MRL_EXPLAIN_IG);
}

int main(void)
{
    test_font();
    test_units_verdicts();
    test_colour_escape();
    test_names();
    test_top_table();
    test_hairpin_svg();
    test_overlay_curve();
    return test_summary("test_report");
}
