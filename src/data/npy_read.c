/* Reading .npy arrays into float32 matrices and int32 labels. The data
 * length is checked against the shape before anything large is allocated. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aeclust/npy.h"
#include "npy_format.h"

/* Far above any real header (NumPy itself refuses more than 10,000 bytes
 * unless told otherwise), low enough that a corrupt length cannot make us
 * allocate much. */
#define NPY_MAX_HEADER ((size_t)1 << 20)

int ae_npy_is_npy(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char magic[AE_NPY_MAGIC_LEN];
    int yes = fread(magic, 1, sizeof magic, f) == sizeof magic && memcmp(magic, AE_NPY_MAGIC, sizeof magic) == 0;
    fclose(f);
    return yes;
}

/* Opens path and parses its header; on success *fp is positioned at the
 * data, which has been checked to be exactly h->bytes long when the file
 * is a regular file. */
static ae_status npy_open(const char *path, FILE **fp, ae_npy_header *h, ae_error *err)
{
    *fp = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    ae_status st = AE_OK;
    char *text = NULL;
    unsigned char pre[12];
    size_t got = fread(pre, 1, 8, f);
    if (got < AE_NPY_MAGIC_LEN || memcmp(pre, AE_NPY_MAGIC, AE_NPY_MAGIC_LEN) != 0) {
        st = ferror(f) ? ae_fail(err, AE_ERR_IO, "%s: read failed: %s", path, strerror(errno))
                       : ae_fail(err, AE_ERR_FORMAT, "%s: not a .npy file (bad magic)", path);
        goto out;
    }
    if (got < 8) {
        st = ae_fail(err, AE_ERR_FORMAT, "%s: truncated .npy header", path);
        goto out;
    }
    int major = pre[6], minor = pre[7];
    size_t len_bytes = major == 1 ? 2 : (major == 2 || major == 3) ? 4 : 0;
    if (!len_bytes) {
        st = ae_fail(err, AE_ERR_FORMAT, "%s: unsupported .npy format version %d.%d (1.0, 2.0 and 3.0 are read)",
                     path, major, minor);
        goto out;
    }
    if (fread(pre + 8, 1, len_bytes, f) != len_bytes) {
        st = ae_fail(err, AE_ERR_FORMAT, "%s: truncated .npy header", path);
        goto out;
    }
    size_t hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    if (len_bytes == 4) hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    if (hlen > NPY_MAX_HEADER) {
        st = ae_fail(err, AE_ERR_FORMAT, "%s: .npy header of %zu bytes is implausibly large", path, hlen);
        goto out;
    }
    text = malloc(hlen + 1);
    if (!text) {
        st = ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    got = fread(text, 1, hlen, f);
    if (got < hlen) {
        st = ae_fail(err, AE_ERR_FORMAT, "%s: truncated .npy header (%zu of %zu bytes)", path, got, hlen);
        goto out;
    }
    if ((st = ae_npy_parse_header(path, text, hlen, h, err))) goto out;

    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)) {
        size_t offset = 8 + len_bytes + hlen;
        size_t avail = (size_t)sb.st_size > offset ? (size_t)sb.st_size - offset : 0;
        if (avail < h->bytes)
            st = ae_fail(err, AE_ERR_FORMAT, "%s: truncated: expected %zu bytes of array data, found %zu", path,
                         h->bytes, avail);
        else if (avail > h->bytes)
            st = ae_fail(err, AE_ERR_FORMAT, "%s: %zu bytes of trailing data after the %zu bytes of array data",
                         path, avail - h->bytes, h->bytes);
    }
out:
    free(text);
    if (st)
        fclose(f);
    else
        *fp = f;
    return st;
}

/* Reads exactly n bytes of data and makes sure nothing follows (for files
 * that are not regular, where npy_open could not check the length). */
static ae_status read_data(FILE *f, const char *path, void *dst, size_t n, ae_error *err)
{
    size_t got = n ? fread(dst, 1, n, f) : 0;
    if (got < n) {
        if (ferror(f)) return ae_fail(err, AE_ERR_IO, "%s: read failed: %s", path, strerror(errno));
        return ae_fail(err, AE_ERR_FORMAT, "%s: truncated: expected %zu bytes of array data, found %zu", path, n,
                       got);
    }
    if (fgetc(f) != EOF)
        return ae_fail(err, AE_ERR_FORMAT, "%s: trailing data after the %zu bytes of array data", path, n);
    return AE_OK;
}

