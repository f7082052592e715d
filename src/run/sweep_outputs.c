/* What a sweep writes beside its combination folders: sweep.json (the grid
 * and each combination's rows of statistics, read back by the report),
 * sweep.txt (one table) and a figure of ACC and NMI against each key. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/plot.h"
#include "core/atomic_file.h"
#include "core/fs.h"
#include "sweep_internal.h"

static ae_status write_json_file(const char *path, json_object *root, ae_error *err)
{
    const char *text =
        json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    ae_afile f;
    ae_status st = ae_afile_open(&f, path, err);
    if (st) return st;
    st = ae_afile_printf(&f, err, "%s\n", text);
    return st ? (ae_afile_abort(&f), st) : ae_afile_commit(&f, err);
}

static ae_status write_json(const ae_sweep_result *res, ae_error *err)
{
    json_object *root = json_object_new_object(), *grid = json_object_new_array(), *cells = json_object_new_array();
    json_object_object_add(root, "experiment", json_object_new_string(res->experiment));
    for (int k = 0; k < res->grid.n_keys; k++) {
        const ae_sweep_key *key = &res->grid.key[k];
        json_object *o = json_object_new_object(), *values = json_object_new_array();
        json_object_object_add(o, "key", json_object_new_string(key->name));
        json_object_object_add(o, "label", json_object_new_string(key->label));
        for (int v = 0; v < key->n_values; v++) json_object_array_add(values, json_object_new_string(key->values[v]));
        json_object_object_add(o, "values", values);
        json_object_array_add(grid, o);
    }
    json_object_object_add(root, "grid", grid);
    json_object *seeds = json_object_new_array();
    for (int i = 0; i < res->seeds.n; i++) json_object_array_add(seeds, json_object_new_uint64(res->seeds.seed[i]));
    /* without --seeds each combination is one run at the file's seed */
    json_object_object_add(root, "with_seeds", json_object_new_boolean(res->with_seeds));
    json_object_object_add(root, "seeds", seeds);
    json_object_object_add(root, "sd_definition", json_object_new_string(ae_seeds_sd_note));
    for (int i = 0; i < res->n_cells; i++) {
        const ae_sweep_cell *cell = &res->cells[i];
        json_object *o = json_object_new_object(), *values = json_object_new_object();
        json_object_object_add(o, "folder", json_object_new_string(cell->folder));
        for (int k = 0; k < res->grid.n_keys; k++)
            json_object_object_add(values, res->grid.key[k].name,
                                   json_object_new_string(res->grid.key[k].values[cell->value[k]]));
        json_object_object_add(o, "values", values);
        json_object_object_add(o, "results", ae_seeds_rows_json(&cell->summary));
        json_object_array_add(cells, o);
    }
    json_object_object_add(root, "combinations", cells);
    char path[1400];
    snprintf(path, sizeof path, "%s/sweep.json", res->out_dir);
    ae_status st = write_json_file(path, root, err);
    json_object_put(root);
    return st;
}

void ae_sweep_result_print(const ae_sweep_result *res, FILE *f)
{
    int n_k = res->grid.n_keys, wk[AE_SWEEP_MAX_KEYS], wc = 9, ws = 5, wp = 5, wa = 3, n_lines = 0;
    char cell_a[128], cell_n[128];
    for (int k = 0; k < n_k; k++) {
        wk[k] = ae_seeds_width(res->grid.key[k].label);
        for (int v = 0; v < res->grid.key[k].n_values; v++)
            if (ae_seeds_width(res->grid.key[k].values[v]) > wk[k]) wk[k] = ae_seeds_width(res->grid.key[k].values[v]);
    }
    for (int i = 0; i < res->n_cells; i++) {
        const ae_seeds_result *s = &res->cells[i].summary;
        for (int r = 0; r < s->n_rows; r++) {
            const ae_seeds_row *row = &s->rows[r];
            if ((int)strlen(row->clusterer) > wc) wc = (int)strlen(row->clusterer);
            if ((int)strlen(row->space) > ws) ws = (int)strlen(row->space);
            if ((int)strlen(row->split) > wp) wp = (int)strlen(row->split);
            ae_seeds_cell(ae_seeds_row_metric(row, "acc"), 0, cell_a, sizeof cell_a);
            if (ae_seeds_width(cell_a) > wa) wa = ae_seeds_width(cell_a);
            n_lines++;
        }
    }
    if (n_lines == 0) {
        fprintf(f, "(no clustering in this experiment: see the combinations' metrics.json)\n");
        return;
    }
    for (int k = 0; k < n_k; k++) {
        ae_seeds_pad(f, res->grid.key[k].label, wk[k]);
        fputs("  ", f);
    }
    fprintf(f, "%-*s  %-*s  %-*s  ", wc, "clusterer", ws, "space", wp, "split");
    ae_seeds_pad(f, "ACC", wa);
    fputs("  NMI\n", f);
    for (int i = 0; i < res->n_cells; i++) {
        const ae_sweep_cell *cell = &res->cells[i];
        for (int r = 0; r < cell->summary.n_rows; r++) {
            const ae_seeds_row *row = &cell->summary.rows[r];
            for (int k = 0; k < n_k; k++) {
                ae_seeds_pad(f, res->grid.key[k].values[cell->value[k]], wk[k]);
                fputs("  ", f);
            }
            ae_seeds_cell(ae_seeds_row_metric(row, "acc"), 0, cell_a, sizeof cell_a);
            ae_seeds_cell(ae_seeds_row_metric(row, "nmi"), 0, cell_n, sizeof cell_n);
            fprintf(f, "%-*s  %-*s  %-*s  ", wc, row->clusterer, ws, row->space, wp, row->split);
            ae_seeds_pad(f, cell_a, wa);
            fprintf(f, "  %s\n", cell_n);
        }
    }
}

