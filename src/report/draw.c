/*
 * draw.c - the pictures of one hairpin and the pieces every page shares: the one diverging
 * colour map (blue - white - red between Moreland's ends), the one HTML / XML escape, the
 * overlay of an attribution map on its enlarged hairpin image with a colour bar, an SVG of
 * the folded hairpin with every nucleotide coloured by its attribution (the two arms side
 * by side, as miRBase draws them), and the table of a map's strongest positions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "report.h"

#define MATURE_INK "#e08a00" /* the ring of a mature miRNA's nucleotides */

/* ---- colours, escapes ------------------------------------------------------------- */

void mrl_report_colour(float v, uint8_t rgb[3])
{
    static const float neg[3] = {59, 76, 192}, pos[3] = {180, 4, 38}; /* Moreland's ends */
    if (!(v == v))
        v = 0;
    v = MRL_MAX(-1.0f, MRL_MIN(1.0f, v));
    const float *end = v < 0 ? neg : pos;
    float t = fabsf(v);
    for (int c = 0; c < 3; c++)
        rgb[c] = (uint8_t)lrintf(255.0f + t * (end[c] - 255.0f));
}

void mrl_report_escape(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '&':
            fputs("&amp;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        default:
            fputc(*s, fp);
        }
    }
}

static float max_abs(const float *v, size_t n)
{
    float m = 0;
    for (size_t i = 0; i < n; i++)
        m = MRL_MAX(m, fabsf(v[i]));
    return m;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The 98th percentile of the non-zero magnitudes (captum's outlier_perc = 2), so that a
 * few extreme pixels do not wash the rest of the map out; they saturate instead. */
static float robust_max(const float *v, size_t n)
{
    float *a = malloc(n * sizeof(float));
    if (!a)
        return max_abs(v, n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != 0)
            a[m++] = fabsf(v[i]);
    float r = 0;
    if (m) {
        qsort(a, m, sizeof(float), cmp_float);
        r = a[(size_t)(0.98 * (double)(m - 1))];
    }
    free(a);
    return r;
}

void rpt_num(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, "%.2g", v);
    if (!strcmp(buf, "-0"))
        snprintf(buf, cap, "0");
}

/* The colour bar of the overlay from row y0 (bar rows high, W wide): the diverging colours
 * from -mx to +mx, five ticks with their values below, and the unit under them. */
static void colour_bar(uint8_t *o, int W, int H, int y0, int bar, int ps, float mx,
                       const char *unit)
{
    static const uint8_t ink[3] = {34, 34, 34};
    for (int y = y0; y < y0 + bar; y++)
        for (int x = 0; x < W; x++)
            mrl_report_colour(2.0f * ((float)x + 0.5f) / (float)W - 1.0f,
                              o + 3 * ((size_t)y * (size_t)W + (size_t)x));
    int ty = y0 + bar, tick = 2 * ps;
    for (int t = 0; t <= 4; t++) {
        int x = t * (W - ps) / 4; /* the last tick inside the picture */
        for (int y = ty; y < ty + tick; y++)
            for (int dx = 0; dx < ps; dx++)
                memcpy(o + 3 * ((size_t)y * (size_t)W + (size_t)(x + dx)), ink, 3);
        char num[32];
        rpt_num(num, sizeof num, (double)mx * (t - 2) / 2.0);
        int tw = rpt_font_width(num, ps), lx = x - tw / 2;
        lx = MRL_MAX(0, MRL_MIN(W - tw, lx));
        rpt_font_draw(o, W, H, lx, ty + tick + ps, ps, num, ink);
    }
    if (unit)
        rpt_font_draw(o, W, H, MRL_MAX(0, (W - rpt_font_width(unit, ps)) / 2), ty + tick + 10 * ps,
                      ps, unit, ink);
}

int mrl_report_overlay(const uint8_t *rgb, const float *map, int scale, const char *title,
                       const char *unit, uint8_t **out, int *w, int *h)
{
    if (!rgb || !map || !out || scale < 2 || scale > 16)
        return mrl_err_set(MRL_ERR_ARG, "overlay: bad arguments");
    /* a title line, the image, a gap, the overlay, a gap, the colour bar, its ticks,
     * numbers and unit; texts in dots of ps pixels, 9 dots a line */
    int W = MRL_IMG_W * scale, panel = MRL_IMG_H * scale, gap = scale, bar = 2 * scale;
    int ps = MRL_MAX(1, scale / 4), line = 9 * ps, head = title ? line + ps : 0;
    int H = head + 2 * panel + 2 * gap + bar + 2 * ps + line + (unit ? line : 0) + ps;
    uint8_t *o = malloc((size_t)W * (size_t)H * 3);
    if (!o)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    memset(o, 255, (size_t)W * (size_t)H * 3);
    float mx = robust_max(map, MRL_IMG_H * MRL_IMG_W);
    float inv = mx > 0 ? 1.0f / mx : 0;
    for (int y = 0; y < panel; y++)
        for (int x = 0; x < W; x++) {
            int p = (y / scale) * MRL_IMG_W + x / scale;
            const uint8_t *b = rgb + 3 * p;
            uint8_t heat[3];
            mrl_report_colour(map[p] * inv, heat);
            int white = b[0] == 255 && b[1] == 255 && b[2] == 255;
            uint8_t *top = o + 3 * ((size_t)(y + head) * (size_t)W + (size_t)x);
            uint8_t *mid = o + 3 * ((size_t)(y + head + panel + gap) * (size_t)W + (size_t)x);
            /* drawn pixels: the map's colour darkened a little by the base's grey level, so
             * the bars stay visible without their colours competing with the map's */
            int grey = (77 * b[0] + 151 * b[1] + 28 * b[2]) >> 8;
            for (int c = 0; c < 3; c++) {
                top[c] = b[c];
                mid[c] = white ? heat[c] : (uint8_t)(heat[c] * (192 + grey / 4) / 255);
            }
        }
    if (title) {
        static const uint8_t ink[3] = {0, 0, 0};
        rpt_font_draw(o, W, H, ps, ps, ps, title, ink);
    }
    colour_bar(o, W, H, head + 2 * panel + 2 * gap, bar, ps, mx, unit);
    *out = o, *w = W, *h = H;
    return 0;
}

/* ---- SVG of the structure ----------------------------------------------------------- */

typedef struct pt {
    float x, y;
} pt_t;

/* Hairpin layout: from the chosen loop outwards, a pair is a column with the 5' base on top
 * and the 3' base below; an unpaired base takes a column of its own unless it faces an
 * unpaired base on the other arm (an interior loop); the loop bases lie on an arc. */
static void layout(const int *pt, size_t n, int o, int k, pt_t *xy)
{
    const float dx = 20, top = 60, bot = 110;
    int col = 0, i = o, j = k;
    float *cx = malloc(n * sizeof(float));
    int *row = malloc(n * sizeof(int));
    if (!cx || !row) { /* a straight line: still a picture */
        for (size_t p = 0; p < n; p++)
            xy[p] = (pt_t){20 + dx * (float)p, top};
        free(cx), free(row);
        return;
    }
    while (i >= 0 || j < (int)n) {
        int ui = i >= 0 && pt[i] < 0, uj = j < (int)n && pt[j] < 0;
        if (i >= 0 && j < (int)n && pt[i] == j) {
            cx[i] = cx[j] = (float)col, row[i] = 0, row[j] = 1, i--, j++;
        } else if (ui || uj) {
            if (ui)
                cx[i] = (float)col, row[i] = 0, i--;
            if (uj)
                cx[j] = (float)col, row[j] = 1, j++;
        } else if (i >= 0) {
            cx[i] = (float)col, row[i] = 0, i--;
        } else {
            cx[j] = (float)col, row[j] = 1, j++;
        }
        col++;
    }
    float right = 40 + dx * (float)col; /* column 0 (at the loop) is on the right */
    for (size_t p = 0; p < n; p++)
        if ((int)p <= o || (int)p >= k)
            xy[p] = (pt_t){right - dx * cx[p], row[p] ? bot : top};
    int L = k - o - 1;
    float r = (bot - top) / 2, cy = (top + bot) / 2, x0 = right + dx * 0.6f;
    for (int t = 0; t < L; t++) { /* from the top arm round to the bottom arm */
        double a = M_PI / 2 - M_PI * (t + 1) / (L + 1);
        xy[o + 1 + t] = (pt_t){x0 + (r + (float)L) * (float)cos(a), cy - r * (float)sin(a)};
    }
    free(cx), free(row);
}

/* Whether p is in a mature range {s5, e5, s3, e3} (0-based inclusive, -1 for none). */
static int in_mature(const int *mature, size_t p)
{
    for (int a = 0; mature && a < 2; a++)
        if (mature[2 * a] >= 0 && (int)p >= mature[2 * a] && (int)p <= mature[2 * a + 1])
            return 1;
    return 0;
}

/* 5'/3' at the ends and the position every 10 nt, set outwards from the drawing's middle
 * line (y = mid): above the 5' arm, below the 3' arm, beside the loop. */
static void svg_labels(FILE *fp, size_t n, const pt_t *xy, float mid)
{
    fputs("<g font-family=\"sans-serif\" font-size=\"10\" fill=\"#555\" "
          "text-anchor=\"middle\">\n",
          fp);
    for (size_t p = 9; p < n; p += 10) {
        float dy = xy[p].y < mid - 1 ? -13 : xy[p].y > mid + 1 ? 21 : 4;
        float dx = dy == 4 ? 16 : 0;
        fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%zu</text>\n",
                (double)(xy[p].x + dx), (double)(xy[p].y + dy), p + 1);
    }
    fputs("</g>\n<g font-family=\"sans-serif\" font-size=\"12\" font-weight=\"bold\" "
          "text-anchor=\"end\">\n",
          fp);
    fprintf(fp, "<text class=\"end5\" x=\"%.1f\" y=\"%.1f\">5&#8242;</text>\n",
            (double)xy[0].x - 11, (double)xy[0].y + 4);
    int line = n > 1 && xy[n - 1].y == xy[0].y; /* no hairpin: 3' at the right end */
    fprintf(fp, "<text class=\"end3\" x=\"%.1f\" y=\"%.1f\"%s>3&#8242;</text>\n</g>\n",
            (double)xy[n - 1].x + (line ? 11 : -11), (double)xy[n - 1].y + 4,
            line ? " text-anchor=\"start\"" : "");
}

