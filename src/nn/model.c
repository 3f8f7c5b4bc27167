/*
 * model.c - network description, parameter table, Glorot initialisation, metadata, input
 * normalisation and the Adam optimiser.
 *
 * The default network is the best model of Cordero, Menkovski & Allmer 2019 (bioRxiv
 * 840579, "VGG-style, 3 modules, 256 dense units"); initialisation follows Glorot & Bengio
 * 2010 (uniform, Keras' fans for convolutions); Adam is Kingma & Ba 2015 in Keras' form.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "nn.h"

void mrl_arch_default(mrl_arch_t *a, int k)
{
    if (k <= 0)
        k = 3;
    memset(a, 0, sizeof *a);
    a->in_c = 3;
    a->in_h = 25;
    a->in_w = 100;
    for (int c = 0; c < a->in_c; c++)
        a->in_scale[c] = 1.0f / 255.0f;
    static const int width[3] = {48, 60, 72};
    int n = 0;
    for (int mod = 0; mod < 3; mod++) {
        for (int j = 0; j < 2; j++) {
            /* the very first convolution is "valid", all others "same" */
            a->layer[n++] = (mrl_layer_spec_t){MRL_LAYER_CONV, width[mod], k, mod + j > 0, 0};
            a->layer[n++] = (mrl_layer_spec_t){MRL_LAYER_RELU, 0, 0, 0, 0};
        }
        a->layer[n++] = (mrl_layer_spec_t){MRL_LAYER_MAXPOOL, 0, 2, 0, 0};
        a->layer[n++] = (mrl_layer_spec_t){MRL_LAYER_DROPOUT, 0, 0, 0, 0.25f};
    }
    a->layer[n++] = (mrl_layer_spec_t){MRL_LAYER_FLATTEN, 0, 0, 0, 0};
    a->layer[n++] = (mrl_layer_spec_t){MRL_LAYER_DENSE, 256, 0, 0, 0};
    a->layer[n++] = (mrl_layer_spec_t){MRL_LAYER_RELU, 0, 0, 0, 0};
    a->layer[n++] = (mrl_layer_spec_t){MRL_LAYER_DROPOUT, 0, 0, 0, 0.5f};
    a->layer[n++] = (mrl_layer_spec_t){MRL_LAYER_DENSE, 2, 0, 0, 0};
    a->n_layers = n;
}

/* Output shape of one layer from its input shape; 0 or MRL_ERR_ARG. */
static int layer_shape(const mrl_layer_spec_t *l, int i, const int in[3], int out[3])
{
    out[0] = in[0], out[1] = in[1], out[2] = in[2];
    switch (l->kind) {
    case MRL_LAYER_CONV:
        if (l->out < 1 || l->out > 65536 || l->k < 1 || l->k > 64 || (l->same != 0 && l->same != 1))
            return mrl_err_set(MRL_ERR_ARG, "layer %d: bad convolution parameters", i);
        out[0] = l->out;
        if (!l->same)
            out[1] = in[1] - l->k + 1, out[2] = in[2] - l->k + 1;
        break;
    case MRL_LAYER_MAXPOOL:
        if (l->k < 1 || l->k > 64)
            return mrl_err_set(MRL_ERR_ARG, "layer %d: bad pooling window", i);
        out[1] = in[1] / l->k, out[2] = in[2] / l->k;
        break;
    case MRL_LAYER_DROPOUT:
        if (!(l->rate >= 0.0f && l->rate < 1.0f))
            return mrl_err_set(MRL_ERR_ARG, "layer %d: dropout rate not in [0,1)", i);
        break;
    case MRL_LAYER_FLATTEN:
        out[0] = in[0] * in[1] * in[2], out[1] = out[2] = 1;
        break;
    case MRL_LAYER_DENSE:
        if (l->out < 1 || l->out > (1 << 24))
            return mrl_err_set(MRL_ERR_ARG, "layer %d: bad dense width", i);
        if (in[1] != 1 || in[2] != 1) {
            /* dense straight on a feature map needs an explicit flatten before it */
            return mrl_err_set(MRL_ERR_ARG, "layer %d: dense layer needs a flatten before it", i);
        }
        out[0] = l->out;
        break;
    case MRL_LAYER_RELU:
        break;
    default:
        return mrl_err_set(MRL_ERR_ARG, "layer %d: unknown layer kind %d", i, l->kind);
    }
    if (out[0] < 1 || out[1] < 1 || out[2] < 1)
        return mrl_err_set(MRL_ERR_ARG, "layer %d: output shape becomes empty", i);
    return 0;
}

