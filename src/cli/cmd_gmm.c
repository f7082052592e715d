#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "aeclust/data.h"
#include "aeclust/gmm.h"
#include "aeclust/npy.h"
#include "args.h"
#include "commands.h"

int cmd_gmm(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "points, one per row (.npy or IDX) (required)"},
        {.name = "k", .metavar = "K", .help = "mixture components", .def = "10"},
        {.name = "covariance", .metavar = "TYPE", .help = "full, diag or spherical", .def = "full"},
        {.name = "reg-covar", .metavar = "R", .help = "added to each covariance's diagonal", .def = "1e-6"},
        {.name = "tol", .metavar = "T", .help = "stop when the mean log-likelihood bound moves less", .def = "1e-3"},
        {.name = "max-iter", .metavar = "N", .help = "EM iterations per restart", .def = "100"},
        {.name = "n-init", .metavar = "N", .help = "restarts, the best bound is kept", .def = "1"},
        {.name = "seed", .metavar = "N", .help = "random seed (k-means initialisation)", .def = "0"},
        {.name = "means", .metavar = "FILE", .help = "(k, d) initial means instead of k-means"},
        {.name = "out", .metavar = "FILE", .help = "component of each row as an int32 .npy (required)"},
        {.name = "proba", .metavar = "FILE", .help = "(n, k) posterior probabilities as a float32 .npy"},
    };
    cli_command cmd = {"gmm", "", "Gaussian mixture by EM on a matrix", opts, sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    char msg[512];
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input")) || (rc = cli_require(&cmd, "out"))) return rc;

    ae_error err = {0};
    ae_gmm_opts o = ae_gmm_defaults();
    long k, max_iter, n_init;
    if (cli_long(cli_get(&cmd, "k"), 1, INT_MAX, &k, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "max-iter"), 1, INT_MAX, &max_iter, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "n-init"), 1, INT_MAX, &n_init, msg, sizeof msg) ||
        cli_double(cli_get(&cmd, "reg-covar"), 0, 1e300, &o.reg_covar, msg, sizeof msg) ||
        cli_double(cli_get(&cmd, "tol"), 0, 1e300, &o.tol, msg, sizeof msg) ||
        cli_u64(cli_get(&cmd, "seed"), &o.seed, msg, sizeof msg))
        return cli_fail("gmm: %s", msg);
    if (ae_gmm_covariance_parse(cli_get(&cmd, "covariance")->value, &o.covariance, &err))
        return cli_fail("gmm: --covariance: %s", err.msg);
    o.k = (int)k;
    o.max_iter = (int)max_iter;
    o.n_init = (int)n_init;

    const char *in = cli_get(&cmd, "input")->value, *means = cli_get(&cmd, "means")->value;
    const char *outputs[] = {cli_get(&cmd, "out")->value, cli_get(&cmd, "proba")->value};
    if ((rc = cli_check_outputs("gmm", outputs, 2))) return rc;
    ae_matrix x = {0}, m0 = {0}, proba = {0};
    ae_labels labels = {0};
    ae_gmm *g = NULL;
    if (ae_matrix_load(in, &x, &err) || (means && ae_matrix_load(means, &m0, &err))) {
        rc = cli_report(&err);
        goto done;
    }
    if (means) o.means_init = &m0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (ae_gmm_fit(&x, &o, &g, &labels, &err)) { /* the library's message is about the data: name the file */
        rc = cli_fail("%s: %s", in, err.msg);
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double score;
    if (ae_gmm_score(g, &x, &score, &err) || (outputs[1] && ae_gmm_predict_proba(g, &x, &proba, &err))) {
        rc = cli_report(&err);
        goto done;
    }
    /* BIC and AIC as ae_gmm_bic/aic, from the score already computed */
    double n = (double)x.rows, p = (double)ae_gmm_n_parameters(g);
    double bic = -2 * score * n + p * log(n), aic = -2 * score * n + 2 * p;
    if (ae_npy_write_labels(outputs[0], &labels, &err) || (outputs[1] && ae_npy_write_matrix(outputs[1], &proba, &err))) {
        cli_remove_outputs(outputs, 2);
        rc = cli_report(&err);
        goto done;
    }
    printf("GMM (%s): %zu points, k = %d, log-likelihood %.8g per point, BIC %.8g, AIC %.8g, %d iterations, %s, %.2f s\n",
           ae_gmm_covariance_name(o.covariance), x.rows, o.k, score, bic, aic, ae_gmm_n_iter(g),
           ae_gmm_converged(g) ? "converged" : "not converged",
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
done:
    ae_gmm_free(g);
    ae_labels_free(&labels);
    ae_matrix_free(&x);
    ae_matrix_free(&m0);
    ae_matrix_free(&proba);
    return rc;
}
