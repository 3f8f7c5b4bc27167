/*
 * cli_set_report.c - the pages of `mirlens explain --aggregate / --sanity`: per-sequence
 * example pages, the sanity table and curves, and the offline index.html of the set
 * (classification, methods by faithfulness and sanity, figures, motifs, links); plus the
 * output-file helpers the other writers share. Each file is written to a temporary name
 * and renamed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "explain_set.h"

/* ---- per-sequence example pages ------------------------------------------------------- */

char *cli_set_path(const char *dir, const char *a, const char *b, const char *c)
{
    size_t len = strlen(dir) + strlen(a) + strlen(b) + strlen(c) + 4;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s%s%s", dir, a, b, c);
    return p;
}

int cli_set_open(mrl_atomic_t *af, const char *dir, const char *name)
{
    char *p = cli_set_path(dir, name, "", "");
    if (!p)
        return cli_error("explain", "out of memory");
    int rc = mrl_atomic_open(af, p);
    free(p);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

int cli_set_commit(mrl_atomic_t *af)
{
    int rc = mrl_atomic_commit(af);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

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

/* Checks, once the page has loaded, that every picture could be drawn: a broken one is
 * reported on the browser console and marked on <body> (what the headless-browser test reads). */
static const char page_check[] =
    "<script>\nwindow.addEventListener(\"load\", function () {\n"
    "  var bad = 0, im = document.images;\n"
    "  for (var i = 0; i < im.length; i++)\n"
    "    if (!im[i].complete || im[i].naturalWidth === 0) {\n"
    "      bad++;\n"
    "      console.error(\"mirlens report: cannot load \" + im[i].getAttribute(\"src\"));\n"
    "    }\n"
    "  document.body.setAttribute(\"data-images\", bad ? \"broken\" : \"ok\");\n"
    "  document.body.setAttribute(\"data-images-n\", String(im.length));\n"
    "});\n</script>\n";

/* seq/NAME.html: the hairpin and every method's picture, drawing and strongest positions. */
int cli_set_example(srun_t *r, const sitem_t *it, const mrl_fe_item_t *fe, const float *maps,
                    size_t b, size_t nb, float prob, int g)
{
    const sopts_t *o = r->o;
    char name[160], dir[4096];
    if (r->ex_count[g] >= o->examples || r->ex_count[g] >= 64)
        return 0;
    if (cli_names_unique(r->names, it->id, name, sizeof name) < 0)
        return cli_error("explain", "out of memory");
    snprintf(dir, sizeof dir, "%s/seq", o->out);
    size_t n = it->len;
    int *pt = malloc(n * sizeof(int)), rc = 0;
    uint8_t *ctx = malloc(n), *pic = NULL;
    float *attr = malloc(n * sizeof(float)), map2d[PLANE];
    mrl_atomic_t html = {0};
    if (!pt || !ctx || !attr)
        rc = cli_error("explain", "out of memory");
    if (!rc && (rc = mrl_explain_structure(fe->structure, n, pt, ctx)) < 0)
        rc = cli_lib_error("explain", rc);
    char *hp = cli_set_path(dir, name, ".html", "");
    if (!rc && (!hp || (rc = mrl_atomic_open(&html, hp)) < 0))
        rc = hp ? cli_lib_error("explain", rc) : cli_error("explain", "out of memory");
    free(hp);
    if (!rc) {
        char eb[16];
        FILE *fp = html.fp;
        mrl_energy_str(fe->mfe, eb);
        fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", fp);
        cli_html_escape(fp, it->id);
        fprintf(fp,
                "</title>\n%s</head>\n<body>\n<p><a href=\"../index.html\">back to the set"
                "</a></p>\n<h1>",
                page_css);
        cli_html_escape(fp, it->id);
        fprintf(fp,
                "</h1>\n<p>%s; label %s; P(pre-miRNA) = %.4f; %zu nt, MFE %s kcal/mol.</p>\n"
                "<p><code>",
                mrl_outcome_name(g), it->label ? "pre-miRNA" : "other", (double)prob, n, eb);
        cli_html_escape(fp, it->seq);
        fprintf(fp, "<br>%s</code></p>\n", fe->structure);
    }
    for (int j = 0; !rc && j < r->M; j++) {
        const char *method = mrl_explain_method_name(o->x.methods[j]);
        mrl_explain_channel_sum(maps + ((size_t)j * nb + b) * PX, 1, 3, MRL_IMG_H, MRL_IMG_W,
                                map2d);
        mrl_explain_nucleotides(&fe->hp, map2d, n, attr, NULL);
        char stem[512];
        snprintf(stem, sizeof stem, "%s.%s", name, method);
        char *png = cli_set_path(dir, stem, ".png", ""), *svg = cli_set_path(dir, stem, ".svg", "");
        int w, h;
        if (!png || !svg) {
            rc = cli_error("explain", "out of memory");
        } else {
            rc = mrl_explain_overlay(fe->hp.rgb, map2d, o->x.scale, &pic, &w, &h);
            if (!rc)
                rc = mrl_png_write(png, pic, w, h, 1);
            char title[512];
            snprintf(title, sizeof title, "%s - %s", it->id, method);
            if (!rc)
                rc = mrl_explain_svg_write(svg, it->seq, fe->structure, n, attr, title);
            if (rc < 0)
                rc = cli_lib_error("explain", rc);
        }
        free(png), free(svg), free(pic);
        pic = NULL;
        if (!rc) {
            FILE *fp = html.fp;
            fprintf(fp,
                    "<div class=\"m\"><h3>%s</h3>\n<img src=\"%s.%s.png\" alt=\"%s map\">\n"
                    "<img src=\"%s.%s.svg\" alt=\"%s structure\">\n",
                    method, name, method, method, name, method, method);
            cli_html_top(fp, it->seq, n, pt, ctx, attr, o->top);
            fputs("</div>\n", fp);
        }
    }
    if (!rc) {
        fprintf(html.fp, "%s</body>\n</html>\n", page_check);
        rc = cli_set_commit(&html);
    }
    mrl_atomic_abort(&html);
    if (!rc) {
        r->ex_name[g][r->ex_count[g]] = strdup(name);
        r->ex_prob[g][r->ex_count[g]] = prob;
        if (!r->ex_name[g][r->ex_count[g]++])
            rc = cli_error("explain", "out of memory");
    }
    free(pt), free(ctx), free(attr);
    return rc;
}

static const char *layer_label(const srun_t *r, int s, char *buf, size_t cap)
{
    const mrl_arch_t *a = mrl_model_arch(r->m);
    int l = r->san.layers[s];
    snprintf(buf, cap, "%s%d", a->layer[l].kind == MRL_LAYER_DENSE ? "dense" : "conv", l);
    return buf;
}

int cli_set_write_sanity(srun_t *r)
{
    mrl_atomic_t t = {0}, svg = {0};
    size_t cols = (size_t)r->san.L + 2;
    int rc = cli_set_open(&t, r->o->out, "sanity.tsv");
    if (rc)
        return rc;
    fputs("method\ttest\tstep\tlayer\trho_signed\trho_abs\tn_images\n", t.fp);
    char lname[32];
    for (int j = 0; j < r->M; j++) {
        const char *meth = mrl_explain_method_name(r->o->x.methods[j]);
        for (size_t s = 0; s < cols; s++) {
            if (s == cols - 1 && !r->san.have_shuffled)
                continue;
            const char *test = s == 0 ? "original" : s == cols - 1 ? "shuffled-labels" : "cascade";
            const char *layer =
                s == 0 || s == cols - 1 ? "-" : layer_label(r, (int)s - 1, lname, 32);
            fprintf(t.fp, "%s\t%s\t%zu\t%s\t%.4f\t%.4f\t%zu\n", meth, test, s, layer,
                    r->san.rho_s[(size_t)j * cols + s], r->san.rho_a[(size_t)j * cols + s], r->ns);
        }
    }
    rc = cli_set_commit(&t);
    if (!rc && !(rc = cli_set_open(&svg, r->o->out, "sanity.svg"))) {
        double *x = malloc(cols * sizeof(double));
        const double **y = malloc((size_t)r->M * 2 * sizeof *y);
        const char **names = malloc((size_t)r->M * 2 * sizeof *names);
        char(*lab)[64] = malloc((size_t)r->M * 64);
        if (x && y && names && lab) {
            for (size_t s = 0; s < cols; s++)
                x[s] = (double)s;
            for (int j = 0; j < r->M; j++) {
                y[j] = r->san.rho_s + (size_t)j * cols;
                names[j] = mrl_explain_method_name(r->o->x.methods[j]);
                y[r->M + j] = r->san.rho_a + (size_t)j * cols;
                snprintf(lab[j], 64, "%s |map|", names[j]);
                names[r->M + j] = lab[j];
            }
            cli_svg_lines(svg.fp,
                          "Cascading randomisation: rank correlation with the original maps",
                          r->san.have_shuffled ? "layers randomised from the output down (last "
                                             "point: the shuffled-label model)"
                                           : "layers randomised from the output down",
                          "Spearman rho (dashed: of |map|)", x,
                          (int)(r->san.have_shuffled ? cols : cols - 1), 2 * r->M, names, y, r->M);
            rc = cli_set_commit(&svg);
        } else {
            rc = cli_error("explain", "out of memory");
        }
        free(x), free((void *)y), free((void *)names), free(lab);
    }
    mrl_atomic_abort(&t), mrl_atomic_abort(&svg);
    return rc;
}

/* ---- the report ---------------------------------------------------------------------- */

static void report_metrics(srun_t *r, FILE *fp)
{
    float *sc = malloc(r->n * sizeof(float));
    int8_t *lab = malloc(r->n);
    size_t m = 0;
    for (size_t k = 0; sc && lab && k < r->n; k++)
        if (isfinite(r->prob[k]) && r->it[k].label >= 0)
            sc[m] = r->prob[k], lab[m++] = (int8_t)r->it[k].label;
    mrl_metrics_t mt;
    if (m && mrl_metrics_compute(sc, lab, m, r->o->threshold, &mt) == 0)
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
}

static void report_methods(srun_t *r, FILE *fp)
{
    int order[MRL_EXPLAIN_NMETHODS], M = r->M;
    double key[MRL_EXPLAIN_NMETHODS];
    size_t cols = (size_t)r->san.L + 2;
    for (int j = 0; j < M; j++) {
        long n = r->fs.count ? r->fs.count[(size_t)j * 2] : 0;
        key[j] = n ? (r->fs.auc[(size_t)j * 8 + 1] - r->fs.auc[(size_t)j * 8 + 0]) / (double)n
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
          "<th>sanity</th></tr>\n",
          fp);
    for (int i = 0; i < M; i++) {
        int j = order[i];
        long n = r->fs.count ? r->fs.count[(size_t)j * 2] : 0;
        fprintf(fp, "<tr><td class=\"l\">%s</td>", mrl_explain_method_name(r->o->x.methods[j]));
        if (n) {
            const double *A = r->fs.auc + (size_t)j * 8;
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
        int sp = mrl_sanity_verdict(&r->san, j);
        if (sp >= 0) {
            const mrl_sanity_t *sa = &r->san;
            fprintf(fp, "<td>%.3f</td><td>%.3f</td><td>%.3f</td>",
                    mrl_sanity_cascade_mean(sa, j), sa->rho_s[(size_t)j * cols + (size_t)sa->L],
                    sa->rho_a[(size_t)j * cols + (size_t)sa->L]);
            if (sa->have_shuffled)
                fprintf(fp, "<td>%.3f</td>", sa->rho_s[(size_t)j * cols + (size_t)sa->L + 1]);
            else
                fputs("<td>not run</td>", fp);
            fprintf(fp, "<td class=\"%s\">%s</td></tr>\n", sp ? "ok" : "bad",
                    sp ? "passed" : "failed");
        } else {
            fputs("<td colspan=\"5\">not run</td></tr>\n", fp);
        }
    }
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

int cli_set_write_report(srun_t *r, double seconds)
{
    const sopts_t *o = r->o;
    mrl_atomic_t h = {0};
    int rc = cli_set_open(&h, o->out, "index.html");
    if (rc)
        return rc;
    FILE *fp = h.fp;
    fprintf(fp,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>mirlens explain: set report</title>\n%s</head>\n<body>\n"
            "<h1>mirlens explain: what the network attends to across a set</h1>\n<p>",
            page_css);
    if (o->sanity_in) {
        fputs("Input <code>", fp);
        cli_html_escape(fp, o->sanity_in);
        fputs("</code>", fp);
    }
    for (int k = 0; k < o->in.npos; k++)
        fputs(k ? ", " : "Positives <code>", fp), cli_html_escape(fp, o->in.pos[k]);
    if (o->in.npos)
        fputs("</code>", fp);
    for (int k = 0; k < o->in.nneg; k++)
        fputs(k ? ", " : "; negatives <code>", fp), cli_html_escape(fp, o->in.neg[k]);
    if (o->in.nneg)
        fputs("</code>", fp);
    for (int k = 0; k < o->in.nimg; k++)
        fputs(k ? ", " : "Images <code>", fp), cli_html_escape(fp, o->in.images[k]);
    if (o->in.nimg)
        fputs("</code>", fp);
    fputs("; model <code>", fp);
    cli_html_escape(fp, o->x.model);
    fprintf(fp,
            "</code>; target class %d; seed %llu; %zu hairpins (%ld without a hairpin loop "
            "skipped); %.0f s on %d threads.</p>\n",
            o->x.ex.target, (unsigned long long)o->x.ex.seed, r->n, r->n_refused, seconds,
            o->x.threads);
    if (o->aggregate) {
        fputs("<h2>Classification</h2>\n", fp);
        report_metrics(r, fp);
        long npos = 0;
        for (size_t k = 0; k < r->n; k++)
            npos += r->it[k].label == 1 && isfinite(r->prob[k]);
        if (o->mature)
            fprintf(fp,
                    "<p>miRNA duplex placed (mature positions, <code>predictions.tsv</code> "
                    "column duplex) for %ld of the %ld pre-miRNAs.</p>\n",
                    r->n_duplex, npos);
    }
    fputs("<h2>Methods by faithfulness and sanity</h2>\n", fp);
    fprintf(fp,
            "<p>Faithfulness (%ld hairpins, evenly spaced over the set): nucleotides are "
            "removed (deletion) or restored (insertion) in the order of their attribution "
            "(signed for contribution maps, by magnitude for sensitivity maps: gradient, "
            "guided, deconvnet, smoothgrad, smoothgrad-guided, guided-gradcam), "
            "%s, and the probability of the target class is followed; areas over the fraction "
            "of drawn nucleotides, compared with %d random orders. Sanity (%ld hairpins): "
            "Spearman correlation of the maps with the original ones as the layers' weights are "
            "re-drawn one by one from the output down, and of the maps of a model trained on "
            "shuffled labels; a method passes when the mean |&rho;| over the cascade (and "
            "|&rho;| for the shuffled-label model) is below %.1f.</p>\n",
            r->n_faith, o->mask == MRL_MASK_N ? "redrawn as N" : "their bars erased to white",
            o->faith_random, r->sanity_images, MRL_SANITY_PASS);
    report_methods(r, fp);
    if (r->n_faith)
        fputs("<p><img src=\"deletion.svg\" alt=\"deletion curves\"> <img src=\"insertion.svg\" "
              "alt=\"insertion curves\"></p>\n",
              fp);
    if (r->san.rho_a)
        fputs("<p><img src=\"sanity.svg\" alt=\"sanity curves\"></p>\n", fp);
    for (int j = 0; o->aggregate && j < r->M; j++) {
        const char *meth = mrl_explain_method_name(o->x.methods[j]);
        const mrl_agg_t *a = &r->agg[j];
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
        if (ndup)
            fprintf(fp, "<p><img src=\"aggregate/cutsites.%s.svg\" alt=\"%s cut sites\"></p>\n",
                    meth, meth);
        if (nseq)
            report_motifs(a, fp);
        fputs("</section>\n", fp);
    }
    if (o->aggregate && o->examples) {
        fputs("<h2>Examples</h2>\n", fp);
        for (int g = 0; g < MRL_NOUTCOMES; g++) {
            fprintf(fp, "<p>%s:", mrl_outcome_name(g));
            for (int k = 0; k < r->ex_count[g]; k++) {
                fprintf(fp, " <a href=\"seq/%s.html\">", r->ex_name[g][k]);
                cli_html_escape(fp, r->ex_name[g][k]);
                fprintf(fp, "</a> (%.3f)", (double)r->ex_prob[g][k]);
            }
            fputs(r->ex_count[g] ? "</p>\n" : " none</p>\n", fp);
        }
    }
    fputs("<h2>Tables</h2>\n<ul>\n", fp);
    if (o->aggregate) {
        static const char *const files[] = {"predictions.tsv",        "aggregate/columns.tsv",
                                            "aggregate/profile.tsv",  "aggregate/categories.tsv",
                                            "aggregate/cutsites.tsv", "aggregate/motifs.tsv",
                                            "aggregate/loops.tsv"};
        for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
            fprintf(fp, "<li><a href=\"%s\">%s</a></li>\n", files[k], files[k]);
        for (int j = 0; j < r->M; j++)
            fprintf(fp,
                    "<li><a href=\"aggregate/maps.%s.npy\">aggregate/maps.%s.npy</a> "
                    "(groups TP TN FP FN x signed/absolute x 25 x 100)</li>\n",
                    mrl_explain_method_name(o->x.methods[j]),
                    mrl_explain_method_name(o->x.methods[j]));
    }
    if (r->n_faith)
        fputs("<li><a href=\"faithfulness.tsv\">faithfulness.tsv</a></li>\n"
              "<li><a href=\"faithfulness_curves.tsv\">faithfulness_curves.tsv</a></li>\n"
              "<li><a href=\"faithfulness_seq.tsv\">faithfulness_seq.tsv</a></li>\n",
              fp);
    if (r->san.rho_a)
        fputs("<li><a href=\"sanity.tsv\">sanity.tsv</a></li>\n", fp);
    fprintf(fp, "</ul>\n%s</body>\n</html>\n", page_check);
    rc = cli_set_commit(&h);
    mrl_atomic_abort(&h);
    return rc;
}
