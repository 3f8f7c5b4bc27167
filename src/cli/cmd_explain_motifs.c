/*
 * cmd_explain_motifs.c - `mirlens explain --motifs`: landmark-anchored motif discovery over
 * a labelled set. Options into the library's options, the inputs into a set
 * (mrl_explain_set_add_fasta), per method the attributions of the model and of its
 * randomised copy (mrl_motif_collect), the discovery (mrl_motif_discover) and the report
 * (mrl_report_motifs_write).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

typedef struct mopts {
    cli_xopts_t x;
    mrl_motif_opts_t mo;
    cli_inputs_t in;
    const char *out, *mature;
    int control; /* 1 (default): the randomised network too */
    int all;     /* --records all: every record, loop landmarks where no duplex */
} mopts_t;

static void usage(FILE *fp)
{
    mrl_motif_opts_t d;
    mrl_explain_opts_t e;
    mrl_motif_opts_default(&d);
    mrl_explain_opts_default(&e);
    fprintf(fp,
            "Usage: mirlens explain --motifs --pos FILE [--neg FILE] --mature FILE -o DIR\n"
            "                       [options]\n\n"
            "Landmark-anchored motif discovery. Each positive hairpin whose miRNA duplex is\n"
            "placed from the mature table is folded, drawn, scored and explained; windows\n"
            "around the local maxima of its attribution (seqlets) are placed by their offset\n"
            "from the nearest landmark (Drosha 5p/3p and Dicer 5p/3p cut sites, the terminal\n"
            "loop's closing pair), clustered on a discovery half of the hairpins into motifs,\n"
            "and each motif is tested on the other half against every window at the same\n"
            "offsets (hypergeometric, Benjamini-Hochberg) and set beside the known\n"
            "determinants (basal UG, CNNC, mGHG, apical UGU/GUG, GYM, 5' U). The same runs on\n"
            "a copy of the model with every layer re-drawn, as the control. Writes into DIR:\n"
            "motifs.tsv, seqlets.tsv, determinants.tsv, logos/*.svg and index.html.\n\n"
            "Inputs:\n"
            "  --pos FILE, --neg FILE  labelled FASTA (repeatable)\n"
            "  --mature FILE           mature positions (mirbase/v21/mature_positions.tsv.gz);\n"
            "                          a hairpin inside a longer window needs its positions\n"
            "                          moved onto the window and the window's length as\n"
            "                          hairpin_len (the landmarks then come from the hairpin\n"
            "                          between the duplex's arms)\n"
            "  --records pos|all       pos (default): positives with a placed duplex; all:\n"
            "                          every record (loop landmarks only where no duplex)\n"
            "Options:\n"
            "  -o, --out DIR           output directory (required)\n"
            "  -m, --model MODEL       model (default: the shipped model)\n"
            "  --method LIST           methods (default %s; see explain --help)\n"
            "  --width N               seqlet window, odd (default %d)\n"
            "  --top X                 seqlet centres: shares in the top X of the set (%g)\n"
            "  --sign abs|pos|neg      rank |attribution| (default) or one sign\n"
            "  --shift N               alignment shifts +-N nt (default %d)\n"
            "  --mismatch N            mismatches to a seed or consensus (default %d)\n"
            "  --offset-tol N          nt from the seed's offset; -1: any place (default %d)\n"
            "  --min-seqlets N         smallest motif (default %d)\n"
            "  --max-motifs N          most motifs (default %d)\n"
            "  --alpha X               false discovery rate (default %g)\n"
            "  --split-seed N          discovery / test split (default %llu)\n"
            "  --no-control            skip the randomised network\n"
            "  --steps, --samples, --noise, --patch, --stride, --background, --seed,\n"
            "  --max-length, --precision: as for explain\n"
            "  -j, --threads N         threads (default %d)\n"
            "  -q, --quiet             no progress or summary on stderr\n",
            mrl_explain_method_name(e.method), d.width, d.top, d.shift, d.mismatch, d.offset_tol,
            d.min_seqlets, d.max_motifs, d.alpha, (unsigned long long)d.seed, CLI_THREADS);
}

