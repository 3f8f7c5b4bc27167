/*
 * set.c - a whole labelled set explained in one pass (what `mirlens explain --aggregate`
 * and `--sanity` run; the report is src/report/'s): records are folded, drawn and scored
 * by the pipeline a chunk at a time, explained with every method on the pipeline's
 * normalised images and logits (no second forward pass), and summed by outcome group
 * (aggregate.c), with the miRNA duplex of each positive whose mature positions are known
 * (its pair table from the pipeline); deletion / insertion curves of evenly spaced records
 * (faithful.c, Petsiuk et al. 2018); optionally the same hairpins explained by the network
 * with every layer re-drawn, summed apart, and bootstrap intervals of the category tables
 * over hairpins, paired between the two networks; the first records of each outcome group
 * kept as examples; and an evenly spaced subset kept for the sanity checks of Adebayo et al.
 * 2018 (cascade.c), run at the end on all of it in one call, so that the original and the
 * randomised networks explain the same images with the same noise draws.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

#define CHUNK 32 /* records per pipeline run */
#define PLANE (MRL_IMG_H * MRL_IMG_W)
#define PX (3 * PLANE)

void mrl_explain_set_opts_default(mrl_explain_set_opts_t *o)
{
    memset(o, 0, sizeof *o);
    mrl_explain_opts_default(&o->ex);
    mrl_nn_opts_default(&o->nn);
    o->aggregate = 1;
    o->threshold = (float)MRL_DEFAULT_THRESHOLD;
    o->faith_n = 100;
    o->faith_steps = 20;
    o->faith_random = 4;
    o->mask = MRL_MASK_WHITE;
    o->examples = 3;
    o->fold_threads = 1;
    mrl_detmass_opts_t d; /* the determinant table's bootstrap: one default for both */
    mrl_detmass_opts_default(&d);
    o->n_boot = d.n_boot, o->boot_seed = d.seed;
}

/* ---- records ------------------------------------------------------------------------ */

void mrl_explain_set_init(mrl_explain_set_t *s)
{
    memset(s, 0, sizeof *s);
}

/* Free what a run found, keeping the records' input. */
static void results_clear(mrl_explain_set_t *s)
{
    for (size_t k = 0; k < s->n; k++) {
        mrl_explain_rec_t *r = &s->rec[k];
        free(r->faith_auc);
        r->faith_auc = NULL, r->refused = 0, r->prob = NAN, r->group = -1;
        r->duplex[0] = r->duplex[1] = r->duplex[2] = r->duplex[3] = -1;
    }
    for (size_t i = 0; i < s->n_ex; i++) {
        mrl_explain_example_t *e = &s->ex[i];
        free(e->structure), free(e->partner), free(e->context), free(e->map2d);
    }
    free(s->ex), free(s->agg), free(s->agg_random), free(s->cats), free(s->ci);
    mrl_faith_sum_release(&s->faith);
    mrl_sanity_release(&s->sanity);
    s->ex = NULL, s->n_ex = 0, s->agg = s->agg_random = NULL, s->cats = NULL, s->ci = NULL;
    s->n_nets = 0;
    s->n_done = s->n_refused = s->n_duplex = s->n_faith = 0;
    s->seconds[0] = s->seconds[1] = s->seconds[2] = 0;
}

void mrl_explain_set_release(mrl_explain_set_t *s)
{
    if (!s)
        return;
    results_clear(s);
    for (size_t k = 0; k < s->n; k++)
        free(s->rec[k].id), free(s->rec[k].seq);
    free(s->rec);
    memset(s, 0, sizeof *s);
}

/* Append a record: id and seq (len letters, or NULL with an image rgb) copied; acc from
 * the FASTA description desc (may be NULL). */
