/*
 * model_meta.c - print or set the metadata of a model file (maintenance of the shipped
 * models; `mirlens train` records its own).
 *   model_meta MODEL                  print key=value lines
 *   model_meta MODEL KEY=VALUE...     set them and save MODEL in place (atomically)
 */
#include <stdio.h>
#include <string.h>
#include "mirlens.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: model_meta MODEL [KEY=VALUE...]\n");
        return 2;
    }
    mrl_model_t *m = NULL;
    int rc = mrl_model_load(&m, argv[1]);
    for (int k = 2; k < argc && rc == 0; k++) {
        char *eq = strchr(argv[k], '=');
        if (!eq) {
            fprintf(stderr, "model_meta: '%s' is not KEY=VALUE\n", argv[k]);
            mrl_model_free(m);
            return 2;
        }
        *eq = '\0';
        rc = mrl_model_meta_set(m, argv[k], eq + 1);
    }
    if (rc == 0 && argc > 2)
        rc = mrl_model_save(m, argv[1]);
    if (rc < 0) {
        fprintf(stderr, "model_meta: %s\n", mrl_errmsg());
        mrl_model_free(m);
        return 1;
    }
    if (argc == 2) {
        const char *keys[] = {"train_seed", "train_options", "train_length_min",
                              "train_length_max", "shuffled_labels", "epochs_run", "best_epoch",
                              "best_val_loss", "average_of"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            const char *v = mrl_model_meta_get(m, keys[k]);
            if (v)
                printf("%s=%s\n", keys[k], v);
        }
    }
    mrl_model_free(m);
    return 0;
}
