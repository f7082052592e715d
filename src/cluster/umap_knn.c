/* Exact k nearest neighbours for UMAP (a fit's graph, a transform's
 * neighbours among the fitted rows, and the recall check of NN-descent).
 *
 * Squared distances come from GEMM tiles, |a|^2 + |b|^2 - 2 a.b, one block
 * of QB query rows against one block of RB reference rows at a time (never
 * the nq x nr matrix). Each query row keeps its best candidates in a
 * max-heap in its own row of a scratch array, and 8 candidates cost one
 * vector comparison against the heap's worst once it is full. The data are
 * centred on the reference rows' mean first, where the GEMM form loses least
 * to cancellation; the heap keeps MARGIN more candidates than asked, their
 * distances are recomputed in double and the best k kept, so a true
 * neighbour that rounding put just behind the k-th is not lost.
 *
 * Threads: the shared pool, by query blocks (fixed ranges), each thread with
 * its own tile; the products run on the calling thread (ae_sgemm_split).
 * A query row's candidates arrive in the same order whatever thread runs
 * it, and the final sort is by (distance, index): the result depends on
 * neither the timing nor the number of threads. */
#include <float.h>
#if defined(__AVX__)
#include <immintrin.h>
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/gemm_split.h"
#include "core/pool.h"
#include "knn_heap.h"
#include "umap_internal.h"

#define QB 128  /* query rows per tile */
#define RB 1024 /* reference rows per tile: QB x RB floats (512 KB) a thread */
#define MARGIN 4

typedef struct {
    const float *qc, *rc; /* widened centred copies (nq, d + 1), (nr, d + 1): see widen() */
    const float *qn;      /* squared norms of the centred query rows */
    size_t nq, nr, d;
    const int32_t *self; /* (nq) or NULL */
    int kh;              /* heap size */
    float *hd;           /* (nq, kh) heap distances */
    int32_t *hj;         /* (nq, kh) heap indices */
    float *tiles;        /* one QB x RB tile per pool thread */
    double *dd;          /* kh doubles per pool thread */
    const ae_matrix *q, *ref;
    int k;
    int32_t *idx;
    float *dist;
} knn_job;

static inline void offer(float *hd, int32_t *hj, int kh, int32_t skip, size_t j, float d)
{
    if (d < hd[0] && (int32_t)j != skip) {
        hd[0] = d > 0.0f ? d : 0.0f;
        hj[0] = (int32_t)j;
        knn_heap_sift_down(hd, hj, kh, 0);
    }
}

/* Whether any of g[0..32) is below t: one comparison of their minimum. */
static inline int any_below32(const float *g, float t)
{
#if defined(__AVX__)
    __m256 m = _mm256_min_ps(_mm256_min_ps(_mm256_loadu_ps(g), _mm256_loadu_ps(g + 8)),
                             _mm256_min_ps(_mm256_loadu_ps(g + 16), _mm256_loadu_ps(g + 24)));
    return _mm256_movemask_ps(_mm256_cmp_ps(m, _mm256_set1_ps(t), _CMP_LT_OQ)) != 0;
#else
    float m = g[0];
    for (int l = 1; l < 32; l++) m = g[l] < m ? g[l] : m;
    return m < t;
#endif
}

/* Offers query rows [q0, q0 + qn) the reference rows [r0, r0 + rn): g (qn x
 * rn) holds |r|^2 - 2 q.r, so r beats the heap's worst w when g < w - |q|^2. */
static void offer_tile(const knn_job *c, const float *g, size_t q0, size_t qn, size_t r0, size_t rn)
{
    for (size_t r = 0; r < qn; r++) {
        size_t i = q0 + r, col = 0;
        float *hd = c->hd + i * (size_t)c->kh;
        int32_t *hj = c->hj + i * (size_t)c->kh;
        int32_t skip = c->self ? c->self[i] : -1;
        const float *gr = g + r * rn;
        const float ni = c->qn[i];
        for (; col + 32 <= rn; col += 32) {
            if (!any_below32(gr + col, hd[0] - ni)) continue;
            for (size_t l = col; l < col + 32; l++) offer(hd, hj, c->kh, skip, r0 + l, ni + gr[l]);
        }
        for (; col < rn; col++) offer(hd, hj, c->kh, skip, r0 + col, ni + gr[col]);
    }
}

