/*
 * set_pages.c - the report of an explained set (mrl_explain_set_t, `mirlens explain
 * --aggregate / --sanity`): the per-record tables (predictions, faithfulness per hairpin),
 * a page per example (its hairpin, every method's picture, drawing and strongest
 * positions), and the offline index.html (classification, methods ranked by faithfulness
 * with their sanity verdicts, figures, motifs, examples, links to every table); the tables
 * and figures come from set_tables.c. Each file is written to a temporary name and renamed.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../util/util.h"
#include "report.h"

#define PLANE (MRL_IMG_H * MRL_IMG_W)

/* ---- directories, per-record tables ------------------------------------------------ */

static int make_dir(const char *base, const char *sub)
{
    char p[4096];
    snprintf(p, sizeof p, "%s%s%s", base, *sub ? "/" : "", sub);
    if (mkdir(p, 0755) < 0 && errno != EEXIST)
        return mrl_err_set(MRL_ERR_IO, "cannot create directory '%s': %s", p, strerror(errno));
    return 0;
}

int mrl_report_set_dirs(const char *dir, int aggregate, int examples)
{
    int rc = make_dir(dir, "");
    if (!rc && aggregate)
        rc = make_dir(dir, "aggregate");
    if (!rc && aggregate && examples)
        rc = make_dir(dir, "seq");
    return rc;
}

void mrl_report_set_opts_default(mrl_report_set_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->scale = 8;
    o->top = 10;
}

/* predictions.tsv (a row per explained record) and faithfulness_seq.tsv (a row per method
 * of each record given curves), in input order. */
static int write_records(const char *dir, const mrl_explain_set_t *s)
{
    mrl_atomic_t p = {0}, f = {0};
    int rc = rpt_open(&p, dir, "predictions.tsv");
    if (!rc)
        rc = rpt_open(&f, dir, "faithfulness_seq.tsv");
    if (rc)
        goto done;
    fputs("id\tlabel\tprob\tgroup\tduplex\n", p.fp);
    fputs("id\tmethod\tlabel\tprob\tauc_deletion\tauc_insertion\tauc_deletion_random\t"
          "auc_insertion_random\n",
          f.fp);
    for (size_t k = 0; k < s->n; k++) {
        const mrl_explain_rec_t *r = &s->rec[k];
        if (isnan(r->prob))
            continue;
        fprintf(p.fp, "%s\t%d\t%.6g\t%s\t", r->id, r->label, (double)r->prob,
                mrl_outcome_name(r->group));
        const int *dx = r->duplex;
        if (dx[0] >= 0)
            fprintf(p.fp, "%d-%d,%d-%d\n", dx[0] + 1, dx[1] + 1, dx[2] + 1, dx[3] + 1);
        else
            fputs(".\n", p.fp);
        for (int j = 0; r->faith_auc && j < s->opts.n_methods; j++) {
            const double *a = r->faith_auc + 4 * (size_t)j;
            fprintf(f.fp, "%s\t%s\t%d\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\n", r->id,
                    mrl_explain_method_name(s->methods[j]), r->label, (double)r->prob, a[0], a[1],
                    a[2], a[3]);
        }
    }
    if (!(rc = mrl_atomic_commit(&p)))
        rc = mrl_atomic_commit(&f);
done:
    mrl_atomic_abort(&p), mrl_atomic_abort(&f);
    return rc;
}

/* ---- per-sequence example pages ------------------------------------------------------- */

static const char page_css[] =
    "<style>\nbody{font-family:sans-serif;margin:1.5em;color:#222;max-width:1400px}\n"
    "section{border-top:2px solid #ccc;margin-top:1.5em;padding-top:.5em}\n"
    ".m{display:inline-block;vertical-align:top;margin:.5em 1.5em .5em 0}\n"
    "img{max-width:100%;border:1px solid #ddd;margin:.3em 0}\n"
    "code{font-size:.85em;word-break:break-all}\n"
    "table{border-collapse:collapse;font-size:.85em;margin:.5em 0}\n"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}\n"
    "th{background:#f3f3f3}td.l,th.l{text-align:left}\n"
    ".pos{color:#b40426}.neg{color:#3b4cc0}.ok{color:#1a7f37;font-weight:bold}"
    ".bad{color:#b40426;font-weight:bold}\n</style>\n";

