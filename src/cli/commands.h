/* The aeclust subcommands. Each returns the process exit status:
 * 0 success, 2 bad input (one line on stderr), 1 an unexpected failure. */
#ifndef AE_CLI_COMMANDS_H
#define AE_CLI_COMMANDS_H

#include "aeclust/status.h"

int cmd_export(int argc, char **argv);
int cmd_kmeans(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_run(int argc, char **argv);

/* Prints err's message as "aeclust: MSG" and returns the exit status for it. */
int cli_report(const ae_error *err);

#endif
