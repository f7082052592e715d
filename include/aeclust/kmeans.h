/* k-means clustering: greedy k-means++ seeding, n_init restarts keeping the
 * lowest inertia, Lloyd iterations with the point-to-centre distances of each
 * iteration from one GEMM (|x|^2 + |c|^2 - 2 x.c), as scikit-learn 1.2 does. */
#ifndef AECLUST_KMEANS_H
#define AECLUST_KMEANS_H

#include <stdint.h>

#include "matrix.h"
#include "status.h"

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
    double inertia;      /* sum of squared distances to the closest centre */
    int n_iter;          /* Lloyd iterations of the kept restart */
} ae_kmeans_result;

/* Clusters the rows of x. Errors: k <= 0 or k > n, n_init/max_iter <= 0,
 * tol < 0, an empty x, NaN/Inf in x. */
ae_status ae_kmeans_fit(const ae_matrix *x, const ae_kmeans_opts *opts, ae_kmeans_result *out, ae_error *err);

/* Assigns each row of x to its closest centroid; labels is allocated here
 * (free with ae_labels_free); inertia may be NULL. Widths must agree. */
ae_status ae_kmeans_predict(const ae_matrix *centroids, const ae_matrix *x, ae_labels *labels, double *inertia,
                            ae_error *err);

void ae_kmeans_result_free(ae_kmeans_result *r);

#endif
