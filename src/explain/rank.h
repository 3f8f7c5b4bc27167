/*
 * rank.h - nucleotide positions ordered by attribution, as the faithfulness curves
 * (faithful.c) and ROAR (roar.c) remove them; internal, not public. Header-only: one
 * comparison, one sort.
 */
#ifndef MRL_RANK_H
#define MRL_RANK_H

#include <stdlib.h>
#include "../util/util.h"

typedef struct rank {
    float a;
    int p;
} rank_t;

/* Attribution descending, then position ascending: a total order, so qsort is stable in
 * effect and the ordering deterministic (no NaN: the callers refuse or never make one). */
static inline int rank_cmp(const void *x, const void *y)
{
    const rank_t *u = x, *v = y;
    if (u->a != v->a)
        return u->a > v->a ? -1 : 1;
    return (u->p > v->p) - (u->p < v->p);
}

/* The n positions pos[] (into attr) reordered in place by rank_cmp. Returns 0 or
 * MRL_ERR_NOMEM. */
static inline int rank_sort(const float *attr, int *pos, int n)
{
    rank_t *rk = malloc((size_t)(n > 0 ? n : 1) * sizeof *rk);
    if (!rk)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        rk[i] = (rank_t){attr[pos[i]], pos[i]};
    qsort(rk, (size_t)n, sizeof *rk, rank_cmp);
    for (int i = 0; i < n; i++)
        pos[i] = rk[i].p;
    free(rk);
    return 0;
}

#endif
