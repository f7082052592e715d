/* A small long-option parser for the aeclust commands: every command lists its
 * options in a table, which also prints the usage text with each default. */
#ifndef AE_CLI_ARGS_H
#define AE_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_MAX_MULTI 64

typedef struct {
    const char *name;    /* "input" for --input */
    const char *metavar; /* "FILE"; NULL for a flag without a value */
    const char *help;
    const char *def;     /* default value (shown in the usage), or NULL */
    int multi;           /* may be repeated: values collected in list[] */
    /* filled by cli_parse */
    const char *value; /* the last value given, else def; "1" for a given flag */
    int given;
    const char *list[CLI_MAX_MULTI];
    int n_list;
} cli_opt;

typedef struct {
    const char *name;    /* "kmeans" */
    const char *args;    /* positional arguments in the usage line, e.g. "EXPERIMENT.ini", or "" */
    const char *summary; /* one line */
    cli_opt *opts;
    int n_opts;
} cli_command;

/* Parses argv[1..] of a command (its table's options and --threads).
 * Positional arguments go to pos (at most max_pos).
 * On error writes one line to err (size n) and returns -1; returns 1 for --help. */
int cli_parse(cli_command *cmd, int argc, char **argv, const char **pos, int max_pos, int *n_pos, char *err,
              size_t n);

/* cli_parse plus what every command does with its outcome: returns -1 to go
 * on, else the exit status (0 after printing the usage for --help, 2 after
 * printing the error). Every command also takes --threads N (not in its
 * table: cli_parse knows it, cli_usage lists it), which cli_start hands to
 * ae_set_threads. */
int cli_start(cli_command *cmd, int argc, char **argv, const char **pos, int max_pos, int *n_pos);

/* Prints the command's usage with every option and its default. */
void cli_usage(const cli_command *cmd, FILE *f);

/* The option called name (must exist in the table). */
cli_opt *cli_get(cli_command *cmd, const char *name);

/* Value parsers: on failure write "--name: 'v' is not ..." to err and return -1. */
int cli_long(const cli_opt *o, long min, long max, long *out, char *err, size_t n);
int cli_double(const cli_opt *o, double min, double max, double *out, char *err, size_t n);
int cli_u64(const cli_opt *o, uint64_t *out, char *err, size_t n);

/* Prints "aeclust: MSG" on stderr and returns the exit status for bad input (2). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fails like cli_fail unless the folder of each output path exists and is
 * writable, so a command with several outputs can check them all before it
 * starts (and so writes all of them or none). NULL paths are skipped. */
int cli_check_outputs(const char *cmd, const char *const *paths, int n);

/* Removes the outputs already written by a command that failed part-way. */
void cli_remove_outputs(const char *const *paths, int n);

/* A table of sub-commands (aeclust's commands, plot's kinds). */
typedef struct {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the sub-command's name */
    const char *summary;
} cli_subcommand;

/* Runs the sub-command argv[1] of table t (n entries). For none, or for
 * --help, prints header, the table and footer (NULL: none) and returns 2 or 0;
 * an unknown one fails like cli_fail: "unknown WHAT 'x' (see 'HINT')". */
int cli_dispatch(const cli_subcommand *t, size_t n, const char *header, const char *footer, const char *what,
                 const char *hint, int argc, char **argv);

/* Requires option `name` to be given; else fails like cli_fail. Returns 0 or 2. */
int cli_require(cli_command *cmd, const char *name);

#endif
