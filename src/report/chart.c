/*
 * chart.c - the SVG chart kit every figure of the reports is drawn with: a white page with
 * its title, axes with "nice" ticks (1, 2, 5 x 10^k), line plots, grouped bar charts and
 * heat maps in the diverging colours, legends; and the unit-square curve of mirlens eval
 * (ROC, precision-recall). Self-contained (no scripts, no external files), so that a report
 * opens offline.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "../util/util.h"
#include "report.h"

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                                      "#393b79", "#637939", "#843c39", "#7b4173"};
#define NPAL (int)(sizeof palette / sizeof palette[0])

const char *rpt_palette(int k)
{
    return palette[(k % NPAL + NPAL) % NPAL];
}

void rpt_text(FILE *fp, double x, double y, const char *anchor, int size, const char *s)
{
    fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\">", x, y, size,
            anchor);
    mrl_report_escape(fp, s);
    fputs("</text>\n", fp);
}

/* A "nice" tick step for a range. */
static double nice_step(double range, int want)
{
    if (!(range > 0))
        return 1;
    double raw = range / want, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

typedef struct frame {
    double x0, y0, w, h; /* plot area in pixels */
    double xmin, xmax, ymin, ymax;
} frame_t;

static double px(const frame_t *f, double x)
{
    return f->x0 + (x - f->xmin) / (f->xmax - f->xmin) * f->w;
}

static double py(const frame_t *f, double y)
{
    return f->y0 + f->h - (y - f->ymin) / (f->ymax - f->ymin) * f->h;
}

static void header(FILE *fp, int W, int H, const char *title)
{
    fprintf(fp,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            W, H, W, H);
    rpt_text(fp, W / 2.0, 18, "middle", 14, title);
}

static void axes(FILE *fp, const frame_t *f, const char *xlabel, const char *ylabel, int xticks)
{
    char buf[64];
    fprintf(fp,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
            "stroke=\"#444\"/>\n",
            f->x0, f->y0, f->w, f->h);
    double st = nice_step(f->ymax - f->ymin, 5);
    for (double t = ceil(f->ymin / st) * st; t <= f->ymax + 1e-12 * st; t += st) {
        double y = py(f, t);
        fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                f->x0, f->x0 + f->w, y, y);
        snprintf(buf, sizeof buf, "%.3g", fabs(t) < 1e-12 * st ? 0.0 : t);
        rpt_text(fp, f->x0 - 4, y + 4, "end", 10, buf);
    }
    if (f->ymin < 0 && f->ymax > 0)
        fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n",
                f->x0, f->x0 + f->w, py(f, 0), py(f, 0));
    if (xticks) {
        double sx = nice_step(f->xmax - f->xmin, 8);
        for (double t = ceil(f->xmin / sx) * sx; t <= f->xmax + 1e-12 * sx; t += sx) {
            snprintf(buf, sizeof buf, "%.3g", t);
            rpt_text(fp, px(f, t), f->y0 + f->h + 14, "middle", 10, buf);
        }
    }
    rpt_text(fp, f->x0 + f->w / 2, f->y0 + f->h + (xticks ? 30 : 44), "middle", 11, xlabel);
    fprintf(fp, "<g transform=\"translate(14,%.1f) rotate(-90)\">", f->y0 + f->h / 2);
    rpt_text(fp, 0, 0, "middle", 11, ylabel);
    fputs("</g>\n", fp);
}

/* err: NULL, or half-widths of error bars the range must hold (NaN: no bar). */
static void range_of(const double *const *y, const double *const *err, int ns, int np, double *lo,
                     double *hi)
{
    *lo = (double)INFINITY, *hi = -(double)INFINITY;
    for (int s = 0; s < ns; s++)
        for (int k = 0; k < np; k++)
            if (isfinite(y[s][k])) {
                double e = err && isfinite(err[s][k]) ? fabs(err[s][k]) : 0;
                *lo = fmin(*lo, y[s][k] - e), *hi = fmax(*hi, y[s][k] + e);
            }
    if (!isfinite(*lo))
        *lo = 0, *hi = 1;
    if (*lo > 0 && *lo < 0.3 * *hi)
        *lo = 0;
    if (*hi < 0 && *hi > 0.3 * *lo)
        *hi = 0;
    if (*hi - *lo < 1e-12)
        *lo -= 0.5, *hi += 0.5;
    double pad = 0.04 * (*hi - *lo);
    *lo -= *lo < 0 ? pad : 0, *hi += pad;
}

