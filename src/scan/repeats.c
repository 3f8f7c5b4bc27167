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
 * Counting is exact: the k-mers are collected and radix-sorted. Memory is bounded: when
 * the input has more k-mers than SCAN_REPEAT_PART, the k-mer space is cut by a hash into
 * parts counted one pass over the input each.
 */
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "scan.h"

#define SCAN_REPEAT_PART ((size_t)64 << 20) /* letters per counting pass: the pass's k-mers
                                               and their sort buffer, 2 x 4 bytes each */
#define SCAN_REPEAT_PIECE ((size_t)1 << 20)

/* the part a canonical k-mer is counted in: a multiplicative hash (canonical k-mers are
 * not spread evenly over their top bits) */
static uint32_t part_of(uint32_t kmer, uint32_t nparts)
{
    return (uint32_t)(((uint64_t)(kmer * 2654435761u) * nparts) >> 32);
}

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

/* One pass over path: the canonical k-mers of part `part` of nparts into *v (first sized
 * for `expect` of them, so that memory is what the part needs, not a doubling past it). */
static int collect(const char *path, int skip_masked, uint32_t part, uint32_t nparts,
                   size_t expect, uint32_t **v, size_t *n, size_t *cap)
{
    mrl_fasta_t *fa = NULL;
    int rc = mrl_fasta_open(&fa, path, NULL);
    mrl_seqpart_t p;
    roll_t k = {0, 0, 0};
    long cur = -1;
    *n = 0;
    while (rc >= 0 && (rc = mrl_fasta_read_part(fa, &p, SCAN_REPEAT_PIECE)) == 1) {
        if (p.index != cur)
            cur = p.index, k.valid = 0;
        for (size_t i = 0; i < p.len; i++) {
            uint32_t c;
            if (!roll(&k, scan_code_of(p.seq[i], skip_masked), &c))
                continue;
            if (nparts > 1 && part_of(c, nparts) != part)
                continue;
            if (*n == *cap) {
                uint32_t *g = mrl_grow(*v, cap, *n + 1, sizeof **v, expect);
                if (!g) {
                    rc = MRL_ERR_NOMEM;
                    break;
                }
                *v = g;
            }
            (*v)[(*n)++] = c;
        }
    }
    mrl_fasta_close(fa);
    return rc < 0 ? rc : 0;
}

int scan_repeats_build(scan_repeats_t *rp, const char *path, int skip_masked, uint64_t letters,
                       size_t part_kmers)
{
    memset(rp, 0, sizeof *rp);
    uint64_t np = letters / (part_kmers ? part_kmers : SCAN_REPEAT_PART) + 1;
    if (np > 4096)
        return mrl_err_set(MRL_ERR_ARG, "%s: %llu letters: too many to count repeats in "
                           "(scan it in pieces, or give --max-repeat 1)", path,
                           (unsigned long long)letters);
    uint32_t nparts = (uint32_t)np;
    /* a part's k-mers: its share of the letters, and an eighth more for an uneven hash */
    size_t expect = (size_t)(letters / nparts + letters / nparts / 8 + 4096);
    uint32_t *v = NULL, *tmp = NULL;
    size_t n = 0, cap = 0, tcap = 0, rcap = 0;
    int rc = 0;
    for (uint32_t part = 0; part < nparts && rc == 0; part++) {
        if ((rc = collect(path, skip_masked, part, nparts, expect, &v, &n, &cap)) < 0)
            break;
        if (n > tcap) {
            free(tmp);
            tcap = n;
            if (!(tmp = malloc(tcap * sizeof *tmp))) {
                rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory counting the repeats of %s",
                                 path);
                break;
            }
        }
        radix_sort(v, tmp, n);
        for (size_t i = 0, j; i < n; i = j) {
            for (j = i + 1; j < n && v[j] == v[i]; j++)
                ;
            if (j - i < SCAN_REPEAT_COPIES)
                continue;
            uint32_t *g = mrl_grow(rp->kmer, &rcap, rp->n + 1, sizeof *g, 4096);
            if (!g) {
                rc = MRL_ERR_NOMEM;
                break;
            }
            rp->kmer = g;
            rp->kmer[rp->n++] = v[i];
        }
    }
    if (rc == 0 && nparts > 1 && rp->n > 0) {
        /* the parts' repeats, each sorted, are not in order together */
        uint32_t *t = rp->n <= tcap ? tmp : malloc(rp->n * sizeof *t);
        if (!t)
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory counting the repeats of %s", path);
        else
            radix_sort(rp->kmer, t, rp->n);
        if (t != tmp)
            free(t);
    }
    free(v);
    free(tmp);
    if (rc < 0)
        scan_repeats_release(rp);
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
