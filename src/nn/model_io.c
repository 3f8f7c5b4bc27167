/*
 * model_io.c - the model file: magic, version, architecture, input normalisation, metadata,
 * parameters, CRC-32 (IEEE). Every field is written one by one in little-endian order
 * (never a struct: llama2.c's header hack is the counter-example), the file is written to a
 * temporary name and renamed, and the loader checks each field against the bytes left.
 *
 * Version 1 layout:
 *   "MIRLNN\r\n"  u32 version
 *   u32 in_c, in_h, in_w, n_layers; per layer u32 kind, out, k, same; f32 rate
 *   per input channel f32 scale, shift
 *   u32 n_meta; per entry u32 len + bytes (key), u32 len + bytes (value)
 *   u64 nparams; f32 params[nparams]
 *   u32 crc32 of all bytes before it
 */
#include <errno.h>
#include <string.h>
#include "../util/util.h"
#include "nn.h"

#define MODEL_MAGIC "MIRLNN\r\n"
#define MODEL_VERSION 1u
#define MODEL_MAX_BYTES (1ull << 32)

typedef struct wr {
    FILE *fp;
    uint32_t crc;
} wr_t;

static void put(wr_t *w, const void *p, size_t n)
{
    fwrite(p, 1, n, w->fp);
    w->crc = mrl_crc32(w->crc, p, n);
}

static void put_u32(wr_t *w, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put(w, b, 4);
}

static void put_f32(wr_t *w, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put_u32(w, v);
}

static void put_str(wr_t *w, const char *s)
{
    size_t n = strlen(s);
    put_u32(w, (uint32_t)n);
    put(w, s, n);
}

static void put_params(wr_t *w, const float *p, size_t n)
{
    unsigned char buf[4096];
    while (n) {
        size_t k = MRL_MIN(n, sizeof buf / 4);
        for (size_t j = 0; j < k; j++) {
            uint32_t v;
            memcpy(&v, &p[j], 4);
            buf[4 * j] = (unsigned char)v, buf[4 * j + 1] = (unsigned char)(v >> 8);
            buf[4 * j + 2] = (unsigned char)(v >> 16), buf[4 * j + 3] = (unsigned char)(v >> 24);
        }
        put(w, buf, 4 * k);
        p += k, n -= k;
    }
}

int mrl_model_save(const mrl_model_t *m, const char *path)
{
    mrl_atomic_t af;
    int rc = mrl_atomic_open(&af, path);
    if (rc)
        return rc;
    wr_t w = {af.fp, 0};
    const mrl_arch_t *a = &m->arch;
    put(&w, MODEL_MAGIC, 8);
    put_u32(&w, MODEL_VERSION);
    put_u32(&w, (uint32_t)a->in_c), put_u32(&w, (uint32_t)a->in_h);
    put_u32(&w, (uint32_t)a->in_w), put_u32(&w, (uint32_t)a->n_layers);
    for (int i = 0; i < a->n_layers; i++) {
        const mrl_layer_spec_t *l = &a->layer[i];
        put_u32(&w, (uint32_t)l->kind), put_u32(&w, (uint32_t)l->out);
        put_u32(&w, (uint32_t)l->k), put_u32(&w, (uint32_t)l->same);
        put_f32(&w, l->rate);
    }
    for (int c = 0; c < a->in_c; c++)
        put_f32(&w, a->in_scale[c]), put_f32(&w, a->in_shift[c]);
    put_u32(&w, (uint32_t)m->n_meta);
    for (int i = 0; i < m->n_meta; i++)
        put_str(&w, m->meta[i].key), put_str(&w, m->meta[i].val);
    uint64_t np = m->nparams;
    put_u32(&w, (uint32_t)np), put_u32(&w, (uint32_t)(np >> 32));
    put_params(&w, m->params, m->nparams);
    uint32_t crc = w.crc;
    put_u32(&w, crc);
    return mrl_atomic_commit(&af);
}

/* ---- loading --------------------------------------------------------------------- */

typedef struct rd {
    const unsigned char *p;
    size_t left;
    int short_read;
} rd_t;

static const unsigned char *take(rd_t *r, size_t n)
{
    if (r->short_read || r->left < n) {
        r->short_read = 1;
        return NULL;
    }
    const unsigned char *q = r->p;
    r->p += n, r->left -= n;
    return q;
}

static uint32_t get_u32(rd_t *r)
{
    const unsigned char *b = take(r, 4);
    return b ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
             : 0;
}

