/*
 * counterfactual.c - the fewest sequence edits that flip the network's call: a beam search
 * over refolded mutants (Wachter et al. 2017's counterfactual question, asked of the
 * sequence through its fold). Each depth expands every kept state by every allowed single
 * edit, folds, draws and scores all children in one pipeline run, and keeps the best
 * distinct sequences; the first depth with a flipped call gives the solutions, each with
 * its path of sequences, structures and scores.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "mutate.h"

void mrl_cf_opts_default(mrl_cf_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->budget = 3;
    o->kinds = MRL_EDIT_MASK(MRL_EDIT_SUB);
    o->beam = 6;
    o->solutions = 3;
    o->protect = NULL;
    o->threshold = (float)MRL_DEFAULT_THRESHOLD;
    o->params = NULL;
    o->fold_threads = 1;
}

/* A state of the search: its path and, per position of its sequence, the input position
 * it came from (-1: inserted). */
typedef struct state {
    mrl_cf_path_t path;
    int *orig;
} state_t;

/* A child: state s edited by e; key = the score to minimise; flip: its call flipped. */
typedef struct child {
    float key;
    int flip, state, idx;
    mrl_edit_t e;
} child_t;

typedef struct search {
    mrl_ensemble_t *ens;
    const mrl_cf_opts_t *o;
    mrl_fe_opts_t fe;
    size_t n; /* input length */
    int called;
    mrl_batch_t b;
} search_t;

static void path_release(mrl_cf_path_t *p)
{
    for (int k = 0; k <= p->n_edits; k++)
        free(p->step[k].seq), free(p->step[k].structure);
    memset(p, 0, sizeof *p);
}

static void state_release(state_t *s)
{
    path_release(&s->path);
    free(s->orig);
    s->orig = NULL;
}

void mrl_cf_release(mrl_cf_t *r)
{
    if (!r)
        return;
    for (int k = 0; r->sol && k < r->n_sol; k++)
        path_release(&r->sol[k]);
    free(r->sol);
    memset(r, 0, sizeof *r);
}

static const mrl_cf_step_t *last_step(const state_t *s)
{
    return &s->path.step[s->path.n_edits];
}

/* May e be made on a state with input positions orig (len of them)? */
static int allowed(const search_t *S, const int *orig, size_t len, const mrl_edit_t *e)
{
    const uint8_t *pr = S->o->protect;
    if (!pr)
        return 1;
    int q = e->pos;
    if (e->kind != MRL_EDIT_INS)
        return orig[q] < 0 || !pr[orig[q]];
    int before = q > 0 && orig[q - 1] >= 0 && pr[orig[q - 1]];
    int after = (size_t)q < len && orig[q] >= 0 && pr[orig[q]];
    return !before && !after;
}

/* Step of record k of the batch into st (strings copied). */
static int fill_step(mrl_cf_step_t *st, const mrl_batch_t *b, size_t k, const char *seq, size_t len)
{
    st->seq = malloc(len + 1), st->structure = strdup(b->items[k].structure);
    if (!st->seq || !st->structure)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    memcpy(st->seq, seq, len + 1);
    st->len = len, st->mfe = b->items[k].mfe;
    st->prob = b->prob[k], st->margin = b->margin[k];
    return 0;
}

/* The child c of state par as a new state (record k of the batch holds its fold). */
static int make_state(const search_t *S, const state_t *par, const child_t *c, size_t k,
                      const char *seq, state_t *out)
{
    memset(out, 0, sizeof *out);
    const mrl_cf_path_t *pp = &par->path;
    int rc = 0, d = pp->n_edits + 1;
    for (int i = 0; i < d && !rc; i++) {
        const mrl_cf_step_t *a = &pp->step[i];
        mrl_cf_step_t *z = &out->path.step[i];
        *z = *a;
        z->seq = strdup(a->seq), z->structure = strdup(a->structure);
        out->path.n_edits = i;
        if (!z->seq || !z->structure)
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    size_t plen = last_step(par)->len, len = strlen(seq);
    mrl_cf_step_t *st = &out->path.step[d];
    out->path.n_edits = d;
    if (!rc)
        rc = fill_step(st, &S->b, k, seq, len);
    st->edit = c->e;
    /* where the edit sits on the input: an insertion before the next input position */
    int q = c->e.pos;
    while ((size_t)q < plen && c->e.kind == MRL_EDIT_INS && par->orig[q] < 0)
        q++;
    st->orig_pos = (size_t)q < plen ? par->orig[q] : (int)S->n;
    if (!rc && !(out->orig = malloc((len ? len : 1) * sizeof *out->orig)))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < len; i++) {
        int bq = mrl_edit_map_back(&c->e, (int)i);
        out->orig[i] = bq < 0 ? -1 : par->orig[bq];
    }
    return rc;
}

