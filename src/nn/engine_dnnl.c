/*
 * engine_dnnl.c - the one file that speaks oneDNN (Intel's Deep Neural Network Library,
 * 2.6 C API): convolution, max pooling and inner product, forward and both backward passes.
 *
 * Activations stay in one layout per tensor with the image index outermost: the one
 * oneDNN chooses (format `any`, typically nChw16c), or channels-last (nhwc) for networks
 * of 5x5 convolutions and for bf16 (see probe). A shard of images is a plain sub-range of
 * a batch buffer and no reorder happens between f32 layers. Weights live in the model in
 * plain OIHW and are reordered into each kernel's format once per parameter version. A
 * ReLU after a convolution or dense layer is fused as a post-op.
 *
 * Primitives are grouped in plans keyed by (images b, threads nthr): oneDNN sizes its
 * work split at creation from the OpenMP thread count. Weight gradients always use nthr=1
 * plans on fixed shards, so their summation order never depends on the thread count.
 * Scratchpads are user-managed (one per worker) so plans can run concurrently. For a
 * single image (nthr > 1) only the heavy convolutions use the OpenMP team; the light
 * kernels run on the calling thread (run_single). The first convolution's input gradient
 * is an sgemm + col2im (bwd_d_gemm0).
 *
 * Precision bf16 (an option; f32 is the default and the exact reference): convolutions
 * after the first compute in bfloat16 with f32 accumulation (AMX or AVX512-BF16 kernels).
 * Activations, gradients, pooling, dense layers and the master weights stay f32: each such
 * convolution converts its input (and, backward, its output gradient) to bf16 in the
 * worker's buffer and writes f32, so the rest of the engine never sees bf16. A layer whose
 * bf16 kernel would be oneDNN's reference implementation stays f32.
 */
#include <string.h>
#include <oneapi/dnnl/dnnl.h>
#include "../util/util.h"
#include "nn.h"

#define MAX_PLANS 12

typedef struct kprim {
    dnnl_primitive_t p;
    dnnl_memory_desc_t scratch;
    int single; /* run on the calling thread alone (a small kernel of a small batch) */
} kprim_t;

/* Batches up to this size run their light kernels (pooling, dense, conversions) on one
 * thread: waking the OpenMP team costs more than these kernels take for a few images. */
#define SMALL_B 4

typedef struct lprim {
    kprim_t fwd, bwd_d, bwd_w, r_dw;
    kprim_t r_src, r_ddst; /* bf16 layers: f32 input / output gradient -> bf16 (batch b) */
    dnnl_primitive_desc_t fwd_pd;
    dnnl_memory_desc_t w_fwd_md, w_bwd_md, dw_md;
    dnnl_primitive_t r_wf, r_wb; /* plain -> kernel weight reorders (NULL: plain is used) */
    void *w_fwd, *w_bwd;         /* f32, or bf16 for a bf16 layer */
    uint64_t ver_fwd, ver_bwd;
} lprim_t;

typedef struct plan {
    int b, nthr;
    unsigned have;
    uint64_t stamp; /* call (eng_begin tick) that last used it */
    lprim_t l[MRL_NN_MAX_LAYERS];
} plan_t;

struct eng {
    mrl_model_t *m;
    dnnl_engine_t de;
    dnnl_stream_t main_stream;
    int L;
    int fused[MRL_NN_MAX_LAYERS];
    int bf16;                   /* precision asked for (MRL_PREC_BF16) */
    int lbf[MRL_NN_MAX_LAYERS]; /* layer i computes in bf16 */
    /* bf16 layers: the kernel's bf16 input and output-gradient layouts (batch NN_SHARD) */
    dnnl_memory_desc_t src16[MRL_NN_MAX_LAYERS], ddst16[MRL_NN_MAX_LAYERS];
    int in_t[MRL_NN_MAX_LAYERS], out_t[MRL_NN_MAX_LAYERS];
    dnnl_memory_desc_t md[NN_MAX_T]; /* per tensor, batch of NN_SHARD (dims[0] replaced) */
    nn_layout_t lay[NN_MAX_T];
    /* the input gradient's own layout: a plain 3-channel diff_src would send the first
     * convolution's backward-data pass to oneDNN's reference kernel (100x slower) */
    dnnl_memory_desc_t dmd0;
    nn_layout_t dlay0;
    dnnl_memory_desc_t ws_md[MRL_NN_MAX_LAYERS], w_md[MRL_NN_MAX_LAYERS], b_md[MRL_NN_MAX_LAYERS];
    size_t ws_img[MRL_NN_MAX_LAYERS];
    plan_t *plans[MAX_PLANS];
    int n_plans;
    uint64_t tick;
    size_t scratch_max, dw_max, cvt_max, col_max;
    int gemm0; /* layer 0's input gradient by sgemm + col2im (bwd_d_gemm0) */
    int nhwc;  /* all activations channels-last */
    int n_ref; /* layer kernels of the plans that are oneDNN's reference implementation */
    int probe_ref; /* forward kernels probe_layouts found only a reference implementation for */
};

#define DN(call)                                                                                   \
    do {                                                                                           \
        dnnl_status_t st_ = (call);                                                                \
        if (st_ != dnnl_success)                                                                   \
            return mrl_err_set(MRL_ERR_INTERNAL, "oneDNN: %s failed (status %d)", #call,           \
                               (int)st_);                                                          \
    } while (0)

static void kprim_free(kprim_t *k)
{
    if (k->p)
        dnnl_primitive_destroy(k->p);
}

static int has_kernel(int kind)
{
    return kind == MRL_LAYER_CONV || kind == MRL_LAYER_MAXPOOL || kind == MRL_LAYER_DENSE;
}

static dnnl_memory_desc_t md_batch(const dnnl_memory_desc_t *proto, int b)
{
    dnnl_memory_desc_t d = *proto;
    d.dims[0] = d.padded_dims[0] = b;
    return d;
}

/* Per-image layout from a oneDNN descriptor; only layouts with the image index outermost and
 * at most a channel block are accepted (nchw, nhwc, nChw8c/16c, nc). */
static int layout_of(const dnnl_memory_desc_t *d, nn_layout_t *l)
{
    const dnnl_blocking_desc_t *bk = &d->format_desc.blocking;
    memset(l, 0, sizeof *l);
    if (d->format_kind != dnnl_blocked || d->offset0 != 0 || bk->inner_nblks > 1 ||
        (bk->inner_nblks == 1 && bk->inner_idxs[0] != 1))
        return mrl_err_set(MRL_ERR_INTERNAL, "oneDNN chose an unsupported activation layout");
    l->ndims = d->ndims;
    l->c = (int)d->dims[1];
    l->h = d->ndims == 4 ? (int)d->dims[2] : 1;
    l->w = d->ndims == 4 ? (int)d->dims[3] : 1;
    l->cb = bk->inner_nblks ? (int)bk->inner_blks[0] : 1;
    l->sco = (size_t)bk->strides[1];
    l->sci = 1;
    l->sh = d->ndims == 4 ? (size_t)bk->strides[2] : 0;
    l->sw = d->ndims == 4 ? (size_t)bk->strides[3] : 0;
    l->img = (size_t)bk->strides[0];
    size_t per_img = dnnl_memory_desc_get_size(d) / sizeof(float) / (size_t)d->dims[0];
    if (per_img != l->img)
        return mrl_err_set(MRL_ERR_INTERNAL, "oneDNN activation layout is not image-major");
    return 0;
}

