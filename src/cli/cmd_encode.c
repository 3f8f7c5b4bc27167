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
    mrl_fasta_opts_t fasta;
} opts_t;

static void usage(FILE *fp)
{
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
            "                          encoding file reads as it is)\n"
            "      --scale K         PNG pixel size, 1-64 (default 1: 100x25 pixels)\n"
            "  -L, --max-length N    longest sequence accepted (default %zu; 0 = no limit)\n"
            "      --strict          a refused sequence (no hairpin loop, empty) is an error:\n"
            "                          stop, exit 1, write no -o file (PNGs already written\n"
            "                          stay)\n"
            "  -q, --quiet           no warnings for refused sequences, no progress\n"
            "  -h, --help            this text\n\n"
            "A sequence whose structure has no hairpin loop cannot be drawn (as with the\n"
            "original program): it is reported on stderr and skipped (TSV: an ERROR row),\n"
            "and the run goes on. Exit status: 0 ok, 1 error, 2 bad usage.\n",
            (size_t)10000);
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
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->scale = 1;
    mrl_fasta_opts_default(&o->fasta);
    int scale_set = 0, c;
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:sL:qh", lopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "tsv"))
                o->format = FMT_TSV;
            else if (!strcmp(optarg, "png"))
                o->format = FMT_PNG;
            else if (!strcmp(optarg, "u8"))
                o->format = FMT_U8;
            else
                return cli_usage_error(CMD, "unknown format '%s' (tsv, png or u8)", optarg);
            break;
        case 'o': o->out = optarg; break;
        case 's': o->given = 1; break;
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
        case 'X': o->strict = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return -1;
        case ':': return cli_usage_error(CMD, "option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt)
                return cli_usage_error(CMD, "unknown option '-%c'", optopt);
            return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->format != FMT_TSV && !o->out)
        return cli_usage_error(CMD, "--format %s needs -o %s", o->format == FMT_PNG ? "png" : "u8",
                               o->format == FMT_PNG ? "DIR" : "PREFIX");
    if (scale_set && o->format != FMT_PNG)
        return cli_usage_error(CMD, "--scale applies to --format png only");
    if (o->out && !*o->out)
        return cli_usage_error(CMD, "empty -o path");
    return 0;
}

/* ---- filesystem-safe unique PNG names ---- */

typedef struct nameset {
    char **slot; /* open addressing, lower-cased names (case-insensitive file systems) */
    size_t cap, n;
} nameset_t;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t nameset_find(const nameset_t *ns, const char *key)
{
    size_t i = (size_t)hash_str(key) & (ns->cap - 1);
    while (ns->slot[i] && strcmp(ns->slot[i], key))
        i = (i + 1) & (ns->cap - 1);
    return i;
}

static int nameset_grow(nameset_t *ns)
{
    nameset_t big = {calloc(ns->cap ? ns->cap * 2 : 256, sizeof(char *)),
                     ns->cap ? ns->cap * 2 : 256, ns->n};
    if (!big.slot)
        return -1;
    for (size_t i = 0; i < ns->cap; i++)
        if (ns->slot[i])
            big.slot[nameset_find(&big, ns->slot[i])] = ns->slot[i];
    free(ns->slot);
    *ns = big;
    return 0;
}

/* Add key unless present: 1 added, 0 present, -1 out of memory. */
static int nameset_add(nameset_t *ns, const char *key)
{
    if (2 * (ns->n + 1) > ns->cap && nameset_grow(ns))
        return -1;
    size_t i = nameset_find(ns, key);
    if (ns->slot[i])
        return 0;
    if (!(ns->slot[i] = strdup(key)))
        return -1;
    ns->n++;
    return 1;
}

static void nameset_free(nameset_t *ns)
{
    for (size_t i = 0; i < ns->cap; i++)
        free(ns->slot[i]);
    free(ns->slot);
}

/* id -> "<safe>[_K]" unique among the names given so far: letters, digits and ._+- kept,
 * anything else '_', no leading '.', at most 120 characters, "seq" for an empty id. */
static int unique_name(nameset_t *ns, const char *id, char *out, size_t cap)
{
    char base[128], key[160];
    size_t n = 0;
    for (const char *p = id; *p && n < 120; p++) {
        unsigned char ch = (unsigned char)*p;
        base[n++] = (isalnum(ch) || strchr("._+-", ch)) && ch ? (char)ch : '_';
    }
    base[n] = '\0';
    if (n == 0)
        strcpy(base, "seq");
    if (base[0] == '.')
        base[0] = '_';
    for (long k = 1;; k++) {
        if (k == 1)
            snprintf(out, cap, "%s", base);
        else
            snprintf(out, cap, "%s_%ld", base, k);
        size_t i;
        for (i = 0; out[i] && i + 1 < sizeof key; i++)
            key[i] = (char)tolower((unsigned char)out[i]);
        key[i] = '\0';
        int rc = nameset_add(ns, key);
        if (rc < 0)
            return -1;
        if (rc == 1)
            return 0;
    }
}

