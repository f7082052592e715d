/* Clustering accuracy (best one-to-one matching of clusters to classes) and
 * purity (every cluster votes for its majority class). */
#include "aeclust/metrics.h"

#include <stdlib.h>

ae_status ae_accuracy(const ae_contingency *c, double *acc, int *cluster_to_class, ae_error *err)
{
    if (c->n == 0 || !c->counts) return ae_fail(err, AE_ERR_ARG, "accuracy: empty contingency table");
    int rows = c->n_classes, cols = c->n_clusters;
    size_t cells = (size_t)rows * (size_t)cols;
    double *cost = malloc(cells * sizeof *cost);       // (n_classes, n_clusters)
    int *cluster_of = malloc((size_t)rows * sizeof *cluster_of); // (n_classes)
    if (!cost || !cluster_of) {
        free(cost);
        free(cluster_of);
        return ae_fail(err, AE_ERR_NOMEM, "accuracy: out of memory for a %d x %d table", rows, cols);
    }
    /* Maximising matched counts = minimising their negatives; counts are
     * integers below 2^53, so the doubles are exact. */
    for (size_t k = 0; k < cells; k++) cost[k] = -(double)c->counts[k];
    ae_status st = ae_hungarian(cost, rows, cols, cluster_of, err);
    if (!st) {
        int64_t correct = 0;
        if (cluster_to_class)
            for (int j = 0; j < cols; j++) cluster_to_class[j] = -1;
        for (int i = 0; i < rows; i++) {
            int j = cluster_of[i];
            if (j < 0) continue; /* more classes than clusters: this class gets none */
            correct += c->counts[(size_t)i * (size_t)cols + (size_t)j];
            if (cluster_to_class) cluster_to_class[j] = i;
        }
        *acc = (double)correct / (double)c->n;
    }
    free(cost);
    free(cluster_of);
    return st;
}

double ae_purity(const ae_contingency *c)
{
    if (c->n == 0) return 0.0;
    int64_t majority = 0;
    for (int j = 0; j < c->n_clusters; j++) {
        int64_t best = 0;
        for (int i = 0; i < c->n_classes; i++) {
            int64_t v = c->counts[(size_t)i * (size_t)c->n_clusters + (size_t)j];
            if (v > best) best = v;
        }
        majority += best;
    }
    return (double)majority / (double)c->n;
}