static int plain_md(dnnl_memory_desc_t *d, int nd, const dnnl_dim_t *dims)
{
    static const dnnl_format_tag_t tag[5] = {dnnl_format_tag_undef, dnnl_a, dnnl_ab, dnnl_abc,
                                             dnnl_abcd};
    dnnl_dims_t full = {0};
    memcpy(full, dims, (size_t)nd * sizeof *dims);
    DN(dnnl_memory_desc_init_by_tag(d, nd, full, dnnl_f32, tag[nd]));
    return 0;
}

static int nhwc_md(dnnl_memory_desc_t *d, const dnnl_dim_t *dims)
{
    dnnl_dims_t full = {dims[0], dims[1], dims[2], dims[3]};
    DN(dnnl_memory_desc_init_by_tag(d, 4, full, dnnl_f32, dnnl_acdb));
    return 0;
}

static int any_md_dt(dnnl_memory_desc_t *d, int nd, const dnnl_dim_t *dims, dnnl_data_type_t dt)
{
    dnnl_dims_t full = {0};
    memcpy(full, dims, (size_t)nd * sizeof *dims);
    DN(dnnl_memory_desc_init_by_tag(d, nd, full, dt, dnnl_format_tag_any));
    return 0;
}

static int any_md(dnnl_memory_desc_t *d, int nd, const dnnl_dim_t *dims)
{
    return any_md_dt(d, nd, dims, dnnl_f32);
}

/* The same layout as d with bf16 elements (strides count elements, so they carry over). */
static dnnl_memory_desc_t md_bf16(const dnnl_memory_desc_t *d)
{
    dnnl_memory_desc_t r = *d;
    r.data_type = dnnl_bf16;
    return r;
}

/* Bytes of the bf16 staging a layer needs for b images (input + output gradient). */
static size_t cvt_bytes(const eng_t *e, int i, int b)
{
    if (!e->lbf[i])
        return 0;
    dnnl_memory_desc_t s = md_batch(&e->src16[i], b), d = md_batch(&e->ddst16[i], b);
    return (dnnl_memory_desc_get_size(&s) + 63) / 64 * 64 + dnnl_memory_desc_get_size(&d);
}

static size_t cvt_ddst_off(const eng_t *e, int i, int b)
{
    dnnl_memory_desc_t s = md_batch(&e->src16[i], b);
    return (dnnl_memory_desc_get_size(&s) + 63) / 64 * 64;
}

static int make_attr(dnnl_primitive_attr_t *attr, int relu)
{
    DN(dnnl_primitive_attr_create(attr));
    DN(dnnl_primitive_attr_set_scratchpad_mode(*attr, dnnl_scratchpad_mode_user));
    if (relu) {
        dnnl_post_ops_t po;
        DN(dnnl_post_ops_create(&po));
        DN(dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f));
        dnnl_status_t st = dnnl_primitive_attr_set_post_ops(*attr, po);
        dnnl_post_ops_destroy(po);
        DN(st);
    }
    return 0;
}

/* Create the primitive of pd into k (keeps the scratchpad descriptor); pd is destroyed
 * unless keep != NULL, where it is handed over. */
static int finish(eng_t *e, dnnl_primitive_desc_t pd, kprim_t *k, dnnl_primitive_desc_t *keep)
{
    k->scratch = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    size_t sz = dnnl_memory_desc_get_size(&k->scratch);
    if (sz > e->scratch_max)
        e->scratch_max = sz;
    dnnl_status_t st = dnnl_primitive_create(&k->p, pd);
    if (keep)
        *keep = pd;
    else
        dnnl_primitive_desc_destroy(pd);
    DN(st);
    return 0;
}

static void conv_geom(const mrl_layer_spec_t *s, dnnl_dim_t *st, dnnl_dim_t *pl, dnnl_dim_t *pr)
{
    st[0] = st[1] = s->kind == MRL_LAYER_MAXPOOL ? s->k : 1;
    pl[0] = pl[1] = pr[0] = pr[1] = 0;
    if (s->kind == MRL_LAYER_CONV && s->same) {
        pl[0] = pl[1] = (s->k - 1) / 2;
        pr[0] = pr[1] = s->k / 2;
    }
}

/* Forward primitive of layer i for b images; fills the kernel's weight md. */
static int create_fwd(eng_t *e, int i, int b, lprim_t *lp)
{
    const mrl_layer_spec_t *s = &e->m->arch.layer[i];
    dnnl_memory_desc_t src = md_batch(e->lbf[i] ? &e->src16[i] : &e->md[e->in_t[i]], b);
    dnnl_memory_desc_t dst = md_batch(&e->md[e->out_t[i]], b), wany;
    dnnl_dims_t st, pl, pr;
    conv_geom(s, st, pl, pr);
    dnnl_primitive_attr_t attr;
    int rc = make_attr(&attr, e->fused[i]);
    if (rc)
        return rc;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t status;
    if (s->kind == MRL_LAYER_CONV) {
        dnnl_convolution_desc_t cd;
        rc = any_md_dt(&wany, 4, e->w_md[i].dims, e->lbf[i] ? dnnl_bf16 : dnnl_f32);
        status = rc ? dnnl_invalid_arguments
                    : dnnl_convolution_forward_desc_init(&cd, dnnl_forward_training,
                                                         dnnl_convolution_direct, &src, &wany,
                                                         &e->b_md[i], &dst, st, pl, pr);
        if (status == dnnl_success)
            status = dnnl_primitive_desc_create(&pd, &cd, attr, e->de, NULL);
    } else if (s->kind == MRL_LAYER_DENSE) {
        dnnl_inner_product_desc_t id;
        rc = any_md(&wany, e->w_md[i].ndims, e->w_md[i].dims);
        status = rc ? dnnl_invalid_arguments
                    : dnnl_inner_product_forward_desc_init(&id, dnnl_forward_training, &src, &wany,
                                                           &e->b_md[i], &dst);
        if (status == dnnl_success)
            status = dnnl_primitive_desc_create(&pd, &id, attr, e->de, NULL);
    } else {
        dnnl_pooling_desc_t qd;
        dnnl_dims_t ker = {s->k, s->k};
        status = dnnl_pooling_forward_desc_init(&qd, dnnl_forward_training, dnnl_pooling_max, &src,
                                                &dst, st, ker, pl, pr);
        if (status == dnnl_success)
            status = dnnl_primitive_desc_create(&pd, &qd, attr, e->de, NULL);
    }
    dnnl_primitive_attr_destroy(attr);
    if (status != dnnl_success)
        return mrl_err_set(MRL_ERR_INTERNAL, "oneDNN: no forward kernel for layer %d (status %d)",
                           i, (int)status);
    if (s->kind != MRL_LAYER_MAXPOOL)
        lp->w_fwd_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    else
        lp->w_fwd_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_workspace_md, 0);
    return finish(e, pd, &lp->fwd, &lp->fwd_pd);
}

