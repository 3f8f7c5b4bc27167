/*
 * report.h - internal to src/report/ (not public): the SVG chart kit every figure is drawn
 * with (chart.c), and the parts of the set report (set_tables.c: tables and figures, and
 * the file helpers; set_pages.c: pages, the per-record tables and the entry point, which
 * calls set_tables.c and never the reverse).
 *
 * Who calls whom: the report reads the results of src/explain/ (and src/pipeline/'s
 * records), writes through src/io/ (atomic files, PNG, .npy) and borrows small helpers of
 * src/fold/ and src/nn/ (energies as text, contexts' names, metrics); nothing below it calls
 * into it. Within it: set_pages.c -> set_tables.c -> chart.c -> draw.c, never back.
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
/* Grouped bars: ns series v[s] over nc categories (NaN: no bar). */
void rpt_bars(FILE *fp, const char *title, const char *ylabel, int nc, const char *const *cats,
              int ns, const char *const *names, const double *const *v);
/* Heat maps (h,w) one panel each, in the diverging colours scaled to each panel's max |v|. */
void rpt_heatmaps(FILE *fp, const char *title, int npanels, const char *const *labels,
                  const double *const *maps, int h, int w);

/* The script that checks, once a page has loaded, that every picture was drawn: a broken
 * one is logged on the console and <body> gets data-images="ok" or "broken" and
 * data-images-n (what the headless-browser tests read) (set_pages.c). */
extern const char rpt_page_check[];

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
