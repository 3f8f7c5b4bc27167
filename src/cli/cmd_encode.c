/*
 * cmd_encode.c - `mirlens encode`: fold each sequence like RNAfold 2.1.3 (or take the given
 * structure) and draw the 25x100 hairpin image of Cordero et al. 2019 (DeepMir); write a
 * TSV with hex images, one PNG per sequence, or a raw .u8 image set.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

static const char *const CMD = "encode";

enum { FMT_TSV, FMT_PNG, FMT_U8 };

typedef struct opts {
    int format;
    const char *out; /* tsv: file, png: directory, u8: prefix */
    long scale;
    int given; /* inputs carry structures */
    int strict;
    int quiet;
    long threads;       /* folding threads */
    const char *params; /* energy tables: built-in name or .par file; NULL = rnafold-2.1.3 */
    mrl_fasta_opts_t fasta;
} opts_t;

static void usage(FILE *fp)
{
    mrl_fe_opts_t def; /* the library's defaults, so help and behaviour cannot drift */
    mrl_fe_opts_default(&def);
    fprintf(fp,
            "Usage: mirlens encode [options] [FILE|-]...\n\n"
            "Fold each sequence as RNAfold 2.1.3 does and draw it as the 25x100 RGB hairpin\n"
            "image of Cordero et al. 2019 (DeepMir), pixel-identical to their drawing program.\n"
            "Input: FASTA or one sequence per line, plain or gzip; '-' or no FILE = stdin.\n\n"
            "Options:\n"
            "  -f, --format FMT      tsv (default): columns id, sequence, fold, mfe\n"
            "                          (kcal/mol), image (15000 hex chars: 25 rows x 100\n"
            "                          columns x R,G,B); refused rows read ERROR:<reason>\n"
            "                        png: DIR/<id>.png per sequence, plus DIR/index.tsv\n"
            "                          (id, file); ids are made filesystem-safe and unique\n"
            "                        u8: PREFIX.u8 (N x 25 x 100 x 3 bytes, the layout of\n"
            "                          cordero_images) and PREFIX.names (one id per line)\n"
            "  -o, --output PATH     tsv: output file (default stdout); png: directory\n"
            "                          (created if missing); u8: PREFIX. Required for png, u8\n"
            "  -s, --structure-given inputs hold structures, no folding: RNAfold output\n"
            "                          (>id, sequence, 'structure ( energy)') or TSV rows\n"
            "                          id<TAB>sequence<TAB>structure[<TAB>mfe...] (a header\n"
            "                          starting with 'id<TAB>' is skipped; the golden\n"
            "                          encoding file reads as it is); a missing mfe is\n"
            "                          evaluated on the given structure\n"
            "      --scale K         PNG pixel size, 1-64 (default 1: 100x25 pixels)\n"
            "  -L, --max-length N    longest sequence accepted (default %zu; 0 = no limit)\n"
            "      --strict          a refused sequence (no hairpin loop, empty) is an error:\n"
            "                          stop, exit 1, write no -o file (PNGs already written\n"
            "                          stay)\n"
            "  -j, --threads N       fold on N threads (default %d); output stays in input\n"
            "                          order\n"
            "      --params NAME|FILE  energy tables: rnafold-2.1.3 (default; the paper's\n"
            "                          images), turner2004 (modern ViennaRNA) or a .par file\n"
            "  -q, --quiet           no warnings for refused sequences, no progress\n"
            "  -h, --help            this text\n\n"
            "A sequence whose structure has no hairpin loop cannot be drawn (as with the\n"
            "original program): it is reported on stderr and skipped (TSV: an ERROR row),\n"
            "and the run goes on. Exit status: 0 ok, 1 error, 2 bad usage.\n",
            def.fasta.max_length, def.threads);
}

static int parse_format(const char *s)
{
    return !strcmp(s, "tsv")   ? FMT_TSV
           : !strcmp(s, "png") ? FMT_PNG
           : !strcmp(s, "u8")  ? FMT_U8
                               : -1;
}

/* Combinations that the options alone cannot express. */
static int check_args(const opts_t *o, int scale_set)
{
    if (o->format != FMT_TSV && !o->out)
        return cli_usage_error(CMD, "--format %s needs -o %s", o->format == FMT_PNG ? "png" : "u8",
                               o->format == FMT_PNG ? "DIR" : "PREFIX");
    if (scale_set && o->format != FMT_PNG)
        return cli_usage_error(CMD, "--scale applies to --format png only");
    if (o->out && !*o->out)
        return cli_usage_error(CMD, "empty -o path");
    return 0;
}

