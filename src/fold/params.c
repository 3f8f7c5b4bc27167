/*
 * params.c - reading ViennaRNA 2.0 parameter files and writing them as C tables.
 *
 * Format: docs/folding.md section 5.3 (ViennaRNA's read_parameter_file()), Lorenz et al.
 * 2011. Unlike ViennaRNA's reader, every token must parse completely and every section
 * must hold exactly the expected number of values: a typo such as "-1i40" is an error
 * naming file and line, never a silent -1.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../io/io.h"
#include "../util/util.h"
#include "params.h"

const mrl_params_t *mrl_params_builtin(const char *name)
{
    if (!name || !strcmp(name, "rnafold-2.1.3") || !strcmp(name, "2.1.3"))
        return &mrl_params_rnafold_2_1_3;
    if (!strcmp(name, "turner2004") || !strcmp(name, "modern"))
        return &mrl_params_turner2004;
    return NULL;
}

void mrl_params_free(mrl_params_t *p)
{
    free(p);
}

int mrl_params_resolve(const char *spec, const mrl_params_t **P, mrl_params_t **owned)
{
    *owned = NULL;
    if ((*P = mrl_params_builtin(spec)) != NULL)
        return 0;
    int rc = mrl_params_load(owned, spec);
    *P = *owned;
    return rc;
}

/* One numeric table section: where its values go and the shape written in the file. */
typedef struct {
    const char *name;
    const char *alias;
    int kind;         /* 0 = table, 1 = enthalpy (checked, not kept), 2..: special */
    int *dst;         /* first element of the destination array (NULL: discard) */
    int ndim;
    int dims[6];      /* full array dims in memory */
    int lo[6], hi[6]; /* index range written in the file, inclusive */
    int seen;
} section_t;

typedef struct {
    const char *path;
    char *line; /* the current line of in, without its end */
    long lineno;
    io_lines_t in;
} reader_t;

/* Parse one value token: integer, INF or DEF. */
static int parse_value(const reader_t *r, const char *tok, int *out)
{
    if (!strcmp(tok, "INF")) {
        *out = MRL_INF;
        return 0;
    }
    if (!strcmp(tok, "DEF")) {
        *out = MRL_DEF;
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(tok, &end, 10);
    if (errno || end == tok || *end || v <= -MRL_INF || v > MRL_INF)
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: cannot parse '%s' as an energy", r->path,
                           r->lineno, tok);
    *out = (int)v;
    return 0;
}

/* Strip a one-line comment and return 1 if anything but blanks remain. */
static int strip_comment(char *s)
{
    char *c = strstr(s, "/*");
    if (c) {
        char *e = strstr(c + 2, "*/");
        if (e)
            memmove(c, e + 2, strlen(e + 2) + 1);
        else
            *c = '\0';
    }
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return 1;
    return 0;
}

/* Flat index of the k-th written value of a section inside its destination array. */
static int section_offset(const section_t *s, long k)
{
    int idx[6], off = 0;
    for (int d = s->ndim - 1; d >= 0; d--) {
        int span = s->hi[d] - s->lo[d] + 1;
        idx[d] = s->lo[d] + (int)(k % span);
        k /= span;
    }
    for (int d = 0; d < s->ndim; d++)
        off = off * s->dims[d] + idx[d];
    return off;
}

static long section_count(const section_t *s)
{
    long c = 1;
    for (int d = 0; d < s->ndim; d++)
        c *= s->hi[d] - s->lo[d] + 1;
    return c;
}

static void set_shape(section_t *s, int ndim, const int *dims, const int *lo, const int *hi)
{
    s->ndim = ndim;
    for (int d = 0; d < ndim; d++) {
        s->dims[d] = dims[d];
        s->lo[d] = lo[d];
        s->hi[d] = hi[d];
    }
}