static int cmp_child(const void *x, const void *y)
{
    const child_t *a = x, *b = y;
    if (a->flip != b->flip) /* flips first, in order of their margins */
        return b->flip - a->flip;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->idx - b->idx;
}

/* Children of the beam: their edits into *cs, their sequences into *block (stride). */
static int expand(const search_t *S, const state_t *beam, int nb, child_t **cs, size_t *nc,
                  char **block, size_t *stride)
{
    size_t total = 0, maxlen = 0;
    for (int s = 0; s < nb; s++) {
        total += mut_edits(last_step(&beam[s])->seq, last_step(&beam[s])->len, S->o->kinds, NULL);
        maxlen = MRL_MAX(maxlen, last_step(&beam[s])->len);
    }
    *stride = maxlen + 2;
    *cs = malloc((total ? total : 1) * sizeof **cs);
    *block = malloc((total ? total : 1) * *stride);
    mrl_edit_t *ed = malloc((total ? total : 1) * sizeof *ed);
    if (!*cs || !*block || !ed) {
        free(ed);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    size_t k = 0;
    for (int s = 0; s < nb; s++) {
        const mrl_cf_step_t *st = last_step(&beam[s]);
        size_t m = mut_edits(st->seq, st->len, S->o->kinds, ed);
        for (size_t i = 0; i < m; i++) {
            if (!allowed(S, beam[s].orig, st->len, &ed[i]))
                continue;
            (*cs)[k] = (child_t){0, 0, s, (int)k, ed[i]};
            mrl_edit_apply(st->seq, st->len, &ed[i], *block + k * *stride);
            k++;
        }
    }
    free(ed);
    *nc = k;
    return 0;
}

/* Score the children; keys into cs (INFINITY: no hairpin loop); *flips = how many flip. */
static int score_children(search_t *S, child_t *cs, size_t nc, const char *block, size_t stride,
                          size_t *flips)
{
    const char **seqs = malloc((nc ? nc : 1) * sizeof *seqs);
    size_t *lens = malloc((nc ? nc : 1) * sizeof *lens);
    int rc = seqs && lens ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < nc; k++)
        seqs[k] = block + k * stride, lens[k] = strlen(seqs[k]);
    if (!rc)
        rc = mrl_pipeline_run(S->ens, &S->fe, seqs, lens, nc, &S->b);
    *flips = 0;
    for (size_t k = 0; !rc && k < nc; k++) {
        float m = S->b.margin[k];
        cs[k].key = isnan(m) ? INFINITY : S->called ? m : -m;
        cs[k].flip = !isnan(m) && (S->b.prob[k] >= S->o->threshold) != S->called;
        *flips += (size_t)cs[k].flip;
    }
    free(seqs), free(lens);
    return rc;
}

/* The best distinct children (by sequence) into states out (at most want); *nout. */
static int select_states(search_t *S, const state_t *beam, child_t *cs, size_t nc,
                         const char *block, size_t stride, int want, int flips_only, state_t *out,
                         int *nout)
{
    int rc = 0, n = 0;
    /* sorted by key; records of the batch are in child order, so keep the index */
    qsort(cs, nc, sizeof *cs, cmp_child);
    for (size_t i = 0; i < nc && n < want && !rc; i++) {
        if (isinf(cs[i].key) || (flips_only && !cs[i].flip))
            break;
        const char *seq = block + (size_t)cs[i].idx * stride;
        int dup = 0;
        for (int j = 0; j < n && !dup; j++)
            dup = strcmp(last_step(&out[j])->seq, seq) == 0;
        if (dup)
            continue;
        rc = make_state(S, &beam[cs[i].state], &cs[i], (size_t)cs[i].idx, seq, &out[n]);
        n++;
    }
    *nout = n;
    return rc;
}