/* NAME.M.png and NAME.M.svg in dir: method j's map over the example's image, and its
 * drawing coloured by the nucleotides' attributions attr, the duplex ringed when placed. */
static int example_pictures(const char *dir, const mrl_explain_set_t *s,
                            const mrl_explain_example_t *e, const char *name, int j,
                            const float *attr, int scale)
{
    const mrl_explain_rec_t *r = &s->rec[e->rec];
    char stem[512];
    snprintf(stem, sizeof stem, "%s.%s", name, mrl_explain_method_name(s->methods[j]));
    char *path = rpt_path(dir, stem, "", "");
    mrl_report_map_t m = {.id = r->id,
                          .method = s->methods[j],
                          .prob = r->prob,
                          .margin = NAN,
                          .rgb = e->hp.rgb,
                          .map = e->map2d + (size_t)j * PLANE,
                          .seq = r->seq,
                          .n = r->len,
                          .partner = e->partner,
                          .context = e->context,
                          .hp = &e->hp,
                          .attr = attr,
                          .mature = r->duplex[0] >= 0 || r->duplex[2] >= 0 ? r->duplex : NULL,
                          .scale = scale};
    int rc = path ? mrl_report_map_pictures(path, &m) : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    free(path);
    return rc;
}

/* seq/NAME.html: the hairpin and every method's picture, drawing and strongest positions. */
static int example_page(const char *dir, const mrl_explain_set_t *s, const mrl_explain_example_t *e,
                        const char *name, const mrl_report_set_opts_t *o)
{
    const mrl_explain_rec_t *r = &s->rec[e->rec];
    size_t n = r->len;
    char sub[4096], eb[16];
    snprintf(sub, sizeof sub, "%s/seq", dir);
    float *attr = malloc((n ? n : 1) * sizeof(float));
    char *hp = rpt_path(sub, name, ".html", "");
    mrl_atomic_t html = {0};
    int rc = attr && hp ? mrl_atomic_open(&html, hp) : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    free(hp);
    if (!rc) {
        FILE *fp = html.fp;
        fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", fp);
        mrl_report_escape(fp, r->id);
        fprintf(fp,
                "</title>\n%s</head>\n<body>\n<p><a href=\"../index.html\">back to the set"
                "</a></p>\n<h1>",
                page_css);
        mrl_report_escape(fp, r->id);
        fprintf(fp,
                "</h1>\n<p>%s; label %s; P(pre-miRNA) = %.4f; %zu nt, MFE %s kcal/mol.</p>\n"
                "<p><code>",
                mrl_outcome_name(r->group), r->label ? "pre-miRNA" : "other", (double)r->prob, n,
                mrl_energy_str(e->mfe, eb));
        mrl_report_escape(fp, r->seq);
        fprintf(fp, "<br>%s</code></p>\n", e->structure);
    }
    for (int j = 0; !rc && j < s->opts.n_methods; j++) {
        const char *method = mrl_explain_method_name(s->methods[j]);
        mrl_explain_nucleotides(&e->hp, e->map2d + (size_t)j * PLANE, n, attr, NULL);
        if ((rc = example_pictures(sub, s, e, name, j, attr, o->scale)))
            break;
        FILE *fp = html.fp;
        fprintf(fp,
                "<div class=\"m\"><h3>%s</h3>\n<img src=\"%s.%s.png\" alt=\"%s map\">\n"
                "<img src=\"%s.%s.svg\" alt=\"%s structure\">\n",
                method, name, method, method, name, method, method);
        mrl_report_top_table(fp, r->seq, n, e->partner, e->context, attr, o->top);
        fputs("</div>\n", fp);
    }
    if (!rc) {
        fprintf(html.fp, "%s</body>\n</html>\n", rpt_page_check);
        rc = mrl_atomic_commit(&html);
    }
    mrl_atomic_abort(&html);
    free(attr);
    return rc;
}

/* ---- the report ---------------------------------------------------------------------- */

