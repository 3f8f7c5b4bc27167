/*
 * cmd_explain_set.c - `mirlens explain --aggregate` and `mirlens explain --sanity`:
 * interpretation over a whole labelled set. Options into the library's options, the inputs
 * into a set, mrl_explain_set_run (src/explain/set.c) to explain it and
 * mrl_report_set_write (src/report/) to write its tables, figures and pages. The output
 * directory is written whole (cli_outdir.c): into DIR.tmp.XXXXXX, renamed onto DIR at the
 * end, removed on an error or a signal.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

typedef struct sopts {
    cli_xopts_t x;
    mrl_explain_set_opts_t set; /* aggregate, threshold, faith_*, mask, sanity_n, examples */
    mrl_report_set_opts_t rep;  /* top */
    const char *sanity_in;      /* --sanity FILE */
    cli_inputs_t in;
    const char *out, *mature, *shuffled;
} sopts_t;

/* What the run loads and makes. */
typedef struct srun {
    mrl_outdir_t od; /* the output directory; the run writes into od.tmp */
    mrl_model_t *m, *shuffled;
    mrl_ensemble_t *ens;
    mrl_mature_tab_t *mat;
    mrl_imageset_t *img; /* image input (the set's records point into it) */
    mrl_explain_set_t set;
    cli_progress_t prog;
    int stage, quiet; /* of the progress shown: 0 records, 1 sanity steps */
} srun_t;

static void usage(FILE *fp)
{
    mrl_explain_set_opts_t d;
    mrl_report_set_opts_t r;
    mrl_explain_set_opts_default(&d);
    mrl_report_set_opts_default(&r);
    fprintf(fp,
            "Usage: mirlens explain --aggregate (--pos FILE --neg FILE | --images BASE\n"
            "                        [--labels FILE]) -o DIR [options]\n"
            "       mirlens explain --sanity FILE -o DIR [options]\n\n"
            "Interpretation over a labelled set. --aggregate explains every hairpin with\n"
            "each method and writes, into DIR: mean maps of true/false positives/negatives\n"
            "(aggregate/maps.M.{npy,png,svg}), profiles along the hairpin by distance from\n"
            "the terminal loop and strand (aggregate/profile.tsv, columns.tsv), shares by\n"
            "structural context, base, pair type and, with --mature, region around the\n"
            "miRNA duplex (categories.tsv, with bootstrap 95%% intervals over hairpins;\n"
            "each hairpin's sums in hairpins.tsv), attribution around the Drosha and\n"
            "Dicer cut sites (cutsites.tsv), 3-mer motifs among the top-attributed windows\n"
            "(motifs.tsv), the terminal loop's share by loop size (loops.tsv), deletion /\n"
            "insertion faithfulness curves against random orderings (faithfulness*.tsv,\n"
            "deletion.svg, insertion.svg), optionally the sanity checks, per-sequence\n"
            "pages of examples (seq/) and index.html. --sanity FILE (FASTA or image set)\n"
            "runs only the sanity checks: the maps of models with cascading randomised\n"
            "layers (from the output down) and of --shuffled-model are compared with the\n"
            "original maps by Spearman rank correlation; a method whose maps do not change\n"
            "(mean |rho| over the cascade, or |rho| for the shuffled-label model, >= %.1f)\n"
            "fails.\n\n"
            "Inputs:\n"
            "  --pos FILE, --neg FILE  labelled FASTA (repeatable; folded and drawn)\n"
            "  --images BASE           image set BASE.u8[.gz] (+ BASE.labels or --labels):\n"
            "                          pixel statistics only (no nucleotides)\n"
            "  --labels FILE           labels of the image set\n"
            "  --mature FILE           mature positions (mirbase/v21/mature_positions.tsv.gz):\n"
            "                          regions and cut sites of the positives\n"
            "Options:\n"
            "  -o, --out DIR           output directory (required), written whole: an\n"
            "                          earlier mirlens output there is replaced, any other\n"
            "                          non-empty directory refused\n"
            "  -m, --model MODEL       model (default: the shipped model)\n"
            "  --method LIST|all       methods (default %s; see explain --help)\n"
            "  --threshold X           pre-miRNA call at P >= X (default %g)\n"
            "  --faith-n N             images given faithfulness curves (default %d; 0 off)\n"
            "  --faith-steps N         curve points after 0 (default %d)\n"
            "  --faith-random N        random orderings of the baseline (default %d)\n"
            "  --mask white|n          how a nucleotide is removed: bars erased (default) or\n"
            "                          redrawn as N\n"
            "  --sanity-n N            images for the sanity checks (default: 0 with\n"
            "                          --aggregate, 50 with --sanity)\n"
            "  --shuffled-model MODEL  a model trained on shuffled labels (mirlens train\n"
            "                          --shuffle-labels) for the label-randomisation test\n"
            "  --concept-table FILE    concepts.tsv of `mirlens explain --concepts` (TCAV): shown\n"
            "                          in index.html as the concept table, copied beside it\n"
            "  --random-net            also explain every hairpin with the network with every\n"
            "                          layer re-drawn (the cascade's last step): categories.tsv\n"
            "                          gets its enrichment and the paired difference model -\n"
            "                          random network with an interval (twice the time)\n"
            "  --boot N                bootstrap resamples of the category intervals (default\n"
            "                          %d; 0 none)\n"
            "  --examples N            per-sequence pages per outcome group (default %d)\n"
            "  --top N                 strongest positions listed on those pages (default %d)\n"
            "  --samples, --noise, --steps, --kshap-samples, --layer, --patch, --stride,\n"
            "  --background, --target, --seed, --scale, --max-length, --precision,\n"
            "  --randomize-model: as for explain\n"
            "  -j, --threads N         threads (default %d)\n"
            "  -q, --quiet             no progress on stderr\n",
            MRL_SANITY_PASS, mrl_explain_method_name(d.ex.method), (double)d.threshold, d.faith_n,
            d.faith_steps, d.faith_random, d.n_boot, d.examples, r.top, CLI_THREADS);
}

