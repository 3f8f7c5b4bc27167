/*
 * motif_data.c - the hairpins motif discovery (seqlets.c) reads: each with its sequence,
 * its fold's pair table, its terminal loop's closing pair (that of the miRNA's hairpin when
 * the sequence is a longer window around it), its miRNA duplex and its per-nucleotide
 * attributions,
 * given directly (tests, other callers) or collected through the set pipeline
 * (mrl_motif_collect: records folded, drawn and scored by mrl_pipeline_run, explained on
 * the pipeline's images and logits, read out per nucleotide, the duplex placed from the
 * mature table as the set pass does), never by a second folder or scorer; the control's
 * attributions come from a copy of the network with every layer re-drawn (Adebayo et al.
 * 2018).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

#define CHUNK 32 /* records per pipeline run */
#define PLANE (MRL_IMG_H * MRL_IMG_W)
#define PX (3 * PLANE)

/* ---- the hairpins ------------------------------------------------------------------- */

void mrl_motif_data_init(mrl_motif_data_t *d)
{
    memset(d, 0, sizeof *d);
    d->method = -1;
}

void mrl_motif_data_release(mrl_motif_data_t *d)
{
    if (!d)
        return;
    for (size_t k = 0; k < d->n; k++)
        free(d->hp[k].id), free(d->hp[k].seq), free(d->hp[k].partner), free(d->hp[k].attr);
    free(d->hp);
    mrl_motif_data_init(d);
}

