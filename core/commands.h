/* Every top-level command. Each lives in core/cmd_<name>.c and follows cmd_fn in cli.h. */
#ifndef SIXBB_COMMANDS_H
#define SIXBB_COMMANDS_H

#include "cli.h"

int cmd_version(struct cli *cli, int argc, char **argv);
int cmd_synth(struct cli *cli, int argc, char **argv);

#endif
