/*
 * outdir.c - output directories written whole: a run writes into a temporary sibling
 * DIR.tmp.XXXXXX, which is renamed onto DIR at the end (or exchanged with an earlier
 * output, which is then removed), and removed on error. DIR is never seen half-written.
 *
 * The directory analogue of atomic.c (one file: temp + rename(2)); a non-empty directory
 * cannot be replaced by rename(2), so an earlier output is swapped out with Linux's
 * renameat2(RENAME_EXCHANGE) (3.15+; ext4, xfs, btrfs, tmpfs), or, where the file system
 * refuses it, moved aside to DIR.old.XXXXXX first. mrl_outdir_remove is the recursive
 * removal, written with system calls only (no allocation, no stdio, no locks) so that a
 * signal handler may call it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../util/util.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define TMP_SUFFIX ".tmp.XXXXXX"
#define OLD_SUFFIX ".old.XXXXXX"
#define RM_DEPTH 16 /* levels below the removed directory; ours have two */
#define RM_PASSES 4 /* rescans of a directory that a writer was still filling */

/* ---- async-signal-safe removal ------------------------------------------------------ */

/* Remove everything inside the open directory dfd, depth levels deep at most. Reads the
 * entries with getdents64 into a stack buffer (opendir allocates) and rescans until a pass
 * finds nothing: entries removed while reading may hide later ones. Returns 0 or -1. */
static int rm_inside(int dfd, int depth)
{
    _Alignas(8) char buf[4096];
    for (int pass = 0; pass < RM_PASSES; pass++) {
        long n, seen = 0;
        if (lseek(dfd, 0, SEEK_SET) < 0)
            return -1;
        while ((n = (long)syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                unsigned short reclen;
                memcpy(&reclen, buf + off + offsetof(struct dirent64, d_reclen), sizeof reclen);
                const char *name = buf + off + offsetof(struct dirent64, d_name);
                off += reclen;
                if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
                    continue;
                seen++;
                /* a file or link goes at once; a directory (EISDIR) is emptied first */
                if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT || depth == 0)
                    continue;
                int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0)
                    continue;
                (void)rm_inside(sub, depth - 1);
                close(sub);
                (void)unlinkat(dfd, name, AT_REMOVEDIR);
            }
        }
        if (n < 0)
            return -1;
        if (seen == 0)
            return 0;
    }
    return -1;
}

int mrl_outdir_remove(const char *path)
{
    int saved = errno;
    for (int k = 0; k < RM_PASSES; k++) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
            break;
        if (fd < 0) /* not a directory (or a link to one): the name alone goes */
            return unlink(path) == 0 || errno == ENOENT ? 0 : MRL_ERR_IO;
        (void)rm_inside(fd, RM_DEPTH);
        close(fd);
        if (rmdir(path) == 0 || errno == ENOENT)
            break;
        if (errno != ENOTEMPTY && errno != EEXIST)
            return MRL_ERR_IO;
        if (k == RM_PASSES - 1)
            return MRL_ERR_IO;
    }
    errno = saved;
    return 0;
}

/* ---- what is in DIR ----------------------------------------------------------------- */

/* 1 when dir/name is a regular file whose first 4 KiB contain what. */
static int file_has(const char *dir, const char *name, const char *what)
{
    char p[PATH_MAX], head[4097];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *fp = fopen(p, "rb");
    if (!fp)
        return 0;
    size_t n = fread(head, 1, sizeof head - 1, fp);
    fclose(fp);
    head[n] = 0;
    return strstr(head, what) != NULL;
}

/* What an existing directory holds: 0 nothing, 1 an earlier mirlens output (the mark, or
 * the page of a run made before there was a mark), 2 something else; -1 unreadable. */
static int classify(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int entries = 0, mark = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        entries++;
        mark |= !strcmp(e->d_name, MRL_OUTDIR_MARK);
    }
    closedir(d);
    if (!entries)
        return 0;
    if (mark || file_has(dir, "index.html", "<title>mirlens ") ||
        file_has(dir, "mutagenesis.html", "<title>mirlens "))
        return 1;
    return 2;
}