static int parse_args(int argc, char **argv, opts_t *o)
{
    static const struct option lopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"structure-given", no_argument, NULL, 's'},
        {"scale", required_argument, NULL, 'S'},
        {"max-length", required_argument, NULL, 'L'},
        {"strict", no_argument, NULL, 'X'},
        {"threads", required_argument, NULL, 'j'},
        {"params", required_argument, NULL, 'P'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    mrl_fe_opts_t def;
    mrl_fe_opts_default(&def);
    o->scale = 1;
    o->threads = def.threads;
    o->fasta = def.fasta;
    int scale_set = 0, c;
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:sL:j:qh", lopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((o->format = parse_format(optarg)) < 0)
                return cli_usage_error(CMD, "unknown format '%s' (tsv, png or u8)", optarg);
            break;
        case 'o':
            o->out = optarg;
            break;
        case 's':
            o->given = 1;
            break;
        case 'S':
            if (cli_parse_long(CMD, "--scale", optarg, 1, 64, &o->scale))
                return CLI_USAGE;
            scale_set = 1;
            break;
        case 'L':
            if (cli_parse_long(CMD, "--max-length", optarg, 0, 1000000000L, &v))
                return CLI_USAGE;
            o->fasta.max_length = (size_t)v;
            break;
        case 'X':
            o->strict = 1;
            break;
        case 'j':
            if (cli_parse_long(CMD, "--threads", optarg, 1, 64, &o->threads))
                return CLI_USAGE;
            break;
        case 'P':
            o->params = optarg;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            usage(stdout);
            return -1;
        default: /* ':' or '?' */
            return cli_bad_option(CMD, c, argv);
        }
    }
    return check_args(o, scale_set);
}

/* ---- output ---- */

typedef struct sink {
    const opts_t *o;
    FILE *fp;           /* tsv rows, or the png index */
    mrl_atomic_t main;  /* tsv -o file, png index, or PREFIX.u8 */
    mrl_atomic_t names; /* PREFIX.names */
    int use_main;
    mrl_report_names_t *used;
    char *path; /* scratch for png paths */
    size_t path_cap;
    char *hex;
    long done, refused;
    int header_due; /* tsv: the header goes out with the first row (or at a clean end), so
                       that an input refused at its first record prints nothing */
} sink_t;

static void sink_header(sink_t *s)
{
    if (s->header_due)
        fputs("id\tsequence\tfold\tmfe\timage\n", s->fp);
    s->header_due = 0;
}

static int open_prefixed(mrl_atomic_t *af, const char *prefix, const char *suffix)
{
    size_t n = strlen(prefix) + strlen(suffix) + 1;
    char *p = malloc(n);
    if (!p)
        return cli_error(CMD, "out of memory");
    snprintf(p, n, "%s%s", prefix, suffix);
    int rc = mrl_atomic_open(af, p);
    free(p);
    return rc ? cli_lib_error(CMD, rc) : 0;
}

static int make_dir(const char *dir)
{
    struct stat st;
    if (mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
        return 0;
    if (errno == EEXIST)
        errno = ENOTDIR;
    return cli_error(CMD, "cannot create directory '%s': %s", dir, strerror(errno));
}

static int sink_open(sink_t *s, const opts_t *o)
{
    memset(s, 0, sizeof s[0]);
    s->o = o;
    s->fp = stdout;
    s->hex = malloc(2 * MRL_IMG_BYTES + 1);
    if (!s->hex)
        return cli_error(CMD, "out of memory");
    if (o->format == FMT_TSV && o->out) {
        if (open_prefixed(&s->main, o->out, ""))
            return CLI_ERR;
        s->use_main = 1;
        s->fp = s->main.fp;
    } else if (o->format == FMT_PNG) {
        if (make_dir(o->out) || open_prefixed(&s->main, o->out, "/index.tsv"))
            return CLI_ERR;
        if (!(s->used = mrl_report_names_new()))
            return cli_error(CMD, "out of memory");
        s->use_main = 1;
        s->fp = s->main.fp;
        fputs("id\tfile\n", s->fp);
    } else if (o->format == FMT_U8) {
        if (open_prefixed(&s->main, o->out, ".u8"))
            return CLI_ERR;
        s->use_main = 1;
        if (open_prefixed(&s->names, o->out, ".names"))
            return CLI_ERR;
    }
    s->header_due = o->format == FMT_TSV;
    return 0;
}

/* Commit (ok) or abort the -o files; frees everything. Returns CLI_ERR on a failed commit. */
static int sink_close(sink_t *s, int ok)
{
    int rc = 0;
    if (ok)
        sink_header(s); /* an input without records still gets its header */
    if (s->use_main) {
        if (ok && (rc = mrl_atomic_commit(&s->main)) != 0)
            cli_lib_error(CMD, rc);
        else if (!ok)
            mrl_atomic_abort(&s->main);
    }
    if (s->names.fp) {
        int r2 = 0;
        if (ok && !rc && (r2 = mrl_atomic_commit(&s->names)) != 0)
            cli_lib_error(CMD, r2);
        else if (!ok || rc)
            mrl_atomic_abort(&s->names);
        rc = rc ? rc : r2;
    }
    if (ok && !s->use_main && (fflush(stdout) != 0 || ferror(stdout)))
        rc = cli_error(CMD, "cannot write to standard output: %s", strerror(errno));
    mrl_report_names_free(s->used);
    free(s->path);
    free(s->hex);
    return rc ? CLI_ERR : 0;
}

static void energy_text(int has, int dcal, char *buf, size_t cap)
{
    if (!has) {
        buf[0] = '\0';
        return;
    }
    unsigned a = dcal < 0 ? (unsigned)(-(long)dcal) : (unsigned)dcal;
    snprintf(buf, cap, "%s%u.%02u", dcal < 0 ? "-" : "", a / 100, a % 100);
}

static void to_hex(const uint8_t *rgb, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < (size_t)MRL_IMG_BYTES; i++) {
        hex[2 * i] = digits[rgb[i] >> 4];
        hex[2 * i + 1] = digits[rgb[i] & 15];
    }
    hex[2 * MRL_IMG_BYTES] = '\0';
}

