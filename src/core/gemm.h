/* The one matrix-product entry point of the library.
 *
 * C (m x n) = alpha * op(A) (m x k) * op(B) (k x n) + beta * C, all row-major
 * float32, where op(X) is X or its transpose. ae_sgemm calls OpenBLAS;
 * ae_sgemm_ref is the plain triple loop the tests compare it against. */
#ifndef AE_GEMM_H
#define AE_GEMM_H

#include <stdbool.h>

void ae_sgemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a, int lda,
              const float *b, int ldb, float beta, float *c, int ldc);

void ae_sgemm_ref(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a,
                  int lda, const float *b, int ldb, float beta, float *c, int ldc);

#endif
