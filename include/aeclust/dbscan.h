/* DBSCAN, Euclidean, with scikit-learn 1.2's labels, and the k-distance
 * curve that helps choose its eps.
 *
 * - A point is a core point when at least min_samples points (itself
 *   included) lie within eps of it, distance <= eps. Distances are exact:
 *   the squared distance, summed over the coordinates in order in double
 *   from the float32 inputs, is compared with eps * eps, as scikit-learn's
 *   KDTree (its choice for <= 15 features) does, so points at exactly eps
 *   are neighbours in both.
 * - Clusters are the connected groups of core points (two core points within
 *   eps of each other are joined), numbered 0, 1, ... by their
 *   lowest-indexed core point, which is the order in which scikit-learn's
 *   dbscan_inner discovers them scanning points in index order. A non-core
 *   point within eps of a core point (a border point) takes the smallest
 *   such cluster number: the first cluster to reach it there. Every other
 *   point is noise, label -1. The labels are identical to scikit-learn's
 *   DBSCAN(eps, min_samples).fit(X).labels_ on the same float32 points.
 *   (Above 15 features scikit-learn switches to brute force in float64
 *   GEMM arithmetic, and a pair within rounding of eps can then fall on the
 *   other side there; nowhere else.)
 * - Memory O(n): no neighbour lists are kept. One pass counts each point's
 *   neighbours; a second joins core points in batches of bounded size (the
 *   core-core pairs of a batch of points, at most 4M at a time); a third
 *   gives border points their cluster. Neighbourhoods come from a kd-tree
 *   (up to 16 dimensions, exact distances throughout) or, above that, from
 *   float32 GEMM tiles of 64 x 1024 distances, the pairs whose GEMM distance
 *   is within its rounding bound of eps recomputed exactly; both give the
 *   same labels. Loops run on the library's thread pool over ranges fixed
 *   by n alone: the labels do not depend on the thread count. */
#ifndef AECLUST_DBSCAN_H
#define AECLUST_DBSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { AE_DBSCAN_AUTO, AE_DBSCAN_KDTREE, AE_DBSCAN_BRUTE } ae_dbscan_algorithm;

typedef struct {
    double eps;                    /* neighbourhood radius, finite, > 0 [0.5] */
    int min_samples;               /* neighbours (itself included) that make a core point, >= 1 [5] */
    ae_dbscan_algorithm algorithm; /* neighbourhoods: AUTO (kd-tree up to 16 dimensions, GEMM above), or
                                      either one forced; the labels are the same [AE_DBSCAN_AUTO] */
} ae_dbscan_opts;

ae_dbscan_opts ae_dbscan_defaults(void);

typedef struct {
    ae_labels labels;  /* (n) cluster in [0, n_clusters), or -1 for noise */
    uint8_t *is_core;  /* (n) 1 for a core point, owned */
    int n_clusters;
    size_t n_core, n_noise;
} ae_dbscan_result;

/* Clusters the rows of x; *out is the caller's (ae_dbscan_result_free, also
 * harmless after an error). Errors, one line in err: AE_ERR_ARG for no
 * points, eps not finite and > 0, min_samples < 1; AE_ERR_NUMERIC for
 * NaN/Inf in x (naming its row and column); AE_ERR_NOMEM. */
ae_status ae_dbscan_fit(const ae_matrix *x, const ae_dbscan_opts *o, ae_dbscan_result *out, ae_error *err);
void ae_dbscan_result_free(ae_dbscan_result *r);

/* The k-distance curve: out (x->rows values, the caller's) receives each
 * point's distance to its k-th nearest neighbour, the point itself counted
 * as the first (as min_samples in DBSCAN: with k = min_samples, a point is
 * core exactly when its k-distance is <= eps), sorted in descending order.
 * A knee of the curve is a usual choice of eps. Exact distances (kd-tree).
 * Errors: k < 1 or k > n (AE_ERR_ARG), NaN/Inf (AE_ERR_NUMERIC), AE_ERR_NOMEM. */
ae_status ae_kdistance(const ae_matrix *x, int k, double *out, ae_error *err);
/* Writes the curve as CSV "rank,kdistance" (rank 1..n), atomically. AE_ERR_IO naming path. */
ae_status ae_kdistance_write_csv(const char *path, const double *kdist, size_t n, ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