/* One record, drawn or refused (enc_rc): write it to the chosen output. */
typedef struct rec {
    const char *id, *seq, *st;
    size_t n;
    int has_energy, energy;
    const char *where; /* "FILE line N" for messages */
} rec_t;

static int write_png(sink_t *s, const rec_t *r, const mrl_hairpin_t *h)
{
    char name[160];
    if (mrl_report_names_unique(s->used, r->id, name, sizeof name))
        return cli_error(CMD, "out of memory");
    size_t need = strlen(s->o->out) + strlen(name) + 8;
    if (need > s->path_cap) {
        char *p = realloc(s->path, need);
        if (!p)
            return cli_error(CMD, "out of memory");
        s->path = p;
        s->path_cap = need;
    }
    snprintf(s->path, s->path_cap, "%s/%s.png", s->o->out, name);
    int rc = mrl_png_write(s->path, h->rgb, MRL_IMG_W, MRL_IMG_H, (int)s->o->scale);
    if (rc)
        return cli_lib_error(CMD, rc);
    fprintf(s->fp, "%s\t%s.png\n", r->id, name);
    return 0;
}

static int emit(sink_t *s, const rec_t *r, int enc_rc, const mrl_hairpin_t *h)
{
    if (enc_rc != 0 && enc_rc != MRL_ERR_REFUSED)
        return cli_error(CMD, "record '%s' (%s): %s", r->id, r->where, mrl_errmsg());
    if (enc_rc == MRL_ERR_REFUSED) {
        s->refused++;
        if (s->o->strict)
            return cli_error(CMD, "record '%s' (%s): %s (--strict)", r->id, r->where, mrl_errmsg());
        if (!s->o->quiet)
            fprintf(stderr, "mirlens %s: warning: record '%s' (%s): %s; no image\n", CMD, r->id,
                    r->where, mrl_errmsg());
    } else {
        s->done++;
    }
    if (s->o->format == FMT_TSV) {
        char e[32];
        energy_text(r->has_energy, r->energy, e, sizeof e);
        if (enc_rc == 0)
            to_hex(h->rgb, s->hex);
        else
            snprintf(s->hex, 2 * MRL_IMG_BYTES + 1, "ERROR:%s", mrl_errmsg());
        sink_header(s);
        fprintf(s->fp, "%s\t%.*s\t%.*s\t%s\t%s\n", r->id, (int)r->n, r->seq, (int)r->n, r->st, e,
                s->hex);
        return 0;
    }
    if (enc_rc != 0)
        return 0;
    if (s->o->format == FMT_PNG)
        return write_png(s, r, h);
    fwrite(h->rgb, 1, MRL_IMG_BYTES, s->main.fp);
    fprintf(s->names.fp, "%s\n", r->id);
    return 0;
}

/* ---- inputs ---- */

/* FASTA records are read in chunks, folded on N threads (the pipeline's pool), then drawn
 * and written in input order, so the output does not depend on the thread count. */
#define CHUNK_RECS 512
#define CHUNK_NT (1 << 20)

