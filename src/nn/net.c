/*
 * net.c - the execution context (mrl_nn_t): activation arena, sharding of a batch over
 * threads, forward / backward passes with a swappable ReLU rule, the training step.
 *
 * A batch of n images is cut into S = max(2, ceil(n / NN_SHARD)) near-equal shards
 * whatever the thread count (one for a single image). Each worker thread runs whole shards
 * single-threaded (coarse regions, no per-layer barriers); only a single image lets the
 * kernels parallelise inside (oneDNN over OpenMP). Weight gradients are computed per shard and
 * summed in shard order, so results are bit-identical for any thread count (llm.c-style fixed
 * reduction order). Outside training an image's results do not depend on the batch it shares
 * either (dense layers image by image, see shard_plan).
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include "../util/util.h"
#include "nn.h"

struct mrl_nn {
    mrl_model_t *m;
    eng_t *e;
    int threads, L;
    size_t cap_f, cap_b; /* images the forward / backward arenas hold */
    unsigned char *arena_f, *arena_b;
    nn_bufs_t bf;
    float *mask[MRL_NN_MAX_LAYERS];
    size_t n;           /* images of the last forward (0: none) */
    int mode;           /* of the last forward */
    int grad_lo;        /* lowest tensor with a valid gradient (NN_MAX_T: none) */
    int grad_hi;        /* highest one */
    uint64_t step_seed; /* dropout seed of the last training forward */
    float *gshard;      /* per-shard plain parameter gradients */
    size_t gshard_cap;
    double *shard_loss; /* per-shard loss sums and correct counts (gshard_cap entries) */
    int *shard_correct;
    float *logits; /* (n, K) staging for the training step */
    size_t logits_cap;
    eng_worker_t wk[NN_MAX_THREADS];
};

void mrl_nn_opts_default(mrl_nn_opts_t *o)
{
    o->threads = 0;
    o->precision = MRL_PREC_F32;
}

void mrl_nn_bwd_opts_default(mrl_nn_bwd_opts_t *o)
{
    o->relu_rule = MRL_RELU_STANDARD;
    o->weights = 0;
    o->stop = -1;
}

int mrl_nn_new(mrl_nn_t **out, mrl_model_t *m, const mrl_nn_opts_t *o)
{
    *out = NULL;
    mrl_nn_opts_t d;
    if (!o) {
        mrl_nn_opts_default(&d);
        o = &d;
    }
    if (o->threads < 0)
        return mrl_err_set(MRL_ERR_ARG, "threads must be >= 0");
    if (o->precision != MRL_PREC_F32 && o->precision != MRL_PREC_BF16)
        return mrl_err_set(MRL_ERR_ARG, "unknown precision %d", o->precision);
    mrl_nn_t *nn = calloc(1, sizeof *nn);
    if (!nn)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    nn->m = m;
    nn->L = m->arch.n_layers;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    nn->threads = o->threads ? o->threads : (int)(ncpu > 0 ? ncpu : 1);
    if (nn->threads > NN_MAX_THREADS)
        nn->threads = NN_MAX_THREADS;
    nn->grad_lo = NN_MAX_T;
    int rc = eng_new(&nn->e, m, o->precision);
    if (rc) {
        free(nn);
        return rc;
    }
    *out = nn;
    return 0;
}

int mrl_nn_precision(const mrl_nn_t *nn)
{
    return eng_bf16_layers(nn->e) > 0 ? MRL_PREC_BF16 : MRL_PREC_F32;
}

int mrl_nn_reference_kernels(const mrl_nn_t *nn)
{
    return eng_reference_kernels(nn->e);
}

void mrl_nn_free(mrl_nn_t *nn)
{
    if (!nn)
        return;
    for (int t = 0; t < NN_MAX_THREADS; t++)
        eng_worker_release(&nn->wk[t]);
    eng_free(nn->e);
    free(nn->arena_f);
    free(nn->arena_b);
    free(nn->gshard);
    free(nn->shard_loss);
    free(nn->shard_correct);
    free(nn->logits);
    free(nn);
}

