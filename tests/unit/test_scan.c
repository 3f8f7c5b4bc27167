/*
 * test_scan.c - the scanner's stem finder (src/scan/stems.c) and the FASTA piece reader:
 * hand-worked stems on both strands; the rolling-column DP against a plain 2-D
 * implementation of the same recurrence on random sequence with N runs; the stems of a
 * piece with its margins equal to those of the whole; pieces of a record concatenating
 * to the record, and the reader's errors; the input's own repeats (repeats.c): a hand-worked
 * count and share, and the counted set against a plain all-pairs count of random sequence
 * with planted copies, the same whatever the number of counting passes.
 */
#include <unistd.h>
#include "mirlens.h"
#include "scan/scan.h"
#include "test.h"

static void encode(const char *s, uint8_t *c)
{
    for (size_t i = 0; s[i]; i++) {
        const char *p = strchr("ACGT", s[i]);
        c[i] = p ? (uint8_t)(p - "ACGT") : 4;
    }
}

static void hand_worked(void)
{
    scan_stem_opts_t o;
    scan_stem_opts_default(&o);
    scan_stems_t S = {0};
    uint8_t c[64];
    /* GGGG AAAA CCCC: four G-C pairs (3 each) closing a loop of 4 */
    encode("GGGGAAAACCCC", c);
    o.min_score = 12;
    CHECK(scan_stems_find(c, 12, 100, +1, &o, &S) == 0);
    CHECK_INT(S.n, 1);
    if (S.n == 1) {
        CHECK_INT(S.v[0].start, 100);
        CHECK_INT(S.v[0].end, 112);
        CHECK_INT(S.v[0].in5, 103);
        CHECK_INT(S.v[0].in3, 108);
        CHECK_INT(S.v[0].score, 12);
        CHECK_INT(S.v[0].strand, 1);
    }
    o.min_score = 13; /* nothing reaches 13 */
    CHECK(scan_stems_find(c, 12, 0, +1, &o, &S) == 0);
    CHECK_INT(S.n, 0);
    /* GGGG NNNN TTTT: G-U pairs (1 each) on +; on - the RNA is AAAA NNNN CCCC: no pair */
    encode("GGGGNNNNTTTT", c);
    o.min_score = 4;
    CHECK(scan_stems_find(c, 12, 0, +1, &o, &S) == 0);
    CHECK(S.n == 1 && S.v[0].score == 4);
    CHECK(scan_stems_find(c, 12, 0, -1, &o, &S) == 0);
    CHECK_INT(S.n, 0);
    /* the - strand of CCCC TTTT GGGG is CCCC AAAA GGGG: C-G pairs = GGGGAAAACCCC's */
    encode("CCCCTTTTGGGG", c);
    o.min_score = 12;
    CHECK(scan_stems_find(c, 12, 0, -1, &o, &S) == 0);
    CHECK(S.n == 1 && S.v[0].score == 12 && S.v[0].strand == -1);
    /* a bulge: GGGAGG ... CCCCC: the unpaired A costs 4 (gap): 5 pairs = 15, -4 = 11 */
    encode("GGGAGGAAAACCCCC", c);
    o.min_score = 11;
    CHECK(scan_stems_find(c, 15, 0, +1, &o, &S) == 0);
    CHECK(S.n == 1 && S.v[0].score == 11 && S.v[0].start == 0 && S.v[0].end == 15);
    /* an N never pairs: in GGGG AAAA CCNC the stem stops at the N */
    encode("GGGGAAAACCNC", c);
    o.min_score = 6;
    CHECK(scan_stems_find(c, 12, 0, +1, &o, &S) == 0);
    /* stems before the N score 6 (G2-C9 + G3-C8, or G0-C9 + G1-C8 around a longer loop):
     * equal scores, the longer one is kept */
    CHECK(S.n == 1 && S.v[0].start == 0 && S.v[0].end == 10 && S.v[0].in5 == 1 &&
          S.v[0].score == 6);
    for (size_t k = 0; k < S.n; k++)
        CHECK(!(S.v[k].start <= 1 && S.v[k].end >= 11)); /* no stem pairs across the N */
    /* two stems apart (no pair spans 20 nt): each innermost pair's weaker extensions and
     * the stems overlapping a better one by >= half are thinned away, one stem each */
    const char *two = "GGGGGGAAAACCCCCCNNNNNNNNNNNNNNNNNNNNGGGGAAAACCCC";
    size_t n2 = strlen(two);
    encode(two, c);
    o.min_score = 12;
    o.max_span = 20;
    CHECK(scan_stems_find(c, n2, 0, +1, &o, &S) == 0);
    CHECK_INT(S.n, 2);
    if (S.n == 2) {
        CHECK(S.v[0].start == 0 && S.v[0].end == 16 && S.v[0].score == 18);
        CHECK(S.v[1].start == 36 && S.v[1].end == 48 && S.v[1].score == 12);
    }
    o.max_span = 4;
    CHECK(scan_stems_find(c, n2, 0, +1, &o, &S) == MRL_ERR_ARG);
    scan_stems_release(&S);
}

