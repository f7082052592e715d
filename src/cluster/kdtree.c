/* kd-tree build and the two plain queries (radius, k-th distance). */
#include "kdtree.h"

#include "core/pool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ae_kdtree_free(ae_kdtree *t)
{
    if (!t) return;
    free(t->pts);
    free(t->perm);
    free(t->pos);
    free(t->nodes);
    free(t->box_lo);
    free(t->box_hi);
    memset(t, 0, sizeof *t);
}

typedef struct {
    const ae_matrix *x;
    ae_kdtree *t;
} build_ctx;

static double coord(const build_ctx *b, int32_t row, int j) { return (double)b->x->data[(size_t)row * b->x->cols + (size_t)j]; }

/* Reorders perm[lo, hi) so that perm[mid] holds the element of rank mid - lo
 * by coordinate j, smaller ones before it, larger after (quickselect, median
 * of three pivots: deterministic). */
static void select_nth(const build_ctx *b, int32_t *perm, int32_t lo, int32_t hi, int32_t mid, int j)
{
    hi--;
    while (hi > lo) {
        int32_t m = lo + (hi - lo) / 2;
        double a = coord(b, perm[lo], j), c = coord(b, perm[m], j), e = coord(b, perm[hi], j);
        double pivot = a < c ? (c < e ? c : a < e ? e : a) : (a < e ? a : c < e ? e : c);
        int32_t i = lo, k = hi;
        while (i <= k) {
            while (coord(b, perm[i], j) < pivot) i++;
            while (coord(b, perm[k], j) > pivot) k--;
            if (i <= k) {
                int32_t s = perm[i];
                perm[i] = perm[k];
                perm[k] = s;
                i++;
                k--;
            }
        }
        if (mid <= k)
            hi = k;
        else if (mid >= i)
            lo = i;
        else
            return;
    }
}

static void set_box(const build_ctx *b, int32_t node)
{
    ae_kdtree *t = b->t;
    const ae_kdnode *nd = &t->nodes[node];
    double *lo = t->box_lo + (size_t)node * (size_t)t->d, *hi = t->box_hi + (size_t)node * (size_t)t->d;
    for (int j = 0; j < t->d; j++) {
        lo[j] = coord(b, t->perm[nd->start], j);
        hi[j] = lo[j];
    }
    for (int32_t p = nd->start + 1; p < nd->end; p++)
        for (int j = 0; j < t->d; j++) {
            double v = coord(b, t->perm[p], j);
            if (v < lo[j]) lo[j] = v;
            if (v > hi[j]) hi[j] = v;
        }
}

/* Builds node `node` over [start, end) and its subtree in preorder. */
static void build_node(build_ctx *b, int32_t node, int32_t start, int32_t end)
{
    ae_kdtree *t = b->t;
    t->nodes[node] = (ae_kdnode){start, end, -1, -1};
    set_box(b, node);
    if (end - start <= AE_KDTREE_LEAF) return;
    const double *lo = t->box_lo + (size_t)node * (size_t)t->d, *hi = t->box_hi + (size_t)node * (size_t)t->d;
    int split = 0;
    for (int j = 1; j < t->d; j++)
        if (hi[j] - lo[j] > hi[split] - lo[split]) split = j;
    if (!(hi[split] > lo[split])) return; /* all points equal: one leaf, however many */
    int32_t mid = start + (end - start) / 2;
    select_nth(b, t->perm, start, end, mid, split);
    int32_t left = t->n_nodes++;
    build_node(b, left, start, mid);
    int32_t right = t->n_nodes++;
    build_node(b, right, mid, end);
    t->nodes[node].left = left;
    t->nodes[node].right = right;
}

ae_status ae_kdtree_build(const ae_matrix *x, ae_kdtree *t, ae_error *err)
{
    memset(t, 0, sizeof *t);
    size_t n = x->rows, d = x->cols;
    if (n == 0 || d == 0 || n > INT32_MAX / 4) return ae_fail(err, AE_ERR_ARG, "kd-tree: %zu x %zu points", n, d);
    t->n = n;
    t->d = (int)d;
    /* a median split halves a range, so leaves hold > LEAF/2 points: fewer than 4n/LEAF + 1 nodes */
    size_t max_nodes = 4 * n / AE_KDTREE_LEAF + 2;
    t->pts = malloc(n * d * sizeof *t->pts);
    t->perm = malloc(n * sizeof *t->perm);
    t->pos = malloc(n * sizeof *t->pos);
    t->nodes = malloc(max_nodes * sizeof *t->nodes);
    t->box_lo = malloc(max_nodes * d * sizeof *t->box_lo);
    t->box_hi = malloc(max_nodes * d * sizeof *t->box_hi);
    if (!t->pts || !t->perm || !t->pos || !t->nodes || !t->box_lo || !t->box_hi) {
        ae_kdtree_free(t);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for a kd-tree of %zu x %zu points", n, d);
    }
    for (size_t i = 0; i < n; i++) t->perm[i] = (int32_t)i;
    build_ctx b = {x, t};
    t->n_nodes = 1;
    build_node(&b, 0, 0, (int32_t)n);
    for (size_t p = 0; p < n; p++) {
        t->pos[t->perm[p]] = (int32_t)p;
        for (size_t j = 0; j < d; j++) t->pts[p * d + j] = (double)x->data[(size_t)t->perm[p] * d + j];
    }
    return AE_OK;
}