typedef struct job {
    char *id, *seq; /* grown on demand, reused across chunks */
    size_t id_cap, seq_cap, len;
    long line;
} job_t;

typedef struct work {
    sink_t *sink;
    mrl_hairpin_t img;
    const mrl_params_t *params;
    job_t *jobs;
    mrl_fe_item_t *items; /* each job's structure, mfe and status (fold only) */
    char **seq;
    size_t *len;
    int njobs;
    mrl_fe_opts_t fe;
    cli_progress_t prog;
} work_t;

/* Fold the chunk: 0, or the first hard error (its record's item carries the message). */
static int fold_chunk(work_t *w)
{
    for (int k = 0; k < w->njobs; k++)
        w->seq[k] = w->jobs[k].seq, w->len[k] = w->jobs[k].len;
    memset(w->items, 0, (size_t)w->njobs * sizeof *w->items);
    return mrl_fold_encode_batch((const char *const *)w->seq, w->len, (size_t)w->njobs, &w->fe,
                                 w->items);
}

/* Copy a record into job slot k. */
static int take(work_t *w, int k, const mrl_seqrec_t *fr)
{
    job_t *jb = &w->jobs[k];
    size_t idn = strlen(fr->id) + 1;
    if (idn > jb->id_cap) {
        char *p = realloc(jb->id, idn);
        if (!p)
            return -1;
        jb->id = p;
        jb->id_cap = idn;
    }
    if (fr->len + 1 > jb->seq_cap) {
        char *a = realloc(jb->seq, fr->len + 1);
        if (!a)
            return -1;
        jb->seq = a;
        jb->seq_cap = fr->len + 1;
    }
    memcpy(jb->id, fr->id, idn);
    memcpy(jb->seq, fr->seq, fr->len + 1);
    jb->len = fr->len;
    jb->line = fr->line;
    return 0;
}

/* Draw and write the folded chunk in input order, up to its first failed record. */
static int emit_chunk(work_t *w, const char *name)
{
    char where[512];
    for (int k = 0; k < w->njobs; k++) {
        job_t *jb = &w->jobs[k];
        mrl_fe_item_t *it = &w->items[k];
        snprintf(where, sizeof where, "%s line %ld", name, jb->line);
        if (it->rc < 0)
            return cli_error(CMD, "record '%s' (%s): %s", jb->id, where, it->err);
        rec_t r = {jb->id, jb->seq, it->structure, jb->len, 1, it->mfe, where};
        int erc = mrl_encode_hairpin(jb->seq, jb->len, it->structure, &w->img);
        if (emit(w->sink, &r, erc, &w->img))
            return CLI_ERR;
    }
    cli_progress_update(&w->prog, w->sink->done + w->sink->refused, 0);
    return 0;
}

static int run_fasta(work_t *w, const char *path, const opts_t *o)
{
    mrl_fasta_t *fa;
    mrl_seqrec_t fr;
    int rc = mrl_fasta_open(&fa, path, &o->fasta);
    if (rc)
        return cli_lib_error(CMD, rc);
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    int failed = 0;
    do {
        size_t nt = 0;
        w->njobs = 0;
        while (w->njobs < CHUNK_RECS && nt < CHUNK_NT && (rc = mrl_fasta_read(fa, &fr)) == 1) {
            if (!fr.id[0]) { /* no row or file could be told apart */
                failed =
                    cli_error(CMD, "%s, line %ld: record %ld has an empty id (a '>' with no name)",
                              name, fr.line, fr.index + 1);
                break;
            }
            if (take(w, w->njobs++, &fr)) {
                failed = cli_error(CMD, "out of memory");
                break;
            }
            nt += fr.len;
        }
        /* records before a read error are still written, then the error is reported */
        if (!failed && w->njobs > 0) {
            char ferr[512] = "";
            int frc = fold_chunk(w);
            if (frc < 0)
                snprintf(ferr, sizeof ferr, "%s", mrl_errmsg());
            failed = emit_chunk(w, name);
            if (!failed && frc < 0) /* out of memory, no record to blame */
                failed = cli_error(CMD, "%s", ferr);
            mrl_fe_items_release(w->items, (size_t)w->njobs);
        }
    } while (!failed && rc == 1);
    if (!failed && rc < 0)
        failed = cli_lib_error(CMD, rc);
    mrl_fasta_close(fa);
    return failed ? CLI_ERR : 0;
}

