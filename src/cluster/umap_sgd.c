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

#ifndef PREFETCH_LEVEL
#define PREFETCH_LEVEL 2
#endif
#define GROUP 8          /* vertices moved side by side, one vector lane each */
#define CHUNK 128        /* vertices listed before they are walked */
#define PREFETCH_AHEAD 4 /* moves between a read's prefetch and the read */
#define PULL_BIT 0x80000000u   /* an item that pulls towards a neighbour (else a negative sample) */

typedef struct {
    const ae_umap_sgd *s;
    const float *src; /* where the other ends are read: the snapshot, or the fixed tail */
    double *next, *next_neg, *eps_neg; /* (nnz) */
    int epoch, fit;
    float alpha;
    size_t cap;        /* moves listed at most at once */
    uint32_t *items;   /* per pool thread: cap */
} epoch_job;

static inline float clip4(float v) { return v > 4.0f ? 4.0f : v < -4.0f ? -4.0f : v; }

/* 8-lane vectors (GCC's vector extensions): AVX registers where the target
 * has them, pairs of SSE registers otherwise. The helpers taking and
 * returning them are static and inlined, so the ABI note GCC gives for
 * 32-byte vectors without AVX (how they would be passed between separately
 * compiled functions) does not concern them. */
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

/* where the lanes of mask m are set: a, else b (a macro: no vector arguments, see above) */
#define SELECT8(m, a, b) ((v8f)(((m) & (v8i)(a)) | (~(m) & (v8i)(b))))

static inline __attribute__((always_inline)) v8f load8(const float *p)
{
    v8f v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Squared distance: whole 8-lane blocks of coordinates, then the rest, each
 * summed in a fixed order (so the result is too). */
static inline __attribute__((always_inline)) float dist2(const float *restrict x, const float *restrict y,
                                                         const int dim)
{
    v8f acc = {0, 0, 0, 0, 0, 0, 0, 0};
    int c = 0;
    for (; c + 8 <= dim; c += 8) {
        v8f t = load8(x + c) - load8(y + c);
        acc += t * t;
    }
    float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; c < dim; c++) s += (x[c] - y[c]) * (x[c] - y[c]);
    return s;
}

/* cur += alpha (clip(coef (cur - o)) + rest), 8 coordinates at a time. */
static inline __attribute__((always_inline)) void step(float *restrict cur, const float *restrict o, float coef,
                                                       float rest, float alpha, const int dim)
{
    const v8f hi = {4, 4, 4, 4, 4, 4, 4, 4}, lo = -hi;
    int c = 0;
    for (; c + 8 <= dim; c += 8) {
        v8f g = coef * (load8(cur + c) - load8(o + c));
        g = SELECT8(g > hi, hi, g);
        g = SELECT8(g < lo, lo, g);
        v8f u = load8(cur + c) + alpha * (g + rest);
        memcpy(cur + c, &u, sizeof u);
    }
    for (; c < dim; c++) cur[c] += alpha * (clip4(coef * (cur[c] - o[c])) + rest);
}

/* x^y on 8 lanes, for x >= 1e-30 and |y log2 x| < 126 (the optimisation's
 * squared distances and b - 1): 2^(y log2 x), log2 by the atanh series on
 * the mantissa reduced to [sqrt(1/2), sqrt(2)), 2^f by the Taylor series of
 * e^(f ln 2) for |f| <= 1/2, each to about 1e-7 relative, so within a few
 * float roundings of powf. glibc's powf, one point at a time, took 40 % of
 * the optimisation; this takes the powers of GROUP moves at once. */
static inline __attribute__((always_inline)) v8f pow8(const v8f *px, float y)
{
    v8i u = (v8i)*px;
    v8i e = ((u >> 23) & 0xff) - 127;
    v8f m = (v8f)((u & 0x007fffff) | 0x3f800000); /* [1, 2) */
    v8i big = m > 1.41421356f;
    m = SELECT8(big, 0.5f * m, m);
    e -= big; /* big is -1 where true */
    v8f t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
    v8f ln_m = 2.0f * t * (1.0f + t2 * (1.0f / 3 + t2 * (1.0f / 5 + t2 * (1.0f / 7 + t2 * (1.0f / 9)))));
    v8f l = y * (__builtin_convertvector(e, v8f) + ln_m * 1.44269504f);
    l = SELECT8(l < -126.0f, (v8f){0} - 126.0f, l);
    l = SELECT8(l > 126.0f, (v8f){0} + 126.0f, l);
    v8f n = (l + 12582912.0f) - 12582912.0f; /* round to nearest: 1.5 2^23 */
    v8f f = (l - n) * 0.693147181f;
    v8f ef = 1.0f + f * (1.0f + f * (0.5f + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120 + f * (1.0f / 720 + f * (1.0f / 5040)))))));
    v8i sb = (__builtin_convertvector(n, v8i) + 127) << 23;
    return ef * (v8f)sb;
}

