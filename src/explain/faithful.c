/*
 * faithful.c - faithfulness of a nucleotide attribution: deletion and insertion curves
 * (Petsiuk, Das & Saenko 2018, "RISE", sec. 4.1; Samek et al. 2017, "Evaluating the
 * visualization of what a deep neural network has learned", MoRF curves), with random
 * orderings of the same nucleotides as the baseline.
 *
 * A faithful attribution puts first the nucleotides the network needs: deleting them in that
 * order makes the target probability fall faster (lower area) than deleting them in a random
 * order, and restoring them in that order into the fully masked image makes it rise faster
 * (higher area). Nucleotides are taken out with mrl_encode_masked.
 *
 * Every call evaluates (steps+1) x 2 x (1 + n_random) images: ordering j (0 = attribution,
 * 1.. = random), curve (0 deletion, 1 insertion), point k; image index
 * r = (2 j + curve) (steps+1) + k. They are drawn, normalised and predicted o->batch at a
 * time, so memory is one batch of images plus one probability per image.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "rank.h"

#define FAITH_MAX_STEPS 10000
#define FAITH_MAX_RANDOM 10000

void mrl_faith_opts_default(mrl_faith_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->steps = 20;
    o->mask = MRL_MASK_WHITE;
    o->n_random = 8;
    o->target = 1;
    o->batch = 128;
    o->seed = 1;
}

double mrl_curve_auc(const float *y, int steps)
{
    if (!y || steps < 1)
        return (double)NAN;
    double s = 0;
    for (int k = 0; k < steps; k++)
        s += 0.5 * ((double)y[k] + (double)y[k + 1]);
    return s / steps;
}

typedef struct faith {
    mrl_nn_t *nn;
    const mrl_model_t *m;
    const mrl_hairpin_t *h;
    const char *seq, *structure;
    size_t n;
    const mrl_faith_opts_t *o;
    int K;         /* logits of the model */
    int nd;        /* drawn positions */
    int *drawn;    /* (nd) drawn positions, ascending */
    int *order;    /* (1 + n_random, nd) orderings, attribution first */
    uint8_t *mask; /* (n) */
    size_t R, B;   /* images in all, images per pass */
    uint8_t *img;  /* (B,25,100,3) */
    float *x;      /* (B,3,25,100) */
    float *probs;  /* (B,K) */
    float *p;      /* (R) target probability per image */
} faith_t;

/* The model must take hairpin images and give >= 2 logits; *K receives their number. */
static int check_model(const faith_t *f, int *K)
{
    const mrl_arch_t *a = mrl_model_arch(f->m);
    if (a->in_c != 3 || a->in_h != MRL_IMG_H || a->in_w != MRL_IMG_W)
        return mrl_err_set(MRL_ERR_ARG,
                           "faithfulness: the model takes (%d,%d,%d) inputs, not "
                           "(3,%d,%d) hairpin images",
                           a->in_c, a->in_h, a->in_w, MRL_IMG_H, MRL_IMG_W);
    int sh[3];
    if (a->n_layers < 1 || mrl_arch_shape(a, a->n_layers - 1, sh) != 0 || sh[1] != 1 ||
        sh[2] != 1 || sh[0] < 2)
        return mrl_err_set(MRL_ERR_ARG, "faithfulness: the last layer must give >= 2 logits");
    if (f->o->target < 0 || f->o->target >= sh[0])
        return mrl_err_set(MRL_ERR_ARG, "faithfulness: target class %d out of range (%d classes)",
                           f->o->target, sh[0]);
    *K = sh[0];
    return 0;
}

static int check_opts(const mrl_faith_opts_t *o)
{
    if (o->steps < 1 || o->steps > FAITH_MAX_STEPS)
        return mrl_err_set(MRL_ERR_ARG, "faithfulness: steps %d not in [1, %d]", o->steps,
                           FAITH_MAX_STEPS);
    if (o->n_random < 0 || o->n_random > FAITH_MAX_RANDOM)
        return mrl_err_set(MRL_ERR_ARG, "faithfulness: n_random %d not in [0, %d]", o->n_random,
                           FAITH_MAX_RANDOM);
    if (o->batch < 1)
        return mrl_err_set(MRL_ERR_ARG, "faithfulness: batch %d < 1", o->batch);
    if (o->mask != MRL_MASK_WHITE && o->mask != MRL_MASK_N)
        return mrl_err_set(MRL_ERR_ARG, "faithfulness: unknown mask mode %d", o->mask);
    return 0;
}

/* Positions with a bar in a column < used, ascending, into f->drawn (f->mask is scratch).
 * Returns how many, or an error for a map that does not fit the n-letter sequence. */
