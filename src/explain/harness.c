/*
 * harness.c - what every attribution method shares: the set-up of a call, the batched
 * evaluation (perturbed copies of an image are generated one engine batch at a time, run
 * forward, and backward to the input with weight gradients off, and consumed, so memory is
 * bounded by one batch whatever the number of samples or steps), the scores of the explained
 * images, the totals and completeness gaps of info, and nucleotide bars as features.
 * It calls no method and not the front door (explain.h says who includes whom).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "explain.h"

/* ---- set-up ----------------------------------------------------------------------- */

static int check(const mrl_model_t *m, const mrl_explain_opts_t *o, ex_t *e)
{
    const mrl_arch_t *a = mrl_model_arch(m);
    int s[3];
    if (mrl_arch_shape(a, a->n_layers - 1, s) < 0 || s[1] != 1 || s[2] != 1 || s[0] < 2)
        return mrl_err_set(MRL_ERR_ARG, "the model's last layer must give >= 2 logits");
    e->K = s[0];
    e->L = a->n_layers;
    e->C = a->in_c, e->H = a->in_h, e->W = a->in_w;
    e->D = (size_t)e->C * (size_t)e->H * (size_t)e->W;
    if (o->target < 0 || o->target >= e->K)
        return mrl_err_set(MRL_ERR_ARG, "target class %d not in [0,%d)", o->target, e->K);
    if (o->samples < 1 || o->steps < 1 || o->kshap_samples < 2 || o->batch < 1 || o->batch > 4096 ||
        !(o->noise >= 0) || o->patch_h < 1 || o->patch_w < 1 || o->stride < 1 ||
        (o->background && !o->n_background))
        return mrl_err_set(MRL_ERR_ARG, "bad explain options (samples, steps, batch, noise, "
                                        "patch, stride or background)");
    return 0;
}

/* Room for `rows` rows in the pass buffers (their contents are scratch, dy is refilled). Sized
 * by the largest run of the call, so small calls stay small. */
static int ex_fit(ex_t *e, size_t rows)
{
    free(e->rows), free(e->grad), free(e->logit), free(e->dy);
    e->rows = malloc(rows * e->D * sizeof(float));
    e->grad = malloc(rows * e->D * sizeof(float));
    e->logit = malloc(rows * (size_t)e->K * sizeof(float));
    e->dy = calloc(rows * (size_t)e->K, sizeof(float));
    e->cap = e->rows && e->grad && e->logit && e->dy ? rows : 0;
    if (!e->cap)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < rows; r++)
        e->dy[r * (size_t)e->K + (size_t)e->o->target] = 1.0f;
    return 0;
}

int ex_init(ex_t *e, mrl_nn_t *nn, const mrl_model_t *m, const mrl_explain_opts_t *o)
{
    memset(e, 0, sizeof *e);
    int rc = check(m, o, e);
    if (rc)
        return rc;
    e->nn = nn, e->m = m, e->o = o;
    e->B = (size_t)o->batch;
    if ((rc = ex_fit(e, 1)))
        return rc;
    if (!(e->white = malloc(e->D * sizeof(float))))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    const mrl_arch_t *a = mrl_model_arch(m);
    size_t plane = (size_t)e->H * (size_t)e->W;
    for (int c = 0; c < e->C; c++)
        for (size_t p = 0; p < plane; p++)
            e->white[(size_t)c * plane + p] = 255.0f * a->in_scale[c] + a->in_shift[c];
    return 0;
}

void ex_release(ex_t *e)
{
    free(e->rows), free(e->grad), free(e->logit), free(e->dy), free(e->white);
    free(e->bg_score);
}

/* ---- batched evaluation ---------------------------------------------------------- */

int ex_run(ex_t *e, size_t R, int rule, ex_gen_fn gen, ex_take_fn take, void *ud)
{
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    bo.relu_rule = rule < 0 ? MRL_RELU_STANDARD : rule;
    if (MRL_MIN(e->B, R) > e->cap) {
        int rc = ex_fit(e, MRL_MIN(e->B, R));
        if (rc)
            return rc;
    }
    for (size_t r0 = 0; r0 < R; r0 += e->B) {
        size_t nb = MRL_MIN(e->B, R - r0);
        gen(ud, r0, nb, e->rows);
        int rc = mrl_nn_forward(e->nn, e->rows, nb, rule < 0 ? MRL_NN_INFER : MRL_NN_EXPLAIN, NULL);
        if (!rc)
            rc = mrl_nn_read(e->nn, e->L - 1, 0, e->logit);
        if (!rc && rule >= 0)
            rc = mrl_nn_backward(e->nn, e->L - 1, e->dy, &bo);
        if (!rc && rule >= 0)
            rc = mrl_nn_read(e->nn, -1, 1, e->grad);
        if (rc)
            return rc;
        take(ud, r0, nb, e->logit, rule >= 0 ? e->grad : NULL);
    }
    return 0;
}

static float target_prob(const float *z, int K, int t)
{
    float mx = z[0];
    for (int j = 1; j < K; j++)
        mx = z[j] > mx ? z[j] : mx;
    double s = 0;
    for (int j = 0; j < K; j++)
        s += exp((double)(z[j] - mx));
    return (float)(exp((double)(z[t] - mx)) / s);
}

typedef struct copy_ud {
    const ex_t *e;
    const float *x; /* (R,C,H,W) */
    float *score, *prob, *grad;
} copy_ud_t;

