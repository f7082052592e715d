#include <stdio.h>
#include <string.h>

#include "aeclust/data.h"
#include "aeclust/nn.h"
#include "aeclust/run.h"
#include "commands.h"
#include "progress.h"

int cmd_train(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "model", .metavar = "FILE", .help = "where the trained model goes (required)"},
        {.name = "history", .metavar = "FILE", .help = "loss per epoch as CSV"},
        {.name = "input", .metavar = "FILE", .help = "train on this matrix (.npy or IDX) instead of data.train (no validation)"},
        {.name = "seed", .metavar = "N", .help = "seed (same as --set experiment.seed=N)"},
        {.name = "set", .metavar = "SECTION.KEY=VALUE", .help = "override a setting of the file", .multi = 1},
        {.name = "data-dir", .metavar = "DIR", .help = "data folder"},
        {.name = "quiet", .help = "print only the final line (no progress)"},
    };
    cli_command cmd = {"train", "EXPERIMENT.ini", "train the experiment's [model] per its [train] settings", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    int rc = cli_start(&cmd, argc, argv, pos, 1, &n_pos);
    if (rc >= 0) return rc;
    if (n_pos != 1) return cli_fail("train: missing the experiment file (usage: aeclust train EXPERIMENT.ini --model FILE)");
    if ((rc = cli_require(&cmd, "model"))) return rc;
    const char *model_path = cli_get(&cmd, "model")->value, *hist_path = cli_get(&cmd, "history")->value;
    const char *input = cli_get(&cmd, "input")->value;
    const char *outputs[] = {model_path, hist_path};
    if ((rc = cli_check_outputs("train", outputs, 2))) return rc;

    ae_config *cfg;
    if ((rc = cli_load_experiment(&cmd, pos[0], &cfg))) return rc;
    ae_error err = {0};
    ae_matrix x = {0};
    ae_model *m = NULL;
    ae_train_history h = {0};
    rc = 2;
    if (input && ae_matrix_load(input, &x, &err)) {
        cli_report(&err);
        goto done;
    }
    cli_progress_state ps;
    cli_progress_init(&ps);
    ae_run_opts ro = {.data_dir = cli_get(&cmd, "data-dir")->value, .log = cli_log_line, .progress = cli_progress,
                      .user = &ps};
    if (cli_get(&cmd, "quiet")->given) ro.log = NULL, ro.progress = NULL;
    /* the same training path as `aeclust run` (the same model for the same file and seed) */
    if (ae_experiment_train(cfg, input ? &x : NULL, model_path, &ro, &m, &h, &err)) {
        cli_report(&err); /* on divergence the last good epoch's model stays in place, as the message says */
        goto done;
    }
    if (hist_path && ae_train_history_write_csv(hist_path, &h, &err)) {
        cli_remove_outputs(outputs, 2);
        cli_report(&err);
        goto done;
    }
    printf("trained %d epochs, final loss %.6f; model in %s\n", h.n, h.n ? h.epochs[h.n - 1].train_loss : 0.0,
           model_path);
    rc = 0;
done:
    ae_train_history_free(&h);
    ae_model_free(m);
    ae_matrix_free(&x);
    ae_config_free(cfg);
    return rc;
}
