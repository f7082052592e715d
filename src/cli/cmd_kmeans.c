#include <limits.h>

#include "aeclust/data.h"
#include "aeclust/kmeans.h"
#include "aeclust/npy.h"
#include "args.h"
#include "commands.h"

int cmd_kmeans(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "points, one per row (.npy or IDX) (required)"},
        {.name = "k", .metavar = "K", .help = "number of clusters", .def = "10"},
        {.name = "n-init", .metavar = "N", .help = "restarts, the lowest inertia is kept", .def = "10"},
        {.name = "max-iter", .metavar = "N", .help = "Lloyd iterations per restart", .def = "300"},
        {.name = "tol", .metavar = "T", .help = "tolerance, relative to the mean feature variance", .def = "1e-4"},
        {.name = "seed", .metavar = "N", .help = "random seed", .def = "0"},
        {.name = "out", .metavar = "FILE", .help = "cluster of each row as an int32 .npy (required)"},
        {.name = "centroids", .metavar = "FILE", .help = "centroids as a float32 .npy"},
    };
    cli_command cmd = {"kmeans", "", "k-means (k-means++ seeding, restarts) on a matrix", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    char msg[512];
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input")) || (rc = cli_require(&cmd, "out"))) return rc;

    ae_kmeans_opts ko = ae_kmeans_defaults();
    long k, n_init, max_iter;
    if (cli_long(cli_get(&cmd, "k"), 1, INT_MAX, &k, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "n-init"), 1, INT_MAX, &n_init, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "max-iter"), 1, INT_MAX, &max_iter, msg, sizeof msg) ||
        cli_double(cli_get(&cmd, "tol"), 0, 1e300, &ko.tol, msg, sizeof msg) ||
        cli_u64(cli_get(&cmd, "seed"), &ko.seed, msg, sizeof msg))
        return cli_fail("kmeans: %s", msg);
    ko.k = (int)k;
    ko.n_init = (int)n_init;
    ko.max_iter = (int)max_iter;

    ae_error err = {0};
    ae_matrix x = {0};
    ae_kmeans_result km = {0};
    const char *in = cli_get(&cmd, "input")->value, *centroids = cli_get(&cmd, "centroids")->value;
    const char *outputs[] = {cli_get(&cmd, "out")->value, centroids};
    if ((rc = cli_check_outputs("kmeans", outputs, 2))) return rc;
    if (ae_matrix_load(in, &x, &err)) return cli_report(&err);
    if (ae_kmeans_fit(&x, &ko, &km, &err)) {
        ae_matrix_free(&x);
        /* name the input: the library's message is about the data, not the file */
        return cli_fail("%s: %s", in, err.msg);
    }
    rc = 0;
    if (ae_npy_write_labels(outputs[0], &km.labels, &err) ||
        (centroids && ae_npy_write_matrix(centroids, &km.centroids, &err))) {
        cli_remove_outputs(outputs, 2);
        rc = cli_report(&err);
    }
    else
        printf("k-means: %zu points, k = %d, inertia %.6g, %d iterations\n", x.rows, ko.k, km.inertia, km.n_iter);
    ae_kmeans_result_free(&km);
    ae_matrix_free(&x);
    return rc;
}
