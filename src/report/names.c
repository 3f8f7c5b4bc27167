/*
 * names.c - filesystem-safe, unique output file names from sequence ids (case-
 * insensitively unique, for case-insensitive file systems): the pages and pictures of
 * explain, the images of predict and encode. A set of the names handed out, in an
 * open-addressing hash table of their lower-cased forms.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../util/util.h"

struct mrl_report_names {
    char **slot; /* open addressing, lower-cased names */
    size_t cap, n;
};

mrl_report_names_t *mrl_report_names_new(void)
{
    return calloc(1, sizeof(mrl_report_names_t));
}

void mrl_report_names_free(mrl_report_names_t *ns)
{
    if (!ns)
        return;
    for (size_t i = 0; i < ns->cap; i++)
        free(ns->slot[i]);
    free(ns->slot);
    free(ns);
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t find(const mrl_report_names_t *ns, const char *key)
{
    size_t i = (size_t)hash_str(key) & (ns->cap - 1);
    while (ns->slot[i] && strcmp(ns->slot[i], key))
        i = (i + 1) & (ns->cap - 1);
    return i;
}

static int grow(mrl_report_names_t *ns)
{
    size_t cap = ns->cap ? ns->cap * 2 : 256;
    mrl_report_names_t big = {calloc(cap, sizeof(char *)), cap, ns->n};
    if (!big.slot)
        return -1;
    for (size_t i = 0; i < ns->cap; i++)
        if (ns->slot[i])
            big.slot[find(&big, ns->slot[i])] = ns->slot[i];
    free(ns->slot);
    *ns = big;
    return 0;
}

/* Add key unless present: 1 added, 0 present, -1 out of memory. */
static int add(mrl_report_names_t *ns, const char *key)
{
    if (2 * (ns->n + 1) > ns->cap && grow(ns))
        return -1;
    size_t i = find(ns, key);
    if (ns->slot[i])
        return 0;
    if (!(ns->slot[i] = strdup(key)))
        return -1;
    ns->n++;
    return 1;
}

int mrl_report_names_unique(mrl_report_names_t *ns, const char *id, char *out, size_t cap)
{
    char base[128], key[160];
    size_t n = 0;
    for (const char *p = id; *p && n < 120; p++) {
        unsigned char ch = (unsigned char)*p;
        base[n++] = (isalnum(ch) || strchr("._+-", ch)) && ch ? (char)ch : '_';
    }
    base[n] = '\0';
    if (n == 0)
        strcpy(base, "seq");
    if (base[0] == '.')
        base[0] = '_';
    for (long k = 1;; k++) {
        if (k == 1)
            snprintf(out, cap, "%s", base);
        else
            snprintf(out, cap, "%s_%ld", base, k);
        size_t i;
        for (i = 0; out[i] && i + 1 < sizeof key; i++)
            key[i] = (char)tolower((unsigned char)out[i]);
        key[i] = '\0';
        int rc = add(ns, key);
        if (rc < 0)
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        if (rc == 1)
            return 0;
    }
}