static int add_rec(mrl_explain_set_t *s, const char *id, const char *desc, const char *seq,
                   size_t len, const uint8_t *rgb, int label)
{
    if (s->n && (s->rec[0].seq != NULL) != (seq != NULL))
        return mrl_err_set(MRL_ERR_ARG, "a set holds sequences or images, not both");
    mrl_explain_rec_t *rec = mrl_grow(s->rec, &s->cap, s->n + 1, sizeof *rec, 256);
    if (!rec)
        return MRL_ERR_NOMEM;
    s->rec = rec;
    mrl_explain_rec_t *r = &s->rec[s->n];
    memset(r, 0, sizeof *r);
    r->id = strdup(id), r->seq = seq ? strdup(seq) : NULL, r->len = len, r->rgb = rgb;
    r->label = label, r->prob = NAN, r->group = -1;
    r->duplex[0] = r->duplex[1] = r->duplex[2] = r->duplex[3] = -1;
    size_t w = desc ? strcspn(desc, " \t") : 0;
    if (w > 2 && w < sizeof r->acc && desc[0] == 'M' && desc[1] == 'I')
        memcpy(r->acc, desc, w), r->acc[w] = '\0';
    if (!r->id || (seq && !r->seq)) {
        free(r->id), free(r->seq);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    s->n++;
    return 0;
}

int mrl_explain_set_add_fasta(mrl_explain_set_t *s, const char *path, int label,
                              const mrl_fasta_opts_t *o)
{
    mrl_fasta_opts_t d;
    if (!o) {
        mrl_fasta_opts_default(&d);
        o = &d;
    }
    mrl_fasta_t *fa = NULL;
    mrl_seqrec_t rec;
    int rc = mrl_fasta_open(&fa, path, o), got;
    if (rc < 0)
        return rc;
    while ((got = mrl_fasta_read(fa, &rec)) == 1)
        if ((rc = add_rec(s, rec.id, rec.desc, rec.seq, rec.len, NULL, label)) < 0)
            break;
    if (!rc && got < 0)
        rc = got;
    mrl_fasta_close(fa);
    return rc;
}

int mrl_explain_set_add_images(mrl_explain_set_t *s, const mrl_imageset_t *img)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < img->n; k++) {
        char id[32];
        snprintf(id, sizeof id, "img%zu", k + 1);
        rc = add_rec(s, img->names ? img->names[k] : id, NULL, NULL, 0,
                     img->rgb + k * MRL_IMG_BYTES, img->labels ? img->labels[k] : -1);
    }
    return rc;
}

/* k of n is one of `want` evenly spaced picks. */
static int picked(size_t k, size_t n, size_t want)
{
    if (want >= n)
        return 1;
    return (k * want) / n != ((k + 1) * want) / n;
}

/* ---- the pass ----------------------------------------------------------------------- */

typedef struct pass {
    mrl_explain_set_t *s;
    const mrl_explain_set_opts_t *o; /* &s->opts */
    mrl_ensemble_t *e;
    mrl_nn_t *nn;
    const mrl_model_t *m;
    int M;
    mrl_model_t *rm; /* random_net: the model with every layer re-drawn (owned) */
    mrl_nn_t *rnn;   /* and its context (owned) */
    mrl_batch_t b;   /* the pipeline's results for the chunk: items, x, scores */
    float *maps;     /* (n_nets, M, CHUNK, 3, H, W) */
    float *map2d;    /* (M, H, W) one row's maps summed over channels */
    float *curves;   /* (4, faith_steps + 1) */
    float *attr;     /* (attr_cap) one record's nucleotide attributions */
    size_t attr_cap;
    float *sx; /* (ns_cap, 3, H, W) the images kept for the sanity checks */
    size_t ns, ns_cap;
    int ex_count[MRL_NOUTCOMES];
} pass_t;

/* The miRNA duplex of a positive whose mature positions are known into r->duplex; 1 if
 * placed. */
