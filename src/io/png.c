/*
 * png.c - 8-bit RGB PNG writer (libpng 1.6), optional nearest-neighbour enlargement.
 * Output goes through mrl_atomic_* (temporary file + rename): a failed write never leaves
 * a partial PNG under the final name. libpng reports errors by longjmp; everything touched
 * after setjmp is either volatile or set before it.
 */
#include <png.h>
#include <setjmp.h>
#include <string.h>
#include "../util/util.h"

/* libpng's default error handler prints to stderr; keep the message for mrl_errmsg. */
static void png_err(png_structp png, png_const_charp msg)
{
    mrl_err_set(MRL_ERR_IO, "%s", msg);
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Enlarge image row y into buf (width*scale pixels). */
static void scale_row(const uint8_t *src, int width, int scale, uint8_t *buf)
{
    for (int x = 0; x < width; x++)
        for (int k = 0; k < scale; k++)
            memcpy(buf + ((size_t)x * (size_t)scale + (size_t)k) * 3, src + (size_t)x * 3, 3);
}

static int write_png(FILE *fp, const uint8_t *rgb, int width, int height, int scale, uint8_t *row)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_err, png_warn);
    if (!png)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return MRL_ERR_IO; /* message set by png_err */
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)(width * scale), (png_uint_32)(height * scale), 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        scale_row(rgb + (size_t)y * (size_t)width * 3, width, scale, row);
        for (int k = 0; k < scale; k++)
            png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int mrl_png_write(const char *path, const uint8_t *rgb, int width, int height, int scale)
{
    if (!path || !rgb || width < 1 || height < 1 || scale < 1 || scale > 64 || width > 65536 ||
        height > 65536)
        return mrl_err_set(MRL_ERR_ARG, "mrl_png_write: invalid image size or scale");
    uint8_t *row = malloc((size_t)width * (size_t)scale * 3);
    if (!row)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    mrl_atomic_t af;
    int rc = mrl_atomic_open(&af, path);
    if (rc == 0) {
        rc = write_png(af.fp, rgb, width, height, scale, row);
        if (rc == 0)
            rc = mrl_atomic_commit(&af);
        else {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", mrl_errmsg());
            mrl_atomic_abort(&af);
            mrl_err_set(rc, "cannot write '%s': %s", path, msg);
        }
    }
    free(row);
    return rc;
}
