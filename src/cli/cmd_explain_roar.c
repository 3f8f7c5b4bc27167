/*
 * cmd_explain_roar.c - `mirlens explain --roar`: RemOve And Retrain (Hooker et al. 2019).
 * The training and test hairpins are folded and drawn, attributed by the model with each
 * method (and ordered at random for the baseline), and for every fraction k the top k of
 * each hairpin's drawn nucleotides are erased to white (src/explain/roar.c). Writes, into
 * the output directory, the degraded image sets (sets/M.kK.{train,test}.{u8,labels,names},
 * read by `mirlens train --images` / `eval --images`) and roar.tsv; with --epochs N a
 * fresh network is trained on each degraded training set with one recipe and scored on the
 * degraded test set, and roar.tsv gets the curve (accuracy, AUROC, drop from k = 0, the
 * random baseline's drop at the same k), drawn in roar_accuracy.svg and roar_auroc.svg.
 * The directory is written whole (cli_outdir.c).
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

#define CMD "explain"
#define MAX_FRAC 16
#define MAX_IN 8
#define TEST_STREAM ((uint64_t)1 << 32) /* random orders of the test set: their own streams */

typedef struct ropts {
    cli_xopts_t x;
    const char *out;
    const char *in[4][MAX_IN]; /* train pos, train neg, test pos, test neg */
    int nin[4];
    int random;                /* 1: --random, 2: --only-random */
    double frac[MAX_FRAC + 1]; /* frac[0] = 0, then the fractions asked for, increasing */
    int nfrac;                 /* including the 0 */
    int retrain, kernel, sets;
    mrl_train_opts_t to;
    mrl_roar_rank_opts_t rank; /* magnitude; the rest comes from x */
    const char *plot;          /* --plot TSV: draw a summary instead of running */
    const char *plot_metric;   /* accuracy or auroc */
} ropts_t;

/* One row of roar.tsv: slot j (or -1: the intact images) at fraction index f. */
typedef struct row {
    int j, f;
    long erased[2]; /* nucleotides erased, train and test */
    mrl_metrics_t met;
    int epochs, best, done;
    double seconds;
} row_t;

static void usage(FILE *fp)
{
    mrl_train_opts_t t;
    mrl_roar_train_opts_default(&t);
    mrl_arch_t a;
    mrl_arch_default(&a, 0);
    fprintf(fp,
            "Usage: mirlens explain --roar [options] --train-pos FILE --train-neg FILE\n"
            "                       --test-pos FILE --test-neg FILE -o DIR\n\n"
            "RemOve And Retrain (Hooker et al. 2019): attribute every training and test\n"
            "hairpin with the model, erase the top fraction k of each hairpin's drawn\n"
            "nucleotides to white (as the faithfulness curves erase them), and with --epochs\n"
            "retrain a fresh network on the degraded training images and score it on the\n"
            "degraded test images. A method whose removal costs more accuracy than removing\n"
            "as many nucleotides at random found more of what the task needs. Writes into DIR:\n"
            "sets/M.kK.{train,test}.{u8,labels,names} (the image sets, for mirlens train /\n"
            "eval --images; M = method, 'random' or 'intact' for k = 0), roar.tsv (method\n"
            "fraction train_images test_images erased_train erased_test epochs best_epoch\n"
            "accuracy auroc drop_accuracy drop_auroc random_drop_accuracy random_drop_auroc\n"
            "seconds; '.' without --epochs), with --epochs models/M.kK.mrlm and the curves\n"
            "roar_accuracy.svg, roar_auroc.svg.\n\n"
            "Options:\n"
            "  -o, --out DIR         output directory (required), written whole\n"
            "  -m, --model MODEL     model that attributes (default: the shipped model)\n");
    cli_xopts_help_methods(fp);
    fprintf(fp,
            "  --random              also the random baseline (same counts, random order)\n"
            "  --only-random         the random baseline alone, no method (no attribution)\n"
            "  --randomize-model     rank by the attributions of the model with every layer\n"
            "                        re-drawn at random (seed --seed): a control whose ranking\n"
            "                        follows the image's ink, not what the model learned\n"
            "  --fractions LIST      comma-separated fractions in (0, 1] (default\n"
            "                        0.1,0.3,0.5); k = 0, the intact images, always comes first\n"
            "  --train-pos FILE      training positives, FASTA (repeatable); likewise\n"
            "  --train-neg FILE      --test-pos, --test-neg\n"
            "  --rank R              magnitude (default): nucleotides by |attribution|, what\n"
            "                        moves the score most either way; value: a contribution\n"
            "                        method's highest values first (as the faithfulness\n"
            "                        curves; sensitivity methods stay by magnitude)\n"
            "  --no-sets             do not write the image sets (roar.tsv and curves only)\n"
            "  --epochs N            retrain for at most N epochs (default 0: no retraining;\n"
            "                        the recipe: %d epochs)\n"
            "  --early-stop N        patience in epochs on validation loss (default %d)\n"
            "  --lr X                Adam learning rate (default %g)\n"
            "  --val-split F         held-out fraction of the training images (default %g)\n"
            "  --train-seed N        initialisation, batch order and split (default %" PRIu64 ")\n"
            "  --kernel K            convolution kernel of the network (default %d)\n"
            "  --steps N             integrated-gradients steps (default 64)\n"
            "  --seed N              attribution noise and random orders (default 1)\n"
            "  -j, --threads N       threads (default %d)\n"
            "  --precision P         f32 (default) or bf16, attribution and training\n"
            "  -q, --quiet           no progress on stderr\n"
            "  -h, --help            this help\n\n"
            "mirlens explain --roar --plot TSV [--plot-metric M] -o FILE.svg draws the curves\n"
            "of a summary over training seeds (experiments/roar/table.py's roar_summary.tsv:\n"
            "columns method, fraction, M_mean, M_sd; the 'intact' row is every curve's k = 0)\n"
            "with error bars of +-1 sd; M is auroc (default) or accuracy.\n",
            t.epochs, t.early_stop, (double)t.adam.lr, t.val_split, t.seed, a.layer[0].k,
            CLI_THREADS);
}

