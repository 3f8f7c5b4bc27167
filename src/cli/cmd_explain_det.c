/*
 * cmd_explain_det.c - `mirlens explain --determinants`: the known determinants of pre-miRNA
 * processing by number. Options into mrl_detmass_opts_t, the labelled FASTA into a set,
 * mrl_detmass_run (src/explain/detmass.c), then two tables written atomically into DIR:
 * determinants.tsv (one row per determinant x method x network) and determinant_scores.tsv
 * (visibility, presence and the model's margin with and without each determinant); with
 * --mutagenesis also method "mutagenesis" rows and determinant_mutagenesis.tsv (per
 * hairpin, determinant and network: the mask's mean |delta margin| and its expectations).
 */
#include <getopt.h>
#include <math.h>
#include <string.h>
#include "cli.h"

/* The faithful methods compared by default (docs/FINDINGS.md: signed contributions that
 * pass the recorded sanity checks). */
static const int default_methods[] = {MRL_EXPLAIN_IG, MRL_EXPLAIN_OCCLUSION_NT, MRL_EXPLAIN_SHAP,
                                      MRL_EXPLAIN_GRADIENT_X_INPUT};

typedef struct dopts {
    cli_xopts_t x;
    mrl_detmass_opts_t d;
    cli_inputs_t in;
    const char *out, *mature, *control;
    int methods_given;
} dopts_t;

static void usage(FILE *fp)
{
    mrl_detmass_opts_t d;
    mrl_detmass_opts_default(&d);
    fprintf(fp,
            "Usage: mirlens explain --determinants --pos FILE [--neg FILE] --mature FILE\n"
            "                       -o DIR [options]\n\n"
            "The known determinants of pre-miRNA processing (basal UG, lower stem, mGHG,\n"
            "upper stem, stem length, bulge-depleted zones, loop size, apical UGU, CNNC,\n"
            "Dicer 5' and loop counting, GYM, GU wobbles, 5' U; docs/findings/\n"
            "determinants.md) located on every positive whose miRNA duplex the mature\n"
            "table places, and the share of each method's |attribution| inside each one\n"
            "against a context-matched expectation, for the model, the same network with\n"
            "every layer re-drawn and an optional control network. Writes into DIR:\n"
            "  determinants.tsv        determinant, source, method, model (network),\n"
            "                          n_visible, n_present, n (hairpins averaged),\n"
            "                          observed (share of |attribution| in the mask),\n"
            "                          expectation (context: the mask moved within its\n"
            "                          structural contexts; share: its share of drawn nt,\n"
            "                          for whole regions), expected, enrichment, ci_lo,\n"
            "                          ci_hi, random_net_enrichment, difference (model -\n"
            "                          random network), diff_lo, diff_hi, the same for the\n"
            "                          other expectation (other_*), observed_signed,\n"
            "                          verdict, control_enrichment (the control network's),\n"
            "                          control_difference (model - control), control_diff_lo,\n"
            "                          control_diff_hi (paired bootstrap)\n"
            "  determinant_scores.tsv  per determinant: hairpins where it is visible and\n"
            "                          present, the model's mean logit margin with and\n"
            "                          without it, the difference and its 95%% interval\n"
            "  determinant_mutagenesis.tsv  (--mutagenesis) per hairpin, determinant and\n"
            "                          network: id, mask_mean (mean |delta margin| of the\n"
            "                          mask's substitutions), context_mean (its context-\n"
            "                          matched expectation), all_mean (all positions)\n"
            "Negatives (--neg) are read but carry no duplex: they do not enter.\n\n"
            "Options:\n"
            "  --pos FILE, --neg FILE  labelled FASTA (repeatable)\n"
            "  --mature FILE           mature positions (required; mirbase/v21/\n"
            "                          mature_positions.tsv.gz or a table of the same form)\n"
            "  -o, --out DIR           output directory (required)\n"
            "  -m, --model MODEL       model (default: the shipped model)\n"
            "  --method LIST           methods (default integrated-gradients,occlusion-nt,\n"
            "                          shap,gradient-x-input)\n"
            "  --control MODEL         a control network (e.g. mirlens train\n"
            "                          --shuffle-labels), reported as model 'control'\n"
            "  --no-random             skip the randomised network (no difference column)\n"
            "  --mutagenesis           also refolding mutagenesis (method 'mutagenesis':\n"
            "                          the mean |delta margin| of each position's 3\n"
            "                          substitutions, refolded and re-scored by each\n"
            "                          network) inside each mask; off by default: about\n"
            "                          0.5 s per 110-nt hairpin and network on one core\n"
            "  --boot N                bootstrap resamples (default %d)\n"
            "  --min-n N               fewer hairpins: no verdict (default %d)\n"
            "  --max-n N               positives explained at most, evenly spaced (default\n"
            "                          0 = all)\n"
            "  --samples, --steps, --background, --seed, --precision: as for explain\n"
            "  -j, --threads N         threads (default %d)\n"
            "  -q, --quiet             no progress on stderr\n",
            d.n_boot, d.min_n, CLI_THREADS);
}

