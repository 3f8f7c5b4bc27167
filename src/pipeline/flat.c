/*
 * flat.c - the library's entry points for language bindings (the Python package's cffi
 * ABI-mode declarations, python/mirlens/_lib.py): plain arrays, ints and strings in and
 * out, no public struct to mirror, each a composition of the public API that the CLI runs
 * (mrl_fold_encode_batch, mrl_ensemble_load, mrl_pipeline_run, mrl_explain,
 * mrl_scan_genome), so that a binding computes exactly what the commands print.
 */
#include <math.h>
#include <string.h>
#include "../util/util.h"

int mrl_flat_fold(const char *const *seq, const size_t *len, size_t n, int threads, int encode,
                  char *structs, int *mfe, int *status, uint8_t *rgb, int32_t *cols)
{
    if ((n && (!seq || !len)) || threads < 0)
        return mrl_err_set(MRL_ERR_ARG, "mrl_flat_fold: NULL sequences or threads < 0");
    if (n == 0)
        return 0;
    mrl_fe_item_t *it = calloc(n, sizeof *it);
    if (!it)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory (%zu sequences)", n);
    mrl_fe_opts_t o;
    mrl_fe_opts_default(&o);
    o.threads = threads ? threads : 1;
    o.encode = encode || rgb || cols;
    int rc = mrl_fold_encode_batch(seq, len, n, &o, it);
    size_t off = 0;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        if (structs) {
            if (len[k] && it[k].structure)
                memcpy(structs + off, it[k].structure, len[k]);
            structs[off + len[k]] = 0;
            off += len[k] + 1;
        }
        if (mfe)
            mfe[k] = it[k].mfe;
        if (status)
            status[k] = it[k].rc;
        if (rgb && o.encode)
            memcpy(rgb + k * MRL_IMG_BYTES, it[k].hp.rgb, MRL_IMG_BYTES);
        if (cols && o.encode) {
            memcpy(cols + k * 2 * MRL_IMG_W, it[k].hp.pos5, sizeof it[k].hp.pos5);
            memcpy(cols + (k * 2 + 1) * MRL_IMG_W, it[k].hp.pos3, sizeof it[k].hp.pos3);
        }
    }
    mrl_fe_items_release(it, n);
    free(it);
    return rc;
}

int mrl_flat_model_load(mrl_ensemble_t **out, const char *const *paths, int n, int threads,
                        int precision)
{
    mrl_nn_opts_t o;
    mrl_nn_opts_default(&o);
    if (threads < 0 || (precision != MRL_PREC_F32 && precision != MRL_PREC_BF16))
        return mrl_err_set(MRL_ERR_ARG, "threads must be >= 0 and precision f32 or bf16");
    o.threads = threads;
    o.precision = precision;
    return mrl_ensemble_load(out, paths, n, &o);
}

int mrl_flat_predict(mrl_ensemble_t *e, const char *const *seq, const size_t *len, size_t n,
                     int threads, float *prob, float *margin)
{
    if (!e || (n && (!seq || !len)) || threads < 0)
        return mrl_err_set(MRL_ERR_ARG, "mrl_flat_predict: NULL argument or threads < 0");
    mrl_fe_opts_t o;
    mrl_fe_opts_default(&o);
    o.threads = threads ? threads : 1;
    mrl_batch_t b;
    memset(&b, 0, sizeof b);
    int rc = n ? mrl_pipeline_run(e, &o, seq, len, n, &b) : 0;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        if (prob)
            prob[k] = b.prob[k];
        if (margin)
            margin[k] = b.margin[k];
    }
    mrl_batch_release(&b);
    return rc;
}

/* The SHAP background of the CLI's --background: an image set, else a FASTA file folded and
 * drawn; normalised for m into *bg (malloc'ed), *nbg images. */
static int load_background(const char *path, const mrl_model_t *m, int threads, float **bg,
                           size_t *nbg)
{
    mrl_imageset_t *s = NULL;
    size_t l = strlen(path);
    int rc;
    if ((l > 3 && !strcmp(path + l - 3, ".u8")) || (l > 6 && !strcmp(path + l - 6, ".u8.gz"))) {
        rc = mrl_imageset_load(&s, path);
    } else if ((rc = mrl_imageset_new(&s)) == 0) {
        mrl_fe_opts_t fe;
        mrl_fe_opts_default(&fe);
        fe.threads = threads ? threads : 1;
        rc = mrl_imageset_add_fasta(s, path, 0, &fe, NULL);
    }
    if (!rc && s->n == 0)
        rc = mrl_err_set(MRL_ERR_ARG, "%s: no background images", path);
    if (!rc && !(*bg = malloc(s->n * MRL_IMG_BYTES * sizeof(float))))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory (background of %zu images)", s->n);
    if (!rc) {
        mrl_model_normalize(m, s->rgb, s->n, *bg);
        *nbg = s->n;
    }
    mrl_imageset_free(s);
    return rc;
}

