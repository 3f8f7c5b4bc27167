/*
 * mutagenesis.c - the pictures and tables of refolding mutagenesis and counterfactuals
 * (results of src/explain/mutagenesis.c and counterfactual.c): the delta-margin heat map
 * aligned column for column under the hairpin image, the position x base map along the
 * sequence, each counterfactual path with every step's hairpin redrawn, and the set
 * tables (through the aggregate tables of set_tables.c).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../util/util.h"
#include "report.h"

#define PXS 6   /* heat map: pixels per image column */
#define LEFT 60 /* room for row labels */

/* The hairpin image (25,100,3) at (x0, y0), scale s, as runs of equal colour per row. */
static void svg_image(FILE *fp, const uint8_t *rgb, double x0, double y0, int s)
{
    fprintf(fp,
            "<rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" fill=\"white\" "
            "stroke=\"#bbb\"/>\n",
            x0, y0, MRL_IMG_W * s, MRL_IMG_H * s);
    for (int r = 0; r < MRL_IMG_H; r++)
        for (int c = 0; c < MRL_IMG_W;) {
            const uint8_t *p = rgb + 3 * (r * MRL_IMG_W + c);
            int e = c + 1;
            while (e < MRL_IMG_W && !memcmp(rgb + 3 * (r * MRL_IMG_W + e), p, 3))
                e++;
            if (p[0] != 255 || p[1] != 255 || p[2] != 255)
                fprintf(fp,
                        "<rect x=\"%.0f\" y=\"%.0f\" width=\"%d\" height=\"%d\" "
                        "fill=\"#%02x%02x%02x\"/>\n",
                        x0 + c * s, y0 + r * s, (e - c) * s, s, p[0], p[1], p[2]);
            c = e;
        }
}

/* A standalone SVG of W x H pixels with a white page and its title, opened atomically. */
static int svg_open(mrl_atomic_t *af, const char *path, int W, int H, const char *title)
{
    int rc = mrl_atomic_open(af, path);
    if (rc)
        return rc;
    fprintf(af->fp,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/"
            "svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            W, H, W, H);
    rpt_text(af->fp, 10, 18, "start", 13, title ? title : "");
    return 0;
}

/* One heat map cell: v / mx in the diverging colours; NaN (not drawable) dark grey; the
 * reference base hatched grey. */
static void cell(FILE *fp, double x, double y, double w, double h, float v, float mx, int ref,
                 const char *tip)
{
    char fill[8] = "#555555";
    if (ref) {
        snprintf(fill, sizeof fill, "#dddddd");
    } else if (!isnan(v)) {
        uint8_t c[3];
        mrl_report_colour(mx > 0 ? v / mx : 0, c);
        snprintf(fill, sizeof fill, "#%02x%02x%02x", c[0], c[1], c[2]);
    }
    fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", x, y, w,
            h, fill);
    if (tip) {
        fputs("<title>", fp);
        mrl_report_escape(fp, tip);
        fputs("</title>", fp);
    }
    fputs("</rect>\n", fp);
}

static float delta_max(const mrl_mut_t *r)
{
    float mx = 0;
    for (size_t i = 0; i < 4 * r->n; i++)
        if (!isnan(r->sub_delta[i]))
            mx = MRL_MAX(mx, fabsf(r->sub_delta[i]));
    return mx;
}

/* Rows under the image: for each column, A C G U at its 5' base, then at its 3' base. */
static void aligned_rows(FILE *fp, const mrl_mut_t *r, double y0, float mx)
{
    static const char *const lab[8] = {"5' A", "5' C", "5' G", "5' U",
                                       "3' A", "3' C", "3' G", "3' U"};
    const mrl_hairpin_t *h = &r->hp;
    fputs("<g id=\"aligned\">\n", fp);
    for (int row = 0; row < 8; row++) {
        rpt_text(fp, LEFT - 4, y0 + row * 8 + 7 + (row >= 4) * 4, "end", 8, lab[row]);
        for (int c = 0; c < h->used; c++) {
            int p = row < 4 ? h->pos5[c] : h->pos3[c], b = row % 4;
            if (p < 0 || (size_t)p >= r->n)
                continue;
            cell(fp, LEFT + c * PXS, y0 + row * 8 + (row >= 4) * 4, PXS, 8, r->sub_delta[4 * p + b],
                 mx, mrl_base_index(r->seq[p]) == b, NULL);
        }
    }
    fputs("</g>\n", fp);
}

