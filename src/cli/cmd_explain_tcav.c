/*
 * cmd_explain_tcav.c - `mirlens explain --concepts`: concept tests (TCAV, Kim et al. 2018)
 * of the known determinants of pre-miRNA processing. Folds and draws the pre-miRNAs once
 * (the pipeline), places each one's miRNA duplex from the mature table (as the set pass
 * does, mrl_explain_rec_duplex: a flanked window needs a table in its own coordinates),
 * flags which determinants it has (mrl_tcav_det_member), and runs mrl_tcav_run
 * (src/explain/tcav.c); writes DIR/concepts.tsv, DIR/concepts.html and DIR/members.tsv.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* The determinants (mrl_det_eval), then two controls (controls(), below). */
#define NCONCEPTS (MRL_NDET + 2)

static const char *concept_name(int d)
{
    return d < MRL_NDET    ? mrl_det_name(d)
           : d == MRL_NDET ? "control:high-score"
                           : "control:random-half";
}

typedef struct topts {
    mrl_tcav_opts_t t;
    int layers[MRL_NN_MAX_LAYERS];
    const char *pos[CLI_MAX_INPUTS], *model, *mature, *out;
    int npos, threads, quiet;
    mrl_fasta_opts_t fasta;
} topts_t;

/* The hairpins: records, and what the pipeline and the mature table made of them. */
typedef struct trun {
    char **id, **seq;
    size_t *len, n, cap;
    mrl_model_t *m;
    mrl_ensemble_t *e;
    mrl_mature_tab_t *mat;
    mrl_batch_t b;
    int8_t *member; /* (NCONCEPTS, rows) */
    long n_duplex;
    mrl_tcav_t res;
    cli_progress_t prog;
} trun_t;

static void usage(FILE *fp)
{
    mrl_tcav_opts_t d;
    mrl_tcav_opts_default(&d);
    fprintf(fp,
            "Usage: mirlens explain --concepts --pos FILE --mature FILE -o DIR [options]\n\n"
            "Concept tests (TCAV, Kim et al. 2018) of the known determinants of pre-miRNA\n"
            "processing (basal UG, lower stem, mGHG, upper stem, stem length, bulge-free zones,\n"
            "loop size, apical UGU/GUG, CNNC, Dicer 5' and loop counting, GYM, GU wobbles in the\n"
            "stem, 5' U of the mature), and two controls: the pre-miRNAs the network scores\n"
            "above the median margin (a concept it must show) and a random half of them (one\n"
            "it cannot). Each pre-miRNA of --pos is folded and drawn, its miRNA\n"
            "duplex placed from the mature table, and each determinant flagged present, absent\n"
            "or not visible in the sequence. At each layer, a concept's activation vector\n"
            "separates hairpins with the determinant from hairpins without it; its TCAV score\n"
            "is the fraction of the pre-miRNAs whose score (the margin z1 - z0) rises along it;\n"
            "it is tested against random concepts of the same hairpins (two-sided, Benjamini-\n"
            "Hochberg over concepts x layers). Writes DIR/concepts.tsv (concept layer n_concept\n"
            "n_random cav_accuracy tcav_mean tcav_sd random_mean random_sd p q verdict),\n"
            "DIR/concepts.html (the set report shows the table: explain --aggregate\n"
            "--concept-table DIR/concepts.tsv) and\n"
            "DIR/members.tsv (each hairpin's determinants: 1 present, 0 absent, -1 not\n"
            "visible).\n\n"
            "Options:\n"
            "  --pos FILE            pre-miRNA FASTA (repeatable; required)\n"
            "  --mature FILE         mature positions (mirbase/v21/mature_positions.tsv.gz;\n"
            "                        required): the duplex, found by ID or MI accession;\n"
            "                        used only where its hairpin_len is the record's length\n"
            "                        (a hairpin inside a flanked window: the positions moved\n"
            "                        onto the window, its length as hairpin_len)\n"
            "  -o, --out DIR         output directory (created if needed; required)\n"
            "  -m, --model MODEL     model (default: the shipped model)\n"
            "  --layers LIST         layers to test, comma-separated (default: every ReLU\n"
            "                        after a convolution or dense layer)\n"
            "  --runs N              random concepts per test (default %d)\n"
            "  --reps N              CAVs per concept (default %d)\n"
            "  --max-n N             hairpins per side of a CAV at most (default %d)\n"
            "  --min-n N             fewer hairpins with (or without) a determinant: untested\n"
            "                        (default %d)\n"
            "  --l2 X                L2 weight of the CAV fit (default %g)\n"
            "  --iters N             gradient steps per CAV fit (default %d)\n"
            "  --holdout X           fraction held out for the CAV accuracy (default %g)\n"
            "  --alpha X             false discovery rate of the verdict (default %g)\n"
            "  --logit               score = the pre-miRNA logit z1 instead of the margin\n"
            "  --statistic S         what a CAV is scored by: sign (default; the TCAV score,\n"
            "                        the fraction of pre-miRNAs whose score rises along it) or\n"
            "                        derivative (the mean directional derivative along it)\n"
            "  --seed N              random seed (default %llu)\n"
            "  --max-length N        refuse sequences longer than N nt\n"
            "  -j, --threads N       threads (default %d)\n"
            "  -q, --quiet           no progress on stderr\n",
            d.runs, d.reps, d.max_n, d.min_n, d.l2, d.iters, d.holdout, d.alpha,
            (unsigned long long)d.seed, CLI_THREADS);
}

