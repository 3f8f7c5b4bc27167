/*
 * out.c - what a scan writes, and how sharded scans are joined.
 *
 * The candidates file is the scan's record of truth: a header (settings, shard, the
 * sequence regions) and one row per candidate, in genome order. The loci (BED, GFF3) are
 * made from the rows of that file alone, by the same code in a scan and in a merge, so a
 * merge of shards gives byte for byte what one run gives.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "../util/util.h"
#include "../io/io.h"
#include "scan.h"

#define COLUMNS "#chrom\tstart\tend\tstrand\tsequence\tstructure\tmfe\tscore\tmargin\tstem"

char *scan_path(const char *prefix, const char *suffix)
{
    size_t n = strlen(prefix) + strlen(suffix) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s", prefix, suffix);
    return p;
}

void scan_hdr_release(scan_hdr_t *h)
{
    for (size_t k = 0; k < h->nrec; k++)
        free(h->rec[k].name);
    free(h->rec);
    free(h->settings);
    memset(h, 0, sizeof *h);
}

static int add_rec(scan_hdr_t *h, const char *name, int64_t len, int64_t from, int64_t to)
{
    scan_rec_t *v = realloc(h->rec, (h->nrec + 1) * sizeof *v);
    if (!v)
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    h->rec = v;
    scan_rec_t *r = &v[h->nrec];
    memset(r, 0, sizeof *r);
    if (!(r->name = strdup(name)))
        return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    h->nrec++;
    r->len = len, r->from = from, r->to = to;
    return 0;
}

/* A position of a region: digits with optional thousands commas, >= 1. */
static int parse_pos(const char *s, const char *end, int64_t *out)
{
    int64_t v = 0;
    int digits = 0;
    for (; s < end; s++) {
        if (*s == ',')
            continue;
        if (!isdigit((unsigned char)*s) || v > INT64_MAX / 10 - 10)
            return -1;
        v = 10 * v + (*s - '0'), digits++;
    }
    if (!digits || v < 1)
        return -1;
    *out = v;
    return 0;
}

/* Apply "NAME[:START-END]" to the records; positions 1-based inclusive. */
static int apply_region(scan_hdr_t *h, const char *path, const char *region)
{
    const char *colon = strrchr(region, ':');
    size_t nl = colon ? (size_t)(colon - region) : strlen(region);
    scan_rec_t *hit = NULL;
    for (size_t k = 0; k < h->nrec; k++)
        if (strlen(h->rec[k].name) == nl && memcmp(h->rec[k].name, region, nl) == 0)
            hit = &h->rec[k];
    if (!hit && colon) /* a name with a colon in it, given whole */
        for (size_t k = 0; k < h->nrec; k++)
            if (strcmp(h->rec[k].name, region) == 0)
                hit = &h->rec[k], colon = NULL;
    if (!hit)
        return mrl_err_set(MRL_ERR_ARG, "region '%s': no record '%.*s' in %s", region, (int)nl,
                           region, path);
    int64_t a = 1, z = hit->len;
    if (colon) {
        const char *dash = strchr(colon + 1, '-');
        if (!dash || parse_pos(colon + 1, dash, &a) || parse_pos(dash + 1, dash + strlen(dash), &z)
            || a > z)
            return mrl_err_set(MRL_ERR_ARG, "region '%s': want NAME:START-END with 1 <= START "
                               "<= END", region);
        if (z > hit->len)
            return mrl_err_set(MRL_ERR_RANGE, "region '%s' is outside %s (%" PRId64 " nt) in %s",
                               region, hit->name, hit->len, path);
    }
    for (size_t k = 0; k < h->nrec; k++)
        h->rec[k].from = h->rec[k].to = 0;
    hit->from = a - 1, hit->to = z;
    return 0;
}

/* floor(T k / n) without overflow (T < 2^63, n <= 2^31) */
static uint64_t part_pos(uint64_t T, int k, int n)
{
    uint64_t q = T / (uint64_t)n, r = T % (uint64_t)n;
    return q * (uint64_t)k + r * (uint64_t)k / (uint64_t)n;
}

