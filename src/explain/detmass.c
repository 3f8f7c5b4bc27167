/*
 * detmass.c - "biology by number": how much of each faithful method's attribution falls on
 * each known determinant of pre-miRNA processing (determinants.c), against what the mask's
 * size and structural context lead one to expect, for the model, the same network with
 * every layer re-drawn and an optional control network, with bootstrap intervals.
 *
 * The caveat it answers (docs/FINDINGS.md): |IG| maps of the trained and of a fully
 * randomised network rank-correlate at ~0.99 on these images, so a magnitude share may
 * follow the image's ink; only the model's enrichment minus the random network's is read
 * as the model's. Expectation: the mask's drawn positions moved to random drawn positions
 * of the same context (stem, bulge, interior loop, terminal loop, ...), averaged over all
 * such placements, which is exact: sum over contexts of (mask nt in c) x (mean |attr| of
 * drawn nt in c). Bootstrap: Efron & Tibshirani 1993, percentile intervals, hairpins
 * resampled, the same resample for every network (paired).
 * Mutagenesis (opts.mutagenesis): the same masses with each position's mean |delta margin|
 * over its refolded substitutions (mutagenesis.c, as in DeepSEA / Enformer in-silico
 * mutagenesis) in place of |attribution|, per network: the sequence, not the image, moves.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

#define CHUNK 32
#define PLANE (MRL_IMG_H * MRL_IMG_W)
#define PX (3 * PLANE)
#define NV 4 /* per hairpin x determinant x method x network: observed, expected, share, signed */
#define NCTX 8
#define NRAW 3 /* mutagenesis per hairpin x determinant x network: mask, context, all means */

void mrl_detmass_opts_default(mrl_detmass_opts_t *o)
{
    memset(o, 0, sizeof *o);
    mrl_explain_opts_default(&o->ex);
    mrl_nn_opts_default(&o->nn);
    o->random_net = 1;
    o->n_boot = 1000;
    o->seed = 1;
    o->min_n = 10;
    o->fold_threads = 1;
    o->mutagenesis = 0;
}

/* ---- the networks ------------------------------------------------------------------- */

typedef struct nets {
    mrl_nn_t *nn[MRL_DETNETS];
    const mrl_model_t *m[MRL_DETNETS];
    mrl_model_t *rm;                                         /* the randomised clone (owned) */
    mrl_nn_t *own[MRL_DETNETS];                              /* contexts made here (owned) */
    mrl_ensemble_t *ens[MRL_DETNETS], *own_ens[MRL_DETNETS]; /* scorers for mutagenesis */
} nets_t;

static int nets_open(nets_t *t, mrl_ensemble_t *e, const mrl_detmass_opts_t *o)
{
    memset(t, 0, sizeof *t);
    t->nn[0] = mrl_ensemble_nn(e, 0), t->m[0] = mrl_ensemble_model(e, 0);
    int rc = 0;
    if (o->random_net) { /* the cascade's last step: every parameter layer re-drawn */
        if (!(rc = mrl_model_clone(&t->rm, t->m[0])))
            rc = mrl_model_randomize_all(t->rm, o->ex.seed);
        if (!rc && !(rc = mrl_nn_new(&t->own[1], t->rm, &o->nn)))
            t->nn[1] = t->own[1], t->m[1] = t->rm;
    }
    if (!rc && o->control) {
        if (!(rc = mrl_model_check_hairpin(o->control)) &&
            !(rc = mrl_nn_new(&t->own[2], o->control, &o->nn)))
            t->nn[2] = t->own[2], t->m[2] = o->control;
    }
    t->ens[0] = e;
    for (int q = 1; !rc && o->mutagenesis && q < MRL_DETNETS; q++) { /* mrl_mut_run scores */
        mrl_model_t *mq = (mrl_model_t *)t->m[q]; /* borrowed by the scorer, not changed */
        if (mq && !(rc = mrl_ensemble_new(&t->own_ens[q], &mq, 1, &o->nn)))
            t->ens[q] = t->own_ens[q];
    }
    return rc;
}