static int check_args(int argc, char **argv, sopts_t *o, int sanity_n)
{
    const int agg = o->set.aggregate, none = cli_inputs_empty(&o->in);
    const struct {
        int bad;
        const char *why;
    } rule[] = {
        {!o->out, "no output directory (-o DIR)"},
        {agg && o->sanity_in, "--sanity FILE runs alone; with --aggregate use --sanity-n N"},
        {agg && none, "--aggregate needs --pos/--neg FASTA or --images"},
        {agg && o->in.nimg && o->in.npos + o->in.nneg,
         "give FASTA (--pos/--neg) or --images, not both"},
        {o->in.nlab > o->in.nimg, "--labels without --images"},
        {o->sanity_in && !none, "--sanity FILE takes its input from FILE only"},
        {o->sanity_in && sanity_n == 0, "--sanity needs --sanity-n >= 1"},
        {o->set.random_net && !agg, "--random-net goes with --aggregate"},
        {o->set.random_net && o->x.randomize,
         "--random-net with --randomize-model would compare the random network with itself"}};
    if (optind < argc)
        return cli_usage_error("explain", "unexpected argument '%s' (%s)", argv[optind],
                               "inputs go with --pos, --neg, --images or --sanity");
    for (size_t k = 0; k < sizeof rule / sizeof rule[0]; k++)
        if (rule[k].bad)
            return cli_usage_error("explain", "%s", rule[k].why);
    o->set.sanity_n = sanity_n >= 0 ? sanity_n : agg ? 0 : 50;
    return 0;
}

