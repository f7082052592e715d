/* The k-means workspace: every buffer a fit or a prediction needs, allocated
 * once up front, plus the column statistics of x (mean, variance,
 * |x - mean|^2) and, when x sits far from the origin, its centred copy. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kmeans_internal.h"

/* Rows per GEMM: big enough that OpenBLAS's threads pay off (measured best
 * at 1,000-2,000 rows of 784 floats, 10 centres), small enough that the rows
 * (CHUNK_BYTES of x) and the distances (CHUNK_BYTES of dist) stay cached. */
#define CHUNK_BYTES (4u << 20)
#define CHUNK_MIN 64
#define CHUNK_MAX 8192

/* Centre a copy of x when |mean|^2 exceeds this many times the mean
 * squared distance to the mean (see kmeans_internal.h). */
#define OFFSET_RATIO 4.0

static void *alloc_array(size_t count, size_t size, bool *ok)
{
    if (size && count > SIZE_MAX / size) {
        *ok = false;
        return NULL;
    }
    void *p = malloc(count ? count * size : 1);
    if (!p) *ok = false;
    return p;
}

void ae_km_work_free(ae_km_work *w)
{
    free(w->xcopy);
    free(w->mean);
    free(w->off);
    free(w->xsq);
    free(w->labels);
    free(w->cen);
    free(w->cen_new);
    free(w->bias);
    free(w->batch);
    free(w->xbuf);
    free(w->dist);
    free(w->ub);
    free(w->lb);
    free(w->delta);
    free(w->mind);
    free(w->sums);
    free(w->counts);
    free(w->block);
    free(w->closest);
    free(w->trial);
    memset(w, 0, sizeof *w);
}

typedef struct {
    ae_km_work *w;
    double *part; // (nblocks, d), later (nblocks)
} stats_job;

/* part[b] = the column sums of block b's rows, for the blocks in [lo, hi). */
static void column_sums(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    const stats_job *j = ctx;
    const size_t n = j->w->n, d = j->w->d;
    const float *x = j->w->x;
    for (size_t b = lo; b < hi; b++) {
        double *restrict s = j->part + b * d;
        memset(s, 0, d * sizeof *s);
        size_t end = (b + 1) * AE_KM_BLOCK < n ? (b + 1) * AE_KM_BLOCK : n;
        for (size_t i = b * AE_KM_BLOCK; i < end; i++) {
            const float *restrict xi = x + i * d;
#pragma omp simd
            for (size_t j = 0; j < d; j++) s[j] += xi[j];
        }
    }
}

/* xsq of block b's rows and part[b] = their sum, for the blocks in [lo, hi). */
static void centred_norms(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    const stats_job *j = ctx;
    ae_km_work *w = j->w;
    const size_t n = w->n, d = w->d;
    const float *x = w->x;
    for (size_t b = lo; b < hi; b++) {
        double s = 0.0;
        size_t end = (b + 1) * AE_KM_BLOCK < n ? (b + 1) * AE_KM_BLOCK : n;
        for (size_t i = b * AE_KM_BLOCK; i < end; i++) {
            const float *xi = x + i * d;
            double r = 0.0;
#pragma omp simd reduction(+ : r)
            for (size_t j = 0; j < d; j++) {
                double t = (double)xi[j] - w->mean[j];
                r += t * t;
            }
            w->xsq[i] = (float)r;
            s += r;
        }
        j->part[b] = s;
    }
}

/* mean, xsq and sum_var, with per-block partial sums added in block order so
 * the result does not depend on the number of threads. */
static ae_status column_stats(ae_km_work *w, ae_error *err)
{
    const size_t n = w->n, d = w->d, nb = w->nblocks;
    bool ok = nb <= SIZE_MAX / d;
    double *part = ok ? alloc_array(nb * d, sizeof *part, &ok) : NULL; // (nblocks, d), later (nblocks)
    if (!ok) {
        free(part);
        return ae_fail(err, AE_ERR_NOMEM, "k-means: out of memory for column statistics (%zu x %zu)", n, d);
    }
    stats_job job = {w, part};
    ae_pool *pool = ae_km_pass_pool(w, n * d);

    ae_pool_for(pool, nb, ae_pool_grain(nb, 1), column_sums, &job);
    for (size_t j = 0; j < d; j++) {
        double s = 0.0;
        for (size_t b = 0; b < nb; b++) s += part[b * d + j];
        w->mean[j] = (float)(s / (double)n);
    }

    ae_pool_for(pool, nb, ae_pool_grain(nb, 1), centred_norms, &job);
    double total = 0.0;
    for (size_t b = 0; b < nb; b++) total += part[b];
    w->sum_var = total / (double)n;
    free(part);
    return AE_OK;
}

