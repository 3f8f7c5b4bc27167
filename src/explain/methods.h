/*
 * methods.h - the entry points of the attribution methods (internal, not public), one per
 * enum mrl_explain_method, defined in one file per family and called only from the method
 * table of the front door (explain.c). Each is an ex_method_fn.
 */
#ifndef MRL_EXPLAIN_METHODS_H
#define MRL_EXPLAIN_METHODS_H

#include "explain.h"

/* Explain n images x (N,C,H,W): maps (N,C,H,W) and info (n entries, not NULL) out. The
 * method sets score and prob, and ref where it has a reference (ref arrives NaN; total and
 * gap are the front door's). Image k draws its random numbers from stream k of o->seed.
 * Returns 0 or an error code. */
typedef int (*ex_method_fn)(ex_t *e, const float *x, size_t n, float *maps,
                            mrl_explain_info_t *info);

/* gradients.c: all n images in one run of rows (n, or n * samples for SmoothGrad) */
int ex_saliency(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
int ex_gradient_x_input(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
int ex_guided(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
int ex_deconvnet(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
int ex_smoothgrad(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
int ex_smoothgrad_guided(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
/* gradcam.c */
int ex_gradcam(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
int ex_guided_gradcam(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
/* occlusion.c */
int ex_occlusion(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
int ex_occlusion_nt(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
/* ig.c */
int ex_ig(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
/* shap.c */
int ex_shap(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);
int ex_kernel_shap(ex_t *e, const float *x, size_t n, float *maps, mrl_explain_info_t *info);

#endif
