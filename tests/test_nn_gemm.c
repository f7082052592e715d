/* The GEMM wrapper every layer uses, against the naive reference for all four
 * transpose combinations. */
#include "test_util.h"

#include "aeclust/rng.h"
#include "core/gemm.h"

/* ae_sgemm (OpenBLAS) against ae_sgemm_ref, odd sizes, padded leading
 * dimensions, alpha/beta not 1/0. */
static void test_sgemm_vs_ref(void **state)
{
    (void)state;
    ae_rng rng;
    ae_rng_seed(&rng, 3);
    const int M = 37, N = 29, K = 53, pad = 3;
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            int ar = ta ? K : M, ac = ta ? M : K, br = tb ? N : K, bc = tb ? K : N;
            int lda = ac + pad, ldb = bc + pad, ldc = N + pad;
            float *a = malloc(sizeof(float) * ar * lda), *b = malloc(sizeof(float) * br * ldb);
            float *c1 = malloc(sizeof(float) * M * ldc), *c2 = malloc(sizeof(float) * M * ldc);
            for (int i = 0; i < ar * lda; i++) a[i] = (float)(ae_rng_uniform(&rng) * 2 - 1);
            for (int i = 0; i < br * ldb; i++) b[i] = (float)(ae_rng_uniform(&rng) * 2 - 1);
            for (int i = 0; i < M * ldc; i++) c1[i] = c2[i] = (float)(ae_rng_uniform(&rng) * 2 - 1);
            ae_sgemm(ta, tb, M, N, K, 0.75f, a, lda, b, ldb, 0.5f, c1, ldc);
            ae_sgemm_ref(ta, tb, M, N, K, 0.75f, a, lda, b, ldb, 0.5f, c2, ldc);
            for (int i = 0; i < M; i++)
                for (int j = 0; j < ldc; j++) {
                    /* the padding columns must be left alone */
                    if (j >= N) assert_true(c1[i * ldc + j] == c2[i * ldc + j]);
                    else assert_close(c1[i * ldc + j], c2[i * ldc + j], 2e-5);
                }
            free(a);
            free(b);
            free(c1);
            free(c2);
        }
}

/* The shapes a dense layer's step uses (batch 5, 9 -> 7 units): forward
 * x W, weight gradient x^T dy, input gradient dy W^T, against loops written
 * out here. */
static void test_dense_shapes(void **state)
{
    (void)state;
    enum { B = 5, K = 9, N = 7 };
    float x[B * K], w[K * N], dy[B * N], y[B * N], dw[K * N], dx[B * K];
    for (int i = 0; i < B * K; i++) x[i] = (float)((i * 37 % 11) - 5) / 4.0f;
    for (int i = 0; i < K * N; i++) w[i] = (float)((i * 13 % 7) - 3) / 2.0f;
    for (int i = 0; i < B * N; i++) dy[i] = (float)((i * 29 % 5) - 2);
    ae_sgemm(false, false, B, N, K, 1.0f, x, K, w, N, 0.0f, y, N);
    ae_sgemm(true, false, K, N, B, 1.0f, x, K, dy, N, 0.0f, dw, N);
    ae_sgemm(false, true, B, K, N, 1.0f, dy, N, w, N, 0.0f, dx, K);
    for (int b = 0; b < B; b++)
        for (int n = 0; n < N; n++) {
            double s = 0;
            for (int k = 0; k < K; k++) s += (double)x[b * K + k] * w[k * N + n];
            assert_close(y[b * N + n], s, 1e-5);
        }
    for (int k = 0; k < K; k++)
        for (int n = 0; n < N; n++) {
            double s = 0;
            for (int b = 0; b < B; b++) s += (double)x[b * K + k] * dy[b * N + n];
            assert_close(dw[k * N + n], s, 1e-5);
        }
    for (int b = 0; b < B; b++)
        for (int k = 0; k < K; k++) {
            double s = 0;
            for (int n = 0; n < N; n++) s += (double)dy[b * N + n] * w[k * N + n];
            assert_close(dx[b * K + k], s, 1e-5);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgemm_vs_ref),
        cmocka_unit_test(test_dense_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
