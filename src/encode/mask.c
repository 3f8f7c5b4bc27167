/*
 * mask.c - hairpin images with some nucleotides taken out, for deletion / insertion
 * curves (Petsiuk, Das & Saenko 2018, RISE; Samek et al. 2017). Two ways to take a base
 * out: erase its bars to the white background (the reference image every attribution
 * method uses), or redraw the image with the base replaced by N (the encoder's "unknown
 * letter": black bars, pair term 4). Geometry as docs/hairpin-image.md section 6.
 */
#include <string.h>
#include "encode.h"
#include "../util/util.h"

/* Every drawn position of h must index the n-letter sequence (and the mask). */
static int check_map(const mrl_hairpin_t *h, size_t n)
{
    if (h->used < 0 || h->used > MRL_IMG_W)
        return mrl_err_set(MRL_ERR_ARG, "mrl_encode_masked: bad hairpin (used = %d)", h->used);
    for (int c = 0; c < h->used; c++)
        if (h->pos5[c] < -1 || h->pos3[c] < -1 || h->pos5[c] >= (int64_t)n ||
            h->pos3[c] >= (int64_t)n)
            return mrl_err_set(MRL_ERR_ARG,
                               "mrl_encode_masked: column %d of the hairpin is not a position "
                               "of the %zu-letter sequence",
                               c, n);
    return 0;
}

static void paint_white(uint8_t *rgb, int row, int c)
{
    memset(rgb + ((size_t)row * MRL_IMG_W + (size_t)c) * 3, 255, 3);
}

/* Erase the bars of masked positions: exactly the pixels mrl_encode_pixel_pos gives to
 * them (top bar rows 12-(top_px-1) .. 12, bottom bar rows 13 .. 12+bot_px). */
static void mask_white(const mrl_hairpin_t *h, const uint8_t *mask, uint8_t *rgb)
{
    memcpy(rgb, h->rgb, MRL_IMG_BYTES);
    for (int c = 0; c < h->used; c++) {
        if (h->pos5[c] >= 0 && mask[h->pos5[c]])
            for (int row = MRL_IMG_TOP_ROW - (h->top_px[c] - 1); row <= MRL_IMG_TOP_ROW; row++)
                paint_white(rgb, row, c);
        if (h->pos3[c] >= 0 && mask[h->pos3[c]])
            for (int row = MRL_IMG_TOP_ROW + 1; row <= MRL_IMG_TOP_ROW + h->bot_px[c]; row++)
                paint_white(rgb, row, c);
    }
}

static int any_drawn_masked(const mrl_hairpin_t *h, const uint8_t *mask)
{
    for (int c = 0; c < h->used; c++)
        if ((h->pos5[c] >= 0 && mask[h->pos5[c]]) || (h->pos3[c] >= 0 && mask[h->pos3[c]]))
            return 1;
    return 0;
}

/* Redraw with N at the masked positions. The walk depends on the structure alone, so the
 * column map must come out as h's; if it does not, h was drawn from something else. A
 * position no column shows cannot change the image: with no drawn position masked the
 * result is h->rgb without redrawing. */
static int mask_n(const mrl_hairpin_t *h, const char *seq, const char *structure, size_t n,
                  const uint8_t *mask, uint8_t *rgb)
{
    if (!seq || !structure)
        return mrl_err_set(MRL_ERR_ARG, "mrl_encode_masked: N masking needs seq and structure");
    if (!any_drawn_masked(h, mask)) {
        memcpy(rgb, h->rgb, MRL_IMG_BYTES);
        return 0;
    }
    /* hairpins are short: a stack copy avoids an allocation per image in curve loops */
    char small[512], *s2 = n <= sizeof small ? small : malloc(n);
    mrl_hairpin_t tmp;
    if (!s2)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t p = 0; p < n; p++)
        s2[p] = mask[p] ? 'N' : seq[p];
    int rc = mrl_encode_hairpin(s2, n, structure, &tmp);
    if (rc) {
        char why[256]; /* the message buffer is about to be rewritten: copy it first */
        snprintf(why, sizeof why, "%s", mrl_errmsg());
        rc = mrl_err_set(MRL_ERR_ARG, "mrl_encode_masked: cannot redraw: %s", why);
    } else if (tmp.used != h->used ||
               memcmp(tmp.pos5, h->pos5, (size_t)h->used * sizeof *h->pos5) != 0 ||
               memcmp(tmp.pos3, h->pos3, (size_t)h->used * sizeof *h->pos3) != 0) {
        rc = mrl_err_set(MRL_ERR_ARG,
                         "mrl_encode_masked: the hairpin was not drawn from this structure");
    } else {
        memcpy(rgb, tmp.rgb, MRL_IMG_BYTES);
    }
    if (s2 != small)
        free(s2);
    return rc;
}

int mrl_encode_masked(const mrl_hairpin_t *h, const char *seq, const char *structure, size_t n,
                      const uint8_t *mask, int mode, uint8_t *rgb_out)
{
    if (!h || !mask || !rgb_out)
        return mrl_err_set(MRL_ERR_ARG, "mrl_encode_masked: NULL hairpin, mask or output");
    if (mode != MRL_MASK_WHITE && mode != MRL_MASK_N)
        return mrl_err_set(MRL_ERR_ARG, "mrl_encode_masked: unknown mask mode %d", mode);
    int rc = check_map(h, n);
    if (rc)
        return rc;
    if (mode == MRL_MASK_N)
        return mask_n(h, seq, structure, n, mask, rgb_out);
    mask_white(h, mask, rgb_out);
    return 0;
}
