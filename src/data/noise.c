/* Noise models for denoising autoencoders: Gaussian (TensorFlow's denoising
 * tutorial), salt-and-pepper, and seed 003's random shades at random locations. */
#include "aeclust/noise.h"

#include <math.h>
#include <string.h>

#include "core/pool.h"

static const char *const noise_names[] = {"none", "gaussian", "salt_pepper", "random_shades"};
#define N_NOISE_KINDS (sizeof noise_names / sizeof noise_names[0])

ae_status ae_noise_parse(const char *name, ae_noise_kind *out, ae_error *err)
{
    for (size_t k = 0; name && k < N_NOISE_KINDS; k++)
        if (strcmp(name, noise_names[k]) == 0) {
            *out = (ae_noise_kind)k;
            return AE_OK;
        }
    return ae_fail(err, AE_ERR_ARG, "unknown noise '%s' (known: none, gaussian, salt_pepper, random_shades)",
                   name ? name : "(null)");
}

const char *ae_noise_name(ae_noise_kind k)
{
    return (unsigned)k < N_NOISE_KINDS ? noise_names[k] : "unknown";
}

ae_status ae_noise_check(const ae_noise *n, ae_error *err)
{
    if (!n) return ae_fail(err, AE_ERR_ARG, "noise: no noise model given");
    switch (n->kind) {
    case AE_NOISE_NONE: return AE_OK;
    case AE_NOISE_GAUSSIAN:
        if (!isfinite(n->amount) || n->amount < 0)
            return ae_fail(err, AE_ERR_ARG, "gaussian noise factor %g must be finite and >= 0", n->amount);
        return AE_OK;
    case AE_NOISE_SALT_PEPPER:
    case AE_NOISE_RANDOM_SHADES:
        /* the negated test also rejects NaN */
        if (!(n->amount >= 0 && n->amount <= 1))
            return ae_fail(err, AE_ERR_ARG, "noise fraction %g is outside [0, 1]", n->amount);
        return AE_OK;
    }
    return ae_fail(err, AE_ERR_ARG, "noise kind %d is not one of none, gaussian, salt_pepper, random_shades",
                   (int)n->kind);
}

static float clip01(float v) { return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v; }

/* x (d) -> y (d): clip(x + f * N(0, 1), 0, 1). */
static void gaussian_row(const float *x, float *y, size_t d, double f, ae_rng *r)
{
    for (size_t j = 0; j < d; j++) y[j] = clip01(x[j] + (float)(f * ae_rng_normal(r)));
}

/* x (d) -> y (d) with exactly k of the d pixels replaced. Selection sampling
 * (Knuth's Algorithm S): pixel j is taken with probability need / left, which
 * picks every k-subset with equal chance, in one pass and without an index
 * buffer, so nothing is allocated per call. */
static void replace_row(const float *x, float *y, size_t d, size_t k, int salt_pepper, ae_rng *r)
{
    memcpy(y, x, d * sizeof *y);
    size_t need = k;
    for (size_t j = 0; j < d && need > 0; j++) {
        /* when need == left, u < 1 makes the test always true: the count is exact */
        if (ae_rng_uniform(r) * (double)(d - j) >= (double)need) continue;
        if (salt_pepper)
            y[j] = (ae_rng_next(r) >> 63) ? 1.0f : 0.0f;
        else
            y[j] = (float)ae_rng_uniform(r);
        need--;
    }
}

typedef struct {
    ae_noise_kind kind;
    double f;
    size_t d, k;
    uint64_t key;
    const float *xs; // (rows, d)
    float *ys;       // (rows, d)
} noise_job;

/* Rows [lo, hi): one stream per image keyed by (key, row), so the result is
 * the same for any thread count and any split into ranges. */
static void noise_rows(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    const noise_job *j = ctx;
    const size_t d = j->d;
    for (size_t i = lo; i < hi; i++) {
        const float *xi = j->xs + i * d;
        float *yi = j->ys + i * d;
        ae_rng r;
        ae_rng_seed(&r, j->key + (uint64_t)i);
        switch (j->kind) {
        case AE_NOISE_GAUSSIAN: gaussian_row(xi, yi, d, j->f, &r); break;
        case AE_NOISE_SALT_PEPPER: replace_row(xi, yi, d, j->k, 1, &r); break;
        case AE_NOISE_RANDOM_SHADES: replace_row(xi, yi, d, j->k, 0, &r); break;
        case AE_NOISE_NONE: memcpy(yi, xi, d * sizeof *yi); break;
        }
    }
}

/* Below this many values the calling thread alone is quicker. */
#define NOISE_PAR_MIN 65536

ae_status ae_noise_apply(const ae_noise *n, const ae_matrix *x, ae_rng *rng, ae_matrix *out, ae_error *err)
{
    ae_status st = ae_noise_check(n, err);
    if (st != AE_OK) return st;
    if (!x || !out || !rng) return ae_fail(err, AE_ERR_ARG, "noise: missing input, output or rng");
    if (out->rows != x->rows || out->cols != x->cols)
        return ae_fail(err, AE_ERR_ARG, "noise: output is %zux%zu but the input is %zux%zu", out->rows, out->cols,
                       x->rows, x->cols);
    size_t rows = x->rows, d = x->cols;
    /* drawn even for "none": the caller's stream advances the same for every kind */
    uint64_t key = ae_rng_next(rng);
    if (rows == 0 || d == 0) return AE_OK;
    if (!x->data || !out->data) return ae_fail(err, AE_ERR_ARG, "noise: input or output has no buffer");
    if (out->data == x->data) return ae_fail(err, AE_ERR_ARG, "noise: output must not alias the input");

    noise_job j = {.kind = n->kind,
                   .f = n->amount,
                   .d = d,
                   .k = (size_t)floor(n->amount * (double)d + 0.5), /* fractions only: round(p * d) pixels per image */
                   .key = key,
                   .xs = x->data,
                   .ys = out->data};
    ae_pool_for(rows * d >= NOISE_PAR_MIN ? ae_pool_shared() : NULL, rows, ae_pool_grain(rows, 16), noise_rows, &j);
    return AE_OK;
}