/* Returns 0 to go on, -1 after --help, or an exit status. */
static int parse_args(int argc, char **argv, sopts_t *o)
{
    enum { O_AGG = 256, O_THRESH, O_MASK, O_POS, O_NEG, O_IMAGES, O_LABELS, O_SANITY, O_MATURE };
    enum { O_SHUF = O_MATURE + 1, O_CONCEPTS, O_FN, O_FSTEPS, O_FRAND, O_SN, O_EXAMPLES, O_TOP };
    enum { O_BOOT = O_TOP + 1, O_RANDNET };
    /* clang-format off */
    static const struct option lo[] = {
        {"aggregate", no_argument, 0, O_AGG},     {"sanity", required_argument, 0, O_SANITY},
        {"pos", required_argument, 0, O_POS},     {"neg", required_argument, 0, O_NEG},
        {"images", required_argument, 0, O_IMAGES},
        {"labels", required_argument, 0, O_LABELS},
        {"mature", required_argument, 0, O_MATURE},
        {"threshold", required_argument, 0, O_THRESH},
        {"mask", required_argument, 0, O_MASK},   {"shuffled-model", required_argument, 0, O_SHUF},
        {"concept-table", required_argument, 0, O_CONCEPTS},
        {"faith-n", required_argument, 0, O_FN},  {"faith-steps", required_argument, 0, O_FSTEPS},
        {"faith-random", required_argument, 0, O_FRAND},
        {"sanity-n", required_argument, 0, O_SN},
        {"examples", required_argument, 0, O_EXAMPLES},
        {"top", required_argument, 0, O_TOP},     {"out", required_argument, 0, 'o'},
        {"boot", required_argument, 0, O_BOOT},   {"random-net", no_argument, 0, O_RANDNET},
        {"help", no_argument, 0, 'h'},            CLI_XOPT_LONG,
        {0, 0, 0, 0}};
    /* clang-format on */
    /* O_SANITY .. O_CONCEPTS take a path; O_FN .. O_BOOT an integer in [lo, hi] */
    const char **path[] = {&o->sanity_in, &o->mature, &o->shuffled, &o->rep.concepts};
    static const char *const iname[] = {"--faith-n",  "--faith-steps", "--faith-random",
                                        "--sanity-n", "--examples",    "--top",
                                        "--boot"};
    static const long ilo[] = {0, 1, 0, 0, 0, 0, 0},
                      ihi[] = {10000000, 1000,   100, 10000000, MRL_EXPLAIN_SET_MAX_EXAMPLES,
                               10000000, 1000000};
    int c, sanity_n = -1;
    int *idst[] = {&o->set.faith_n,  &o->set.faith_steps, &o->set.faith_random, &sanity_n,
                   &o->set.examples, &o->rep.top,         &o->set.n_boot};
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:m:j:qh", lo, NULL)) != -1) {
        int bad = 0, white = c == O_MASK && strcmp(optarg, "white") == 0;
        if (c >= O_FN && c <= O_BOOT) {
            bad = cli_parse_long("explain", iname[c - O_FN], optarg, ilo[c - O_FN], ihi[c - O_FN],
                                 &v);
            *idst[c - O_FN] = bad ? *idst[c - O_FN] : (int)v;
        } else if (c >= O_POS && c <= O_LABELS) {
            bad = cli_inputs_add("explain", &o->in, "pnil"[c - O_POS], optarg);
        } else if (c >= O_SANITY && c <= O_CONCEPTS) {
            *path[c - O_SANITY] = optarg;
        } else if (c == O_MASK && !white && strcmp(optarg, "n") && strcmp(optarg, "N")) {
            bad = cli_usage_error("explain", "--mask must be white or n");
        } else if (c == O_MASK) {
            o->set.mask = white ? MRL_MASK_WHITE : MRL_MASK_N;
        } else if (c == O_AGG) {
            o->set.aggregate = 1;
        } else if (c == O_RANDNET) {
            o->set.random_net = 1;
        } else if (c == 'o') {
            o->out = optarg;
        } else if (c == O_THRESH) {
            bad = cli_parse_float("explain", "--threshold", optarg, 0, 1, &o->set.threshold);
        } else if (c == 'h') {
            usage(stdout);
            return -1;
        } else {
            bad = cli_xopt_other(c, argv, &o->x);
        }
        if (bad)
            return CLI_USAGE;
    }
    return check_args(argc, argv, o, sanity_n);
}

/* ---- the run ---------------------------------------------------------------------- */

