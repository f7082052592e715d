/* The .npy container: magic "\x93NUMPY", a version (1.0: uint16 header
 * length; 2.0 and 3.0: uint32), then an ASCII (3.0: UTF-8) Python dict
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 * padded with spaces and ending in '\n', then the raw array data.
 * Internal to the library: npy_header.c parses and formats headers,
 * npy_read.c and npy_write.c move the data. */
#ifndef AE_NPY_FORMAT_H
#define AE_NPY_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "aeclust/status.h"

#define AE_NPY_MAGIC "\x93NUMPY"
#define AE_NPY_MAGIC_LEN 6
#define AE_NPY_MAX_DIMS 32 /* NumPy's own limit before 2.0 */
#define AE_NPY_ALIGN 64    /* data offset alignment NumPy writes since 1.x */

typedef struct {
    char kind;         /* 'f' float, 'i' signed, 'u' unsigned, 'b' bool */
    int size;          /* bytes per element */
    int swap;          /* stored in the other byte order than this machine's */
    int fortran_order; /* first index fastest */
    int ndim;
    size_t shape[AE_NPY_MAX_DIMS];
    size_t count; /* product of shape (1 for a 0-d array) */
    size_t bytes; /* count * size */
} ae_npy_header;

static inline int ae_npy_host_is_little(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* Parses the header dict text[0..len) (the part after the length field). */
ae_status ae_npy_parse_header(const char *path, const char *text, size_t len, ae_npy_header *h, ae_error *err);

/* Formats a complete version 1.0 preamble (magic, version, length, dict,
 * padding, '\n') for a little-endian array of `descr` in C order; returns its
 * length, or 0 if buf (size cap) is too small. */
size_t ae_npy_format_header(char *buf, size_t cap, const char *descr, int ndim, const size_t *shape);

#endif
