/*
 * scan.c - mrl_scan_genome: a FASTA genome in, candidate stem-loops scored, loci out.
 *
 * Two passes over the input. The first reads record names and lengths only (so the
 * output headers are known, a truncated gzip fails before any work, and a shard knows
 * its part). The second streams the sequence in pieces; each record's positions are cut
 * into blocks (mrl_scan_opts_t.block), and each block is scanned with a margin of sequence on both
 * sides (scan_margin) large enough that its stems, their thinning and their flanks are
 * exactly those of the whole record. A candidate belongs to the block (and the shard) in
 * which its first position lies, so blocks and shards write disjoint, ordered rows, and
 * sharded runs concatenate to the unsharded one.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "../util/util.h"
#include "scan.h"

#define SCAN_PIECE ((size_t)1 << 20)  /* letters per read */

void mrl_scan_opts_default(mrl_scan_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->strand = 0;
    o->flank = MRL_SCAN_DEFAULT_FLANK;
    o->max_span = MRL_SCAN_DEFAULT_MAX_SPAN;
    o->min_stem = MRL_SCAN_DEFAULT_MIN_STEM;
    o->threshold = (float)MRL_DEFAULT_THRESHOLD;
    o->min_score = (float)MRL_SCAN_DEFAULT_MIN_SCORE;
    o->max_repeat = (float)MRL_SCAN_DEFAULT_MAX_REPEAT;
    o->shard = o->nshards = 1;
    o->block = 1 << 18;
    mrl_fe_opts_default(&o->fe);
}

/* sequence of a stem's flanks and the stems of one block: everything they depend on */
static int64_t scan_margin(const mrl_scan_opts_t *o)
{
    return 4 * (int64_t)o->max_span + 2 * (int64_t)o->flank + 16;
}

static char complement(char c)
{
    switch (c) {
    case 'A': return 'T';
    case 'C': return 'G';
    case 'G': return 'C';
    case 'T': case 'U': return 'A';
    case 'a': return 't';
    case 'c': return 'g';
    case 'g': return 'c';
    case 't': case 'u': return 'a';
    default: return c;
    }
}

typedef struct {
    scan_hdr_t h;            /* records, region, shards: the output header */
    const mrl_scan_opts_t *o;
    mrl_ensemble_t *e;
    mrl_scan_stats_t *st;
    gzFile out;              /* the candidates rows */
    scan_repeats_t rep;      /* the input's repeated 16-mers (when o->max_repeat < 1) */
    /* the current record's letters [buf_lo, buf_lo + buf_n) and their codes */
    char *let;
    uint8_t *code;
    int64_t buf_lo;
    size_t buf_n, buf_cap;
    scan_stems_t stems[2];   /* + and - strand of the current block */
    /* candidates of the block */
    char *arena;
    size_t arena_cap;
    const char **cseq;
    size_t *clen;
    scan_stem_t *cand;       /* start/end: the candidate with its flanks */
    size_t ncand, cand_cap;
    mrl_batch_t b;
    mrl_scan_progress_t pg;
    double t0;
} run_t;

typedef struct {
    const run_t *r;
    const uint8_t *code;
    size_t n;
    int64_t lo;
    int strand;
    scan_stems_t *out;
    int rc;
    char err[256];
} stem_job_t;

static void *stem_job(void *arg)
{
    stem_job_t *j = arg;
    scan_stem_opts_t so;
    scan_stem_opts_default(&so);
    so.max_span = j->r->o->max_span;
    so.min_score = j->r->o->min_stem;
    j->rc = scan_stems_find(j->code, j->n, j->lo, j->strand, &so, j->out);
    if (j->rc < 0)
        snprintf(j->err, sizeof j->err, "%s", mrl_errmsg());
    return NULL;
}

static int cand_cmp(const void *pa, const void *pb)
{
    const scan_stem_t *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    if (a->strand != b->strand)
        return a->strand > b->strand ? -1 : 1; /* + before - */
    return (a->score < b->score) - (a->score > b->score);
}

