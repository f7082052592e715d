/* A kd-tree over the rows of a matrix, for the density clusterers
 * (internal: DBSCAN's neighbourhoods, HDBSCAN's core distances and
 * Borůvka's nearest other-component search).
 *
 * The points are copied in double, in tree order (pts row p is original row
 * perm[p]); each node holds a contiguous range of positions and the bounding
 * box of its points. Nodes are numbered in preorder, so a node's children
 * have larger ids than it: a pass over the nodes in reverse is bottom-up.
 *
 * Distances are exact in the sense the clusterers rely on: a squared
 * distance is the sum over j = 0..d-1, in that order, of (a_j - b_j)^2 in
 * double of the float32 inputs (scikit-learn's KDTree does the same), and a
 * box's lower bound is computed the same way from gaps that are never larger
 * than the point's own differences, so pruning a node whose bound exceeds a
 * threshold never drops a point at or within it (rounding is monotone). */
#ifndef AE_CLUSTER_KDTREE_H
#define AE_CLUSTER_KDTREE_H

#include <stddef.h>
#include <stdint.h>

#include "aeclust/matrix.h"
#include "aeclust/status.h"

#define AE_KDTREE_LEAF 24       /* points per leaf at most */
#define AE_KDTREE_MAX_DEPTH 128 /* stack depth of a traversal (the tree is balanced: ~log2(n / LEAF)) */

typedef struct {
    int32_t start, end;  /* positions [start, end) */
    int32_t left, right; /* children, -1 for a leaf */
} ae_kdnode;

typedef struct {
    size_t n;
    int d;
    double *pts;     /* (n, d) points in tree order */
    int32_t *perm;   /* (n) tree position -> original row */
    int32_t *pos;    /* (n) original row -> tree position */
    ae_kdnode *nodes;
    int32_t n_nodes;
    double *box_lo, *box_hi; /* (n_nodes, d) */
} ae_kdtree;

/* Builds the tree of x's rows (median split on the widest dimension). */
ae_status ae_kdtree_build(const ae_matrix *x, ae_kdtree *t, ae_error *err);
void ae_kdtree_free(ae_kdtree *t);

/* Squared distance of two d-vectors, summed in order j = 0..d-1. */
static inline double ae_kd_dist2(const double *a, const double *b, int d)
{
    double s = 0;
    for (int j = 0; j < d; j++) {
        double e = a[j] - b[j];
        s += e * e;
    }
    return s;
}

/* ae_kd_dist2, or some value > limit as soon as the partial sum exceeds it
 * (when the sum is at most limit it is exactly ae_kd_dist2's). */
static inline double ae_kd_dist2_within(const double *a, const double *b, int d, double limit)
{
    double s = 0;
    for (int j = 0; j < d; j++) {
        double e = a[j] - b[j];
        s += e * e;
        if (s > limit) return s;
    }
    return s;
}

/* The smallest squared distance from q to node's box (a lower bound of every
 * point's ae_kd_dist2 in it). */
static inline double ae_kd_box_min2(const ae_kdtree *t, int32_t node, const double *q)
{
    const double *lo = t->box_lo + (size_t)node * (size_t)t->d, *hi = t->box_hi + (size_t)node * (size_t)t->d;
    double s = 0;
    for (int j = 0; j < t->d; j++) {
        double e = q[j] < lo[j] ? lo[j] - q[j] : q[j] > hi[j] ? q[j] - hi[j] : 0.0;
        s += e * e;
    }
    return s;
}

/* The largest squared distance from q to node's box (an upper bound). */
static inline double ae_kd_box_max2(const ae_kdtree *t, int32_t node, const double *q)
{
    const double *lo = t->box_lo + (size_t)node * (size_t)t->d, *hi = t->box_hi + (size_t)node * (size_t)t->d;
    double s = 0;
    for (int j = 0; j < t->d; j++) {
        double a = q[j] - lo[j], b = hi[j] - q[j];
        double e = a > b ? a : b;
        s += e * e;
    }
    return s;
}

/* Points p with ae_kd_dist2(q, p) <= r2. */
size_t ae_kdtree_radius_count(const ae_kdtree *t, const double *q, double r2);
/* The same points, as tree positions in out (room for all of them, e.g.
 * ae_kdtree_radius_count's answer); returns how many. */
size_t ae_kdtree_radius_list(const ae_kdtree *t, const double *q, double r2, int32_t *out);
/* The k-th smallest squared distance from q to the points (q's own 0 among
 * them when q is one of the points); heap is scratch of k doubles; 1 <= k <= n. */
double ae_kdtree_kth_dist2(const ae_kdtree *t, const double *q, int k, double *heap);
/* out[i] = the distance from original row i to its k-th nearest point (itself
 * the first), for every row, on the shared pool. 1 <= k <= n. */
ae_status ae_kdtree_kth_dist_all(const ae_kdtree *t, int k, double *out, ae_error *err);

#endif
