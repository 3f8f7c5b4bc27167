/*
 * structure.c - the pair table and loop context of every position of a dot-bracket
 * structure (the loop decomposition of Zuker & Stiegler 1981: hairpin, bulge, interior
 * and multi-loops, and the exterior loop with its 5' / 3' flanks). The pipeline computes
 * them once per record, with the fold (mrl_fe_item_t.partner / .context), for everything
 * that reads nucleotides in their structure: explain, aggregation, duplexes, reports.
 * Declared in the explain section of mirlens.h, where their users are.
 */
#include <stdlib.h>
#include "../util/util.h"

static const char *const ctx_names[] = {"stem",      "bulge",  "interior-loop", "terminal-loop",
                                        "multiloop", "flank5", "flank3",        "exterior"};

const char *mrl_context_name(int ctx)
{
    return ctx >= 0 && ctx <= MRL_CTX_EXTERIOR ? ctx_names[ctx] : "?";
}

/* Context of the unpaired bases of the loop closed by (i, j): count the branches (pairs
 * directly inside) and which sides of a single branch hold unpaired bases. */
static int loop_context(const int *pt, int i, int j)
{
    int branches = 0, left = 0, right = 0;
    for (int p = i + 1; p < j; p++) {
        if (pt[p] > p) {
            branches++;
            p = pt[p];
        } else if (branches == 0) {
            left++;
        } else {
            right++;
        }
    }
    if (branches == 0)
        return MRL_CTX_TERMINAL_LOOP;
    if (branches >= 2)
        return MRL_CTX_MULTILOOP;
    return left && right ? MRL_CTX_INTERIOR : MRL_CTX_BULGE;
}

int mrl_explain_structure(const char *structure, size_t n, int *partner, uint8_t *context)
{
    if (!structure || n >= (1u << 30))
        return mrl_err_set(MRL_ERR_ARG, "no structure or too long");
    int *stack = malloc((n + 1) * sizeof(int)), top = 0;
    if (!stack)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    int rc = 0;
    for (size_t p = 0; p < n && !rc; p++) {
        partner[p] = -1;
        if (structure[p] == '(')
            stack[top++] = (int)p;
        else if (structure[p] == ')' && top > 0)
            partner[p] = stack[--top], partner[partner[p]] = (int)p;
        else if (structure[p] != '.')
            rc = mrl_err_set(MRL_ERR_ARG, "unbalanced or bad structure at position %zu", p + 1);
    }
    if (!rc && top)
        rc = mrl_err_set(MRL_ERR_ARG, "unbalanced structure: %d unclosed '('", top);
    if (rc) {
        free(stack);
        return rc;
    }
    int first = -1, last = -1;
    for (size_t p = 0; p < n; p++)
        if (partner[p] >= 0)
            last = (int)p, first = first < 0 ? (int)p : first;
    /* the innermost pair enclosing each unpaired base, by a second stack walk */
    top = 0;
    int cached = -1, cached_ctx = 0; /* unpaired runs share their loop */
    for (size_t p = 0; p < n; p++) {
        if (partner[p] > (int)p) {
            stack[top++] = (int)p;
            context[p] = MRL_CTX_STEM;
        } else if (partner[p] >= 0) {
            top--;
            context[p] = MRL_CTX_STEM;
        } else if (top > 0) {
            int i = stack[top - 1];
            if (i != cached)
                cached = i, cached_ctx = loop_context(partner, i, partner[i]);
            context[p] = (uint8_t)cached_ctx;
        } else {
            context[p] = first < 0 || (int)p < first ? MRL_CTX_FLANK5
                         : (int)p > last             ? MRL_CTX_FLANK3
                                                     : MRL_CTX_EXTERIOR;
        }
    }
    free(stack);
    return 0;
}
