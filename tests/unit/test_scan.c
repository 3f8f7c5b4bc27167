/*
 * test_scan.c - the scanner's stem finder (src/scan/stems.c) and the FASTA piece reader:
 * hand-worked stems on both strands; the rolling-column DP against a plain 2-D
 * implementation of the same recurrence on random sequence with N runs; the stems of a
 * piece with its margins equal to those of the whole; pieces of a record concatenating
 * to the record, and the reader's errors.
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

int main(void)
{
    hand_worked();
    against_naive();
    pieces();
    fasta_pieces();
    return test_summary("test_scan");
}