int scan_header(scan_hdr_t *h, const char *path, const mrl_scan_opts_t *o)
{
    memset(h, 0, sizeof *h);
    mrl_fasta_t *fa = NULL;
    int rc = mrl_fasta_open(&fa, path, NULL);
    mrl_seqpart_t p;
    int64_t len = 0;
    while (rc >= 0 && (rc = mrl_fasta_read_part(fa, &p, (size_t)1 << 20)) == 1) {
        len += (int64_t)p.len;
        if (!p.last)
            continue;
        for (size_t k = 0; k < h->nrec && rc >= 0; k++)
            if (strcmp(h->rec[k].name, p.id) == 0)
                rc = mrl_err_set(MRL_ERR_PARSE, "%s: record name '%s' appears twice", path, p.id);
        if (rc >= 0)
            rc = add_rec(h, p.id, len, 0, len);
        len = 0;
    }
    mrl_fasta_close(fa);
    if (rc == 0 && h->nrec == 0)
        rc = mrl_err_set(MRL_ERR_PARSE, "%s: no sequence in the input", path);
    if (rc == 0 && o->region)
        rc = apply_region(h, path, o->region);
    /* shard k of n: positions [T(k-1)/n, Tk/n) of the scanned parts laid end to end */
    uint64_t T = 0;
    for (size_t k = 0; k < h->nrec; k++)
        T += (uint64_t)(h->rec[k].to - h->rec[k].from);
    h->shard = o->shard, h->nshards = o->nshards;
    uint64_t lo = part_pos(T, o->shard - 1, o->nshards);
    uint64_t hi = part_pos(T, o->shard, o->nshards);
    uint64_t g = 0;
    for (size_t k = 0; k < h->nrec && rc == 0; k++) {
        scan_rec_t *r = &h->rec[k];
        uint64_t n = (uint64_t)(r->to - r->from);
        uint64_t a = MRL_MAX(lo, g), z = MRL_MIN(hi, g + n);
        r->own_lo = r->own_hi = r->from;
        if (a < z) {
            r->own_lo = r->from + (int64_t)(a - g);
            r->own_hi = r->from + (int64_t)(z - g);
            h->own_total += z - a;
        }
        g += n;
    }
    if (rc == 0) {
        char buf[512];
        snprintf(buf, sizeof buf,
                 "strand=%s flank=%d max_span=%d min_stem=%d max_repeat=%g min_score=%g masked=%s "
                 "models=%s",
                 o->strand > 0 ? "+" : o->strand < 0 ? "-" : "both", o->flank, o->max_span,
                 o->min_stem, o->max_repeat < 1.0f ? (double)o->max_repeat : 1.0,
                 o->no_score ? 0.0 : (double)o->min_score, /* no score: every one listed */
                 o->skip_masked ? "skipped" : "sequence",
                 o->no_score ? "none" : o->models ? o->models : "-");
        if (!(h->settings = strdup(buf)))
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    }
    if (rc < 0)
        scan_hdr_release(h);
    return rc < 0 ? rc : 0;
}

static int write_header(gzFile gz, const scan_hdr_t *h, int with_shard)
{
    int bad = gzprintf(gz, "#mirlens scan %s\n#settings %s\n", MRL_VERSION, h->settings) <= 0;
    if (with_shard && h->nshards > 1)
        bad |= gzprintf(gz, "#shard %d/%d\n", h->shard, h->nshards) <= 0;
    for (size_t k = 0; k < h->nrec; k++)
        if (h->rec[k].to > h->rec[k].from)
            bad |= gzprintf(gz, "#sequence-region %s %" PRId64 " %" PRId64 "\n", h->rec[k].name,
                            h->rec[k].from + 1, h->rec[k].to) <= 0;
    bad |= gzprintf(gz, "%s\n", COLUMNS) <= 0;
    return bad ? MRL_ERR_IO : 0;
}

static int open_rows(mrl_atomic_t *af, const char *path, int gzip, gzFile *gz)
{
    *gz = NULL;
    int rc = mrl_atomic_open(af, path);
    if (rc < 0)
        return rc;
    int fd = dup(fileno(af->fp));
    /* "T": zlib writes plain text through the same interface */
    if (fd < 0 || !(*gz = gzdopen(fd, gzip ? "wb6" : "wbT"))) {
        if (fd >= 0)
            close(fd);
        mrl_atomic_abort(af);
        return mrl_err_set(MRL_ERR_IO, "cannot write '%s'", path);
    }
    return 0;
}

