/* The t-SNE gradient (Student-t kernel, one degree of freedom):
 *
 *   dC/dy_i = 4 (exag * sum_j p_ij w_ij (y_i - y_j) - sum_j w_ij^2 (y_i - y_j) / Z),
 *   w_ij = 1 / (1 + |y_i - y_j|^2),  Z = sum_{k != l} w_kl,
 *
 * the attraction over the sparse P, the repulsion and Z by Barnes-Hut
 * (tsne_repulsion.c). One loop on the pool (core/pool.h) per iteration:
 * its threads claim groups of the tree, then blocks of rows of P. Every
 * point's sums depend only on the tree and P, and Z and the KL are summed
 * over points in a fixed order, so the result is the same for any number of
 * threads. The O(n^2) double-precision version is kept beside it for the
 * tests. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tsne_internal.h"

ae_status ae_tsne_work_alloc(tsne_work *w, size_t n, ae_error *err)
{
    memset(w, 0, sizeof *w);
    w->n = n;
    w->pool = ae_pool_shared();
    w->n_threads = ae_pool_threads(w->pool);
    w->list_cap = (n + 15) / 8 * 8; /* a list holds each point at most once, plus padding */
    void *lists = NULL;
    ae_status st = ae_tsne_tree_alloc(&w->tree, n, err);
    if (st) return st;
    w->rep = malloc(2 * n * sizeof *w->rep);
    w->z = malloc(n * sizeof *w->z);
    w->attr = malloc(2 * n * sizeof *w->attr);
    w->kl = malloc(n * sizeof *w->kl);
    if (posix_memalign(&lists, 64, (size_t)w->n_threads * 3 * w->list_cap * sizeof(float))) lists = NULL;
    w->lists = lists;
    if (!w->rep || !w->z || !w->attr || !w->kl || !w->lists) {
        ae_tsne_work_free(w);
        return ae_fail(err, AE_ERR_NOMEM, "t-SNE: out of memory for the gradient of %zu points", n);
    }
    return AE_OK;
}

void ae_tsne_work_free(tsne_work *w)
{
    if (!w) return;
    ae_tsne_tree_free(&w->tree);
    free(w->rep), free(w->z), free(w->attr), free(w->kl), free(w->lists);
    memset(w, 0, sizeof *w);
}

typedef struct {
    tsne_work *w;
    const tsne_sparse *P;
    const float *y;
    float theta;
    int want_kl;
    size_t group_grain, group_chunks; /* groups per chunk, chunks of groups */
    size_t row_grain;                 /* rows per chunk of the attraction */
} grad_ctx;

typedef float v8f __attribute__((vector_size(32)));

#define ROW_CHUNK 64   /* row entries gathered at a time for the vector loop */
#define ROWS_A_TAKE 64 /* rows a thread takes at a time */

/* Items per chunk: `grain`, or more when the groups' and the rows' chunks
 * together would not fit one ae_pool_run. */
static size_t chunk_items(size_t count, size_t grain)
{
    const size_t cap = AE_POOL_MAX_CHUNKS / 2;
    return (count + grain - 1) / grain > cap ? (count + cap - 1) / cap : grain;
}

/* Attraction of point i; with want_kl also sum_j p_ij log(1 / w_ij). The
 * neighbours' offsets are gathered into small arrays first so that the
 * arithmetic (a division per entry) runs 8 entries at a time. */
static void attraction(const grad_ctx *c, size_t i)
{
    const tsne_sparse *P = c->P;
    const float *y = c->y;
    float yx = y[2 * i], yy = y[2 * i + 1];
    float gx[ROW_CHUNK] __attribute__((aligned(32))), gy[ROW_CHUNK] __attribute__((aligned(32)));
    float gp[8] __attribute__((aligned(32)));
    const v8f one = {1, 1, 1, 1, 1, 1, 1, 1};
    v8f fx = {0}, fy = {0};
    double kl = 0;
    for (size_t e0 = P->rowptr[i], end = P->rowptr[i + 1]; e0 < end; e0 += ROW_CHUNK) {
        size_t m = end - e0 < ROW_CHUNK ? end - e0 : ROW_CHUNK, full = m / 8 * 8, t;
        const float *p = P->val + e0;
        for (t = 0; t < m; t++) {
            size_t j = (size_t)P->col[e0 + t];
            gx[t] = yx - y[2 * j];
            gy[t] = yy - y[2 * j + 1];
        }
        for (t = 0; t < 8; t++) /* the last partial block, padded with p = 0 */
            gp[t] = full + t < m ? p[full + t] : 0.0f;
        for (t = m; t % 8; t++) gx[t] = gy[t] = 0.0f;
        for (size_t v = 0; v < t; v += 8) {
            v8f dx, dy, pv;
            memcpy(&dx, gx + v, sizeof dx);
            memcpy(&dy, gy + v, sizeof dy);
            memcpy(&pv, v < full ? p + v : gp, sizeof pv);
            v8f pq = pv / (one + dx * dx + dy * dy);
            fx += pq * dx;
            fy += pq * dy;
        }
        if (c->want_kl) /* log(1 + d2): float's log is exact enough at t-SNE's distances */
            for (t = 0; t < m; t++) kl += p[t] * logf(1.0f + gx[t] * gx[t] + gy[t] * gy[t]);
    }
    c->w->attr[2 * i] = ((fx[0] + fx[4]) + (fx[1] + fx[5])) + ((fx[2] + fx[6]) + (fx[3] + fx[7]));
    c->w->attr[2 * i + 1] = ((fy[0] + fy[4]) + (fy[1] + fy[5])) + ((fy[2] + fy[6]) + (fy[3] + fy[7]));
    c->w->kl[i] = kl;
}

