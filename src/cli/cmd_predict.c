/*
 * cmd_predict.c - `mirlens predict`: FASTA in, pre-miRNA probabilities out. One streaming
 * pipeline (read a chunk, fold + encode it on worker threads, infer it as one batch,
 * write it in input order), so memory stays bounded whatever the input size. Every input
 * is opened before the header is written, and -o FILE appears complete or not at all
 * (temporary file + rename).
 */
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

#define CHUNK 256

enum { FMT_TSV, FMT_CSV, FMT_JSON };
#define MAX_MODELS 16

/* The model files (-m, repeated: an ensemble scored by the mean of their logit margins). */
typedef struct {
    const char *path[MAX_MODELS];
    int n;
} models_t;

typedef struct {
    int format, quiet, scale, threads, precision;
    double threshold;
    const char *images; /* PNG directory or NULL */
    mrl_fasta_opts_t fasta;
    const mrl_params_t *params;
    mrl_params_t *loaded; /* params read from a file (owned) */
    long len_lo, len_hi;  /* the models' training lengths (-1: not recorded) */
    long longest;         /* the longest sequence every model was trained on (-1: unknown) */
    const char *output;   /* -o FILE, or NULL: standard output */
    FILE *out;            /* where the rows go */
} opts_t;

typedef struct {
    char *id[CHUNK], *seq[CHUNK];
    size_t len[CHUNK];
    mrl_batch_t b; /* the pipeline's results for these records */
    int n;
    long written, outside; /* rows; rows flagged "length" */
    int warned_longest;    /* the warning about a sequence longer than any trained on */
    int header;            /* the header is written (with the first rows, or at the end) */
    mrl_report_names_t *names;
} chunk_t;

/* The defaults: the library's (fasta, network precision, MRL_DEFAULT_THRESHOLD), -j
 * CLI_THREADS; used by the command and its help, so they cannot drift apart. */
static void opts_default(opts_t *o)
{
    memset(o, 0, sizeof *o);
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    o->format = FMT_TSV;
    o->scale = 1;
    o->threads = CLI_THREADS;
    o->precision = no.precision;
    o->threshold = MRL_DEFAULT_THRESHOLD;
    mrl_fasta_opts_default(&o->fasta);
    o->fasta.max_length = MRL_MODEL_MAX_LENGTH;
}

static void usage(FILE *fp)
{
    opts_t d;
    opts_default(&d);
    fprintf(fp,
            "Usage: mirlens predict [options] [FILE|-]...\n\n"
            "Score sequences as pre-miRNA hairpins: fold (RNAfold 2.1.3), draw the hairpin\n"
            "image and run the CNN. Input: FASTA (plain or gzip) or one sequence per line.\n"
            "Output columns: id length structure mfe score margin label note (score =\n"
            "probability of pre-miRNA; margin = the logit difference z1 - z0 =\n"
            "ln(score / (1 - score)), which still ranks candidates whose score rounds to 1;\n"
            "label pre-miRNA / other, or no-hairpin for a sequence whose fold has no hairpin\n"
            "loop, which gets no score or margin; note 'length' for a sequence shorter or\n"
            "longer than any the model was trained on, else '.').\n\n"
            "Options:\n"
            "  -o, --output FILE   write the table to FILE (complete or not at all) instead\n"
            "                      of standard output\n"
            "  -m, --model MODEL   model file (default: the shipped model); repeated: an\n"
            "                      ensemble, scored by the mean of the models' logit margins\n"
            "  --format tsv|csv|json  output format (default tsv)\n"
            "  --threshold X       label pre-miRNA at score >= X (default %g)\n"
            "  --images DIR        also write each hairpin image as DIR/<id>.png\n"
            "  --scale K           enlarge those PNGs K times (default %d)\n"
            "  --params NAME|FILE  folding energies (default rnafold-2.1.3)\n"
            "  --max-length N      refuse sequences longer than N nt (default %zu: fold time\n"
            "                      and memory grow as N^3 and N^2; one core folds 1,000 nt\n"
            "                      in 0.4 s / 36 MB, 2,000 in 2.4 s / 57 MB, 5,000 in 35 s /\n"
            "                      210 MB); a sequence longer than any the model was trained\n"
            "                      on is scored with a warning\n"
            "  -j, --threads N     threads (default %d)\n"
            "  --precision P       f32 (default, exact) or bf16: convolutions in bfloat16 on\n"
            "                      the CPU's AMX / AVX512-BF16 units, several times faster;\n"
            "                      scores differ from f32 by about 1e-3\n"
            "  -q, --quiet         no progress on stderr\n"
            "  -h, --help          this help\n",
            d.threshold, d.scale, d.fasta.max_length, d.threads);
}

