/* Mean silhouette coefficient, Euclidean, exact, without an n x n matrix.
 *
 * s(p) = (b - a) / max(a, b), with a the mean distance from p to the other
 * members of its cluster and b the smallest mean distance from p to another
 * cluster; s = 0 for members of singleton clusters and when a = b = 0
 * (scikit-learn's nan_to_num of 0/0).
 *
 * Layout. Points are sorted by cluster and centred (distances do not change;
 * smaller norms mean less cancellation below). The upper triangle of the
 * distance matrix is walked in T x T tiles, tile (I, J) with J >= I, each
 * from one GEMM: d^2 = |x|^2 + |y|^2 - 2 x.y. A tile feeds its rows (points
 * of block I, summing over columns) and, off the diagonal, its columns
 * (points of block J, summing over rows), so every pair is computed once.
 *
 * Streaming. Because points are sorted by cluster and tiles are visited
 * row-block-major, every point meets the other points in ascending cluster
 * order: first as a column of the tiles above the diagonal (row blocks
 * 0..J-1), then as a row of its own row block. So each point needs only one
 * open partial sum (for the cluster being met) instead of one per cluster,
 * and memory is O(n d + T^2) whatever the number of clusters.
 *
 * Precision. |x|^2 + |y|^2 - 2 x.y loses digits when d^2 is small next to
 * |x|^2 + |y|^2, so those pairs (near duplicates, tight far-off clusters)
 * are recomputed directly in double from the input rows. Small problems run
 * the GEMM in double (it costs little there, and few pairs average out
 * rounding); large ones in float32, whose ~1e-7 relative error per pair is
 * unbiased and averages out over the n^2 pairs (10,000 Fashion-MNIST test
 * images: within 1e-8 of scikit-learn's float64 value). Distances and all
 * sums are double.
 *
 * Threads: the library's pool (core/pool.h) shares out the rows and the
 * column chunks of each tile. Every point's sums are added in the same order
 * whoever computes them, so the result does not depend on the number of
 * threads. The `omp simd` pragmas only vectorise (GCC's -O2 cost model leaves
 * loops of unknown trip count scalar). */
#include "silhouette.h"

#include <cblas.h>
#if defined(__AVX__)
#include <immintrin.h>
#endif
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/metrics.h"
#include "aeclust/rng.h"
#include "core/gemm.h"
#include "core/pool.h"
#include "label_map.h"

/* A pair is recomputed in double when d^2 < AE_SIL_RECOMPUTE * (|x|^2 + |y|^2).
 * The float32 dot of two d-vectors is off by about sqrt(d) * 6e-8 * |x||y|,
 * so above this ratio d^2 keeps a relative error of at most ~1e-5 per pair
 * for d = 784 (typically far less), unbiased. */
#define AE_SIL_RECOMPUTE (1.0 / 64.0)

/* AUTO runs the GEMM in double up to this much work (n^2 d multiply-adds
 * over the full matrix: ~0.1 s of dgemm on 2 cores). */
#define AE_SIL_DOUBLE_WORK 4e9

/* Columns one thread sums at a time in the column pass. */
#define AE_SIL_COL_CHUNK 256

/* Below this many pairs per tile, sharing it out costs more than it saves. */
#define AE_SIL_PAR_MIN 16384

typedef struct {
    size_t n, d;
    bool dbl;           /* GEMM in double */
    float *xcf;         // (n, d) centred rows, sorted by cluster (float GEMM)
    double *xcd;        // (n, d) the same in double (double GEMM)
    double *sq;         // (n) squared norms of the centred rows
    const float *x;     // (input rows, d) the caller's rows, for exact recomputation
    size_t *orig;       // (n) input row of each sorted point
    int32_t *lab;       // (n) dense cluster of each sorted point, non-decreasing
    size_t *end;        // (k) one past the last sorted position of each cluster
    int64_t *size;      // (k) members per cluster
    int32_t *open_c;    // (n) cluster of the open partial sum, -1 if none
    double *open_sum;   // (n) the open partial sum
    double *intra;      // (n) sum of distances to the own cluster
    double *nearest;    // (n) smallest mean distance to another cluster
    const double *mean; // (d) the centre subtracted (during preparation only)
    /* the current tile: rows [i0, i0+m) x columns [j0, j0+w) */
    size_t i0, m, j0, w;
    const float *dotf;  // (m, w) GEMM output, float
    const double *dotd; // (m, w) GEMM output, double
    double *dist;       // (m, w) distances
} sil_state;

