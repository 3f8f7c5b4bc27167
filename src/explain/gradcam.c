/*
 * gradcam.c - Grad-CAM and guided Grad-CAM (Selvaraju et al. 2017, eqs. 1-2): channel
 * weights alpha_k = mean over (h,w) of d score / d A_k at a convolutional layer, the map
 * ReLU(sum_k alpha_k A_k), upsampled bilinearly (pixel centres aligned, as cv2.resize) to
 * the input size. Guided Grad-CAM multiplies it with the guided-backprop map.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "explain.h"
#include "methods.h" /* this file's entry points */

/* The layer to read: the requested one, or the last convolution; a convolution followed by
 * a ReLU is read at the ReLU (the engine fuses the two). -1 on a bad choice. */
static int cam_layer(const mrl_arch_t *a, int want)
{
    int l = want;
    if (l < 0)
        for (int i = 0; i < a->n_layers; i++)
            if (a->layer[i].kind == MRL_LAYER_CONV)
                l = i;
    if (l < 0 || l >= a->n_layers)
        return -1;
    int kind = a->layer[l].kind;
    if (kind == MRL_LAYER_FLATTEN || kind == MRL_LAYER_DENSE)
        return -1;
    if (kind == MRL_LAYER_CONV && l + 1 < a->n_layers && a->layer[l + 1].kind == MRL_LAYER_RELU)
        l++;
    return l;
}

/* Bilinear resize of src (h,w) to dst (H,W), half-pixel centres, edges clamped. */
static void upsample(const float *src, int h, int w, float *dst, int H, int W)
{
    for (int y = 0; y < H; y++) {
        float fy = ((float)y + 0.5f) * (float)h / (float)H - 0.5f;
        fy = MRL_MIN(MRL_MAX(fy, 0.0f), (float)(h - 1));
        int y0 = (int)fy, y1 = MRL_MIN(y0 + 1, h - 1);
        float ty = fy - (float)y0;
        for (int x = 0; x < W; x++) {
            float fx = ((float)x + 0.5f) * (float)w / (float)W - 0.5f;
            fx = MRL_MIN(MRL_MAX(fx, 0.0f), (float)(w - 1));
            int x0 = (int)fx, x1 = MRL_MIN(x0 + 1, w - 1);
            float tx = fx - (float)x0;
            float top = src[y0 * w + x0] * (1 - tx) + src[y0 * w + x1] * tx;
            float bot = src[y1 * w + x0] * (1 - tx) + src[y1 * w + x1] * tx;
            dst[y * W + x] = top * (1 - ty) + bot * ty;
        }
    }
}

/* cam (h,w) = ReLU(sum_k alpha_k A_k) from activations and gradients (K,h,w). */
static void cam_combine(const float *A, const float *G, int K, int h, int w, float *cam)
{
    size_t hw = (size_t)h * (size_t)w;
    memset(cam, 0, hw * sizeof(float));
    for (int k = 0; k < K; k++) {
        double a = 0;
        for (size_t p = 0; p < hw; p++)
            a += (double)G[(size_t)k * hw + p];
        float alpha = (float)(a / (double)hw);
        for (size_t p = 0; p < hw; p++)
            cam[p] += alpha * A[(size_t)k * hw + p];
    }
    for (size_t p = 0; p < hw; p++)
        cam[p] = MRL_MAX(cam[p], 0.0f);
}

/* The map of one image x (C,H,W) into map (C,H,W); guided: times the guided-backprop map. */
static int cam_map(ex_t *e, const float *x, float *map, int guided)
{
    const mrl_arch_t *a = mrl_model_arch(e->m);
    int l = cam_layer(a, e->o->layer), s[3];
    if (l < 0 || mrl_arch_shape(a, l, s) < 0)
        return mrl_err_set(MRL_ERR_ARG, "Grad-CAM needs a convolutional layer (got %d)",
                           e->o->layer);
    size_t hw = (size_t)s[1] * (size_t)s[2], plane = (size_t)e->H * (size_t)e->W;
    float *buf = malloc((2 * (size_t)s[0] * hw + hw + plane) * sizeof(float));
    if (!buf)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    float *A = buf, *G = A + (size_t)s[0] * hw, *cam = G + (size_t)s[0] * hw, *up = cam + hw;
    mrl_nn_bwd_opts_t bo;
    mrl_nn_bwd_opts_default(&bo);
    bo.stop = l;
    int rc = mrl_nn_forward(e->nn, x, 1, MRL_NN_EXPLAIN, NULL);
    if (!rc)
        rc = mrl_nn_backward(e->nn, e->L - 1, e->dy, &bo);
    if (!rc)
        rc = mrl_nn_read(e->nn, l, 0, A);
    if (!rc)
        rc = mrl_nn_read(e->nn, l, 1, G);
    if (!rc) {
        cam_combine(A, G, s[0], s[1], s[2], cam);
        upsample(cam, s[1], s[2], up, e->H, e->W);
        if (!guided)
            ex_spread(e, up, map);
        else
            rc = ex_gradient(e, x, MRL_RELU_GUIDED, map);
    }
    if (!rc && guided)
        for (int c = 0; c < e->C; c++)
            for (size_t p = 0; p < plane; p++)
                map[(size_t)c * plane + p] *= up[p];
    free(buf);
    return rc;
}

static int cam_one(ex_t *e, const float *x, size_t k, float *map, mrl_explain_info_t *info)
{
    (void)k, (void)info;
    return cam_map(e, x, map, 0);
}

static int guided_cam_one(ex_t *e, const float *x, size_t k, float *map, mrl_explain_info_t *info)
{
    (void)k, (void)info;
    return cam_map(e, x, map, 1);
}

int ex_gradcam(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return ex_each(e, x, n, maps, info, cam_one);
}

int ex_guided_gradcam(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info)
{
    return ex_each(e, x, n, maps, info, guided_cam_one);
}