int scan_open_rows(mrl_atomic_t *af, const char *path, int gzip, const scan_hdr_t *h,
                   gzFile *gz)
{
    int rc = open_rows(af, path, gzip, gz);
    if (rc == 0 && write_header(*gz, h, 1) < 0) {
        gzclose(*gz), *gz = NULL;
        mrl_atomic_abort(af);
        rc = mrl_err_set(MRL_ERR_IO, "cannot write '%s'", path);
    }
    return rc;
}

/* ---- reading a candidates file back: io_lines_t (src/io), plain or gzip ---- */

/* ---- loci ---- */

typedef struct {
    size_t chrom; /* record index */
    int64_t start, end, best_start, best_end;
    char strand;
    double prob;
    long n;
    char *best; /* the best candidate's fields: score, margin, mfe, structure (tab-separated) */
} locus_t;

typedef struct {
    locus_t *v;
    size_t n, cap;
    locus_t open[2]; /* per strand; n == 0: none */
} loci_t;

static void loci_release(loci_t *L)
{
    for (size_t k = 0; k < L->n; k++)
        free(L->v[k].best);
    for (int s = 0; s < 2; s++)
        free(L->open[s].best);
    free(L->v);
    memset(L, 0, sizeof *L);
}

static int loci_close(loci_t *L, int s)
{
    locus_t *o = &L->open[s];
    if (o->n == 0)
        return 0;
    locus_t *v = mrl_grow(L->v, &L->cap, L->n + 1, sizeof *v, 64);
    if (!v)
        return MRL_ERR_NOMEM;
    L->v = v;
    L->v[L->n++] = *o;
    memset(o, 0, sizeof *o);
    return 0;
}

typedef struct {
    const char *chrom, *strand, *structure, *mfe, *score, *margin;
    int64_t start, end;
} row_t;

/* Split a candidates row into its fields; 0 or -1 when malformed. */
static int parse_row(char *line, row_t *r)
{
    char *f[10];
    int n = 0;
    for (char *s = line; n < 10; n++) {
        f[n] = s;
        char *t = strchr(s, '\t');
        if (!t) {
            n++;
            break;
        }
        *t = '\0';
        s = t + 1;
    }
    if (n != 10)
        return -1;
    char *e1, *e2;
    r->chrom = f[0];
    r->start = strtoll(f[1], &e1, 10);
    r->end = strtoll(f[2], &e2, 10);
    r->strand = f[3];
    r->structure = f[5], r->mfe = f[6], r->score = f[7], r->margin = f[8];
    if (*e1 || *e2 || r->start < 0 || r->end <= r->start || strlen(f[3]) != 1
        || (f[3][0] != '+' && f[3][0] != '-'))
        return -1;
    return 0;
}

static int loci_add(loci_t *L, size_t chrom, const row_t *r, float threshold)
{
    if (strcmp(r->score, ".") == 0)
        return 0; /* not scored (mrl_scan_opts_t.no_score) */
    char *e;
    double p = strtod(r->score, &e);
    if (*e)
        return -1;
    if (!(p >= (double)threshold))
        return 0;
    int s = r->strand[0] == '-';
    locus_t *o = &L->open[s];
    if (o->n && (o->chrom != chrom || r->start >= o->end)) {
        int rc = loci_close(L, s);
        if (rc < 0)
            return rc;
    }
    if (o->n == 0) {
        o->chrom = chrom, o->start = r->start, o->end = r->end, o->strand = r->strand[0];
        o->prob = -1;
    }
    o->n++;
    o->end = MRL_MAX(o->end, r->end);
    if (p > o->prob) {
        size_t n = strlen(r->score) + strlen(r->margin) + strlen(r->mfe) + strlen(r->structure) + 4;
        char *b = malloc(n);
        if (!b)
            return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        snprintf(b, n, "%s\t%s\t%s\t%s", r->score, r->margin, r->mfe, r->structure);
        free(o->best);
        o->best = b, o->prob = p, o->best_start = r->start, o->best_end = r->end;
    }
    return 0;
}

static int locus_cmp(const void *pa, const void *pb)
{
    const locus_t *a = pa, *b = pb;
    if (a->chrom != b->chrom)
        return a->chrom < b->chrom ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return (a->strand == '-') - (b->strand == '-');
}