static void sil_close(sil_state *s, size_t p)
{
    int32_t c = s->open_c[p];
    if (c < 0) return;
    if (c == s->lab[p]) {
        s->intra[p] = s->open_sum[p];
    } else {
        double mean = s->open_sum[p] / (double)s->size[c];
        if (mean < s->nearest[p]) s->nearest[p] = mean;
    }
    s->open_c[p] = -1;
}

/* Adds `sum` (distances from p to some members of cluster c) to p's stream. */
static void sil_add(sil_state *s, size_t p, int32_t c, double sum)
{
    if (s->open_c[p] != c) {
        sil_close(s, p);
        s->open_c[p] = c;
        s->open_sum[p] = sum;
    } else {
        s->open_sum[p] += sum;
    }
}

static double exact_sq_dist(const float *a, const float *b, size_t d)
{
    double acc = 0.0;
#pragma omp simd reduction(+ : acc)
    for (size_t i = 0; i < d; i++) {
        double t = (double)a[i] - (double)b[i];
        acc += t * t;
    }
    return acc;
}

/* v[q] = sqrt(v[q]) for q < w: vector square roots where the target has
 * them (the C sqrt() keeps GCC from vectorising, for errno's sake). */
static void sqrt_row(double *v, size_t w)
{
    size_t q = 0;
#if defined(__AVX__)
    for (; q + 4 <= w; q += 4) _mm256_storeu_pd(v + q, _mm256_sqrt_pd(_mm256_loadu_pd(v + q)));
#endif
    for (; q < w; q++) v[q] = sqrt(v[q]);
}

/* Tile rows [lo, hi): dot products to distances, then each row point's
 * per-cluster sums over the tile's columns. */
static void row_pass(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    sil_state *s = ctx;
    const size_t d = s->d, w = s->w, j0 = s->j0;
    const double *restrict sq = s->sq + j0; // (w) squared norms of the columns
    for (size_t r = lo; r < hi; r++) {
        size_t p = s->i0 + r;
        double *restrict drow = s->dist + r * w; // (w)
        const double sp = s->sq[p];
        /* d^2, and whether any pair needs recomputing (rare: a separate
         * loop keeps this one vectorisable) */
        int cancel = 0;
        if (s->dbl) {
            const double *restrict dot = s->dotd + r * w;
#pragma omp simd reduction(| : cancel)
            for (size_t q = 0; q < w; q++) {
                drow[q] = sp + sq[q] - 2.0 * dot[q];
                cancel |= drow[q] < AE_SIL_RECOMPUTE * (sp + sq[q]);
            }
        } else {
            const float *restrict dot = s->dotf + r * w;
#pragma omp simd reduction(| : cancel)
            for (size_t q = 0; q < w; q++) {
                drow[q] = sp + sq[q] - 2.0 * (double)dot[q];
                cancel |= drow[q] < AE_SIL_RECOMPUTE * (sp + sq[q]);
            }
        }
        if (cancel) {
            const float *xp = s->x + s->orig[p] * d;
            for (size_t q = 0; q < w; q++)
                if (drow[q] < AE_SIL_RECOMPUTE * (sp + sq[q]))
                    drow[q] = exact_sq_dist(xp, s->x + s->orig[j0 + q] * d, d);
        }
        sqrt_row(drow, w);
        if (j0 == s->i0) drow[r] = 0.0; /* the point itself */
        for (size_t q = 0; q < w;) {
            int32_t c = s->lab[j0 + q];
            size_t stop = (s->end[c] < j0 + w ? s->end[c] : j0 + w) - j0;
            double sum = 0.0;
#pragma omp simd reduction(+ : sum)
            for (size_t u = q; u < stop; u++) sum += drow[u];
            sil_add(s, p, c, sum);
            q = stop;
        }
    }
}

