/*
 * nn.h - internals of the CNN engine shared by model.c, model_io.c, ops.c, net.c and
 * engine_dnnl.c (not public). engine_dnnl.c is the only file that speaks oneDNN; everything
 * else sees activations as flat float buffers with a per-image layout (nn_layout_t).
 */
#ifndef MRL_NN_H
#define MRL_NN_H

#include <stddef.h>
#include <stdint.h>
#include "mirlens.h"

#define NN_MAX_T (MRL_NN_MAX_LAYERS + 1) /* tensors: 0 = input, i+1 = output of layer i */
#define NN_SHARD 32                      /* images per shard (upper bound) */
#define NN_MAX_THREADS 64

typedef struct nn_meta {
    char *key, *val;
} nn_meta_t;

struct mrl_model {
    mrl_arch_t arch;
    size_t nparams;
    size_t w_off[MRL_NN_MAX_LAYERS], w_n[MRL_NN_MAX_LAYERS];
    size_t b_off[MRL_NN_MAX_LAYERS], b_n[MRL_NN_MAX_LAYERS];
    float *params, *grads, *adam_m, *adam_v; /* nparams floats each */
    long adam_t;
    uint64_t version; /* bumped whenever params change (kernel weight caches follow it) */
    nn_meta_t *meta;
    int n_meta, cap_meta;
};

/* Model with the parameter table and zeroed blocks of architecture a; MRL_ERR_RANGE when it
 * would hold more than max_params parameters (a loader passes what the file can hold). */
int nn_model_alloc(mrl_model_t **out, const mrl_arch_t *a, size_t max_params);
/* Glorot-uniform weights of layer i (conv or dense, with parameters) drawn in order from rng
 * into m->params; in[3] is the layer's input shape (C,H,W). Biases are left alone. Shared
 * by mrl_model_new and mrl_model_randomize_layer so both draw exactly alike. */
void nn_glorot_layer(mrl_model_t *m, int i, const int in[3], mrl_rng_t *rng);

/* Physical layout of one activation tensor, per image, as the kernels keep it: channel
 * may be blocked (nChw16c), the image index is outermost. Logical (c,h,w) of image n lives
 * at n*img + (c/cb)*sco + (c%cb)*sci + h*sh + w*sw. Padding channels hold zeros. */
typedef struct nn_layout {
    int c, h, w; /* logical shape per image */
    int ndims;   /* 2 (N,C) or 4 (N,C,H,W) */
    size_t img;  /* floats per image including channel padding */
    int cb;      /* channel block (1 for plain) */
    size_t sco, sci, sh, sw;
} nn_layout_t;

static inline size_t nn_off(const nn_layout_t *l, int c, int h, int w)
{
    return (size_t)(c / l->cb) * l->sco + (size_t)(c % l->cb) * l->sci + (size_t)h * l->sh +
           (size_t)w * l->sw;
}

/* Copy between a plain (N,C,H,W) tensor and the physical layout. */
void nn_layout_import(const nn_layout_t *l, size_t n, const float *src, float *dst);
void nn_layout_export(const nn_layout_t *l, size_t n, const float *src, float *dst);

/* Elementwise kernels (ops.c), on physical buffers of `len` floats. */
void nn_relu_fwd(const float *restrict x, float *restrict y, size_t len);
/* dx from dy and the ReLU's output y under `rule` (enum mrl_relu_rule). */
void nn_relu_bwd(const float *restrict dy, const float *restrict y, float *restrict dx, size_t len,
                 int rule);
void nn_mul(const float *restrict a, const float *restrict b, float *restrict out, size_t len);
/* Dropout masks for n images in logical NCHW order: kept = 1/(1-rate), dropped = 0. */
void nn_dropout_mask(const nn_layout_t *l, size_t n, float rate, mrl_rng_t *rng, float *mask);

/* Softmax + cross-entropy of n rows; each row's loss and dlogits scaled by cw[label] (cw
 * NULL: 1), dlogits divided by denom (the whole batch size); loss_sum is the summed (not
 * averaged) loss; ncorrect counts argmax == label. */