/* The candidates of block [b0, b1) of record rec from the stems of [lo, hi). */
static int block_candidates(run_t *r, int64_t b0, int64_t b1, int64_t lo, int64_t hi)
{
    const mrl_scan_opts_t *o = r->o;
    r->ncand = 0;
    for (int s = 0; s < 2; s++) {
        const scan_stems_t *S = &r->stems[s];
        for (size_t k = 0; k < S->n; k++) {
            scan_stem_t c = S->v[k];
            /* flanks: up to o->flank letters, never across an N (or masked letter) */
            int64_t a = c.start, z = c.end;
            for (int f = 0; f < o->flank && a > lo && r->code[a - 1 - r->buf_lo] != 4; f++)
                a--;
            for (int f = 0; f < o->flank && z < hi && r->code[z - r->buf_lo] != 4; f++)
                z++;
            if (a < b0 || a >= b1)
                continue;
            c.start = a, c.end = z;
            scan_stem_t *v = mrl_grow(r->cand, &r->cand_cap, r->ncand + 1, sizeof *v, 4096);
            if (!v)
                return MRL_ERR_NOMEM;
            r->cand = v;
            r->cand[r->ncand++] = c;
        }
    }
    if (r->ncand == 0)
        return 0;
    qsort(r->cand, r->ncand, sizeof *r->cand, cand_cmp);
    /* one candidate per extent and strand (two stems clipped to the same flanks) */
    size_t m = 0, total = 0;
    for (size_t k = 0; k < r->ncand; k++) {
        const scan_stem_t *c = &r->cand[k], *p = m ? &r->cand[m - 1] : NULL;
        if (p && p->start == c->start && p->end == c->end && p->strand == c->strand)
            continue;
        r->cand[m++] = *c;
    }
    r->st->stems += (long)m;
    /* the input's own repeats: dropped before folding */
    r->ncand = 0;
    for (size_t k = 0; k < m; k++) {
        const scan_stem_t *c = &r->cand[k];
        if (o->max_repeat < 1.0f &&
            scan_repeat_share(&r->rep, r->code + (c->start - r->buf_lo),
                              (size_t)(c->end - c->start)) > (double)o->max_repeat) {
            r->st->repeats++;
            continue;
        }
        r->cand[r->ncand++] = *c;
        total += (size_t)(c->end - c->start) + 1;
    }
    m = r->ncand;
    if (total > r->arena_cap) {
        char *a = realloc(r->arena, total);
        if (!a)
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        r->arena = a, r->arena_cap = total;
    }
    const char **cs = realloc(r->cseq, (m ? m : 1) * sizeof *cs);
    if (cs)
        r->cseq = cs;
    size_t *cl = realloc(r->clen, (m ? m : 1) * sizeof *cl);
    if (cl)
        r->clen = cl;
    if (!cs || !cl)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    char *w = r->arena;
    for (size_t k = 0; k < m; k++) {
        const scan_stem_t *c = &r->cand[k];
        size_t n = (size_t)(c->end - c->start);
        const char *src = r->let + (c->start - r->buf_lo);
        if (c->strand > 0)
            memcpy(w, src, n);
        else
            for (size_t i = 0; i < n; i++)
                w[i] = complement(src[n - 1 - i]);
        w[n] = '\0';
        r->cseq[k] = w, r->clen[k] = n;
        w += n + 1;
    }
    return 0;
}

/* The rows of the block's candidates, scored in r->b. */
static int write_rows(run_t *r, const char *chrom)
{
    const mrl_scan_opts_t *o = r->o;
    for (size_t k = 0; k < r->ncand; k++) {
        const mrl_fe_item_t *it = &r->b.items[k];
        if (it->rc != 0) {
            r->st->refused++;
            continue;
        }
        float p = r->b.prob[k];
        if (p >= o->threshold)
            r->pg.hits++;
        if (!(p >= o->min_score))
            continue;
        const scan_stem_t *c = &r->cand[k];
        char eb[16];
        if (gzprintf(r->out, "%s\t%lld\t%lld\t%c\t%s\t%s\t%s\t%.6f\t%.4f\t%d\n", chrom,
                     (long long)c->start, (long long)c->end, c->strand > 0 ? '+' : '-',
                     r->cseq[k], it->structure, mrl_energy_str(it->mfe, eb), (double)p,
                     (double)r->b.margin[k], (int)c->score) <= 0)
            return MRL_ERR_IO;
        r->st->listed++;
    }
    return 0;
}

