/* Clustering metrics, each agreeing with scikit-learn 1.2 on the same inputs.
 *
 * Label arrays are int32 of length n; values may be any non-negative ids
 * (sparse ones such as {3, 7, 100} included), and the number of clusters need
 * not equal the number of classes. "truth" holds the true classes, "pred" the
 * cluster assignments. n == 0 and negative ids are AE_ERR_ARG.
 *
 * The label scores are computed from an ae_contingency: build it once, then
 * read any of them (or call ae_score_labels for all four). The geometry
 * scores (silhouette, Davies-Bouldin) read the points as well; they refuse
 * NaN/Inf (AE_ERR_NUMERIC) and run on a few threads (OMP_NUM_THREADS). */
#ifndef AECLUST_METRICS_H
#define AECLUST_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Contingency table of truth (rows) against pred (columns), over the sorted
 * distinct values of each. Filled by ae_contingency_build, freed by
 * ae_contingency_free (a zeroed struct is a valid empty value). */
typedef struct {
    int n_classes, n_clusters;
    int32_t *class_ids;   /* (n_classes) the distinct truth values, ascending */
    int32_t *cluster_ids; /* (n_clusters) the distinct pred values, ascending */
    int64_t *counts;      /* (n_classes, n_clusters) row-major */
    size_t n;
} ae_contingency;

/* Errors: n == 0 or a negative id (AE_ERR_ARG, naming "truth" or "pred" and
 * the index); more than 2^27 cells (AE_ERR_ARG: e.g. two all-distinct
 * labelings of 70,000 points). On failure *out is left empty. */
ae_status ae_contingency_build(const int32_t *truth, const int32_t *pred, size_t n, ae_contingency *out,
                               ae_error *err);
void ae_contingency_free(ae_contingency *c);

/* Minimum-cost assignment (Hungarian / Kuhn-Munkres with potentials,
 * O(min^2 max)) of a rows x cols cost matrix (row-major, any rows/cols >= 0):
 * assign (rows entries) receives for row r its column, distinct across rows,
 * or -1 when rows > cols leaves r unmatched. Ties are broken arbitrarily.
 * A non-finite cost is AE_ERR_ARG. */
ae_status ae_hungarian(const double *cost, int rows, int cols, int *assign, ae_error *err);

/* Clustering accuracy: the best one-to-one matching of clusters to classes
 * (Hungarian on the negated counts), matched points / n. With more clusters
 * than classes the extra clusters' points count as wrong; with fewer, the
 * unmatched classes' points do. cluster_to_class, if non-NULL, receives
 * (n_clusters entries) for each cluster index (as in ae_contingency's
 * cluster_ids order) the matched class index, or -1. */
ae_status ae_accuracy(const ae_contingency *c, double *acc, int *cluster_to_class, ae_error *err);
/* Purity: sum over clusters of the largest class count, / n. */
double ae_purity(const ae_contingency *c);
/* Adjusted Rand index exactly as scikit-learn computes it: 1 when the two
 * labelings agree on every pair (one class and one cluster, all singletons
 * on both sides, n = 1), can be negative. Exact for any n (128-bit pair
 * products). */
double ae_adjusted_rand_index(const ae_contingency *c);
/* NMI with the arithmetic mean of the entropies (scikit-learn's default),
 * following its arithmetic: 1 for one class and one cluster, 0 when either
 * side is a single group or the mutual information is 0. NaN only if memory
 * runs out (ae_score_labels reports that as AE_ERR_NOMEM). */
double ae_normalized_mutual_info(const ae_contingency *c);

/* The four label scores at once (errors as ae_contingency_build). */
typedef struct {
    double acc, purity, ari, nmi;
} ae_label_scores;
/* The four label scores of an existing contingency table. */
ae_status ae_score_contingency(const ae_contingency *c, ae_label_scores *out, ae_error *err);
ae_status ae_score_labels(const int32_t *truth, const int32_t *pred, size_t n, ae_label_scores *out,
                          ae_error *err);

