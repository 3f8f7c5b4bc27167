/*
 * cli_data.c - labelled inputs shared by train and eval: FASTA files of positives and
 * negatives (folded and encoded once, on worker threads) and published image sets.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

int cli_inputs_add(const char *cmd, cli_inputs_t *in, int kind, const char *path)
{
    const char **list = kind == 'p' ? in->pos : kind == 'n' ? in->neg : kind == 'i' ? in->images
                                                                                     : in->labels;
    int *cnt = kind == 'p' ? &in->npos : kind == 'n' ? &in->nneg : kind == 'i' ? &in->nimg
                                                                              : &in->nlab;
    if (*cnt >= CLI_MAX_INPUTS) {
        cli_usage_error(cmd, "too many input files (at most %d of a kind)", CLI_MAX_INPUTS);
        return -1;
    }
    list[(*cnt)++] = path;
    return 0;
}

int cli_inputs_empty(const cli_inputs_t *in)
{
    return in->npos + in->nneg + in->nimg == 0;
}

int cli_load_inputs(const char *cmd, const cli_inputs_t *in, const mrl_fe_opts_t *fe, int quiet,
                    mrl_imageset_t **out)
{
    mrl_imageset_t *set = NULL;
    int rc = mrl_imageset_new(&set);
    if (rc < 0)
        return cli_lib_error(cmd, rc);
    for (int k = 0; k < in->npos + in->nneg; k++) {
        int pos = k < in->npos;
        const char *path = pos ? in->pos[k] : in->neg[k - in->npos];
        long refused = 0;
        size_t before = set->n;
        double t0 = cli_now();
        if ((rc = mrl_imageset_add_fasta(set, path, pos, fe, &refused)) < 0) {
            mrl_imageset_free(set);
            return cli_lib_error(cmd, rc);
        }
        if (!quiet)
            fprintf(stderr, "mirlens %s: %s: %zu %s hairpins folded and encoded in %.1f s%s", cmd,
                    path, set->n - before, pos ? "positive" : "negative", cli_now() - t0,
                    refused ? "" : "\n");
        if (!quiet && refused)
            fprintf(stderr, " (%ld without a hairpin loop skipped)\n", refused);
    }
    for (int k = 0; k < in->nimg; k++) {
        mrl_imageset_t *s = NULL;
        if ((rc = mrl_imageset_load(&s, in->images[k])) < 0) {
            mrl_imageset_free(set);
            return cli_lib_error(cmd, rc);
        }
        if (k < in->nlab && (rc = mrl_imageset_read_labels(s, in->labels[k])) < 0) {
            mrl_imageset_free(s);
            mrl_imageset_free(set);
            return cli_lib_error(cmd, rc);
        }
        if (!s->labels) {
            mrl_imageset_free(s);
            mrl_imageset_free(set);
            return cli_error(cmd, "%s: no labels (give --labels FILE or put BASE.labels beside it)",
                             in->images[k]);
        }
        rc = mrl_imageset_append(set, s, -1);
        if (!quiet)
            fprintf(stderr, "mirlens %s: %s: %zu images\n", cmd, in->images[k], s->n);
        mrl_imageset_free(s);
        if (rc < 0) {
            mrl_imageset_free(set);
            return cli_lib_error(cmd, rc);
        }
    }
    *out = set;
    return 0;
}

const char *cli_default_model(void)
{
    static _Thread_local char buf[4096];
    if (mrl_default_model(buf, sizeof buf))
        snprintf(buf, sizeof buf, "(default model: path too long)"); /* the load names it */
    return buf;
}

const char *cli_default_background(void)
{
    static _Thread_local char buf[4096];
    return mrl_default_data("background.u8", buf, sizeof buf) == 0 ? buf : NULL;
}

int cli_default_genome_models(const char **model)
{
    static _Thread_local char buf[MRL_SCAN_DEFAULT_MODELS * 4096];
    int n = mrl_scan_default_models(buf, sizeof buf);
    if (n < 0) { /* a path too long: the default model's, or its load error */
        model[0] = cli_default_model();
        return 1;
    }
    const char *p = buf;
    for (int k = 0; k < n; k++, p += strlen(p) + 1)
        model[k] = p;
    return n;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

int cli_inputs_length_range(const cli_inputs_t *in, const mrl_fasta_opts_t *fo, long *lo,
                            long *hi, long *longest)
{
    if (in->nimg > 0 || in->npos + in->nneg == 0)
        return 0; /* an image does not say how long its sequence was */
    long *len = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (int k = 0; k < in->npos + in->nneg && rc >= 0; k++) {
        const char *path = k < in->npos ? in->pos[k] : in->neg[k - in->npos];
        mrl_fasta_t *fa = NULL;
        mrl_seqrec_t r;
        rc = mrl_fasta_open(&fa, path, fo);
        if (rc < 0)
            break;
        while ((rc = mrl_fasta_read(fa, &r)) == 1) {
            if (n == cap) {
                long *v = realloc(len, (cap = cap ? 2 * cap : 4096) * sizeof *v);
                if (!v) {
                    rc = MRL_ERR_NOMEM;
                    break;
                }
                len = v;
            }
            len[n++] = (long)r.len;
        }
        mrl_fasta_close(fa);
    }
    if (rc >= 0 && n > 0) {
        /* the central 99%: a few very long hairpins (miRBase has some of 1,000+ nt) would
         * otherwise stretch the range over lengths the network has hardly seen */
        qsort(len, n, sizeof *len, cmp_long);
        *lo = len[(size_t)((double)(n - 1) * 0.005)];
        *hi = len[(size_t)((double)(n - 1) * 0.995 + 0.5)];
        *longest = len[n - 1];
    }
    free(len);
    return rc < 0 ? rc : n > 0;
}

int cli_inputs_stdin(const cli_inputs_t *in)
{
    int n = 0;
    for (int k = 0; k < in->npos; k++)
        n += strcmp(in->pos[k], "-") == 0;
    for (int k = 0; k < in->nneg; k++)
        n += strcmp(in->neg[k], "-") == 0;
    for (int k = 0; k < in->nimg; k++)
        n += strcmp(in->images[k], "-") == 0;
    for (int k = 0; k < in->nlab; k++)
        n += strcmp(in->labels[k], "-") == 0;
    return n;
}

/* "--pos a.fa, --pos b.fa" (the files of one class) into buf. */
static void class_files(const char *const *path, int n, const char *opt, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < n && used < cap; k++) {
        int w = snprintf(buf + used, cap - used, "%s%s %s", k ? ", " : "", opt, path[k]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int cli_inputs_check_classes(const char *cmd, const cli_inputs_t *in, const mrl_imageset_t *set,
                             const char *what)
{
    size_t npos = 0, nneg = 0;
    for (size_t k = 0; k < set->n; k++) {
        npos += set->labels && set->labels[k] > 0;
        nneg += set->labels && set->labels[k] == 0;
    }
    if (npos > 0 && nneg > 0)
        return 0;
    int pos = npos == 0; /* the class missing (both: name the positives) */
    const char *const *path = pos ? in->pos : in->neg;
    int n = pos ? in->npos : in->nneg;
    char files[512];
    class_files(path, n, pos ? "--pos" : "--neg", files, sizeof files);
    if (n > 0)
        return cli_error(cmd, "%s needs both classes: no %s images (%s: no sequence with a "
                              "hairpin)", what, pos ? "positive" : "negative", files);
    return cli_error(cmd, "%s needs both classes: no %s images (no %s given%s)", what,
                     pos ? "positive" : "negative", pos ? "--pos" : "--neg",
                     in->nimg ? ", and none labelled so in the image sets" : "");
}
