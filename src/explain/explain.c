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
    int sanity;      /* recorded verdict (mrl_explain_method_sanity): 1 pass, 0 fail */
    const char *why; /* its numbers, in a few words */
} method_t;

/* Indexed by the enum, so the order cannot drift; every entry is filled (test_explain).
 * The verdicts are data, copied from docs/FINDINGS.md section 2 (the shipped default, 8
 * fine-tunings averaged) where it gives the numbers, else from the default before it
 * (git show 69166ba:docs/FINDINGS.md, section 0, whose verdicts section 2 confirms). "cascade" is the mean |rho| over the cascading
 * randomisation, "shuffled" the rho of the shuffled-label network; pass below 0.5. */
/* clang-format off */
static const method_t methods[MRL_EXPLAIN_NMETHODS] = {
    [MRL_EXPLAIN_GRADIENT] = {"gradient", NULL, "gradient", 0, ex_saliency, 1,
        "cascade 0.12, shuffled 0.05; not faithful (no better than random deletion)"},
    [MRL_EXPLAIN_GRADIENT_X_INPUT] = {"gradient-x-input", NULL, "gradient", 1,
        ex_gradient_x_input, 1, "cascade <= 0.13, shuffled <= 0.02; faithful"},
    [MRL_EXPLAIN_GUIDED] = {"guided", NULL, "gradient", 0, ex_guided, 0,
        "cascade 0.76: the map barely changes when the weights are randomised"},
    [MRL_EXPLAIN_DECONVNET] = {"deconvnet", NULL, "gradient", 0, ex_deconvnet, 1,
        "narrowly: cascade 0.44, shuffled 0.48; not faithful"},
    [MRL_EXPLAIN_SMOOTHGRAD] = {"smoothgrad", NULL, "gradient", 0, ex_smoothgrad, 1,
        "cascade 0.15, shuffled 0.02; not faithful"},
    [MRL_EXPLAIN_SMOOTHGRAD_GUIDED] = {"smoothgrad-guided", NULL, "gradient", 0,
        ex_smoothgrad_guided, 0,
        "cascade 0.80, shuffled 0.50: the map barely depends on the weights; not faithful"},
    [MRL_EXPLAIN_GRADCAM] = {"gradcam", NULL, "gradcam", 1, ex_gradcam, 1,
        "cascade 0.18, shuffled -0.19; less faithful than random"},
    [MRL_EXPLAIN_GUIDED_GRADCAM] = {"guided-gradcam", NULL, "gradcam", 0, ex_guided_gradcam, 1,
        "cascade 0.43, shuffled -0.03; barely faithful"},
    [MRL_EXPLAIN_OCCLUSION] = {"occlusion", NULL, "occlusion", 1, ex_occlusion, 1,
        "cascade 0.17, shuffled -0.06; faithful"},
    [MRL_EXPLAIN_OCCLUSION_NT] = {"occlusion-nt", NULL, "occlusion", 1, ex_occlusion_nt, 1,
        "cascade <= 0.13, shuffled <= 0.02; faithful"},
    [MRL_EXPLAIN_IG] = {"integrated-gradients", "ig", "integrated-gradients", 1, ex_ig, 1,
        "cascade <= 0.13, shuffled <= 0.02; the most faithful"},
    [MRL_EXPLAIN_SHAP] = {"shap", NULL, "shap", 1, ex_shap, 1,
        "cascade <= 0.13, shuffled <= 0.02; faithful"},
    [MRL_EXPLAIN_KERNEL_SHAP] = {"kernel-shap", NULL, "shap", 1, ex_kernel_shap, 1,
        "cascade 0.26, shuffled -0.16; faithful"},
};
/* clang-format on */

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

int mrl_explain_method_sanity(int method, const char **why)
{
    const method_t *t = method_of(method);
    if (why)
        *why = t ? t->why : "no such method";
    return t ? t->sanity : -1;
}

void mrl_explain_opts_default(mrl_explain_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->method = MRL_EXPLAIN_IG;
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