static void put_csv(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void put_json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c < 0x20)
            fprintf(fp, "\\u%04x", c);
        else
            fputc(c, fp);
    }
    fputc('"', fp);
}

static void write_row(const opts_t *o, chunk_t *ch, int k, float score, float margin)
{
    mrl_fe_item_t *it = &ch->b.items[k];
    char eb[16], sb[32] = "", mb[32] = "";
    const char *label = "no-hairpin";
    long len = (long)ch->len[k];
    int outside = cli_length_outside(len, o->len_lo, o->len_hi);
    const char *note = outside ? "length" : ".";
    ch->outside += outside;
    mrl_energy_str(it->mfe, eb);
    if (it->rc == 0) {
        snprintf(sb, sizeof sb, "%.6f", (double)score);
        snprintf(mb, sizeof mb, "%.4f", (double)margin);
        label = (double)score >= o->threshold ? "pre-miRNA" : "other";
    }
    FILE *fp = o->out;
    if (o->format == FMT_TSV) {
        fprintf(fp, "%s\t%zu\t%s\t%s\t%s\t%s\t%s\t%s\n", ch->id[k], ch->len[k], it->structure, eb,
                sb, mb, label, note);
    } else if (o->format == FMT_CSV) {
        put_csv(fp, ch->id[k]);
        fprintf(fp, ",%zu,%s,%s,%s,%s,%s,%s\n", ch->len[k], it->structure, eb, sb, mb, label, note);
    } else {
        fprintf(fp, "%s{\"id\": ", ch->written ? ",\n" : "");
        put_json_str(fp, ch->id[k]);
        fprintf(fp,
                ", \"length\": %zu, \"structure\": \"%s\", \"mfe\": %s, \"score\": %s, "
                "\"margin\": %s, \"label\": \"%s\", \"note\": \"%s\"}",
                ch->len[k], it->structure, eb, it->rc == 0 ? sb : "null", it->rc == 0 ? mb : "null",
                label, note);
    }
    ch->written++;
}

static int write_png(const opts_t *o, chunk_t *ch, int k)
{
    char name[160];
    if (mrl_report_names_unique(ch->names, ch->id[k], name, sizeof name) < 0)
        return cli_error("predict", "out of memory");
    size_t len = strlen(o->images) + strlen(name) + 8;
    char *path = malloc(len);
    if (!path)
        return cli_error("predict", "out of memory");
    snprintf(path, len, "%s/%s.png", o->images, name);
    int rc = mrl_png_write(path, ch->b.items[k].hp.rgb, MRL_IMG_W, MRL_IMG_H, o->scale);
    free(path);
    return rc < 0 ? cli_lib_error("predict", rc) : 0;
}

/* The header, before the first row (so a first record refused prints nothing). */
static void write_header(const opts_t *o, chunk_t *ch)
{
    if (ch->header)
        return;
    ch->header = 1;
    if (o->format == FMT_TSV)
        fprintf(o->out, "id\tlength\tstructure\tmfe\tscore\tmargin\tlabel\tnote\n");
    else if (o->format == FMT_CSV)
        fprintf(o->out, "id,length,structure,mfe,score,margin,label,note\n");
    else
        fprintf(o->out, "[\n");
}

