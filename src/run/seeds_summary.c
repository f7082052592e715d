/* The statistics of a run over several seeds: one row per (clusterer, space,
 * split) gathered from the seed folders' metrics.json, each metric's n, mean,
 * sample sd, min, max and per-seed values; written as summary.json (read back
 * by the report, the strip plot and the sweep) and as tables in summary.txt. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic_file.h"
#include "seeds_internal.h"

const char ae_seeds_sd_note[] = "sd is the sample standard deviation (ddof 1: divides by n - 1); null when n < 2";

/* The usual metrics first, in this order; other numeric fields follow as found. */
static const char *const known_metrics[] = {"acc", "purity", "ari", "nmi", "silhouette", "davies_bouldin"};
#define N_KNOWN ((int)(sizeof known_metrics / sizeof known_metrics[0]))

static int metric_rank(const char *name)
{
    for (int i = 0; i < N_KNOWN; i++)
        if (!strcmp(name, known_metrics[i])) return i;
    return N_KNOWN;
}

ae_status ae_seeds_json_read(const char *path, json_object **out, ae_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 65536;
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
            }
            buf = b;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return ae_fail(err, AE_ERR_IO, "%s: cannot read", path);
    }
    buf[len] = '\0';
    json_tokener *tok = json_tokener_new();
    if (!tok) {
        free(buf);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    }
    json_object *root = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    for (size_t i = end; root && jerr == json_tokener_success && i < len; i++)
        if (!strchr(" \t\r\n", buf[i])) jerr = json_tokener_error_parse_unexpected;
    free(buf);
    if (!root || jerr != json_tokener_success) {
        json_object_put(root);
        return ae_fail(err, AE_ERR_FORMAT, "%s: not valid JSON (%s)", path,
                       jerr == json_tokener_continue ? "unexpected end of file" : json_tokener_error_desc(jerr));
    }
    *out = root;
    return AE_OK;
}

static ae_seeds_row *find_row(ae_seeds_result *res, const char *clusterer, const char *space, const char *split)
{
    for (int i = 0; i < res->n_rows; i++) {
        ae_seeds_row *r = &res->rows[i];
        if (!strcmp(r->clusterer, clusterer) && !strcmp(r->space, space) && !strcmp(r->split, split)) return r;
    }
    return NULL;
}

static ae_seeds_row *add_row(ae_seeds_result *res, const char *clusterer, const char *space, const char *split,
                             long n_points)
{
    ae_seeds_row *rows = realloc(res->rows, (size_t)(res->n_rows + 1) * sizeof *rows);
    if (!rows) return NULL;
    res->rows = rows;
    ae_seeds_row *r = &rows[res->n_rows++];
    memset(r, 0, sizeof *r);
    snprintf(r->clusterer, sizeof r->clusterer, "%s", clusterer);
    snprintf(r->space, sizeof r->space, "%s", space);
    snprintf(r->split, sizeof r->split, "%s", split);
    r->n_points = n_points;
    return r;
}

const ae_seed_stat *ae_seeds_row_metric(const ae_seeds_row *r, const char *name)
{
    for (int i = 0; i < r->n_metrics; i++)
        if (!strcmp(r->metric[i].name, name)) return &r->metric[i];
    return NULL;
}

/* The metric called name in row r, added in rank order (values all NaN) if
 * new; NULL when out of memory, or when the row is full (*full set). */
static ae_seed_stat *row_metric(ae_seeds_row *r, const char *name, int n_seeds, int *full)
{
    for (int i = 0; i < r->n_metrics; i++)
        if (!strcmp(r->metric[i].name, name)) return &r->metric[i];
    if (r->n_metrics == AE_SEEDS_MAX_METRICS || strlen(name) >= sizeof r->metric[0].name) {
        *full = 1;
        return NULL;
    }
    double *v = malloc((size_t)(n_seeds > 0 ? n_seeds : 1) * sizeof *v);
    if (!v) return NULL;
    for (int i = 0; i < n_seeds; i++) v[i] = NAN;
    int rank = metric_rank(name), at = r->n_metrics;
    while (at > 0 && metric_rank(r->metric[at - 1].name) > rank) at--;
    memmove(&r->metric[at + 1], &r->metric[at], (size_t)(r->n_metrics - at) * sizeof r->metric[0]);
    r->n_metrics++;
    ae_seed_stat *s = &r->metric[at];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->values = v;
    return s;
}

