#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeclust/data.h"
#include "aeclust/dbscan.h"
#include "aeclust/npy.h"
#include "args.h"
#include "commands.h"

int cmd_dbscan(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "points, one per row (.npy or IDX) (required)"},
        {.name = "eps", .metavar = "E", .help = "neighbourhood radius, > 0 (required)"},
        {.name = "min-samples", .metavar = "N", .help = "neighbours within eps (itself included) of a core point", .def = "5"},
        {.name = "neighbours", .metavar = "HOW", .help = "auto, kdtree or gemm (auto: kd-tree up to 16 dimensions)", .def = "auto"},
        {.name = "out", .metavar = "FILE", .help = "cluster of each row as an int32 .npy, -1 for noise (required)"},
        {.name = "kdistance", .metavar = "FILE", .help = "also write the k-distance curve (k = min-samples) as CSV"},
    };
    cli_command cmd = {"dbscan", "", "DBSCAN density clustering of a matrix (scikit-learn's labels)", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    char msg[512];
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input")) || (rc = cli_require(&cmd, "eps")) || (rc = cli_require(&cmd, "out")))
        return rc;
    ae_dbscan_opts o = ae_dbscan_defaults();
    long ms;
    if (cli_double(cli_get(&cmd, "eps"), -1e300, 1e300, &o.eps, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "min-samples"), LONG_MIN, LONG_MAX, &ms, msg, sizeof msg))
        return cli_fail("dbscan: %s", msg);
    if (!(o.eps > 0)) return cli_fail("dbscan: --eps: %s is not > 0", cli_get(&cmd, "eps")->value);
    if (ms < 1 || ms > INT_MAX) return cli_fail("dbscan: --min-samples: %ld is not at least 1", ms);
    o.min_samples = (int)ms;
    const char *how = cli_get(&cmd, "neighbours")->value;
    if (!strcmp(how, "auto"))
        o.algorithm = AE_DBSCAN_AUTO;
    else if (!strcmp(how, "kdtree"))
        o.algorithm = AE_DBSCAN_KDTREE;
    else if (!strcmp(how, "gemm"))
        o.algorithm = AE_DBSCAN_BRUTE;
    else
        return cli_fail("dbscan: --neighbours: '%s' is not one of auto, kdtree, gemm", how);

    const char *in = cli_get(&cmd, "input")->value;
    const char *outputs[] = {cli_get(&cmd, "out")->value, cli_get(&cmd, "kdistance")->value};
    if ((rc = cli_check_outputs("dbscan", outputs, 2))) return rc;
    ae_error err = {0};
    ae_matrix x = {0};
    ae_dbscan_result r = {0};
    double *kd = NULL;
    if (ae_matrix_load(in, &x, &err)) {
        rc = cli_report(&err);
        goto done;
    }
    if (outputs[1] && (size_t)o.min_samples > x.rows) {
        rc = cli_fail("dbscan: --kdistance: min-samples %d is larger than the %zu points of %s", o.min_samples, x.rows, in);
        goto done;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (ae_dbscan_fit(&x, &o, &r, &err)) {
        rc = cli_fail("%s: %s", in, err.msg);
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (outputs[1]) {
        kd = malloc(x.rows * sizeof *kd);
        if (!kd) {
            rc = cli_fail("dbscan: out of memory for the k-distance curve");
            goto done;
        }
        if (ae_kdistance(&x, o.min_samples, kd, &err) || ae_kdistance_write_csv(outputs[1], kd, x.rows, &err)) {
            rc = cli_report(&err);
            goto done;
        }
    }
    if (ae_npy_write_labels(outputs[0], &r.labels, &err)) {
        cli_remove_outputs(outputs + 1, 1);
        rc = cli_report(&err);
        goto done;
    }
    printf("DBSCAN: %zu points, eps %g, min_samples %d: %d clusters, %zu core points, noise %.2f%% (%zu points), %.2f s\n",
           x.rows, o.eps, o.min_samples, r.n_clusters, r.n_core, 100.0 * (double)r.n_noise / (double)x.rows, r.n_noise,
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
done:
    free(kd);
    ae_dbscan_result_free(&r);
    ae_matrix_free(&x);
    return rc;
}
