/*
 * set_tables.c - the tables and figures of an explained set (mrl_explain_set_t, `mirlens
 * explain --aggregate`): per method and outcome group the aggregate TSVs (columns,
 * profile, categories with their bootstrap intervals and the random network's column, cut
 * sites, motifs, loop sizes; each hairpin's category sums), the mean maps as .npy / PNG / SVG,
 * the profile, category and cut-site charts, the faithfulness tables and curves, and the
 * sanity checks' table and chart; each file written to a temporary name and renamed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "report.h"

#define PLANE (MRL_IMG_H * MRL_IMG_W)

/* ---- files --------------------------------------------------------------------------- */

char *rpt_path(const char *dir, const char *a, const char *b, const char *c)
{
    size_t len = strlen(dir) + strlen(a) + strlen(b) + strlen(c) + 4;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s%s%s", dir, a, b, c);
    return p;
}

int rpt_open(mrl_atomic_t *af, const char *dir, const char *name)
{
    char *p = rpt_path(dir, name, "", "");
    if (!p)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    int rc = mrl_atomic_open(af, p);
    free(p);
    return rc;
}

/* ---- aggregate tables and figures ----------------------------------------------------- */

static const char *const ctx_short[MRL_AGG_NCTX] = {
    "stem", "bulge", "interior", "terminal-loop", "multiloop", "flank5", "flank3", "exterior"};

static double ratio(double a, double b)
{
    return b > 0 ? a / b : (double)NAN;
}

/* What a table's rows are made of: a method's sums (a), and for the set report the random
 * network's (r, or NULL) and the categories' intervals (ci: MRL_NOUTCOMES x MRL_AGG_NCAT,
 * or NULL). */
typedef struct tab {
    const char *meth;
    const mrl_agg_t *a, *r;
    const mrl_agg_ci_t *ci;
} tab_t;

/* One categories.tsv block (categories c0 .. c0 + nb - 1 of mrl_agg_cat_*): mean share per
 * image and nucleotide share, then the intervals and the random network's columns. */
static void cat_rows(FILE *fp, const tab_t *t, int g, int c0, const mrl_agg_bin_t *b,
                     const mrl_agg_bin_t *rb, int nb, long nimg)
{
    for (int k = 0; k < nb; k++) {
        double share = ratio(b[k].sum_abs, (double)nimg), nt = ratio(b[k].frac, (double)nimg);
        double en = ratio(share, nt), ren = rb ? ratio(rb[k].sum_abs, rb[k].frac) : (double)NAN;
        fprintf(fp, "%s\t%s\t%s\t%s\t%.0f\t%.5f\t%.5f\t%.4f\t%.6g", t->meth, mrl_outcome_name(g),
                mrl_agg_cat_table(c0 + k), mrl_agg_cat_name(c0 + k), b[k].n, nt, share, en,
                ratio(b[k].sum, b[k].n));
        const mrl_agg_ci_t *c = t->ci ? &t->ci[(size_t)g * MRL_AGG_NCAT + (size_t)(c0 + k)] : NULL;
        double nan = (double)NAN;
        fprintf(fp, "\t%.5f\t%.5f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n",
                c ? c->share_lo : nan, c ? c->share_hi : nan, c ? c->enrich_lo : nan,
                c ? c->enrich_hi : nan, ren, c ? c->y_enrich_lo : nan, c ? c->y_enrich_hi : nan,
                en - ren, c ? c->diff_lo : nan, c ? c->diff_hi : nan);
    }
}

static void rows_columns(FILE *fp, const tab_t *t, int g)
{
    const char *meth = t->meth;
    const mrl_agg_t *a = t->a;
    for (int h = 0; h < 2; h++)
        for (int c = 0; c < MRL_IMG_W; c++) {
            const mrl_agg_bin_t *b = &a->col[g][h][c];
            if (b->n > 0)
                fprintf(fp, "%s\t%s\t%s\t%d\t%.0f\t%.6g\t%.6g\n", meth, mrl_outcome_name(g),
                        h ? "bottom-3p" : "top-5p", c, b->n, b->sum / b->n, b->sum_abs / b->n);
        }
}