static int create_bwd_d(eng_t *e, int i, int b, lprim_t *lp)
{
    const mrl_layer_spec_t *s = &e->m->arch.layer[i];
    dnnl_memory_desc_t dsrc = md_batch(i == 0 ? &e->dmd0 : &e->md[e->in_t[i]], b);
    dnnl_memory_desc_t ddst = md_batch(e->lbf[i] ? &e->ddst16[i] : &e->md[e->out_t[i]], b), wany;
    dnnl_dims_t st, pl, pr;
    conv_geom(s, st, pl, pr);
    dnnl_primitive_attr_t attr;
    int rc = make_attr(&attr, 0);
    if (rc)
        return rc;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t status;
    if (s->kind == MRL_LAYER_CONV) {
        dnnl_convolution_desc_t cd;
        rc = any_md_dt(&wany, 4, e->w_md[i].dims, e->lbf[i] ? dnnl_bf16 : dnnl_f32);
        status = rc ? dnnl_invalid_arguments
                    : dnnl_convolution_backward_data_desc_init(&cd, dnnl_convolution_direct, &dsrc,
                                                               &wany, &ddst, st, pl, pr);
        if (status == dnnl_success)
            status = dnnl_primitive_desc_create(&pd, &cd, attr, e->de, lp->fwd_pd);
    } else if (s->kind == MRL_LAYER_DENSE) {
        dnnl_inner_product_desc_t id;
        rc = any_md(&wany, e->w_md[i].ndims, e->w_md[i].dims);
        status = rc ? dnnl_invalid_arguments
                    : dnnl_inner_product_backward_data_desc_init(&id, &dsrc, &wany, &ddst);
        if (status == dnnl_success)
            status = dnnl_primitive_desc_create(&pd, &id, attr, e->de, lp->fwd_pd);
    } else {
        dnnl_pooling_desc_t qd;
        dnnl_dims_t ker = {s->k, s->k};
        status =
            dnnl_pooling_backward_desc_init(&qd, dnnl_pooling_max, &dsrc, &ddst, st, ker, pl, pr);
        if (status == dnnl_success)
            status = dnnl_primitive_desc_create(&pd, &qd, attr, e->de, lp->fwd_pd);
    }
    dnnl_primitive_attr_destroy(attr);
    if (status != dnnl_success)
        return mrl_err_set(MRL_ERR_INTERNAL,
                           "oneDNN: no backward-data kernel for layer %d (status %d)", i,
                           (int)status);
    if (s->kind != MRL_LAYER_MAXPOOL)
        lp->w_bwd_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    return finish(e, pd, &lp->bwd_d, NULL);
}

static int create_bwd_w(eng_t *e, int i, int b, lprim_t *lp)
{
    const mrl_layer_spec_t *s = &e->m->arch.layer[i];
    if (s->kind == MRL_LAYER_MAXPOOL)
        return 0;
    dnnl_memory_desc_t src = md_batch(e->lbf[i] ? &e->src16[i] : &e->md[e->in_t[i]], b);
    dnnl_memory_desc_t ddst = md_batch(e->lbf[i] ? &e->ddst16[i] : &e->md[e->out_t[i]], b), wany;
    dnnl_dims_t st, pl, pr;
    conv_geom(s, st, pl, pr);
    dnnl_primitive_attr_t attr;
    int rc = make_attr(&attr, 0);
    if (rc)
        return rc;
    rc = any_md(&wany, e->w_md[i].ndims, e->w_md[i].dims); /* f32 gradient also for bf16 */
    if (rc) {
        dnnl_primitive_attr_destroy(attr);
        return rc;
    }
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t status;
    if (s->kind == MRL_LAYER_CONV) {
        dnnl_convolution_desc_t cd;
        status = dnnl_convolution_backward_weights_desc_init(&cd, dnnl_convolution_direct, &src,
                                                             &wany, &e->b_md[i], &ddst, st, pl, pr);
        if (status == dnnl_success)
            status = dnnl_primitive_desc_create(&pd, &cd, attr, e->de, lp->fwd_pd);
    } else {
        dnnl_inner_product_desc_t id;
        status =
            dnnl_inner_product_backward_weights_desc_init(&id, &src, &wany, &e->b_md[i], &ddst);
        if (status == dnnl_success)
            status = dnnl_primitive_desc_create(&pd, &id, attr, e->de, lp->fwd_pd);
    }
    if (status != dnnl_success) {
        dnnl_primitive_attr_destroy(attr);
        return mrl_err_set(MRL_ERR_INTERNAL,
                           "oneDNN: no backward-weights kernel for layer %d (status %d)", i,
                           (int)status);
    }
    lp->dw_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_diff_weights_md, 0);
    size_t sz = dnnl_memory_desc_get_size(&lp->dw_md);
    if (sz > e->dw_max)
        e->dw_max = sz;
    rc = finish(e, pd, &lp->bwd_w, NULL);
    if (!rc && !dnnl_memory_desc_equal(&lp->dw_md, &e->w_md[i])) {
        dnnl_primitive_desc_t rpd;
        status =
            dnnl_reorder_primitive_desc_create(&rpd, &lp->dw_md, e->de, &e->w_md[i], e->de, attr);
        rc = status == dnnl_success ? finish(e, rpd, &lp->r_dw, NULL)
                                    : mrl_err_set(MRL_ERR_INTERNAL, "oneDNN: reorder failed");
    }
    dnnl_primitive_attr_destroy(attr);
    return rc;
}

/* Reorder primitive plain weights -> kernel format, and the buffer (NULL if identical). */
static int weight_reorder(eng_t *e, int i, const dnnl_memory_desc_t *to, dnnl_primitive_t *r,
                          void **buf)
{
    if (dnnl_memory_desc_equal(to, &e->w_md[i]))
        return 0;
    size_t sz = dnnl_memory_desc_get_size(to);
    *buf = aligned_alloc(64, (sz + 63) / 64 * 64);
    if (!*buf)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    dnnl_primitive_desc_t pd;
    DN(dnnl_reorder_primitive_desc_create(&pd, &e->w_md[i], e->de, to, e->de, NULL));
    dnnl_status_t st = dnnl_primitive_create(r, pd);
    dnnl_primitive_desc_destroy(pd);
    DN(st);
    return 0;
}

static void plan_free(eng_t *e, plan_t *p)
{
    for (int i = 0; i < e->L; i++) {
        lprim_t *lp = &p->l[i];
        kprim_free(&lp->fwd), kprim_free(&lp->bwd_d), kprim_free(&lp->bwd_w);
        kprim_free(&lp->r_dw), kprim_free(&lp->r_src), kprim_free(&lp->r_ddst);
        if (lp->fwd_pd)
            dnnl_primitive_desc_destroy(lp->fwd_pd);
        if (lp->r_wf)
            dnnl_primitive_destroy(lp->r_wf);
        if (lp->r_wb)
            dnnl_primitive_destroy(lp->r_wb);
        free(lp->w_fwd), free(lp->w_bwd);
    }
    free(p);
}

void eng_begin(eng_t *e)
{
    e->tick++;
}

static plan_t *plan_find(eng_t *e, int b, int nthr)
{
    for (int k = 0; k < e->n_plans; k++)
        if (e->plans[k]->b == b && e->plans[k]->nthr == nthr)
            return e->plans[k];
    return NULL;
}

/* Reorder primitive between two descriptors of b images into k. */
static int act_reorder(eng_t *e, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to,
                       int b, kprim_t *k)
{
    dnnl_memory_desc_t f = md_batch(from, b), t = md_batch(to, b);
    dnnl_primitive_attr_t attr;
    int rc = make_attr(&attr, 0);
    if (rc)
        return rc;
    dnnl_primitive_desc_t pd;
    dnnl_status_t st = dnnl_reorder_primitive_desc_create(&pd, &f, e->de, &t, e->de, attr);
    dnnl_primitive_attr_destroy(attr);
    DN(st);
    return finish(e, pd, k, NULL);
}

