/*
 * mfe.c - minimum free energy folding (Zuker & Stiegler 1981) with the Turner 2004
 * model exactly as RNAfold 2.1.3 runs by default (--noPS: dangles=2, 37 C, lonely pairs
 * allowed, special hairpins, MAXLOOP 30), including its backtracking tie order, so that
 * co-optimal structures come out as RNAfold prints them. Recursions and tie rules:
 * docs/folding.md, sections 3 and 4.
 *
 * Matrices (1-based positions):
 *   C[i][j]   best energy of i..j with i.j paired            (row-major triangle)
 *   FM[i][j]  i..j inside a multiloop, >= 1 stem             (row- and column-major copies,
 *                                                             so both split operands stream)
 *   DML[j]    split part of FM for the current row: min_k FM[i][k] + FM[k+1][j]; the
 *             previous row's DML is the multiloop decomposition FM2(i+1, j-1) of C[i][j]
 *   F5[j]     best energy of the prefix 1..j
 */
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"
#include "energy.h"

struct mrl_fold_ws {
    size_t cap;           /* largest n the buffers hold */
    int *c, *fmr, *fmc;   /* triangles, n(n+1)/2 + 1 each */
    size_t *roff, *coff;  /* row / column offsets: c[roff[i] + j], fmc[coff[j] + i] */
    int *f5, *dml_a, *dml_b;
    unsigned char *s;     /* base codes, s[0] = s[n+1] = 0 */
    char *up;             /* uppercase T->U copy, 1-based */
    int *stack;           /* backtracking stack of (kind, i, j) */
    int *plist, *pstart;  /* pairable partners (build_partners) */
    int *cm;              /* per partner: C[p][q] + inner mismatch (finish_row) */
    int lt[MRL_MAXLOOP + 1][MRL_MAXLOOP + 1]; /* generic loop size + asymmetry terms */
};

enum { BT_EXT = 0, BT_PAIR = 1, BT_ML = 2 };

mrl_fold_ws_t *mrl_fold_ws_new(void)
{
    return calloc(1, sizeof(mrl_fold_ws_t));
}

static void ws_release(mrl_fold_ws_t *ws)
{
    free(ws->c);
    free(ws->fmr);
    free(ws->fmc);
    free(ws->roff);
    free(ws->coff);
    free(ws->f5);
    free(ws->dml_a);
    free(ws->dml_b);
    free(ws->s);
    free(ws->up);
    free(ws->stack);
    free(ws->plist);
    free(ws->pstart);
    free(ws->cm);
    memset(ws, 0, sizeof *ws);
}

void mrl_fold_ws_free(mrl_fold_ws_t *ws)
{
    if (!ws)
        return;
    ws_release(ws);
    free(ws);
}

static int ws_reserve(mrl_fold_ws_t *ws, size_t n)
{
    if (n <= ws->cap && ws->c)
        return 0;
    ws_release(ws);
    size_t tri = n * (n + 1) / 2 + 1;
    ws->c = malloc(tri * sizeof(int));
    ws->fmr = malloc(tri * sizeof(int));
    ws->fmc = malloc(tri * sizeof(int));
    ws->roff = malloc((n + 2) * sizeof(size_t));
    ws->coff = malloc((n + 2) * sizeof(size_t));
    ws->f5 = malloc((n + 2) * sizeof(int));
    ws->dml_a = malloc((n + 2) * sizeof(int));
    ws->dml_b = malloc((n + 2) * sizeof(int));
    ws->s = malloc(n + 2);
    ws->up = malloc(n + 2);
    ws->stack = malloc(3 * (n + 2) * sizeof(int));
    ws->plist = malloc(tri * sizeof(int));
    ws->pstart = malloc((n + 2) * sizeof(int));
    ws->cm = malloc(tri * sizeof(int));
    if (!ws->c || !ws->fmr || !ws->fmc || !ws->roff || !ws->coff || !ws->f5 || !ws->dml_a ||
        !ws->dml_b || !ws->s || !ws->up || !ws->stack || !ws->plist || !ws->pstart || !ws->cm) {
        ws_release(ws);
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory folding %zu nt", n);
    }
    ws->cap = n;
    return 0;
}

