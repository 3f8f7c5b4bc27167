/*
 * mutagenesis.c - refolding saturation mutagenesis: every single substitution (and, as an
 * option, deletion and insertion) of a sequence is refolded exactly (RNAfold 2.1.3),
 * redrawn and re-scored through the pipeline in one batch with the reference, and
 * classified by how its fold changed (structdiff.c); per hairpin, the share of the total
 * |delta margin| carried by structure-changing mutants; over a set, the per-position
 * effects summed by outcome group with the aggregation of attributions (aggregate.c).
 * In-silico mutagenesis as in DeepSEA / Enformer, but through the fold the model sees.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "mutate.h"

void mrl_mut_opts_default(mrl_mut_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->kinds = MRL_EDIT_MASK(MRL_EDIT_SUB);
    o->threshold = (float)MRL_DEFAULT_THRESHOLD;
    o->params = NULL;
    o->fold_threads = 1;
}

int mrl_base_index(char c)
{
    switch (toupper((unsigned char)c)) {
    case 'A':
        return 0;
    case 'C':
        return 1;
    case 'G':
        return 2;
    case 'U':
    case 'T':
        return 3;
    default:
        return -1;
    }
}

/* The letters mutants are made of: ACGT when the input writes T (and no U), else ACGU. */
static const char *alphabet_of(const char *seq, size_t n)
{
    int t = 0, u = 0;
    for (size_t i = 0; i < n; i++)
        t |= seq[i] == 'T' || seq[i] == 't', u |= seq[i] == 'U' || seq[i] == 'u';
    return t && !u ? "ACGT" : "ACGU";
}

size_t mut_edits(const char *seq, size_t n, int kinds, mrl_edit_t *out)
{
    const char *abc = alphabet_of(seq, n);
    size_t k = 0;
    for (size_t p = 0; p <= n; p++) {
        int rb = p < n ? mrl_base_index(seq[p]) : -1;
        for (int b = 0; p < n && (kinds & MRL_EDIT_MASK(MRL_EDIT_SUB)) && b < 4; b++) {
            if (b == rb)
                continue;
            if (out)
                out[k] = (mrl_edit_t){MRL_EDIT_SUB, (int)p, seq[p], abc[b]};
            k++;
        }
        if (p < n && (kinds & MRL_EDIT_MASK(MRL_EDIT_DEL))) {
            if (out)
                out[k] = (mrl_edit_t){MRL_EDIT_DEL, (int)p, seq[p], '-'};
            k++;
        }
        for (int b = 0; (kinds & MRL_EDIT_MASK(MRL_EDIT_INS)) && b < 4; b++, k++)
            if (out)
                out[k] = (mrl_edit_t){MRL_EDIT_INS, (int)p, '-', abc[b]};
    }
    return k;
}

void mrl_mut_release(mrl_mut_t *r)
{
    if (!r)
        return;
    for (size_t k = 0; r->mut && k < r->n_mut; k++)
        free(r->mut[k].structure);
    free(r->mut), free(r->seq), free(r->structure), free(r->partner), free(r->context);
    free(r->pos_effect), free(r->sub_delta);
    memset(r, 0, sizeof *r);
}

/* The reference (item 0 of the batch) into r. */
static int take_reference(mrl_mut_t *r, const mrl_batch_t *b, const char *seq, size_t n)
{
    const mrl_fe_item_t *it = &b->items[0];
    if (it->rc != 0)
        return mrl_err_set(MRL_ERR_REFUSED, "the fold of the sequence has no hairpin loop");
    r->seq = malloc(n + 1), r->structure = malloc(n + 1);
    r->partner = malloc(n * sizeof *r->partner), r->context = malloc(n);
    r->pos_effect = calloc(n, sizeof *r->pos_effect);
    r->sub_delta = malloc(4 * n * sizeof *r->sub_delta);
    if (!r->seq || !r->structure || !r->partner || !r->context || !r->pos_effect || !r->sub_delta)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    memcpy(r->seq, seq, n), r->seq[n] = '\0';
    memcpy(r->structure, it->structure, n + 1);
    memcpy(r->partner, it->partner, n * sizeof *r->partner);
    memcpy(r->context, it->context, n);
    r->n = n, r->mfe = it->mfe, r->hp = it->hp;
    r->prob = b->prob[0], r->margin = b->margin[0];
    for (size_t p = 0; p < n; p++)
        for (int c = 0; c < 4; c++)
            r->sub_delta[4 * p + c] = c == mrl_base_index(seq[p]) ? 0.0f : NAN;
    return 0;
}

/* Mutant k (item k + 1 of the batch) into r->mut[k]: scores, structure, its change. */
static int take_mutant(mrl_mut_t *r, const mrl_batch_t *b, size_t k, float threshold)
{
    mrl_mutant_t *u = &r->mut[k];
    const mrl_fe_item_t *it = &b->items[k + 1];
    u->len = strlen(it->structure);
    if (!(u->structure = strdup(it->structure)))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    u->mfe = it->mfe;
    u->prob = b->prob[k + 1], u->margin = b->margin[k + 1];
    u->delta_prob = u->prob - r->prob, u->delta_margin = u->margin - r->margin;
    const int rl[2] = {r->hp.loop_open, r->hp.loop_close};
    const int ml[2] = {it->rc ? -1 : it->hp.loop_open, it->rc ? -1 : it->hp.loop_close};
    int rc = mrl_structdiff(r->structure, r->n, rl, u->structure, u->len, ml, &u->edit, &u->diff);
    if (rc)
        return rc;
    r->n_changed += u->diff.changed, r->n_undrawable += u->diff.undrawable;
    if (u->diff.undrawable)
        return 0;
    double a = fabs((double)u->delta_margin);
    r->n_scored++;
    r->n_flip += (u->prob >= threshold) != (r->prob >= threshold);
    r->effect_total += a;
    r->effect_changed += u->diff.changed ? a : 0;
    if (u->edit.kind == MRL_EDIT_SUB && mrl_base_index(u->edit.alt) >= 0)
        r->sub_delta[4 * u->edit.pos + mrl_base_index(u->edit.alt)] = u->delta_margin;
    return 0;
}

