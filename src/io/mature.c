/*
 * mature.c - mature miRNA positions inside their hairpins (the miRBase 21 table
 * shared/data/mirbase/v21/mature_positions.tsv.gz), looked up by hairpin ID or accession.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "../util/util.h"
#include "io.h"

typedef struct mature_row {
    char *id, *acc;
    int range[4]; /* 0-based inclusive: 5p start, end, 3p start, end; -1 absent */
    int exact[2]; /* the arm's range came from a "name+seq" row */
    int len;
    size_t order; /* creation order (rows of one hairpin may be split in the file) */
    long line;    /* of the file, for messages */
} mature_row_t;

struct mrl_mature_tab {
    mature_row_t *row;
    size_t n, cap;
    const mature_row_t **by_id, **by_acc; /* rows sorted by id / acc, case-insensitive */
};

static int cmp_id(const void *a, const void *b)
{
    return strcasecmp((*(const mature_row_t *const *)a)->id, (*(const mature_row_t *const *)b)->id);
}

static int cmp_acc(const void *a, const void *b)
{
    return strcasecmp((*(const mature_row_t *const *)a)->acc,
                      (*(const mature_row_t *const *)b)->acc);
}

void mrl_mature_free(mrl_mature_tab_t *t)
{
    if (!t)
        return;
    for (size_t k = 0; k < t->n; k++)
        free(t->row[k].id), free(t->row[k].acc);
    free(t->row), free((void *)t->by_id), free((void *)t->by_acc);
    free(t);
}

/* Split line at tabs into at most max fields; returns the count. */
static int split_tabs(char *line, char **f, int max)
{
    int nf = 0;
    f[nf++] = line;
    for (char *p = line; *p && nf < max; p++)
        if (*p == '\t')
            *p = '\0', f[nf++] = p + 1;
    return nf;
}

static int cmp_row(const void *a, const void *b)
{
    const mature_row_t *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* One row per hairpin (its lines need not be adjacent in the file): sort by (id, file
 * order) and merge, each arm keeping its first range unless a later one is an exact
 * ("name+seq") match and the first is not. The lines of one hairpin must agree on its
 * accession and length (else a range could lie outside the hairpin). 0 or MRL_ERR_PARSE. */
static int merge_rows(mrl_mature_tab_t *t, const char *path)
{
    qsort(t->row, t->n, sizeof *t->row, cmp_row);
    size_t m = 0;
    int rc = 0;
    for (size_t k = 0; k < t->n; k++) {
        if (m && strcmp(t->row[m - 1].id, t->row[k].id) == 0) {
            mature_row_t *d = &t->row[m - 1], *s2 = &t->row[k];
            if (!rc && (d->len != s2->len || strcmp(d->acc, s2->acc) != 0))
                rc = mrl_err_set(MRL_ERR_PARSE,
                                 "%s: line %ld: hairpin '%s' is %s, %d nt here but %s, %d nt at "
                                 "line %ld",
                                 path, s2->line, s2->id, s2->acc, s2->len, d->acc, d->len, d->line);
            for (int arm = 0; arm < 2; arm++)
                if (s2->range[2 * arm] >= 0 &&
                    (d->range[2 * arm] < 0 || (s2->exact[arm] && !d->exact[arm]))) {
                    d->range[2 * arm] = s2->range[2 * arm];
                    d->range[2 * arm + 1] = s2->range[2 * arm + 1];
                    d->exact[arm] = s2->exact[arm];
                }
            free(s2->id), free(s2->acc);
            continue;
        }
        t->row[m++] = t->row[k];
    }
    t->n = m;
    return rc;
}

static int parse_int(const char *s, long *v)
{
    char *end;
    *v = strtol(s, &end, 10);
    return *s && !*end && *v >= 0 && *v < (1L << 30);
}

/* A row for one line of the file (merge_rows joins the rows of one hairpin). */
static int new_row(mrl_mature_tab_t *t, const char *id, const char *acc, int len, long line)
{
    mature_row_t *row = mrl_grow(t->row, &t->cap, t->n + 1, sizeof *row, 1024);
    if (!row)
        return MRL_ERR_NOMEM;
    t->row = row;
    mature_row_t *r = &t->row[t->n];
    memset(r, 0, sizeof *r);
    r->range[0] = r->range[1] = r->range[2] = r->range[3] = -1;
    r->len = len;
    r->order = t->n;
    r->line = line;
    r->id = strdup(id), r->acc = strdup(acc);
    t->n++;
    if (!r->id || !r->acc)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    return 0;
}

static int parse_row(mrl_mature_tab_t *t, io_lines_t *L)
{
    char *f[10];
    if (split_tabs(L->line, f, 10) != 9)
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: expected 9 tab-separated columns", L->name,
                           L->lineno);
    long s, e, len;
    if (!parse_int(f[4], &s) || !parse_int(f[5], &e) || !parse_int(f[7], &len) || s < 1 || e < s ||
        e > len)
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: bad start/end/hairpin_len", L->name,
                           L->lineno);
    int arm = strcmp(f[6], "5p") == 0 ? 0 : strcmp(f[6], "3p") == 0 ? 1 : -1;
    if (arm < 0 || !*f[0] || !*f[1])
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: arm must be 5p or 3p", L->name, L->lineno);
    int rc = new_row(t, f[0], f[1], (int)len, L->lineno);
    if (rc < 0)
        return rc;
    mature_row_t *r = &t->row[t->n - 1];
    r->range[2 * arm] = (int)s - 1, r->range[2 * arm + 1] = (int)e - 1;
    r->exact[arm] = strcmp(f[8], "name+seq") == 0;
    return 0;
}