size_t ae_kdtree_radius_count(const ae_kdtree *t, const double *q, double r2)
{
    int32_t stack[AE_KDTREE_MAX_DEPTH];
    int top = 0;
    size_t count = 0;
    stack[top++] = 0;
    while (top) {
        const ae_kdnode *nd = &t->nodes[stack[--top]];
        int32_t id = (int32_t)(nd - t->nodes);
        if (ae_kd_box_min2(t, id, q) > r2) continue;
        if (ae_kd_box_max2(t, id, q) <= r2) {
            count += (size_t)(nd->end - nd->start);
            continue;
        }
        if (nd->left < 0) {
            for (int32_t p = nd->start; p < nd->end; p++)
                count += ae_kd_dist2(q, t->pts + (size_t)p * (size_t)t->d, t->d) <= r2;
            continue;
        }
        stack[top++] = nd->right;
        stack[top++] = nd->left;
    }
    return count;
}

size_t ae_kdtree_radius_list(const ae_kdtree *t, const double *q, double r2, int32_t *out)
{
    int32_t stack[AE_KDTREE_MAX_DEPTH];
    int top = 0;
    size_t count = 0;
    stack[top++] = 0;
    while (top) {
        int32_t id = stack[--top];
        const ae_kdnode *nd = &t->nodes[id];
        if (ae_kd_box_min2(t, id, q) > r2) continue;
        if (nd->left < 0 || ae_kd_box_max2(t, id, q) <= r2) {
            int all = nd->left >= 0;
            for (int32_t p = nd->start; p < nd->end; p++)
                if (all || ae_kd_dist2(q, t->pts + (size_t)p * (size_t)t->d, t->d) <= r2) out[count++] = p;
            continue;
        }
        stack[top++] = nd->right;
        stack[top++] = nd->left;
    }
    return count;
}

/* Max-heap of k doubles: replaces the top with v and sifts it down. */
static void heap_replace_top(double *h, int k, double v)
{
    int pos = 0;
    for (;;) {
        int c = 2 * pos + 1;
        if (c >= k) break;
        if (c + 1 < k && h[c + 1] > h[c]) c++;
        if (h[c] <= v) break;
        h[pos] = h[c];
        pos = c;
    }
    h[pos] = v;
}

double ae_kdtree_kth_dist2(const ae_kdtree *t, const double *q, int k, double *heap)
{
    for (int i = 0; i < k; i++) heap[i] = INFINITY;
    /* each entry: a node and the squared distance from q to its box */
    int32_t stack[AE_KDTREE_MAX_DEPTH];
    double bound2[AE_KDTREE_MAX_DEPTH];
    int top = 0;
    stack[top] = 0;
    bound2[top++] = 0;
    while (top) {
        top--;
        int32_t id = stack[top];
        if (bound2[top] > heap[0]) continue;
        const ae_kdnode *nd = &t->nodes[id];
        if (nd->left < 0) {
            for (int32_t p = nd->start; p < nd->end; p++) {
                double s = ae_kd_dist2_within(q, t->pts + (size_t)p * (size_t)t->d, t->d, heap[0]);
                if (s < heap[0]) heap_replace_top(heap, k, s);
            }
            continue;
        }
        /* the nearer child last, so it is searched first */
        double dl = ae_kd_box_min2(t, nd->left, q), dr = ae_kd_box_min2(t, nd->right, q);
        int near_left = dl <= dr;
        stack[top] = near_left ? nd->right : nd->left;
        bound2[top++] = near_left ? dr : dl;
        stack[top] = near_left ? nd->left : nd->right;
        bound2[top++] = near_left ? dl : dr;
    }
    return heap[0];
}

typedef struct {
    const ae_kdtree *tree;
    int k;
    double *heaps; /* (threads, k) */
    double *out;   /* (n) by original row */
} kth_ctx;

static void kth_range(void *ctx, size_t lo, size_t hi, int thread)
{
    kth_ctx *c = ctx;
    double *heap = c->heaps + (size_t)thread * (size_t)c->k;
    for (size_t i = lo; i < hi; i++) {
        const double *q = c->tree->pts + (size_t)c->tree->pos[i] * (size_t)c->tree->d;
        c->out[i] = sqrt(ae_kdtree_kth_dist2(c->tree, q, c->k, heap));
    }
}

ae_status ae_kdtree_kth_dist_all(const ae_kdtree *t, int k, double *out, ae_error *err)
{
    ae_pool *pool = ae_pool_shared();
    double *heaps = malloc((size_t)ae_pool_threads(pool) * (size_t)k * sizeof *heaps);
    if (!heaps) return ae_fail(err, AE_ERR_NOMEM, "out of memory for %d-nearest-neighbour searches", k);
    kth_ctx c = {t, k, heaps, out};
    ae_pool_for(pool, t->n, 256, kth_range, &c);
    free(heaps);
    return AE_OK;
}