/* The position x base map along the sequence, with a tooltip per cell. */
static void linear_rows(FILE *fp, const mrl_mut_t *r, double y0, float mx, double cw)
{
    static const char abc[] = "ACGU";
    fputs("<g id=\"linear\">\n", fp);
    for (int b = 0; b < 4; b++) {
        char l[2] = {abc[b], 0};
        rpt_text(fp, LEFT - 4, y0 + b * 10 + 8, "end", 9, l);
        for (size_t p = 0; p < r->n; p++) {
            char tip[96];
            float v = r->sub_delta[4 * p + b];
            snprintf(tip, sizeof tip, "%zu %c>%c: delta margin %.4g", p + 1, r->seq[p], abc[b],
                     (double)v);
            cell(fp, LEFT + p * cw, y0 + b * 10, cw, 10, v, mx, mrl_base_index(r->seq[p]) == b,
                 tip);
        }
    }
    for (size_t p = 0; p < r->n; p += 10) {
        char t[24];
        snprintf(t, sizeof t, "%zu", p + 1);
        rpt_text(fp, LEFT + (p + 0.5) * cw, y0 + 52, "middle", 8, t);
    }
    fputs("</g>\n", fp);
}

int mrl_report_mut_svg(const char *path, const mrl_mut_t *r, const char *title)
{
    if (!path || !r || !r->seq || !r->sub_delta)
        return mrl_err_set(MRL_ERR_ARG, "mutagenesis svg: bad arguments");
    double cw = r->n * 6 <= MRL_IMG_W * PXS * 2 ? 6 : (double)MRL_IMG_W * PXS * 2 / (double)r->n;
    int W = LEFT + (int)MRL_MAX(MRL_IMG_W * PXS, cw * (double)r->n) + 20;
    int H = 30 + MRL_IMG_H * PXS + 8 + 68 + 30 + 60 + 30;
    float mx = delta_max(r);
    mrl_atomic_t af = {0};
    int rc = svg_open(&af, path, W, H, title);
    if (rc)
        return rc;
    FILE *fp = af.fp;
    double y = 30;
    svg_image(fp, r->hp.rgb, LEFT, y, PXS);
    y += MRL_IMG_H * PXS + 8;
    aligned_rows(fp, r, y, mx);
    y += 68 + 14;
    rpt_text(fp, 10, y, "start", 11,
             "delta margin of each substitution along the sequence "
             "(5' to 3'; grey: the base itself, dark: no hairpin left)");
    linear_rows(fp, r, y + 8, mx, cw);
    y += 8 + 60 + 12;
    for (int i = 0; i < 21; i++) {
        uint8_t c[3];
        mrl_report_colour((float)(i - 10) / 10.0f, c);
        fprintf(fp,
                "<rect x=\"%d\" y=\"%.0f\" width=\"8\" height=\"10\" fill=\"#%02x%02x%02x\"/>\n",
                LEFT + 8 * i, y, c[0], c[1], c[2]);
    }
    char t[64];
    snprintf(t, sizeof t, "%.3g", (double)-mx);
    rpt_text(fp, LEFT - 4, y + 9, "end", 9, t);
    snprintf(t, sizeof t, "%.3g (delta logit margin)", (double)mx);
    rpt_text(fp, LEFT + 8 * 21 + 4, y + 9, "start", 9, t);
    fputs("</svg>\n", fp);
    return mrl_atomic_commit(&af);
}

