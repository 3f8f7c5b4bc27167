/*
 * model_average.c - weight averaging of models fine-tuned from one starting point (a
 * "uniform model soup", Wortsman et al. 2022, ICML: fine-tuned runs of one pretrained
 * network stay in one basin of the loss, so the mean of their weights is itself a good
 * network, often as good as the ensemble of the runs at the cost of one model).
 *
 * The mean is taken in double, model by model in the order given, so the result does not
 * depend on threads or on anything but the inputs and their order.
 */
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "nn.h"

/* 1 when a and b describe the same network (layers, input shape, normalisation). */
static int arch_same(const mrl_arch_t *a, const mrl_arch_t *b, int *layer)
{
    *layer = -1;
    if (a->in_c != b->in_c || a->in_h != b->in_h || a->in_w != b->in_w ||
        a->n_layers != b->n_layers)
        return 0;
    for (int c = 0; c < a->in_c; c++)
        if (a->in_scale[c] != b->in_scale[c] || a->in_shift[c] != b->in_shift[c])
            return 0;
    for (int i = 0; i < a->n_layers; i++) {
        const mrl_layer_spec_t *x = &a->layer[i], *y = &b->layer[i];
        if (x->kind != y->kind || x->out != y->out || x->k != y->k || x->same != y->same ||
            x->rate != y->rate) {
            *layer = i;
            return 0;
        }
    }
    return 1;
}

int mrl_model_average(mrl_model_t **out, mrl_model_t *const *ms, int n)
{
    *out = NULL;
    if (n < 1 || !ms)
        return mrl_err_set(MRL_ERR_ARG, "no model to average");
    for (int j = 1; j < n; j++) {
        int layer;
        if (!arch_same(&ms[0]->arch, &ms[j]->arch, &layer))
            return layer >= 0 ? mrl_err_set(MRL_ERR_ARG,
                                            "model %d differs from model 1 at layer %d: "
                                            "only models of one architecture can be averaged",
                                            j + 1, layer)
                              : mrl_err_set(MRL_ERR_ARG,
                                            "model %d differs from model 1 in its input or "
                                            "layer count: only models of one architecture "
                                            "can be averaged",
                                            j + 1);
    }
    mrl_model_t *m;
    int rc = nn_model_alloc(&m, &ms[0]->arch, SIZE_MAX);
    if (rc)
        return rc;
    size_t np = m->nparams;
    double *acc = calloc(np ? np : 1, sizeof *acc);
    if (!acc) {
        mrl_model_free(m);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    for (int j = 0; j < n; j++) {
        const float *p = ms[j]->params;
        for (size_t i = 0; i < np; i++)
            acc[i] += (double)p[i];
    }
    for (size_t i = 0; i < np; i++)
        m->params[i] = (float)(acc[i] / n);
    free(acc);
    /* the lengths the members were trained on: the union of the ranges, the longest */
    for (int j = 0; j < n && rc == 0; j++) {
        long lo, hi, longest;
        if (mrl_model_length_range(ms[j], &lo, &hi))
            rc = mrl_model_set_length_range(m, lo, hi, 1);
        if (rc == 0 && mrl_model_length_longest(ms[j], &longest))
            rc = mrl_model_set_length_longest(m, longest, 1);
    }
    if (rc < 0) {
        mrl_model_free(m);
        return rc;
    }
    /* a shuffled-label control stays marked as one when it goes into a mean */
    for (int j = 0; j < n; j++) {
        const char *s = mrl_model_meta_get(ms[j], "shuffled_labels");
        if (s && strcmp(s, "0") != 0) {
            if ((rc = mrl_model_meta_set(m, "shuffled_labels", "1")) < 0) {
                mrl_model_free(m);
                return rc;
            }
            break;
        }
    }
    mrl_model_touch(m);
    *out = m;
    return 0;
}