/* Offsets for length n: row i holds j = i..n at roff[i] + j, column j holds i = 1..j at
 * coff[j] + i. Both start one element into the buffer, so that row and column base
 * pointers (buffer + offset) never point before it. */
static void set_offsets(mrl_fold_ws_t *ws, size_t n)
{
    size_t start = 1;
    for (size_t i = 1; i <= n; i++) {
        ws->roff[i] = start - i;
        start += n - i + 1;
    }
    for (size_t j = 1; j <= n; j++)
        ws->coff[j] = (j - 1) * j / 2;
}

#define PTYPE(s, i, j) mrl_pair_type[(s)[i]][(s)[j]]

/* Pairable partners: for each p, the q > p+3 that can pair with p, ascending, in
 * plist[pstart[p] .. pstart[p+1]-1]. C[p][q] is finite exactly for these (a hairpin is
 * always possible), so the interior-loop scan visits only them. */
static void build_partners(mrl_fold_ws_t *ws, int n)
{
    const unsigned char *s = ws->s;
    int m = 0;
    for (int p = 1; p <= n; p++) {
        ws->pstart[p] = m;
        for (int q = p + 4; q <= n; q++)
            if (PTYPE(s, p, q))
                ws->plist[m++] = q;
    }
    ws->pstart[n + 1] = m;
}

/* Once row p of C is final: cm[k] = C[p][q] + mismatch_interior[type(q,p)][S[q+1]][S[p-1]]
 * for p's partners, the part of a generic interior loop that does not depend on (i,j). */
static void finish_row(const mrl_params_t *P, mrl_fold_ws_t *ws, int p)
{
    const unsigned char *s = ws->s;
    const int *crow = ws->c + ws->roff[p];
    for (int k = ws->pstart[p]; k < ws->pstart[p + 1]; k++) {
        int q = ws->plist[k];
        ws->cm[k] = crow[q] + P->mm_interior[mrl_rtype[PTYPE(s, p, q)]][s[q + 1]][s[p - 1]];
    }
}

/* Best stack / bulge / interior loop closed by (i,j) of type `type`. cur[p-i] is a
 * cursor into p's partner list, kept at the first q > j-1 as j grows. Generic loops
 * (n1, n2 >= 3) cost lt[n1][n2] (size + asymmetry) + outer mismatch + cm[k] (same terms
 * as mrl_e_intloop); the few small loops next to the pair go through mrl_e_intloop. */
static int best_interior(const mrl_params_t *P, const mrl_fold_ws_t *ws, int i, int j, int type,
                         int *cur)
{
    const unsigned char *s = ws->s;
    const int *plist = ws->plist, *cm = ws->cm;
    int best = MRL_INF, si1 = s[i + 1], sj1 = s[j - 1];
    int mmo = P->mm_interior[type][si1][sj1];
    int pmax = MRL_MIN(i + MRL_MAXLOOP + 1, j - 5);
    for (int p = i + 1; p <= pmax; p++) {
        int n1 = p - i - 1, minq = MRL_MAX(p + 4, j - i + p - MRL_MAXLOOP - 2);
        int k = cur[p - i], end = ws->pstart[p + 1], lo = ws->pstart[p];
        while (k < end && plist[k] <= j - 1)
            k++;
        cur[p - i] = k;
        const int *crow = ws->c + ws->roff[p];
        int sp1 = s[p - 1];
        /* small loops: n1 < 3, or n2 < 3 (q > j-4) */
        int qsmall = n1 < 3 ? minq : j - 3;
        for (k--; k >= lo; k--) {
            int q = plist[k];
            if (q < qsmall || q < minq)
                break;
            int e = mrl_e_intloop(P, n1, j - q - 1, type, mrl_rtype[PTYPE(s, p, q)], si1, sj1,
                                  sp1, s[q + 1]) +
                    crow[q];
            best = e < best ? e : best;
        }
        if (n1 < 3)
            continue;
        const int *lt = ws->lt[n1];
        int base = best - mmo;
        for (; k >= lo; k--) {
            int q = plist[k];
            if (q < minq)
                break;
            int e = cm[k] + lt[j - q - 1];
            base = e < base ? e : base;
        }
        best = base + mmo < best ? base + mmo : best;
    }
    return best;
}

