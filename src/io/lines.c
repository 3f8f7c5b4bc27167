/*
 * lines.c - the line reader under the FASTA and structure readers: plain or gzip input
 * through zlib, any line length, CR/LF or LF line ends, binary data refused with the
 * line where it appears.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../util/util.h"
#include "io.h"

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
    int is_stdin = strcmp(path, "-") == 0;
    L->name = strdup(is_stdin ? "<stdin>" : path);
    if (!L->name)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    errno = 0;
    L->gz = is_stdin ? gzdopen(dup(0), "rb") : gzopen(path, "rb");
    if (!L->gz) {
        int rc = mrl_err_set(MRL_ERR_IO, "cannot open '%s': %s", path,
                             errno ? strerror(errno) : "out of memory");
        io_lines_close(L);
        return rc;
    }
    gzbuffer(L->gz, 1 << 17);
    struct stat st;
    if (!is_stdin && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        L->size = (uint64_t)st.st_size;
    return 0;
}

void io_lines_close(io_lines_t *L)
{
    if (L->gz)
        gzclose(L->gz);
    free(L->name);
    free(L->line);
    memset(L, 0, sizeof *L);
}

void io_lines_unread(io_lines_t *L)
{
    L->have_line = 1;
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
    for (;;) {
        if (io_grow(&L->line, &L->cap, len + 4096))
            return MRL_ERR_NOMEM;
        size_t room = MRL_MIN(L->cap - len, (size_t)1 << 30);
        if (!gzgets(L->gz, L->line + len, (int)room)) {
            int zerr;
            const char *msg = gzerror(L->gz, &zerr);
            if (zerr == Z_BUF_ERROR)
                return mrl_err_set(MRL_ERR_CORRUPT, "%s: truncated gzip input", L->name);
            if (zerr != Z_OK)
                return mrl_err_set(MRL_ERR_IO, "%s: line %ld: read error: %s", L->name,
                                   L->lineno + 1, zerr == Z_ERRNO ? strerror(errno) : msg);
            L->eof = 1;
            if (len == 0)
                return 0;
            break;
        }
        size_t got = strlen(L->line + len);
        for (size_t i = len; i < len + got; i++) {
            unsigned char c = (unsigned char)L->line[i];
            if ((c < 32 && c != '\t' && c != '\r' && c != '\n') || c == 127)
                return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: binary data (byte 0x%02x)",
                                   L->name, L->lineno + 1, (unsigned)c);
        }
        len += got;
        if (got > 0 && L->line[len - 1] == '\n')
            break;
        if (got + 1 < room && !gzeof(L->gz)) /* gzgets stopped early: a NUL byte */
            return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: binary data (byte 0x00)", L->name,
                               L->lineno + 1);
    }
    while (len > 0 && (L->line[len - 1] == '\n' || L->line[len - 1] == '\r'))
        len--;
    L->line[len] = '\0';
    L->lineno++;
    return 1;
}
