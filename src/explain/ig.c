/*
 * ig.c - integrated gradients (Sundararajan, Taly & Yan 2017, eq. 1 and its Riemann sum):
 * IG_i(x) = (x_i - b_i) * integral_0^1 d F(b + a (x - b)) / d x_i da, with the white image
 * as the baseline b, by the midpoint rule over `steps` points a = (s + 1/2) / steps. The
 * completeness axiom sum_i IG_i = F(x) - F(b) is reported as the gap.
 */
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "explain.h"
#include "methods.h" /* this file's entry points */

typedef struct ig_ud {
    const ex_t *e;
    const float *x, *b;
    float *acc; /* (C,H,W) sum of gradients */
    int steps;
} ig_ud_t;

static void gen_path(void *ud, size_t r0, size_t nb, float *rows)
{
    ig_ud_t *u = ud;
    size_t D = u->e->D;
    for (size_t r = r0; r < r0 + nb; r++) {
        float a = ((float)r + 0.5f) / (float)u->steps, *row = rows + (r - r0) * D;
        for (size_t p = 0; p < D; p++)
            row[p] = u->b[p] + a * (u->x[p] - u->b[p]);
    }
}

static void take_path(void *ud, size_t r0, size_t nb, const float *z, const float *g)
{
    (void)r0, (void)z;
    ig_ud_t *u = ud;
    size_t D = u->e->D;
    for (size_t r = 0; r < nb; r++)
        for (size_t p = 0; p < D; p++)
            u->acc[p] += g[r * D + p];
}

static int ig_one(ex_t *e, const float *x, size_t k, float *map, mrl_explain_info_t *info)
{
    (void)k;
    float ref;
    int rc = ex_white_score(e, &ref);
    if (rc)
        return rc;
    memset(map, 0, e->D * sizeof(float));
    ig_ud_t u = {e, x, e->white, map, e->o->steps};
    if ((rc = ex_run(e, (size_t)e->o->steps, MRL_RELU_STANDARD, gen_path, take_path, &u)))
        return rc;
    for (size_t p = 0; p < e->D; p++)
        map[p] = (x[p] - e->white[p]) * map[p] / (float)e->o->steps;
    info->ref = ref;
    return 0;
}

int ex_ig(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return ex_each(e, x, n, maps, info, ig_one);
}
