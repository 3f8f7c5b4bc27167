/*
 * cli.h - shared helpers of the mirlens command-line front end (not part of the library).
 */
#ifndef MRL_CLI_H
#define MRL_CLI_H

#include <stdio.h>
#include "mirlens.h"

/* Exit codes: 0 ok, 1 runtime error, 2 bad usage. */
enum { CLI_OK = 0, CLI_ERR = 1, CLI_USAGE = 2 };

int cmd_fold(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_import_keras(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_explain(int argc, char **argv);

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
double cli_now(void);

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

/* Unique filesystem-safe names from ids: letters, digits and ._+- kept, anything else '_',
 * no leading '.', at most 120 characters, "seq" for an empty id, "_2", "_3", ... appended
 * to repeats (compared case-insensitively). */
typedef struct cli_names cli_names_t;
cli_names_t *cli_names_new(void);
void cli_names_free(cli_names_t *ns);
/* 0, or -1 when out of memory. */
int cli_names_unique(cli_names_t *ns, const char *id, char *out, size_t cap);

/* The shipped default model: $MIRLENS_MODEL, else models/default.mrlm of the build tree. */
const char *cli_default_model(void);
/* The SHAP background set shipped beside the default model (models/background.u8: the
 * example hairpins, pre-miRNAs and pseudo-hairpins), or NULL when absent. */
const char *cli_default_background(void);
#ifndef MRL_DEFAULT_MODEL
#define MRL_DEFAULT_MODEL "models/default.mrlm"
#endif

#endif