int mrl_arch_check(const mrl_arch_t *a)
{
    if (a->in_c < 1 || a->in_c > MRL_NN_MAX_IN_C || a->in_h < 1 || a->in_w < 1 || a->in_h > 4096 ||
        a->in_w > 4096)
        return mrl_err_set(MRL_ERR_ARG, "bad input shape %dx%dx%d", a->in_c, a->in_h, a->in_w);
    if (a->n_layers < 1 || a->n_layers > MRL_NN_MAX_LAYERS)
        return mrl_err_set(MRL_ERR_ARG, "bad layer count %d", a->n_layers);
    int s[3] = {a->in_c, a->in_h, a->in_w}, t[3];
    for (int i = 0; i < a->n_layers; i++) {
        int rc = layer_shape(&a->layer[i], i, s, t);
        if (rc)
            return rc;
        if ((double)t[0] * t[1] * t[2] > 1e8)
            return mrl_err_set(MRL_ERR_ARG, "layer %d: output too large", i);
        memcpy(s, t, sizeof s);
    }
    for (int c = 0; c < a->in_c; c++)
        if (!isfinite(a->in_scale[c]) || !isfinite(a->in_shift[c]))
            return mrl_err_set(MRL_ERR_ARG, "input normalisation is not finite");
    return 0;
}

int mrl_arch_shape(const mrl_arch_t *a, int layer, int shape[3])
{
    if (layer < -1 || layer >= a->n_layers)
        return mrl_err_set(MRL_ERR_ARG, "layer %d out of range", layer);
    int s[3] = {a->in_c, a->in_h, a->in_w}, t[3];
    for (int i = 0; i <= layer; i++) {
        MRL_ASSERT(layer_shape(&a->layer[i], i, s, t) == 0);
        memcpy(s, t, sizeof s);
    }
    memcpy(shape, s, sizeof s);
    return 0;
}

int nn_model_alloc(mrl_model_t **out, const mrl_arch_t *a, size_t max_params)
{
    *out = NULL;
    int rc = mrl_arch_check(a);
    if (rc)
        return rc;
    mrl_model_t *m = calloc(1, sizeof *m);
    if (!m)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    m->arch = *a;
    size_t off = 0;
    int s[3] = {a->in_c, a->in_h, a->in_w};
    for (int i = 0; i < a->n_layers; i++) {
        const mrl_layer_spec_t *l = &a->layer[i];
        size_t fan_in = (size_t)s[0] * s[1] * s[2];
        if (l->kind == MRL_LAYER_CONV)
            fan_in = (size_t)s[0] * l->k * l->k;
        if (l->kind == MRL_LAYER_CONV || l->kind == MRL_LAYER_DENSE) {
            m->w_off[i] = off, m->w_n[i] = (size_t)l->out * fan_in, off += m->w_n[i];
            m->b_off[i] = off, m->b_n[i] = (size_t)l->out, off += m->b_n[i];
        }
        MRL_ASSERT(mrl_arch_shape(a, i, s) == 0);
    }
    m->nparams = off;
    if (off > max_params || off > ((size_t)1 << 31)) {
        mrl_model_free(m);
        return mrl_err_set(MRL_ERR_RANGE, "the architecture has too many parameters (%zu)", off);
    }
    /* one block each, 64-byte aligned (llm.c keeps them contiguous the same way) */
    size_t bytes = (off * sizeof(float) + 63) / 64 * 64;
    m->params = aligned_alloc(64, bytes);
    m->grads = aligned_alloc(64, bytes);
    m->adam_m = aligned_alloc(64, bytes);
    m->adam_v = aligned_alloc(64, bytes);
    if (!m->params || !m->grads || !m->adam_m || !m->adam_v) {
        mrl_model_free(m);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory for %zu parameters", off);
    }
    memset(m->params, 0, bytes);
    memset(m->grads, 0, bytes);
    memset(m->adam_m, 0, bytes);
    memset(m->adam_v, 0, bytes);
    m->version = 1;
    *out = m;
    return 0;
}