static int collect_drawn(faith_t *f)
{
    const mrl_hairpin_t *h = f->h;
    if (h->used < 0 || h->used > MRL_IMG_W)
        return mrl_err_set(MRL_ERR_ARG, "faithfulness: bad hairpin (used = %d)", h->used);
    memset(f->mask, 0, f->n);
    for (int c = 0; c < h->used; c++) {
        int32_t q[2] = {h->pos5[c], h->pos3[c]};
        for (int s = 0; s < 2; s++) {
            if (q[s] < -1 || q[s] >= (int64_t)f->n)
                return mrl_err_set(MRL_ERR_ARG,
                                   "faithfulness: column %d of the hairpin is not a position of "
                                   "the %zu-letter sequence",
                                   c, f->n);
            if (q[s] >= 0)
                f->mask[q[s]] = 1;
        }
    }
    int nd = 0;
    for (size_t p = 0; p < f->n; p++)
        if (f->mask[p])
            f->drawn[nd++] = (int)p;
    return nd;
}

/* Ordering 0 by attribution; orderings 1..n_random Fisher-Yates shuffles of the ascending
 * positions, drawn one after the other from PCG32(seed, stream = index). */
static int make_orders(faith_t *f, const float *attr, long index)
{
    memcpy(f->order, f->drawn, (size_t)f->nd * sizeof *f->order);
    int rc = rank_sort(attr, f->order, f->nd);
    if (rc)
        return rc;
    mrl_rng_t rng;
    mrl_rng_init(&rng, f->o->seed, (uint64_t)index);
    for (int j = 1; j <= f->o->n_random; j++) {
        int *ord = f->order + (size_t)j * (size_t)f->nd;
        memcpy(ord, f->drawn, (size_t)f->nd * sizeof *ord);
        for (int i = f->nd - 1; i > 0; i--) {
            int s = (int)mrl_rng_below(&rng, (uint32_t)i + 1u), t = ord[i];
            ord[i] = ord[s], ord[s] = t;
        }
    }
    return 0;
}

/* Mask of image r: the first round(k nd / steps) of its ordering are masked (deletion) or
 * all drawn positions but those (insertion). */
static void image_mask(faith_t *f, size_t r)
{
    size_t S1 = (size_t)f->o->steps + 1, j = r / (2 * S1), k = r % S1;
    int ins = (int)(r / S1 % 2);
    uint64_t nd = (uint64_t)f->nd, S = (uint64_t)f->o->steps;
    uint64_t cnt = (2 * (uint64_t)k * nd + S) / (2 * S); /* round half up, exact */
    const int *ord = f->order + j * (size_t)f->nd;
    memset(f->mask, 0, f->n);
    for (int i = 0; i < f->nd; i++)
        f->mask[ord[i]] = (uint8_t)(((uint64_t)i < cnt) != ins);
}

static int run_images(faith_t *f)
{
    int rc = 0;
    for (size_t r0 = 0; !rc && r0 < f->R; r0 += f->B) {
        size_t nb = MRL_MIN(f->B, f->R - r0);
        for (size_t r = 0; !rc && r < nb; r++) {
            image_mask(f, r0 + r);
            rc = mrl_encode_masked(f->h, f->seq, f->structure, f->n, f->mask, f->o->mask,
                                   f->img + r * MRL_IMG_BYTES);
        }
        if (rc)
            break;
        mrl_model_normalize(f->m, f->img, nb, f->x);
        rc = mrl_nn_predict(f->nn, f->x, nb, f->probs);
        for (size_t r = 0; !rc && r < nb; r++)
            f->p[r0 + r] = f->probs[r * (size_t)f->K + (size_t)f->o->target];
    }
    return rc;
}

/* Rows of curves: the attribution's two curves, then the mean of the random ones. */
static void reduce(const faith_t *f, float *curves, double auc[4])
{
    size_t S1 = (size_t)f->o->steps + 1;
    for (size_t c = 0; c < 2; c++) {
        memcpy(curves + c * S1, f->p + c * S1, S1 * sizeof *curves);
        for (size_t k = 0; k < S1; k++) {
            double s = 0;
            for (size_t j = 1; j <= (size_t)f->o->n_random; j++)
                s += (double)f->p[(2 * j + c) * S1 + k];
            curves[(2 + c) * S1 + k] = f->o->n_random ? (float)(s / f->o->n_random) : NAN;
        }
    }
    for (int c = 0; auc && c < 4; c++)
        auc[c] = mrl_curve_auc(curves + (size_t)c * S1, f->o->steps);
}

static int setup(faith_t *f)
{
    int rc = check_opts(f->o);
    if (!rc)
        rc = check_model(f, &f->K);
    if (!rc && f->n >= ((size_t)1 << 30))
        rc = mrl_err_set(MRL_ERR_ARG, "faithfulness: sequence of %zu nt is too long", f->n);
    if (!rc && f->o->mask == MRL_MASK_N && (!f->seq || !f->structure))
        rc = mrl_err_set(MRL_ERR_ARG, "faithfulness: N masking needs seq and structure");
    return rc;
}

