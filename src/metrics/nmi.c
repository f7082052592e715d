/* Normalized mutual information with the arithmetic mean of the two
 * entropies, following scikit-learn 1.2's mutual_info_score and
 * normalized_mutual_info_score term for term (natural logarithms):
 *   MI = sum_ij (n_ij/N) log(N n_ij / (a_i b_j))   (a, b: class, cluster sizes)
 * with the logarithm split and grouped as scikit-learn groups it, terms below
 * machine epsilon dropped and the sum clipped at 0;
 *   NMI = MI / ((H(truth) + H(pred)) / 2).
 * Degenerate cases as there: one class and one cluster -> 1; a single
 * class or a single cluster (MI = 0) -> 0. */
#include "aeclust/metrics.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

/* Entropy of a labeling from its group sizes: -sum p log p, with p = s/N
 * and log p taken as log s - log N (as scikit-learn does, for precision). */
static double entropy(const int64_t *sizes, int k, int64_t total)
{
    int nonzero = 0;
    for (int i = 0; i < k; i++) nonzero += sizes[i] > 0;
    if (nonzero <= 1) return 0.0;
    double log_total = log((double)total), h = 0.0;
    for (int i = 0; i < k; i++)
        if (sizes[i] > 0) h += ((double)sizes[i] / (double)total) * (log((double)sizes[i]) - log_total);
    return -h;
}

double ae_normalized_mutual_info(const ae_contingency *c)
{
    int rows = c->n_classes, cols = c->n_clusters;
    if (rows == 1 && cols == 1) return 1.0;
    if (rows == 1 || cols == 1) return 0.0; /* MI = 0, so NMI = 0 */
    int64_t *class_size = calloc((size_t)rows, sizeof *class_size);   // (n_classes)
    int64_t *cluster_size = calloc((size_t)cols, sizeof *cluster_size); // (n_clusters)
    if (!class_size || !cluster_size) {
        /* Not expected for a table that was itself allocated; NaN reads as
         * "no value" rather than a wrong score. */
        free(class_size);
        free(cluster_size);
        return NAN;
    }
    int64_t total = 0;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            int64_t v = c->counts[(size_t)i * (size_t)cols + (size_t)j];
            class_size[i] += v;
            cluster_size[j] += v;
            total += v;
        }
    double log_total = log((double)total);
    double mi = 0.0;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            int64_t v = c->counts[(size_t)i * (size_t)cols + (size_t)j];
            if (v == 0) continue;
            double p = (double)v / (double)total;
            double log_outer = -log((double)(class_size[i] * cluster_size[j])) + log_total + log_total;
            double term = p * (log((double)v) - log_total) + p * log_outer;
            if (fabs(term) >= DBL_EPSILON) mi += term;
        }
    if (mi < 0.0) mi = 0.0;
    double h_true = entropy(class_size, rows, total), h_pred = entropy(cluster_size, cols, total);
    free(class_size);
    free(cluster_size);
    if (mi == 0.0) return 0.0;
    return mi / ((h_true + h_pred) / 2.0);
}
