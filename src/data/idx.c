/* IDX files (the MNIST distribution format): a big-endian header
 *   0x00 0x00 <dtype> <rank>, then rank uint32 dims, then the C-order data;
 * aeclust reads dtype 0x08 (uint8) only. The file may be gzip-compressed:
 * zlib's gzread recognises gzip from the 1f 8b magic and passes any other
 * file through unchanged, so the file name plays no part. */
#include "idx_raw.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "aeclust/data.h"

/* First buffer for the body; it doubles up to the size the header claims, so
 * a lying header costs at most twice the bytes really present. */
#define IDX_FIRST_CHUNK ((size_t)16 << 20)
/* gzread takes an unsigned length and returns an int. */
#define IDX_MAX_READ ((size_t)1 << 30)

/* Reads up to n bytes; stops early only at end of data or on an error, which
 * is left in gz's state for gz_status. */
static size_t gz_read_upto(gzFile gz, void *buf, size_t n, int *read_errno)
{
    size_t got = 0;
    while (got < n) {
        size_t want = n - got < IDX_MAX_READ ? n - got : IDX_MAX_READ;
        errno = 0;
        int r = gzread(gz, (char *)buf + got, (unsigned)want);
        if (r <= 0) {
            if (r < 0) *read_errno = errno;
            break;
        }
        got += (size_t)r;
    }
    return got;
}

/* The error zlib recorded while reading, if any. A gzip stream that ends
 * before its trailer is Z_BUF_ERROR, which gzread reports only here. */