/* Query blocks [lo, hi) against every reference block. */
static void search_blocks(void *ctx, size_t lo, size_t hi, int thread)
{
    const knn_job *c = ctx;
    float *g = c->tiles + (size_t)thread * QB * RB;
    for (size_t b = lo; b < hi; b++) {
        size_t q0 = b * QB, qn = c->nq - q0 < QB ? c->nq - q0 : QB;
        for (size_t r0 = 0; r0 < c->nr; r0 += RB) {
            size_t rn = c->nr - r0 < RB ? c->nr - r0 : RB;
            const int w = (int)c->d + 1;
            ae_sgemm_split(false, true, (int)qn, (int)rn, w, 1.0f, c->qc + q0 * (size_t)w, w, c->rc + r0 * (size_t)w,
                           w, 0.0f, g, (int)rn);
            offer_tile(c, g, q0, qn, r0, rn);
        }
    }
}

/* The heap's candidates in double, sorted by (distance, index); the best k out. */
static void refine_rows(void *ctx, size_t lo, size_t hi, int thread)
{
    const knn_job *c = ctx;
    int kh = c->kh;
    double *dd = c->dd + (size_t)thread * (size_t)kh;
    for (size_t i = lo; i < hi; i++) {
        int32_t *rj = c->hj + i * (size_t)kh;
        const float *a = ae_matrix_row(c->q, i);
        for (int m = 0; m < kh; m++) {
            const float *b = ae_matrix_row(c->ref, (size_t)rj[m]);
            double s = 0;
            for (size_t e = 0; e < c->d; e++) {
                double t = (double)a[e] - (double)b[e];
                s += t * t;
            }
            /* insertion by (distance, index) */
            int32_t jv = rj[m];
            int p = m - 1;
            while (p >= 0 && (dd[p] > s || (dd[p] == s && rj[p] > jv))) {
                dd[p + 1] = dd[p];
                rj[p + 1] = rj[p];
                p--;
            }
            dd[p + 1] = s;
            rj[p + 1] = jv;
        }
        for (int m = 0; m < c->k; m++) {
            c->idx[i * (size_t)c->k + (size_t)m] = rj[m];
            c->dist[i * (size_t)c->k + (size_t)m] = (float)sqrt(dd[m]);
        }
    }
}

/* Rows of m centred on mean (d), widened by one column into out (rows, d + 1):
 * queries [x - mean, 1], references [-2 (x - mean), |x - mean|^2], so that
 * one GEMM gives |r|^2 - 2 q.r. norms (or NULL): the squared norms of the centred rows. */
static void widen(const ae_matrix *m, const double *mean, int reference, float *out, float *norms)
{
    size_t d = m->cols;
    for (size_t i = 0; i < m->rows; i++) {
        const float *a = ae_matrix_row(m, i);
        float *o = out + i * (d + 1), s = 0;
        for (size_t e = 0; e < d; e++) {
            float v = (float)((double)a[e] - mean[e]);
            o[e] = reference ? -2.0f * v : v;
            s += v * v;
        }
        o[d] = reference ? s : 1.0f;
        if (norms) norms[i] = s;
    }
}

