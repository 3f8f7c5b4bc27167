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
void cli_progress_end(cli_progress_t *p, long done);
double cli_now(void);

#endif
