/*
 * fit.c - the training loop: shuffled mini-batches with Adam (Kingma & Ba 2015, Keras
 * conventions), per-epoch validation, early stopping on validation loss with the best
 * weights restored (Keras EarlyStopping(restore_best_weights=True)), and checkpoints that
 * let a killed run continue exactly where it stopped.
 *
 * Data: the options may hold out a stratified validation fraction (selection sampling,
 * Knuth 3.4.2 S), permute the labels (the data randomisation test of Adebayo et al. 2018,
 * Sanity checks for saliency maps) and weigh the classes "balanced" (Keras /
 * scikit-learn); all three work on rows of the caller's sets, which stay untouched.
 *
 * Randomness: PCG32(seed, stream 1) shuffles every epoch and draws the dropout masks, in a
 * fixed order; streams 2, 3 and 4 make the split and permute the training and validation
 * labels (stream 0 initialised the model). So a seed gives bit-identical weights.
 *
 * Checkpoint = two files written after every epoch: "<ckpt>.state" (Adam moments, best
 * weights, loop state, CRC-32 of the current parameters) and then "<ckpt>" itself, an
 * ordinary model file of the current weights whose metadata holds the loop counters.
 * Each is written to a temporary file and renamed; resuming checks that the two belong
 * together through the parameter CRC.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../util/util.h"
#include "nn.h"

void mrl_train_opts_default(mrl_train_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 40;
    o->batch = 128;
    mrl_adam_opts_default(&o->adam);
    o->seed = 1;
    o->early_stop = 0;
    mrl_nn_opts_t no; /* the engine's own defaults, defined once */
    mrl_nn_opts_default(&no);
    o->threads = no.threads;
    o->precision = no.precision;
    o->class_weight[0] = o->class_weight[1] = 1.0f;
    o->class_weight_balanced = 0;
    o->val_split = 0;
    o->shuffle_labels = 0;
}

/* What one run trains and validates on: rows of the caller's sets. Training row k is image
 * row[k] of tr with label label[k]; the validation rows are gathered into val (images
 * copied from tr for a split, else borrowed from the caller's set; labels always owned). */
typedef struct {
    const uint8_t *rgb; /* tr's images */
    size_t n, npos;     /* training rows, of them labelled positive */
    size_t *row;        /* (n) */
    int8_t *label;      /* (n) */
    size_t *vrow;       /* (val.n) image behind each validation row */
    mrl_imageset_t val; /* val.n = 0: no validation */
    uint8_t *vrgb;      /* owned validation images (a split) or NULL */
    float cw[2];        /* class weights in effect */
} data_t;

static void data_release(data_t *d)
{
    free(d->row);
    free(d->label);
    free(d->vrow);
    free(d->val.labels);
    free(d->vrgb);
}

/* Stratified hold-out of a fraction frac of the n labelled images, class 0 first, then
 * class 1, each in input order: of the m images of a class, round(frac m) go to vrow and
 * the rest to row, every subset equally likely (selection sampling, Knuth 3.4.2 S: one draw
 * per image). Images labelled neither 0 nor 1 take no part. row and vrow hold n each. */
static void split_rows(const int8_t *labels, size_t n, double frac, mrl_rng_t *rng, size_t *row,
                       size_t *nrow, size_t *vrow, size_t *nvrow)
{
    *nrow = *nvrow = 0;
    for (int cls = 0; cls <= 1; cls++) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            m += labels[k] == cls;
        size_t want = (size_t)(frac * (double)m + 0.5), left = m;
        for (size_t k = 0; k < n; k++) {
            if (labels[k] != cls)
                continue;
            int take = mrl_rng_below(rng, (uint32_t)left) < want;
            left--;
            if (take) {
                want--;
                vrow[(*nvrow)++] = k;
            } else {
                row[(*nrow)++] = k;
            }
        }
    }
}

/* Fisher-Yates permutation of labels[0..n) (Knuth 3.4.2 P): every image gets another
 * image's label. */
static void shuffle_labels(int8_t *labels, size_t n, mrl_rng_t *rng)
{
    if (n < 2)
        return;
    for (size_t k = n - 1; k > 0; k--) {
        size_t j = mrl_rng_below(rng, (uint32_t)(k + 1));
        int8_t t = labels[k];
        labels[k] = labels[j];
        labels[j] = t;
    }
}