/* "0.1,0.3,0.5": increasing, distinct, in (0, 1]. */
static int parse_fractions(const char *s, ropts_t *o)
{
    o->nfrac = 1, o->frac[0] = 0;
    const char *p = s;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || (*end && *end != ',') || !(v > 0 && v <= 1))
            return cli_usage_error(CMD, "--fractions '%s': each fraction must be in (0, 1]", s);
        if (!(v > o->frac[o->nfrac - 1]))
            return cli_usage_error(CMD, "--fractions '%s': fractions must increase", s);
        if (o->nfrac > MAX_FRAC)
            return cli_usage_error(CMD, "--fractions: at most %d", MAX_FRAC);
        o->frac[o->nfrac++] = v;
        p = *end ? end + 1 : end;
        if (*end && !*p)
            return cli_usage_error(CMD, "--fractions '%s': trailing comma", s);
    }
    return o->nfrac > 1 ? 0 : cli_usage_error(CMD, "--fractions needs at least one fraction");
}

static int add_input(ropts_t *o, int which, const char *path)
{
    static const char *const opt[4] = {"--train-pos", "--train-neg", "--test-pos", "--test-neg"};
    if (o->nin[which] == MAX_IN)
        return cli_usage_error(CMD, "%s: at most %d files", opt[which], MAX_IN);
    o->in[which][o->nin[which]++] = path;
    return 0;
}

/* Options of the retraining; 0, CLI_USAGE, or -1 when c is not one of them. */
static int train_opt(int c, const char *arg, ropts_t *o, int base)
{
    long v;
    float f;
    switch (c - base) {
    case 0:
        if (cli_parse_long(CMD, "--epochs", arg, 0, 100000, &v))
            return CLI_USAGE;
        o->to.epochs = (int)v, o->retrain = v > 0;
        return 0;
    case 1:
        if (cli_parse_long(CMD, "--early-stop", arg, 0, 100000, &v))
            return CLI_USAGE;
        o->to.early_stop = (int)v;
        return 0;
    case 2:
        if (cli_parse_float(CMD, "--lr", arg, 1e-9, 10, &f))
            return CLI_USAGE;
        o->to.adam.lr = f;
        return 0;
    case 3:
        if (cli_parse_float(CMD, "--val-split", arg, 0, 0.9, &f))
            return CLI_USAGE;
        o->to.val_split = (double)f;
        return 0;
    case 4:
        if (cli_parse_long(CMD, "--train-seed", arg, 0, 0x7fffffffffffffffL, &v))
            return CLI_USAGE;
        o->to.seed = (uint64_t)v;
        return 0;
    case 5:
        if (cli_parse_long(CMD, "--kernel", arg, 1, 9, &v))
            return CLI_USAGE;
        o->kernel = (int)v;
        return 0;
    }
    return -1;
}

