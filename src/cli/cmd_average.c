/*
 * cmd_average.c - `mirlens average`: one model whose weights are the mean of several
 * models' (a uniform model soup; mrl_model_average).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char *const CMD = "average";

static void usage(FILE *fp)
{
    fprintf(fp, "Usage: mirlens average [options] -o OUT.mrlm MODEL.mrlm MODEL.mrlm...\n\n"
                "Write one model whose weights are the element-wise mean of the given models'\n"
                "(a uniform \"model soup\", Wortsman et al. 2022). Meant for runs fine-tuned\n"
                "from one pretrained model (train --init with different --seed): they stay\n"
                "close enough that the mean is a good network, often as good as their ensemble\n"
                "(eval -m A -m B ...) at the speed of one model. The mean of independently\n"
                "initialised networks is not; check the result with mirlens eval.\n"
                "All models must have one architecture (same layers, kernel, input).\n\n"
                "Options:\n"
                "  -o, --output FILE  model file to write (required; written completely or not\n"
                "                       at all)\n"
                "  -q, --quiet        no summary on stderr\n"
                "  -h, --help         this text\n\n"
                "Exit status: 0 ok, 1 error, 2 bad usage.\n");
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Metadata of the mean: which files went in, and their training options when they agree. */
static int describe(mrl_model_t *out, mrl_model_t *const *ms, char **paths, int n)
{
    char buf[4096];
    size_t len = (size_t)snprintf(buf, sizeof buf, "%d models:", n);
    for (int j = 0; j < n && len < sizeof buf; j++) {
        int w = snprintf(buf + len, sizeof buf - len, " %s", base(paths[j]));
        if (w < 0 || (size_t)w >= sizeof buf - len) {
            snprintf(buf, sizeof buf, "%d models (names too long to list)", n);
            break;
        }
        len += (size_t)w;
    }
    int rc = mrl_model_meta_set(out, "average_of", buf);
    const char *t0 = mrl_model_meta_get(ms[0], "train_options");
    int same = t0 != NULL;
    for (int j = 1; j < n && same; j++) {
        const char *t = mrl_model_meta_get(ms[j], "train_options");
        same = t && strcmp(t, t0) == 0;
    }
    if (!rc && same)
        rc = mrl_model_meta_set(out, "train_options", t0);
    return rc;
}

int cmd_average(int argc, char **argv)
{
    const char *outp;
    int quiet;
    int orc = cli_opts_out_quiet(CMD, argc, argv, usage, &outp, &quiet);
    if (orc)
        return orc < 0 ? CLI_OK : orc;
    int n = argc - optind;
    if (n < 2)
        return cli_usage_error(CMD, "two or more input models are needed (got %d)", n);
    if (!outp || !*outp)
        return cli_usage_error(CMD, "-o OUT.mrlm is required");
    char **paths = argv + optind;
    mrl_model_t **ms = calloc((size_t)n, sizeof *ms), *avg = NULL;
    if (!ms)
        return cli_error(CMD, "out of memory");
    int rc = 0, ret = CLI_ERR;
    for (int j = 0; j < n && !rc; j++)
        rc = mrl_model_load(&ms[j], paths[j]);
    if (rc) {
        cli_lib_error(CMD, rc);
        goto done;
    }
    if ((rc = mrl_model_average(&avg, ms, n)) < 0) {
        if (rc != MRL_ERR_ARG) {
            cli_lib_error(CMD, rc);
            goto done;
        }
        /* name the first model that does not match the first one */
        for (int j = 1; j < n; j++) {
            mrl_model_t *pair[2] = {ms[0], ms[j]}, *t = NULL;
            if (mrl_model_average(&t, pair, 2) < 0) {
                cli_error(CMD, "%s and %s have different architectures (%s)", paths[0], paths[j],
                          mrl_errmsg());
                goto done;
            }
            mrl_model_free(t);
        }
        cli_lib_error(CMD, rc);
        goto done;
    }
    if ((rc = describe(avg, ms, paths, n)) < 0 || (rc = mrl_model_save(avg, outp)) < 0) {
        cli_lib_error(CMD, rc);
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "mirlens %s: mean of %d models (%zu parameters each) -> %s\n", CMD, n,
                mrl_model_nparams(avg), outp);
    ret = CLI_OK;
done:
    for (int j = 0; j < n; j++)
        mrl_model_free(ms[j]);
    free(ms);
    mrl_model_free(avg);
    return ret;
}
