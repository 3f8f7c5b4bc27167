/*
 * cli.h - shared helpers of the mirlens command-line front end (not part of the library).
 */
#ifndef MRL_CLI_H
#define MRL_CLI_H

#include <stdio.h>
#include "mirlens.h"

/* Exit codes: 0 ok, 1 runtime error, 2 bad usage. */
enum { CLI_OK = 0, CLI_ERR = 1, CLI_USAGE = 2 };

/* The commands take their defaults, and print them in their help, from the library (its
 * *_opts_default functions, mrl_arch_default, MRL_DEFAULT_THRESHOLD); fold and encode fold
 * on mrl_fe_opts_default's threads. This is the one place the command line departs from
 * it: -j of the commands that fold and run the network (predict, eval, train, explain)
 * defaults to 2 threads, where mrl_nn_opts_default and mrl_train_opts_default take 0 = all
 * online CPUs (right for a program that owns the machine; a command typed on a shared one
 * takes a modest share). */
#define CLI_THREADS 2

int cmd_fold(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_import_keras(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_average(int argc, char **argv);
int cmd_scan(int argc, char **argv);

/* "mirlens CMD: message" on stderr. Returns CLI_ERR. */
int cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Library failure: "mirlens CMD: <mrl_errmsg()>" (or the code's name). Returns CLI_ERR. */
int cli_lib_error(const char *cmd, int rc);

/* Bad usage: "mirlens CMD: message" then "Try 'mirlens CMD --help'." Returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* getopt_long's ':' (option without its value) or '?' (unknown option, with the optstring
 * starting with ':' and opterr = 0) as a usage error naming the option. Returns CLI_USAGE. */
int cli_bad_option(const char *cmd, int c, char **argv);
/* The options of a command that takes only -o/--output FILE, -q/--quiet and -h/--help
 * (import-keras, average): fills *outp (NULL when absent) and *quiet; operands start at
 * optind. Returns 0, -1 after printing usage(stdout) for --help, or CLI_USAGE (printed). */
int cli_opts_out_quiet(const char *cmd, int argc, char **argv, void (*usage)(FILE *),
                       const char **outp, int *quiet);

/* A sequence of len nt outside the model's training lengths [lo, hi] (lo < 0: not
 * recorded, never outside); the warning predict and explain print when n were. */
int cli_length_outside(long len, long lo, long hi);
void cli_length_warning(const char *cmd, long n, long lo, long hi, const char *where);

/* Parse --precision: "f32" (MRL_PREC_F32) or "bf16"; returns 0 or -1 (message printed). */
int cli_parse_precision(const char *cmd, const char *s, int *out);
/* Warn on stderr (unless quiet) when bf16 was asked for and this CPU computes in f32. */
void cli_precision_note(const char *cmd, int asked, const mrl_nn_t *nn, int quiet);

/* Parse a non-negative integer option value; returns 0 or -1 (message printed). */
int cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);

/* Progress on stderr: shown only when stderr is a terminal and not quiet. */
typedef struct cli_progress {
    int enabled;
    double t0, last;
    const char *what;
} cli_progress_t;

void cli_progress_init(cli_progress_t *p, const char *what, int quiet);
/* done items so far, total (0 = unknown). Rate-limited to ~5 updates/s. */
void cli_progress_update(cli_progress_t *p, long done, long total);
/* done items and the fraction of the input read (0 = unknown): shows rate and time left. */
void cli_progress_fraction(cli_progress_t *p, long done, double frac);
void cli_progress_end(cli_progress_t *p, long done);
static inline double cli_now(void) { return mrl_seconds(); }

/* Labelled inputs of train / eval: FASTA positives and negatives, image sets. */
#define CLI_MAX_INPUTS 32
typedef struct cli_inputs {
    const char *pos[CLI_MAX_INPUTS], *neg[CLI_MAX_INPUTS];
    const char *images[CLI_MAX_INPUTS], *labels[CLI_MAX_INPUTS];
    int npos, nneg, nimg, nlab;
} cli_inputs_t;

/* kind: 'p' positives FASTA, 'n' negatives FASTA, 'i' image set, 'l' labels file. Returns
 * 0 or -1 (usage message printed). */
int cli_inputs_add(const char *cmd, cli_inputs_t *in, int kind, const char *path);
int cli_inputs_empty(const cli_inputs_t *in);
/* Fold/encode/read everything into one labelled set. Returns 0 or CLI_ERR (printed). */
int cli_load_inputs(const char *cmd, const cli_inputs_t *in, const mrl_fe_opts_t *fe, int quiet,
                    mrl_imageset_t **out);
/* The lengths of the FASTA inputs' sequences, 0.5th and 99.5th percentiles, and the
 * longest: 1 (set), 0 when there are image sets among the inputs (their lengths are
 * unknown) or no input, <0 a reader error. */
int cli_inputs_length_range(const cli_inputs_t *in, const mrl_fasta_opts_t *fo, long *lo,
                            long *hi, long *longest);
/* How many of the inputs are standard input ("-"); it can be read only once. */
int cli_inputs_stdin(const cli_inputs_t *in);
/* A set for what ("training", "eval") must hold both classes: 0, or CLI_ERR after a
 * message naming the class missing and the files that should have given it. */
int cli_inputs_check_classes(const char *cmd, const cli_inputs_t *in, const mrl_imageset_t *set,
                             const char *what);

/* mrl_default_model, mrl_default_data("background.u8") (NULL when absent) and
 * mrl_scan_default_models (model[0..MRL_SCAN_DEFAULT_MODELS); returns how many), in
 * thread-local buffers. */
const char *cli_default_model(void);
const char *cli_default_background(void);
int cli_default_genome_models(const char **model);
/* ---- output directories written whole (cli_outdir.c) ---- */
/* mrl_outdir_open/_commit/_abort, with the temporary directory removed when SIGINT, SIGTERM
 * or SIGHUP ends the run (one open directory per process). open and commit return 0 or
 * CLI_ERR (message printed); abort is safe on a zeroed or committed od. */
/* SIGINT, SIGTERM and SIGHUP (unless ignored at start) remove the run's temporary output
 * directory and atomic files, then end the process by the same signal. Idempotent. */
void cli_signals_install(void);
int cli_outdir_open(const char *cmd, mrl_outdir_t *od, const char *dir);
int cli_outdir_commit(const char *cmd, mrl_outdir_t *od);
void cli_outdir_abort(mrl_outdir_t *od);

/* ---- explain: options shared by its modes (cli_explain.c) ---- */
typedef struct cli_xopts {
    mrl_explain_opts_t ex;
    int methods[MRL_EXPLAIN_NMETHODS], nmethods;
    const char *model, *background;
    int threads, quiet, scale, precision;
    int randomize; /* --randomize-model: explain the all-layers-random network instead */
    mrl_fasta_opts_t fasta;
    float *bg; /* normalised SHAP background (owned; ex.background points here) */
} cli_xopts_t;

enum {
    CLI_XO_METHOD = 1000,
    CLI_XO_SAMPLES,
    CLI_XO_NOISE,
    CLI_XO_STEPS,
    CLI_XO_KSHAP,
    CLI_XO_TARGET,
    CLI_XO_LAYER,
    CLI_XO_PATCH,
    CLI_XO_STRIDE,
    CLI_XO_BG,
    CLI_XO_SEED,
    CLI_XO_SCALE,
    CLI_XO_MAXLEN,
    CLI_XO_PRECISION,
    CLI_XO_RANDOMIZE
};

/* getopt_long entries of the shared options (-m, -j, -q and the CLI_XO_* ones). */
#define CLI_XOPT_LONG                                                                            \
    {"model", required_argument, 0, 'm'}, {"method", required_argument, 0, CLI_XO_METHOD},     \
        {"samples", required_argument, 0, CLI_XO_SAMPLES},                                     \
        {"noise", required_argument, 0, CLI_XO_NOISE},                                         \
        {"steps", required_argument, 0, CLI_XO_STEPS},                                         \
        {"kshap-samples", required_argument, 0, CLI_XO_KSHAP},                                 \
        {"target", required_argument, 0, CLI_XO_TARGET},                                       \
        {"layer", required_argument, 0, CLI_XO_LAYER},                                         \
        {"patch", required_argument, 0, CLI_XO_PATCH},                                         \
        {"stride", required_argument, 0, CLI_XO_STRIDE},                                       \
        {"background", required_argument, 0, CLI_XO_BG},                                       \
        {"seed", required_argument, 0, CLI_XO_SEED},                                           \
        {"scale", required_argument, 0, CLI_XO_SCALE},                                         \
        {"max-length", required_argument, 0, CLI_XO_MAXLEN},                                   \
        {"precision", required_argument, 0, CLI_XO_PRECISION},                                 \
        {"randomize-model", no_argument, 0, CLI_XO_RANDOMIZE},                                 \
        {"threads", required_argument, 0, 'j'}, {"quiet", no_argument, 0, 'q'}

void cli_xopts_default(cli_xopts_t *o);
/* The --method lines of the help: the library's default method (mrl_explain_opts_default),
 * every name, and those that fail the recorded sanity checks. */
void cli_xopts_help_methods(FILE *fp);
/* Handle one shared option: 0 done, CLI_USAGE bad value (printed), -1 not a shared one. */
int cli_xopt_handle(int c, const char *arg, cli_xopts_t *o);
/* The rest of an explain option loop after getopt_long returned c: a missing value (':'),
 * an unknown option ('?') or a shared option. Returns 0 or CLI_USAGE (printed). */
int cli_xopt_other(int c, char **argv, cli_xopts_t *o);
/* Load the SHAP background (o->background, else the shipped one; none = white image) for
 * model m into o->bg / o->ex. Returns 0 or CLI_ERR (printed). */
int cli_xopts_background(cli_xopts_t *o, const mrl_model_t *m);
/* With --randomize-model: mrl_model_randomize_all(m, o->ex.seed), the sanity cascade's
 * "all layers random" network, the control for magnitude-based statistics. Returns 0 or
 * CLI_ERR (printed). */
int cli_xopts_randomize(const cli_xopts_t *o, mrl_model_t *m);
/* The help line of --randomize-model. */
#define CLI_XOPT_RANDOMIZE_HELP                                                                  \
    "  --randomize-model     explain the network with every layer re-drawn at random (the\n"   \
    "                        sanity cascade's last step): the control for attribution\n"        \
    "                        magnitudes, which partly follow the image's ink\n"
void cli_xopts_release(cli_xopts_t *o);
/* A number option in [lo, hi]: 0 or CLI_USAGE (printed). */
int cli_parse_float(const char *cmd, const char *opt, const char *s, double lo, double hi,
                    float *out);
/* path names an image set (BASE.u8[.gz] exists or it ends so). */
int cli_is_imageset(const char *path);
/* explain --aggregate / --sanity (cmd_explain_set.c) */
int cmd_explain_set(int argc, char **argv);
/* explain --method mutagenesis (cmd_explain_mut.c): 1 when argv asks for it */
int cli_wants_mutagenesis(int argc, char **argv);
int cmd_explain_mut(int argc, char **argv);
/* explain --determinants (cmd_explain_det.c) */
int cmd_explain_det(int argc, char **argv);
/* explain --motifs (cmd_explain_motifs.c): landmark-anchored motif discovery */
int cmd_explain_motifs(int argc, char **argv);
/* explain --concepts (cmd_explain_tcav.c): concept tests of the known determinants */
int cmd_explain_tcav(int argc, char **argv);
/* explain --roar (cmd_explain_roar.c): remove the top-attributed nucleotides, retrain */
int cmd_explain_roar(int argc, char **argv);

#endif
