"""The C library behind the package: cffi in ABI mode (no compiler needed), over the flat
binding functions of include/mirlens.h (section "data files, bindings") and a few plain
public ones. cffi releases the GIL around every call into the library, so other Python
threads run while mirlens folds, scores or explains."""
import os

import cffi

CDEF = """
const char *mrl_errmsg(void);
const char *mrl_strerror(int err);
const char *mrl_data_dir(void);
int mrl_data_path(const char *name, char *buf, size_t cap);
int mrl_default_model(char *buf, size_t cap);
int mrl_default_data(const char *name, char *buf, size_t cap);
int mrl_scan_default_models(char *buf, size_t cap);
int mrl_scan_models_tag(const char *const *paths, int n, char *buf, size_t cap);
const char *mrl_explain_method_name(int method);
typedef struct mrl_ensemble mrl_ensemble_t;
void mrl_ensemble_free(mrl_ensemble_t *e);
int mrl_ensemble_size(const mrl_ensemble_t *e);
int mrl_flat_fold(const char *const *seq, const size_t *len, size_t n, int threads,
                  int encode, char *structs, int *mfe, int *status, uint8_t *rgb,
                  int32_t *cols);
int mrl_flat_model_load(mrl_ensemble_t **out, const char *const *paths, int n, int threads,
                        int precision);
int mrl_flat_predict(mrl_ensemble_t *e, const char *const *seq, const size_t *len, size_t n,
                     int threads, float *prob, float *margin);
int mrl_flat_explain(mrl_ensemble_t *e, const char *seq, size_t len, const char *method,
                     int threads, uint64_t seed, int samples, int steps,
                     const char *background, float *map, float *attr, float *info);
const char *mrl_det_name(int d);
const char *mrl_det_source(int d);
int mrl_flat_determinants(const char *seq, size_t len, const char *structure,
                          const int duplex[4], int *visible, int *present, double *value,
                          uint8_t *mask);
int mrl_flat_scan(mrl_ensemble_t *e, const char *path, const char *prefix, int strand,
                  float threshold, float min_score, float max_repeat, int threads,
                  const char *models, long *listed);
"""

SONAME = "libmirlens.so.0"  # MAJOR of MRL_VERSION (the Makefile's SONAME)

ffi = cffi.FFI()
ffi.cdef(CDEF)


def _candidates():
    """Where libmirlens is looked for: $MIRLENS_LIB; beside the package in an install tree
    (PREFIX/lib/pythonX.Y/dist-packages/mirlens -> PREFIX/lib); the library directory of
    the install that put the package here (_config.py, written by make install; Debian's
    multiarch directory); the build tree (python/mirlens -> the repository root); then the
    system's search path."""
    env = os.environ.get("MIRLENS_LIB")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    out = [os.path.normpath(os.path.join(here, "..", "..", "..", SONAME))]
    try:
        from . import _config

        out.append(os.path.join(_config.LIBDIR, SONAME))
    except ImportError:
        pass
    out.append(os.path.normpath(os.path.join(here, "..", "..", SONAME)))
    out.append(SONAME)
    return out


def _open():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ffi.dlopen(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError("mirlens: cannot load %s; tried %s (set MIRLENS_LIB to its path)"
                      % (SONAME, "; ".join(tried)))


lib = _open()