/* Moves of up to 8 vertices at once: for lane v, a pull of cur[v] towards
 * src[item[v]] or a push away from it (no branches: a vertex's pulls and
 * pushes come in no pattern a predictor could learn). One power serves both,
 * d^2(b-1), d^2b being d^2 times it. Points closer than 1e-15 count as
 * coincident: no pull, a push of 4 in every coordinate (umap-learn's rule
 * for d = 0). Lanes are independent: a move's numbers do not depend on the
 * other lanes. */
static inline __attribute__((always_inline)) void move8(const epoch_job *j, float *const *cur, const uint32_t *item,
                                                        int lanes, const int dim)
{
    const ae_umap_sgd *s = j->s;
    const float a = s->a, b = s->b;
    const float *o[8];
    v8f d2 = {1, 1, 1, 1, 1, 1, 1, 1};
    v8i pull = {0};
    for (int v = 0; v < lanes; v++) {
        o[v] = j->src + (size_t)(item[v] & ~PULL_BIT) * (size_t)dim;
        d2[v] = dist2(cur[v], o[v], dim);
        pull[v] = (item[v] & PULL_BIT) ? -1 : 0;
    }
    const v8i apart = d2 >= 1e-30f;
    const v8f one = {1, 1, 1, 1, 1, 1, 1, 1}, four = 4 * one, zero = 0 * one;
    const v8f x = SELECT8(apart, d2, one); /* a stand-in where the power is unused */
    const v8f p = pow8(&x, b - 1.0f), q = a * p * x + 1.0f;          /* 1 + a d^2b */
    const v8f num = SELECT8(pull, -2.0f * a * b * p, (v8f){0} + 2.0f * s->gamma * b);
    const v8f den = SELECT8(pull, q, (0.001f + x) * q);
    const v8f coef = SELECT8(apart, num / den, zero);
    const v8f rest = SELECT8(apart | pull, zero, four);
    for (int v = 0; v < lanes; v++) step(cur[v], o[v], coef[v], rest[v], j->alpha, dim);
}

/* Both cache lines a row of positions may straddle. */
static inline __attribute__((always_inline)) void prefetch_row(const float *p, const int dim)
{
    __builtin_prefetch(p, 0, PREFETCH_LEVEL);
    __builtin_prefetch(p + dim - 1, 0, PREFETCH_LEVEL);
}

/* Vertex i's moves this epoch appended to items[*q ..] (up to cap), from
 * edge *e on: umap-learn's schedule for each due edge, the pull, then its
 * negative samples from the vertex's stream. Returns 0 if the list filled
 * up before the vertex's last edge (walk what is listed, then call again). */
static inline __attribute__((always_inline)) int list_moves(const epoch_job *j, size_t i, size_t *e, uint64_t *rng,
                                                            uint32_t *items, size_t *q, size_t cap)
{
    const ae_umap_sgd *s = j->s;
    const ae_umap_graph *g = s->g;
    const uint32_t n_tail = (uint32_t)g->n_cols;
    const double epoch = (double)j->epoch;
    size_t w = *q;
    for (; *e < g->rowptr[i + 1]; (*e)++) {
        size_t x = *e;
        if (!(j->next[x] <= epoch)) continue;
        int m = j->eps_neg[x] > 0 ? (int)((epoch - j->next_neg[x]) / j->eps_neg[x]) : 0;
        if (w + 1 + (size_t)(m > 0 ? m : 0) > cap) {
            if (w > 0) break;
            m = (int)(cap - 1); /* a single edge larger than the buffer (cannot happen at the sizes below) */
        }
        j->next[x] += s->eps[x];
        if (m > 0) j->next_neg[x] += m * j->eps_neg[x];
        items[w++] = (uint32_t)g->col[x] | PULL_BIT;
        for (int r = 0; r < m; r++) {
            uint32_t k = ae_umap_below(rng, n_tail);
            if (j->fit && k == i) continue; /* umap-learn skips a vertex drawn as its own negative */
            items[w++] = k;
        }
    }
    *q = w;
    return *e == g->rowptr[i + 1];
}

