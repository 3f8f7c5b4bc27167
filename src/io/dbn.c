/*
 * dbn.c - reader of sequences with given secondary structures ("dot-bracket notation"):
 * RNAfold output (">id", sequence, "structure ( energy)") or TSV rows
 * "id<TAB>sequence<TAB>structure[<TAB>energy...]" such as the golden encoding file. Lets
 * the encoder draw without folding. Same stream contract as the FASTA reader: 1 = record,
 * 0 = end, <0 = error naming the input and line.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "../util/util.h"
#include "io.h"

enum { LAYOUT_UNKNOWN, LAYOUT_TSV, LAYOUT_RNAFOLD };

struct mrl_dbn {
    io_lines_t in;
    mrl_fasta_opts_t opts;
    int layout;
    long nrec;
    char *id, *seq, *st; /* record storage */
    size_t id_cap, seq_cap, st_cap;
};

int mrl_dbn_open(mrl_dbn_t **out, const char *path, const mrl_fasta_opts_t *o)
{
    *out = NULL;
    mrl_dbn_t *r = calloc(1, sizeof *r);
    if (!r)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (o)
        r->opts = *o;
    else
        mrl_fasta_opts_default(&r->opts);
    int rc = io_lines_open(&r->in, path);
    if (rc < 0) {
        free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void mrl_dbn_close(mrl_dbn_t *r)
{
    if (!r)
        return;
    io_lines_close(&r->in);
    free(r->id);
    free(r->seq);
    free(r->st);
    free(r);
}

/* Next line that is not blank (and, for TSV, not a '#' comment). */
static int next_content_line(mrl_dbn_t *r)
{
    int rc;
    while ((rc = io_lines_next(&r->in)) == 1) {
        const char *p = r->in.line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p && !(r->layout == LAYOUT_TSV && *p == '#'))
            return 1;
    }
    return rc;
}

/* "-46.70", "0.00", "( -4.50)" -> dcal/mol. At most two decimals. 0 or -1. */
static int parse_energy(const char *s, size_t n, int *out)
{
    size_t i = 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == ')'))
        n--;
    while (i < n && (s[i] == ' ' || s[i] == '('))
        i++;
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    long whole = 0, frac = 0;
    int nd = 0, nf = 0;
    while (i < n && isdigit((unsigned char)s[i]) && nd < 7)
        whole = whole * 10 + (s[i++] - '0'), nd++;
    if (i < n && s[i] == '.')
        for (i++; i < n && isdigit((unsigned char)s[i]) && nf < 2; i++, nf++)
            frac = frac * 10 + (s[i] - '0');
    if (nf == 1)
        frac *= 10;
    if (nd == 0 || i != n)
        return -1;
    long v = whole * 100 + frac;
    *out = (int)(neg ? -v : v);
    return 0;
}

static int set_str(char **buf, size_t *cap, const char *s, size_t n)
{
    if (io_grow(buf, cap, n + 1))
        return MRL_ERR_NOMEM;
    memcpy(*buf, s, n);
    (*buf)[n] = '\0';
    return 0;
}

/* 'c' for a printable character, else "byte 0xHH" (into buf). */
static const char *show_char(char *buf, size_t cap, unsigned char c)
{
    snprintf(buf, cap, c > 32 && c < 127 ? "'%c'" : "byte 0x%02x", c);
    return buf;
}

/* 1-based column of the first bracket of st (length m) without a partner, 0 if balanced;
 * *open: it is a '(' (else a ')'). A ')' with no '(' before it comes first if there is
 * one (every '(' before it is then matched); else the leftmost '(' that no ')' closes,
 * found scanning from the right. */
static size_t unbalanced(const char *st, size_t m, int *open)
{
    long depth = 0;
    for (size_t i = 0; i < m; i++) {
        depth += st[i] == '(' ? 1 : st[i] == ')' ? -1 : 0;
        if (depth < 0) {
            *open = 0;
            return i + 1;
        }
    }
    if (depth == 0)
        return 0;
    size_t col = 0;
    long closes = 0;
    for (size_t i = m; i-- > 0;) {
        if (st[i] == ')')
            closes++;
        else if (st[i] == '(' && closes > 0)
            closes--;
        else if (st[i] == '(')
            col = i + 1;
    }
    *open = 1;
    return col;
}

/* Check sequence and structure of the record held in r; fill rec. */
static int finish(mrl_dbn_t *r, mrl_dbnrec_t *rec, long start)
{
    size_t n = strlen(r->seq), m = strlen(r->st);
    char what[16];
    for (size_t i = 0; i < n; i++)
        if (!isalpha((unsigned char)r->seq[i]))
            return mrl_err_set(
                MRL_ERR_PARSE, "%s: record '%s' line %ld: invalid character %s in sequence",
                r->in.name, r->id, start, show_char(what, sizeof what, (unsigned char)r->seq[i]));
    if (r->opts.max_length && n > r->opts.max_length)
        return mrl_err_set(MRL_ERR_RANGE,
                           "%s: record '%s' line %ld: sequence longer than %zu nt (see "
                           "--max-length)",
                           r->in.name, r->id, start, r->opts.max_length);
    if (m != n)
        return mrl_err_set(MRL_ERR_PARSE,
                           "%s: record '%s' line %ld: structure has %zu characters, sequence "
                           "%zu",
                           r->in.name, r->id, start, m, n);
    size_t bad = strspn(r->st, ".()");
    if (bad != m)
        return mrl_err_set(MRL_ERR_PARSE,
                           "%s: record '%s' line %ld column %zu: invalid character %s in "
                           "structure",
                           r->in.name, r->id, r->in.lineno, bad + 1,
                           show_char(what, sizeof what, (unsigned char)r->st[bad]));
    int open = 0;
    size_t col = unbalanced(r->st, m, &open);
    if (col)
        return mrl_err_set(MRL_ERR_PARSE,
                           "%s: record '%s' line %ld: unbalanced structure: '%c' at column %zu "
                           "has no matching '%c'",
                           r->in.name, r->id, r->in.lineno, open ? '(' : ')', col,
                           open ? ')' : '(');
    rec->id = r->id;
    rec->seq = r->seq;
    rec->structure = r->st;
    rec->len = n;
    rec->line = start;
    rec->index = r->nrec++;
    return 1;
}