void nn_xent(const float *logits, const int *labels, const float *cw, size_t n, int k,
             size_t denom, float *probs, float *dlogits, double *loss_sum, int *ncorrect);

/* ---- engine (engine_dnnl.c) ------------------------------------------------------ */

typedef struct eng eng_t;

enum { ENG_FWD = 1, ENG_BWD_D = 2, ENG_BWD_W = 4 };

/* Build the engine for a model: decides the fused layers and every tensor's layout. */
int eng_new(eng_t **out, mrl_model_t *m, int precision);
/* Layers that compute in bf16 (0 for precision f32, or where the CPU has no bf16 kernels). */
int eng_bf16_layers(const eng_t *e);
/* Layer kernels created so far (all batch sizes, all passes) that are oneDNN's reference
 * implementation: slow paths probe() failed to avoid. */
int eng_reference_kernels(const eng_t *e);
void eng_free(eng_t *e);
/* Layout of tensor t (0 = input, i+1 = output of layer i), and of its gradient (the same
 * except for the input). */
const nn_layout_t *eng_layout(const eng_t *e, int t);
const nn_layout_t *eng_dlayout(const eng_t *e, int t);
/* 1 if layer i (conv/dense) carries the following ReLU as a fused post-op: its own output
 * tensor i+1 is not materialised and it writes tensor i+2. */
int eng_fused(const eng_t *e, int i);
/* Bytes per image of layer i's pooling workspace (0 for other layers). */
size_t eng_ws_img(const eng_t *e, int i);
/* Start of a public call: plans prepared from here on are kept until the next call. */
void eng_begin(eng_t *e);
/* Make sure the primitives of groups `need` exist for shard size b built for nthr threads
 * and that reordered weights match the model's version. Main thread only. */
int eng_prepare(eng_t *e, int b, int nthr, unsigned need);
/* Scratchpad bytes a worker needs for any prepared primitive. */
size_t eng_scratch_bytes(const eng_t *e);

/* Buffers of the whole batch (image 0); shards are views at n0 * layout.img. */
typedef struct nn_bufs {
    float *y[NN_MAX_T], *dy[NN_MAX_T];
    unsigned char *ws[MRL_NN_MAX_LAYERS];
} nn_bufs_t;

/* Per-worker execution state: stream, scratchpad, weight-gradient staging. */
typedef struct eng_worker {
    void *stream;
    void *scratch;
    float *dw;  /* staging for one layer's blocked weight gradient */
    void *cvt;  /* bf16 layers: the input and output gradient converted to bf16 */
    float *col; /* layer 0's input gradient before col2im */
    size_t scratch_sz, dw_sz, cvt_sz, col_sz;
    uint64_t ddst_key[4]; /* (call, layer, n0, b) of the output gradient held in cvt */
} eng_worker_t;

/* (Re)size a zero-initialised worker for every prepared plan; safe to call again. */
int eng_worker_init(eng_t *e, eng_worker_t *w);
void eng_worker_release(eng_worker_t *w);

/* Run layer i's kernel (conv, maxpool, dense) on images [n0, n0+b) of the batch.
 *  fwd:    (b, nthr) plan; reads tensor i, writes the layer's output tensor.
 *  bwd_d:  (b, nthr) plan; from dy of the output tensor writes dy of tensor i.
 *  bwd_w:  (b, 1) plan; writes the plain weight and bias gradient of these b images into
 *          gplain at the layer's w_off/b_off (overwriting). */
int eng_fwd(eng_t *e, eng_worker_t *w, int i, size_t n0, int b, int nthr, const nn_bufs_t *bf);
int eng_bwd_d(eng_t *e, eng_worker_t *w, int i, size_t n0, int b, int nthr, const nn_bufs_t *bf);
int eng_bwd_w(eng_t *e, eng_worker_t *w, int i, size_t n0, int b, const nn_bufs_t *bf,
              float *gplain);

/* OpenMP runtime (libgomp, oneDNN's threading runtime): the thread count oneDNN uses is
 * the calling thread's OpenMP setting. */
int omp_get_max_threads(void);
void omp_set_num_threads(int n);

#endif