static int report_metrics(const mrl_explain_set_t *s, FILE *fp)
{
    float *sc = malloc((s->n ? s->n : 1) * sizeof(float));
    int8_t *lab = malloc(s->n ? s->n : 1);
    size_t m = 0;
    if (!sc || !lab) {
        free(sc), free(lab);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < s->n; k++)
        if (isfinite(s->rec[k].prob) && s->rec[k].label >= 0)
            sc[m] = s->rec[k].prob, lab[m++] = (int8_t)s->rec[k].label;
    mrl_metrics_t mt;
    if (m && mrl_metrics_compute(sc, lab, m, s->opts.threshold, &mt) == 0)
        fprintf(fp,
                "<table><tr><th>n</th><th>TP</th><th>TN</th><th>FP</th><th>FN</th>"
                "<th>accuracy</th><th>sensitivity</th><th>specificity</th><th>MCC</th>"
                "<th>AUROC</th></tr>\n<tr><td>%zu</td><td>%ld</td><td>%ld</td><td>%ld</td>"
                "<td>%ld</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                "</tr></table>\n<p>AUROC here ranks probabilities (ties count half); "
                "<code>mirlens eval</code> ranks logit margins.</p>\n",
                m, mt.tp, mt.tn, mt.fp, mt.fn, mt.accuracy, mt.sensitivity, mt.specificity, mt.mcc,
                mt.auroc);
    free(sc), free(lab);
    return 0;
}

/* One row of the methods table: method j's faithfulness areas and sanity verdict. */
static void method_row(const mrl_explain_set_t *s, int j, FILE *fp)
{
    const mrl_faith_sum_t *fs = &s->faith;
    const mrl_sanity_t *sa = &s->sanity;
    size_t cols = (size_t)sa->L + 2;
    long n = fs->count ? fs->count[(size_t)j * 2] : 0;
    fprintf(fp, "<tr><td class=\"l\">%s</td>", mrl_explain_method_name(s->methods[j]));
    if (n) {
        const double *A = fs->auc + (size_t)j * 8;
        double d = A[0] / (double)n, in = A[1] / (double)n, rd = A[2] / (double)n,
               ri = A[3] / (double)n;
        int ok = d < rd && in > ri;
        fprintf(fp,
                "<td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                "<td class=\"%s\">%s</td>",
                d, rd, in, ri, in - d, ok ? "ok" : "bad", ok ? "yes" : "no");
    } else {
        fputs("<td colspan=\"6\">not run</td>", fp);
    }
    int sp = mrl_sanity_verdict(sa, j), rec = mrl_explain_method_sanity(s->methods[j], NULL);
    if (sp < 0) {
        fprintf(fp, "<td colspan=\"5\">not run</td><td class=\"%s\">%s</td></tr>\n",
                rec ? "ok" : "bad", rec ? "passed" : "failed");
        return;
    }
    fprintf(fp, "<td>%.3f</td><td>%.3f</td><td>%.3f</td>", mrl_sanity_cascade_mean(sa, j),
            sa->rho_s[(size_t)j * cols + (size_t)sa->L],
            sa->rho_a[(size_t)j * cols + (size_t)sa->L]);
    if (sa->have_shuffled)
        fprintf(fp, "<td>%.3f</td>", sa->rho_s[(size_t)j * cols + (size_t)sa->L + 1]);
    else
        fputs("<td>not run</td>", fp);
    fprintf(fp, "<td class=\"%s\">%s</td><td class=\"%s\">%s</td></tr>\n", sp ? "ok" : "bad",
            sp ? "passed" : "failed", rec ? "ok" : "bad", rec ? "passed" : "failed");
}