static void nets_close(nets_t *t)
{
    for (int q = 0; q < MRL_DETNETS; q++)
        mrl_ensemble_free(t->own_ens[q]), mrl_nn_free(t->own[q]);
    mrl_model_free(t->rm);
}

/* ---- the pass ------------------------------------------------------------------------- */

typedef struct pass {
    const mrl_explain_set_t *s;
    const mrl_detmass_opts_t *o;
    mrl_detmass_t *r;
    nets_t nets;
    mrl_ensemble_t *e;
    int M;               /* methods, mutagenesis included (its index M - 1) */
    int M_img;           /* the image methods among them */
    size_t H;            /* hairpins selected (upper bound of used) */
    double *val;         /* (H, MRL_NDET, M, MRL_DETNETS, NV) per hairpin; NaN: not used */
    uint8_t *vis, *pres; /* (H, MRL_NDET) */
    double *margin;      /* (H) the model's logit margin */
    size_t used;         /* hairpins filled */
    mrl_batch_t b;
    float *xs, *ls, *maps, *map2d, *attr; /* chunk rows, logits, maps, one plane, one attr */
    int *npx;
    uint8_t *masks; /* (CHUNK, MRL_NDET, maxlen) */
    size_t maxlen;
    int dup[CHUNK][4];
    size_t item[CHUNK];   /* selected row -> item index in the chunk */
    size_t rec[CHUNK];    /* selected row -> record index in the set */
    float *eff, *eff_sgn; /* (maxlen) mutagenesis: mean |delta margin|, mean delta margin */
    int *scored;          /* (maxlen) 1: the position has a scored substitution */
} pass_t;

static double *val_at(const pass_t *p, size_t h, int d, int j, int q)
{
    return p->val +
           ((((h * MRL_NDET + (size_t)d) * (size_t)p->M + (size_t)j) * MRL_DETNETS) + (size_t)q) *
               NV;
}

/* Observed, expected, share, signed of one mask on one map's nucleotides (NaN: nothing
 * drawn in the mask, or a map without attribution); sgn: the signed values (NULL: attr).
 * raw (NULL: not wanted): the mask's mean |value|, its context-matched expectation and the
 * mean over all counted positions. */
int mrl_detmass_mask(const float *attr, const float *sgn, const int *npx, const uint8_t *ctx,
                     const uint8_t *mask, size_t n, double out[NV], double raw[NRAW])
{
    if (!sgn)
        sgn = attr;
    double tot = 0, ctx_sum[NCTX] = {0}, m_abs = 0, m_sgn = 0;
    long ctx_n[NCTX] = {0}, mask_ctx[NCTX] = {0}, drawn = 0, in_mask = 0;
    for (size_t p = 0; p < n; p++) {
        if (npx[p] <= 0)
            continue;
        double a = fabs((double)attr[p]);
        int c = ctx[p] < NCTX ? ctx[p] : NCTX - 1;
        tot += a, ctx_sum[c] += a, ctx_n[c]++, drawn++;
        if (mask[p])
            m_abs += a, m_sgn += (double)sgn[p], mask_ctx[c]++, in_mask++;
    }
    for (int k = 0; k < NV; k++)
        out[k] = (double)NAN;
    for (int k = 0; raw && k < NRAW; k++)
        raw[k] = (double)NAN;
    if (!in_mask || !(tot > 0))
        return 0;
    double e = 0;
    for (int c = 0; c < NCTX; c++)
        if (mask_ctx[c])
            e += (double)mask_ctx[c] * ctx_sum[c] / (double)ctx_n[c];
    out[0] = m_abs / tot, out[1] = e / tot, out[2] = (double)in_mask / (double)drawn;
    out[3] = m_sgn / tot;
    if (raw)
        raw[0] = m_abs / (double)in_mask, raw[1] = e / (double)in_mask,
        raw[2] = tot / (double)drawn;
    return 1;
}

