/*
 * cascade.c - the model-parameter randomisation test of an attribution method as one
 * library run (Adebayo et al. 2018, "Sanity checks for saliency maps"): maps of a set of
 * images from the trained network, then from copies whose parameter layers are re-drawn
 * one after another from the output down (cascading randomisation), and optionally from a
 * network trained on permuted labels (the data randomisation test); each compared with the
 * original maps by Spearman rank correlation. A method that explains the network must
 * decorrelate; the verdict says whether it did. Built on the public primitives of sanity.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

void mrl_sanity_opts_default(mrl_sanity_opts_t *o)
{
    memset(o, 0, sizeof *o);
    mrl_explain_opts_default(&o->ex);
    mrl_nn_opts_default(&o->nn);
}

/* Mean of the finite values. */
static double mean_finite(const double *v, size_t n)
{
    double s = 0;
    long k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            s += v[i], k++;
    return k ? s / (double)k : (double)NAN;
}

/* Maps (n,3,H,W) of method j from (nn, m) into out. */
static int maps_of(const mrl_sanity_opts_t *o, int j, mrl_nn_t *nn, const mrl_model_t *m,
                   const float *x, size_t n, float *out)
{
    mrl_explain_opts_t eo = o->ex;
    eo.method = o->methods[j];
    return mrl_explain(nn, m, x, n, &eo, out, NULL);
}

/* rho of method j's maps (images of shape a) against the originals at column `step`. */
static int compare(mrl_sanity_t *s, const mrl_arch_t *a, int j, const float *maps, int step,
                   double *rs, double *ra)
{
    const size_t px = (size_t)a->in_c * a->in_h * a->in_w, cols = (size_t)s->L + 2;
    int rc = mrl_maps_rank_corr(s->maps + (size_t)j * s->n * px, maps, s->n, a->in_c, a->in_h,
                                a->in_w, rs, ra);
    if (!rc) {
        s->rho_s[(size_t)j * cols + (size_t)step] = mean_finite(rs, s->n);
        s->rho_a[(size_t)j * cols + (size_t)step] = mean_finite(ra, s->n);
    }
    return rc;
}

static void tick(const mrl_sanity_opts_t *o, int done, int total)
{
    if (o->progress)
        o->progress(o->progress_ctx, done, total);
}

int mrl_sanity_run(mrl_nn_t *nn, const mrl_model_t *m, const float *x, size_t n,
                   const mrl_sanity_opts_t *o, mrl_sanity_t *s)
{
    memset(s, 0, sizeof *s);
    if (!o->methods || o->n_methods < 1 || !x || n == 0)
        return mrl_err_set(MRL_ERR_ARG, "a sanity run needs methods and images");
    const mrl_arch_t *a = mrl_model_arch(m);
    const size_t px = (size_t)a->in_c * a->in_h * a->in_w;
    s->n_methods = o->n_methods;
    s->n = n;
    s->L = mrl_model_param_layers(m, s->layers);
    for (int l = 0; l < s->L; l++)
        s->layer_kind[l] = a->layer[s->layers[l]].kind;
    size_t cols = (size_t)s->L + 2, M = (size_t)o->n_methods;
    s->rho_s = malloc(M * cols * sizeof *s->rho_s);
    s->rho_a = malloc(M * cols * sizeof *s->rho_a);
    s->maps = malloc(M * n * px * sizeof *s->maps);
    float *maps = malloc(n * px * sizeof *maps);
    double *rs = malloc(n * sizeof *rs), *ra = malloc(n * sizeof *ra);
    mrl_model_t *rm = NULL;
    mrl_nn_t *rnn = NULL, *snn = NULL;
    int rc = s->rho_s && s->rho_a && s->maps && maps && rs && ra
                 ? 0
                 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < M * cols; k++)
        s->rho_s[k] = s->rho_a[k] = (double)NAN;
    if (!rc && (rc = mrl_model_clone(&rm, m)) == 0)
        rc = mrl_nn_new(&rnn, rm, &o->nn);
    for (int j = 0; !rc && j < o->n_methods; j++) { /* the originals: rho = 1 by definition */
        rc = maps_of(o, j, nn, m, x, n, s->maps + (size_t)j * n * px);
        s->rho_s[(size_t)j * cols] = s->rho_a[(size_t)j * cols] = 1;
    }
    int steps = s->L + (o->shuffled != NULL);
    for (int st = 0; !rc && st < s->L; st++) {
        rc = mrl_model_randomize_layer(rm, s->layers[st], o->ex.seed + MRL_SANITY_SEED_OFFSET);
        for (int j = 0; !rc && j < o->n_methods; j++)
            if (!(rc = maps_of(o, j, rnn, rm, x, n, maps)))
                rc = compare(s, a, j, maps, st + 1, rs, ra);
        tick(o, st + 1, steps);
    }
    if (!rc && o->shuffled) {
        rc = mrl_nn_new(&snn, o->shuffled, &o->nn);
        for (int j = 0; !rc && j < o->n_methods; j++)
            if (!(rc = maps_of(o, j, snn, o->shuffled, x, n, maps)))
                rc = compare(s, a, j, maps, s->L + 1, rs, ra);
        s->have_shuffled = !rc;
        tick(o, steps, steps);
    }
    mrl_nn_free(rnn), mrl_nn_free(snn);
    mrl_model_free(rm);
    free(maps), free(rs), free(ra);
    if (rc)
        mrl_sanity_release(s);
    return rc;
}

void mrl_sanity_release(mrl_sanity_t *s)
{
    free(s->rho_s), free(s->rho_a), free(s->maps);
    memset(s, 0, sizeof *s);
}

double mrl_sanity_cascade_mean(const mrl_sanity_t *s, int j)
{
    size_t cols = (size_t)s->L + 2;
    double sum = 0;
    int k = 0;
    for (int st = 1; st <= s->L; st++) {
        double v = s->rho_s[(size_t)j * cols + (size_t)st];
        if (isfinite(v))
            sum += fabs(v), k++;
    }
    return k ? sum / k : (double)NAN;
}

int mrl_sanity_verdict(const mrl_sanity_t *s, int j)
{
    if (!s->rho_s || j < 0 || j >= s->n_methods)
        return -1;
    double casc = mrl_sanity_cascade_mean(s, j);
    double shuf = s->rho_s[(size_t)j * ((size_t)s->L + 2) + (size_t)s->L + 1];
    int ok = isfinite(casc) && casc < MRL_SANITY_PASS;
    if (s->have_shuffled)
        ok = ok && isfinite(shuf) && fabs(shuf) < MRL_SANITY_PASS;
    return ok;
}
