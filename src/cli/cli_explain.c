/*
 * cli_explain.c - what every `mirlens explain` mode shares: the method and attribution
 * options, the SHAP background.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

void cli_xopts_default(cli_xopts_t *o)
{
    memset(o, 0, sizeof *o);
    mrl_explain_opts_default(&o->ex);
    mrl_fasta_opts_default(&o->fasta);
    o->fasta.max_length = MRL_MODEL_MAX_LENGTH;
    mrl_nn_opts_t no;
    mrl_nn_opts_default(&no);
    mrl_report_set_opts_t ro; /* the pictures' enlargement, as the reports draw them */
    mrl_report_set_opts_default(&ro);
    o->methods[0] = o->ex.method, o->nmethods = 1;
    o->threads = CLI_THREADS, o->precision = no.precision, o->scale = ro.scale;
}

/* The method names indented by 24 columns, wrapped at 80; with fails set only those that
 * fail the recorded sanity checks (mrl_explain_method_sanity). */
static void help_names(FILE *fp, int fails)
{
    int col = 24;
    fputs("                        ", fp);
    for (int k = 0, first = 1; k < MRL_EXPLAIN_NMETHODS; k++) {
        const char *nm = mrl_explain_method_name(k);
        if (fails && mrl_explain_method_sanity(k, NULL) != 0)
            continue;
        int w = (int)strlen(nm) + 2;
        if (!first && col + w > 80) {
            fputs(",\n                        ", fp);
            col = 24;
        } else if (!first) {
            fputs(", ", fp);
        }
        fputs(nm, fp);
        col += w, first = 0;
    }
    fputs("\n", fp);
}

void cli_xopts_help_methods(FILE *fp)
{
    mrl_explain_opts_t d;
    mrl_explain_opts_default(&d);
    fprintf(fp,
            "  --method LIST         comma-separated methods, or 'all'; the default is\n"
            "                        %s (ig for short). Methods:\n",
            mrl_explain_method_name(d.method));
    help_names(fp, 0);
    fputs("                        failing the recorded sanity checks (see index.html):\n", fp);
    help_names(fp, 1);
}

static int parse_methods(const char *s, cli_xopts_t *o)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    o->nmethods = 0;
    if (strcmp(buf, "all") == 0) {
        for (int k = 0; k < MRL_EXPLAIN_NMETHODS; k++)
            o->methods[o->nmethods++] = k;
        return 0;
    }
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int k = mrl_explain_method_find(t), dup = 0;
        if (k < 0)
            return cli_usage_error("explain", "unknown method '%s' (see --help)", t);
        for (int j = 0; j < o->nmethods; j++)
            dup |= o->methods[j] == k;
        if (!dup)
            o->methods[o->nmethods++] = k;
    }
    return o->nmethods ? 0 : cli_usage_error("explain", "--method needs at least one name");
}

static int parse_patch(const char *s, cli_xopts_t *o)
{
    int h, w, used = 0;
    if (sscanf(s, "%dx%d%n", &h, &w, &used) == 2 && !s[used]) {
    } else if (sscanf(s, "%d%n", &h, &used) == 1 && !s[used]) {
        w = h;
    } else {
        return cli_usage_error("explain", "--patch needs HxW (e.g. 5x5)");
    }
    if (h < 1 || h > MRL_IMG_H || w < 1 || w > MRL_IMG_W)
        return cli_usage_error("explain", "--patch %s outside 1x1 .. %dx%d", s, MRL_IMG_H,
                               MRL_IMG_W);
    o->ex.patch_h = h, o->ex.patch_w = w;
    return 0;
}

int cli_parse_float(const char *cmd, const char *opt, const char *s, double lo, double hi,
                    float *out)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !(v >= lo && v <= hi))
        return cli_usage_error(cmd, "%s needs a number in [%g, %g]", opt, lo, hi);
    *out = (float)v;
    return 0;
}

/* cli_parse_long into an int: CLI_USAGE on a bad value. */
static int int_opt(const char *opt, const char *s, long lo, long hi, int *out)
{
    long v;
    if (cli_parse_long("explain", opt, s, lo, hi, &v))
        return CLI_USAGE;
    *out = (int)v;
    return 0;
}