/* Multiply-adds x 2 of convolution i per image. */
static double conv_flops(const eng_t *e, int i)
{
    const mrl_layer_spec_t *s = &e->m->arch.layer[i];
    const dnnl_memory_desc_t *in = &e->md[e->in_t[i]], *out = &e->md[e->out_t[i]];
    return 2.0 * (double)out->dims[1] * (double)in->dims[1] * s->k * s->k * (double)out->dims[2] *
           (double)out->dims[3];
}

/* 1 if layer i's kernels for a plan of b images on nthr > 1 threads should run on the
 * calling thread alone. Waking the OpenMP team (passive waiting) costs tens of
 * microseconds per kernel on this kind of machine: only convolutions worth about a
 * millisecond of one core's work use it; bf16 convolutions never do (the fastest is a
 * few hundred microseconds: one thread ran batch-1 inference twice as fast as two). */
static int run_single(const eng_t *e, int i, int b, int nthr)
{
    if (nthr <= 1)
        return 0;
    if (e->m->arch.layer[i].kind != MRL_LAYER_CONV)
        return b <= SMALL_B;
    return e->lbf[i] || conv_flops(e, i) * b < 50e6;
}

/* 1 if oneDNN picked its reference (unoptimised) implementation for pd. */
static int is_reference(const_dnnl_primitive_desc_t pd)
{
    const char *name = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) != dnnl_success || !name)
        return 1;
    return strncmp(name, "ref", 3) == 0;
}

/* 1 if pd (or primitive p) is oneDNN's reference implementation. */
static int prim_is_reference(const_dnnl_primitive_t p)
{
    const_dnnl_primitive_desc_t pd;
    if (!p || dnnl_primitive_get_primitive_desc(p, &pd) != dnnl_success)
        return 1;
    return is_reference(pd);
}

static int plan_group(eng_t *e, plan_t *p, unsigned g)
{
    for (int i = 0; i < e->L; i++) {
        int kind = e->m->arch.layer[i].kind, rc = 0;
        if (!has_kernel(kind) || (g == ENG_BWD_D && i == 0 && e->gemm0)) /* bwd_d_gemm0 */
            continue;
        lprim_t *lp = &p->l[i];
        int single = run_single(e, i, p->b, p->nthr);
        if (single)
            omp_set_num_threads(1); /* kernels size their work split at creation */
        if (g == ENG_FWD) {
            rc = create_fwd(e, i, p->b, lp);
            if (!rc && kind != MRL_LAYER_MAXPOOL)
                rc = weight_reorder(e, i, &lp->w_fwd_md, &lp->r_wf, &lp->w_fwd);
            if (!rc && e->lbf[i])
                rc = act_reorder(e, &e->md[e->in_t[i]], &e->src16[i], p->b, &lp->r_src);
        } else if (g == ENG_BWD_D) {
            rc = create_bwd_d(e, i, p->b, lp);
            if (!rc && kind != MRL_LAYER_MAXPOOL)
                rc = weight_reorder(e, i, &lp->w_bwd_md, &lp->r_wb, &lp->w_bwd);
        } else {
            rc = create_bwd_w(e, i, p->b, lp);
        }
        if (!rc && e->lbf[i] && g != ENG_FWD && !lp->r_ddst.p)
            rc = act_reorder(e, &e->md[i + 1], &e->ddst16[i], p->b, &lp->r_ddst);
        if (single)
            omp_set_num_threads(p->nthr);
        if (rc)
            return rc;
        const kprim_t *made = g == ENG_FWD ? &lp->fwd : g == ENG_BWD_D ? &lp->bwd_d : &lp->bwd_w;
        e->n_ref += made->p && prim_is_reference(made->p); /* maxpool: no weight kernel */
        if (single)
            lp->fwd.single = lp->bwd_d.single = 1;
        if (p->b <= SMALL_B)
            lp->r_src.single = lp->r_ddst.single = 1;
        size_t cb = cvt_bytes(e, i, p->b);
        if (cb > e->cvt_max)
            e->cvt_max = cb;
    }
    p->have |= g;
    return 0;
}

static int run_reorder(eng_t *e, dnnl_primitive_t r, const dnnl_memory_desc_t *from,
                       const void *src, const dnnl_memory_desc_t *to, void *dst, dnnl_stream_t s)
{
    dnnl_memory_t ms, md;
    DN(dnnl_memory_create(&ms, from, e->de, (void *)src));
    dnnl_status_t st = dnnl_memory_create(&md, to, e->de, dst);
    if (st == dnnl_success) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, ms}, {DNNL_ARG_TO, md}};
        st = dnnl_primitive_execute(r, s, 2, args);
        if (st == dnnl_success)
            st = dnnl_stream_wait(s);
        dnnl_memory_destroy(md);
    }
    dnnl_memory_destroy(ms);
    DN(st);
    return 0;
}

/* Bring the plan's reordered weights up to the model's parameter version. */
static int refresh_weights(eng_t *e, plan_t *p)
{
    const mrl_model_t *m = e->m;
    for (int i = 0; i < e->L; i++) {
        lprim_t *lp = &p->l[i];
        const float *w = m->params + m->w_off[i];
        int rc = 0;
        if (lp->r_wf && lp->ver_fwd != m->version)
            rc = run_reorder(e, lp->r_wf, &e->w_md[i], w, &lp->w_fwd_md, lp->w_fwd, e->main_stream);
        if (!rc && lp->r_wb && lp->ver_bwd != m->version)
            rc = run_reorder(e, lp->r_wb, &e->w_md[i], w, &lp->w_bwd_md, lp->w_bwd, e->main_stream);
        if (rc)
            return rc;
        if (lp->r_wf)
            lp->ver_fwd = m->version;
        if (lp->r_wb)
            lp->ver_bwd = m->version;
    }
    return 0;
}

int eng_prepare(eng_t *e, int b, int nthr, unsigned need)
{
    int saved = omp_get_max_threads();
    omp_set_num_threads(nthr);
    int rc = 0;
    plan_t *p = plan_find(e, b, nthr);
    if (!p) {
        p = calloc(1, sizeof *p);
        if (!p) {
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
            goto out;
        }
        p->b = b, p->nthr = nthr;
        if (e->n_plans == MAX_PLANS) {
            /* evict the least recently used plan not needed by this call (a call uses at
             * most 5: two shard sizes x data / weight passes, and (1 image, 1 thread) for
             * the dense layers outside training); oneDNN's primitive cache makes a rebuild
             * cheap */
            int v = -1;
            for (int k = 0; k < e->n_plans; k++) {
                uint64_t st = e->plans[k]->stamp;
                if (st < e->tick && (v < 0 || st < e->plans[v]->stamp))
                    v = k;
            }
            MRL_ASSERT(v >= 0);
            plan_free(e, e->plans[v]);
            e->plans[v] = p;
        } else {
            e->plans[e->n_plans++] = p;
        }
    }
    p->stamp = e->tick;
    if (need & (ENG_BWD_D | ENG_BWD_W))
        need |= ENG_FWD; /* backward kernels take the forward descriptor as a hint */
    static const unsigned order[3] = {ENG_FWD, ENG_BWD_D, ENG_BWD_W};
    for (int g = 0; g < 3 && !rc; g++)
        if ((need & order[g]) && !(p->have & order[g]))
            rc = plan_group(e, p, order[g]);
    if (!rc)
        rc = refresh_weights(e, p);
out:
    omp_set_num_threads(saved);
    return rc;
}