/* The recurrence on a full (n x n) table, every cell kept: the reference for raw hits. */
static size_t naive(const uint8_t *c, int n, int strand, const scan_stem_opts_t *o,
                    scan_stem_t *out)
{
    int A = 0, C = 1, G = 2, U = 3;
    if (strand < 0)
        A = 3, U = 0, C = 2, G = 1;
    int *H = calloc((size_t)n * n, sizeof *H), *J = calloc((size_t)n * n, sizeof *J);
    int *Dd = calloc((size_t)n * n, sizeof *Dd);
    size_t m = 0;
#define AT(a, i, j) a[(size_t)(i) * n + (j)]
    for (int j = 0; j < n; j++)
        for (int d = 4; d <= o->max_span - 1 && d <= j; d++) {
            int i = j - d, ci = c[i], cj = c[j];
            int p = o->mismatch;
            if (ci == 4 || cj == 4)
                p = SCAN_NEVER;
            else if ((ci == G && cj == C) || (ci == C && cj == G))
                p = o->gc;
            else if ((ci == A && cj == U) || (ci == U && cj == A))
                p = o->au;
            else if ((ci == G && cj == U) || (ci == U && cj == G))
                p = o->gu;
            int in = d - 2 >= 4 ? AT(H, i + 1, j - 1) : 0;
            int h, js, ds, onpair = 1;
            if (in > 0)
                h = in + p, js = AT(J, i + 1, j - 1), ds = AT(Dd, i + 1, j - 1);
            else
                h = p, js = j, ds = d;
            if (AT(H, i + 1, j) > 0 && AT(H, i + 1, j) + o->gap > h)
                h = AT(H, i + 1, j) + o->gap, js = AT(J, i + 1, j), ds = AT(Dd, i + 1, j),
                onpair = 0;
            if (AT(H, i, j - 1) > 0 && AT(H, i, j - 1) + o->gap > h)
                h = AT(H, i, j - 1) + o->gap, js = AT(J, i, j - 1), ds = AT(Dd, i, j - 1),
                onpair = 0;
            if (h <= 0)
                continue;
            AT(H, i, j) = h, AT(J, i, j) = js, AT(Dd, i, j) = ds;
            if (onpair && p > 0 && h >= o->min_score)
                out[m++] = (scan_stem_t){.start = i, .end = j + 1, .in3 = js, .in5 = js - ds,
                                         .score = h, .strand = (int8_t)strand};
        }
#undef AT
    free(H), free(J), free(Dd);
    return m;
}

