/* cmd_explain.c - placeholder until the explain module lands (issue 7). */
#include "cli.h"

int cmd_explain(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("explain", "not built yet");
}