/* The records of the inputs into r->set. */
static int read_inputs(const sopts_t *o, srun_t *r)
{
    int rc = 0;
    if (o->sanity_in && !cli_is_imageset(o->sanity_in))
        rc = mrl_explain_set_add_fasta(&r->set, o->sanity_in, -1, &o->x.fasta);
    for (int k = 0; rc >= 0 && k < o->in.npos + o->in.nneg; k++) {
        int pos = k < o->in.npos;
        const char *path = pos ? o->in.pos[k] : o->in.neg[k - o->in.npos];
        rc = mrl_explain_set_add_fasta(&r->set, path, pos, &o->x.fasta);
    }
    if (rc >= 0 && o->sanity_in && cli_is_imageset(o->sanity_in))
        rc = mrl_imageset_load(&r->img, o->sanity_in);
    if (rc < 0)
        return cli_lib_error("explain", rc);
    /* image sets with their labels (never beside FASTA: check_args) */
    if (o->in.nimg && (rc = cli_load_inputs("explain", &o->in, NULL, 1, &r->img)))
        return rc;
    rc = r->img ? mrl_explain_set_add_images(&r->set, r->img) : 0;
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

static void progress(void *ctx, int stage, long done, long total)
{
    srun_t *r = ctx;
    if (stage != r->stage) { /* the pass is over: the sanity checks' steps */
        cli_progress_end(&r->prog, r->set.n_done);
        cli_progress_init(&r->prog, "sanity steps", r->quiet);
        r->stage = stage;
    }
    cli_progress_update(&r->prog, done, total);
}

/* Model, inputs, options: everything mrl_explain_set_run takes. */
static int setup(sopts_t *o, srun_t *r)
{
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o->x.threads, no.precision = o->x.precision;
    int rc = mrl_report_set_dirs(r->od.tmp, o->set.aggregate, o->set.examples);
    if (rc < 0 || (rc = mrl_model_load(&r->m, o->x.model)) < 0)
        return cli_lib_error("explain", rc);
    if ((rc = cli_xopts_randomize(&o->x, r->m)))
        return rc;
    if ((rc = mrl_ensemble_new(&r->ens, &r->m, 1, &no)) < 0)
        return cli_lib_error("explain", rc);
    cli_precision_note("explain", o->x.precision, mrl_ensemble_nn(r->ens, 0), o->x.quiet);
    if ((rc = cli_xopts_background(&o->x, r->m)))
        return rc;
    if (o->rep.concepts && access(o->rep.concepts, R_OK) < 0) /* before the long run */
        return cli_error("explain", "cannot read --concept-table '%s': %s", o->rep.concepts,
                         strerror(errno));
    if ((o->mature && (rc = mrl_mature_load(&r->mat, o->mature)) < 0) ||
        (o->shuffled && o->set.sanity_n && (rc = mrl_model_load(&r->shuffled, o->shuffled)) < 0))
        return cli_lib_error("explain", rc);
    mrl_explain_set_opts_t *so = &o->set;
    so->methods = o->x.methods, so->n_methods = o->x.nmethods, so->ex = o->x.ex;
    so->mature = r->mat, so->shuffled = r->shuffled, so->nn = no;
    so->fold_threads = o->x.threads;
    so->progress = progress, so->progress_ctx = r;
    return read_inputs(o, r);
}

static int run(const sopts_t *o, srun_t *r)
{
    r->quiet = o->x.quiet;
    cli_progress_init(&r->prog, "hairpins", o->x.quiet);
    int rc = mrl_explain_set_run(&r->set, r->ens, &o->set);
    cli_progress_end(&r->prog, r->stage ? r->set.sanity.L : r->set.n_done);
    for (size_t k = 0; !o->x.quiet && k < r->set.n; k++)
        if (r->set.rec[k].refused)
            fprintf(stderr, "mirlens explain: %s: no hairpin loop in the fold; skipped\n",
                    r->set.rec[k].id);
    if (rc < 0)
        return cli_lib_error("explain", rc);
    if (r->set.sanity.n && !o->shuffled && !o->x.quiet)
        fprintf(stderr, "mirlens explain: no --shuffled-model: the label-randomisation test is "
                        "skipped (make one with mirlens train --shuffle-labels)\n");
    return 0;
}

static int report(const sopts_t *o, srun_t *r, double seconds)
{
    mrl_report_set_opts_t ro = o->rep;
    ro.input = o->sanity_in, ro.model = o->x.model;
    ro.pos = o->in.pos, ro.neg = o->in.neg, ro.images = o->in.images;
    ro.n_pos = o->in.npos, ro.n_neg = o->in.nneg, ro.n_images = o->in.nimg;
    ro.threads = o->x.threads, ro.seconds = seconds, ro.scale = o->x.scale;
    int rc = mrl_report_set_write(r->od.tmp, &r->set, &ro);
    return rc < 0 ? cli_lib_error("explain", rc) : cli_outdir_commit("explain", &r->od);
}

int cmd_explain_set(int argc, char **argv)
{
    sopts_t o;
    memset(&o, 0, sizeof o);
    cli_xopts_default(&o.x);
    mrl_explain_set_opts_default(&o.set);
    mrl_report_set_opts_default(&o.rep);
    o.set.aggregate = 0; /* --aggregate, else --sanity */
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.x.model)
        o.x.model = cli_default_model();
    srun_t r;
    memset(&r, 0, sizeof r);
    double t0 = cli_now();
    if (!(rc = cli_outdir_open("explain", &r.od, o.out)) && !(rc = setup(&o, &r)) &&
        !(rc = run(&o, &r)))
        rc = report(&o, &r, cli_now() - t0);
    if (!rc && !o.x.quiet)
        fprintf(stderr,
                "mirlens explain: %ld hairpins, %d methods into %s in %.1f s (explain %.1f s, "
                "faithfulness %.1f s on %ld, sanity %.1f s on %ld)\n",
                r.set.n_done, o.x.nmethods, o.out, cli_now() - t0, r.set.seconds[0],
                r.set.seconds[1], r.set.n_faith, r.set.seconds[2], (long)r.set.sanity.n);
    cli_outdir_abort(&r.od);
    mrl_explain_set_release(&r.set);
    mrl_imageset_free(r.img), mrl_mature_free(r.mat), mrl_ensemble_free(r.ens);
    mrl_model_free(r.shuffled), mrl_model_free(r.m);
    cli_xopts_release(&o.x);
    return rc;
}
