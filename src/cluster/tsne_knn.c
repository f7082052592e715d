/* Exact k nearest neighbours for t-SNE's affinities.
 *
 * Squared distances come from GEMM tiles, |a|^2 + |b|^2 - 2 a.b, for a block
 * of query rows against a block of reference rows at a time (never the n x n
 * matrix); each query row keeps its k best in a max-heap stored in its own
 * row of the outputs, and 8 candidates cost one vector comparison against
 * its worst once the heap is full. The k chosen distances are then
 * recomputed in double (the GEMM form cancels badly for close points) and
 * sorted.
 *
 * Each thread of the project's split takes query blocks and runs both the
 * products (ae_sgemm_split: OpenBLAS on the calling thread) and the heap pass
 * on its own tile, which stays in cache. Alternating OpenBLAS's threaded
 * GEMMs with heap passes on the split's threads was slower (10,000 x 32, k =
 * 90: 0.25-0.35 s against 0.2 s), OpenBLAS's idle threads spinning on the
 * cores the heap passes needed. */
#include <float.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/split_threads.h"
#include "core/gemm_split.h"
#include "tsne_internal.h"

#define QB 64   /* query rows per tile */
#define RB 1024 /* reference rows per tile: QB x RB floats (256 KB) a thread */
#define MAX_THREADS 64

typedef struct {
    const ae_matrix *x;
    const float *norms; /* (n) squared row norms */
    float *tiles;       /* n_threads tiles of QB x RB */
    int k;
    int32_t *idx;
    float *d2;
    atomic_size_t next_block; /* next query block to take */
} knn_ctx;

/* Restores the max-heap property of (d, j) below position pos. */
static void heap_sift_down(float *d, int32_t *j, int k, int pos)
{
    float dv = d[pos];
    int32_t jv = j[pos];
    for (;;) {
        int c = 2 * pos + 1;
        if (c >= k) break;
        if (c + 1 < k && d[c + 1] > d[c]) c++;
        if (d[c] <= dv) break;
        d[pos] = d[c];
        j[pos] = j[c];
        pos = c;
    }
    d[pos] = dv;
    j[pos] = jv;
}

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

/* Offers candidate j at squared distance d to row i's heap (hd, hj). */
static inline void offer(const knn_ctx *c, float *hd, int32_t *hj, size_t i, size_t j, float d)
{
    if (d < hd[0] && j != i) {
        hd[0] = d > 0.0f ? d : 0.0f;
        hj[0] = (int32_t)j;
        heap_sift_down(hd, hj, c->k, 0);
    }
}

/* Offers the distances of query rows [q0, q0 + qn) to reference rows
 * [r0, r0 + rn) (dot products in g, qn x rn) to the rows' heaps, 8 columns
 * at a time: once a heap is full, most blocks of 8 hold no candidate at all. */
static void offer_tile(const knn_ctx *c, const float *g, size_t q0, size_t qn, size_t r0, size_t rn)
{
    const float *nr = c->norms + r0;
    for (size_t r = 0; r < qn; r++) {
        size_t i = q0 + r, col = 0;
        float *hd = c->d2 + i * (size_t)c->k;
        int32_t *hj = c->idx + i * (size_t)c->k;
        const float *gr = g + r * rn;
        float ni = c->norms[i];
        for (; col + 8 <= rn; col += 8) {
            v8f gv, nv;
            memcpy(&gv, gr + col, sizeof gv);
            memcpy(&nv, nr + col, sizeof nv);
            v8f d = ni + nv - 2.0f * gv; /* the same operations, in the same order, as the tail's */
            v8i lt = d < hd[0];
            if (!(((lt[0] | lt[1]) | (lt[2] | lt[3])) | ((lt[4] | lt[5]) | (lt[6] | lt[7])))) continue;
            for (int l = 0; l < 8; l++) offer(c, hd, hj, i, r0 + col + (size_t)l, d[l]);
        }
        for (; col < rn; col++) offer(c, hd, hj, i, r0 + col, ni + nr[col] - 2.0f * gr[col]);
    }
}

