/* cmd_fold.c - placeholder, replaced below. */
#include "cli.h"

int cmd_fold(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("fold", "not built yet");
}