static void gen_copy(void *ud, size_t r0, size_t nb, float *rows)
{
    copy_ud_t *u = ud;
    memcpy(rows, u->x + r0 * u->e->D, nb * u->e->D * sizeof(float));
}

static void take_copy(void *ud, size_t r0, size_t nb, const float *z, const float *g)
{
    copy_ud_t *u = ud;
    int K = u->e->K, t = u->e->o->target;
    for (size_t r = 0; r < nb; r++) {
        if (u->score)
            u->score[r0 + r] = z[r * (size_t)K + (size_t)t];
        if (u->prob)
            u->prob[r0 + r] = target_prob(z + r * (size_t)K, K, t);
    }
    if (g && u->grad)
        memcpy(u->grad + r0 * u->e->D, g, nb * u->e->D * sizeof(float));
}

int ex_score(ex_t *e, const float *x, float *score, float *prob)
{
    copy_ud_t u = {e, x, score, prob, NULL};
    return ex_run(e, 1, -1, gen_copy, take_copy, &u);
}

int ex_white_score(ex_t *e, float *score)
{
    float prob;
    int rc = e->have_white ? 0 : ex_score(e, e->white, &e->white_score, &prob);
    e->have_white = !rc;
    *score = e->white_score;
    return rc;
}

/* One image at a time when computed: an image's score (and so the drops and gaps measured
 * against it) never depends on the batch it came in. */
int ex_scores(ex_t *e, const float *x, size_t n, mrl_explain_info_t *info)
{
    const float *z = e->o->logits;
    int rc = 0, K = e->K, t = e->o->target;
    for (size_t k = 0; !rc && k < n; k++) {
        if (!z) {
            rc = ex_score(e, x + k * e->D, &info[k].score, &info[k].prob);
            continue;
        }
        info[k].score = z[k * (size_t)K + (size_t)t];
        info[k].prob = target_prob(z + k * (size_t)K, K, t);
    }
    return rc;
}

int ex_gradient(ex_t *e, const float *x, int rule, float *g)
{
    copy_ud_t u = {e, x, NULL, NULL, g};
    return ex_run(e, 1, rule, gen_copy, take_copy, &u);
}

int ex_each(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info,
            ex_image_fn one)
{
    int rc = ex_scores(e, x, n, info);
    for (size_t k = 0; !rc && k < n; k++)
        rc = one(e, x + k * e->D, k, maps + k * e->D, &info[k]);
    return rc;
}

void ex_totals(const ex_t *e, const float *maps, size_t n, mrl_explain_info_t *info)
{
    for (size_t k = 0; k < n; k++) {
        double t = 0;
        for (size_t p = 0; p < e->D; p++)
            t += (double)maps[k * e->D + p];
        info[k].total = (float)t;
        if (!isnan(info[k].ref))
            info[k].gap = (float)(t - ((double)info[k].score - (double)info[k].ref));
    }
}

void ex_spread(const ex_t *e, const float *s, float *map)
{
    size_t plane = (size_t)e->H * (size_t)e->W;
    float inv = 1.0f / (float)e->C;
    for (int c = 0; c < e->C; c++)
        for (size_t p = 0; p < plane; p++)
            map[(size_t)c * plane + p] = s[p] * inv;
}

/* ---- nucleotide bars as features -------------------------------------------------- */

/* First row of the lower half: the row after MRL_IMG_TOP_ROW on hairpin images. */
static int split_row(const ex_t *e)
{
    return e->H == MRL_IMG_H ? MRL_IMG_TOP_ROW + 1 : e->H / 2;
}

static int is_white(const ex_t *e, const float *x, size_t p)
{
    size_t plane = (size_t)e->H * (size_t)e->W;
    for (int c = 0; c < e->C; c++)
        if (x[(size_t)c * plane + p] != e->white[(size_t)c * plane + p])
            return 0;
    return 1;
}

static void feature_rows(const ex_t *e, int f, int *r0, int *r1)
{
    int s = split_row(e);
    *r0 = f % 2 ? s : 0;
    *r1 = f % 2 ? e->H : s;
}

int ex_features(const ex_t *e, const float *x, int *feat)
{
    int F = 0;
    for (int f = 0; f < 2 * e->W; f++) {
        int r0, r1, col = f / 2, any = 0;
        feature_rows(e, f, &r0, &r1);
        for (int r = r0; r < r1 && !any; r++)
            any = !is_white(e, x, (size_t)r * (size_t)e->W + (size_t)col);
        if (any)
            feat[F++] = f;
    }
    return F;
}

void ex_feature_blank(const ex_t *e, float *x, int f)
{
    int r0, r1;
    size_t plane = (size_t)e->H * (size_t)e->W;
    feature_rows(e, f, &r0, &r1);
    for (int r = r0; r < r1; r++)
        for (int c = 0; c < e->C; c++) {
            size_t p = (size_t)c * plane + (size_t)r * (size_t)e->W + (size_t)(f / 2);
            x[p] = e->white[p];
        }
}

void ex_feature_spread(const ex_t *e, const float *x, int f, float v, float *s)
{
    int r0, r1, cnt = 0;
    feature_rows(e, f, &r0, &r1);
    for (int pass = 0; pass < 2; pass++)
        for (int r = r0; r < r1; r++) {
            size_t p = (size_t)r * (size_t)e->W + (size_t)(f / 2);
            if (is_white(e, x, p))
                continue;
            if (pass == 0)
                cnt++;
            else
                s[p] += v / (float)cnt;
        }
}