/* min over k in [lo, hi] of a[k] + b[k] (both INF-padded; sums of two INF stay in range). */
static int split_min(const int *a, const int *b, int lo, int hi)
{
    int best = MRL_INF;
    for (int k = lo; k <= hi; k++) {
        int e = a[k] + b[k];
        best = e < best ? e : best;
    }
    return best;
}

/*
 * Fill (docs/folding.md section 3), i from n-4 down to 1, j from i+4 up to n:
 *   C[i][j]  = min( H(i,j), min_{p,q} IL(i,j,p,q) + C[p][q],
 *                   FM2(i+1,j-1) + cc + MLstem(rev type, S[j-1], S[i+1]) )
 *   FM[i][j] = min( C[i][j] + MLstem(type, S[i-1], S[j+1]), FM[i+1][j] + cu,
 *                   FM[i][j-1] + cu, min_k FM[i][k] + FM[k+1][j] )
 *   F5[j]    = min( F5[j-1], min_k F5[k-1] + C[k][j] + ExtStem(k,j) )
 */
static void fill(const mrl_params_t *P, mrl_fold_ws_t *ws, int n)
{
    const unsigned char *s = ws->s;
    int *c = ws->c, *fmr = ws->fmr, *fmc = ws->fmc, *prev = ws->dml_a, *cur = ws->dml_b;
    size_t tri = (size_t)n * (n + 1) / 2 + 1;
    for (size_t k = 0; k < tri; k++)
        c[k] = fmr[k] = fmc[k] = MRL_INF;
    for (int j = 0; j <= n + 1; j++)
        prev[j] = cur[j] = MRL_INF;
    build_partners(ws, n);
    for (int a = 0; a <= MRL_MAXLOOP; a++)
        for (int b = 0; b <= MRL_MAXLOOP; b++) {
            int asym = (a > b ? a - b : b - a) * P->ninio_m;
            ws->lt[a][b] = a + b <= MRL_MAXLOOP
                               ? P->interior[a + b] + (asym < P->ninio_max ? asym : P->ninio_max)
                               : MRL_INF;
        }
    for (int i = n - 4; i >= 1; i--) {
        int pcur[MRL_MAXLOOP + 2];
        for (int p = i + 1; p <= i + MRL_MAXLOOP + 1 && p <= n; p++)
            pcur[p - i] = ws->pstart[p];
        int *crow = c + ws->roff[i], *frow = fmr + ws->roff[i];
        const int *frow1 = fmr + ws->roff[i + 1];
        for (int j = i + 4; j <= n; j++) {
            int type = PTYPE(s, i, j), cij = MRL_INF;
            if (type) {
                cij = mrl_e_hairpin(P, j - i - 1, type, s[i + 1], s[j - 1], ws->up + i);
                int e = best_interior(P, ws, i, j, type, pcur);
                cij = e < cij ? e : cij;
                if (prev[j - 1] < MRL_INF) {
                    e = prev[j - 1] + P->ml_closing +
                        mrl_e_mlstem(P, mrl_rtype[type], s[j - 1], s[i + 1]);
                    cij = e < cij ? e : cij;
                }
            }
            crow[j] = cij;
            int split = j - i >= 9 ? split_min(frow, fmc + (ws->coff[j] + 1), i + 4, j - 5)
                                   : MRL_INF;
            cur[j] = split;
            int fm = split;
            if (cij < MRL_INF) {
                int e = cij + mrl_e_mlstem(P, type, s[i - 1], s[j + 1]);
                fm = e < fm ? e : fm;
            }
            if (i + 1 <= n && frow1[j] < MRL_INF && frow1[j] + P->ml_unpaired < fm)
                fm = frow1[j] + P->ml_unpaired;
            if (frow[j - 1] < MRL_INF && frow[j - 1] + P->ml_unpaired < fm)
                fm = frow[j - 1] + P->ml_unpaired;
            frow[j] = fm;
            fmc[ws->coff[j] + i] = fm;
        }
        finish_row(P, ws, i);
        int *t = prev;
        prev = cur;
        cur = t;
        for (int j = 0; j <= n + 1; j++)
            cur[j] = MRL_INF;
    }
    int *f5 = ws->f5;
    for (int j = 0; j <= n && j <= 4; j++)
        f5[j] = 0;
    for (int j = 5; j <= n; j++) {
        int best = f5[j - 1];
        for (int k = j - 4; k >= 1; k--) {
            int ckj = c[ws->roff[k] + j];
            if (ckj >= MRL_INF)
                continue;
            int e = f5[k - 1] + ckj +
                    mrl_e_extstem(P, PTYPE(s, k, j), k > 1 ? s[k - 1] : -1, j < n ? s[j + 1] : -1);
            best = e < best ? e : best;
        }
        f5[j] = best;
    }
}

