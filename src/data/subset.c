/* Subsets and orderings of a data set: the first n, a seeded class-balanced
 * sample, a seeded shuffle, and concatenation. Every function keeps each
 * image row with its label. */
#include <stdlib.h>
#include <string.h>

#include "aeclust/data.h"
#include "aeclust/rng.h"

/* out = rows idx[0..n) of d, in that order. */
static ae_status gather(const ae_dataset *d, const size_t *idx, size_t n, ae_dataset *out, ae_error *err)
{
    size_t cols = d->x.cols;
    ae_status st = ae_matrix_alloc(&out->x, n, cols, err);
    if (!st) st = ae_labels_alloc(&out->y, n, err);
    if (st) {
        ae_dataset_free(out);
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(ae_matrix_row(&out->x, i), ae_matrix_row(&d->x, idx[i]), cols * sizeof(float));
        out->y.data[i] = d->y.data[idx[i]];
    }
    out->height = d->height;
    out->width = d->width;
    out->n_classes = d->n_classes;
    return AE_OK;
}

static ae_status check_shapes(const ae_dataset *d, const char *fn, ae_error *err)
{
    if (d->x.rows != d->y.n)
        return ae_fail(err, AE_ERR_ARG, "%s: the data set has %zu images but %zu labels", fn, d->x.rows, d->y.n);
    return AE_OK;
}