static ae_status gz_status(gzFile gz, const char *path, int read_errno, ae_error *err)
{
    int code;
    const char *msg = gzerror(gz, &code);
    /* zlib's message reads "PATH: problem"; keep the problem */
    size_t n = strlen(path);
    if (msg && strncmp(msg, path, n) == 0 && strncmp(msg + n, ": ", 2) == 0) msg += n + 2;
    switch (code) {
    case Z_OK: return AE_OK;
    case Z_ERRNO: return ae_fail(err, AE_ERR_IO, "%s: read failed: %s", path, strerror(read_errno ? read_errno : EIO));
    case Z_MEM_ERROR: return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory while decompressing", path);
    case Z_BUF_ERROR: return ae_fail(err, AE_ERR_FORMAT, "%s: gzip stream cut short (unexpected end of file)", path);
    default: return ae_fail(err, AE_ERR_FORMAT, "%s: corrupt gzip data: %s", path, msg ? msg : "unknown error");
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static ae_status read_header(gzFile gz, const char *path, int want_rank, ae_idx_raw *raw, int *read_errno,
                             ae_error *err)
{
    uint8_t magic[4];
    size_t got = gz_read_upto(gz, magic, 4, read_errno);
    ae_status st = gz_status(gz, path, *read_errno, err);
    if (st) return st;
    if (got == 0) return ae_fail(err, AE_ERR_FORMAT, "%s: empty file, not an IDX file", path);
    if (got < 4) return ae_fail(err, AE_ERR_FORMAT, "%s: truncated IDX header (%zu bytes)", path, got);
    if (magic[0] != 0 || magic[1] != 0)
        return ae_fail(err, AE_ERR_FORMAT, "%s: not an IDX file (magic %02x %02x %02x %02x, expected 00 00 08 0N)",
                       path, magic[0], magic[1], magic[2], magic[3]);
    if (magic[2] != 0x08)
        return ae_fail(err, AE_ERR_FORMAT, "%s: unsupported IDX dtype 0x%02x (only 0x08, uint8, is supported)", path,
                       magic[2]);
    int rank = magic[3];
    if (want_rank > 0 && rank != want_rank)
        return ae_fail(err, AE_ERR_FORMAT, "%s: expected an IDX %s file of rank %d (magic 0x%08x), found rank %d",
                       path, want_rank == 3 ? "image" : want_rank == 1 ? "label" : "data", want_rank,
                       0x800u | (unsigned)want_rank, rank);
    if (rank < 1 || rank > AE_IDX_MAX_RANK)
        return ae_fail(err, AE_ERR_FORMAT, "%s: unsupported IDX rank %d (1 to %d)", path, rank, AE_IDX_MAX_RANK);

    uint8_t dims[4 * AE_IDX_MAX_RANK];
    size_t dims_len = 4 * (size_t)rank;
    got = gz_read_upto(gz, dims, dims_len, read_errno);
    if ((st = gz_status(gz, path, *read_errno, err))) return st;
    if (got < dims_len)
        return ae_fail(err, AE_ERR_FORMAT, "%s: truncated IDX header (%zu of %zu dimension bytes)", path, got,
                       dims_len);
    raw->rank = rank;
    raw->count = 1;
    for (int k = 0; k < rank; k++) {
        raw->dims[k] = be32(dims + 4 * k);
        if (raw->dims[k] == 0) return ae_fail(err, AE_ERR_FORMAT, "%s: IDX dimension %d is 0", path, k);
        if (raw->count > SIZE_MAX / raw->dims[k])
            return ae_fail(err, AE_ERR_FORMAT, "%s: IDX dimensions overflow the address space", path);
        raw->count *= raw->dims[k];
    }
    return AE_OK;
}

/* Reads the body into raw->data, then drains whatever follows so gzip's
 * CRC and length trailer are verified and trailing bytes are counted. */
static ae_status read_body(gzFile gz, const char *path, const char *what, ae_idx_raw *raw, int *read_errno,
                           ae_error *err)
{
    size_t expected = raw->count, have = 0, cap = 0;
    uint8_t *buf = NULL;
    for (;;) {
        if (have == cap) {
            if (cap == expected) break;
            size_t next = cap == 0 ? IDX_FIRST_CHUNK : (cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2);
            if (next > expected) next = expected;
            uint8_t *nb = realloc(buf, next);
            if (!nb) {
                free(buf);
                return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, expected);
            }
            buf = nb;
            cap = next;
        }
        size_t got = gz_read_upto(gz, buf + have, cap - have, read_errno);
        have += got;
        if (have < cap) break; /* end of data or an error */
    }
    size_t extra = 0;
    if (have == expected) {
        uint8_t scratch[4096];
        size_t got;
        while ((got = gz_read_upto(gz, scratch, sizeof scratch, read_errno)) > 0) extra += got;
    }
    ae_status st = gz_status(gz, path, *read_errno, err);
    if (st == AE_OK && have < expected)
        st = ae_fail(err, AE_ERR_FORMAT, "%s: truncated: expected %zu bytes of %s data, found %zu", path, expected,
                     what, have);
    if (st == AE_OK && extra > 0)
        st = ae_fail(err, AE_ERR_FORMAT, "%s: %zu bytes of trailing data after the %zu bytes of %s data", path,
                     extra, expected, what);
    if (st) {
        free(buf);
        return st;
    }
    raw->data = buf;
    return AE_OK;
}

ae_status ae_idx_read_raw(const char *path, int want_rank, const char *what, ae_idx_raw *raw, ae_error *err)
{
    memset(raw, 0, sizeof *raw);
    errno = 0;
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return errno ? ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", path, strerror(errno))
                     : ae_fail(err, AE_ERR_NOMEM, "%s: cannot open: out of memory", path);
    /* a large input buffer: fewer read() calls on a 26 MB archive */
    gzbuffer(gz, 1u << 18);
    int read_errno = 0;
    ae_status st = read_header(gz, path, want_rank, raw, &read_errno, err);
    if (st == AE_OK) st = read_body(gz, path, what, raw, &read_errno, err);
    gzclose_r(gz);
    if (st) memset(raw, 0, sizeof *raw);
    return st;
}

void ae_idx_raw_free(ae_idx_raw *raw)
{
    if (!raw) return;
    free(raw->data);
    memset(raw, 0, sizeof *raw);
}

static void unit_table(float table[256])
{
    /* a table rather than a division per pixel; v / 255.0f is correctly
     * rounded, which is what NumPy's float32 division gives too */
    for (int v = 0; v < 256; v++) table[v] = (float)v / 255.0f;
}

void ae_u8_to_unit_float(const uint8_t *src, size_t n, float *dst)
{
    float table[256];
    unit_table(table);
    for (size_t i = 0; i < n; i++) dst[i] = table[src[i]];
}

float *ae_idx_raw_to_floats(ae_idx_raw *raw, size_t n_floats)
{
    if (n_floats < raw->count || n_floats > SIZE_MAX / sizeof(float)) return NULL;
    /* realloc of a large block remaps pages instead of copying them */
    void *grown = realloc(raw->data, (n_floats ? n_floats : 1) * sizeof(float));
    if (!grown) return NULL;
    float table[256];
    unit_table(table);
    /* back to front: float i covers bytes 4i..4i+3, above every byte j < i
     * still to be read */
    const uint8_t *src = grown;
    float *dst = grown;
    for (size_t i = raw->count; i-- > 0;) {
        uint8_t v = src[i];
        dst[i] = table[v];
    }
    raw->data = NULL;
    raw->count = 0;
    return dst;
}

static ae_status raw_to_matrix(const char *path, ae_idx_raw *raw, ae_matrix *x, ae_error *err)
{
    size_t rows = raw->dims[0], cols = raw->count / rows;
    float *f = ae_idx_raw_to_floats(raw, raw->count);
    if (!f) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory for a %zu x %zu matrix", path, rows, cols);
    x->rows = rows;
    x->cols = cols;
    x->data = f;
    return AE_OK;
}

ae_status ae_idx_read_images(const char *path, ae_matrix *x, int *height, int *width, ae_error *err)
{
    memset(x, 0, sizeof *x);
    ae_idx_raw raw;
    ae_status st = ae_idx_read_raw(path, 3, "image", &raw, err);
    if (st) return st;
    if (raw.dims[1] > INT_MAX || raw.dims[2] > INT_MAX) {
        ae_idx_raw_free(&raw);
        return ae_fail(err, AE_ERR_FORMAT, "%s: image size %" PRIu32 " x %" PRIu32 " is too large", path,
                       raw.dims[1], raw.dims[2]);
    }
    st = raw_to_matrix(path, &raw, x, err);
    if (st == AE_OK) {
        if (height) *height = (int)raw.dims[1];
        if (width) *width = (int)raw.dims[2];
    }
    ae_idx_raw_free(&raw);
    return st;
}

ae_status ae_idx_read_labels(const char *path, ae_labels *y, ae_error *err)
{
    memset(y, 0, sizeof *y);
    ae_idx_raw raw;
    ae_status st = ae_idx_read_raw(path, 1, "label", &raw, err);
    if (st) return st;
    st = ae_labels_alloc(y, raw.count, err);
    if (st == AE_OK)
        for (size_t i = 0; i < raw.count; i++) y->data[i] = raw.data[i];
    else
        st = ae_fail(err, st, "%s: out of memory for %zu labels", path, raw.count);
    ae_idx_raw_free(&raw);
    return st;
}

ae_status ae_idx_read_matrix(const char *path, ae_matrix *x, ae_error *err)
{
    memset(x, 0, sizeof *x);
    ae_idx_raw raw;
    ae_status st = ae_idx_read_raw(path, 0, "array", &raw, err);
    if (st) return st;
    st = raw_to_matrix(path, &raw, x, err);
    ae_idx_raw_free(&raw);
    return st;
}