/* Column chunks [lo, hi) of AE_SIL_COL_CHUNK: each column point's
 * per-cluster sums over the tile's rows. */
static void col_pass(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    sil_state *s = ctx;
    const size_t w = s->w, i0 = s->i0, m = s->m;
    double acc[AE_SIL_COL_CHUNK]; // (len) sums over the current row segment
    for (size_t ch = lo; ch < hi; ch++) {
        size_t q0 = ch * AE_SIL_COL_CHUNK;
        size_t len = w - q0 < AE_SIL_COL_CHUNK ? w - q0 : AE_SIL_COL_CHUNK;
        for (size_t r = 0; r < m;) {
            int32_t c = s->lab[i0 + r];
            size_t stop = (s->end[c] < i0 + m ? s->end[c] : i0 + m) - i0;
            for (size_t q = 0; q < len; q++) acc[q] = 0.0;
            for (; r < stop; r++) {
                const double *drow = s->dist + r * w + q0; // (len)
#pragma omp simd
                for (size_t q = 0; q < len; q++) acc[q] += drow[q];
            }
            for (size_t q = 0; q < len; q++) sil_add(s, s->j0 + q0 + q, c, acc[q]);
        }
    }
}

/* Sorted points [lo, hi): centred copy, squared norm, empty streams. */
static void centre_pass(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    sil_state *s = ctx;
    const size_t d = s->d;
    for (size_t p = lo; p < hi; p++) {
        const float *row = s->x + s->orig[p] * d;
        double norm = 0.0;
        if (s->dbl) {
            double *out = s->xcd + p * d;
#pragma omp simd reduction(+ : norm)
            for (size_t j = 0; j < d; j++) {
                out[j] = (double)row[j] - s->mean[j];
                norm += out[j] * out[j];
            }
        } else {
            float *out = s->xcf + p * d;
#pragma omp simd reduction(+ : norm)
            for (size_t j = 0; j < d; j++) {
                out[j] = (float)((double)row[j] - s->mean[j]);
                norm += (double)out[j] * (double)out[j];
            }
        }
        s->sq[p] = norm;
        s->open_c[p] = -1;
        s->open_sum[p] = 0.0;
        s->intra[p] = 0.0;
        s->nearest[p] = INFINITY;
    }
}

/* Draws `m` of n row indices without replacement (a partial Fisher-Yates
 * shuffle), in draw order. */
static void draw_sample(size_t *idx, size_t n, size_t m, uint64_t seed)
{
    ae_rng rng;
    ae_rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++) idx[i] = i;
    for (size_t i = 0; i < m; i++) {
        size_t j = i + (size_t)ae_rng_below(&rng, (uint64_t)(n - i));
        size_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}

static void sil_free(sil_state *s)
{
    free(s->xcf);
    free(s->xcd);
    free(s->sq);
    free(s->orig);
    free(s->lab);
    free(s->end);
    free(s->size);
    free(s->open_c);
    free(s->open_sum);
    free(s->intra);
    free(s->nearest);
}

/* Fills s from the chosen rows sel[0..m): sorts them by cluster (stable) and
 * centres them. lm maps the chosen rows' labels. */