/* Rows [lo, hi) of xcopy = x - mean. */
static void centre_rows(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    ae_km_work *w = ctx;
    const size_t d = w->d;
    const float *mean = w->mean;
    for (size_t i = lo; i < hi; i++) {
        const float *restrict src = w->x + i * d;
        float *restrict dst = w->xcopy + i * d;
#pragma omp simd
        for (size_t j = 0; j < d; j++) dst[j] = src[j] - mean[j];
    }
}

/* xs = x, or a centred copy of x when x's offset would cost the GEMM precision. */
static ae_status choose_rows(ae_km_work *w, ae_error *err)
{
    const size_t n = w->n, d = w->d;
    double m2 = 0.0;
    for (size_t j = 0; j < d; j++) m2 += (double)w->mean[j] * w->mean[j];
    w->xs = w->x;
    memcpy(w->off, w->mean, d * sizeof *w->off);
    if (!(m2 > OFFSET_RATIO * w->sum_var)) return AE_OK;

    bool ok = n <= SIZE_MAX / d;
    w->xcopy = ok ? alloc_array(n * d, sizeof(float), &ok) : NULL;
    if (!ok) return ae_fail(err, AE_ERR_NOMEM, "k-means: out of memory for a centred copy of %zu x %zu", n, d);
    ae_pool_for(ae_km_pass_pool(w, n * d), n, ae_pool_grain(n, 64), centre_rows, w);
    w->xs = w->xcopy;
    memset(w->off, 0, d * sizeof *w->off);
    return AE_OK;
}

ae_status ae_km_work_init(ae_km_work *w, const ae_matrix *x, int k, bool fit, ae_error *err)
{
    memset(w, 0, sizeof *w);
    const size_t n = x->rows, d = x->cols, kk = (size_t)k;
    w->n = n;
    w->d = d;
    w->k = k;
    w->x = x->data;
    w->pool = ae_pool_shared();
    size_t chunk = CHUNK_BYTES / (d * sizeof(float));
    size_t chunk_k = CHUNK_BYTES / (kk * sizeof(float));
    chunk = chunk_k < chunk ? chunk_k : chunk;
    chunk = chunk < CHUNK_MIN ? CHUNK_MIN : chunk > CHUNK_MAX ? CHUNK_MAX : chunk;
    w->chunk = chunk < n ? chunk : n;
    w->nblocks = (n + AE_KM_BLOCK - 1) / AE_KM_BLOCK;
    w->ntrials = 2 + (int)floor(log((double)k));

    const size_t L = (size_t)w->ntrials;
    bool ok = kk <= SIZE_MAX / d;
    if (ok) {
        w->mean = alloc_array(d, sizeof(float), &ok);
        w->off = alloc_array(d, sizeof(float), &ok);
        w->xsq = alloc_array(n, sizeof(float), &ok);
        w->labels = alloc_array(n, sizeof(int32_t), &ok);
        w->cen = alloc_array(kk * d, sizeof(float), &ok);
        w->bias = alloc_array(kk, sizeof(float), &ok);
        w->batch = alloc_array(w->chunk, sizeof(size_t), &ok);
        w->dist = alloc_array(w->chunk, kk * sizeof(float), &ok);
        w->block = alloc_array(w->nblocks, L * sizeof(double), &ok);
    }
    if (ok && fit) {
        w->cen_new = alloc_array(kk * d, sizeof(float), &ok);
        w->xbuf = alloc_array(w->chunk, d * sizeof(float), &ok);
        w->ub = alloc_array(n, sizeof(float), &ok);
        w->lb = alloc_array(n, sizeof(float), &ok);
        w->delta = alloc_array(kk, sizeof(float), &ok);
        w->mind = alloc_array(n, sizeof(float), &ok);
        w->sums = alloc_array(kk * d, sizeof(double), &ok);
        w->counts = alloc_array(kk, sizeof(int64_t), &ok);
        w->closest = alloc_array(n, sizeof(float), &ok);
        w->trial = alloc_array(n, L * sizeof(float), &ok);
    }
    if (!ok) {
        ae_km_work_free(w);
        return ae_fail(err, AE_ERR_NOMEM, "k-means: out of memory for %zu x %zu points and k = %d", n, d, k);
    }
    for (size_t i = 0; i < n; i++) w->labels[i] = -1;
    w->prune = fit;
    ae_status st = column_stats(w, err);
    if (!st) st = choose_rows(w, err);
    if (st) ae_km_work_free(w);
    return st;
}
