/* The assignment pass of Lloyd (and of predict): rows that may change
 * cluster are batched, one GEMM per batch gives -2 x.c' for every centre, the
 * smallest bias_j - 2 x.c'_j picks the cluster, and a row that changed
 * cluster moves its contribution between the two clusters' running sums.
 * Keeping the sums up to date instead of recomputing them costs nothing once
 * few rows change, so the GEMM is nearly all the work of an iteration. */
#include <math.h>
#include <string.h>

#include "core/gemm.h"
#include "kmeans_internal.h"

/* Relative size of the GEMM's rounding in a squared distance, per unit of
 * |x - off|^2 + scale: the worst case of a d-term float dot product (d * 2^-24),
 * twice (two products enter), plus slack for the norms. */
static float rounding_margin(size_t d) { return (float)(2.0 * ((double)d + 8.0) * 0x1p-24); }

/* bias_j = |c'_j|^2 + 2 off.c'_j (see kmeans_internal.h), and w->scale. */
static void centre_bias(ae_km_work *w, const float *cen)
{
    const size_t d = w->d;
    double off2 = 0.0, cmax = 0.0;
    for (size_t l = 0; l < d; l++) off2 += (double)w->off[l] * w->off[l];
    for (int j = 0; j < w->k; j++) {
        const float *c = cen + (size_t)j * d;
        double s = 0.0, c2 = 0.0;
#pragma omp simd reduction(+ : s, c2)
        for (size_t l = 0; l < d; l++) {
            s += (double)c[l] * (c[l] + 2.0 * w->off[l]);
            c2 += (double)c[l] * c[l];
        }
        w->bias[j] = (float)s;
        cmax = c2 > cmax ? c2 : cmax;
    }
    w->scale = (float)(off2 + cmax);
}

/* Row i leaves cluster `from` (-1: none) for cluster `to`. */
static void move_row(ae_km_work *w, size_t i, int from, int to)
{
    const size_t d = w->d;
    const float *restrict xi = w->xs + i * d;
    if (from >= 0) {
        double *restrict s = w->sums + (size_t)from * d;
#pragma omp simd
        for (size_t l = 0; l < d; l++) s[l] -= xi[l];
        w->counts[from]--;
    }
    double *restrict s = w->sums + (size_t)to * d;
#pragma omp simd
    for (size_t l = 0; l < d; l++) s[l] += xi[l];
    w->counts[to]++;
}

/* Assigns the m rows of w->batch (ascending); returns how many changed. */
static size_t assign_batch(ae_km_work *w, const float *cen, size_t m, bool update)
{
    const size_t d = w->d, kk = (size_t)w->k, *idx = w->batch;
    const int k = w->k;
    const float *rows = w->xs + idx[0] * d; // (m, d)
    if (idx[m - 1] - idx[0] + 1 != m) { /* not one run of rows: gather them */
        for (size_t r = 0; r < m; r++) memcpy(w->xbuf + r * d, w->xs + idx[r] * d, d * sizeof *w->xbuf);
        rows = w->xbuf;
    }
    // dist (m, k) = -2 rows (m, d) . cen^T (d, k)
    ae_sgemm(false, true, (int)m, k, (int)d, -2.0f, rows, (int)d, cen, (int)d, 0.0f, w->dist, k);
    w->gemm_rows += m;

    const float margin = rounding_margin(d);
    size_t changed = 0;
    for (size_t r = 0; r < m; r++) {
        const float *di = w->dist + r * kk;
        int best = 0;
        float v1 = w->bias[0] + di[0], v2 = INFINITY;
        for (int j = 1; j < k; j++) {
            float v = w->bias[j] + di[j];
            if (v < v1) {
                v2 = v1;
                v1 = v;
                best = j;
            } else if (v < v2) {
                v2 = v;
            }
        }
        const size_t i = idx[r];
        if (w->ub) { /* exact bounds again, widened by the rounding of the GEMM */
            const float e = margin * (w->xsq[i] + w->scale);
            w->ub[i] = sqrtf(fmaxf(0.0f, w->xsq[i] + v1 + e));
            w->lb[i] = sqrtf(fmaxf(0.0f, w->xsq[i] + v2 - e)); /* +inf for k = 1 */
        }
        if (w->labels[i] != best) {
            changed++;
            if (update) move_row(w, i, w->labels[i], best);
            w->labels[i] = best;
        }
    }
    return changed;
}

size_t ae_km_assign(ae_km_work *w, const float *cen, bool update)
{
    centre_bias(w, cen);
    size_t changed = 0, m = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->prune && w->ub[i] < w->lb[i]) continue; /* cannot change cluster */
        w->batch[m++] = i;
        if (m == w->chunk) {
            changed += assign_batch(w, cen, m, update);
            m = 0;
        }
    }
    if (m) changed += assign_batch(w, cen, m, update);
    return changed;
}

/* |a - b|^2 with the squares added in double: used for the reported inertia. */
static double sqdist_double(const float *a, const float *b, size_t d)
{
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (size_t j = 0; j < d; j++) {
        double t = (double)a[j] - b[j];
        s += t * t;
    }
    return s;
}

typedef struct {
    const float *x, *centroids;
    size_t n, d;
    const int32_t *labels;
    double *part;
} inertia_job;

/* part[b] = the squared distances of block b's rows, for the blocks in [lo, hi). */
static void inertia_blocks(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    const inertia_job *j = ctx;
    const size_t n = j->n, d = j->d;
    for (size_t b = lo; b < hi; b++) {
        double s = 0.0;
        size_t end = (b + 1) * AE_KM_BLOCK < n ? (b + 1) * AE_KM_BLOCK : n;
        for (size_t i = b * AE_KM_BLOCK; i < end; i++)
            s += sqdist_double(j->x + i * d, j->centroids + (size_t)j->labels[i] * d, d);
        j->part[b] = s;
    }
}

double ae_km_inertia(const float *x, size_t n, size_t d, const float *centroids, const int32_t *labels,
                     double *part)
{
    const size_t nb = (n + AE_KM_BLOCK - 1) / AE_KM_BLOCK;
    inertia_job j = {x, centroids, n, d, labels, part};
    ae_pool_for(n * d >= AE_KM_PAR_MIN ? ae_pool_shared() : NULL, nb, ae_pool_grain(nb, 1), inertia_blocks, &j);
    double total = 0.0;
    for (size_t b = 0; b < nb; b++) total += part[b];
    return total;
}
