/*
 * fasta.c - streaming FASTA reader (plain or gzip through zlib).
 *
 * Accepts '>' records with sequence over any number of lines, or bare input with one
 * sequence per line. Memory is bounded by the longest record. Errors name the input,
 * the record and the line, and never read as end of input (1 = record, 0 = EOF, <0).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "../util/util.h"

struct mrl_fasta {
    gzFile gz;
    uint64_t size;     /* input size in bytes, 0 when unknown (stdin, pipe) */
    char *name;        /* input name for messages */
    mrl_fasta_opts_t opts;
    char *line;        /* current line buffer */
    size_t line_cap;
    int have_line;     /* line holds an unconsumed line (a header read ahead) */
    int eof;
    long lineno;       /* number of the line in `line` */
    long nrec;
    int bare;          /* 1 once input is known to be one-sequence-per-line */
    int started;
    char *hdr, *seq;   /* current record storage */
    size_t hdr_cap, seq_cap, seq_len;
    char idbuf[32];
};

void mrl_fasta_opts_default(mrl_fasta_opts_t *o)
{
    o->max_length = 10000;
}

int mrl_fasta_open(mrl_fasta_t **out, const char *path, const mrl_fasta_opts_t *o)
{
    *out = NULL;
    mrl_fasta_t *fa = calloc(1, sizeof *fa);
    if (!fa)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (o)
        fa->opts = *o;
    else
        mrl_fasta_opts_default(&fa->opts);
    int is_stdin = strcmp(path, "-") == 0;
    fa->name = strdup(is_stdin ? "<stdin>" : path);
    if (!fa->name) {
        free(fa);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    errno = 0;
    fa->gz = is_stdin ? gzdopen(dup(0), "rb") : gzopen(path, "rb");
    if (!fa->gz) {
        int rc = mrl_err_set(MRL_ERR_IO, "cannot open '%s': %s", path,
                             errno ? strerror(errno) : "out of memory");
        mrl_fasta_close(fa);
        return rc;
    }
    gzbuffer(fa->gz, 1 << 17);
    struct stat st;
    if (!is_stdin && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        fa->size = (uint64_t)st.st_size;
    *out = fa;
    return 0;
}

void mrl_fasta_position(const mrl_fasta_t *fa, uint64_t *done, uint64_t *total)
{
    /* gzoffset counts the (compressed) bytes consumed, read ahead included */
    z_off_t off = gzoffset(fa->gz);
    *done = off > 0 ? (uint64_t)off : 0;
    *total = fa->size;
    if (*total && *done > *total)
        *done = *total;
}

void mrl_fasta_close(mrl_fasta_t *fa)
{
    if (!fa)
        return;
    if (fa->gz)
        gzclose(fa->gz);
    free(fa->name);
    free(fa->line);
    free(fa->hdr);
    free(fa->seq);
    free(fa);
}

/* Read one line into fa->line without its line end. 1 = line, 0 = EOF, <0 = error. */
static int next_line(mrl_fasta_t *fa, size_t *len_out)
{
    size_t len = 0;
    int c;
    if (fa->eof)
        return 0;
    for (;;) {
        c = gzgetc(fa->gz);
        if (c < 0)
            break;
        if (c == '\n')
            break;
        if (c == 0 || (c < 32 && c != '\t' && c != '\r') || c == 127)
            return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: binary data (byte 0x%02x)",
                               fa->name, fa->lineno + 1, (unsigned)c);
        if (len + 2 > fa->line_cap) {
            size_t cap = fa->line_cap ? fa->line_cap * 2 : 256;
            char *p = realloc(fa->line, cap);
            if (!p)
                return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
            fa->line = p;
            fa->line_cap = cap;
        }
        fa->line[len++] = (char)c;
    }
    if (c < 0) {
        int zerr;
        const char *msg = gzerror(fa->gz, &zerr);
        if (zerr != Z_OK && zerr != Z_BUF_ERROR)
            return mrl_err_set(MRL_ERR_IO, "%s: line %ld: read error: %s", fa->name,
                               fa->lineno + 1, zerr == Z_ERRNO ? strerror(errno) : msg);
        if (zerr == Z_BUF_ERROR)
            return mrl_err_set(MRL_ERR_CORRUPT, "%s: truncated gzip input", fa->name);
        fa->eof = 1;
        if (len == 0)
            return 0;
    }
    if (!fa->line) {
        fa->line = malloc(256);
        if (!fa->line)
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        fa->line_cap = 256;
    }
    while (len > 0 && (fa->line[len - 1] == '\r' || fa->line[len - 1] == ' ' ||
                       fa->line[len - 1] == '\t'))
        len--;
    fa->line[len] = '\0';
    fa->lineno++;
    *len_out = len;
    return 1;
}

static int grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    char *p = realloc(*buf, c);
    if (!p)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    *buf = p;
    *cap = c;
    return 0;
}

