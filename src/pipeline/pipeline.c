/*
 * pipeline.c - the one batch pipeline every command that folds or scores goes through:
 * records -> fold (RNAfold 2.1.3, src/fold) + draw (src/encode) on one pool of worker
 * threads, results in input order and independent of the thread count -> the scorer (one
 * model or an ensemble: mean logit margin) -> probabilities and margins per record. Also
 * labelled image sets assembled from FASTA files (folded and drawn here).
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

/* ---- fold + encode on worker threads ---- */

void mrl_fe_opts_default(mrl_fe_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->params = NULL;
    o->threads = 1;
    o->encode = 1;
    mrl_fasta_opts_default(&o->fasta);
}

typedef struct {
    const char *const *seq;
    const size_t *len;
    size_t n, next;
    const mrl_params_t *P;
    mrl_fe_item_t *out;
    int encode;
    pthread_mutex_t lock;
    int nomem;
} fe_pool_t;

static void *fe_worker(void *arg)
{
    fe_pool_t *pl = arg;
    mrl_fold_ws_t *ws = mrl_fold_ws_new();
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        size_t k = pl->next++;
        if (!ws)
            pl->nomem = 1;
        pthread_mutex_unlock(&pl->lock);
        if (k >= pl->n || !ws)
            break;
        mrl_fe_item_t *it = &pl->out[k];
        size_t n = pl->len[k];
        free(it->structure), free(it->partner), free(it->context);
        it->structure = malloc(n + 1);
        it->partner = malloc((n ? n : 1) * sizeof *it->partner);
        it->context = malloc(n ? n : 1);
        int rc = it->structure && it->partner && it->context ? 0 : MRL_ERR_NOMEM;
        if (rc == 0)
            rc = mrl_fold_mfe(ws, pl->P, pl->seq[k], n, it->structure, &it->mfe);
        /* the pair table and contexts once, here, for every reader of the record */
        if (rc == 0)
            rc = mrl_explain_structure(it->structure, n, it->partner, it->context);
        if (rc == 0 && pl->encode)
            rc = mrl_encode_hairpin(pl->seq[k], n, it->structure, &it->hp);
        it->rc = rc;
        if (rc < 0)
            snprintf(it->err, sizeof it->err, "%s",
                     rc == MRL_ERR_NOMEM ? "out of memory" : mrl_errmsg());
    }
    mrl_fold_ws_free(ws);
    return NULL;
}

int mrl_fold_encode_batch(const char *const *seq, const size_t *len, size_t n,
                          const mrl_fe_opts_t *o, mrl_fe_item_t *out)
{
    fe_pool_t pl = {.seq = seq,
                    .len = len,
                    .n = n,
                    .P = o->params ? o->params : mrl_params_builtin(NULL),
                    .out = out,
                    .encode = o->encode,
                    .lock = PTHREAD_MUTEX_INITIALIZER};
    int nt = o->threads > 0 ? o->threads : 1, started = 0;
    if ((size_t)nt > n)
        nt = (int)(n ? n : 1);
    if (nt > 64)
        nt = 64;
    pthread_t th[64];
    /* a thread that cannot start leaves its share to the others: same results */
    for (int t = 1; t < nt && pthread_create(&th[t], NULL, fe_worker, &pl) == 0; t++)
        started = t;
    fe_worker(&pl);
    for (int t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
    if (pl.nomem)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++)
        if (out[k].rc < 0 && out[k].rc != MRL_ERR_REFUSED)
            return mrl_err_set(out[k].rc, "%s", out[k].err);
    return 0;
}

void mrl_fe_items_release(mrl_fe_item_t *it, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(it[k].structure), free(it[k].partner), free(it[k].context);
        it[k].structure = NULL, it[k].partner = NULL, it[k].context = NULL;
    }
}

/* ---- image sets from FASTA ---- */

