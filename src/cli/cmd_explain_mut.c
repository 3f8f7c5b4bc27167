/*
 * cmd_explain_mut.c - `mirlens explain --method mutagenesis`: refolding saturation
 * mutagenesis and counterfactual edits of each sequence (library: src/explain/
 * mutagenesis.c, counterfactual.c; pictures: src/report/mutagenesis.c), and with
 * --aggregate the same over a labelled set, summed by outcome group. The output directory
 * is written whole (cli_outdir.c): into DIR.tmp.XXXXXX, renamed onto DIR at the end, removed
 * on an error or a signal; nothing is written when an input is bad.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define MAX_MODELS 16
#define CMD "explain"

typedef struct mopts {
    const char *model[MAX_MODELS];
    int nmodels, aggregate, threads, quiet, top;
    const char *out, *protect, *mature;
    cli_inputs_t in;
    mrl_mut_opts_t mut;
    mrl_cf_opts_t cf; /* budget 0: no counterfactuals */
    mrl_fasta_opts_t fasta;
    long sample;
    uint64_t seed;
} mopts_t;

typedef struct mrun {
    const mopts_t *o;
    mrl_ensemble_t *ens;
    mrl_explain_set_t set; /* the records (the image methods' reader) */
    mrl_outdir_t od;       /* the output directory; files go into od.tmp until the commit */
    mrl_atomic_t f[4];     /* mutagenesis.tsv, hairpins.tsv, counterfactuals.tsv, html */
    mrl_report_names_t *names;
    mrl_mut_sum_t sum;
    long done, refused;
} mrun_t;

int cli_wants_mutagenesis(int argc, char **argv)
{
    for (int k = 1; k < argc; k++) {
        const char *v = !strcmp(argv[k], "--method") && k + 1 < argc ? argv[k + 1]
                        : !strncmp(argv[k], "--method=", 9)          ? argv[k] + 9
                                                                     : NULL;
        if (v && strstr(v, "mutagenesis"))
            return 1;
    }
    return 0;
}

static void usage(FILE *fp)
{
    mrl_cf_opts_t c;
    mrl_cf_opts_default(&c);
    fprintf(fp,
            "Usage: mirlens explain --method mutagenesis [options] FILE -o DIR\n"
            "       mirlens explain --method mutagenesis --aggregate --pos F --neg F -o DIR\n\n"
            "Refolding mutagenesis: every single substitution of each sequence (3 per\n"
            "position; with --indels also every deletion and insertion) is refolded exactly,\n"
            "redrawn and re-scored; then the fewest edits that flip the call (counterfactuals,\n"
            "a beam search over refolded mutants). Writes into DIR: mutagenesis.tsv (one row\n"
            "per mutant: id pos ref alt kind structure mfe score margin delta_margin\n"
            "delta_score structure_changed pairs_lost pairs_gained loop_moved drawable\n"
            "flips; score as mirlens predict prints it for the mutant), hairpins.tsv (per\n"
            "sequence: the share of the total |delta margin| carried by structure-changing\n"
            "mutants, counterfactual size), counterfactuals.tsv (each solution's path),\n"
            "ID.mutagenesis.svg (delta margin heat map under the hairpin image),\n"
            "ID.cfK.svg (solution K, every step redrawn) and mutagenesis.html.\n"
            "With --aggregate: hairpins.tsv with labels and outcome groups, summary.tsv\n"
            "(per group: mean structure-changing share, median counterfactual size) and\n"
            "aggregate/ (mean effect by distance from the loop, cut site, pair type and\n"
            "context, in the layout of explain --aggregate's tables).\n\n"
            "Options:\n"
            "  -o, --out DIR         output directory (required), written whole: an\n"
            "                        earlier mirlens output there is replaced, any\n"
            "                        other non-empty directory refused\n"
            "  -m, --model MODEL     model (repeat for an ensemble; default: the shipped one)\n"
            "  --indels              also single deletions and insertions\n"
            "  --threshold X         pre-miRNA call at P >= X (default %g)\n"
            "  --cf-budget N         most edits of a counterfactual, 0 = none (default %d)\n"
            "  --cf-kinds LIST       edits it may make: sub,del,ins (default sub)\n"
            "  --cf-beam N           states kept per depth (default %d)\n"
            "  --cf-solutions K      distinct solutions reported (default %d)\n"
            "  --protect RANGES      1-based positions never edited, e.g. 1-10,45,60-70\n"
            "  --top N               strongest mutants listed per sequence in the HTML (10)\n"
            "  --pos F, --neg F      labelled FASTA (--aggregate; repeatable)\n"
            "  --mature FILE         mature positions: cut sites and regions (--aggregate)\n"
            "  --sample N            --aggregate over N records drawn at random (seeded)\n"
            "  --seed N              seed of --sample (default 1)\n"
            "  --max-length N        refuse sequences longer than N nt\n"
            "  -j, --threads N       threads (default %d)\n"
            "  -q, --quiet           no progress or warnings on stderr\n",
            (double)c.threshold, c.budget, c.beam, c.solutions, CLI_THREADS);
}

