#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aeclust/config.h"
#include "aeclust/run.h"
#include "args.h"
#include "commands.h"
#include "progress.h"

/* --seeds: the experiment once per seed, then the summary table. */
static int run_seeds(const ae_config *cfg, const ae_seed_list *seeds, const ae_run_opts *ro)
{
    ae_error err = {0};
    ae_seeds_result res;
    if (ae_run_seeds(cfg, seeds, ro, &res, &err)) {
        ae_seeds_result_free(&res);
        return cli_report(&err);
    }
    char list[128];
    ae_seed_list_format(seeds, list, sizeof list);
    printf("experiment %s over %d seed%s (%s): %d ran, %d kept from before, %.1f s, results in %s/\n"
           "mean \xc2\xb1 sample sd (ddof 1) [min\xe2\x80\x93max]\n\n",
           ae_config_str(cfg, "experiment", "name"), seeds->n, seeds->n == 1 ? "" : "s", list, seeds->n - res.n_kept,
           res.n_kept, res.total_s, res.out_dir);
    ae_seeds_result_print(&res, stdout);
    ae_seeds_result_free(&res);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "out", .metavar = "DIR", .help = "run folder", .def = "runs/<experiment name>"},
        {.name = "seed", .metavar = "N", .help = "seed (same as --set experiment.seed=N)"},
        {.name = "set", .metavar = "SECTION.KEY=VALUE", .help = "override a setting of the file", .multi = 1},
        {.name = "data-dir", .metavar = "DIR", .help = "data folder"},
        {.name = "quiet", .help = "print only the results table"},
        {.name = "seeds", .metavar = "LIST",
         .help = "run once per seed (0-4, 0,2,7) into OUT/seed-N/, then OUT/summary.json (mean, sample sd)"},
    };
    cli_command cmd = {"run", "EXPERIMENT.ini", "run an experiment file and print its results table", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    int rc = cli_start(&cmd, argc, argv, pos, 1, &n_pos);
    if (rc >= 0) return rc;
    if (n_pos != 1) return cli_fail("run: missing the experiment file (usage: aeclust run EXPERIMENT.ini)");

    ae_error err = {0};
    ae_seed_list *seeds = NULL;
    if (cli_get(&cmd, "seeds")->given) {
        if (cli_get(&cmd, "seed")->given) return cli_fail("run: give --seed or --seeds, not both");
        if ((rc = cli_seed_list(cli_get(&cmd, "seeds")->value, &seeds))) return rc;
    }
    ae_config *cfg;
    if ((rc = cli_load_experiment(&cmd, pos[0], &cfg))) {
        free(seeds);
        return rc;
    }

    cli_progress_state ps;
    cli_progress_init(&ps);
    ae_run_opts ro = {.data_dir = cli_get(&cmd, "data-dir")->value, .log = cli_log_line, .progress = cli_progress,
                      .user = &ps};
    if (cli_get(&cmd, "out")->given) ro.out_dir = cli_get(&cmd, "out")->value;
    if (cli_get(&cmd, "quiet")->given) ro.log = NULL, ro.progress = NULL;
    if (seeds) {
        rc = run_seeds(cfg, seeds, &ro);
        free(seeds);
        ae_config_free(cfg);
        return rc;
    }
    ae_run_result res;
    if (ae_run_experiment(cfg, &ro, &res, &err)) {
        ae_config_free(cfg);
        return cli_report(&err);
    }
    printf("experiment %s (seed %ld): %.1f s, results in %s/\n\n", ae_config_str(cfg, "experiment", "name"),
           ae_config_int(cfg, "experiment", "seed"), res.total_s, res.out_dir);
    ae_run_result_print(&res, stdout);
    ae_config_free(cfg);
    return 0;
}
