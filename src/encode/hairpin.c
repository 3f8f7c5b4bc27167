/*
 * hairpin.c - the DeepMir hairpin image: terminal-loop choice, the two-strand walk and the
 * column map (Cordero, Menkovski & Allmer 2019; ImageCalc.jar, LocateLoop.locateCentral and
 * Alignment.getStemAlignment). Spec: docs/hairpin-image.md sections 4, 5 and 10.
 *
 * The walk is run twice: once to count its columns C (the image shows the last 100 steps
 * reversed, and the ramp of an unpaired run needs the nearest non-'.' column to its right,
 * which may lie beyond column 99), then to fill the columns that are drawn. No allocation.
 */
#include <string.h>
#include "encode.h"
#include "../util/util.h"

int enc_find_loop(const char *fold, size_t n, size_t *o, size_t *k)
{
    size_t mid = n / 2, best = n;
    int found = 0;
    for (size_t i = 0; i + 2 < n; i++) {
        if (fold[i] != '(' || fold[i + 1] != '.')
            continue;
        size_t j = i + 1;
        while (j < n && fold[j] == '.')
            j++;
        if (j < n && fold[j] == ')') {
            size_t d_open = mid > i ? mid - i : i - mid;
            size_t d_close = mid > j + 1 ? mid - (j + 1) : (j + 1) - mid;
            size_t d = MRL_MIN(d_open, d_close);
            if (d < best) { /* strict: the leftmost candidate wins a tie */
                best = d;
                *o = i;
                *k = j;
                found = 1;
            }
        }
        i = j - 1; /* no candidate can start inside the run of dots */
    }
    return found;
}

static void clear(mrl_hairpin_t *h)
{
    memset(h->rgb, 255, sizeof h->rgb);
    for (int c = 0; c < MRL_IMG_W; c++) {
        h->pos5[c] = -1;
        h->pos3[c] = -1;
    }
    memset(h->kind, MRL_COL_NONE, sizeof h->kind);
    memset(h->top_px, 0, sizeof h->top_px);
    memset(h->bot_px, 0, sizeof h->bot_px);
    h->ncols = h->used = 0;
    h->loop_open = h->loop_close = -1;
    h->dropped5 = h->dropped3 = 0;
}

/* State of the walk: i on the 5' strand [0, k), j on the 3' strand n-1, n-2, ..., o+1. */
typedef struct walk {
    const char *fold;
    size_t n, k, len3; /* len3 = n - 1 - o */
    size_t i, j;
} walk_t;

/* One step of the walk (spec 5): the column kind and positions; advances the pointers.
 * Returns 0 once either strand is exhausted (the rest of the other one is dropped). */
static int walk_step(walk_t *w, int *kind, int32_t *p5, int32_t *p3)
{
    if (w->i >= w->k || w->j >= w->len3)
        return 0;
    size_t q = w->n - 1 - w->j;
    int dot5 = w->fold[w->i] == '.', dot3 = w->fold[q] == '.';
    *p5 = *p3 = -1;
    if (dot5 != dot3) {
        if (dot5) {
            *kind = MRL_COL_TOP_ONLY;
            *p5 = (int32_t)w->i++;
        } else {
            *kind = MRL_COL_BOT_ONLY;
            *p3 = (int32_t)q;
            w->j++;
        }
        return 1;
    }
    *kind = dot5 ? MRL_COL_UNPAIRED : MRL_COL_PAIRED;
    *p5 = (int32_t)w->i++;
    *p3 = (int32_t)q;
    w->j++;
    return 1;
}

/* Fill the map of the drawn columns. r5/r3 receive, per column, the nearest column to the
 * right whose top/bottom status is not '.' (C if none), over all C columns. */
static void fill_map(mrl_hairpin_t *h, walk_t *w, int ncols, int *r5, int *r3)
{
    int last5 = ncols, last3 = ncols, kind;
    int32_t p5, p3;
    for (int c = ncols - 1; walk_step(w, &kind, &p5, &p3); c--) {
        if (c < MRL_IMG_W) {
            h->pos5[c] = p5;
            h->pos3[c] = p3;
            h->kind[c] = (uint8_t)kind;
            r5[c] = last5;
            r3[c] = last3;
        }
        if (kind == MRL_COL_PAIRED || kind == MRL_COL_BOT_ONLY)
            last5 = c; /* top status '|' or '-' */
        if (kind == MRL_COL_PAIRED || kind == MRL_COL_TOP_ONLY)
            last3 = c; /* bottom status '|' or '-' */
    }
}