#define CIJ(i, j) ws->c[ws->roff[i] + (j)]
#define FMIJ(i, j) ws->fmr[ws->roff[i] + (j)]

/* Backtrack one pair (i,j) through stacks and interior loops until a hairpin or a
 * multiloop; a multiloop pushes its two FM segments. Tie order (folding.md 4.2):
 * hairpin, then p ascending / q descending, then the smallest split k. */
static int bt_pair(const mrl_params_t *P, mrl_fold_ws_t *ws, int n, int i, int j, char *st,
                   int *sp)
{
    const unsigned char *s = ws->s;
    for (;;) {
        st[i - 1] = '(';
        st[j - 1] = ')';
        int type = PTYPE(s, i, j), cij = CIJ(i, j);
        if (cij == mrl_e_hairpin(P, j - i - 1, type, s[i + 1], s[j - 1], ws->up + i))
            return 0;
        int found = 0, pmax = MRL_MIN(i + MRL_MAXLOOP + 1, j - 5);
        for (int p = i + 1; p <= pmax && !found; p++) {
            int minq = MRL_MAX(p + 4, j - i + p - MRL_MAXLOOP - 2);
            for (int q = j - 1; q >= minq; q--) {
                int cpq = CIJ(p, q);
                if (cpq >= MRL_INF)
                    continue;
                int e = mrl_e_intloop(P, p - i - 1, j - q - 1, type, mrl_rtype[PTYPE(s, p, q)],
                                      s[i + 1], s[j - 1], s[p - 1], s[q + 1]);
                if (e + cpq == cij) {
                    i = p;
                    j = q;
                    found = 1;
                    break;
                }
            }
        }
        if (found)
            continue;
        int target = cij - P->ml_closing - mrl_e_mlstem(P, mrl_rtype[type], s[j - 1], s[i + 1]);
        for (int k = i + 5; k <= j - 6; k++) {
            if (FMIJ(i + 1, k) + FMIJ(k + 1, j - 1) == target) {
                int *stk = ws->stack;
                stk[(*sp)++] = BT_ML, stk[(*sp)++] = i + 1, stk[(*sp)++] = k;
                stk[(*sp)++] = BT_ML, stk[(*sp)++] = k + 1, stk[(*sp)++] = j - 1;
                return 0;
            }
        }
        (void)n;
        return mrl_err_set(MRL_ERR_INTERNAL, "fold: backtracking failed at pair (%d,%d)", i, j);
    }
}

