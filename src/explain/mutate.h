/*
 * mutate.h - what the mutagenesis (mutagenesis.c) shares with the counterfactual search
 * (counterfactual.c); internal, not public.
 */
#ifndef MRL_MUTATE_H
#define MRL_MUTATE_H

#include <stddef.h>
#include "mirlens.h"

/* Every single edit of seq (n letters) of the kinds in mask `kinds` (MRL_EDIT_MASK), in the
 * documented order (by position; at a position substitutions, the deletion, insertions
 * before it; substitutions and insertions in ACGU order, ACGT when the input writes T),
 * into out (NULL: count only). Returns their number. */
size_t mut_edits(const char *seq, size_t n, int kinds, mrl_edit_t *out);

#endif
