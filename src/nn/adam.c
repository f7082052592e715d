/* Adam (Kingma & Ba), in PyTorch's arrangement of the bias corrections:
 *   m = b1 m + (1-b1) g,  v = b2 v + (1-b2) g^2,
 *   p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps). */
#include <math.h>

#include "fastmath.h"
#include "optim.h"

/* One thread, vectorised. Splitting it over OpenMP threads halved the
 * update alone, but libgomp's spinning workers then fought OpenBLAS's threads
 * for the two cores during every GEMM: 30-40% of training time went to the
 * spin (perf), far more than the update costs. */
void ae_adam_update(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, size_t n,
                    double lr, double beta1, double beta2, double eps, long t)
{
    /* 1 - beta in double first: (1.0f - 0.9f) would be 0.100000024 */
    const float b1 = (float)beta1, b2 = (float)beta2, c1 = (float)(1.0 - beta1), c2 = (float)(1.0 - beta2);
    const float step = (float)(lr / (1.0 - pow(beta1, (double)t)));
    const float inv_c2 = (float)(1.0 / sqrt(1.0 - pow(beta2, (double)t)));
    const float e = (float)eps;
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
        float gi = g[i];
        float mi = b1 * m[i] + c1 * gi;
        float vi = b2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= step * mi / (ae_sqrt_newton(vi) * inv_c2 + e);
    }
}
