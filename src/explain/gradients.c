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

int ex_gradients(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    int method = e->o->method, rule = MRL_RELU_STANDARD, smooth = 0;
    switch (method) {
    case MRL_EXPLAIN_GUIDED:
        rule = MRL_RELU_GUIDED;
        break;
    case MRL_EXPLAIN_DECONVNET:
        rule = MRL_RELU_DECONVNET;
        break;
    case MRL_EXPLAIN_SMOOTHGRAD:
        smooth = 1;
        break;
    case MRL_EXPLAIN_SMOOTHGRAD_GUIDED:
        smooth = 1, rule = MRL_RELU_GUIDED;
        break;
    default:
        break;
    }
    grad_ud_t u;
    memset(&u, 0, sizeof u);
    u.e = e, u.x = x, u.maps = maps, u.info = info;
    u.S = smooth ? (size_t)e->o->samples : 1;
    u.sigma = e->o->noise * input_range(e);
    u.times_input = method == MRL_EXPLAIN_GRADIENT_X_INPUT;
    if (smooth) { /* the clean images' scores: one forward pass, batched */
        for (size_t k = 0; k < n; k++) {
            int rc = ex_score(e, x + k * e->D, &info[k].score, &info[k].prob);
            if (rc)
                return rc;
        }
    }
    return ex_run(e, n * u.S, rule, gen_rows, take_rows, &u);
}