void nn_glorot_layer(mrl_model_t *m, int i, const int in[3], mrl_rng_t *rng)
{
    /* Glorot uniform: limit = sqrt(6 / (fan_in + fan_out)), receptive field counted in both
     * fans for convolutions (Keras). */
    const mrl_layer_spec_t *l = &m->arch.layer[i];
    double rf = l->kind == MRL_LAYER_CONV ? (double)l->k * l->k : 1.0;
    double fin = l->kind == MRL_LAYER_CONV ? in[0] * rf : (double)in[0] * in[1] * in[2];
    double fout = l->out * rf;
    float lim = (float)sqrt(6.0 / (fin + fout));
    float *w = m->params + m->w_off[i];
    for (size_t j = 0; j < m->w_n[i]; j++)
        w[j] = (2.0f * mrl_rng_uniform(rng) - 1.0f) * lim;
}

int mrl_model_new(mrl_model_t **out, const mrl_arch_t *a, uint64_t seed)
{
    mrl_model_t *m;
    int rc = nn_model_alloc(&m, a, SIZE_MAX);
    if (rc)
        return rc;
    mrl_rng_t rng;
    mrl_rng_init(&rng, seed, 0);
    int s[3] = {a->in_c, a->in_h, a->in_w};
    for (int i = 0; i < a->n_layers; i++) {
        if (m->w_n[i])
            nn_glorot_layer(m, i, s, &rng);
        MRL_ASSERT(mrl_arch_shape(a, i, s) == 0);
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)seed);
    rc = mrl_model_meta_set(m, "seed", buf);
    if (rc) {
        mrl_model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void mrl_model_free(mrl_model_t *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n_meta; i++) {
        free(m->meta[i].key);
        free(m->meta[i].val);
    }
    free(m->meta);
    free(m->params);
    free(m->grads);
    free(m->adam_m);
    free(m->adam_v);
    free(m);
}

const mrl_arch_t *mrl_model_arch(const mrl_model_t *m)
{
    return &m->arch;
}

size_t mrl_model_nparams(const mrl_model_t *m)
{
    return m->nparams;
}

float *mrl_model_params(mrl_model_t *m)
{
    return m->params;
}

float *mrl_model_grads(mrl_model_t *m)
{
    return m->grads;
}

void mrl_model_touch(mrl_model_t *m)
{
    m->version++;
}

void mrl_model_zero_grads(mrl_model_t *m)
{
    memset(m->grads, 0, m->nparams * sizeof(float));
}

int mrl_model_layer_params(const mrl_model_t *m, int layer, size_t *w_off, size_t *w_n,
                           size_t *b_off, size_t *b_n)
{
    if (layer < 0 || layer >= m->arch.n_layers)
        return mrl_err_set(MRL_ERR_ARG, "layer %d out of range", layer);
    *w_off = m->w_off[layer], *w_n = m->w_n[layer];
    *b_off = m->b_off[layer], *b_n = m->b_n[layer];
    return 0;
}

void mrl_model_normalize(const mrl_model_t *m, const uint8_t *img, size_t n, float *x)
{
    const mrl_arch_t *a = &m->arch;
    size_t hw = (size_t)a->in_h * a->in_w, C = (size_t)a->in_c;
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < C; c++) {
            const uint8_t *src = img + i * hw * C + c;
            float *dst = x + (i * C + c) * hw;
            for (size_t p = 0; p < hw; p++)
                dst[p] = (float)src[p * C] * a->in_scale[c] + a->in_shift[c];
        }
}

static int meta_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x20 && s[n] != '\t')
            return 0;
    return n <= 4095;
}