static void legend(FILE *fp, double x, double y, int ns, const char *const *names, int dashed_from)
{
    for (int s = 0; s < ns; s++) {
        double yy = y + 16 * s;
        fprintf(fp,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"3\"%s/>\n",
                x, x + 18, yy, yy,
                rpt_palette(dashed_from >= 0 && s >= dashed_from ? s - dashed_from : s),
                dashed_from >= 0 && s >= dashed_from ? " stroke-dasharray=\"4 3\"" : "");
        rpt_text(fp, x + 24, yy + 4, "start", 11, names[s]);
    }
}

void rpt_lines(FILE *fp, const char *title, const char *xlabel, const char *ylabel, const double *x,
               int np, int ns, const char *const *names, const double *const *y, int dashed_from)
{
    rpt_lines_err(fp, title, xlabel, ylabel, x, np, ns, names, y, NULL, dashed_from);
}

void rpt_lines_err(FILE *fp, const char *title, const char *xlabel, const char *ylabel,
                   const double *x, int np, int ns, const char *const *names,
                   const double *const *y, const double *const *err, int dashed_from)
{
    int W = 860, H = 45 + 16 * ns > 340 ? 45 + 16 * ns : 340; /* room for the legend */
    frame_t f = {60, 30, 520, 260, x[0], x[np - 1], 0, 1};
    if (f.xmax <= f.xmin)
        f.xmax = f.xmin + 1;
    range_of(y, err, ns, np, &f.ymin, &f.ymax);
    header(fp, W, H, title);
    axes(fp, &f, xlabel, ylabel, 1);
    for (int s = 0; s < ns; s++) {
        int open = 0;
        int col = dashed_from >= 0 && s >= dashed_from ? s - dashed_from : s;
        for (int k = 0; k < np; k++) {
            if (!isfinite(y[s][k])) {
                if (open)
                    fputs("\"/>\n", fp);
                open = 0;
                continue;
            }
            if (!open)
                fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
                        rpt_palette(col),
                        dashed_from >= 0 && s >= dashed_from ? " stroke-dasharray=\"4 3\"" : "");
            fprintf(fp, "%.1f,%.1f ", px(&f, x[k]), py(&f, y[s][k]));
            open = 1;
        }
        if (open)
            fputs("\"/>\n", fp);
        /* error bars, each series shifted by 3 px so that bars at one x stay apart */
        double dx = 3.0 * (s - (ns - 1) / 2.0);
        for (int k = 0; err && k < np; k++) {
            double e = fabs(err[s][k]), xx = px(&f, x[k]) + dx;
            if (!isfinite(y[s][k]) || !isfinite(e))
                continue;
            double y1 = py(&f, y[s][k] - e), y2 = py(&f, y[s][k] + e);
            fprintf(fp,
                    "<path class=\"err\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" "
                    "d=\"M%.1f,%.1fV%.1fM%.1f,%.1fH%.1fM%.1f,%.1fH%.1f\"/>\n",
                    rpt_palette(col), xx, y1, y2, xx - 2.5, y1, xx + 2.5, xx - 2.5, y2, xx + 2.5);
        }
    }
    legend(fp, 600, 45, ns, names, dashed_from);
    fputs("</svg>\n", fp);
}

