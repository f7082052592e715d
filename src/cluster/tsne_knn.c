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
 * Each thread of the pool (core/pool.h) claims query blocks and runs both
 * the products (ae_sgemm_split: OpenBLAS on the calling thread) and the heap
 * pass on its own tile, which stays in cache. Alternating OpenBLAS's threaded
 * GEMMs with heap passes on other threads was slower (10,000 x 32, k = 90:
 * 0.25-0.35 s against 0.2 s), OpenBLAS's idle threads spinning on the cores
 * the heap passes needed. A row's heap sees its candidates in the same order
 * whichever thread takes its block, so the neighbours do not depend on the
 * number of threads. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "core/gemm_split.h"
#include "core/pool.h"
#include "knn_heap.h"
#include "tsne_internal.h"

#define QB 64   /* query rows per tile */
#define RB 1024 /* reference rows per tile: QB x RB floats (256 KB) a thread */

typedef struct {
    const ae_matrix *x;
    const float *norms; /* (n) squared row norms */
    float *tiles;       /* a tile of QB x RB per thread of the pool */
    int k;
    int32_t *idx;
    float *d2;
} knn_ctx;

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

/* Offers candidate j at squared distance d to row i's heap (hd, hj). */
static inline void offer(const knn_ctx *c, float *hd, int32_t *hj, size_t i, size_t j, float d)
{
    if (d < hd[0] && j != i) {
        hd[0] = d > 0.0f ? d : 0.0f;
        hj[0] = (int32_t)j;
        knn_heap_sift_down(hd, hj, c->k, 0);
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

/* Query blocks [lo, hi) against every reference block, on the thread's tile. */
static void knn_blocks(void *ctx, size_t lo, size_t hi, int thread)
{
    const knn_ctx *c = ctx;
    size_t n = c->x->rows, d = c->x->cols;
    float *g = c->tiles + (size_t)thread * QB * RB;
    for (size_t b = lo; b < hi; b++) {
        size_t q0 = b * QB, qn = n - q0 < QB ? n - q0 : QB;
        for (size_t r0 = 0; r0 < n; r0 += RB) {
            size_t rn = n - r0 < RB ? n - r0 : RB;
            ae_sgemm_split(false, true, (int)qn, (int)rn, (int)d, 1.0f, ae_matrix_row(c->x, q0), (int)d,
                           ae_matrix_row(c->x, r0), (int)d, 0.0f, g, (int)rn);
            offer_tile(c, g, q0, qn, r0, rn);
        }
    }
}

/* Exact distances in double for the chosen neighbours, then an insertion
 * sort by (distance, index): the order does not depend on the tiling. */
static void refine_rows(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
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

static void row_norms(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
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
    ae_pool *pool = ae_pool_shared();
    float *norms = malloc(n * sizeof *norms);
    float *tiles = malloc((size_t)ae_pool_threads(pool) * QB * RB * sizeof *tiles);
    if (!norms || !tiles) {
        free(norms);
        free(tiles);
        return ae_fail(err, AE_ERR_NOMEM, "t-SNE: out of memory for the neighbour search of %zu points", n);
    }
    knn_ctx c = {.x = x, .norms = norms, .tiles = tiles, .k = k, .idx = idx, .d2 = d2};
    ae_pool_for(pool, n, ae_pool_grain(n, 4096), row_norms, &c);
    for (size_t i = 0; i < n * (size_t)k; i++) {
        d2[i] = FLT_MAX;
        idx[i] = -1;
    }
    /* one query block at a time (what a thread claims), more when that makes too many */
    size_t blocks = (n + QB - 1) / QB;
    ae_pool_for(pool, blocks, (blocks + AE_POOL_MAX_CHUNKS - 1) / AE_POOL_MAX_CHUNKS, knn_blocks, &c);
    free(norms);
    free(tiles);
    /* only distances that overflow float can leave a slot unfilled */
    for (size_t i = 0; i < n * (size_t)k; i++)
        if (idx[i] < 0)
            return ae_fail(err, AE_ERR_NUMERIC, "t-SNE: squared distances from row %zu overflow float; scale the data",
                           i / (size_t)k);
    ae_pool_for(pool, n, ae_pool_grain(n, 256), refine_rows, &c);
    return AE_OK;
}