/* The methods, most faithful first (insertion minus deletion area), with their verdicts. */
static void report_methods(const mrl_explain_set_t *s, FILE *fp)
{
    int order[MRL_EXPLAIN_NMETHODS], M = s->opts.n_methods;
    double key[MRL_EXPLAIN_NMETHODS];
    for (int j = 0; j < M; j++) {
        long n = s->faith.count ? s->faith.count[(size_t)j * 2] : 0;
        key[j] = n ? (s->faith.auc[(size_t)j * 8 + 1] - s->faith.auc[(size_t)j * 8 + 0]) / (double)n
                   : -(double)INFINITY;
        order[j] = j;
    }
    for (int a = 1; a < M; a++) /* insertion sort by faithfulness, best first */
        for (int b = a; b > 0 && key[order[b]] > key[order[b - 1]]; b--) {
            int t = order[b];
            order[b] = order[b - 1], order[b - 1] = t;
        }
    fputs("<table><tr><th class=\"l\">method</th><th>deletion AUC &darr;</th><th>random</th>"
          "<th>insertion AUC &uarr;</th><th>random</th><th>insertion &minus; deletion</th>"
          "<th>faithful</th><th>mean |&rho;| over the cascade</th><th>&rho;, all layers random"
          "</th><th>&rho; |map|, all layers random</th><th>&rho;, shuffled labels</th>"
          "<th>sanity (measured here)</th><th>sanity (recorded for the shipped model)</th>"
          "</tr>\n",
          fp);
    for (int i = 0; i < M; i++)
        method_row(s, order[i], fp);
    fputs("</table>\n", fp);
}

/* The most enriched 3-mers among the top windows of true positives, and UGU / GUG. */
static void report_motifs(const mrl_agg_t *a, FILE *fp)
{
    static const char *const scope_name[2] = {"anywhere", "within 10 nt of the apical loop"};
    int g = MRL_OUT_TP;
    for (int scope = 0; scope < 2; scope++) {
        int idx[MRL_AGG_NKMER], m = 0;
        double z[MRL_AGG_NKMER], en[MRL_AGG_NKMER];
        for (int k = 0; k < MRL_AGG_NKMER; k++) {
            mrl_agg_kmer_stats(a, g, scope, k, &en[k], &z[k]);
            if (isfinite(z[k]))
                idx[m++] = k;
        }
        for (int x = 1; x < m; x++)
            for (int y = x; y > 0 && z[idx[y]] > z[idx[y - 1]]; y--) {
                int t = idx[y];
                idx[y] = idx[y - 1], idx[y - 1] = t;
            }
        fprintf(fp,
                "<p>3-mers in the top 10%% windows of true positives, %s:</p>\n"
                "<table><tr><th class=\"l\">3-mer</th><th>occurrences</th><th>in top</th>"
                "<th>expected</th><th>enrichment</th><th>z</th></tr>\n",
                scope_name[scope]);
        /* the six most enriched, then UGU and GUG wherever they rank */
        int rows[8], nr = 0;
        for (int i = 0; i < m && i < 6; i++)
            rows[nr++] = idx[i];
        static const int special[2] = {(3 << 4) | (2 << 2) | 3, (2 << 4) | (3 << 2) | 2};
        for (int s2 = 0; s2 < 2; s2++) {
            int seen = a->kmer_occ[g][scope][special[s2]] == 0;
            for (int i = 0; i < nr; i++)
                seen |= rows[i] == special[s2];
            if (!seen)
                rows[nr++] = special[s2];
        }
        for (int i = 0; i < nr; i++) {
            int k = rows[i];
            char km[4];
            fprintf(fp,
                    "<tr><td class=\"l\">%s</td><td>%.0f</td><td>%.0f</td><td>%.1f</td>"
                    "<td>%.2f</td><td>%.2f</td></tr>\n",
                    mrl_agg_kmer_str(k, km), a->kmer_occ[g][scope][k], a->kmer_top[g][scope][k],
                    a->kmer_exp[g][scope][k], en[k], z[k]);
        }
        fputs("</table>\n", fp);
    }
}

/* A list of input files: label (which opens a <code>), the names escaped and separated by
 * ", ", then </code>; nothing for none. */
static void input_list(FILE *fp, const char *label, const char *const *files, int n)
{
    for (int k = 0; k < n; k++)
        fputs(k ? ", " : label, fp), mrl_report_escape(fp, files[k]);
    if (n)
        fputs("</code>", fp);
}

