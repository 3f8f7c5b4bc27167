/*
 * structdiff.c - edits of a sequence (substitution, deletion, insertion), the coordinate
 * maps between a sequence and its edited copy, and how a mutant's fold differs from the
 * reference's on aligned positions: base pairs lost and gained, the drawn terminal loop
 * moved, no hairpin loop left to draw. The mutagenesis and counterfactual searches
 * (mutagenesis.c, counterfactual.c) classify every mutant with it.
 */
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

static const char *const kind_names[MRL_EDIT_NKINDS] = {"sub", "del", "ins"};

const char *mrl_edit_kind_name(int kind)
{
    return kind >= 0 && kind < MRL_EDIT_NKINDS ? kind_names[kind] : "?";
}

size_t mrl_edit_apply(const char *seq, size_t n, const mrl_edit_t *e, char *out)
{
    size_t p = (size_t)e->pos;
    if (e->pos < 0 || (e->kind == MRL_EDIT_INS ? p > n : p >= n))
        return (size_t)-1;
    switch (e->kind) {
    case MRL_EDIT_SUB:
        memcpy(out, seq, n);
        out[p] = e->alt;
        out[n] = '\0';
        return n;
    case MRL_EDIT_DEL:
        memcpy(out, seq, p);
        memcpy(out + p, seq + p + 1, n - p - 1);
        out[n - 1] = '\0';
        return n - 1;
    case MRL_EDIT_INS:
        memcpy(out, seq, p);
        out[p] = e->alt;
        memcpy(out + p + 1, seq + p, n - p);
        out[n + 1] = '\0';
        return n + 1;
    default:
        return (size_t)-1;
    }
}

int mrl_edit_map_fwd(const mrl_edit_t *e, int p)
{
    if (!e || e->kind == MRL_EDIT_SUB)
        return p;
    if (e->kind == MRL_EDIT_DEL)
        return p < e->pos ? p : p == e->pos ? -1 : p - 1;
    return p < e->pos ? p : p + 1;
}

int mrl_edit_map_back(const mrl_edit_t *e, int q)
{
    if (!e || e->kind == MRL_EDIT_SUB)
        return q;
    if (e->kind == MRL_EDIT_DEL)
        return q < e->pos ? q : q + 1;
    return q < e->pos ? q : q == e->pos ? -1 : q - 1;
}

/* Pair table of a dot-bracket string (n chars) into pt; MRL_ERR_ARG when unbalanced. */
static int pairs_of(const char *s, size_t n, int *pt, int *stack)
{
    int top = 0;
    for (size_t i = 0; i < n; i++) {
        pt[i] = -1;
        if (s[i] == '(') {
            stack[top++] = (int)i;
        } else if (s[i] == ')') {
            if (!top)
                return mrl_err_set(MRL_ERR_ARG, "unbalanced structure at %zu", i + 1);
            int j = stack[--top];
            pt[i] = j, pt[j] = (int)i;
        } else if (s[i] != '.') {
            return mrl_err_set(MRL_ERR_ARG, "'%c' in a structure at %zu", s[i], i + 1);
        }
    }
    return top ? mrl_err_set(MRL_ERR_ARG, "unbalanced structure: %d '(' left open", top) : 0;
}

int mrl_structdiff(const char *ref, size_t n, const int ref_loop[2], const char *mut, size_t m,
                   const int mut_loop[2], const mrl_edit_t *e, mrl_structdiff_t *d)
{
    memset(d, 0, sizeof *d);
    size_t want = !e || e->kind == MRL_EDIT_SUB ? n : e->kind == MRL_EDIT_DEL ? n - 1 : n + 1;
    if (!ref || !mut || m != want || (e && e->kind == MRL_EDIT_DEL && n == 0))
        return mrl_err_set(MRL_ERR_ARG, "mutant structure of %zu nt does not fit the edit", m);
    size_t cap = (n > m ? n : m) + 1;
    int *a = malloc(cap * sizeof *a), *b = malloc(cap * sizeof *b), *st = malloc(cap * sizeof *st);
    int rc = a && b && st ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc && !(rc = pairs_of(ref, n, a, st)))
        rc = pairs_of(mut, m, b, st);
    for (int i = 0; !rc && i < (int)n; i++) {
        if (a[i] <= i)
            continue;
        int x = mrl_edit_map_fwd(e, i), y = mrl_edit_map_fwd(e, a[i]);
        d->pairs_lost += x < 0 || y < 0 || b[x] != y;
    }
    for (int q = 0; !rc && q < (int)m; q++) {
        if (b[q] <= q)
            continue;
        int x = mrl_edit_map_back(e, q), y = mrl_edit_map_back(e, b[q]);
        d->pairs_gained += x < 0 || y < 0 || a[x] != y;
    }
    if (!rc) {
        d->undrawable = mut_loop[0] < 0;
        if (!d->undrawable && ref_loop[0] >= 0)
            d->loop_moved = mrl_edit_map_fwd(e, ref_loop[0]) != mut_loop[0] ||
                            mrl_edit_map_fwd(e, ref_loop[1]) != mut_loop[1];
        d->changed = d->pairs_lost || d->pairs_gained || d->loop_moved || d->undrawable;
    }
    free(a), free(b), free(st);
    return rc;
}