/* Tensor t owns its activation buffer unless a fused kernel skips it (no buffer) or it is
 * a flatten's output (same buffer as its input). */
static int own_y(const mrl_nn_t *nn, int t)
{
    if (t == 0)
        return 1;
    int i = t - 1;
    return !eng_fused(nn->e, i) && nn->m->arch.layer[i].kind != MRL_LAYER_FLATTEN;
}

static size_t al64(size_t x)
{
    return (x + 63) / 64 * 64;
}

/* Carve (or just size, when base == NULL) the forward arena for cap images. */
static size_t carve_f(mrl_nn_t *nn, unsigned char *base, size_t cap)
{
    size_t off = 0;
    for (int t = 0; t <= nn->L; t++) {
        if (!own_y(nn, t)) {
            if (base)
                nn->bf.y[t] = eng_fused(nn->e, t - 1) ? NULL : nn->bf.y[t - 1];
            continue;
        }
        if (base)
            nn->bf.y[t] = (float *)(base + off);
        off += al64(cap * eng_layout(nn->e, t)->img * sizeof(float));
    }
    for (int i = 0; i < nn->L; i++) {
        if (base)
            nn->bf.ws[i] = eng_ws_img(nn->e, i) ? base + off : NULL;
        off += al64(cap * eng_ws_img(nn->e, i));
    }
    return off;
}

/* Backward arena: gradients (flatten aliases its input) and dropout masks. */
static size_t carve_b(mrl_nn_t *nn, unsigned char *base, size_t cap)
{
    size_t off = 0;
    for (int t = 0; t <= nn->L; t++) {
        if (t > 0 && nn->m->arch.layer[t - 1].kind == MRL_LAYER_FLATTEN) {
            if (base)
                nn->bf.dy[t] = nn->bf.dy[t - 1];
            continue;
        }
        if (base)
            nn->bf.dy[t] = (float *)(base + off);
        off += al64(cap * eng_dlayout(nn->e, t)->img * sizeof(float));
    }
    for (int i = 0; i < nn->L; i++) {
        int drop = nn->m->arch.layer[i].kind == MRL_LAYER_DROPOUT;
        if (base)
            nn->mask[i] = drop ? (float *)(base + off) : NULL;
        if (drop)
            off += al64(cap * eng_layout(nn->e, i + 1)->img * sizeof(float));
    }
    return off;
}

/* Grow an arena to hold n images; zeroed so channel padding starts (and stays) zero. */
static int arena_fit(mrl_nn_t *nn, size_t n, int bwd)
{
    size_t *cap = bwd ? &nn->cap_b : &nn->cap_f;
    unsigned char **base = bwd ? &nn->arena_b : &nn->arena_f;
    if (n <= *cap)
        return 0;
    size_t bytes = bwd ? carve_b(nn, NULL, n) : carve_f(nn, NULL, n);
    free(*base);
    *base = aligned_alloc(64, bytes);
    if (!*base) {
        *cap = 0;
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory for activations of %zu images", n);
    }
    memset(*base, 0, bytes);
    *cap = n;
    if (bwd)
        carve_b(nn, *base, n);
    else
        carve_f(nn, *base, n);
    return 0;
}

/* ---- sharding -------------------------------------------------------------------- */

typedef struct shards {
    size_t n, S, b; /* images, shards, images per shard (the last may have fewer) */
    int nthr;       /* threads each kernel runs on */
    int dense1;     /* dense layers image by image, on the (1 image, 1 thread) plan */
} shards_t;

/* Outside training (mode != MRL_NN_TRAIN) dense layers run image by image: a matrix
 * product's sums over a batch of rows take an order that depends on the row count (on
 * AVX2 and AVX-512 alike), a single row's never, and the convolutions and pooling already
 * compute each image alone. So an image's scores and gradients never depend on the batch
 * it shares. Batched inference runs as fast as before (bench_nn infer256 within 2%). */
