/*
 * io.h - internal helpers of the readers in src/io, and of the modules above io that read
 * text files (src/scan reads its candidates files back with io_lines_t). Not public.
 */
#ifndef MRL_IO_H
#define MRL_IO_H

#include <stdint.h>
#include <zlib.h>
#include "mirlens.h"

/* A line reader over a plain or gzip file (or stdin for "-"). */
typedef struct io_lines {
    gzFile gz;
    char *name;    /* "<stdin>" or the path, for messages */
    char *line;    /* current line without its end (CR/LF) */
    size_t cap;
    long lineno;   /* 1-based number of `line` */
    int eof;
    int have_line; /* io_lines_unread: `line` is returned again by the next read */
    uint64_t size; /* file size in bytes, 0 when unknown (stdin, a pipe) */
} io_lines_t;

/* Open path ("-" = stdin). Returns 0 or MRL_ERR_IO / MRL_ERR_NOMEM (message set). */
int io_lines_open(io_lines_t *L, const char *path);
void io_lines_close(io_lines_t *L);
/* Next line into L->line: 1 = line, 0 = end of input, <0 = error (binary data, read
 * error, truncated gzip; the message names the input and line). */
int io_lines_next(io_lines_t *L);
/* Hand the current line out again on the next io_lines_next. */
void io_lines_unread(io_lines_t *L);
/* Grow *buf to hold at least need bytes. 0 or MRL_ERR_NOMEM. */
int io_grow(char **buf, size_t *cap, size_t need);

#endif
