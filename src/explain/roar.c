/*
 * roar.c - RemOve And Retrain (Hooker, Erhan, Kindermans & Kim 2019, "A benchmark for
 * interpretability methods in deep neural networks", NeurIPS): the degraded image sets
 * and one retraining of the recipe.
 *
 * Every hairpin of a set is drawn once (the pipeline) and attributed once per method with
 * the trained model (mrl_explain on the pipeline's normalised images and logits); its
 * drawn nucleotides are ranked by |attribution| (by default: what moves the score most,
 * either way, label-blind) or as the faithfulness curves rank them (value for a
 * contribution method), ties by lower position, and that order is kept. A degraded set at fraction
 * k is then made for any k without attributing again: the first round(k nd) positions of each order
 * erased to white by mrl_encode_masked. Removing a nucleotide erases every bar it has (a
 * terminal-loop base is drawn twice). The random baseline orders each hairpin by a Fisher-Yates
 * shuffle from PCG32(seed, stream0 + index), so it removes exactly as many nucleotides as a method
 * does at the same k, and the same ones on every run.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "rank.h"

#define CHUNK 32 /* hairpins per pipeline / explain call */
#define PLANE (MRL_IMG_H * MRL_IMG_W)
#define PX (3 * PLANE)

/* The drawn positions of h, ascending, into pos; their number, or MRL_ERR_ARG. */
static int drawn_positions(const mrl_hairpin_t *h, size_t n, int *pos)
{
    if (h->used < 0 || h->used > MRL_IMG_W)
        return mrl_err_set(MRL_ERR_ARG, "roar: bad hairpin (used = %d)", h->used);
    uint8_t *seen = calloc(n ? n : 1, 1);
    if (!seen)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    int rc = 0;
    for (int c = 0; c < h->used && !rc; c++) {
        int32_t q[2] = {h->pos5[c], h->pos3[c]};
        for (int s = 0; s < 2 && !rc; s++) {
            if (q[s] < -1 || q[s] >= (int64_t)n)
                rc = mrl_err_set(MRL_ERR_ARG,
                                 "roar: column %d of the hairpin is not a position of the "
                                 "%zu-letter sequence",
                                 c, n);
            else if (q[s] >= 0)
                seen[q[s]] = 1;
        }
    }
    int nd = 0;
    for (size_t p = 0; !rc && p < n; p++)
        if (seen[p])
            pos[nd++] = (int)p;
    free(seen);
    return rc ? rc : nd;
}

int mrl_roar_order(const mrl_hairpin_t *h, size_t n, const float *attr, mrl_rng_t *rng, int *order)
{
    if (!h || !order || (!attr && !rng))
        return mrl_err_set(MRL_ERR_ARG, "roar: NULL hairpin, order, or attribution and rng");
    if (n >= ((size_t)1 << 30))
        return mrl_err_set(MRL_ERR_ARG, "roar: sequence of %zu nt is too long", n);
    int nd = drawn_positions(h, n, order);
    if (nd <= 0)
        return nd;
    if (!attr) {
        for (int i = nd - 1; i > 0; i--) {
            int s = (int)mrl_rng_below(rng, (uint32_t)i + 1u), t = order[i];
            order[i] = order[s], order[s] = t;
        }
        return nd;
    }
    for (int i = 0; i < nd; i++)
        if (isnan(attr[order[i]]))
            return mrl_err_set(MRL_ERR_ARG, "roar: attribution of position %d is NaN",
                               order[i] + 1);
    int rc = rank_sort(attr, order, nd); /* by attribution, ties by position (rank.h) */
    return rc ? rc : nd;
}

int mrl_roar_count(double k, int nd)
{
    if (!(k > 0) || nd <= 0)
        return 0;
    if (k >= 1)
        return nd;
    return (int)floor(k * nd + 0.5);
}

/* ---- the set ------------------------------------------------------------------------- */

void mrl_roar_set_init(mrl_roar_set_t *s)
{
    memset(s, 0, sizeof *s);
}

void mrl_roar_set_release(mrl_roar_set_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->names[i]);
    for (int j = 0; j < s->n_methods; j++)
        free(s->order[j]);
    free(s->hp), free(s->len), free(s->labels), free(s->names), free(s->nd), free(s->off);
    memset(s, 0, sizeof *s);
}

