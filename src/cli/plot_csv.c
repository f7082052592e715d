/* The small numeric CSV files `aeclust plot` reads (training history, elbow):
 * a header line of names, then rows of numbers. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_cli.h"

#define MAX_COLS 64

void plot_csv_free(plot_csv *c)
{
    for (int i = 0; c->names && i < c->n_cols; i++) free(c->names[i]);
    free(c->names);
    free(c->values);
    memset(c, 0, sizeof *c);
}

int plot_csv_column(const plot_csv *c, const char *name)
{
    for (int i = 0; i < c->n_cols; i++)
        if (!strcmp(c->names[i], name)) return i;
    return -1;
}

/* Splits line (modified) at commas into at most MAX_COLS trimmed fields. */
static int split(char *line, char **f)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line;; n++) {
        if (n == MAX_COLS) return n + 1; /* too many: reported by the caller */
        while (*p == ' ' || *p == '\t') p++;
        f[n] = p;
        char *comma = strchr(p, ',');
        char *end = comma ? comma : p + strlen(p);
        while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
        char *next = comma ? comma + 1 : NULL;
        *end = '\0';
        if (!next) return n + 1;
        p = next;
    }
}

int plot_csv_read(const char *kind, const char *path, plot_csv *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "r");
    if (!f) return cli_fail("%s: %s: cannot open: %s", kind, path, strerror(errno));
    char *line = NULL, *fields[MAX_COLS];
    size_t cap = 0, rows_cap = 0;
    int rc = 2, line_no = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        line_no++;
        if (strspn(line, " \t\r\n") == (size_t)len) continue; /* blank line */
        int n = split(line, fields);
        if (n > MAX_COLS) {
            cli_fail("%s: %s line %d: more than %d fields", kind, path, line_no, MAX_COLS);
            goto done;
        }
        if (!out->names) {
            out->names = calloc((size_t)n, sizeof *out->names);
            if (!out->names) goto nomem;
            out->n_cols = n;
            for (int i = 0; i < n; i++)
                if (!(out->names[i] = strdup(fields[i]))) goto nomem;
            continue;
        }
        if (n != out->n_cols) {
            cli_fail("%s: %s line %d has %d fields, the header has %d", kind, path, line_no, n, out->n_cols);
            goto done;
        }
        if ((size_t)out->n_rows == rows_cap) {
            rows_cap = rows_cap ? 2 * rows_cap : 64;
            double *v = realloc(out->values, rows_cap * (size_t)out->n_cols * sizeof *v);
            if (!v) goto nomem;
            out->values = v;
        }
        for (int i = 0; i < n; i++) {
            char *end;
            double v = strtod(fields[i], &end);
            if (end == fields[i] || *end != '\0') {
                cli_fail("%s: %s line %d, column %s: '%s' is not a number", kind, path, line_no, out->names[i],
                         fields[i]);
                goto done;
            }
            out->values[(size_t)out->n_rows * (size_t)out->n_cols + (size_t)i] = v;
        }
        out->n_rows++;
    }
    if (ferror(f)) {
        cli_fail("%s: %s: read error", kind, path);
        goto done;
    }
    if (!out->names) {
        cli_fail("%s: %s is empty (a header line is expected)", kind, path);
        goto done;
    }
    if (out->n_rows == 0) {
        cli_fail("%s: %s has a header but no rows", kind, path);
        goto done;
    }
    rc = 0;
    goto done;
nomem:
    cli_fail("%s: %s: out of memory", kind, path);
done:
    free(line);
    fclose(f);
    if (rc) plot_csv_free(out);
    return rc;
}
