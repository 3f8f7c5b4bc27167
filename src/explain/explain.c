/*
 * explain.c - the front door of the attribution methods: their options, the one method table
 * (name, family, whether the map is a contribution, entry point; in enum mrl_explain_method
 * order) that names, parsing, the queries and the dispatch of mrl_explain all read, and
 * mrl_explain itself. The methods live one family per file (methods.h), on the harness they
 * share (explain.h, harness.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "methods.h"

typedef struct method {
    const char *name;   /* as the CLI spells it */
    const char *alias;  /* a second accepted spelling, or NULL */
    const char *family; /* the paper it comes from, and its file */
    int contribution;   /* signed contribution relative to the white reference (mirlens.h) */
    ex_method_fn fn;
} method_t;

/* Indexed by the enum, so the order cannot drift; every entry is filled (test_explain). */
static const method_t methods[MRL_EXPLAIN_NMETHODS] = {
    [MRL_EXPLAIN_GRADIENT] = {"gradient", NULL, "gradient", 0, ex_saliency},
    [MRL_EXPLAIN_GRADIENT_X_INPUT] = {"gradient-x-input", NULL, "gradient", 1, ex_gradient_x_input},
    [MRL_EXPLAIN_GUIDED] = {"guided", NULL, "gradient", 0, ex_guided},
    [MRL_EXPLAIN_DECONVNET] = {"deconvnet", NULL, "gradient", 0, ex_deconvnet},
    [MRL_EXPLAIN_SMOOTHGRAD] = {"smoothgrad", NULL, "gradient", 0, ex_smoothgrad},
    [MRL_EXPLAIN_SMOOTHGRAD_GUIDED] = {"smoothgrad-guided", NULL, "gradient", 0,
                                       ex_smoothgrad_guided},
    [MRL_EXPLAIN_GRADCAM] = {"gradcam", NULL, "gradcam", 1, ex_gradcam},
    [MRL_EXPLAIN_GUIDED_GRADCAM] = {"guided-gradcam", NULL, "gradcam", 0, ex_guided_gradcam},
    [MRL_EXPLAIN_OCCLUSION] = {"occlusion", NULL, "occlusion", 1, ex_occlusion},
    [MRL_EXPLAIN_OCCLUSION_NT] = {"occlusion-nt", NULL, "occlusion", 1, ex_occlusion_nt},
    [MRL_EXPLAIN_IG] = {"integrated-gradients", "ig", "integrated-gradients", 1, ex_ig},
    [MRL_EXPLAIN_SHAP] = {"shap", NULL, "shap", 1, ex_shap},
    [MRL_EXPLAIN_KERNEL_SHAP] = {"kernel-shap", NULL, "shap", 1, ex_kernel_shap},
};

static const method_t *method_of(int method)
{
    return method >= 0 && method < MRL_EXPLAIN_NMETHODS ? &methods[method] : NULL;
}

const char *mrl_explain_method_name(int method)
{
    const method_t *t = method_of(method);
    return t ? t->name : NULL;
}

const char *mrl_explain_method_family(int method)
{
    const method_t *t = method_of(method);
    return t ? t->family : NULL;
}

int mrl_explain_method_find(const char *name)
{
    for (int i = 0; name && i < MRL_EXPLAIN_NMETHODS; i++)
        if (strcmp(name, methods[i].name) == 0 ||
            (methods[i].alias && strcmp(name, methods[i].alias) == 0))
            return i;
    return -1;
}

int mrl_explain_method_is_contribution(int method)
{
    const method_t *t = method_of(method);
    return t ? t->contribution : 0;
}

void mrl_explain_opts_default(mrl_explain_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->method = MRL_EXPLAIN_SMOOTHGRAD_GUIDED;
    o->target = 1;
    o->samples = 50;
    o->noise = 0.15f;
    o->steps = 64;
    o->kshap_samples = 1024;
    o->layer = -1;
    o->patch_h = 5;
    o->patch_w = 5;
    o->stride = 2;
    o->batch = 64;
    o->seed = 1;
}

void mrl_explain_channel_sum(const float *maps, size_t n, int c, int h, int w, float *out)
{
    size_t plane = (size_t)h * (size_t)w;
    for (size_t k = 0; k < n; k++) {
        const float *m = maps + k * (size_t)c * plane;
        float *o = out + k * plane;
        for (size_t p = 0; p < plane; p++) {
            float s = 0;
            for (int ch = 0; ch < c; ch++)
                s += m[(size_t)ch * plane + p];
            o[p] = s;
        }
    }
}

int mrl_explain(mrl_nn_t *nn, const mrl_model_t *m, const float *x, size_t n,
                const mrl_explain_opts_t *o, float *maps, mrl_explain_info_t *info)
{
    mrl_explain_opts_t d;
    if (!o) {
        mrl_explain_opts_default(&d);
        o = &d;
    }
    if (!nn || !m || !x || !maps || n == 0)
        return mrl_err_set(MRL_ERR_ARG, "explain: no model, images or output");
    const method_t *t = method_of(o->method);
    if (!t || !t->fn)
        return mrl_err_set(MRL_ERR_ARG, "unknown attribution method %d", o->method);
    ex_t e;
    mrl_explain_info_t *in = info ? info : malloc(n * sizeof *in);
    int rc = in ? ex_init(&e, nn, m, o) : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (rc)
        goto done;
    for (size_t k = 0; k < n; k++)
        in[k].ref = in[k].gap = NAN;
    if (!(rc = t->fn(&e, x, n, maps, in)))
        ex_totals(&e, maps, n, in);
done:
    if (in)
        ex_release(&e);
    if (in != info)
        free(in);
    return rc;
}