static void report_intro(const mrl_explain_set_t *s, const mrl_report_set_opts_t *o, FILE *fp)
{
    fprintf(fp,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>mirlens explain: set report</title>\n%s</head>\n<body>\n"
            "<h1>mirlens explain: what the network attends to across a set</h1>\n<p>",
            page_css);
    if (o->input) {
        fputs("Input <code>", fp);
        mrl_report_escape(fp, o->input);
        fputs("</code>", fp);
    }
    input_list(fp, "Positives <code>", o->pos, o->n_pos);
    input_list(fp, "; negatives <code>", o->neg, o->n_neg);
    input_list(fp, "Images <code>", o->images, o->n_images);
    fputs("; model <code>", fp);
    mrl_report_escape(fp, o->model ? o->model : "");
    fprintf(fp,
            "</code>; target class %d; seed %llu; %zu hairpins (%ld without a hairpin loop "
            "skipped); %.0f s on %d threads.</p>\n",
            s->opts.ex.target, (unsigned long long)s->opts.ex.seed, s->n, s->n_refused, o->seconds,
            o->threads);
}

/* "x [lo, hi]" with the given decimals, signed with sign; an interval that excludes 0 (a
 * difference, sign) in bold. */
static void ci_cell(FILE *fp, double x, double lo, double hi, int sign)
{
    int bold = sign && (lo > 0 || hi < 0);
    fputs(bold ? "<td><b>" : "<td>", fp);
    if (!isfinite(x))
        fputs("&ndash;", fp);
    else if (sign)
        fprintf(fp, "%+.2f", x);
    else
        fprintf(fp, "%.3f", x);
    if (isfinite(lo) && isfinite(hi))
        fprintf(fp, sign ? " [%+.2f, %+.2f]" : " [%.3f, %.3f]", lo, hi);
    fputs(bold ? "</b></td>" : "</td>", fp);
}

/* The true positives' context, pair-type and region rows of categories.tsv: shares and
 * enrichments with their bootstrap intervals, and the random network's column. */