static ae_status write_text(const ae_sweep_result *res, ae_error *err)
{
    char *buf = NULL, list[256];
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    ae_seed_list_format(&res->seeds, list, sizeof list);
    fprintf(mem, "%s: a sweep over %d key%s, %d combination%s, ", res->experiment, res->grid.n_keys,
            res->grid.n_keys == 1 ? "" : "s", res->n_cells, res->n_cells == 1 ? "" : "s");
    if (res->with_seeds)
        fprintf(mem, "each over %d seed%s (%s): mean \xc2\xb1 sd.\n%s.\n\n", res->seeds.n, res->seeds.n == 1 ? "" : "s",
                list, ae_seeds_sd_note);
    else
        fprintf(mem, "each one run at seed %s.\n\n", list);
    ae_sweep_result_print(res, mem);
    if (fclose(mem)) {
        free(buf);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    }
    char path[1400];
    snprintf(path, sizeof path, "%s/sweep.txt", res->out_dir);
    ae_status st = ae_write_file_atomic(path, buf, len, err);
    free(buf);
    return st;
}

ae_status ae_sweep_write_outputs(const ae_sweep_result *res, ae_error *err)
{
    ae_status st = write_json(res, err);
    return st ? st : write_text(res, err);
}

/* ---- reading sweep.json back ---------------------------------------------- */

static const char *str_of(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                                            : NULL;
}

static ae_status read_grid(json_object *grid, ae_sweep_result *res, const char *path, ae_error *err)
{
    if (!json_object_is_type(grid, json_type_array) || json_object_array_length(grid) > AE_SWEEP_MAX_KEYS)
        return ae_fail(err, AE_ERR_FORMAT, "%s: \"grid\" is not a list of at most %d keys", path, AE_SWEEP_MAX_KEYS);
    for (size_t k = 0; k < json_object_array_length(grid); k++) {
        json_object *o = json_object_array_get_idx(grid, k), *values;
        const char *name = str_of(o, "key");
        if (!name || !json_object_object_get_ex(o, "values", &values) || !json_object_is_type(values, json_type_array) ||
            json_object_array_length(values) > AE_SWEEP_MAX_VALUES)
            return ae_fail(err, AE_ERR_FORMAT, "%s: grid[%zu] needs a key and a list of values", path, k);
        int n = (int)json_object_array_length(values);
        if (n < 1) return ae_fail(err, AE_ERR_FORMAT, "%s: grid[%zu] has no values", path, k);
        ae_status st = ae_sweep_key_init(&res->grid.key[k], name, n, err);
        if (st) return st;
        res->grid.n_keys = (int)k + 1;
        for (int v = 0; v < n; v++) {
            json_object *s = json_object_array_get_idx(values, (size_t)v);
            if (!json_object_is_type(s, json_type_string))
                return ae_fail(err, AE_ERR_FORMAT, "%s: grid[%zu].values[%d] is not a string", path, k, v);
            if ((st = ae_sweep_key_add(&res->grid.key[k], json_object_get_string(s), err))) return st;
        }
    }
    ae_sweep_grid_finish(&res->grid);
    return AE_OK;
}

