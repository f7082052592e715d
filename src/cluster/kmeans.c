/* k-means public API: argument checks, n_init restarts from one seeded
 * generator, and prediction. The work itself is in kmeans_{init,lloyd,assign}.c. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/kmeans.h"
#include "kmeans_internal.h"

ae_kmeans_opts ae_kmeans_defaults(void)
{
    return (ae_kmeans_opts){.k = 10, .n_init = 10, .max_iter = 300, .tol = 1e-4, .seed = 0};
}

void ae_kmeans_result_free(ae_kmeans_result *r)
{
    if (!r) return;
    ae_matrix_free(&r->centroids);
    ae_labels_free(&r->labels);
    r->inertia = 0.0;
    r->n_iter = 0;
}

static ae_status check_points(const ae_matrix *x, const char *who, ae_error *err)
{
    if (!x || x->rows == 0 || x->cols == 0 || !x->data)
        return ae_fail(err, AE_ERR_ARG, "%s: x is empty (%zu x %zu)", who, x ? x->rows : 0, x ? x->cols : 0);
    if (x->cols > INT_MAX) /* a GEMM dimension */
        return ae_fail(err, AE_ERR_ARG, "%s: x has too many columns (%zu)", who, x->cols);
    return AE_OK;
}

static ae_status check_opts(const ae_matrix *x, const ae_kmeans_opts *o, ae_error *err)
{
    if (o->k <= 0) return ae_fail(err, AE_ERR_ARG, "k-means: k = %d must be at least 1", o->k);
    if ((size_t)o->k > x->rows)
        return ae_fail(err, AE_ERR_ARG, "k-means: k = %d is larger than the number of points (%zu)", o->k, x->rows);
    if (o->n_init <= 0) return ae_fail(err, AE_ERR_ARG, "k-means: n_init = %d must be at least 1", o->n_init);
    if (o->max_iter <= 0)
        return ae_fail(err, AE_ERR_ARG, "k-means: max_iter = %d must be at least 1", o->max_iter);
    if (!(o->tol >= 0.0) || isinf(o->tol))
        return ae_fail(err, AE_ERR_ARG, "k-means: tol = %g must be a finite number >= 0", o->tol);
    return AE_OK;
}

/* Squared distances are summed in float32 (|x|^2 + |c|^2 - 2 x.c by GEMM):
 * entries beyond sqrt(FLT_MAX / (4 d)) could overflow them into Inf and empty
 * every cluster. Such data is refused, naming the first entry too large. */
static ae_status check_magnitude(const ae_matrix *x, const char *what, ae_error *err)
{
    const double bound = sqrt((double)FLT_MAX / (4.0 * (double)(x->cols ? x->cols : 1)));
    const size_t n = x->rows * x->cols;
    for (size_t i = 0; i < n; i++)
        if (fabs(x->data[i]) > bound)
            return ae_fail(err, AE_ERR_NUMERIC,
                           "%s: |%g| at row %zu, column %zu is too large for float32 distances over %zu columns "
                           "(at most %.3g): scale the data first",
                           what, (double)x->data[i], i / x->cols, i % x->cols, x->cols, bound);
    return AE_OK;
}