/* Returns 0 to go on, -1 after --help, or an exit status. */
static int parse_args(int argc, char **argv, ropts_t *o)
{
    enum {
        O_ROAR = 256,
        O_RANDOM,
        O_FRAC,
        O_TRP,
        O_TRN,
        O_TEP,
        O_TEN,
        O_NOSETS,
        O_EPOCHS,
        O_EARLY,
        O_LR,
        O_VAL,
        O_TSEED,
        O_KERNEL,
        O_RANK,
        O_ONLY_RANDOM,
        O_PLOT,
        O_PLOT_METRIC
    };
    static const struct option lo[] = {
        {"out", required_argument, 0, 'o'},
        {"roar", no_argument, 0, O_ROAR},
        {"random", no_argument, 0, O_RANDOM},
        {"fractions", required_argument, 0, O_FRAC},
        {"train-pos", required_argument, 0, O_TRP},
        {"train-neg", required_argument, 0, O_TRN},
        {"test-pos", required_argument, 0, O_TEP},
        {"test-neg", required_argument, 0, O_TEN},
        {"no-sets", no_argument, 0, O_NOSETS},
        {"epochs", required_argument, 0, O_EPOCHS},
        {"early-stop", required_argument, 0, O_EARLY},
        {"lr", required_argument, 0, O_LR},
        {"val-split", required_argument, 0, O_VAL},
        {"train-seed", required_argument, 0, O_TSEED},
        {"kernel", required_argument, 0, O_KERNEL},
        {"rank", required_argument, 0, O_RANK},
        {"only-random", no_argument, 0, O_ONLY_RANDOM},
        {"plot", required_argument, 0, O_PLOT},
        {"plot-metric", required_argument, 0, O_PLOT_METRIC},
        {"help", no_argument, 0, 'h'},
        CLI_XOPT_LONG,
        {0, 0, 0, 0},
    };
    int c, frac_given = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:m:j:qh", lo, NULL)) != -1) {
        int bad = 0;
        if (c == 'o')
            o->out = optarg;
        else if (c == O_ROAR)
            continue;
        else if (c == O_RANDOM)
            o->random = o->random ? o->random : 1;
        else if (c == O_ONLY_RANDOM)
            o->random = 2;
        else if (c == O_PLOT)
            o->plot = optarg;
        else if (c == O_PLOT_METRIC && (!strcmp(optarg, "accuracy") || !strcmp(optarg, "auroc")))
            o->plot_metric = optarg;
        else if (c == O_PLOT_METRIC)
            bad = cli_usage_error(CMD, "--plot-metric '%s': accuracy or auroc", optarg);
        else if (c == O_FRAC)
            bad = parse_fractions(optarg, o), frac_given = 1;
        else if (c >= O_TRP && c <= O_TEN)
            bad = add_input(o, c - O_TRP, optarg);
        else if (c == O_NOSETS)
            o->sets = 0;
        else if (c == O_RANK && (!strcmp(optarg, "magnitude") || !strcmp(optarg, "value")))
            o->rank.magnitude = optarg[0] == 'm';
        else if (c == O_RANK)
            bad = cli_usage_error(CMD, "--rank '%s': magnitude or value", optarg);
        else if (c == 'h') {
            usage(stdout);
            return -1;
        } else if ((bad = train_opt(c, optarg, o, O_EPOCHS)) == -1)
            bad = cli_xopt_other(c, argv, &o->x);
        if (bad)
            return CLI_USAGE;
    }
    if (!frac_given && parse_fractions("0.1,0.3,0.5", o))
        return CLI_USAGE;
    if (!o->out)
        return cli_usage_error(CMD, "no output directory (-o DIR)");
    if (o->plot && argc > optind)
        return cli_usage_error(CMD, "--plot takes one TSV, not '%s'", argv[optind]);
    if (o->plot)
        return 0;
    if (argc > optind)
        return cli_usage_error(CMD,
                               "--roar takes its inputs from --train-pos/--train-neg/"
                               "--test-pos/--test-neg, not '%s'",
                               argv[optind]);
    static const char *const need[4] = {"--train-pos", "--train-neg", "--test-pos", "--test-neg"};
    for (int w = 0; w < 4; w++)
        if (!o->nin[w])
            return cli_usage_error(CMD, "--roar needs %s FILE", need[w]);
    return 0;
}

/* ---- the run ------------------------------------------------------------------------- */