static int parse_kinds(const char *s, int *mask)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    *mask = 0;
    for (char *sv = NULL, *t = strtok_r(buf, ",", &sv); t; t = strtok_r(NULL, ",", &sv)) {
        int k = 0;
        while (k < MRL_EDIT_NKINDS && strcmp(t, mrl_edit_kind_name(k)))
            k++;
        if (k == MRL_EDIT_NKINDS)
            return cli_usage_error(CMD, "--cf-kinds: unknown kind '%s' (sub, del, ins)", t);
        *mask |= MRL_EDIT_MASK(k);
    }
    return *mask ? 0 : cli_usage_error(CMD, "--cf-kinds needs sub, del and/or ins");
}

static int parse_methods(const char *s)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *sv = NULL, *t = strtok_r(buf, ",", &sv); t; t = strtok_r(NULL, ",", &sv))
        if (strcmp(t, "mutagenesis"))
            return cli_usage_error(CMD,
                                   "--method mutagenesis runs on its own (it changes the "
                                   "sequence, '%s' the image): run them in two calls",
                                   t);
    return 0;
}

/* The protected positions of a sequence of n nt from "A-B,C,..." (1-based); a range past
 * the end protects up to it. Returns 0 or -1 for a malformed list. */
static int protect_mask(const char *s, size_t n, uint8_t *mask)
{
    memset(mask, 0, n);
    while (s && *s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s || a < 1)
            return -1;
        if (*end == '-') {
            const char *t = end + 1;
            b = strtol(t, &end, 10);
            if (end == t || b < a)
                return -1;
        }
        for (long p = a; p <= b && (size_t)p <= n; p++)
            mask[p - 1] = 1;
        if (*end && *end != ',')
            return -1;
        s = *end ? end + 1 : end;
    }
    return 0;
}

enum {
    O_M = 256, O_INDELS, O_THR, O_BUD, O_KINDS, O_BEAM, O_SOL, O_PROT, O_TOP, O_POS, O_NEG,
    O_MAT, O_SAMPLE, O_SEED, O_MAXLEN, O_AGG
};

/* clang-format off */
static const struct option long_opts[] = {
    {"out", required_argument, 0, 'o'},         {"model", required_argument, 0, 'm'},
    {"method", required_argument, 0, O_M},      {"indels", no_argument, 0, O_INDELS},
    {"threshold", required_argument, 0, O_THR}, {"cf-budget", required_argument, 0, O_BUD},
    {"cf-kinds", required_argument, 0, O_KINDS}, {"cf-beam", required_argument, 0, O_BEAM},
    {"cf-solutions", required_argument, 0, O_SOL}, {"protect", required_argument, 0, O_PROT},
    {"top", required_argument, 0, O_TOP},       {"pos", required_argument, 0, O_POS},
    {"neg", required_argument, 0, O_NEG},       {"mature", required_argument, 0, O_MAT},
    {"sample", required_argument, 0, O_SAMPLE}, {"seed", required_argument, 0, O_SEED},
    {"max-length", required_argument, 0, O_MAXLEN}, {"aggregate", no_argument, 0, O_AGG},
    {"threads", required_argument, 0, 'j'},     {"quiet", no_argument, 0, 'q'},
    {"help", no_argument, 0, 'h'},              {0, 0, 0, 0}};