int mrl_model_meta_set(mrl_model_t *m, const char *key, const char *value)
{
    if (!key || !value || !*key || !meta_ok(key) || !meta_ok(value))
        return mrl_err_set(MRL_ERR_ARG, "metadata key/value must be printable one-line strings");
    char *v = strdup(value);
    if (!v)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (int i = 0; i < m->n_meta; i++)
        if (strcmp(m->meta[i].key, key) == 0) {
            free(m->meta[i].val);
            m->meta[i].val = v;
            return 0;
        }
    char *k = strdup(key);
    if (!k || (m->n_meta == m->cap_meta && m->cap_meta >= 4096)) {
        free(k), free(v);
        return mrl_err_set(k ? MRL_ERR_RANGE : MRL_ERR_NOMEM, "cannot add metadata '%s'", key);
    }
    if (m->n_meta == m->cap_meta) {
        int cap = m->cap_meta ? 2 * m->cap_meta : 8;
        nn_meta_t *p = realloc(m->meta, (size_t)cap * sizeof *p);
        if (!p) {
            free(k), free(v);
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        }
        m->meta = p, m->cap_meta = cap;
    }
    m->meta[m->n_meta].key = k;
    m->meta[m->n_meta].val = v;
    m->n_meta++;
    return 0;
}

const char *mrl_model_meta_get(const mrl_model_t *m, const char *key)
{
    for (int i = 0; i < m->n_meta; i++)
        if (strcmp(m->meta[i].key, key) == 0)
            return m->meta[i].val;
    return NULL;
}

int mrl_model_length_range(const mrl_model_t *m, long *lo, long *hi)
{
    const char *a = mrl_model_meta_get(m, "train_length_min");
    const char *b = mrl_model_meta_get(m, "train_length_max");
    char *e1, *e2;
    if (!a || !b)
        return 0;
    long x = strtol(a, &e1, 10), y = strtol(b, &e2, 10);
    if (*e1 || *e2 || x < 0 || y < x)
        return 0;
    *lo = x, *hi = y;
    return 1;
}

int mrl_model_set_length_range(mrl_model_t *m, long lo, long hi, int merge)
{
    long a, b;
    if (merge && mrl_model_length_range(m, &a, &b))
        lo = lo < a ? lo : a, hi = hi > b ? hi : b;
    if (lo < 0 || hi < lo)
        return mrl_err_set(MRL_ERR_ARG, "bad length range %ld-%ld", lo, hi);
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", lo);
    int rc = mrl_model_meta_set(m, "train_length_min", buf);
    snprintf(buf, sizeof buf, "%ld", hi);
    return rc < 0 ? rc : mrl_model_meta_set(m, "train_length_max", buf);
}

int mrl_model_length_longest(const mrl_model_t *m, long *longest)
{
    const char *a = mrl_model_meta_get(m, "train_length_longest");
    char *e;
    if (!a || !*a)
        return 0;
    long x = strtol(a, &e, 10);
    if (*e || x <= 0)
        return 0;
    *longest = x;
    return 1;
}

int mrl_model_set_length_longest(mrl_model_t *m, long longest, int merge)
{
    long a;
    if (merge && mrl_model_length_longest(m, &a) && a > longest)
        longest = a;
    if (longest <= 0)
        return mrl_err_set(MRL_ERR_ARG, "bad longest length %ld", longest);
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", longest);
    return mrl_model_meta_set(m, "train_length_longest", buf);
}

void mrl_adam_opts_default(mrl_adam_opts_t *o)
{
    o->lr = 1e-3f;
    o->beta1 = 0.9f;
    o->beta2 = 0.999f;
    o->eps = 1e-7f;
}

void mrl_model_adam_step(mrl_model_t *m, const mrl_adam_opts_t *o)
{
    m->adam_t++;
    /* Keras: lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t); eps is "epsilon hat" (added after the
     * bias correction). Powers in double so step t = 10^6 stays exact enough. */
    double t = (double)m->adam_t;
    float lr_t = (float)((double)o->lr * sqrt(1.0 - pow((double)o->beta2, t)) /
                         (1.0 - pow((double)o->beta1, t)));
    float b1 = o->beta1, b2 = o->beta2, eps = o->eps;
    float *p = m->params, *g = m->grads, *mm = m->adam_m, *vv = m->adam_v;
    for (size_t j = 0; j < m->nparams; j++) {
        mm[j] = b1 * mm[j] + (1.0f - b1) * g[j];
        vv[j] = b2 * vv[j] + (1.0f - b2) * g[j] * g[j];
        p[j] -= lr_t * mm[j] / (sqrtf(vv[j]) + eps);
    }
    m->version++;
}

long mrl_model_adam_t(const mrl_model_t *m)
{
    return m->adam_t;
}
