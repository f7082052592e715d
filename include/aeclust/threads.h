/* How many threads aeclust computes on.
 *
 * Every parallel loop of the library (network layers, k-means, GMM, t-SNE,
 * metrics) runs on one shared pool of ae_threads() threads, the caller's
 * included. Unless set, the count is OMP_NUM_THREADS when that is a positive
 * number, else the CPUs this process may run on. */
#ifndef AECLUST_THREADS_H
#define AECLUST_THREADS_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AE_THREADS_MAX 256

/* The thread count in effect (>= 1). */
int ae_threads(void);

/* Sets the thread count for the calls that follow (1..AE_THREADS_MAX; 0
 * restores the default). Call it between, not during, other library calls. */
ae_status ae_set_threads(int n, ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
