#include <stdio.h>

#include "aeclust/data.h"
#include "aeclust/nn.h"
#include "aeclust/npy.h"
#include "commands.h"

int cmd_embed(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "model", .metavar = "FILE", .help = "a model saved by train or run (required)"},
        {.name = "input", .metavar = "FILE", .help = "rows to encode (.npy or IDX)"},
        {.name = "dataset", .metavar = "NAME", .help = "or a data set: fashion-mnist or mnist"},
        {.name = "split", .metavar = "SPLIT", .help = "its split: train, test or all", .def = "test"},
        {.name = "data-dir", .metavar = "DIR", .help = "data folder"},
        {.name = "out", .metavar = "FILE", .help = "the codes as a float32 .npy (required)"},
    };
    cli_command cmd = {"embed", "", "encode rows with a trained model's encoder", opts, sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "model")) || (rc = cli_require(&cmd, "out"))) return rc;
    const char *input = cli_get(&cmd, "input")->value, *dataset = cli_get(&cmd, "dataset")->value;
    if (!input == !dataset) return cli_fail("embed: give exactly one of --input FILE and --dataset NAME");

    ae_error err = {0};
    ae_model *m = NULL;
    ae_dataset d = {0};
    ae_matrix x = {0}, codes = {0};
    const char *what = input ? input : dataset;
    rc = 2;
    if (ae_model_load(cli_get(&cmd, "model")->value, &m, &err) ||
        (input ? ae_matrix_load(input, &x, &err)
               : ae_dataset_load(dataset, cli_get(&cmd, "split")->value, cli_get(&cmd, "data-dir")->value, &d, &err))) {
        cli_report(&err);
        goto done;
    }
    const ae_matrix *rows = input ? &x : &d.x;
    if ((int)rows->cols != ae_model_input_dim(m)) {
        cli_fail("%s: rows are %zu wide but the model %s takes %d", what, rows->cols, cli_get(&cmd, "model")->value,
                 ae_model_input_dim(m));
        goto done;
    }
    if (ae_model_encode(m, rows, &codes, &err) || ae_npy_write_matrix(cli_get(&cmd, "out")->value, &codes, &err)) {
        cli_report(&err);
        goto done;
    }
    printf("encoded %zu rows into %zu-d codes: %s\n", codes.rows, codes.cols, cli_get(&cmd, "out")->value);
    rc = 0;
done:
    ae_matrix_free(&codes);
    ae_matrix_free(&x);
    ae_dataset_free(&d);
    ae_model_free(m);
    return rc;
}
