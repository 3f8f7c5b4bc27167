/*
 * fuzz_dbn.c - the given-structure reader of `encode -s` (RNAfold output or TSV rows) on
 * arbitrary bytes, each accepted record then evaluated and drawn as `encode -s` does
 * (mrl_fold_eval, mrl_encode_hairpin). An accepted structure must be as long as its
 * sequence, of '.', '(' and ')' only, and balanced.
 */
#include "fuzz.h"

static void check_balanced(const char *st, size_t n)
{
    long depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (st[i] != '.' && st[i] != '(' && st[i] != ')')
            abort();
        depth += st[i] == '(' ? 1 : st[i] == ')' ? -1 : 0;
        if (depth < 0)
            abort();
    }
    if (depth != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256];
    fuzz_write(fuzz_path(path, sizeof path, "in.dbn"), data, size);
    const mrl_params_t *P = mrl_params_builtin(NULL);
    mrl_fasta_opts_t o;
    mrl_fasta_opts_default(&o);
    o.max_length = 400;
    mrl_dbn_t *r = NULL;
    static mrl_hairpin_t img;
    if (mrl_dbn_open(&r, path, &o) == 0) {
        mrl_dbnrec_t rec;
        while (mrl_dbn_read(r, &rec) == 1) {
            if (strlen(rec.seq) != rec.len || strlen(rec.structure) != rec.len)
                abort();
            check_balanced(rec.structure, rec.len);
            int e; /* refused for pairs that cannot form (A-A, ...): not the reader's call */
            if (rec.len > 0)
                (void)mrl_fold_eval(P, rec.seq, rec.structure, rec.len, &e);
            (void)mrl_encode_hairpin(rec.seq, rec.len, rec.structure, &img);
        }
        mrl_dbn_close(r);
    }
    unlink(path);
    return 0;
}