typedef struct run {
    ropts_t *o;
    mrl_model_t *m;
    mrl_ensemble_t *ens;
    mrl_outdir_t od;
    mrl_roar_set_t set[2]; /* train, test */
    int methods[MRL_ROAR_MAX_METHODS], nm;
    row_t *rows;
    int nrows;
} run_t;

static const char *slot_name(const run_t *r, int j)
{
    return j < 0                              ? "intact"
           : r->methods[j] == MRL_ROAR_RANDOM ? "random"
                                              : mrl_explain_method_name(r->methods[j]);
}

static int load_sets(run_t *r)
{
    mrl_fe_opts_t fe;
    mrl_fe_opts_default(&fe);
    fe.threads = r->o->x.threads;
    fe.fasta = r->o->x.fasta;
    for (int w = 0; w < 4; w++)
        for (int i = 0; i < r->o->nin[w]; i++) {
            int rc =
                mrl_roar_set_add_fasta(&r->set[w / 2], r->ens, r->o->in[w][i], w % 2 == 0, &fe);
            if (rc < 0)
                return cli_lib_error(CMD, rc);
        }
    for (int s = 0; s < 2; s++) {
        size_t pos = 0;
        for (size_t i = 0; i < r->set[s].n; i++)
            pos += r->set[s].labels[i] == 1;
        if (!pos || pos == r->set[s].n)
            return cli_error(CMD, "the %s set has no %s hairpin (each set needs both classes)",
                             s ? "test" : "training", pos ? "negative" : "positive");
        if (r->set[s].n_refused && !r->o->x.quiet)
            fprintf(stderr, "mirlens explain: %ld %s sequence%s without a hairpin loop skipped\n",
                    r->set[s].n_refused, s ? "test" : "training",
                    r->set[s].n_refused == 1 ? "" : "s");
    }
    return 0;
}

/* Removal orders, one method at a time so that the log times each. */
static int rank_sets(run_t *r)
{
    for (int s = 0; s < 2; s++)
        for (int j = 0; j < r->nm; j++) {
            double t0 = cli_now();
            mrl_roar_rank_opts_t ro = r->o->rank;
            ro.ex = r->o->x.ex, ro.seed = r->o->x.ex.seed, ro.stream0 = s ? TEST_STREAM : 0;
            int rc = mrl_roar_set_rank(&r->set[s], r->ens, &r->methods[j], 1, &ro);
            if (rc < 0)
                return cli_lib_error(CMD, rc);
            if (!r->o->x.quiet)
                fprintf(stderr, "mirlens explain: roar: %s: %zu %s hairpins ordered in %.0f s\n",
                        slot_name(r, j), r->set[s].n, s ? "test" : "training", cli_now() - t0);
        }
    return 0;
}

/* DIR/sub/name.kK.part, malloc'ed. */
static char *set_path(const run_t *r, const char *sub, const char *name, double k, const char *part)
{
    size_t n = strlen(r->od.tmp) + strlen(sub) + strlen(name) + strlen(part) + 32;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s/%s.k%.2f%s", r->od.tmp, sub, name, k, part);
    return p;
}

/* A line per retraining epoch on stderr (the log of a long run). */
static void on_epoch(void *ud, const mrl_epoch_report_t *e)
{
    (void)ud;
    fprintf(stderr, "mirlens explain: roar:   epoch %d/%d loss %.4f", e->epoch, e->epochs, e->loss);
    if (e->has_val)
        fprintf(stderr, " val_loss %.4f val_accuracy %.4f", e->val_loss, e->val_accuracy);
    fprintf(stderr, " (%.0f s)%s\n", e->seconds, e->stopped ? " early stop" : "");
}

