#include "loss.h"

#include <math.h>
#include <string.h>

#include "fastmath.h"

/* `omp simd` with a sum: lets GCC vectorise the reduction (reordering it). */
#define AE_SIMD_SUM(s) _Pragma("omp simd reduction(+ : s)")

ae_status ae_loss_parse(const char *name, ae_loss_kind *out, ae_error *err)
{
    if (!strcmp(name, "mse")) *out = AE_LOSS_MSE;
    else if (!strcmp(name, "bce")) *out = AE_LOSS_BCE;
    else return ae_fail(err, AE_ERR_ARG, "unknown loss '%s' (known: mse, bce)", name);
    return AE_OK;
}

const char *ae_loss_name(ae_loss_kind k)
{
    switch (k) {
    case AE_LOSS_MSE: return "mse";
    case AE_LOSS_BCE: return "bce";
    }
    return "?";
}

static double mse(const float *y, const float *t, size_t n, float *dy, float scale)
{
    double s = 0.0;
    if (dy) {
        float g = 2.0f * scale;
        AE_SIMD_SUM(s)
        for (size_t i = 0; i < n; i++) {
            float d = y[i] - t[i];
            s += (double)(d * d);
            dy[i] = g * d;
        }
    } else {
        AE_SIMD_SUM(s)
        for (size_t i = 0; i < n; i++) {
            float d = y[i] - t[i];
            s += (double)(d * d);
        }
    }
    return s;
}

/* -t log(y) - (1-t) log(1-y) with each log clamped below at log(1e-7), in
 * float with the vectorisable log (fastmath.h). For y in [0, 1] this is
 * Keras' clamp of y to [1e-7, 1 - 1e-7] up to 1e-7; (y - y) passes a NaN or Inf
 * output on to the loss so divergence is seen. */
static inline float bce_elem(float y, float t)
{
    const float floor_log = -16.11809565f; /* log(1e-7) */
    float a = ae_log_poly(y), b = ae_log_poly(1.0f - y);
    a = a < floor_log ? floor_log : a;
    b = b < floor_log ? floor_log : b;
    return -t * a - (1.0f - t) * b + (y - y);
}

static double bce(const float *restrict y, const float *restrict t, size_t n, float *restrict dy, float scale,
                  bool preact)
{
    double s = 0.0;
    if (!dy) {
        AE_SIMD_SUM(s)
        for (size_t i = 0; i < n; i++) s += (double)bce_elem(y[i], t[i]);
    } else if (preact) {
        AE_SIMD_SUM(s)
        for (size_t i = 0; i < n; i++) {
            s += (double)bce_elem(y[i], t[i]);
            dy[i] = scale * (y[i] - t[i]);
        }
    } else {
        /* not used by training (BCE needs a sigmoid output, so it goes the
         * preact way), kept exact and simple for the gradient checks */
        const float lo = AE_BCE_EPS, hi = 1.0f - AE_BCE_EPS;
        for (size_t i = 0; i < n; i++) {
            s += (double)bce_elem(y[i], t[i]);
            bool clamped = y[i] < lo || y[i] > hi; /* the loss is flat there */
            dy[i] = clamped ? 0.0f : scale * (y[i] - t[i]) / (y[i] * (1.0f - y[i]));
        }
    }
    return s;
}

double ae_loss_eval(ae_loss_kind kind, const float *y, const float *t, size_t n, float *dy, float scale,
                    bool preact)
{
    switch (kind) {
    case AE_LOSS_MSE: return mse(y, t, n, dy, scale);
    case AE_LOSS_BCE: return bce(y, t, n, dy, scale, preact);
    }
    return NAN;
}
