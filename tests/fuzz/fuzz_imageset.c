/*
 * fuzz_imageset.c - the image-set reader (mrl_imageset_load: BASE.u8[.gz] with the side
 * files BASE.labels and BASE.names; mrl_imageset_read_labels: --labels FILE). The first
 * byte picks the layout: bits 0-1 the number of whole images (0-3) taken from the input
 * (cycled), bit 2 gzip, bit 3 one byte short, bit 4 no .labels, bit 5 no .names; the
 * rest is split at the first NUL into the labels and the names text.
 */
#include <zlib.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    data++, size--;
    size_t nimg = flags & 3, nbytes = nimg * MRL_IMG_BYTES - ((flags & 8) && nimg ? 1 : 0);
    char u8[256], labels[256], names[256], base[256];
    fuzz_path(base, sizeof base, "set");
    snprintf(u8, sizeof u8, "%s%s", base, flags & 4 ? ".u8.gz" : ".u8");
    snprintf(labels, sizeof labels, "%s.labels", base);
    snprintf(names, sizeof names, "%s.names", base);
    uint8_t *img = malloc(nbytes ? nbytes : 1);
    if (!img)
        abort();
    for (size_t i = 0; i < nbytes; i++)
        img[i] = size ? data[i % size] : 0;
    if (flags & 4) {
        gzFile gz = gzopen(u8, "wb1");
        if (!gz || (nbytes && gzwrite(gz, img, (unsigned)nbytes) != (int)nbytes) ||
            gzclose(gz) != Z_OK)
            abort();
    } else {
        fuzz_write(u8, img, nbytes);
    }
    free(img);
    const uint8_t *nul = memchr(data, 0, size);
    size_t nl = nul ? (size_t)(nul - data) : size;
    if (!(flags & 16))
        fuzz_write(labels, data, nl);
    if (!(flags & 32))
        fuzz_write(names, nul ? nul + 1 : data + size, nul ? size - nl - 1 : 0);
    mrl_imageset_t *s = NULL;
    if (mrl_imageset_load(&s, (flags & 64) ? base : u8) == 0) {
        if (s->n != nimg)
            abort();
        for (size_t i = 0; s->labels && i < s->n; i++)
            if (s->labels[i] != 0 && s->labels[i] != 1)
                abort();
        if (mrl_imageset_read_labels(s, labels) == 0)
            for (size_t i = 0; i < s->n; i++)
                if (s->labels[i] != 0 && s->labels[i] != 1)
                    abort();
        mrl_imageset_free(s);
    }
    unlink(u8), unlink(labels), unlink(names);
    return 0;
}