static void rows_profile(FILE *fp, const tab_t *t, int g)
{
    const char *meth = t->meth;
    const mrl_agg_t *a = t->a;
    static const char *const strand3[3] = {"5p-arm", "loop", "3p-arm"};
    for (int s = 0; s < 3; s++)
        for (int d = 0; d < MRL_AGG_NDIST; d++) {
            const mrl_agg_bin_t *b = &a->dist[g][s][d];
            if (b->n > 0)
                fprintf(fp, "%s\t%s\t%s\t%d\t%.0f\t%.6g\t%.6g\n", meth, mrl_outcome_name(g),
                        strand3[s], d, b->n, b->sum / b->n, b->sum_abs / b->n);
        }
}

static void rows_categories(FILE *fp, const tab_t *t, int g)
{
    const mrl_agg_t *a = t->a, *r = t->r;
    cat_rows(fp, t, g, MRL_AGG_CAT_CTX, a->ctx[g], r ? r->ctx[g] : NULL, MRL_AGG_NCTX, a->n_seq[g]);
    cat_rows(fp, t, g, MRL_AGG_CAT_BASE, a->base[g], r ? r->base[g] : NULL, MRL_AGG_NBASE,
             a->n_seq[g]);
    cat_rows(fp, t, g, MRL_AGG_CAT_PAIR, a->pair[g], r ? r->pair[g] : NULL, MRL_AGG_NPAIR,
             a->n_seq[g]);
    if (a->n_duplex[g])
        cat_rows(fp, t, g, MRL_AGG_CAT_REGION, a->region[g], r ? r->region[g] : NULL, MRL_NREGIONS,
                 a->n_duplex[g]);
}

static void rows_cutsites(FILE *fp, const tab_t *t, int g)
{
    const char *meth = t->meth;
    const mrl_agg_t *a = t->a;
    for (int s = 0; a->n_duplex[g] && s < MRL_AGG_NCUT; s++)
        for (int off = 0; off <= 2 * MRL_AGG_CUT_W; off++) {
            const mrl_agg_bin_t *b = &a->cut[g][s][off];
            if (b->n > 0)
                fprintf(fp, "%s\t%s\t%s\t%d\t%.0f\t%.6g\t%.6g\n", meth, mrl_outcome_name(g),
                        mrl_agg_cut_name(s), off - MRL_AGG_CUT_W, b->n, b->sum / b->n,
                        b->sum_abs / b->n);
        }
}

static void rows_motifs(FILE *fp, const tab_t *t, int g)
{
    const char *meth = t->meth;
    const mrl_agg_t *a = t->a;
    for (int scope = 0; scope < 2; scope++)
        for (int k = 0; k < MRL_AGG_NKMER; k++) {
            double en, z;
            char km[4];
            if (a->kmer_occ[g][scope][k] == 0)
                continue;
            mrl_agg_kmer_stats(a, g, scope, k, &en, &z);
            fprintf(fp, "%s\t%s\t%s\t%s\t%.0f\t%.0f\t%.2f\t%.4f\t%.3f\n", meth, mrl_outcome_name(g),
                    scope ? "near-loop" : "all", mrl_agg_kmer_str(k, km), a->kmer_occ[g][scope][k],
                    a->kmer_top[g][scope][k], a->kmer_exp[g][scope][k], en, z);
        }
}

/* Per terminal-loop size: hairpins, the loop's mean share of nucleotides and of |attribution|. */
static void rows_loops(FILE *fp, const tab_t *t, int g)
{
    const char *meth = t->meth;
    const mrl_agg_t *a = t->a;
    for (int k = 0; k < MRL_AGG_NLOOP; k++) {
        const mrl_agg_bin_t *b = &a->loop[g][k];
        if (b->n > 0)
            fprintf(fp, "%s\t%s\t%s\t%.0f\t%.5f\t%.5f\t%.4f\t%.6g\n", meth, mrl_outcome_name(g),
                    mrl_agg_loop_name(k), b->n, b->frac / b->n, b->sum_abs / b->n,
                    ratio(b->sum_abs, b->frac), b->sum / b->n);
    }
}

