#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aeclust/threads.h"

/* --threads, which every command takes: defined once here rather than in
 * each command's table, and applied by cli_start. */
static cli_opt threads_opt = {.name = "threads",
                              .metavar = "N",
                              .help = "threads to compute on",
                              .def = "all CPUs, or OMP_NUM_THREADS when set"};

static bool is_named(const cli_opt *o, const char *name, size_t len)
{
    return strlen(o->name) == len && strncmp(o->name, name, len) == 0;
}

static cli_opt *find(cli_command *cmd, const char *name, size_t len)
{
    for (int i = 0; i < cmd->n_opts; i++)
        if (is_named(&cmd->opts[i], name, len)) return &cmd->opts[i];
    return is_named(&threads_opt, name, len) ? &threads_opt : NULL;
}

cli_opt *cli_get(cli_command *cmd, const char *name) { return find(cmd, name, strlen(name)); }

int cli_parse(cli_command *cmd, int argc, char **argv, const char **pos, int max_pos, int *n_pos, char *err,
              size_t n)
{
    *n_pos = 0;
    for (int i = 0; i <= cmd->n_opts; i++) {
        cli_opt *o = i < cmd->n_opts ? &cmd->opts[i] : &threads_opt;
        o->value = o->def;
        o->given = 0;
        o->n_list = 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) return 1;
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (*n_pos >= max_pos) {
                snprintf(err, n, "%s: unexpected argument '%s'", cmd->name, a);
                return -1;
            }
            pos[(*n_pos)++] = a;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        cli_opt *o = find(cmd, name, len);
        if (!o) {
            snprintf(err, n, "%s: unknown option --%.*s (see 'aeclust %s --help')", cmd->name, (int)len, name,
                     cmd->name);
            return -1;
        }
        const char *v;
        if (!o->metavar) {
            if (eq) {
                snprintf(err, n, "%s: option --%s takes no value", cmd->name, o->name);
                return -1;
            }
            v = "1";
        } else if (eq) {
            v = eq + 1;
        } else if (i + 1 < argc) {
            v = argv[++i];
        } else {
            snprintf(err, n, "%s: option --%s needs a value %s", cmd->name, o->name, o->metavar);
            return -1;
        }
        if (o->multi) {
            if (o->n_list >= CLI_MAX_MULTI) {
                snprintf(err, n, "%s: too many --%s options (at most %d)", cmd->name, o->name, CLI_MAX_MULTI);
                return -1;
            }
            o->list[o->n_list++] = v;
        }
        o->value = v;
        o->given = 1;
    }
    return 0;
}

void cli_usage(const cli_command *cmd, FILE *f)
{
    fprintf(f, "usage: aeclust %s%s%s [options]\n  %s\n\noptions:\n", cmd->name, *cmd->args ? " " : "", cmd->args,
            cmd->summary);
    for (int i = 0; i <= cmd->n_opts; i++) {
        const cli_opt *o = i < cmd->n_opts ? &cmd->opts[i] : &threads_opt;
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
        fprintf(f, "  %-24s %s", left, o->help);
        if (o->def) fprintf(f, " [%s]", o->def);
        if (o->multi) fprintf(f, " (repeatable)");
        fputc('\n', f);
    }
    fprintf(f, "  %-24s %s\n", "--help", "this text");
}

int cli_long(const cli_opt *o, long min, long max, long *out, char *err, size_t n)
{
    const char *v = o->value;
    char *end;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || *v == '\0' || *end != '\0' || errno) {
        snprintf(err, n, "--%s: '%s' is not an integer", o->name, v ? v : "");
        return -1;
    }
    if (x < min || x > max) {
        snprintf(err, n, "--%s: %ld is out of range [%ld, %ld]", o->name, x, min, max);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_double(const cli_opt *o, double min, double max, double *out, char *err, size_t n)
{
    const char *v = o->value;
    char *end;
    errno = 0;
    double x = v ? strtod(v, &end) : 0;
    if (!v || *v == '\0' || *end != '\0' || errno || !isfinite(x)) {
        snprintf(err, n, "--%s: '%s' is not a finite number", o->name, v ? v : "");
        return -1;
    }
    if (x < min || x > max) {
        snprintf(err, n, "--%s: %g is out of range [%g, %g]", o->name, x, min, max);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_u64(const cli_opt *o, uint64_t *out, char *err, size_t n)
{
    const char *v = o->value;
    char *end;
    errno = 0;
    unsigned long long x = v ? strtoull(v, &end, 10) : 0;
    if (!v || *v == '\0' || *v == '-' || *end != '\0' || errno) {
        snprintf(err, n, "--%s: '%s' is not a non-negative integer", o->name, v ? v : "");
        return -1;
    }
    *out = (uint64_t)x;
    return 0;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("aeclust: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

int cli_require(cli_command *cmd, const char *name)
{
    cli_opt *o = cli_get(cmd, name);
    if (o->given) return 0;
    return cli_fail("%s: missing option --%s %s", cmd->name, name, o->metavar ? o->metavar : "");
}

int cli_check_outputs(const char *cmd, const char *const *paths, int n)
{
    for (int i = 0; i < n; i++) {
        if (!paths[i]) continue;
        for (int j = 0; j < i; j++)
            if (paths[j] && !strcmp(paths[i], paths[j]))
                return cli_fail("%s: %s is named for two outputs", cmd, paths[i]);
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", paths[i]);
        char *slash = strrchr(dir, '/');
        if (!slash)
            strcpy(dir, ".");
        else if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
        struct stat sb;
        if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return cli_fail("%s: cannot write: folder %s does not exist", paths[i], dir);
        if (access(dir, W_OK) != 0) return cli_fail("%s: cannot write: folder %s is not writable", paths[i], dir);
        if (stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode)) return cli_fail("%s: is a folder", paths[i]);
    }
    return 0;
}

void cli_remove_outputs(const char *const *paths, int n)
{
    for (int i = 0; i < n; i++)
        if (paths[i]) unlink(paths[i]);
}

int cli_start(cli_command *cmd, int argc, char **argv, const char **pos, int max_pos, int *n_pos)
{
    char msg[512];
    int rc = cli_parse(cmd, argc, argv, pos, max_pos, n_pos, msg, sizeof msg);
    if (rc == 1) {
        cli_usage(cmd, stdout);
        return 0;
    }
    if (rc < 0) return cli_fail("%s", msg);
    if (threads_opt.given) {
        long n;
        ae_error err;
        if (cli_long(&threads_opt, 1, AE_THREADS_MAX, &n, msg, sizeof msg)) return cli_fail("%s: %s", cmd->name, msg);
        if (ae_set_threads((int)n, &err)) return cli_fail("%s: %s", cmd->name, err.msg);
    }
    return -1;
}

static void subcommand_usage(FILE *f, const cli_subcommand *t, size_t n, const char *header, const char *footer)
{
    fprintf(f, "%s", header);
    for (size_t i = 0; i < n; i++) fprintf(f, "  %-16s %s\n", t[i].name, t[i].summary);
    if (footer) fprintf(f, "%s", footer);
}

int cli_dispatch(const cli_subcommand *t, size_t n, const char *header, const char *footer, const char *what,
                 const char *hint, int argc, char **argv)
{
    if (argc < 2) {
        subcommand_usage(stderr, t, n, header, footer);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        subcommand_usage(stdout, t, n, header, footer);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(argv[1], t[i].name)) return t[i].run(argc - 1, argv + 1);
    return cli_fail("unknown %s '%s' (see '%s')", what, argv[1], hint);
}