/* Per position: mean |delta margin| of its scored substitutions. */
static void position_effects(mrl_mut_t *r)
{
    for (size_t p = 0; p < r->n; p++) {
        double s = 0;
        int c = 0;
        for (int b = 0; b < 4; b++) {
            float v = r->sub_delta[4 * p + b];
            if (!isnan(v) && b != mrl_base_index(r->seq[p]))
                s += fabs((double)v), c++;
        }
        r->pos_effect[p] = c ? (float)(s / c) : 0.0f;
    }
    r->share_changed = r->effect_total > 0 ? r->effect_changed / r->effect_total : (double)NAN;
}

int mrl_mut_run(mrl_ensemble_t *e, const char *seq, size_t n, const mrl_mut_opts_t *o, mrl_mut_t *r)
{
    mrl_mut_opts_t d;
    if (!o)
        mrl_mut_opts_default(&d), o = &d;
    memset(r, 0, sizeof *r);
    if (!e || !seq || n == 0)
        return mrl_err_set(MRL_ERR_ARG, "mutagenesis: no sequence");
    if (!(o->kinds & 7))
        return mrl_err_set(MRL_ERR_ARG, "mutagenesis: no kind of edit chosen");
    size_t nm = mut_edits(seq, n, o->kinds, NULL), rows = nm + 1;
    char *block = malloc(rows * (n + 2));
    const char **seqs = malloc(rows * sizeof *seqs);
    size_t *lens = malloc(rows * sizeof *lens);
    r->mut = calloc(nm ? nm : 1, sizeof *r->mut);
    mrl_batch_t b;
    memset(&b, 0, sizeof b);
    int rc = block && seqs && lens && r->mut ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc) {
        mrl_edit_t *ed = malloc((nm ? nm : 1) * sizeof *ed);
        if (!ed) {
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        } else {
            mut_edits(seq, n, o->kinds, ed);
            memcpy(block, seq, n), block[n] = '\0';
            seqs[0] = block, lens[0] = n;
            for (size_t k = 0; k < nm; k++) {
                char *s = block + (k + 1) * (n + 2);
                r->mut[k].edit = ed[k];
                lens[k + 1] = mrl_edit_apply(seq, n, &ed[k], s);
                seqs[k + 1] = s;
            }
            r->n_mut = nm;
            free(ed);
        }
    }
    if (!rc) {
        mrl_fe_opts_t fe;
        mrl_fe_opts_default(&fe);
        fe.params = o->params, fe.threads = o->fold_threads;
        rc = mrl_pipeline_run(e, &fe, seqs, lens, rows, &b);
    }
    if (!rc)
        rc = take_reference(r, &b, seq, n);
    for (size_t k = 0; !rc && k < nm; k++)
        rc = take_mutant(r, &b, k, o->threshold);
    if (!rc)
        position_effects(r);
    mrl_batch_release(&b);
    free(block), free(seqs), free(lens);
    if (rc)
        mrl_mut_release(r);
    return rc;
}

/* ---- over a set ---- */

int mrl_mut_sum_init(mrl_mut_sum_t *s)
{
    memset(s, 0, sizeof *s);
    if (!(s->agg = calloc(1, sizeof *s->agg)))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    s->agg->rank_abs = 1; /* |effects|: a sensitivity, ranked by magnitude */
    return 0;
}

void mrl_mut_sum_release(mrl_mut_sum_t *s)
{
    for (int g = 0; g < MRL_NOUTCOMES; g++)
        free(s->cf_size[g]);
    free(s->agg);
    memset(s, 0, sizeof *s);
}

int mrl_mut_sum_add(mrl_mut_sum_t *s, int g, const mrl_mut_t *r, const int *duplex)
{
    if (!s || !s->agg || !r || !r->seq || g < 0 || g >= MRL_NOUTCOMES)
        return mrl_err_set(MRL_ERR_ARG, "mrl_mut_sum_add: bad arguments");
    s->effect_total[g] += r->effect_total, s->effect_changed[g] += r->effect_changed;
    s->agg->n_img[g]++; /* no pixel map: counted so the tables list the group */
    if (!isnan(r->share_changed))
        s->share_sum[g] += r->share_changed, s->n[g]++;
    return mrl_agg_add_seq(s->agg, g, r->seq, r->partner, r->context, r->n, &r->hp, r->pos_effect,
                           duplex);
}

int mrl_mut_sum_add_cf(mrl_mut_sum_t *s, int g, int size)
{
    if (!s || g < 0 || g >= MRL_NOUTCOMES || size < 0)
        return mrl_err_set(MRL_ERR_ARG, "mrl_mut_sum_add_cf: bad arguments");
    if (s->n_cf[g] == s->cap_cf[g]) {
        long cap = s->cap_cf[g] ? 2 * s->cap_cf[g] : 64;
        int *p = realloc(s->cf_size[g], (size_t)cap * sizeof *p);
        if (!p)
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        s->cf_size[g] = p, s->cap_cf[g] = cap;
    }
    s->cf_size[g][s->n_cf[g]++] = size;
    return 0;
}