/* Let the first convolution's backward-data kernel choose the input gradient's layout. */
static int probe_dsrc0(eng_t *e)
{
    lprim_t lp;
    memset(&lp, 0, sizeof lp);
    dnnl_dims_t d = {NN_SHARD, e->md[0].dims[1], e->md[0].dims[2], e->md[0].dims[3]};
    int rc = any_md(&e->dmd0, 4, d);
    if (!rc)
        rc = create_fwd(e, 0, NN_SHARD, &lp);
    if (!rc)
        rc = create_bwd_d(e, 0, NN_SHARD, &lp);
    if (!rc) {
        const_dnnl_primitive_desc_t pd;
        if (dnnl_primitive_get_primitive_desc(lp.bwd_d.p, &pd) == dnnl_success)
            e->dmd0 = *dnnl_primitive_desc_query_md(pd, dnnl_query_diff_src_md, 0);
        else
            rc = mrl_err_set(MRL_ERR_INTERNAL, "oneDNN: cannot query a primitive");
    }
    kprim_free(&lp.fwd), kprim_free(&lp.bwd_d);
    if (lp.fwd_pd)
        dnnl_primitive_desc_destroy(lp.fwd_pd);
    return rc;
}

/* The input gradient of a first convolution over a few input channels (the RGB image)
 * by matrix product and col2im instead of oneDNN's backward-data kernel, which
 * vectorises over input channels (3 of 16 lanes used: 0.46 ms of a 4.4 ms batch-1
 * saliency pass at k = 5, against 0.15 ms this way). Needs the output gradient's rows
 * (h, w) evenly strided: nChw16c, nhwc or nchw. */
static int gemm0_fits(const eng_t *e)
{
    const mrl_layer_spec_t *s = &e->m->arch.layer[0];
    const nn_layout_t *lo = &e->lay[1];
    if (s->kind != MRL_LAYER_CONV || e->m->arch.in_c > 4 || lo->ndims != 4 ||
        lo->sh != (size_t)lo->w * lo->sw)
        return 0;
    if (lo->cb > 1)
        return lo->sci == 1 && lo->sw == (size_t)lo->cb;
    return lo->sco == 1 || (lo->sw == 1 && lo->sco == (size_t)lo->h * lo->sh);
}

/* 1 if one of bf16 layer i's kernels (forward, backward data, backward weights) in the
 * layouts probe_layouts chose is oneDNN's reference implementation or missing: the forward
 * layouts can leave the backward passes without a fast kernel (AVX512-BF16 without AMX:
 * blocked bf16 kernels only, none writing an nhwc f32 input gradient; 100x slower). */
static int bf16_slow(eng_t *e, int i)
{
    lprim_t lp;
    memset(&lp, 0, sizeof lp);
    int rc = create_fwd(e, i, NN_SHARD, &lp);
    if (!rc)
        rc = create_bwd_d(e, i, NN_SHARD, &lp);
    if (!rc)
        rc = create_bwd_w(e, i, NN_SHARD, &lp);
    /* a pass with no bf16 kernel at all counts as slow: the layer then runs in f32 */
    int slow = rc || is_reference(lp.fwd_pd) || prim_is_reference(lp.bwd_d.p) ||
               prim_is_reference(lp.bwd_w.p);
    kprim_free(&lp.fwd), kprim_free(&lp.bwd_d), kprim_free(&lp.bwd_w), kprim_free(&lp.r_dw);
    if (lp.fwd_pd)
        dnnl_primitive_desc_destroy(lp.fwd_pd);
    return slow;
}

/* Decide fusion and every tensor's layout: each kernel is created once with `any` output
 * for a shard of NN_SHARD images and the chosen format is kept for all batch sizes.
 * nhwc: all activations channels-last; bf16_ok: bit i set = conv layer i may run in bf16
 * (layer 0, over the 3 RGB channels, never does). */
static int probe_layouts(eng_t *e, int nhwc, uint64_t bf16_ok)
{
    const mrl_arch_t *a = &e->m->arch;
    int s[3] = {a->in_c, a->in_h, a->in_w};
    dnnl_dim_t d4[4] = {NN_SHARD, s[0], s[1], s[2]};
    e->nhwc = nhwc;
    e->gemm0 = 0;
    e->probe_ref = 0;
    memset(e->lbf, 0, sizeof e->lbf);
    int rc = e->nhwc ? nhwc_md(&e->md[0], d4) : plain_md(&e->md[0], 4, d4);
    for (int i = 0; i < e->L && !rc; i++) {
        const mrl_layer_spec_t *l = &a->layer[i];
        e->fused[i] = (l->kind == MRL_LAYER_CONV || l->kind == MRL_LAYER_DENSE) && i + 1 < e->L &&
                      a->layer[i + 1].kind == MRL_LAYER_RELU;
        e->in_t[i] = i;
        e->out_t[i] = i + 1 + e->fused[i];
        int o[3];
        MRL_ASSERT(mrl_arch_shape(a, i, o) == 0);
        if (!has_kernel(l->kind)) {
            if (!(i > 0 && e->fused[i - 1]))
                e->md[i + 1] = e->md[i];
            continue;
        }
        const dnnl_memory_desc_t *in = &e->md[i];
        if (l->kind == MRL_LAYER_CONV) {
            dnnl_dim_t wd[4] = {l->out, in->dims[1], l->k, l->k};
            rc = plain_md(&e->w_md[i], 4, wd);
        } else if (l->kind == MRL_LAYER_DENSE) {
            dnnl_dim_t wd[4] = {l->out, in->dims[1], in->dims[2], in->dims[3]};
            rc = plain_md(&e->w_md[i], in->ndims, wd);
        }
        dnnl_dim_t od[4] = {NN_SHARD, o[0], o[1], o[2]};
        dnnl_dim_t bd[1] = {o[0]};
        if (!rc && l->kind != MRL_LAYER_MAXPOOL)
            rc = plain_md(&e->b_md[i], 1, bd);
        if (!rc)
            rc = any_md(&e->md[e->out_t[i]], l->kind == MRL_LAYER_DENSE ? 2 : 4, od);
        e->lbf[i] = l->kind == MRL_LAYER_CONV && i > 0 && (bf16_ok >> i & 1u);
        /* nhwc: every f32 convolution writes nhwc (the bf16 ones choose it themselves;
         * with AMX their backward-data pass has no fast kernel into a blocked f32
         * gradient) */
        int f32_nhwc = e->nhwc && l->kind == MRL_LAYER_CONV;
        if (!rc && f32_nhwc && !e->lbf[i])
            rc = nhwc_md(&e->md[e->out_t[i]], od);
        lprim_t lp;
        memset(&lp, 0, sizeof lp);
        if (!rc && e->lbf[i])
            rc = any_md_dt(&e->src16[i], 4, in->dims, dnnl_bf16);
        if (!rc)
            rc = create_fwd(e, i, NN_SHARD, &lp);
        if (e->lbf[i] && (rc || is_reference(lp.fwd_pd))) {
            /* no bf16 kernel on this CPU (AVX2: none at all; AVX-512 without BF16: the
             * reference one only): this layer stays f32 */
            kprim_free(&lp.fwd);
            if (lp.fwd_pd)
                dnnl_primitive_desc_destroy(lp.fwd_pd);
            memset(&lp, 0, sizeof lp);
            e->lbf[i] = 0;
            rc = f32_nhwc ? nhwc_md(&e->md[e->out_t[i]], od)
                          : any_md(&e->md[e->out_t[i]], 4, od);
            if (!rc)
                rc = create_fwd(e, i, NN_SHARD, &lp);
        }
        if (rc)
            break;
        e->probe_ref += is_reference(lp.fwd_pd);
        e->md[e->out_t[i]] = *dnnl_primitive_desc_query_md(lp.fwd_pd, dnnl_query_dst_md, 0);
        if (e->lbf[i]) {
            e->src16[i] = *dnnl_primitive_desc_query_md(lp.fwd_pd, dnnl_query_src_md, 0);
            e->ddst16[i] = md_bf16(&e->md[e->out_t[i]]);
        }
        if (l->kind == MRL_LAYER_MAXPOOL) {
            e->ws_md[i] = lp.w_fwd_md; /* create_fwd leaves the workspace md there */
            e->ws_img[i] = dnnl_memory_desc_get_size(&e->ws_md[i]) / NN_SHARD;
        }
        if (e->fused[i])
            e->md[i + 1] = e->md[i + 2];
        dnnl_primitive_destroy(lp.fwd.p);
        dnnl_primitive_desc_destroy(lp.fwd_pd);
    }
    for (int t = 0; t <= e->L && !rc; t++)
        rc = layout_of(&e->md[t], &e->lay[t]);
    e->dmd0 = e->md[0];
    if (!rc && a->layer[0].kind == MRL_LAYER_CONV && gemm0_fits(e)) {
        e->gemm0 = 1;
        rc = plain_md(&e->dmd0, 4, e->md[0].dims);
        const nn_layout_t *lo = &e->lay[1];
        e->col_max = (size_t)a->in_c * (size_t)(a->layer[0].k * a->layer[0].k) *
                     (size_t)(lo->h * lo->w) * sizeof(float);
    } else if (!rc && a->layer[0].kind == MRL_LAYER_CONV) {
        rc = probe_dsrc0(e);
    }
    if (!rc)
        rc = layout_of(&e->dmd0, &e->dlay0);
    return rc;
}