static void svg_body(FILE *fp, const char *seq, const int *pt, size_t n, const pt_t *xy,
                     const float *attr, float mx, const int *mature)
{
    fputs("<g stroke=\"#999\" stroke-width=\"1.5\" fill=\"none\">\n<polyline points=\"", fp);
    for (size_t p = 0; p < n; p++)
        fprintf(fp, "%.1f,%.1f ", (double)xy[p].x, (double)xy[p].y);
    fputs("\"/>\n", fp);
    for (size_t p = 0; p < n; p++)
        if (pt[p] > (int)p)
            fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                    (double)xy[p].x, (double)xy[p].y, (double)xy[pt[p]].x, (double)xy[pt[p]].y);
    fputs("</g>\n<g font-family=\"monospace\" font-size=\"11\" text-anchor=\"middle\">\n", fp);
    for (size_t p = 0; p < n; p++) {
        uint8_t c[3];
        int m = in_mature(mature, p);
        mrl_report_colour(mx > 0 ? attr[p] / mx : 0, c);
        fprintf(fp,
                "<g><title>%zu %c %.4g%s</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" "
                "fill=\"#%02x%02x%02x\" stroke=\"%s\"%s/><text x=\"%.1f\" "
                "y=\"%.1f\">%c</text></g>\n",
                p + 1, seq[p], (double)attr[p], m ? " mature" : "", (double)xy[p].x,
                (double)xy[p].y, c[0], c[1], c[2], m ? MATURE_INK : "#444",
                m ? " stroke-width=\"3\"" : "", (double)xy[p].x, (double)xy[p].y + 4, seq[p]);
    }
    fputs("</g>\n", fp);
}