/* int22 entries with N bases or the NS pair are the maximum over all substitutions. */
static void fill_int22_max(mrl_params_t *p)
{
    for (int t1 = 0; t1 < 8; t1++)
        for (int t2 = 0; t2 < 8; t2++)
            for (int a = 0; a < 5; a++)
                for (int b = 0; b < 5; b++)
                    for (int c = 0; c < 5; c++)
                        for (int d = 0; d < 5; d++) {
                            if (t1 >= 1 && t1 <= 6 && t2 >= 1 && t2 <= 6 && a && b && c && d)
                                continue;
                            if (t1 == 0 || t2 == 0) {
                                p->int22[t1][t2][a][b][c][d] = MRL_INF;
                                continue;
                            }
                            int m = -MRL_INF;
                            for (int u1 = 1; u1 <= 6; u1++) {
                                if (t1 != 7 && u1 != t1)
                                    continue;
                                for (int u2 = 1; u2 <= 6; u2++) {
                                    if (t2 != 7 && u2 != t2)
                                        continue;
                                    for (int x = 1; x <= 4; x++) {
                                        if (a && x != a)
                                            continue;
                                        for (int y = 1; y <= 4; y++) {
                                            if (b && y != b)
                                                continue;
                                            for (int z = 1; z <= 4; z++) {
                                                if (c && z != c)
                                                    continue;
                                                for (int w = 1; w <= 4; w++) {
                                                    if (d && w != d)
                                                        continue;
                                                    int v = p->int22[u1][u2][x][y][z][w];
                                                    if (v > m)
                                                        m = v;
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            p->int22[t1][t2][a][b][c][d] = m;
                        }
}

static void build_sections(mrl_params_t *p, section_t *s, int *ns)
{
    static const int d88[] = {8, 8}, l11[] = {1, 1}, h77[] = {7, 7};
    static const int d855[] = {8, 5, 5}, l100[] = {1, 0, 0}, h744[] = {7, 4, 4};
    static const int d85[] = {8, 5}, l10[] = {1, 0}, h74[] = {7, 4};
    static const int d8855[] = {8, 8, 5, 5}, l1100[] = {1, 1, 0, 0}, h7744[] = {7, 7, 4, 4};
    static const int d88555[] = {8, 8, 5, 5, 5}, l11000[] = {1, 1, 0, 0, 0},
                     h77444[] = {7, 7, 4, 4, 4};
    static const int d885555[] = {8, 8, 5, 5, 5, 5}, l111111[] = {1, 1, 1, 1, 1, 1},
                     h664444[] = {6, 6, 4, 4, 4, 4};
    static const int d31[] = {31}, l0[] = {0}, h30[] = {30};
    /* name, alias (older files), enthalpy name, enthalpy alias */
    const struct {
        const char *name, *alias, *ename, *ealias;
        int *dst;
        int ndim;
        const int *dims, *lo, *hi;
    } tab[] = {
        {"stack", NULL, "stack_enthalpies", NULL, &p->stack[0][0], 2, d88, l11, h77},
        {"mismatch_hairpin", NULL, "mismatch_hairpin_enthalpies", NULL,
         &p->mm_hairpin[0][0][0], 3, d855, l100, h744},
        {"mismatch_internal", "mismatch_interior", "mismatch_internal_enthalpies",
         "mismatch_interior_enthalpies", &p->mm_interior[0][0][0], 3, d855, l100, h744},
        {"mismatch_internal_1n", "mismatch_interior_1n", "mismatch_internal_1n_enthalpies",
         "mismatch_interior_1n_enthalpies", &p->mm_interior_1n[0][0][0], 3, d855, l100, h744},
        {"mismatch_internal_23", "mismatch_interior_23", "mismatch_internal_23_enthalpies",
         "mismatch_interior_23_enthalpies", &p->mm_interior_23[0][0][0], 3, d855, l100, h744},
        {"mismatch_multi", NULL, "mismatch_multi_enthalpies", NULL, &p->mm_multi[0][0][0], 3,
         d855, l100, h744},
        {"mismatch_exterior", NULL, "mismatch_exterior_enthalpies", NULL,
         &p->mm_exterior[0][0][0], 3, d855, l100, h744},
        {"dangle5", NULL, "dangle5_enthalpies", NULL, &p->dangle5[0][0], 2, d85, l10, h74},
        {"dangle3", NULL, "dangle3_enthalpies", NULL, &p->dangle3[0][0], 2, d85, l10, h74},
        {"int11", NULL, "int11_enthalpies", NULL, &p->int11[0][0][0][0], 4, d8855, l1100,
         h7744},
        {"int21", NULL, "int21_enthalpies", NULL, &p->int21[0][0][0][0][0], 5, d88555, l11000,
         h77444},
        {"int22", NULL, "int22_enthalpies", NULL, &p->int22[0][0][0][0][0][0], 6, d885555,
         l111111, h664444},
        {"hairpin", NULL, "hairpin_enthalpies", NULL, p->hairpin, 1, d31, l0, h30},
        {"bulge", NULL, "bulge_enthalpies", NULL, p->bulge, 1, d31, l0, h30},
        {"internal", "interior", "internal_enthalpies", "interior_enthalpies", p->interior, 1,
         d31, l0, h30},
    };
    int n = 0;
    for (size_t t = 0; t < sizeof tab / sizeof tab[0]; t++) {
        for (int e = 0; e < 2; e++) {
            section_t *q = &s[n++];
            memset(q, 0, sizeof *q);
            q->name = e ? tab[t].ename : tab[t].name;
            q->alias = e ? tab[t].ealias : tab[t].alias;
            q->kind = e;
            q->dst = e ? NULL : tab[t].dst;
            set_shape(q, tab[t].ndim, tab[t].dims, tab[t].lo, tab[t].hi);
        }
    }
    *ns = n;
}

/* Next line: 1, 0 at the end, <0 (binary data, a read error: message set). The line
 * reader takes LF, CR LF and CR line ends, gzip, and skips a UTF-8 byte-order mark. */
static int read_line(reader_t *r)
{
    int rc = io_lines_next(&r->in);
    if (rc <= 0)
        return rc;
    r->line = r->in.line;
    r->lineno = r->in.lineno;
    return 1;
}

/* Parse one special-hairpin line "SEQ dG dH" into a list. */
static int parse_special(reader_t *r, char *text, mrl_special_t *list, int *count, int len)
{
    char *save = NULL, *tok = strtok_r(text, " \t\r\n", &save), *loop = tok;
    if ((int)strlen(tok) != len)
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: special hairpin '%s' should have %d nt",
                           r->path, r->lineno, tok, len);
    for (char *c = tok; *c; c++)
        if (!strchr("ACGU", *c))
            return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: invalid base '%c' in '%s'", r->path,
                               r->lineno, *c, tok);
    if (*count >= MRL_NSPECIAL)
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: too many special hairpins", r->path,
                           r->lineno);
    int vals[2], nv = 0, rc;
    while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
        if (nv >= 2)
            return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: unexpected token '%s'", r->path,
                               r->lineno, tok);
        if ((rc = parse_value(r, tok, &vals[nv++])) < 0)
            return rc;
    }
    if (nv < 1)
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: special hairpin without energy",
                           r->path, r->lineno);
    mrl_special_t *sp = &list[(*count)++];
    memcpy(sp->seq, loop, (size_t)len);
    sp->seq[len] = '\0';
    sp->e = vals[0];
    return 0;
}