/* "x", "x/", "a/x" are names a directory can be renamed onto; "", "/", ".", ".." and
 * names ending in "/." or "/.." are not. Returns the length without trailing slashes,
 * or 0 for a name that cannot be used. */
static size_t usable_name(const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && dir[b - 1] != '/')
        b--;
    const char *base = dir + b;
    size_t bn = n - b;
    if (bn == 0 || (bn == 1 && base[0] == '.') || (bn == 2 && base[0] == '.' && base[1] == '.'))
        return 0;
    return n;
}

/* od->path from dir: trailing slashes dropped, a symbolic link to a directory resolved
 * (the run replaces the directory it points to, not the link). */
static int set_path(mrl_outdir_t *od, const char *dir, struct stat *st, int *exists)
{
    size_t n = usable_name(dir);
    if (n == 0)
        return mrl_err_set(MRL_ERR_ARG,
                           "output directory '%s': name a directory (it is written whole "
                           "under a temporary name and renamed into place)",
                           dir);
    if (!(od->path = malloc(n + 1)))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    memcpy(od->path, dir, n);
    od->path[n] = 0;
    *exists = lstat(od->path, st) == 0;
    if (!*exists && errno != ENOENT)
        return mrl_err_set(MRL_ERR_IO, "cannot use output directory '%s': %s", dir,
                           strerror(errno));
    if (*exists && S_ISLNK(st->st_mode) && stat(od->path, st) == 0 && S_ISDIR(st->st_mode)) {
        char *real = realpath(od->path, NULL);
        if (!real)
            return mrl_err_set(MRL_ERR_IO, "cannot resolve '%s': %s", dir, strerror(errno));
        free(od->path);
        od->path = real;
    }
    if (*exists && !S_ISDIR(st->st_mode))
        return mrl_err_set(MRL_ERR_IO, "output directory '%s' exists and is not a directory", dir);
    return 0;
}

/* ---- open, commit, abort ------------------------------------------------------------ */

static int write_mark(const mrl_outdir_t *od)
{
    static const char text[] = "Written by mirlens. The directory is replaced whole by the "
                               "next mirlens run that writes into it.\n";
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", od->tmp, MRL_OUTDIR_MARK);
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644), e = 0;
    if (fd < 0 || write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1))
        e = errno ? errno : EIO;
    if (fd >= 0 && close(fd) != 0 && !e)
        e = errno;
    return e ? mrl_err_set(MRL_ERR_IO, "cannot write '%s': %s", p, strerror(e)) : 0;
}

int mrl_outdir_open(mrl_outdir_t *od, const char *dir)
{
    memset(od, 0, sizeof *od);
    struct stat st;
    int exists = 0, rc = set_path(od, dir, &st, &exists);
    int kind = rc || !exists ? 0 : classify(od->path);
    if (!rc && kind < 0)
        rc = mrl_err_set(MRL_ERR_IO, "cannot read output directory '%s': %s", dir, strerror(errno));
    else if (!rc && kind == 2)
        rc = mrl_err_set(MRL_ERR_REFUSED,
                         "output directory '%s' exists and holds files mirlens did not "
                         "write; remove it or choose another directory",
                         dir);
    size_t n = od->path ? strlen(od->path) : 0;
    if (!rc && n + sizeof TMP_SUFFIX > PATH_MAX)
        rc = mrl_err_set(MRL_ERR_ARG, "output directory '%s': name too long", dir);
    if (!rc && !(od->tmp = malloc(n + sizeof TMP_SUFFIX)))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc) {
        memcpy(od->tmp, od->path, n);
        memcpy(od->tmp + n, TMP_SUFFIX, sizeof TMP_SUFFIX);
        if (!mkdtemp(od->tmp)) {
            rc = mrl_err_set(MRL_ERR_IO, "cannot create directory '%s': %s", od->path,
                             strerror(errno));
            free(od->tmp);
            od->tmp = NULL;
        }
    }
    /* mkdtemp makes 0700 directories; outputs are ordinary user directories */
    if (!rc && chmod(od->tmp, 0755) != 0)
        rc = mrl_err_set(MRL_ERR_IO, "cannot use '%s': %s", od->tmp, strerror(errno));
    if (!rc)
        rc = write_mark(od);
    od->replace = kind == 1;
    if (rc)
        mrl_outdir_abort(od);
    return rc;
}