static void against_naive(void)
{
    mrl_rng_t rng;
    mrl_rng_init(&rng, 7, 1);
    enum { N = 600 };
    uint8_t c[N];
    scan_stem_t *ref = malloc(sizeof *ref * N * N);
    scan_stems_t S = {0};
    scan_stem_opts_t o;
    scan_stem_opts_default(&o);
    o.raw = 1;
    o.max_span = 60;
    o.min_score = 14;
    for (int rep = 0; rep < 6; rep++) {
        for (int i = 0; i < N; i++)
            c[i] = (uint8_t)mrl_rng_below(&rng, 4);
        /* an inverted repeat, and a run of N (every other repetition) */
        for (int i = 0; i < 20; i++)
            c[300 - i] = (uint8_t)(3 - c[200 + i]);
        if (rep % 2)
            memset(c + 400, 4, 90);
        int strand = rep < 3 ? 1 : -1;
        size_t m = naive(c, N, strand, &o, ref);
        CHECK(scan_stems_find(c, N, 0, strand, &o, &S) == 0);
        CHECK_INT(S.n, m);
        int same = S.n == m;
        for (size_t k = 0; k < m && same; k++)
            same = S.v[k].start == ref[k].start && S.v[k].end == ref[k].end
                   && S.v[k].in5 == ref[k].in5 && S.v[k].in3 == ref[k].in3
                   && S.v[k].score == ref[k].score;
        CHECK(same);
        CHECK(m > 20); /* the test sees hits */
    }
    free(ref);
    scan_stems_release(&S);
}

/* Stems of a piece with margins of four spans = the whole sequence's stems in the piece. */
static void pieces(void)
{
    mrl_rng_t rng;
    mrl_rng_init(&rng, 11, 2);
    enum { N = 5000 };
    static uint8_t c[N];
    for (int i = 0; i < N; i++)
        c[i] = (uint8_t)mrl_rng_below(&rng, 4);
    scan_stem_opts_t o;
    scan_stem_opts_default(&o);
    o.max_span = 80;
    o.min_score = 16;
    scan_stems_t all = {0}, part = {0};
    CHECK(scan_stems_find(c, N, 0, +1, &o, &all) == 0);
    CHECK(all.n > 10);
    size_t got = 0;
    int M = 4 * o.max_span, same = 1;
    for (int b0 = 0; b0 < N; b0 += 700) {
        int b1 = b0 + 700 < N ? b0 + 700 : N;
        int lo = b0 - M > 0 ? b0 - M : 0, hi = b1 + M < N ? b1 + M : N;
        CHECK(scan_stems_find(c + lo, (size_t)(hi - lo), lo, +1, &o, &part) == 0);
        for (size_t k = 0; k < part.n; k++) {
            if (part.v[k].start < b0 || part.v[k].start >= b1)
                continue;
            const scan_stem_t *a = got < all.n ? &all.v[got] : NULL;
            same &= a && a->start == part.v[k].start && a->end == part.v[k].end
                    && a->score == part.v[k].score;
            got++;
        }
    }
    CHECK(same);
    CHECK_INT(got, all.n);
    scan_stems_release(&all);
    scan_stems_release(&part);
}

static void fasta_pieces(void)
{
    char path[] = "/tmp/mirlens_test_scan_XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w");
    fprintf(fp, ">r1 some words\nACGTACGTAC\nGGGGG\nTTT\n\n>r2\nacgtNNNN\n");
    fclose(fp);
    mrl_fasta_t *fa = NULL;
    CHECK(mrl_fasta_open(&fa, path, NULL) == 0);
    mrl_seqpart_t p;
    char got[64] = "", got2[64] = "";
    int parts = 0, lasts = 0;
    while (mrl_fasta_read_part(fa, &p, 6) == 1) {
        parts++;
        if (p.index == 0) {
            CHECK_STR(p.id, "r1");
            CHECK_INT(p.offset, strlen(got));
            strncat(got, p.seq, p.len);
        } else {
            CHECK_STR(p.id, "r2");
            strncat(got2, p.seq, p.len);
        }
        lasts += p.last;
    }
    CHECK_STR(got, "ACGTACGTACGGGGGTTT");
    CHECK_STR(got2, "acgtNNNN");
    CHECK_INT(lasts, 2);
    CHECK(parts >= 3);
    mrl_fasta_close(fa);
    fp = fopen(path, "w");
    fprintf(fp, ">r1\nACGT\n>r2\n>r3\nAC\n");
    fclose(fp);
    CHECK(mrl_fasta_open(&fa, path, NULL) == 0);
    int rc;
    while ((rc = mrl_fasta_read_part(fa, &p, 100)) == 1)
        ;
    CHECK_INT(rc, MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "record 'r2' (line 3) has no sequence") != NULL);
    mrl_fasta_close(fa);
    fp = fopen(path, "w");
    fprintf(fp, "ACGT\n");
    fclose(fp);
    CHECK(mrl_fasta_open(&fa, path, NULL) == 0);
    CHECK_INT(mrl_fasta_read_part(fa, &p, 100), MRL_ERR_PARSE);
    CHECK(strstr(mrl_errmsg(), "expected a '>' header") != NULL);
    mrl_fasta_close(fa);
    unlink(path);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
}

