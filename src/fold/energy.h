/*
 * energy.h - loop free energies of the Turner 2004 model as RNAfold 2.1.3 evaluates them
 * with its defaults (dangles=2), in dcal/mol. Internal; static inline so the DP inlines
 * them. Rules: docs/folding.md section 2 (ViennaRNA's E_Hairpin, E_IntLoop,
 * E_MLstem, E_ExtLoop).
 */
#ifndef MRL_FOLD_ENERGY_H
#define MRL_FOLD_ENERGY_H

#include <math.h>
#include <string.h>
#include "params.h"

/* Base code: A=1 C=2 G=3 U/T=4, anything else 0 (never pairs). */
static inline int mrl_base_code(char c)
{
    switch (c) {
    case 'A': case 'a': return 1;
    case 'C': case 'c': return 2;
    case 'G': case 'g': return 3;
    case 'U': case 'u': case 'T': case 't': return 4;
    default: return 0;
    }
}

/* Pair type of bases (a, b) read 5'->3': CG=1 GC=2 GU=3 UG=4 AU=5 UA=6, 0 = no pair. */
static const int mrl_pair_type[5][5] = {
    {0, 0, 0, 0, 0}, {0, 0, 0, 0, 5}, {0, 0, 0, 1, 0}, {0, 0, 2, 0, 3}, {0, 6, 0, 4, 0},
};
/* Reversed pair type: the same pair read from the other side. */
static const int mrl_rtype[8] = {0, 2, 1, 4, 3, 6, 5, 7};

/* Loop-length extrapolation beyond 30 nt: truncating int cast as in RNAfold. */
static inline int mrl_loop_extra(const mrl_params_t *P, int base30, int u)
{
    return base30 + (int)(P->lxc * log((double)u / 30.0));
}

/* Hairpin closed by a pair of type `type` with u unpaired bases. `loop` points to the
 * closing 5' base in an uppercase, T->U copy of the sequence (for the special loops);
 * si1 = S[i+1], sj1 = S[j-1]. */
static inline int mrl_e_hairpin(const mrl_params_t *P, int u, int type, int si1, int sj1,
                                const char *loop)
{
    if (u < 3)
        return MRL_INF;
    int e = u <= MRL_MAXLOOP ? P->hairpin[u] : mrl_loop_extra(P, P->hairpin[MRL_MAXLOOP], u);
    if (u == 4) {
        for (int k = 0; k < P->n_tetra; k++)
            if (!memcmp(loop, P->tetra[k].seq, 6))
                return P->tetra[k].e;
    } else if (u == 6) {
        for (int k = 0; k < P->n_hexa; k++)
            if (!memcmp(loop, P->hexa[k].seq, 8))
                return P->hexa[k].e;
    } else if (u == 3) {
        for (int k = 0; k < P->n_tri; k++)
            if (!memcmp(loop, P->tri[k].seq, 5))
                return P->tri[k].e;
        return e + (type > 2 ? P->terminal_au : 0);
    }
    return e + P->mm_hairpin[type][si1][sj1];
}

/* Stack, bulge or interior loop between outer pair (i,j) of type `type` and inner pair
 * (p,q) whose reversed type (q,p) is type2; n1 = p-i-1, n2 = j-q-1; si1 = S[i+1],
 * sj1 = S[j-1], sp1 = S[p-1], sq1 = S[q+1]. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int mrl_e_intloop(const mrl_params_t *P, int n1, int n2, int type, int type2,
                                int si1, int sj1, int sp1, int sq1)
{
    int nl = n1 > n2 ? n1 : n2, ns = n1 > n2 ? n2 : n1, e;
    if (nl == 0)
        return P->stack[type][type2];
    if (ns == 0) {
        e = nl <= MRL_MAXLOOP ? P->bulge[nl] : mrl_loop_extra(P, P->bulge[MRL_MAXLOOP], nl);
        if (nl == 1)
            return e + P->stack[type][type2];
        return e + (type > 2 ? P->terminal_au : 0) + (type2 > 2 ? P->terminal_au : 0);
    }
    if (ns == 1) {
        if (nl == 1)
            return P->int11[type][type2][si1][sj1];
        if (nl == 2) {
            if (n1 == 1)
                return P->int21[type][type2][si1][sq1][sj1];
            return P->int21[type2][type][sq1][si1][sp1];
        }
        e = nl + 1 <= MRL_MAXLOOP ? P->interior[nl + 1]
                                  : mrl_loop_extra(P, P->interior[MRL_MAXLOOP], nl + 1);
        int asym = (nl - ns) * P->ninio_m;
        e += asym < P->ninio_max ? asym : P->ninio_max;
        return e + P->mm_interior_1n[type][si1][sj1] + P->mm_interior_1n[type2][sq1][sp1];
    }
    if (ns == 2) {
        if (nl == 2)
            return P->int22[type][type2][si1][sp1][sq1][sj1];
        if (nl == 3)
            return P->interior[5] + P->ninio_m + P->mm_interior_23[type][si1][sj1] +
                   P->mm_interior_23[type2][sq1][sp1];
    }
    int u = nl + ns;
    e = u <= MRL_MAXLOOP ? P->interior[u] : mrl_loop_extra(P, P->interior[MRL_MAXLOOP], u);
    int asym = (nl - ns) * P->ninio_m;
    e += asym < P->ninio_max ? asym : P->ninio_max;
    return e + P->mm_interior[type][si1][sj1] + P->mm_interior[type2][sq1][sp1];
}

/* A stem of type `type` inside a multiloop under dangles=2 (closing stem included, seen
 * from inside): ci + terminal mismatch (both neighbours always) + AU/GU penalty. */
static inline int mrl_e_mlstem(const mrl_params_t *P, int type, int s5, int s3)
{
    return P->ml_intern + P->mm_multi[type][s5][s3] + (type > 2 ? P->terminal_au : 0);
}

/* A stem in the exterior loop: s5 = S[i-1] or -1 at the 5' end, s3 = S[j+1] or -1 at the
 * 3' end. */
static inline int mrl_e_extstem(const mrl_params_t *P, int type, int s5, int s3)
{
    int e = type > 2 ? P->terminal_au : 0;
    if (s5 >= 0 && s3 >= 0)
        return e + P->mm_exterior[type][s5][s3];
    if (s5 >= 0)
        return e + P->dangle5[type][s5];
    if (s3 >= 0)
        return e + P->dangle3[type][s3];
    return e;
}

#endif