/* Returns 0 to go on, -1 after --help, or an exit status. */
static int parse_args(int argc, char **argv, dopts_t *o)
{
    enum {
        O_DET = 256,
        O_POS,
        O_NEG,
        O_MATURE,
        O_CONTROL,
        O_NORAND,
        O_MUT,
        O_BOOT,
        O_MINN,
        O_MAXN
    };
    /* clang-format off */
    static const struct option lo[] = {
        {"determinants", no_argument, 0, O_DET},  {"pos", required_argument, 0, O_POS},
        {"neg", required_argument, 0, O_NEG},     {"mature", required_argument, 0, O_MATURE},
        {"control", required_argument, 0, O_CONTROL},
        {"no-random", no_argument, 0, O_NORAND},  {"boot", required_argument, 0, O_BOOT},
        {"mutagenesis", no_argument, 0, O_MUT},
        {"min-n", required_argument, 0, O_MINN},  {"max-n", required_argument, 0, O_MAXN},
        {"out", required_argument, 0, 'o'},       {"help", no_argument, 0, 'h'},
        CLI_XOPT_LONG,                            {0, 0, 0, 0}};
    /* clang-format on */
    static const char *const iname[] = {"--boot", "--min-n", "--max-n"};
    static const long ilo[] = {1, 1, 0}, ihi[] = {1000000, 1000000, 100000000};
    int *idst[] = {&o->d.n_boot, &o->d.min_n, &o->d.max_n};
    int c;
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:m:j:qh", lo, NULL)) != -1) {
        int bad = 0;
        if (c >= O_BOOT && c <= O_MAXN) {
            bad = cli_parse_long("explain", iname[c - O_BOOT], optarg, ilo[c - O_BOOT],
                                 ihi[c - O_BOOT], &v);
            *idst[c - O_BOOT] = bad ? *idst[c - O_BOOT] : (int)v;
        } else if (c == O_POS || c == O_NEG) {
            bad = cli_inputs_add("explain", &o->in, c == O_POS ? 'p' : 'n', optarg);
        } else if (c == O_MATURE) {
            o->mature = optarg;
        } else if (c == O_CONTROL) {
            o->control = optarg;
        } else if (c == O_NORAND) {
            o->d.random_net = 0;
        } else if (c == O_MUT) {
            o->d.mutagenesis = 1;
        } else if (c == 'o') {
            o->out = optarg;
        } else if (c == 'h') {
            usage(stdout);
            return -1;
        } else if (c != O_DET) {
            o->methods_given |= c == CLI_XO_METHOD;
            bad = cli_xopt_other(c, argv, &o->x);
        }
        if (bad)
            return CLI_USAGE;
    }
    if (optind < argc)
        return cli_usage_error("explain",
                               "unexpected argument '%s' (inputs go with --pos and "
                               "--neg)",
                               argv[optind]);
    if (!o->out)
        return cli_usage_error("explain", "no output directory (-o DIR)");
    if (!o->in.npos)
        return cli_usage_error("explain", "--determinants needs --pos FASTA");
    if (!o->mature)
        return cli_usage_error("explain", "--determinants needs --mature FILE (the duplex "
                                          "places every determinant)");
    return 0;
}

