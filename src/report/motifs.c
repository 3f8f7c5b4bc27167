/*
 * motifs.c - the report of landmark-anchored motif discovery (src/explain/seqlets.c):
 * motifs.tsv, seqlets.tsv, determinants.tsv, a sequence logo per motif (information
 * content in bits, Schneider & Stephens 1990) with its columns numbered as offsets from
 * the motif's landmark, and index.html. Every file is written to a temporary name and
 * renamed.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../util/util.h"
#include "report.h"

static const char *const logo_colour[4] = {"#109648", "#255c99", "#f7b32b", "#d62839"};

static int make_dir(const char *p)
{
    if (mkdir(p, 0755) < 0 && errno != EEXIST)
        return mrl_err_set(MRL_ERR_IO, "cannot create directory '%s': %s", p, strerror(errno));
    return 0;
}

/* Offset of column j of motif m (offsets have no zero: -1 is followed by +1). */
static int column_offset(const mrl_motif_t *m, int j)
{
    int x = (m->offset > 0 ? m->offset - 1 : m->offset) - m->width / 2 + j;
    return x >= 0 ? x + 1 : x;
}

/* "drosha-5p:12,loop-5p:3": the members' landmarks. */
static void landmark_list(const mrl_motif_t *m, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int l = 0; l < MRL_NLANDMARKS; l++)
        if (m->lm_count[l] && len < cap)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s:%d", len ? "," : "",
                                    mrl_landmark_name(l), m->lm_count[l]);
}

static void fmt_g(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, "\t%.4g", v);
    else
        fputs("\t.", fp);
}

/* The control run beside run u (same method, network "random"), or NULL. */
static const mrl_motif_run_t *control_of(const mrl_motif_run_t *runs, int n, int u)
{
    for (int k = 0; k < n; k++)
        if (k != u && !strcmp(runs[k].network, "random") && strcmp(runs[u].network, "random") &&
            !strcmp(runs[k].method, runs[u].method))
            return &runs[k];
    return NULL;
}

/* The first motif of the control c like motif m: the same landmark, centre offsets within
 * offset_tol, consensus letters differing (N matching anything) at most mismatch times.
 * Returns its index or -1. */
static int control_match(const mrl_motif_run_t *c, const mrl_motif_t *m, const mrl_motif_opts_t *o)
{
    for (size_t i = 0; i < c->res->n_motifs; i++) {
        const mrl_motif_t *q = &c->res->motif[i];
        int dx = abs((q->offset > 0 ? q->offset - 1 : q->offset) -
                     (m->offset > 0 ? m->offset - 1 : m->offset)),
            mm = 0;
        if (q->landmark != m->landmark || q->width != m->width ||
            (o->offset_tol >= 0 && dx > o->offset_tol))
            continue;
        for (int j = 0; j < m->width; j++)
            mm += m->consensus[j] != 'N' && q->consensus[j] != 'N' &&
                  m->consensus[j] != q->consensus[j];
        if (mm <= o->mismatch)
            return (int)i;
    }
    return -1;
}

static void motif_row(FILE *fp, const mrl_motif_run_t *runs, int n, int uk, size_t i)
{
    const mrl_motif_run_t *u = &runs[uk], *c = control_of(runs, n, uk);
    const mrl_motif_t *m = &u->res->motif[i];
    char lms[256];
    landmark_list(m, lms, sizeof lms);
    fprintf(fp, "%s\t%s\t%zu\t%s\t%d\t%d\t%d\t%s\t%+d\t%+d\t%+d\t%s\t%ld\t%ld\t%ld\t%ld", u->method,
            u->network, i + 1, m->consensus, m->width, m->n_seqlets, m->n_hairpins,
            mrl_landmark_name(m->landmark), m->offset, m->off_min, m->off_max, lms, m->n_windows,
            m->n_match, m->n_test, m->n_test_match);
    fmt_g(fp, m->enrichment), fmt_g(fp, m->pos_enrichment), fmt_g(fp, m->p), fmt_g(fp, m->q);
    fprintf(fp, "\t%d\t%s\t", m->significant,
            m->determinant >= 0 ? mrl_det_name(m->determinant) : ".");
    if (m->determinant >= 0)
        fprintf(fp, "%d\t%.3f\t%s\t%s\t", m->det_gap, m->det_overlap,
                m->det_position ? "yes" : "no", m->det_sequence ? "yes" : "no");
    else
        fputs(".\t.\t.\t.\t", fp);
    int cm = c ? control_match(c, m, &u->res->opts) : -1;
    if (c && cm >= 0)
        fprintf(fp, "%d\n", cm + 1);
    else
        fputs(c ? "none\n" : ".\n", fp);
}