/* The degraded sets of one row: written, and retrained on when asked. */
static int run_row(run_t *r, row_t *w)
{
    mrl_imageset_t *d[2] = {NULL, NULL};
    const char *name = slot_name(r, w->j);
    double k = r->o->frac[w->f], t0 = cli_now();
    int rc = 0;
    for (int s = 0; s < 2 && !rc; s++) {
        int lrc = mrl_roar_set_degrade(&r->set[s], w->j < 0 ? 0 : w->j, w->j < 0 ? 0 : k, &d[s],
                                       &w->erased[s]);
        char *p = lrc < 0 ? NULL : set_path(r, "sets", name, k, s ? ".test" : ".train");
        if (!lrc && !p)
            lrc = MRL_ERR_NOMEM;
        if (!lrc && r->o->sets)
            lrc = mrl_imageset_write(d[s], p);
        free(p);
        rc = lrc < 0 ? cli_lib_error(CMD, lrc) : 0;
    }
    if (!rc && r->o->retrain) {
        mrl_arch_t a;
        mrl_arch_default(&a, r->o->kernel);
        mrl_model_t *m = NULL;
        int lrc = mrl_roar_retrain(&a, d[0], d[1], &r->o->to, &w->met, &m);
        char *p = lrc < 0 ? NULL : set_path(r, "models", name, k, ".mrlm");
        if (!lrc && !p)
            lrc = MRL_ERR_NOMEM;
        const char *e = m ? mrl_model_meta_get(m, "epochs_run") : NULL;
        const char *b = m ? mrl_model_meta_get(m, "best_epoch") : NULL;
        w->epochs = e ? atoi(e) : -1, w->best = b ? atoi(b) : -1;
        if (!lrc)
            lrc = mrl_model_save(m, p);
        free(p);
        mrl_model_free(m);
        rc = lrc < 0 ? cli_lib_error(CMD, lrc) : 0;
        w->done = !rc;
    }
    w->seconds = cli_now() - t0;
    if (!rc && !r->o->x.quiet) {
        fprintf(stderr, "mirlens explain: roar %s k=%.2f: %.4f of train, %.4f of test nt erased",
                name, w->j < 0 ? 0 : k,
                (double)w->erased[0] /
                    (double)(r->set[0].off[r->set[0].n] ? r->set[0].off[r->set[0].n] : 1),
                (double)w->erased[1] /
                    (double)(r->set[1].off[r->set[1].n] ? r->set[1].off[r->set[1].n] : 1));
        if (w->done)
            fprintf(stderr, "; accuracy %.4f, AUROC %.4f (%d epochs, best %d)", w->met.accuracy,
                    w->met.auroc, w->epochs, w->best);
        fprintf(stderr, " [%.0f s]\n", w->seconds);
    }
    mrl_imageset_free(d[0]), mrl_imageset_free(d[1]);
    return rc;
}

/* The row of slot j at fraction index f (j = -1: the intact row). */
static const row_t *find_row(const run_t *r, int j, int f)
{
    for (int i = 0; i < r->nrows; i++)
        if (r->rows[i].j == j && (j < 0 || r->rows[i].f == f))
            return &r->rows[i];
    return NULL;
}

static int random_slot(const run_t *r)
{
    for (int j = 0; j < r->nm; j++)
        if (r->methods[j] == MRL_ROAR_RANDOM)
            return j;
    return -2;
}

static void put(FILE *fp, int ok, double v)
{
    if (ok && isfinite(v))
        fprintf(fp, "\t%.6f", v);
    else
        fputs("\t.", fp);
}

static int write_tsv(const run_t *r)
{
    size_t n = strlen(r->od.tmp) + 16;
    char *p = malloc(n);
    if (!p)
        return cli_error(CMD, "out of memory");
    snprintf(p, n, "%s/roar.tsv", r->od.tmp);
    mrl_atomic_t af;
    memset(&af, 0, sizeof af);
    int rc = mrl_atomic_open(&af, p);
    free(p);
    if (rc < 0)
        return cli_lib_error(CMD, rc);
    fputs("method\tfraction\ttrain_images\ttest_images\terased_train\terased_test\tepochs\t"
          "best_epoch\taccuracy\tauroc\tdrop_accuracy\tdrop_auroc\trandom_drop_accuracy\t"
          "random_drop_auroc\tseconds\n",
          af.fp);
    const row_t *z = find_row(r, -1, 0);
    int rj = random_slot(r);
    for (int i = 0; i < r->nrows; i++) {
        const row_t *w = &r->rows[i], *rnd = w->j >= 0 ? find_row(r, rj, w->f) : z;
        int ok = w->done, zk = ok && z && z->done, rk = zk && rnd && rnd->done;
        fprintf(af.fp, "%s\t%.2f\t%zu\t%zu\t%ld\t%ld", slot_name(r, w->j),
                w->j < 0 ? 0 : r->o->frac[w->f], r->set[0].n, r->set[1].n, w->erased[0],
                w->erased[1]);
        if (ok)
            fprintf(af.fp, "\t%d\t%d", w->epochs, w->best);
        else
            fputs("\t.\t.", af.fp);
        put(af.fp, ok, w->met.accuracy), put(af.fp, ok, w->met.auroc);
        put(af.fp, zk, zk ? z->met.accuracy - w->met.accuracy : 0);
        put(af.fp, zk, zk ? z->met.auroc - w->met.auroc : 0);
        put(af.fp, rk, rk ? z->met.accuracy - rnd->met.accuracy : 0);
        put(af.fp, rk, rk ? z->met.auroc - rnd->met.auroc : 0);
        fprintf(af.fp, "\t%.1f\n", w->seconds);
    }
    rc = mrl_atomic_commit(&af);
    return rc < 0 ? cli_lib_error(CMD, rc) : 0;
}