static void mass_of(const float *attr, const float *sgn, const int *npx, const uint8_t *ctx,
                    const uint8_t *mask, size_t n, double out[NV], double *raw)
{
    (void)mrl_detmass_mask(attr, sgn, npx, ctx, mask, n, out, raw);
}

/* Explain the chunk's ns selected rows with method j on network q and take the masses. */
static int chunk_method(pass_t *p, size_t ns, int j, int q)
{
    const mrl_detmass_opts_t *o = p->o;
    mrl_explain_opts_t eo = o->ex;
    eo.method = p->r->methods[j];
    eo.logits = q == MRL_DETNET_MODEL ? p->ls : NULL; /* others: their own scores */
    int rc = mrl_explain(p->nets.nn[q], p->nets.m[q], p->xs, ns, &eo, p->maps, NULL);
    for (size_t k = 0; !rc && k < ns; k++) {
        const mrl_fe_item_t *fe = &p->b.items[p->item[k]];
        size_t n = strlen(fe->structure);
        mrl_explain_channel_sum(p->maps + k * PX, 1, 3, MRL_IMG_H, MRL_IMG_W, p->map2d);
        mrl_explain_nucleotides(&fe->hp, p->map2d, n, p->attr, p->npx);
        for (int d = 0; d < MRL_NDET; d++) {
            size_t h = p->used + k;
            if (!p->pres[h * MRL_NDET + (size_t)d])
                continue;
            mass_of(p->attr, NULL, p->npx, fe->context,
                    p->masks + (k * MRL_NDET + (size_t)d) * p->maxlen, n, val_at(p, h, d, j, q),
                    NULL);
        }
    }
    return rc;
}

/* Per position of mr: mean |delta margin| and mean delta margin of its scored
 * substitutions (NAN-free; scored[p] = 0 where none was scored). */
static void mut_effects(const mrl_mut_t *mr, float *eff, float *sgn, int *scored)
{
    for (size_t p = 0; p < mr->n; p++) {
        double s = 0;
        int c = 0;
        for (int b = 0; b < 4; b++) {
            float v = mr->sub_delta[4 * p + (size_t)b];
            if (!isnan(v) && b != mrl_base_index(mr->seq[p]))
                s += (double)v, c++;
        }
        scored[p] = c, eff[p] = mr->pos_effect[p], sgn[p] = c ? (float)(s / c) : 0.0f;
    }
}

/* Mutagenesis of the chunk's ns selected rows on network q: the masses of each determinant
 * in its mean |delta margin| per position (method index M - 1). */
static int chunk_mut(pass_t *p, size_t ns, int q)
{
    mrl_mut_opts_t mo;
    mrl_mut_opts_default(&mo);
    mo.fold_threads = p->o->fold_threads;
    int rc = 0;
    for (size_t k = 0; !rc && k < ns; k++) {
        const mrl_fe_item_t *fe = &p->b.items[p->item[k]];
        const mrl_explain_rec_t *rec = &p->s->rec[p->rec[k]];
        size_t n = strlen(fe->structure), h = p->used + k;
        mrl_mut_t mr;
        if ((rc = mrl_mut_run(p->nets.ens[q], rec->seq, rec->len, &mo, &mr)))
            break;
        MRL_ASSERT(mr.n == n && !strcmp(mr.structure, fe->structure));
        mut_effects(&mr, p->eff, p->eff_sgn, p->scored);
        for (int d = 0; d < MRL_NDET; d++)
            if (p->pres[h * MRL_NDET + (size_t)d])
                mass_of(p->eff, p->eff_sgn, p->scored, fe->context,
                        p->masks + (k * MRL_NDET + (size_t)d) * p->maxlen, n,
                        val_at(p, h, d, p->M - 1, q),
                        p->r->mut_mean +
                            ((h * MRL_NDET + (size_t)d) * MRL_DETNETS + (size_t)q) * NRAW);
        mrl_mut_release(&mr);
    }
    return rc;
}