static shards_t shard_plan(const mrl_nn_t *nn, size_t n, int mode)
{
    shards_t s;
    s.n = n;
    s.S = (n + NN_SHARD - 1) / NN_SHARD;
    if (s.S < 2 && n >= 2)
        s.S = 2; /* two halves: coarse parallelism even for small batches */
    s.b = (n + s.S - 1) / s.S;
    s.nthr = s.S == 1 ? nn->threads : 1;
    s.dense1 = mode != MRL_NN_TRAIN && s.b > 1;
    return s;
}

static int shard_size(const shards_t *s, size_t k)
{
    size_t n0 = k * s->b;
    return (int)(n0 + s->b <= s->n ? s->b : s->n - n0);
}

static int prepare(mrl_nn_t *nn, const shards_t *s, unsigned need)
{
    int last = shard_size(s, s->S - 1);
    unsigned dn = need & (ENG_FWD | ENG_BWD_D);
    int rc = dn ? eng_prepare(nn->e, (int)s->b, s->nthr, dn) : 0;
    if (!rc && dn && last != (int)s->b)
        rc = eng_prepare(nn->e, last, s->nthr, dn);
    if (!rc && (need & ENG_BWD_W))
        rc = eng_prepare(nn->e, (int)s->b, 1, ENG_BWD_W);
    if (!rc && (need & ENG_BWD_W) && last != (int)s->b)
        rc = eng_prepare(nn->e, last, 1, ENG_BWD_W);
    if (!rc && dn && s->dense1)
        rc = eng_prepare(nn->e, 1, 1, dn);
    int T = s->S == 1 ? 1 : MRL_MIN(nn->threads, (int)s->S);
    for (int t = 0; t < T && !rc; t++)
        rc = eng_worker_init(nn->e, &nn->wk[t]);
    return rc;
}

typedef int (*shard_fn)(mrl_nn_t *nn, eng_worker_t *w, const shards_t *s, size_t k, size_t n0,
                        int b, void *ctx);

typedef struct job {
    mrl_nn_t *nn;
    const shards_t *s;
    shard_fn fn;
    void *ctx;
    int tid, nt, rc;
    char msg[256];
} job_t;

static void *job_main(void *p)
{
    job_t *j = p;
    int saved = omp_get_max_threads();
    omp_set_num_threads(j->s->nthr);
    for (size_t k = (size_t)j->tid; k < j->s->S && !j->rc; k += (size_t)j->nt)
        j->rc = j->fn(j->nn, &j->nn->wk[j->tid], j->s, k, k * j->s->b, shard_size(j->s, k), j->ctx);
    if (j->rc)
        snprintf(j->msg, sizeof j->msg, "%s", mrl_errmsg());
    omp_set_num_threads(saved);
    return NULL;
}

/* Run fn on every shard: shard k goes to worker k mod T, which only decides who computes
 * it, never what is computed. */
static int run_shards(mrl_nn_t *nn, const shards_t *s, shard_fn fn, void *ctx)
{
    int T = s->S == 1 ? 1 : MRL_MIN(nn->threads, (int)s->S);
    job_t jobs[NN_MAX_THREADS];
    pthread_t th[NN_MAX_THREADS];
    int started[NN_MAX_THREADS] = {0};
    for (int t = 0; t < T; t++)
        jobs[t] = (job_t){nn, s, fn, ctx, t, T, 0, ""};
    for (int t = 1; t < T; t++)
        started[t] = pthread_create(&th[t], NULL, job_main, &jobs[t]) == 0;
    for (int t = 1; t < T; t++)
        if (!started[t]) /* no thread: do its share here, the result is the same */
            job_main(&jobs[t]);
    job_main(&jobs[0]);
    int rc = 0;
    for (int t = 0; t < T; t++) {
        if (t > 0 && started[t])
            pthread_join(th[t], NULL);
        if (jobs[t].rc && !rc)
            rc = mrl_err_set(jobs[t].rc, "%s", jobs[t].msg);
    }
    return rc;
}

/* ---- per-shard passes ------------------------------------------------------------ */