/* Room for one more hairpin in every per-hairpin array. */
static int reserve(mrl_roar_set_t *s)
{
    if (s->n < s->cap)
        return 0;
    size_t cap = s->cap ? 2 * s->cap : 64;
    mrl_hairpin_t *hp = realloc(s->hp, cap * sizeof *hp);
    if (hp)
        s->hp = hp;
    size_t *len = realloc(s->len, cap * sizeof *len);
    if (len)
        s->len = len;
    int8_t *lab = realloc(s->labels, cap * sizeof *lab);
    if (lab)
        s->labels = lab;
    char **nm = realloc(s->names, cap * sizeof *nm);
    if (nm)
        s->names = nm;
    int *nd = realloc(s->nd, cap * sizeof *nd);
    if (nd)
        s->nd = nd;
    size_t *off = realloc(s->off, (cap + 1) * sizeof *off);
    if (off)
        s->off = off;
    if (!hp || !len || !lab || !nm || !nd || !off)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    s->cap = cap;
    return 0;
}

int mrl_roar_set_add(mrl_roar_set_t *s, const mrl_hairpin_t *h, size_t n, int label,
                     const char *name)
{
    if (!s || !h || !name || (label != 0 && label != 1))
        return mrl_err_set(MRL_ERR_ARG, "roar: NULL set, hairpin or name, or label not 0/1");
    if (s->n_methods)
        return mrl_err_set(MRL_ERR_ARG, "roar: hairpins added after the orders were computed");
    int rc = reserve(s);
    if (rc)
        return rc;
    int *pos = malloc((n ? n : 1) * sizeof *pos);
    if (!pos)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    int nd = n < ((size_t)1 << 30) ? drawn_positions(h, n, pos)
                                   : mrl_err_set(MRL_ERR_ARG, "roar: sequence too long");
    free(pos);
    if (nd < 0)
        return nd;
    if (!(s->names[s->n] = strdup(name)))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (s->n == 0)
        s->off[0] = 0;
    s->hp[s->n] = *h;
    s->len[s->n] = n;
    s->labels[s->n] = (int8_t)label;
    s->nd[s->n] = nd;
    s->off[s->n + 1] = s->off[s->n] + (size_t)nd;
    s->n++;
    return 0;
}

/* Fold and draw a chunk, add its hairpins. */
static int add_chunk(mrl_roar_set_t *s, mrl_ensemble_t *e, const mrl_fe_opts_t *fe, char **id,
                     char **seq, size_t *len, int nrec, int label, mrl_batch_t *b)
{
    int rc = mrl_pipeline_run(e, fe, (const char *const *)seq, len, (size_t)nrec, b);
    for (int k = 0; !rc && k < nrec; k++) {
        if (b->items[k].rc != 0)
            s->n_refused++;
        else
            rc = mrl_roar_set_add(s, &b->items[k].hp, len[k], label, id[k]);
    }
    return rc;
}

int mrl_roar_set_add_fasta(mrl_roar_set_t *s, mrl_ensemble_t *e, const char *path, int label,
                           const mrl_fe_opts_t *fe)
{
    mrl_fe_opts_t d;
    if (!fe)
        mrl_fe_opts_default(&d), fe = &d;
    if (!s || !e || !path)
        return mrl_err_set(MRL_ERR_ARG, "roar: NULL set, scorer or path");
    mrl_fasta_t *fa = NULL;
    mrl_seqrec_t rec;
    mrl_batch_t b;
    memset(&b, 0, sizeof b);
    char *id[CHUNK] = {0}, *seq[CHUNK] = {0};
    size_t len[CHUNK];
    int rc = mrl_fasta_open(&fa, path, &fe->fasta), got = 0, nrec = 0;
    while (!rc && (got = mrl_fasta_read(fa, &rec)) == 1) {
        id[nrec] = strdup(rec.id), seq[nrec] = strdup(rec.seq), len[nrec] = rec.len;
        if (!id[nrec++] || !seq[nrec - 1])
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        if (!rc && nrec == CHUNK) {
            rc = add_chunk(s, e, fe, id, seq, len, nrec, label, &b);
            for (int k = 0; k < nrec; k++)
                free(id[k]), free(seq[k]), id[k] = seq[k] = NULL;
            nrec = 0;
        }
    }
    if (!rc && got < 0)
        rc = got;
    if (!rc && nrec)
        rc = add_chunk(s, e, fe, id, seq, len, nrec, label, &b);
    for (int k = 0; k < nrec; k++)
        free(id[k]), free(seq[k]);
    mrl_batch_release(&b);
    mrl_fasta_close(fa);
    if (rc < 0 && !strstr(mrl_errmsg(), path)) {
        char why[256];
        snprintf(why, sizeof why, "%s", mrl_errmsg());
        rc = mrl_err_set(rc, "%s: %s", path, why);
    }
    return rc;
}

/* ---- orders -------------------------------------------------------------------------- */