/* Locate every determinant on the chunk's selected row k (hairpin h). */
static int chunk_locate(pass_t *p, size_t k, size_t h, const char *seq)
{
    const mrl_fe_item_t *fe = &p->b.items[p->item[k]];
    size_t n = strlen(fe->structure);
    for (int d = 0; d < MRL_NDET; d++) {
        mrl_det_hit_t hit;
        int rc = mrl_det_eval(d, seq, fe->partner, n, p->dup[k],
                              p->masks + (k * MRL_NDET + (size_t)d) * p->maxlen, &hit);
        if (rc)
            return rc;
        p->vis[h * MRL_NDET + (size_t)d] = (uint8_t)hit.visible;
        p->pres[h * MRL_NDET + (size_t)d] = (uint8_t)hit.present;
    }
    return 0;
}

/* Fold, draw and score the selected records sel[0..n), keep the rows with a duplex. */
static int run_chunk(pass_t *p, const size_t *sel, size_t n)
{
    const mrl_explain_set_t *s = p->s;
    const char *seq[CHUNK];
    size_t len[CHUNK];
    for (size_t k = 0; k < n; k++)
        seq[k] = s->rec[sel[k]].seq, len[k] = s->rec[sel[k]].len;
    mrl_fe_opts_t fo;
    mrl_fe_opts_default(&fo);
    fo.threads = p->o->fold_threads;
    int rc = mrl_pipeline_run(p->e, &fo, seq, len, n, &p->b);
    size_t ns = 0;
    for (size_t b = 0; !rc && b < p->b.rows; b++) {
        size_t i = p->b.row[b];
        const mrl_fe_item_t *fe = &p->b.items[i];
        if (!mrl_explain_rec_duplex(p->o->mature, &s->rec[sel[i]], fe->partner, p->dup[ns]))
            continue;
        memcpy(p->xs + ns * PX, p->b.x + b * PX, PX * sizeof(float));
        memcpy(p->ls + 2 * ns, p->b.logit + 2 * b, 2 * sizeof(float));
        p->margin[p->used + ns] = (double)p->b.logit[2 * b + 1] - (double)p->b.logit[2 * b];
        p->item[ns] = i, p->rec[ns] = sel[i];
        p->r->rec[p->used + ns] = (long)sel[i];
        rc = chunk_locate(p, ns, p->used + ns, s->rec[sel[i]].seq);
        ns++;
    }
    for (size_t k = 0; !rc && k < n; k++)
        p->r->n_refused += p->b.items[k].rc != 0;
    for (int j = 0; !rc && ns && j < p->M_img; j++)
        for (int q = 0; !rc && q < MRL_DETNETS; q++)
            if (p->nets.nn[q])
                rc = chunk_method(p, ns, j, q);
    for (int q = 0; !rc && ns && p->M > p->M_img && q < MRL_DETNETS; q++)
        if (p->nets.ens[q])
            rc = chunk_mut(p, ns, q);
    p->used += ns;
    return rc;
}

/* ---- statistics ----------------------------------------------------------------------- */

/* Enrichment of network q over hairpins idx[0..m) (with multiplicity) on expectation k. */
static double ratio(const pass_t *p, const size_t *idx, size_t m, int d, int j, int q, int k)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < m; i++) {
        const double *v = val_at(p, idx[i], d, j, q);
        num += v[0], den += v[1 + k];
    }
    return den > 0 ? num / den : (double)NAN;
}

/* Hairpins where d was measured by method j on every network run. */
static size_t measured(const pass_t *p, int d, int j, size_t *idx)
{
    size_t m = 0;
    for (size_t h = 0; h < p->used; h++) {
        int ok = 1;
        for (int q = 0; q < MRL_DETNETS; q++)
            ok = ok && (!p->r->have[q] || isfinite(val_at(p, h, d, j, q)[0]));
        if (ok)
            idx[m++] = h;
    }
    return m;
}

/* Means and bootstrap intervals of determinant d, method j. bv: (NB, B) scratch, one row per
 * network and expectation plus the differences model - random and model - control. */
