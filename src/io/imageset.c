/*
 * imageset.c - reader of hairpin-image sets as published by Cordero et al. 2019 (deepmir
 * .npz arrays, re-stored in shared/data/cordero_images/): <base>.u8[.gz] holds N x 25 x 100
 * x 3 bytes (image, row, column, RGB), <base>.labels one 0/1 per line, <base>.names one name
 * per line. Sizes are cross-checked so a truncated or mismatched file is an error naming it.
 * Also the assembly of sets in memory (new, append, push).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "../util/util.h"
#include "io.h"

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static char *cat2(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    char *s = malloc(n + m + 1);
    if (s) {
        memcpy(s, a, n);
        memcpy(s + n, b, m + 1);
    }
    return s;
}

/* Split path into the base name and the image data file. */
static int resolve(const char *path, char **base, char **data)
{
    size_t n = strlen(path);
    *base = *data = NULL;
    size_t cut = ends_with(path, ".u8.gz") ? 6 : ends_with(path, ".u8") ? 3 : 0;
    *base = strdup(path);
    if (!*base)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (cut) {
        (*base)[n - cut] = '\0';
        *data = strdup(path);
    } else {
        *data = cat2(path, ".u8.gz");
        if (*data && access(*data, F_OK) != 0) {
            free(*data);
            *data = cat2(path, ".u8");
        }
    }
    if (!*data)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    return 0;
}

/* Read the whole (plain or gzip) file into *buf. */
static int read_all(const char *path, uint8_t **buf, size_t *len)
{
    errno = 0;
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return mrl_err_set(MRL_ERR_IO, "cannot open '%s': %s", path,
                           errno ? strerror(errno) : "out of memory");
    gzbuffer(gz, 1 << 17);
    size_t cap = 1 << 20, n = 0;
    uint8_t *b = malloc(cap);
    int rc = b ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    while (rc == 0) {
        if (n == cap) {
            uint8_t *p = cap < ((size_t)1 << 40) ? realloc(b, cap * 2) : NULL;
            if (!p) {
                rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory reading '%s'", path);
                break;
            }
            b = p;
            cap *= 2;
        }
        size_t want = MRL_MIN(cap - n, (size_t)1 << 30);
        int got = gzread(gz, b + n, (unsigned)want);
        if (got < 0) {
            int zerr;
            const char *msg = gzerror(gz, &zerr);
            rc = zerr == Z_ERRNO
                     ? mrl_err_set(MRL_ERR_IO, "'%s': read error: %s", path, strerror(errno))
                     : mrl_err_set(MRL_ERR_CORRUPT, "'%s': %s", path, msg);
        } else if (got == 0) {
            int zerr;
            gzerror(gz, &zerr);
            if (zerr == Z_BUF_ERROR)
                rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': truncated gzip data", path);
            break;
        } else {
            n += (size_t)got;
        }
    }
    gzclose(gz);
    if (rc) {
        free(b);
        return rc;
    }
    *buf = b;
    *len = n;
    return 0;
}

/* Read the lines of an optional side file: 0 with *lines NULL when it does not exist.
 * Through the line reader: LF, CR LF or CR line ends, gzip, a byte-order mark skipped,
 * control bytes refused with their line. */
static int read_lines(const char *path, char ***lines, size_t *count)
{
    *lines = NULL;
    *count = 0;
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    io_lines_t L;
    int rc = io_lines_open(&L, path), got = 0;
    if (rc < 0)
        return rc;
    char **v = NULL;
    size_t cap = 0, n = 0;
    while ((got = io_lines_next(&L)) == 1) {
        char **p = mrl_grow(v, &cap, n + 1, sizeof *v, 1024);
        if (!p) {
            rc = MRL_ERR_NOMEM;
            break;
        }
        v = p;
        if (!(v[n] = strdup(L.line))) {
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
            break;
        }
        n++;
    }
    if (!rc && got < 0)
        rc = got;
    io_lines_close(&L);
    if (rc || !v) {
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
        if (!rc && !v) { /* an empty file: a valid list of zero lines */
            *lines = calloc(1, sizeof **lines);
            return *lines ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        }
        return rc;
    }
    *lines = v;
    *count = n;
    return 0;
}

static void free_lines(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Labels from lines v[0..n) of `path`: exactly one 0 or 1 per image. */
static int set_labels(mrl_imageset_t *s, const char *path, char **v, size_t n)
{
    if (n != s->n)
        return mrl_err_set(MRL_ERR_CORRUPT, "'%s': %zu labels for %zu images", path, n, s->n);
    int8_t *lab = malloc(n ? n : 1);
    if (!lab)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i], "0") && strcmp(v[i], "1")) {
            free(lab);
            return mrl_err_set(MRL_ERR_PARSE, "'%s' line %zu: label '%.20s' is not 0 or 1", path,
                               i + 1, v[i]);
        }
        lab[i] = (int8_t)(v[i][0] - '0');
    }
    free(s->labels);
    s->labels = lab;
    return 0;
}