/* roar_accuracy.svg and roar_auroc.svg: one line per slot from the intact row. */
static int write_svgs(const run_t *r)
{
    const row_t *z = find_row(r, -1, 0);
    int np = r->o->nfrac, rc = 0;
    double *y = malloc((size_t)r->nm * (size_t)np * sizeof *y);
    const double *ys[MRL_ROAR_MAX_METHODS];
    const char *names[MRL_ROAR_MAX_METHODS];
    size_t n = strlen(r->od.tmp) + 32;
    char *p = malloc(n);
    if (!y || !p)
        rc = cli_error(CMD, "out of memory");
    for (int what = 0; !rc && what < 2; what++) {
        for (int j = 0; j < r->nm; j++) {
            double *yj = y + (size_t)j * (size_t)np;
            for (int f = 0; f < np; f++) {
                const row_t *w = f ? find_row(r, j, f) : z;
                yj[f] = w && w->done ? (what ? w->met.auroc : w->met.accuracy) : (double)NAN;
            }
            ys[j] = yj, names[j] = slot_name(r, j);
        }
        snprintf(p, n, "%s/roar_%s.svg", r->od.tmp, what ? "auroc" : "accuracy");
        int lrc = mrl_report_roar_svg(p,
                                      what ? "ROAR: test AUROC of the retrained network"
                                           : "ROAR: test accuracy of the retrained network",
                                      what ? "AUROC" : "accuracy", r->o->frac, np, r->nm, names, ys,
                                      NULL);
        rc = lrc < 0 ? cli_lib_error(CMD, lrc) : 0;
    }
    free(y), free(p);
    return rc;
}

static int make_dirs(const run_t *r)
{
    const char *sub[2] = {"sets", "models"};
    for (int s = 0; s < 2; s++) {
        if ((s == 0 && !r->o->sets) || (s == 1 && !r->o->retrain))
            continue;
        size_t n = strlen(r->od.tmp) + 16;
        char *p = malloc(n);
        if (!p)
            return cli_error(CMD, "out of memory");
        snprintf(p, n, "%s/%s", r->od.tmp, sub[s]);
        int e = mkdir(p, 0777);
        free(p);
        if (e)
            return cli_error(CMD, "cannot create %s/%s", r->o->out, sub[s]);
    }
    return 0;
}

/* The rows: k = 0 once, then per fraction every slot (low fractions first, so a run cut
 * short still has whole curves up to some k). */
static int plan_rows(run_t *r)
{
    r->rows = calloc((size_t)r->nm * (size_t)r->o->nfrac + 1, sizeof *r->rows);
    if (!r->rows)
        return cli_error(CMD, "out of memory");
    r->rows[r->nrows++] = (row_t){.j = -1, .f = 0};
    for (int f = 1; f < r->o->nfrac; f++)
        for (int j = 0; j < r->nm; j++)
            r->rows[r->nrows++] = (row_t){.j = j, .f = f};
    return 0;
}

static int run(run_t *r)
{
    int rc = load_sets(r);
    if (!rc)
        rc = rank_sets(r);
    if (!rc)
        rc = plan_rows(r);
    if (!rc)
        rc = make_dirs(r);
    for (int i = 0; !rc && i < r->nrows; i++)
        rc = run_row(r, &r->rows[i]);
    if (!rc)
        rc = write_tsv(r);
    if (!rc && r->o->retrain)
        rc = write_svgs(r);
    return rc;
}