static int write_motifs_tsv(const char *dir, const mrl_motif_run_t *runs, int n)
{
    mrl_atomic_t af = {0};
    int rc = rpt_open(&af, dir, "motifs.tsv");
    if (rc < 0)
        return rc;
    fputs("method\tnetwork\tmotif\tconsensus\twidth\tseqlets\thairpins\tlandmark\toffset\t"
          "offset_min\toffset_max\tlandmarks\ttest_windows\ttest_windows_match\ttest_seqlets\t"
          "test_seqlets_match\tenrichment\tpos_enrichment\tp\tq\tsignificant\tdeterminant\t"
          "det_gap\tdet_overlap\tposition_agrees\tsequence_agrees\tcontrol_motif\n",
          af.fp);
    for (int u = 0; u < n; u++)
        for (size_t i = 0; i < runs[u].res->n_motifs; i++)
            motif_row(af.fp, runs, n, u, i);
    return mrl_atomic_commit(&af);
}

static int write_seqlets_tsv(const char *dir, const mrl_motif_run_t *runs, int n)
{
    mrl_atomic_t af = {0};
    int rc = rpt_open(&af, dir, "seqlets.tsv");
    if (rc < 0)
        return rc;
    fputs("method\tnetwork\tid\tposition\tlandmark\toffset\tarm\tscore\thalf\tmotif\tshift\t"
          "window\n",
          af.fp);
    for (int u = 0; u < n; u++) {
        const mrl_motif_result_t *r = runs[u].res;
        int w = r->opts.width;
        for (size_t i = 0; i < r->n_seqlets; i++) {
            const mrl_seqlet_t *q = &r->seqlet[i];
            const mrl_motif_hp_t *h = &runs[u].data->hp[q->hp];
            char win[MRL_MOTIF_MAXW + 1];
            for (int j = 0; j < w; j++) {
                int p = q->pos - w / 2 + j;
                win[j] = p >= 0 && (size_t)p < h->n ? h->seq[p] : '-';
            }
            win[w] = '\0';
            fprintf(af.fp, "%s\t%s\t%s\t%d\t%s\t%+d\t%s\t%.5g\t%s\t", runs[u].method,
                    runs[u].network, h->id, q->pos + 1, mrl_landmark_name(q->landmark), q->offset,
                    mrl_arm_name(q->arm), (double)q->score, q->half ? "test" : "discovery");
            if (q->motif >= 0)
                fprintf(af.fp, "%d\t%+d\t%s\n", q->motif + 1, q->shift, win);
            else
                fprintf(af.fp, ".\t.\t%s\n", win);
        }
    }
    return mrl_atomic_commit(&af);
}

/* The verdict on site determinant k (enum mrl_det) in run u: the best motif naming it
 * (significant with position and sequence agreeing first) into *best (-1 none). */