enum {
    O_MOTIFS = 256,
    O_POS,
    O_NEG,
    O_MATURE,
    O_RECORDS,
    O_SIGN,
    O_NOCONTROL,
    O_TOP,
    O_ALPHA,
    O_WIDTH, /* O_WIDTH .. O_SPLIT: integers */
    O_SHIFT,
    O_MISMATCH,
    O_OFFTOL,
    O_MINSEQ,
    O_MAXMOT,
    O_SPLIT
};

/* An integer option O_WIDTH .. O_SPLIT into its field. */
static int int_option(int c, const char *arg, mopts_t *o)
{
    static const char *const name[] = {"--width",      "--shift",       "--mismatch",
                                       "--offset-tol", "--min-seqlets", "--max-motifs",
                                       "--split-seed"};
    static const long lo[] = {3, 0, 0, -1, 1, 1, 0};
    static const long hi[] = {MRL_MOTIF_MAXW, MRL_MOTIF_MAXW / 2, MRL_MOTIF_MAXW - 1, 1000, 1000000,
                              100000,         0x7fffffffffffffffL};
    long v;
    int k = c - O_WIDTH;
    if (cli_parse_long("explain", name[k], arg, lo[k], hi[k], &v))
        return CLI_USAGE;
    int *dst[] = {
        &o->mo.width,      &o->mo.shift, &o->mo.mismatch, &o->mo.offset_tol, &o->mo.min_seqlets,
        &o->mo.max_motifs, NULL};
    if (dst[k])
        *dst[k] = (int)v;
    else
        o->mo.seed = (uint64_t)v;
    return 0;
}

static int other_option(int c, const char *arg, mopts_t *o)
{
    float f;
    switch (c) {
    case O_RECORDS:
        if (strcmp(arg, "pos") && strcmp(arg, "all"))
            return cli_usage_error("explain", "--records must be pos or all");
        o->all = !strcmp(arg, "all");
        return 0;
    case O_SIGN:
        if (strcmp(arg, "abs") && strcmp(arg, "pos") && strcmp(arg, "neg"))
            return cli_usage_error("explain", "--sign must be abs, pos or neg");
        o->mo.sign = !strcmp(arg, "abs") ? 0 : !strcmp(arg, "pos") ? 1 : -1;
        return 0;
    case O_TOP:
        if (cli_parse_float("explain", "--top", arg, 1e-6, 1, &f))
            return CLI_USAGE;
        o->mo.top = (double)f;
        return 0;
    case O_ALPHA:
        if (cli_parse_float("explain", "--alpha", arg, 1e-12, 1, &f))
            return CLI_USAGE;
        o->mo.alpha = (double)f;
        return 0;
    default:
        return -1;
    }
}