/* Layouts for the whole network. Channels-last (nhwc) tensors for 5x5 convolutions, faster
 * in f32 too (oneDNN's brgconv kernels: batch-1 inference +13%, saliency +5%, training +8%
 * at k = 5, measured on AVX-512 + AMX), not for 3x3 (training -8%): else oneDNN's own
 * choice, nChw16c. bf16 tries nhwc first (AMX's brgconv kernels), then oneDNN's blocked
 * layouts (AVX512-BF16 without AMX: 100x slower backward-data passes in nhwc), where a layer
 * still without fast bf16 kernels runs in f32. Where a forward kernel would be oneDNN's
 * reference implementation (below AVX2), the other layout family is tried. */
static int probe(eng_t *e)
{
    const mrl_arch_t *a = &e->m->arch;
    int k5 = 0;
    for (int i = 0; i < e->L; i++)
        k5 |= a->layer[i].kind == MRL_LAYER_CONV && a->layer[i].k >= 5;
    int nhwc = e->bf16 || k5;
    uint64_t ok = e->bf16 ? ~(uint64_t)0 : 0;
    int flipped = 0;
    for (;;) {
        int rc = probe_layouts(e, nhwc, ok);
        if (!rc && e->probe_ref && !flipped) {
            /* a forward kernel with only oneDNN's reference implementation in these
             * layouts (SSE4.1: a blocked input into a channels-last output, 100x slower):
             * the other layout family, if it has fewer (once: the loop terminates) */
            int ref = e->probe_ref;
            flipped = 1;
            rc = probe_layouts(e, !nhwc, ok);
            if (!rc && e->probe_ref > ref)
                rc = probe_layouts(e, nhwc, ok);
            else
                nhwc = !nhwc;
        }
        if (rc || !e->bf16)
            return rc;
        uint64_t slow = 0;
        for (int i = 0; i < e->L; i++)
            if (e->lbf[i])
                slow |= (uint64_t)bf16_slow(e, i) << i;
        if (!slow)
            return 0;
        if (nhwc)
            nhwc = 0; /* once */
        else
            ok &= ~slow; /* strictly fewer bf16 layers each round: terminates */
    }
}