/* Dropout masks of images [n0, n0+b) for layer i: image n draws from its own PCG32 stream
 * (step seed, stream n * MRL_NN_MAX_LAYERS + i), so shards can draw them in parallel and
 * the masks never depend on who draws them. */
static void drop_masks(mrl_nn_t *nn, int i, size_t n0, int b)
{
    const nn_layout_t *l = eng_layout(nn->e, i + 1);
    for (size_t n = n0; n < n0 + (size_t)b; n++) {
        mrl_rng_t r;
        mrl_rng_init(&r, nn->step_seed, (uint64_t)n * MRL_NN_MAX_LAYERS + (uint64_t)i);
        nn_dropout_mask(l, 1, nn->m->arch.layer[i].rate, &r, nn->mask[i] + n * l->img);
    }
}

/* Layer i's kernel forward (data = 0) or backward-data (data = 1) on images [n0, n0+b):
 * a dense layer image by image where the shards say so (shard_plan). */
static int kernel(mrl_nn_t *nn, eng_worker_t *w, const shards_t *s, int i, size_t n0, int b,
                  int data)
{
    int rc = 0;
    if (s->dense1 && nn->m->arch.layer[i].kind == MRL_LAYER_DENSE) {
        for (int j = 0; j < b && !rc; j++)
            rc = data ? eng_bwd_d(nn->e, w, i, n0 + (size_t)j, 1, 1, &nn->bf)
                      : eng_fwd(nn->e, w, i, n0 + (size_t)j, 1, 1, &nn->bf);
        return rc;
    }
    return data ? eng_bwd_d(nn->e, w, i, n0, b, s->nthr, &nn->bf)
                : eng_fwd(nn->e, w, i, n0, b, s->nthr, &nn->bf);
}

static int fwd_shard(mrl_nn_t *nn, eng_worker_t *w, const shards_t *s, size_t k, size_t n0, int b,
                     void *ctx)
{
    (void)k, (void)ctx;
    const nn_bufs_t *bf = &nn->bf;
    for (int i = 0; i < nn->L; i++) {
        int kind = nn->m->arch.layer[i].kind, rc = 0;
        size_t img = eng_layout(nn->e, i + 1)->img, off = n0 * img, len = (size_t)b * img;
        switch (kind) {
        case MRL_LAYER_CONV:
        case MRL_LAYER_DENSE:
        case MRL_LAYER_MAXPOOL:
            rc = kernel(nn, w, s, i, n0, b, 0);
            break;
        case MRL_LAYER_RELU:
            if (!(i > 0 && eng_fused(nn->e, i - 1)))
                nn_relu_fwd(bf->y[i] + off, bf->y[i + 1] + off, len);
            break;
        case MRL_LAYER_DROPOUT:
            if (nn->mode == MRL_NN_TRAIN) {
                drop_masks(nn, i, n0, b);
                nn_mul(bf->y[i] + off, nn->mask[i] + off, bf->y[i + 1] + off, len);
            } else
                memcpy(bf->y[i + 1] + off, bf->y[i] + off, len * sizeof(float));
            break;
        default: /* flatten: same buffer */
            break;
        }
        if (rc)
            return rc;
    }
    return 0;
}

typedef struct bwd_ctx {
    int from, stop, rule, weights;
} bwd_ctx_t;