static int parse_layers(const char *s, topts_t *o)
{
    char buf[512], *save = NULL;
    snprintf(buf, sizeof buf, "%s", s);
    o->t.n_layers = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        long v;
        if (o->t.n_layers == MRL_NN_MAX_LAYERS)
            return cli_usage_error("explain", "--layers: too many layers");
        if (cli_parse_long("explain", "--layers", t, 0, MRL_NN_MAX_LAYERS - 1, &v))
            return CLI_USAGE;
        o->layers[o->t.n_layers++] = (int)v;
    }
    if (!o->t.n_layers)
        return cli_usage_error("explain", "--layers needs at least one layer");
    o->t.layers = o->layers;
    return 0;
}

/* One option with a value: 0, or CLI_USAGE (printed). */
static int take_opt(int c, const char *arg, topts_t *o)
{
    enum { O_POS = 256, O_MATURE, O_LAYERS, O_RUNS, O_REPS, O_MAXN, O_MINN, O_ITERS, O_SEED };
    long v = 0;
    float f = 0;
    static const char *const iname[] = {"--runs",  "--reps",  "--max-n",
                                        "--min-n", "--iters", "--seed"};
    static const long ilo[] = {3, 1, 2, 2, 1, 0},
                      ihi[] = {100000, MRL_TCAV_MAX_REPS, 100000, 100000, 100000, 2147483647L};
    int *idst[] = {&o->t.runs, &o->t.reps, &o->t.max_n, &o->t.min_n, &o->t.iters, NULL};
    if (c >= O_RUNS && c <= O_SEED) {
        if (cli_parse_long("explain", iname[c - O_RUNS], arg, ilo[c - O_RUNS], ihi[c - O_RUNS], &v))
            return CLI_USAGE;
        if (c == O_SEED)
            o->t.seed = (uint64_t)v;
        else
            *idst[c - O_RUNS] = (int)v;
        return 0;
    }
    switch (c) {
    case O_POS:
        if (o->npos == CLI_MAX_INPUTS)
            return cli_usage_error("explain", "too many --pos files (at most %d)", CLI_MAX_INPUTS);
        o->pos[o->npos++] = arg;
        return 0;
    case O_MATURE:
        o->mature = arg;
        return 0;
    case O_LAYERS:
        return parse_layers(arg, o);
    case 'L': /* --l2 */
        if (cli_parse_float("explain", "--l2", arg, 1e-9, 1e9, &f))
            return CLI_USAGE;
        o->t.l2 = (double)f;
        return 0;
    case 'H': /* --holdout */
        if (cli_parse_float("explain", "--holdout", arg, 0, 0.5, &f))
            return CLI_USAGE;
        o->t.holdout = (double)f;
        return 0;
    case 'A': /* --alpha */
        if (cli_parse_float("explain", "--alpha", arg, 1e-9, 0.999, &f))
            return CLI_USAGE;
        o->t.alpha = (double)f;
        return 0;
    case 'X': /* --max-length */
        if (cli_parse_long("explain", "--max-length", arg, 1, 100000000, &v))
            return CLI_USAGE;
        o->fasta.max_length = (size_t)v;
        return 0;
    case 'S':
        if (strcmp(arg, "sign") && strcmp(arg, "derivative"))
            return cli_usage_error("explain", "--statistic must be sign or derivative");
        o->t.stat = strcmp(arg, "sign") ? MRL_TCAV_STAT_DERIV : MRL_TCAV_STAT_SIGN;
        return 0;
    case 'j':
        if (cli_parse_long("explain", "--threads", arg, 1, 1024, &v))
            return CLI_USAGE;
        o->threads = (int)v;
        return 0;
    }
    return -1;
}

