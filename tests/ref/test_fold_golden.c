/*
 * test_fold_golden.c - every row of ../shared/golden/fold_dev.tsv (RNAfold 2.1.3 and
 * 2.7.1 outputs, read in place): structure and energy must be identical, with the
 * built-in 2.1.3 tables and with --params turner2004. Also checks that the loop-by-loop
 * evaluator gives RNAfold's energy for RNAfold's structure.
 */
#include "test.h"
#include "mirlens.h"

/* dcal/mol from RNAfold's "%.2f" text, exactly. */
static int parse_energy(const char *s)
{
    int neg = *s == '-';
    if (neg)
        s++;
    int whole = 0, frac = 0;
    while (*s >= '0' && *s <= '9')
        whole = whole * 10 + (*s++ - '0');
    if (*s == '.') {
        s++;
        frac = (s[0] - '0') * 10 + (s[1] - '0');
    }
    return (neg ? -1 : 1) * (whole * 100 + frac);
}

int main(void)
{
    const char *sh = test_shared_dir();
    if (!sh) {
        TEST_SKIP("../shared (or $MIRLENS_SHARED) not found");
        return test_summary("test_fold_golden");
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/golden/fold_dev.tsv", sh);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return test_summary("test_fold_golden");
    const mrl_params_t *old = mrl_params_builtin("rnafold-2.1.3");
    const mrl_params_t *mod = mrl_params_builtin("turner2004");
    mrl_fold_ws_t *ws = mrl_fold_ws_new();
    char *line = NULL;
    size_t cap = 0;
    int rows = 0, ok_old = 0, ok_mod = 0, ok_eval = 0;
    ssize_t got = getline(&line, &cap, f); /* header */
    while ((got = getline(&line, &cap, f)) > 0) {
        if (line[got - 1] == '\n')
            line[--got] = 0;
        char *fld[6];
        int nf = 0;
        for (char *s = line; nf < 6; nf++) {
            fld[nf] = s;
            char *t = strchr(s, '\t');
            if (!t) {
                nf++;
                break;
            }
            *t = 0;
            s = t + 1;
        }
        if (nf != 6)
            continue;
        rows++;
        size_t n = strlen(fld[1]);
        char *st = malloc(n + 1);
        int e = 0;
        if (mrl_fold_mfe(ws, old, fld[1], n, st, &e) == 0 && !strcmp(st, fld[2]) &&
            e == parse_energy(fld[3]))
            ok_old++;
        else
            fprintf(stderr, "2.1.3 mismatch %s: %s %d\n", fld[0], st, e);
        int ev = 0;
        if (mrl_fold_eval(old, fld[1], fld[2], n, &ev) == 0 && ev == parse_energy(fld[3]))
            ok_eval++;
        if (mrl_fold_mfe(ws, mod, fld[1], n, st, &e) == 0 && !strcmp(st, fld[4]) &&
            e == parse_energy(fld[5]))
            ok_mod++;
        else
            fprintf(stderr, "modern mismatch %s: %s %d\n", fld[0], st, e);
        free(st);
    }
    free(line);
    fclose(f);
    mrl_fold_ws_free(ws);
    printf("fold_dev.tsv: %d rows; 2.1.3 identical %d, modern identical %d, eval %d\n", rows,
           ok_old, ok_mod, ok_eval);
    CHECK(rows == 530);
    CHECK_INT(ok_old, rows);
    CHECK_INT(ok_mod, rows);
    CHECK_INT(ok_eval, rows);
    return test_summary("test_fold_golden");
}
