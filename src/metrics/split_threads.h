/* Runs a loop over [0, n) on a few plain threads that exit when done.
 *
 * The metrics that interleave OpenBLAS calls with their own loops use this
 * instead of OpenMP: libgomp's workers spin for milliseconds after every
 * parallel region, and on a 2-core machine that spinning takes the cores
 * OpenBLAS's own threads need for the next GEMM (measured: silhouette on
 * 10,000 x 784 pixels 2.0 s with OpenMP regions, 0.7 s with this). Internal. */
#ifndef AE_METRICS_SPLIT_THREADS_H
#define AE_METRICS_SPLIT_THREADS_H

#include <stddef.h>

/* Calls fn(ctx, lo, hi) on disjoint ranges covering [0, n), on up to
 * omp_get_max_threads() threads (the caller's included) when n >= min_par,
 * else once on the calling thread. If a thread cannot be started its range
 * runs on the caller. */
void ae_split_threads(void (*fn)(void *ctx, size_t lo, size_t hi), void *ctx, size_t n, size_t min_par);

#endif