static const char *det_verdict(const mrl_motif_run_t *u, int k, long visible, int *best)
{
    const mrl_motif_result_t *r = u->res;
    int score = -1;
    *best = -1;
    for (size_t i = 0; i < r->n_motifs; i++) {
        const mrl_motif_t *m = &r->motif[i];
        if (m->determinant != k)
            continue;
        int s = 4 * m->significant + 2 * m->det_sequence + m->det_position - (m->det_gap > 0);
        if (s > score)
            score = s, *best = (int)i;
    }
    if (visible == 0)
        return "cannot-be-seen";
    if (*best >= 0 && r->motif[*best].significant && r->motif[*best].det_position &&
        r->motif[*best].det_sequence)
        return "found";
    return "not-found";
}

static void det_row(FILE *fp, const mrl_motif_run_t *u, const mrl_motif_det_t *t)
{
    int best;
    const char *v = det_verdict(u, t->det, t->visible, &best);
    fprintf(fp, "%s\t%s\t%s\t%s\t%s\t", u->method, u->network, mrl_det_name(t->det),
            mrl_det_source(t->det), t->landmark >= 0 ? mrl_landmark_name(t->landmark) : ".");
    if (t->landmark >= 0)
        fprintf(fp, "%+d..%+d", t->off_lo, t->off_hi);
    else
        fputc('.', fp);
    fprintf(fp, "\t%s\t%ld\t%ld\t%ld\t%s\t", t->pattern, t->placed, t->visible, t->present, v);
    if (best >= 0) {
        const mrl_motif_t *m = &u->res->motif[best];
        fprintf(fp, "%d\t%s\t%s\t%+d", best + 1, m->consensus, mrl_landmark_name(m->landmark),
                m->offset);
        fmt_g(fp, m->q);
        fputc('\n', fp);
    } else {
        fputs(".\t.\t.\t.\t.\n", fp);
    }
}

static int write_determinants(const char *dir, const mrl_motif_run_t *runs, int n)
{
    mrl_atomic_t af = {0};
    int rc = rpt_open(&af, dir, "determinants.tsv");
    if (rc < 0)
        return rc;
    fputs("method\tnetwork\tdeterminant\tsource\tlandmark\tmask_offsets\tpattern\thairpins\t"
          "visible\tpresent\tverdict\tbest_motif\tconsensus\tmotif_landmark\tmotif_offset\tq\n",
          af.fp);
    for (int u = 0; u < n; u++)
        for (int k = 0; k < MRL_MOTIF_NDET; k++)
            det_row(af.fp, &runs[u], &runs[u].res->det[k]);
    return mrl_atomic_commit(&af);
}

/* ---- logos ------------------------------------------------------------------------ */

#define LOGO_COL 36
#define LOGO_H 120
#define LOGO_X0 44
#define LOGO_Y0 30

static int cmp_freq(const void *x, const void *y)
{
    const double *a = x, *b = y;
    return a[0] < b[0] ? -1 : a[0] > b[0];
}

/* One column: letters stacked by frequency (the largest on top), the stack IC bits high. */
static void logo_column(FILE *fp, const mrl_motif_t *m, int j)
{
    const double *c = m->count[j];
    double tot = c[0] + c[1] + c[2] + c[3], H = 0, st[4][2];
    if (tot <= 0)
        return;
    for (int b = 0; b < 4; b++) {
        double f = c[b] / tot;
        H -= f > 0 ? f * log2(f) : 0;
        st[b][0] = f, st[b][1] = b;
    }
    double ic = MRL_MAX(0.0, 2 - H), y = LOGO_Y0 + LOGO_H;
    qsort(st, 4, sizeof st[0], cmp_freq);
    for (int i = 0; i < 4; i++) {
        double h = st[i][0] * ic / 2 * LOGO_H; /* 2 bits fill the axis */
        if (h < 0.5)
            continue;
        int b = (int)st[i][1];
        /* a bold capital 100 px tall is ~72 px from baseline to top: scale to h */
        fprintf(fp,
                "<text transform=\"translate(%d,%.2f) scale(%.3f,%.4f)\" font-size=\"100\" "
                "font-family=\"DejaVu Sans,Arial,sans-serif\" font-weight=\"bold\" "
                "fill=\"%s\">%c</text>\n",
                LOGO_X0 + j * LOGO_COL + 1, y, (LOGO_COL - 2) / 68.0, h / 72.0, logo_colour[b],
                "ACGU"[b]);
        y -= h;
    }
}

