/* k-means clustering with scikit-learn 1.2's KMeans(algorithm="lloyd")
 * semantics: greedy k-means++ seeding, n_init restarts keeping the lowest
 * inertia, Lloyd iterations whose point-to-centre distances come from one
 * GEMM per chunk of rows (|x|^2 + |c|^2 - 2 x.c, on x centred by its mean).
 * Rows whose cluster provably cannot change (Hamerly's distance bounds) are
 * left out of the GEMM: the iterations, labels and centroids stay those of
 * plain Lloyd, for about a sixth of the GEMM work on Fashion-MNIST.
 *
 * - Stopping: a restart stops when no label changed (strict convergence) or
 *   when the squared centre shift summed over clusters is <= tol times the
 *   mean over columns of x's variance; after such a tol stop (or max_iter)
 *   one more assignment makes the labels agree with the returned centroids.
 * - Empty clusters are moved onto the points farthest from their centres.
 * - Reproducible: restart r draws from its own generator seeded from a
 *   generator seeded with `seed`; the same seed gives bit-identical results
 *   on the same machine (the library's own sums do not depend on the number
 *   of threads).
 * - Threads: OpenBLAS threads the GEMMs; OpenMP the passes without one.
 * - Memory: x is never modified or copied unless its mean is far from the
 *   origin next to its spread (then one centred copy is made for precision);
 *   beyond that a fit needs about (8 + ln k) * n + 4 * k * d floats and two
 *   GEMM buffers of at most 4 MB each. */
#ifndef AECLUST_KMEANS_H
#define AECLUST_KMEANS_H

#include <stdint.h>

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int k;        /* clusters [10] */
    int n_init;   /* restarts; the one with the lowest inertia is kept [10] */
    int max_iter; /* Lloyd iterations per restart [300] */
    double tol;   /* stop when the squared centre shift summed over clusters is
                     <= tol * mean feature variance of x [1e-4] */
    uint64_t seed; /* [0] */
} ae_kmeans_opts;

ae_kmeans_opts ae_kmeans_defaults(void);

typedef struct {
    ae_matrix centroids; /* (k, d) */
    ae_labels labels;    /* (n) in [0, k) */
    double inertia;      /* sum over points of the squared distance to its
                            centroid, in double, w.r.t. the centroids and
                            labels returned */
    int n_iter;          /* Lloyd iterations of the kept restart */
} ae_kmeans_result;

/* Clusters the rows of x into out (zeroed first; free with
 * ae_kmeans_result_free, also harmless after an error). Errors, one line in
 * err: AE_ERR_ARG for k <= 0 or k > n, n_init/max_iter <= 0, tol < 0 or NaN,
 * an empty x; AE_ERR_NUMERIC naming the row and column of a NaN/Inf in x;
 * AE_ERR_NOMEM. Fewer distinct points than k is not an error: some cluster
 * then stays empty, as in scikit-learn. */
ae_status ae_kmeans_fit(const ae_matrix *x, const ae_kmeans_opts *opts, ae_kmeans_result *out, ae_error *err);

/* Assigns each row of x to its closest centroid (ties to the lower index);
 * labels is allocated here (previous content is overwritten, not freed; free
 * with ae_labels_free); inertia may be NULL. x may have no rows. Errors:
 * AE_ERR_ARG for no centroids or widths that disagree, AE_ERR_NUMERIC for
 * NaN/Inf in x or the centroids. On the training rows it gives fit's labels
 * and inertia, barring ties within float rounding. */
ae_status ae_kmeans_predict(const ae_matrix *centroids, const ae_matrix *x, ae_labels *labels, double *inertia,
                            ae_error *err);

void ae_kmeans_result_free(ae_kmeans_result *r);

#ifdef __cplusplus
}
#endif

#endif