#define NB (MRL_DETNETS * MRL_DETEXPS + 2 * MRL_DETEXPS)
static double *brow(double *bv, int row, int B)
{
    return bv + (size_t)row * (size_t)B;
}

static void stats_dj(pass_t *p, int d, int j, size_t *idx, size_t *bs, double *bv)
{
    mrl_detmass_t *r = p->r;
    size_t m = measured(p, d, j, idx);
    mrl_rng_t rng;
    mrl_rng_init(&rng, p->o->seed, (uint64_t)(d * MRL_EXPLAIN_NMETHODS + j));
    int B = p->o->n_boot;
    for (int b = 0; b < B; b++) {
        for (size_t i = 0; i < m; i++)
            bs[i] = idx[mrl_rng_below(&rng, (uint32_t)m)];
        for (int q = 0; q < MRL_DETNETS; q++)
            for (int k = 0; k < MRL_DETEXPS; k++)
                brow(bv, q * MRL_DETEXPS + k, B)[b] =
                    r->have[q] && m ? ratio(p, bs, m, d, j, q, k) : (double)NAN;
        for (int k = 0; k < MRL_DETEXPS; k++) {
            brow(bv, MRL_DETNETS * MRL_DETEXPS + k, B)[b] =
                brow(bv, k, B)[b] - brow(bv, MRL_DETNET_RANDOM * MRL_DETEXPS + k, B)[b];
            brow(bv, (MRL_DETNETS + 1) * MRL_DETEXPS + k, B)[b] =
                brow(bv, k, B)[b] - brow(bv, MRL_DETNET_CONTROL * MRL_DETEXPS + k, B)[b];
        }
    }
    mrl_detmass_stat_t *s0 = &r->stat[((size_t)d * (size_t)p->M + (size_t)j) * MRL_DETNETS];
    for (int q = 0; q < MRL_DETNETS; q++) {
        mrl_detmass_stat_t *st = s0 + q;
        double sum[NV] = {0};
        for (size_t i = 0; i < m; i++)
            for (int k = 0; k < NV; k++)
                sum[k] += val_at(p, idx[i], d, j, q)[k];
        int have = r->have[q] && m;
        double inv = have ? 1.0 / (double)m : (double)NAN;
        st->n = have ? (long)m : 0;
        st->observed = sum[0] * inv, st->expected = sum[1] * inv;
        st->share = sum[2] * inv, st->observed_signed = sum[3] * inv;
        for (int k = 0; k < MRL_DETEXPS; k++) {
            st->enrich[k] = have && sum[1 + k] > 0 ? sum[0] / sum[1 + k] : (double)NAN;
            st->lo[k] = st->hi[k] = st->diff[k] = st->diff_lo[k] = st->diff_hi[k] = (double)NAN;
            st->cdiff[k] = st->cdiff_lo[k] = st->cdiff_hi[k] = (double)NAN;
            if (have)
                mrl_percentile95(brow(bv, q * MRL_DETEXPS + k, B), B, &st->lo[k], &st->hi[k]);
        }
    }
    for (int k = 0; m && r->have[MRL_DETNET_RANDOM] && k < MRL_DETEXPS; k++) {
        s0->diff[k] = s0->enrich[k] - s0[MRL_DETNET_RANDOM].enrich[k];
        mrl_percentile95(brow(bv, MRL_DETNETS * MRL_DETEXPS + k, B), B, &s0->diff_lo[k], &s0->diff_hi[k]);
    }
    for (int k = 0; m && r->have[MRL_DETNET_CONTROL] && k < MRL_DETEXPS; k++) {
        s0->cdiff[k] = s0->enrich[k] - s0[MRL_DETNET_CONTROL].enrich[k];
        mrl_percentile95(brow(bv, (MRL_DETNETS + 1) * MRL_DETEXPS + k, B), B, &s0->cdiff_lo[k],
                 &s0->cdiff_hi[k]);
    }
}

