/* Internals of the silhouette computation exposed for the tests, which run
 * the tiled pass with tiny tiles (so that clusters straddle tile borders)
 * and with each GEMM precision forced. */
#ifndef AE_METRICS_SILHOUETTE_H
#define AE_METRICS_SILHOUETTE_H

#include <stddef.h>
#include <stdint.h>

#include "aeclust/matrix.h"
#include "aeclust/status.h"

/* Rows and columns per distance tile in ae_silhouette. */
#define AE_SILHOUETTE_TILE 1024

typedef enum {
    AE_SIL_GEMM_AUTO,   /* double while n^2 d is small (cheap anyway), float32 above */
    AE_SIL_GEMM_FLOAT,  /* ae_sgemm */
    AE_SIL_GEMM_DOUBLE, /* cblas_dgemm */
} ae_sil_gemm;

/* ae_silhouette with a chosen tile size (>= 1) and GEMM precision. */
ae_status ae_silhouette_tiled(const ae_matrix *x, const int32_t *pred, size_t sample, uint64_t seed, size_t tile,
                              ae_sil_gemm gemm, double *out, ae_error *err);

#endif
