/* exp and log as plain arithmetic the compiler can vectorise (internal).
 *
 * glibc's expf/logf are one call per element unless the whole build uses
 * -ffast-math, and the output-layer sigmoid and the BCE loss run on every pixel
 * of every batch. Both reduce the argument by powers of two and finish with a
 * short series; relative error is about 1e-7 (a few float ulps). */
#ifndef AE_NN_FASTMATH_H
#define AE_NN_FASTMATH_H

#include <stdint.h>

/* exp(x), x clamped to [-87, 88] so the result stays a normal float.
 * x = n ln2 + r, |r| <= ln2/2; exp(r) by its degree-7 Taylor polynomial
 * (truncation < 2e-9 relative); 2^n written into the exponent bits.
 * A NaN or infinite x gives NaN (through x - x), so divergence shows in the
 * loss, and never reaches the float-to-int conversion (undefined for NaN). */
static inline float ae_exp_poly(float x)
{
    float xc = x >= -87.0f ? x : -87.0f; /* NaN -> -87 */
    xc = xc <= 88.0f ? xc : 88.0f;
    const float shifter = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    float n = (xc * 1.44269504088896341f + shifter) - shifter;
    float r = xc - n * 0.693359375f; /* ln2 = 0.693359375 (exact in float) - 2.12194440e-4 */
    r = r + n * 2.12194440e-4f;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    union {
        uint32_t u;
        float f;
    } scale = {.u = (uint32_t)((int32_t)n + 127) << 23};
    return p * scale.f + (x - x);
}

/* log(x) for a positive float x (for x = 0 it returns about -88, the log of
 * the smallest normal float; callers clamp it). x = m 2^k with m in
 * [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.172, by
 * its series up to s^9 (truncation < 4e-10 relative). Unsigned bit arithmetic
 * keeps any input free of undefined behaviour. */
static inline float ae_log_poly(float x)
{
    union {
        float f;
        uint32_t u;
    } v = {.f = x};
    /* shift so that m lands in [sqrt(1/2), sqrt(2)) rather than [1, 2) */
    int32_t k = (int32_t)(v.u - 0x3f3504f3u) >> 23; /* 0x3f3504f3 = bits of sqrt(1/2) */
    v.u -= (uint32_t)k << 23;
    float m = v.f;
    float s = (m - 1.0f) / (m + 1.0f);
    float s2 = s * s;
    float p = 1.0f / 9.0f;
    p = p * s2 + 1.0f / 7.0f;
    p = p * s2 + 1.0f / 5.0f;
    p = p * s2 + 1.0f / 3.0f;
    p = p * s2 + 1.0f;
    return 2.0f * s * p + (float)k * 0.693147180559945309f;
}

/* sqrt(x) for x >= 0 as x * rsqrt(x): a bit-level first guess (relative
 * error < 3.5e-2) and three Newton steps (1.8e-3, 4.7e-6, then ~3e-11, so
 * float rounding dominates: a few ulps). sqrtf() would be exact, but without -fno-math-errno
 * GCC keeps it a call per element (for errno), which made Adam's update 4-5x
 * slower. x below 1e-30 gives 0 (also keeps the guess's square finite). */
static inline float ae_sqrt_newton(float x)
{
    x = x < 1e-30f ? 0.0f : x;
    union {
        float f;
        uint32_t u;
    } v = {.f = x};
    v.u = 0x5f375a86u - (v.u >> 1);
    float y = v.f, hx = 0.5f * x;
    y = y * (1.5f - hx * y * y);
    y = y * (1.5f - hx * y * y);
    y = y * (1.5f - hx * y * y);
    return x * y;
}

#endif