int mrl_explain_rec_duplex(const mrl_mature_tab_t *mat, const mrl_explain_rec_t *r,
                           const int *partner, int duplex[4])
{
    int range[4], len;
    if (partner)
        duplex[0] = duplex[1] = duplex[2] = duplex[3] = -1;
    if (!mat || !(mrl_mature_find(mat, r->id, range, &len) ||
                  (r->acc[0] && mrl_mature_find(mat, r->acc, range, &len))) ||
        (size_t)len != r->len)
        return 0;
    if (!partner)
        return 1;
    if (mrl_duplex_regions(partner, r->len, range, duplex, NULL) == 0)
        return 1;
    duplex[0] = duplex[1] = duplex[2] = duplex[3] = -1;
    return 0;
}

static int find_duplex(const pass_t *p, mrl_explain_rec_t *r, const mrl_fe_item_t *fe)
{
    return r->label == 1 && mrl_explain_rec_duplex(p->o->mature, r, fe->partner, r->duplex);
}

/* Faithfulness curves of record k (row b) for every method: its areas and the sums. */
static int faith_rec(pass_t *p, size_t k, const mrl_fe_item_t *fe)
{
    const mrl_explain_set_opts_t *o = p->o;
    mrl_explain_rec_t *r = &p->s->rec[k];
    mrl_faith_opts_t fo;
    mrl_faith_opts_default(&fo);
    fo.steps = o->faith_steps, fo.mask = o->mask, fo.n_random = o->faith_random;
    fo.target = o->ex.target, fo.seed = o->ex.seed;
    if (!(r->faith_auc = malloc((size_t)p->M * 4 * sizeof *r->faith_auc)))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    int rc = 0;
    for (int j = 0; !rc && j < p->M; j++) {
        double *auc = r->faith_auc + 4 * (size_t)j;
        rc = mrl_faith_hairpin(p->nn, p->m, &fe->hp, r->seq, fe->structure, r->len, o->methods[j],
                               p->map2d + (size_t)j * PLANE, (long)k, &fo, p->curves, auc);
        if (!rc)
            mrl_faith_sum_add(&p->s->faith, j, r->prob >= o->threshold, p->curves, auc);
    }
    return rc;
}

static char *dup_bytes(const void *src, size_t n)
{
    char *d = malloc(n ? n : 1);
    if (d)
        memcpy(d, src, n);
    return d;
}

/* Keep record k as an example of its group while the group has room. */
static int keep_example(pass_t *p, size_t k, const mrl_fe_item_t *fe)
{
    mrl_explain_set_t *s = p->s;
    int g = s->rec[k].group, want = MRL_MIN(p->o->examples, MRL_EXPLAIN_SET_MAX_EXAMPLES);
    if (g < 0 || p->ex_count[g] >= want)
        return 0;
    mrl_explain_example_t *ex = realloc(s->ex, (s->n_ex + 1) * sizeof *ex);
    if (!ex)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    s->ex = ex;
    size_t n = s->rec[k].len;
    mrl_explain_example_t *e = &ex[s->n_ex++];
    e->rec = k, e->mfe = fe->mfe, e->hp = fe->hp;
    e->structure = dup_bytes(fe->structure, n + 1);
    e->partner = (int *)dup_bytes(fe->partner, n * sizeof *fe->partner);
    e->context = (uint8_t *)dup_bytes(fe->context, n);
    e->map2d = (float *)dup_bytes(p->map2d, (size_t)p->M * PLANE * sizeof(float));
    if (!e->structure || !e->partner || !e->context || !e->map2d)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    p->ex_count[g]++;
    return 0;
}

/* Record k's bins in s->cats for network q, method j. */
static mrl_agg_bin_t *cats_at(const mrl_explain_set_t *s, size_t k, int q, int j)
{
    size_t M = (size_t)s->opts.n_methods;
    return s->cats + ((k * (size_t)s->n_nets + (size_t)q) * M + (size_t)j) * MRL_AGG_NCAT;
}

