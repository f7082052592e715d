#include "core/gemm_split.h"

#include "core/gemm.h"

/* Columns a piece should keep at least, so that splitting k does not leave
 * slivers too thin for the GEMM kernel. */
#define MIN_PIECE_COLS 16

static int min_int(long a, long b) { return (int)(a < b ? a : b); }

void ae_sgemm_split(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                    const float *b, int ldb, float beta, float *c, int ldc)
{
    const double limit = AE_GEMM_ONE_THREAD_MACS;
    if (m <= 0 || n <= 0) return;
    if ((double)m * n * k <= limit || k <= 0) {
        ae_sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    const long L = (long)limit;
    const int mb = min_int(m, L);
    const long kb_want = L / ((long)MIN_PIECE_COLS * mb);
    const int kb = min_int(k, kb_want > 0 ? kb_want : 1);
    const long nb_want = L / ((long)mb * kb);
    const int nb = min_int(n, nb_want > 0 ? nb_want : 1);
    for (int i0 = 0; i0 < m; i0 += mb) {
        const int mi = min_int(mb, m - i0);
        for (int j0 = 0; j0 < n; j0 += nb) {
            const int nj = min_int(nb, n - j0);
            for (int p0 = 0; p0 < k; p0 += kb) {
                const int kp = min_int(kb, k - p0);
                const float *ap = trans_a ? a + (long)p0 * lda + i0 : a + (long)i0 * lda + p0;
                const float *bp = trans_b ? b + (long)j0 * ldb + p0 : b + (long)p0 * ldb + j0;
                ae_sgemm(trans_a, trans_b, mi, nj, kp, alpha, ap, lda, bp, ldb, p0 == 0 ? beta : 1.0f,
                         c + (long)i0 * ldc + j0, ldc);
            }
        }
    }
}