/* The model's margin with and without d (visible hairpins), bootstrap of the difference. */
static void margin_stats(pass_t *p, int d, size_t *idx, double *bv)
{
    mrl_detmass_t *r = p->r;
    size_t nw = 0, no = 0, H = p->used;
    double sw = 0, so = 0;
    for (size_t h = 0; h < H; h++) {
        if (!p->vis[h * MRL_NDET + (size_t)d])
            continue;
        if (p->pres[h * MRL_NDET + (size_t)d])
            idx[nw++] = h, sw += p->margin[h];
        else
            idx[H + no++] = h, so += p->margin[h];
    }
    r->margin_with[d] = nw ? sw / (double)nw : (double)NAN;
    r->margin_without[d] = no ? so / (double)no : (double)NAN;
    r->margin_diff[d] = r->margin_with[d] - r->margin_without[d];
    r->margin_lo[d] = r->margin_hi[d] = (double)NAN;
    if (!nw || !no)
        return;
    mrl_rng_t rng;
    mrl_rng_init(&rng, p->o->seed, (uint64_t)(1000000 + d));
    for (int b = 0; b < p->o->n_boot; b++) {
        double a = 0, c = 0;
        for (size_t i = 0; i < nw; i++)
            a += p->margin[idx[mrl_rng_below(&rng, (uint32_t)nw)]];
        for (size_t i = 0; i < no; i++)
            c += p->margin[idx[H + mrl_rng_below(&rng, (uint32_t)no)]];
        bv[b] = a / (double)nw - c / (double)no;
    }
    mrl_percentile95(bv, p->o->n_boot, &r->margin_lo[d], &r->margin_hi[d]);
}