/* "G12A" style name of a step's edit on the input (1-based). */
static void edit_label(const mrl_cf_step_t *st, char *buf, size_t cap)
{
    const mrl_edit_t *e = &st->edit;
    if (e->kind == MRL_EDIT_SUB)
        snprintf(buf, cap, "%c%d%c", e->ref, st->orig_pos + 1, e->alt);
    else if (e->kind == MRL_EDIT_DEL)
        snprintf(buf, cap, "del %c%d", e->ref, st->orig_pos + 1);
    else
        snprintf(buf, cap, "ins %c before %d", e->alt, st->orig_pos + 1);
}

int mrl_report_cf_svg(const char *path, const mrl_cf_path_t *p, float threshold, const char *title)
{
    if (!path || !p || p->n_edits < 0 || p->n_edits > MRL_CF_MAX_BUDGET)
        return mrl_err_set(MRL_ERR_ARG, "counterfactual svg: bad arguments");
    const int S = 3, BH = MRL_IMG_H * S + 46;
    size_t maxlen = 0;
    for (int k = 0; k <= p->n_edits; k++)
        maxlen = MRL_MAX(maxlen, p->step[k].len);
    int W = MRL_MAX(20 + MRL_IMG_W * S + 20, 20 + (int)maxlen * 6 + 20) + 260;
    int H = 30 + (p->n_edits + 1) * BH;
    mrl_atomic_t af = {0};
    int rc = svg_open(&af, path, W, H, title);
    if (rc)
        return rc;
    FILE *fp = af.fp;
    for (int k = 0; k <= p->n_edits; k++) {
        const mrl_cf_step_t *st = &p->step[k];
        double y = 30 + k * BH;
        char lab[160], ed[48] = "input", eb[16];
        if (k)
            edit_label(st, ed, sizeof ed);
        mrl_energy_str(st->mfe, eb);
        snprintf(lab, sizeof lab, "step %d: %s  P(pre-miRNA) %.4f%s  margin %.3f  MFE %s", k, ed,
                 (double)st->prob, (st->prob >= threshold) ? " (pre-miRNA)" : " (other)",
                 (double)st->margin, eb);
        fprintf(fp, "<g class=\"step\" id=\"step%d\">\n", k);
        rpt_text(fp, 20, y + 10, "start", 11, lab);
        mrl_hairpin_t *hp = malloc(sizeof *hp);
        if (!hp) {
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
            break;
        }
        if (mrl_encode_hairpin(st->seq, st->len, st->structure, hp) == 0)
            svg_image(fp, hp->rgb, 20, y + 14, S);
        else
            rpt_text(fp, 20, y + 40, "start", 11, "(no hairpin loop: not drawable)");
        free(hp);
        fprintf(fp, "<text x=\"20\" y=\"%.0f\" font-family=\"monospace\" font-size=\"9\">",
                y + 14 + MRL_IMG_H * S + 12);
        mrl_report_escape(fp, st->seq);
        fprintf(fp,
                "</text>\n<text x=\"20\" y=\"%.0f\" font-family=\"monospace\" "
                "font-size=\"9\">%s</text>\n</g>\n",
                y + 14 + MRL_IMG_H * S + 23, st->structure);
    }
    fputs("</svg>\n", fp);
    if (rc) {
        mrl_atomic_abort(&af);
        return rc;
    }
    return mrl_atomic_commit(&af);
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* One row of summary.tsv: group g's shares and counterfactual sizes. */
static int summary_row(FILE *fp, const mrl_mut_sum_t *s, int g)
{
    long nc = s->n_cf[g], nf = 0;
    int *sz = malloc((size_t)(nc ? nc : 1) * sizeof *sz);
    if (!sz)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (nc)
        memcpy(sz, s->cf_size[g], (size_t)nc * sizeof *sz);
    qsort(sz, (size_t)nc, sizeof *sz, cmp_int);
    for (long k = 0; k < nc; k++)
        nf += sz[k] > 0;
    const int *found = sz + (nc - nf); /* the sizes > 0 sort last */
    fprintf(fp, "%s\t%ld\t", mrl_outcome_name(g), s->agg->n_seq[g]);
    if (s->n[g])
        fprintf(fp, "%.4f\t%.4f\t", s->share_sum[g] / (double)s->n[g],
                s->effect_changed[g] / s->effect_total[g]);
    else
        fputs(".\t.\t", fp);
    fprintf(fp, "%ld\t%ld\t", nc, nf);
    if (nf)
        fprintf(fp, "%g\n",
                nf % 2 ? (double)found[nf / 2] : 0.5 * (found[nf / 2 - 1] + found[nf / 2]));
    else
        fputs(".\n", fp);
    free(sz);
    return 0;
}

int mrl_report_mut_sum_write(const char *dir, const mrl_mut_sum_t *s)
{
    const char *meth[1] = {"mutagenesis"};
    const mrl_agg_t *a[1] = {s->agg};
    char *sub = rpt_path(dir, "aggregate", "", "");
    mrl_atomic_t af = {0};
    int rc = sub ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc && mkdir(sub, 0755) < 0 && errno != EEXIST)
        rc = mrl_err_set(MRL_ERR_IO, "cannot create directory '%s': %s", sub, strerror(errno));
    if (!rc)
        rc = rpt_agg_tables(sub, 1, meth, a);
    if (!rc && !(rc = rpt_open(&af, dir, "summary.tsv")))
        fputs("group\thairpins\tmean_share_changed\tpooled_share_changed\tcf_searched\t"
              "cf_found\tmedian_cf_size\n",
              af.fp);
    for (int g = 0; !rc && g < MRL_NOUTCOMES; g++)
        rc = summary_row(af.fp, s, g);
    rc = rc ? rc : mrl_atomic_commit(&af);
    mrl_atomic_abort(&af);
    free(sub);
    return rc;
}