int cli_xopt_handle(int c, const char *arg, cli_xopts_t *o)
{
    long v;
    switch (c) {
    case 'm':
        o->model = arg;
        return 0;
    case CLI_XO_METHOD:
        return parse_methods(arg, o);
    case CLI_XO_SAMPLES:
        return int_opt("--samples", arg, 1, 100000, &o->ex.samples);
    case CLI_XO_NOISE:
        return cli_parse_float("explain", "--noise", arg, 0, 10, &o->ex.noise);
    case CLI_XO_STEPS:
        return int_opt("--steps", arg, 1, 100000, &o->ex.steps);
    case CLI_XO_KSHAP:
        return int_opt("--kshap-samples", arg, 2, 1000000, &o->ex.kshap_samples);
    case CLI_XO_TARGET:
        return int_opt("--target", arg, 0, 1000, &o->ex.target);
    case CLI_XO_LAYER:
        return int_opt("--layer", arg, 0, MRL_NN_MAX_LAYERS - 1, &o->ex.layer);
    case CLI_XO_PATCH:
        return parse_patch(arg, o);
    case CLI_XO_STRIDE:
        return int_opt("--stride", arg, 1, MRL_IMG_W, &o->ex.stride);
    case CLI_XO_BG:
        o->background = arg;
        return 0;
    case CLI_XO_SEED:
        if (cli_parse_long("explain", "--seed", arg, 0, 0x7fffffffffffffffL, &v))
            return CLI_USAGE;
        o->ex.seed = (uint64_t)v;
        return 0;
    case CLI_XO_SCALE:
        return int_opt("--scale", arg, 2, 16, &o->scale);
    case CLI_XO_MAXLEN:
        if (cli_parse_long("explain", "--max-length", arg, 1, 100000, &v))
            return CLI_USAGE;
        o->fasta.max_length = (size_t)v;
        return 0;
    case CLI_XO_PRECISION:
        return cli_parse_precision("explain", arg, &o->precision) ? CLI_USAGE : 0;
    case CLI_XO_RANDOMIZE:
        o->randomize = 1;
        return 0;
    case 'j':
        return int_opt("--threads", arg, 1, 64, &o->threads);
    case 'q':
        o->quiet = 1;
        return 0;
    default:
        return -1;
    }
}

int cli_xopt_other(int c, char **argv, cli_xopts_t *o)
{
    if (c == ':')
        return cli_usage_error("explain", "option '%s' needs a value", argv[optind - 1]);
    int bad = c == '?' ? -1 : cli_xopt_handle(c, optarg, o);
    return bad < 0 ? cli_usage_error("explain", "unknown option '%s'", argv[optind - 1]) : bad;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

int cli_is_imageset(const char *p)
{
    char probe[4096];
    if (ends_with(p, ".u8") || ends_with(p, ".u8.gz"))
        return 1;
    snprintf(probe, sizeof probe, "%s.u8", p);
    if (access(probe, R_OK) == 0)
        return 1;
    snprintf(probe, sizeof probe, "%s.u8.gz", p);
    return access(probe, R_OK) == 0;
}

int cli_xopts_randomize(const cli_xopts_t *o, mrl_model_t *m)
{
    int rc = o->randomize ? mrl_model_randomize_all(m, o->ex.seed) : 0;
    return rc < 0 ? cli_lib_error("explain", rc) : 0;
}

int cli_xopts_background(cli_xopts_t *o, const mrl_model_t *m)
{
    const char *p = o->background ? o->background : cli_default_background();
    if (!p)
        return 0; /* the white image alone */
    mrl_imageset_t *s = NULL;
    int rc;
    if (cli_is_imageset(p)) {
        rc = mrl_imageset_load(&s, p);
    } else if ((rc = mrl_imageset_new(&s)) == 0) {
        mrl_fe_opts_t fe;
        mrl_fe_opts_default(&fe);
        fe.threads = o->threads;
        rc = mrl_imageset_add_fasta(s, p, 0, &fe, NULL);
    }
    if (!rc && s->n == 0)
        rc = cli_error("explain", "%s: no background images", p);
    else if (rc < 0)
        rc = cli_lib_error("explain", rc);
    if (!rc && !(o->bg = malloc(s->n * MRL_IMG_BYTES * sizeof(float))))
        rc = cli_error("explain", "out of memory");
    if (!rc) {
        mrl_model_normalize(m, s->rgb, s->n, o->bg);
        o->ex.background = o->bg;
        o->ex.n_background = s->n;
    }
    mrl_imageset_free(s);
    return rc;
}

void cli_xopts_release(cli_xopts_t *o)
{
    free(o->bg);
    o->bg = NULL;
    o->ex.background = NULL;
    o->ex.n_background = 0;
}
