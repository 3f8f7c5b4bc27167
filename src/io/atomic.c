/*
 * atomic.c - write-to-temporary-then-rename output files.
 *
 * An output either appears complete under its final name or not at all: a full disk, a
 * failed write or an abort leaves no half-written file behind. A full disk is reported as
 * such ("No space left on device"), also when the failing write happened before commit.
 */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "../util/util.h"

/* The temporary files this process holds open, for mrl_atomic_remove_all (called from a
 * signal handler: it may only read this table and unlink). open claims a free slot
 * (compare-and-swap, so threads may open files at once), commit and abort free it after the
 * rename or unlink. A file that finds every slot taken is written as usual, only not
 * removed on a signal. */
enum { SLOT_FREE, SLOT_FILLING, SLOT_USED, NSLOTS = 64 };
static struct {
    atomic_int state;
    char path[PATH_MAX];
} slots[NSLOTS];

/* af->slot: 1 + the index of the slot holding af->tmp, 0 when none */
static void track(mrl_atomic_t *af)
{
    size_t n = strlen(af->tmp);
    if (n >= PATH_MAX)
        return;
    for (int i = 0; i < NSLOTS; i++) {
        int s = SLOT_FREE;
        if (atomic_compare_exchange_strong(&slots[i].state, &s, SLOT_FILLING)) {
            memcpy(slots[i].path, af->tmp, n + 1);
            atomic_store(&slots[i].state, SLOT_USED);
            af->slot = i + 1;
            return;
        }
    }
}

static void untrack(mrl_atomic_t *af)
{
    if (af->slot > 0 && af->slot <= NSLOTS)
        atomic_store(&slots[af->slot - 1].state, SLOT_FREE);
    af->slot = 0;
}

void mrl_atomic_remove_all(void)
{
    for (int i = 0; i < NSLOTS; i++)
        if (atomic_load(&slots[i].state) == SLOT_USED)
            (void)unlink(slots[i].path);
}

int mrl_atomic_open(mrl_atomic_t *af, const char *path)
{
    memset(af, 0, sizeof *af);
    size_t n = strlen(path);
    af->path = malloc(n + 1);
    af->tmp = malloc(n + 16);
    if (!af->path || !af->tmp) {
        mrl_atomic_abort(af);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    memcpy(af->path, path, n + 1);
    snprintf(af->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        int e = errno;
        free(af->tmp);
        af->tmp = NULL;
        mrl_atomic_abort(af);
        return mrl_err_set(MRL_ERR_IO, "cannot create '%s': %s", path, strerror(e));
    }
    track(af);
    /* mkstemp makes 0600 files; outputs are ordinary user files */
    (void)fchmod(fd, 0644);
    af->fp = fdopen(fd, "wb");
    if (!af->fp) {
        int e = errno;
        close(fd);
        mrl_atomic_abort(af);
        return mrl_err_set(MRL_ERR_IO, "cannot create '%s': %s", path, strerror(e));
    }
    return 0;
}

/* The cause of a write that failed earlier (the stream's error flag is set, the errno of
 * that write may be gone): errno e0 when it still names a write failure, else ENOSPC
 * when the file system has no block left, else EIO. */
static int failed_write_errno(FILE *fp, int e0)
{
    if (e0 == ENOSPC || e0 == EDQUOT || e0 == EFBIG || e0 == EIO)
        return e0;
    struct statvfs vs;
    if (fstatvfs(fileno(fp), &vs) == 0 && vs.f_bavail == 0)
        return ENOSPC;
    return EIO;
}

int mrl_atomic_commit(mrl_atomic_t *af)
{
    int e0 = errno;
    int bad = ferror(af->fp);
    int e = bad ? failed_write_errno(af->fp, e0) : 0;
    if (fflush(af->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (fclose(af->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    af->fp = NULL;
    if (!bad && rename(af->tmp, af->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        int rc = mrl_err_set(MRL_ERR_IO, "cannot write '%s': %s", af->path, strerror(e));
        mrl_atomic_abort(af);
        return rc;
    }
    untrack(af);
    free(af->tmp);
    free(af->path);
    memset(af, 0, sizeof *af);
    return 0;
}

void mrl_atomic_abort(mrl_atomic_t *af)
{
    if (af->fp)
        fclose(af->fp);
    if (af->tmp)
        unlink(af->tmp);
    untrack(af);
    free(af->tmp);
    free(af->path);
    memset(af, 0, sizeof *af);
}