/* Orders of hairpins [i0, i0 + nb) by method: explain, read out per nucleotide, rank. */
static int rank_chunk(mrl_roar_set_t *s, mrl_ensemble_t *e, int *ord, size_t i0, size_t nb,
                      const mrl_explain_opts_t *eo0, int magnitude, mrl_batch_t *b, float *maps)
{
    const uint8_t *rgb[CHUNK];
    for (size_t i = 0; i < nb; i++)
        rgb[i] = s->hp[i0 + i].rgb;
    b->keep_x = 1;
    int rc = mrl_pipeline_run_images(e, rgb, nb, b);
    mrl_explain_opts_t eo = *eo0;
    eo.logits = b->logit; /* the pipeline's scores of x: no second forward pass */
    if (!rc)
        rc =
            mrl_explain(mrl_ensemble_nn(e, 0), mrl_ensemble_model(e, 0), b->x, nb, &eo, maps, NULL);
    int by_value = !magnitude && mrl_explain_method_is_contribution(eo.method);
    for (size_t i = 0; !rc && i < nb; i++) {
        const mrl_hairpin_t *h = &s->hp[i0 + i];
        size_t n = s->len[i0 + i];
        float map2d[PLANE], *attr = malloc((n ? n : 1) * sizeof *attr);
        if (!attr)
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        mrl_explain_channel_sum(maps + i * PX, 1, 3, MRL_IMG_H, MRL_IMG_W, map2d);
        mrl_explain_nucleotides(h, map2d, n, attr, NULL);
        for (size_t p = 0; !by_value && p < n; p++)
            attr[p] = fabsf(attr[p]);
        int nd = mrl_roar_order(h, n, attr, NULL, ord + s->off[i0 + i]);
        free(attr);
        if (nd < 0)
            return nd;
        MRL_ASSERT(nd == s->nd[i0 + i]);
    }
    return rc;
}

static int rank_method(mrl_roar_set_t *s, mrl_ensemble_t *e, int method, int *ord,
                       const mrl_roar_rank_opts_t *o)
{
    if (method == MRL_ROAR_RANDOM) {
        for (size_t i = 0; i < s->n; i++) {
            mrl_rng_t rng;
            mrl_rng_init(&rng, o->seed, o->stream0 + i);
            int nd = mrl_roar_order(&s->hp[i], s->len[i], NULL, &rng, ord + s->off[i]);
            if (nd < 0)
                return nd;
        }
        return 0;
    }
    mrl_explain_opts_t eo = o->ex;
    eo.method = method;
    mrl_batch_t b;
    memset(&b, 0, sizeof b);
    float *maps = malloc((size_t)CHUNK * PX * sizeof *maps);
    int rc = maps ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t i0 = 0; !rc && i0 < s->n; i0 += CHUNK)
        rc = rank_chunk(s, e, ord, i0, MRL_MIN((size_t)CHUNK, s->n - i0), &eo, o->magnitude, &b,
                        maps);
    free(maps);
    mrl_batch_release(&b);
    return rc;
}

void mrl_roar_rank_opts_default(mrl_roar_rank_opts_t *o)
{
    memset(o, 0, sizeof *o);
    mrl_explain_opts_default(&o->ex);
    o->magnitude = 1;
    o->seed = 1;
    o->stream0 = 0;
}

int mrl_roar_set_rank(mrl_roar_set_t *s, mrl_ensemble_t *e, const int *methods, int n_methods,
                      const mrl_roar_rank_opts_t *o)
{
    mrl_roar_rank_opts_t d;
    if (!o)
        mrl_roar_rank_opts_default(&d), o = &d;
    if (!s || !methods || n_methods < 1)
        return mrl_err_set(MRL_ERR_ARG, "roar: NULL set or no method");
    if (s->n == 0)
        return mrl_err_set(MRL_ERR_ARG, "roar: the set has no hairpin");
    if (s->n_methods + n_methods > MRL_ROAR_MAX_METHODS)
        return mrl_err_set(MRL_ERR_ARG, "roar: more than %d methods", MRL_ROAR_MAX_METHODS);
    for (int j = 0; j < n_methods; j++) {
        if (methods[j] != MRL_ROAR_RANDOM && !mrl_explain_method_name(methods[j]))
            return mrl_err_set(MRL_ERR_ARG, "roar: unknown method %d", methods[j]);
        if (methods[j] != MRL_ROAR_RANDOM && !e)
            return mrl_err_set(MRL_ERR_ARG, "roar: an attribution method needs a scorer");
    }
    for (int j = 0; j < n_methods; j++) {
        int *ord = malloc((s->off[s->n] ? s->off[s->n] : 1) * sizeof *ord);
        if (!ord)
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        int rc = rank_method(s, e, methods[j], ord, o);
        if (rc < 0) {
            free(ord);
            return rc;
        }
        s->methods[s->n_methods] = methods[j];
        s->order[s->n_methods++] = ord;
    }
    return 0;
}