static int load_labels(mrl_imageset_t *s, const char *base)
{
    char *path = cat2(base, ".labels");
    if (!path)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    char **v;
    size_t n;
    int rc = read_lines(path, &v, &n);
    if (rc == 0 && v)
        rc = set_labels(s, path, v, n);
    free_lines(v, n);
    free(path);
    return rc;
}

int mrl_imageset_read_labels(mrl_imageset_t *s, const char *path)
{
    char **v;
    size_t n;
    int rc = read_lines(path, &v, &n);
    if (rc == 0 && !v)
        rc = mrl_err_set(MRL_ERR_IO, "cannot open '%s'", path);
    else if (rc == 0)
        rc = set_labels(s, path, v, n);
    free_lines(v, n);
    return rc;
}

static int load_names(mrl_imageset_t *s, const char *base)
{
    char *path = cat2(base, ".names");
    if (!path)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    char **v;
    size_t n;
    int rc = read_lines(path, &v, &n);
    if (rc == 0 && v) {
        if (n != s->n) {
            rc = mrl_err_set(MRL_ERR_CORRUPT, "'%s': %zu names for %zu images", path, n, s->n);
            free_lines(v, n);
        } else {
            s->names = v;
        }
    }
    free(path);
    return rc;
}

int mrl_imageset_load(mrl_imageset_t **out, const char *path)
{
    *out = NULL;
    char *base, *data;
    mrl_imageset_t *s = calloc(1, sizeof *s);
    int rc = s ? resolve(path, &base, &data) : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!s)
        return rc;
    size_t len = 0;
    if (rc == 0)
        rc = read_all(data, &s->rgb, &len);
    if (rc == 0 && len % MRL_IMG_BYTES != 0)
        rc = mrl_err_set(MRL_ERR_CORRUPT,
                         "'%s': %zu bytes is not a whole number of 25x100x3 images (%d bytes "
                         "each)",
                         data, len, MRL_IMG_BYTES);
    s->n = len / MRL_IMG_BYTES;
    if (rc == 0)
        rc = load_labels(s, base);
    if (rc == 0)
        rc = load_names(s, base);
    free(base);
    free(data);
    if (rc) {
        mrl_imageset_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void mrl_imageset_free(mrl_imageset_t *s)
{
    if (!s)
        return;
    free(s->rgb);
    free(s->labels);
    free_lines(s->names, s->n);
    free(s);
}

/* ---- sets assembled in memory ---- */

int mrl_imageset_new(mrl_imageset_t **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
}

/* Room for `more` images with labels and names. */
static int reserve(mrl_imageset_t *s, size_t more)
{
    size_t n = s->n + more;
    uint8_t *rgb = realloc(s->rgb, (n ? n : 1) * MRL_IMG_BYTES);
    if (!rgb)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    s->rgb = rgb;
    int8_t *lab = realloc(s->labels, n ? n : 1);
    if (!lab)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    s->labels = lab;
    char **nm = realloc(s->names, (n ? n : 1) * sizeof *nm);
    if (!nm)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    s->names = nm;
    return 0;
}

int mrl_imageset_push(mrl_imageset_t *s, const uint8_t *rgb, int label, const char *name)
{
    int rc = reserve(s, 1);
    if (rc < 0)
        return rc;
    char *nm = strdup(name ? name : "");
    if (!nm)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    memcpy(s->rgb + s->n * MRL_IMG_BYTES, rgb, MRL_IMG_BYTES);
    s->labels[s->n] = (int8_t)label;
    s->names[s->n] = nm;
    s->n++;
    return 0;
}

int mrl_imageset_append(mrl_imageset_t *dst, const mrl_imageset_t *src, int label)
{
    int rc = reserve(dst, src->n);
    if (rc < 0)
        return rc;
    for (size_t k = 0; k < src->n; k++) {
        int lab = label >= 0 ? label : src->labels ? src->labels[k] : -1;
        char buf[32];
        const char *nm = src->names ? src->names[k] : buf;
        if (!src->names)
            snprintf(buf, sizeof buf, "img%zu", k + 1);
        if ((rc = mrl_imageset_push(dst, src->rgb + k * MRL_IMG_BYTES, lab, nm)) < 0)
            return rc;
    }
    return 0;
}