static ae_status sil_prepare(sil_state *s, const ae_matrix *x, const size_t *sel, size_t m, const ae_label_map *lm,
                             bool dbl, ae_error *err)
{
    size_t d = x->cols;
    s->n = m;
    s->d = d;
    s->dbl = dbl;
    s->x = x->data;
    if (dbl)
        s->xcd = malloc(m * d * sizeof *s->xcd);
    else
        s->xcf = malloc(m * d * sizeof *s->xcf);
    s->sq = malloc(m * sizeof *s->sq);
    s->orig = malloc(m * sizeof *s->orig);
    s->lab = malloc(m * sizeof *s->lab);
    s->end = malloc((size_t)lm->k * sizeof *s->end);
    s->size = malloc((size_t)lm->k * sizeof *s->size);
    s->open_c = malloc(m * sizeof *s->open_c);
    s->open_sum = malloc(m * sizeof *s->open_sum);
    s->intra = malloc(m * sizeof *s->intra);
    s->nearest = malloc(m * sizeof *s->nearest);
    double *mean = calloc(d, sizeof *mean); // (d)
    if ((!s->xcd && !s->xcf) || !s->sq || !s->orig || !s->lab || !s->end || !s->size || !s->open_c ||
        !s->open_sum || !s->intra || !s->nearest || !mean) {
        free(mean);
        return ae_fail(err, AE_ERR_NOMEM, "silhouette: out of memory for %zu x %zu points", m, d);
    }

    /* counting sort by cluster; end[c] serves as the insertion cursor */
    size_t acc = 0;
    for (int c = 0; c < lm->k; c++) {
        s->size[c] = lm->counts[c];
        s->end[c] = acc;
        acc += (size_t)lm->counts[c];
    }
    for (size_t i = 0; i < m; i++) {
        int32_t c = lm->index[i];
        size_t pos = s->end[c]++;
        s->orig[pos] = sel[i];
        s->lab[pos] = c;
    }

    for (size_t p = 0; p < m; p++) {
        const float *row = x->data + s->orig[p] * d;
        for (size_t j = 0; j < d; j++) mean[j] += row[j];
    }
    for (size_t j = 0; j < d; j++) mean[j] /= (double)m;
    s->mean = mean;
    ae_pool_for(ae_pool_shared(), m, ae_pool_grain(m, 256), centre_pass, s);
    s->mean = NULL;
    free(mean);
    return AE_OK;
}

/* The tile walk; returns the mean silhouette. */
static ae_status sil_compute(sil_state *s, size_t tile, double *out, ae_error *err)
{
    size_t n = s->n, d = s->d, t = tile < n ? tile : n;
    float *dotf = s->dbl ? NULL : malloc(t * t * sizeof *dotf);  // (t, t) float GEMM output
    double *dotd = s->dbl ? malloc(t * t * sizeof *dotd) : NULL; // (t, t) double GEMM output
    double *dist = malloc(t * t * sizeof *dist);                 // (t, t) distances
    if ((!dotf && !dotd) || !dist) {
        free(dotf);
        free(dotd);
        free(dist);
        return ae_fail(err, AE_ERR_NOMEM, "silhouette: out of memory for a %zu x %zu tile", t, t);
    }
    s->dotf = dotf;
    s->dotd = dotd;
    s->dist = dist;
    ae_pool *pool = ae_pool_shared();
    for (size_t i0 = 0; i0 < n; i0 += t) {
        size_t m = n - i0 < t ? n - i0 : t;
        for (size_t j0 = i0; j0 < n; j0 += t) {
            size_t w = n - j0 < t ? n - j0 : t;
            if (s->dbl)
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)w, (int)d, 1.0, s->xcd + i0 * d,
                            (int)d, s->xcd + j0 * d, (int)d, 0.0, dotd, (int)w);
            else
                ae_sgemm(false, true, (int)m, (int)w, (int)d, 1.0f, s->xcf + i0 * d, (int)d, s->xcf + j0 * d, (int)d,
                         0.0f, dotf, (int)w);
            s->i0 = i0, s->m = m, s->j0 = j0, s->w = w;
            ae_pool *p = m * w >= AE_SIL_PAR_MIN ? pool : NULL; /* threads or not */
            ae_pool_for(p, m, ae_pool_grain(m, 8), row_pass, s);
            if (j0 != i0) ae_pool_for(p, (w + AE_SIL_COL_CHUNK - 1) / AE_SIL_COL_CHUNK, 1, col_pass, s);
        }
    }
    free(dotf);
    free(dotd);
    free(dist);

    double total = 0.0;
    for (size_t p = 0; p < n; p++) {
        sil_close(s, p);
        int64_t own = s->size[s->lab[p]];
        if (own <= 1) continue; /* singleton cluster: s = 0 */
        double a = s->intra[p] / (double)(own - 1), b = s->nearest[p];
        double hi = a > b ? a : b;
        if (hi > 0.0) total += (b - a) / hi;
    }
    *out = total / (double)n;
    return AE_OK;
}