static const char *str_field(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                                            : NULL;
}

static int is_number(json_object *v)
{
    return json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int);
}

/* Adds seed i's records (metrics.json's "results") to the rows. */
static ae_status add_records(ae_seeds_result *res, int i, json_object *results, const char *path, ae_error *err)
{
    for (size_t k = 0; k < json_object_array_length(results); k++) {
        json_object *rec = json_object_array_get_idx(results, k), *n;
        const char *clusterer = str_field(rec, "clusterer"), *space = str_field(rec, "space"),
                   *split = str_field(rec, "split");
        if (!json_object_is_type(rec, json_type_object) || !clusterer || !space || !split)
            return ae_fail(err, AE_ERR_FORMAT, "%s: results[%zu] has no clusterer, space and split", path, k);
        ae_seeds_row *r = find_row(res, clusterer, space, split);
        long n_points = json_object_object_get_ex(rec, "n", &n) && is_number(n) ? (long)json_object_get_int64(n) : 0;
        if (!r && !(r = add_row(res, clusterer, space, split, n_points)))
            return ae_fail(err, AE_ERR_NOMEM, "out of memory");
        json_object_object_foreach(rec, key, v)
        {
            if (!strcmp(key, "n") || !is_number(v)) continue;
            int full = 0;
            ae_seed_stat *s = row_metric(r, key, res->seeds.n, &full);
            if (full) continue; /* more fields than a row holds: the usual ones come first */
            if (!s) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
            s->values[i] = json_object_get_double(v);
        }
    }
    return AE_OK;
}

static void compute_all(ae_seeds_result *res)
{
    for (int r = 0; r < res->n_rows; r++)
        for (int m = 0; m < res->rows[r].n_metrics; m++) {
            ae_seed_stat *s = &res->rows[r].metric[m];
            ae_seed_stat_compute(s->values, res->seeds.n, s);
        }
}

ae_status ae_seeds_collect(ae_seeds_result *res, const char *const *dirs, ae_error *err)
{
    for (int i = 0; i < res->seeds.n; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/metrics.json", dirs[i]);
        json_object *root, *results;
        ae_status st = ae_seeds_json_read(path, &root, err);
        if (st) return st;
        if (!json_object_is_type(root, json_type_object) || !json_object_object_get_ex(root, "results", &results) ||
            !json_object_is_type(results, json_type_array))
            st = ae_fail(err, AE_ERR_FORMAT, "%s: no \"results\" list", path);
        else
            st = add_records(res, i, results, path, err);
        json_object_put(root);
        if (st) return st;
    }
    compute_all(res);
    return AE_OK;
}

static json_object *number_or_null(double v) { return isfinite(v) ? json_object_new_double(v) : NULL; }

json_object *ae_seeds_rows_json(const ae_seeds_result *res)
{
    json_object *list = json_object_new_array();
    for (int r = 0; r < res->n_rows; r++) {
        const ae_seeds_row *row = &res->rows[r];
        json_object *o = json_object_new_object(), *metrics = json_object_new_object();
        json_object_object_add(o, "clusterer", json_object_new_string(row->clusterer));
        json_object_object_add(o, "space", json_object_new_string(row->space));
        json_object_object_add(o, "split", json_object_new_string(row->split));
        json_object_object_add(o, "n", json_object_new_int64(row->n_points));
        for (int m = 0; m < row->n_metrics; m++) {
            const ae_seed_stat *s = &row->metric[m];
            json_object *j = json_object_new_object(), *values = json_object_new_array();
            json_object_object_add(j, "n", json_object_new_int(s->n));
            json_object_object_add(j, "mean", number_or_null(s->mean));
            json_object_object_add(j, "sd", number_or_null(s->sd));
            json_object_object_add(j, "min", number_or_null(s->min));
            json_object_object_add(j, "max", number_or_null(s->max));
            for (int i = 0; i < res->seeds.n; i++) json_object_array_add(values, number_or_null(s->values[i]));
            json_object_object_add(j, "values", values);
            json_object_object_add(metrics, s->name, j);
        }
        json_object_object_add(o, "metrics", metrics);
        json_object_array_add(list, o);
    }
    return list;
}