int mrl_faith_curves(mrl_nn_t *nn, const mrl_model_t *m, const mrl_hairpin_t *h, const char *seq,
                     const char *structure, size_t n, const float *attr, long index,
                     const mrl_faith_opts_t *o, float *curves, double auc[4])
{
    mrl_faith_opts_t d;
    if (!o)
        mrl_faith_opts_default(&d), o = &d;
    if (!nn || !m || !h || !attr || !curves)
        return mrl_err_set(MRL_ERR_ARG, "faithfulness: NULL model, hairpin, attribution or output");
    faith_t f = {.nn = nn, .m = m, .h = h, .seq = seq, .structure = structure, .n = n, .o = o};
    int rc = setup(&f);
    if (rc)
        return rc;
    f.R = ((size_t)o->steps + 1) * 2 * (1 + (size_t)o->n_random);
    f.B = MRL_MIN((size_t)o->batch, f.R);
    f.mask = malloc(n ? n : 1);
    f.drawn = malloc((n ? n : 1) * sizeof *f.drawn);
    f.img = malloc(f.B * MRL_IMG_BYTES);
    f.x = malloc(f.B * MRL_IMG_BYTES * sizeof *f.x); /* C*H*W = the image's byte count */
    f.probs = malloc(f.B * (size_t)f.K * sizeof *f.probs);
    f.p = malloc(f.R * sizeof *f.p);
    if (!f.mask || !f.drawn || !f.img || !f.x || !f.probs || !f.p) {
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = collect_drawn(&f)) < 0)
        goto done;
    f.nd = rc, rc = 0;
    for (int i = 0; i < f.nd && !rc; i++)
        if (isnan(attr[f.drawn[i]]))
            rc = mrl_err_set(MRL_ERR_ARG, "faithfulness: attribution of position %d is NaN",
                             f.drawn[i] + 1);
    if (!rc && f.nd == 0)
        rc = mrl_err_set(MRL_ERR_ARG, "faithfulness: the hairpin shows no nucleotide");
    if (!rc && !(f.order = malloc((1 + (size_t)o->n_random) * (size_t)f.nd * sizeof *f.order)))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = make_orders(&f, attr, index);
    if (!rc)
        rc = run_images(&f);
    if (!rc)
        reduce(&f, curves, auc);
done:
    free(f.mask), free(f.drawn), free(f.order), free(f.img), free(f.x), free(f.probs), free(f.p);
    return rc;
}

/* ---- one hairpin's curves from a method's map; sums over a set ---- */

int mrl_faith_hairpin(mrl_nn_t *nn, const mrl_model_t *m, const mrl_hairpin_t *h,
                      const char *seq, const char *structure, size_t n, int method,
                      const float *map2d, long index, const mrl_faith_opts_t *o, float *curves,
                      double auc[4])
{
    float *attr = malloc((n ? n : 1) * sizeof *attr);
    if (!attr)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    mrl_explain_nucleotides(h, map2d, n, attr, NULL);
    if (!mrl_explain_method_is_contribution(method)) /* rank by magnitude */
        for (size_t p = 0; p < n; p++)
            attr[p] = fabsf(attr[p]);
    int rc = mrl_faith_curves(nn, m, h, seq, structure, n, attr, index, o, curves, auc);
    free(attr);
    return rc;
}

int mrl_faith_sum_init(mrl_faith_sum_t *s, int n_methods, int steps)
{
    memset(s, 0, sizeof *s);
    if (n_methods < 1 || steps < 1)
        return mrl_err_set(MRL_ERR_ARG, "faithfulness sums need methods and steps");
    size_t M = (size_t)n_methods, S1 = (size_t)steps + 1;
    s->curve = calloc(M * 2 * 4 * S1, sizeof *s->curve);
    s->auc = calloc(M * 2 * 4, sizeof *s->auc);
    s->count = calloc(M * 2, sizeof *s->count);
    if (!s->curve || !s->auc || !s->count) {
        mrl_faith_sum_release(s);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    s->n_methods = n_methods, s->steps = steps;
    return 0;
}

void mrl_faith_sum_release(mrl_faith_sum_t *s)
{
    free(s->curve), free(s->auc), free(s->count);
    memset(s, 0, sizeof *s);
}

void mrl_faith_sum_add(mrl_faith_sum_t *s, int j, int called, const float *curves,
                       const double auc[4])
{
    const size_t S1 = (size_t)s->steps + 1;
    for (int sub = 0; sub < 1 + (called != 0); sub++) {
        size_t base = (size_t)j * 2 + (size_t)sub;
        double *fc = s->curve + base * 4 * S1;
        for (size_t k = 0; k < 4 * S1; k++)
            fc[k] += (double)curves[k];
        for (size_t k = 0; k < 4; k++)
            s->auc[base * 4 + k] += auc[k];
        s->count[base]++;
    }
}