/* Read the rows of the candidates file at path into loci (header lines skipped). */
static int read_loci(const char *path, const char *name, const scan_hdr_t *h, float threshold,
                     loci_t *L)
{
    io_lines_t rd;
    int rc = io_lines_open(&rd, path);
    size_t chrom = 0;
    while (rc >= 0 && (rc = io_lines_next(&rd)) == 1) {
        if (rd.line[0] == '#')
            continue;
        row_t r;
        if (parse_row(rd.line, &r) < 0) {
            rc = mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: not a candidates row", name,
                             rd.lineno);
            break;
        }
        while (chrom < h->nrec && strcmp(h->rec[chrom].name, r.chrom) != 0)
            chrom++; /* rows follow the records' order */
        if (chrom == h->nrec) {
            rc = mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: record '%s' not in the header, or "
                             "out of order", name, rd.lineno, r.chrom);
            break;
        }
        int a = loci_add(L, chrom, &r, threshold);
        if (a == -1)
            rc = mrl_err_set(MRL_ERR_PARSE, "%s: line %ld: bad score", name, rd.lineno);
        else if (a < 0)
            rc = a;
    }
    io_lines_close(&rd);
    for (int s = 0; s < 2 && rc >= 0; s++)
        rc = loci_close(L, s);
    if (rc >= 0 && L->n > 0)
        qsort(L->v, L->n, sizeof *L->v, locus_cmp);
    return rc < 0 ? rc : 0;
}

static int write_bed(FILE *fp, const scan_hdr_t *h, const loci_t *L)
{
    for (size_t k = 0; k < L->n; k++) {
        const locus_t *l = &L->v[k];
        const char *c = h->rec[l->chrom].name;
        long score = (long)(1000.0 * l->prob + 0.5);
        fprintf(fp, "%s\t%" PRId64 "\t%" PRId64 "\t%s:%" PRId64 "-%" PRId64 "%c\t%ld\t%c\n", c,
                l->start, l->end, c, l->start + 1, l->end, l->strand, MRL_MIN(score, 1000L),
                l->strand);
    }
    return 0;
}

static int write_gff3(FILE *fp, const scan_hdr_t *h, const loci_t *L)
{
    fprintf(fp, "##gff-version 3\n");
    for (size_t k = 0; k < h->nrec; k++)
        if (h->rec[k].to > h->rec[k].from)
            fprintf(fp, "##sequence-region %s %" PRId64 " %" PRId64 "\n", h->rec[k].name,
                    h->rec[k].from + 1, h->rec[k].to);
    fprintf(fp, "#!mirlens scan %s %s\n", MRL_VERSION, h->settings);
    for (size_t k = 0; k < L->n; k++) {
        const locus_t *l = &L->v[k];
        const char *c = h->rec[l->chrom].name;
        /* best: score \t margin \t mfe \t structure */
        char *f[4], *s = l->best;
        for (int i = 0; i < 4; i++) {
            f[i] = s;
            s = strchr(s, '\t');
            if (s)
                *s++ = '\0';
            else
                s = f[i] + strlen(f[i]);
        }
        fprintf(fp,
                "%s\tmirlens\tmiRNA_primary_transcript\t%" PRId64 "\t%" PRId64 "\t%s\t%c\t.\t"
                "ID=%s:%" PRId64 "-%" PRId64 "%c;probability=%s;margin=%s;mfe=%s;candidates=%ld;"
                "best=%" PRId64 "-%" PRId64 ";structure=%s\n",
                c, l->start + 1, l->end, f[0], l->strand, c, l->start + 1, l->end, l->strand,
                f[0], f[1], f[2], l->n, l->best_start + 1, l->best_end, f[3]);
    }
    return 0;
}

int scan_finish(mrl_atomic_t *af, const scan_hdr_t *h, const char *prefix, float threshold,
                long *nloci)
{
    loci_t L = {0};
    mrl_atomic_t bed = {0}, gff = {0};
    char *pb = scan_path(prefix, ".bed"), *pg = scan_path(prefix, ".gff3");
    int rc = pb && pg ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc && fflush(af->fp) != 0)
        rc = mrl_err_set(MRL_ERR_IO, "cannot write '%s': %s", af->path, strerror(errno));
    if (!rc)
        rc = read_loci(af->tmp, af->path, h, threshold, &L);
    if (!rc)
        rc = mrl_atomic_open(&bed, pb);
    if (!rc)
        rc = mrl_atomic_open(&gff, pg);
    if (!rc) {
        write_bed(bed.fp, h, &L);
        write_gff3(gff.fp, h, &L);
        if (nloci)
            *nloci = (long)L.n;
        if ((rc = mrl_atomic_commit(&bed)) == 0 && (rc = mrl_atomic_commit(&gff)) == 0)
            rc = mrl_atomic_commit(af);
        if (rc < 0) { /* none of the three, or all */
            unlink(pb), unlink(pg);
        }
    }
    mrl_atomic_abort(&bed);
    mrl_atomic_abort(&gff);
    mrl_atomic_abort(af);
    loci_release(&L);
    free(pb), free(pg);
    return rc;
}