static void rc_str(const char *s, char *out)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        const char *p = strchr("ACGT", s[n - 1 - i]);
        out[i] = p ? "TGCA"[p - "ACGT"] : 'N';
    }
    out[n] = '\0';
}

/* X = ACGTTGCAAGGCTTCA is seen twice on + and once as its reverse complement (3 copies:
 * a repeat); Y = CCCCAAAAGGGGTTTA twice (a hairpin's two arms: not one). Records and N
 * break k-mers: a copy split by a header or an N does not count. */
static void repeats_hand_worked(void)
{
    char path[] = "/tmp/mirlens_test_rep_XXXXXX";
    close(mkstemp(path));
    const char *X = "ACGTTGCAAGGCTTCA", *Y = "CCCCAAAAGGGGTTTA";
    char Xr[17], text[512];
    rc_str(X, Xr);
    snprintf(text, sizeof text, ">a\n%sT\n%s\n%s\n>b\n%s\nAC\n>c\nACGTTGCAAG\n>d\nGCTTCA\n%sN%s\n",
             X, Y, X, Xr, Y, "ACGTTGCANGGCTTCA");
    write_file(path, text);
    scan_repeats_t rp;
    /* the table (max_sorted 1) finds what sorting finds */
    CHECK(scan_repeats_build(&rp, path, 0, 200, 1, NULL) == 0);
    CHECK_INT(rp.n, 1);
    uint32_t table_kmer = rp.n == 1 ? rp.kmer[0] : 0;
    scan_repeats_release(&rp);
    CHECK(scan_repeats_build(&rp, path, 0, 200, 0, NULL) == 0);
    uint8_t c[64];
    encode(X, c);
    /* canonical X: the smaller of X and its reverse complement as 2-bit codes */
    uint32_t fx = 0, rx = 0;
    for (int i = 0; i < 16; i++)
        fx = fx << 2 | c[i], rx = rx >> 2 | (uint32_t)(3 - c[i]) << 30;
    CHECK_INT(rp.n, 1);
    if (rp.n == 1)
        CHECK(rp.kmer[0] == (fx < rx ? fx : rx) && table_kmer == rp.kmer[0]);
    /* shares: X + 4 letters = 5 windows, 1 repeated */
    char q[64];
    snprintf(q, sizeof q, "%sGGGG", X);
    encode(q, c);
    CHECK(scan_repeat_share(&rp, c, 20) == 0.2);
    encode(Xr, c);
    CHECK(scan_repeat_share(&rp, c, 16) == 1.0);
    CHECK(scan_repeat_share(&rp, c, 15) == 0.0); /* shorter than a k-mer */
    encode(Y, c);
    CHECK(scan_repeat_share(&rp, c, 16) == 0.0);
    scan_repeats_release(&rp);
    /* lowercase counts as sequence, unless masked letters are skipped */
    snprintf(text, sizeof text, ">a\n%s\n%s\nacgttgcaaggcttca\n", X, X);
    write_file(path, text);
    CHECK(scan_repeats_build(&rp, path, 0, 48, 0, NULL) == 0);
    CHECK_INT(rp.n, 1);
    scan_repeats_release(&rp);
    CHECK(scan_repeats_build(&rp, path, 1, 48, 0, NULL) == 0);
    CHECK_INT(rp.n, 0);
    scan_repeats_release(&rp);
    /* the smallest and the largest canonical k-mer, AAAA... (0, also TTTT...'s) and
     * TTTTTTTTAAAAAAAA (0xFFFF0000, its own reverse complement), three times each; CCCC...
     * twice only */
    write_file(path, ">a\nAAAAAAAAAAAAAAAAAA\nNTTTTTTTTAAAAAAAANTTTTTTTTAAAAAAAA\n"
                     ">b\nTTTTTTTTAAAAAAAANCCCCCCCCCCCCCCCCC\n");
    for (size_t max_sorted = 0; max_sorted <= 1; max_sorted++) {
        CHECK(scan_repeats_build(&rp, path, 0, 100, max_sorted, NULL) == 0);
        CHECK_INT(rp.n, 2);
        if (rp.n == 2)
            CHECK(rp.kmer[0] == 0 && rp.kmer[1] == 0xFFFF0000u);
        scan_repeats_release(&rp);
    }
    /* no k-mer at all (records shorter than 16): an empty set, no share */
    write_file(path, ">a\nACGU\n>b\nACGTACGTACGTACG\n");
    CHECK(scan_repeats_build(&rp, path, 0, 19, 0, NULL) == 0);
    CHECK_INT(rp.n, 0);
    CHECK(scan_repeat_share(&rp, c, 16) == 0.0);
    scan_repeats_release(&rp);
    unlink(path);
    CHECK(scan_repeats_build(&rp, path, 0, 48, 0, NULL) < 0);
    CHECK(strstr(mrl_errmsg(), path) != NULL);
}

