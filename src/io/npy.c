/*
 * npy.c - float32 arrays as NumPy .npy files (format 1.0, numpy.lib.format): magic,
 * version, a header dict padded to a multiple of 64 bytes, then the data little-endian
 * whatever the host. Written atomically.
 */
#include <string.h>
#include "../util/util.h"

int mrl_npy_write(const char *path, const float *data, int ndim, const size_t *shape)
{
    if (!path || !data || ndim < 1 || ndim > 4)
        return mrl_err_set(MRL_ERR_ARG, "npy: bad array");
    char dict[256], dims[128] = "";
    size_t count = 1, len = 0;
    for (int i = 0; i < ndim; i++) {
        len += (size_t)snprintf(dims + len, sizeof dims - len, "%zu,%s", shape[i],
                                i + 1 < ndim ? " " : "");
        count *= shape[i];
    }
    if (ndim > 1) /* "(3,)" for one dimension, "(3, 25, 100)" otherwise */
        dims[len - 1] = '\0';
    int h = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }",
                     dims);
    int total = (10 + h + 1 + 63) / 64 * 64; /* magic, version, length, dict, '\n' */
    int hlen = total - 10;
    mrl_atomic_t af;
    int rc = mrl_atomic_open(&af, path);
    if (rc)
        return rc;
    fwrite("\x93NUMPY\x01\x00", 1, 8, af.fp);
    fputc(hlen & 0xff, af.fp);
    fputc(hlen >> 8, af.fp);
    fputs(dict, af.fp);
    for (int i = h; i < hlen - 1; i++)
        fputc(' ', af.fp);
    fputc('\n', af.fp);
    for (size_t i = 0; i < count; i++) { /* little-endian whatever the host */
        uint32_t u;
        memcpy(&u, &data[i], 4);
        unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16),
                              (unsigned char)(u >> 24)};
        fwrite(b, 1, 4, af.fp);
    }
    return mrl_atomic_commit(&af);
}
