/* Dense row-major float32 matrices and int32 label vectors.
 *
 * Both are plain structs that own their buffer: whoever fills one (with an
 * _alloc, a reader or an algorithm's result) frees it with the matching _free.
 * A zero-initialised struct is a valid empty value, and _free on it is a no-op. */
#ifndef AECLUST_MATRIX_H
#define AECLUST_MATRIX_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t rows, cols;
    float *data; /* (rows, cols), row-major, owned */
} ae_matrix;

typedef struct {
    size_t n;
    int32_t *data; /* (n), owned */
} ae_labels;

/* Allocates a zero-filled rows x cols matrix (rows*cols may be 0). */
ae_status ae_matrix_alloc(ae_matrix *m, size_t rows, size_t cols, ae_error *err);
void ae_matrix_free(ae_matrix *m);
/* Row r of m. */
static inline float *ae_matrix_row(const ae_matrix *m, size_t r) { return m->data + r * m->cols; }
/* AE_ERR_NUMERIC naming `what` and the first offending (row, col) if m holds NaN or Inf. */
ae_status ae_matrix_check_finite(const ae_matrix *m, const char *what, ae_error *err);

/* Allocates n zeroed labels. */
ae_status ae_labels_alloc(ae_labels *l, size_t n, ae_error *err);
void ae_labels_free(ae_labels *l);

#ifdef __cplusplus
}
#endif

#endif
