/* The minimum spanning tree of mutual reachability by Borůvka's algorithm
 * over a kd-tree.
 *
 * Each round, every point looks for the lightest edge to a point of another
 * component, mr(i, j) = max(core_i, core_j, |i - j|), in the order
 * (weight, smaller index, larger index). A box is skipped when all its
 * points are in the query's component, or when a lower bound of mr to any
 * of them (max(core_i, the box's smallest core distance, the distance to
 * the box)) exceeds the best weight the query's component has found so far
 * (shared between threads as an atomic minimum: it only ever prunes edges
 * heavier than one the component already has, which cannot be its
 * lightest). Each component then takes its lightest edge (a reduction in
 * point order), and the edges join the components. With a strict order of
 * edges the spanning tree is unique, so neither the timing of the shared
 * bounds nor the thread count changes it. Rounds at least halve the number
 * of components. */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "hdbscan_internal.h"

typedef struct {
    const ae_kdtree *t;
    const double *core;      /* (n) by tree position */
    const int32_t *comp;     /* (n) component by tree position */
    const int32_t *node_comp; /* (n_nodes) the component of all a box's points, or -1 */
    const double *node_core;  /* (n_nodes) the box's smallest core distance */
    _Atomic uint64_t *bound;  /* (n) by component: the bits of its best weight so far */
    double *best_w;           /* (n) by tree position */
    int32_t *best_j;          /* (n) original row of the other end, or -1 */
} boruvka_ctx;

