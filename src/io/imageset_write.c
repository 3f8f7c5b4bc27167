/*
 * imageset_write.c - an image set written back in the layout mrl_imageset_load reads
 * (cordero_images/, `mirlens encode -f u8`): BASE.u8 raw (n,25,100,3) bytes, BASE.labels
 * one 0/1 per line, BASE.names one name per line; each file atomic (temp + rename).
 */
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

/* base + ext, malloc'ed (NULL when out of memory). */
static char *with_ext(const char *base, const char *ext)
{
    size_t n = strlen(base) + strlen(ext) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s", base, ext);
    return p;
}

/* One file of the set: what 0 images, 1 labels, 2 names. */
static int write_part(const mrl_imageset_t *s, const char *base, int what)
{
    static const char *const ext[3] = {".u8", ".labels", ".names"};
    char *path = with_ext(base, ext[what]);
    if (!path)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    mrl_atomic_t af;
    memset(&af, 0, sizeof af);
    int rc = mrl_atomic_open(&af, path);
    for (size_t i = 0; !rc && what && i < s->n; i++) {
        if (what == 2 && strchr(s->names[i], '\n'))
            rc = mrl_err_set(MRL_ERR_ARG, "%s: name %zu holds a line break", path, i + 1);
        else if (what == 1)
            fprintf(af.fp, "%d\n", (int)s->labels[i]);
        else
            fprintf(af.fp, "%s\n", s->names[i]);
    }
    if (!rc && !what && s->n && fwrite(s->rgb, MRL_IMG_BYTES, s->n, af.fp) != s->n)
        rc = mrl_err_set(MRL_ERR_IO, "%s: write failed", path);
    if (!rc)
        rc = mrl_atomic_commit(&af);
    mrl_atomic_abort(&af);
    free(path);
    return rc;
}

int mrl_imageset_write(const mrl_imageset_t *s, const char *base)
{
    if (!s || !base || !*base || (s->n && !s->rgb))
        return mrl_err_set(MRL_ERR_ARG, "mrl_imageset_write: NULL or empty set or base name");
    for (size_t i = 0; s->labels && i < s->n; i++)
        if (s->labels[i] != 0 && s->labels[i] != 1)
            return mrl_err_set(MRL_ERR_ARG, "mrl_imageset_write: label %d of image %zu is not 0/1",
                               (int)s->labels[i], i + 1);
    int rc = write_part(s, base, 0);
    if (!rc && s->labels)
        rc = write_part(s, base, 1);
    if (!rc && s->names)
        rc = write_part(s, base, 2);
    return rc;
}