static int bwd_shard(mrl_nn_t *nn, eng_worker_t *w, const shards_t *s, size_t k, size_t n0, int b,
                     void *ctx)
{
    const bwd_ctx_t *c = ctx;
    const nn_bufs_t *bf = &nn->bf;
    float *g = c->weights ? nn->gshard + k * nn->m->nparams : NULL;
    for (int i = c->from; i >= 0 && i >= c->stop; i--) {
        int kind = nn->m->arch.layer[i].kind, rc = 0, data = i > c->stop;
        size_t img = eng_layout(nn->e, i + 1)->img, off = n0 * img, len = (size_t)b * img;
        switch (kind) {
        case MRL_LAYER_CONV:
        case MRL_LAYER_DENSE:
            if (c->weights)
                rc = eng_bwd_w(nn->e, w, i, n0, b, bf, g);
            if (!rc && data)
                rc = kernel(nn, w, s, i, n0, b, 1);
            break;
        case MRL_LAYER_MAXPOOL:
            if (data)
                rc = kernel(nn, w, s, i, n0, b, 1);
            break;
        case MRL_LAYER_RELU:
            if (data)
                nn_relu_bwd(bf->dy[i + 1] + off, bf->y[i + 1] + off, bf->dy[i] + off, len, c->rule);
            break;
        case MRL_LAYER_DROPOUT:
            if (data && nn->mode == MRL_NN_TRAIN)
                nn_mul(bf->dy[i + 1] + off, nn->mask[i] + off, bf->dy[i] + off, len);
            else if (data)
                memcpy(bf->dy[i] + off, bf->dy[i + 1] + off, len * sizeof(float));
            break;
        default:
            break;
        }
        if (rc)
            return rc;
    }
    return 0;
}

typedef struct train_ctx {
    const int *labels;
    const float *cw; /* per-class loss weights (NULL = 1) */
    double *loss; /* per shard, summed in shard order afterwards */
    int *correct;
} train_ctx_t;

static int train_shard(mrl_nn_t *nn, eng_worker_t *w, const shards_t *s, size_t k, size_t n0,
                       int b, void *ctx)
{
    train_ctx_t *c = ctx;
    int rc = fwd_shard(nn, w, s, k, n0, b, NULL);
    if (rc)
        return rc;
    const nn_layout_t *lo = eng_layout(nn->e, nn->L);
    int K = lo->c;
    float *z = nn->logits + n0 * (size_t)K;
    nn_layout_export(lo, (size_t)b, nn->bf.y[nn->L] + n0 * lo->img, z);
    nn_xent(z, c->labels + n0, c->cw, (size_t)b, K, nn->n, NULL, z, &c->loss[k], &c->correct[k]);
    nn_layout_import(lo, (size_t)b, z, nn->bf.dy[nn->L] + n0 * lo->img);
    bwd_ctx_t bc = {nn->L - 1, 0, MRL_RELU_STANDARD, 1};
    return bwd_shard(nn, w, s, k, n0, b, &bc);
}

/* ---- public passes --------------------------------------------------------------- */

static int fit_grad_shards(mrl_nn_t *nn, size_t S)
{
    if (S <= nn->gshard_cap)
        return 0;
    free(nn->gshard);
    free(nn->shard_loss);
    free(nn->shard_correct);
    nn->gshard = aligned_alloc(64, al64(S * nn->m->nparams * sizeof(float)));
    nn->shard_loss = malloc(S * sizeof(double));
    nn->shard_correct = malloc(S * sizeof(int));
    int ok = nn->gshard && nn->shard_loss && nn->shard_correct;
    nn->gshard_cap = ok ? S : 0;
    return ok ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
}

/* grads += sum over shards, shard 0 first, for layers [lo, hi]. */
static void reduce_grads(mrl_nn_t *nn, size_t S, int lo, int hi)
{
    const mrl_model_t *m = nn->m;
    size_t P = m->nparams;
    for (int i = MRL_MAX(lo, 0); i <= hi; i++) {
        if (!m->w_n[i])
            continue;
        size_t a = m->w_off[i], z = m->b_off[i] + m->b_n[i]; /* biases follow weights */
        for (size_t j = a; j < z; j++) {
            float acc = nn->gshard[j];
            for (size_t s = 1; s < S; s++)
                acc += nn->gshard[s * P + j];
            m->grads[j] += acc;
        }
    }
}

static int check_logits(const mrl_nn_t *nn)
{
    const nn_layout_t *lo = eng_layout(nn->e, nn->L);
    if (lo->h != 1 || lo->w != 1 || lo->c < 2)
        return mrl_err_set(MRL_ERR_ARG, "the last layer must give >= 2 logits (a dense layer)");
    return 0;
}