static int read_tsv(mrl_dbn_t *r, mrl_dbnrec_t *rec)
{
    const char *f[4], *p = r->in.line;
    size_t flen[4];
    int nf = 0;
    while (nf < 4) {
        size_t l = strcspn(p, "\t");
        f[nf] = p;
        flen[nf++] = l;
        if (!p[l])
            break;
        p += l + 1;
    }
    if (nf < 3)
        return mrl_err_set(MRL_ERR_PARSE,
                           "%s: line %ld: expected id<TAB>sequence<TAB>structure[<TAB>energy]",
                           r->in.name, r->in.lineno);
    int rc;
    if ((rc = set_str(&r->id, &r->id_cap, f[0], flen[0])) ||
        (rc = set_str(&r->seq, &r->seq_cap, f[1], flen[1])) ||
        (rc = set_str(&r->st, &r->st_cap, f[2], flen[2])))
        return rc;
    rec->has_energy = 0;
    rec->energy = 0;
    if (nf >= 4 && flen[3] > 0) {
        if (parse_energy(f[3], flen[3], &rec->energy) != 0)
            return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: invalid energy '%.*s'", r->in.name,
                               r->in.lineno, (int)MRL_MIN(flen[3], 40), f[3]);
        rec->has_energy = 1;
    }
    return finish(r, rec, r->in.lineno);
}

/* "STRUCTURE ( -4.50)" or "STRUCTURE" alone. */
static int rnafold_structure(mrl_dbn_t *r, mrl_dbnrec_t *rec)
{
    size_t m = strcspn(r->in.line, " \t");
    int rc = set_str(&r->st, &r->st_cap, r->in.line, m);
    if (rc)
        return rc;
    const char *rest = r->in.line + m;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    rec->has_energy = 0;
    rec->energy = 0;
    if (*rest) {
        size_t n = strlen(rest);
        if (rest[0] != '(' || rest[n - 1] != ')' || parse_energy(rest, n, &rec->energy))
            return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: invalid energy '%.40s'", r->in.name,
                               r->in.lineno, rest);
        rec->has_energy = 1;
    }
    return 0;
}

static int read_rnafold(mrl_dbn_t *r, mrl_dbnrec_t *rec)
{
    int rc;
    long start = r->in.lineno;
    if (r->in.line[0] == '>') {
        const char *h = r->in.line + 1;
        if ((rc = set_str(&r->id, &r->id_cap, h, strcspn(h, " \t"))))
            return rc;
        if ((rc = next_content_line(r)) <= 0)
            return rc < 0 ? rc
                          : mrl_err_set(MRL_ERR_PARSE,
                                        "%s: record '%s' (line %ld) has no "
                                        "sequence",
                                        r->in.name, r->id, start);
    } else {
        char idbuf[32];
        snprintf(idbuf, sizeof idbuf, "seq%ld", r->nrec + 1);
        if ((rc = set_str(&r->id, &r->id_cap, idbuf, strlen(idbuf))))
            return rc;
    }
    if (r->in.line[0] == '>')
        return mrl_err_set(MRL_ERR_PARSE, "%s: record '%s' (line %ld) has no sequence", r->in.name,
                           r->id, start);
    if ((rc = set_str(&r->seq, &r->seq_cap, r->in.line, strcspn(r->in.line, " \t"))))
        return rc;
    if ((rc = next_content_line(r)) <= 0 || r->in.line[0] == '>')
        return rc < 0 ? rc
                      : mrl_err_set(MRL_ERR_PARSE,
                                    "%s: record '%s' (line %ld) has no "
                                    "structure line",
                                    r->in.name, r->id, start);
    if ((rc = rnafold_structure(r, rec)))
        return rc;
    return finish(r, rec, start);
}

int mrl_dbn_read(mrl_dbn_t *r, mrl_dbnrec_t *rec)
{
    int rc = next_content_line(r);
    if (rc <= 0)
        return rc;
    if (r->layout == LAYOUT_UNKNOWN) {
        r->layout = strchr(r->in.line, '\t') && r->in.line[0] != '>' ? LAYOUT_TSV : LAYOUT_RNAFOLD;
        if (r->layout == LAYOUT_TSV && strncmp(r->in.line, "id\t", 3) == 0) {
            rc = next_content_line(r); /* header */
            if (rc <= 0)
                return rc;
        }
    }
    return r->layout == LAYOUT_TSV ? read_tsv(r, rec) : read_rnafold(r, rec);
}
