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
#include "../util/util.h"
#include "io.h"

struct mrl_fasta {
    io_lines_t in;
    mrl_fasta_opts_t opts;
    long nrec;
    int bare;          /* 1 once input is known to be one-sequence-per-line */
    int started;
    int in_rec;        /* mrl_fasta_read_part: inside a record (its header read) */
    uint64_t rec_off;  /* mrl_fasta_read_part: letters of the record handed out so far */
    long rec_line;     /* mrl_fasta_read_part: line of the record's header */
    size_t lpos, llen; /* mrl_fasta_read_part: letters of the current line (llen long)
                          handed out so far; 0 when it is used up */
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
    int rc = io_lines_open(&fa->in, path);
    if (rc < 0) {
        free(fa);
        return rc;
    }
    *out = fa;
    return 0;
}

void mrl_fasta_position(const mrl_fasta_t *fa, uint64_t *done, uint64_t *total)
{
    /* the (compressed) bytes read, read ahead included */
    *done = fa->in.consumed;
    *total = fa->in.size;
    if (*total && *done > *total)
        *done = *total;
}

void mrl_fasta_close(mrl_fasta_t *fa)
{
    if (!fa)
        return;
    io_lines_close(&fa->in);
    free(fa->hdr);
    free(fa->seq);
    free(fa);
}

/* A reader error met inside record rid (NULL: between records): the line reader's
 * "NAME: line N..." becomes "NAME: record 'ID' line N...", so a cut gzip file or binary
 * data names the record it hit. */
static int in_record(const mrl_fasta_t *fa, int rc, const char *rid)
{
    const char *msg = mrl_errmsg();
    size_t nl = strlen(fa->in.name);
    if (!rid || rc == MRL_ERR_NOMEM || strncmp(msg, fa->in.name, nl) != 0 ||
        strncmp(msg + nl, ": line ", 7) != 0)
        return rc;
    char rest[800];
    snprintf(rest, sizeof rest, "%s", msg + nl + 2);
    return mrl_err_set(rc, "%s: record '%.*s' %s", fa->in.name, (int)strcspn(rid, " \t"), rid,
                       rest);
}

/* Next line with trailing blanks removed: 1 = line (length in *len), 0 = EOF, <0 (an
 * error inside record rid, if not NULL, names it). */
static int next_line(mrl_fasta_t *fa, size_t *len, const char *rid)
{
    int rc = io_lines_next(&fa->in);
    if (rc < 0)
        return in_record(fa, rc, rid);
    if (rc == 0)
        return rc;
    size_t n = strlen(fa->in.line);
    while (n > 0 && (fa->in.line[n - 1] == ' ' || fa->in.line[n - 1] == '\t'))
        n--;
    fa->in.line[n] = '\0';
    *len = n;
    return 1;
}

/* Append sequence letters of the current line, checking the alphabet. */
static int add_seq(mrl_fasta_t *fa, const char *s, size_t n, const char *rid, size_t max,
                   size_t col0)
{
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if ((c == ' ' || c == '\t') && !fa->bare)
            continue;
        if (!isalpha(c)) {
            char what[16];
            snprintf(what, sizeof what, c > 32 && c < 127 ? "'%c'" : "byte 0x%02x", c);
            return mrl_err_set(MRL_ERR_PARSE,
                               "%s: record '%.*s' line %ld column %zu: invalid character %s "
                               "in sequence",
                               fa->in.name, (int)strcspn(rid, " \t"), rid, fa->in.lineno,
                               col0 + k + 1, what);
        }
        if (max && fa->seq_len >= max)
            return mrl_err_set(MRL_ERR_RANGE,
                               "%s: record '%.*s' line %ld: sequence longer than %zu nt "
                               "(see --max-length)",
                               fa->in.name, (int)strcspn(rid, " \t"), rid, fa->in.lineno, max);
        if (io_grow(&fa->seq, &fa->seq_cap, fa->seq_len + 2))
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
    if (io_grow(&fa->seq, &fa->seq_cap, 1))
        return MRL_ERR_NOMEM;
    /* the first non-blank line (a header read ahead comes back first) */
    do {
        rc = next_line(fa, &len, NULL);
        if (rc <= 0)
            return rc; /* 0: end of input (no records at all is not an error) */
    } while (len == 0);
    long start = fa->in.lineno;
    if (!fa->started) {
        fa->started = 1;
        fa->bare = fa->in.line[0] != '>';
    }
    if (fa->bare) {
        if (fa->in.line[0] == '>')
            return mrl_err_set(MRL_ERR_PARSE,
                               "%s: line %ld: header in input that started without one "
                               "(not FASTA?)", fa->in.name, fa->in.lineno);
        snprintf(fa->idbuf, sizeof fa->idbuf, "seq%ld", fa->nrec + 1);
        if (io_grow(&fa->hdr, &fa->hdr_cap, strlen(fa->idbuf) + 1))
            return MRL_ERR_NOMEM;
        strcpy(fa->hdr, fa->idbuf);
        if ((rc = add_seq(fa, fa->in.line, len, fa->hdr, fa->opts.max_length, 0)) < 0)
            return rc;
        fill_rec(fa, rec, start);
        return 1;
    }
    if (fa->in.line[0] != '>')
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: expected a '>' header", fa->in.name,
                           fa->in.lineno);
    if (io_grow(&fa->hdr, &fa->hdr_cap, len))
        return MRL_ERR_NOMEM;
    memcpy(fa->hdr, fa->in.line + 1, len);
    for (;;) {
        rc = next_line(fa, &len, fa->hdr);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        if (fa->in.line[0] == '>') {
            io_lines_unread(&fa->in);
            break;
        }
        if ((rc = add_seq(fa, fa->in.line, len, fa->hdr, fa->opts.max_length, 0)) < 0)
            return rc;
    }
    if (fa->seq_len == 0) {
        const char *h = fa->hdr;
        return mrl_err_set(MRL_ERR_PARSE, "%s: record '%.*s' (line %ld) has no sequence",
                           fa->in.name, (int)strcspn(h, " \t"), h, start);
    }
    fill_rec(fa, rec, start);
    return 1;
}

