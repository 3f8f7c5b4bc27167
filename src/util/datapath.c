/*
 * datapath.c - where the shipped data files (the default models, the SHAP background) are
 * found at run time, so that an installed mirlens, a relocated install tree, the Python
 * package and ./mirlens in its build tree all find them without a path compiled per tree.
 * Order (mrl_data_path's doc in mirlens.h): $MIRLENS_DATA, beside libmirlens itself
 * (dladdr), beside the running program (/proc/self/exe), the compiled-in MRL_DATADIR.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"

#ifndef MRL_DATADIR
#define MRL_DATADIR "/usr/local/share/mirlens"
#endif

/* an object of the library, for dladdr (ISO C has no function-to-object pointer cast) */
static const char anchor = 0;

const char *mrl_data_dir(void)
{
    return MRL_DATADIR;
}

/* dir/rel/name readable? Then copy it into buf, the directory made canonical (realpath: no
 * "bin/../share" in what the user sees; the file itself may stay a link). 1 found, 0 not,
 * <0 error. */
static int probe(const char *dir, const char *rel, const char *name, char *buf, size_t cap)
{
    char path[4096], canon[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
    if (n < 0 || (size_t)n >= sizeof path || !realpath(path, canon))
        return 0;
    n = snprintf(path, sizeof path, "%s/%s", canon, name);
    if (n < 0 || (size_t)n >= sizeof path || access(path, R_OK) != 0)
        return 0;
    if ((size_t)n >= cap)
        return mrl_err_set(MRL_ERR_RANGE, "%s: path longer than the buffer (%zu bytes)", path, cap);
    memcpy(buf, path, (size_t)n + 1);
    return 1;
}

/* The directory part of file (a path) into dir (4096 bytes); 0 if it has none. */
static int dir_of(const char *file, char *dir)
{
    const char *slash = strrchr(file, '/');
    size_t n = slash ? (size_t)(slash - file) : 0;
    if (!slash || n >= 4096)
        return 0;
    memcpy(dir, file, n);
    dir[n] = 0;
    return 1;
}

/* Install trees keep data in ../share/mirlens of bin/ and lib/ (../../share/mirlens of a
 * multiarch lib/<triplet>/); a build tree keeps it in models/ beside the library and the
 * program (../models of build-san/mirlens). */
static const char *const rels[] = {"../share/mirlens", "../../share/mirlens", "models",
                                   "../models"};

int mrl_data_path(const char *name, char *buf, size_t cap)
{
    if (!name || !*name || strchr(name, '/') || !buf || cap == 0)
        return mrl_err_set(MRL_ERR_ARG, "data file name must be a plain file name");
    char dirs[3][4096];
    int nd = 0, rc;
    const char *env = getenv("MIRLENS_DATA");
    if (env && *env)
        return (rc = probe(env, "", name, buf, cap)) != 0
                   ? (rc < 0 ? rc : 0)
                   : mrl_err_set(MRL_ERR_IO, "%s: not found in $MIRLENS_DATA (%s)", name, env);
    Dl_info di;
    if (dladdr(&anchor, &di) && di.dli_fname && dir_of(di.dli_fname, dirs[nd]))
        nd++;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        if (dir_of(exe, dirs[nd]) && (nd == 0 || strcmp(dirs[nd], dirs[0])))
            nd++;
    }
    for (int d = 0; d < nd; d++)
        for (size_t r = 0; r < sizeof rels / sizeof rels[0]; r++)
            if ((rc = probe(dirs[d], rels[r], name, buf, cap)) != 0)
                return rc < 0 ? rc : 0;
    if ((rc = probe(MRL_DATADIR, "", name, buf, cap)) != 0)
        return rc < 0 ? rc : 0;
    return mrl_err_set(MRL_ERR_IO,
                       "%s: not found beside libmirlens or the program (../share/mirlens, "
                       "models/) nor in %s; set MIRLENS_DATA to the directory holding it",
                       name, MRL_DATADIR);
}

static int too_long(const char *what)
{
    return mrl_err_set(MRL_ERR_RANGE, "%s: path too long", what);
}

int mrl_default_model(char *buf, size_t cap)
{
    const char *e = getenv("MIRLENS_MODEL");
    if (e && *e)
        return snprintf(buf, cap, "%s", e) < (int)cap ? 0 : too_long("$MIRLENS_MODEL");
    if (mrl_data_path("default.mrlm", buf, cap) == 0)
        return 0;
    return snprintf(buf, cap, "%s/default.mrlm", MRL_DATADIR) < (int)cap
               ? 0
               : too_long("default.mrlm");
}

/* name in the directory of the default model's path, into buf: 1 readable there, 0 not
 * (buf holds the path tried; no message set: a missing optional file is not an error),
 * <0 error. */
static int beside_default(const char *name, char *buf, size_t cap)
{
    char def[4096];
    int rc = mrl_default_model(def, sizeof def);
    if (rc)
        return rc;
    const char *slash = strrchr(def, '/');
    int dir = slash ? (int)(slash - def + 1) : 0;
    int m = snprintf(buf, cap, "%.*s%s", dir, def, name);
    if (m < 0 || (size_t)m >= cap)
        return too_long(name);
    return access(buf, R_OK) == 0;
}

int mrl_default_data(const char *name, char *buf, size_t cap)
{
    if (!name || !*name || strchr(name, '/'))
        return mrl_err_set(MRL_ERR_ARG, "data file name must be a plain file name");
    int rc = beside_default(name, buf, cap);
    return rc < 0 ? rc : rc ? 0 : mrl_err_set(MRL_ERR_IO, "%s: not readable", buf);
}

int mrl_scan_default_models(char *buf, size_t cap)
{
    static const char *const name[MRL_SCAN_DEFAULT_MODELS] = {"genome.mrlm",
                                                              "genome_scratch.mrlm"};
    const char *e = getenv("MIRLENS_GENOME_MODEL");
    if (e && *e)
        return snprintf(buf, cap, "%s", e) < (int)cap ? 1 : too_long("$MIRLENS_GENOME_MODEL");
    size_t w = 0;
    int n = 0, rc;
    for (int k = 0; k < MRL_SCAN_DEFAULT_MODELS; k++) {
        if ((rc = beside_default(name[k], buf + w, cap - w)) < 0)
            return rc;
        if (rc)
            w += strlen(buf + w) + 1, n++;
    }
    return n ? n : mrl_default_model(buf, cap) ? MRL_ERR_RANGE : 1;
}