/* Scan block [b0, b1) of record ri; the buffer holds [lo, hi) (its margins, clipped). */
static int scan_block(run_t *r, const scan_rec_t *rec, int64_t b0, int64_t b1, int64_t lo,
                      int64_t hi)
{
    const mrl_scan_opts_t *o = r->o;
    for (int64_t p = b0; p < b1; p++)
        r->st->bases += r->code[p - r->buf_lo] != 4;
    double t = mrl_seconds();
    const uint8_t *code = r->code + (lo - r->buf_lo);
    size_t n = (size_t)(hi - lo);
    stem_job_t job[2] = {{r, code, n, lo, +1, &r->stems[0], 0, ""},
                         {r, code, n, lo, -1, &r->stems[1], 0, ""}};
    r->stems[0].n = r->stems[1].n = 0;
    int both = o->strand == 0, par = both && o->fe.threads > 1;
    pthread_t th;
    if (par && pthread_create(&th, NULL, stem_job, &job[1]) != 0)
        par = 0;
    if (o->strand >= 0)
        stem_job(&job[0]);
    if (o->strand <= 0 && !par)
        stem_job(&job[1]);
    if (par)
        pthread_join(th, NULL);
    for (int s = 0; s < 2; s++)
        if (job[s].rc < 0)
            return mrl_err_set(job[s].rc, "%s", job[s].err);
    int rc = block_candidates(r, b0, b1, lo, hi);
    r->st->t_stems += mrl_seconds() - t;
    if (rc < 0 || r->ncand == 0)
        return rc;
    if (o->no_score) {
        for (size_t k = 0; k < r->ncand; k++) {
            const scan_stem_t *c = &r->cand[k];
            if (gzprintf(r->out, "%s\t%lld\t%lld\t%c\t%s\t.\t.\t.\t.\t%d\n", rec->name,
                         (long long)c->start, (long long)c->end, c->strand > 0 ? '+' : '-',
                         r->cseq[k], (int)c->score) <= 0)
                return mrl_err_set(MRL_ERR_IO, "cannot write the candidates file");
        }
        r->st->listed += (long)r->ncand;
        r->pg.candidates += (long)r->ncand;
        return 0;
    }
    double f0 = r->b.t[0], s0 = r->b.t[1];
    rc = mrl_pipeline_run(r->e, &o->fe, r->cseq, r->clen, r->ncand, &r->b);
    if (rc < 0)
        rc = mrl_err_set(rc, "%s: %s", rec->name, mrl_errmsg());
    else if ((rc = write_rows(r, rec->name)) == MRL_ERR_IO)
        rc = mrl_err_set(rc, "cannot write the candidates file");
    r->pg.candidates += (long)r->ncand;
    r->st->t_fold += r->b.t[0] - f0;
    r->st->t_score += r->b.t[1] - s0;
    return rc;
}

/* Append piece letters that fall in [want_lo, want_hi) to the buffer. */
static int buffer_add(run_t *r, const mrl_seqpart_t *p, int64_t want_lo, int64_t want_hi)
{
    int64_t a = MRL_MAX((int64_t)p->offset, want_lo);
    int64_t z = MRL_MIN((int64_t)(p->offset + p->len), want_hi);
    if (z <= a)
        return 0;
    if (r->buf_n == 0)
        r->buf_lo = a;
    MRL_ASSERT(r->buf_lo + (int64_t)r->buf_n == a);
    size_t need = r->buf_n + (size_t)(z - a);
    if (need > r->buf_cap) {
        size_t cap = MRL_MAX(need, 2 * r->buf_cap);
        char *l = realloc(r->let, cap);
        if (l)
            r->let = l;
        uint8_t *c = realloc(r->code, cap);
        if (c)
            r->code = c;
        if (!l || !c)
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        r->buf_cap = cap;
    }
    const char *src = p->seq + (a - (int64_t)p->offset);
    for (int64_t k = 0; k < z - a; k++) {
        r->let[r->buf_n + (size_t)k] = src[k];
        r->code[r->buf_n + (size_t)k] = scan_code_of(src[k], r->o->skip_masked);
    }
    r->buf_n = need;
    return 0;
}

/* Drop buffered positions before pos. */
static void buffer_trim(run_t *r, int64_t pos)
{
    if (pos <= r->buf_lo)
        return;
    size_t d = (size_t)MRL_MIN(pos - r->buf_lo, (int64_t)r->buf_n);
    memmove(r->let, r->let + d, r->buf_n - d);
    memmove(r->code, r->code + d, r->buf_n - d);
    r->buf_n -= d;
    r->buf_lo += (int64_t)d;
}

static void progress(run_t *r)
{
    if (!r->o->on_progress)
        return;
    r->pg.seconds = mrl_seconds() - r->t0;
    r->o->on_progress(r->o->ud, &r->pg);
}

/* Repeat counting's progress: letters read of all records. */
static void repeats_tick(void *ud, uint64_t letters)
{
    run_t *r = ud;
    r->pg.done = letters;
    progress(r);
}