static void byteswap(unsigned char *p, size_t count, int size)
{
    for (size_t i = 0; i < count; i++, p += size)
        for (int a = 0, b = size - 1; a < b; a++, b--) {
            unsigned char t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}

/* Reads the whole data block in native byte order; *raw is malloc'd. */
static ae_status read_raw(FILE *f, const char *path, const ae_npy_header *h, unsigned char **raw, ae_error *err)
{
    *raw = malloc(h->bytes ? h->bytes : 1);
    if (!*raw) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, h->bytes);
    ae_status st = read_data(f, path, *raw, h->bytes, err);
    if (st) {
        free(*raw);
        *raw = NULL;
        return st;
    }
    if (h->swap) byteswap(*raw, h->count, h->size);
    return AE_OK;
}

#define CONVERT_TO_FLOAT(T)                                                                                           \
    for (size_t i = 0; i < n; i++) {                                                                                  \
        T v;                                                                                                          \
        memcpy(&v, raw + i * sizeof v, sizeof v);                                                                     \
        dst[i] = (float)v;                                                                                            \
    }                                                                                                                 \
    break

static void to_float(const unsigned char *raw, const ae_npy_header *h, float *dst)
{
    size_t n = h->count;
    switch (h->kind * 16 + h->size) {
    case 'f' * 16 + 4: memcpy(dst, raw, n * sizeof(float)); break;
    case 'f' * 16 + 8: CONVERT_TO_FLOAT(double);
    case 'i' * 16 + 1: CONVERT_TO_FLOAT(int8_t);
    case 'i' * 16 + 2: CONVERT_TO_FLOAT(int16_t);
    case 'i' * 16 + 4: CONVERT_TO_FLOAT(int32_t);
    case 'i' * 16 + 8: CONVERT_TO_FLOAT(int64_t);
    case 'u' * 16 + 1: CONVERT_TO_FLOAT(uint8_t);
    case 'u' * 16 + 2: CONVERT_TO_FLOAT(uint16_t);
    case 'u' * 16 + 4: CONVERT_TO_FLOAT(uint32_t);
    case 'u' * 16 + 8: CONVERT_TO_FLOAT(uint64_t);
    case 'b' * 16 + 1:
        for (size_t i = 0; i < n; i++) dst[i] = raw[i] != 0;
        break;
    }
}

/* src holds the whole array in Fortran order (first index fastest); dst gets
 * it in C order, which is rows = shape[0] by the C-order flattening of the
 * rest. Walks src linearly while tracking the C offset of the same index. */
static void fortran_to_c(const float *src, float *dst, const ae_npy_header *h)
{
    size_t cstride[AE_NPY_MAX_DIMS];
    size_t idx[AE_NPY_MAX_DIMS] = {0};
    cstride[h->ndim - 1] = 1;
    for (int k = h->ndim - 2; k >= 0; k--) cstride[k] = cstride[k + 1] * h->shape[k + 1];
    size_t off = 0;
    for (size_t s = 0; s < h->count; s++) {
        dst[off] = src[s];
        for (int k = 0; k < h->ndim; k++) {
            if (++idx[k] < h->shape[k]) {
                off += cstride[k];
                break;
            }
            off -= (h->shape[k] - 1) * cstride[k];
            idx[k] = 0;
        }
    }
}

ae_status ae_npy_read_matrix(const char *path, ae_matrix *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f;
    ae_npy_header h;
    ae_status st = npy_open(path, &f, &h, err);
    if (st) return st;
    unsigned char *raw = NULL;
    float *flat = NULL;
    if (h.ndim == 0) {
        st = ae_fail(err, AE_ERR_FORMAT, "%s: a 0-d (scalar) array, expected at least 1 dimension", path);
        goto out;
    }
    /* rows * cols == count except for empty arrays, whose columns still count */
    size_t rows = h.shape[0], cols = 1;
    for (int k = 1; k < h.ndim; k++) {
        if (h.shape[k] && cols > SIZE_MAX / h.shape[k]) {
            st = ae_fail(err, AE_ERR_FORMAT, "%s: array shape overflows the address space", path);
            goto out;
        }
        cols *= h.shape[k];
    }
    if ((st = ae_matrix_alloc(out, rows, cols, err))) {
        st = ae_fail(err, st, "%s: out of memory for a %zu x %zu matrix", path, rows, cols);
        goto out;
    }
    int as_is = h.kind == 'f' && h.size == 4 && !h.swap;
    if (as_is && (!h.fortran_order || h.ndim == 1)) {
        /* the common case: straight into the matrix */
        st = read_data(f, path, out->data, h.bytes, err);
        goto out;
    }
    if ((st = read_raw(f, path, &h, &raw, err))) goto out;
    if (!h.fortran_order || h.ndim == 1) {
        to_float(raw, &h, out->data);
        goto out;
    }
    if (as_is) {
        flat = (float *)raw; /* malloc'd, so aligned for float */
        raw = NULL;
    } else {
        flat = malloc((h.count ? h.count : 1) * sizeof *flat); /* (count), Fortran order */
        if (!flat) {
            st = ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
            goto out;
        }
        to_float(raw, &h, flat);
    }
    if (h.count) fortran_to_c(flat, out->data, &h);
out:
    fclose(f);
    free(raw);
    free(flat);
    if (st) ae_matrix_free(out);
    return st;
}