/* clang-format on */

/* An option with a number: 0 done, CLI_USAGE bad value (printed), -1 not one of them. */
static int number_option(int c, const char *arg, mopts_t *o)
{
    const struct {
        int c;
        const char *name;
        long lo, hi;
        int *dst;
    } t[] = {{O_BUD, "--cf-budget", 0, MRL_CF_MAX_BUDGET, &o->cf.budget},
             {O_BEAM, "--cf-beam", 1, 1000, &o->cf.beam},
             {O_SOL, "--cf-solutions", 1, 100, &o->cf.solutions},
             {O_TOP, "--top", 0, 100000, &o->top},
             {'j', "--threads", 1, 64, &o->threads}};
    long v;
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        if (c == t[k].c) {
            if (cli_parse_long(CMD, t[k].name, arg, t[k].lo, t[k].hi, &v))
                return CLI_USAGE;
            *t[k].dst = (int)v;
            return 0;
        }
    if (c == O_THR) {
        int bad = cli_parse_float(CMD, "--threshold", arg, 0, 1, &o->mut.threshold);
        o->cf.threshold = o->mut.threshold;
        return bad;
    }
    if (c == O_SAMPLE)
        return cli_parse_long(CMD, "--sample", arg, 1, 100000000, &o->sample) ? CLI_USAGE : 0;
    if (c == O_SEED && cli_parse_long(CMD, "--seed", arg, 0, 0x7fffffffffffffffL, &v) == 0)
        o->seed = (uint64_t)v;
    else if (c == O_MAXLEN && cli_parse_long(CMD, "--max-length", arg, 1, 100000, &v) == 0)
        o->fasta.max_length = (size_t)v;
    else
        return c == O_SEED || c == O_MAXLEN ? CLI_USAGE : -1;
    return 0;
}

/* An option without a number: 0 done, CLI_USAGE (printed), -1 --help printed. */
static int other_option(int c, char **argv, mopts_t *o)
{
    uint8_t probe[1];
    switch (c) {
    case 'o':
        o->out = optarg;
        return 0;
    case 'm':
        if (o->nmodels == MAX_MODELS)
            return cli_usage_error(CMD, "at most %d models (-m)", MAX_MODELS);
        o->model[o->nmodels++] = optarg;
        return 0;
    case O_M:
        return parse_methods(optarg);
    case O_INDELS:
        o->mut.kinds |= MRL_EDIT_MASK(MRL_EDIT_DEL) | MRL_EDIT_MASK(MRL_EDIT_INS);
        return 0;
    case O_KINDS:
        return parse_kinds(optarg, &o->cf.kinds);
    case O_PROT:
        o->protect = optarg;
        return protect_mask(optarg, 0, probe) < 0
                   ? cli_usage_error(CMD, "--protect needs 1-based positions and ranges like "
                                          "1-10,45 (got '%s')", optarg)
                   : 0;
    case O_POS:
    case O_NEG:
        return cli_inputs_add(CMD, &o->in, c == O_POS ? 'p' : 'n', optarg) ? CLI_USAGE : 0;
    case O_MAT:
        o->mature = optarg;
        return 0;
    case O_AGG:
        o->aggregate = 1;
        return 0;
    case 'q':
        o->quiet = 1;
        return 0;
    case 'h':
        usage(stdout);
        return -1;
    case ':':
        return cli_usage_error(CMD, "option '%s' needs a value", argv[optind - 1]);
    default:
        return cli_usage_error(CMD, "unknown option '%s' (with --method mutagenesis)",
                               argv[optind - 1]);
    }
}