static int write_logo(const char *path, const mrl_motif_run_t *u, size_t i)
{
    const mrl_motif_t *m = &u->res->motif[i];
    int W = LOGO_X0 + m->width * LOGO_COL + 16, Hh = LOGO_Y0 + LOGO_H + 44;
    mrl_atomic_t af = {0};
    int rc = mrl_atomic_open(&af, path);
    if (rc < 0)
        return rc;
    FILE *fp = af.fp;
    fprintf(fp,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            W, Hh, W, Hh);
    char title[200], buf[16];
    snprintf(title, sizeof title, "motif %zu: %s, %d seqlets", i + 1, m->consensus, m->n_seqlets);
    rpt_text(fp, 4, 16, "start", 12, title);
    fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", LOGO_X0 - 4,
            LOGO_Y0, LOGO_X0 - 4, LOGO_Y0 + LOGO_H);
    for (int b = 0; b <= 2; b++) {
        snprintf(buf, sizeof buf, "%d", b);
        rpt_text(fp, LOGO_X0 - 8, LOGO_Y0 + LOGO_H - b * LOGO_H / 2.0 + 4, "end", 10, buf);
    }
    rpt_text(fp, 12, LOGO_Y0 + LOGO_H / 2.0, "middle", 10, "bits");
    for (int j = 0; j < m->width; j++) {
        logo_column(fp, m, j);
        snprintf(buf, sizeof buf, "%+d", column_offset(m, j));
        rpt_text(fp, LOGO_X0 + (j + 0.5) * LOGO_COL, LOGO_Y0 + LOGO_H + 16, "middle", 10, buf);
    }
    snprintf(title, sizeof title, "offset from the %s landmark (nt)",
             mrl_landmark_name(m->landmark));
    rpt_text(fp, LOGO_X0 + m->width * LOGO_COL / 2.0, LOGO_Y0 + LOGO_H + 34, "middle", 10, title);
    fputs("</svg>\n", fp);
    return mrl_atomic_commit(&af);
}

/* logos/METHOD.NETWORK.motifK.svg of every motif; the name of one into buf. */
static void logo_name(char *buf, size_t cap, const mrl_motif_run_t *u, size_t i)
{
    snprintf(buf, cap, "logos/%s.%s.motif%zu.svg", u->method, u->network, i + 1);
}

static int write_logos(const char *dir, const mrl_motif_run_t *runs, int n)
{
    char *sub = rpt_path(dir, "logos", "", "");
    int rc = sub ? make_dir(sub) : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    free(sub);
    for (int u = 0; !rc && u < n; u++)
        for (size_t i = 0; !rc && i < runs[u].res->n_motifs; i++) {
            char name[256];
            logo_name(name, sizeof name, &runs[u], i);
            char *p = rpt_path(dir, name, "", "");
            rc = p ? write_logo(p, &runs[u], i) : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
            free(p);
        }
    return rc;
}

/* ---- the page --------------------------------------------------------------------- */

