/* aeclust sweep: an experiment over a grid of settings (include/aeclust/sweep.h). */
#include <stdio.h>
#include <stdlib.h>

#include "aeclust/sweep.h"
#include "commands.h"
#include "progress.h"

int cmd_sweep(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "grid", .metavar = "SECTION.KEY=V1,V2,...",
         .help = "values of a setting to sweep (repeat for more; ';' between the values of list and text keys)",
         .multi = 1},
        {.name = "seeds", .metavar = "LIST", .help = "run each combination once per seed (0-4, 0,2,7)"},
        {.name = "out", .metavar = "DIR", .help = "sweep folder", .def = "runs/<experiment name>-sweep"},
        {.name = "set", .metavar = "SECTION.KEY=VALUE", .help = "override a setting of the file", .multi = 1},
        {.name = "data-dir", .metavar = "DIR", .help = "data folder"},
        {.name = "quiet", .help = "print only the results table"},
    };
    cli_command cmd = {"sweep", "EXPERIMENT.ini",
                       "run an experiment over every combination of --grid values and compare them", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    int rc = cli_start(&cmd, argc, argv, pos, 1, &n_pos);
    if (rc >= 0) return rc;
    if (n_pos != 1) return cli_fail("sweep: missing the experiment file (usage: aeclust sweep EXPERIMENT.ini --grid ...)");
    cli_opt *grid = cli_get(&cmd, "grid");
    if (grid->n_list == 0) return cli_fail("sweep: give at least one --grid SECTION.KEY=V1,V2 (e.g. --grid train.lr=1e-3,5e-4)");

    ae_seed_list *seeds = NULL;
    if (cli_get(&cmd, "seeds")->given && (rc = cli_seed_list(cli_get(&cmd, "seeds")->value, &seeds))) return rc;
    ae_config *cfg = NULL;
    ae_error err = {0};
    ae_sweep_grid g;
    if ((rc = cli_load_experiment(&cmd, pos[0], &cfg))) goto done;
    if (ae_sweep_grid_parse(cfg, grid->list, grid->n_list, &g, &err)) {
        rc = cli_report(&err);
        goto done;
    }
    cli_progress_state ps;
    cli_progress_init(&ps);
    ae_run_opts ro = {.data_dir = cli_get(&cmd, "data-dir")->value, .log = cli_log_line, .progress = cli_progress,
                      .user = &ps};
    if (cli_get(&cmd, "out")->given) ro.out_dir = cli_get(&cmd, "out")->value;
    if (cli_get(&cmd, "quiet")->given) ro.log = NULL, ro.progress = NULL;
    ae_sweep_result res;
    if (ae_run_sweep(cfg, &g, seeds, &ro, &res, &err)) {
        rc = cli_report(&err);
    } else {
        printf("sweep of %s: %d combination%s, %d run%s (%d kept from before), %.1f s, results in %s/\n\n",
               ae_config_str(cfg, "experiment", "name"), res.n_cells, res.n_cells == 1 ? "" : "s", res.n_runs,
               res.n_runs == 1 ? "" : "s", res.n_kept, res.total_s, res.out_dir);
        ae_sweep_result_print(&res, stdout);
        rc = 0;
    }
    ae_sweep_result_free(&res);
    ae_sweep_grid_free(&g);
done:
    ae_config_free(cfg);
    free(seeds);
    return rc;
}