/* Returns 0 to go on, -1 after --help, or an exit status. */
static int parse_args(int argc, char **argv, mopts_t *o)
{
    int c;
    opterr = 0, optind = 1;
    while ((c = getopt_long(argc, argv, ":o:m:j:qh", long_opts, NULL)) != -1) {
        int rc = number_option(c, optarg, o);
        if (rc < 0)
            rc = other_option(c, argv, o);
        if (rc)
            return rc;
    }
    if (!o->out)
        return cli_usage_error(CMD, "no output directory (-o DIR)");
    if (o->aggregate && (cli_inputs_empty(&o->in) || optind < argc))
        return cli_usage_error(CMD, "--aggregate takes its inputs from --pos/--neg");
    if (!o->aggregate && (!cli_inputs_empty(&o->in) || o->sample || o->mature))
        return cli_usage_error(CMD, "--pos, --neg, --mature and --sample go with --aggregate");
    if (!o->aggregate && argc - optind > 1)
        return cli_usage_error(CMD, "one input file at most (got %d)", argc - optind);
    return 0;
}

/* ---- output ------------------------------------------------------------------------ */

static const char *const file_names[4] = {"mutagenesis.tsv", "hairpins.tsv", "counterfactuals.tsv",
                                          "mutagenesis.html"};

static int open_outputs(mrun_t *r)
{
    const mopts_t *o = r->o;
    for (int k = 0; k < 4; k++) {
        if (o->aggregate && (k == 0 || k == 3))
            continue; /* per-mutant rows and pages: one sequence at a time only */
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", r->od.tmp, file_names[k]);
        int rc = mrl_atomic_open(&r->f[k], p);
        if (rc < 0)
            return cli_lib_error(CMD, rc);
    }
    if (r->f[0].fp)
        fputs("id\tpos\tref\talt\tkind\tstructure\tmfe\tscore\tmargin\tdelta_margin\t"
              "delta_score\tstructure_changed\tpairs_lost\tpairs_gained\tloop_moved\tdrawable\t"
              "flips\n",
              r->f[0].fp);
    fprintf(r->f[1].fp,
            "id\t%slength\tstructure\tmfe\tscore\tmargin\tmutants\tscored\t"
            "structure_changing\tundrawable\tflips\teffect_total\teffect_changed\t"
            "share_changed\tcf_size\tcf_solutions\tcf_evaluated\n",
            o->aggregate ? "label\tgroup\t" : "");
    fputs("id\tsolution\tstep\tedit\tpos\tref\talt\tsequence\tstructure\tmfe\tscore\tmargin\n",
          r->f[2].fp);
    if (r->f[3].fp)
        mrl_report_mut_page_begin(r->f[3].fp);
    return 0;
}

/* "score" as mirlens predict prints it ("" when the fold has no hairpin loop). */
static void score_str(float prob, char *buf, size_t cap)
{
    if (isnan(prob))
        snprintf(buf, cap, ".");
    else
        snprintf(buf, cap, "%.6f", (double)prob);
}

static void mutant_rows(mrun_t *r, const char *id, const mrl_mut_t *m)
{
    FILE *fp = r->f[0].fp;
    for (size_t k = 0; fp && k < m->n_mut; k++) {
        const mrl_mutant_t *u = &m->mut[k];
        char eb[16], sb[32];
        mrl_energy_str(u->mfe, eb);
        score_str(u->prob, sb, sizeof sb);
        int flip =
            !isnan(u->prob) && (u->prob >= r->o->mut.threshold) != (m->prob >= r->o->mut.threshold);
        fprintf(fp, "%s\t%d\t%c\t%c\t%s\t%s\t%s\t%s\t", id, u->edit.pos + 1, u->edit.ref,
                u->edit.alt, mrl_edit_kind_name(u->edit.kind), u->structure, eb, sb);
        if (u->diff.undrawable)
            fputs(".\t.\t.\t", fp);
        else
            fprintf(fp, "%.6g\t%.6g\t%.6f\t", (double)u->margin, (double)u->delta_margin,
                    (double)u->delta_prob);
        fprintf(fp, "%d\t%d\t%d\t%d\t%d\t%d\n", u->diff.changed, u->diff.pairs_lost,
                u->diff.pairs_gained, u->diff.loop_moved, !u->diff.undrawable, flip);
    }
}