/* A lane of the walk: a vertex and its listed moves still to make. */
typedef struct {
    float *cur;
    const uint32_t *item, *end;
} lane;

/* Walks the listed moves of vertices vert[0..nv) (moves start[v] ..
 * start[v + 1] of items), GROUP vertices at a time side by side, one vector
 * lane each; a lane whose vertex is done takes the next one. Each vertex
 * makes its moves in order and they depend on no other lane, so the numbers
 * are those of walking each vertex alone. The other end of a move is read
 * PREFETCH_AHEAD moves before it is made. */
static inline __attribute__((always_inline)) void walk(const epoch_job *j, const size_t *vert, const size_t *start,
                                                       size_t nv, const uint32_t *items, const int dim)
{
    lane ln[GROUP];
    int active = 0;
    size_t next = 0;
    for (;;) {
        /* refill: pack the lanes that have moves left, then take new vertices */
        int a = 0;
        for (int v = 0; v < active; v++)
            if (ln[v].item < ln[v].end) ln[a++] = ln[v];
        while (a < GROUP && next < nv) {
            if (start[next + 1] > start[next]) {
                ln[a].cur = j->s->head + vert[next] * (size_t)dim;
                ln[a].item = items + start[next], ln[a].end = items + start[next + 1];
                for (const uint32_t *it = ln[a].item; it < ln[a].end && it < ln[a].item + PREFETCH_AHEAD; it++)
                    prefetch_row(j->src + (size_t)(*it & ~PULL_BIT) * (size_t)dim, dim);
                a++;
            }
            next++;
        }
        active = a;
        if (active == 0) break;
        /* as many steps as the shortest lane allows, then refill again */
        size_t steps = SIZE_MAX;
        for (int v = 0; v < active; v++)
            steps = (size_t)(ln[v].end - ln[v].item) < steps ? (size_t)(ln[v].end - ln[v].item) : steps;
        float *cur[GROUP];
        uint32_t it[GROUP];
        for (int v = 0; v < active; v++) cur[v] = ln[v].cur;
        for (size_t t = 0; t < steps; t++) {
            for (int v = 0; v < active; v++) {
                it[v] = *ln[v].item++;
                if (ln[v].item + PREFETCH_AHEAD <= ln[v].end)
                    prefetch_row(j->src + (size_t)(ln[v].item[PREFETCH_AHEAD - 1] & ~PULL_BIT) * (size_t)dim, dim);
            }
            move8(j, cur, it, active, dim);
        }
    }
}

/* Vertices [lo, hi): listed CHUNK at a time into the thread's buffer, then walked. */
static inline __attribute__((always_inline)) void epoch_rows_dim(void *ctx, size_t lo, size_t hi, int thread,
                                                                 const int dim)
{
    const epoch_job *j = ctx;
    const ae_umap_graph *g = j->s->g;
    uint32_t *items = j->items + (size_t)thread * j->cap;
    size_t vert[CHUNK], start[CHUNK + 1], e[CHUNK];
    uint64_t rng[CHUNK];
    for (size_t c0 = lo; c0 < hi; c0 += CHUNK) {
        size_t c1 = hi - c0 < CHUNK ? hi : c0 + CHUNK;
        for (size_t i = c0; i < c1; i++) {
            e[i - c0] = g->rowptr[i];
            rng[i - c0] = ae_umap_stream(j->s->seed, (uint64_t)j->epoch, i);
        }
        size_t i = c0;
        while (i < c1) { /* once, unless the chunk has more moves than the buffer holds */
            size_t nv = 0, q = 0;
            start[0] = 0;
            for (; i < c1; i++) {
                int whole = list_moves(j, i, &e[i - c0], &rng[i - c0], items, &q, j->cap);
                vert[nv] = i;
                start[++nv] = q;
                if (!whole) break; /* i is walked so far and listed again from e */
            }
            walk(j, vert, start, nv, items, dim);
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
    /* a chunk's moves in an epoch: per due edge a pull and about negative_sample_rate pushes (at most 2 rate + 1);
     * a chunk with more is walked in pieces */
    j.cap = (max_deg < 4096 ? max_deg : 4096) * CHUNK / 2 * (size_t)(s->negative_sample_rate + 2) + 64;
    j.items = malloc((size_t)threads * j.cap * sizeof *j.items);
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