static void report_categories(const mrl_explain_set_t *s, int j, FILE *fp)
{
    const int g = MRL_OUT_TP;
    const mrl_agg_t *a = &s->agg[j], *r = s->agg_random ? &s->agg_random[j] : NULL;
    const mrl_agg_ci_t *ci = s->ci ? s->ci + ((size_t)j * MRL_NOUTCOMES + g) * MRL_AGG_NCAT : NULL;
    if (!a->n_seq[g])
        return;
    fprintf(fp,
            "<p>True positives (%ld hairpins, %ld with a duplex): mean share per hairpin of "
            "the nucleotides and of |attribution| by category, enrichment = their ratio%s; "
            "[95%% bootstrap interval over hairpins, %d resamples]. Every group and the base "
            "table: <a href=\"aggregate/categories.tsv\">categories.tsv</a>.</p>\n"
            "<table><tr><th class=\"l\">table</th><th class=\"l\">category</th>"
            "<th>nt share</th><th>|attribution| share</th><th>enrichment</th>%s</tr>\n",
            a->n_seq[g], a->n_duplex[g],
            r ? "; against the network with every layer re-drawn, the paired difference "
                "(bold: its interval excludes 0)"
              : "",
            s->ci ? s->opts.n_boot : 0,
            r ? "<th>random network</th><th>model &minus; random</th>" : "");
    for (int c = 0; c < MRL_AGG_NCAT; c++) {
        if (c >= MRL_AGG_CAT_BASE && c < MRL_AGG_CAT_PAIR)
            continue;
        int reg = c >= MRL_AGG_CAT_REGION;
        long n = reg ? a->n_duplex[g] : a->n_seq[g];
        const mrl_agg_bin_t *b = reg                    ? &a->region[g][c - MRL_AGG_CAT_REGION]
                                 : c < MRL_AGG_CAT_BASE ? &a->ctx[g][c]
                                                        : &a->pair[g][c - MRL_AGG_CAT_PAIR];
        if (!n || !(b->frac > 0))
            continue;
        const mrl_agg_bin_t *rb = !r                     ? NULL
                                  : reg                  ? &r->region[g][c - MRL_AGG_CAT_REGION]
                                  : c < MRL_AGG_CAT_BASE ? &r->ctx[g][c]
                                                         : &r->pair[g][c - MRL_AGG_CAT_PAIR];
        const double nan = (double)NAN;
        double en = b->sum_abs / b->frac;
        fprintf(fp, "<tr><td class=\"l\">%s</td><td class=\"l\">%s</td><td>%.3f</td>",
                mrl_agg_cat_table(c), mrl_agg_cat_name(c), b->frac / (double)n);
        ci_cell(fp, b->sum_abs / (double)n, ci ? ci[c].share_lo : nan, ci ? ci[c].share_hi : nan,
                0);
        ci_cell(fp, en, ci ? ci[c].enrich_lo : nan, ci ? ci[c].enrich_hi : nan, 0);
        if (rb) {
            double ren = rb->frac > 0 ? rb->sum_abs / rb->frac : nan;
            ci_cell(fp, ren, ci ? ci[c].y_enrich_lo : nan, ci ? ci[c].y_enrich_hi : nan, 0);
            ci_cell(fp, en - ren, ci ? ci[c].diff_lo : nan, ci ? ci[c].diff_hi : nan, 1);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</table>\n", fp);
}

/* A section per method: mean maps, profile and category charts, the category table, cut
 * sites, motifs. */
static void report_method_section(const mrl_explain_set_t *s, int j, FILE *fp)
{
    const char *meth = mrl_explain_method_name(s->methods[j]);
    const mrl_agg_t *a = &s->agg[j];
    long nseq = 0, ndup = 0;
    for (int g = 0; g < MRL_NOUTCOMES; g++)
        nseq += a->n_seq[g], ndup += a->n_duplex[g];
    /* the PNG (kilobytes) rather than the labelled SVG (a rect per pixel, ~1 MB) */
    fprintf(fp,
            "<section id=\"%s\">\n<h2>%s</h2>\n<figure><img src=\"aggregate/maps.%s.png\" "
            "alt=\"%s mean maps\"><figcaption>Mean maps, top to bottom: signed shares of",
            meth, meth, meth, meth);
    for (int kind = 0; kind < 2; kind++) {
        for (int g = 0; g < MRL_NOUTCOMES; g++)
            if (a->n_img[g])
                fprintf(fp, " %s (%ld)", mrl_outcome_name(g), a->n_img[g]);
        fputs(kind ? "" : ", then |shares| of the same groups", fp);
    }
    fprintf(fp,
            "; each panel scaled to its own maximum (blue negative, red positive). "
            "Labelled: <a href=\"aggregate/maps.%s.svg\">maps.%s.svg</a>.</figcaption>"
            "</figure>\n",
            meth, meth);
    if (nseq)
        fprintf(fp,
                "<p><img src=\"aggregate/profile.%s.svg\" alt=\"%s profile\"> "
                "<img src=\"aggregate/categories.%s.svg\" alt=\"%s categories\"></p>\n",
                meth, meth, meth, meth);
    report_categories(s, j, fp);
    if (ndup)
        fprintf(fp, "<p><img src=\"aggregate/cutsites.%s.svg\" alt=\"%s cut sites\"></p>\n", meth,
                meth);
    if (nseq)
        report_motifs(a, fp);
    fputs("</section>\n", fp);
}

/* The example pages linked by outcome group; names[i] is example i's page. */
static void report_examples(const mrl_explain_set_t *s, char (*names)[128], FILE *fp)
{
    fputs("<h2>Examples</h2>\n", fp);
    for (int g = 0; g < MRL_NOUTCOMES; g++) {
        int shown = 0;
        fprintf(fp, "<p>%s:", mrl_outcome_name(g));
        for (size_t i = 0; i < s->n_ex; i++) {
            const mrl_explain_rec_t *r = &s->rec[s->ex[i].rec];
            if (r->group != g)
                continue;
            fprintf(fp, " <a href=\"seq/%s.html\">", names[i]);
            mrl_report_escape(fp, names[i]);
            fprintf(fp, "</a> (%.3f)", (double)r->prob);
            shown++;
        }
        fputs(shown ? "</p>\n" : " none</p>\n", fp);
    }
}

static void report_links(const mrl_explain_set_t *s, FILE *fp)
{
    fputs("<h2>Tables</h2>\n<ul>\n", fp);
    if (s->opts.aggregate) {
        static const char *const files[] = {"predictions.tsv",        "aggregate/columns.tsv",
                                            "aggregate/profile.tsv",  "aggregate/categories.tsv",
                                            "aggregate/cutsites.tsv", "aggregate/motifs.tsv",
                                            "aggregate/loops.tsv",    "aggregate/hairpins.tsv"};
        size_t nf = sizeof files / sizeof files[0] - !(s->cats && s->n && s->rec[0].seq);
        for (size_t k = 0; k < nf; k++)
            fprintf(fp, "<li><a href=\"%s\">%s</a></li>\n", files[k], files[k]);
        for (int j = 0; j < s->opts.n_methods; j++)
            fprintf(fp,
                    "<li><a href=\"aggregate/maps.%s.npy\">aggregate/maps.%s.npy</a> "
                    "(groups TP TN FP FN x signed/absolute x 25 x 100)</li>\n",
                    mrl_explain_method_name(s->methods[j]), mrl_explain_method_name(s->methods[j]));
    }
    if (s->n_faith)
        fputs("<li><a href=\"faithfulness.tsv\">faithfulness.tsv</a></li>\n"
              "<li><a href=\"faithfulness_curves.tsv\">faithfulness_curves.tsv</a></li>\n"
              "<li><a href=\"faithfulness_seq.tsv\">faithfulness_seq.tsv</a></li>\n",
              fp);
    if (s->sanity.rho_a)
        fputs("<li><a href=\"sanity.tsv\">sanity.tsv</a></li>\n", fp);
    fprintf(fp, "</ul>\n%s</body>\n</html>\n", rpt_page_check);
}

/* The concept tests of `mirlens explain --concepts` (its concepts.tsv, path): copied into
 * dir and shown as a table, the significant cells first marked. Returns 0 or MRL_ERR_IO. */
static int report_concepts(const char *dir, const char *path, FILE *fp)
{
    if (!path)
        return 0;
    FILE *in = fopen(path, "r");
    if (!in)
        return mrl_err_set(MRL_ERR_IO, "cannot open concept table '%s': %s", path,
                           strerror(errno));
    mrl_atomic_t cp = {0};
    int rc = rpt_open(&cp, dir, "concepts.tsv");
    char line[4096];
    long row = 0;
    fputs("<h2>Concept tests</h2>\n<p>TCAV of the known determinants of pre-miRNA processing "
          "(<code>mirlens explain --concepts</code>, <a href=\"concepts.tsv\">concepts.tsv</a>): "
          "per concept and layer, the score against 200 random concepts of the same pool, "
          "Monte-Carlo p and Benjamini-Hochberg q.</p>\n<table>\n",
          fp);
    while (!rc && fgets(line, sizeof line, in)) {
        fputs(line, cp.fp);
        line[strcspn(line, "\r\n")] = 0;
        int sig = row > 0 && strstr(line, "\tsignificant") != NULL;
        fputs("<tr>", fp);
        for (char *f = line, *t; f; f = t) {
            if ((t = strchr(f, '\t')))
                *t++ = 0;
            fputs(row ? "<td>" : "<th>", fp);
            if (sig && !t)
                fputs("<b>", fp);
            mrl_report_escape(fp, f);
            fputs(sig && !t ? "</b>" : "", fp);
            fputs(row ? "</td>" : "</th>", fp);
        }
        fputs("</tr>\n", fp);
        row++;
    }
    if (!rc && (ferror(in) || row < 2))
        rc = mrl_err_set(MRL_ERR_IO, "%s: %s", path,
                         ferror(in) ? "read error" : "no rows (not a concepts.tsv?)");
    fclose(in);
    fputs("</table>\n", fp);
    if (rc) {
        mrl_atomic_abort(&cp);
        return rc;
    }
    return mrl_atomic_commit(&cp);
}

static int write_index(const char *dir, const mrl_explain_set_t *s, const mrl_report_set_opts_t *o,
                       char (*names)[128])
{
    const mrl_explain_set_opts_t *so = &s->opts;
    mrl_atomic_t h = {0};
    int rc = rpt_open(&h, dir, "index.html");
    if (rc)
        return rc;
    FILE *fp = h.fp;
    report_intro(s, o, fp);
    if (so->aggregate) {
        fputs("<h2>Classification</h2>\n", fp);
        rc = report_metrics(s, fp);
        long npos = 0;
        for (size_t k = 0; k < s->n; k++)
            npos += s->rec[k].label == 1 && isfinite(s->rec[k].prob);
        if (so->mature)
            fprintf(fp,
                    "<p>miRNA duplex placed (mature positions, <code>predictions.tsv</code> "
                    "column duplex) for %ld of the %ld pre-miRNAs.</p>\n",
                    s->n_duplex, npos);
    }
    fputs("<h2>Methods by faithfulness and sanity</h2>\n", fp);
    fprintf(fp,
            "<p>Faithfulness (%ld hairpins, evenly spaced over the set): nucleotides are "
            "removed (deletion) or restored (insertion) in the order of their attribution "
            "(signed for contribution maps, by magnitude for sensitivity maps: gradient, "
            "guided, deconvnet, smoothgrad, smoothgrad-guided, guided-gradcam), "
            "%s, and the probability of the target class is followed; areas over the fraction "
            "of drawn nucleotides, compared with %d random orders. Sanity (%zu hairpins): "
            "Spearman correlation of the maps with the original ones as the layers' weights are "
            "re-drawn one by one from the output down, and of the maps of a model trained on "
            "shuffled labels; a method passes when the mean |&rho;| over the cascade (and "
            "|&rho;| for the shuffled-label model) is below %.1f.</p>\n",
            s->n_faith, so->mask == MRL_MASK_N ? "redrawn as N" : "their bars erased to white",
            so->faith_random, s->sanity.n, MRL_SANITY_PASS);
    report_methods(s, fp);
    if (s->n_faith)
        fputs("<p><img src=\"deletion.svg\" alt=\"deletion curves\"> <img src=\"insertion.svg\" "
              "alt=\"insertion curves\"></p>\n",
              fp);
    if (s->sanity.rho_a)
        fputs("<p><img src=\"sanity.svg\" alt=\"sanity curves\"></p>\n", fp);
    for (int j = 0; so->aggregate && j < so->n_methods; j++)
        report_method_section(s, j, fp);
    if (so->aggregate && so->examples)
        report_examples(s, names, fp);
    if (!rc)
        rc = report_concepts(dir, o->concepts, fp);
    report_links(s, fp);
    if (!rc)
        rc = mrl_atomic_commit(&h);
    mrl_atomic_abort(&h);
    return rc;
}

/* Every example's page, named uniquely after its record in the order met, into names. */
static int write_examples(const char *dir, const mrl_explain_set_t *s,
                          const mrl_report_set_opts_t *o, char (*names)[128])
{
    mrl_report_names_t *ns = mrl_report_names_new();
    int rc = ns ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < s->n_ex; i++)
        rc = mrl_report_names_unique(ns, s->rec[s->ex[i].rec].id, names[i], 128);
    for (size_t i = 0; !rc && i < s->n_ex; i++)
        rc = example_page(dir, s, &s->ex[i], names[i], o);
    mrl_report_names_free(ns);
    return rc;
}

int mrl_report_set_write(const char *dir, const mrl_explain_set_t *s,
                         const mrl_report_set_opts_t *o)
{
    mrl_report_set_opts_t d;
    if (!o) {
        mrl_report_set_opts_default(&d);
        o = &d;
    }
    if (!dir || !s || s->opts.n_methods < 1 || (s->opts.aggregate && !s->agg))
        return mrl_err_set(MRL_ERR_ARG, "set report: no directory or no explained set");
    const int agg = s->opts.aggregate;
    char(*names)[128] = calloc(s->n_ex ? s->n_ex : 1, sizeof *names);
    int rc = names ? mrl_report_set_dirs(dir, agg, s->opts.examples)
                   : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc && agg)
        rc = write_records(dir, s);
    if (!rc && agg)
        rc = write_examples(dir, s, o, names);
    if (!rc && agg)
        rc = rpt_set_tables(dir, s);
    if (!rc && agg)
        rc = rpt_set_figures(dir, s);
    if (!rc && agg && s->n_faith)
        rc = rpt_set_faith(dir, s);
    if (!rc && s->sanity.rho_a)
        rc = rpt_set_sanity(dir, s);
    if (!rc)
        rc = write_index(dir, s, o, names);
    free(names);
    return rc;
}
