/*
 * explain.h - the harness every attribution method shares (internal, not public).
 *
 * harness.c owns the batched evaluation: rows (perturbed copies of an image) are generated a
 * batch at a time, run through the engine (forward only, or forward plus input gradient of
 * the target logit under a ReLU rule), and handed to a consumer, so no method ever holds more
 * than one batch of rows. It also scores images (or takes the caller's logits), fills the
 * info of a call, and treats nucleotide bars as features.
 *
 * Who includes whom: the method files (one per family, their entry points in methods.h:
 * gradients.c, gradcam.c, occlusion.c, ig.c, shap.c) include this header; the front door
 * (explain.c: options, the method table, mrl_explain) includes both. harness.c calls neither
 * a method nor the front door, so the dependencies run one way: front door -> methods ->
 * harness.
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
    size_t B;          /* rows per engine pass (o->batch) */
    size_t cap;        /* rows the buffers below hold: at least 1, grown by ex_run up to B */
    float *rows;       /* (cap,C,H,W) */
    float *grad;       /* (cap,C,H,W) */
    float *logit;      /* (cap,K) */
    float *dy;         /* (cap,K): one-hot target */
    float *white;      /* (C,H,W): the blank image, normalised */
    float white_score; /* target logit of the white image, once per call (have_white) */
    int have_white;
    float *bg_score; /* shap: target logits of the backgrounds in use, once per call */
} ex_t;

/* Check the model and the options other than the method (MRL_ERR_ARG) and set up e for a call
 * of mrl_explain with nn, m and o (all borrowed). Returns 0, MRL_ERR_ARG or MRL_ERR_NOMEM;
 * ex_release frees e in every case. */
int ex_init(ex_t *e, mrl_nn_t *nn, const mrl_model_t *m, const mrl_explain_opts_t *o);
void ex_release(ex_t *e);

/* Fill rows [r0, r0+nb) of a batch (nb,C,H,W). */
typedef void (*ex_gen_fn)(void *ud, size_t r0, size_t nb, float *rows);
/* Take the target logits (nb) and, when gradients were asked for, the input gradients
 * (nb,C,H,W) of rows [r0, r0+nb). */
typedef void (*ex_take_fn)(void *ud, size_t r0, size_t nb, const float *score, const float *grad);

/* Run R rows through the engine in batches of at most B. rule < 0: forward only; else the ReLU
 * rule of the backward pass. Returns 0, MRL_ERR_NOMEM or an engine error. */
int ex_run(ex_t *e, size_t R, int rule, ex_gen_fn gen, ex_take_fn take, void *ud);

/* Target logit and probability of one image x (C,H,W), from a forward pass of its own. */
int ex_score(ex_t *e, const float *x, float *score, float *prob);

/* Target logit of the white image (the reference of ig and kernel-shap): one pass per call. */
int ex_white_score(ex_t *e, float *score);

/* info[k].score and .prob of n images x (N,C,H,W): from the caller's logits (o->logits) when
 * given, else one ex_score per image; the same bits either way, since an image's logits never
 * depend on its batch. */
int ex_scores(ex_t *e, const float *x, size_t n, mrl_explain_info_t *info);

/* Input gradient of the target logit at x under rule, into g (C,H,W). */
int ex_gradient(ex_t *e, const float *x, int rule, float *g);

/* A method that explains one image at a time: x (C,H,W) in, map (C,H,W) out, info->score
 * already set (ex_each); k is the image's index in the call (its random stream). */
typedef int (*ex_image_fn)(ex_t *e, const float *x, size_t k, float *map, mrl_explain_info_t *info);

/* Run a one-image method over n images x (N,C,H,W) into maps (N,C,H,W) and info (n): first
 * the scores of all images (ex_scores), then each image in turn. */
int ex_each(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info,
            ex_image_fn one);

/* Complete info (n) after a method: the sum of each map (N,C,H,W) and, where the method set a
 * reference, the completeness gap total - (score - ref). */
void ex_totals(const ex_t *e, const float *maps, size_t n, mrl_explain_info_t *info);

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

#endif