static void hairpin_row(mrun_t *r, const mrl_explain_rec_t *rec, int g, const mrl_mut_t *m,
                        const mrl_cf_t *cf)
{
    FILE *fp = r->f[1].fp;
    char eb[16], sb[32];
    mrl_energy_str(m->mfe, eb);
    score_str(m->prob, sb, sizeof sb);
    fprintf(fp, "%s\t", rec->id);
    if (r->o->aggregate)
        fprintf(fp, "%d\t%s\t", rec->label, mrl_outcome_name(g));
    fprintf(fp, "%zu\t%s\t%s\t%s\t%.6g\t%zu\t%ld\t%ld\t%ld\t%ld\t%.6g\t%.6g\t", m->n, m->structure,
            eb, sb, (double)m->margin, m->n_mut, m->n_scored, m->n_changed, m->n_undrawable,
            m->n_flip, m->effect_total, m->effect_changed);
    if (isnan(m->share_changed))
        fputs(".\t", fp);
    else
        fprintf(fp, "%.4f\t", m->share_changed);
    if (cf)
        fprintf(fp, "%d\t%d\t%ld\n", cf->size, cf->n_sol, cf->evaluated);
    else
        fputs(".\t.\t.\n", fp);
}

static void cf_rows(mrun_t *r, const char *id, const mrl_cf_t *cf)
{
    for (int s = 0; s < cf->n_sol; s++)
        for (int k = 0; k <= cf->sol[s].n_edits; k++) {
            const mrl_cf_step_t *st = &cf->sol[s].step[k];
            char eb[16], sb[32];
            mrl_energy_str(st->mfe, eb);
            score_str(st->prob, sb, sizeof sb);
            if (k)
                fprintf(r->f[2].fp, "%s\t%d\t%d\t%s\t%d\t%c\t%c\t", id, s + 1, k,
                        mrl_edit_kind_name(st->edit.kind), st->orig_pos + 1, st->edit.ref,
                        st->edit.alt);
            else
                fprintf(r->f[2].fp, "%s\t%d\t0\tinput\t.\t.\t.\t", id, s + 1);
            fprintf(r->f[2].fp, "%s\t%s\t%s\t%s\t%.6g\n", st->seq, st->structure, eb, sb,
                    (double)st->margin);
        }
}

/* Pictures and the HTML section of one sequence. */
static int pictures(mrun_t *r, const char *id, const mrl_mut_t *m, const mrl_cf_t *cf)
{
    char name[160];
    int rc = mrl_report_names_unique(r->names, id, name, sizeof name);
    if (!rc)
        rc = mrl_report_mut_section(r->f[3].fp, r->od.tmp, name, id, m, cf, r->o->cf.threshold,
                                    r->o->top);
    return rc < 0 ? cli_lib_error(CMD, rc) : 0;
}

/* The duplex of a positive from the mature table (NULL when none is placed). */
static const int *find_duplex(const mrl_mature_tab_t *mat, const mrl_explain_rec_t *rec,
                              const mrl_mut_t *m, int duplex[4])
{
    int range[4], len;
    if (!mat || rec->label != 1 ||
        !(mrl_mature_find(mat, rec->id, range, &len) ||
          (rec->acc[0] && mrl_mature_find(mat, rec->acc, range, &len))))
        return NULL;
    return mrl_duplex_regions(m->partner, m->n, range, duplex, NULL) == 0 ? duplex : NULL;
}

