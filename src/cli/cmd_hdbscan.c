#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "aeclust/data.h"
#include "aeclust/hdbscan.h"
#include "aeclust/npy.h"
#include "args.h"
#include "commands.h"

int cmd_hdbscan(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "points, one per row (.npy or IDX) (required)"},
        {.name = "min-cluster-size", .metavar = "N", .help = "smallest cluster, 2..n", .def = "5"},
        {.name = "min-samples", .metavar = "M", .help = "core distance to the M-th nearest point, itself counted (default: min-cluster-size)"},
        {.name = "selection", .metavar = "HOW", .help = "eom (excess of mass) or leaf", .def = "eom"},
        {.name = "epsilon", .metavar = "E", .help = "cluster_selection_epsilon: no splits below this distance", .def = "0"},
        {.name = "allow-single-cluster", .help = "the whole data set may be the one cluster"},
        {.name = "out", .metavar = "FILE", .help = "cluster of each row as an int32 .npy, -1 for noise (required)"},
        {.name = "proba", .metavar = "FILE", .help = "membership probability of each row as a float32 .npy, shape (n,)"},
    };
    cli_command cmd = {"hdbscan", "", "HDBSCAN density clustering of a matrix", opts, sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    char msg[512];
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input")) || (rc = cli_require(&cmd, "out"))) return rc;
    ae_hdbscan_opts o = ae_hdbscan_defaults();
    ae_error err = {0};
    long mcs, ms = 0;
    cli_opt *ms_opt = cli_get(&cmd, "min-samples");
    if (cli_long(cli_get(&cmd, "min-cluster-size"), LONG_MIN, LONG_MAX, &mcs, msg, sizeof msg) ||
        (ms_opt->given && cli_long(ms_opt, LONG_MIN, LONG_MAX, &ms, msg, sizeof msg)) ||
        cli_double(cli_get(&cmd, "epsilon"), -1e300, 1e300, &o.cluster_selection_epsilon, msg, sizeof msg))
        return cli_fail("hdbscan: %s", msg);
    if (mcs < 2 || mcs > INT_MAX) return cli_fail("hdbscan: --min-cluster-size: %ld is not at least 2", mcs);
    if (ms_opt->given && (ms < 1 || ms > INT_MAX)) return cli_fail("hdbscan: --min-samples: %ld is not at least 1", ms);
    if (!(o.cluster_selection_epsilon >= 0))
        return cli_fail("hdbscan: --epsilon: %s is negative", cli_get(&cmd, "epsilon")->value);
    if (ae_hdbscan_selection_parse(cli_get(&cmd, "selection")->value, &o.selection, &err))
        return cli_fail("hdbscan: --selection: %s", err.msg);
    o.min_cluster_size = (int)mcs;
    o.min_samples = (int)ms;
    o.allow_single_cluster = cli_get(&cmd, "allow-single-cluster")->given;

    const char *in = cli_get(&cmd, "input")->value;
    const char *outputs[] = {cli_get(&cmd, "out")->value, cli_get(&cmd, "proba")->value};
    if ((rc = cli_check_outputs("hdbscan", outputs, 2))) return rc;
    ae_matrix x = {0}, proba = {0};
    ae_hdbscan_result r = {0};
    if (ae_matrix_load(in, &x, &err)) {
        rc = cli_report(&err);
        goto done;
    }
    if ((size_t)mcs > x.rows) {
        rc = cli_fail("hdbscan: --min-cluster-size: %ld is larger than the %zu points of %s", mcs, x.rows, in);
        goto done;
    }
    if ((size_t)ms > x.rows) {
        rc = cli_fail("hdbscan: --min-samples: %ld is larger than the %zu points of %s", ms, x.rows, in);
        goto done;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (ae_hdbscan_fit(&x, &o, &r, &err)) {
        rc = cli_fail("%s: %s", in, err.msg);
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    size_t noise = 0;
    for (size_t i = 0; i < x.rows; i++) noise += r.labels.data[i] < 0;
    if (outputs[1]) {
        if (ae_matrix_alloc(&proba, x.rows, 1, &err)) {
            rc = cli_report(&err);
            goto done;
        }
        for (size_t i = 0; i < x.rows; i++) proba.data[i] = (float)r.probabilities[i];
    }
    if (ae_npy_write_labels(outputs[0], &r.labels, &err) || (outputs[1] && ae_npy_write_f32(outputs[1], proba.data, 1, &x.rows, &err))) {
        cli_remove_outputs(outputs, 2);
        rc = cli_report(&err);
        goto done;
    }
    printf("HDBSCAN (%s): %zu points, min_cluster_size %d, min_samples %d: %d clusters, noise %.2f%% (%zu points), %.2f s\n",
           ae_hdbscan_selection_name(o.selection), x.rows, o.min_cluster_size, o.min_samples ? o.min_samples : o.min_cluster_size,
           r.n_clusters, 100.0 * (double)noise / (double)x.rows, noise,
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
done:
    ae_hdbscan_result_free(&r);
    ae_matrix_free(&x);
    ae_matrix_free(&proba);
    return rc;
}