/* Fold, encode, score and print the records held in ch. */
static int run_chunk(const opts_t *o, mrl_ensemble_t *e, chunk_t *ch)
{
    mrl_fe_opts_t fe;
    mrl_fe_opts_default(&fe);
    fe.threads = o->threads;
    fe.params = o->params;
    int rc = mrl_pipeline_run(e, &fe, (const char *const *)ch->seq, ch->len, (size_t)ch->n,
                              &ch->b);
    if (rc < 0)
        return cli_lib_error("predict", rc);
    write_header(o, ch);
    for (int k = 0; k < ch->n; k++) {
        if (ch->b.items[k].rc != 0 && !o->quiet)
            fprintf(stderr, "mirlens predict: %s: no hairpin loop in the fold; not scored\n",
                    ch->id[k]);
        write_row(o, ch, k, ch->b.prob[k], ch->b.margin[k]);
        if (o->images && ch->b.items[k].rc == 0 && write_png(o, ch, k))
            return CLI_ERR;
    }
    for (int k = 0; k < ch->n; k++) {
        free(ch->id[k]);
        free(ch->seq[k]);
        ch->id[k] = ch->seq[k] = NULL;
    }
    ch->n = 0;
    if (ferror(o->out))
        return cli_error("predict", "write error on %s", o->output ? o->output : "standard output");
    return 0;
}

/* A record predict cannot score: an empty id (no row could be told apart, no file named),
 * or the first one longer than any sequence the model was trained on (warned, scored). */
static int check_record(const opts_t *o, chunk_t *ch, const char *path, const mrl_seqrec_t *rec)
{
    const char *name = strcmp(path, "-") ? path : "standard input";
    if (!rec->id[0])
        return cli_error("predict", "%s, line %ld: record %ld has an empty id (a '>' with no name)",
                         name, rec->line, rec->index + 1);
    if (o->longest > 0 && (long)rec->len > o->longest && !ch->warned_longest && !o->quiet) {
        ch->warned_longest = 1;
        fprintf(stderr,
                "mirlens predict: warning: %s (%s, line %ld) has %zu nt, more than any sequence "
                "the model was trained on (%ld nt): its score is an extrapolation (warned once)\n",
                rec->id, name, rec->line, rec->len, o->longest);
    }
    return 0;
}

static int predict_file(const opts_t *o, const char *path, mrl_fasta_t *fa, mrl_ensemble_t *e,
                        chunk_t *ch, cli_progress_t *prog)
{
    mrl_seqrec_t rec;
    int rc, r;
    char err[1024] = "";
    while ((r = mrl_fasta_read(fa, &rec)) == 1) {
        if ((rc = check_record(o, ch, path, &rec)))
            return rc;
        ch->id[ch->n] = strdup(rec.id);
        ch->seq[ch->n] = strdup(rec.seq);
        ch->len[ch->n] = rec.len;
        if (!ch->id[ch->n] || !ch->seq[ch->n])
            return cli_error("predict", "out of memory");
        if (++ch->n == CHUNK) {
            if ((rc = run_chunk(o, e, ch)))
                return rc;
            uint64_t pos, size;
            mrl_fasta_position(fa, &pos, &size);
            cli_progress_fraction(prog, ch->written, size ? (double)pos / (double)size : 0);
        }
    }
    if (r < 0)
        snprintf(err, sizeof err, "%s", mrl_errmsg());
    /* what was read before a bad record is still scored and printed (on standard output;
     * -o FILE is then not written at all) */
    if (ch->n > 0 && (rc = run_chunk(o, e, ch)))
        return rc;
    if (r < 0) {
        fflush(o->out);
        return cli_error("predict", "%s", err);
    }
    return 0;
}

