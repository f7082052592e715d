/* Times ae_gmm_fit (full covariances, k = 10, n_init 1, seed 0) on 60,000 x 49
 * autoencoder codes: those of seed 002's AE 784-512-256-128-49 (sigmoid code)
 * trained here for 3 epochs on the Fashion-MNIST training images, or the
 * .npy given as the first argument. The codes are also written to
 * /tmp/aeclust-bench-gmm-codes.npy so scikit-learn can be timed on the same
 * numbers:
 *   OMP_NUM_THREADS=2 python3 -c "import numpy as np, time; from sklearn.mixture import GaussianMixture as G;
 *     X = np.load('/tmp/aeclust-bench-gmm-codes.npy'); t = time.time();
 *     g = G(10, covariance_type='full', random_state=0).fit(X); print(time.time() - t, g.n_iter_, g.score(X))"
 * Prints the fit time, iterations and mean log-likelihood for full, diag and
 * spherical covariances, and the ratio to SKLEARN_FULL_S below. */
#include <stdio.h>
#include <time.h>

#include "aeclust/data.h"
#include "aeclust/gmm.h"
#include "aeclust/nn.h"
#include "aeclust/npy.h"

/* scikit-learn 1.2.1's GaussianMixture(10, 'full', random_state=0) on the same codes, this
 * machine, 2 threads, measured 2026-11-23 (see the note of issue 6) */
#define SKLEARN_FULL_S 31.8 /* 100 iterations (not converged), mean log-likelihood 122.947 */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int fail(const ae_error *err)
{
    fprintf(stderr, "bench_gmm: %s\n", err->msg);
    return 1;
}

static int make_codes(ae_matrix *codes, ae_error *err)
{
    ae_dataset ds = {0};
    if (ae_dataset_load("fashion-mnist", "train", NULL, &ds, err)) return 1;
    ae_model *m = NULL;
    ae_model_init_opts mo = ae_model_init_defaults();
    ae_train_opts t = ae_train_defaults();
    t.epochs = 3;
    t.batch_size = 256;
    int rc = ae_model_new("dense 512 relu, dense 256 relu, dense 128 relu, dense 49 sigmoid",
                          "dense 128 relu, dense 256 relu, dense 784 sigmoid", 784, &mo, &m, err) ||
             ae_train(m, &ds.x, NULL, &t, NULL, err) || ae_model_encode(m, &ds.x, codes, err) ||
             ae_npy_write_matrix("/tmp/aeclust-bench-gmm-codes.npy", codes, err);
    ae_model_free(m);
    ae_dataset_free(&ds);
    return rc;
}

int main(int argc, char **argv)
{
    ae_error err = {0};
    ae_matrix x = {0};
    if (argc > 1 ? ae_npy_read_matrix(argv[1], &x, &err) != AE_OK : make_codes(&x, &err) != 0) return fail(&err);
    for (int c = 0; c < 3; c++) {
        ae_gmm_opts o = ae_gmm_defaults();
        o.covariance = (ae_gmm_covariance)c;
        ae_gmm *g = NULL;
        double t0 = now();
        if (ae_gmm_fit(&x, &o, &g, NULL, &err)) return fail(&err);
        double dt = now() - t0, score = 0;
        if (ae_gmm_score(g, &x, &score, &err)) return fail(&err);
        printf("bench gmm_%s_%zux%zu_k10: %.2f s, %d iterations (%.3f s each), mean log-likelihood %.6f", ae_gmm_covariance_name(o.covariance),
               x.rows, x.cols, dt, ae_gmm_n_iter(g), dt / ae_gmm_n_iter(g), score);
        if (c == 0 && SKLEARN_FULL_S > 0) printf(", scikit-learn %.2f s, ratio %.2f", SKLEARN_FULL_S, dt / SKLEARN_FULL_S);
        printf("\n");
        ae_gmm_free(g);
    }
    ae_matrix_free(&x);
    return 0;
}