static ae_status read_cells(json_object *cells, ae_sweep_result *res, const char *path, ae_error *err)
{
    if (!json_object_is_type(cells, json_type_array) ||
        (int)json_object_array_length(cells) != res->grid.n_combinations)
        return ae_fail(err, AE_ERR_FORMAT, "%s: \"combinations\" is not a list of the grid's %d", path,
                       res->grid.n_combinations);
    res->cells = calloc((size_t)(res->grid.n_combinations ? res->grid.n_combinations : 1), sizeof *res->cells);
    if (!res->cells) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    res->n_cells = res->grid.n_combinations;
    for (int i = 0; i < res->n_cells; i++) {
        ae_sweep_cell *cell = &res->cells[i];
        json_object *o = json_object_array_get_idx(cells, (size_t)i), *results;
        const char *folder = str_of(o, "folder");
        if (!folder || !json_object_object_get_ex(o, "results", &results))
            return ae_fail(err, AE_ERR_FORMAT, "%s: combinations[%d] needs a folder and results", path, i);
        snprintf(cell->folder, sizeof cell->folder, "%s", folder);
        ae_sweep_combination(&res->grid, i, cell->value);
        ae_seeds_result *s = &cell->summary;
        if (snprintf(s->out_dir, sizeof s->out_dir, "%s/%s", res->out_dir, folder) >= (int)sizeof s->out_dir)
            return ae_fail(err, AE_ERR_FORMAT, "%s: combinations[%d]: the folder's path is too long", path, i);
        snprintf(s->experiment, sizeof s->experiment, "%s", res->experiment);
        s->seeds = res->seeds;
        ae_status st = ae_seeds_rows_from_json(results, res->seeds.n, s, path, err);
        if (st) return st;
    }
    return AE_OK;
}

ae_status ae_sweep_read(const char *dir, ae_sweep_result *res, ae_error *err)
{
    memset(res, 0, sizeof *res);
    snprintf(res->out_dir, sizeof res->out_dir, "%s", dir);
    char path[1400];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    json_object *root, *grid, *seeds, *cells, *with;
    ae_status st = ae_seeds_json_read(path, &root, err);
    if (st) return st;
    if (!json_object_is_type(root, json_type_object) || !json_object_object_get_ex(root, "grid", &grid) ||
        !json_object_object_get_ex(root, "seeds", &seeds) || !json_object_is_type(seeds, json_type_array) ||
        !json_object_object_get_ex(root, "combinations", &cells))
        st = ae_fail(err, AE_ERR_FORMAT, "%s: not a sweep (no \"grid\", \"seeds\" and \"combinations\")", path);
    if (!st) {
        const char *name = str_of(root, "experiment");
        snprintf(res->experiment, sizeof res->experiment, "%s", name ? name : "");
        res->with_seeds = json_object_object_get_ex(root, "with_seeds", &with) && json_object_get_boolean(with);
        size_t n = json_object_array_length(seeds);
        if (n < 1 || n > AE_SEEDS_MAX) st = ae_fail(err, AE_ERR_FORMAT, "%s: \"seeds\" has %zu seeds", path, n);
        for (size_t i = 0; !st && i < n; i++) {
            json_object *s = json_object_array_get_idx(seeds, i);
            if (!json_object_is_type(s, json_type_int) || json_object_get_int64(s) < 0)
                st = ae_fail(err, AE_ERR_FORMAT, "%s: seeds[%zu] is not a seed", path, i);
            else
                res->seeds.seed[res->seeds.n++] = (uint64_t)json_object_get_int64(s);
        }
    }
    if (!st) st = read_grid(grid, res, path, err);
    if (!st) st = read_cells(cells, res, path, err);
    json_object_put(root);
    return st;
}

/* ---- figures ----------------------------------------------------------------- */

/* The lines of the figure of one key: a line joins, across the key's values,
 * the rows of one combination of the other keys that are "the same" row. A
 * field of the row (clusterer, space, split) whose values differ with the
 * key - the clusterer when the key is cluster.method, the split's name when
 * it is data.fit_limit - does not tell rows apart; rows equal in the other
 * fields are then paired in the order they come. */
enum { F_CLUSTERER, F_SPACE, F_SPLIT, N_FIELDS };

static const char *field(const ae_seeds_row *r, int f)
{
    return f == F_CLUSTERER ? r->clusterer : f == F_SPACE ? r->space : r->split;
}

static int has_value(const ae_seeds_result *s, int f, const char *v)
{
    for (int r = 0; r < s->n_rows; r++)
        if (!strcmp(field(&s->rows[r], f), v)) return 1;
    return 0;
}

/* Whether the set of values of field f differs between two cells. */
static int field_differs(const ae_seeds_result *a, const ae_seeds_result *b, int f)
{
    for (int r = 0; r < a->n_rows; r++)
        if (!has_value(b, f, field(&a->rows[r], f))) return 1;
    for (int r = 0; r < b->n_rows; r++)
        if (!has_value(a, f, field(&b->rows[r], f))) return 1;
    return 0;
}

