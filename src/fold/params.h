/*
 * params.h - the Turner 2004 energy tables in ViennaRNA's layout (internal).
 *
 * Bases: 0 = N / any non-ACGU, 1 = A, 2 = C, 3 = G, 4 = U. Pair types: 1 CG, 2 GC, 3 GU,
 * 4 UG, 5 AU, 6 UA, 7 NS; 0 = no pair. Every value is dcal/mol; MRL_INF marks a
 * forbidden entry. Layout and lookups: docs/folding.md sections 2 and 5.2 (ViennaRNA 2.0
 * parameter files; Lorenz et al. 2011).
 */
#ifndef MRL_FOLD_PARAMS_H
#define MRL_FOLD_PARAMS_H

#include "mirlens.h"

#define MRL_INF 10000000 /* ViennaRNA's INF; sums of a few stay far below INT_MAX */
#define MRL_DEF (-50)    /* the value old writers print as DEF */
#define MRL_MAXLOOP 30
#define MRL_NSPECIAL 40  /* room for special hairpins of each size */

typedef struct mrl_special {
    char seq[12]; /* whole loop including the closing pair, uppercase, U not T */
    int e;        /* the full hairpin energy that replaces the computed one */
} mrl_special_t;

struct mrl_params {
    char name[32];
    int stack[8][8];
    int mm_hairpin[8][5][5];
    int mm_interior[8][5][5];
    int mm_interior_1n[8][5][5];
    int mm_interior_23[8][5][5];
    int mm_multi[8][5][5];
    int mm_exterior[8][5][5];
    int dangle5[8][5];
    int dangle3[8][5];
    int int11[8][8][5][5];
    int int21[8][8][5][5][5];
    int int22[8][8][5][5][5][5];
    int hairpin[31];
    int bulge[31];
    int interior[31];
    int ml_unpaired, ml_closing, ml_intern; /* cu, cc, ci */
    int ninio_m, ninio_max;
    int duplex_init, terminal_au;
    double lxc; /* extrapolation factor for loops longer than 30 */
    int n_tetra, n_tri, n_hexa;
    mrl_special_t tetra[MRL_NSPECIAL], tri[MRL_NSPECIAL], hexa[MRL_NSPECIAL];
};

/* The generated built-in sets (src/fold/params_builtin.c, made by tools/par2c). */
extern const mrl_params_t mrl_params_rnafold_2_1_3;
extern const mrl_params_t mrl_params_turner2004;

#endif
