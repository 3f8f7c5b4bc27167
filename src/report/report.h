/*
 * report.h - internal to src/report/ (not public): the SVG chart kit every figure is drawn
 * with (chart.c), and the parts of the set report (set_tables.c: tables and figures, and
 * the file helpers; set_pages.c: pages, the per-record tables and the entry point, which
 * calls set_tables.c and never the reverse), the 5x7 font of PNG texts (font.c) and the
 * page check every page ends with (page.c).
 *
 * Who calls whom: the report reads the results of src/explain/ (and src/pipeline/'s
 * records), writes through src/io/ (atomic files, PNG, .npy) and borrows small helpers of
 * src/fold/ and src/nn/ (energies as text, contexts' names, metrics) and the encoder's own
 * colour and pair tables (src/encode/encode.h, for the legend); nothing below it calls into
 * it. Within it: set_pages.c -> set_tables.c -> chart.c -> draw.c -> font.c, and page.c
 * (the page of `mirlens explain`, its pictures, the page check) -> draw.c, never back.
 */
#ifndef MRL_REPORT_H
#define MRL_REPORT_H

#include <stdio.h>
#include "mirlens.h"

/* ---- the SVG chart kit (chart.c) ---- */

/* Colour k of the categorical palette (any k; it cycles), as "#rrggbb". */
const char *rpt_palette(int k);
/* An escaped <text> at (x, y) in pixels, anchored "start", "middle" or "end". */
void rpt_text(FILE *fp, double x, double y, const char *anchor, int size, const char *s);
/* Line plot of ns series y[s] (np values each, NaN points leave gaps) over x (np values):
 * series from dashed_from on dashed in the colours of the first ones (-1: none dashed). */
void rpt_lines(FILE *fp, const char *title, const char *xlabel, const char *ylabel, const double *x,
               int np, int ns, const char *const *names, const double *const *y, int dashed_from);
/* rpt_lines with error bars: err[s][k] the half-width at y[s][k] (err NULL or NaN: none). */
void rpt_lines_err(FILE *fp, const char *title, const char *xlabel, const char *ylabel,
                   const double *x, int np, int ns, const char *const *names,
                   const double *const *y, const double *const *err, int dashed_from);
/* Grouped bars: ns series v[s] over nc categories (NaN: no bar). */
void rpt_bars(FILE *fp, const char *title, const char *ylabel, int nc, const char *const *cats,
              int ns, const char *const *names, const double *const *v);
/* Heat maps (h,w) one panel each, in the diverging colours scaled to each panel's max |v|. */
void rpt_heatmaps(FILE *fp, const char *title, int npanels, const char *const *labels,
                  const double *const *maps, int h, int w);

/* ---- the 5x7 bitmap font of PNG texts (font.c) ---- */

/* Width in pixels of s drawn at ps pixels per font dot (6 * ps per character, less the
 * last gap). */
int rpt_font_width(const char *s, int ps);
/* Draw s (lower case as capitals; unknown characters as '?') into rgb (H,W,3) with its top
 * left corner at (x, y), dots of ps x ps pixels in col; glyphs that do not fit entirely to
 * the right are left out, rows outside the image clipped. Returns the advance in pixels. */
int rpt_font_draw(uint8_t *rgb, int W, int H, int x, int y, int ps, const char *s,
                  const uint8_t col[3]);

/* ---- the pages (page.c) ---- */

/* A script for the end of a page's body: on load it marks <body data-images="ok"> (or
 * "broken", with a console error naming each picture that did not load) and
 * data-images-n, and gives every element with a data-check attribute data-visible
 * ("yes": laid out with a non-empty box, not hidden) and data-box ("x,y,w,h" in page
 * pixels), so a headless browser's DOM dump tells what a reader sees. */
extern const char rpt_page_check[];

/* ---- the pictures of one map (draw.c) ---- */

/* "%.2g" of v, with "-0" written "0" (tick labels). */
void rpt_num(char *buf, size_t cap, double v);

/* ---- files of the set report (set_tables.c) ---- */

/* "dir/abc" (malloc'ed; NULL when out of memory). */
char *rpt_path(const char *dir, const char *a, const char *b, const char *c);
/* Open dir/name atomically (mrl_atomic_open). Returns 0 or a negative MRL_ERR_*. */
int rpt_open(mrl_atomic_t *af, const char *dir, const char *name);

/* ---- the parts of the set report ---- */

/* The TSV tables of aggregate/ (set_tables.c). */
int rpt_set_tables(const char *dir, const mrl_explain_set_t *s);
/* The same tables (columns, profile, categories, cut sites, motifs, loops) in directory sub
 * of n accumulators aggs[j] named meths[j] (the mutagenesis set report uses it too). */
int rpt_agg_tables(const char *sub, int n, const char *const *meths, const mrl_agg_t *const *aggs);
/* aggregate/maps.M.{npy,png,svg} and the profile, category and cut-site charts. */
int rpt_set_figures(const char *dir, const mrl_explain_set_t *s);
/* faithfulness.tsv, faithfulness_curves.tsv, deletion.svg, insertion.svg. */
int rpt_set_faith(const char *dir, const mrl_explain_set_t *s);
/* sanity.tsv and sanity.svg. */
int rpt_set_sanity(const char *dir, const mrl_explain_set_t *s);

#endif