/* Rows a and b agree on every field that tells rows apart. */
static int same_id(const ae_seeds_row *a, const ae_seeds_row *b, const int *vary)
{
    for (int f = 0; f < N_FIELDS; f++)
        if (!vary[f] && strcmp(field(a, f), field(b, f))) return 0;
    return 1;
}

/* Rows before row r of s with the same id: its place among its equals. */
static int occurrence(const ae_seeds_result *s, int r, const int *vary)
{
    int k = 0;
    for (int q = 0; q < r; q++) k += same_id(&s->rows[q], &s->rows[r], vary);
    return k;
}

/* The row of s that is (id, occ), or NULL. */
static const ae_seeds_row *match(const ae_seeds_result *s, const ae_seeds_row *id, int occ, const int *vary)
{
    for (int r = 0; r < s->n_rows; r++)
        if (same_id(&s->rows[r], id, vary) && occurrence(s, r, vary) == occ) return &s->rows[r];
    return NULL;
}

/* The value indices of the other keys (all but kk) for their combination o,
 * the first other key slowest. */
static void other_values(const ae_sweep_grid *g, int kk, int o, int *value)
{
    for (int k = g->n_keys - 1; k >= 0; k--) {
        if (k == kk) continue;
        value[k] = o % g->key[k].n_values;
        o /= g->key[k].n_values;
    }
}

typedef struct {
    char name[256];
    double *y, *sd; /* (n_x) */
} line_buf;

typedef struct {
    const ae_sweep_result *res;
    int kk, n_x, several_rows;
    int order[AE_SWEEP_MAX_VALUES]; /* point i of a line is the key's value order[i] */
    const char *metric;
    line_buf *lines;  /* AE_SWEEP_MAX_LINES + 1: the last one for lines past the cap, to count them */
    double *mem;
    ae_plot_errorbar_series *series;
    int n_lines, with_data;
} figure_lines;

/* Adds the line of row id (occ-th of its equals) for the other keys' values. */
static void add_line(figure_lines *L, int *value, const ae_seeds_row *id, int occ, const int *vary)
{
    const ae_sweep_grid *g = &L->res->grid;
    line_buf *b = &L->lines[L->n_lines];
    b->y = L->mem + (size_t)(2 * L->n_lines) * (size_t)L->n_x;
    b->sd = b->y + L->n_x;
    int any = 0;
    for (int j = 0; j < L->n_x; j++) {
        value[L->kk] = L->order[j];
        const ae_seeds_row *row = match(&L->res->cells[ae_sweep_index(g, value)].summary, id, occ, vary);
        const ae_seed_stat *s = row ? ae_seeds_row_metric(row, L->metric) : NULL;
        b->y[j] = s && s->n ? s->mean : NAN;
        b->sd[j] = s && L->res->with_seeds ? s->sd : NAN;
        any |= isfinite(b->y[j]);
    }
    if (!any) return;
    L->with_data++;
    if (L->n_lines == AE_SWEEP_MAX_LINES) return; /* counted, not drawn */
    /* the name: the other keys' values, then the fields that tell the rows apart */
    b->name[0] = '\0';
    for (int k = 0; k < g->n_keys; k++) {
        if (k == L->kk || g->key[k].n_values < 2) continue; /* a key of one value tells no line apart */
        size_t at = strlen(b->name);
        snprintf(b->name + at, sizeof b->name - at, "%s%s=%s", at ? ", " : "", g->key[k].label, g->key[k].values[value[k]]);
    }
    for (int f = 0, first = 1; L->several_rows && f < N_FIELDS; f++) {
        if (vary[f]) continue;
        size_t at = strlen(b->name);
        snprintf(b->name + at, sizeof b->name - at, "%s%s", first ? (at ? "; " : "") : " \xc2\xb7 ", field(id, f));
        first = 0;
    }
    L->series[L->n_lines] = (ae_plot_errorbar_series){.name = b->name[0] ? b->name : NULL, .y = b->y, .sd = b->sd};
    L->n_lines++;
}