/* Returns 0 to go on, -1 after --help, or an exit status. */
static int parse_args(int argc, char **argv, mopts_t *o)
{
    /* clang-format off */
    static const struct option lo[] = {
        {"motifs", no_argument, 0, O_MOTIFS},        {"pos", required_argument, 0, O_POS},
        {"neg", required_argument, 0, O_NEG},        {"mature", required_argument, 0, O_MATURE},
        {"records", required_argument, 0, O_RECORDS}, {"sign", required_argument, 0, O_SIGN},
        {"no-control", no_argument, 0, O_NOCONTROL}, {"top", required_argument, 0, O_TOP},
        {"alpha", required_argument, 0, O_ALPHA},    {"width", required_argument, 0, O_WIDTH},
        {"shift", required_argument, 0, O_SHIFT},    {"mismatch", required_argument, 0, O_MISMATCH},
        {"offset-tol", required_argument, 0, O_OFFTOL},
        {"min-seqlets", required_argument, 0, O_MINSEQ},
        {"max-motifs", required_argument, 0, O_MAXMOT},
        {"split-seed", required_argument, 0, O_SPLIT},
        {"out", required_argument, 0, 'o'},          {"help", no_argument, 0, 'h'},
        CLI_XOPT_LONG,
        {0, 0, 0, 0}};
    /* clang-format on */
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:m:j:qh", lo, NULL)) != -1) {
        int bad = 0;
        if (c >= O_WIDTH && c <= O_SPLIT)
            bad = int_option(c, optarg, o);
        else if (c == O_POS || c == O_NEG)
            bad = cli_inputs_add("explain", &o->in, c == O_POS ? 'p' : 'n', optarg);
        else if (c == O_MATURE)
            o->mature = optarg;
        else if (c == O_NOCONTROL)
            o->control = 0;
        else if (c == 'o')
            o->out = optarg;
        else if (c == 'h') {
            usage(stdout);
            return -1;
        } else if (c != O_MOTIFS && (bad = other_option(c, optarg, o)) < 0)
            bad = cli_xopt_other(c, argv, &o->x);
        if (bad)
            return CLI_USAGE;
    }
    if (optind < argc)
        return cli_usage_error("explain", "unexpected argument '%s' (inputs go with --pos, --neg)",
                               argv[optind]);
    if (!o->out)
        return cli_usage_error("explain", "no output directory (-o DIR)");
    if (o->in.npos + o->in.nneg == 0)
        return cli_usage_error("explain", "--motifs needs --pos (and --neg) FASTA");
    if (!o->all && (!o->mature || o->in.npos == 0))
        return cli_usage_error("explain", "--motifs on positives needs --pos and --mature "
                                          "(or --records all)");
    if (o->mo.width % 2 == 0)
        return cli_usage_error("explain", "--width must be odd");
    if (o->mo.shift > o->mo.width / 2 || o->mo.mismatch >= o->mo.width)
        return cli_usage_error("explain", "--shift must be <= width/2 and --mismatch < width");
    return 0;
}

typedef struct mrun {
    mrl_model_t *m;
    mrl_ensemble_t *ens;
    mrl_mature_tab_t *mat;
    mrl_explain_set_t set;
    mrl_motif_data_t data[2 * MRL_EXPLAIN_NMETHODS];
    mrl_motif_result_t res[2 * MRL_EXPLAIN_NMETHODS];
    mrl_motif_run_t runs[2 * MRL_EXPLAIN_NMETHODS];
    int nruns;
    cli_progress_t prog;
} mrun_t;

static void progress(void *ctx, long done, long total)
{
    cli_progress_update(ctx, done, total);
}

static int setup(mopts_t *o, mrun_t *r, mrl_nn_opts_t *no)
{
    mrl_nn_opts_default(no);
    no->threads = o->x.threads, no->precision = o->x.precision;
    int rc;
    if ((rc = mrl_model_load(&r->m, o->x.model)) < 0 ||
        (rc = mrl_ensemble_new(&r->ens, &r->m, 1, no)) < 0 ||
        (o->mature && (rc = mrl_mature_load(&r->mat, o->mature)) < 0))
        return cli_lib_error("explain", rc);
    if ((rc = cli_xopts_background(&o->x, r->m)))
        return rc;
    for (int k = 0; k < o->in.npos + o->in.nneg; k++) {
        int pos = k < o->in.npos;
        const char *path = pos ? o->in.pos[k] : o->in.neg[k - o->in.npos];
        if ((rc = mrl_explain_set_add_fasta(&r->set, path, pos, &o->x.fasta)) < 0)
            return cli_lib_error("explain", rc);
    }
    return 0;
}