/* ---- output ---- */

typedef struct sink {
    const opts_t *o;
    FILE *fp;           /* tsv rows, or the png index */
    mrl_atomic_t main;  /* tsv -o file, png index, or PREFIX.u8 */
    mrl_atomic_t names; /* PREFIX.names */
    int use_main;
    nameset_t used;
    char *path; /* scratch for png paths */
    size_t path_cap;
    char *hex;
    long done, refused;
} sink_t;

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
    if (o->format == FMT_TSV)
        fputs("id\tsequence\tfold\tmfe\timage\n", s->fp);
    return 0;
}

/* Commit (ok) or abort the -o files; frees everything. Returns CLI_ERR on a failed commit. */
static int sink_close(sink_t *s, int ok)
{
    int rc = 0;
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
    nameset_free(&s->used);
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
    if (unique_name(&s->used, r->id, name, sizeof name))
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
            return cli_error(CMD, "record '%s' (%s): %s (--strict)", r->id, r->where,
                             mrl_errmsg());
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

typedef struct work {
    sink_t *sink;
    mrl_hairpin_t img;
    mrl_fold_ws_t *ws;
    const mrl_params_t *params;
    char *st;
    size_t st_cap;
    cli_progress_t prog;
} work_t;

static int fold_one(work_t *w, const mrl_seqrec_t *fr, rec_t *r)
{
    if (fr->len + 1 > w->st_cap) {
        char *p = realloc(w->st, fr->len + 1);
        if (!p)
            return cli_error(CMD, "out of memory");
        w->st = p;
        w->st_cap = fr->len + 1;
    }
    int rc = mrl_fold_mfe(w->ws, w->params, fr->seq, fr->len, w->st, &r->energy);
    if (rc)
        return cli_lib_error(CMD, rc);
    r->st = w->st;
    r->has_energy = 1;
    return 0;
}

static int run_fasta(work_t *w, const char *path, const opts_t *o)
{
    mrl_fasta_t *fa;
    mrl_seqrec_t fr;
    int rc = mrl_fasta_open(&fa, path, &o->fasta);
    if (rc)
        return cli_lib_error(CMD, rc);
    char where[512];
    int failed = 0;
    while (!failed && (rc = mrl_fasta_read(fa, &fr)) == 1) {
        rec_t r = {fr.id, fr.seq, NULL, fr.len, 0, 0, where};
        snprintf(where, sizeof where, "%s line %ld", strcmp(path, "-") ? path : "<stdin>",
                 fr.line);
        failed = fold_one(w, &fr, &r) ||
                 emit(w->sink, &r, mrl_encode_hairpin(fr.seq, fr.len, r.st, &w->img), &w->img);
        cli_progress_update(&w->prog, w->sink->done + w->sink->refused, 0);
    }
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
        snprintf(where, sizeof where, "%s line %ld", strcmp(path, "-") ? path : "<stdin>",
                 dr.line);
        /* no energy given: evaluate the structure (nothing for the empty sequence, as
         * RNAfold is never run on it) */
        if (!r.has_energy && r.n > 0 &&
            mrl_fold_eval(w->params, r.seq, r.st, r.n, &r.energy) == 0)
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

int cmd_encode(int argc, char **argv)
{
    opts_t o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    static work_t w; /* holds a 7.5 kB image; one per process */
    sink_t sink;
    memset(&w, 0, sizeof w);
    w.sink = &sink;
    w.params = mrl_params_builtin("rnafold-2.1.3");
    if (!w.params)
        return cli_error(CMD, "built-in energy parameters missing");
    if (!o.given && !(w.ws = mrl_fold_ws_new()))
        return cli_error(CMD, "out of memory");
    rc = sink_open(&sink, &o);
    cli_progress_init(&w.prog, "sequences", o.quiet);
    static char dash[] = "-";
    char *stdin_only[] = {dash};
    char **files = optind < argc ? argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;
    for (int i = 0; rc == 0 && i < nfiles; i++)
        rc = o.given ? run_given(&w, files[i], &o) : run_fasta(&w, files[i], &o);
    cli_progress_end(&w.prog, sink.done + sink.refused);
    int crc = sink_close(&sink, rc == 0);
    mrl_fold_ws_free(w.ws);
    free(w.st);
    if (rc == 0 && crc == 0 && sink.refused && !o.quiet)
        fprintf(stderr, "mirlens %s: %ld of %ld sequences refused (no image)\n", CMD,
                sink.refused, sink.done + sink.refused);
    return rc ? rc : crc;
}
