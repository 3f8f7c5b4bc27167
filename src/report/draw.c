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

int mrl_report_overlay(const uint8_t *rgb, const float *map, int scale, uint8_t **out, int *w,
                       int *h)
{
    if (!rgb || !map || !out || scale < 2 || scale > 16)
        return mrl_err_set(MRL_ERR_ARG, "overlay: bad arguments");
    /* the image, a gap, the overlay, a gap, the colour bar */
    int W = MRL_IMG_W * scale, panel = MRL_IMG_H * scale, gap = scale, bar = 2 * scale;
    int H = 2 * panel + 2 * gap + bar;
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
            uint8_t *top = o + 3 * ((size_t)y * (size_t)W + (size_t)x);
            uint8_t *mid = o + 3 * ((size_t)(y + panel + gap) * (size_t)W + (size_t)x);
            /* drawn pixels: the map's colour darkened a little by the base's grey level, so
             * the bars stay visible without their colours competing with the map's */
            int grey = (77 * b[0] + 151 * b[1] + 28 * b[2]) >> 8;
            for (int c = 0; c < 3; c++) {
                top[c] = b[c];
                mid[c] = white ? heat[c] : (uint8_t)(heat[c] * (192 + grey / 4) / 255);
            }
        }
    for (int y = 2 * panel + 2 * gap; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *px = o + 3 * ((size_t)y * (size_t)W + (size_t)x);
            mrl_report_colour(2.0f * ((float)x + 0.5f) / (float)W - 1.0f, px);
        }
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

static void svg_body(FILE *fp, const char *seq, const int *pt, size_t n, const pt_t *xy,
                     const float *attr, float mx)
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
        mrl_report_colour(mx > 0 ? attr[p] / mx : 0, c);
        fprintf(
            fp,
            "<g><title>%zu %c %.4g</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" "
            "fill=\"#%02x%02x%02x\" stroke=\"#444\"/><text x=\"%.1f\" y=\"%.1f\">%c</text></g>\n",
            p + 1, seq[p], (double)attr[p], (double)xy[p].x, (double)xy[p].y, c[0], c[1], c[2],
            (double)xy[p].x, (double)xy[p].y + 4, seq[p]);
    }
    fputs("</g>\n", fp);
}

int mrl_report_hairpin_svg(const char *path, const char *seq, size_t n, const int *pt,
                           const mrl_hairpin_t *h, const float *attr, const char *title)
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
        float W = 60, mx = max_abs(attr, n);
        for (size_t p = 0; p < n; p++)
            W = MRL_MAX(W, xy[p].x + 60);
        fprintf(af.fp,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/"
                "2000/svg\" width=\"%.0f\" height=\"200\" viewBox=\"0 0 %.0f 200\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                "<text x=\"10\" y=\"20\" font-family=\"sans-serif\" font-size=\"13\">",
                (double)W, (double)W);
        mrl_report_escape(af.fp, title ? title : "");
        fprintf(af.fp, "</text>\n");
        svg_body(af.fp, seq, pt, n, xy, attr, mx);
        fputs("<g font-family=\"sans-serif\" font-size=\"11\">\n", af.fp);
        for (int i = 0; i < 21; i++) {
            uint8_t c[3];
            mrl_report_colour((float)(i - 10) / 10.0f, c);
            fprintf(af.fp,
                    "<rect x=\"%d\" y=\"160\" width=\"8\" height=\"12\" fill=\"#%02x%02x%02x\"/>\n",
                    60 + 8 * i, c[0], c[1], c[2]);
        }
        fprintf(af.fp,
                "<text x=\"10\" y=\"170\">%.3g</text><text x=\"234\" y=\"170\">%.3g</text>\n"
                "</g>\n</svg>\n",
                (double)-mx, (double)mx);
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