/* The validation rows: held out of tr (o->val_split, val NULL) or all of a labelled val. */
static int prepare_val(const mrl_imageset_t *tr, const mrl_imageset_t *val,
                       const mrl_train_opts_t *o, data_t *d)
{
    mrl_rng_t rng;
    if (!val && o->val_split > 0) {
        mrl_rng_init(&rng, o->seed, 2);
        split_rows(tr->labels, tr->n, o->val_split, &rng, d->row, &d->n, d->vrow, &d->val.n);
        d->vrgb = malloc(d->val.n ? d->val.n * MRL_IMG_BYTES : 1);
        d->val.labels = malloc(d->val.n ? d->val.n : 1);
        if (!d->vrgb || !d->val.labels)
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        for (size_t k = 0; k < d->val.n; k++) {
            memcpy(d->vrgb + k * MRL_IMG_BYTES, tr->rgb + d->vrow[k] * MRL_IMG_BYTES,
                   MRL_IMG_BYTES);
            d->val.labels[k] = tr->labels[d->vrow[k]];
        }
        d->val.rgb = d->vrgb;
        return 0;
    }
    for (size_t k = 0; k < tr->n; k++)
        d->row[k] = k;
    d->n = tr->n;
    if (!val || !val->labels || val->n == 0)
        return 0;
    d->val.n = val->n;
    d->val.rgb = val->rgb; /* read only */
    d->val.labels = malloc(val->n);
    d->vrow = malloc(val->n * sizeof *d->vrow);
    if (!d->val.labels || !d->vrow)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    memcpy(d->val.labels, val->labels, val->n);
    for (size_t k = 0; k < val->n; k++)
        d->vrow[k] = k;
    return 0;
}

/* What determines a run, as "key=value" words: the data (CRC-32 of every image and label,
 * the counts), every option that changes the weights, and the caller's o->run_options.
 * Kept in the model's metadata "train_run", so each checkpoint carries it and a resume can
 * name what differs. Left out, free to change on resume: epochs, threads, checkpoint and
 * the callbacks. Returns 0 or MRL_ERR_NOMEM; *out malloc'ed. */
static void set_digest(const mrl_imageset_t *s, char *buf, size_t cap)
{
    if (!s || s->n == 0 || !s->labels) {
        snprintf(buf, cap, "none");
        return;
    }
    uint32_t crc = mrl_crc32(0, s->rgb, s->n * MRL_IMG_BYTES);
    crc = mrl_crc32(crc, s->labels, s->n);
    size_t npos = 0;
    for (size_t k = 0; k < s->n; k++)
        npos += s->labels[k] > 0;
    snprintf(buf, cap, "%zu/%zu/%08x", s->n, npos, (unsigned)crc);
}

/* The shortest decimal that reads back as x (0.001, not 0.00100000005). buf: 32 bytes. */
static const char *short_float(float x, char *buf)
{
    for (int prec = 6; prec <= 9; prec++) {
        snprintf(buf, 32, "%.*g", prec, (double)x);
        if (strtof(buf, NULL) == x)
            break;
    }
    return buf;
}

/* The record of this run: 0 or MRL_ERR_NOMEM; *out malloc'ed. */
static int run_record(const mrl_imageset_t *tr, const mrl_imageset_t *val,
                      const mrl_train_opts_t *o, char **out)
{
    char dt[64], dv[64], cw[72], f[4][32];
    set_digest(tr, dt, sizeof dt);
    set_digest(val, dv, sizeof dv);
    if (o->class_weight_balanced)
        snprintf(cw, sizeof cw, "balanced");
    else
        snprintf(cw, sizeof cw, "%s,%s", short_float(o->class_weight[0], f[0]),
                 short_float(o->class_weight[1], f[1]));
    const char *extra = o->run_options ? o->run_options : "";
    size_t cap = 512 + strlen(extra);
    char *s = malloc(cap);
    if (!s)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    snprintf(s, cap,
             "training_data=%s validation_data=%s val_split=%.17g seed=%llu lr=%s "
             "beta1=%s beta2=%s eps=%s batch=%d early_stop=%d class_weight=%s "
             "shuffle_labels=%d precision=%s%s%s",
             dt, dv, o->val_split, (unsigned long long)o->seed, short_float(o->adam.lr, f[0]),
             short_float(o->adam.beta1, f[1]), short_float(o->adam.beta2, f[2]),
             short_float(o->adam.eps, f[3]), o->batch, o->early_stop, cw, o->shuffle_labels ? 1 : 0,
             o->precision == MRL_PREC_BF16 ? "bf16" : "f32", *extra ? " " : "", extra);
    *out = s;
    return 0;
}