static int canon_at(const char *s, size_t i, uint32_t *out)
{
    uint32_t f = 0, r = 0;
    for (int j = 0; j < 16; j++) {
        const char *p = strchr("ACGT", s[i + (size_t)j]);
        if (!p || !s[i + (size_t)j])
            return 0;
        uint32_t v = (uint32_t)(p - "ACGT");
        f = f << 2 | v, r = r >> 2 | (3 - v) << 30;
    }
    *out = f < r ? f : r;
    return 1;
}

/* Random records with 16-40 nt segments copied 1-4 times, some reverse-complemented, and
 * N runs: the counted set equals an all-pairs count, both by sorting and in the table of
 * 2-bit counters (what inputs over 64 M letters use). */
static void repeats_against_naive(void)
{
    mrl_rng_t rng;
    mrl_rng_init(&rng, 5, 1);
    enum { R = 3, L = 1500 };
    static char rec[R][L + 1];
    for (int r = 0; r < R; r++) {
        for (int i = 0; i < L; i++)
            rec[r][i] = "ACGT"[mrl_rng_below(&rng, 4)];
        rec[r][L] = '\0';
    }
    for (int k = 0; k < 12; k++) {
        int len = 16 + (int)mrl_rng_below(&rng, 25), copies = 1 + (int)mrl_rng_below(&rng, 4);
        int r0 = (int)mrl_rng_below(&rng, R), p0 = (int)mrl_rng_below(&rng, L - len);
        char seg[48], segr[48];
        memcpy(seg, rec[r0] + p0, (size_t)len);
        seg[len] = '\0';
        rc_str(seg, segr);
        for (int c = 0; c < copies; c++) {
            int r = (int)mrl_rng_below(&rng, R), p = (int)mrl_rng_below(&rng, L - len);
            memcpy(rec[r] + p, mrl_rng_below(&rng, 2) ? segr : seg, (size_t)len);
        }
    }
    for (int k = 0; k < 6; k++) {
        int r = (int)mrl_rng_below(&rng, R), p = (int)mrl_rng_below(&rng, L - 5);
        memset(rec[r] + p, 'N', 1 + mrl_rng_below(&rng, 4));
    }
    char path[] = "/tmp/mirlens_test_rep_XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w");
    for (int r = 0; r < R; r++)
        fprintf(fp, ">r%d\n%.*s\n%s\n", r, 700, rec[r], rec[r] + 700);
    fclose(fp);
    /* all-pairs: a canonical k-mer's copies over every record */
    static uint32_t km[R * L];
    size_t nk = 0;
    for (int r = 0; r < R; r++)
        for (size_t i = 0; i + 16 <= L; i++)
            nk += canon_at(rec[r], i, &km[nk]);
    static uint32_t want[R * L];
    size_t nw = 0;
    for (size_t i = 0; i < nk; i++) {
        int copies = 0, seen = 0;
        for (size_t j = 0; j < nk; j++) {
            copies += km[j] == km[i];
            seen |= j < i && km[j] == km[i];
        }
        if (copies >= 3 && !seen)
            want[nw++] = km[i];
    }
    CHECK(nw >= 20);
    scan_repeats_t a, b;
    CHECK(scan_repeats_build(&a, path, 0, R * L, 0, NULL) == 0);
    CHECK(scan_repeats_build(&b, path, 0, R * L, 700, NULL) == 0); /* over 700 letters: the table */
    CHECK_INT(a.n, nw);
    CHECK_INT(b.n, nw);
    int same = a.n == nw && b.n == nw;
    for (size_t i = 0; i < nw && same; i++) {
        int found = 0;
        for (size_t j = 0; j < a.n; j++)
            found |= a.kmer[j] == want[i];
        same = found && a.kmer[i] == b.kmer[i] && (i == 0 || a.kmer[i - 1] < a.kmer[i]);
    }
    CHECK(same);
    /* a record's share: its repeated windows over its windows, counted by hand */
    uint8_t c[L];
    encode(rec[1], c);
    size_t hits = 0, windows = L - 15;
    for (size_t i = 0; i + 16 <= L; i++) {
        uint32_t k;
        if (!canon_at(rec[1], i, &k))
            continue;
        for (size_t j = 0; j < nw; j++)
            if (want[j] == k) {
                hits++;
                break;
            }
    }
    CHECK(hits > 0);
    CHECK(scan_repeat_share(&a, c, L) == (double)hits / (double)windows);
    scan_repeats_release(&a);
    scan_repeats_release(&b);
    unlink(path);
}