/* One row of determinants.tsv: the verdict's expectation k first, then the other one. */
static void tsv_row(FILE *fp, const mrl_detmass_t *r, int d, int j, int q)
{
    static const char *const net[MRL_DETNETS] = {"model", "random-network", "control"};
    const mrl_detmass_stat_t *st = mrl_detmass_get(r, d, j, q);
    const mrl_detmass_stat_t *rs = mrl_detmass_get(r, d, j, MRL_DETNET_RANDOM);
    int k = mrl_detmass_expectation(d);
    fprintf(fp, "%s\t%s\t%s\t%s\t%ld\t%ld\t%ld\t%.6f\t%s\t%.6f", mrl_det_name(d), mrl_det_source(d),
            mrl_detmass_method_name(r->methods[j]), net[q], r->n_visible[d], r->n_present[d], st->n,
            st->observed, mrl_detexp_name(k), k == MRL_DETEXP_SHARE ? st->share : st->expected);
    for (int pass = 0; pass < 2; pass++, k = 1 - k) {
        double rnd = rs ? rs->enrich[k] : (double)NAN, diff = st->diff[k];
        if (q == MRL_DETNET_CONTROL) /* the control against the random network, no interval */
            diff = st->enrich[k] - rnd;
        if (pass)
            fprintf(fp, "\t%.6f", k == MRL_DETEXP_SHARE ? st->share : st->expected);
        fprintf(fp, "\t%.4f\t%.4f\t%.4f", st->enrich[k], st->lo[k], st->hi[k]);
        if (!pass)
            fprintf(fp, "\t%.4f", rnd);
        fprintf(fp, "\t%.4f\t%.4f\t%.4f", diff, st->diff_lo[k], st->diff_hi[k]);
    }
    fprintf(fp, "\t%.6f\t%s", st->observed_signed,
            q == MRL_DETNET_MODEL ? mrl_detmass_verdict_name(mrl_detmass_verdict(r, d, j)) : "-");
    /* against the control network, on the verdict's expectation */
    const mrl_detmass_stat_t *cs = mrl_detmass_get(r, d, j, MRL_DETNET_CONTROL);
    k = mrl_detmass_expectation(d);
    double cd = q == MRL_DETNET_MODEL ? st->cdiff[k] : (double)NAN;
    fprintf(fp, "\t%.4f\t%.4f\t%.4f\t%.4f\n", cs ? cs->enrich[k] : (double)NAN, cd,
            q == MRL_DETNET_MODEL ? st->cdiff_lo[k] : (double)NAN,
            q == MRL_DETNET_MODEL ? st->cdiff_hi[k] : (double)NAN);
}

/* determinant_mutagenesis.tsv: one row per hairpin x determinant x network measured. */
static void mut_rows(FILE *fp, const mrl_explain_set_t *s, const mrl_detmass_t *r)
{
    static const char *const net[MRL_DETNETS] = {"model", "random-network", "control"};
    fputs("id\tdeterminant\tmodel\tmask_mean\tcontext_mean\tall_mean\n", fp);
    for (long h = 0; h < r->n_used; h++)
        for (int d = 0; d < MRL_NDET; d++)
            for (int q = 0; q < MRL_DETNETS; q++) {
                const double *v =
                    r->mut_mean +
                    (((size_t)h * MRL_NDET + (size_t)d) * MRL_DETNETS + (size_t)q) * 3;
                if (r->have[q] && isfinite(v[0]))
                    fprintf(fp, "%s\t%s\t%s\t%.8g\t%.8g\t%.8g\n", s->rec[r->rec[h]].id,
                            mrl_det_name(d), net[q], v[0], v[1], v[2]);
            }
}

static int write_tables(const char *dir, const mrl_explain_set_t *s, const mrl_detmass_t *r)
{
    char path[4096];
    mrl_atomic_t af[3];
    memset(af, 0, sizeof af);
    snprintf(path, sizeof path, "%s/determinants.tsv", dir);
    int rc = mrl_atomic_open(&af[0], path);
    snprintf(path, sizeof path, "%s/determinant_scores.tsv", dir);
    if (!rc)
        rc = mrl_atomic_open(&af[1], path);
    snprintf(path, sizeof path, "%s/determinant_mutagenesis.tsv", dir);
    int nf = r->mut_mean ? 3 : 2;
    if (!rc && nf == 3)
        rc = mrl_atomic_open(&af[2], path);
    if (rc) {
        mrl_atomic_abort(&af[0]), mrl_atomic_abort(&af[1]);
        return cli_lib_error("explain", rc);
    }
    fputs("determinant\tsource\tmethod\tmodel\tn_visible\tn_present\tn\tobserved\texpectation\t"
          "expected\tenrichment\tci_lo\tci_hi\trandom_net_enrichment\tdifference\tdiff_lo\t"
          "diff_hi\tother_expected\tother_enrichment\tother_ci_lo\tother_ci_hi\t"
          "other_difference\tother_diff_lo\tother_diff_hi\tobserved_signed\tverdict\t"
          "control_enrichment\tcontrol_difference\tcontrol_diff_lo\tcontrol_diff_hi\n",
          af[0].fp);
    for (int d = 0; d < MRL_NDET; d++)
        for (int j = 0; j < r->n_methods; j++)
            for (int q = 0; q < MRL_DETNETS; q++)
                if (r->have[q])
                    tsv_row(af[0].fp, r, d, j, q);
    fputs("determinant\tsource\tn_hairpins\tn_visible\tn_present\tmargin_with\tmargin_without\t"
          "difference\tci_lo\tci_hi\n",
          af[1].fp);
    for (int d = 0; d < MRL_NDET; d++)
        fprintf(af[1].fp, "%s\t%s\t%ld\t%ld\t%ld\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", mrl_det_name(d),
                mrl_det_source(d), r->n_used, r->n_visible[d], r->n_present[d], r->margin_with[d],
                r->margin_without[d], r->margin_diff[d], r->margin_lo[d], r->margin_hi[d]);
    if (nf == 3)
        mut_rows(af[2].fp, s, r);
    for (int k = 0; k < nf; k++) {
        int e = mrl_atomic_commit(&af[k]);
        if (e < 0 && !rc)
            rc = cli_lib_error("explain", e);
    }
    return rc;
}

