/* The minimum spanning tree of mutual reachability by Prim's algorithm,
 * O(n^2 d) with no n x n matrix: for many dimensions, where a kd-tree prunes
 * nothing and Borůvka's searches cost about n^2 d per round.
 *
 * Each step adds the vertex outside the tree with the lightest edge to it,
 * then lowers the other vertices' keys with their edges to the new one, in
 * ranges of fixed size on the pool; each range also reports its lightest
 * key, and the ranges' answers are compared in range order. Edges compare
 * by (weight, smaller index, larger index) and distances are computed as
 * the kd-tree path computes them, so the tree is the same as Borůvka's.
 * Measured on bench_density's 70,000 points (shared machine, load ~7):
 * Prim 85 s against Borůvka's 1.8 s in 2-D, 165 s against 32 s in 10-D,
 * hence Borůvka up to 16 dimensions. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "core/pool.h"
#include "hdbscan_internal.h"

#define GRAIN 2048

typedef struct {
    const double *pts; /* (n, d) */
    int d;
    const double *core;
    uint8_t *in_tree;
    double *key_w;     /* (n) lightest edge to the tree so far */
    int32_t *key_from; /* (n) its tree end, -1 for none */
    int32_t u;         /* the vertex just added */
    int32_t *best;     /* (ranges) each range's lightest vertex outside the tree, or -1 */
} prim_ctx;

static inline int key_less(const prim_ctx *c, int32_t v, int32_t w)
{
    int32_t fv = c->key_from[v], fw = c->key_from[w];
    return ae_hdbscan_edge_less(c->key_w[v], v < fv ? v : fv, v < fv ? fv : v, c->key_w[w], w < fw ? w : fw,
                                w < fw ? fw : w);
}

static void relax_range(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    prim_ctx *c = ctx;
    const int32_t u = c->u;
    const double cu = c->core[u], *pu = c->pts + (size_t)u * (size_t)c->d;
    int32_t best = -1;
    for (size_t vi = lo; vi < hi; vi++) {
        int32_t v = (int32_t)vi;
        if (c->in_tree[v]) continue;
        double key = c->key_w[v], floor_w = fmax(cu, c->core[v]);
        if (floor_w <= key) {
            /* a partial sum above limit means a distance above key (the factor covers sqrt's rounding) */
            double limit = key * key * (1 + 8 * DBL_EPSILON);
            double s2 = ae_kd_dist2_within(pu, c->pts + (size_t)v * (size_t)c->d, c->d, limit);
            if (s2 <= limit) {
                double w = fmax(floor_w, sqrt(s2));
                int32_t f = c->key_from[v];
                if (f < 0 || ae_hdbscan_edge_less(w, u < v ? u : v, u < v ? v : u, key, f < v ? f : v, f < v ? v : f)) {
                    c->key_w[v] = w;
                    c->key_from[v] = u;
                }
            }
        }
        if (best < 0 || key_less(c, v, best)) best = v;
    }
    c->best[lo / GRAIN] = best;
}

ae_status ae_hdbscan_mst_prim(const ae_kdtree *t, const double *core, ae_hdbscan_edge *edges, ae_error *err)
{
    const size_t n = t->n, d = (size_t)t->d, ranges = (n + GRAIN - 1) / GRAIN;
    double *pts = malloc(n * d * sizeof *pts), *key_w = malloc(n * sizeof *key_w);
    int32_t *key_from = malloc(n * sizeof *key_from), *best = malloc(ranges * sizeof *best);
    uint8_t *in_tree = calloc(n, 1);
    if (!pts || !key_w || !key_from || !best || !in_tree) {
        free(pts), free(key_w), free(key_from), free(best), free(in_tree);
        return ae_fail(err, AE_ERR_NOMEM, "HDBSCAN: out of memory for the spanning tree of %zu points", n);
    }
    /* the points in their original order (the tree holds them permuted) */
    for (size_t p = 0; p < n; p++)
        for (size_t j = 0; j < d; j++) pts[(size_t)t->perm[p] * d + j] = t->pts[p * d + j];
    for (size_t v = 0; v < n; v++) {
        key_w[v] = INFINITY;
        key_from[v] = -1;
    }
    prim_ctx c = {pts, (int)d, core, in_tree, key_w, key_from, 0, best};
    ae_pool *pool = ae_pool_shared();
    in_tree[0] = 1;
    for (size_t e = 0; e + 1 < n; e++) {
        ae_pool_for(pool, n, GRAIN, relax_range, &c);
        int32_t v = -1;
        for (size_t r = 0; r < ranges; r++)
            if (best[r] >= 0 && (v < 0 || key_less(&c, best[r], v))) v = best[r];
        int32_t f = key_from[v];
        edges[e] = (ae_hdbscan_edge){v < f ? v : f, v < f ? f : v, key_w[v]};
        in_tree[v] = 1;
        c.u = v;
    }
    free(pts), free(key_w), free(key_from), free(best), free(in_tree);
    ae_hdbscan_sort_edges(edges, n - 1);
    return AE_OK;
}