/* ---- merge ---- */

/* The candidates file of a prefix: PREFIX.candidates.tsv.gz or PREFIX.candidates.tsv. */
static char *find_candidates(const char *prefix)
{
    char *p = scan_path(prefix, ".candidates.tsv.gz");
    if (p && access(p, F_OK) == 0)
        return p;
    free(p);
    return scan_path(prefix, ".candidates.tsv");
}

/* Read a header; the reader is left at the first row. */
static int read_header(io_lines_t *rd, scan_hdr_t *h)
{
    memset(h, 0, sizeof *h);
    h->shard = h->nshards = 1;
    int rc, seen_version = 0;
    while ((rc = io_lines_next(rd)) == 1) {
        char *l = rd->line;
        if (strcmp(l, COLUMNS) == 0)
            return seen_version && h->settings ? 0
                   : mrl_err_set(MRL_ERR_FORMAT, "%s: not a mirlens scan candidates file",
                                 rd->name);
        if (strncmp(l, "#mirlens scan ", 14) == 0)
            seen_version = 1;
        else if (strncmp(l, "#settings ", 10) == 0) {
            free(h->settings);
            if (!(h->settings = strdup(l + 10)))
                return mrl_err_set(MRL_ERR_NOMEM, "out of memory");
        } else if (strncmp(l, "#shard ", 7) == 0) {
            if (sscanf(l + 7, "%d/%d", &h->shard, &h->nshards) != 2 || h->nshards < 1
                || h->shard < 1 || h->shard > h->nshards)
                return mrl_err_set(MRL_ERR_FORMAT, "%s: line %ld: bad shard line", rd->name,
                                   rd->lineno);
        } else if (strncmp(l, "#sequence-region ", 17) == 0) {
            char name[1024];
            int64_t a, z;
            if (sscanf(l + 17, "%1023s %" SCNd64 " %" SCNd64, name, &a, &z) != 3 || a < 1 || z < a)
                return mrl_err_set(MRL_ERR_FORMAT, "%s: line %ld: bad sequence-region line",
                                   rd->name, rd->lineno);
            if ((rc = add_rec(h, name, z, a - 1, z)) < 0)
                return rc;
        } else
            return mrl_err_set(MRL_ERR_FORMAT, "%s: line %ld: not a mirlens scan candidates "
                               "file", rd->name, rd->lineno);
    }
    return rc < 0 ? rc : mrl_err_set(MRL_ERR_FORMAT, "%s: no header", rd->name);
}

static int same_genome(const scan_hdr_t *a, const scan_hdr_t *b)
{
    if (strcmp(a->settings, b->settings) != 0 || a->nrec != b->nrec || a->nshards != b->nshards)
        return 0;
    for (size_t k = 0; k < a->nrec; k++)
        if (strcmp(a->rec[k].name, b->rec[k].name) || a->rec[k].from != b->rec[k].from
            || a->rec[k].to != b->rec[k].to)
            return 0;
    return 1;
}

