#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aeclust/config.h"
#include "aeclust/run.h"
#include "args.h"
#include "commands.h"
#include "progress.h"

int cmd_run(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "out", .metavar = "DIR", .help = "run folder", .def = "runs/<experiment name>"},
        {.name = "seed", .metavar = "N", .help = "seed (same as --set experiment.seed=N)"},
        {.name = "set", .metavar = "SECTION.KEY=VALUE", .help = "override a setting of the file", .multi = 1},
        {.name = "data-dir", .metavar = "DIR", .help = "data folder"},
        {.name = "quiet", .help = "print only the results table"},
    };
    cli_command cmd = {"run", "EXPERIMENT.ini", "run an experiment file and print its results table", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    int rc = cli_start(&cmd, argc, argv, pos, 1, &n_pos);
    if (rc >= 0) return rc;
    if (n_pos != 1) return cli_fail("run: missing the experiment file (usage: aeclust run EXPERIMENT.ini)");

    ae_error err = {0};
    ae_config *cfg;
    if ((rc = cli_load_experiment(&cmd, pos[0], &cfg))) return rc;

    cli_progress_state ps;
    cli_progress_init(&ps);
    ae_run_opts ro = {.data_dir = cli_get(&cmd, "data-dir")->value, .log = cli_log_line, .progress = cli_progress,
                      .user = &ps};
    if (cli_get(&cmd, "out")->given) ro.out_dir = cli_get(&cmd, "out")->value;
    if (cli_get(&cmd, "quiet")->given) ro.log = NULL, ro.progress = NULL;
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
