/* metrics.json in the report: the headline facts, the results table (every
 * field any record has, the usual metrics first) and small key/value tables
 * for the other objects (timing_s, training, denoising, ...). Read
 * generically, so fields and clusterers added later appear without changes
 * here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

static const struct {
    const char *key, *label;
} labels[] = {
    {"clusterer", "Clusterer"},
    {"space", "Space"},
    {"split", "Split"},
    {"n", "n"},
    {"acc", "ACC"},
    {"purity", "Purity"},
    {"ari", "ARI"},
    {"nmi", "NMI"},
    {"silhouette", "Silhouette"},
    {"davies_bouldin", "Davies\xe2\x80\x93" "Bouldin"},
    {"timing_s", "Time (s)"},
    {"dataset", "Data set"},
    {"seed", "Seed"},
    {"epochs", "Epochs"},
    {"parameters", "Parameters"},
    {"final_loss", "Final training loss"},
    {"final_val_loss", "Final validation loss"},
    {"seconds_per_epoch", "Seconds per epoch"},
    {"samples_per_s", "Samples per second"},
    {"noise", "Noise"},
    {"amount", "Amount"},
    {"noisy_mse", "MSE, noisy input vs clean"},
    {"denoised_mse", "MSE, denoised output vs clean"},
};

/* Results columns shown first, in this order; any others follow as found. */
static const char *const first_columns[] = {"clusterer", "space", "split",      "n",
                                            "acc",       "purity", "ari",       "nmi",
                                            "silhouette", "davies_bouldin", "timing_s"};

/* Metrics where one record can be the best of its split: +1 higher is better, -1 lower. */
static int metric_sense(const char *key)
{
    static const char *const higher[] = {"acc", "purity", "ari", "nmi", "silhouette"};
    for (size_t i = 0; i < sizeof higher / sizeof higher[0]; i++)
        if (!strcmp(key, higher[i])) return 1;
    return strcmp(key, "davies_bouldin") ? 0 : -1;
}

static const char *label_of(const char *key)
{
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(labels[i].key, key)) return labels[i].label;
    return key;
}

