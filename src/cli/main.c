/*
 * main.c - the mirlens command: dispatches to one cmd_<sub>() per subcommand.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

typedef struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} subcmd_t;

static const subcmd_t cmds[] = {
    {"fold", cmd_fold, "MFE secondary structures, identical to RNAfold 2.1.3"},
    {"encode", cmd_encode, "draw folded hairpins as 25x100 RGB images"},
    {"train", cmd_train, "train the CNN on labelled hairpins (FASTA or image sets)"},
    {"eval", cmd_eval, "accuracy, MCC, AUROC, AUPRC ... of a model on labelled inputs"},
    {"predict", cmd_predict, "score sequences: FASTA in, pre-miRNA probabilities out"},
    {"scan", cmd_scan, "find pre-miRNA loci in genomes: FASTA in, BED/GFF3 out"},
    {"explain", cmd_explain, "why the network decided: saliency maps on nucleotides"},
    {"import-keras", cmd_import_keras, "convert the authors' Keras 2.x HDF5 networks to mirlens"},
    {"average", cmd_average, "one model from the mean weights of several (a model soup)"},
};

static void usage(FILE *fp)
{
    fprintf(fp, "mirlens %s - find pre-miRNAs with a CNN and explain its decisions\n\n"
                "Usage: mirlens <command> [options] [FILE...]\n\nCommands:\n",
            MRL_VERSION);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(fp, "  %-13s %s\n", cmds[i].name, cmds[i].help);
    fprintf(fp, "\nRun 'mirlens <command> --help' for the options of a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("mirlens %s\ncpu: %s (bf16 units: %s)\nimport-keras: %s\n", MRL_VERSION,
               mrl_cpu_isa(), mrl_cpu_bf16() ? "yes" : "no",
               mrl_keras_available() ? "yes" : "no (built without HDF5 and cJSON)");
        return CLI_OK;
    }
    cli_signals_install();
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name))
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "mirlens: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
