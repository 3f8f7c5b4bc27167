/*
 * gradients.c - the gradient family: vanilla saliency (Simonyan, Vedaldi & Zisserman 2014),
 * gradient x input, guided backpropagation (Springenberg et al. 2015), the deconvnet rule
 * (Zeiler & Fergus 2014) and SmoothGrad (Smilkov et al. 2017) over plain or guided
 * gradients. The ReLU rule is a parameter of the engine's backward pass; here only the
 * rows (the images, or their noisy copies) and the averaging are decided.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "explain.h"
#include "methods.h" /* this file's entry points */

typedef struct grad_ud {
    const ex_t *e;
    const float *x; /* (N,C,H,W) */
    float *maps;    /* (N,C,H,W) */
    mrl_explain_info_t *info;
    size_t S;        /* rows per image: 1, or the SmoothGrad samples */
    float sigma;     /* SmoothGrad noise (normalised units) */
    mrl_rng_t rng;   /* the current image's stream */
    int times_input; /* gradient x (input - white) */
} grad_ud_t;

static void gen_rows(void *ud, size_t r0, size_t nb, float *rows)
{
    grad_ud_t *u = ud;
    size_t D = u->e->D;
    for (size_t r = r0; r < r0 + nb; r++) {
        size_t k = r / u->S;
        float *row = rows + (r - r0) * D;
        memcpy(row, u->x + k * D, D * sizeof(float));
        if (u->S == 1)
            continue;
        if (r % u->S == 0)
            mrl_rng_init(&u->rng, u->e->o->seed, (uint64_t)k);
        for (size_t p = 0; p < D; p++)
            row[p] += u->sigma * mrl_rng_normal(&u->rng);
    }
}

static void take_rows(void *ud, size_t r0, size_t nb, const float *z, const float *g)
{
    grad_ud_t *u = ud;
    const ex_t *e = u->e;
    size_t D = e->D;
    for (size_t r = r0; r < r0 + nb; r++) {
        size_t k = r / u->S, s = r % u->S;
        const float *gr = g + (r - r0) * D;
        float *map = u->maps + k * D;
        if (u->S == 1) {
            const float *zr = z + (r - r0) * (size_t)e->K;
            u->info[k].score = zr[e->o->target];
            float mx = zr[0], den = 0;
            for (int j = 1; j < e->K; j++)
                mx = zr[j] > mx ? zr[j] : mx;
            for (int j = 0; j < e->K; j++)
                den += expf(zr[j] - mx);
            u->info[k].prob = expf(zr[e->o->target] - mx) / den;
            for (size_t p = 0; p < D; p++)
                map[p] = u->times_input ? gr[p] * (u->x[k * D + p] - e->white[p]) : gr[p];
            continue;
        }
        if (s == 0)
            memset(map, 0, D * sizeof(float));
        for (size_t p = 0; p < D; p++)
            map[p] += gr[p];
        if (s == u->S - 1)
            for (size_t p = 0; p < D; p++)
                map[p] /= (float)u->S;
    }
}

/* Range of the normalised input (the span of one 0..255 channel, largest channel). */
static float input_range(const ex_t *e)
{
    const mrl_arch_t *a = mrl_model_arch(e->m);
    float r = 0;
    for (int c = 0; c < a->in_c; c++)
        r = MRL_MAX(r, fabsf(255.0f * a->in_scale[c]));
    return r;
}

/* The family's one run: n images (or n * samples noisy copies) under one ReLU rule. */
static int gradients(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info,
                     int rule, int smooth, int times_input)
{
    grad_ud_t u;
    memset(&u, 0, sizeof u);
    u.e = e, u.x = x, u.maps = maps, u.info = info;
    u.S = smooth ? (size_t)e->o->samples : 1;
    u.sigma = e->o->noise * input_range(e);
    u.times_input = times_input;
    if (smooth) { /* rows are noisy copies: the clean scores come apart (else take_rows) */
        int rc = ex_scores(e, x, n, info);
        if (rc)
            return rc;
    }
    return ex_run(e, n * u.S, rule, gen_rows, take_rows, &u);
}

int ex_saliency(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return gradients(e, x, n, maps, info, MRL_RELU_STANDARD, 0, 0);
}

int ex_gradient_x_input(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return gradients(e, x, n, maps, info, MRL_RELU_STANDARD, 0, 1);
}

int ex_guided(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return gradients(e, x, n, maps, info, MRL_RELU_GUIDED, 0, 0);
}

int ex_deconvnet(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return gradients(e, x, n, maps, info, MRL_RELU_DECONVNET, 0, 0);
}

int ex_smoothgrad(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return gradients(e, x, n, maps, info, MRL_RELU_STANDARD, 1, 0);
}

int ex_smoothgrad_guided(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return gradients(e, x, n, maps, info, MRL_RELU_GUIDED, 1, 0);
}