/* The figure of one metric against key kk. */
static ae_status key_figure(const ae_sweep_result *res, int kk, const char *metric, const char *label, const char *path,
                            ae_error *err)
{
    const ae_sweep_grid *g = &res->grid;
    const ae_sweep_key *key = &g->key[kk];
    figure_lines L = {.res = res, .kk = kk, .n_x = key->n_values, .metric = metric};
    int n_other = g->n_combinations / L.n_x;
    /* numbers spanning two decades or more (1e-4, 1e-3, 1e-2) would crowd at one end of a
     * linear axis: they go on a categorical one instead, in ascending order */
    double lo = INFINITY, hi = -INFINITY;
    for (int j = 0; j < L.n_x; j++) {
        L.order[j] = j;
        if (key->numeric) lo = fmin(lo, key->x[j]), hi = fmax(hi, key->x[j]);
    }
    int spread_out = key->numeric && lo > 0 && hi / lo >= 100;
    for (int i = 1; spread_out && i < L.n_x; i++)
        for (int j = i; j > 0 && key->x[L.order[j - 1]] > key->x[L.order[j]]; j--) {
            int t = L.order[j];
            L.order[j] = L.order[j - 1];
            L.order[j - 1] = t;
        }
    const char *labels[AE_SWEEP_MAX_VALUES];
    for (int j = 0; j < L.n_x; j++) labels[j] = key->values[L.order[j]];
    for (int i = 1; i < res->n_cells && !L.several_rows; i++) L.several_rows = res->cells[i].summary.n_rows > 1;
    L.several_rows |= res->n_cells > 0 && res->cells[0].summary.n_rows > 1;
    L.lines = calloc(AE_SWEEP_MAX_LINES + 1, sizeof *L.lines);
    L.mem = malloc(2 * (AE_SWEEP_MAX_LINES + 1) * (size_t)L.n_x * sizeof *L.mem);
    L.series = calloc(AE_SWEEP_MAX_LINES, sizeof *L.series);
    ae_status st = AE_OK;
    if (!L.lines || !L.mem || !L.series) {
        st = ae_fail(err, AE_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int o = 0; o < n_other; o++) {
        int value[AE_SWEEP_MAX_KEYS] = {0}, vary[N_FIELDS] = {0};
        other_values(g, kk, o, value);
        const ae_seeds_result *cell[AE_SWEEP_MAX_VALUES];
        for (int j = 0; j < L.n_x; j++) {
            value[kk] = j;
            cell[j] = &res->cells[ae_sweep_index(g, value)].summary;
        }
        for (int f = 0; f < N_FIELDS; f++)
            for (int j = 1; j < L.n_x && !vary[f]; j++) vary[f] = field_differs(cell[0], cell[j], f);
        /* each distinct (id, occurrence) of any of the key's values, in first-seen order */
        for (int j = 0; j < L.n_x; j++)
            for (int r = 0; r < cell[j]->n_rows; r++) {
                int occ = occurrence(cell[j], r, vary), seen = 0;
                for (int q = 0; q < j && !seen; q++) seen = match(cell[q], &cell[j]->rows[r], occ, vary) != NULL;
                if (!seen) add_line(&L, value, &cell[j]->rows[r], occ, vary);
            }
    }
    if (L.n_lines == 0) goto done; /* nothing scored: no figure */
    char title[200];
    if (L.with_data > L.n_lines)
        snprintf(title, sizeof title, "%s against %s (the first %d of %d lines)", label, key->label, L.n_lines,
                 L.with_data);
    else
        snprintf(title, sizeof title, "%s against %s%s", label, key->label,
                 res->with_seeds && res->seeds.n > 1 ? " (bars: sd over the seeds)" : "");
    ae_plot_opts po = ae_plot_defaults();
    po.title = title;
    po.x_label = key->name;
    po.y_label = label;
    st = ae_plot_errorbars(path, key->numeric && !spread_out ? key->x : NULL, labels, L.n_x, L.series, L.n_lines, &po,
                           err);
done:
    free(L.lines);
    free(L.mem);
    free(L.series);
    return st;
}

ae_status ae_sweep_figures(const ae_sweep_result *res, ae_error *err)
{
    int any = 0;
    for (int i = 0; i < res->n_cells && !any; i++) any = res->cells[i].summary.n_rows > 0;
    if (!any) return AE_OK;
    char dir[1200], path[1500], label[200];
    snprintf(dir, sizeof dir, "%s/figures", res->out_dir);
    ae_status st = ae_mkdir_p(dir, err);
    static const char *const metrics[2][2] = {{"acc", "ACC"}, {"nmi", "NMI"}};
    for (int k = 0; k < res->grid.n_keys && !st; k++)
        for (int m = 0; m < 2 && !st; m++) {
            ae_sweep_sanitize(res->grid.key[k].label, label, sizeof label);
            snprintf(path, sizeof path, "%s/sweep_%s_%s.png", dir, label, metrics[m][0]);
            st = key_figure(res, k, metrics[m][0], metrics[m][1], path, err);
        }
    return st;
}