/* Draw the used columns left to right, tracking the nearest non-'.' column to the left. */
static void draw(mrl_hairpin_t *h, const char *seq, const int *r5, const int *r3)
{
    int l5 = -1, l3 = -1;
    for (int c = 0; c < h->used; c++) {
        int kind = h->kind[c];
        char top = h->pos5[c] >= 0 ? seq[h->pos5[c]] : ENC_GAP;
        char bot = h->pos3[c] >= 0 ? seq[h->pos3[c]] : ENC_GAP;
        int dot5 = kind == MRL_COL_UNPAIRED || kind == MRL_COL_TOP_ONLY;
        int dot3 = kind == MRL_COL_UNPAIRED || kind == MRL_COL_BOT_ONLY;
        int base = enc_pair_len(bot, top);
        int ext5 = dot5 ? enc_run_extra(c, l5, r5[c]) : 0;
        int ext3 = dot3 ? enc_run_extra(c, l3, r3[c]) : 0;
        enc_draw_column(h->rgb, c, top, bot, base + ext5, base + ext3, &h->top_px[c],
                        &h->bot_px[c]);
        if (!dot5)
            l5 = c;
        if (!dot3)
            l3 = c;
    }
}

int mrl_encode_hairpin(const char *seq, size_t n, const char *structure, mrl_hairpin_t *out)
{
    if (!out)
        return mrl_err_set(MRL_ERR_ARG, "mrl_encode_hairpin: NULL output");
    clear(out);
    if (n == 0)
        return mrl_err_set(MRL_ERR_REFUSED, "empty sequence");
    if (!seq || !structure)
        return mrl_err_set(MRL_ERR_ARG, "mrl_encode_hairpin: NULL sequence or structure");
    if (n >= ((size_t)1 << 30))
        return mrl_err_set(MRL_ERR_RANGE, "sequence of %zu nt is too long to draw", n);
    for (size_t i = 0; i < n; i++)
        if (structure[i] != '.' && structure[i] != '(' && structure[i] != ')')
            return mrl_err_set(MRL_ERR_ARG, "structure: invalid character '%c' at %zu",
                               structure[i], i + 1);
    size_t o, k;
    if (!enc_find_loop(structure, n, &o, &k))
        return mrl_err_set(MRL_ERR_REFUSED, "no hairpin loop");

    walk_t w = {structure, n, k, n - 1 - o, 0, 0};
    int kind, ncols = 0;
    int32_t p5, p3;
    while (walk_step(&w, &kind, &p5, &p3))
        ncols++;
    out->ncols = ncols;
    out->used = MRL_MIN(ncols, MRL_IMG_W);
    out->loop_open = (int)o;
    out->loop_close = (int)k;
    out->dropped5 = (int)(k - w.i);
    out->dropped3 = (int)(w.len3 - w.j);

    int r5[MRL_IMG_W], r3[MRL_IMG_W];
    w.i = w.j = 0;
    fill_map(out, &w, ncols, r5, r3);
    draw(out, seq, r5, r3);
    return 0;
}

int mrl_encode_pixel_pos(const mrl_hairpin_t *h, int row, int col)
{
    if (row < 0 || row >= MRL_IMG_H || col < 0 || col >= h->used)
        return -1;
    if (row <= MRL_IMG_TOP_ROW)
        return row > MRL_IMG_TOP_ROW - h->top_px[col] ? h->pos5[col] : -1;
    return row <= MRL_IMG_TOP_ROW + h->bot_px[col] ? h->pos3[col] : -1;
}

void mrl_encode_to_chw(const uint8_t *rgb, float *chw)
{
    /* a table of the 256 quotients: one division each instead of one per element */
    float scale[256];
    for (int v = 0; v < 256; v++)
        scale[v] = (float)v / 255.0f;
    const size_t plane = (size_t)MRL_IMG_H * MRL_IMG_W;
    for (size_t ch = 0; ch < 3; ch++) {
        float *dst = chw + ch * plane;
        const uint8_t *src = rgb + ch;
        for (size_t p = 0; p < plane; p++)
            dst[p] = scale[src[3 * p]];
    }
}