/* One method on one network: collect, discover. */
static int run_one(const mopts_t *o, mrun_t *r, const mrl_nn_opts_t *no, int method, int random)
{
    int u = r->nruns;
    mrl_motif_collect_opts_t co;
    mrl_motif_collect_opts_default(&co);
    co.ex = o->x.ex, co.ex.method = method, co.mature = r->mat;
    co.label = o->all ? -1 : 1, co.need_duplex = !o->all, co.randomized = random;
    co.nn = *no, co.fold_threads = o->x.threads;
    co.progress = progress, co.progress_ctx = &r->prog;
    char what[96];
    snprintf(what, sizeof what, "%s %s", mrl_explain_method_name(method),
             random ? "random" : "model");
    cli_progress_init(&r->prog, what, o->x.quiet);
    mrl_motif_data_init(&r->data[u]);
    int rc = mrl_motif_collect(&r->data[u], &r->set, r->ens, &co);
    cli_progress_end(&r->prog, (long)r->data[u].n);
    r->nruns++;
    if (!rc && r->data[u].n == 0)
        return cli_error("explain", "no hairpin to search: %s",
                         o->all ? "every fold was refused"
                                : "no positive has a duplex placed from --mature");
    if (!rc)
        rc = mrl_motif_discover(&r->data[u], &o->mo, &r->res[u]);
    if (rc < 0)
        return cli_lib_error("explain", rc);
    r->runs[u] = (mrl_motif_run_t){mrl_explain_method_name(method), random ? "random" : "model",
                                   &r->data[u], &r->res[u]};
    if (!o->x.quiet)
        fprintf(stderr,
                "mirlens explain: %s, %s network: %zu hairpins, %zu seqlets, %zu motifs, "
                "%d significant\n",
                mrl_explain_method_name(method), random ? "randomised" : "trained", r->data[u].n,
                r->res[u].n_seqlets, r->res[u].n_motifs, r->res[u].n_significant);
    return 0;
}

int cmd_explain_motifs(int argc, char **argv)
{
    mopts_t o;
    memset(&o, 0, sizeof o);
    cli_xopts_default(&o.x);
    mrl_motif_opts_default(&o.mo);
    o.control = 1;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.x.model)
        o.x.model = cli_default_model();
    mrun_t *r = calloc(1, sizeof *r);
    if (!r)
        return cli_error("explain", "out of memory");
    mrl_nn_opts_t no;
    double t0 = cli_now();
    mrl_outdir_t od; /* the report is written whole or not at all */
    memset(&od, 0, sizeof od);
    if (!(rc = cli_outdir_open("explain", &od, o.out)))
        rc = setup(&o, r, &no);
    for (int j = 0; !rc && j < o.x.nmethods; j++)
        for (int random = 0; !rc && random <= o.control; random++)
            rc = run_one(&o, r, &no, o.x.methods[j], random);
    if (!rc) {
        char title[1024];
        snprintf(title, sizeof title, "model %s, %d input file%s, width %d, top %g, seed %llu",
                 o.x.model, o.in.npos + o.in.nneg, o.in.npos + o.in.nneg == 1 ? "" : "s",
                 o.mo.width, o.mo.top, (unsigned long long)o.mo.seed);
        if ((rc = mrl_report_motifs_write(od.tmp, r->runs, r->nruns, title)) < 0)
            rc = cli_lib_error("explain", rc);
        else
            rc = cli_outdir_commit("explain", &od);
    }
    cli_outdir_abort(&od);
    if (!rc && !o.x.quiet)
        fprintf(stderr, "mirlens explain: motifs of %d run%s into %s in %.1f s\n", r->nruns,
                r->nruns == 1 ? "" : "s", o.out, cli_now() - t0);
    for (int u = 0; u < r->nruns; u++)
        mrl_motif_data_release(&r->data[u]), mrl_motif_result_release(&r->res[u]);
    mrl_explain_set_release(&r->set);
    mrl_mature_free(r->mat), mrl_ensemble_free(r->ens), mrl_model_free(r->m);
    cli_xopts_release(&o.x);
    free(r);
    return rc;
}
