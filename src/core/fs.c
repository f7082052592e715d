#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ae_status ae_mkdir_p(const char *path, ae_error *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return ae_fail(err, AE_ERR_ARG, "%s: path too long", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return ae_fail(err, AE_ERR_IO, "%s: cannot create folder: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return ae_fail(err, AE_ERR_IO, "%s: cannot create folder: %s", buf, strerror(errno));
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
        return ae_fail(err, AE_ERR_IO, "%s: not a folder", path);
    return AE_OK;
}

ae_status ae_remove_tree(const char *path, ae_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT ? AE_OK : ae_fail(err, AE_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) return ae_fail(err, AE_ERR_IO, "%s: cannot open folder: %s", path, strerror(errno));
        struct dirent *e;
        ae_status rc = AE_OK;
        while (rc == AE_OK && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            size_t n = strlen(path) + strlen(e->d_name) + 2;
            char *child = malloc(n);
            if (!child) {
                rc = ae_fail(err, AE_ERR_NOMEM, "out of memory");
                break;
            }
            snprintf(child, n, "%s/%s", path, e->d_name);
            rc = ae_remove_tree(child, err);
            free(child);
        }
        closedir(d);
        if (rc) return rc;
        if (rmdir(path) != 0) return ae_fail(err, AE_ERR_IO, "%s: cannot remove: %s", path, strerror(errno));
        return AE_OK;
    }
    if (unlink(path) != 0) return ae_fail(err, AE_ERR_IO, "%s: cannot remove: %s", path, strerror(errno));
    return AE_OK;
}

static ae_status parent_of(const char *path, char *out, size_t n, ae_error *err)
{
    if (snprintf(out, n, "%s", path) >= (int)n) return ae_fail(err, AE_ERR_ARG, "%s: path too long", path);
    char *slash = strrchr(out, '/');
    if (!slash)
        snprintf(out, n, ".");
    else if (slash == out)
        out[1] = '\0';
    else
        *slash = '\0';
    return AE_OK;
}

/* final without trailing slashes, into buf; an error for an empty path. */
static ae_status clean_path(const char *final, char *buf, size_t n, ae_error *err)
{
    if (snprintf(buf, n, "%s", final) >= (int)n) return ae_fail(err, AE_ERR_ARG, "%s: path too long", final);
    size_t len = strlen(buf);
    while (len > 1 && buf[len - 1] == '/') buf[--len] = '\0';
    if (len == 0) return ae_fail(err, AE_ERR_ARG, "empty output folder name");
    if (!strcmp(buf, "/") || !strcmp(buf, ".") || !strcmp(buf, ".."))
        return ae_fail(err, AE_ERR_ARG, "%s: cannot be replaced by a run folder", final);
    return AE_OK;
}

ae_status ae_stage_dir(const char *final, char *out, size_t n, ae_error *err)
{
    char target[4096], parent[4096];
    ae_status st = clean_path(final, target, sizeof target, err);
    if (st || (st = parent_of(target, parent, sizeof parent, err)) || (st = ae_mkdir_p(parent, err))) return st;
    struct stat sb;
    if (lstat(target, &sb) == 0 && !S_ISDIR(sb.st_mode))
        return ae_fail(err, AE_ERR_IO, "%s: exists and is not a folder", final);
    if (snprintf(out, n, "%s.tmp.XXXXXX", target) >= (int)n)
        return ae_fail(err, AE_ERR_ARG, "%s: path too long", final);
    if (!mkdtemp(out)) return ae_fail(err, AE_ERR_IO, "%s: cannot create a folder next to it: %s", final, strerror(errno));
    /* mkdtemp makes it owner-only; a finished run folder gets the usual permissions */
    mode_t mask = umask(0);
    umask(mask);
    if (chmod(out, 0777 & ~mask) != 0) {
        int e = errno;
        rmdir(out);
        return ae_fail(err, AE_ERR_IO, "%s: cannot set permissions: %s", final, strerror(e));
    }
    return AE_OK;
}

ae_status ae_stage_commit(const char *staging, const char *final_path, ae_error *err)
{
    char final[4096];
    ae_status rc = clean_path(final_path, final, sizeof final, err);
    if (rc) return rc;
    struct stat st;
    char old[4096] = "";
    if (lstat(final, &st) == 0) {
        if (snprintf(old, sizeof old, "%s.old.XXXXXX", final) >= (int)sizeof old)
            return ae_fail(err, AE_ERR_ARG, "%s: path too long", final);
        if (!mkdtemp(old)) return ae_fail(err, AE_ERR_IO, "%s: %s", final, strerror(errno));
        /* rename cannot replace a non-empty folder: move the old one into a
         * placeholder first (rename over the empty placeholder is allowed) */
        if (rename(final, old) != 0) {
            int e = errno;
            rmdir(old);
            return ae_fail(err, AE_ERR_IO, "%s: cannot replace: %s", final, strerror(e));
        }
    }
    if (rename(staging, final) != 0) {
        int e = errno;
        if (old[0]) rename(old, final);
        return ae_fail(err, AE_ERR_IO, "%s: cannot move the new run into place: %s", final, strerror(e));
    }
    return old[0] ? ae_remove_tree(old, err) : AE_OK;
}
