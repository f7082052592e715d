#include <stdio.h>

#include "aeclust/nn.h"
#include "aeclust/run.h"
#include "commands.h"

int cmd_summary(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "model", .metavar = "FILE", .help = "summarise a saved model instead of an experiment"},
        {.name = "set", .metavar = "SECTION.KEY=VALUE", .help = "override a setting of the file", .multi = 1},
    };
    cli_command cmd = {"summary", "[EXPERIMENT.ini]", "print the encoder's and decoder's layers and parameters", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    int rc = cli_start(&cmd, argc, argv, pos, 1, &n_pos);
    if (rc >= 0) return rc;
    const char *model_path = cli_get(&cmd, "model")->value;
    if ((n_pos == 1) == (model_path != NULL)) return cli_fail("summary: give an experiment file or --model FILE");

    ae_error err = {0};
    ae_model *m = NULL;
    if (model_path) {
        if (ae_model_load(model_path, &m, &err)) return cli_report(&err);
    } else {
        ae_config *cfg;
        if ((rc = cli_load_experiment(&cmd, pos[0], &cfg))) return rc;
        /* both data sets hold 28x28 images */
        ae_status st = ae_experiment_model_new(cfg, 28 * 28, &m, &err);
        ae_config_free(cfg);
        if (st) return cli_report(&err);
    }
    rc = ae_model_summary_write(stdout, m, &err) ? cli_report(&err) : 0;
    ae_model_free(m);
    return rc;
}