/* The colour bar under the drawing: -mx, 0, +mx, the unit; the mature ring's key. */
static void svg_key(FILE *fp, float mx, const char *unit, int mature)
{
    fputs("<g font-family=\"sans-serif\" font-size=\"11\">\n", fp);
    for (int i = 0; i < 21; i++) {
        uint8_t c[3];
        mrl_report_colour((float)(i - 10) / 10.0f, c);
        fprintf(fp, "<rect x=\"%d\" y=\"160\" width=\"8\" height=\"12\" fill=\"#%02x%02x%02x\"/>\n",
                20 + 8 * i, c[0], c[1], c[2]);
    }
    char lo[32], hi[32];
    rpt_num(lo, sizeof lo, (double)-mx);
    rpt_num(hi, sizeof hi, (double)mx);
    fprintf(fp,
            "<g text-anchor=\"middle\"><text class=\"barnum\" x=\"24\" y=\"186\">%s</text>"
            "<text class=\"barnum\" x=\"104\" y=\"186\">0</text><text class=\"barnum\" "
            "x=\"184\" y=\"186\">%s</text></g>\n<text class=\"unit\" x=\"200\" y=\"170\">",
            lo, hi);
    mrl_report_escape(fp, unit ? unit : "attribution");
    fputs("</text>\n", fp);
    if (mature)
        fprintf(fp,
                "<circle cx=\"28\" cy=\"204\" r=\"6\" fill=\"white\" stroke=\"%s\" "
                "stroke-width=\"3\"/><text x=\"40\" y=\"208\">mature miRNA</text>\n",
                MATURE_INK);
    fputs("</g>\n", fp);
}