static int finish(pass_t *p)
{
    mrl_detmass_t *r = p->r;
    size_t H = p->used ? p->used : 1;
    size_t *idx = malloc(2 * H * sizeof *idx), *bs = malloc(H * sizeof *bs);
    double *bv = malloc(NB * (size_t)p->o->n_boot * sizeof *bv);
    if (!idx || !bs || !bv) {
        free(idx), free(bs), free(bv);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    for (int d = 0; d < MRL_NDET; d++) {
        for (size_t h = 0; h < p->used; h++) {
            r->n_visible[d] += p->vis[h * MRL_NDET + (size_t)d];
            r->n_present[d] += p->pres[h * MRL_NDET + (size_t)d];
        }
        for (int j = 0; j < p->M; j++)
            stats_dj(p, d, j, idx, bs, bv);
        margin_stats(p, d, idx, bv);
    }
    free(idx), free(bs), free(bv);
    return 0;
}

/* ---- the front door ------------------------------------------------------------------- */

static int check_opts(const mrl_explain_set_t *s, mrl_ensemble_t *e, const mrl_detmass_opts_t *o,
                      mrl_detmass_t *r)
{
    int M = o->methods ? o->n_methods : 1;
    if (!e || mrl_ensemble_size(e) != 1)
        return mrl_err_set(MRL_ERR_ARG, "determinants: needs a scorer of one model");
    if (!o->mature)
        return mrl_err_set(MRL_ERR_ARG, "determinants: needs a mature table (--mature)");
    if (M < 1 || M > MRL_EXPLAIN_NMETHODS || o->n_boot < 1 || o->min_n < 1 || o->max_n < 0)
        return mrl_err_set(MRL_ERR_ARG, "determinants: bad options");
    if (s->n == 0 || s->rec[0].seq == NULL)
        return mrl_err_set(MRL_ERR_ARG, "determinants: needs FASTA records (sequences)");
    r->n_methods = M;
    for (int j = 0; j < M; j++) {
        r->methods[j] = o->methods ? o->methods[j] : o->ex.method;
        if (!mrl_explain_method_name(r->methods[j]))
            return mrl_err_set(MRL_ERR_ARG, "unknown attribution method %d", r->methods[j]);
    }
    if (o->mutagenesis)
        r->methods[r->n_methods++] = MRL_DETMASS_MUTAGENESIS;
    return 0;
}

/* The records to explain: positives whose mature positions fit, max_n evenly spaced. */
static size_t *select_records(const mrl_explain_set_t *s, const mrl_detmass_opts_t *o,
                              mrl_detmass_t *r, size_t *n_sel, size_t *maxlen)
{
    size_t *sel = malloc((s->n ? s->n : 1) * sizeof *sel), m = 0;
    int dummy[4];
    if (!sel)
        return NULL;
    for (size_t k = 0; k < s->n; k++) {
        r->n_positive += s->rec[k].label == 1;
        if (s->rec[k].label == 1 && mrl_explain_rec_duplex(o->mature, &s->rec[k], NULL, dummy))
            sel[m++] = k;
    }
    size_t want = o->max_n ? MRL_MIN((size_t)o->max_n, m) : m, out = 0;
    for (size_t i = 0; i < m; i++)
        if ((i * want) / m != ((i + 1) * want) / m) {
            sel[out++] = sel[i];
            *maxlen = MRL_MAX(*maxlen, s->rec[sel[i]].len);
        }
    *n_sel = out;
    return sel;
}

static int pass_alloc(pass_t *p, size_t H)
{
    size_t D = MRL_NDET, V = H * D * (size_t)p->M * MRL_DETNETS * NV;
    p->H = H;
    p->val = malloc((V ? V : 1) * sizeof *p->val);
    p->vis = calloc(H * D + 1, 1), p->pres = calloc(H * D + 1, 1);
    p->margin = malloc((H + 1) * sizeof *p->margin);
    p->xs = malloc(CHUNK * PX * sizeof *p->xs), p->ls = malloc(2 * CHUNK * sizeof *p->ls);
    p->maps = malloc(CHUNK * PX * sizeof *p->maps), p->map2d = malloc(PLANE * sizeof *p->map2d);
    p->attr = malloc((p->maxlen + 1) * sizeof *p->attr);
    p->npx = malloc((p->maxlen + 1) * sizeof *p->npx);
    p->masks = malloc(CHUNK * D * (p->maxlen + 1));
    p->r->stat = calloc(D * (size_t)p->M * MRL_DETNETS, sizeof *p->r->stat);
    p->r->rec = malloc((H + 1) * sizeof *p->r->rec);
    p->eff = malloc((p->maxlen + 1) * sizeof *p->eff);
    p->eff_sgn = malloc((p->maxlen + 1) * sizeof *p->eff_sgn);
    p->scored = malloc((p->maxlen + 1) * sizeof *p->scored);
    size_t R = p->o->mutagenesis ? H * D * MRL_DETNETS * NRAW : 0;
    if (R && !(p->r->mut_mean = malloc(R * sizeof *p->r->mut_mean)))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!p->val || !p->vis || !p->pres || !p->margin || !p->xs || !p->ls || !p->maps || !p->map2d ||
        !p->attr || !p->npx || !p->masks || !p->r->stat || !p->r->rec || !p->eff || !p->eff_sgn ||
        !p->scored)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < V; k++)
        p->val[k] = (double)NAN;
    for (size_t k = 0; k < R; k++)
        p->r->mut_mean[k] = (double)NAN;
    return 0;
}

static void pass_free(pass_t *p)
{
    free(p->val), free(p->vis), free(p->pres), free(p->margin), free(p->xs), free(p->ls);
    free(p->maps), free(p->map2d), free(p->attr), free(p->npx), free(p->masks);
    free(p->eff), free(p->eff_sgn), free(p->scored);
    mrl_batch_release(&p->b);
    nets_close(&p->nets);
}

