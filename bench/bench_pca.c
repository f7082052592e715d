/* Times ae_pca_fit + ae_pca_transform on the Fashion-MNIST training pixels
 * (60,000 x 784) to 32 components, against scikit-learn 1.2.1's
 * PCA(32).fit(X).transform(X) on the same float32 data (exported with
 * `aeclust export --split train`), measured once on this machine with
 * OMP_NUM_THREADS=2 /usr/bin/python3: best of 3 runs 1.49 s (its "auto" solver
 * picks the randomized SVD here; ratio sum 0.826145). The exact answer, from
 * sklearn's full SVD in float64 (10.9 s): explained variance ratio sum
 * 0.82614610. Then times the elbow, k = 1..25 with n_init = 10, on the
 * 10,000 test pixels (time only; for scale, scikit-learn's KMeans(k,
 * n_init=10, algorithm="lloyd") over the same range took 337.7 s once, with
 * other jobs sharing the 2 cores, against 21-48 s here under the same kind
 * of load).
 *
 *   bench_pca [DATA_DIR]     (default: $AECLUST_DATA or data) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "aeclust/data.h"
#include "aeclust/elbow.h"
#include "aeclust/pca.h"

#define SKLEARN_PCA32_SECONDS 1.49    /* PCA(32) fit + transform, see above */
#define SKLEARN_RATIO_SUM 0.82614610  /* full SVD in float64 */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int bench_pca(const char *dir)
{
    ae_error err;
    ae_dataset ds = {0};
    if (ae_dataset_load("fashion-mnist", "train", dir, &ds, &err)) {
        fprintf(stderr, "bench_pca: %s\n", err.msg);
        return 1;
    }
    ae_pca_opts o = ae_pca_defaults();
    o.n_components = 32;
    ae_pca *p = NULL;
    ae_matrix y = {0};
    double t0 = now();
    ae_status st = ae_pca_fit(&ds.x, &o, &p, &err);
    double t1 = now();
    if (!st) st = ae_pca_transform(p, &ds.x, &y, &err);
    double t2 = now();
    if (st) {
        fprintf(stderr, "bench_pca: %s\n", err.msg);
        ae_pca_free(p);
        ae_dataset_free(&ds);
        return 1;
    }
    double sum = 0;
    for (int c = 0; c < o.n_components; c++) sum += ae_pca_explained_variance_ratio(p)[c];
    printf("bench pca_%zux%zu_c32: fit %.3f s + transform %.3f s = %.3f s; scikit-learn %.2f s -> %.1fx faster; "
           "explained variance ratio sum %.8f (scikit-learn full SVD %.8f)\n",
           ds.x.rows, ds.x.cols, t1 - t0, t2 - t1, t2 - t0, SKLEARN_PCA32_SECONDS, SKLEARN_PCA32_SECONDS / (t2 - t0),
           sum, SKLEARN_RATIO_SUM);
    ae_matrix_free(&y);
    ae_pca_free(p);
    ae_dataset_free(&ds);
    return 0;
}

static int bench_elbow(const char *dir)
{
    ae_error err;
    ae_dataset ds = {0};
    if (ae_dataset_load("fashion-mnist", "test", dir, &ds, &err)) {
        fprintf(stderr, "bench_pca: %s\n", err.msg);
        return 1;
    }
    ae_elbow_opts o = ae_elbow_defaults(); /* k = 1..25, n_init 10, seed 0 */
    double inertia[25];
    double t0 = now();
    ae_status st = ae_elbow(&ds.x, &o, inertia, &err);
    double dt = now() - t0;
    ae_dataset_free(&ds);
    if (st) {
        fprintf(stderr, "bench_pca: %s\n", err.msg);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bench elbow_10000x784_k1-25_ninit10: %.2f s (inertia k=1 %.1f, k=10 %.1f, k=25 %.1f), peak RSS %.0f MB\n",
           dt, inertia[0], inertia[9], inertia[24], (double)ru.ru_maxrss / 1024.0);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : NULL;
    return bench_pca(dir) || bench_elbow(dir);
}
