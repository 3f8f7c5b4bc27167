/*
 * cmd_import_keras.c - `mirlens import-keras`: convert a Keras 2.x HDF5 network (the
 * authors' trained models of Cordero et al. 2019) into a mirlens model file.
 */
#include <getopt.h>
#include <string.h>
#include "cli.h"

static const char *const CMD = "import-keras";

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: mirlens import-keras [options] MODEL.h5 -o OUT.mrlm\n\n"
            "Convert a Keras 2.x HDF5 model (model.save of a Sequential network) into a\n"
            "mirlens model that predict, eval and explain use like any other.\n"
            "Accepted layers: Conv2D (stride 1, valid/same padding, relu/linear), MaxPooling2D\n"
            "(strides = pool size), Dropout, Flatten, Dense (relu/linear, softmax last), all\n"
            "channels_last; inputs are the 25x100 RGB images scaled as pixel / 255. Anything\n"
            "else is refused with a message naming the layer.\n\n"
            "Options:\n"
            "  -o, --output FILE  model file to write (required; written completely or not\n"
            "                       at all)\n"
            "  -q, --quiet        no summary on stderr\n"
            "  -h, --help         this text\n\n"
            "Exit status: 0 ok, 1 error, 2 bad usage.\n");
    if (!mrl_keras_available())
        fprintf(fp, "\nThis mirlens was built without HDF5 and cJSON: import-keras fails here\n"
                    "(install libhdf5-dev and libcjson-dev, then rebuild).\n");
}

/* "3x25x100 -> conv48 relu conv48 relu pool2 drop.25 ... dense2" on stderr. */
static void summary(const char *in, const char *outp, const mrl_model_t *m)
{
    const mrl_arch_t *a = mrl_model_arch(m);
    fprintf(stderr, "mirlens %s: %s -> %s: %dx%dx%d", CMD, in, outp, a->in_c, a->in_h, a->in_w);
    for (int i = 0; i < a->n_layers; i++) {
        const mrl_layer_spec_t *l = &a->layer[i];
        switch (l->kind) {
        case MRL_LAYER_CONV:
            fprintf(stderr, " conv%dx%d:%d%s", l->k, l->k, l->out, l->same ? "s" : "v");
            break;
        case MRL_LAYER_RELU:
            fprintf(stderr, " relu");
            break;
        case MRL_LAYER_MAXPOOL:
            fprintf(stderr, " pool%d", l->k);
            break;
        case MRL_LAYER_DROPOUT:
            fprintf(stderr, " drop%g", (double)l->rate);
            break;
        case MRL_LAYER_FLATTEN:
            fprintf(stderr, " flatten");
            break;
        case MRL_LAYER_DENSE:
            fprintf(stderr, " dense%d", l->out);
            break;
        default:
            fprintf(stderr, " ?");
            break;
        }
    }
    fprintf(stderr, " (%zu parameters)\n", mrl_model_nparams(m));
}

int cmd_import_keras(int argc, char **argv)
{
    const char *outp;
    int quiet;
    int orc = cli_opts_out_quiet(CMD, argc, argv, usage, &outp, &quiet);
    if (orc)
        return orc < 0 ? CLI_OK : orc;
    if (optind >= argc)
        return cli_usage_error(CMD, "no input model (MODEL.h5)");
    if (argc - optind > 1)
        return cli_usage_error(CMD, "one input model only (got %d)", argc - optind);
    if (!outp || !*outp)
        return cli_usage_error(CMD, "-o OUT.mrlm is required");
    const char *in = argv[optind];
    mrl_model_t *m = NULL;
    int rc = mrl_model_import_keras(&m, in);
    if (!rc)
        rc = mrl_model_save(m, outp);
    if (rc) {
        mrl_model_free(m);
        return cli_lib_error(CMD, rc);
    }
    if (!quiet)
        summary(in, outp, m);
    mrl_model_free(m);
    return CLI_OK;
}