ae_status ae_umap_knn_exact(const ae_matrix *q, const ae_matrix *ref, const int32_t *self, int k, int32_t *idx,
                            float *dist, ae_error *err)
{
    size_t nq = q->rows, nr = ref->rows, d = ref->cols;
    size_t avail = nr - (self ? 1 : 0);
    if (q->cols != d) return ae_fail(err, AE_ERR_ARG, "UMAP neighbours: %zu columns against %zu", q->cols, d);
    if (k < 1 || nr == 0 || (size_t)k > avail)
        return ae_fail(err, AE_ERR_ARG, "UMAP neighbours: %d asked of %zu rows", k, nr);
    if (nq == 0) return AE_OK;
    ae_pool *pool = ae_pool_shared();
    int threads = ae_pool_threads(pool);
    knn_job c = {.nq = nq, .nr = nr, .d = d, .self = self, .q = q, .ref = ref, .k = k, .idx = idx, .dist = dist};
    c.kh = (size_t)(k + MARGIN) < avail ? k + MARGIN : (int)avail;
    double *mean = calloc(d ? d : 1, sizeof *mean);
    float *qc = malloc(nq * (d + 1) * sizeof *qc), *qn = malloc(nq * sizeof *qn);
    float *rc = malloc(nr * (d + 1) * sizeof *rc);
    c.hd = malloc(nq * (size_t)c.kh * sizeof *c.hd);
    c.hj = malloc(nq * (size_t)c.kh * sizeof *c.hj);
    c.tiles = malloc((size_t)threads * QB * RB * sizeof *c.tiles);
    c.dd = malloc((size_t)threads * (size_t)c.kh * sizeof *c.dd);
    ae_status st = AE_OK;
    if (!mean || !qc || !qn || !rc || !c.hd || !c.hj || !c.tiles || !c.dd) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the neighbours of %zu rows", nq);
        goto done;
    }
    for (size_t i = 0; i < nr; i++)
        for (size_t e = 0; e < d; e++) mean[e] += ref->data[i * d + e];
    for (size_t e = 0; e < d; e++) mean[e] /= (double)nr;
    widen(q, mean, 0, qc, qn);
    widen(ref, mean, 1, rc, NULL);
    c.qc = qc, c.qn = qn, c.rc = rc;
    for (size_t i = 0; i < nq * (size_t)c.kh; i++) c.hd[i] = FLT_MAX, c.hj[i] = -1;
    size_t blocks = (nq + QB - 1) / QB;
    ae_pool_for(pool, blocks, ae_pool_grain(blocks, 1), search_blocks, &c);
    /* only distances that overflow float leave a slot unfilled */
    for (size_t i = 0; i < nq * (size_t)c.kh; i++)
        if (c.hj[i] < 0) {
            st = ae_fail(err, AE_ERR_NUMERIC, "UMAP: squared distances from row %zu overflow float; scale the data",
                         i / (size_t)c.kh);
            goto done;
        }
    ae_pool_for(pool, nq, ae_pool_grain(nq, 256), refine_rows, &c);
done:
    free(mean), free(rc);
    free(qc), free(qn), free(c.hd), free(c.hj), free(c.tiles), free(c.dd);
    return st;
}

/* ---- recall of approximate neighbours ---- */

ae_status ae_umap_recall_sample(const ae_matrix *x, const int32_t *idx, int k, size_t sample, uint64_t seed,
                             double *recall, ae_error *err)
{
    size_t n = x->rows, m = sample < n ? sample : n;
    *recall = NAN;
    if (m == 0) return AE_OK;
    ae_matrix qs = {0};
    int32_t *rows = malloc(m * sizeof *rows), *got = malloc(m * (size_t)k * sizeof *got);
    float *gd = malloc(m * (size_t)k * sizeof *gd);
    ae_status st = AE_OK;
    if (!rows || !got || !gd || ae_matrix_alloc(&qs, m, x->cols, err)) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the recall check");
        goto done;
    }
    /* m distinct rows: a partial Fisher-Yates shuffle on the index range, as a sorted sample */
    if (m == n)
        for (size_t i = 0; i < n; i++) rows[i] = (int32_t)i;
    else {
        int32_t *perm = malloc(n * sizeof *perm);
        if (!perm) {
            st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the recall check");
            goto done;
        }
        for (size_t i = 0; i < n; i++) perm[i] = (int32_t)i;
        uint64_t s = ae_umap_stream(seed, 0x7265636131ULL, 0);
        for (size_t i = 0; i < m; i++) {
            size_t j = i + ae_umap_below(&s, (uint32_t)(n - i));
            int32_t t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
            rows[i] = perm[i];
        }
        free(perm);
    }
    for (size_t i = 0; i < m; i++) memcpy(ae_matrix_row(&qs, i), ae_matrix_row(x, (size_t)rows[i]), x->cols * sizeof(float));
    if ((st = ae_umap_knn_exact(&qs, x, rows, k, got, gd, err))) goto done;
    size_t hit = 0;
    for (size_t i = 0; i < m; i++) {
        const int32_t *a = idx + (size_t)rows[i] * (size_t)k, *b = got + i * (size_t)k;
        for (int p = 0; p < k; p++)
            for (int r = 0; r < k; r++)
                if (a[r] == b[p]) {
                    hit++;
                    break;
                }
    }
    *recall = (double)hit / ((double)m * k);
done:
    ae_matrix_free(&qs);
    free(rows), free(got), free(gd);
    return st;
}