/* Move the earlier output at od->path aside to DIR.old.XXXXXX (rename onto the empty
 * directory mkdtemp reserved), the new one into place, and remove the old. */
static int replace_by_moves(mrl_outdir_t *od)
{
    size_t n = strlen(od->path);
    char old[PATH_MAX + sizeof OLD_SUFFIX];
    memcpy(old, od->path, n);
    memcpy(old + n, OLD_SUFFIX, sizeof OLD_SUFFIX);
    if (!mkdtemp(old))
        return mrl_err_set(MRL_ERR_IO, "cannot create directory '%s': %s", old, strerror(errno));
    if (rename(od->path, old) != 0) {
        int e = errno;
        rmdir(old);
        return mrl_err_set(MRL_ERR_IO, "cannot move '%s' aside: %s", od->path, strerror(e));
    }
    if (rename(od->tmp, od->path) != 0) {
        int e = errno;
        (void)rename(old, od->path);
        return mrl_err_set(MRL_ERR_IO, "cannot rename '%s' to '%s': %s", od->tmp, od->path,
                           strerror(e));
    }
    if (mrl_outdir_remove(old) < 0)
        return mrl_err_set(MRL_ERR_IO,
                           "'%s' written; the earlier output moved to '%s' could "
                           "not be removed: %s",
                           od->path, old, strerror(errno));
    return 0;
}

/* Swap the new output with the earlier one at od->path; the earlier one, now at od->tmp,
 * is removed. */
static int replace(mrl_outdir_t *od)
{
#ifdef SYS_renameat2
    if (syscall(SYS_renameat2, AT_FDCWD, od->tmp, AT_FDCWD, od->path, RENAME_EXCHANGE) == 0) {
        if (mrl_outdir_remove(od->tmp) < 0)
            return mrl_err_set(MRL_ERR_IO,
                               "'%s' written; the earlier output moved to '%s' "
                               "could not be removed: %s",
                               od->path, od->tmp, strerror(errno));
        return 0;
    }
    if (errno == ENOENT) /* DIR went away since open: an ordinary rename */
        return rename(od->tmp, od->path) == 0
                   ? 0
                   : mrl_err_set(MRL_ERR_IO, "cannot rename '%s' to '%s': %s", od->tmp, od->path,
                                 strerror(errno));
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return mrl_err_set(MRL_ERR_IO, "cannot replace '%s': %s", od->path, strerror(errno));
#endif
    return replace_by_moves(od);
}

int mrl_outdir_commit(mrl_outdir_t *od)
{
    int rc = 0;
    if (!od->tmp)
        return mrl_err_set(MRL_ERR_ARG, "output directory not open");
    if (od->replace) {
        rc = replace(od);
    } else if (rename(od->tmp, od->path) != 0) {
        /* DIR appeared or filled since open: replace it only if it is a mirlens output */
        int e = errno;
        if ((e == ENOTEMPTY || e == EEXIST) && classify(od->path) == 1)
            rc = replace(od);
        else
            rc = mrl_err_set(MRL_ERR_IO, "cannot rename '%s' to '%s': %s", od->tmp, od->path,
                             strerror(e));
    }
    if (rc) {
        mrl_outdir_abort(od);
        return rc;
    }
    free(od->tmp);
    free(od->path);
    memset(od, 0, sizeof *od);
    return 0;
}

void mrl_outdir_abort(mrl_outdir_t *od)
{
    if (od->tmp)
        (void)mrl_outdir_remove(od->tmp);
    free(od->tmp);
    free(od->path);
    memset(od, 0, sizeof *od);
}