/* ---- the page ------------------------------------------------------------------------ */

void mrl_report_mut_page_begin(FILE *fp)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>mirlens mutagenesis</title>\n<style>body{font-family:sans-serif;"
          "margin:1.5em;color:#222}section{border-top:2px solid #ccc;margin-top:1.5em}"
          "img{display:block;max-width:100%;border:1px solid #ddd;margin:.3em 0}"
          "table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ccc;"
          "padding:2px 6px}code{word-break:break-all}</style>\n</head>\n<body>\n"
          "<h1>mirlens: refolding mutagenesis and counterfactuals</h1>\n"
          "<p>Every substitution is refolded, redrawn and re-scored. Heat map: the change of "
          "the logit margin (red up, blue down) under the hairpin image, column for column "
          "(5' arm base above, 3' arm base below), then along the sequence. Counterfactuals: "
          "the fewest edits that flip the call, each step refolded and redrawn. Positions "
          "are 1-based.</p>\n",
          fp);
}

void mrl_report_mut_page_end(FILE *fp)
{
    fprintf(fp, "%s</body>\n</html>\n", rpt_page_check);
}

static int cmp_abs_desc(const void *x, const void *y, void *ctx)
{
    const mrl_mut_t *m = ctx;
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    float a = m->mut[i].delta_margin, b = m->mut[j].delta_margin;
    a = isnan(a) ? -1 : fabsf(a), b = isnan(b) ? -1 : fabsf(b);
    if (a != b)
        return a > b ? -1 : 1;
    return i < j ? -1 : 1;
}

/* The strongest mutants of m as an HTML table. */
static int top_table(FILE *fp, const mrl_mut_t *m, int top)
{
    size_t *ix = malloc((m->n_mut ? m->n_mut : 1) * sizeof *ix);
    if (!ix)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < m->n_mut; k++)
        ix[k] = k;
    qsort_r(ix, m->n_mut, sizeof *ix, cmp_abs_desc, (void *)m);
    fputs("<table class=\"top\"><tr><th>pos</th><th>edit</th><th>delta margin</th><th>score</th>"
          "<th>structure changed</th><th>mutant structure</th></tr>\n",
          fp);
    for (int i = 0; i < top && (size_t)i < m->n_mut; i++) {
        const mrl_mutant_t *u = &m->mut[ix[i]];
        fprintf(fp,
                "<tr><td>%d</td><td>%s %c&gt;%c</td><td>%.4g</td><td>%.4f</td><td>%s%s</td>"
                "<td><code>%s</code></td></tr>\n",
                u->edit.pos + 1, mrl_edit_kind_name(u->edit.kind), u->edit.ref, u->edit.alt,
                (double)u->delta_margin, (double)u->prob, u->diff.changed ? "yes" : "no",
                u->diff.undrawable ? " (no hairpin)" : "", u->structure);
    }
    fputs("</table>\n", fp);
    free(ix);
    return 0;
}