typedef void (*rows_fn)(FILE *fp, const tab_t *t, int g);

/* The aggregate tables of n methods (t[j]) into sub. */
static int agg_tables(const char *sub, int n, const tab_t *t)
{
    enum { NT = 6 };
    static const char *const names[NT] = {"columns.tsv",  "profile.tsv", "categories.tsv",
                                          "cutsites.tsv", "motifs.tsv",  "loops.tsv"};
    static const char *const heads[NT] = {
        "method\tgroup\tstrand\tcolumn\tn_images\tmean_share\tmean_abs_share\n",
        "method\tgroup\tstrand\tdistance\tn\tmean_share\tmean_abs_share\n",
        ("method\tgroup\ttable\tcategory\tn_nt\tnt_share\tattr_share\tenrichment\tmean_signed\t"
         "attr_share_lo\tattr_share_hi\tenrichment_lo\tenrichment_hi\trandom_net_enrichment\t"
         "random_net_lo\trandom_net_hi\tdifference\tdiff_lo\tdiff_hi\n"),
        "method\tgroup\tsite\toffset\tn\tmean_share\tmean_abs_share\n",
        "method\tgroup\tscope\tkmer\toccurrences\tin_top\texpected\tenrichment\tz\n",
        ("method\tgroup\tloop_size\tn_hairpins\tloop_nt_share\tloop_attr_share\tenrichment\t"
         "loop_signed_share\n")};
    static const rows_fn fn[NT] = {rows_columns,  rows_profile, rows_categories,
                                   rows_cutsites, rows_motifs,  rows_loops};
    mrl_atomic_t f[NT] = {{0}};
    int rc = 0;
    for (int k = 0; k < NT && !rc; k++)
        if (!(rc = rpt_open(&f[k], sub, names[k])))
            fputs(heads[k], f[k].fp);
    for (int j = 0; !rc && j < n; j++) {
        const mrl_agg_t *a = t[j].a;
        for (int g = 0; g < MRL_NOUTCOMES; g++)
            for (int k = 0; k < NT; k++)
                if (a->n_img[g] && (k == 0 || a->n_seq[g]))
                    fn[k](f[k].fp, &t[j], g);
    }
    for (int k = 0; k < NT; k++) {
        int e = rc ? 0 : mrl_atomic_commit(&f[k]);
        rc = rc ? rc : e;
        mrl_atomic_abort(&f[k]);
    }
    return rc;
}

int rpt_agg_tables(const char *sub, int n, const char *const *meths, const mrl_agg_t *const *aggs)
{
    tab_t t[MRL_EXPLAIN_NMETHODS] = {{0}};
    for (int j = 0; j < n && j < MRL_EXPLAIN_NMETHODS; j++)
        t[j].meth = meths[j], t[j].a = aggs[j];
    return agg_tables(sub, MRL_MIN(n, MRL_EXPLAIN_NMETHODS), t);
}

/* aggregate/hairpins.tsv: every explained sequence's category bins (s->cats), the rows the
 * intervals resample, per method and network; regions only where a duplex was placed. */
static int hairpin_table(const char *sub, const mrl_explain_set_t *s)
{
    mrl_atomic_t f = {0};
    int rc = rpt_open(&f, sub, "hairpins.tsv"), M = s->opts.n_methods;
    if (rc)
        return rc;
    fputs("id\tgroup\tmethod\tnetwork\ttable\tcategory\tn_nt\tnt_share\tattr_share\t"
          "signed_share\n",
          f.fp);
    for (size_t k = 0; k < s->n; k++) {
        const mrl_explain_rec_t *r = &s->rec[k];
        if (r->group < 0 || r->refused || !r->seq)
            continue;
        int nc = r->duplex[0] >= 0 ? MRL_AGG_NCAT : MRL_AGG_CAT_REGION;
        for (int j = 0; j < M; j++)
            for (int q = 0; q < s->n_nets; q++) {
                const mrl_agg_bin_t *b =
                    s->cats +
                    ((k * (size_t)s->n_nets + (size_t)q) * (size_t)M + (size_t)j) * MRL_AGG_NCAT;
                for (int c = 0; c < nc; c++)
                    fprintf(f.fp, "%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%.9g\t%.9g\t%.9g\n", r->id,
                            mrl_outcome_name(r->group), mrl_explain_method_name(s->methods[j]),
                            q ? "random-net" : "model", mrl_agg_cat_table(c), mrl_agg_cat_name(c),
                            b[c].n, b[c].frac, b[c].sum_abs, b[c].sum);
            }
    }
    rc = mrl_atomic_commit(&f);
    mrl_atomic_abort(&f);
    return rc;
}