/* ---- degraded sets ------------------------------------------------------------------- */

int mrl_roar_set_degrade(const mrl_roar_set_t *s, int j, double k, mrl_imageset_t **out,
                         long *erased)
{
    if (!s || !out || j < 0 || j >= s->n_methods)
        return mrl_err_set(MRL_ERR_ARG, "roar: NULL set or output, or no order %d", j);
    if (!(k >= 0 && k <= 1))
        return mrl_err_set(MRL_ERR_ARG, "roar: fraction %g not in [0, 1]", k);
    *out = NULL;
    mrl_imageset_t *d = NULL;
    int rc = mrl_imageset_new(&d);
    uint8_t *rgb = malloc(MRL_IMG_BYTES);
    size_t nmax = 1;
    for (size_t i = 0; i < s->n; i++)
        nmax = MRL_MAX(nmax, s->len[i]);
    uint8_t *mask = malloc(nmax);
    long total = 0;
    if (!rc && (!rgb || !mask))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < s->n; i++) {
        const int *ord = s->order[j] + s->off[i];
        int cnt = mrl_roar_count(k, s->nd[i]);
        memset(mask, 0, s->len[i] ? s->len[i] : 1);
        for (int q = 0; q < cnt; q++)
            mask[ord[q]] = 1;
        total += cnt;
        rc = mrl_encode_masked(&s->hp[i], NULL, NULL, s->len[i], mask, MRL_MASK_WHITE, rgb);
        if (!rc)
            rc = mrl_imageset_push(d, rgb, s->labels[i], s->names[i]);
    }
    free(rgb), free(mask);
    if (rc < 0) {
        mrl_imageset_free(d);
        return rc;
    }
    if (erased)
        *erased = total;
    *out = d;
    return 0;
}

/* ---- one retraining ------------------------------------------------------------------ */

void mrl_roar_train_opts_default(mrl_train_opts_t *o)
{
    mrl_train_opts_default(o);
    o->adam.lr = 1e-3f;
    o->val_split = 0.1;
    o->epochs = 100;
    o->early_stop = 8;
    o->seed = 1;
}

/* Scores of te by m: accuracy at the default threshold, AUROC of the margins. */
static int score_test(mrl_model_t *m, const mrl_imageset_t *te, const mrl_train_opts_t *o,
                      mrl_metrics_t *met)
{
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    no.threads = o->threads;
    no.precision = o->precision;
    mrl_nn_t *nn = NULL;
    float *score = malloc((te->n ? te->n : 1) * sizeof *score);
    float *margin = malloc((te->n ? te->n : 1) * sizeof *margin);
    int rc =
        score && margin ? mrl_nn_new(&nn, m, &no) : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = mrl_evaluate_set(nn, m, te, score, margin, NULL);
    mrl_metrics_t mm, mr;
    if (!rc)
        rc = mrl_metrics_compute(score, te->labels, te->n, (float)MRL_DEFAULT_THRESHOLD, &mm);
    if (!rc) /* AUROC and AUPRC from the margins: no ties of saturated probabilities */
        rc = mrl_metrics_compute(margin, te->labels, te->n, 0.0f, &mr);
    if (!rc) {
        mm.auroc = mr.auroc, mm.auprc = mr.auprc;
        *met = mm;
    }
    mrl_nn_free(nn);
    free(score), free(margin);
    return rc;
}

int mrl_roar_retrain(const mrl_arch_t *a, const mrl_imageset_t *tr, const mrl_imageset_t *te,
                     const mrl_train_opts_t *o, mrl_metrics_t *met, mrl_model_t **out)
{
    if (!a || !tr || !te || !o || !met)
        return mrl_err_set(MRL_ERR_ARG, "roar: NULL architecture, set, options or metrics");
    if (!te->labels || te->n == 0)
        return mrl_err_set(MRL_ERR_ARG, "roar: the test set has no labelled image");
    mrl_model_t *m = NULL;
    int rc = mrl_model_new(&m, a, o->seed);
    if (!rc)
        rc = mrl_train(m, tr, NULL, o, NULL);
    if (!rc)
        rc = score_test(m, te, o, met);
    if (!rc && out)
        *out = m, m = NULL;
    mrl_model_free(m);
    return rc;
}