/* The value of key in a run record (a pointer into rec and its length), or NULL. */
static const char *run_value(const char *rec, const char *key, size_t *len)
{
    size_t kl = strlen(key);
    for (const char *p = rec; p && *p;) {
        const char *end = strchr(p, ' ');
        size_t wl = end ? (size_t)(end - p) : strlen(p);
        if (wl > kl && p[kl] == '=' && strncmp(p, key, kl) == 0) {
            *len = wl - kl - 1;
            return p + kl + 1;
        }
        p = end ? end + 1 : NULL;
    }
    return NULL;
}

/* The checkpoint's record (meta "train_run" of its model) against this run's: 0 when every
 * key agrees, else MRL_ERR_ARG naming the first that differs with both values. */
static int run_compare(const char *ckpt, const char *then, const char *now)
{
    if (!then)
        return mrl_err_set(MRL_ERR_ARG,
                           "checkpoint '%s' records no run digest (written by an older "
                           "mirlens): it cannot be checked against this run's data and "
                           "options; train again without --resume",
                           ckpt);
    for (const char *p = now; p && *p;) {
        const char *end = strchr(p, ' '), *eq = strchr(p, '=');
        size_t wl = end ? (size_t)(end - p) : strlen(p);
        char key[64];
        size_t kl = eq && eq < p + wl ? (size_t)(eq - p) : wl;
        snprintf(key, sizeof key, "%.*s", (int)(kl < 63 ? kl : 63), p);
        size_t nl = wl - (kl < wl ? kl + 1 : wl), tl = 0;
        const char *nv = p + (kl < wl ? kl + 1 : wl), *tv = run_value(then, key, &tl);
        if (!tv || tl != nl || strncmp(tv, nv, nl) != 0) {
            int data = strstr(key, "_data") != NULL;
            return mrl_err_set(MRL_ERR_ARG,
                               "checkpoint '%s' belongs to another run: %s%s was %.*s there, is "
                               "%.*s here; resume with the same %s (only the epochs, threads "
                               "and outputs may change)",
                               ckpt, key, data ? " (images/positives/CRC-32)" : "",
                               (int)(tv ? tl : 6), tv ? tv : "absent", (int)nl, nv,
                               data ? "inputs" : "options");
        }
        p = end ? end + 1 : NULL;
    }
    /* a key the checkpoint has and this run lacks (another kind of run) */
    for (const char *p = then; *p;) {
        const char *end = strchr(p, ' '), *eq = strchr(p, '=');
        size_t wl = end ? (size_t)(end - p) : strlen(p), len;
        size_t kl = eq && eq < p + wl ? (size_t)(eq - p) : wl;
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(kl < 63 ? kl : 63), p);
        if (kl > 0 && !run_value(now, key, &len))
            return mrl_err_set(MRL_ERR_ARG,
                               "checkpoint '%s' belongs to another run: %.*s there, %s absent "
                               "here; resume with the same options (only the epochs, threads "
                               "and outputs may change)",
                               ckpt, (int)wl, p, key);
        p = end ? end + 1 : p + wl;
    }
    return 0;
}

