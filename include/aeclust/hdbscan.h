/* HDBSCAN, Euclidean, with the semantics of the hdbscan library and
 * scikit-learn 1.3's HDBSCAN:
 *
 * - Core distance of a point: its distance to its min_samples-th nearest
 *   neighbour, the point itself counted as the first (scikit-learn 1.3's
 *   convention; the hdbscan library's min_samples = m is this one's m + 1).
 * - Mutual reachability of a and b: max(core(a), core(b), |a - b|), exact
 *   distances (double, summed over the coordinates in order).
 * - Its minimum spanning tree, found by Borůvka's algorithm over a kd-tree
 *   (each round, every point searches for its nearest point of another
 *   component, pruning boxes wholly inside its own component or farther than
 *   the best edge its component has so far) up to 16 dimensions, by Prim's
 *   O(n^2 d) above (where a kd-tree prunes little). Ties between equal weights are
 *   broken by (weight, smaller endpoint, larger endpoint), which makes the
 *   tree unique, so the result does not depend on the search order or the
 *   thread count.
 * - The single-linkage hierarchy: the tree's edges in that order, merging
 *   the clusters of the smaller endpoint (left) and of the larger (right).
 * - The condensed tree (min_cluster_size): walking the hierarchy from the
 *   top, a merge whose two sides both have >= min_cluster_size points is a
 *   split into two new clusters; otherwise the points of a smaller side fall
 *   out of the cluster at lambda = 1 / distance. Clusters are numbered
 *   n, n + 1, ... (the root n) in the breadth-first order of the hierarchy,
 *   left before right, as the hdbscan library numbers them.
 * - Stability of a cluster: sum over its points and child clusters of
 *   (lambda at which they leave it - lambda of its birth) x their size.
 * - Selection: excess of mass (a cluster is kept when its stability is at
 *   least the sum of its descendants' selected ones, else they are) or the
 *   leaves of the condensed tree; with cluster_selection_epsilon > 0, a
 *   selected cluster born below that distance is replaced by its ancestor
 *   that exists at it; the root is selected only with allow_single_cluster.
 * - Labels: the selected clusters in increasing condensed-tree number get
 *   0, 1, ...; a point belongs to the selected cluster above it in the
 *   condensed tree, else it is noise (-1). (allow_single_cluster: a point of
 *   the root is labelled only if it leaves at or above the largest lambda
 *   of the root's children, or, with an epsilon, at lambda >= 1 / epsilon.)
 * - Probability of a clustered point: min(its lambda, lambda_max) /
 *   lambda_max, lambda_max the largest lambda of the cluster's own rows; 0
 *   for noise. Persistence (the hdbscan library's cluster_persistence_):
 *   stability / (size x the largest lambda of the whole tree).
 *
 * Duplicated points (min_samples or more copies) have core distance 0 and
 * meet at lambda = inf; stabilities can then be inf (not an error).
 * Memory O(n d); the core distances (kd-tree k-nearest searches, close to
 * brute force in many dimensions: O(n^2 d) there), each Borůvka round and
 * each Prim step run on the library's thread pool over fixed ranges. */
#ifndef AECLUST_HDBSCAN_H
#define AECLUST_HDBSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { AE_HDBSCAN_EOM, AE_HDBSCAN_LEAF } ae_hdbscan_selection;

/* "eom", "leaf" -> *out; AE_ERR_ARG naming the known values otherwise. */
ae_status ae_hdbscan_selection_parse(const char *name, ae_hdbscan_selection *out, ae_error *err);
const char *ae_hdbscan_selection_name(ae_hdbscan_selection s);

/* How the spanning tree is found; the tree, so every result, is the same. */
typedef enum { AE_HDBSCAN_AUTO, AE_HDBSCAN_BORUVKA, AE_HDBSCAN_PRIM } ae_hdbscan_algorithm;

typedef struct {
    int min_cluster_size;           /* smallest cluster, 2..n [5] */
    int min_samples;                /* core distance's neighbour, itself counted, 1..n; 0: min_cluster_size [0] */
    ae_hdbscan_selection selection; /* [AE_HDBSCAN_EOM] */
    double cluster_selection_epsilon; /* distance below which clusters are not split, >= 0 [0] */
    int allow_single_cluster;       /* the root may be selected [0] */
    ae_hdbscan_algorithm algorithm; /* AUTO: Borůvka up to 16 dimensions, Prim above [AE_HDBSCAN_AUTO] */
} ae_hdbscan_opts;

ae_hdbscan_opts ae_hdbscan_defaults(void);

/* One row of the condensed tree: `child` (a point < n, or a cluster >= n)
 * leaves cluster `parent` at lambda_val with child_size points. */
typedef struct {
    int32_t parent, child;
    double lambda_val;
    int32_t child_size;
} ae_hdbscan_tree_row;

/* One edge of the minimum spanning tree of mutual reachability, a < b. */
typedef struct {
    int32_t a, b;
    double distance;
} ae_hdbscan_edge;

typedef struct {
    ae_labels labels;        /* (n) cluster in [0, n_clusters), or -1 for noise */
    double *probabilities;   /* (n) membership strength in [0, 1], 0 for noise, owned */
    int n_clusters;
    double *stability;       /* (n_clusters) each selected cluster's stability (excess of mass), owned */
    double *persistence;     /* (n_clusters) stability / (size x the tree's largest lambda), owned */
    int32_t *cluster_node;   /* (n_clusters) each label's cluster number in the condensed tree, owned */
    double *core_distances;  /* (n), owned */
    ae_hdbscan_edge *mst;    /* (n - 1) in hierarchy order (distance, a, b), owned */
    ae_hdbscan_tree_row *tree; /* (n_tree) the condensed tree, owned */
    size_t n_tree;
} ae_hdbscan_result;

/* Clusters the rows of x; *out is the caller's (ae_hdbscan_result_free, also
 * harmless after an error). Errors, one line in err: AE_ERR_ARG for fewer
 * than 2 points, min_cluster_size outside 2..n, min_samples outside 0..n,
 * a negative or non-finite epsilon, an unknown selection; AE_ERR_NUMERIC for
 * NaN/Inf in x (naming its row and column); AE_ERR_NOMEM. */
ae_status ae_hdbscan_fit(const ae_matrix *x, const ae_hdbscan_opts *o, ae_hdbscan_result *out, ae_error *err);
void ae_hdbscan_result_free(ae_hdbscan_result *r);

#ifdef __cplusplus
}
#endif

#endif