int mrl_fasta_read_part(mrl_fasta_t *fa, mrl_seqpart_t *p, size_t max)
{
    size_t len = 0;
    int rc;
    fa->seq_len = 0;
    if (max < 1)
        return mrl_err_set(MRL_ERR_ARG, "%s: pieces of at least 1 letter", fa->in.name);
    if (io_grow(&fa->seq, &fa->seq_cap, max + 2))
        return MRL_ERR_NOMEM;
    if (!fa->in_rec) {
        do {
            rc = next_line(fa, &len, NULL);
            if (rc <= 0)
                return rc;
        } while (len == 0);
        if (fa->in.line[0] != '>')
            return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: expected a '>' header (not FASTA?)",
                               fa->in.name, fa->in.lineno);
        if (io_grow(&fa->hdr, &fa->hdr_cap, len))
            return MRL_ERR_NOMEM;
        memcpy(fa->hdr, fa->in.line + 1, len);
        fa->hdr[strcspn(fa->hdr, " \t")] = '\0'; /* the id: the first word */
        if (!fa->hdr[0]) /* a genome record must be named: BED/GFF3 rows carry the name */
            return mrl_err_set(MRL_ERR_PARSE,
                               "%s: line %ld: record without a name (nothing after '>')",
                               fa->in.name, fa->in.lineno);
        fa->in_rec = 1;
        fa->rec_off = 0;
        fa->rec_line = fa->in.lineno;
        fa->nrec++;
    }
    p->last = 0;
    while (fa->seq_len < max) {
        if (fa->lpos) { /* the rest of a line longer than a piece */
            len = fa->llen;
        } else {
            rc = next_line(fa, &len, fa->hdr);
            if (rc < 0)
                return rc;
            if (rc == 0 || fa->in.line[0] == '>') {
                if (rc)
                    io_lines_unread(&fa->in);
                if (fa->rec_off + fa->seq_len == 0)
                    return mrl_err_set(MRL_ERR_PARSE, "%s: record '%s' (line %ld) has no sequence",
                                       fa->in.name, fa->hdr, fa->rec_line);
                fa->in_rec = 0;
                p->last = 1;
                break;
            }
        }
        /* at most the room left of the line: an unwrapped chromosome comes in pieces */
        size_t take = MRL_MIN(len - fa->lpos, max - fa->seq_len);
        if ((rc = add_seq(fa, fa->in.line + fa->lpos, take, fa->hdr, 0, fa->lpos)) < 0)
            return rc;
        fa->lpos += take;
        fa->llen = len;
        if (fa->lpos == len)
            fa->lpos = 0;
    }
    fa->seq[fa->seq_len] = '\0';
    p->id = fa->hdr;
    p->seq = fa->seq;
    p->len = fa->seq_len;
    p->offset = fa->rec_off;
    p->index = fa->nrec - 1;
    fa->rec_off += fa->seq_len;
    return 1;
}