static float get_f32(rd_t *r)
{
    uint32_t v = get_u32(r);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

static int read_all(const char *path, unsigned char **buf, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return mrl_err_set(MRL_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 20, n = 0;
    unsigned char *b = malloc(cap);
    int rc = b ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    while (!rc) {
        if (n == cap) {
            unsigned char *nb = cap < MODEL_MAX_BYTES ? realloc(b, cap * 2) : NULL;
            if (!nb) {
                rc = mrl_err_set(MRL_ERR_NOMEM, "'%s' is too large for a model file", path);
                break;
            }
            b = nb, cap *= 2;
        }
        size_t k = fread(b + n, 1, cap - n, fp);
        n += k;
        if (k == 0) {
            if (ferror(fp))
                rc = mrl_err_set(MRL_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
    }
    fclose(fp);
    if (rc) {
        free(b);
        return rc;
    }
    *buf = b, *len = n;
    return 0;
}

static int parse_arch(rd_t *r, mrl_arch_t *a, const char *path)
{
    memset(a, 0, sizeof *a);
    a->in_c = (int)get_u32(r), a->in_h = (int)get_u32(r), a->in_w = (int)get_u32(r);
    uint32_t nl = get_u32(r);
    if (r->short_read)
        return 0;
    if (nl < 1 || nl > MRL_NN_MAX_LAYERS || a->in_c < 1 || a->in_c > MRL_NN_MAX_IN_C)
        return mrl_err_set(MRL_ERR_CORRUPT, "'%s': corrupt model file (bad architecture)", path);
    a->n_layers = (int)nl;
    for (int i = 0; i < a->n_layers; i++) {
        mrl_layer_spec_t *l = &a->layer[i];
        l->kind = (int)get_u32(r), l->out = (int)get_u32(r);
        l->k = (int)get_u32(r), l->same = (int)get_u32(r);
        l->rate = get_f32(r);
    }
    for (int c = 0; c < a->in_c; c++)
        a->in_scale[c] = get_f32(r), a->in_shift[c] = get_f32(r);
    if (!r->short_read && mrl_arch_check(a)) {
        char why[256]; /* the message buffer is about to be rewritten */
        snprintf(why, sizeof why, "%s", mrl_errmsg());
        return mrl_err_set(MRL_ERR_CORRUPT, "'%s': corrupt model file (%s)", path, why);
    }
    return 0;
}

static int parse_meta(rd_t *r, mrl_model_t *m, const char *path)
{
    uint32_t nm = get_u32(r);
    if (nm > 4096)
        return mrl_err_set(MRL_ERR_CORRUPT, "'%s': corrupt model file (metadata)", path);
    char *kv[2] = {NULL, NULL};
    for (uint32_t i = 0; i < nm && !r->short_read; i++) {
        for (int j = 0; j < 2; j++) {
            uint32_t n = get_u32(r);
            const unsigned char *s = n <= 4095 ? take(r, n) : NULL;
            kv[j] = s ? strndup((const char *)s, n) : NULL;
            if (s && kv[j] && strlen(kv[j]) != n) {
                free(kv[j]), kv[j] = NULL;
            }
        }
        int rc = 0;
        if (r->short_read)
            rc = 0;
        else if (!kv[0] || !kv[1] || mrl_model_meta_set(m, kv[0], kv[1]))
            rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': corrupt model file (metadata)", path);
        free(kv[0]), free(kv[1]);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse(rd_t *r, mrl_model_t **out, const char *path)
{
    mrl_arch_t a;
    mrl_model_t *m = NULL;
    int rc = parse_arch(r, &a, path);
    if (!rc && !r->short_read)
        rc = nn_model_alloc(&m, &a, r->left / 4)
                 ? mrl_err_set(MRL_ERR_CORRUPT, "'%s': corrupt or truncated model file", path)
                 : 0;
    if (!rc && m)
        rc = parse_meta(r, m, path);
    uint64_t np = get_u32(r);
    np |= (uint64_t)get_u32(r) << 32;
    if (!rc && m && !r->short_read && np != m->nparams)
        rc =
            mrl_err_set(MRL_ERR_CORRUPT, "'%s': corrupt model file (%llu parameters, %zu expected)",
                        path, (unsigned long long)np, m->nparams);
    const unsigned char *b = !rc && m ? take(r, 4 * m->nparams) : NULL;
    for (size_t j = 0; b && j < m->nparams; j++) {
        uint32_t v = (uint32_t)b[4 * j] | (uint32_t)b[4 * j + 1] << 8 |
                     (uint32_t)b[4 * j + 2] << 16 | (uint32_t)b[4 * j + 3] << 24;
        memcpy(&m->params[j], &v, 4);
    }
    if (!rc && r->short_read)
        rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': truncated model file", path);
    if (!rc && r->left != 4)
        rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': corrupt model file (trailing bytes)", path);
    if (rc) {
        mrl_model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int mrl_model_load(mrl_model_t **out, const char *path)
{
    *out = NULL;
    unsigned char *buf = NULL;
    size_t len = 0;
    int rc = read_all(path, &buf, &len);
    if (rc)
        return rc;
    rd_t r = {buf, len, 0};
    const unsigned char *mg = take(&r, 8);
    uint32_t ver = get_u32(&r);
    if (!mg || memcmp(mg, MODEL_MAGIC, 8) != 0)
        rc = mrl_err_set(len < 8 ? MRL_ERR_CORRUPT : MRL_ERR_FORMAT,
                         "'%s': not a mirlens model file (bad magic)", path);
    else if (r.short_read)
        rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': truncated model file", path);
    else if (ver != MODEL_VERSION)
        rc = mrl_err_set(MRL_ERR_FORMAT,
                         "'%s': model file version %u is not supported (this "
                         "build reads version %u)",
                         path, ver, MODEL_VERSION);
    else if (len < 16)
        rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': truncated model file", path);
    if (!rc) {
        uint32_t want = (uint32_t)buf[len - 4] | (uint32_t)buf[len - 3] << 8 |
                        (uint32_t)buf[len - 2] << 16 | (uint32_t)buf[len - 1] << 24;
        rc = parse(&r, out, path);
        if (!rc && mrl_crc32(0, buf, len - 4) != want) {
            mrl_model_free(*out);
            *out = NULL;
            rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': corrupt model file (CRC mismatch)", path);
        }
    }
    free(buf);
    return rc;
}
