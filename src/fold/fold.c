/*
 * fold.c - small public helpers around folding: energy formatting and loop-by-loop
 * evaluation of a given structure (the same model as mfe.c; an independent check of
 * the DP and a tool for users who bring their own structures).
 */
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "energy.h"

char *mrl_energy_str(int dcal, char *buf)
{
    unsigned a = dcal < 0 ? (unsigned)(-(long)dcal) : (unsigned)dcal;
    snprintf(buf, 16, "%s%u.%02u", dcal < 0 ? "-" : "", a / 100, a % 100);
    return buf;
}

/* Energy of the loop closed by (i,j) (1-based), given the pair table pt. */
static int loop_energy(const mrl_params_t *P, const unsigned char *s, const char *up,
                       const int *pt, int i, int j)
{
    int type = mrl_pair_type[s[i]][s[j]];
    /* collect the branches inside (i,j) */
    int p = i + 1, nbr = 0, bp = 0, bq = 0, e = 0, unpaired = 0;
    while (p < j) {
        if (pt[p] > p) {
            if (nbr == 0) {
                bp = p;
                bq = pt[p];
            }
            nbr++;
            e += mrl_e_mlstem(P, mrl_pair_type[s[p]][s[pt[p]]], s[p - 1], s[pt[p] + 1]);
            p = pt[p] + 1;
        } else {
            p++;
            unpaired++;
        }
    }
    if (nbr == 0)
        return mrl_e_hairpin(P, j - i - 1, type, s[i + 1], s[j - 1], up + i);
    if (nbr == 1)
        return mrl_e_intloop(P, bp - i - 1, j - bq - 1, type,
                             mrl_rtype[mrl_pair_type[s[bp]][s[bq]]], s[i + 1], s[j - 1],
                             s[bp - 1], s[bq + 1]);
    return e + P->ml_closing + P->ml_unpaired * unpaired +
           mrl_e_mlstem(P, mrl_rtype[type], s[j - 1], s[i + 1]);
}

int mrl_fold_eval(const mrl_params_t *P, const char *seq, const char *structure, size_t n,
                  int *energy_out)
{
    int rc = 0, *pt = NULL, *stk = NULL;
    unsigned char *s = NULL;
    char *up = NULL;
    if (strlen(structure) != n)
        return mrl_err_set(MRL_ERR_ARG, "structure length %zu differs from sequence length %zu",
                           strlen(structure), n);
    pt = calloc(n + 2, sizeof *pt);
    stk = malloc((n + 1) * sizeof *stk);
    s = calloc(n + 2, 1);
    up = calloc(n + 2, 1);
    if (!pt || !stk || !s || !up) {
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        goto done;
    }
    int sp = 0;
    for (size_t k = 0; k < n; k++) {
        char ch = seq[k];
        s[k + 1] = (unsigned char)mrl_base_code(ch);
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        up[k + 1] = ch == 'T' ? 'U' : ch;
        if (structure[k] == '(') {
            stk[sp++] = (int)k + 1;
        } else if (structure[k] == ')') {
            if (sp == 0) {
                rc = mrl_err_set(MRL_ERR_ARG, "unbalanced ')' at position %zu", k + 1);
                goto done;
            }
            int i = stk[--sp];
            pt[i] = (int)k + 1;
            pt[k + 1] = i;
        } else if (structure[k] != '.') {
            rc = mrl_err_set(MRL_ERR_ARG, "invalid character '%c' in structure at %zu",
                             structure[k], k + 1);
            goto done;
        }
    }
    if (sp) {
        rc = mrl_err_set(MRL_ERR_ARG, "unbalanced '(' at position %d", stk[sp - 1]);
        goto done;
    }
    int e = 0, in = (int)n;
    for (int i = 1; i <= in; i++) {
        if (pt[i] <= i)
            continue;
        int j = pt[i], type = mrl_pair_type[s[i]][s[j]];
        if (!type) {
            rc = mrl_err_set(MRL_ERR_ARG, "positions %d and %d cannot pair", i, j);
            goto done;
        }
        e += loop_energy(P, s, up, pt, i, j);
    }
    /* exterior loop stems */
    for (int i = 1; i <= in;) {
        if (pt[i] > i) {
            int j = pt[i];
            e += mrl_e_extstem(P, mrl_pair_type[s[i]][s[j]], i > 1 ? s[i - 1] : -1,
                               j < in ? s[j + 1] : -1);
            i = j + 1;
        } else {
            i++;
        }
    }
    *energy_out = e;
done:
    free(pt);
    free(stk);
    free(s);
    free(up);
    return rc;
}
