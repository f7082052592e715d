/* The elbow method: k-means inertia as a function of k (seed 002's k = 1..25),
 * each k fitted with ae_kmeans_fit (k-means++ seeding, n_init restarts) and
 * the same seed, so inertia[i] equals ae_kmeans_fit's for that k and seed. */
#ifndef AECLUST_ELBOW_H
#define AECLUST_ELBOW_H

#include <stdint.h>

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int k_min, k_max; /* the k-range, inclusive [1, 25] */
    int n_init;       /* k-means restarts per k [10] */
    int max_iter;     /* Lloyd iterations per restart [300] */
    double tol;       /* k-means tolerance (see ae_kmeans_opts) [1e-4] */
    uint64_t seed;    /* [0] */
} ae_elbow_opts;

ae_elbow_opts ae_elbow_defaults(void);

/* inertia[i] of k-means with k = k_min + i, i < k_max - k_min + 1
 * (caller-allocated, that many doubles). Errors: AE_ERR_ARG for an empty
 * k-range (k_min < 1, k_min > k_max, k_max > n) or an empty x, and those of
 * ae_kmeans_fit (NaN/Inf, bad n_init/max_iter/tol, no memory). */
ae_status ae_elbow(const ae_matrix *x, const ae_elbow_opts *o, double *inertia, ae_error *err);

/* Writes "k,inertia" then one line per k (k_min + i, inertia[i]), i < n,
 * atomically: the file appears whole or not at all. */
ae_status ae_elbow_write_csv(const char *path, int k_min, const double *inertia, int n, ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