int eng_new(eng_t **out, mrl_model_t *m, int precision)
{
    *out = NULL;
    eng_t *e = calloc(1, sizeof *e);
    if (!e)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    e->m = m;
    e->bf16 = precision == MRL_PREC_BF16;
    e->L = m->arch.n_layers;
    int rc = 0;
    if (dnnl_engine_create(&e->de, dnnl_cpu, 0) != dnnl_success ||
        dnnl_stream_create(&e->main_stream, e->de, dnnl_stream_default_flags) != dnnl_success)
        rc = mrl_err_set(MRL_ERR_INTERNAL, "oneDNN: cannot create the CPU engine");
    if (!rc)
        rc = probe(e);
    if (rc) {
        eng_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

void eng_free(eng_t *e)
{
    if (!e)
        return;
    for (int k = 0; k < e->n_plans; k++)
        plan_free(e, e->plans[k]);
    if (e->main_stream)
        dnnl_stream_destroy(e->main_stream);
    if (e->de)
        dnnl_engine_destroy(e->de);
    free(e);
}

const nn_layout_t *eng_layout(const eng_t *e, int t)
{
    return &e->lay[t];
}

const nn_layout_t *eng_dlayout(const eng_t *e, int t)
{
    return t == 0 ? &e->dlay0 : &e->lay[t];
}

int eng_fused(const eng_t *e, int i)
{
    return e->fused[i];
}

size_t eng_ws_img(const eng_t *e, int i)
{
    return e->ws_img[i];
}

size_t eng_scratch_bytes(const eng_t *e)
{
    return e->scratch_max;
}

int eng_reference_kernels(const eng_t *e)
{
    return e->n_ref;
}

const char *mrl_cpu_isa(void)
{
    static const struct {
        dnnl_cpu_isa_t isa;
        const char *name;
    } names[] = {{dnnl_cpu_isa_sse41, "sse41"},
                 {dnnl_cpu_isa_avx, "avx"},
                 {dnnl_cpu_isa_avx2, "avx2"},
                 {dnnl_cpu_isa_avx2_vnni, "avx2_vnni"},
                 {dnnl_cpu_isa_avx512_core, "avx512_core"},
                 {dnnl_cpu_isa_avx512_core_vnni, "avx512_core_vnni"},
                 {dnnl_cpu_isa_avx512_core_bf16, "avx512_core_bf16"},
                 {dnnl_cpu_isa_avx512_core_amx, "avx512_core_amx"}};
    dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (names[k].isa == isa)
            return names[k].name;
    return "other";
}

int mrl_cpu_bf16(void)
{
    /* oneDNN's ISA values are bit sets: each contains the bits of those it extends */
    unsigned isa = (unsigned)dnnl_get_effective_cpu_isa();
    return (isa & (unsigned)dnnl_cpu_isa_avx512_core_bf16) == (unsigned)dnnl_cpu_isa_avx512_core_bf16;
}

int eng_bf16_layers(const eng_t *e)
{
    int n = 0;
    for (int i = 0; i < e->L; i++)
        n += e->lbf[i];
    return n;
}

/* Make *buf (now *sz bytes) hold at least need bytes, 64-byte aligned; contents dropped. */
static int grow(void **buf, size_t *sz, size_t need)
{
    if (*sz >= need)
        return 0;
    free(*buf);
    *buf = aligned_alloc(64, (need + 63) / 64 * 64);
    *sz = *buf ? need : 0;
    return *buf ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
}

int eng_worker_init(eng_t *e, eng_worker_t *w)
{
    if (!w->stream) {
        dnnl_stream_t s;
        DN(dnnl_stream_create(&s, e->de, dnnl_stream_default_flags));
        w->stream = s;
    }
    memset(w->ddst_key, 0, sizeof w->ddst_key); /* cvt may move: nothing held */
    void *col = w->col, *dw = w->dw;
    int rc = grow(&w->scratch, &w->scratch_sz, e->scratch_max);
    if (!rc)
        rc = grow(&col, &w->col_sz, e->col_max);
    w->col = col;
    if (!rc)
        rc = grow(&w->cvt, &w->cvt_sz, e->cvt_max);
    if (!rc)
        rc = grow(&dw, &w->dw_sz, e->dw_max);
    w->dw = dw;
    return rc;
}

void eng_worker_release(eng_worker_t *w)
{
    if (w->stream)
        dnnl_stream_destroy((dnnl_stream_t)w->stream);
    free(w->scratch);
    free(w->dw);
    free(w->cvt);
    free(w->col);
    memset(w, 0, sizeof *w);
}

/* Arguments of one execution; memory objects wrap our buffers (no copies). */
typedef struct args {
    int n;
    dnnl_exec_arg_t a[8];
} args_t;

static int arg(eng_t *e, args_t *v, int what, const dnnl_memory_desc_t *md, const void *ptr)
{
    dnnl_memory_t mem;
    DN(dnnl_memory_create(&mem, md, e->de, (void *)ptr));
    v->a[v->n].arg = what;
    v->a[v->n].memory = mem;
    v->n++;
    return 0;
}

static int run(eng_t *e, eng_worker_t *w, const kprim_t *k, args_t *v, int rc)
{
    if (!rc && dnnl_memory_desc_get_size(&k->scratch) > 0)
        rc = arg(e, v, DNNL_ARG_SCRATCHPAD, &k->scratch, w->scratch);
    if (!rc) {
        dnnl_stream_t s = (dnnl_stream_t)w->stream;
        int nthr = k->single ? omp_get_max_threads() : 1;
        if (nthr > 1)
            omp_set_num_threads(1);
        dnnl_status_t st = dnnl_primitive_execute(k->p, s, v->n, v->a);
        if (st == dnnl_success)
            st = dnnl_stream_wait(s);
        if (nthr > 1)
            omp_set_num_threads(nthr);
        if (st != dnnl_success)
            rc = mrl_err_set(MRL_ERR_INTERNAL, "oneDNN: execution failed (status %d)", (int)st);
    }
    for (int j = 0; j < v->n; j++)
        dnnl_memory_destroy(v->a[j].memory);
    v->n = 0;
    return rc;
}

/* Convert b images from f32 (from, src) to bf16 (to, dst) with the plan's reorder r. */
static int cvt_run(eng_t *e, eng_worker_t *w, const kprim_t *r, const dnnl_memory_desc_t *from,
                   const void *src, const dnnl_memory_desc_t *to, void *dst, int b)
{
    dnnl_memory_desc_t f = md_batch(from, b), t = md_batch(to, b);
    args_t v = {0};
    int rc = arg(e, &v, DNNL_ARG_FROM, &f, src);
    if (!rc)
        rc = arg(e, &v, DNNL_ARG_TO, &t, dst);
    return run(e, w, r, &v, rc);
}

/* bf16 layer i: its output gradient for images [n0, n0+b) in the worker's staging. The
 * weight-gradient pass converts it and the data pass right after reuses it (same call,
 * layer and shard); anything else converts again. */
static int ddst16_of(eng_t *e, eng_worker_t *w, const lprim_t *lp, int i, size_t n0, int b,
                     const nn_bufs_t *bf, int keep, void **out)
{
    char *d = (char *)w->cvt + cvt_ddst_off(e, i, b);
    *out = d;
    uint64_t key[4] = {e->tick, (uint64_t)i, (uint64_t)n0, (uint64_t)b};
    if (memcmp(key, w->ddst_key, sizeof key) == 0) {
        if (!keep)
            memset(w->ddst_key, 0, sizeof w->ddst_key);
        return 0;
    }
    int rc = cvt_run(e, w, &lp->r_ddst, &e->md[i + 1], bf->dy[i + 1] + n0 * e->lay[i + 1].img,
                     &e->ddst16[i], d, b);
    if (keep && !rc)
        memcpy(w->ddst_key, key, sizeof key);
    return rc;
}

static plan_t *plan_need(eng_t *e, int b, int nthr, unsigned g)
{
    plan_t *p = plan_find(e, b, nthr);
    MRL_ASSERT(p && (p->have & g));
    return p;
}

int eng_fwd(eng_t *e, eng_worker_t *w, int i, size_t n0, int b, int nthr, const nn_bufs_t *bf)
{
    plan_t *p = plan_need(e, b, nthr, ENG_FWD);
    lprim_t *lp = &p->l[i];
    const mrl_model_t *m = e->m;
    int ti = e->in_t[i], to = e->out_t[i];
    dnnl_memory_desc_t src = md_batch(&e->md[ti], b), dst = md_batch(&e->md[to], b);
    const void *sp = bf->y[ti] + n0 * e->lay[ti].img;
    if (e->lbf[i]) {
        int rc = cvt_run(e, w, &lp->r_src, &e->md[ti], sp, &e->src16[i], w->cvt, b);
        if (rc)
            return rc;
        src = md_batch(&e->src16[i], b), sp = w->cvt;
    }
    args_t v = {0};
    int rc = arg(e, &v, DNNL_ARG_SRC, &src, sp);
    if (!rc)
        rc = arg(e, &v, DNNL_ARG_DST, &dst, bf->y[to] + n0 * e->lay[to].img);
    if (m->arch.layer[i].kind == MRL_LAYER_MAXPOOL) {
        dnnl_memory_desc_t ws = md_batch(&e->ws_md[i], b);
        if (!rc)
            rc = arg(e, &v, DNNL_ARG_WORKSPACE, &ws, bf->ws[i] + n0 * e->ws_img[i]);
    } else {
        const float *wt = lp->w_fwd ? lp->w_fwd : m->params + m->w_off[i];
        if (!rc)
            rc = arg(e, &v, DNNL_ARG_WEIGHTS, &lp->w_fwd_md, wt);
        if (!rc)
            rc = arg(e, &v, DNNL_ARG_BIAS, &e->b_md[i], m->params + m->b_off[i]);
    }
    return run(e, w, &lp->fwd, &v, rc);
}

/* Layer 0's input gradient (gemm0_fits): per image, col = W^T dY as a (C*k*k, OH*OW)
 * matrix, then dX (plain NCHW) = col2im(col). One thread, so the sums never depend on the
 * thread count. */
static int bwd_d_gemm0(eng_t *e, eng_worker_t *w, size_t n0, int b, const nn_bufs_t *bf)
{
    const mrl_layer_spec_t *s = &e->m->arch.layer[0];
    const nn_layout_t *lo = &e->lay[1], *ld = &e->dlay0;
    const int C = ld->c, H = ld->h, W = ld->w, O = lo->c, OW = lo->w, OH = lo->h, k = s->k;
    const int pt = s->same ? (k - 1) / 2 : 0, R = C * k * k;
    const dnnl_dim_t HW = (dnnl_dim_t)OH * OW;
    const float *wt = e->m->params + e->m->w_off[0]; /* (O, R) row-major: plain OIHW */
    float *col = w->col;
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    dnnl_status_t st = dnnl_success;
    for (int n = 0; n < b && st == dnnl_success; n++) {
        const float *dy = bf->dy[1] + (n0 + (size_t)n) * lo->img;
        float *dx = bf->dy[0] + (n0 + (size_t)n) * ld->img;
        if (lo->cb > 1) /* blocks of cb channels, each (HW, cb) row-major */
            for (int c0 = 0; c0 < O && st == dnnl_success; c0 += lo->cb)
                st =
                    dnnl_sgemm('T', 'T', R, HW, MRL_MIN(lo->cb, O - c0), 1.0f,
                               wt + (size_t)c0 * (size_t)R, R, dy + (size_t)(c0 / lo->cb) * lo->sco,
                               (dnnl_dim_t)lo->sw, c0 ? 1.0f : 0.0f, col, HW);
        else if (lo->sco == 1) /* nhwc: (HW, O) */
            st = dnnl_sgemm('T', 'T', R, HW, O, 1.0f, wt, R, dy, (dnnl_dim_t)lo->sw, 0.0f, col, HW);
        else /* nchw: (O, HW) */
            st =
                dnnl_sgemm('T', 'N', R, HW, O, 1.0f, wt, R, dy, (dnnl_dim_t)lo->sco, 0.0f, col, HW);
        memset(dx, 0, ld->img * sizeof *dx);
        for (int c = 0; c < C; c++)
            for (int kh = 0; kh < k; kh++)
                for (int kw = 0; kw < k; kw++) {
                    const float *src = col + (size_t)((c * k + kh) * k + kw) * (size_t)HW;
                    int off = kw - pt, w0 = MRL_MAX(0, -off), w1 = MRL_MIN(OW, W - off);
                    for (int oh = 0; oh < OH; oh++) {
                        int ih = oh + kh - pt;
                        if (ih < 0 || ih >= H)
                            continue;
                        float *restrict d = dx + ((size_t)c * (size_t)H + (size_t)ih) * (size_t)W;
                        const float *restrict g = src + (size_t)oh * (size_t)OW;
                        for (int x = w0; x < w1; x++)
                            d[x + off] += g[x];
                    }
                }
    }
    omp_set_num_threads(saved);
    if (st != dnnl_success)
        return mrl_err_set(MRL_ERR_INTERNAL, "oneDNN: sgemm failed (status %d)", (int)st);
    return 0;
}

int eng_bwd_d(eng_t *e, eng_worker_t *w, int i, size_t n0, int b, int nthr, const nn_bufs_t *bf)
{
    if (i == 0 && e->gemm0)
        return bwd_d_gemm0(e, w, n0, b, bf);
    plan_t *p = plan_need(e, b, nthr, ENG_BWD_D);
    lprim_t *lp = &p->l[i];
    const mrl_model_t *m = e->m;
    /* the gradient enters at tensor i+1 even when the output went to i+2: a fused ReLU's
     * backward rule has already been applied by the caller */
    int ti = e->in_t[i], to = i + 1;
    const nn_layout_t *ld = eng_dlayout(e, ti);
    dnnl_memory_desc_t dsrc = md_batch(ti == 0 ? &e->dmd0 : &e->md[ti], b);
    dnnl_memory_desc_t ddst = md_batch(&e->md[to], b);
    const void *dp = bf->dy[to] + n0 * e->lay[to].img;
    if (e->lbf[i]) {
        void *d16;
        int rc = ddst16_of(e, w, lp, i, n0, b, bf, 0, &d16);
        if (rc)
            return rc;
        ddst = md_batch(&e->ddst16[i], b), dp = d16;
    }
    args_t v = {0};
    int rc = arg(e, &v, DNNL_ARG_DIFF_SRC, &dsrc, bf->dy[ti] + n0 * ld->img);
    if (!rc)
        rc = arg(e, &v, DNNL_ARG_DIFF_DST, &ddst, dp);
    if (m->arch.layer[i].kind == MRL_LAYER_MAXPOOL) {
        dnnl_memory_desc_t ws = md_batch(&e->ws_md[i], b);
        if (!rc)
            rc = arg(e, &v, DNNL_ARG_WORKSPACE, &ws, bf->ws[i] + n0 * e->ws_img[i]);
    } else {
        const float *wt = lp->w_bwd ? lp->w_bwd : m->params + m->w_off[i];
        if (!rc)
            rc = arg(e, &v, DNNL_ARG_WEIGHTS, &lp->w_bwd_md, wt);
    }
    return run(e, w, &lp->bwd_d, &v, rc);
}

int eng_bwd_w(eng_t *e, eng_worker_t *w, int i, size_t n0, int b, const nn_bufs_t *bf,
              float *gplain)
{
    plan_t *p = plan_need(e, b, 1, ENG_BWD_W);
    lprim_t *lp = &p->l[i];
    const mrl_model_t *m = e->m;
    int ti = e->in_t[i], to = i + 1;
    dnnl_memory_desc_t src = md_batch(&e->md[ti], b), ddst = md_batch(&e->md[to], b);
    const void *sp = bf->y[ti] + n0 * e->lay[ti].img, *dp = bf->dy[to] + n0 * e->lay[to].img;
    if (e->lbf[i]) {
        void *d16;
        int rc = cvt_run(e, w, &lp->r_src, &e->md[ti], sp, &e->src16[i], w->cvt, b);
        if (!rc)
            rc = ddst16_of(e, w, lp, i, n0, b, bf, 1, &d16);
        if (rc)
            return rc;
        src = md_batch(&e->src16[i], b), sp = w->cvt;
        ddst = md_batch(&e->ddst16[i], b), dp = d16;
    }
    float *gw = gplain + m->w_off[i];
    args_t v = {0};
    int rc = arg(e, &v, DNNL_ARG_SRC, &src, sp);
    if (!rc)
        rc = arg(e, &v, DNNL_ARG_DIFF_DST, &ddst, dp);
    if (!rc)
        rc = arg(e, &v, DNNL_ARG_DIFF_WEIGHTS, &lp->dw_md, lp->r_dw.p ? w->dw : gw);
    if (!rc)
        rc = arg(e, &v, DNNL_ARG_DIFF_BIAS, &e->b_md[i], gplain + m->b_off[i]);
    rc = run(e, w, &lp->bwd_w, &v, rc);
    if (!rc && lp->r_dw.p) {
        rc = arg(e, &v, DNNL_ARG_FROM, &lp->dw_md, w->dw);
        if (!rc)
            rc = arg(e, &v, DNNL_ARG_TO, &e->w_md[i], gw);
        rc = run(e, w, &lp->r_dw, &v, rc);
    }
    return rc;
}
