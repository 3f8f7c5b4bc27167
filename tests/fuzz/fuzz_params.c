/*
 * fuzz_params.c - the ViennaRNA 2.0 energy parameter reader (mrl_params_load, `--params
 * FILE`) on arbitrary bytes. Inputs that do not open with the format's first line are
 * refused at once, so the harness puts that line in front of most inputs (first byte
 * even). An accepted table then folds and evaluates a short hairpin: any value the
 * reader lets through (|e| <= INF, INF, DEF) must not overflow the folder.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char magic[] = "## RNAfold parameter file v2.0\n";
    if (size < 1)
        return 0;
    int prefix = !(data[0] & 1);
    data++, size--;
    char path[256];
    fuzz_path(path, sizeof path, "in.par");
    unsigned char *buf = malloc(sizeof magic + size);
    if (!buf)
        abort();
    size_t n = 0;
    if (prefix)
        memcpy(buf, magic, sizeof magic - 1), n = sizeof magic - 1;
    if (size)
        memcpy(buf + n, data, size);
    fuzz_write(path, buf, n + size);
    free(buf);
    mrl_params_t *p = NULL;
    if (mrl_params_load(&p, path) == 0) {
        static const char seq[] = "GGGGAAACCCCAUGCAUAGCAUGGGAAAUCCGCGCUUCG";
        size_t len = sizeof seq - 1;
        char st[sizeof seq];
        int mfe, e;
        mrl_fold_ws_t *ws = mrl_fold_ws_new();
        if (ws && mrl_fold_mfe(ws, p, seq, len, st, &mfe) == 0 &&
            mrl_fold_eval(p, seq, st, len, &e) != 0)
            abort(); /* the folder's own structure always evaluates */
        mrl_fold_ws_free(ws);
        mrl_params_free(p);
    }
    unlink(path);
    return 0;
}
