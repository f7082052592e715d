#include "atomic_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void afile_release(ae_afile *f)
{
    free(f->path);
    free(f->tmp_path);
    f->path = f->tmp_path = NULL;
    f->fp = NULL;
}

ae_status ae_afile_open(ae_afile *f, const char *path, ae_error *err)
{
    memset(f, 0, sizeof *f);
    size_t len = strlen(path);
    f->path = malloc(len + 1);
    f->tmp_path = malloc(len + 16);
    if (!f->path || !f->tmp_path) {
        afile_release(f);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    }
    memcpy(f->path, path, len + 1);
    snprintf(f->tmp_path, len + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(f->tmp_path);
    if (fd < 0) {
        int e = errno;
        afile_release(f);
        return ae_fail(err, AE_ERR_IO, "%s: cannot create: %s", path, strerror(e));
    }
    /* mkstemp makes the file owner-only; give it the permissions a plain
     * fopen would, so outputs are as readable as any other file the user writes */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        int e = errno;
        close(fd);
        unlink(f->tmp_path);
        afile_release(f);
        return ae_fail(err, AE_ERR_IO, "%s: cannot set permissions: %s", path, strerror(e));
    }
    f->fp = fdopen(fd, "wb");
    if (!f->fp) {
        int e = errno;
        close(fd);
        unlink(f->tmp_path);
        afile_release(f);
        return ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", path, strerror(e));
    }
    return AE_OK;
}

ae_status ae_afile_write(ae_afile *f, const void *buf, size_t n, ae_error *err)
{
    if (n && fwrite(buf, 1, n, f->fp) != n) {
        f->failed = 1;
        return ae_fail(err, AE_ERR_IO, "%s: write failed: %s", f->path, strerror(errno));
    }
    return AE_OK;
}

ae_status ae_afile_printf(ae_afile *f, ae_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f->fp, fmt, ap);
    va_end(ap);
    if (r < 0) {
        f->failed = 1;
        return ae_fail(err, AE_ERR_IO, "%s: write failed: %s", f->path, strerror(errno));
    }
    return AE_OK;
}

ae_status ae_afile_commit(ae_afile *f, ae_error *err)
{
    ae_status st = AE_OK;
    if (f->failed)
        st = ae_fail(err, AE_ERR_IO, "%s: an earlier write failed", f->path);
    if (fflush(f->fp) != 0 && st == AE_OK)
        st = ae_fail(err, AE_ERR_IO, "%s: write failed: %s", f->path, strerror(errno));
    if (fclose(f->fp) != 0 && st == AE_OK)
        st = ae_fail(err, AE_ERR_IO, "%s: close failed: %s", f->path, strerror(errno));
    if (st == AE_OK && rename(f->tmp_path, f->path) != 0)
        st = ae_fail(err, AE_ERR_IO, "%s: cannot rename into place: %s", f->path, strerror(errno));
    if (st != AE_OK) unlink(f->tmp_path);
    afile_release(f);
    return st;
}

void ae_afile_abort(ae_afile *f)
{
    if (!f->fp) return;
    fclose(f->fp);
    unlink(f->tmp_path);
    afile_release(f);
}

ae_status ae_write_file_atomic(const char *path, const void *buf, size_t n, ae_error *err)
{
    ae_afile f;
    ae_status st = ae_afile_open(&f, path, err);
    if (st) return st;
    st = ae_afile_write(&f, buf, n, err);
    if (st) {
        ae_afile_abort(&f);
        return st;
    }
    return ae_afile_commit(&f, err);
}
