/*
 * grow.c - the one growth rule of the library's arrays (klib's kv_push, as a function).
 */
#include <stdint.h>
#include "util.h"

void *mrl_grow(void *p, size_t *cap, size_t need, size_t elem, size_t init)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : (init ? init : 1);
    while (c < need && c <= SIZE_MAX / 2)
        c *= 2;
    void *q = c >= need && elem && c <= SIZE_MAX / elem ? realloc(p, c * elem) : NULL;
    if (!q) {
        mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        return NULL;
    }
    *cap = c;
    return q;
}
