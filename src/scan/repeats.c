/*
 * repeats.c - the input genome's own repeats, found without a repeat library.
 *
 * A genome scan's best-scored false positives are mostly repeat-derived inverted repeats
 * (transposon families, satellites) that fold into long, near-perfect stems; pre-miRNAs
 * are mostly single-copy. Like WindowMasker, the repeats are read off the input itself:
 * every canonical 16-mer (the smaller of the k-mer and its reverse complement, so both
 * strands count) is counted over the whole input, and those seen >= SCAN_REPEAT_COPIES
 * times are repeats. Three, not two: a hairpin's own two arms are reverse complements
 * and give each of their canonical k-mers two copies. A candidate's repeat share is the
 * fraction of its 16-nt windows whose k-mer is a repeat.
 *
 * Counting is exact and takes one pass over the input. An input of up to SCAN_REPEAT_PART
 * letters has its k-mers collected and radix-sorted (8 bytes a letter at most); a larger
 * one (a vertebrate genome) is counted in 2-bit saturating counters over the whole 16-mer
 * space (0, 1, 2, 3 or more copies: 1 GiB, whatever the input's size). Many passes over the
 * input, one per slice of the k-mer space, would cost an hour for a human genome, and every
 * shard of a cluster scan counts the whole input.
 */
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "scan.h"

#define SCAN_REPEAT_PART ((size_t)64 << 20) /* the most letters counted by sorting (their
                                               k-mers and the sort buffer, 2 x 4 bytes each) */
#define SCAN_REPEAT_PIECE ((size_t)1 << 20)

/* LSD radix sort of v[0..n) on 32-bit keys, tmp of n. */
static void radix_sort(uint32_t *v, uint32_t *tmp, size_t n)
{
    if (n == 0)
        return;
    for (int shift = 0; shift < 32; shift += 8) {
        size_t cnt[257] = {0};
        for (size_t i = 0; i < n; i++)
            cnt[((v[i] >> shift) & 255) + 1]++;
        for (int b = 0; b < 256; b++)
            cnt[b + 1] += cnt[b];
        for (size_t i = 0; i < n; i++)
            tmp[cnt[(v[i] >> shift) & 255]++] = v[i];
        memcpy(v, tmp, n * sizeof *v);
    }
}

/* Rolling canonical k-mers of a record's letters, fed piece by piece. */
typedef struct {
    uint32_t fwd, rev;
    int valid; /* letters since the last non-ACGT, capped at SCAN_REPEAT_K */
} roll_t;

static int roll(roll_t *k, uint8_t c, uint32_t *canon)
{
    if (c > 3) {
        k->valid = 0;
        return 0;
    }
    k->fwd = (k->fwd << 2) | c;
    k->rev = (k->rev >> 2) | ((uint32_t)(3 - c) << (2 * (SCAN_REPEAT_K - 1)));
    if (k->valid < SCAN_REPEAT_K)
        k->valid++;
    if (k->valid < SCAN_REPEAT_K)
        return 0;
    *canon = k->fwd < k->rev ? k->fwd : k->rev;
    return 1;
}

/* Where the canonical k-mers of one pass go, a piece's worth at a time. */
typedef struct {
    int (*add)(void *ud, const uint32_t *kmer, size_t n); /* 0 or an error code */
    void *ud;
} sink_t;

/* One pass over path: every canonical k-mer of every record, to sink; letters read to
 * tick. */
static int walk(const char *path, int skip_masked, const sink_t *sink, const scan_tick_t *tick)
{
    mrl_fasta_t *fa = NULL;
    int rc = mrl_fasta_open(&fa, path, NULL);
    uint32_t *batch = rc < 0 ? NULL : malloc(SCAN_REPEAT_PIECE * sizeof *batch);
    if (rc >= 0 && !batch)
        rc = MRL_ERR_NOMEM;
    mrl_seqpart_t p;
    roll_t k = {0, 0, 0};
    long cur = -1;
    uint64_t read = 0;
    while (rc >= 0 && (rc = mrl_fasta_read_part(fa, &p, SCAN_REPEAT_PIECE)) == 1) {
        if (p.index != cur)
            cur = p.index, k.valid = 0;
        size_t n = 0;
        for (size_t i = 0; i < p.len; i++)
            n += (size_t)roll(&k, scan_code_of(p.seq[i], skip_masked), &batch[n]);
        rc = sink->add(sink->ud, batch, n);
        read += p.len;
        if (tick && tick->fn)
            tick->fn(tick->ud, read);
    }
    free(batch);
    mrl_fasta_close(fa);
    return rc < 0 ? rc : 0;
}

/* ---- inputs of up to SCAN_REPEAT_PART letters: collect, sort, count runs ---- */

typedef struct {
    uint32_t *v;
    size_t n, cap, expect;
} list_t;

static int list_add(void *ud, const uint32_t *kmer, size_t n)
{
    list_t *l = ud;
    if (n == 0)
        return 0;
    uint32_t *g = mrl_grow(l->v, &l->cap, l->n + n, sizeof *g, l->expect);
    if (!g)
        return MRL_ERR_NOMEM;
    l->v = g;
    memcpy(l->v + l->n, kmer, n * sizeof *kmer);
    l->n += n;
    return 0;
}

