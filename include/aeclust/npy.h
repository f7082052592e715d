/* NumPy .npy files, so every array aeclust writes opens with np.load and
 * NumPy users can hand aeclust theirs.
 *
 * Reading: format 1.0, 2.0 and 3.0 headers; little- or big-endian float32,
 * float64, int32, int64, uint8 (and int8, int16, uint16, uint32, uint64,
 * bool); C order, or Fortran order (transposed while reading). Writing:
 * format 1.0, little-endian float32 matrices and int32 vectors, atomically. */
#ifndef AECLUST_NPY_H
#define AECLUST_NPY_H

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads a 1-D (n -> (n,1)), 2-D, or higher-rank array (shape[0] rows, the
 * product of the other dims as columns, in C order) of any numeric dtype into
 * float32. The data must be exactly as long as the shape says. An empty array
 * (a 0 in the shape) is returned as such; a 0-d (scalar) array, complex,
 * object, string, structured and float16 dtypes are errors. */
ae_status ae_npy_read_matrix(const char *path, ae_matrix *out, ae_error *err);

/* Reads a 1-D array (or (n,1)) of integers into int32 labels. Float arrays are
 * accepted when every value is a whole number; values outside int32 are errors. */
ae_status ae_npy_read_labels(const char *path, ae_labels *out, ae_error *err);

/* Writes m as a (rows, cols) '<f4' array. The writers produce the same bytes
 * as NumPy 1.24's np.save (data at a multiple of 64 bytes). */
ae_status ae_npy_write_matrix(const char *path, const ae_matrix *m, ae_error *err);

/* Writes raw float32 data with the given shape (ndim 1..4). */
ae_status ae_npy_write_f32(const char *path, const float *data, int ndim, const size_t *shape, ae_error *err);

/* Writes l as a (n,) '<i4' array. */
ae_status ae_npy_write_labels(const char *path, const ae_labels *l, ae_error *err);

/* True if the file at path starts with the .npy magic. */
int ae_npy_is_npy(const char *path);

#ifdef __cplusplus
}
#endif

#endif
