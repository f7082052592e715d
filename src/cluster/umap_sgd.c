/* UMAP's optimisation: umap-learn 0.5's optimize_layout_euclidean, with a
 * parallel schedule that gives the same bytes at any thread count.
 *
 * umap-learn walks the edges in order, one thread when seeded (its parallel
 * mode is Hogwild: threads race on the positions, and the result changes
 * from run to run). Per edge i -> j due this epoch (every eps_ij epochs,
 * eps = max weight / weight), it pulls i towards j with
 *   -2ab d^2(b-1) / (1 + a d^2b) (y_i - y_j),
 * each coordinate clipped to [-4, 4], moving j the opposite way (a fit's
 * move_other), then pushes i away from negative_sample_rate / eps random
 * vertices k (bookkept as epochs per negative sample) with
 *   2 gamma b / ((0.001 + d^2)(1 + a d^2b)) (y_i - y_k),
 * clipped the same way (4 when d = 0), all at the learning rate
 * alpha = lr (1 - epoch / n_epochs).
 *
 * Here, in each epoch every vertex moves only itself, reading the others
 * from a snapshot of the positions taken when the epoch began, so vertices
 * can be updated on any thread in any order: the pool takes fixed ranges of
 * vertices, and a vertex's negative samples come from its own stream,
 * hash(seed, epoch, vertex). umap-learn samples each edge from both ends
 * and moves both ends each time (move_other); here each end moves at its
 * own sampling only, so a vertex gets half of umap-learn's pulls, the
 * pushes unchanged. Restoring the other half (twice the own pull, the own
 * pull again after the move, or the other end's pull applied at the end of
 * the epoch) kept fewer of the 10 nearest neighbours, measured with a plain
 * sequential walk: 0.349, 0.352, 0.387 against 0.391 (20,000 10-d points in
 * 10 blobs, 20 neighbours, min_dist 0; umap-learn's walk 0.401), and the
 * snapshot costs about 0.005 more (0.386). A transform moves the new points
 * against the fixed fitted ones: no snapshot (umap-learn's move_other is off
 * there too). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pool.h"
#include "umap_internal.h"

double ae_umap_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#define GROUP 4                /* vertices whose moves are interleaved */
#define PULL_BIT 0x80000000u   /* an item that pulls towards a neighbour (else a negative sample) */

typedef struct {
    const ae_umap_sgd *s;
    const float *src; /* where the other ends are read: the snapshot, or the fixed tail */
    double *next, *next_neg, *eps_neg; /* (nnz) */
    int epoch, fit;
    float alpha;
    size_t cap;        /* items per vertex of a group */
    uint32_t *items;   /* per pool thread: GROUP x cap */
} epoch_job;

static inline float clip4(float v) { return v > 4.0f ? 4.0f : v < -4.0f ? -4.0f : v; }

/* Squared distance with four partial sums (a shorter dependency chain than
 * one running sum; the order is fixed, so the result is too). */
static inline __attribute__((always_inline)) float dist2(const float *restrict x, const float *restrict y,
                                                         const int dim)
{
    float p0 = 0, p1 = 0, p2 = 0, p3 = 0;
    int c = 0;
#pragma GCC unroll 8
    for (; c + 4 <= dim; c += 4) {
        float t0 = x[c] - y[c], t1 = x[c + 1] - y[c + 1], t2 = x[c + 2] - y[c + 2], t3 = x[c + 3] - y[c + 3];
        p0 += t0 * t0, p1 += t1 * t1, p2 += t2 * t2, p3 += t3 * t3;
    }
    if (c < dim) p0 += (x[c] - y[c]) * (x[c] - y[c]);
    if (c + 1 < dim) p1 += (x[c + 1] - y[c + 1]) * (x[c + 1] - y[c + 1]);
    if (c + 2 < dim) p2 += (x[c + 2] - y[c + 2]) * (x[c + 2] - y[c + 2]);
    return (p0 + p1) + (p2 + p3);
}

/* One move of cur: a pull towards src[item] or a push away from it, without
 * branches (a vertex's pulls and pushes come in no pattern a predictor could
 * learn). One power serves both: d^2(b-1), and d^2b is d^2 times it. Points
 * closer than 1e-15 count as coincident: no pull, a push of 4 in every
 * coordinate (umap-learn's rule for d = 0). */