int mrl_scan_merge(const char *const *prefixes, int n, const char *prefix,
                   const mrl_scan_opts_t *o, long *loci)
{
    if (n < 1 || !prefix || !o)
        return mrl_err_set(MRL_ERR_ARG, "merge: no inputs");
    char **path = calloc((size_t)n, sizeof *path);
    scan_hdr_t *hd = calloc((size_t)n, sizeof *hd);
    int *order = calloc((size_t)n, sizeof *order);
    io_lines_t rd = {0};
    mrl_atomic_t af = {0};
    gzFile gz = NULL;
    char *out = NULL;
    int rc = path && hd && order ? 0 : mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    for (int k = 0; k < n && !rc; k++) {
        if (!(path[k] = find_candidates(prefixes[k]))) {
            rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
            break;
        }
        if ((rc = io_lines_open(&rd, path[k])) == 0)
            rc = read_header(&rd, &hd[k]);
        io_lines_close(&rd);
        if (rc)
            break;
        if (!same_genome(&hd[0], &hd[k]))
            rc = mrl_err_set(MRL_ERR_ARG, "%s is not a part of the same scan as %s (settings, "
                             "records or shard count differ)", path[k], path[0]);
        else if (hd[k].nshards != n)
            rc = mrl_err_set(MRL_ERR_ARG, "%s is part %d of %d: give all %d parts", path[k],
                             hd[k].shard, hd[k].nshards, hd[k].nshards);
        else if (order[hd[k].shard - 1])
            rc = mrl_err_set(MRL_ERR_ARG, "%s: part %d/%d given twice", path[k], hd[k].shard, n);
        else
            order[hd[k].shard - 1] = k + 1;
    }
    if (!rc) { /* the loci are made from the listed candidates: none below min_score */
        const char *ms = strstr(hd[0].settings, "min_score=");
        double min_score = ms ? strtod(ms + 10, NULL) : 0;
        if ((double)o->threshold < min_score)
            rc = mrl_err_set(MRL_ERR_ARG, "threshold %g is below the parts' minimal listed score "
                             "%g", (double)o->threshold, min_score);
    }
    if (!rc && !(out = scan_path(prefix, o->gzip ? ".candidates.tsv.gz" : ".candidates.tsv")))
        rc = mrl_err_set(MRL_ERR_NOMEM, "out of memory");
    if (!rc) {
        hd[0].nshards = 1; /* the joined file is the unsharded one */
        rc = scan_open_rows(&af, out, o->gzip, &hd[0], &gz);
        hd[0].nshards = n;
    }
    for (int s = 0; s < n && !rc; s++) {
        int k = order[s] - 1;
        scan_hdr_t skip = {0};
        if ((rc = io_lines_open(&rd, path[k])) == 0 && (rc = read_header(&rd, &skip)) == 0) {
            while ((rc = io_lines_next(&rd)) == 1)
                if (gzprintf(gz, "%s\n", rd.line) <= 0) {
                    rc = mrl_err_set(MRL_ERR_IO, "cannot write '%s'", out);
                    break;
                }
        }
        scan_hdr_release(&skip);
        io_lines_close(&rd);
    }
    if (gz && gzclose(gz) != Z_OK && !rc)
        rc = mrl_err_set(MRL_ERR_IO, "cannot write '%s'", out);
    if (!rc)
        rc = scan_finish(&af, &hd[0], prefix, o->threshold, loci);
    mrl_atomic_abort(&af);
    for (int k = 0; k < n && path; k++)
        free(path[k]);
    for (int k = 0; k < n && hd; k++)
        scan_hdr_release(&hd[k]);
    free(path), free(hd), free(order), free(out);
    return rc;
}

int mrl_scan_models_tag(const char *const *paths, int n, char *buf, size_t cap)
{
    size_t w = 0;
    if (cap)
        buf[0] = '\0';
    for (int k = 0; k < n; k++) {
        FILE *fp = fopen(paths[k], "rb");
        long left = -1;
        if (fp && fseek(fp, 0, SEEK_END) == 0 && (left = ftell(fp)) >= 4)
            left -= 4;
        if (fp && left >= 0 && fseek(fp, 0, SEEK_SET) != 0)
            left = -1;
        uLong crc = crc32(0L, Z_NULL, 0);
        unsigned char b[65536];
        while (fp && left > 0) {
            size_t got = fread(b, 1, left < (long)sizeof b ? (size_t)left : sizeof b, fp);
            if (got == 0)
                break;
            crc = crc32(crc, b, (uInt)got);
            left -= (long)got;
        }
        if (fp)
            fclose(fp);
        if (!fp || left != 0)
            return mrl_err_set(MRL_ERR_IO, "cannot read the model file '%s'", paths[k]);
        const char *base = strrchr(paths[k], '/');
        base = base ? base + 1 : paths[k];
        int m = snprintf(buf + w, cap - w, "%s%s:%08lx", k ? "," : "", base, (unsigned long)crc);
        if (m < 0 || (size_t)m >= cap - w)
            return mrl_err_set(MRL_ERR_RANGE, "the models' names are too long for the header");
        w += (size_t)m;
    }
    return 0;
}