int rpt_set_tables(const char *dir, const mrl_explain_set_t *s)
{
    tab_t t[MRL_EXPLAIN_NMETHODS] = {{0}};
    for (int j = 0; j < s->opts.n_methods; j++) {
        t[j].meth = mrl_explain_method_name(s->methods[j]), t[j].a = &s->agg[j];
        t[j].r = s->agg_random ? &s->agg_random[j] : NULL;
        t[j].ci = s->ci ? s->ci + (size_t)j * MRL_NOUTCOMES * MRL_AGG_NCAT : NULL;
    }
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/aggregate", dir);
    int rc = agg_tables(sub, s->opts.n_methods, t);
    return rc || !s->cats || !s->n || !s->rec[0].seq ? rc : hairpin_table(sub, s);
}

/* Mean maps of method j: (4 groups, signed/abs, 25, 100) as .npy, PNG and SVG. */
static int write_maps(const char *dir, const mrl_explain_set_t *s, int j)
{
    const mrl_agg_t *a = &s->agg[j];
    const char *meth = mrl_explain_method_name(s->methods[j]);
    float *m = malloc((size_t)MRL_NOUTCOMES * 2 * PLANE * sizeof(float));
    double *dm = malloc((size_t)MRL_NOUTCOMES * 2 * PLANE * sizeof(double));
    if (!m || !dm) {
        free(m), free(dm);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    const double *panel[2 * MRL_NOUTCOMES];
    char labels[2 * MRL_NOUTCOMES][96];
    const char *lp[2 * MRL_NOUTCOMES];
    int np = 0;
    for (int g = 0; g < MRL_NOUTCOMES; g++)
        for (int kind = 0; kind < 2; kind++) {
            double *d = dm + ((size_t)g * 2 + (size_t)kind) * PLANE;
            for (int k = 0; k < PLANE; k++) {
                d[k] = a->n_img[g]
                           ? (kind ? a->map_abs[g][k] : a->map_sum[g][k]) / (double)a->n_img[g]
                           : 0;
                m[((size_t)g * 2 + (size_t)kind) * PLANE + (size_t)k] = (float)d[k];
            }
        }
    for (int kind = 0; kind < 2; kind++) /* signed panels first, then magnitudes */
        for (int g = 0; g < MRL_NOUTCOMES; g++) {
            if (!a->n_img[g])
                continue;
            snprintf(labels[np], sizeof labels[np], "%s, n = %ld: mean %s", mrl_outcome_name(g),
                     a->n_img[g], kind ? "|share|" : "signed share");
            lp[np] = labels[np];
            panel[np++] = dm + ((size_t)g * 2 + (size_t)kind) * PLANE;
        }
    char sub[4096], *npy = NULL;
    snprintf(sub, sizeof sub, "%s/aggregate", dir);
    const size_t shape[4] = {MRL_NOUTCOMES, 2, MRL_IMG_H, MRL_IMG_W};
    int rc = (npy = rpt_path(sub, "maps.", meth, ".npy")) ? mrl_npy_write(npy, m, 4, shape)
                                                          : MRL_ERR_NOMEM;
    free(npy);
    /* PNG: the panels stacked, 4x enlarged, 6 white rows between them */
    int sc = 4, W = MRL_IMG_W * sc, H = np * (MRL_IMG_H * sc + 6);
    uint8_t *pic = rc ? NULL : malloc((size_t)W * (size_t)H * 3);
    if (!rc && !pic)
        rc = MRL_ERR_NOMEM;
    if (!rc) {
        memset(pic, 255, (size_t)W * (size_t)H * 3);
        for (int p = 0; p < np; p++) {
            double mx = 0;
            for (int k = 0; k < PLANE; k++)
                mx = fmax(mx, fabs(panel[p][k]));
            for (int y = 0; y < MRL_IMG_H * sc; y++)
                for (int x = 0; x < W; x++) {
                    uint8_t *px =
                        pic +
                        (((size_t)p * (MRL_IMG_H * sc + 6) + (size_t)y) * (size_t)W + (size_t)x) *
                            3;
                    double v = panel[p][(y / sc) * MRL_IMG_W + x / sc];
                    mrl_report_colour(mx > 0 ? (float)(v / mx) : 0.0f, px);
                }
        }
        char *png = rpt_path(sub, "maps.", meth, ".png");
        rc = png ? mrl_png_write(png, pic, W, H, 1) : MRL_ERR_NOMEM;
        free(png);
    }
    free(pic), free(m);
    if (rc < 0) {
        free(dm);
        return rc;
    }
    mrl_atomic_t svg = {0};
    char fname[256], title[256];
    snprintf(fname, sizeof fname, "maps.%s.svg", meth);
    snprintf(title, sizeof title, "%s: mean attribution maps (each image's map / sum |map|)", meth);
    if (!(rc = rpt_open(&svg, sub, fname))) {
        rpt_heatmaps(svg.fp, title, np, lp, panel, MRL_IMG_H, MRL_IMG_W);
        rc = mrl_atomic_commit(&svg);
    }
    mrl_atomic_abort(&svg);
    free(dm);
    return rc;
}

/* An SVG in DIR/aggregate written by fn. */
typedef void (*figure_fn)(const mrl_explain_set_t *s, int j, FILE *fp);

static int write_figure(const char *dir, const mrl_explain_set_t *s, int j, const char *stem,
                        figure_fn fn)
{
    char sub[4096], fname[256];
    snprintf(sub, sizeof sub, "%s/aggregate", dir);
    snprintf(fname, sizeof fname, "%s.%s.svg", stem, mrl_explain_method_name(s->methods[j]));
    mrl_atomic_t svg = {0};
    int rc = rpt_open(&svg, sub, fname);
    if (!rc) {
        fn(s, j, svg.fp);
        rc = mrl_atomic_commit(&svg);
    }
    mrl_atomic_abort(&svg);
    return rc;
}

/* Mean signed share per nucleotide along the arms, TP and TN. */
static void fig_profile(const mrl_explain_set_t *s, int j, FILE *fp)
{
    const mrl_agg_t *a = &s->agg[j];
    enum { ND = 60 };
    double x[ND], y[4][ND];
    const double *yp[4];
    const char *nm[4];
    char lab[4][48];
    int ns = 0;
    for (int d = 0; d < ND; d++)
        x[d] = d + 1;
    for (int gi = 0; gi < 2; gi++) {
        int g = gi ? MRL_OUT_TN : MRL_OUT_TP;
        for (int arm = 0; arm < 2; arm++) {
            const mrl_agg_bin_t *b = a->dist[g][arm ? 2 : 0];
            for (int d = 0; d < ND; d++)
                y[ns][d] = b[d + 1].n > 0 ? b[d + 1].sum / b[d + 1].n : (double)NAN;
            snprintf(lab[ns], sizeof lab[ns], "%s %s arm", mrl_outcome_name(g), arm ? "3'" : "5'");
            nm[ns] = lab[ns], yp[ns] = y[ns];
            ns++;
        }
    }
    char title[160];
    snprintf(title, sizeof title, "%s: attribution by distance from the terminal loop",
             mrl_explain_method_name(s->methods[j]));
    rpt_lines(fp, title, "nt from the loop's closing pair (1 = closing base)",
              "mean signed share per nucleotide", x, ND, ns, nm, yp, -1);
}

/* Share of attribution vs share of nucleotides: contexts and (TP) duplex regions. */
static void fig_categories(const mrl_explain_set_t *s, int j, FILE *fp)
{
    const mrl_agg_t *a = &s->agg[j];
    enum { NC = MRL_AGG_NCTX + MRL_NREGIONS };
    double v[3][NC];
    const char *cats[NC];
    char cl[NC][40];
    int g = MRL_OUT_TP;
    for (int k = 0; k < MRL_AGG_NCTX; k++) {
        v[0][k] = ratio(a->ctx[g][k].sum_abs, (double)a->n_seq[g]);
        v[1][k] = ratio(a->ctx[g][k].frac, (double)a->n_seq[g]);
        v[2][k] = ratio(a->ctx[MRL_OUT_TN][k].sum_abs, (double)a->n_seq[MRL_OUT_TN]);
        cats[k] = ctx_short[k];
    }
    for (int k = 0; k < MRL_NREGIONS; k++) {
        int c = MRL_AGG_NCTX + k;
        v[0][c] = ratio(a->region[g][k].sum_abs, (double)a->n_duplex[g]);
        v[1][c] = ratio(a->region[g][k].frac, (double)a->n_duplex[g]);
        v[2][c] = (double)NAN;
        snprintf(cl[c], sizeof cl[c], "duplex: %s", mrl_region_name(k));
        cats[c] = cl[c];
    }
    const double *vp[3] = {v[0], v[1], v[2]};
    const char *nm[3] = {"TP: share of |attribution|", "TP: share of nucleotides",
                         "TN: share of |attribution|"};
    char title[160];
    snprintf(title, sizeof title, "%s: where the attribution lies",
             mrl_explain_method_name(s->methods[j]));
    rpt_bars(fp, title, "mean share per hairpin", NC, cats, 3, nm, vp);
}

static void fig_cutsites(const mrl_explain_set_t *s, int j, FILE *fp)
{
    const mrl_agg_t *a = &s->agg[j];
    enum { NO = 2 * MRL_AGG_CUT_W + 1 };
    double x[NO], y[MRL_AGG_NCUT][NO];
    const double *yp[MRL_AGG_NCUT];
    const char *nm[MRL_AGG_NCUT];
    for (int o = 0; o < NO; o++)
        x[o] = o - MRL_AGG_CUT_W;
    for (int site = 0; site < MRL_AGG_NCUT; site++) {
        for (int o = 0; o < NO; o++) {
            const mrl_agg_bin_t *b = &a->cut[MRL_OUT_TP][site][o];
            y[site][o] = b->n > 0 ? b->sum / b->n : (double)NAN;
        }
        yp[site] = y[site], nm[site] = mrl_agg_cut_name(site);
    }
    char title[160];
    snprintf(title, sizeof title, "%s: attribution around the cut sites (true positives)",
             mrl_explain_method_name(s->methods[j]));
    rpt_lines(fp, title, "offset from the cut (0 = first nt 3' of it)",
              "mean signed share per nucleotide", x, NO, MRL_AGG_NCUT, nm, yp, -1);
}

/* Mean curve k (deletion, insertion, deletion-random, insertion-random) of method j over
 * subset sub (all, called positive), steps+1 points into y. */
static void mean_curve(const mrl_faith_sum_t *fs, int j, int sub, int k, double *y)
{
    size_t base = (size_t)j * 2 + (size_t)sub, S1 = (size_t)fs->steps + 1;
    for (size_t p = 0; p < S1; p++)
        y[p] = fs->curve[(base * 4 + (size_t)k) * S1 + p] / (double)fs->count[base];
}

static int faith_rows(const mrl_explain_set_t *s, FILE *t, FILE *c)
{
    static const char *const cn[4] = {"deletion", "insertion", "deletion-random",
                                      "insertion-random"};
    const mrl_faith_sum_t *fs = &s->faith;
    int S = fs->steps;
    double *y = malloc((size_t)(S + 1) * sizeof *y);
    if (!y)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (int j = 0; j < s->opts.n_methods; j++)
        for (int sub = 0; sub < 2; sub++) {
            size_t base = (size_t)j * 2 + (size_t)sub;
            long n = fs->count[base];
            if (!n)
                continue;
            const char *meth = mrl_explain_method_name(s->methods[j]);
            const char *sn = sub ? "called-positive" : "all";
            fprintf(t, "%s\t%s\t%ld", meth, sn, n);
            for (int k = 0; k < 4; k++)
                fprintf(t, "\t%.5f", fs->auc[base * 4 + (size_t)k] / (double)n);
            fputc('\n', t);
            for (int k = 0; k < 4; k++) {
                mean_curve(fs, j, sub, k, y);
                for (int p = 0; p <= S; p++)
                    fprintf(c, "%s\t%s\t%s\t%d\t%.4f\t%.6g\n", meth, sn, cn[k], p, (double)p / S,
                            y[p]);
            }
        }
    free(y);
    return 0;
}

/* deletion.svg (k = 0) or insertion.svg (k = 1): every method's mean curve over all
 * hairpins, and the random baseline of the first method dashed. */
static int faith_figure(const char *dir, const mrl_explain_set_t *s, int k)
{
    const mrl_faith_sum_t *fs = &s->faith;
    int S = fs->steps, M = s->opts.n_methods, ns = 0;
    mrl_atomic_t svg = {0};
    double *x = malloc((size_t)(S + 1) * sizeof(double));
    const double **y = malloc((size_t)(M + 1) * sizeof *y);
    const char **nm = malloc((size_t)(M + 1) * sizeof *nm);
    double *ys = malloc((size_t)(M + 1) * (size_t)(S + 1) * sizeof(double));
    int rc = x && y && nm && ys ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = rpt_open(&svg, dir, k ? "insertion.svg" : "deletion.svg");
    for (int p = 0; !rc && p <= S; p++)
        x[p] = (double)p / S;
    for (int j = 0; !rc && j < M; j++) {
        if (!fs->count[(size_t)j * 2])
            continue;
        y[ns] = ys + (size_t)ns * (size_t)(S + 1);
        mean_curve(fs, j, 0, k, ys + (size_t)ns * (size_t)(S + 1));
        nm[ns++] = mrl_explain_method_name(s->methods[j]);
    }
    if (!rc && ns && s->opts.faith_random) {
        y[ns] = ys + (size_t)ns * (size_t)(S + 1);
        mean_curve(fs, 0, 0, 2 + k, ys + (size_t)ns * (size_t)(S + 1));
        nm[ns++] = "random order";
    }
    if (!rc) {
        rpt_lines(svg.fp,
                  k ? "Insertion: nucleotides restored, most attributed first"
                    : "Deletion: nucleotides removed, most attributed first",
                  "fraction of the drawn nucleotides", "mean P(target class)", x, S + 1, ns, nm, y,
                  -1);
        rc = mrl_atomic_commit(&svg);
    }
    mrl_atomic_abort(&svg);
    free(x), free((void *)y), free((void *)nm), free(ys);
    return rc;
}

int rpt_set_faith(const char *dir, const mrl_explain_set_t *s)
{
    mrl_atomic_t t = {0}, c = {0};
    int rc = rpt_open(&t, dir, "faithfulness.tsv");
    if (!rc)
        rc = rpt_open(&c, dir, "faithfulness_curves.tsv");
    if (!rc) {
        fputs("method\tsubset\tn\tauc_deletion\tauc_insertion\tauc_deletion_random\t"
              "auc_insertion_random\n",
              t.fp);
        fputs("method\tsubset\tcurve\tstep\tfraction\tmean_prob\n", c.fp);
        rc = faith_rows(s, t.fp, c.fp);
        if (!rc)
            rc = mrl_atomic_commit(&t);
        if (!rc)
            rc = mrl_atomic_commit(&c);
    }
    mrl_atomic_abort(&t), mrl_atomic_abort(&c);
    for (int k = 0; !rc && k < 2; k++)
        rc = faith_figure(dir, s, k);
    return rc;
}

int rpt_set_figures(const char *dir, const mrl_explain_set_t *s)
{
    int rc = 0;
    for (int j = 0; !rc && j < s->opts.n_methods; j++) {
        const mrl_agg_t *a = &s->agg[j];
        long nseq = 0, ndup = 0;
        for (int g = 0; g < MRL_NOUTCOMES; g++)
            nseq += a->n_seq[g], ndup += a->n_duplex[g];
        rc = write_maps(dir, s, j);
        if (!rc && nseq)
            rc = write_figure(dir, s, j, "profile", fig_profile);
        if (!rc && nseq)
            rc = write_figure(dir, s, j, "categories", fig_categories);
        if (!rc && ndup)
            rc = write_figure(dir, s, j, "cutsites", fig_cutsites);
    }
    return rc;
}

/* ---- the sanity checks ------------------------------------------------------------- */

/* Column s of the cascade (1..L) names the layer re-drawn last: "dense22", "conv0", ... */
static const char *layer_label(const mrl_sanity_t *sa, int step, char *buf, size_t cap)
{
    int l = sa->layers[step - 1];
    snprintf(buf, cap, "%s%d", sa->layer_kind[step - 1] == MRL_LAYER_DENSE ? "dense" : "conv", l);
    return buf;
}

static void sanity_rows(const mrl_explain_set_t *s, FILE *fp)
{
    const mrl_sanity_t *sa = &s->sanity;
    size_t cols = (size_t)sa->L + 2;
    char lname[32];
    fputs("method\ttest\tstep\tlayer\trho_signed\trho_abs\tn_images\n", fp);
    for (int j = 0; j < s->opts.n_methods; j++) {
        const char *meth = mrl_explain_method_name(s->methods[j]);
        for (size_t c = 0; c < cols; c++) {
            if (c == cols - 1 && !sa->have_shuffled)
                continue;
            const char *test = c == 0 ? "original" : c == cols - 1 ? "shuffled-labels" : "cascade";
            const char *layer =
                c == 0 || c == cols - 1 ? "-" : layer_label(sa, (int)c, lname, sizeof lname);
            fprintf(fp, "%s\t%s\t%zu\t%s\t%.4f\t%.4f\t%zu\n", meth, test, c, layer,
                    sa->rho_s[(size_t)j * cols + c], sa->rho_a[(size_t)j * cols + c], sa->n);
        }
    }
}

/* Every method's mean rho along the cascade, signed and (dashed) of |map|. */
static int sanity_figure(const char *dir, const mrl_explain_set_t *s)
{
    const mrl_sanity_t *sa = &s->sanity;
    int M = s->opts.n_methods;
    size_t cols = (size_t)sa->L + 2;
    mrl_atomic_t svg = {0};
    double *x = malloc(cols * sizeof(double));
    const double **y = malloc((size_t)M * 2 * sizeof *y);
    const char **names = malloc((size_t)M * 2 * sizeof *names);
    char(*lab)[64] = malloc((size_t)M * 64);
    int rc = x && y && names && lab ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = rpt_open(&svg, dir, "sanity.svg");
    if (!rc) {
        for (size_t c = 0; c < cols; c++)
            x[c] = (double)c;
        for (int j = 0; j < M; j++) {
            y[j] = sa->rho_s + (size_t)j * cols;
            names[j] = mrl_explain_method_name(s->methods[j]);
            y[M + j] = sa->rho_a + (size_t)j * cols;
            snprintf(lab[j], 64, "%s |map|", names[j]);
            names[M + j] = lab[j];
        }
        rpt_lines(svg.fp, "Cascading randomisation: rank correlation with the original maps",
                  sa->have_shuffled ? "layers randomised from the output down (last "
                                      "point: the shuffled-label model)"
                                    : "layers randomised from the output down",
                  "Spearman rho (dashed: of |map|)", x, (int)(sa->have_shuffled ? cols : cols - 1),
                  2 * M, names, y, M);
        rc = mrl_atomic_commit(&svg);
    }
    mrl_atomic_abort(&svg);
    free(x), free((void *)y), free((void *)names), free(lab);
    return rc;
}

int rpt_set_sanity(const char *dir, const mrl_explain_set_t *s)
{
    mrl_atomic_t t = {0};
    int rc = rpt_open(&t, dir, "sanity.tsv");
    if (!rc) {
        sanity_rows(s, t.fp);
        rc = mrl_atomic_commit(&t);
    }
    mrl_atomic_abort(&t);
    return rc ? rc : sanity_figure(dir, s);
}
