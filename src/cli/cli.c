/*
 * cli.c - error reporting, option parsing and progress display shared by subcommands.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include "cli.h"

int cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mirlens %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_ERR;
}

int cli_lib_error(const char *cmd, int rc)
{
    const char *m = mrl_errmsg();
    fprintf(stderr, "mirlens %s: %s\n", cmd, (m && *m) ? m : mrl_strerror(rc));
    return CLI_ERR;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mirlens %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'mirlens %s --help'.\n", cmd);
    return CLI_USAGE;
}

int cli_bad_option(const char *cmd, int c, char **argv)
{
    if (c == ':')
        return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
    if (optopt)
        return cli_usage_error(cmd, "unknown option '-%c'", optopt);
    return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

int cli_opts_out_quiet(const char *cmd, int argc, char **argv, void (*usage)(FILE *),
                       const char **outp, int *quiet)
{
    static const struct option lopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    *outp = NULL;
    *quiet = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", lopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            *outp = optarg;
            break;
        case 'q':
            *quiet = 1;
            break;
        case 'h':
            usage(stdout);
            return -1;
        default: /* ':' or '?' */
            return cli_bad_option(cmd, c, argv);
        }
    }
    return 0;
}

int cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        cli_usage_error(cmd, "invalid value '%s' for %s (expected an integer in %ld..%ld)", s,
                        opt, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_precision(const char *cmd, const char *s, int *out)
{
    if (strcmp(s, "f32") == 0)
        *out = MRL_PREC_F32;
    else if (strcmp(s, "bf16") == 0)
        *out = MRL_PREC_BF16;
    else {
        cli_usage_error(cmd, "invalid value '%s' for --precision (expected f32 or bf16)", s);
        return -1;
    }
    return 0;
}

void cli_precision_note(const char *cmd, int asked, const mrl_nn_t *nn, int quiet)
{
    if (!quiet && nn && asked == MRL_PREC_BF16 && mrl_nn_precision(nn) != MRL_PREC_BF16)
        fprintf(stderr, "mirlens %s: this CPU has no fast bf16 kernels: computing in f32\n", cmd);
}

void cli_progress_init(cli_progress_t *p, const char *what, int quiet)
{
    p->enabled = !quiet && isatty(2);
    p->t0 = p->last = cli_now();
    p->what = what;
}

void cli_progress_update(cli_progress_t *p, long done, long total)
{
    cli_progress_fraction(p, done, total > 0 ? (double)done / (double)total : 0.0);
}

void cli_progress_fraction(cli_progress_t *p, long done, double frac)
{
    if (!p->enabled)
        return;
    double t = cli_now();
    if (t - p->last < 0.2)
        return;
    p->last = t;
    double el = t - p->t0, rate = done / (el > 1e-9 ? el : 1e-9);
    if (frac > 0.001 && frac <= 1.0)
        fprintf(stderr, "\r%ld %s (%.0f/s), %.0f%%, about %.0f s left   ", done, p->what, rate,
                100 * frac, el * (1 - frac) / frac);
    else
        fprintf(stderr, "\r%ld %s (%.0f/s)   ", done, p->what, rate);
}

void cli_progress_end(cli_progress_t *p, long done)
{
    if (!p->enabled)
        return;
    double t = cli_now() - p->t0;
    fprintf(stderr, "\r%ld %s in %.1f s (%.0f/s)          \n", done, p->what, t,
            done / (t > 1e-9 ? t : 1e-9));
}

int cli_length_outside(long len, long lo, long hi)
{
    return lo >= 0 && (len < lo || len > hi);
}

void cli_length_warning(const char *cmd, long n, long lo, long hi, const char *where)
{
    fprintf(stderr,
            "mirlens %s: warning: %ld sequence%s outside the lengths the model was trained on "
            "(%ld-%ld nt), flagged 'length' in %s: a score there is an extrapolation (a fold "
            "wider than the image's 100 columns is cut); for genomic sequence use `mirlens "
            "scan`\n",
            cmd, n, n == 1 ? "" : "s", lo, hi, where);
}