/* Worker t: takes query blocks until none is left. */
static void knn_worker(void *ctx, size_t lo, size_t hi)
{
    knn_ctx *c = ctx;
    size_t n = c->x->rows, d = c->x->cols, blocks = (n + QB - 1) / QB;
    for (size_t t = lo; t < hi; t++) {
        float *g = c->tiles + t * QB * RB;
        for (;;) {
            size_t b = atomic_fetch_add(&c->next_block, 1);
            if (b >= blocks) break;
            size_t q0 = b * QB, qn = n - q0 < QB ? n - q0 : QB;
            for (size_t r0 = 0; r0 < n; r0 += RB) {
                size_t rn = n - r0 < RB ? n - r0 : RB;
                ae_sgemm_split(false, true, (int)qn, (int)rn, (int)d, 1.0f, ae_matrix_row(c->x, q0), (int)d,
                               ae_matrix_row(c->x, r0), (int)d, 0.0f, g, (int)rn);
                offer_tile(c, g, q0, qn, r0, rn);
            }
        }
    }
}

/* Exact distances in double for the chosen neighbours, then an insertion
 * sort by (distance, index): the order does not depend on the tiling. */
static void refine_rows(void *ctx, size_t lo, size_t hi)
{
    const knn_ctx *t = ctx;
    size_t d = t->x->cols;
    int k = t->k;
    for (size_t i = lo; i < hi; i++) {
        float *rd = t->d2 + i * (size_t)k;
        int32_t *rj = t->idx + i * (size_t)k;
        const float *a = ae_matrix_row(t->x, i);
        for (int m = 0; m < k; m++) {
            const float *b = ae_matrix_row(t->x, (size_t)rj[m]);
            double s = 0;
            for (size_t c = 0; c < d; c++) {
                double e = (double)a[c] - (double)b[c];
                s += e * e;
            }
            rd[m] = (float)s;
        }
        for (int m = 1; m < k; m++) {
            float dv = rd[m];
            int32_t jv = rj[m];
            int p = m - 1;
            while (p >= 0 && (rd[p] > dv || (rd[p] == dv && rj[p] > jv))) {
                rd[p + 1] = rd[p];
                rj[p + 1] = rj[p];
                p--;
            }
            rd[p + 1] = dv;
            rj[p + 1] = jv;
        }
    }
}

static void row_norms(void *ctx, size_t lo, size_t hi)
{
    knn_ctx *t = ctx;
    float *norms = (float *)t->norms;
    for (size_t i = lo; i < hi; i++) {
        const float *a = ae_matrix_row(t->x, i);
        float s = 0;
        for (size_t c = 0; c < t->x->cols; c++) s += a[c] * a[c];
        norms[i] = s;
    }
}

ae_status ae_tsne_knn(const ae_matrix *x, int k, int32_t *idx, float *d2, ae_error *err)
{
    size_t n = x->rows;
    if (k < 1 || (size_t)k >= n) return ae_fail(err, AE_ERR_ARG, "t-SNE: %d neighbours asked of %zu points", k, n);
    int threads = omp_get_max_threads();
    threads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    float *norms = malloc(n * sizeof *norms);
    float *tiles = malloc((size_t)threads * QB * RB * sizeof *tiles);
    if (!norms || !tiles) {
        free(norms);
        free(tiles);
        return ae_fail(err, AE_ERR_NOMEM, "t-SNE: out of memory for the neighbour search of %zu points", n);
    }
    knn_ctx c = {.x = x, .norms = norms, .tiles = tiles, .k = k, .idx = idx, .d2 = d2};
    atomic_init(&c.next_block, 0);
    ae_split_threads(row_norms, &c, n, 4096);
    for (size_t i = 0; i < n * (size_t)k; i++) {
        d2[i] = FLT_MAX;
        idx[i] = -1;
    }
    ae_split_threads(knn_worker, &c, (size_t)threads, 2);
    free(norms);
    free(tiles);
    /* only distances that overflow float can leave a slot unfilled */
    for (size_t i = 0; i < n * (size_t)k; i++)
        if (idx[i] < 0)
            return ae_fail(err, AE_ERR_NUMERIC, "t-SNE: squared distances from row %zu overflow float; scale the data",
                           i / (size_t)k);
    ae_split_threads(refine_rows, &c, n, 256);
    return AE_OK;
}