int mrl_imageset_add_fasta(mrl_imageset_t *dst, const char *path, int label,
                           const mrl_fe_opts_t *o, long *n_refused)
{
    mrl_fasta_t *fa = NULL;
    mrl_seqrec_t rec;
    char **seqs = NULL, **ids = NULL;
    size_t *lens = NULL, n = 0, cap = 0;
    mrl_fe_item_t *items = NULL;
    int rc = mrl_fasta_open(&fa, path, &o->fasta), r;
    if (rc < 0)
        return rc;
    while ((r = mrl_fasta_read(fa, &rec)) == 1) {
        if (!rec.id[0]) { /* its row in a scores table could not be told apart */
            rc = mrl_err_set(MRL_ERR_PARSE,
                             "%s, line %ld: record %ld has an empty id (a '>' with no name)",
                             strcmp(path, "-") ? path : "standard input", rec.line, rec.index + 1);
            goto done;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            char **a = realloc(seqs, cap * sizeof *a), **b = a ? realloc(ids, cap * sizeof *b) : NULL;
            size_t *c = b ? realloc(lens, cap * sizeof *c) : NULL;
            if (a)
                seqs = a;
            if (b)
                ids = b;
            if (c)
                lens = c;
            if (!a || !b || !c) {
                rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
                goto done;
            }
        }
        seqs[n] = strdup(rec.seq);
        ids[n] = strdup(rec.id);
        lens[n] = rec.len;
        n++;
        if (!seqs[n - 1] || !ids[n - 1]) {
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    if (r < 0) {
        rc = r;
        goto done;
    }
    items = calloc(n ? n : 1, sizeof *items);
    if (!items) {
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((rc = mrl_fold_encode_batch((const char *const *)seqs, lens, n, o, items)) < 0)
        goto done;
    long refused = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        if (items[k].rc == MRL_ERR_REFUSED) {
            refused++;
            continue;
        }
        rc = mrl_imageset_push(dst, items[k].hp.rgb, label, ids[k]);
    }
    if (n_refused)
        *n_refused = refused;
done:
    if (items)
        mrl_fe_items_release(items, n);
    free(items);
    for (size_t k = 0; k < n; k++) {
        free(seqs[k]);
        free(ids[k]);
    }
    free(seqs);
    free(ids);
    free(lens);
    mrl_fasta_close(fa);
    return rc;
}

/* ---- the scorer: one model or an ensemble ---- */

#define ENS_MAX 64

struct mrl_ensemble {
    int n;
    int owns;      /* 1: the models were loaded here (mrl_ensemble_load) and are freed here */
    mrl_model_t *m[ENS_MAX];
    mrl_nn_t *nn[ENS_MAX];
    float *x;      /* (N,3,H,W) normalised images, one model at a time */
    float *z, *zs; /* (N,2) logits; (N) summed margins */
    size_t cap;    /* images the buffers hold */
};

int mrl_model_check_hairpin(const mrl_model_t *m)
{
    const mrl_arch_t *a = mrl_model_arch(m);
    int out[3];
    if (a->in_c != 3 || a->in_h != MRL_IMG_H || a->in_w != MRL_IMG_W ||
        mrl_arch_shape(a, a->n_layers - 1, out) < 0 || out[0] != 2)
        return mrl_err_set(MRL_ERR_ARG, "not a 2-class model of %dx%d RGB hairpin images",
                           MRL_IMG_H, MRL_IMG_W);
    return 0;
}

int mrl_ensemble_new(mrl_ensemble_t **out, mrl_model_t *const *models, int n,
                     const mrl_nn_opts_t *o)
{
    *out = NULL;
    if (n < 1 || n > ENS_MAX)
        return mrl_err_set(MRL_ERR_ARG, "an ensemble has 1 to %d models, not %d", ENS_MAX, n);
    mrl_ensemble_t *e = calloc(1, sizeof *e);
    if (!e)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    int rc = 0;
    for (int k = 0; k < n && !rc; k++) {
        e->m[k] = models[k];
        rc = mrl_model_check_hairpin(models[k]);
        if (!rc)
            rc = mrl_nn_new(&e->nn[k], models[k], o);
        e->n = k + 1;
    }
    if (rc) {
        mrl_ensemble_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

int mrl_ensemble_load(mrl_ensemble_t **out, const char *const *paths, int n,
                      const mrl_nn_opts_t *o)
{
    *out = NULL;
    if (n < 1 || n > ENS_MAX)
        return mrl_err_set(MRL_ERR_ARG, "an ensemble has 1 to %d models, not %d", ENS_MAX, n);
    mrl_model_t *m[ENS_MAX] = {0};
    int rc = 0, k;
    for (k = 0; k < n && !rc; k++)
        if ((rc = mrl_model_load(&m[k], paths[k])) == 0 && (rc = mrl_model_check_hairpin(m[k])) < 0)
            rc = mrl_err_set(rc, "%s: %s", paths[k], mrl_errmsg());
    if (!rc && (rc = mrl_ensemble_new(out, m, n, o)) == 0)
        (*out)->owns = 1;
    for (k = 0; k < n && rc; k++)
        mrl_model_free(m[k]);
    return rc;
}

void mrl_ensemble_free(mrl_ensemble_t *e)
{
    if (!e)
        return;
    for (int k = 0; k < e->n; k++) {
        mrl_nn_free(e->nn[k]);
        if (e->owns)
            mrl_model_free(e->m[k]);
    }
    free(e->x), free(e->z), free(e->zs);
    free(e);
}

int mrl_ensemble_size(const mrl_ensemble_t *e)
{
    return e->n;
}

mrl_nn_t *mrl_ensemble_nn(const mrl_ensemble_t *e, int k)
{
    return k >= 0 && k < e->n ? e->nn[k] : NULL;
}

mrl_model_t *mrl_ensemble_model(const mrl_ensemble_t *e, int k)
{
    return k >= 0 && k < e->n ? e->m[k] : NULL;
}

static int ens_fit(mrl_ensemble_t *e, size_t n)
{
    if (n <= e->cap)
        return 0;
    free(e->x), free(e->z), free(e->zs);
    e->x = malloc(n * 3 * MRL_IMG_H * MRL_IMG_W * sizeof *e->x);
    e->z = malloc(n * 2 * sizeof *e->z);
    e->zs = malloc(n * sizeof *e->zs);
    e->cap = e->x && e->z && e->zs ? n : 0;
    return e->cap ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
}

/* Images per forward pass of the whole ensemble. A network context keeps activation memory
 * for the largest pass it has run (~1.5 MB per image for the paper's network), so a caller
 * scoring a whole set or a genome block at once would hold gigabytes. Each of n models runs
 * ENS_RUN / n images a pass (at least ENS_RUN_MIN): the contexts of an ensemble hold about
 * the activations of one model's ENS_RUN, not n times that (bench/bench_scan.sh's peak).
 * An image's scores do not depend on the pass it shares (mrl_nn_opts_t), so the runs change
 * no result. */
#define ENS_RUN 256
#define ENS_RUN_MIN 32

/* One run of n <= ENS_RUN / e->n images of ens_score. */
static int ens_score_run(mrl_ensemble_t *e, const uint8_t *const *rgb, size_t n, float *prob,
                         float *margin, float *logit, float *x0)
{
    int rc = ens_fit(e, n);
    const size_t img = 3 * MRL_IMG_H * MRL_IMG_W;
    for (int k = 0; k < e->n && !rc; k++) {
        float *x = k == 0 && x0 ? x0 : e->x;
        for (size_t i = 0; i < n; i++)
            mrl_model_normalize(e->m[k], rgb[i], 1, x + i * img);
        rc = mrl_nn_forward(e->nn[k], x, n, MRL_NN_INFER, NULL);
        if (!rc)
            rc = mrl_nn_read(e->nn[k], mrl_model_arch(e->m[k])->n_layers - 1, 0, e->z);
        if (!rc && k == 0 && logit)
            memcpy(logit, e->z, n * 2 * sizeof *logit);
        for (size_t i = 0; i < n && !rc; i++)
            e->zs[i] = (k ? e->zs[i] : 0.0f) + (e->z[2 * i + 1] - e->z[2 * i]);
    }
    if (rc)
        return rc;
    if (e->n == 1) { /* its softmax, as mrl_nn_predict computes it */
        mrl_nn_softmax_xent(e->z, NULL, n, 2, e->z, NULL, NULL);
        for (size_t i = 0; i < n; i++) {
            if (prob)
                prob[i] = e->z[2 * i + 1];
            if (margin)
                margin[i] = e->zs[i];
        }
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        float mg = e->zs[i] / (float)e->n;
        if (prob)
            prob[i] = 1.0f / (1.0f + expf(-mg));
        if (margin)
            margin[i] = mg;
    }
    return 0;
}

/* mrl_ensemble_score, plus the first model's logits (N,2) into logit and its normalised
 * images (N,3,H,W) into x0, each when not NULL; in runs of ENS_RUN / e->n images. */
static int ens_score(mrl_ensemble_t *e, const uint8_t *const *rgb, size_t n, float *prob,
                     float *margin, float *logit, float *x0)
{
    const size_t img = 3 * MRL_IMG_H * MRL_IMG_W;
    const size_t run = MRL_MAX(ENS_RUN / e->n, ENS_RUN_MIN);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i += run) {
        size_t m = MRL_MIN(run, n - i);
        rc = ens_score_run(e, rgb + i, m, prob ? prob + i : NULL, margin ? margin + i : NULL,
                           logit ? logit + 2 * i : NULL, x0 ? x0 + i * img : NULL);
    }
    return rc;
}

int mrl_ensemble_score(mrl_ensemble_t *e, const uint8_t *const *rgb, size_t n, float *prob,
                       float *margin)
{
    return ens_score(e, rgb, n, prob, margin, NULL, NULL);
}

/* ---- records -> scores ---- */

/* Room for n records in b (contents of the last run released). */
static int batch_fit(mrl_batch_t *b, size_t n, int fasta)
{
    if (b->items)
        mrl_fe_items_release(b->items, b->n);
    b->n = b->rows = 0;
    if (n > b->cap) {
        size_t cap = n;
        free(b->items), free(b->row), free(b->x), free(b->prob), free(b->margin), free(b->rgb);
        free(b->rs);
        b->items = NULL, b->x = NULL;
        b->row = malloc(cap * sizeof *b->row);
        b->prob = malloc(cap * sizeof *b->prob);
        b->margin = malloc(cap * sizeof *b->margin);
        b->rgb = malloc(cap * sizeof *b->rgb);
        b->rs = malloc(4 * cap * sizeof *b->rs);
        b->cap = b->row && b->prob && b->margin && b->rgb && b->rs ? cap : 0;
        if (!b->cap)
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    if (!fasta) { /* images already drawn: no items */
        free(b->items);
        b->items = NULL;
    }
    if (fasta && !b->items && !(b->items = calloc(b->cap, sizeof *b->items)))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (b->keep_x && !b->x && !(b->x = malloc(b->cap * 3 * MRL_IMG_H * MRL_IMG_W * sizeof *b->x)))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (b->items)
        memset(b->items, 0, n * sizeof *b->items);
    b->n = n;
    return 0;
}

/* Score the rows b->rgb[0..rows) and spread the scores over the records. */
static int batch_score(mrl_ensemble_t *e, mrl_batch_t *b)
{
    double t0 = mrl_seconds();
    b->logit = b->rs + 2 * b->rows;
    int rc = ens_score(e, b->rgb, b->rows, b->rs, b->rs + b->rows, b->logit,
                       b->keep_x ? b->x : NULL);
    for (size_t k = 0; k < b->n; k++)
        b->prob[k] = b->margin[k] = NAN;
    for (size_t r = 0; r < b->rows && !rc; r++)
        b->prob[b->row[r]] = b->rs[r], b->margin[b->row[r]] = b->rs[b->rows + r];
    b->t[1] += mrl_seconds() - t0;
    return rc;
}

int mrl_pipeline_run(mrl_ensemble_t *e, const mrl_fe_opts_t *o, const char *const *seq,
                     const size_t *len, size_t n, mrl_batch_t *b)
{
    mrl_fe_opts_t d;
    if (!o) {
        mrl_fe_opts_default(&d);
        o = &d;
    }
    int rc = batch_fit(b, n, 1);
    double t0 = mrl_seconds();
    if (!rc)
        rc = mrl_fold_encode_batch(seq, len, n, o, b->items);
    b->t[0] += mrl_seconds() - t0;
    for (size_t k = 0; k < n && !rc; k++)
        if (b->items[k].rc == 0)
            b->rgb[b->rows] = b->items[k].hp.rgb, b->row[b->rows++] = k;
    return rc ? rc : batch_score(e, b);
}

int mrl_pipeline_run_images(mrl_ensemble_t *e, const uint8_t *const *rgb, size_t n,
                            mrl_batch_t *b)
{
    int rc = batch_fit(b, n, 0);
    for (size_t k = 0; k < n && !rc; k++)
        b->rgb[k] = rgb[k], b->row[k] = k;
    b->rows = rc ? 0 : n;
    return rc ? rc : batch_score(e, b);
}

void mrl_batch_release(mrl_batch_t *b)
{
    if (b->items)
        mrl_fe_items_release(b->items, b->n);
    free(b->items), free(b->row), free(b->x), free(b->prob), free(b->margin), free(b->rgb);
    free(b->rs);
    memset(b, 0, sizeof *b);
}