static void page_run(FILE *fp, const mrl_motif_run_t *u)
{
    const mrl_motif_result_t *r = u->res;
    fputs("<h2>", fp);
    mrl_report_escape(fp, u->method);
    fputs(" &middot; ", fp);
    mrl_report_escape(fp, u->network);
    fprintf(fp,
            "</h2>\n<p data-check=\"summary\">%zu + %zu hairpins (discovery + test), %zu "
            "seqlets (share &ge; %.4g), %zu motifs, <b>%d significant</b> (BH q &lt; %g).</p>\n",
            r->n_hp[0], r->n_hp[1], r->n_seqlets, r->threshold, r->n_motifs, r->n_significant,
            r->opts.alpha);
    fputs("<table><tr><th>#</th><th>logo</th><th>consensus</th><th>seqlets</th><th>hairpins</th>"
          "<th>landmark</th><th>offset</th><th>enrichment</th><th>pos. enrichment</th>"
          "<th>q</th><th>nearest determinant</th></tr>\n",
          fp);
    for (size_t i = 0; i < r->n_motifs; i++) {
        const mrl_motif_t *m = &r->motif[i];
        char name[256];
        logo_name(name, sizeof name, u, i);
        fprintf(fp, "<tr%s><td>%zu</td><td><img src=\"", m->significant ? " class=\"sig\"" : "",
                i + 1);
        mrl_report_escape(fp, name);
        fprintf(fp,
                "\" alt=\"logo\" height=\"80\"></td><td><code>%s</code></td><td>%d</td><td>%d"
                "</td><td>%s</td><td>%+d (%+d..%+d)</td><td>%.3g</td><td>%.3g</td><td>%.3g</td>"
                "<td>",
                m->consensus, m->n_seqlets, m->n_hairpins, mrl_landmark_name(m->landmark),
                m->offset, m->off_min, m->off_max, m->enrichment, m->pos_enrichment, m->q);
        if (m->determinant >= 0)
            fprintf(fp, "%s (median gap %d nt, meets it in %.0f%%; position %s, sequence %s)",
                    mrl_det_name(m->determinant), m->det_gap, 100 * m->det_overlap,
                    m->det_position ? "agrees" : "differs", m->det_sequence ? "agrees" : "differs");
        else
            fputs("&ndash;", fp);
        fputs("</td></tr>\n", fp);
    }
    fputs("</table>\n", fp);
}

static int write_page(const char *dir, const mrl_motif_run_t *runs, int n, const char *title)
{
    mrl_atomic_t af = {0};
    int rc = rpt_open(&af, dir, "index.html");
    if (rc < 0)
        return rc;
    FILE *fp = af.fp;
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mirlens motifs</title>\n"
          "<style>body{font-family:sans-serif;margin:1em 2em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}tr.sig{background:#eef8ee}"
          "</style></head><body>\n<h1>Landmark-anchored motifs</h1>\n<p>",
          fp);
    mrl_report_escape(fp, title ? title : "");
    fputs("</p>\n<p>Seqlets: windows around local maxima of each hairpin's attribution share; "
          "offsets from the nearest landmark (Drosha / Dicer cut sites of the miRNA duplex, "
          "the terminal loop's closing pair; no zero: +1 is the first nucleotide 3' of it). "
          "Motifs are found on the discovery half and tested on the test half against every "
          "window at the same landmark offsets (hypergeometric, Benjamini-Hochberg). "
          "<i>random</i>: the same on a copy of the network with every layer re-drawn "
          "(control). Tables: motifs.tsv, seqlets.tsv, determinants.tsv.</p>\n",
          fp);
    for (int u = 0; u < n; u++)
        page_run(fp, &runs[u]);
    fprintf(fp, "%s</body></html>\n", rpt_page_check);
    return mrl_atomic_commit(&af);
}

int mrl_report_motifs_write(const char *dir, const mrl_motif_run_t *runs, int n, const char *title)
{
    if (!dir || !runs || n < 0)
        return mrl_err_set(MRL_ERR_ARG, "motif report: bad arguments");
    int rc = make_dir(dir);
    if (!rc)
        rc = write_motifs_tsv(dir, runs, n);
    if (!rc)
        rc = write_seqlets_tsv(dir, runs, n);
    if (!rc)
        rc = write_determinants(dir, runs, n);
    if (!rc)
        rc = write_logos(dir, runs, n);
    if (!rc)
        rc = write_page(dir, runs, n, title);
    return rc;
}
