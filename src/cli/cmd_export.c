
#include "aeclust/data.h"
#include "aeclust/npy.h"
#include "args.h"
#include "commands.h"

int cmd_export(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "dataset", .metavar = "NAME", .help = "fashion-mnist or mnist", .def = "fashion-mnist"},
        {.name = "split", .metavar = "SPLIT", .help = "train, test or all", .def = "test"},
        {.name = "x", .metavar = "FILE", .help = "images as a (n, 784) float32 .npy (required)"},
        {.name = "y", .metavar = "FILE", .help = "labels as a (n,) int32 .npy"},
        {.name = "data-dir", .metavar = "DIR", .help = "data folder"},
    };
    cli_command cmd = {"export", "", "write a data set split as .npy files", opts, sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "x"))) return rc;

    ae_error err = {0};
    ae_dataset d = {0};
    const char *x_path = cli_get(&cmd, "x")->value, *y_path = cli_get(&cmd, "y")->value;
    const char *outputs[] = {x_path, y_path};
    if ((rc = cli_check_outputs("export", outputs, 2))) return rc;
    if (ae_dataset_load(cli_get(&cmd, "dataset")->value, cli_get(&cmd, "split")->value,
                        cli_get(&cmd, "data-dir")->value, &d, &err))
        return cli_report(&err);
    rc = 0;
    if (ae_npy_write_matrix(x_path, &d.x, &err) || (y_path && ae_npy_write_labels(y_path, &d.y, &err))) {
        cli_remove_outputs(outputs, 2);
        rc = cli_report(&err);
    }
    else
        printf("wrote %zu x %zu images to %s%s%s\n", d.x.rows, d.x.cols, x_path, y_path ? " and labels to " : "",
               y_path ? y_path : "");
    ae_dataset_free(&d);
    return rc;
}
