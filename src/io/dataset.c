/*
 * dataset.c - from sequences to network inputs: fold + encode many records on worker
 * threads (results in input order, independent of the thread count), and labelled image
 * sets assembled from FASTA files or published image files.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

void mrl_fe_opts_default(mrl_fe_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->params = NULL;
    o->threads = 1;
    mrl_fasta_opts_default(&o->fasta);
}

typedef struct {
    const char *const *seq;
    const size_t *len;
    size_t n, next;
    const mrl_params_t *P;
    mrl_fe_item_t *out;
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
        char *st = malloc(n + 1);
        if (!st) {
            it->rc = MRL_ERR_NOMEM;
            snprintf(it->err, sizeof it->err, "out of memory");
            continue;
        }
        int rc = mrl_fold_mfe(ws, pl->P, pl->seq[k], n, st, &it->mfe);
        if (rc == 0)
            rc = mrl_encode_hairpin(pl->seq[k], n, st, &it->hp);
        it->rc = rc;
        if (rc < 0)
            snprintf(it->err, sizeof it->err, "%s", mrl_errmsg());
        free(it->structure);
        it->structure = st;
    }
    mrl_fold_ws_free(ws);
    return NULL;
}

int mrl_fold_encode_batch(const char *const *seq, const size_t *len, size_t n,
                          const mrl_fe_opts_t *o, mrl_fe_item_t *out)
{
    fe_pool_t pl = {seq, len, n, 0, o->params ? o->params : mrl_params_builtin(NULL), out,
                    PTHREAD_MUTEX_INITIALIZER, 0};
    int nt = o->threads > 0 ? o->threads : 1, started = 0;
    if ((size_t)nt > n)
        nt = (int)(n ? n : 1);
    if (nt > 64)
        nt = 64;
    pthread_t th[64];
    for (int t = 1; t < nt; t++)
        if (pthread_create(&th[t], NULL, fe_worker, &pl) == 0)
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
        free(it[k].structure);
        it[k].structure = NULL;
    }
}

int mrl_imageset_new(mrl_imageset_t **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
}

/* Room for `more` images with labels and names. */
static int reserve(mrl_imageset_t *s, size_t more)
{
    size_t n = s->n + more;
    uint8_t *rgb = realloc(s->rgb, (n ? n : 1) * MRL_IMG_BYTES);
    if (!rgb)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    s->rgb = rgb;
    int8_t *lab = realloc(s->labels, n ? n : 1);
    if (!lab)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    s->labels = lab;
    char **nm = realloc(s->names, (n ? n : 1) * sizeof *nm);
    if (!nm)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    s->names = nm;
    return 0;
}

static int push(mrl_imageset_t *s, const uint8_t *rgb, int label, const char *name)
{
    int rc = reserve(s, 1);
    if (rc < 0)
        return rc;
    char *nm = strdup(name ? name : "");
    if (!nm)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    memcpy(s->rgb + s->n * MRL_IMG_BYTES, rgb, MRL_IMG_BYTES);
    s->labels[s->n] = (int8_t)label;
    s->names[s->n] = nm;
    s->n++;
    return 0;
}

int mrl_imageset_append(mrl_imageset_t *dst, const mrl_imageset_t *src, int label)
{
    int rc = reserve(dst, src->n);
    if (rc < 0)
        return rc;
    for (size_t k = 0; k < src->n; k++) {
        int lab = label >= 0 ? label : src->labels ? src->labels[k] : -1;
        char buf[32];
        const char *nm = src->names ? src->names[k] : buf;
        if (!src->names)
            snprintf(buf, sizeof buf, "img%zu", k + 1);
        if ((rc = push(dst, src->rgb + k * MRL_IMG_BYTES, lab, nm)) < 0)
            return rc;
    }
    return 0;
}

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
        rc = push(dst, items[k].hp.rgb, label, ids[k]);
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