static void format_shape(const ae_npy_header *h, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "(");
    for (int k = 0; k < h->ndim && n < cap; k++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%zu", k ? ", " : "", h->shape[k]);
    if (n < cap) snprintf(buf + n, cap - n, "%s)", h->ndim == 1 ? "," : "");
}

/* Value i of raw as int32, or an error naming it. */
static ae_status label_at(const char *path, const unsigned char *raw, const ae_npy_header *h, size_t i, int32_t *out,
                          ae_error *err)
{
    const unsigned char *p = raw + i * (size_t)h->size;
    int64_t iv = 0;
    uint64_t uv = 0;
    double dv = 0;
    int is_float = 0, is_unsigned = 0;
    switch (h->kind * 16 + h->size) {
#define LOAD(T, var)                                                                                                  \
    {                                                                                                                 \
        T v;                                                                                                          \
        memcpy(&v, p, sizeof v);                                                                                      \
        var = v;                                                                                                      \
    }                                                                                                                 \
    break
    case 'f' * 16 + 4: is_float = 1; LOAD(float, dv);
    case 'f' * 16 + 8: is_float = 1; LOAD(double, dv);
    case 'i' * 16 + 1: LOAD(int8_t, iv);
    case 'i' * 16 + 2: LOAD(int16_t, iv);
    case 'i' * 16 + 4: LOAD(int32_t, iv);
    case 'i' * 16 + 8: LOAD(int64_t, iv);
    case 'u' * 16 + 1: LOAD(uint8_t, iv);
    case 'u' * 16 + 2: LOAD(uint16_t, iv);
    case 'u' * 16 + 4: LOAD(uint32_t, iv);
    case 'u' * 16 + 8: is_unsigned = 1; LOAD(uint64_t, uv);
    case 'b' * 16 + 1: iv = *p != 0; break;
#undef LOAD
    }
    if (is_float) {
        if (!isfinite(dv) || dv != floor(dv))
            return ae_fail(err, AE_ERR_FORMAT, "%s: label %g at index %zu is not a whole number", path, dv, i);
        if (dv < INT32_MIN || dv > INT32_MAX)
            return ae_fail(err, AE_ERR_FORMAT, "%s: label %.17g at index %zu is outside the int32 range", path, dv,
                           i);
        iv = (int64_t)dv;
    } else if (is_unsigned) {
        if (uv > INT32_MAX)
            return ae_fail(err, AE_ERR_FORMAT, "%s: label %llu at index %zu is outside the int32 range", path,
                           (unsigned long long)uv, i);
        iv = (int64_t)uv;
    } else if (iv < INT32_MIN || iv > INT32_MAX) {
        return ae_fail(err, AE_ERR_FORMAT, "%s: label %lld at index %zu is outside the int32 range", path,
                       (long long)iv, i);
    }
    *out = (int32_t)iv;
    return AE_OK;
}

ae_status ae_npy_read_labels(const char *path, ae_labels *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f;
    ae_npy_header h;
    ae_status st = npy_open(path, &f, &h, err);
    if (st) return st;
    unsigned char *raw = NULL;
    /* (n,) and (n, 1) have the same layout in C and Fortran order */
    if (!(h.ndim == 1 || (h.ndim == 2 && h.shape[1] == 1))) {
        char shape[128];
        format_shape(&h, shape, sizeof shape);
        st = ae_fail(err, AE_ERR_FORMAT, "%s: labels must have shape (n,) or (n, 1), found %s", path, shape);
        goto out;
    }
    if ((st = read_raw(f, path, &h, &raw, err))) goto out;
    if ((st = ae_labels_alloc(out, h.count, err))) {
        st = ae_fail(err, st, "%s: out of memory for %zu labels", path, h.count);
        goto out;
    }
    for (size_t i = 0; i < h.count && !st; i++) st = label_at(path, raw, &h, i, &out->data[i], err);
out:
    fclose(f);
    free(raw);
    if (st) ae_labels_free(out);
    return st;
}