/* The input as the one state of depth 0. */
static int root_state(search_t *S, const char *seq, size_t n, state_t *root)
{
    const char *s1[1] = {seq};
    size_t l1[1] = {n};
    memset(root, 0, sizeof *root);
    int rc = mrl_pipeline_run(S->ens, &S->fe, s1, l1, 1, &S->b);
    if (!rc && S->b.items[0].rc != 0)
        rc = mrl_err_set(MRL_ERR_REFUSED, "the fold of the sequence has no hairpin loop");
    char *copy = malloc(n + 1);
    if (!rc && !copy)
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc) {
        memcpy(copy, seq, n), copy[n] = '\0';
        rc = fill_step(&root->path.step[0], &S->b, 0, copy, n);
        root->path.step[0].edit = (mrl_edit_t){-1, -1, '-', '-'};
        root->path.step[0].orig_pos = -1;
    }
    free(copy);
    if (!rc && !(root->orig = malloc(n * sizeof *root->orig)))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        root->orig[i] = (int)i;
    if (!rc)
        S->called = S->b.prob[0] >= S->o->threshold;
    return rc;
}

static int check_opts(const mrl_cf_opts_t *o)
{
    if (o->budget < 1 || o->budget > MRL_CF_MAX_BUDGET || o->beam < 1 || o->solutions < 1 ||
        !(o->kinds & 7) || (o->kinds & ~7))
        return mrl_err_set(MRL_ERR_ARG,
                           "counterfactuals: budget 1..%d, beam >= 1, solutions "
                           ">= 1 and some kind of edit needed",
                           MRL_CF_MAX_BUDGET);
    return 0;
}

int mrl_cf_search(mrl_ensemble_t *e, const char *seq, size_t n, const mrl_cf_opts_t *o, mrl_cf_t *r)
{
    mrl_cf_opts_t d;
    if (!o)
        mrl_cf_opts_default(&d), o = &d;
    memset(r, 0, sizeof *r);
    if (!e || !seq || n == 0)
        return mrl_err_set(MRL_ERR_ARG, "counterfactuals: no sequence");
    int rc = check_opts(o), nb = 1, cap = MRL_MAX(o->beam, o->solutions);
    if (rc)
        return rc;
    search_t S = {.ens = e, .o = o, .n = n};
    mrl_fe_opts_default(&S.fe);
    S.fe.params = o->params, S.fe.threads = o->fold_threads;
    state_t *beam = calloc((size_t)cap, sizeof *beam), *next = calloc((size_t)cap, sizeof *next);
    if (!beam || !next)
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = root_state(&S, seq, n, &beam[0]);
    r->called = S.called;
    for (int depth = 1; !rc && depth <= o->budget && nb > 0; depth++) {
        child_t *cs = NULL;
        char *block = NULL;
        size_t nc = 0, stride = 0, flips = 0;
        int nn = 0;
        rc = expand(&S, beam, nb, &cs, &nc, &block, &stride);
        if (!rc)
            rc = score_children(&S, cs, nc, block, stride, &flips);
        r->evaluated += (long)nc;
        if (!rc)
            rc = select_states(&S, beam, cs, nc, block, stride, flips ? o->solutions : o->beam,
                               flips > 0, next, &nn);
        free(cs), free(block);
        for (int s = 0; s < nb; s++)
            state_release(&beam[s]);
        state_t *t = beam;
        beam = next, next = t, nb = nn;
        if (!rc && flips) {
            r->size = depth, r->n_sol = nn;
            if (!(r->sol = calloc((size_t)nn, sizeof *r->sol)))
                rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
            for (int s = 0; !rc && s < nn; s++)
                r->sol[s] = beam[s].path, memset(&beam[s].path, 0, sizeof beam[s].path);
            break;
        }
    }
    for (int s = 0; beam && s < cap; s++)
        state_release(&beam[s]);
    free(beam), free(next);
    mrl_batch_release(&S.b);
    if (rc)
        mrl_cf_release(r);
    return rc;
}
