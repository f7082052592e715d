/* Adjusted Rand index, computed as scikit-learn 1.2 does: from the pair
 * confusion matrix (ordered pairs, so every count is twice the unordered
 * one), with ARI = 2 (tp tn - fn fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)).
 *
 * The pair counts reach n^2 and their products n^4, which overflows int64
 * beyond n ~ 78,000; the products are formed in 128-bit integers so the
 * numerator and denominator are exact (as Python's integers are in
 * scikit-learn) and rounded once each to double. */
#include "aeclust/metrics.h"

__extension__ typedef __int128 ae_i128;

double ae_adjusted_rand_index(const ae_contingency *c)
{
    int64_t n = (int64_t)c->n;
    int64_t sum_sq = 0;        /* sum of n_ij^2 */
    int64_t sum_row_w = 0;     /* sum_ij n_ij * (size of cluster j) */
    int64_t sum_col_w = 0;     /* sum_ij n_ij * (size of class i) */
    int rows = c->n_classes, cols = c->n_clusters;
    for (int i = 0; i < rows; i++) {
        int64_t class_size = 0;
        for (int j = 0; j < cols; j++) class_size += c->counts[(size_t)i * (size_t)cols + (size_t)j];
        for (int j = 0; j < cols; j++) {
            int64_t v = c->counts[(size_t)i * (size_t)cols + (size_t)j];
            sum_sq += v * v;
            sum_col_w += v * class_size;
        }
    }
    for (int j = 0; j < cols; j++) {
        int64_t cluster_size = 0;
        for (int i = 0; i < rows; i++) cluster_size += c->counts[(size_t)i * (size_t)cols + (size_t)j];
        for (int i = 0; i < rows; i++) sum_row_w += c->counts[(size_t)i * (size_t)cols + (size_t)j] * cluster_size;
    }
    int64_t tp = sum_sq - n;            /* same class, same cluster */
    int64_t fp = sum_row_w - sum_sq;    /* different class, same cluster */
    int64_t fn = sum_col_w - sum_sq;    /* same class, different cluster */
    int64_t tn = n * n - fp - fn - sum_sq;
    /* Full agreement, including all-singletons and a single class and
     * cluster: scikit-learn returns exactly 1. */
    if (fn == 0 && fp == 0) return 1.0;
    ae_i128 num = (ae_i128)tp * tn - (ae_i128)fn * fp;
    ae_i128 den = (ae_i128)(tp + fn) * (fn + tn) + (ae_i128)(tp + fp) * (fp + tn);
    return 2.0 * (double)num / (double)den;
}