/* Record k's maps under network q (p->map2d, every method) into q's sums and its bins. */
static int add_net(pass_t *p, size_t k, int q, const mrl_fe_item_t *fe)
{
    mrl_explain_set_t *s = p->s;
    mrl_explain_rec_t *r = &s->rec[k];
    mrl_agg_t *agg = q ? s->agg_random : s->agg;
    const int *dup = r->duplex[0] >= 0 ? r->duplex : NULL;
    int rc = 0;
    for (int j = 0; !rc && j < p->M; j++) {
        const float *map2d = p->map2d + (size_t)j * PLANE;
        mrl_agg_add_map(&agg[j], r->group, map2d, fe ? fe->hp.used : MRL_IMG_W);
        if (!fe)
            continue;
        mrl_explain_nucleotides(&fe->hp, map2d, r->len, p->attr, NULL);
        rc = mrl_agg_add_seq(&agg[j], r->group, r->seq, fe->partner, fe->context, r->len, &fe->hp,
                             p->attr, dup);
        if (!rc)
            rc = mrl_agg_seq_cats(r->seq, fe->partner, fe->context, r->len, &fe->hp, p->attr, dup,
                                  cats_at(s, k, q, j));
    }
    return rc;
}

/* Record k's statistics from its maps (row b of nb): every network's maps summed over
 * channels and into the accumulators (the model's last: p->map2d keeps them), then
 * faithfulness and the example pages' copy where it is picked. */