static inline __attribute__((always_inline)) void move(const epoch_job *j, float *restrict cur, uint32_t item,
                                                       const int dim)
{
    const ae_umap_sgd *s = j->s;
    const float a = s->a, b = s->b;
    const float *restrict o = j->src + (size_t)(item & ~PULL_BIT) * (size_t)dim;
    const int pull = (item & PULL_BIT) != 0;
    const float d2 = dist2(cur, o, dim);
    const int apart = d2 >= 1e-30f;
    const float x = apart ? d2 : 1.0f; /* a stand-in where the power is not used */
    const float p = powf(x, b - 1.0f), q = a * p * x + 1.0f; /* 1 + a d^2b */
    const float num = pull ? -2.0f * a * b * p : 2.0f * s->gamma * b;
    const float den = pull ? q : (0.001f + x) * q;
    const float coef = apart ? num / den : 0.0f;
    const float rest = apart || pull ? 0.0f : 4.0f;
#pragma GCC unroll 16
    for (int c = 0; c < dim; c++) cur[c] += j->alpha * (clip4(coef * (cur[c] - o[c])) + rest);
}

/* The moves of a group of vertices, each vertex's in its order, GROUP
 * vertices interleaved: a move waits for the one before it through the
 * vertex's position, and independent vertices side by side keep the core
 * busy during those waits and the random reads of the other ends. The
 * numbers are those of walking each vertex alone. */
static inline __attribute__((always_inline)) void walk_group(const epoch_job *j, const size_t *vertex, int nv,
                                                             uint32_t *const *items, const size_t *len,
                                                             const int dim)
{
    size_t least = SIZE_MAX;
    float *cur[GROUP];
    for (int v = 0; v < nv; v++) {
        least = len[v] < least ? len[v] : least;
        cur[v] = j->s->head + vertex[v] * (size_t)dim;
    }
    if (nv < GROUP) least = 0;
    for (size_t t = 0; t < least; t++)
#pragma GCC unroll 4
        for (int v = 0; v < GROUP; v++) move(j, cur[v], items[v][t], dim);
    for (int v = 0; v < nv; v++)
        for (size_t t = least; t < len[v]; t++) move(j, cur[v], items[v][t], dim);
}

/* Vertex i's moves this epoch into items (at most cap; *len of them so far),
 * from edge *e on: umap-learn's schedule for each due edge, the pull then
 * its negative samples from the vertex's stream. Returns 0 when the list is
 * full before the vertex's last edge (walk, then call again). */
static inline __attribute__((always_inline)) int list_moves(const epoch_job *j, size_t i, size_t *e, uint64_t *rng,
                                                            uint32_t *items, size_t *len, const int dim)
{
    const ae_umap_sgd *s = j->s;
    const ae_umap_graph *g = s->g;
    const uint32_t n_tail = (uint32_t)g->n_cols;
    const double epoch = (double)j->epoch;
    size_t q = *len;
    for (; *e < g->rowptr[i + 1]; (*e)++) {
        size_t x = *e;
        if (!(j->next[x] <= epoch)) continue;
        int m = j->eps_neg[x] > 0 ? (int)((epoch - j->next_neg[x]) / j->eps_neg[x]) : 0;
        if (q + 1 + (size_t)(m > 0 ? m : 0) > j->cap) break;
        j->next[x] += s->eps[x];
        if (m > 0) j->next_neg[x] += m * j->eps_neg[x];
        items[q++] = (uint32_t)g->col[x] | PULL_BIT;
        __builtin_prefetch(j->src + (size_t)g->col[x] * (size_t)dim);
        for (int r = 0; r < m; r++) {
            uint32_t k = ae_umap_below(rng, n_tail);
            if (j->fit && k == i) continue; /* umap-learn skips a vertex drawn as its own negative */
            items[q++] = k;
            __builtin_prefetch(j->src + (size_t)k * (size_t)dim);
        }
    }
    *len = q;
    return *e == g->rowptr[i + 1];
}

static inline __attribute__((always_inline)) void epoch_rows_dim(void *ctx, size_t lo, size_t hi, int thread,
                                                                 const int dim)
{
    const epoch_job *j = ctx;
    const ae_umap_sgd *s = j->s;
    uint32_t *items[GROUP];
    for (int v = 0; v < GROUP; v++) items[v] = j->items + ((size_t)thread * GROUP + (size_t)v) * j->cap;
    for (size_t i0 = lo; i0 < hi; i0 += GROUP) {
        int nv = hi - i0 < GROUP ? (int)(hi - i0) : GROUP;
        size_t vertex[GROUP], e[GROUP], len[GROUP];
        uint64_t rng[GROUP];
        int done[GROUP], left = nv;
        for (int v = 0; v < nv; v++) {
            vertex[v] = i0 + (size_t)v;
            e[v] = s->g->rowptr[vertex[v]];
            rng[v] = ae_umap_stream(s->seed, (uint64_t)j->epoch, vertex[v]);
            done[v] = 0;
        }
        while (left > 0) { /* once, unless a vertex has more moves than its list holds */
            for (int v = 0; v < nv; v++) {
                len[v] = 0;
                if (!done[v] && list_moves(j, vertex[v], &e[v], &rng[v], items[v], &len[v], dim)) done[v] = 1, left--;
            }
            walk_group(j, vertex, nv, items, len, dim);
        }
    }
}