/* Chunk `chunk` of an iteration: the first ones are groups of the tree (the
 * thread's own interaction list), the rest blocks of rows for the attraction
 * (in index order: P streams from memory). */
static void grad_chunk(void *ctx, int chunk, int thread)
{
    const grad_ctx *c = ctx;
    tsne_work *w = c->w;
    if ((size_t)chunk < c->group_chunks) {
        float *list = w->lists + (size_t)thread * 3 * w->list_cap;
        size_t g0 = (size_t)chunk * c->group_grain, g1 = g0 + c->group_grain;
        for (size_t g = g0; g < g1 && g < w->tree.n_groups; g++) ae_tsne_repulsion_group(w, g, c->theta, list);
    } else {
        size_t r0 = ((size_t)chunk - c->group_chunks) * c->row_grain, r1 = r0 + c->row_grain;
        for (size_t i = r0; i < r1 && i < w->n; i++) attraction(c, i);
    }
}

void ae_tsne_gradient(tsne_work *w, const tsne_sparse *P, float exag, const float *y, float theta, float *grad,
                      double *kl)
{
    size_t n = w->n;
    ae_tsne_tree_build(&w->tree, y);
    grad_ctx c = {w, P, y, theta, kl != NULL, chunk_items(w->tree.n_groups, 1), 0, chunk_items(n, ROWS_A_TAKE)};
    c.group_chunks = (w->tree.n_groups + c.group_grain - 1) / c.group_grain;
    ae_pool_run(w->pool, (int)(c.group_chunks + (n + c.row_grain - 1) / c.row_grain), grad_chunk, &c);
    double z = 0; /* in a fixed order: the same sum for any number of threads */
    for (size_t s = 0; s < n; s++) z += w->z[s];
    float inv_z = (float)(1.0 / z);
    for (size_t s = 0; s < n; s++) {
        size_t i = w->tree.order[s];
        grad[2 * i] = 4.0f * (exag * w->attr[2 * i] - w->rep[2 * s] * inv_z);
        grad[2 * i + 1] = 4.0f * (exag * w->attr[2 * i + 1] - w->rep[2 * s + 1] * inv_z);
    }
    if (kl) {
        double sum = 0;
        for (size_t i = 0; i < n; i++) sum += w->kl[i];
        *kl = P->plogp + sum + P->sum * log(z); /* sum p log(p Z / w) */
    }
}

void ae_tsne_gradient_exact(const tsne_sparse *P, float exag, const float *y, float *grad, double *kl)
{
    size_t n = P->n;
    double z = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (j != i) {
                double dx = (double)y[2 * i] - y[2 * j], dy = (double)y[2 * i + 1] - y[2 * j + 1];
                z += 1.0 / (1.0 + dx * dx + dy * dy);
            }
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double ax = 0, ay = 0, rx = 0, ry = 0;
        for (size_t j = 0; j < n; j++) {
            double dx = (double)y[2 * i] - y[2 * j], dy = (double)y[2 * i + 1] - y[2 * j + 1];
            double q = 1.0 / (1.0 + dx * dx + dy * dy);
            rx += q * q * dx;
            ry += q * q * dy;
        }
        for (size_t e = P->rowptr[i]; e < P->rowptr[i + 1]; e++) {
            size_t j = (size_t)P->col[e];
            double dx = (double)y[2 * i] - y[2 * j], dy = (double)y[2 * i + 1] - y[2 * j + 1];
            double q = 1.0 / (1.0 + dx * dx + dy * dy), p = P->val[e];
            ax += p * q * dx;
            ay += p * q * dy;
            if (p > 0) sum += p * log(p * z / q); /* computed apart from P->plogp on purpose */
        }
        grad[2 * i] = (float)(4.0 * (exag * ax - rx / z));
        grad[2 * i + 1] = (float)(4.0 * (exag * ay - ry / z));
    }
    if (kl) *kl = sum;
}
