/*
 * concepts.c - the concept tests' table (src/explain/tcav.c; Kim et al. 2018): concepts.tsv
 * and the offline page concepts.html, one row per concept x layer with its TCAV score
 * against the random CAVs', Welch's p, the Benjamini-Hochberg q and the verdict. The set
 * report's index.html links the page when it sits beside it.
 */
#include <math.h>
#include <string.h>
#include "../util/util.h"
#include "report.h"

static const char *name_of(const char *const *names, int k)
{
    return names && names[k] ? names[k] : "?";
}

/* "%.6g", or "NA" for NaN. */
static void num(FILE *fp, double v)
{
    if (isnan(v))
        fputs("NA", fp);
    else
        fprintf(fp, "%.6g", v);
}

int mrl_report_tcav_tsv(const char *path, const mrl_tcav_t *t, const char *const *names)
{
    mrl_atomic_t af = {0};
    int rc = mrl_atomic_open(&af, path);
    if (rc < 0)
        return rc;
    fputs("concept\tlayer\tn_concept\tn_random\tcav_accuracy\ttcav_mean\ttcav_sd\trandom_mean\t"
          "random_sd\tp\tq\tverdict\n",
          af.fp);
    for (int r = 0; r < t->n_concepts * t->n_layers; r++) {
        const mrl_tcav_row_t *w = &t->row[r];
        const double v[] = {w->cav_accuracy, w->tcav_mean, w->tcav_sd, w->random_mean,
                            w->random_sd,    w->p,         w->q};
        fprintf(af.fp, "%s\t%d\t%ld\t%ld", name_of(names, w->concept), w->layer, w->n_concept,
                w->n_random);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            fputc('\t', af.fp), num(af.fp, v[k]);
        fprintf(af.fp, "\t%s\n", mrl_tcav_verdict_name(w->verdict));
    }
    return mrl_atomic_commit(&af);
}

static const char page_css[] =
    "<style>\nbody{font-family:sans-serif;margin:1.5em;color:#222;max-width:1400px}\n"
    "table{border-collapse:collapse;font-size:.85em;margin:.5em 0}\n"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}\n"
    "th{background:#f3f3f3}td.l,th.l{text-align:left}\n"
    ".up{color:#b40426;font-weight:bold}.down{color:#3b4cc0;font-weight:bold}"
    ".ns{color:#777}\n</style>\n";

/* One cell per layer: the TCAV score (random mean), marked by the verdict's direction. */
static void html_cell(FILE *fp, const mrl_tcav_row_t *w)
{
    if (w->verdict == MRL_TCAV_UNTESTED) {
        fputs("<td class=\"ns\">&ndash;</td>", fp);
        return;
    }
    const char *cls = w->verdict != MRL_TCAV_SIGNIFICANT ? "ns"
                      : w->tcav_mean > w->random_mean    ? "up"
                                                         : "down";
    fprintf(fp, "<td class=\"%s\" title=\"p %.3g, q %.3g, CAV accuracy %.2f\">%.2f (%.2f)%s</td>",
            cls, w->p, w->q, w->cav_accuracy, w->tcav_mean, w->random_mean,
            w->verdict == MRL_TCAV_SIGNIFICANT ? (strcmp(cls, "up") ? " &darr;" : " &uarr;") : "");
}

