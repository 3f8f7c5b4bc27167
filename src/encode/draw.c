/*
 * draw.c - drawing rules of one hairpin-image column: pair table, colours and the length
 * ramp of unpaired runs, as DeepDrawRun.getBndDst / getNucCol / getLineLen of DeepMir's
 * ImageCalc.jar (Cordero et al. 2019). Spec: docs/hairpin-image.md section 6.
 */
#include <string.h>
#include "encode.h"

/* Letter classes of the pair table; T and U share a class, case is ignored. */
enum { CL_A, CL_C, CL_G, CL_U, CL_GAP, CL_OTHER };

static int letter_class(char ch)
{
    switch (ch) {
    case 'A':
    case 'a':
        return CL_A;
    case 'C':
    case 'c':
        return CL_C;
    case 'G':
    case 'g':
        return CL_G;
    case 'U':
    case 'u':
    case 'T':
    case 't':
        return CL_U;
    case ENC_GAP:
        return CL_GAP;
    default:
        return CL_OTHER;
    }
}

/* getBndDst(bottom, top), spec 6.1. Rows: bottom class, columns: top class. The gap/gap
 * cell cannot occur (the walk never emits it) and is given the letter-vs-gap value. */
/* clang-format off */
static const uint8_t pair_len_tab[6][6] = {
    /*            A  C  G  U  -  X */
    /* A */      {4, 4, 4, 2, 1, 4},
    /* C */      {4, 4, 1, 4, 1, 4},
    /* G */      {4, 1, 4, 3, 1, 4},
    /* U */      {2, 4, 3, 4, 1, 4},
    /* - */      {1, 1, 1, 1, 1, 1},
    /* X */      {4, 4, 4, 4, 4, 4},
};
/* clang-format on */

int enc_pair_len(char bot, char top)
{
    return pair_len_tab[letter_class(bot)][letter_class(top)];
}

int enc_run_extra(int c, int l, int r)
{
    /* getLineLen: N is meant to be the run length but is computed as l + r + 1, which is
     * right only for a run starting at column 0 (l = -1); kept on purpose (spec 13.1). */
    int len = l + r + 1;
    int p = c - l; /* 1-based position in the run */
    return p > len / 2 ? 2 * (len - p + 1) : 2 * p;
}

static const uint8_t colours[6][3] = {
    {255, 255, 0}, /* A yellow */
    {0, 0, 255},   /* C blue */
    {255, 0, 0},   /* G red */
    {0, 255, 0},   /* U/T green */
    {0, 0, 0},     /* gap black */
    {0, 0, 0},     /* anything else black */
};

const uint8_t *enc_colour(char ch)
{
    return colours[letter_class(ch)];
}

static void paint(uint8_t *rgb, int row, int c, const uint8_t *col)
{
    uint8_t *px = rgb + ((size_t)row * MRL_IMG_W + (size_t)c) * 3;
    px[0] = col[0];
    px[1] = col[1];
    px[2] = col[2];
}

void enc_draw_column(uint8_t *rgb, int c, char top, char bot, int top_len, int bot_len,
                     uint8_t *top_px, uint8_t *bot_px)
{
    const int mid = MRL_IMG_TOP_ROW;
    int last = mid + 1 + bot_len; /* bottom bar: rows mid+1 .. mid+1+bot_len */
    if (last > MRL_IMG_H - 1)
        last = MRL_IMG_H - 1;
    const uint8_t *cb = enc_colour(bot);
    for (int row = mid + 1; row <= last; row++)
        paint(rgb, row, c, cb);
    *bot_px = (uint8_t)(last - mid);

    int first = mid - top_len; /* top bar: rows mid-top_len .. mid */
    if (first < 0)
        first = 0;
    const uint8_t *ct = enc_colour(top);
    for (int row = first; row <= mid; row++)
        paint(rgb, row, c, ct);
    *top_px = (uint8_t)(mid - first + 1);
}