static int aggregate_row(pass_t *p, size_t k, size_t b, size_t nb, const mrl_fe_item_t *fe)
{
    mrl_explain_set_t *s = p->s;
    mrl_explain_rec_t *r = &s->rec[k];
    int rc = 0;
    s->n_duplex += fe && find_duplex(p, r, fe);
    if (fe && r->len > p->attr_cap) {
        free(p->attr);
        p->attr_cap = 2 * r->len;
        if (!(p->attr = malloc(p->attr_cap * sizeof *p->attr)))
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    for (int q = s->n_nets - 1; !rc && q >= 0; q--) {
        const float *maps = p->maps + (size_t)q * (size_t)p->M * nb * PX;
        for (int j = 0; j < p->M; j++)
            mrl_explain_channel_sum(maps + ((size_t)j * nb + b) * PX, 1, 3, MRL_IMG_H, MRL_IMG_W,
                                    p->map2d + (size_t)j * PLANE);
        rc = add_net(p, k, q, fe);
    }
    if (!rc && fe && p->o->faith_n && picked(k, s->n, (size_t)p->o->faith_n)) {
        double t1 = mrl_seconds();
        rc = faith_rec(p, k, fe);
        s->n_faith++;
        s->seconds[1] += mrl_seconds() - t1;
    }
    if (!rc && fe && p->o->examples)
        rc = keep_example(p, k, fe);
    return rc;
}

/* Fold, draw and score records [k0, k1), explain the hairpins with every method, take the
 * rows. */
static int run_chunk(pass_t *p, size_t k0, size_t k1)
{
    mrl_explain_set_t *s = p->s;
    const mrl_explain_set_opts_t *o = p->o;
    int fasta = s->rec[k0].seq != NULL, rc;
    if (fasta) {
        const char *seq[CHUNK];
        size_t len[CHUNK];
        for (size_t k = k0; k < k1; k++)
            seq[k - k0] = s->rec[k].seq, len[k - k0] = s->rec[k].len;
        mrl_fe_opts_t fe;
        mrl_fe_opts_default(&fe);
        fe.threads = o->fold_threads;
        rc = mrl_pipeline_run(p->e, &fe, seq, len, k1 - k0, &p->b);
    } else {
        const uint8_t *rgb[CHUNK];
        for (size_t k = k0; k < k1; k++)
            rgb[k - k0] = s->rec[k].rgb;
        rc = mrl_pipeline_run_images(p->e, rgb, k1 - k0, &p->b);
    }
    for (size_t k = k0; !rc && fasta && k < k1; k++)
        if (p->b.items[k - k0].rc != 0)
            s->rec[k].refused = 1, s->n_refused++;
    size_t nb = p->b.rows;
    double t0 = mrl_seconds();
    for (int q = 0; o->aggregate && nb && q < s->n_nets; q++)
        for (int j = 0; !rc && j < p->M; j++) {
            mrl_explain_opts_t eo = o->ex;
            eo.method = o->methods[j];
            /* the model: the pipeline's scores of x, no second forward pass; the random
             * network its own */
            eo.logits = q ? NULL : p->b.logit;
            rc = mrl_explain(q ? p->rnn : p->nn, q ? p->rm : p->m, p->b.x, nb, &eo,
                             p->maps + ((size_t)q * (size_t)p->M + (size_t)j) * nb * PX, NULL);
        }
    s->seconds[0] += mrl_seconds() - t0;
    for (size_t b = 0; !rc && b < nb; b++) {
        size_t i = p->b.row[b], k = k0 + i;
        mrl_explain_rec_t *r = &s->rec[k];
        const mrl_fe_item_t *fe = fasta ? &p->b.items[i] : NULL;
        r->prob = p->b.prob[i];
        r->group = r->label >= 0 ? mrl_outcome_of(r->label, r->prob, o->threshold) : -1;
        if (o->aggregate)
            rc = aggregate_row(p, k, b, nb, fe);
        if (!rc && p->ns < p->ns_cap && picked(k, s->n, p->ns_cap))
            memcpy(p->sx + p->ns++ * PX, p->b.x + b * PX, PX * sizeof(float));
        s->n_done++;
    }
    return rc;
}

static void sanity_step(void *ctx, int done, int total)
{
    const mrl_explain_set_opts_t *o = ctx;
    o->progress(o->progress_ctx, 1, done, total);
}

/* The randomisation tests (mrl_sanity_run) on the kept images. */
static int run_sanity(pass_t *p)
{
    const mrl_explain_set_opts_t *o = p->o;
    double t0 = mrl_seconds();
    mrl_sanity_opts_t so;
    mrl_sanity_opts_default(&so);
    so.methods = o->methods, so.n_methods = p->M, so.ex = o->ex;
    so.ex.logits = NULL; /* the maps of other networks: their own scores */
    so.nn = o->nn, so.shuffled = o->shuffled;
    if (o->progress)
        so.progress = sanity_step, so.progress_ctx = (void *)o;
    int rc = mrl_sanity_run(p->nn, p->m, p->sx, p->ns, &so, &p->s->sanity);
    p->s->seconds[2] = mrl_seconds() - t0;
    return rc;
}

/* Keep the sanity-only run's records: sanity_n evenly spaced over the set. */
static void pick_sanity_records(mrl_explain_set_t *s, size_t want)
{
    size_t m = 0;
    for (size_t k = 0; k < s->n; k++) {
        if (picked(k, s->n, want))
            s->rec[m++] = s->rec[k];
        else
            free(s->rec[k].id), free(s->rec[k].seq);
    }
    s->n = m;
}

/* Check o and copy it, with its methods, into s->opts. */
static int take_opts(mrl_explain_set_t *s, const mrl_explain_set_opts_t *o)
{
    int M = o->methods ? o->n_methods : 1;
    if (M < 1 || M > MRL_EXPLAIN_NMETHODS || o->faith_steps < 1 || o->faith_n < 0 ||
        o->faith_random < 0 || o->sanity_n < 0 || o->examples < 0 || !(o->threshold >= 0) ||
        o->n_boot < 0 || (!o->aggregate && o->sanity_n == 0))
        return mrl_err_set(MRL_ERR_ARG, "explain set: bad options");
    for (int j = 0; j < M; j++) {
        s->methods[j] = o->methods ? o->methods[j] : o->ex.method;
        if (!mrl_explain_method_name(s->methods[j]))
            return mrl_err_set(MRL_ERR_ARG, "unknown attribution method %d", s->methods[j]);
    }
    s->opts = *o;
    s->opts.methods = s->methods, s->opts.n_methods = M;
    for (size_t k = 0; o->aggregate && k < s->n; k++)
        if (s->rec[k].label < 0)
            return mrl_err_set(MRL_ERR_ARG, "%s: aggregation needs labelled records", s->rec[k].id);
    return 0;
}

/* Buffers of the pass and the results' accumulators. */
static int pass_init(pass_t *p)
{
    mrl_explain_set_t *s = p->s;
    const mrl_explain_set_opts_t *o = p->o;
    int M = p->M;
    p->b.keep_x = 1;
    s->n_nets = o->aggregate ? 1 + (o->random_net != 0) : 0;
    size_t nn = (size_t)s->n_nets;
    p->maps = o->aggregate ? malloc(nn * (size_t)M * CHUNK * PX * sizeof(float)) : NULL;
    p->map2d = malloc((size_t)M * PLANE * sizeof(float));
    p->curves = malloc(4 * (size_t)(o->faith_steps + 1) * sizeof(float));
    p->ns_cap = MRL_MIN((size_t)o->sanity_n, s->n);
    p->sx = p->ns_cap ? malloc(p->ns_cap * PX * sizeof(float)) : NULL;
    s->agg = o->aggregate ? calloc((size_t)M, sizeof *s->agg) : NULL;
    s->agg_random = nn > 1 ? calloc((size_t)M, sizeof *s->agg_random) : NULL;
    s->cats = nn ? calloc(s->n * nn * (size_t)M * MRL_AGG_NCAT, sizeof *s->cats) : NULL;
    for (int j = 0; s->agg && j < M; j++)
        s->agg[j].rank_abs = !mrl_explain_method_is_contribution(o->methods[j]);
    for (int j = 0; s->agg_random && j < M; j++)
        s->agg_random[j].rank_abs = s->agg[j].rank_abs;
    int rc = mrl_faith_sum_init(&s->faith, M, o->faith_steps);
    if (!rc && ((o->aggregate && (!p->maps || !s->agg || !s->cats)) || (nn > 1 && !s->agg_random) ||
                !p->map2d || !p->curves || (p->ns_cap && !p->sx)))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc && nn > 1 && !(rc = mrl_model_clone(&p->rm, p->m)) && /* the cascade's last step */
        !(rc = mrl_model_randomize_all(p->rm, o->ex.seed)))
        rc = mrl_nn_new(&p->rnn, p->rm, &o->nn);
    return rc;
}

