/* HDBSCAN internals, shared by src/cluster/hdbscan*.c and the tests.
 *
 *   hdbscan_mst.c     Borůvka's minimum spanning tree of mutual reachability over a kd-tree
 *   hdbscan_prim.c    Prim's, O(n^2 d), for many dimensions
 *   hdbscan_tree.c    the single-linkage hierarchy, the condensed tree, stabilities
 *   hdbscan_select.c  excess of mass / leaf selection, epsilon, labels, probabilities
 *   hdbscan.c         options, checks and the pipeline */
#ifndef AE_CLUSTER_HDBSCAN_INTERNAL_H
#define AE_CLUSTER_HDBSCAN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "aeclust/hdbscan.h"
#include "kdtree.h"

/* Edge order of the whole pipeline: (distance, a, b), a < b. */
static inline int ae_hdbscan_edge_less(double w1, int32_t a1, int32_t b1, double w2, int32_t a2, int32_t b2)
{
    if (w1 != w2) return w1 < w2;
    if (a1 != a2) return a1 < a2;
    return b1 < b2;
}

/* The n - 1 edges of the minimum spanning tree of mutual reachability
 * (core: (n) by original row), sorted by ae_hdbscan_edge_less. */
ae_status ae_hdbscan_mst(const ae_kdtree *t, const double *core, ae_hdbscan_edge *edges, ae_error *err);
/* The same tree by Prim's algorithm (t only supplies the points). */
ae_status ae_hdbscan_mst_prim(const ae_kdtree *t, const double *core, ae_hdbscan_edge *edges, ae_error *err);
/* Sorts edges by ae_hdbscan_edge_less. */
void ae_hdbscan_sort_edges(ae_hdbscan_edge *edges, size_t n);

/* Borůvka up to this many dimensions, Prim above (AE_HDBSCAN_AUTO). */
#define AE_HDBSCAN_BORUVKA_MAX_DIM 16

/* The condensed tree of the sorted spanning tree of n points (hdbscan's
 * label() then condense_tree()); *rows allocated here (free()). */
ae_status ae_hdbscan_condense(const ae_hdbscan_edge *mst, size_t n, int min_cluster_size, ae_hdbscan_tree_row **rows,
                              size_t *n_rows, ae_error *err);

/* Stability of every cluster n .. n + n_clusters - 1 of the condensed tree
 * (stability allocated here, *n_clusters set). */
ae_status ae_hdbscan_stability(const ae_hdbscan_tree_row *rows, size_t n_rows, size_t n, double **stability,
                               int *n_clusters, ae_error *err);

/* Selection, labels, probabilities and persistence into out (whose tree is
 * already set), from the stabilities (modified: excess of mass replaces a
 * cluster's by its children's sum when that is larger, as hdbscan does). */
ae_status ae_hdbscan_select(const ae_hdbscan_opts *o, size_t n, double *stability, int n_clusters,
                            ae_hdbscan_result *out, ae_error *err);

#endif
