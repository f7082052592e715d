/* Write a file so that it appears whole or not at all: the bytes go to a
 * temporary file in the same folder, which is renamed over the target only
 * after every write and the close succeeded. Internal to the library. */
#ifndef AE_ATOMIC_FILE_H
#define AE_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "aeclust/status.h"

typedef struct {
    FILE *fp;
    char *path;     /* target, owned */
    char *tmp_path; /* temporary, owned */
    int failed;     /* a write failed: commit refuses */
} ae_afile;

/* Creates the temporary file for `path`. */
ae_status ae_afile_open(ae_afile *f, const char *path, ae_error *err);
/* Appends n bytes. */
ae_status ae_afile_write(ae_afile *f, const void *buf, size_t n, ae_error *err);
/* printf into the file. */
ae_status ae_afile_printf(ae_afile *f, ae_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Flushes, closes and renames onto the target; on any failure removes the
 * temporary file. Frees f's resources either way. */
ae_status ae_afile_commit(ae_afile *f, ae_error *err);
/* Closes and removes the temporary file, leaving the target untouched. */
void ae_afile_abort(ae_afile *f);

/* Writes a whole buffer to `path` atomically. */
ae_status ae_write_file_atomic(const char *path, const void *buf, size_t n, ae_error *err);

#endif