/* The counterfactual part of a section: its pictures DIR/NAME.cfK.svg and their images. */
static int cf_part(FILE *fp, const char *dir, const char *name, const char *id, const mrl_cf_t *cf,
                   float threshold)
{
    if (cf->size == 0)
        fprintf(fp, "<p>No counterfactual within the edit budget (%ld mutants scored).</p>\n",
                cf->evaluated);
    else
        fprintf(fp,
                "<h3>Counterfactuals: %d edit%s turn%s it into %s (%d solution%s, %ld mutants "
                "scored)</h3>\n",
                cf->size, cf->size > 1 ? "s" : "", cf->size > 1 ? "" : "s",
                cf->called ? "another hairpin" : "a pre-miRNA", cf->n_sol, cf->n_sol > 1 ? "s" : "",
                cf->evaluated);
    for (int s = 0; s < cf->n_sol; s++) {
        char path[4096], title[512], file[256];
        snprintf(file, sizeof file, "%s.cf%d.svg", name, s + 1);
        snprintf(path, sizeof path, "%s/%s", dir, file);
        snprintf(title, sizeof title, "%s: counterfactual %d", id, s + 1);
        int rc = mrl_report_cf_svg(path, &cf->sol[s], threshold, title);
        if (rc)
            return rc;
        fprintf(fp, "<img class=\"cfpath\" src=\"%s\" alt=\"counterfactual %d\">\n", file, s + 1);
    }
    return 0;
}

int mrl_report_mut_section(FILE *fp, const char *dir, const char *name, const char *id,
                           const mrl_mut_t *m, const mrl_cf_t *cf, float threshold, int top)
{
    char path[4096], title[512], eb[16];
    snprintf(path, sizeof path, "%s/%s.mutagenesis.svg", dir, name);
    snprintf(title, sizeof title, "%s: delta logit margin of every substitution (refolded)", id);
    int rc = mrl_report_mut_svg(path, m, title);
    snprintf(path, sizeof path, "%s/%s.mutagenesis.hairpin.svg", dir, name);
    snprintf(title, sizeof title, "%s: mean |delta margin| of the substitutions at each position",
             id);
    if (!rc)
        rc = mrl_report_hairpin_svg(path, m->seq, m->n, m->partner, &m->hp, m->pos_effect, title,
                                    NULL, "mean |delta margin|, logit units");
    if (rc)
        return rc;
    fprintf(fp, "<section id=\"%s\">\n<h2>", name);
    mrl_report_escape(fp, id);
    fprintf(fp,
            "</h2>\n<p>%zu nt, MFE %s kcal/mol, P(pre-miRNA) %.4f (margin %.3f). %zu mutants, %ld "
            "change the structure, %ld leave no hairpin, %ld flip the call. Share of the total "
            "|delta margin| carried by structure-changing mutants: %.1f%%.</p>\n<p><code>",
            m->n, mrl_energy_str(m->mfe, eb), (double)m->prob, (double)m->margin, m->n_mut,
            m->n_changed, m->n_undrawable, m->n_flip, 100 * m->share_changed);
    mrl_report_escape(fp, m->seq);
    fprintf(fp,
            "<br>%s</code></p>\n<img class=\"hairpin\" src=\"%s.mutagenesis.hairpin.svg\" "
            "alt=\"hairpin coloured by mutational effect\">\n<img class=\"heatmap\" "
            "src=\"%s.mutagenesis.svg\" alt=\"mutagenesis heat map\">\n",
            m->structure, name, name);
    if (!(rc = top_table(fp, m, top)) && cf)
        rc = cf_part(fp, dir, name, id, cf, threshold);
    fputs("</section>\n", fp);
    return rc;
}