ae_status ae_kmeans_fit(const ae_matrix *x, const ae_kmeans_opts *opts, ae_kmeans_result *out, ae_error *err)
{
    if (!out || !opts) return ae_fail(err, AE_ERR_ARG, "k-means: no options or no result");
    memset(out, 0, sizeof *out);
    ae_status st = check_points(x, "k-means", err);
    if (!st) st = check_opts(x, opts, err);
    if (!st) st = ae_matrix_check_finite(x, "k-means: x", err);
    if (!st) st = check_magnitude(x, "k-means: x", err);
    if (st) return st;

    const size_t n = x->rows, d = x->cols, kk = (size_t)opts->k;
    ae_km_work w;
    if ((st = ae_km_work_init(&w, x, opts->k, true, err))) return st;
    size_t *seeds = malloc(kk * sizeof *seeds);       // (k)
    float *cen = malloc(kk * d * sizeof *cen);        // (k, d) a restart's centroids, x's coordinates
    if (!seeds || !cen) st = ae_fail(err, AE_ERR_NOMEM, "k-means: out of memory");
    if (!st) st = ae_matrix_alloc(&out->centroids, kk, d, err);
    if (!st) st = ae_labels_alloc(&out->labels, n, err);

    /* tolerance relative to the data's spread, as scikit-learn's _tolerance */
    const double tol_abs = opts->tol * w.sum_var / (double)d;
    ae_rng master;
    ae_rng_seed(&master, opts->seed);
    for (int r = 0; !st && r < opts->n_init; r++) {
        ae_rng rng; /* one independent stream per restart */
        ae_rng_seed(&rng, ae_rng_next(&master));
        ae_km_plusplus(&w, &rng, seeds);
        for (size_t j = 0; j < kk; j++)
            for (size_t l = 0; l < d; l++) w.cen[j * d + l] = x->data[seeds[j] * d + l] - w.mean[l];

        int n_iter = ae_km_lloyd(&w, opts->max_iter, tol_abs);

        ae_km_centroids(&w, cen);
        double inertia = ae_km_inertia(x->data, n, d, cen, w.labels, w.block);
        if (r == 0 || inertia < out->inertia) {
            memcpy(out->centroids.data, cen, kk * d * sizeof *cen);
            memcpy(out->labels.data, w.labels, n * sizeof *w.labels);
            out->inertia = inertia;
            out->n_iter = n_iter;
        }
    }
    free(seeds);
    free(cen);
    ae_km_work_free(&w);
    if (st) ae_kmeans_result_free(out);
    return st;
}

ae_status ae_kmeans_predict(const ae_matrix *centroids, const ae_matrix *x, ae_labels *labels, double *inertia,
                            ae_error *err)
{
    if (!labels) return ae_fail(err, AE_ERR_ARG, "k-means predict: no labels");
    memset(labels, 0, sizeof *labels);
    if (inertia) *inertia = 0.0;
    if (!centroids || centroids->rows == 0 || centroids->cols == 0 || !centroids->data)
        return ae_fail(err, AE_ERR_ARG, "k-means predict: no centroids");
    if (centroids->rows > INT_MAX || centroids->cols > INT_MAX)
        return ae_fail(err, AE_ERR_ARG, "k-means predict: centroids too large (%zu x %zu)", centroids->rows,
                       centroids->cols);
    if (!x || (x->rows && !x->data)) return ae_fail(err, AE_ERR_ARG, "k-means predict: no data");
    if (x->cols != centroids->cols)
        return ae_fail(err, AE_ERR_ARG, "k-means predict: x has %zu columns but the centroids have %zu", x->cols,
                       centroids->cols);
    ae_status st = ae_matrix_check_finite(centroids, "k-means predict: centroids", err);
    if (!st) st = ae_matrix_check_finite(x, "k-means predict: x", err);
    if (!st) st = check_magnitude(x, "k-means predict: x", err);
    if (!st) st = ae_labels_alloc(labels, x->rows, err);
    if (st || x->rows == 0) return st;

    const size_t n = x->rows, d = x->cols, kk = centroids->rows;
    ae_km_work w;
    if ((st = ae_km_work_init(&w, x, (int)kk, false, err))) {
        ae_labels_free(labels);
        return st;
    }
    /* centre on x's mean, as fit does, so distances lose no precision to an offset */
    for (size_t j = 0; j < kk; j++)
        for (size_t l = 0; l < d; l++) w.cen[j * d + l] = centroids->data[j * d + l] - w.mean[l];
    ae_km_assign(&w, w.cen, false);
    memcpy(labels->data, w.labels, n * sizeof *w.labels);
    if (inertia) *inertia = ae_km_inertia(x->data, n, d, centroids->data, labels->data, w.block);
    ae_km_work_free(&w);
    return AE_OK;
}
