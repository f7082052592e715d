/* Writing .npy files the way NumPy 1.24's np.save does (format 1.0, same
 * header bytes), little-endian, through the atomic writer so a failed write
 * never leaves a partial file. */
#include <stdint.h>
#include <string.h>

#include "aeclust/npy.h"
#include "core/atomic_file.h"
#include "npy_format.h"

/* Writes n elements of 4 bytes in little-endian order. */
static ae_status write_le32(ae_afile *f, const void *data, size_t n, ae_error *err)
{
    if (ae_npy_host_is_little()) return ae_afile_write(f, data, n * 4, err);
    unsigned char chunk[4096];
    const unsigned char *src = data;
    while (n > 0) {
        size_t m = n < sizeof chunk / 4 ? n : sizeof chunk / 4;
        for (size_t i = 0; i < m; i++)
            for (int b = 0; b < 4; b++) chunk[4 * i + (size_t)b] = src[4 * i + 3 - (size_t)b];
        ae_status st = ae_afile_write(f, chunk, m * 4, err);
        if (st) return st;
        src += 4 * m;
        n -= m;
    }
    return AE_OK;
}

static ae_status write_array(const char *path, const char *descr, const void *data, int ndim, const size_t *shape,
                             ae_error *err)
{
    size_t count = 1;
    for (int k = 0; k < ndim; k++) {
        if (shape[k] && count > SIZE_MAX / 4 / shape[k])
            return ae_fail(err, AE_ERR_ARG, "%s: array too large to write", path);
        count *= shape[k];
    }
    if (count && !data) return ae_fail(err, AE_ERR_ARG, "%s: no data to write", path);
    char header[1024];
    size_t hlen = ae_npy_format_header(header, sizeof header, descr, ndim, shape);
    if (!hlen) return ae_fail(err, AE_ERR_ARG, "%s: .npy header too long", path);
    ae_afile f;
    ae_status st = ae_afile_open(&f, path, err);
    if (st) return st;
    if (!(st = ae_afile_write(&f, header, hlen, err))) st = write_le32(&f, data, count, err);
    if (st) {
        ae_afile_abort(&f);
        return st;
    }
    return ae_afile_commit(&f, err);
}

ae_status ae_npy_write_f32(const char *path, const float *data, int ndim, const size_t *shape, ae_error *err)
{
    if (ndim < 1 || ndim > 4)
        return ae_fail(err, AE_ERR_ARG, "%s: cannot write a %d-dimensional array (1 to 4 dimensions)", path, ndim);
    return write_array(path, "<f4", data, ndim, shape, err);
}

ae_status ae_npy_write_matrix(const char *path, const ae_matrix *m, ae_error *err)
{
    size_t shape[2] = {m->rows, m->cols};
    return write_array(path, "<f4", m->data, 2, shape, err);
}

ae_status ae_npy_write_labels(const char *path, const ae_labels *l, ae_error *err)
{
    size_t shape[1] = {l->n};
    return write_array(path, "<i4", l->data, 1, shape, err);
}