/* The second pass: stream the sequence, scan each record's owned part block by block. */
static int scan_pass(run_t *r, const char *path)
{
    const mrl_scan_opts_t *o = r->o;
    const int64_t M = scan_margin(o);
    mrl_fasta_t *fa = NULL;
    int rc = mrl_fasta_open(&fa, path, NULL);
    long cur = -1;
    int64_t next = 0; /* next block start of record cur */
    mrl_seqpart_t p;
    double t = mrl_seconds();
    while (rc >= 0 && (rc = mrl_fasta_read_part(fa, &p, SCAN_PIECE)) == 1) {
        r->st->t_read += mrl_seconds() - t;
        const scan_rec_t *rec = &r->h.rec[p.index];
        if (p.index != cur) {
            cur = p.index;
            r->buf_n = 0;
            next = rec->own_lo;
        }
        int64_t want_lo = MRL_MAX(rec->from, rec->own_lo - M);
        int64_t want_hi = MRL_MIN(rec->to, rec->own_hi + M);
        if ((rc = buffer_add(r, &p, want_lo, want_hi)) < 0)
            break;
        int64_t have = r->buf_lo + (int64_t)r->buf_n; /* buffered up to here */
        int done = p.last || (int64_t)(p.offset + p.len) >= want_hi;
        while (rc >= 0 && next < rec->own_hi) {
            int64_t b1 = MRL_MIN(next + o->block, rec->own_hi);
            int64_t hi = MRL_MIN(b1 + M, want_hi);
            if (have < hi && !done)
                break;
            int64_t lo = MRL_MAX(next - M, want_lo);
            rc = scan_block(r, rec, next, b1, lo, MRL_MIN(hi, have));
            r->pg.done += (uint64_t)(b1 - next);
            next = b1;
            buffer_trim(r, next - M);
            progress(r);
        }
        t = mrl_seconds();
    }
    if (rc == 0)
        r->st->t_read += mrl_seconds() - t;
    mrl_fasta_close(fa);
    return rc < 0 ? rc : 0;
}

int mrl_scan_genome(mrl_ensemble_t *e, const char *path, const char *prefix,
                    const mrl_scan_opts_t *o, mrl_scan_stats_t *st)
{
    mrl_scan_stats_t dummy;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    if ((!e && !o->no_score) || !path || !prefix || !o)
        return mrl_err_set(MRL_ERR_ARG, "scan: missing argument");
    if (o->nshards < 1 || o->shard < 1 || o->shard > o->nshards)
        return mrl_err_set(MRL_ERR_ARG, "shard %d/%d: want K/N with 1 <= K <= N", o->shard,
                           o->nshards);
    if (o->flank < 0 || o->flank > 1000 || o->max_span < 20 || o->max_span > 1000 || o->block < 1)
        return mrl_err_set(MRL_ERR_ARG, "flank %d or maximal span %d out of range", o->flank,
                           o->max_span);
    if (!(o->max_repeat >= 0.0f))
        return mrl_err_set(MRL_ERR_ARG, "maximal repeat share %g: want 0 to 1 (1: keep all)",
                           (double)o->max_repeat);
    if (!(o->min_score <= o->threshold))
        return mrl_err_set(MRL_ERR_ARG, "the minimal listed score (%g) is above the loci "
                           "threshold (%g)", (double)o->min_score, (double)o->threshold);
    if (strcmp(path, "-") == 0)
        return mrl_err_set(MRL_ERR_ARG, "scan reads its input twice: give a file, not '-'");
    double t0 = mrl_seconds();
    run_t r = {.o = o, .e = e, .st = st, .t0 = t0};
    int rc = scan_header(&r.h, path, o);
    mrl_atomic_t af = {0};
    char *cpath = NULL;
    if (!rc && o->max_repeat < 1.0f) {
        double t = mrl_seconds();
        uint64_t letters = 0;
        for (size_t k = 0; k < r.h.nrec; k++)
            letters += (uint64_t)r.h.rec[k].len;
        r.pg = (mrl_scan_progress_t){.total = letters, .counting = 1};
        scan_tick_t tick = {repeats_tick, &r};
        rc = scan_repeats_build(&r.rep, path, o->skip_masked, letters, 0, &tick);
        st->t_repeats = mrl_seconds() - t;
    }
    if (!rc) {
        r.pg = (mrl_scan_progress_t){.total = r.h.own_total};
        r.t0 = mrl_seconds(); /* the scan's rate and time left leave the counting out */
        st->t_read = mrl_seconds() - t0 - st->t_repeats;
        cpath = scan_path(prefix, o->gzip ? ".candidates.tsv.gz" : ".candidates.tsv");
        rc = cpath ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    if (!rc)
        rc = scan_open_rows(&af, cpath, o->gzip, &r.h, &r.out);
    if (!rc)
        rc = scan_pass(&r, path);
    if (r.out && gzclose(r.out) != Z_OK && !rc)
        rc = mrl_err_set(MRL_ERR_IO, "cannot write '%s'", cpath);
    r.out = NULL;
    if (!rc)
        rc = scan_finish(&af, &r.h, prefix, o->threshold, &st->loci);
    else
        mrl_atomic_abort(&af);
    st->t_total = mrl_seconds() - t0;
    free(cpath);
    free(r.let), free(r.code), free(r.arena), free(r.cseq), free(r.clen), free(r.cand);
    scan_stems_release(&r.stems[0]);
    scan_stems_release(&r.stems[1]);
    mrl_batch_release(&r.b);
    scan_hdr_release(&r.h);
    scan_repeats_release(&r.rep);
    return rc;
}
