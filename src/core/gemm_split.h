/* GEMMs issued from the image layers' helper threads (internal).
 *
 * The conv layers split a batch between the model's threads (workers.h), and
 * each thread runs its own patch shuffles and products. OpenBLAS (pthreads
 * build) must then compute each product on the calling thread: when two
 * threads hand it products big enough for its thread pool at once, they queue
 * for that pool and spin (measured: 12x slower than one thread). OpenBLAS keeps a product of
 * m*n*k <= 65536 * GEMM_MULTITHREAD_THRESHOLD (= 4, its default build)
 * multiply-adds on the calling thread (interface/gemm.c), so ae_sgemm_split
 * issues ae_sgemm in pieces no larger than that. A build with another
 * threshold still computes the same numbers, only slower. */
#ifndef AE_NN_GEMM_SPLIT_H
#define AE_NN_GEMM_SPLIT_H

#include <stdbool.h>

/* Largest product (multiply-adds) OpenBLAS computes on the calling thread. */
#define AE_GEMM_ONE_THREAD_MACS 262144.0

/* Same contract as ae_sgemm (row-major C (m, n) = alpha op(A) op(B) + beta C),
 * in pieces of at most AE_GEMM_ONE_THREAD_MACS: column blocks of C, and for
 * a long inner dimension k, blocks of k summed into C one after another. */
void ae_sgemm_split(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                    const float *b, int ldb, float beta, float *c, int ldc);

#endif
