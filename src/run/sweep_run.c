/* ae_run_sweep: every combination of the grid checked first (its settings
 * together, its folder name, what its folder holds), and only then run, one
 * after the other, each in its own folder; then the tables, figures and page
 * that compare them. */
#include <stdlib.h>
#include <string.h>

#include "aeclust/report.h"
#include "core/fs.h"
#include "run_ctx.h"
#include "sweep_internal.h"

/* Everything that can be known before running: fails on the first problem. */
static ae_status check_all(const ae_config *c, ae_sweep_result *res, ae_error *err)
{
    if (ae_seeds_is_file(res->out_dir, "metrics.json"))
        return ae_fail(err, AE_ERR_ARG, "%s: holds a single run (metrics.json), not a sweep: give another --out or remove it",
                       res->out_dir);
    for (int i = 0; i < res->n_cells; i++) {
        ae_sweep_cell *cell = &res->cells[i];
        ae_sweep_combination(&res->grid, i, cell->value);
        ae_sweep_folder_name(&res->grid, cell->value, cell->folder, sizeof cell->folder);
        for (int j = 0; j < i; j++)
            if (!strcmp(res->cells[j].folder, cell->folder))
                return ae_fail(err, AE_ERR_ARG, "--grid: two combinations make the same folder name '%s' (values that "
                                                "differ only in characters a folder name cannot hold)", cell->folder);
        char dir[1400];
        if (snprintf(dir, sizeof dir, "%s/%s", res->out_dir, cell->folder) > 1000)
            return ae_fail(err, AE_ERR_ARG, "%s: the path of a combination's folder is too long", dir);
        ae_config *cc;
        ae_status st = ae_sweep_config(c, &res->grid, cell->value, &cc, err);
        if (st) return st;
        ae_error e = {0};
        if (res->with_seeds) {
            st = ae_seeds_check(cc, &res->seeds, dir, &e);
        } else {
            ae_settings s;
            if (ae_seeds_is_file(dir, "summary.json"))
                st = ae_fail(&e, AE_ERR_ARG, "%s: holds runs over seeds (summary.json), this sweep has no --seeds: give "
                                             "--seeds, another --out, or remove it", dir);
            else
                st = ae_settings_fill(cc, &s, &e);
        }
        ae_config_free(cc);
        if (st) return ae_fail(err, st, "sweep %s: %s", cell->folder, e.msg);
    }
    return AE_OK;
}

/* One combination without seeds: its run, or the one that finished before. */
static ae_status run_one(const ae_config *cc, const char *dir, const ae_run_opts *o, ae_sweep_cell *cell,
                         ae_error *err)
{
    int finished;
    ae_status st = ae_seeds_run_finished(cc, dir, &finished, err);
    if (st) return st;
    if (finished) {
        cell->n_kept = 1;
        ae_seeds_say(o, "%s: finished before, kept", cell->folder);
    } else {
        ae_run_opts so = *o;
        so.out_dir = dir;
        ae_run_result *one = malloc(sizeof *one);
        st = one ? ae_run_experiment(cc, &so, one, err) : ae_fail(err, AE_ERR_NOMEM, "out of memory");
        free(one);
        if (st) return st;
    }
    ae_seeds_result *s = &cell->summary;
    if (snprintf(s->out_dir, sizeof s->out_dir, "%s", dir) >= (int)sizeof s->out_dir)
        return ae_fail(err, AE_ERR_ARG, "%s: path too long", dir);
    snprintf(s->experiment, sizeof s->experiment, "%s", ae_config_str(cc, "experiment", "name"));
    s->seeds.n = 1;
    s->seeds.seed[0] = (uint64_t)ae_config_int(cc, "experiment", "seed");
    s->kept[0] = (unsigned char)finished;
    s->n_kept = finished;
    const char *dirs[1] = {dir};
    return ae_seeds_collect(s, dirs, err);
}

ae_status ae_run_sweep(const ae_config *c, const ae_sweep_grid *g, const ae_seed_list *seeds, const ae_run_opts *o,
                       ae_sweep_result *res, ae_error *err)
{
    static const ae_run_opts quiet;
    if (!o) o = &quiet;
    double t0 = ae_run_now();
    memset(res, 0, sizeof *res);
    snprintf(res->experiment, sizeof res->experiment, "%s", ae_config_str(c, "experiment", "name"));
    ae_status st = ae_sweep_grid_copy(&res->grid, g, err);
    if (st) return st;
    if (o->out_dir)
        snprintf(res->out_dir, sizeof res->out_dir, "%s", o->out_dir);
    else if ((st = ae_seeds_default_dir(c, "-sweep", res->out_dir, sizeof res->out_dir, err)))
        return st;
    res->with_seeds = seeds != NULL;
    if (seeds)
        res->seeds = *seeds;
    else {
        res->seeds.n = 1;
        res->seeds.seed[0] = (uint64_t)ae_config_int(c, "experiment", "seed");
    }
    if (res->grid.n_combinations < 1) return ae_fail(err, AE_ERR_ARG, "--grid: the grid has no combination");
    res->cells = calloc((size_t)res->grid.n_combinations, sizeof *res->cells);
    if (!res->cells) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    res->n_cells = res->grid.n_combinations;
    if ((st = check_all(c, res, err))) return st;

    for (int i = 0; i < res->n_cells && !st; i++) {
        ae_sweep_cell *cell = &res->cells[i];
        char dir[1400];
        snprintf(dir, sizeof dir, "%s/%s", res->out_dir, cell->folder);
        ae_seeds_say(o, "sweep: combination %d of %d, %s", i + 1, res->n_cells, cell->folder);
        ae_config *cc;
        if ((st = ae_sweep_config(c, &res->grid, cell->value, &cc, err))) break;
        if (res->with_seeds) {
            ae_run_opts so = *o;
            so.out_dir = dir;
            st = ae_run_seeds(cc, &res->seeds, &so, &cell->summary, err);
            cell->n_kept = cell->summary.n_kept;
        } else {
            st = run_one(cc, dir, o, cell, err);
        }
        ae_config_free(cc);
        res->n_runs += res->seeds.n;
        res->n_kept += cell->n_kept;
    }
    if (!st) st = ae_sweep_write_outputs(res, err);
    if (!st && ae_config_bool(c, "report", "figures")) st = ae_sweep_figures(res, err);
    if (!st && ae_config_bool(c, "report", "html")) st = ae_report_sweep_write(res->out_dir, err);
    res->total_s = ae_run_now() - t0;
    return st;
}

void ae_sweep_result_free(ae_sweep_result *res)
{
    if (!res) return;
    for (int i = 0; i < res->n_cells; i++) ae_seeds_result_free(&res->cells[i].summary);
    free(res->cells);
    res->cells = NULL;
    res->n_cells = 0;
    ae_sweep_grid_free(&res->grid);
}
