/* Davies-Bouldin index as scikit-learn 1.2 defines it:
 *   DB = mean_i max_{j != i} (S_i + S_j) / |c_i - c_j|
 * with c the centroids and S_i the mean distance of cluster i's points to
 * c_i. Pairs of identical centroids contribute 0 (scikit-learn turns their
 * zero distance into infinity), and DB = 0 when all S_i, or all centroid
 * distances, are within 1e-8 of 0 (its np.allclose test).
 *
 * Everything is accumulated in double. scikit-learn, given float32 input,
 * averages the centroids in float32 and so moves in the 6th digit on
 * 10,000 x 784 pixels; given the same numbers as float64 it agrees with this
 * to ~1e-12. */
#include "aeclust/metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/pool.h"
#include "label_map.h"

/* np.allclose(v, 0) with its default atol. */
#define AE_DB_ATOL 1e-8

/* Below this many coordinates one thread is quicker. (The `omp simd`
 * pragmas only vectorise: GCC's -O2 cost model leaves loops of unknown trip
 * count scalar.) */
#define AE_DB_PAR_MIN 262144

/* Most feature columns a range of the centroid pass sums; the ranges are cut
 * evenly (784 pixels: two of 392). Every range reads all n rows, so narrow
 * ones cost: on 10,000 x 784, ranges of 64 columns made the index 1.5-2x
 * slower than ranges of 392 (measured on 2 shared cores). */
#define AE_DB_MAX_COLS 512

typedef struct {
    const float *x;         // (n, d)
    size_t n, d;
    const ae_label_map *lm;
    double *cent;           // (k, d)
    double *dist;           // (n) distance of each point to its centroid
} db_ctx;

/* Centroids over feature columns [lo, hi): threads split the columns, so
 * the sums do not depend on the thread count. */
static void centroid_pass(void *arg, size_t lo, size_t hi, int thread)
{
    (void)thread;
    db_ctx *c = arg;
    size_t d = c->d, k = (size_t)c->lm->k;
    for (size_t a = 0; a < k; a++)
        for (size_t j = lo; j < hi; j++) c->cent[a * d + j] = 0.0;
    for (size_t i = 0; i < c->n; i++) {
        double *cr = c->cent + (size_t)c->lm->index[i] * d;
        const float *xr = c->x + i * d;
#pragma omp simd
        for (size_t j = lo; j < hi; j++) cr[j] += xr[j];
    }
    for (size_t a = 0; a < k; a++)
        for (size_t j = lo; j < hi; j++) c->cent[a * d + j] /= (double)c->lm->counts[a];
}

/* Distances of points [lo, hi) to their centroids. */
static void spread_pass(void *arg, size_t lo, size_t hi, int thread)
{
    (void)thread;
    db_ctx *c = arg;
    size_t d = c->d;
    for (size_t i = lo; i < hi; i++) {
        const float *xr = c->x + i * d;
        const double *cr = c->cent + (size_t)c->lm->index[i] * d;
        double acc = 0.0;
#pragma omp simd reduction(+ : acc)
        for (size_t j = 0; j < d; j++) {
            double t = (double)xr[j] - cr[j];
            acc += t * t;
        }
        c->dist[i] = sqrt(acc);
    }
}

static double centroid_dist(const double *cent, size_t d, size_t a, size_t b)
{
    double acc = 0.0;
    for (size_t j = 0; j < d; j++) {
        double t = cent[a * d + j] - cent[b * d + j];
        acc += t * t;
    }
    return sqrt(acc);
}

ae_status ae_davies_bouldin(const ae_matrix *x, const int32_t *pred, double *out, ae_error *err)
{
    size_t n = x->rows, d = x->cols;
    if (n == 0) return ae_fail(err, AE_ERR_ARG, "davies-bouldin: no points (n = 0)");
    if (d == 0) return ae_fail(err, AE_ERR_ARG, "davies-bouldin: points have no features (0 columns)");
    ae_status st;
    ae_label_map lm;
    if ((st = ae_label_map_build(pred, n, "davies-bouldin", &lm, err))) return st;
    size_t k = (size_t)lm.k;
    if (k < 2 || k > n - 1) {
        st = ae_fail(err, AE_ERR_ARG, "davies-bouldin: %zu cluster%s among %zu points; needs 2 to n - 1 = %zu clusters",
                     k, k == 1 ? "" : "s", n, n - 1);
        ae_label_map_free(&lm);
        return st;
    }
    double *cent = malloc(k * d * sizeof *cent); // (k, d)
    double *dist = malloc(n * sizeof *dist);     // (n) distance of each point to its centroid
    double *intra = calloc(k, sizeof *intra);    // (k) mean of those per cluster
    if (!cent || !dist || !intra) {
        st = ae_fail(err, AE_ERR_NOMEM, "davies-bouldin: out of memory for %zu clusters x %zu features", k, d);
        goto done;
    }
    db_ctx ctx = {x->data, n, d, &lm, cent, dist};
    ae_pool *pool = n * d >= AE_DB_PAR_MIN ? ae_pool_shared() : NULL;
    const size_t col_ranges = (d + AE_DB_MAX_COLS - 1) / AE_DB_MAX_COLS;
    ae_pool_for(pool, d, (d + col_ranges - 1) / col_ranges, centroid_pass, &ctx);
    /* Double sums of finite floats cannot overflow, so a non-finite centroid
     * means NaN/Inf in x: checking k*d values instead of n*d saves a pass
     * over the data; the full check then names the first bad value. */
    for (size_t c = 0; c < k * d; c++)
        if (!isfinite(cent[c])) {
            st = ae_matrix_check_finite(x, "davies-bouldin", err);
            if (st) goto done;
            break;
        }
    ae_pool_for(pool, n, ae_pool_grain(n, 64), spread_pass, &ctx);
    for (size_t i = 0; i < n; i++) intra[lm.index[i]] += dist[i];
    int intra_all_zero = 1;
    for (size_t c = 0; c < k; c++) {
        intra[c] /= (double)lm.counts[c];
        if (fabs(intra[c]) > AE_DB_ATOL) intra_all_zero = 0;
    }

    /* Centroid distances are recomputed when needed rather than stored:
     * k may be as large as n - 1. */
    int cd_all_zero = 1;
    for (size_t a = 0; a < k && cd_all_zero; a++)
        for (size_t b = a + 1; b < k; b++)
            if (centroid_dist(cent, d, a, b) > AE_DB_ATOL) {
                cd_all_zero = 0;
                break;
            }
    if (intra_all_zero || cd_all_zero) {
        *out = 0.0;
    } else {
        double total = 0.0;
        for (size_t a = 0; a < k; a++) {
            double worst = 0.0;
            for (size_t b = 0; b < k; b++) {
                double cd = b == a ? 0.0 : centroid_dist(cent, d, a, b);
                if (cd == 0.0) continue; /* itself, or an identical centroid */
                double r = (intra[a] + intra[b]) / cd;
                if (r > worst) worst = r;
            }
            total += worst;
        }
        *out = total / (double)k;
    }
done:
    free(cent);
    free(dist);
    free(intra);
    ae_label_map_free(&lm);
    return st;
}