ae_status ae_silhouette_tiled(const ae_matrix *x, const int32_t *pred, size_t sample, uint64_t seed, size_t tile,
                              ae_sil_gemm gemm, double *out, ae_error *err)
{
    size_t n = x->rows, d = x->cols;
    if (n == 0) return ae_fail(err, AE_ERR_ARG, "silhouette: no points (n = 0)");
    if (d == 0) return ae_fail(err, AE_ERR_ARG, "silhouette: points have no features (0 columns)");
    if (d > INT_MAX || tile == 0 || tile > 46340) /* tile^2 must fit an int for the GEMM */
        return ae_fail(err, AE_ERR_ARG, "silhouette: unsupported size (%zu columns, tile %zu)", d, tile);
    ae_status st = ae_matrix_check_finite(x, "silhouette", err);
    if (st) return st;
    for (size_t i = 0; i < n; i++)
        if (pred[i] < 0)
            return ae_fail(err, AE_ERR_ARG, "silhouette: negative label %d at index %zu", (int)pred[i], i);

    size_t m = sample > 0 && sample < n ? sample : n;
    size_t *sel = malloc(n * sizeof *sel); // (n) the first m are the chosen rows
    int32_t *sub = malloc(m * sizeof *sub); // (m) their labels
    if (!sel || !sub) {
        free(sel);
        free(sub);
        return ae_fail(err, AE_ERR_NOMEM, "silhouette: out of memory for %zu points", n);
    }
    if (m < n) {
        draw_sample(sel, n, m, seed);
    } else {
        for (size_t i = 0; i < n; i++) sel[i] = i;
    }
    for (size_t i = 0; i < m; i++) sub[i] = pred[sel[i]];

    ae_label_map lm;
    st = ae_label_map_build(sub, m, "silhouette", &lm, err);
    free(sub);
    if (st) {
        free(sel);
        return st;
    }
    if (lm.k < 2 || (size_t)lm.k > m - 1) {
        st = ae_fail(err, AE_ERR_ARG, "silhouette: %d cluster%s among %zu %spoints; needs 2 to n - 1 = %zu clusters",
                     lm.k, lm.k == 1 ? "" : "s", m, m < n ? "sampled " : "", m - 1);
    } else {
        bool dbl = gemm == AE_SIL_GEMM_DOUBLE || (gemm == AE_SIL_GEMM_AUTO && (double)m * (double)m * (double)d <=
                                                                                  AE_SIL_DOUBLE_WORK);
        sil_state s;
        memset(&s, 0, sizeof s);
        st = sil_prepare(&s, x, sel, m, &lm, dbl, err);
        if (!st) st = sil_compute(&s, tile, out, err);
        sil_free(&s);
    }
    ae_label_map_free(&lm);
    free(sel);
    return st;
}

ae_status ae_silhouette(const ae_matrix *x, const int32_t *pred, size_t sample, uint64_t seed, double *out,
                        ae_error *err)
{
    return ae_silhouette_tiled(x, pred, sample, seed, AE_SILHOUETTE_TILE, AE_SIL_GEMM_AUTO, out, err);
}
