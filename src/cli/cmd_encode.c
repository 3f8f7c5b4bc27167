/* cmd_encode.c - placeholder until the encode module lands (issue 3). */
#include "cli.h"

int cmd_encode(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("encode", "not built yet");
}