static int setup(run_t *r)
{
    ropts_t *o = r->o;
    for (int j = 0; j < (o->random == 2 ? 0 : o->x.nmethods); j++)
        r->methods[r->nm++] = o->x.methods[j];
    if (o->random)
        r->methods[r->nm++] = MRL_ROAR_RANDOM;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o->x.threads;
    no.precision = o->x.precision;
    if (!o->x.quiet)
        o->to.on_epoch = on_epoch;
    o->to.threads = o->x.threads;
    o->to.precision = o->x.precision;
    int rc = mrl_model_load(&r->m, o->x.model);
    if (rc < 0)
        return cli_lib_error(CMD, rc);
    if ((rc = cli_xopts_randomize(&o->x, r->m)))
        return rc; /* --randomize-model: the control of the ranking (ink, not the model) */
    if ((rc = mrl_ensemble_new(&r->ens, &r->m, 1, &no)) < 0)
        return cli_lib_error(CMD, rc);
    cli_precision_note(CMD, o->x.precision, mrl_ensemble_nn(r->ens, 0), o->x.quiet);
    return cli_xopts_background(&o->x, r->m);
}

/* ---- --plot: the curves of a summary over seeds ------------------------------------ */

#define PLOT_MAX_COLS 64

/* Splits line (modified) at tabs into at most PLOT_MAX_COLS fields; their number. */
static int split_tabs(char *line, char **f)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *p = line; n < PLOT_MAX_COLS;) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = 0, p = t + 1;
    }
    return n;
}

static double field_value(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    return end != s && !*end ? v : (double)NAN;
}

typedef struct plot {
    const char *names[MRL_ROAR_MAX_METHODS];
    char *owned[MRL_ROAR_MAX_METHODS];
    double x[MAX_FRAC + 1];
    double y[MRL_ROAR_MAX_METHODS][MAX_FRAC + 1], e[MRL_ROAR_MAX_METHODS][MAX_FRAC + 1];
    double y0, e0; /* the intact row */
    int ns, np;
} plot_t;

/* Index of fraction v in p->x, added in order; -1 when full. */
static int plot_x(plot_t *p, double v)
{
    int i = 0;
    while (i < p->np && p->x[i] < v - 1e-9)
        i++;
    if (i < p->np && fabs(p->x[i] - v) < 1e-9)
        return i;
    if (p->np == MAX_FRAC + 1)
        return -1;
    memmove(p->x + i + 1, p->x + i, (size_t)(p->np - i) * sizeof *p->x);
    for (int s = 0; s < MRL_ROAR_MAX_METHODS; s++) {
        memmove(p->y[s] + i + 1, p->y[s] + i, (size_t)(p->np - i) * sizeof(double));
        memmove(p->e[s] + i + 1, p->e[s] + i, (size_t)(p->np - i) * sizeof(double));
        p->y[s][i] = p->e[s][i] = (double)NAN;
    }
    p->x[i] = v, p->np++;
    return i;
}

static int plot_series(plot_t *p, const char *name)
{
    for (int s = 0; s < p->ns; s++)
        if (!strcmp(p->names[s], name))
            return s;
    if (p->ns == MRL_ROAR_MAX_METHODS || !(p->owned[p->ns] = strdup(name)))
        return -1;
    p->names[p->ns] = p->owned[p->ns];
    return p->ns++;
}

/* Reads the summary into p; 0 or an exit status. */
static int plot_read(const ropts_t *o, plot_t *p)
{
    FILE *fp = fopen(o->plot, "r");
    if (!fp)
        return cli_error(CMD, "cannot open %s", o->plot);
    char *line = NULL, *f[PLOT_MAX_COLS];
    size_t cap = 0;
    int col[4] = {-1, -1, -1, -1}, rc = 0, nl = 0, intact = 0; /* method fraction mean sd */
    char mean[32], sd[32];
    snprintf(mean, sizeof mean, "%s_mean", o->plot_metric);
    snprintf(sd, sizeof sd, "%s_sd", o->plot_metric);
    const char *want[4] = {"method", "fraction", mean, sd};
    p->np = 1, p->x[0] = 0, p->y0 = p->e0 = (double)NAN;
    for (int s = 0; s < MRL_ROAR_MAX_METHODS; s++)
        for (int i = 0; i <= MAX_FRAC; i++)
            p->y[s][i] = p->e[s][i] = (double)NAN; /* a point no row gives: a gap */
    while (!rc && getline(&line, &cap, fp) > 0) {
        int n = split_tabs(line, f);
        if (nl++ == 0) {
            for (int i = 0; i < n; i++)
                for (int c = 0; c < 4; c++)
                    if (!strcmp(f[i], want[c]))
                        col[c] = i;
            for (int c = 0; c < 4 && !rc; c++)
                if (col[c] < 0)
                    rc = cli_error(CMD, "%s: no column %s", o->plot, want[c]);
            continue;
        }
        if (n <= col[0] || n <= col[1] || n <= col[2] || n <= col[3]) {
            rc = cli_error(CMD, "%s:%d: too few columns", o->plot, nl);
            break;
        }
        double k = field_value(f[col[1]]), v = field_value(f[col[2]]), e = field_value(f[col[3]]);
        if (!(k >= 0 && k <= 1)) {
            rc = cli_error(CMD, "%s:%d: fraction '%s' not in [0, 1]", o->plot, nl, f[col[1]]);
        } else if (!strcmp(f[col[0]], "intact") || k == 0) {
            p->y0 = v, p->e0 = e, intact = 1;
        } else {
            int s = plot_series(p, f[col[0]]), i = s < 0 ? -1 : plot_x(p, k);
            if (i < 0)
                rc = cli_error(CMD, "%s: more than %d methods or %d fractions", o->plot,
                               MRL_ROAR_MAX_METHODS, MAX_FRAC);
            else
                p->y[s][i] = v, p->e[s][i] = e;
        }
    }
    free(line);
    fclose(fp);
    if (!rc && (!p->ns || p->np < 2))
        rc = cli_error(CMD, "%s: no row with a fraction above 0", o->plot);
    for (int s = 0; !rc && intact && s < p->ns; s++)
        p->y[s][0] = p->y0, p->e[s][0] = p->e0;
    return rc;
}