static int check_input(const mrl_nn_t *nn, const void *x, size_t n)
{
    if (!x || n == 0)
        return mrl_err_set(MRL_ERR_ARG, "empty batch");
    if (n > (1u << 20))
        return mrl_err_set(MRL_ERR_RANGE, "batch of %zu images is too large", n);
    (void)nn;
    return 0;
}

/* Common start of a forward pass: arena, kernels, input, dropout masks. */
static int fwd_begin(mrl_nn_t *nn, const float *x, size_t n, int mode, mrl_rng_t *rng, shards_t *s)
{
    int rc = check_input(nn, x, n);
    if (!rc && (mode < MRL_NN_INFER || mode > MRL_NN_TRAIN || (mode == MRL_NN_TRAIN && !rng)))
        rc = mrl_err_set(MRL_ERR_ARG, "bad forward mode (training needs an rng)");
    nn->n = 0;
    nn->grad_lo = NN_MAX_T, nn->grad_hi = -1;
    eng_begin(nn->e);
    *s = shard_plan(nn, n, mode);
    if (!rc)
        rc = arena_fit(nn, n, 0);
    if (!rc && mode != MRL_NN_INFER)
        rc = arena_fit(nn, n, 1);
    if (!rc)
        rc = prepare(nn, s, ENG_FWD);
    if (rc)
        return rc;
    nn->mode = mode;
    nn->n = n;
    nn_layout_import(eng_layout(nn->e, 0), n, x, nn->bf.y[0]);
    if (mode == MRL_NN_TRAIN) { /* one 64-bit draw per pass seeds every dropout mask */
        nn->step_seed = mrl_rng_u32(rng);
        nn->step_seed |= (uint64_t)mrl_rng_u32(rng) << 32;
    }
    return 0;
}

int mrl_nn_forward(mrl_nn_t *nn, const float *x, size_t n, int mode, mrl_rng_t *rng)
{
    shards_t s;
    int saved = omp_get_max_threads();
    int rc = fwd_begin(nn, x, n, mode, rng, &s);
    if (!rc)
        rc = run_shards(nn, &s, fwd_shard, NULL);
    if (rc)
        nn->n = 0;
    omp_set_num_threads(saved);
    return rc;
}

int mrl_nn_read(const mrl_nn_t *nn, int layer, int grad, float *out)
{
    if (!nn->n)
        return mrl_err_set(MRL_ERR_ARG, "no forward pass to read from");
    if (layer < -1 || layer >= nn->L)
        return mrl_err_set(MRL_ERR_ARG, "layer %d out of range", layer);
    int t = layer + 1;
    if (grad && (t < nn->grad_lo || t > nn->grad_hi))
        return mrl_err_set(MRL_ERR_ARG, "no gradient at layer %d in the last backward pass", layer);
    const float *src = grad ? nn->bf.dy[t] : nn->bf.y[t];
    if (!src)
        return mrl_err_set(MRL_ERR_ARG, "layer %d is fused with the ReLU after it: read %d", layer,
                           layer + 1);
    nn_layout_export(grad ? eng_dlayout(nn->e, t) : eng_layout(nn->e, t), nn->n, src, out);
    return 0;
}

int mrl_nn_predict(mrl_nn_t *nn, const float *x, size_t n, float *probs)
{
    int rc = check_logits(nn);
    if (!rc)
        rc = mrl_nn_forward(nn, x, n, MRL_NN_INFER, NULL);
    if (rc)
        return rc;
    const nn_layout_t *lo = eng_layout(nn->e, nn->L);
    rc = mrl_nn_read(nn, nn->L - 1, 0, probs);
    if (!rc)
        nn_xent(probs, NULL, NULL, n, lo->c, n, probs, NULL, NULL, NULL);
    return rc;
}