/* Scores of an assignment with noise: pred may hold -1 for a point left
 * unclustered (DBSCAN's and HDBSCAN's noise); truth is non-negative. The
 * scores above refuse -1; these say how noise was counted:
 * - clustered_fraction: the share of points not labelled -1;
 * - acc_all: the clusters matched to classes one-to-one (Hungarian) on the
 *   clustered points' contingency table, then matched points / all n points,
 *   so every noise point counts as wrong (acc_clustered x clustered_fraction);
 * - acc_clustered, ari_clustered, nmi_clustered: over the clustered points
 *   only, as if the noise points were not there;
 * - ari_all, nmi_all: over all points, noise taken as one more cluster
 *   (the noise points then agree with each other, which rewards nothing:
 *   a large noise share lowers both).
 * With no point clustered the three _clustered scores are NaN, acc_all 0.
 * Errors: n == 0, a negative truth, pred below -1 (AE_ERR_ARG naming the
 * index), tables too large (as ae_contingency_build). */
typedef struct {
    size_t n, n_clustered;
    double clustered_fraction;
    double acc_all, ari_all, nmi_all;
    double acc_clustered, ari_clustered, nmi_clustered;
} ae_noise_scores;

/* Whether pred holds a -1 (the caller then wants ae_score_noise, not ae_score_labels). */
int ae_labels_have_noise(const int32_t *pred, size_t n);
ae_status ae_score_noise(const int32_t *truth, const int32_t *pred, size_t n, ae_noise_scores *out, ae_error *err);

/* Mean silhouette coefficient, Euclidean, exact over all points when
 * sample == 0 or sample >= n, else over a random subset of `sample` points
 * drawn without replacement by ae_rng seeded with `seed` (scikit-learn's
 * sample_size, though not its RandomState's subset). Points of singleton
 * clusters score 0, as there. Needs 2 <= n_clusters <= n-1 among the points
 * scored (else AE_ERR_ARG); x has n = x->rows rows and pred n labels.
 * Memory O(n d), no n x n matrix; float32 GEMM for large inputs with pairs
 * prone to cancellation recomputed in double: within 1e-8 of scikit-learn's
 * float64 result on 10,000 x 784 pixels, ~1e-12 on small inputs. The last
 * digits (~1e-10) depend on OpenBLAS's thread count: identical for a fixed one. */
ae_status ae_silhouette(const ae_matrix *x, const int32_t *pred, size_t sample, uint64_t seed, double *out,
                        ae_error *err);

/* Davies-Bouldin index (centroid distances, mean distance to the centroid;
 * 0 when all of either are within 1e-8 of 0, as scikit-learn). Accumulates
 * in double: scikit-learn given float32 input averages in float32 and moves
 * in the 6th digit on 10,000 x 784 pixels; given float64 it agrees to ~1e-12.
 * Needs 2 <= n_clusters <= n-1 (else AE_ERR_ARG). */
ae_status ae_davies_bouldin(const ae_matrix *x, const int32_t *pred, double *out, ae_error *err);

/* Writes the confusion matrix as fixed-width text: a header row of cluster
 * ids, then one row per true class (ascending id) headed by its name
 * (names[class id] when names != NULL and the id < n_names, else the id).
 * Columns are reordered so that column j is the cluster matched to class j
 * by ae_accuracy, unmatched clusters last in ascending id. AE_ERR_IO if a
 * write or the final flush fails. */
ae_status ae_confusion_write(FILE *f, const ae_contingency *c, const char *const *names, int n_names,
                             ae_error *err);

/* Writes the per-cluster make-up table: a header line, then for each cluster
 * (ascending id) its id, size and top three classes with the percentage of
 * the cluster each makes up, e.g. "      0  6123  Trouser 92.1%, Dress 5.2%,
 * Coat 1.1%" (ties to the smaller class id; names as above). AE_ERR_IO if a
 * write fails. */
ae_status ae_makeup_write(FILE *f, const ae_contingency *c, const char *const *names, int n_names,
                          ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
