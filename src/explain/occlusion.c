/*
 * occlusion.c - occlusion sensitivity (Zeiler & Fergus 2014, sec. 4.2): the drop of the
 * target logit when part of the image is painted over with the background (white).
 *  - occlusion: a patch_h x patch_w patch slid with `stride` (the last position flush with
 *    the border); each pixel gets the mean drop of the patches that cover it;
 *  - occlusion-nt: one nucleotide bar at a time (a half column: the 5' base above the
 *    middle, the 3' base below it), the drop spread over that bar's pixels.
 * Patches and bars that are already white change nothing and are not evaluated (drop 0).
 */
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "explain.h"
#include "methods.h" /* this file's entry points */

typedef struct occ_ud {
    const ex_t *e;
    const float *x;
    const int *pos; /* patch origins (y, x) pairs, or feature ids */
    int nt;         /* 1: features, 0: patches */
    float *drop;    /* per row */
    float score;
} occ_ud_t;

static void blank_patch(const ex_t *e, float *x, int y0, int x0)
{
    size_t plane = (size_t)e->H * (size_t)e->W;
    int y1 = MRL_MIN(y0 + e->o->patch_h, e->H), x1 = MRL_MIN(x0 + e->o->patch_w, e->W);
    for (int c = 0; c < e->C; c++)
        for (int y = y0; y < y1; y++)
            for (int xx = x0; xx < x1; xx++) {
                size_t p = (size_t)c * plane + (size_t)y * (size_t)e->W + (size_t)xx;
                x[p] = e->white[p];
            }
}

static int patch_white(const ex_t *e, const float *x, int y0, int x0)
{
    size_t plane = (size_t)e->H * (size_t)e->W;
    int y1 = MRL_MIN(y0 + e->o->patch_h, e->H), x1 = MRL_MIN(x0 + e->o->patch_w, e->W);
    for (int c = 0; c < e->C; c++)
        for (int y = y0; y < y1; y++)
            for (int xx = x0; xx < x1; xx++) {
                size_t p = (size_t)c * plane + (size_t)y * (size_t)e->W + (size_t)xx;
                if (x[p] != e->white[p])
                    return 0;
            }
    return 1;
}

static void gen_occ(void *ud, size_t r0, size_t nb, float *rows)
{
    occ_ud_t *u = ud;
    const ex_t *e = u->e;
    for (size_t r = r0; r < r0 + nb; r++) {
        float *row = rows + (r - r0) * e->D;
        memcpy(row, u->x, e->D * sizeof(float));
        if (u->nt)
            ex_feature_blank(e, row, u->pos[r]);
        else
            blank_patch(e, row, u->pos[2 * r], u->pos[2 * r + 1]);
    }
}

static void take_occ(void *ud, size_t r0, size_t nb, const float *z, const float *g)
{
    (void)g;
    occ_ud_t *u = ud;
    for (size_t r = 0; r < nb; r++)
        u->drop[r0 + r] = u->score - z[r * (size_t)u->e->K + (size_t)u->e->o->target];
}

/* Patch origins along one axis: 0, stride, ..., and n - p so the border is covered. */
static int origins(int n, int p, int stride, int *out)
{
    int c = 0, last = MRL_MAX(n - p, 0);
    for (int v = 0; v < last; v += stride)
        out[c++] = v;
    out[c++] = last;
    return c;
}

static int patches_one(ex_t *e, const float *x, size_t k, float *map, mrl_explain_info_t *info)
{
    (void)k;
    size_t plane = (size_t)e->H * (size_t)e->W;
    int *oy = malloc(((size_t)e->H + (size_t)e->W + 2) * sizeof(int)), *ox = NULL;
    float *acc = calloc(2 * plane, sizeof(float));
    int *pos = NULL;
    float *drop = NULL;
    int rc = oy && acc ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (rc)
        goto done;
    ox = oy + e->H + 1;
    int ny = origins(e->H, e->o->patch_h, e->o->stride, oy);
    int nx = origins(e->W, e->o->patch_w, e->o->stride, ox);
    pos = malloc(2 * (size_t)ny * (size_t)nx * sizeof(int));
    drop = malloc((size_t)ny * (size_t)nx * sizeof(float));
    if (!pos || !drop) {
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t R = 0;
    for (int i = 0; i < ny; i++)
        for (int j = 0; j < nx; j++)
            if (!patch_white(e, x, oy[i], ox[j]))
                pos[2 * R] = oy[i], pos[2 * R + 1] = ox[j], R++;
    occ_ud_t u = {e, x, pos, 0, drop, info->score};
    if (R && (rc = ex_run(e, R, -1, gen_occ, take_occ, &u)))
        goto done;
    float *sum = acc, *cnt = acc + plane;
    size_t r = 0;
    for (int i = 0; i < ny; i++)
        for (int j = 0; j < nx; j++) {
            float d = 0;
            if (r < R && pos[2 * r] == oy[i] && pos[2 * r + 1] == ox[j])
                d = drop[r++];
            for (int y = oy[i]; y < MRL_MIN(oy[i] + e->o->patch_h, e->H); y++)
                for (int xx = ox[j]; xx < MRL_MIN(ox[j] + e->o->patch_w, e->W); xx++) {
                    sum[y * e->W + xx] += d;
                    cnt[y * e->W + xx] += 1;
                }
        }
    for (size_t p = 0; p < plane; p++)
        sum[p] = cnt[p] > 0 ? sum[p] / cnt[p] : 0;
    ex_spread(e, sum, map);
done:
    free(oy), free(acc), free(pos), free(drop);
    return rc;
}

static int bars_one(ex_t *e, const float *x, size_t k, float *map, mrl_explain_info_t *info)
{
    (void)k;
    size_t plane = (size_t)e->H * (size_t)e->W;
    int *feat = malloc(2 * (size_t)e->W * sizeof(int));
    float *drop = malloc(2 * (size_t)e->W * sizeof(float));
    float *s = calloc(plane, sizeof(float));
    int rc = feat && drop && s ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc) {
        int F = ex_features(e, x, feat);
        occ_ud_t u = {e, x, feat, 1, drop, info->score};
        if (F)
            rc = ex_run(e, (size_t)F, -1, gen_occ, take_occ, &u);
        for (int f = 0; !rc && f < F; f++)
            ex_feature_spread(e, x, feat[f], drop[f], s);
        if (!rc)
            ex_spread(e, s, map);
    }
    free(feat), free(drop), free(s);
    return rc;
}

int ex_occlusion(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return ex_each(e, x, n, maps, info, patches_one);
}

int ex_occlusion_nt(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return ex_each(e, x, n, maps, info, bars_one);
}