/* Mutagenesis and counterfactuals of one record, and everything written about it. */
static int one_record(mrun_t *r, const mrl_explain_rec_t *rec, const mrl_mature_tab_t *mat)
{
    const mopts_t *o = r->o;
    mrl_mut_t m;
    mrl_cf_t cf;
    memset(&cf, 0, sizeof cf);
    int rc = mrl_mut_run(r->ens, rec->seq, rec->len, &o->mut, &m), have_cf = 0;
    if (rc == MRL_ERR_REFUSED) {
        r->refused++;
        if (!o->quiet)
            fprintf(stderr, "mirlens explain: %s: no hairpin loop in the fold; skipped\n", rec->id);
        return 0;
    }
    if (rc < 0)
        return cli_error(CMD, "%s: %s", rec->id, mrl_errmsg());
    uint8_t *mask = NULL;
    if (o->cf.budget > 0) {
        mrl_cf_opts_t co = o->cf;
        if (o->protect && (mask = malloc(rec->len)) &&
            protect_mask(o->protect, rec->len, mask) == 0)
            co.protect = mask;
        rc = o->protect && !mask ? cli_error(CMD, "out of memory") : 0;
        if (!rc && (rc = mrl_cf_search(r->ens, rec->seq, rec->len, &co, &cf)) < 0)
            rc = cli_error(CMD, "%s: %s", rec->id, mrl_errmsg());
        have_cf = !rc;
    }
    int g = o->aggregate ? mrl_outcome_of(rec->label, m.prob, o->mut.threshold) : -1, dx[4];
    if (!rc && o->aggregate) {
        if ((rc = mrl_mut_sum_add(&r->sum, g, &m, find_duplex(mat, rec, &m, dx))) < 0)
            rc = cli_lib_error(CMD, rc);
        if (!rc && have_cf && (rc = mrl_mut_sum_add_cf(&r->sum, g, cf.size)) < 0)
            rc = cli_lib_error(CMD, rc);
    }
    if (!rc) {
        mutant_rows(r, rec->id, &m);
        hairpin_row(r, rec, g, &m, have_cf ? &cf : NULL);
        if (have_cf)
            cf_rows(r, rec->id, &cf);
        if (r->f[3].fp)
            rc = pictures(r, rec->id, &m, have_cf ? &cf : NULL);
    }
    r->done += !rc;
    free(mask);
    mrl_cf_release(&cf);
    mrl_mut_release(&m);
    return rc;
}

static int load_records(mrun_t *r, const char *input)
{
    const mopts_t *o = r->o;
    int rc = 0;
    if (!o->aggregate)
        rc = mrl_explain_set_add_fasta(&r->set, input, -1, &o->fasta);
    for (int k = 0; !rc && k < o->in.npos; k++)
        rc = mrl_explain_set_add_fasta(&r->set, o->in.pos[k], 1, &o->fasta);
    for (int k = 0; !rc && k < o->in.nneg; k++)
        rc = mrl_explain_set_add_fasta(&r->set, o->in.neg[k], 0, &o->fasta);
    if (rc < 0)
        return cli_lib_error(CMD, rc);
    if (r->set.n == 0)
        return cli_error(CMD, "%s: no sequences", o->aggregate ? "the inputs" : input);
    return 0;
}

/* Which records run: all, or o->sample of them drawn by selection sampling (Knuth 3.4.2 S). */
static uint8_t *choose(const mopts_t *o, size_t n)
{
    uint8_t *use = malloc(n ? n : 1);
    if (!use)
        return NULL;
    mrl_rng_t rng;
    mrl_rng_init(&rng, o->seed, 0);
    size_t need = o->sample > 0 && (size_t)o->sample < n ? (size_t)o->sample : n;
    for (size_t k = 0; k < n; k++) {
        use[k] = need > 0 && mrl_rng_below(&rng, (uint32_t)(n - k)) < need;
        need -= use[k];
    }
    return use;
}