/* Intervals of group g's categories, method j, over its hairpins with a sequence (idx,
 * H of them; the first Hd also with a duplex at idx + H) into s->ci. */
static int ci_group(mrl_explain_set_t *s, int g, int j, const size_t *idx, size_t H, size_t Hd)
{
    const mrl_explain_set_opts_t *o = &s->opts;
    size_t stride = (size_t)s->n_nets * (size_t)o->n_methods * MRL_AGG_NCAT;
    const mrl_agg_bin_t *x = s->cats + (size_t)j * MRL_AGG_NCAT;
    const mrl_agg_bin_t *y = s->n_nets > 1 ? x + (size_t)o->n_methods * MRL_AGG_NCAT : NULL;
    mrl_agg_ci_t *ci = s->ci + ((size_t)j * MRL_NOUTCOMES + (size_t)g) * MRL_AGG_NCAT;
    mrl_rng_t rng;
    int rc = 0;
    if (H) {
        mrl_rng_init(&rng, o->boot_seed, 2 * (uint64_t)g);
        rc = mrl_agg_boot(x, y, stride, idx, H, 0, MRL_AGG_CAT_REGION, o->n_boot, MRL_AGG_BOOT_MIN,
                          &rng, ci);
    }
    if (!rc && Hd) {
        mrl_rng_init(&rng, o->boot_seed, 2 * (uint64_t)g + 1);
        rc = mrl_agg_boot(x, y, stride, idx + H, Hd, MRL_AGG_CAT_REGION, MRL_AGG_NCAT, o->n_boot,
                          MRL_AGG_BOOT_MIN, &rng, ci + MRL_AGG_CAT_REGION);
    }
    return rc;
}

