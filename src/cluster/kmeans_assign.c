/* The assignment pass of Lloyd (and of predict): for each chunk of rows, one
 * GEMM gives -2 x.c' for every centre, the smallest bias_j - 2 x.c'_j picks
 * the cluster, and a row that changed cluster moves its contribution between
 * the two clusters' running sums. Keeping the sums up to date instead of
 * recomputing them costs nothing once few rows change, so the GEMM is nearly
 * all the work of an iteration. */
#include <string.h>

#include "core/gemm.h"
#include "kmeans_internal.h"

/* bias_j = |c'_j|^2 + 2 off.c'_j (see kmeans_internal.h). */
static void centre_bias(ae_km_work *w, const float *cen)
{
    const size_t d = w->d;
    for (int j = 0; j < w->k; j++) {
        const float *c = cen + (size_t)j * d;
        double s = 0.0;
#pragma omp simd reduction(+ : s)
        for (size_t l = 0; l < d; l++) s += (double)c[l] * (c[l] + 2.0 * w->off[l]);
        w->bias[j] = (float)s;
    }
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

size_t ae_km_assign(ae_km_work *w, const float *cen, bool update)
{
    const size_t n = w->n, d = w->d, kk = (size_t)w->k;
    const int k = w->k;
    centre_bias(w, cen);

    size_t changed = 0;
    for (size_t r0 = 0; r0 < n; r0 += w->chunk) {
        const size_t m = n - r0 < w->chunk ? n - r0 : w->chunk;
        // dist (m, k) = -2 xs[r0 : r0 + m] (m, d) . cen^T (d, k)
        ae_sgemm(false, true, (int)m, k, (int)d, -2.0f, w->xs + r0 * d, (int)d, cen, (int)d, 0.0f, w->dist, k);
        for (size_t i = 0; i < m; i++) {
            const float *di = w->dist + i * kk;
            int best = 0;
            float bv = w->bias[0] + di[0];
            for (int j = 1; j < k; j++) {
                float v = w->bias[j] + di[j];
                if (v < bv) {
                    bv = v;
                    best = j;
                }
            }
            const size_t g = r0 + i;
            float md = w->xsq[g] + bv;
            w->mind[g] = md > 0.0f ? md : 0.0f;
            if (w->labels[g] != best) {
                changed++;
                if (update) move_row(w, g, w->labels[g], best);
                w->labels[g] = best;
            }
        }
    }
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

double ae_km_inertia(const float *x, size_t n, size_t d, const float *centroids, const int32_t *labels,
                     double *part)
{
    const size_t nb = (n + AE_KM_BLOCK - 1) / AE_KM_BLOCK;
#pragma omp parallel for schedule(static) if (n * d >= AE_KM_PAR_MIN)
    for (size_t b = 0; b < nb; b++) {
        double s = 0.0;
        size_t end = (b + 1) * AE_KM_BLOCK < n ? (b + 1) * AE_KM_BLOCK : n;
        for (size_t i = b * AE_KM_BLOCK; i < end; i++)
            s += sqdist_double(x + i * d, centroids + (size_t)labels[i] * d, d);
        part[b] = s;
    }
    double total = 0.0;
    for (size_t b = 0; b < nb; b++) total += part[b];
    return total;
}