int mrl_flat_explain(mrl_ensemble_t *e, const char *seq, size_t len, const char *method,
                     int threads, uint64_t seed, int samples, int steps, const char *background,
                     float *map, float *attr, float *info)
{
    mrl_explain_opts_t eo;
    mrl_explain_opts_default(&eo);
    if (!e || !seq || threads < 0)
        return mrl_err_set(MRL_ERR_ARG, "mrl_flat_explain: NULL argument or threads < 0");
    if (method && (eo.method = mrl_explain_method_find(method)) < 0)
        return mrl_err_set(MRL_ERR_ARG, "unknown explanation method '%s'", method);
    eo.seed = seed;
    if (samples > 0)
        eo.samples = samples;
    if (steps > 0)
        eo.steps = steps;
    mrl_model_t *m = mrl_ensemble_model(e, 0);
    mrl_nn_t *nn = mrl_ensemble_nn(e, 0);
    mrl_fe_opts_t fo;
    mrl_fe_opts_default(&fo);
    fo.threads = threads ? threads : 1;
    mrl_batch_t b;
    memset(&b, 0, sizeof b);
    b.keep_x = 1;
    float *bg = NULL, map2d[MRL_IMG_H * MRL_IMG_W];
    mrl_explain_info_t in;
    /* only model 0 is explained: a scorer of one model, as `mirlens explain -m` loads it */
    int rc = mrl_ensemble_size(e) == 1
                 ? 0
                 : mrl_err_set(MRL_ERR_ARG, "explain takes one model, not an ensemble of %d",
                               mrl_ensemble_size(e));
    if (!rc && background)
        rc = load_background(background, m, threads, &bg, &eo.n_background);
    eo.background = bg;
    if (!rc)
        rc = mrl_pipeline_run(e, &fo, &seq, &len, 1, &b);
    if (!rc && b.items[0].rc)
        rc = mrl_err_set(b.items[0].rc, "%s",
                         b.items[0].err[0] ? b.items[0].err : "no hairpin loop in the fold");
    if (!rc) {
        eo.logits = b.logit;
        rc = mrl_explain(nn, m, b.x, 1, &eo, map, &in);
    }
    if (!rc) {
        mrl_explain_channel_sum(map, 1, 3, MRL_IMG_H, MRL_IMG_W, map2d);
        if (attr)
            mrl_explain_nucleotides(&b.items[0].hp, map2d, len, attr, NULL);
        if (info) {
            info[0] = in.score, info[1] = in.prob, info[2] = in.ref;
            info[3] = in.total, info[4] = in.gap;
        }
    }
    free(bg);
    mrl_batch_release(&b);
    return rc;
}

int mrl_flat_scan(mrl_ensemble_t *e, const char *path, const char *prefix, int strand,
                  float threshold, float min_score, float max_repeat, int threads,
                  const char *models, long *listed)
{
    mrl_scan_opts_t o;
    mrl_scan_opts_default(&o);
    if (strand < -1 || strand > 1 || threads < 0)
        return mrl_err_set(MRL_ERR_ARG, "strand must be -1, 0 or 1 and threads >= 0");
    o.strand = strand;
    if (!isnan(threshold))
        o.threshold = threshold;
    if (!isnan(min_score))
        o.min_score = min_score;
    if (!isnan(max_repeat))
        o.max_repeat = max_repeat;
    o.fe.threads = threads ? threads : 1;
    o.models = models;
    mrl_scan_stats_t st;
    int rc = mrl_scan_genome(e, path, prefix, &o, &st);
    if (!rc && listed)
        *listed = st.listed;
    return rc;
}

int mrl_flat_determinants(const char *seq, size_t len, const char *structure,
                          const int duplex[4], int *visible, int *present, double *value,
                          uint8_t *mask)
{
    if (!seq || !duplex || len == 0)
        return mrl_err_set(MRL_ERR_ARG, "mrl_flat_determinants: no sequence or duplex");
    if (structure && strlen(structure) != len)
        return mrl_err_set(MRL_ERR_ARG, "structure of %zu characters for a sequence of %zu nt",
                           strlen(structure), len);
    char *fold = NULL;
    int *partner = malloc(len * sizeof *partner);
    uint8_t *context = malloc(len);
    int rc = partner && context ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc && !structure) {
        fold = malloc(len + 1);
        rc = fold ? mrl_flat_fold(&seq, &len, 1, 1, 0, fold, NULL, NULL, NULL, NULL)
                  : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        structure = fold;
    }
    if (!rc)
        rc = mrl_explain_structure(structure, len, partner, context);
    for (int d = 0; !rc && d < MRL_NDET; d++) {
        mrl_det_hit_t h;
        rc = mrl_det_eval(d, seq, partner, len, duplex, mask ? mask + (size_t)d * len : NULL, &h);
        if (!rc && visible)
            visible[d] = h.visible;
        if (!rc && present)
            present[d] = h.present;
        if (!rc && value)
            value[d] = h.value;
    }
    free(fold);
    free(partner);
    free(context);
    return rc;
}