static void progress(void *ctx, long done, long total)
{
    cli_progress_update(ctx, done, total);
}

/* Everything the run needs loaded; results into *r. */
typedef struct drun {
    mrl_model_t *m, *control;
    mrl_ensemble_t *ens;
    mrl_mature_tab_t *mat;
    mrl_explain_set_t set;
} drun_t;

static int run(dopts_t *o, drun_t *u, mrl_detmass_t *r, const char *dir)
{
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o->x.threads, no.precision = o->x.precision;
    int rc;
    if ((rc = mrl_model_load(&u->m, o->x.model)) < 0 ||
        (rc = mrl_ensemble_new(&u->ens, &u->m, 1, &no)) < 0 ||
        (rc = mrl_mature_load(&u->mat, o->mature)) < 0 ||
        (o->control && (rc = mrl_model_load(&u->control, o->control)) < 0))
        return cli_lib_error("explain", rc);
    if ((rc = cli_xopts_background(&o->x, u->m)))
        return rc;
    for (int k = 0; rc >= 0 && k < o->in.npos + o->in.nneg; k++) {
        int pos = k < o->in.npos;
        rc = mrl_explain_set_add_fasta(&u->set, pos ? o->in.pos[k] : o->in.neg[k - o->in.npos], pos,
                                       &o->x.fasta);
    }
    if (rc < 0)
        return cli_lib_error("explain", rc);
    mrl_detmass_opts_t *d = &o->d;
    d->ex = o->x.ex, d->mature = u->mat, d->control = u->control, d->nn = no;
    d->fold_threads = o->x.threads, d->seed = o->x.ex.seed;
    if (o->methods_given)
        d->methods = o->x.methods, d->n_methods = o->x.nmethods;
    else
        d->methods = default_methods, d->n_methods = (int)(sizeof default_methods / sizeof(int));
    cli_progress_t prog;
    cli_progress_init(&prog, "hairpins", o->x.quiet);
    d->progress = progress, d->progress_ctx = &prog;
    rc = mrl_detmass_run(&u->set, u->ens, d, r);
    cli_progress_end(&prog, r->n_used);
    return rc < 0 ? cli_lib_error("explain", rc) : write_tables(dir, &u->set, r);
}

int cmd_explain_det(int argc, char **argv)
{
    dopts_t o;
    memset(&o, 0, sizeof o);
    cli_xopts_default(&o.x);
    mrl_detmass_opts_default(&o.d);
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.x.model)
        o.x.model = cli_default_model();
    drun_t u;
    memset(&u, 0, sizeof u);
    mrl_detmass_t r;
    memset(&r, 0, sizeof r);
    double t0 = cli_now();
    mrl_outdir_t od;
    memset(&od, 0, sizeof od);
    if (!(rc = cli_outdir_open("explain", &od, o.out)) && !(rc = run(&o, &u, &r, od.tmp)))
        rc = cli_outdir_commit("explain", &od);
    cli_outdir_abort(&od);
    if (!rc && !o.x.quiet)
        fprintf(stderr,
                "mirlens explain: %ld of %ld positives with a duplex (%ld records), %d methods "
                "into %s in %.1f s\n",
                r.n_used, r.n_positive, r.n_records, r.n_methods, o.out, cli_now() - t0);
    mrl_detmass_release(&r);
    mrl_explain_set_release(&u.set);
    mrl_mature_free(u.mat), mrl_ensemble_free(u.ens);
    mrl_model_free(u.control), mrl_model_free(u.m);
    cli_xopts_release(&o.x);
    return rc;
}