static int count_sorted(scan_repeats_t *rp, const char *path, int skip_masked, uint64_t letters,
                        const scan_tick_t *tick)
{
    list_t l = {.expect = (size_t)letters + 4096}; /* a k-mer per letter at most */
    sink_t sink = {list_add, &l};
    int rc = walk(path, skip_masked, &sink, tick);
    uint32_t *tmp = rc < 0 || !l.n ? NULL : malloc(l.n * sizeof *tmp);
    if (rc >= 0 && l.n && !tmp)
        rc = MRL_ERR_NOMEM;
    if (rc >= 0 && l.n) {
        radix_sort(l.v, tmp, l.n);
        /* the repeats, written over the front of the sorted k-mers */
        for (size_t i = 0, j; i < l.n; i = j) {
            for (j = i + 1; j < l.n && l.v[j] == l.v[i]; j++)
                ;
            if (j - i >= SCAN_REPEAT_COPIES)
                l.v[rp->n++] = l.v[i];
        }
    }
    free(tmp);
    if (rc < 0) {
        free(l.v);
        return rc;
    }
    uint32_t *shrunk = rp->n ? realloc(l.v, rp->n * sizeof *shrunk) : NULL;
    if (!shrunk)
        free(l.v);
    rp->kmer = shrunk;
    return 0;
}

/* ---- larger inputs: 2-bit saturating counters, 4 to a byte, over all 4^16 k-mers ---- */

_Static_assert(SCAN_REPEAT_COPIES == 3, "a 2-bit counter saturates at 3 copies");
#define SCAN_TABLE_BYTES ((size_t)1 << (2 * SCAN_REPEAT_K - 2))

static int table_add(void *ud, const uint32_t *kmer, size_t n)
{
    uint8_t *t = ud;
    for (size_t i = 0; i < n; i++) {
        if (i + 16 < n)
            __builtin_prefetch(t + (kmer[i + 16] >> 2), 1);
        uint8_t *b = t + (kmer[i] >> 2);
        int shift = (int)(kmer[i] & 3) * 2;
        if (((*b >> shift) & 3) != 3)
            *b = (uint8_t)(*b + (1 << shift));
    }
    return 0;
}

static int count_table(scan_repeats_t *rp, const char *path, int skip_masked,
                       const scan_tick_t *tick)
{
    uint8_t *t = calloc(SCAN_TABLE_BYTES, 1);
    if (!t)
        return MRL_ERR_NOMEM;
    sink_t sink = {table_add, t};
    int rc = walk(path, skip_masked, &sink, tick);
    size_t cap = 0;
    /* in k-mer order, so the list comes out sorted; 32 counters a word, skipped whole
     * unless one of them is full (both bits of a pair set: byte order does not matter) */
    for (size_t w = 0; rc == 0 && w < SCAN_TABLE_BYTES / 8; w++) {
        uint64_t x;
        memcpy(&x, t + 8 * w, 8);
        if (!(x & (x >> 1) & 0x5555555555555555ull))
            continue;
        for (size_t b = 8 * w; b < 8 * w + 8 && rc == 0; b++)
            for (int j = 0; j < 4 && rc == 0; j++) {
                if (((t[b] >> (2 * j)) & 3) != 3)
                    continue;
                uint32_t *g = mrl_grow(rp->kmer, &cap, rp->n + 1, sizeof *g, 4096);
                if (!g)
                    rc = MRL_ERR_NOMEM;
                else
                    (rp->kmer = g)[rp->n++] = (uint32_t)(4 * b + (size_t)j);
            }
    }
    free(t);
    return rc;
}

int scan_repeats_build(scan_repeats_t *rp, const char *path, int skip_masked, uint64_t letters,
                       size_t max_sorted, const scan_tick_t *tick)
{
    memset(rp, 0, sizeof *rp);
    int rc = letters <= (max_sorted ? max_sorted : SCAN_REPEAT_PART)
                 ? count_sorted(rp, path, skip_masked, letters, tick)
                 : count_table(rp, path, skip_masked, tick);
    if (rc < 0) {
        scan_repeats_release(rp);
        if (rc == MRL_ERR_NOMEM)
            return mrl_err_set(rc, "out of memory counting the repeats of %s", path);
    }
    return rc < 0 ? rc : 0;
}

static int is_repeat(const scan_repeats_t *rp, uint32_t kmer)
{
    size_t lo = 0, hi = rp->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rp->kmer[mid] < kmer)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rp->n && rp->kmer[lo] == kmer;
}

double scan_repeat_share(const scan_repeats_t *rp, const uint8_t *code, size_t n)
{
    if (n < SCAN_REPEAT_K || rp->n == 0)
        return 0.0;
    roll_t k = {0, 0, 0};
    size_t hits = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c;
        if (roll(&k, code[i], &c) && is_repeat(rp, c))
            hits++;
    }
    return (double)hits / (double)(n - SCAN_REPEAT_K + 1);
}

void scan_repeats_release(scan_repeats_t *rp)
{
    free(rp->kmer);
    rp->kmer = NULL;
    rp->n = 0;
}
