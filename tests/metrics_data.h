/* Input data of the metric tests, built from ae_rng exactly as
 * tests/ref/metrics_data.py builds it in Python, so golden values computed
 * there with scikit-learn apply to these arrays. Only integer draws and
 * power-of-two scales are used: the doubles are exact, the float32 rounding
 * identical on both sides. */
#ifndef AE_TEST_METRICS_DATA_H
#define AE_TEST_METRICS_DATA_H

#include <stdint.h>
#include <stdlib.h>

#include "aeclust/matrix.h"
#include "aeclust/rng.h"

/* labels[i] = ids[below(n_ids)]. */
static inline void metrics_draw_labels(uint64_t seed, size_t n, const int32_t *ids, int n_ids, int32_t *labels)
{
    ae_rng r;
    ae_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) labels[i] = ids[ae_rng_below(&r, (uint64_t)n_ids)];
}

/* With probability keep/10 out[i] = truth[i] % k, else a uniform cluster. */
static inline void metrics_noisy_labels(uint64_t seed, size_t n, const int32_t *truth, int k, int keep_of_10,
                                        int32_t *out)
{
    ae_rng r;
    ae_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++)
        out[i] = ae_rng_below(&r, 10) < (uint64_t)keep_of_10 ? truth[i] % k : (int32_t)ae_rng_below(&r, (uint64_t)k);
}

/* n points in d dimensions around k integer centres in [-range, range],
 * noise (u - 0.5) * scale; labels uniform, or with `singleton` point 0 alone
 * in cluster k-1. x (n, d) and y (n) are allocated here; free them. */
static inline void metrics_blobs(uint64_t seed, size_t n, size_t d, int k, int range, double scale, int singleton,
                                 ae_matrix *x, int32_t **y)
{
    ae_rng r;
    ae_rng_seed(&r, seed);
    double *centres = malloc((size_t)k * d * sizeof *centres); // (k, d)
    for (size_t c = 0; c < (size_t)k * d; c++) centres[c] = (double)ae_rng_below(&r, (uint64_t)(2 * range + 1)) - range;
    ae_matrix_alloc(x, n, d, NULL);
    *y = malloc(n * sizeof **y);
    for (size_t i = 0; i < n; i++) {
        int c = singleton ? (i == 0 ? k - 1 : (int)ae_rng_below(&r, (uint64_t)(k - 1))) : (int)ae_rng_below(&r, (uint64_t)k);
        (*y)[i] = c;
        for (size_t j = 0; j < d; j++) {
            double noise = (ae_rng_uniform(&r) - 0.5) * scale;
            x->data[i * d + j] = (float)(centres[(size_t)c * d + j] + noise);
        }
    }
    free(centres);
}

#endif
