/*
 * stems.c - the scanner's candidate generator: hairpin stems in genomic sequence.
 *
 * A pre-miRNA is first of all a long, nearly perfect stem closing a short loop. Folding
 * every window of a genome exactly would cost ~1.6 ms per 110 nt, far too slow, so the
 * scanner looks for stems first with a local alignment of the sequence against itself
 * read backwards (einverted's idea, Rice et al. 2000), restricted to pairs (i, j) no
 * further apart than the longest hairpin, and folds only what it finds.
 *
 * H(i, j) is the best score of a stem whose outermost pair is (i, j):
 *   H(i, j) = max(0, H(i+1, j-1) + pair(i, j), H(i+1, j) + gap, H(i, j-1) + gap)
 * with j - i >= 4 (a loop of >= 3). It is computed column by column (j increasing), each
 * column over the span d = j - i, in O(max span) memory: the genome streams through.
 * Cells that end on a pair and reach the threshold are the raw hits; each innermost pair
 * (where the stem starts) keeps its best outward extension; overlapping hits are then
 * thinned to local maxima (see stems_thin).
 *
 * Both strands run on the + strand's letters: on the - strand the RNA at + position p is
 * the complement of s[p], and since the scores are symmetric (G-U scores as U-G) the
 * minus strand's stems are those of the complemented letters, coordinates unchanged.
 */
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "scan.h"

void scan_stem_opts_default(scan_stem_opts_t *o)
{
    o->max_span = MRL_SCAN_DEFAULT_MAX_SPAN;
    o->min_score = MRL_SCAN_DEFAULT_MIN_STEM;
    o->gc = 3;
    o->au = 2;
    o->gu = 1;
    o->mismatch = -3;
    o->gap = -4;
    o->raw = 0;
}

/* codes: 0 A, 1 C, 2 G, 3 U/T, 4 anything else (never pairs, breaks stems) */
static void pair_table(const scan_stem_opts_t *o, int strand, int t[5][5])
{
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 5; b++)
            t[a][b] = (a == 4 || b == 4) ? SCAN_NEVER : o->mismatch;
    /* + strand letters x, y pair on the - strand when comp(x), comp(y) pair */
    int A = 0, C = 1, G = 2, U = 3;
    if (strand < 0) {
        A = 3, U = 0, C = 2, G = 1;
    }
    t[G][C] = t[C][G] = o->gc;
    t[A][U] = t[U][A] = o->au;
    t[G][U] = t[U][G] = o->gu;
}

static int hit_cmp_start(const void *pa, const void *pb)
{
    const scan_stem_t *a = pa, *b = pb;
    if (a->in5 != b->in5)
        return a->in5 < b->in5 ? -1 : 1;
    if (a->in3 != b->in3)
        return a->in3 < b->in3 ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->start != b->start)
        return a->start > b->start ? -1 : 1; /* the same score: the longer stem */
    return (a->end > b->end) - (a->end < b->end);
}

static int hit_cmp_pos(const void *pa, const void *pb)
{
    const scan_stem_t *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    if (a->in5 != b->in5) /* a total order: qsort is not stable */
        return a->in5 < b->in5 ? -1 : 1;
    return (a->in3 > b->in3) - (a->in3 < b->in3);
}

/* a is better than b: higher score, then longer, then leftmost */
static int better(const scan_stem_t *a, const scan_stem_t *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    int64_t la = a->end - a->start, lb = b->end - b->start;
    if (la != lb)
        return la > lb;
    if (a->start != b->start)
        return a->start < b->start;
    return a->end < b->end;
}

/* Keep, for each innermost pair, its best extension; then drop every stem overlapping a
 * better one by at least half of the shorter of the two. A stem's fate depends only on
 * the stems within one span of it (no chain of greedy decisions), so a piece of genome
 * processed with a margin of three spans gives the same stems as the whole. */