/* Append sequence letters of the current line, checking the alphabet. */
static int add_seq(mrl_fasta_t *fa, const char *s, size_t n, const char *rid)
{
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c == ' ' || c == '\t')
            continue;
        if (!isalpha(c))
            return mrl_err_set(MRL_ERR_PARSE,
                               "%s: record '%.*s' line %ld column %zu: invalid character '%c' "
                               "in sequence",
                               fa->name, (int)strcspn(rid, " \t"), rid, fa->lineno, k + 1, c);
        if (fa->opts.max_length && fa->seq_len >= fa->opts.max_length)
            return mrl_err_set(MRL_ERR_RANGE,
                               "%s: record '%.*s' line %ld: sequence longer than %zu nt "
                               "(see --max-length)",
                               fa->name, (int)strcspn(rid, " \t"), rid, fa->lineno,
                               fa->opts.max_length);
        if (grow(&fa->seq, &fa->seq_cap, fa->seq_len + 2))
            return MRL_ERR_NOMEM;
        fa->seq[fa->seq_len++] = (char)c;
    }
    return 0;
}

static void fill_rec(mrl_fasta_t *fa, mrl_seqrec_t *rec, long start)
{
    fa->seq[fa->seq_len] = '\0';
    char *h = fa->hdr;
    size_t i = 0;
    while (h[i] && !isspace((unsigned char)h[i]))
        i++;
    char *desc = h + i;
    if (*desc) {
        *desc++ = '\0';
        while (isspace((unsigned char)*desc))
            desc++;
    }
    rec->id = h;
    rec->desc = desc;
    rec->seq = fa->seq;
    rec->len = fa->seq_len;
    rec->line = start;
    rec->index = fa->nrec++;
    rec->named = !fa->bare;
}

int mrl_fasta_read(mrl_fasta_t *fa, mrl_seqrec_t *rec)
{
    size_t len = 0;
    int rc;
    fa->seq_len = 0;
    if (grow(&fa->seq, &fa->seq_cap, 1))
        return MRL_ERR_NOMEM;
    /* find the first non-blank line */
    if (!fa->have_line) {
        do {
            rc = next_line(fa, &len);
            if (rc <= 0) {
                if (rc == 0 && !fa->started)
                    return 0; /* empty input: no records, not an error */
                return rc;
            }
        } while (len == 0);
    } else {
        len = strlen(fa->line);
        fa->have_line = 0;
    }
    long start = fa->lineno;
    if (!fa->started) {
        fa->started = 1;
        fa->bare = fa->line[0] != '>';
    }
    if (fa->bare) {
        if (fa->line[0] == '>')
            return mrl_err_set(MRL_ERR_PARSE,
                               "%s: line %ld: header in input that started without one "
                               "(not FASTA?)", fa->name, fa->lineno);
        snprintf(fa->idbuf, sizeof fa->idbuf, "seq%ld", fa->nrec + 1);
        if (grow(&fa->hdr, &fa->hdr_cap, strlen(fa->idbuf) + 1))
            return MRL_ERR_NOMEM;
        strcpy(fa->hdr, fa->idbuf);
        if ((rc = add_seq(fa, fa->line, len, fa->hdr)) < 0)
            return rc;
        fill_rec(fa, rec, start);
        return 1;
    }
    if (fa->line[0] != '>')
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: expected a '>' header", fa->name,
                           fa->lineno);
    if (grow(&fa->hdr, &fa->hdr_cap, len))
        return MRL_ERR_NOMEM;
    memcpy(fa->hdr, fa->line + 1, len);
    for (;;) {
        rc = next_line(fa, &len);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        if (fa->line[0] == '>') {
            fa->have_line = 1;
            break;
        }
        if ((rc = add_seq(fa, fa->line, len, fa->hdr)) < 0)
            return rc;
    }
    if (fa->seq_len == 0) {
        const char *h = fa->hdr;
        return mrl_err_set(MRL_ERR_PARSE, "%s: record '%.*s' (line %ld) has no sequence",
                           fa->name, (int)strcspn(h, " \t"), h, start);
    }
    fill_rec(fa, rec, start);
    return 1;
}
