/*
 * util.h - internal helpers shared by the library modules (not public).
 */
#ifndef MRL_UTIL_H
#define MRL_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include "mirlens.h"

/* Record an error message for mrl_errmsg() and return code (printf-style). */
int mrl_err_set(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Copy src into dst (cap bytes, NUL-terminated, cut at a whole character) with control
 * bytes (< 0x20, 0x7f) and bytes that are not well-formed UTF-8 written as "\xHH", so the
 * text is safe to print on a terminal. Returns the length written. mrl_err_set applies it
 * to every message. */
size_t mrl_err_escape(char *dst, size_t cap, const char *src);

/* Programmer invariant: stays on in every build; never for user input. */
#define MRL_ASSERT(c)                                                                            \
    do {                                                                                         \
        if (!(c)) {                                                                              \
            fprintf(stderr, "mirlens: internal error: %s:%d: %s\n", __FILE__, __LINE__, #c);     \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

#define MRL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MRL_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Room for need elements of elem bytes in the array p of *cap elements: p itself when it
 * has it, else p reallocated to the capacity doubled from *cap (init when 0) until it does,
 * *cap updated. NULL when out of memory (message set; p is still valid and still owned by
 * the caller, *cap unchanged). */
void *mrl_grow(void *p, size_t *cap, size_t need, size_t elem, size_t init);

/* The 95% percentile interval of the B values of v (a bootstrap's resampled statistics):
 * the finite values are kept (a resample without a value is dropped) and sorted in place;
 * of the k kept, lo is the floor(0.025 (k - 1))-th and hi the ceil(0.975 (k - 1))-th
 * (0-based). Both NAN when none is finite. */
void mrl_percentile95(double *v, int B, double *lo, double *hi);

/* CRC-32 (IEEE, as zlib) of a buffer, continuing from crc (start with 0). */
uint32_t mrl_crc32(uint32_t crc, const void *buf, size_t n);

#endif
