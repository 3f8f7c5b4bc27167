/*
 * test_grow.c - mrl_grow, the library's one array growth rule: capacities worked by hand,
 * contents kept across growth, and the overflow refusal (p untouched, message set).
 */
#include <stdint.h>
#include "test.h"
#include "util/util.h"

int main(void)
{
    size_t cap = 0;
    int *v = mrl_grow(NULL, &cap, 1, sizeof *v, 4);
    CHECK(v != NULL);
    CHECK_INT(cap, 4); /* from nothing: init */
    CHECK(mrl_grow(v, &cap, 4, sizeof *v, 4) == v); /* room already: p itself */
    CHECK_INT(cap, 4);
    for (int i = 0; i < 4; i++)
        v[i] = 10 * i;
    v = mrl_grow(v, &cap, 5, sizeof *v, 4);
    CHECK(v != NULL);
    CHECK_INT(cap, 8); /* doubled */
    v = mrl_grow(v, &cap, 33, sizeof *v, 4);
    CHECK(v != NULL);
    CHECK_INT(cap, 64); /* 8 -> 16 -> 32 -> 64: doubled until it holds 33 */
    CHECK(v[0] == 0 && v[3] == 30); /* contents kept */
    size_t c0 = 0;
    int *w = mrl_grow(NULL, &c0, 3, sizeof *w, 0);
    CHECK(w != NULL);
    CHECK_INT(c0, 4); /* init 0 starts from 1: 1 -> 2 -> 4 */
    free(w);
    /* a size that cannot be allocated: NULL, v and cap as they were, the message set */
    size_t before = cap;
    CHECK(mrl_grow(v, &cap, SIZE_MAX / 2, sizeof *v, 4) == NULL);
    CHECK_INT(cap, before);
    CHECK(strstr(mrl_errmsg(), "out of memory") != NULL);
    CHECK(v[3] == 30);
    free(v);
    return test_summary("test_grow");
}