/* Apply the data options of o to tr / val (see data_t). */
static int prepare(const mrl_imageset_t *tr, const mrl_imageset_t *val, const mrl_train_opts_t *o,
                   data_t *d)
{
    memset(d, 0, sizeof *d);
    if (!(o->val_split >= 0 && o->val_split < 1))
        return mrl_err_set(MRL_ERR_ARG, "train: validation split %g outside [0, 1)", o->val_split);
    d->rgb = tr->rgb;
    d->row = malloc(tr->n * sizeof *d->row);
    d->label = malloc(tr->n);
    if (!val && o->val_split > 0)
        d->vrow = malloc(tr->n * sizeof *d->vrow);
    if (!d->row || !d->label || (!val && o->val_split > 0 && !d->vrow))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    int rc = prepare_val(tr, val, o, d);
    if (rc < 0)
        return rc;
    if (d->n == 0)
        return mrl_err_set(MRL_ERR_ARG, "no training images");
    for (size_t k = 0; k < d->n; k++)
        d->label[k] = tr->labels[d->row[k]];
    if (o->shuffle_labels) {
        if (d->n > UINT32_MAX || d->val.n > UINT32_MAX)
            return mrl_err_set(MRL_ERR_RANGE, "too many images to shuffle");
        mrl_rng_t rng;
        mrl_rng_init(&rng, o->seed, 3);
        shuffle_labels(d->label, d->n, &rng);
        mrl_rng_init(&rng, o->seed, 4);
        shuffle_labels(d->val.labels, d->val.n, &rng);
    }
    for (size_t k = 0; k < d->n; k++)
        d->npos += d->label[k] > 0;
    /* one class teaches the network one answer: refused (with balanced weights too) */
    if (d->npos == 0 || d->npos == d->n)
        return mrl_err_set(MRL_ERR_ARG,
                           "training needs both classes: the training set has %zu images, "
                           "%s",
                           d->n, d->npos ? "no negatives" : "no positives");
    d->cw[0] = o->class_weight[0], d->cw[1] = o->class_weight[1];
    if (o->class_weight_balanced) {
        /* w_c = n / (2 n_c): each class weighs n/2 in all (both present: checked above) */
        d->cw[0] = (float)((double)d->n / (2.0 * (double)(d->n - d->npos)));
        d->cw[1] = (float)((double)d->n / (2.0 * (double)d->npos));
    }
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Probabilities of class 1, logit margins and mean cross-entropy of a labelled set. */
int mrl_evaluate_set(mrl_nn_t *nn, const mrl_model_t *m, const mrl_imageset_t *s, float *score,
                     float *margin, double *loss)
{
    const mrl_arch_t *a = mrl_model_arch(m);
    size_t img = (size_t)a->in_c * a->in_h * a->in_w, bs = 256;
    float *x = malloc(bs * img * sizeof *x), *pr = malloc(bs * 2 * sizeof *pr);
    float *z = malloc(bs * 2 * sizeof *z);
    int rc = 0;
    double sum = 0;
    if (!x || !pr || !z) {
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t k0 = 0; k0 < s->n; k0 += bs) {
        size_t b = s->n - k0 < bs ? s->n - k0 : bs;
        mrl_model_normalize(m, s->rgb + k0 * MRL_IMG_BYTES, b, x);
        if ((rc = mrl_nn_predict(nn, x, b, pr)) < 0)
            goto done;
        if (margin && (rc = mrl_nn_read(nn, a->n_layers - 1, 0, z)) < 0)
            goto done;
        for (size_t k = 0; k < b; k++) {
            score[k0 + k] = pr[2 * k + 1];
            if (margin)
                margin[k0 + k] = z[2 * k + 1] - z[2 * k];
            if (s->labels) {
                float p = pr[2 * k + (s->labels[k0 + k] > 0)];
                sum -= log(p > 1e-12f ? (double)p : 1e-12);
            }
        }
    }
    if (loss)
        *loss = s->n ? sum / (double)s->n : 0.0;
done:
    free(x);
    free(pr);
    free(z);
    return rc;
}

typedef struct {
    int epoch;          /* epochs completed */
    double best_loss;   /* best validation loss so far */
    int best_epoch, bad_epochs, stopped;
    mrl_rng_t rng;
} loop_t;

static void put_u64(FILE *f, uint64_t v, uint32_t *crc)
{
    unsigned char b[8];
    for (int k = 0; k < 8; k++)
        b[k] = (unsigned char)(v >> (8 * k));
    fwrite(b, 1, 8, f);
    *crc = mrl_crc32(*crc, b, 8);
}

static void put_floats(FILE *f, const float *x, size_t n, uint32_t *crc)
{
    for (size_t k = 0; k < n; k++) {
        uint32_t u;
        memcpy(&u, &x[k], 4);
        unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16),
                              (unsigned char)(u >> 24)};
        fwrite(b, 1, 4, f);
        *crc = mrl_crc32(*crc, b, 4);
    }
}

static uint32_t params_crc(const mrl_model_t *m)
{
    return mrl_crc32(0, m->params, m->nparams * sizeof(float));
}

