/*
 * ops.c - the engine's own elementwise kernels: layout import/export, ReLU forward and its
 * three backward rules (standard; guided backprop, Springenberg et al. 2015; deconvnet,
 * Zeiler & Fergus 2014), dropout masks (Srivastava et al. 2014, inverted scaling) and
 * softmax + cross-entropy.
 *
 * Elementwise work runs on the physical (possibly channel-blocked) buffers directly: the
 * padding channels hold zeros in every operand, and every rule maps (0, 0) to 0.
 */
#include <math.h>
#include <string.h>
#include "../util/util.h"
#include "nn.h"

void nn_layout_import(const nn_layout_t *l, size_t n, const float *src /* (N,C,H,W) */, float *dst)
{
    size_t chw = (size_t)l->c * l->h * l->w;
    if (l->cb == 1 && l->img == chw && l->sci == 0 && l->sw == 1 && l->sh == (size_t)l->w &&
        l->sco == (size_t)l->h * l->w) {
        memcpy(dst, src, n * chw * sizeof(float));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const float *s = src + i * chw;
        float *d = dst + i * l->img;
        for (int c = 0; c < l->c; c++)
            for (int h = 0; h < l->h; h++)
                for (int w = 0; w < l->w; w++)
                    d[nn_off(l, c, h, w)] = *s++;
    }
}

void nn_layout_export(const nn_layout_t *l, size_t n, const float *src, float *dst /* (N,C,H,W) */)
{
    size_t chw = (size_t)l->c * l->h * l->w;
    if (l->cb == 1 && l->img == chw && l->sci == 0 && l->sw == 1 && l->sh == (size_t)l->w &&
        l->sco == (size_t)l->h * l->w) {
        memcpy(dst, src, n * chw * sizeof(float));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const float *s = src + i * l->img;
        float *d = dst + i * chw;
        for (int c = 0; c < l->c; c++)
            for (int h = 0; h < l->h; h++)
                for (int w = 0; w < l->w; w++)
                    *d++ = s[nn_off(l, c, h, w)];
    }
}

/* Elementwise loops run in blocks of 16 with restrict pointers, a form that -O2's cheap
 * vectoriser turns into AVX-512 code; a scalar tail handles the rest. */
#define NN_VEC 16
#define EACH(len, body)                                                                            \
    do {                                                                                           \
        size_t j_ = 0;                                                                             \
        for (; j_ + NN_VEC <= (len); j_ += NN_VEC)                                                 \
            for (size_t q_ = 0; q_ < NN_VEC; q_++) {                                               \
                size_t j = j_ + q_;                                                                \
                body;                                                                              \
            }                                                                                      \
        for (size_t j = j_; j < (len); j++) {                                                      \
            body;                                                                                  \
        }                                                                                          \
    } while (0)

void nn_relu_fwd(const float *restrict x, float *restrict y, size_t len)
{
    EACH(len, y[j] = x[j] > 0.0f ? x[j] : 0.0f);
}

void nn_relu_bwd(const float *restrict dy, const float *restrict y, float *restrict dx, size_t len,
                 int rule)
{
    switch (rule) {
    case MRL_RELU_GUIDED:
        EACH(len, float d = dy[j]; float v = y[j]; dx[j] = ((v > 0.0f) & (d > 0.0f)) ? d : 0.0f);
        break;
    case MRL_RELU_DECONVNET:
        /* the deconvnet passes positive signal regardless of the forward activation */
        EACH(len, dx[j] = dy[j] > 0.0f ? dy[j] : 0.0f);
        break;
    default:
        EACH(len, float d = dy[j]; float v = y[j]; dx[j] = v > 0.0f ? d : 0.0f);
        break;
    }
}

void nn_mul(const float *restrict a, const float *restrict b, float *restrict out, size_t len)
{
    EACH(len, out[j] = a[j] * b[j]);
}

void nn_dropout_mask(const nn_layout_t *l, size_t n, float rate, mrl_rng_t *rng, float *mask)
{
    float keep = 1.0f / (1.0f - rate);
    for (size_t i = 0; i < n; i++) {
        float *m = mask + i * l->img;
        for (int c = 0; c < l->c; c++)
            for (int h = 0; h < l->h; h++)
                for (int w = 0; w < l->w; w++)
                    m[nn_off(l, c, h, w)] = mrl_rng_uniform(rng) < rate ? 0.0f : keep;
    }
}

void nn_xent(const float *logits, const int *labels, const float *cw, size_t n, int k,
             size_t denom, float *probs, float *dlogits, double *loss_sum, int *ncorrect)
{
    double sum_loss = 0.0;
    int nc = 0;
    for (size_t i = 0; i < n; i++) {
        const float *z = logits + i * (size_t)k;
        int arg = 0;
        for (int j = 1; j < k; j++)
            arg = z[j] > z[arg] ? j : arg;
        float mx = z[arg];
        double se = 0.0;
        for (int j = 0; j < k; j++)
            se += exp((double)(z[j] - mx));
        double lse = log(se);
        int y = labels ? labels[i] : -1;
        float wy = cw && y >= 0 && y < k ? cw[y] : 1.0f;
        if (y >= 0 && y < k)
            sum_loss += (double)wy * (lse - (double)(z[y] - mx));
        nc += arg == y;
        for (int j = 0; j < k; j++) {
            float p = (float)exp((double)(z[j] - mx) - lse);
            if (probs)
                probs[i * (size_t)k + j] = p;
            if (dlogits)
                dlogits[i * (size_t)k + j] = wy * (p - (j == y ? 1.0f : 0.0f)) / (float)denom;
        }
    }
    if (loss_sum)
        *loss_sum = sum_loss;
    if (ncorrect)
        *ncorrect = nc;
}

void mrl_nn_softmax_xent(const float *logits, const int *labels, size_t n, int k, float *probs,
                         float *dlogits, double *loss)
{
    double sum;
    nn_xent(logits, labels, NULL, n, k, n, probs, dlogits, &sum, NULL);
    if (loss)
        *loss = n ? sum / (double)n : 0.0;
}
