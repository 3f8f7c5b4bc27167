/*
 * nucleotide.c - from pixels to nucleotides: a pixel map summed over the bars the encoder
 * drew for each base (its column map, docs/hairpin-image.md sections 5-6). Each position's
 * partner and loop context come with the fold (src/fold/structure.c, mrl_fe_item_t).
 */
#include <string.h>
#include "../util/util.h"

void mrl_explain_nucleotides(const mrl_hairpin_t *h, const float *map, size_t n, float *attr,
                             int *npx)
{
    memset(attr, 0, n * sizeof(float));
    if (npx)
        memset(npx, 0, n * sizeof(int));
    for (int c = 0; c < h->used; c++)
        for (int r = 0; r < MRL_IMG_H; r++) {
            int p = mrl_encode_pixel_pos(h, r, c);
            if (p < 0 || (size_t)p >= n)
                continue;
            attr[p] += map[r * MRL_IMG_W + c];
            if (npx)
                npx[p]++;
        }
}