int mrl_report_hairpin_svg(const char *path, const char *seq, size_t n, const int *pt,
                           const mrl_hairpin_t *h, const float *attr, const char *title,
                           const int *mature, const char *unit)
{
    if (!path || !seq || !pt || !attr || n == 0)
        return mrl_err_set(MRL_ERR_ARG, "svg: bad arguments");
    pt_t *xy = malloc(n * sizeof *xy);
    int rc = xy ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc && h && h->used > 0 && h->loop_open >= 0 && h->loop_close < (int)n) {
        layout(pt, n, h->loop_open, h->loop_close, xy);
    } else if (!rc) {
        for (size_t p = 0; p < n; p++)
            xy[p] = (pt_t){20 + 20 * (float)p, 60};
    }
    mrl_atomic_t af = {0};
    if (!rc)
        rc = mrl_atomic_open(&af, path);
    if (!rc) {
        float W = 420, mx = max_abs(attr, n);
        int has_mature = 0;
        for (size_t p = 0; p < n; p++) {
            W = MRL_MAX(W, xy[p].x + 60);
            has_mature |= in_mature(mature, p);
        }
        fprintf(af.fp,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/"
                "2000/svg\" width=\"%.0f\" height=\"220\" viewBox=\"0 0 %.0f 220\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                "<text x=\"10\" y=\"20\" font-family=\"sans-serif\" font-size=\"13\">",
                (double)W, (double)W);
        mrl_report_escape(af.fp, title ? title : "");
        fprintf(af.fp, "</text>\n");
        svg_body(af.fp, seq, pt, n, xy, attr, mx, mature);
        svg_labels(af.fp, n, xy, 85);
        svg_key(af.fp, mx, unit, has_mature);
        fputs("</svg>\n", af.fp);
        rc = mrl_atomic_commit(&af);
    }
    free(xy);
    return rc;
}

/* ---- pages -------------------------------------------------------------------------- */

void mrl_report_top_table(FILE *fp, const char *seq, size_t n, const int *pt, const uint8_t *ctx,
                          const float *attr, int top)
{
    size_t *idx = malloc(n * sizeof *idx);
    if (!idx || top <= 0) {
        free(idx);
        return;
    }
    for (size_t p = 0; p < n; p++)
        idx[p] = p;
    size_t m = n < (size_t)top ? n : (size_t)top;
    for (size_t i = 0; i < m; i++) { /* partial selection sort: m is small */
        size_t b = i;
        for (size_t j = i + 1; j < n; j++)
            if (fabsf(attr[idx[j]]) > fabsf(attr[idx[b]]))
                b = j;
        size_t t = idx[i];
        idx[i] = idx[b], idx[b] = t;
    }
    fputs("<table><tr><th>pos</th><th>base</th><th>partner</th><th>context</th>"
          "<th>attribution</th></tr>\n",
          fp);
    for (size_t i = 0; i < m; i++) {
        size_t p = idx[i];
        fprintf(fp, "<tr><td>%zu</td><td>%c</td><td>", p + 1, seq[p]);
        if (pt[p] >= 0)
            fprintf(fp, "%d", pt[p] + 1);
        else
            fputs(".", fp);
        fprintf(fp, "</td><td>%s</td><td class=\"%s\">%.4g</td></tr>\n", mrl_context_name(ctx[p]),
                attr[p] < 0 ? "neg" : "pos", (double)attr[p]);
    }
    fputs("</table>\n", fp);
    free(idx);
}