int mrl_motif_data_add(mrl_motif_data_t *d, const char *id, const char *seq, size_t n,
                       const int *partner, int loop_open, int loop_close, const int *duplex,
                       const float *attr)
{
    if (!d || !id || !seq || !attr || n == 0 || n > (1u << 30))
        return mrl_err_set(MRL_ERR_ARG, "motif data: bad arguments");
    if (loop_open < 0 || loop_open >= loop_close || (size_t)loop_close >= n)
        return mrl_err_set(MRL_ERR_ARG, "%s: loop closing pair (%d, %d) outside 0..%zu", id,
                           loop_open, loop_close, n - 1);
    int have = duplex && duplex[0] >= 0;
    if (have && !(duplex[0] <= duplex[1] && duplex[1] < duplex[2] && duplex[2] <= duplex[3] &&
                  (size_t)duplex[3] < n))
        return mrl_err_set(MRL_ERR_ARG, "%s: duplex %d-%d/%d-%d outside 0..%zu or crossing", id,
                           duplex[0], duplex[1], duplex[2], duplex[3], n - 1);
    if (partner && !mrl_pairtable_ok(partner, n, NULL))
        return mrl_err_set(MRL_ERR_ARG, "%s: pair table does not pair back", id);
    mrl_motif_hp_t *hp = mrl_grow(d->hp, &d->cap, d->n + 1, sizeof *hp, 64);
    if (!hp)
        return MRL_ERR_NOMEM;
    d->hp = hp;
    mrl_motif_hp_t *h = &d->hp[d->n];
    memset(h, 0, sizeof *h);
    h->id = strdup(id), h->seq = malloc(n + 1), h->attr = malloc(n * sizeof *h->attr);
    h->partner = partner ? malloc(n * sizeof *h->partner) : NULL;
    if (!h->id || !h->seq || !h->attr || (partner && !h->partner)) {
        free(h->id), free(h->seq), free(h->attr), free(h->partner);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    memcpy(h->seq, seq, n), h->seq[n] = '\0';
    memcpy(h->attr, attr, n * sizeof *attr);
    if (partner)
        memcpy(h->partner, partner, n * sizeof *partner);
    h->n = n, h->loop[0] = loop_open, h->loop[1] = loop_close, h->prob = NAN;
    for (int i = 0; i < 4; i++)
        h->duplex[i] = have ? duplex[i] : -1;
    if (have && partner && !(duplex[1] <= loop_open && loop_close <= duplex[2]))
        (void)mrl_det_terminal_loop(partner, duplex, h->loop);
    d->n++;
    return 0;
}

/* ---- collecting attributions through the pipeline ----------------------------------- */

void mrl_motif_collect_opts_default(mrl_motif_collect_opts_t *o)
{
    memset(o, 0, sizeof *o);
    mrl_explain_opts_default(&o->ex);
    mrl_nn_opts_default(&o->nn);
    o->label = 1, o->need_duplex = 1, o->fold_threads = 1;
}

typedef struct collect {
    mrl_motif_data_t *d;
    const mrl_explain_set_t *s;
    const mrl_motif_collect_opts_t *o;
    mrl_ensemble_t *e;
    mrl_batch_t b;
    float *maps, *map2d, *attr; /* (CHUNK,3,H,W), (H,W), (attr_cap) */
    size_t attr_cap;
} collect_t;

/* Records [k0, k1) taken by o: fold, draw, score, explain, read out the kept ones. */
static int collect_chunk(collect_t *c, const size_t *rec, size_t nr)
{
    const mrl_motif_collect_opts_t *o = c->o;
    const char *seq[CHUNK];
    size_t len[CHUNK];
    for (size_t i = 0; i < nr; i++)
        seq[i] = c->s->rec[rec[i]].seq, len[i] = c->s->rec[rec[i]].len;
    mrl_fe_opts_t fe;
    mrl_fe_opts_default(&fe);
    fe.threads = o->fold_threads;
    int rc = mrl_pipeline_run(c->e, &fe, seq, len, nr, &c->b);
    size_t nb = c->b.rows;
    if (!rc && nb) {
        mrl_explain_opts_t eo = o->ex;
        eo.logits = c->b.logit; /* the pipeline's scores of x: no second forward pass */
        rc = mrl_explain(mrl_ensemble_nn(c->e, 0), mrl_ensemble_model(c->e, 0), c->b.x, nb, &eo,
                         c->maps, NULL);
    }
    for (size_t b = 0; !rc && b < nb; b++) {
        size_t i = c->b.row[b];
        const mrl_explain_rec_t *r = &c->s->rec[rec[i]];
        const mrl_fe_item_t *fe_i = &c->b.items[i];
        int duplex[4];
        if (!mrl_explain_rec_duplex(o->mature, r, fe_i->partner, duplex) && o->need_duplex)
            continue;
        if (r->len > c->attr_cap) {
            free(c->attr);
            c->attr_cap = 2 * r->len;
            if (!(c->attr = malloc(c->attr_cap * sizeof *c->attr)))
                return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        }
        mrl_explain_channel_sum(c->maps + b * PX, 1, 3, MRL_IMG_H, MRL_IMG_W, c->map2d);
        mrl_explain_nucleotides(&fe_i->hp, c->map2d, r->len, c->attr, NULL);
        rc = mrl_motif_data_add(c->d, r->id, r->seq, r->len, fe_i->partner, fe_i->hp.loop_open,
                                fe_i->hp.loop_close, duplex, c->attr);
        if (!rc)
            c->d->hp[c->d->n - 1].prob = c->b.prob[i];
    }
    return rc;
}

/* A copy of the model of e with every parameter layer re-drawn, and its scorer. */
static int randomized_scorer(const mrl_motif_collect_opts_t *o, mrl_ensemble_t *e, mrl_model_t **rm,
                             mrl_ensemble_t **re)
{
    int rc = mrl_model_clone(rm, mrl_ensemble_model(e, 0));
    rc = rc ? rc : mrl_model_randomize_all(*rm, o->ex.seed);
    return rc ? rc : mrl_ensemble_new(re, rm, 1, &o->nn);
}

int mrl_motif_collect(mrl_motif_data_t *d, const mrl_explain_set_t *s, mrl_ensemble_t *e,
                      const mrl_motif_collect_opts_t *o)
{
    mrl_motif_collect_opts_t def;
    if (!o) {
        mrl_motif_collect_opts_default(&def);
        o = &def;
    }
    if (!d || !s || !e || mrl_ensemble_size(e) != 1)
        return mrl_err_set(MRL_ERR_ARG, "motif collection needs a scorer of one model");
    if (s->n == 0 || !s->rec[0].seq)
        return mrl_err_set(MRL_ERR_ARG, "motif collection needs sequences (FASTA records)");
    if (o->label < -1 || o->label > 1 || !mrl_explain_method_name(o->ex.method))
        return mrl_err_set(MRL_ERR_ARG, "motif collection: bad options");
    collect_t c = {.d = d, .s = s, .o = o, .e = e};
    mrl_model_t *rm = NULL;
    mrl_ensemble_t *re = NULL;
    int rc = o->randomized ? randomized_scorer(o, e, &rm, &re) : 0;
    if (re)
        c.e = re;
    c.b.keep_x = 1;
    c.maps = malloc((size_t)CHUNK * PX * sizeof(float));
    c.map2d = malloc(PLANE * sizeof(float));
    if (!rc && (!c.maps || !c.map2d))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    d->method = o->ex.method;
    size_t rec[CHUNK], nr = 0;
    for (size_t k = 0; !rc && k <= s->n; k++) {
        if (k < s->n && (o->label < 0 || s->rec[k].label == o->label))
            rec[nr++] = k;
        if (nr == CHUNK || (k == s->n && nr)) {
            rc = collect_chunk(&c, rec, nr);
            nr = 0;
            if (o->progress)
                o->progress(o->progress_ctx, (long)MRL_MIN(k + 1, s->n), (long)s->n);
        }
    }
    mrl_batch_release(&c.b);
    free(c.maps), free(c.map2d), free(c.attr);
    mrl_ensemble_free(re), mrl_model_free(rm);
    return rc;
}