/* Backtrack a multiloop segment (folding.md 4.3): j unpaired, i unpaired, stem, split. */
static int bt_ml(const mrl_params_t *P, mrl_fold_ws_t *ws, int i, int j, int *sp)
{
    const unsigned char *s = ws->s;
    int *stk = ws->stack, fm = FMIJ(i, j);
    if (j - 1 >= i && FMIJ(i, j - 1) < MRL_INF && FMIJ(i, j - 1) + P->ml_unpaired == fm) {
        stk[(*sp)++] = BT_ML, stk[(*sp)++] = i, stk[(*sp)++] = j - 1;
        return 0;
    }
    if (FMIJ(i + 1, j) < MRL_INF && FMIJ(i + 1, j) + P->ml_unpaired == fm) {
        stk[(*sp)++] = BT_ML, stk[(*sp)++] = i + 1, stk[(*sp)++] = j;
        return 0;
    }
    int type = PTYPE(s, i, j);
    if (type && CIJ(i, j) < MRL_INF &&
        CIJ(i, j) + mrl_e_mlstem(P, type, s[i - 1], s[j + 1]) == fm) {
        stk[(*sp)++] = BT_PAIR, stk[(*sp)++] = i, stk[(*sp)++] = j;
        return 0;
    }
    for (int k = i + 4; k <= j - 5; k++) {
        if (FMIJ(i, k) + FMIJ(k + 1, j) == fm) {
            stk[(*sp)++] = BT_ML, stk[(*sp)++] = i, stk[(*sp)++] = k;
            stk[(*sp)++] = BT_ML, stk[(*sp)++] = k + 1, stk[(*sp)++] = j;
            return 0;
        }
    }
    return mrl_err_set(MRL_ERR_INTERNAL, "fold: backtracking failed in multiloop (%d,%d)", i, j);
}

/* Exterior loop (folding.md 4.1): j unpaired first, else the largest partner k. */
static int backtrack(const mrl_params_t *P, mrl_fold_ws_t *ws, int n, char *st)
{
    const unsigned char *s = ws->s;
    int *f5 = ws->f5, sp = 0, rc;
    int j = n;
    while (j > 4) {
        if (f5[j] == f5[j - 1]) {
            j--;
            continue;
        }
        int k;
        for (k = j - 4; k >= 1; k--) {
            int ckj = CIJ(k, j);
            if (ckj >= MRL_INF)
                continue;
            int e = f5[k - 1] + ckj +
                    mrl_e_extstem(P, PTYPE(s, k, j), k > 1 ? s[k - 1] : -1, j < n ? s[j + 1] : -1);
            if (e == f5[j])
                break;
        }
        if (k < 1)
            return mrl_err_set(MRL_ERR_INTERNAL, "fold: backtracking failed at 1..%d", j);
        ws->stack[sp++] = BT_PAIR, ws->stack[sp++] = k, ws->stack[sp++] = j;
        /* stems of the exterior loop are independent: finish this one before going on */
        while (sp > 0) {
            int jj = ws->stack[--sp], ii = ws->stack[--sp], kind = ws->stack[--sp];
            rc = kind == BT_PAIR ? bt_pair(P, ws, n, ii, jj, st, &sp) : bt_ml(P, ws, ii, jj, &sp);
            if (rc < 0)
                return rc;
        }
        j = k - 1;
    }
    return 0;
}

int mrl_fold_mfe(mrl_fold_ws_t *ws, const mrl_params_t *P, const char *seq, size_t n,
                 char *struct_out, int *mfe_out)
{
    if (!ws || !P || (!seq && n) || !struct_out || !mfe_out)
        return mrl_err_set(MRL_ERR_ARG, "fold: NULL argument");
    if (n > 100000)
        return mrl_err_set(MRL_ERR_RANGE, "fold: sequence of %zu nt is too long", n);
    memset(struct_out, '.', n);
    struct_out[n] = '\0';
    *mfe_out = 0;
    if (n < 5)
        return 0;
    int rc = ws_reserve(ws, n);
    if (rc < 0)
        return rc;
    set_offsets(ws, n);
    ws->s[0] = ws->s[n + 1] = 0;
    ws->up[0] = ws->up[n + 1] = '\0';
    for (size_t k = 0; k < n; k++) {
        char ch = seq[k];
        ws->s[k + 1] = (unsigned char)mrl_base_code(ch);
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        ws->up[k + 1] = ch == 'T' ? 'U' : ch;
    }
    fill(P, ws, (int)n);
    *mfe_out = ws->f5[n];
    return backtrack(P, ws, (int)n, struct_out);
}
