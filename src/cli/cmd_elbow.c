#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "aeclust/data.h"
#include "aeclust/elbow.h"
#include "args.h"
#include "commands.h"

int cmd_elbow(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "points, one per row (.npy or IDX) (required)"},
        {.name = "k-min", .metavar = "K", .help = "smallest k", .def = "1"},
        {.name = "k-max", .metavar = "K", .help = "largest k", .def = "25"},
        {.name = "n-init", .metavar = "N", .help = "k-means restarts per k, the lowest inertia is kept", .def = "10"},
        {.name = "max-iter", .metavar = "N", .help = "Lloyd iterations per restart", .def = "300"},
        {.name = "tol", .metavar = "T", .help = "tolerance, relative to the mean feature variance", .def = "1e-4"},
        {.name = "seed", .metavar = "N", .help = "random seed (the same for every k)", .def = "0"},
        {.name = "out", .metavar = "FILE", .help = "\"k,inertia\" CSV (required)"},
    };
    cli_command cmd = {"elbow", "", "the elbow: k-means inertia for each k of a range", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    char msg[512];
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input")) || (rc = cli_require(&cmd, "out"))) return rc;

    ae_elbow_opts eo = ae_elbow_defaults();
    long k_min, k_max, n_init, max_iter;
    if (cli_long(cli_get(&cmd, "k-min"), 1, INT_MAX, &k_min, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "k-max"), 1, INT_MAX, &k_max, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "n-init"), 1, INT_MAX, &n_init, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "max-iter"), 1, INT_MAX, &max_iter, msg, sizeof msg) ||
        cli_double(cli_get(&cmd, "tol"), 0, 1e300, &eo.tol, msg, sizeof msg) ||
        cli_u64(cli_get(&cmd, "seed"), &eo.seed, msg, sizeof msg))
        return cli_fail("elbow: %s", msg);
    /* checked before the data is read: this one needs no data */
    if (k_min > k_max) return cli_fail("elbow: empty k-range: --k-min %ld > --k-max %ld", k_min, k_max);
    eo.k_min = (int)k_min;
    eo.k_max = (int)k_max;
    eo.n_init = (int)n_init;
    eo.max_iter = (int)max_iter;

    ae_error err = {0};
    ae_matrix x = {0};
    const char *in = cli_get(&cmd, "input")->value;
    const char *outputs[] = {cli_get(&cmd, "out")->value};
    if ((rc = cli_check_outputs("elbow", outputs, 1))) return rc;
    if (ae_matrix_load(in, &x, &err)) return cli_report(&err);
    if ((size_t)eo.k_max > x.rows) {
        size_t n_rows = x.rows;
        ae_matrix_free(&x);
        return cli_fail("%s: empty k-range: --k-max %d > %zu points", in, eo.k_max, n_rows);
    }
    const int n = eo.k_max - eo.k_min + 1;
    double *inertia = malloc((size_t)n * sizeof *inertia);
    if (!inertia) {
        ae_matrix_free(&x);
        return cli_fail("elbow: out of memory");
    }
    /* one k at a time so each line shows as soon as it is known; every k is
     * fitted with the same seed, so this equals one call over the range */
    rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        ae_elbow_opts one = eo;
        one.k_min = one.k_max = eo.k_min + i;
        if (ae_elbow(&x, &one, inertia + i, &err))
            rc = cli_fail("%s: %s", in, err.msg);
        else {
            printf("k = %2d  inertia %.6g\n", one.k_min, inertia[i]);
            fflush(stdout);
        }
    }
    if (!rc && ae_elbow_write_csv(outputs[0], eo.k_min, inertia, n, &err)) rc = cli_report(&err);
    free(inertia);
    ae_matrix_free(&x);
    return rc;
}