ae_status ae_seeds_rows_from_json(json_object *results, int n_seeds, ae_seeds_result *res, const char *what,
                                  ae_error *err)
{
    if (!json_object_is_type(results, json_type_array))
        return ae_fail(err, AE_ERR_FORMAT, "%s: \"results\" is not a list", what);
    for (size_t k = 0; k < json_object_array_length(results); k++) {
        json_object *o = json_object_array_get_idx(results, k), *metrics, *n;
        const char *clusterer = str_field(o, "clusterer"), *space = str_field(o, "space"), *split = str_field(o, "split");
        if (!clusterer || !space || !split || !json_object_object_get_ex(o, "metrics", &metrics) ||
            !json_object_is_type(metrics, json_type_object))
            return ae_fail(err, AE_ERR_FORMAT, "%s: results[%zu] needs clusterer, space, split and metrics", what, k);
        long n_points = json_object_object_get_ex(o, "n", &n) && is_number(n) ? (long)json_object_get_int64(n) : 0;
        ae_seeds_row *r = add_row(res, clusterer, space, split, n_points);
        if (!r) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
        json_object_object_foreach(metrics, key, m)
        {
            json_object *values;
            if (!json_object_is_type(m, json_type_object) || !json_object_object_get_ex(m, "values", &values) ||
                !json_object_is_type(values, json_type_array) || (int)json_object_array_length(values) != n_seeds)
                return ae_fail(err, AE_ERR_FORMAT, "%s: results[%zu].metrics.%s needs a list of %d values", what, k,
                               key, n_seeds);
            int full = 0;
            ae_seed_stat *s = row_metric(r, key, n_seeds, &full);
            if (full) continue;
            if (!s) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
            for (int i = 0; i < n_seeds; i++) {
                json_object *v = json_object_array_get_idx(values, (size_t)i);
                if (v && !is_number(v))
                    return ae_fail(err, AE_ERR_FORMAT, "%s: results[%zu].metrics.%s.values[%d] is not a number", what,
                                   k, key, i);
                s->values[i] = v ? json_object_get_double(v) : NAN;
            }
        }
    }
    compute_all(res);
    return AE_OK;
}

ae_status ae_seeds_summary_read(const char *dir, ae_seeds_result *res, ae_error *err)
{
    memset(res, 0, sizeof *res);
    char path[1400];
    size_t len = strlen(dir);
    if (len > 5 && !strcmp(dir + len - 5, ".json")) {
        snprintf(path, sizeof path, "%s", dir);
        const char *slash = strrchr(dir, '/');
        snprintf(res->out_dir, sizeof res->out_dir, "%.*s", slash ? (int)(slash - dir) : 1, slash ? dir : ".");
    } else {
        snprintf(path, sizeof path, "%s/summary.json", dir);
        snprintf(res->out_dir, sizeof res->out_dir, "%s", dir);
    }
    json_object *root, *seeds, *results;
    ae_status st = ae_seeds_json_read(path, &root, err);
    if (st) return st;
    if (!json_object_is_type(root, json_type_object) || !json_object_object_get_ex(root, "seeds", &seeds) ||
        !json_object_is_type(seeds, json_type_array) || !json_object_object_get_ex(root, "results", &results)) {
        json_object_put(root);
        return ae_fail(err, AE_ERR_FORMAT, "%s: not a summary (no \"seeds\" and \"results\" lists)", path);
    }
    const char *name = str_field(root, "experiment");
    snprintf(res->experiment, sizeof res->experiment, "%s", name ? name : "");
    size_t n = json_object_array_length(seeds);
    if (n > AE_SEEDS_MAX) st = ae_fail(err, AE_ERR_FORMAT, "%s: more than %d seeds", path, AE_SEEDS_MAX);
    for (size_t i = 0; !st && i < n; i++) {
        json_object *s = json_object_array_get_idx(seeds, i);
        if (!json_object_is_type(s, json_type_int) || json_object_get_int64(s) < 0)
            st = ae_fail(err, AE_ERR_FORMAT, "%s: seeds[%zu] is not a seed", path, i);
        else
            res->seeds.seed[res->seeds.n++] = (uint64_t)json_object_get_int64(s);
    }
    if (!st) st = ae_seeds_rows_from_json(results, res->seeds.n, res, path, err);
    json_object_put(root);
    return st;
}

