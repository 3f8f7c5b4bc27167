/*
 * cli_outdir.c - output directories of the commands (explain's modes), written whole
 * (mrl_outdir_t), and removed when SIGINT, SIGTERM or SIGHUP ends the run; so are the
 * temporary files of single-file outputs (mrl_atomic_t: predict -o, eval, encode, scan),
 * through mrl_atomic_remove_all. main() installs the handler for every command.
 *
 * The choice: the handler removes the run's temporary directory itself, at once, with
 * mrl_outdir_remove (system calls only: no malloc, stdio or locks, hence async-signal-safe),
 * then ends the process by the same signal (default action, so the shell sees 130 / 143).
 * A flag checked between records would wait for a record's work (seconds to minutes with
 * mutagenesis or kernel SHAP); a fork would copy a large process. Everything the run writes,
 * the *.tmp.XXXXXX files of mrl_atomic_open included, lies inside that one directory, so
 * one path is all the handler needs: it is copied into a static buffer when the directory
 * opens (never freed, so a handler on any thread reads it safely).
 * A state word keeps the handler away from a directory the main thread is moving: while
 * opening, committing or aborting (BUSY) a signal is only recorded, and acted on when that
 * step ends. SIGKILL cannot be caught: it leaves DIR.tmp.XXXXXX (DIR itself untouched).
 * A signal ignored when mirlens starts (nohup, a background job of a script) stays ignored.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

enum { IDLE, ARMED, BUSY, CLEANING };

static atomic_int state = IDLE, pending;
static char clean_path[PATH_MAX + 32];
static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(int sig)
{
    int e = errno, s = ARMED;
    if (atomic_compare_exchange_strong(&state, &s, CLEANING)) {
        (void)mrl_outdir_remove(clean_path);
    } else if (s == BUSY || s == CLEANING) {
        /* BUSY: acted on when the step ends; CLEANING: another thread removes and ends us */
        atomic_store(&pending, sig);
        errno = e;
        return;
    }
    mrl_atomic_remove_all();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    raise(sig); /* blocked inside the handler: delivered, fatally, when it returns */
    errno = e;
}

void cli_signals_install(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        sigaddset(&sa.sa_mask, sigs[k]);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[k], &sa, NULL);
}

/* Hold signals off (record them) while the main thread moves directories. */
static void busy(void)
{
    int s = atomic_load(&state);
    while (!atomic_compare_exchange_weak(&state, &s, BUSY))
        if (s == CLEANING) /* a handler is removing the directory and will end the process */
            for (;;)
                pause();
}

/* End a BUSY step, ARMED (a directory to remove on a signal) or IDLE; a signal that came
 * during the step is handled now. */
static void unbusy(int armed)
{
    atomic_store(&state, armed ? ARMED : IDLE);
    int sig = atomic_exchange(&pending, 0);
    if (sig)
        on_signal(sig);
}

int cli_outdir_open(const char *cmd, mrl_outdir_t *od, const char *dir)
{
    cli_signals_install();
    busy();
    int rc = mrl_outdir_open(od, dir), tolong = rc == 0 && strlen(od->tmp) >= sizeof clean_path;
    if (tolong)
        mrl_outdir_abort(od);
    else if (rc == 0)
        memcpy(clean_path, od->tmp, strlen(od->tmp) + 1);
    unbusy(rc == 0 && !tolong);
    if (tolong)
        return cli_error(cmd, "output directory '%s': name too long", dir);
    return rc < 0 ? cli_lib_error(cmd, rc) : 0;
}

int cli_outdir_commit(const char *cmd, mrl_outdir_t *od)
{
    busy();
    int rc = mrl_outdir_commit(od);
    unbusy(0);
    return rc < 0 ? cli_lib_error(cmd, rc) : 0;
}

void cli_outdir_abort(mrl_outdir_t *od)
{
    if (!od->tmp)
        return;
    busy();
    mrl_outdir_abort(od);
    unbusy(0);
}