/* The category tables' bootstrap intervals (s->ci), every group and method. */
static int run_ci(mrl_explain_set_t *s)
{
    const mrl_explain_set_opts_t *o = &s->opts;
    if (!o->aggregate || o->n_boot < 1 || !s->cats || !s->rec[0].seq)
        return 0;
    size_t nci = (size_t)o->n_methods * MRL_NOUTCOMES * MRL_AGG_NCAT;
    size_t *idx = malloc(2 * s->n * sizeof *idx);
    s->ci = malloc(nci * sizeof *s->ci);
    if (!idx || !s->ci) {
        free(idx);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < nci; i++) {
        mrl_agg_ci_t *c = &s->ci[i];
        c->share_lo = c->share_hi = c->enrich_lo = c->enrich_hi = (double)NAN;
        c->y_enrich_lo = c->y_enrich_hi = c->diff_lo = c->diff_hi = (double)NAN;
    }
    int rc = 0;
    for (int g = 0; !rc && g < MRL_NOUTCOMES; g++) {
        size_t H = 0, Hd = 0;
        for (size_t k = 0; k < s->n; k++)
            if (s->rec[k].group == g && !s->rec[k].refused)
                idx[H++] = k;
        for (size_t i = 0; i < H; i++)
            if (s->rec[idx[i]].duplex[0] >= 0)
                idx[H + Hd++] = idx[i];
        for (int j = 0; !rc && j < o->n_methods; j++)
            rc = ci_group(s, g, j, idx, H, Hd);
    }
    free(idx);
    return rc;
}

int mrl_explain_set_run(mrl_explain_set_t *s, mrl_ensemble_t *e, const mrl_explain_set_opts_t *o)
{
    mrl_explain_set_opts_t d;
    if (!o) {
        mrl_explain_set_opts_default(&d);
        o = &d;
    }
    results_clear(s);
    if (!e || mrl_ensemble_size(e) != 1)
        return mrl_err_set(MRL_ERR_ARG, "explaining a set needs a scorer of one model");
    if (s->n == 0)
        return mrl_err_set(MRL_ERR_ARG, "no sequences or images in the input");
    int rc = take_opts(s, o);
    if (rc)
        return rc;
    if (!o->aggregate)
        pick_sanity_records(s, (size_t)o->sanity_n);
    pass_t p = {.s = s, .o = &s->opts, .e = e, .M = s->opts.n_methods};
    p.nn = mrl_ensemble_nn(e, 0), p.m = mrl_ensemble_model(e, 0);
    rc = pass_init(&p);
    for (size_t k0 = 0; !rc && k0 < s->n; k0 += CHUNK) {
        size_t k1 = MRL_MIN(k0 + CHUNK, s->n);
        rc = run_chunk(&p, k0, k1);
        if (o->progress)
            o->progress(o->progress_ctx, 0, (long)k1, (long)s->n);
    }
    if (!rc && s->n_done == 0)
        rc = mrl_err_set(MRL_ERR_REFUSED, "no hairpin to explain: the fold of every input "
                                          "sequence lacks a hairpin loop");
    if (!rc)
        rc = run_ci(s);
    if (!rc && p.ns)
        rc = run_sanity(&p);
    mrl_batch_release(&p.b);
    free(p.maps), free(p.map2d), free(p.curves), free(p.attr), free(p.sx);
    mrl_nn_free(p.rnn), mrl_model_free(p.rm);
    return rc;
}