/* Progress of a scan: the repeat count first (counting = 1, letters of the whole input
 * read, each record's end reported), then the scan proper (counting = 0) up to its total. */
typedef struct {
    mrl_scan_progress_t ev[64];
    int n;
} events_t;

static void on_event(void *ud, const mrl_scan_progress_t *p)
{
    events_t *v = ud;
    if (v->n < 64)
        v->ev[v->n++] = *p;
}

static void progress_reports(void)
{
    char path[] = "/tmp/mirlens_test_prog_XXXXXX";
    close(mkstemp(path));
    enum { R = 3, L = 5000 };
    FILE *fp = fopen(path, "w");
    mrl_rng_t rng;
    mrl_rng_init(&rng, 5, 5);
    for (int r = 0; r < R; r++) {
        fprintf(fp, ">r%d\n", r);
        for (int i = 0; i < L; i++) {
            fputc("ACGT"[mrl_rng_below(&rng, 4)], fp);
            if (i % 60 == 59)
                fputc('\n', fp);
        }
        fputc('\n', fp);
    }
    fclose(fp);
    mrl_scan_opts_t o;
    mrl_scan_opts_default(&o);
    o.no_score = 1;
    events_t v = {.n = 0};
    o.on_progress = on_event, o.ud = &v;
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s.out", path);
    CHECK(mrl_scan_genome(NULL, path, prefix, &o, NULL) == 0);
    int k = 0;
    for (; k < v.n && v.ev[k].counting; k++) {
        CHECK(v.ev[k].total == (uint64_t)R * L);
        CHECK(v.ev[k].done == (uint64_t)(k + 1) * L); /* one piece a record */
    }
    CHECK_INT(k, R);
    for (int j = k; j < v.n; j++)
        CHECK(!v.ev[j].counting && v.ev[j].total == (uint64_t)R * L &&
              (j == k || v.ev[j].done > v.ev[j - 1].done));
    CHECK(v.n > k && v.ev[v.n - 1].done == (uint64_t)R * L);
    /* no repeat filter: no counting */
    v.n = 0;
    o.max_repeat = 1.0f;
    CHECK(mrl_scan_genome(NULL, path, prefix, &o, NULL) == 0);
    CHECK(v.n > 0 && !v.ev[0].counting);
    const char *ext[] = {".candidates.tsv", ".bed", ".gff3"};
    for (int e = 0; e < 3; e++) {
        char f[96];
        snprintf(f, sizeof f, "%s%s", prefix, ext[e]);
        unlink(f);
    }
    unlink(path);
}

int main(void)
{
    hand_worked();
    against_naive();
    pieces();
    fasta_pieces();
    repeats_hand_worked();
    repeats_against_naive();
    progress_reports();
    return test_summary("test_scan");
}
