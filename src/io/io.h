/*
 * io.h - internal helpers of the readers in src/io, and of the modules above io that read
 * text files (src/scan reads its candidates files back with io_lines_t). Not public.
 */
#ifndef MRL_IO_H
#define MRL_IO_H

#include <stdint.h>
#include <zlib.h>
#include "mirlens.h"

/* A line reader over a plain or gzip file (or stdin for "-"). Gzip is inflated here, not
 * through gzread: zlib's gzread reports a clean end for a member cut inside its trailer
 * when the last read filled the caller's buffer exactly (found by tests/fuzz). */
typedef struct io_lines {
    int fd;        /* the input, read with read(2) */
    z_stream z;    /* gzip members are inflated here; z.next_in/avail_in: bytes read ahead */
    unsigned char *zin; /* the read-ahead buffer behind z.next_in */
    int mode;      /* 0 not known yet, 1 gzip (the first bytes 1f 8b), 2 plain */
    int zinit;     /* z is initialised for inflate */
    int zend;      /* the last gzip member ended, no other has started */
    int in_eof;    /* read(2) has returned 0 */
    int cut;       /* the input ended inside a gzip member: the next read fails */
    uint64_t consumed; /* bytes read from the file (compressed bytes for gzip) */
    char *name;    /* "<stdin>" or the path, for messages */
    char *line;    /* current line without its end (CR/LF) */
    size_t cap;
    long lineno;   /* 1-based number of `line` */
    int eof;
    int have_line; /* io_lines_unread: `line` is returned again by the next read */
    uint64_t size; /* file size in bytes, 0 when unknown (stdin, a pipe) */
    unsigned char *buf; /* decompressed bytes: buf[bpos..blen) not yet used */
    size_t bpos, blen;
    int skip_lf;   /* the last line ended in CR: a LF right after it belongs to it */
    int started;   /* the first block was read (a UTF-8 byte-order mark skipped) */
} io_lines_t;

/* Open path ("-" = stdin). Returns 0 or MRL_ERR_IO / MRL_ERR_NOMEM (message set). */
int io_lines_open(io_lines_t *L, const char *path);
void io_lines_close(io_lines_t *L);
/* Next line into L->line: 1 = line, 0 = end of input, <0 = error (binary data, read
 * error, truncated gzip; the message is "NAME: line N[ column C]: what"). A line ends at
 * LF, CR LF or a lone CR (old Mac files); a UTF-8 byte-order mark opening the input is
 * skipped. */
int io_lines_next(io_lines_t *L);
/* Hand the current line out again on the next io_lines_next. */
void io_lines_unread(io_lines_t *L);
/* Grow *buf to hold at least need bytes. 0 or MRL_ERR_NOMEM. */
int io_grow(char **buf, size_t *cap, size_t need);

#endif
