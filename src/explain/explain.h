/*
 * explain.h - internals of the attribution methods (not public).
 *
 * explain.c owns the batched evaluation every method shares: rows (perturbed copies of an
 * image) are generated a batch at a time, run through the engine (forward only, or forward
 * plus input gradient of the target logit under a ReLU rule), and handed to a consumer, so
 * no method ever holds more than one batch of rows. One file per method family:
 * gradients.c, gradcam.c, occlusion.c (patches and nucleotide bars), ig.c, shap.c.
 */
#ifndef MRL_EXPLAIN_H
#define MRL_EXPLAIN_H

#include <stddef.h>
#include "mirlens.h"

typedef struct ex {
    mrl_nn_t *nn;
    const mrl_model_t *m;
    const mrl_explain_opts_t *o;
    int C, H, W, K, L; /* input shape, logits, layers */
    size_t D;          /* C*H*W */
    size_t B;          /* rows per engine pass */
    float *rows;       /* (B,C,H,W) */
    float *grad;       /* (B,C,H,W) */
    float *logit;      /* (B,K) */
    float *dy;         /* (B,K): one-hot target */
    float *white;      /* (C,H,W): the blank image, normalised */
    float *tmp;        /* (C,H,W) scratch for a method */
    float *bg_score;   /* shap: target logits of the backgrounds in use, once per call */
} ex_t;

/* Fill rows [r0, r0+nb) of a batch (nb,C,H,W). */
typedef void (*ex_gen_fn)(void *ud, size_t r0, size_t nb, float *rows);
/* Take the target logits (nb) and, when gradients were asked for, the input gradients
 * (nb,C,H,W) of rows [r0, r0+nb). */
typedef void (*ex_take_fn)(void *ud, size_t r0, size_t nb, const float *score, const float *grad);

/* Run R rows through the engine in batches. rule < 0: forward only; else the ReLU rule of
 * the backward pass. Returns 0 or an engine error. */
int ex_run(ex_t *e, size_t R, int rule, ex_gen_fn gen, ex_take_fn take, void *ud);

/* Target logit and probability of one image x (C,H,W). */
int ex_score(ex_t *e, const float *x, float *score, float *prob);

/* Input gradient of the target logit at x under rule, into g (C,H,W). */
int ex_gradient(ex_t *e, const float *x, int rule, float *g);

/* Spread a spatial map s (H,W) evenly over the C channels of map (C,H,W). */
void ex_spread(const ex_t *e, const float *s, float *map);

/* Nucleotide bars of an image as features (occlusion-nt, kernel-shap): half columns, the
 * rows above the split (the 5' bar side, rows <= MRL_IMG_TOP_ROW for 25-row images, else
 * H/2 - 1) or below it, that hold at least one non-white pixel. Returns the number of
 * features F (<= 2W) and their ids (col * 2 + half) in feat. */
int ex_features(const ex_t *e, const float *x, int *feat);
/* Whiten feature f (col * 2 + half) of x in place. */
void ex_feature_blank(const ex_t *e, float *x, int f);
/* Add v spread over the non-white pixels of feature f of x into the (H,W) map s. */
void ex_feature_spread(const ex_t *e, const float *x, int f, float v, float *s);

/* The gradient family on all n images at once: x (N,C,H,W) in, maps (N,C,H,W) and info
 * (n entries) out; image k draws its noise from stream k. */
int ex_gradients(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
/* The other methods, one image each: x (C,H,W) in, map (C,H,W) and info out. k is the
 * image's index in the call (its random stream). */
int ex_gradcam(ex_t *e, const float *x, float *map, mrl_explain_info_t *info);
int ex_occlusion(ex_t *e, const float *x, float *map, mrl_explain_info_t *info);
int ex_occlusion_nt(ex_t *e, const float *x, float *map, mrl_explain_info_t *info);
int ex_ig(ex_t *e, const float *x, float *map, mrl_explain_info_t *info);
int ex_shap(ex_t *e, const float *x, size_t k, float *map, mrl_explain_info_t *info);
int ex_kernel_shap(ex_t *e, const float *x, size_t k, float *map, mrl_explain_info_t *info);

#endif