int mrl_detmass_run(const mrl_explain_set_t *s, mrl_ensemble_t *e, const mrl_detmass_opts_t *o,
                    mrl_detmass_t *r)
{
    mrl_detmass_opts_t d0;
    if (!o) {
        mrl_detmass_opts_default(&d0);
        o = &d0;
    }
    memset(r, 0, sizeof *r);
    if (!s)
        return mrl_err_set(MRL_ERR_ARG, "determinants: no set");
    int rc = check_opts(s, e, o, r);
    if (rc)
        return rc;
    double t0 = mrl_seconds();
    pass_t p = {.s = s,
                .o = o,
                .r = r,
                .e = e,
                .M = r->n_methods,
                .M_img = r->n_methods - (o->mutagenesis != 0)};
    size_t n_sel = 0;
    size_t *sel = select_records(s, o, r, &n_sel, &p.maxlen);
    r->n_records = (long)s->n, r->min_n = o->min_n;
    p.b.keep_x = 1;
    if (!sel)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (n_sel == 0) {
        free(sel);
        return mrl_err_set(MRL_ERR_REFUSED, "determinants: no positive record has mature "
                                            "positions in the table (by id, MI accession "
                                            "and length)");
    }
    rc = pass_alloc(&p, n_sel);
    if (!rc && !(rc = nets_open(&p.nets, e, o)))
        for (int q = 0; q < MRL_DETNETS; q++)
            r->have[q] = p.nets.nn[q] != NULL;
    for (size_t k0 = 0; !rc && k0 < n_sel; k0 += CHUNK) {
        size_t k1 = MRL_MIN(k0 + CHUNK, n_sel);
        rc = run_chunk(&p, sel + k0, k1 - k0);
        if (o->progress)
            o->progress(o->progress_ctx, (long)k1, (long)n_sel);
    }
    r->n_duplex = r->n_used = (long)p.used;
    if (!rc && p.used == 0)
        rc = mrl_err_set(MRL_ERR_REFUSED, "determinants: no duplex could be placed on any "
                                          "positive's fold");
    if (!rc)
        rc = finish(&p);
    r->seconds = mrl_seconds() - t0;
    pass_free(&p);
    free(sel);
    if (rc)
        mrl_detmass_release(r);
    return rc;
}

void mrl_detmass_release(mrl_detmass_t *r)
{
    if (!r)
        return;
    free(r->stat), free(r->rec), free(r->mut_mean);
    memset(r, 0, sizeof *r);
}

const mrl_detmass_stat_t *mrl_detmass_get(const mrl_detmass_t *r, int d, int j, int q)
{
    if (!r || !r->stat || d < 0 || d >= MRL_NDET || j < 0 || j >= r->n_methods || q < 0 ||
        q >= MRL_DETNETS || !r->have[q])
        return NULL;
    return &r->stat[((size_t)d * (size_t)r->n_methods + (size_t)j) * MRL_DETNETS + (size_t)q];
}

int mrl_detmass_expectation(int d)
{
    switch (d) {
    case MRL_DET_LOWER_STEM:
    case MRL_DET_UPPER_STEM:
    case MRL_DET_STEM_LENGTH:
    case MRL_DET_LOOP_SIZE:
    case MRL_DET_DICER_5P:
        return MRL_DETEXP_SHARE;
    default:
        return d >= 0 && d < MRL_NDET ? MRL_DETEXP_CONTEXT : -1;
    }
}

const char *mrl_detexp_name(int k)
{
    return k == MRL_DETEXP_CONTEXT ? "context" : k == MRL_DETEXP_SHARE ? "share" : NULL;
}

int mrl_detmass_verdict(const mrl_detmass_t *r, int d, int j)
{
    const mrl_detmass_stat_t *st = mrl_detmass_get(r, d, j, MRL_DETNET_MODEL);
    if (!st || r->n_visible[d] < r->min_n)
        return -1;
    if (st->n < r->min_n)
        return -2;
    int k = mrl_detmass_expectation(d);
    int found = st->lo[k] > 1;
    if (r->have[MRL_DETNET_RANDOM])
        found = found && st->diff_lo[k] > 0;
    return found;
}

const char *mrl_detmass_method_name(int id)
{
    return id == MRL_DETMASS_MUTAGENESIS ? "mutagenesis" : mrl_explain_method_name(id);
}

const char *mrl_detmass_verdict_name(int v)
{
    switch (v) {
    case 1:
        return "found";
    case 0:
        return "not found";
    case -1:
        return "cannot be seen by this input";
    case -2:
        return "too rare to test";
    default:
        return "?";
    }
}