/* 1234567 -> "1,234,567" */
static void fmt_int(long long v, char *buf, size_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v), o = 0;
    if (v < 0 && o + 1 < (int)n) buf[o++] = '-';
    for (int i = 0; i < len && o + 1 < (int)n; i++) {
        if (i && (len - i) % 3 == 0 && o + 2 < (int)n) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* A value as display text (numbers are formatted into buf; strings and nested
 * objects are returned whole). Metrics get 4 decimals, times 3; other numbers
 * 6 significant digits. */
static const char *value_text(const char *key, json_object *v, int seconds, char *buf, size_t n)
{
    switch (json_object_get_type(v)) {
    case json_type_null: snprintf(buf, n, "\xe2\x80\x93"); break;
    case json_type_boolean: snprintf(buf, n, "%s", json_object_get_boolean(v) ? "yes" : "no"); break;
    case json_type_int: fmt_int((long long)json_object_get_int64(v), buf, n); break;
    case json_type_double: {
        double d = json_object_get_double(v);
        if (!isfinite(d))
            snprintf(buf, n, "%s", isnan(d) ? "nan" : d > 0 ? "inf" : "-inf");
        else if (metric_sense(key))
            snprintf(buf, n, "%.4f", d);
        else if (seconds || !strcmp(key, "timing_s") || !strncmp(key, "seconds", 7))
            snprintf(buf, n, "%.3f", d);
        else
            snprintf(buf, n, "%.6g", d);
        break;
    }
    case json_type_string: return json_object_get_string(v);
    default: /* objects and arrays: compact JSON */
        return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    }
    return buf;
}

static int is_number(json_object *v)
{
    return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

void ae_report_facts(ae_html *h, json_object *root)
{
    char buf[512];
    ae_html_raw(h, "<dl class=\"facts\">\n");
    json_object_object_foreach(root, key, v)
    {
        if (!strcmp(key, "experiment") || !strcmp(key, "description") || json_object_is_type(v, json_type_object) ||
            json_object_is_type(v, json_type_array))
            continue;
        ae_html_raw(h, "<div><dt>");
        ae_html_text(h, label_of(key));
        ae_html_raw(h, "</dt><dd>");
        ae_html_text(h, value_text(key, v, 0, buf, sizeof buf));
        ae_html_raw(h, "</dd></div>\n");
    }
    json_object *timing, *total, *training, *params, *results;
    if (json_object_object_get_ex(root, "timing_s", &timing) && json_object_object_get_ex(timing, "total", &total) &&
        is_number(total))
        ae_html_fmt(h, "<div><dt>Total time</dt><dd>%.1f s</dd></div>\n", json_object_get_double(total));
    if (json_object_object_get_ex(root, "training", &training) &&
        json_object_object_get_ex(training, "parameters", &params) && is_number(params)) {
        fmt_int((long long)json_object_get_int64(params), buf, sizeof buf);
        ae_html_fmt(h, "<div><dt>Parameters</dt><dd>%s</dd></div>\n", buf);
    }
    /* the best accuracy of any record, and where it was */
    json_object *best = NULL;
    double best_acc = -1;
    if (json_object_object_get_ex(root, "results", &results) && json_object_is_type(results, json_type_array))
        for (size_t i = 0; i < json_object_array_length(results); i++) {
            json_object *r = json_object_array_get_idx(results, i), *acc;
            if (json_object_object_get_ex(r, "acc", &acc) && is_number(acc) && json_object_get_double(acc) > best_acc) {
                best_acc = json_object_get_double(acc);
                best = r;
            }
        }
    if (best) {
        ae_html_fmt(h, "<div class=\"hl\"><dt>Best ACC</dt><dd>%.4f <small>", best_acc);
        const char *parts[3] = {"clusterer", "space", "split"}, *sep[3] = {"", " on ", ", "};
        for (int i = 0; i < 3; i++) {
            json_object *s;
            if (!json_object_object_get_ex(best, parts[i], &s) || !json_object_is_type(s, json_type_string)) continue;
            ae_html_raw(h, sep[i]);
            ae_html_text(h, json_object_get_string(s));
        }
        ae_html_raw(h, "</small></dd></div>\n");
    }
    ae_html_raw(h, "</dl>\n");
}

/* The columns of the results table: first_columns that occur, then any other field in order of appearance. */
static int results_columns(json_object *results, const char ***out)
{
    size_t n_rec = json_object_array_length(results), cap = sizeof first_columns / sizeof first_columns[0];
    for (size_t i = 0; i < n_rec; i++) cap += (size_t)json_object_object_length(json_object_array_get_idx(results, i));
    const char **cols = malloc(cap * sizeof *cols);
    int n = 0;
    if (!cols) return -1;
    for (size_t c = 0; c < sizeof first_columns / sizeof first_columns[0]; c++)
        for (size_t i = 0; i < n_rec; i++)
            if (json_object_object_get_ex(json_object_array_get_idx(results, i), first_columns[c], NULL)) {
                cols[n++] = first_columns[c];
                break;
            }
    for (size_t i = 0; i < n_rec; i++) {
        json_object_object_foreach(json_object_array_get_idx(results, i), key, v)
        {
            (void)v;
            int seen = 0;
            for (int c = 0; c < n && !seen; c++) seen = !strcmp(cols[c], key);
            if (!seen) cols[n++] = key;
        }
    }
    *out = cols;
    return n;
}

static const char *string_field(json_object *r, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(r, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                                               : "";
}

/* Whether record i has the best value of metric key among two or more records of its split. */
static int is_best(json_object *results, size_t i, const char *key)
{
    int sense = metric_sense(key), rivals = 0;
    json_object *r = json_object_array_get_idx(results, i), *v;
    if (!sense || !json_object_object_get_ex(r, key, &v) || !is_number(v)) return 0;
    double mine = json_object_get_double(v);
    const char *split = string_field(r, "split");
    for (size_t j = 0; j < json_object_array_length(results); j++) {
        json_object *o = json_object_array_get_idx(results, j), *w;
        if (j == i || strcmp(string_field(o, "split"), split) || !json_object_object_get_ex(o, key, &w) || !is_number(w))
            continue;
        rivals++;
        if (sense * (json_object_get_double(w) - mine) > 0) return 0;
    }
    return rivals > 0;
}

void ae_report_results(ae_html *h, json_object *results)
{
    const char **cols;
    int n_cols = results_columns(results, &cols);
    if (n_cols < 0) {
        ae_error e;
        ae_html_fail(h, ae_fail(&e, AE_ERR_NOMEM, "report: out of memory"), &e);
        return;
    }
    char buf[512];
    ae_html_raw(h, "<div class=\"scroll\"><table class=\"data metrics\">\n<thead><tr>");
    for (int c = 0; c < n_cols; c++) {
        ae_html_raw(h, metric_sense(cols[c]) || !strcmp(cols[c], "n") || !strcmp(cols[c], "timing_s") ? "<th class=\"num\">"
                                                                                                       : "<th>");
        ae_html_text(h, label_of(cols[c]));
        ae_html_raw(h, "</th>");
    }
    ae_html_raw(h, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < json_object_array_length(results); i++) {
        json_object *r = json_object_array_get_idx(results, i);
        ae_html_raw(h, "<tr>");
        for (int c = 0; c < n_cols; c++) {
            json_object *v;
            if (!json_object_object_get_ex(r, cols[c], &v)) {
                ae_html_raw(h, "<td class=\"muted num\">\xe2\x80\x93</td>");
                continue;
            }
            ae_html_raw(h, is_number(v) ? (is_best(results, i, cols[c]) ? "<td class=\"num best\">" : "<td class=\"num\">")
                                        : "<td>");
            ae_html_text(h, value_text(cols[c], v, 0, buf, sizeof buf));
            ae_html_raw(h, "</td>");
        }
        ae_html_raw(h, "</tr>\n");
    }
    ae_html_raw(h, "</tbody></table></div>\n");
    free(cols);
}

void ae_report_object_table(ae_html *h, json_object *obj, const char *cls)
{
    int seconds = cls && !strcmp(cls, "timing");
    char buf[512];
    ae_html_fmt(h, "<table class=\"kv %s\">\n", cls ? cls : "");
    json_object_object_foreach(obj, key, v)
    {
        ae_html_raw(h, "<tr><th>");
        ae_html_text(h, !strcmp(key, "n") ? "Rows" : label_of(key));
        ae_html_raw(h, is_number(v) ? "</th><td class=\"num\">" : "</th><td>");
        ae_html_text(h, value_text(key, v, seconds, buf, sizeof buf));
        if (seconds && is_number(v)) ae_html_raw(h, " s");
        ae_html_raw(h, "</td></tr>\n");
    }
    ae_html_raw(h, "</table>\n");
}
