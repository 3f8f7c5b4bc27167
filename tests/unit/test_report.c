/*
 * test_report.c - the drawing pieces of src/report/: the one colour map (white at 0,
 * Moreland's ends at -1 and 1, clamped, NaN white), the one escape, unique file names, the
 * table of strongest positions, the hairpin SVG (rungs from the pair table, the loop on an
 * arc, a line without a hairpin), the overlay's size, and the unit-square curve.
 */
#include <unistd.h>
#include "mirlens.h"
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
    CHECK(mrl_report_hairpin_svg(path, seq, 11, pt, &h, attr, "a<b") == 0);
    char *s = slurp(path);
    CHECK(s && strstr(s, ">a&lt;b</text>") && strstr(s, "</svg>"));
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
    CHECK(mrl_report_hairpin_svg(path, seq, 11, none, NULL, attr, NULL) == 0);
    s = slurp(path);
    CHECK(s && !strstr(s, "<line ") && strstr(s, "cx=\"220.0\" cy=\"60.0\""));
    free(s);
    CHECK(mrl_report_hairpin_svg(path, seq, 0, pt, &h, attr, NULL) == MRL_ERR_ARG);
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
    CHECK(mrl_report_overlay(h.rgb, map, 2, &pic, &w, &ht) == 0);
    CHECK(w == 200 && ht == 2 * 50 + 2 * 2 + 4);
    free(pic);
    CHECK(mrl_report_overlay(h.rgb, map, 1, &pic, &w, &ht) == MRL_ERR_ARG);
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

int main(void)
{
    test_colour_escape();
    test_names();
    test_top_table();
    test_hairpin_svg();
    test_overlay_curve();
    return test_summary("test_report");
}