/* Scalar sections: ML_params (6), NINIO (3), Misc (4, or 6 with the float lxc). */
static int parse_scalars(reader_t *r, const char *sec, char **toks, int nt, mrl_params_t *p)
{
    int v[6], rc;
    int want = !strcmp(sec, "ML_params") ? 6 : !strcmp(sec, "NINIO") ? 3 : (nt == 6 ? 6 : 4);
    if (nt != want)
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: section %s needs %d values, found %d",
                           r->path, r->lineno, sec, want, nt);
    for (int k = 0; k < nt; k++) {
        if (!strcmp(sec, "Misc") && k == 4) {
            char *end;
            errno = 0;
            p->lxc = strtod(toks[k], &end);
            if (errno || end == toks[k] || *end || !(p->lxc >= 0.0 && p->lxc < 1e6))
                return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: cannot parse '%s' as lxc",
                                   r->path, r->lineno, toks[k]);
            v[k] = 0;
            continue;
        }
        if ((rc = parse_value(r, toks[k], &v[k])) < 0)
            return rc;
    }
    if (!strcmp(sec, "ML_params")) {
        p->ml_unpaired = v[0];
        p->ml_closing = v[2];
        p->ml_intern = v[4];
    } else if (!strcmp(sec, "NINIO")) {
        p->ninio_m = v[0];
        p->ninio_max = v[2];
    } else {
        p->duplex_init = v[0];
        p->terminal_au = v[2];
    }
    return 0;
}

typedef struct {
    section_t *cur;    /* numeric section being read */
    long got;          /* values read into it */
    char sname[64];    /* current section name */
    char *scal[8];     /* scalar-section tokens (owned copies) */
    int nscal;
    long sec_line;
} state_t;

static int finish_section(reader_t *r, state_t *st, mrl_params_t *p)
{
    int rc = 0;
    if (st->cur) {
        long want = section_count(st->cur);
        if (st->got != want)
            rc = mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: section %s has %ld values, expected %ld",
                             r->path, st->sec_line, st->sname, st->got, want);
        st->cur->seen = 1;
    } else if (st->sname[0] && (!strcmp(st->sname, "ML_params") || !strcmp(st->sname, "NINIO") ||
                                !strcmp(st->sname, "Misc"))) {
        rc = parse_scalars(r, st->sname, st->scal, st->nscal, p);
    }
    for (int k = 0; k < st->nscal; k++)
        free(st->scal[k]);
    st->nscal = 0;
    st->cur = NULL;
    st->got = 0;
    st->sname[0] = '\0';
    return rc;
}