/* The table concept x layer, then the long form (every column of concepts.tsv). */
static void html_tables(FILE *fp, const mrl_tcav_t *t, const char *const *names)
{
    fputs("<table data-check=\"concepts\">\n<tr><th class=\"l\">concept</th><th>examples</th>"
          "<th>counterparts</th>",
          fp);
    for (int l = 0; l < t->n_layers; l++)
        fprintf(fp, "<th>layer %d</th>", t->layers[l]);
    fputs("</tr>\n", fp);
    for (int c = 0; c < t->n_concepts; c++) {
        const mrl_tcav_row_t *w = &t->row[c * t->n_layers];
        fputs("<tr><td class=\"l\">", fp);
        mrl_report_escape(fp, name_of(names, c));
        fprintf(fp, "</td><td>%ld</td><td>%ld</td>", w->n_concept, w->n_random);
        for (int l = 0; l < t->n_layers; l++)
            html_cell(fp, &w[l]);
        fputs("</tr>\n", fp);
    }
    fputs("</table>\n<h2>Every test</h2>\n<table>\n<tr><th class=\"l\">concept</th><th>layer"
          "</th><th>per side</th><th>CAV accuracy</th><th>TCAV</th><th>sd</th><th>random</th>"
          "<th>sd</th><th>p</th><th>q</th><th class=\"l\">verdict</th></tr>\n",
          fp);
    for (int r = 0; r < t->n_concepts * t->n_layers; r++) {
        const mrl_tcav_row_t *w = &t->row[r];
        fputs("<tr><td class=\"l\">", fp);
        mrl_report_escape(fp, name_of(names, w->concept));
        fprintf(fp,
                "</td><td>%d</td><td>%d</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td>"
                "<td>%.3f</td><td>%.3g</td><td>%.3g</td><td class=\"l\">%s</td></tr>\n",
                w->layer, w->n_side, w->cav_accuracy, w->tcav_mean, w->tcav_sd, w->random_mean,
                w->random_sd, w->p, w->q, mrl_tcav_verdict_name(w->verdict));
    }
    fputs("</table>\n", fp);
}

int mrl_report_tcav_html(const char *path, const mrl_tcav_t *t, const char *const *names,
                         const char *title, const char *note)
{
    mrl_atomic_t af = {0};
    int rc = mrl_atomic_open(&af, path);
    if (rc < 0)
        return rc;
    FILE *fp = af.fp;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", fp);
    mrl_report_escape(fp, title ? title : "concept tests");
    fprintf(fp, "</title>\n%s</head>\n<body>\n<h1>", page_css);
    mrl_report_escape(fp, title ? title : "concept tests");
    fprintf(fp,
            "</h1>\n<p>Testing with Concept Activation Vectors (TCAV; Kim et al. 2018). At each "
            "layer, a concept's activation vector (CAV) separates the post-ReLU activations of "
            "hairpins with the concept from those of hairpins of the same pool without it "
            "(L2-regularised logistic regression); its TCAV score is the fraction of the %ld "
            "class inputs whose score rises along the CAV (directional derivative &gt; 0). "
            "Scored here by %s. A concept's score is the mean over %d CAVs on fresh subsets; it "
            "is tested against "
            "%d random concepts of the same pool (random subsets of its size, scored the same "
            "way): two-sided Monte-Carlo p (1 + the random concepts at least as far from their "
            "mean) / (random concepts + 1), Benjamini-Hochberg "
            "q over the tested cells; significant at q &lt; %g. A cell shows the TCAV score "
            "(the random concepts' mean): <span class=\"up\">&uarr;</span> significantly higher, "
            "<span class=\"down\">&darr;</span> significantly lower, grey not significant, "
            "&ndash; untested (too few examples or counterparts). Table: "
            "<a href=\"concepts.tsv\">concepts.tsv</a>.</p>\n",
            t->n_class,
            t->stat == MRL_TCAV_STAT_SIGN
                ? "the TCAV score (the fraction of the class inputs whose derivative is &gt; 0)"
                : "the mean directional derivative along the unit CAV (score units per unit of "
                  "the layer's centred, scaled activations; random concepts average 0)",
            t->reps, t->runs, t->alpha);
    if (note) {
        fputs("<p>", fp);
        mrl_report_escape(fp, note);
        fputs("</p>\n", fp);
    }
    html_tables(fp, t, names);
    fprintf(fp, "%s</body>\n</html>\n", rpt_page_check);
    return mrl_atomic_commit(&af);
}