void ae_seeds_result_free(ae_seeds_result *res)
{
    if (!res) return;
    for (int r = 0; r < res->n_rows; r++)
        for (int m = 0; m < res->rows[r].n_metrics; m++) free(res->rows[r].metric[m].values);
    free(res->rows);
    res->rows = NULL;
    res->n_rows = 0;
}

/* ---- tables ---------------------------------------------------------------- */

int ae_seeds_width(const char *s)
{
    int w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80; /* count lead bytes, not continuations */
    return w;
}

void ae_seeds_pad(FILE *f, const char *s, int width)
{
    fputs(s, f);
    for (int i = ae_seeds_width(s); i < width; i++) fputc(' ', f);
}

void ae_seeds_cell(const ae_seed_stat *s, int with_range, char *buf, size_t n)
{
    if (!s || s->n == 0)
        snprintf(buf, n, "-");
    else if (s->n == 1)
        snprintf(buf, n, "%.4f", s->mean);
    else if (with_range)
        snprintf(buf, n, "%.4f \xc2\xb1 %.4f [%.4f\xe2\x80\x93%.4f]", s->mean, s->sd, s->min, s->max);
    else
        snprintf(buf, n, "%.4f \xc2\xb1 %.4f", s->mean, s->sd);
}

/* The table of metrics[] (labels[] as headings) per row; cells as ae_seeds_cell. */
static void print_table(const ae_seeds_result *res, const char *const *metrics, const char *const *labels, int n_m,
                        int with_range, FILE *f)
{
    int wc = 9, ws = 6, wp = 5, wm[8] = {0};
    char cell[128];
    for (int m = 0; m < n_m; m++) wm[m] = ae_seeds_width(labels[m]);
    for (int r = 0; r < res->n_rows; r++) {
        const ae_seeds_row *row = &res->rows[r];
        if ((int)strlen(row->clusterer) > wc) wc = (int)strlen(row->clusterer);
        if ((int)strlen(row->space) > ws) ws = (int)strlen(row->space);
        if ((int)strlen(row->split) > wp) wp = (int)strlen(row->split);
        for (int m = 0; m < n_m; m++) {
            ae_seeds_cell(ae_seeds_row_metric(row, metrics[m]), with_range, cell, sizeof cell);
            if (ae_seeds_width(cell) > wm[m]) wm[m] = ae_seeds_width(cell);
        }
    }
    fprintf(f, "%-*s  %-*s  %-*s  %7s  %5s", wc, "clusterer", ws, "space", wp, "split", "n", "seeds");
    for (int m = 0; m < n_m; m++) {
        fputs("  ", f);
        ae_seeds_pad(f, labels[m], m + 1 < n_m ? wm[m] : 0);
    }
    fputc('\n', f);
    for (int r = 0; r < res->n_rows; r++) {
        const ae_seeds_row *row = &res->rows[r];
        const ae_seed_stat *first = row->n_metrics ? &row->metric[0] : NULL;
        fprintf(f, "%-*s  %-*s  %-*s  %7ld  %5d", wc, row->clusterer, ws, row->space, wp, row->split, row->n_points,
                first ? first->n : 0);
        for (int m = 0; m < n_m; m++) {
            ae_seeds_cell(ae_seeds_row_metric(row, metrics[m]), with_range, cell, sizeof cell);
            fputs("  ", f);
            ae_seeds_pad(f, cell, m + 1 < n_m ? wm[m] : 0);
        }
        fputc('\n', f);
    }
}

void ae_seeds_result_print(const ae_seeds_result *res, FILE *f)
{
    if (res->n_rows == 0) {
        fprintf(f, "(no clustering in this experiment: see the seed folders' metrics.json)\n");
        return;
    }
    static const char *const metrics[] = {"acc", "nmi", "ari"}, *const labels[] = {"ACC", "NMI", "ARI"};
    print_table(res, metrics, labels, 3, 1, f);
}