static size_t stems_thin(scan_stem_t *h, size_t n, int max_span)
{
    if (n == 0)
        return 0;
    qsort(h, n, sizeof *h, hit_cmp_start);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (m == 0 || h[k].in5 != h[m - 1].in5 || h[k].in3 != h[m - 1].in3)
            h[m++] = h[k];
    qsort(h, m, sizeof *h, hit_cmp_pos);
    unsigned char *drop = calloc(m, 1);
    if (!drop)
        return (size_t)-1;
    for (size_t a = 0; a < m; a++) {
        /* neighbours: stems starting within one span before a, up to a's end */
        for (size_t b = a; b-- > 0 && h[b].start + max_span > h[a].start;) {
            int64_t ov = MRL_MIN(h[a].end, h[b].end) - h[a].start;
            int64_t shorter = MRL_MIN(h[a].end - h[a].start, h[b].end - h[b].start);
            if (ov > 0 && 2 * ov >= shorter) {
                if (better(&h[b], &h[a]))
                    drop[a] = 1;
                else
                    drop[b] = 1;
            }
        }
    }
    size_t w = 0;
    for (size_t k = 0; k < m; k++)
        if (!drop[k])
            h[w++] = h[k];
    free(drop);
    return w;
}

int scan_stems_find(const uint8_t *code, size_t n, int64_t offset, int strand,
                    const scan_stem_opts_t *o, scan_stems_t *out)
{
    out->n = 0;
    int D = o->max_span - 1; /* largest j - i */
    if (D < 4)
        return mrl_err_set(MRL_ERR_ARG, "maximal stem span %d is too short", o->max_span);
    int t[5][5];
    pair_table(o, strand, t);
    size_t W = (size_t)D + 1;
    int32_t *buf = calloc(6 * W, sizeof *buf);
    if (!buf)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    /* per column: score by span d, and the innermost pair of the path (its j, its span) */
    int32_t *Hp = buf, *Hc = buf + W, *Jp = buf + 2 * W, *Jc = buf + 3 * W;
    int32_t *Dp = buf + 4 * W, *Dc = buf + 5 * W;
    const int gap = o->gap;
    int rc = 0;
    int prev_zero = 1; /* the previous column holds no stem */
    for (size_t j = 0; j < n; j++) {
        int cj = code[j];
        /* a letter that never pairs after an empty column: this column is empty too (runs
         * of N cost one test per position) */
        if (cj == 4 && prev_zero)
            continue;
        int any = 0;
        Hc[0] = Hc[1] = Hc[2] = Hc[3] = 0;
        int dmax = (int)MRL_MIN((size_t)D, j);
        for (int d = 4; d <= dmax; d++) {
            int ci = code[j - (size_t)d];
            int p = t[ci][cj];
            /* inner pair (i+1, j-1): previous column, span d-2 (0 below a loop of 3) */
            int in = d - 2 >= 4 ? Hp[d - 2] : 0;
            int h = in + p, js, ds;
            if (in > 0) {
                js = Jp[d - 2];
                ds = Dp[d - 2];
            } else {
                js = (int32_t)j; /* the stem starts here */
                ds = d;
                h = p;
            }
            int ends_on_pair = 1;
            int g1 = Hc[d - 1] + gap; /* i unpaired: (i+1, j) */
            if (Hc[d - 1] > 0 && g1 > h) {
                h = g1, js = Jc[d - 1], ds = Dc[d - 1], ends_on_pair = 0;
            }
            int g2 = Hp[d - 1] + gap; /* j unpaired: (i, j-1) */
            if (Hp[d - 1] > 0 && g2 > h) {
                h = g2, js = Jp[d - 1], ds = Dp[d - 1], ends_on_pair = 0;
            }
            if (h <= 0) {
                Hc[d] = 0;
                continue;
            }
            Hc[d] = h, Jc[d] = js, Dc[d] = ds;
            any = 1;
            if (ends_on_pair && h >= o->min_score && p > 0) {
                scan_stem_t *v = mrl_grow(out->v, &out->cap, out->n + 1, sizeof *v, 1024);
                if (!v) {
                    rc = MRL_ERR_NOMEM;
                    goto done;
                }
                out->v = v;
                scan_stem_t *s = &out->v[out->n++];
                s->start = offset + (int64_t)j - d;
                s->end = offset + (int64_t)j + 1;
                s->in3 = offset + js;
                s->in5 = s->in3 - ds;
                s->score = h;
                s->strand = (int8_t)strand;
            }
        }
        for (int d = dmax + 1; d <= D; d++)
            Hc[d] = 0;
        prev_zero = !any;
        int32_t *x = Hp;
        Hp = Hc, Hc = x;
        x = Jp, Jp = Jc, Jc = x;
        x = Dp, Dp = Dc, Dc = x;
    }
    size_t m = o->raw ? out->n : stems_thin(out->v, out->n, o->max_span);
    if (m == (size_t)-1)
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    else
        out->n = m;
done:
    free(buf);
    return rc;
}

void scan_stems_release(scan_stems_t *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}