/* Returns 0 to go on, -1 after --help, or an exit status. */
static int parse_args(int argc, char **argv, topts_t *o)
{
    /* clang-format off */
    static const struct option lo[] = {
        {"concepts", no_argument, 0, 'C'},       {"pos", required_argument, 0, 256},
        {"mature", required_argument, 0, 257},   {"layers", required_argument, 0, 258},
        {"runs", required_argument, 0, 259},     {"reps", required_argument, 0, 260},
        {"max-n", required_argument, 0, 261},    {"min-n", required_argument, 0, 262},
        {"iters", required_argument, 0, 263},    {"seed", required_argument, 0, 264},
        {"l2", required_argument, 0, 'L'},       {"holdout", required_argument, 0, 'H'},
        {"alpha", required_argument, 0, 'A'},    {"max-length", required_argument, 0, 'X'},
        {"logit", no_argument, 0, 'G'},          {"statistic", required_argument, 0, 'S'},
        {"model", required_argument, 0, 'm'},
        {"out", required_argument, 0, 'o'},      {"threads", required_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},          {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    /* clang-format on */
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:m:j:qh", lo, NULL)) != -1) {
        int rc = take_opt(c, optarg, o);
        if (rc > 0)
            return rc;
        if (rc == 0 || c == 'C')
            continue;
        if (c == 'o')
            o->out = optarg;
        else if (c == 'm')
            o->model = optarg;
        else if (c == 'q')
            o->quiet = 1;
        else if (c == 'G')
            o->t.margin = 0;
        else if (c == 'h')
            return usage(stdout), -1;
        else
            return cli_bad_option("explain", c, argv);
    }
    if (optind < argc)
        return cli_usage_error("explain", "unexpected argument '%s' (inputs go with --pos)",
                               argv[optind]);
    if (!o->out)
        return cli_usage_error("explain", "no output directory (-o DIR)");
    if (!o->npos)
        return cli_usage_error("explain", "--concepts needs --pos FILE (pre-miRNAs)");
    if (!o->mature)
        return cli_usage_error("explain", "--concepts needs --mature FILE (the miRNA duplex)");
    if (o->t.min_n > o->t.max_n)
        return cli_usage_error("explain", "--min-n %d is above --max-n %d", o->t.min_n, o->t.max_n);
    return 0;
}

/* ---- the run ---------------------------------------------------------------------- */

/* Room for twice the records (256 at first). Returns 0 or MRL_ERR_NOMEM. */
static int grow(trun_t *r)
{
    size_t cap = r->cap ? 2 * r->cap : 256;
    char **id = realloc(r->id, cap * sizeof *id);
    if (id)
        r->id = id;
    char **seq = id ? realloc(r->seq, cap * sizeof *seq) : NULL;
    if (seq)
        r->seq = seq;
    size_t *len = seq ? realloc(r->len, cap * sizeof *len) : NULL;
    if (!len)
        return MRL_ERR_NOMEM;
    r->len = len, r->cap = cap;
    return 0;
}

static int read_pos(const topts_t *o, trun_t *r)
{
    for (int k = 0; k < o->npos; k++) {
        mrl_fasta_t *fa = NULL;
        mrl_seqrec_t rec;
        int rc = mrl_fasta_open(&fa, o->pos[k], &o->fasta);
        while (rc >= 0 && (rc = mrl_fasta_read(fa, &rec)) == 1) {
            if (r->n == r->cap && grow(r) < 0) {
                rc = MRL_ERR_NOMEM;
                break;
            }
            /* the id, then the first word of the description (an MI accession) */
            size_t il = strlen(rec.id), dl = strcspn(rec.desc, " \t");
            char *id = malloc(il + dl + 2), *seq = strdup(rec.seq);
            if (!id || !seq) {
                free(id), free(seq);
                rc = MRL_ERR_NOMEM;
                break;
            }
            memcpy(id, rec.id, il + 1);
            memcpy(id + il + 1, rec.desc, dl), id[il + 1 + dl] = '\0';
            r->id[r->n] = id, r->seq[r->n] = seq, r->len[r->n++] = rec.len;
        }
        mrl_fasta_close(fa);
        if (rc < 0)
            return cli_lib_error("explain", rc);
    }
    return r->n ? 0 : cli_error("explain", "no sequence in the --pos input");
}

/* The two controls after the determinants: a concept the network must show (pre-miRNAs it
 * scores above the median margin) and one it cannot (a random half, PCG32(seed, 1000)). */
static void controls(trun_t *r, uint64_t seed)
{
    size_t rows = r->b.rows;
    int8_t *hi = r->member + (size_t)MRL_NDET * rows, *rnd = hi + rows;
    for (size_t i = 0; i < rows; i++) { /* the median: the rank of each margin */
        float v = r->b.margin[r->b.row[i]];
        size_t below = 0;
        for (size_t j = 0; j < rows; j++)
            below += r->b.margin[r->b.row[j]] < v || (r->b.margin[r->b.row[j]] == v && j < i);
        hi[i] = (int8_t)(2 * below >= rows);
    }
    mrl_rng_t rng;
    mrl_rng_init(&rng, seed, 1000);
    for (size_t i = 0; i < rows; i++)
        rnd[i] = 0;
    for (size_t k = 0; k < rows / 2;) {
        size_t i = mrl_rng_below(&rng, (uint32_t)rows);
        if (!rnd[i])
            rnd[i] = 1, k++;
    }
}

/* Each row's determinants into r->member (NCONCEPTS, rows), then the controls. */
static int find_members(trun_t *r)
{
    size_t rows = r->b.rows;
    r->member = malloc((size_t)NCONCEPTS * (rows ? rows : 1));
    if (!r->member)
        return cli_lib_error("explain", MRL_ERR_NOMEM);
    for (size_t i = 0; i < rows; i++) {
        size_t k = r->b.row[i];
        const mrl_fe_item_t *it = &r->b.items[k];
        const char *acc = r->id[k] + strlen(r->id[k]) + 1;
        /* the set's placement: the mature table's hairpin length must be the record's, so a
         * flanked window needs its positions moved onto the window (a table of the bare
         * hairpin would misplace the duplex by the 5' flank) */
        mrl_explain_rec_t er;
        memset(&er, 0, sizeof er);
        er.id = r->id[k], er.len = r->len[k], er.label = 1;
        if (!strncmp(acc, "MI", 2))
            snprintf(er.acc, sizeof er.acc, "%s", acc);
        int duplex[4] = {-1, -1, -1, -1};
        int8_t mem[MRL_NDET];
        r->n_duplex += mrl_explain_rec_duplex(r->mat, &er, it->partner, duplex);
        int rc = mrl_tcav_det_member(r->seq[k], it->partner, r->len[k], duplex, mem);
        if (rc < 0)
            return cli_error("explain", "%s: %s", r->id[k], mrl_errmsg());
        for (int d = 0; d < MRL_NDET; d++)
            r->member[(size_t)d * rows + i] = mem[d];
    }
    return 0;
}

static int write_members(const trun_t *r, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/members.tsv", dir);
    mrl_atomic_t af = {0};
    int rc = mrl_atomic_open(&af, path);
    if (rc < 0)
        return rc;
    fputs("id", af.fp);
    for (int d = 0; d < NCONCEPTS; d++)
        fprintf(af.fp, "\t%s", concept_name(d));
    fputc('\n', af.fp);
    for (size_t i = 0; i < r->b.rows; i++) {
        fputs(r->id[r->b.row[i]], af.fp);
        for (int d = 0; d < NCONCEPTS; d++)
            fprintf(af.fp, "\t%d", r->member[(size_t)d * r->b.rows + i]);
        fputc('\n', af.fp);
    }
    return mrl_atomic_commit(&af);
}

static void progress(void *ctx, int done, int total)
{
    cli_progress_update(&((trun_t *)ctx)->prog, done, total);
}

static int run(topts_t *o, trun_t *r)
{
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o->threads;
    mrl_fe_opts_t fe;
    mrl_fe_opts_default(&fe);
    fe.threads = o->threads, fe.fasta = o->fasta;
    int rc = mrl_model_load(&r->m, o->model);
    if (rc < 0 || (rc = mrl_ensemble_new(&r->e, &r->m, 1, &no)) < 0 ||
        (rc = mrl_mature_load(&r->mat, o->mature)) < 0)
        return cli_lib_error("explain", rc);
    if ((rc = read_pos(o, r)))
        return rc;
    r->b.keep_x = 1;
    rc = mrl_pipeline_run(r->e, &fe, (const char *const *)r->seq, r->len, r->n, &r->b);
    if (rc < 0)
        return cli_lib_error("explain", rc);
    for (size_t k = 0; !o->quiet && k < r->n; k++)
        if (r->b.items[k].rc)
            fprintf(stderr, "mirlens explain: %s: no hairpin loop in the fold; skipped\n",
                    r->id[k]);
    if (r->b.rows < 2)
        return cli_error("explain", "fewer than 2 hairpins to test");
    if ((rc = find_members(r)))
        return rc;
    controls(r, o->t.seed);
    mrl_concept_t c[NCONCEPTS];
    for (int d = 0; d < NCONCEPTS; d++)
        c[d] = (mrl_concept_t){concept_name(d), r->member + (size_t)d * r->b.rows};
    uint8_t *cls = malloc(r->b.rows);
    if (!cls)
        return cli_lib_error("explain", MRL_ERR_NOMEM);
    memset(cls, 1, r->b.rows); /* every pre-miRNA is an input of the class */
    o->t.progress = progress, o->t.progress_ctx = r;
    cli_progress_init(&r->prog, "layers", o->quiet);
    rc = mrl_tcav_run(mrl_ensemble_nn(r->e, 0), r->m, r->b.x, r->b.rows, cls, c, NCONCEPTS, &o->t,
                      &r->res);
    cli_progress_end(&r->prog, r->res.n_layers);
    free(cls);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

static int write_out(const topts_t *o, const trun_t *r, const char *dir)
{
    const char *names[NCONCEPTS];
    for (int d = 0; d < NCONCEPTS; d++)
        names[d] = concept_name(d);
    char tsv[4096], html[4096], note[4096];
    snprintf(tsv, sizeof tsv, "%s/concepts.tsv", dir);
    snprintf(html, sizeof html, "%s/concepts.html", dir);
    int w = snprintf(note, sizeof note, "Model %s; %zu pre-miRNAs with a hairpin of %zu read (",
                     o->model, r->b.rows, r->n);
    for (int k = 0; k < o->npos && w > 0 && (size_t)w < sizeof note; k++)
        w += snprintf(note + w, sizeof note - (size_t)w, "%s%s", k ? ", " : "", o->pos[k]);
    if (w > 0 && (size_t)w < sizeof note)
        snprintf(note + w, sizeof note - (size_t)w,
                 "), %ld with a miRNA duplex placed from %s; score: %s; %d examples per side at "
                 "most, l2 %g, %d steps, %g held out; statistic %s; seed %llu; %.1f s.",
                 r->n_duplex, o->mature, o->t.margin ? "the margin z1 - z0" : "the logit z1",
                 o->t.max_n, o->t.l2, o->t.iters, o->t.holdout,
                 o->t.stat == MRL_TCAV_STAT_SIGN ? "sign" : "derivative",
                 (unsigned long long)o->t.seed, r->res.seconds);
    int rc = mrl_report_tcav_tsv(tsv, &r->res, names);
    if (!rc)
        rc = mrl_report_tcav_html(html, &r->res, names, "Concept tests: known determinants", note);
    if (!rc)
        rc = write_members(r, dir);
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

int cmd_explain_tcav(int argc, char **argv)
{
    topts_t o;
    memset(&o, 0, sizeof o);
    mrl_tcav_opts_default(&o.t);
    mrl_fasta_opts_default(&o.fasta);
    o.threads = CLI_THREADS;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.model)
        o.model = cli_default_model();
    trun_t r;
    memset(&r, 0, sizeof r);
    double t0 = cli_now();
    mrl_outdir_t od; /* the tables and page are written whole or not at all */
    memset(&od, 0, sizeof od);
    if (!(rc = cli_outdir_open("explain", &od, o.out)) && !(rc = run(&o, &r)) &&
        !(rc = write_out(&o, &r, od.tmp)))
        rc = cli_outdir_commit("explain", &od);
    cli_outdir_abort(&od);
    if (!rc && !o.quiet) {
        long sig = 0;
        for (int k = 0; k < r.res.n_concepts * r.res.n_layers; k++)
            sig += r.res.row[k].verdict == MRL_TCAV_SIGNIFICANT;
        fprintf(stderr,
                "mirlens explain: %zu pre-miRNAs (%ld with a duplex), %d concepts x %d layers: "
                "%ld significant at q < %g, into %s in %.1f s\n",
                r.b.rows, r.n_duplex, r.res.n_concepts, r.res.n_layers, sig, o.t.alpha, o.out,
                cli_now() - t0);
    }
    for (size_t k = 0; k < r.n; k++)
        free(r.id[k]), free(r.seq[k]);
    free(r.id), free(r.seq), free(r.len), free(r.member);
    mrl_tcav_release(&r.res);
    mrl_batch_release(&r.b);
    mrl_ensemble_free(r.e), mrl_mature_free(r.mat), mrl_model_free(r.m);
    return rc;
}