static inline uint64_t bits_of(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

static inline double double_of(uint64_t u)
{
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* Lowers the component's bound to w (non-negative doubles order like their bits). */
static void lower_bound_to(_Atomic uint64_t *b, double w)
{
    uint64_t nw = bits_of(w), cur = atomic_load_explicit(b, memory_order_relaxed);
    while (nw < cur && !atomic_compare_exchange_weak_explicit(b, &cur, nw, memory_order_relaxed, memory_order_relaxed))
        ;
}

/* The lightest edge from the point at tree position p to another component. */
static void search_point(const boruvka_ctx *c, int32_t p)
{
    const ae_kdtree *t = c->t;
    const int d = t->d;
    const int32_t comp = c->comp[p], i = t->perm[p];
    const double ci = c->core[p], *q = t->pts + (size_t)p * (size_t)d;
    _Atomic uint64_t *shared = &c->bound[comp];
    double best = INFINITY;
    int32_t best_j = -1, blo = 0, bhi = 0;
    /* each entry: a node and the distance from q to its box */
    int32_t stack[AE_KDTREE_MAX_DEPTH];
    double box[AE_KDTREE_MAX_DEPTH];
    int top = 0;
    stack[top] = 0;
    box[top++] = 0;
    while (top) {
        top--;
        int32_t id = stack[top];
        double bound = fmin(best, double_of(atomic_load_explicit(shared, memory_order_relaxed)));
        if (ci > bound) break; /* no edge of this point can be lighter than its core distance */
        if (box[top] > bound || c->node_comp[id] == comp || c->node_core[id] > bound) continue;
        const ae_kdnode *nd = &t->nodes[id];
        if (nd->left >= 0) {
            double dl = sqrt(ae_kd_box_min2(t, nd->left, q)), dr = sqrt(ae_kd_box_min2(t, nd->right, q));
            int near_left = dl <= dr;
            stack[top] = near_left ? nd->right : nd->left;
            box[top++] = near_left ? dr : dl;
            stack[top] = near_left ? nd->left : nd->right;
            box[top++] = near_left ? dl : dr;
            continue;
        }
        /* a partial sum above limit means a distance above bound (the factor covers sqrt's rounding) */
        double limit = bound * bound * (1 + 8 * DBL_EPSILON);
        for (int32_t r = nd->start; r < nd->end; r++) {
            double cr = c->core[r];
            if (c->comp[r] == comp || cr > bound) continue;
            double s2 = ae_kd_dist2_within(q, t->pts + (size_t)r * (size_t)d, d, limit);
            if (s2 > limit) continue;
            double w = sqrt(s2);
            if (w < ci) w = ci;
            if (w < cr) w = cr;
            if (w > bound) continue;
            int32_t j = t->perm[r], lo = i < j ? i : j, hi = i < j ? j : i;
            if (best_j < 0 || ae_hdbscan_edge_less(w, lo, hi, best, blo, bhi)) {
                best = w;
                best_j = j;
                blo = lo;
                bhi = hi;
                bound = fmin(bound, w);
                limit = bound * bound * (1 + 8 * DBL_EPSILON);
                lower_bound_to(shared, w);
            }
        }
    }
    c->best_w[p] = best;
    c->best_j[p] = best_j;
}

static void search_range(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    for (size_t p = lo; p < hi; p++) search_point(ctx, (int32_t)p);
}

static int32_t uf_find(int32_t *parent, int32_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static int cmp_edges(const void *x, const void *y)
{
    const ae_hdbscan_edge *a = x, *b = y;
    if (ae_hdbscan_edge_less(a->distance, a->a, a->b, b->distance, b->a, b->b)) return -1;
    if (ae_hdbscan_edge_less(b->distance, b->a, b->b, a->distance, a->a, a->b)) return 1;
    return 0;
}

ae_status ae_hdbscan_mst(const ae_kdtree *t, const double *core, ae_hdbscan_edge *edges, ae_error *err)
{
    const size_t n = t->n;
    const int32_t nn = t->n_nodes;
    int32_t *parent = malloc(n * sizeof *parent), *comp = malloc(n * sizeof *comp);
    int32_t *best_j = malloc(n * sizeof *best_j), *node_comp = malloc((size_t)nn * sizeof *node_comp);
    int32_t *comp_edge = malloc(n * sizeof *comp_edge); /* by component: the position of its lightest edge's point */
    double *core_pos = malloc(n * sizeof *core_pos), *best_w = malloc(n * sizeof *best_w);
    double *node_core = malloc((size_t)nn * sizeof *node_core);
    _Atomic uint64_t *bound = malloc(n * sizeof *bound);
    if (!parent || !comp || !best_j || !node_comp || !comp_edge || !core_pos || !best_w || !node_core || !bound) {
        free(parent), free(comp), free(best_j), free(node_comp), free(comp_edge);
        free(core_pos), free(best_w), free(node_core), free((void *)bound);
        return ae_fail(err, AE_ERR_NOMEM, "HDBSCAN: out of memory for the spanning tree of %zu points", n);
    }
    for (size_t p = 0; p < n; p++) core_pos[p] = core[t->perm[p]];
    for (int32_t id = nn - 1; id >= 0; id--) {
        const ae_kdnode *nd = &t->nodes[id];
        if (nd->left < 0) {
            double m = INFINITY;
            for (int32_t p = nd->start; p < nd->end; p++) m = fmin(m, core_pos[p]);
            node_core[id] = m;
        } else {
            node_core[id] = fmin(node_core[nd->left], node_core[nd->right]);
        }
    }
    for (size_t i = 0; i < n; i++) parent[i] = (int32_t)i;
    boruvka_ctx c = {t, core_pos, comp, node_comp, node_core, bound, best_w, best_j};
    ae_pool *pool = ae_pool_shared();
    size_t n_edges = 0;
    while (n_edges + 1 < n) {
        for (size_t p = 0; p < n; p++) comp[p] = uf_find(parent, t->perm[p]);
        for (int32_t id = nn - 1; id >= 0; id--) {
            const ae_kdnode *nd = &t->nodes[id];
            if (nd->left < 0) {
                int32_t v = comp[nd->start];
                for (int32_t p = nd->start + 1; p < nd->end && v >= 0; p++)
                    if (comp[p] != v) v = -1;
                node_comp[id] = v;
            } else {
                int32_t l = node_comp[nd->left], r = node_comp[nd->right];
                node_comp[id] = l == r ? l : -1;
            }
        }
        for (size_t i = 0; i < n; i++) {
            atomic_init(&bound[i], bits_of(INFINITY));
            comp_edge[i] = -1;
        }
        ae_pool_for(pool, n, 256, search_range, &c);
        for (size_t p = 0; p < n; p++) {
            if (best_j[p] < 0) continue;
            int32_t k = comp[p], e = comp_edge[k], i = t->perm[p];
            int32_t lo = i < best_j[p] ? i : best_j[p], hi = i < best_j[p] ? best_j[p] : i;
            if (e >= 0) {
                int32_t ie = t->perm[e], je = best_j[e];
                int32_t elo = ie < je ? ie : je, ehi = ie < je ? je : ie;
                if (!ae_hdbscan_edge_less(best_w[p], lo, hi, best_w[e], elo, ehi)) continue;
            }
            comp_edge[k] = (int32_t)p;
        }
        size_t before = n_edges;
        for (size_t k = 0; k < n; k++) {
            int32_t p = comp_edge[k];
            if (p < 0) continue;
            int32_t i = t->perm[p], j = best_j[p];
            int32_t ri = uf_find(parent, i), rj = uf_find(parent, j);
            if (ri == rj) continue; /* the other component chose the same edge */
            if (ri < rj)
                parent[rj] = ri;
            else
                parent[ri] = rj;
            edges[n_edges++] = (ae_hdbscan_edge){i < j ? i : j, i < j ? j : i, best_w[p]};
        }
        if (n_edges == before) break; /* cannot happen with finite distances; never loop forever */
    }
    free(parent), free(comp), free(best_j), free(node_comp), free(comp_edge);
    free(core_pos), free(best_w), free(node_core), free((void *)bound);
    if (n_edges + 1 != n)
        return ae_fail(err, AE_ERR_NUMERIC, "HDBSCAN: the spanning tree has %zu edges for %zu points", n_edges, n);
    ae_hdbscan_sort_edges(edges, n_edges);
    return AE_OK;
}

void ae_hdbscan_sort_edges(ae_hdbscan_edge *edges, size_t n) { qsort(edges, n, sizeof *edges, cmp_edges); }