static int run_all(mrun_t *r, const char *input, const mrl_mature_tab_t *mat)
{
    uint8_t *use = choose(r->o, r->set.n);
    int rc = use ? open_outputs(r) : cli_error(CMD, "out of memory");
    long total = 0, done = 0;
    for (size_t k = 0; use && k < r->set.n; k++)
        total += use[k];
    cli_progress_t prog;
    cli_progress_init(&prog, "hairpins", r->o->quiet);
    for (size_t k = 0; !rc && k < r->set.n; k++)
        if (use[k]) {
            rc = one_record(r, &r->set.rec[k], mat);
            cli_progress_update(&prog, ++done, total);
        }
    cli_progress_end(&prog, done);
    if (!rc && r->o->aggregate && (rc = mrl_report_mut_sum_write(r->od.tmp, &r->sum)) < 0)
        rc = cli_lib_error(CMD, rc);
    if (!rc && r->f[3].fp) {
        fprintf(r->f[3].fp, "<p>%ld sequences from <code>", r->done);
        mrl_report_escape(r->f[3].fp, input);
        fprintf(r->f[3].fp, "</code>%s.</p>\n",
                r->refused ? "; some without a hairpin loop skipped" : "");
        mrl_report_mut_page_end(r->f[3].fp);
    }
    for (int k = 0; k < 4 && !rc; k++) {
        int e = r->f[k].fp ? mrl_atomic_commit(&r->f[k]) : 0;
        rc = e < 0 ? cli_lib_error(CMD, e) : 0;
    }
    free(use);
    return rc;
}

int cmd_explain_mut(int argc, char **argv)
{
    mopts_t o;
    memset(&o, 0, sizeof o);
    mrl_mut_opts_default(&o.mut);
    mrl_cf_opts_default(&o.cf);
    mrl_fasta_opts_default(&o.fasta);
    o.fasta.max_length = MRL_MODEL_MAX_LENGTH;
    mrl_report_set_opts_t ro;
    mrl_report_set_opts_default(&ro);
    o.threads = CLI_THREADS, o.top = ro.top, o.seed = 1;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    const char *input = optind < argc ? argv[optind] : "-";
    if (!o.nmodels)
        o.model[o.nmodels++] = cli_default_model();
    o.mut.fold_threads = o.cf.fold_threads = o.threads;
    mrun_t *r = calloc(1, sizeof *r);
    mrl_mature_tab_t *mat = NULL;
    if (!r)
        return cli_error(CMD, "out of memory");
    r->o = &o;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o.threads;
    if ((rc = load_records(r, input)))
        goto done;
    if ((rc = mrl_ensemble_load(&r->ens, o.model, o.nmodels, &no)) < 0 ||
        (o.mature && (rc = mrl_mature_load(&mat, o.mature)) < 0) ||
        (o.aggregate && (rc = mrl_mut_sum_init(&r->sum)) < 0)) {
        rc = cli_lib_error(CMD, rc);
        goto done;
    }
    if ((rc = cli_outdir_open(CMD, &r->od, o.out)))
        goto done;
    if (!(r->names = mrl_report_names_new())) {
        rc = cli_error(CMD, "out of memory");
        goto done;
    }
    if (!(rc = run_all(r, input, mat)))
        rc = cli_outdir_commit(CMD, &r->od);
    if (!rc && !o.quiet)
        fprintf(stderr, "mirlens explain: mutagenesis of %ld sequences into %s\n", r->done, o.out);
done:
    for (int k = 0; k < 4; k++)
        mrl_atomic_abort(&r->f[k]);
    cli_outdir_abort(&r->od);
    mrl_mut_sum_release(&r->sum);
    mrl_report_names_free(r->names);
    mrl_mature_free(mat);
    mrl_explain_set_release(&r->set);
    mrl_ensemble_free(r->ens);
    free(r);
    return rc;
}