/* summary.txt: the headline table, then every metric with its per-seed values. */
static void write_text(const ae_seeds_result *res, FILE *f)
{
    char list[256];
    ae_seed_list_format(&res->seeds, list, sizeof list);
    fprintf(f, "%s over %d seed%s (%s): mean \xc2\xb1 sd [min\xe2\x80\x93max]\n%s.\n\n", res->experiment,
            res->seeds.n, res->seeds.n == 1 ? "" : "s", list, ae_seeds_sd_note);
    ae_seeds_result_print(res, f);
    if (res->n_rows == 0) return;
    fprintf(f, "\nEvery metric, with the value of each seed (in the order %s):\n\n", list);
    int wc = 9, ws = 6, wp = 5, wm = 6;
    for (int r = 0; r < res->n_rows; r++) {
        const ae_seeds_row *row = &res->rows[r];
        if ((int)strlen(row->clusterer) > wc) wc = (int)strlen(row->clusterer);
        if ((int)strlen(row->space) > ws) ws = (int)strlen(row->space);
        if ((int)strlen(row->split) > wp) wp = (int)strlen(row->split);
        for (int m = 0; m < row->n_metrics; m++)
            if ((int)strlen(row->metric[m].name) > wm) wm = (int)strlen(row->metric[m].name);
    }
    fprintf(f, "%-*s  %-*s  %-*s  %-*s  %5s  %8s  %8s  %8s  %8s  values\n", wc, "clusterer", ws, "space", wp, "split",
            wm, "metric", "n", "mean", "sd", "min", "max");
    for (int r = 0; r < res->n_rows; r++) {
        const ae_seeds_row *row = &res->rows[r];
        for (int m = 0; m < row->n_metrics; m++) {
            const ae_seed_stat *s = &row->metric[m];
            fprintf(f, "%-*s  %-*s  %-*s  %-*s  %5d", wc, row->clusterer, ws, row->space, wp, row->split, wm, s->name,
                    s->n);
            const double v4[4] = {s->mean, s->sd, s->min, s->max};
            for (int j = 0; j < 4; j++)
                isfinite(v4[j]) ? fprintf(f, "  %8.4f", v4[j]) : fprintf(f, "  %8s", "-");
            fputs(" ", f);
            for (int i = 0; i < res->seeds.n; i++)
                isfinite(s->values[i]) ? fprintf(f, " %.4f", s->values[i]) : fprintf(f, " -");
            fputc('\n', f);
        }
    }
}

ae_status ae_seeds_write_summary(const ae_seeds_result *res, ae_error *err)
{
    json_object *root = json_object_new_object(), *seeds = json_object_new_array(), *runs = json_object_new_array();
    json_object_object_add(root, "experiment", json_object_new_string(res->experiment));
    for (int i = 0; i < res->seeds.n; i++) {
        char folder[32];
        snprintf(folder, sizeof folder, "seed-%llu", (unsigned long long)res->seeds.seed[i]);
        json_object_array_add(seeds, json_object_new_uint64(res->seeds.seed[i]));
        json_object_array_add(runs, json_object_new_string(folder));
    }
    json_object_object_add(root, "seeds", seeds);
    json_object_object_add(root, "runs", runs);
    json_object_object_add(root, "sd_definition", json_object_new_string(ae_seeds_sd_note));
    json_object_object_add(root, "results", ae_seeds_rows_json(res));
    char path[1400];
    snprintf(path, sizeof path, "%s/summary.json", res->out_dir);
    const char *text =
        json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    ae_afile f;
    ae_status st = ae_afile_open(&f, path, err);
    if (!st) {
        st = ae_afile_printf(&f, err, "%s\n", text);
        st = st ? (ae_afile_abort(&f), st) : ae_afile_commit(&f, err);
    }
    json_object_put(root);
    if (st) return st;

    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    write_text(res, mem);
    if (fclose(mem)) {
        free(buf);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    }
    snprintf(path, sizeof path, "%s/summary.txt", res->out_dir);
    st = ae_write_file_atomic(path, buf, len, err);
    free(buf);
    return st;
}
