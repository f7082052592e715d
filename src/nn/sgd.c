/* SGD with momentum, PyTorch's form (no dampening): v = mu v + g, p -= lr v.
 * With mu = 0 it is plain SGD (v is then just g). */
#include "optim.h"

void ae_sgd_update(float *restrict p, const float *restrict g, float *restrict vel, size_t n, double lr,
                   double momentum)
{
    const float a = (float)lr, mu = (float)momentum;
#pragma omp simd /* one thread: see adam.c */
    for (size_t i = 0; i < n; i++) {
        float vi = mu * vel[i] + g[i];
        vel[i] = vi;
        p[i] -= a * vi;
    }
}