ae_status ae_dataset_take_first(const ae_dataset *d, size_t n, ae_dataset *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    ae_status st = check_shapes(d, "take_first", err);
    if (st) return st;
    if (n > d->y.n)
        return ae_fail(err, AE_ERR_ARG, "take_first: asked for %zu examples but the data set has %zu", n, d->y.n);
    st = ae_matrix_alloc(&out->x, n, d->x.cols, err);
    if (!st) st = ae_labels_alloc(&out->y, n, err);
    if (st) {
        ae_dataset_free(out);
        return st;
    }
    if (n) {
        memcpy(out->x.data, d->x.data, n * d->x.cols * sizeof(float));
        memcpy(out->y.data, d->y.data, n * sizeof(int32_t));
    }
    out->height = d->height;
    out->width = d->width;
    out->n_classes = d->n_classes;
    return AE_OK;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Draw order, fixed so a seed always picks the same examples: one generator
 * seeded with `seed`; for class 0, 1, ... in turn, a partial Fisher-Yates
 * shuffle (per_class steps) of that class's indices in data set order; the
 * picked indices are then sorted, so within a class examples keep their
 * relative order in d. */
/* per_class examples of each class: drawn with the seed, or the first ones
 * in data order when seed is NULL. */
static ae_status take_per_class(const ae_dataset *d, size_t per_class, const uint64_t *seed, ae_dataset *out,
                                ae_error *err)
{
    memset(out, 0, sizeof *out);
    ae_status st = check_shapes(d, "take_per_class", err);
    if (st) return st;
    int k = d->n_classes;
    if (k <= 0) return ae_fail(err, AE_ERR_ARG, "take_per_class: the data set has n_classes = %d", k);
    if (per_class == 0) return ae_fail(err, AE_ERR_ARG, "take_per_class: per_class must be at least 1");
    size_t n = d->y.n;
    size_t *start = calloc((size_t)k + 1, sizeof *start); /* (k+1) class offsets into order */
    size_t *cursor = calloc((size_t)k, sizeof *cursor);   /* (k) */
    size_t *order = malloc((n ? n : 1) * sizeof *order);  /* (n) indices grouped by class */
    size_t *pick = NULL;                                  /* (k * per_class), <= n once checked */
    if (!start || !cursor || !order) {
        st = ae_fail(err, AE_ERR_NOMEM, "take_per_class: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        int32_t c = d->y.data[i];
        if (c < 0 || c >= k) {
            st = ae_fail(err, AE_ERR_ARG, "take_per_class: label %d at index %zu is outside [0, %d)", (int)c, i, k);
            goto done;
        }
        start[c + 1]++;
    }
    for (int c = 0; c < k; c++) {
        if (start[c + 1] < per_class) {
            st = ae_fail(err, AE_ERR_ARG, "take_per_class: class %d has %zu examples, fewer than the %zu asked for",
                         c, start[c + 1], per_class);
            goto done;
        }
        start[c + 1] += start[c];
    }
    pick = malloc((size_t)k * per_class * sizeof *pick);
    if (!pick) {
        st = ae_fail(err, AE_ERR_NOMEM, "take_per_class: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        int32_t c = d->y.data[i];
        order[start[c] + cursor[c]++] = i;
    }
    ae_rng rng;
    ae_rng_seed(&rng, seed ? *seed : 0);
    for (int c = 0; c < k; c++) {
        size_t *b = order + start[c], m = start[c + 1] - start[c];
        for (size_t i = 0; seed && i < per_class; i++) {
            size_t j = i + (size_t)ae_rng_below(&rng, m - i);
            size_t t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        qsort(b, per_class, sizeof *b, cmp_size);
        memcpy(pick + (size_t)c * per_class, b, per_class * sizeof *b);
    }
    st = gather(d, pick, (size_t)k * per_class, out, err);
done:
    free(start);
    free(cursor);
    free(order);
    free(pick);
    return st;
}

/* Example i afterwards is example perm[i] before, perm being ae_rng_shuffle
 * of 0..n-1 with a generator seeded with `seed`. The permutation is applied
 * cycle by cycle, so the only extra memory is one row and O(n) indices. */
ae_status ae_dataset_take_per_class(const ae_dataset *d, size_t per_class, uint64_t seed, ae_dataset *out,
                                    ae_error *err)
{
    return take_per_class(d, per_class, &seed, out, err);
}

ae_status ae_dataset_take_first_per_class(const ae_dataset *d, size_t per_class, ae_dataset *out, ae_error *err)
{
    return take_per_class(d, per_class, NULL, out, err);
}

ae_status ae_dataset_shuffle(ae_dataset *d, uint64_t seed, ae_error *err)
{
    ae_status st = check_shapes(d, "shuffle", err);
    if (st) return st;
    size_t n = d->y.n, cols = d->x.cols;
    size_t *perm = malloc((n ? n : 1) * sizeof *perm);     /* (n) */
    unsigned char *done = calloc(n ? n : 1, 1);             /* (n) */
    float *tmp = malloc((cols ? cols : 1) * sizeof *tmp);  /* (cols) */
    if (!perm || !done || !tmp) {
        st = ae_fail(err, AE_ERR_NOMEM, "shuffle: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) perm[i] = i;
    ae_rng rng;
    ae_rng_seed(&rng, seed);
    ae_rng_shuffle(&rng, perm, n);
    for (size_t s = 0; s < n; s++) {
        if (done[s]) continue;
        memcpy(tmp, ae_matrix_row(&d->x, s), cols * sizeof *tmp);
        int32_t label = d->y.data[s];
        size_t j = s;
        for (;;) {
            size_t from = perm[j];
            done[j] = 1;
            if (from == s) {
                memcpy(ae_matrix_row(&d->x, j), tmp, cols * sizeof *tmp);
                d->y.data[j] = label;
                break;
            }
            memcpy(ae_matrix_row(&d->x, j), ae_matrix_row(&d->x, from), cols * sizeof *tmp);
            d->y.data[j] = d->y.data[from];
            j = from;
        }
    }
out:
    free(perm);
    free(done);
    free(tmp);
    return st;
}

ae_status ae_dataset_concat(const ae_dataset *a, const ae_dataset *b, ae_dataset *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    ae_status st = check_shapes(a, "concat", err);
    if (!st) st = check_shapes(b, "concat", err);
    if (st) return st;
    if (a->x.cols != b->x.cols || a->height != b->height || a->width != b->width)
        return ae_fail(err, AE_ERR_ARG, "concat: image sizes differ (%d x %d, %zu columns vs %d x %d, %zu columns)",
                       a->height, a->width, a->x.cols, b->height, b->width, b->x.cols);
    size_t n = a->y.n + b->y.n, cols = a->x.cols;
    st = ae_matrix_alloc(&out->x, n, cols, err);
    if (!st) st = ae_labels_alloc(&out->y, n, err);
    if (st) {
        ae_dataset_free(out);
        return st;
    }
    if (a->y.n) {
        memcpy(out->x.data, a->x.data, a->y.n * cols * sizeof(float));
        memcpy(out->y.data, a->y.data, a->y.n * sizeof(int32_t));
    }
    if (b->y.n) {
        memcpy(ae_matrix_row(&out->x, a->y.n), b->x.data, b->y.n * cols * sizeof(float));
        memcpy(out->y.data + a->y.n, b->y.data, b->y.n * sizeof(int32_t));
    }
    out->height = a->height;
    out->width = a->width;
    out->n_classes = a->n_classes > b->n_classes ? a->n_classes : b->n_classes;
    return AE_OK;
}