static int parse_args(int argc, char **argv, opts_t *o, models_t *e)
{
    enum { O_FMT = 256, O_THR, O_IMG, O_SCALE, O_PARAMS, O_MAXLEN, O_PREC };
    static const struct option lo[] = {
        {"model", required_argument, 0, 'm'},      {"format", required_argument, 0, O_FMT},
        {"threshold", required_argument, 0, O_THR}, {"images", required_argument, 0, O_IMG},
        {"scale", required_argument, 0, O_SCALE},  {"params", required_argument, 0, O_PARAMS},
        {"max-length", required_argument, 0, O_MAXLEN}, {"threads", required_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},            {"help", no_argument, 0, 'h'},
        {"precision", required_argument, 0, O_PREC}, {"output", required_argument, 0, 'o'},
        {0, 0, 0, 0},
    };
    int c, rc;
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:o:j:qh", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'm':
            if (e->n == MAX_MODELS)
                return cli_usage_error("predict", "at most %d models (-m)", MAX_MODELS);
            e->path[e->n++] = optarg;
            break;
        case O_FMT:
            if (!strcmp(optarg, "tsv"))
                o->format = FMT_TSV;
            else if (!strcmp(optarg, "csv"))
                o->format = FMT_CSV;
            else if (!strcmp(optarg, "json"))
                o->format = FMT_JSON;
            else
                return cli_usage_error("predict", "unknown format '%s' (tsv, csv or json)",
                                       optarg);
            break;
        case O_THR:
            o->threshold = strtod(optarg, &end);
            if (*end || !(o->threshold >= 0 && o->threshold <= 1))
                return cli_usage_error("predict", "--threshold needs a value in [0, 1]");
            break;
        case O_IMG: o->images = optarg; break;
        case 'o': o->output = optarg; break;
        case O_SCALE:
            if (cli_parse_long("predict", "--scale", optarg, 1, 64, &v))
                return CLI_USAGE;
            o->scale = (int)v;
            break;
        case O_PARAMS:
            mrl_params_free(o->loaded);
            if ((rc = mrl_params_resolve(optarg, &o->params, &o->loaded)) < 0)
                return cli_lib_error("predict", rc);
            break;
        case O_MAXLEN:
            if (cli_parse_long("predict", "--max-length", optarg, 1, 100000, &v))
                return CLI_USAGE;
            o->fasta.max_length = (size_t)v;
            break;
        case O_PREC:
            if (cli_parse_precision("predict", optarg, &o->precision))
                return CLI_USAGE;
            break;
        case 'j':
            if (cli_parse_long("predict", "--threads", optarg, 1, 64, &v))
                return CLI_USAGE;
            o->threads = (int)v;
            break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return -1;
        default: return cli_bad_option("predict", c, argv); /* ':' or '?' */
        }
    }
    return 0;
}

/* The models' training lengths: the intersection of the recorded ranges, the smallest
 * recorded longest. */
static void model_lengths(opts_t *o, mrl_ensemble_t *ens, int n)
{
    o->len_lo = o->len_hi = o->longest = -1;
    for (int j = 0; j < n; j++) {
        const mrl_model_t *m = mrl_ensemble_model(ens, j);
        long lo, hi, longest;
        if (mrl_model_length_longest(m, &longest))
            o->longest = o->longest < 0 || longest < o->longest ? longest : o->longest;
        if (!mrl_model_length_range(m, &lo, &hi))
            continue;
        o->len_lo = o->len_lo < 0 || lo > o->len_lo ? lo : o->len_lo;
        o->len_hi = o->len_hi < 0 || hi < o->len_hi ? hi : o->len_hi;
    }
}

