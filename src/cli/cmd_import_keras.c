/* cmd_import_keras.c - placeholder until the Keras importer lands (issue 9). */
#include "cli.h"

int cmd_import_keras(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("import-keras", "not built yet");
}
