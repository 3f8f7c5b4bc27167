/*
 * scan.h - internal to src/scan/: the stem finder (stems.c) under the genome scanner.
 */
#ifndef MRL_SCAN_H
#define MRL_SCAN_H

#include <stdint.h>
#include <zlib.h>
#include "mirlens.h"

#define SCAN_NEVER (-10000) /* pair score of a letter that never pairs (N, masked) */

/* 0 A, 1 C, 2 G, 3 U/T, 4 anything else (N, IUPAC; lowercase too when skip_masked) */
static inline uint8_t scan_code_of(char c, int skip_masked)
{
    if (skip_masked && c >= 'a' && c <= 'z')
        return 4;
    switch (c) {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'T': case 't': case 'U': case 'u': return 3;
    default: return 4;
    }
}

typedef struct scan_stem_opts {
    int max_span;  /* longest stem, outermost pair included (nt) */
    int min_score; /* threshold on the stem score */
    int gc, au, gu, mismatch, gap;
    int raw;       /* 1: every cell >= min_score that ends on a pair, unthinned (tests) */
} scan_stem_opts_t;

void scan_stem_opts_default(scan_stem_opts_t *o);

/* One stem on one strand, + strand coordinates (0-based, end exclusive). */
typedef struct scan_stem {
    int64_t start, end; /* outermost pair: start and end - 1 */
    int64_t in5, in3;   /* innermost pair */
    int32_t score;
    int8_t strand;      /* +1 or -1 */
} scan_stem_t;

typedef struct scan_stems {
    scan_stem_t *v;
    size_t n, cap;
} scan_stems_t;

/* Stems of code[0..n) (0 A, 1 C, 2 G, 3 U/T, 4 other), whose first letter sits at
 * `offset`, on strand +1 or -1, into out (reused: previous contents dropped): each
 * innermost pair's best extension, thinned to local maxima, sorted by start then end
 * (o->raw: all hits, in column order). 0 or MRL_ERR_NOMEM / MRL_ERR_ARG. */
int scan_stems_find(const uint8_t *code, size_t n, int64_t offset, int strand,
                    const scan_stem_opts_t *o, scan_stems_t *out);
void scan_stems_release(scan_stems_t *s);

/* ---- the input's own repeats (repeats.c) ---- */

#define SCAN_REPEAT_K 16      /* k-mer length (2 bits a letter: one uint32) */
#define SCAN_REPEAT_COPIES 3  /* copies, both strands, that make a k-mer a repeat */

/* The canonical 16-mers seen >= SCAN_REPEAT_COPIES times in an input, sorted. */
typedef struct scan_repeats {
    uint32_t *kmer;
    size_t n;
} scan_repeats_t;

/* Letters of the input read so far, after each piece (may be NULL). */
typedef struct scan_tick {
    void (*fn)(void *ud, uint64_t letters);
    void *ud;
} scan_tick_t;

/* Count the canonical 16-mers of every record of path (letters coded by scan_code_of, so
 * with skip_masked a masked letter breaks k-mers as an N does), in one pass; letters: the
 * input's letter count (from scan_header). Inputs of up to max_sorted letters (0: the
 * default, 64 M) are counted by sorting their k-mers (memory 8 bytes a letter), larger ones
 * in a table of 2-bit counters (1 GiB); tests use a small max_sorted to compare the two.
 * tick (may be NULL) hears how far the pass has read. 0 or an error code (message names
 * path). */
int scan_repeats_build(scan_repeats_t *rp, const char *path, int skip_masked, uint64_t letters,
                       size_t max_sorted, const scan_tick_t *tick);
/* Share of the 16-nt windows of code[0..n) whose k-mer is a repeat (0 when n < 16). */
double scan_repeat_share(const scan_repeats_t *rp, const uint8_t *code, size_t n);
void scan_repeats_release(scan_repeats_t *rp);

/* ---- the scan's header and outputs (out.c) ---- */

/* A record of the genome as the scan sees it (+ strand positions, 0-based). */
typedef struct scan_rec {
    char *name;
    int64_t len;            /* letters in the record */
    int64_t from, to;       /* the part scanned: all of it, or the region */
    int64_t own_lo, own_hi; /* this shard's positions (own_lo == own_hi: none) */
} scan_rec_t;

/* What the candidates file's header says; equal headers = parts of one scan. */
typedef struct scan_hdr {
    scan_rec_t *rec;    /* in input order; records outside the region have from == to */
    size_t nrec;
    char *settings;     /* the "#settings" line's text */
    int shard, nshards;
    uint64_t own_total; /* positions this shard scans */
} scan_hdr_t;

/* First pass over path: records and lengths, the region and the shard's part. */
int scan_header(scan_hdr_t *h, const char *path, const mrl_scan_opts_t *o);
void scan_hdr_release(scan_hdr_t *h);
/* prefix + suffix, malloc'ed (NULL when out of memory). */
char *scan_path(const char *prefix, const char *suffix);
/* Open path atomically and write the header; *gz takes the rows (gzip or plain). */
int scan_open_rows(mrl_atomic_t *af, const char *path, int gzip, const scan_hdr_t *h,
                   gzFile *gz);
/* The candidates file af (closed rows, not yet committed) -> PREFIX.bed and PREFIX.gff3
 * (loci at threshold), then all three committed. On error all three are removed. */
int scan_finish(mrl_atomic_t *af, const scan_hdr_t *h, const char *prefix, float threshold,
                long *loci);

#endif
