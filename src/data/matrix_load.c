/* Loading a user-supplied matrix or label file, whichever of the formats
 * aeclust reads it is in: the first bytes decide (.npy magic, gzip magic or
 * an IDX header), never the file name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "aeclust/data.h"
#include "aeclust/npy.h"
#include "npy_format.h"

typedef enum { FMT_NPY, FMT_IDX } file_format;

static ae_status sniff(const char *path, file_format *fmt, ae_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || S_ISDIR(sb.st_mode)) {
        fclose(f);
        return ae_fail(err, AE_ERR_IO, "%s: is a folder, not a file", path);
    }
    unsigned char b[AE_NPY_MAGIC_LEN];
    size_t got = fread(b, 1, sizeof b, f);
    int failed = ferror(f);
    fclose(f);
    if (failed) return ae_fail(err, AE_ERR_IO, "%s: read failed: %s", path, strerror(errno));
    if (got == 0) return ae_fail(err, AE_ERR_FORMAT, "%s: empty file", path);
    if (got == sizeof b && memcmp(b, AE_NPY_MAGIC, sizeof b) == 0)
        *fmt = FMT_NPY;
    else if (got >= 2 && ((b[0] == 0x1f && b[1] == 0x8b) || (b[0] == 0 && b[1] == 0)))
        *fmt = FMT_IDX; /* gzip (IDX inside, checked by the reader) or plain IDX */
    else
        return ae_fail(err, AE_ERR_FORMAT, "%s: unknown format: neither a .npy file nor an IDX file (plain or gzip)",
                       path);
    return AE_OK;
}

ae_status ae_matrix_load(const char *path, ae_matrix *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    file_format fmt;
    ae_status st = sniff(path, &fmt, err);
    if (st) return st;
    st = fmt == FMT_NPY ? ae_npy_read_matrix(path, out, err) : ae_idx_read_matrix(path, out, err);
    if (st) return st;
    if (out->rows == 0 || out->cols == 0)
        st = ae_fail(err, AE_ERR_FORMAT, "%s: empty array (%zu x %zu)", path, out->rows, out->cols);
    else if (fmt == FMT_NPY) /* IDX bytes are always finite */
        st = ae_matrix_check_finite(out, path, err);
    if (st) ae_matrix_free(out);
    return st;
}

ae_status ae_labels_load(const char *path, ae_labels *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    file_format fmt;
    ae_status st = sniff(path, &fmt, err);
    if (st) return st;
    st = fmt == FMT_NPY ? ae_npy_read_labels(path, out, err) : ae_idx_read_labels(path, out, err);
    if (st) return st;
    if (out->n == 0) {
        ae_labels_free(out);
        return ae_fail(err, AE_ERR_FORMAT, "%s: empty array", path);
    }
    return AE_OK;
}
