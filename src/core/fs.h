/* Folder helpers for run folders: create with parents, remove a tree, and
 * swap a finished staging folder into place so a failed run never leaves a
 * half-written folder behind. Internal to the library. */
#ifndef AE_FS_H
#define AE_FS_H

#include <stddef.h>

#include "aeclust/status.h"

/* mkdir -p. */
ae_status ae_mkdir_p(const char *path, ae_error *err);
/* rm -r (does not follow symbolic links); a missing path is not an error. */
ae_status ae_remove_tree(const char *path, ae_error *err);
/* Creates an empty staging folder next to final (final.tmp.XXXXXX) and writes
 * its path to out (size n). */
ae_status ae_stage_dir(const char *final, char *out, size_t n, ae_error *err);
/* Moves staging onto final, replacing a previous final folder only once the
 * new one is in place. */
ae_status ae_stage_commit(const char *staging, const char *final, ae_error *err);

#endif