int mrl_mature_load(mrl_mature_tab_t **out, const char *path)
{
    *out = NULL;
    mrl_mature_tab_t *t = calloc(1, sizeof *t);
    io_lines_t L;
    if (!t)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    int rc = io_lines_open(&L, path), got;
    if (rc < 0) {
        free(t);
        return rc;
    }
    while ((got = io_lines_next(&L)) == 1) {
        if (L.line[0] == '#' || L.line[0] == '\0')
            continue;
        if ((rc = parse_row(t, &L)) < 0)
            break;
    }
    if (!rc && got < 0)
        rc = got;
    if (!rc && t->n == 0)
        rc = mrl_err_set(MRL_ERR_PARSE, "%s: no mature positions", L.name);
    if (!rc)
        rc = merge_rows(t, L.name);
    io_lines_close(&L);
    if (!rc && (!(t->by_id = malloc(t->n * sizeof *t->by_id)) ||
                !(t->by_acc = malloc(t->n * sizeof *t->by_acc))))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (rc < 0) {
        mrl_mature_free(t);
        return rc;
    }
    for (size_t k = 0; k < t->n; k++)
        t->by_id[k] = t->by_acc[k] = &t->row[k];
    qsort((void *)t->by_id, t->n, sizeof *t->by_id, cmp_id);
    qsort((void *)t->by_acc, t->n, sizeof *t->by_acc, cmp_acc);
    *out = t;
    return 0;
}

static const mature_row_t *lookup(const mrl_mature_tab_t *t, const mature_row_t **idx, int acc,
                                  const char *key)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const mature_row_t *r = idx[mid];
        int c = strcasecmp(acc ? r->acc : r->id, key);
        if (c == 0)
            return r;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int mrl_mature_find(const mrl_mature_tab_t *t, const char *id, int range[4], int *len)
{
    const mature_row_t *r = t && id ? lookup(t, t->by_id, 0, id) : NULL;
    if (!r && t && id)
        r = lookup(t, t->by_acc, 1, id);
    if (!r)
        return 0;
    memcpy(range, r->range, sizeof r->range);
    if (len)
        *len = r->len;
    return 1;
}