static int plot_summary(const ropts_t *o)
{
    plot_t *p = calloc(1, sizeof *p);
    if (!p)
        return cli_error(CMD, "out of memory");
    int rc = plot_read(o, p), acc = !strcmp(o->plot_metric, "accuracy");
    if (!rc) {
        const double *ys[MRL_ROAR_MAX_METHODS], *es[MRL_ROAR_MAX_METHODS];
        for (int s = 0; s < p->ns; s++)
            ys[s] = p->y[s], es[s] = p->e[s];
        int lrc = mrl_report_roar_svg(
            o->out,
            acc ? "ROAR: test accuracy of the retrained network (mean, bars +-1 sd over seeds)"
                : "ROAR: test AUROC of the retrained network (mean, bars +-1 sd over seeds)",
            acc ? "accuracy" : "AUROC", p->x, p->np, p->ns, p->names, ys, es);
        rc = lrc < 0 ? cli_lib_error(CMD, lrc) : 0;
    }
    for (int s = 0; s < p->ns; s++)
        free(p->owned[s]);
    free(p);
    return rc;
}

int cmd_explain_roar(int argc, char **argv)
{
    ropts_t *o = calloc(1, sizeof *o);
    run_t *r = calloc(1, sizeof *r);
    if (!o || !r) {
        free(o), free(r);
        return cli_error(CMD, "out of memory");
    }
    cli_xopts_default(&o->x);
    mrl_roar_train_opts_default(&o->to);
    mrl_roar_rank_opts_default(&o->rank);
    o->sets = 1, o->plot_metric = "auroc";
    int rc = parse_args(argc, argv, o);
    if (rc) {
        free(o), free(r);
        return rc < 0 ? CLI_OK : rc;
    }
    if (o->plot) {
        rc = plot_summary(o);
        cli_xopts_release(&o->x);
        free(o), free(r);
        return rc;
    }
    if ((o->random == 2 ? 0 : o->x.nmethods) + (o->random > 0) > MRL_ROAR_MAX_METHODS) {
        free(o), free(r);
        return cli_usage_error(CMD, "--roar: at most %d methods", MRL_ROAR_MAX_METHODS);
    }
    if (!o->x.model)
        o->x.model = cli_default_model();
    r->o = o;
    mrl_roar_set_init(&r->set[0]), mrl_roar_set_init(&r->set[1]);
    if (!(rc = setup(r)) && !(rc = cli_outdir_open(CMD, &r->od, o->out)) && !(rc = run(r)))
        rc = cli_outdir_commit(CMD, &r->od);
    if (!rc && !o->x.quiet)
        fprintf(stderr, "mirlens explain: roar: %d rows into %s\n", r->nrows, o->out);
    cli_outdir_abort(&r->od);
    mrl_roar_set_release(&r->set[0]), mrl_roar_set_release(&r->set[1]);
    free(r->rows);
    mrl_ensemble_free(r->ens);
    mrl_model_free(r->m);
    cli_xopts_release(&o->x);
    free(o), free(r);
    return rc;
}