static int start_section(reader_t *r, state_t *st, section_t *secs, int ns, const char *name,
                         mrl_params_t *p)
{
    snprintf(st->sname, sizeof st->sname, "%s", name);
    st->sec_line = r->lineno;
    for (int k = 0; k < ns; k++)
        if (!strcmp(secs[k].name, name) || (secs[k].alias && !strcmp(secs[k].alias, name))) {
            if (secs[k].seen)
                return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: section %s appears twice",
                                   r->path, r->lineno, name);
            st->cur = &secs[k];
            return 0;
        }
    if (!strcmp(name, "Tetraloops"))
        p->n_tetra = 0;
    else if (!strcmp(name, "Triloops"))
        p->n_tri = 0;
    else if (!strcmp(name, "Hexaloops"))
        p->n_hexa = 0;
    else if (strcmp(name, "ML_params") && strcmp(name, "NINIO") && strcmp(name, "Misc"))
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: unknown section '%s'", r->path,
                           r->lineno, name);
    return 0;
}

/* One data line of the current section. */
static int data_line(reader_t *r, state_t *st, mrl_params_t *p, char *text)
{
    if (!st->sname[0])
        return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: values outside any section", r->path,
                           r->lineno);
    if (!strcmp(st->sname, "Tetraloops"))
        return parse_special(r, text, p->tetra, &p->n_tetra, 6);
    if (!strcmp(st->sname, "Triloops"))
        return parse_special(r, text, p->tri, &p->n_tri, 5);
    if (!strcmp(st->sname, "Hexaloops"))
        return parse_special(r, text, p->hexa, &p->n_hexa, 8);
    char *save = NULL;
    for (char *tok = strtok_r(text, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
        if (!st->cur) {
            if (st->nscal >= 8)
                return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: too many values in %s", r->path,
                                   r->lineno, st->sname);
            if (!(st->scal[st->nscal++] = strdup(tok)))
                return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
            continue;
        }
        int v, rc;
        if ((rc = parse_value(r, tok, &v)) < 0)
            return rc;
        if (st->got >= section_count(st->cur))
            return mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: too many values in section %s",
                               r->path, r->lineno, st->sname);
        if (st->cur->dst)
            st->cur->dst[section_offset(st->cur, st->got)] = v;
        st->got++;
    }
    return 0;
}

/* Parse a file over p (which holds defaults for sections the file leaves out). */
static int parse_file(reader_t *r, mrl_params_t *p)
{
    section_t secs[30];
    int ns, rc = 0, ended = 0;
    state_t st;
    memset(&st, 0, sizeof st);
    build_sections(p, secs, &ns);
    if ((rc = read_line(r)) < 0)
        return rc;
    if (rc == 0 || strncmp(r->line, "## RNAfold parameter file v2.0", 30) != 0)
        return mrl_err_set(MRL_ERR_FORMAT,
                           "%s: line 1: not a ViennaRNA 2.0 parameter file (expected '## RNAfold "
                           "parameter file v2.0')", r->path);
    while (!ended && (rc = read_line(r)) > 0) {
        char *s = r->line;
        if (s[0] == '#') {
            char name[64] = "";
            if (sscanf(s + 1, " %63s", name) != 1)
                continue;
            if ((rc = finish_section(r, &st, p)) < 0)
                break;
            if (!strcmp(name, "END")) {
                ended = 1;
                break;
            }
            if ((rc = start_section(r, &st, secs, ns, name, p)) < 0)
                break;
            continue;
        }
        if (!strip_comment(s))
            continue;
        if ((rc = data_line(r, &st, p, s)) < 0)
            break;
    }
    if (rc >= 0 && !ended)
        rc = finish_section(r, &st, p);
    for (int k = 0; k < st.nscal; k++)
        free(st.scal[k]);
    if (rc < 0)
        return rc;
    fill_int22_max(p);
    return 0;
}