int mrl_nn_backward(mrl_nn_t *nn, int layer, const float *dy, const mrl_nn_bwd_opts_t *o)
{
    mrl_nn_bwd_opts_t d;
    if (!o) {
        mrl_nn_bwd_opts_default(&d);
        o = &d;
    }
    if (!nn->n || nn->mode == MRL_NN_INFER)
        return mrl_err_set(MRL_ERR_ARG, "backward needs a forward pass in explain/train mode");
    if (layer < 0 || layer >= nn->L || o->stop < -1 || o->stop > layer || !dy)
        return mrl_err_set(MRL_ERR_ARG, "bad backward range (layer %d, stop %d)", layer, o->stop);
    if (o->relu_rule < MRL_RELU_STANDARD || o->relu_rule > MRL_RELU_DECONVNET)
        return mrl_err_set(MRL_ERR_ARG, "unknown ReLU rule %d", o->relu_rule);
    int saved = omp_get_max_threads();
    shards_t s = shard_plan(nn, nn->n, nn->mode);
    eng_begin(nn->e);
    int rc = prepare(nn, &s, ENG_BWD_D | (o->weights ? ENG_BWD_W : 0u));
    if (!rc && o->weights)
        rc = fit_grad_shards(nn, s.S);
    if (!rc) {
        nn_layout_import(eng_layout(nn->e, layer + 1), nn->n, dy, nn->bf.dy[layer + 1]);
        bwd_ctx_t c = {layer, o->stop, o->relu_rule, o->weights};
        rc = run_shards(nn, &s, bwd_shard, &c);
    }
    if (!rc && o->weights)
        reduce_grads(nn, s.S, o->stop, layer);
    nn->grad_lo = rc ? NN_MAX_T : o->stop + 1;
    nn->grad_hi = rc ? -1 : layer + 1;
    omp_set_num_threads(saved);
    return rc;
}

int mrl_nn_train_step(mrl_nn_t *nn, const float *x, const int *labels, const float *class_weight,
                      size_t n, const mrl_adam_opts_t *ao, mrl_rng_t *rng, double *loss,
                      int *ncorrect)
{
    int saved = omp_get_max_threads();
    shards_t s;
    train_ctx_t c;
    int rc = labels && ao ? 0 : mrl_err_set(MRL_ERR_ARG, "training needs labels and Adam options");
    if (!rc)
        rc = check_logits(nn);
    if (!rc)
        rc = fwd_begin(nn, x, n, MRL_NN_TRAIN, rng, &s);
    int K = eng_layout(nn->e, nn->L)->c;
    for (size_t j = 0; !rc && j < n; j++)
        if (labels[j] < 0 || labels[j] >= K)
            rc = mrl_err_set(MRL_ERR_ARG, "label %d of image %zu not in [0,%d)", labels[j], j, K);
    for (int j = 0; !rc && class_weight && j < K; j++)
        if (!(class_weight[j] >= 0.0f && class_weight[j] < 1e6f))
            rc = mrl_err_set(MRL_ERR_ARG, "class weight %d is %g: not in [0,1e6)", j,
                             (double)class_weight[j]);
    if (!rc)
        rc = prepare(nn, &s, ENG_BWD_D | ENG_BWD_W);
    if (!rc)
        rc = fit_grad_shards(nn, s.S);
    if (!rc && n * (size_t)K > nn->logits_cap) {
        free(nn->logits);
        nn->logits = malloc(n * (size_t)K * sizeof(float));
        nn->logits_cap = nn->logits ? n * (size_t)K : 0;
        rc = nn->logits ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    if (!rc) {
        c = (train_ctx_t){labels, class_weight, nn->shard_loss, nn->shard_correct};
        rc = run_shards(nn, &s, train_shard, &c);
    }
    if (!rc) {
        mrl_model_zero_grads(nn->m);
        reduce_grads(nn, s.S, 0, nn->L - 1);
        mrl_model_adam_step(nn->m, ao);
        double sum = 0.0;
        int nc = 0;
        for (size_t k = 0; k < s.S; k++)
            sum += c.loss[k], nc += c.correct[k];
        if (loss)
            *loss = sum / (double)n;
        if (ncorrect)
            *ncorrect = nc;
        nn->grad_lo = 1, nn->grad_hi = nn->L;
    } else {
        nn->n = 0;
    }
    omp_set_num_threads(saved);
    return rc;
}