#define CKPT_MAGIC "MIRLCKPT"
#define CKPT_VERSION 1

static int save_checkpoint(mrl_model_t *m, const float *best, const loop_t *L, const char *path)
{
    char *spath = malloc(strlen(path) + 8);
    if (!spath)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    sprintf(spath, "%s.state", path);
    mrl_atomic_t af;
    int rc = mrl_atomic_open(&af, spath);
    if (rc < 0)
        goto done;
    uint32_t crc = 0;
    fwrite(CKPT_MAGIC, 1, 8, af.fp);
    crc = mrl_crc32(crc, CKPT_MAGIC, 8);
    uint64_t lossbits;
    memcpy(&lossbits, &L->best_loss, 8);
    uint64_t hdr[] = {CKPT_VERSION,      (uint64_t)L->epoch,      lossbits,
                      (uint64_t)L->best_epoch, (uint64_t)L->bad_epochs, (uint64_t)L->stopped,
                      L->rng.state,      L->rng.inc,              (uint64_t)m->adam_t,
                      m->nparams,        params_crc(m),           best != NULL};
    for (size_t k = 0; k < sizeof hdr / sizeof hdr[0]; k++)
        put_u64(af.fp, hdr[k], &crc);
    put_floats(af.fp, m->adam_m, m->nparams, &crc);
    put_floats(af.fp, m->adam_v, m->nparams, &crc);
    if (best)
        put_floats(af.fp, best, m->nparams, &crc);
    unsigned char cb[4] = {(unsigned char)crc, (unsigned char)(crc >> 8),
                           (unsigned char)(crc >> 16), (unsigned char)(crc >> 24)};
    fwrite(cb, 1, 4, af.fp);
    if ((rc = mrl_atomic_commit(&af)) < 0)
        goto done;
    rc = mrl_model_save(m, path);
done:
    free(spath);
    return rc;
}

static int get_u64(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    if (end - *p < 8)
        return -1;
    *v = 0;
    for (int k = 0; k < 8; k++)
        *v |= (uint64_t)(*p)[k] << (8 * k);
    *p += 8;
    return 0;
}

static void get_floats(const unsigned char **p, float *x, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        uint32_t u = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 | (uint32_t)(*p)[2] << 16 |
                     (uint32_t)(*p)[3] << 24;
        memcpy(&x[k], &u, 4);
        *p += 4;
    }
}