int cmd_predict(int argc, char **argv)
{
    opts_t o;
    opts_default(&o);
    models_t e = {{0}, 0};
    mrl_ensemble_t *ens = NULL;
    int rc = parse_args(argc, argv, &o, &e);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    int nin = optind < argc ? argc - optind : 1, nstdin = 0;
    const char *const *in = optind < argc ? (const char *const *)argv + optind : NULL;
    static const char *const dash[1] = {"-"};
    if (!in)
        in = dash;
    for (int k = 0; k < nin; k++)
        nstdin += strcmp(in[k], "-") == 0;
    if (nstdin > 1)
        return cli_usage_error("predict", "standard input ('-') can be read only once");
    if (!e.n)
        e.path[e.n++] = cli_default_model();
    mrl_fasta_t **fa = calloc((size_t)nin, sizeof *fa);
    chunk_t *ch = calloc(1, sizeof *ch);
    mrl_atomic_t af = {0};
    if (!ch || !fa) {
        free(fa);
        free(ch);
        return cli_error("predict", "out of memory");
    }
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o.threads;
    no.precision = o.precision;
    if ((rc = mrl_ensemble_load(&ens, e.path, e.n, &no)) < 0) {
        rc = cli_lib_error("predict", rc);
        goto done;
    }
    model_lengths(&o, ens, e.n);
    if (!(ch->names = mrl_report_names_new())) {
        rc = cli_error("predict", "out of memory");
        goto done;
    }
    /* every input opens, and the outputs can be made, before a line is written; files are
     * opened again in turn (memory for one reader at a time), standard input kept open */
    for (int k = 0; k < nin; k++) {
        if ((rc = mrl_fasta_open(&fa[k], in[k], &o.fasta)) < 0) {
            rc = cli_lib_error("predict", rc);
            goto done;
        }
        if (strcmp(in[k], "-") != 0) {
            mrl_fasta_close(fa[k]);
            fa[k] = NULL;
        }
    }
    if (o.images && mkdir(o.images, 0755) < 0 && errno != EEXIST) {
        rc = cli_error("predict", "cannot create directory '%s': %s", o.images, strerror(errno));
        goto done;
    }
    if (o.output && (rc = mrl_atomic_open(&af, o.output)) < 0) {
        rc = cli_lib_error("predict", rc);
        goto done;
    }
    o.out = o.output ? af.fp : stdout;
    cli_precision_note("predict", o.precision, mrl_ensemble_nn(ens, 0), o.quiet);
    cli_progress_t prog;
    cli_progress_init(&prog, "sequences", o.quiet);
    rc = 0;
    for (int k = 0; k < nin && !rc; k++) {
        if (!fa[k] && (rc = mrl_fasta_open(&fa[k], in[k], &o.fasta)) < 0) {
            rc = cli_lib_error("predict", rc);
            break;
        }
        rc = predict_file(&o, in[k], fa[k], ens, ch, &prog);
        mrl_fasta_close(fa[k]);
        fa[k] = NULL;
    }
    if (!rc)
        write_header(&o, ch); /* no rows: the header alone */
    if (o.format == FMT_JSON && ch->header)
        fprintf(o.out, "%s]\n", ch->written ? "\n" : "");
    cli_progress_end(&prog, ch->written);
    if (ch->outside && !o.quiet)
        cli_length_warning("predict", ch->outside, o.len_lo, o.len_hi, "the note column");
    if (!o.quiet && ch->written && getenv("MIRLENS_TIMING"))
        fprintf(stderr, "mirlens predict: fold+encode %.2f s, inference %.2f s\n", ch->b.t[0],
                ch->b.t[1]);
    if (o.output) {
        int lrc = rc ? 0 : mrl_atomic_commit(&af);
        if (lrc < 0)
            rc = cli_lib_error("predict", lrc);
    } else if (fflush(stdout) != 0 && !rc) {
        rc = cli_error("predict", "write error on standard output");
    }
done:
    if (af.fp)
        mrl_atomic_abort(&af); /* an error: no partial FILE */
    for (int k = 0; k < nin; k++)
        if (fa[k])
            mrl_fasta_close(fa[k]);
    free(fa);
    mrl_batch_release(&ch->b);
    for (int k = 0; k < ch->n; k++) {
        free(ch->id[k]);
        free(ch->seq[k]);
    }
    mrl_report_names_free(ch->names);
    free(ch);
    mrl_ensemble_free(ens);
    mrl_params_free(o.loaded);
    return rc;
}