static void epoch_rows_2(void *ctx, size_t lo, size_t hi, int thread) { epoch_rows_dim(ctx, lo, hi, thread, 2); }
static void epoch_rows_10(void *ctx, size_t lo, size_t hi, int thread) { epoch_rows_dim(ctx, lo, hi, thread, 10); }
static void epoch_rows_any(void *ctx, size_t lo, size_t hi, int thread)
{
    epoch_rows_dim(ctx, lo, hi, thread, ((const epoch_job *)ctx)->s->dim);
}

ae_status ae_umap_optimize(const ae_umap_sgd *s, ae_error *err)
{
    const ae_umap_graph *g = s->g;
    size_t n = g->n_rows, nnz = ae_umap_graph_nnz(g), m = n * (size_t)s->dim;
    epoch_job j = {.s = s, .fit = s->tail == NULL};
    float *snap = s->tail ? NULL : malloc(m * sizeof *snap + 1);
    j.next = malloc(nnz * sizeof *j.next + 1);
    j.next_neg = malloc(nnz * sizeof *j.next_neg + 1);
    j.eps_neg = malloc(nnz * sizeof *j.eps_neg + 1);
    if ((!s->tail && !snap) || !j.next || !j.next_neg || !j.eps_neg) {
        free(snap), free(j.next), free(j.next_neg), free(j.eps_neg);
        return ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the optimisation of %zu points", n);
    }
    for (size_t e = 0; e < nnz; e++) {
        j.next[e] = s->eps[e];
        j.eps_neg[e] = s->negative_sample_rate > 0 ? s->eps[e] / s->negative_sample_rate : 0;
        j.next_neg[e] = j.eps_neg[e];
    }
    j.src = s->tail ? s->tail : snap;
    ae_pool *pool = ae_pool_shared();
    int threads = ae_pool_threads(pool);
    size_t max_deg = 1;
    for (size_t i = 0; i < n; i++) max_deg = g->rowptr[i + 1] - g->rowptr[i] > max_deg ? g->rowptr[i + 1] - g->rowptr[i] : max_deg;
    /* a vertex's moves in an epoch: a pull and about negative_sample_rate pushes per due edge; longer lists are
     * walked in pieces */
    j.cap = (max_deg < 4096 ? max_deg : 4096) * (size_t)(s->negative_sample_rate + 2) + 64;
    j.items = malloc((size_t)threads * GROUP * j.cap * sizeof *j.items);
    if (!j.items) {
        free(snap), free(j.next), free(j.next_neg), free(j.eps_neg);
        return ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the optimisation of %zu points", n);
    }
    void (*rows)(void *, size_t, size_t, int) = s->dim == 2 ? epoch_rows_2 : s->dim == 10 ? epoch_rows_10 : epoch_rows_any;
    size_t grain = ae_pool_grain(n, 256);
    for (int ep = 0; ep < s->n_epochs; ep++) {
        /* umap-learn sets alpha after each epoch from the epoch just done: epochs 0 and 1 both run at lr */
        j.epoch = ep;
        j.alpha = s->alpha * (ep == 0 ? 1.0f : (float)(1.0 - (double)(ep - 1) / (double)s->n_epochs));
        if (snap) memcpy(snap, s->head, m * sizeof *snap);
        ae_pool_for(pool, n, grain, rows, &j);
        if (s->progress) {
            ae_umap_progress p = {s->stage, ep + 1, s->n_epochs, ae_umap_now() - s->t0};
            s->progress(s->progress_ctx, &p);
        }
    }
    free(snap), free(j.next), free(j.next_neg), free(j.eps_neg), free(j.items);
    for (size_t e = 0; e < m; e++)
        if (!isfinite(s->head[e]))
            return ae_fail(err, AE_ERR_NUMERIC, "UMAP: the optimisation diverged (point %zu); try a smaller learning rate",
                           e / (size_t)s->dim);
    return AE_OK;
}
