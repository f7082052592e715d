/* history.csv in the report: a summary line (final losses, time per epoch)
 * and a table of the first and last epochs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define MAX_COLS 16
#define SHOWN_EACH_END 3 /* epochs shown at each end of a long history */

typedef struct {
    int n_cols, n_rows;
    char *header[MAX_COLS];
    double *rows; /* (n_rows, n_cols) */
} csv_table;

static void csv_free(csv_table *t)
{
    for (int c = 0; c < t->n_cols; c++) free(t->header[c]);
    free(t->rows);
}

/* Splits one line at commas into fields (in place); returns the count or -1 past max. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    for (char *p = line;; p++) {
        if (n == max) return -1;
        fields[n++] = p;
        p = strchr(p, ',');
        if (!p) return n;
        *p = '\0';
    }
}

/* Parses a numeric CSV with a header line; -1 if it is not one. */
static int csv_parse(const char *text, csv_table *t)
{
    *t = (csv_table){0};
    char *copy = strdup(text);
    if (!copy) return -1;
    int lines = 0, ok = 1;
    for (const char *p = text; *p; p++) lines += *p == '\n';
    t->rows = malloc((size_t)(lines + 1) * MAX_COLS * sizeof *t->rows);
    char *save = NULL, *fields[MAX_COLS];
    for (char *line = strtok_r(copy, "\r\n", &save); line && ok; line = strtok_r(NULL, "\r\n", &save)) {
        int n = split_fields(line, fields, MAX_COLS);
        if (!t->rows || n < 1) {
            ok = 0;
        } else if (!t->n_cols) {
            t->n_cols = n;
            for (int c = 0; c < n; c++) t->header[c] = strdup(fields[c]);
            for (int c = 0; c < n; c++) ok &= t->header[c] != NULL;
        } else if (n != t->n_cols) {
            ok = 0;
        } else {
            for (int c = 0; c < n && ok; c++) {
                char *end;
                t->rows[(size_t)t->n_rows * MAX_COLS + c] = strtod(fields[c], &end);
                ok = end != fields[c] && *end == '\0';
            }
            t->n_rows++;
        }
    }
    free(copy);
    if (!ok || !t->n_cols || !t->n_rows) {
        csv_free(t);
        return -1;
    }
    return 0;
}

static int column(const csv_table *t, const char *name)
{
    for (int c = 0; c < t->n_cols; c++)
        if (!strcmp(t->header[c], name)) return c;
    return -1;
}

static double cell(const csv_table *t, int row, int col) { return t->rows[(size_t)row * MAX_COLS + col]; }

static const char *column_label(const char *name)
{
    static const char *const names[][2] = {{"epoch", "Epoch"},
                                           {"train_loss", "Training loss"},
                                           {"val_loss", "Validation loss"},
                                           {"seconds", "Seconds"},
                                           {"samples_per_s", "Samples/s"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i][0], name)) return names[i][1];
    return name;
}

static void write_cell(ae_html *h, const char *name, double v)
{
    if (isnan(v))
        ae_html_raw(h, "<td class=\"num muted\">\xe2\x80\x93</td>");
    else if (strstr(name, "loss"))
        ae_html_fmt(h, "<td class=\"num\">%.6f</td>", v);
    else if (!strcmp(name, "seconds"))
        ae_html_fmt(h, "<td class=\"num\">%.2f</td>", v);
    else if (v == floor(v) || fabs(v) >= 100)
        ae_html_fmt(h, "<td class=\"num\">%.0f</td>", v);
    else
        ae_html_fmt(h, "<td class=\"num\">%.4g</td>", v);
}

void ae_report_history(ae_html *h, const char *csv)
{
    csv_table t;
    if (csv_parse(csv, &t)) {
        ae_report_pre(h, csv);
        return;
    }
    int last = t.n_rows - 1, c_train = column(&t, "train_loss"), c_val = column(&t, "val_loss"),
        c_sec = column(&t, "seconds");
    ae_html_fmt(h, "<p class=\"summary\"><b>%d</b> epoch%s", t.n_rows, t.n_rows == 1 ? "" : "s");
    if (c_train >= 0) ae_html_fmt(h, " &middot; final training loss <b>%.6f</b>", cell(&t, last, c_train));
    if (c_val >= 0 && !isnan(cell(&t, last, c_val)))
        ae_html_fmt(h, " &middot; final validation loss <b>%.6f</b>", cell(&t, last, c_val));
    if (c_sec >= 0) {
        double sum = 0;
        for (int r = 0; r < t.n_rows; r++) sum += cell(&t, r, c_sec);
        ae_html_fmt(h, " &middot; <b>%.2f s</b> per epoch", sum / t.n_rows);
    }
    ae_html_raw(h, "</p>\n<table class=\"data history\">\n<thead><tr>");
    for (int c = 0; c < t.n_cols; c++) {
        ae_html_raw(h, "<th class=\"num\">");
        ae_html_text(h, column_label(t.header[c]));
        ae_html_raw(h, "</th>");
    }
    ae_html_raw(h, "</tr></thead>\n<tbody>\n");
    for (int r = 0; r < t.n_rows; r++) {
        if (t.n_rows > 2 * SHOWN_EACH_END + 1 && r == SHOWN_EACH_END) {
            ae_html_fmt(h, "<tr class=\"gap\"><td colspan=\"%d\">\xe2\x8b\xae %d more epochs</td></tr>\n", t.n_cols,
                        t.n_rows - 2 * SHOWN_EACH_END);
            r = t.n_rows - SHOWN_EACH_END;
        }
        ae_html_raw(h, "<tr>");
        for (int c = 0; c < t.n_cols; c++) write_cell(h, t.header[c], cell(&t, r, c));
        ae_html_raw(h, "</tr>\n");
    }
    ae_html_raw(h, "</tbody></table>\n");
    csv_free(&t);
}
