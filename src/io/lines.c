/*
 * lines.c - the line reader under the FASTA, structure and table readers: plain or gzip
 * input through zlib, any line length, LF, CR LF or lone CR line ends, a UTF-8 byte-order
 * mark skipped, binary data refused with the line and column where it appears.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../util/util.h"
#include "io.h"

/* Bytes decompressed per read. The fuzz build (make fuzz) makes it tiny, so that short
 * inputs cross block ends (a CR LF split between two blocks) and runs stay fast. */
#ifndef MRL_LINES_BLOCK
#define MRL_LINES_BLOCK (1 << 17)
#endif

int io_grow(char **buf, size_t *cap, size_t need)
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

int io_lines_open(io_lines_t *L, const char *path)
{
    memset(L, 0, sizeof *L);
    L->fd = -1;
    int is_stdin = strcmp(path, "-") == 0;
    L->name = strdup(is_stdin ? "<stdin>" : path);
    L->zin = malloc(MRL_LINES_BLOCK);
    if (!L->name || !L->zin) {
        io_lines_close(L);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    L->z.next_in = L->zin;
    L->fd = is_stdin ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
    if (L->fd < 0) {
        int rc = mrl_err_set(MRL_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
        io_lines_close(L);
        return rc;
    }
    struct stat st;
    if (!is_stdin && fstat(L->fd, &st) == 0 && S_ISREG(st.st_mode))
        L->size = (uint64_t)st.st_size;
    return 0;
}

void io_lines_close(io_lines_t *L)
{
    if (L->zinit)
        inflateEnd(&L->z);
    if (L->name && L->fd >= 0) /* opened (a zeroed, never opened reader holds fd 0) */
        close(L->fd);
    free(L->name);
    free(L->line);
    free(L->buf);
    free(L->zin);
    memset(L, 0, sizeof *L);
    L->fd = -1;
}

void io_lines_unread(io_lines_t *L)
{
    L->have_line = 1;
}

/* Read more input behind the bytes still unused (moved to the front). 0 or <0. */
static int read_more(io_lines_t *L)
{
    if (L->z.avail_in && L->z.next_in != L->zin)
        memmove(L->zin, L->z.next_in, L->z.avail_in);
    L->z.next_in = L->zin;
    ssize_t n;
    do
        n = read(L->fd, L->zin + L->z.avail_in, MRL_LINES_BLOCK - L->z.avail_in);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return mrl_err_set(MRL_ERR_IO, "%s: line %ld: read error: %s", L->name, L->lineno + 1,
                           strerror(errno));
    if (n == 0)
        L->in_eof = 1;
    L->z.avail_in += (uInt)n;
    L->consumed += (uint64_t)n;
    return 0;
}

/* At least 2 bytes read ahead, unless the input ends first. 0 or <0. */
static int want2(io_lines_t *L)
{
    int rc = 0;
    while (!rc && L->z.avail_in < 2 && !L->in_eof)
        rc = read_more(L);
    return rc;
}

static int is_gzip(const io_lines_t *L)
{
    return L->z.avail_in >= 2 && L->z.next_in[0] == 0x1f && L->z.next_in[1] == 0x8b;
}

/* Inflate gzip members (one after another, as bgzip writes them) into buf[0..cap); the
 * count made in *got. Bytes after the last member that are not another member are
 * ignored, as zlib's gzread does. A member the input cuts short sets L->cut. */
static int inflate_some(io_lines_t *L, unsigned char *buf, size_t cap, size_t *got)
{
    L->z.next_out = buf;
    L->z.avail_out = (uInt)cap;
    int rc = 0;
    while (!rc && L->z.avail_out > 0) {
        if (L->zend) { /* another member, or the end */
            if ((rc = want2(L)) < 0)
                break;
            if (!is_gzip(L)) {
                L->z.avail_in = 0, L->in_eof = 1;
                break;
            }
            inflateReset(&L->z);
            L->zend = 0;
        }
        if (L->z.avail_in == 0 && (rc = read_more(L)) < 0)
            break;
        if (L->z.avail_in == 0) { /* end of input inside a member */
            L->cut = 1;
            break;
        }
        int zr = inflate(&L->z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END)
            L->zend = 1;
        else if (zr == Z_MEM_ERROR)
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        else if (zr != Z_OK && zr != Z_BUF_ERROR)
            rc = mrl_err_set(MRL_ERR_CORRUPT, "%s: line %ld: corrupt gzip data (%s)", L->name,
                             L->lineno + 1, L->z.msg ? L->z.msg : "unknown error");
    }
    *got = cap - L->z.avail_out;
    return rc;
}

/* Refill L->buf: 1 = bytes there, 0 = end of input, <0 = error (line: the one being read). */
static int fill(io_lines_t *L)
{
    if (!L->buf && !(L->buf = malloc(MRL_LINES_BLOCK)))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    L->bpos = L->blen = 0;
    if (L->cut)
        return mrl_err_set(MRL_ERR_CORRUPT, "%s: line %ld: truncated gzip input", L->name,
                           L->lineno + 1);
    int rc;
    if (L->mode == 0) {
        if ((rc = want2(L)) < 0)
            return rc;
        L->mode = is_gzip(L) ? 1 : 2;
        if (L->mode == 1) {
            if (inflateInit2(&L->z, 16 + 15) != Z_OK)
                return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
            L->zinit = 1;
        }
    }
    size_t got = 0;
    if (L->mode == 1) {
        if ((rc = inflate_some(L, L->buf, MRL_LINES_BLOCK, &got)) < 0)
            return rc;
        if (got == 0 && L->cut)
            return fill(L);
    } else {
        if (L->z.avail_in == 0 && !L->in_eof && (rc = read_more(L)) < 0)
            return rc;
        got = L->z.avail_in;
        memcpy(L->buf, L->z.next_in, got);
        L->z.next_in += got, L->z.avail_in = 0;
    }
    L->blen = got;
    if (!L->started) {
        L->started = 1;
        if (L->blen >= 3 && memcmp(L->buf, "\xef\xbb\xbf", 3) == 0)
            L->bpos = 3;
    }
    return got > 0;
}

int io_lines_next(io_lines_t *L)
{
    if (L->have_line) {
        L->have_line = 0;
        return 1;
    }
    if (L->eof)
        return 0;
    size_t len = 0;
    int any = 0; /* bytes of this line seen (its end included) */
    for (;;) {
        if (L->bpos == L->blen) {
            int rc = fill(L);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                L->eof = 1;
                if (!any)
                    return 0;
                break;
            }
        }
        const unsigned char *p = L->buf + L->bpos, *end = L->buf + L->blen, *q = p;
        if (L->skip_lf) {
            L->skip_lf = 0;
            if (*p == '\n') {
                L->bpos++;
                continue;
            }
        }
        any = 1;
        while (q < end && *q != '\n' && *q != '\r') {
            if ((*q < 32 && *q != '\t') || *q == 127)
                return mrl_err_set(MRL_ERR_PARSE,
                                   "%s: line %ld column %zu: binary data (byte 0x%02x)", L->name,
                                   L->lineno + 1, len + (size_t)(q - p) + 1, (unsigned)*q);
            q++;
        }
        size_t n = (size_t)(q - p);
        if (n > 0) {
            if (io_grow(&L->line, &L->cap, len + n + 1))
                return MRL_ERR_NOMEM;
            memcpy(L->line + len, p, n);
            len += n;
        }
        L->bpos += n;
        if (q < end) { /* the line's end: LF, CR (a LF right after it is skipped) */
            L->skip_lf = *q == '\r';
            L->bpos++;
            break;
        }
    }
    if (io_grow(&L->line, &L->cap, len + 1))
        return MRL_ERR_NOMEM;
    L->line[len] = '\0';
    L->lineno++;
    return 1;
}
