/* The aeclust subcommands. Each returns the process exit status: 0 on
 * success, 2 on any failure (one line on stderr naming the file and problem). */
#ifndef AE_CLI_COMMANDS_H
#define AE_CLI_COMMANDS_H

#include "aeclust/config.h"
#include "aeclust/run.h"
#include "aeclust/status.h"
#include "args.h"

int cmd_export(int argc, char **argv);
int cmd_gmm(int argc, char **argv);
int cmd_dbscan(int argc, char **argv);
int cmd_hdbscan(int argc, char **argv);
int cmd_kmeans(int argc, char **argv);
int cmd_tsne(int argc, char **argv);
int cmd_umap(int argc, char **argv);
int cmd_pca(int argc, char **argv);
int cmd_elbow(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_embed(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

/* Loads an experiment file and applies the --set and --seed options of cmd
 * (either may be absent from its table). Returns 0, or prints the error and
 * returns its exit status. */
int cli_load_experiment(cli_command *cmd, const char *path, ae_config **out);

/* Parses a --seeds value into *out (malloc'd: free it). Returns 0, or
 * prints the problem and returns its exit status. */
int cli_seed_list(const char *text, ae_seed_list **out);

/* Prints err's message as "aeclust: MSG" and returns the exit status for it. */
int cli_report(const ae_error *err);

#endif
