/* The raw side of the IDX reader, shared by idx.c and dataset.c so a data set
 * split can be converted straight into one matrix without an extra copy.
 * Internal to the library. */
#ifndef AE_IDX_RAW_H
#define AE_IDX_RAW_H

#include <stddef.h>
#include <stdint.h>

#include "aeclust/status.h"

#define AE_IDX_MAX_RANK 8

typedef struct {
    int rank;
    uint32_t dims[AE_IDX_MAX_RANK];
    size_t count;  /* product of dims */
    uint8_t *data; /* (count) owned, C order */
} ae_idx_raw;

/* Reads a uint8 IDX file, plain or gzip. want_rank > 0 demands that rank
 * (3: images, 1: labels), 0 accepts any; `what` names the payload in errors
 * ("image", "label"). The body must hold exactly count bytes. */
ae_status ae_idx_read_raw(const char *path, int want_rank, const char *what, ae_idx_raw *raw, ae_error *err);
void ae_idx_raw_free(ae_idx_raw *raw);

/* dst[i] = src[i] / 255.0f, the same float32 rounding as NumPy's
 * `x.astype(np.float32) / 255.0`. */
void ae_u8_to_unit_float(const uint8_t *src, size_t n, float *dst);

/* Takes over raw's buffer, grown to n_floats >= raw->count floats, with the
 * first raw->count holding raw's bytes scaled as above (converted in place,
 * so the bytes never need a second buffer); the rest is left for the caller.
 * Returns NULL, leaving raw as it was, when memory runs out. */
float *ae_idx_raw_to_floats(ae_idx_raw *raw, size_t n_floats);

#endif