void rpt_bars(FILE *fp, const char *title, const char *ylabel, int nc, const char *const *cats,
              int ns, const char *const *names, const double *const *v)
{
    int W = 860, H = 360;
    frame_t f = {60, 30, 520, 250, 0, nc, 0, 1};
    range_of(v, NULL, ns, nc, &f.ymin, &f.ymax);
    if (f.ymin > 0)
        f.ymin = 0;
    header(fp, W, H, title);
    axes(fp, &f, "", ylabel, 0);
    double cw = f.w / nc, bw = 0.8 * cw / ns;
    for (int c = 0; c < nc; c++) {
        for (int s = 0; s < ns; s++) {
            double val = v[s][c];
            if (!isfinite(val))
                continue;
            double y1 = py(&f, fmax(val, 0)), y2 = py(&f, fmin(val, 0));
            fprintf(fp,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                    f.x0 + c * cw + 0.1 * cw + s * bw, y1, bw, fmax(y2 - y1, 0.5), rpt_palette(s));
        }
        fprintf(fp, "<g transform=\"translate(%.1f,%.1f) rotate(35)\">", f.x0 + (c + 0.5) * cw,
                f.y0 + f.h + 10);
        rpt_text(fp, 0, 0, "start", 10, cats[c]);
        fputs("</g>\n", fp);
    }
    legend(fp, 600, 45, ns, names, -1);
    fputs("</svg>\n", fp);
}

void rpt_heatmaps(FILE *fp, const char *title, int npanels, const char *const *labels,
                  const double *const *maps, int h, int w)
{
    int cell = 5, pw = w * cell, ph = h * cell, W = pw + 80, H = 40 + npanels * (ph + 28);
    header(fp, W, H, title);
    for (int k = 0; k < npanels; k++) {
        double m = 0;
        for (int i = 0; i < h * w; i++)
            if (isfinite(maps[k][i]))
                m = fmax(m, fabs(maps[k][i]));
        double y0 = 40 + k * (ph + 28);
        char lab[256];
        snprintf(lab, sizeof lab, "%s (colour scale +-%.3g)", labels[k], m);
        rpt_text(fp, 40, y0 - 4, "start", 11, lab);
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++) {
                double v = maps[k][r * w + c];
                if (!isfinite(v) || v == 0)
                    continue;
                uint8_t rgb[3];
                mrl_report_colour((float)(m > 0 ? v / m : 0), rgb);
                fprintf(fp,
                        "<rect x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"%d\" "
                        "fill=\"#%02x%02x%02x\"/>\n",
                        40 + c * cell, y0 + r * cell, cell, cell, rgb[0], rgb[1], rgb[2]);
            }
        fprintf(fp,
                "<rect x=\"40\" y=\"%.0f\" width=\"%d\" height=\"%d\" fill=\"none\" "
                "stroke=\"#888\"/>\n",
                y0, pw, ph);
    }
    fputs("</svg>\n", fp);
}

/* ---- a curve in the unit square ------------------------------------------------------- */

/* Its own layout (a 320-pixel square, ticks every 0.25, no escaping of the fixed texts), as
 * mirlens eval has always drawn it. */
int mrl_report_curve_svg(const char *path, const char *title, const char *xl, const char *yl,
                         const double *x, const double *y, size_t n, double area, int diagonal)
{
    mrl_atomic_t af;
    int rc = mrl_atomic_open(&af, path);
    if (rc < 0)
        return rc;
    FILE *f = af.fp;
    const int W = 420, H = 420, L = 60, T = 40, S = 320;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" "
            "height=\"100%%\" fill=\"white\"/>\n",
            W, H);
    fprintf(f,
            "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">%s (area "
            "%.4f)</text>\n",
            L + S / 2, title, area);
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
            "stroke=\"black\"/>\n",
            L, T, S, S);
    for (int k = 0; k <= 4; k++) {
        double v = k / 4.0;
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2f</text>\n", L + v * S,
                T + S + 16, v);
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", L - 6,
                T + S - v * S + 4, v);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", L + S / 2, T + S + 36,
            xl);
    fprintf(f,
            "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">"
            "%s</text>\n",
            T + S / 2, T + S / 2, yl);
    if (diagonal)
        fprintf(f,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#aaa\" "
                "stroke-dasharray=\"4\"/>\n",
                L, T + S, L + S, T);
    fprintf(f, "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" points=\"");
    for (size_t k = 0; k < n; k++)
        fprintf(f, "%.1f,%.1f ", L + x[k] * S, T + S - y[k] * S);
    fprintf(f, "\"/>\n</svg>\n");
    return mrl_atomic_commit(&af);
}