int mrl_params_load(mrl_params_t **out, const char *path)
{
    *out = NULL;
    mrl_params_t *p = malloc(sizeof *p);
    if (!p)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    /* Sections a file leaves out keep RNAfold 2.1.3's values, as ViennaRNA's reader does. */
    *p = mrl_params_rnafold_2_1_3;
    const char *base = strrchr(path, '/');
    snprintf(p->name, sizeof p->name, "%s", base ? base + 1 : path);
    reader_t r = {path, NULL, 0, {0}};
    int rc = io_lines_open(&r.in, path);
    if (rc < 0) {
        free(p);
        return rc;
    }
    rc = parse_file(&r, p);
    io_lines_close(&r.in);
    if (rc < 0) {
        free(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* Print a flat int array as nested C braces following dims. */
static void write_nested(FILE *fp, const int *a, const int *dims, int ndim, int depth)
{
    if (ndim == 1) {
        fputc('{', fp);
        for (int k = 0; k < dims[0]; k++)
            fprintf(fp, "%s%d", k ? "," : "", a[k]);
        fputc('}', fp);
        return;
    }
    int stride = 1;
    for (int d = 1; d < ndim; d++)
        stride *= dims[d];
    fputc('{', fp);
    for (int k = 0; k < dims[0]; k++) {
        if (k)
            fputc(',', fp);
        if (ndim > 1 && depth < 2)
            fprintf(fp, "\n%*s", 2 * (depth + 1), "");
        write_nested(fp, a + k * stride, dims + 1, ndim - 1, depth + 1);
    }
    fputc('}', fp);
}

static void write_special(FILE *fp, const char *field, const mrl_special_t *s, int n)
{
    fprintf(fp, "  .%s = {", field);
    for (int k = 0; k < n; k++)
        fprintf(fp, "%s{\"%s\", %d}", k ? ", " : "", s[k].seq, s[k].e);
    fprintf(fp, "},\n");
}

int mrl_params_write_c(const mrl_params_t *p, const char *name, FILE *fp)
{
    static const int d88[] = {8, 8}, d855[] = {8, 5, 5}, d85[] = {8, 5}, d8855[] = {8, 8, 5, 5},
                     d88555[] = {8, 8, 5, 5, 5}, d885555[] = {8, 8, 5, 5, 5, 5}, d31[] = {31};
    const struct {
        const char *f;
        const int *a, *dims;
        int nd;
    } t[] = {
        {"stack", &p->stack[0][0], d88, 2},
        {"mm_hairpin", &p->mm_hairpin[0][0][0], d855, 3},
        {"mm_interior", &p->mm_interior[0][0][0], d855, 3},
        {"mm_interior_1n", &p->mm_interior_1n[0][0][0], d855, 3},
        {"mm_interior_23", &p->mm_interior_23[0][0][0], d855, 3},
        {"mm_multi", &p->mm_multi[0][0][0], d855, 3},
        {"mm_exterior", &p->mm_exterior[0][0][0], d855, 3},
        {"dangle5", &p->dangle5[0][0], d85, 2},
        {"dangle3", &p->dangle3[0][0], d85, 2},
        {"int11", &p->int11[0][0][0][0], d8855, 4},
        {"int21", &p->int21[0][0][0][0][0], d88555, 5},
        {"int22", &p->int22[0][0][0][0][0][0], d885555, 6},
        {"hairpin", p->hairpin, d31, 1},
        {"bulge", p->bulge, d31, 1},
        {"interior", p->interior, d31, 1},
    };
    fprintf(fp, "const mrl_params_t %s = {\n  .name = \"%s\",\n", name, p->name);
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
        fprintf(fp, "  .%s = ", t[k].f);
        write_nested(fp, t[k].a, t[k].dims, t[k].nd, 0);
        fprintf(fp, ",\n");
    }
    fprintf(fp, "  .ml_unpaired = %d, .ml_closing = %d, .ml_intern = %d,\n", p->ml_unpaired,
            p->ml_closing, p->ml_intern);
    fprintf(fp, "  .ninio_m = %d, .ninio_max = %d,\n", p->ninio_m, p->ninio_max);
    fprintf(fp, "  .duplex_init = %d, .terminal_au = %d, .lxc = %.6f,\n", p->duplex_init,
            p->terminal_au, p->lxc);
    fprintf(fp, "  .n_tetra = %d, .n_tri = %d, .n_hexa = %d,\n", p->n_tetra, p->n_tri, p->n_hexa);
    write_special(fp, "tetra", p->tetra, p->n_tetra);
    write_special(fp, "tri", p->tri, p->n_tri);
    write_special(fp, "hexa", p->hexa, p->n_hexa);
    fprintf(fp, "};\n");
    return ferror(fp) ? mrl_err_set(MRL_ERR_IO, "write error") : 0;
}
