/*
 * model_random.c - model copies and layer re-initialisation for the model-parameter
 * randomisation test of Adebayo et al. 2018 ("Sanity checks for saliency maps", NeurIPS):
 * an explanation method that passes gives maps that change as the trained weights are
 * replaced by random ones, layer by layer from the output down (cascading randomisation).
 *
 * A layer is re-drawn exactly as mrl_model_new initialises it (nn_glorot_layer, Glorot &
 * Bengio 2010 with Keras' fans) but from its own PCG32 stream, 1 + layer, so randomising
 * one layer never depends on which layers were randomised before it.
 */
#include <string.h>
#include "../util/util.h"
#include "nn.h"

int mrl_model_clone(mrl_model_t **out, const mrl_model_t *m)
{
    *out = NULL;
    mrl_model_t *c;
    int rc = nn_model_alloc(&c, &m->arch, SIZE_MAX);
    if (rc)
        return rc;
    MRL_ASSERT(c->nparams == m->nparams);
    memcpy(c->params, m->params, m->nparams * sizeof(float));
    for (int i = 0; i < m->n_meta && !rc; i++)
        rc = mrl_model_meta_set(c, m->meta[i].key, m->meta[i].val);
    if (rc) {
        mrl_model_free(c);
        return rc;
    }
    /* grads, Adam moments and step count stay zero (nn_model_alloc). The version differs
     * from the source's so a weight cache keyed on the source's version never passes for
     * the copy's (any version >= 1 already differs from a new context's). */
    c->version = m->version + 1;
    *out = c;
    return 0;
}

int mrl_model_param_layers(const mrl_model_t *m, int *layers)
{
    int k = 0;
    for (int i = m->arch.n_layers - 1; i >= 0; i--)
        if (m->w_n[i])
            layers[k++] = i;
    return k;
}

int mrl_model_randomize_layer(mrl_model_t *m, int layer, uint64_t seed)
{
    if (layer < 0 || layer >= m->arch.n_layers)
        return mrl_err_set(MRL_ERR_ARG, "layer %d out of range (the model has %d layers)", layer,
                           m->arch.n_layers);
    if (!m->w_n[layer])
        return mrl_err_set(MRL_ERR_ARG, "layer %d has no parameters to randomise", layer);
    int in[3];
    MRL_ASSERT(mrl_arch_shape(&m->arch, layer - 1, in) == 0);
    mrl_rng_t rng;
    mrl_rng_init(&rng, seed, 1 + (uint64_t)layer);
    nn_glorot_layer(m, layer, in, &rng);
    memset(m->params + m->b_off[layer], 0, m->b_n[layer] * sizeof(float));
    mrl_model_touch(m);
    return 0;
}

int mrl_model_randomize_all(mrl_model_t *m, uint64_t seed)
{
    int layers[MRL_NN_MAX_LAYERS], rc = 0;
    int nl = m ? mrl_model_param_layers(m, layers) : 0;
    for (int k = 0; k < nl && rc == 0; k++)
        rc = mrl_model_randomize_layer(m, layers[k], seed + MRL_SANITY_SEED_OFFSET);
    return m ? rc : mrl_err_set(MRL_ERR_ARG, "no model");
}