/* Restore Adam moments, best weights and loop state into m (already loaded from path). */
static int load_state(mrl_model_t *m, float *best, loop_t *L, const char *path)
{
    char *spath = malloc(strlen(path) + 8);
    unsigned char *buf = NULL;
    int rc = 0;
    if (!spath)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    sprintf(spath, "%s.state", path);
    FILE *f = fopen(spath, "rb");
    if (!f) {
        rc = mrl_err_set(MRL_ERR_IO, "cannot open checkpoint state '%s'", spath);
        goto done;
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(sz > 0 ? (size_t)sz : 1);
    if (!buf || sz < 12 || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        fclose(f);
        rc = mrl_err_set(MRL_ERR_CORRUPT, "%s: truncated checkpoint state", spath);
        goto done;
    }
    fclose(f);
    uint32_t want = (uint32_t)buf[sz - 4] | (uint32_t)buf[sz - 3] << 8 |
                    (uint32_t)buf[sz - 2] << 16 | (uint32_t)buf[sz - 1] << 24;
    if (memcmp(buf, CKPT_MAGIC, 8) || mrl_crc32(0, buf, (size_t)sz - 4) != want) {
        rc = mrl_err_set(MRL_ERR_CORRUPT, "%s: not a checkpoint state or corrupt", spath);
        goto done;
    }
    const unsigned char *p = buf + 8, *end = buf + sz - 4;
    uint64_t h[12];
    for (int k = 0; k < 12; k++)
        if (get_u64(&p, end, &h[k]) < 0) {
            rc = mrl_err_set(MRL_ERR_CORRUPT, "%s: truncated checkpoint state", spath);
            goto done;
        }
    if (h[0] != CKPT_VERSION || h[9] != m->nparams || h[10] != params_crc(m)) {
        rc = mrl_err_set(MRL_ERR_FORMAT,
                         "%s does not belong to checkpoint '%s' (version or parameters differ)",
                         spath, path);
        goto done;
    }
    size_t need = (size_t)(2 + (h[11] ? 1 : 0)) * m->nparams * 4;
    if ((size_t)(end - p) != need) {
        rc = mrl_err_set(MRL_ERR_CORRUPT, "%s: wrong size", spath);
        goto done;
    }
    L->epoch = (int)h[1];
    memcpy(&L->best_loss, &h[2], 8);
    L->best_epoch = (int)h[3];
    L->bad_epochs = (int)h[4];
    L->stopped = (int)h[5];
    L->rng.state = h[6];
    L->rng.inc = h[7];
    m->adam_t = (long)h[8];
    get_floats(&p, m->adam_m, m->nparams);
    get_floats(&p, m->adam_v, m->nparams);
    if (h[11] && best)
        get_floats(&p, best, m->nparams);
done:
    free(buf);
    free(spath);
    return rc;
}

/* One epoch of mini-batch training in a freshly shuffled order. */
static int run_epoch(mrl_nn_t *nn, mrl_model_t *m, const data_t *d, const mrl_train_opts_t *o,
                     loop_t *L, size_t *perm, float *x, int *lab, uint8_t *rgb, double *loss_out,
                     double *acc_out)
{
    size_t n = d->n, bs = (size_t)o->batch;
    /* Fisher-Yates from the identity every epoch: the order depends on the RNG state
     * alone, so a resumed run shuffles exactly as the uninterrupted one */
    for (size_t k = 0; k < n; k++)
        perm[k] = k;
    for (size_t k = n; k > 1; k--) {
        size_t r = mrl_rng_below(&L->rng, (uint32_t)k), t = perm[k - 1];
        perm[k - 1] = perm[r];
        perm[r] = t;
    }
    /* weights 1,1 take the unweighted path (bit-identical to no weights) */
    const float *cw = d->cw[0] == 1.0f && d->cw[1] == 1.0f ? NULL : d->cw;
    double loss_sum = 0;
    long correct = 0;
    for (size_t k0 = 0; k0 < n; k0 += bs) {
        size_t b = n - k0 < bs ? n - k0 : bs;
        for (size_t k = 0; k < b; k++) {
            memcpy(rgb + k * MRL_IMG_BYTES, d->rgb + d->row[perm[k0 + k]] * MRL_IMG_BYTES,
                   MRL_IMG_BYTES);
            lab[k] = d->label[perm[k0 + k]] > 0;
        }
        mrl_model_normalize(m, rgb, b, x);
        double loss;
        int nc;
        int rc = mrl_nn_train_step(nn, x, lab, cw, b, &o->adam, &L->rng, &loss, &nc);
        if (rc < 0)
            return rc;
        loss_sum += loss * (double)b;
        correct += nc;
        if (o->on_batch)
            o->on_batch(o->ud, (long)(k0 + b), (long)n);
    }
    *loss_out = loss_sum / (double)n;
    *acc_out = (double)correct / (double)n;
    return 0;
}

/* Hand the prepared data to on_start and record a run on permuted labels in m's metadata
 * (a model fine-tuned from such a one on true labels says so too). */
static int start_run(mrl_model_t *m, const data_t *d, const mrl_train_opts_t *o)
{
    int rc = 0;
    if (o->shuffle_labels || mrl_model_meta_get(m, "shuffled_labels"))
        rc = mrl_model_meta_set(m, "shuffled_labels", o->shuffle_labels ? "1" : "0");
    if (rc == 0 && o->on_start) {
        mrl_train_start_t st = {d->n,     d->npos, d->row,        d->label,
                                d->val.n, d->vrow, d->val.labels, {d->cw[0], d->cw[1]}};
        o->on_start(o->ud, &st);
    }
    return rc;
}

int mrl_train(mrl_model_t *m, const mrl_imageset_t *tr, const mrl_imageset_t *val,
              const mrl_train_opts_t *o, const char *resume)
{
    if (!tr || tr->n == 0 || !tr->labels)
        return mrl_err_set(MRL_ERR_ARG, "train: no labelled training images");
    if (o->batch < 1 || o->epochs < 0)
        return mrl_err_set(MRL_ERR_ARG, "train: invalid batch size or epoch count");
    mrl_nn_t *nn = NULL;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o->threads;
    no.precision = o->precision;
    data_t d;
    size_t bs = (size_t)o->batch, img = MRL_IMG_BYTES, *perm = NULL;
    float *x = NULL, *best = NULL, *vscore = NULL;
    int *lab = NULL;
    uint8_t *rgb = NULL;
    char *run = NULL;
    int rc = prepare(tr, val, o, &d);
    int have_val = d.val.n > 0;
    if (rc < 0 || (rc = run_record(tr, val, o, &run)) < 0)
        goto done;
    perm = malloc(d.n * sizeof *perm);
    x = malloc(bs * img * sizeof *x);
    lab = malloc(bs * sizeof *lab);
    rgb = malloc(bs * img);
    if (have_val) {
        best = malloc(m->nparams * sizeof *best);
        vscore = malloc(d.val.n * sizeof *vscore);
    }
    if (!perm || !x || !lab || !rgb || (have_val && (!best || !vscore))) {
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        goto done;
    }
    loop_t L = {0, HUGE_VAL, 0, 0, 0, {0, 0}};
    mrl_rng_init(&L.rng, o->seed, 1);
    /* the state must belong to the checkpoint, and the checkpoint to this run */
    if (resume && ((rc = load_state(m, best, &L, resume)) < 0 ||
                   (rc = run_compare(resume, mrl_model_meta_get(m, "train_run"), run)) < 0))
        goto done;
    if ((rc = mrl_model_meta_set(m, "train_run", run)) < 0 || (rc = start_run(m, &d, o)) < 0)
        goto done;
    if ((rc = mrl_nn_new(&nn, m, &no)) < 0)
        goto done;
    while (L.epoch < o->epochs && !L.stopped) {
        double t0 = now_s(), loss, acc;
        if ((rc = run_epoch(nn, m, &d, o, &L, perm, x, lab, rgb, &loss, &acc)) < 0)
            goto done;
        L.epoch++;
        mrl_epoch_report_t R = {0};
        R.epoch = L.epoch;
        R.epochs = o->epochs;
        R.loss = loss;
        R.accuracy = acc;
        if (have_val) {
            if ((rc = mrl_evaluate_set(nn, m, &d.val, vscore, NULL, &R.val_loss)) < 0)
                goto done;
            mrl_metrics_t vm;
            if ((rc = mrl_metrics_compute(vscore, d.val.labels, d.val.n,
                                          (float)MRL_DEFAULT_THRESHOLD, &vm)) < 0)
                goto done;
            R.has_val = 1;
            R.val_accuracy = vm.accuracy;
            R.val_auroc = vm.auroc;
            if (R.val_loss < L.best_loss) {
                L.best_loss = R.val_loss;
                L.best_epoch = L.epoch;
                L.bad_epochs = 0;
                memcpy(best, m->params, m->nparams * sizeof *best);
            } else if (o->early_stop > 0 && ++L.bad_epochs >= o->early_stop) {
                L.stopped = 1;
            }
        }
        R.best_epoch = L.best_epoch;
        R.stopped = L.stopped;
        R.seconds = now_s() - t0;
        R.images_per_s = (double)d.n / (R.seconds > 0 ? R.seconds : 1e-9);
        if (o->checkpoint &&
            (rc = save_checkpoint(m, have_val ? best : NULL, &L, o->checkpoint)) < 0)
            goto done;
        if (o->on_epoch)
            o->on_epoch(o->ud, &R);
    }
    if (have_val && L.best_epoch > 0 && o->early_stop > 0) {
        memcpy(m->params, best, m->nparams * sizeof *best);
        mrl_model_touch(m);
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%d", L.epoch);
    if ((rc = mrl_model_meta_set(m, "epochs_run", buf)) < 0)
        goto done;
    snprintf(buf, sizeof buf, "%d", L.best_epoch);
    if (have_val && (rc = mrl_model_meta_set(m, "best_epoch", buf)) < 0)
        goto done;
    if (have_val) {
        snprintf(buf, sizeof buf, "%.6f", L.best_loss);
        rc = mrl_model_meta_set(m, "best_val_loss", buf);
    }
done:
    free(run);
    data_release(&d);
    mrl_nn_free(nn);
    free(perm);
    free(x);
    free(best);
    free(vscore);
    free(lab);
    free(rgb);
    return rc;
}