static int run_given(work_t *w, const char *path, const opts_t *o)
{
    mrl_dbn_t *db;
    mrl_dbnrec_t dr;
    int rc = mrl_dbn_open(&db, path, &o->fasta);
    if (rc)
        return cli_lib_error(CMD, rc);
    char where[512];
    int failed = 0;
    while (!failed && (rc = mrl_dbn_read(db, &dr)) == 1) {
        rec_t r = {dr.id, dr.seq, dr.structure, dr.len, dr.has_energy, dr.energy, where};
        snprintf(where, sizeof where, "%s line %ld", strcmp(path, "-") ? path : "<stdin>", dr.line);
        /* no energy given: evaluate the structure (nothing for the empty sequence, as
         * RNAfold is never run on it) */
        if (!r.has_energy && r.n > 0 && mrl_fold_eval(w->params, r.seq, r.st, r.n, &r.energy) == 0)
            r.has_energy = 1;
        int erc = mrl_encode_hairpin(dr.seq, dr.len, dr.structure, &w->img);
        failed = emit(w->sink, &r, erc, &w->img);
        cli_progress_update(&w->prog, w->sink->done + w->sink->refused, 0);
    }
    if (!failed && rc < 0)
        failed = cli_lib_error(CMD, rc);
    mrl_dbn_close(db);
    return failed ? CLI_ERR : 0;
}

static void work_release(work_t *w)
{
    for (int k = 0; w->jobs && k < CHUNK_RECS; k++) {
        free(w->jobs[k].id);
        free(w->jobs[k].seq);
    }
    free(w->jobs), free(w->items), free(w->seq), free(w->len);
}

/* Every input opens before a line is written (standard input, read once, always can);
 * each is opened again when its turn comes. Returns 0, CLI_USAGE or CLI_ERR (printed). */
static int check_inputs(char **files, int n, const opts_t *o)
{
    int nstdin = 0;
    for (int i = 0; i < n; i++)
        nstdin += strcmp(files[i], "-") == 0;
    if (nstdin > 1)
        return cli_usage_error(CMD, "standard input ('-') can be read only once");
    for (int i = 0; i < n; i++) {
        if (strcmp(files[i], "-") == 0)
            continue;
        int rc;
        if (o->given) {
            mrl_dbn_t *db;
            if ((rc = mrl_dbn_open(&db, files[i], &o->fasta)) == 0)
                mrl_dbn_close(db);
        } else {
            mrl_fasta_t *fa;
            if ((rc = mrl_fasta_open(&fa, files[i], &o->fasta)) == 0)
                mrl_fasta_close(fa);
        }
        if (rc)
            return cli_lib_error(CMD, rc);
    }
    return 0;
}

int cmd_encode(int argc, char **argv)
{
    opts_t o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    mrl_params_t *loaded = NULL;
    const mrl_params_t *params;
    if ((rc = mrl_params_resolve(o.params, &params, &loaded)) < 0)
        return cli_lib_error(CMD, rc);
    static work_t w; /* holds a 7.5 kB image; one per process */
    sink_t sink;
    memset(&w, 0, sizeof w);
    w.sink = &sink;
    w.params = params;
    mrl_fe_opts_default(&w.fe);
    w.fe.threads = (int)o.threads;
    w.fe.params = params;
    w.fe.encode = 0;
    if (!o.given && (!(w.jobs = calloc(CHUNK_RECS, sizeof *w.jobs)) ||
                     !(w.items = calloc(CHUNK_RECS, sizeof *w.items)) ||
                     !(w.seq = calloc(CHUNK_RECS, sizeof *w.seq)) ||
                     !(w.len = calloc(CHUNK_RECS, sizeof *w.len)))) {
        work_release(&w);
        mrl_params_free(loaded);
        return cli_error(CMD, "out of memory");
    }
    static char dash[] = "-";
    char *stdin_only[] = {dash};
    char **files = optind < argc ? argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;
    if ((rc = check_inputs(files, nfiles, &o))) {
        work_release(&w);
        mrl_params_free(loaded);
        return rc;
    }
    rc = sink_open(&sink, &o);
    cli_progress_init(&w.prog, "sequences", o.quiet);
    for (int i = 0; rc == 0 && i < nfiles; i++)
        rc = o.given ? run_given(&w, files[i], &o) : run_fasta(&w, files[i], &o);
    cli_progress_end(&w.prog, sink.done + sink.refused);
    int crc = sink_close(&sink, rc == 0);
    work_release(&w);
    mrl_params_free(loaded);
    if (rc == 0 && crc == 0 && sink.refused && !o.quiet)
        fprintf(stderr, "mirlens %s: %ld of %ld sequences refused (no image)\n", CMD, sink.refused,
                sink.done + sink.refused);
    return rc ? rc : crc;
}
