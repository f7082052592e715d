/* t-SNE: a 2-D embedding of the rows of a matrix, with scikit-learn 1.2's
 * TSNE(method="barnes_hut") schedule.
 *
 * - Affinities: the k = floor(3 * perplexity) exact nearest neighbours of
 *   each row (squared Euclidean distances from GEMM tiles, never an n x n
 *   matrix), a per-row binary search on the Gaussian precision until the
 *   row's entropy is log(perplexity) (to 1e-5 nats), then the sparse
 *   symmetric P = (P + P^T) / sum, which sums to 1.
 * - Initialisation: the first two principal components of x, scaled so that
 *   column 0 has standard deviation 1e-4 (each component's sign makes its
 *   largest-magnitude score positive, as sklearn's svd_flip); or
 *   N(0, 1e-4^2) draws from `seed`.
 * - Optimisation: gradient descent with momentum 0.5 and P multiplied by
 *   early_exaggeration for the first exaggeration_iter iterations, then
 *   momentum 0.8; delta-bar-delta gains (+0.2 / *0.8, at least 0.01), reset
 *   with the momentum when the exaggeration ends; learning rate "auto" =
 *   max(n / early_exaggeration / 4, 50). Every 50 iterations the KL divergence
 *   is checked: after the exaggeration the run stops early after 300
 *   iterations without progress or at a gradient norm <= 1e-7, as sklearn's.
 * - Repulsion: Barnes-Hut on a quadtree. Points are walked in groups (a
 *   subtree of at most 128 points) and a cell is summarised by its centre of
 *   mass only when width / distance < theta from every point of the group,
 *   so each point's forces are at least as accurate as sklearn's point-wise
 *   test at the same theta. theta = 0 gives the exact gradient (O(n^2)).
 * - Reproducible: no step depends on the number of threads; the same input,
 *   options and seed give bit-identical output on the same machine.
 * - Threads: the library's pool of ae_threads() threads (aeclust/threads.h);
 *   the neighbour search's GEMMs run inside those threads, one per thread.
 * - Memory: at the peak (building P) about 8k + d floats and ints per point,
 *   2.9 KB a point at perplexity 30 for 32 columns (200 MB for 70,000 points);
 *   during the descent about 3k + 40. The PCA needs d^2 doubles. Never O(n^2). */
#ifndef AECLUST_TSNE_H
#define AECLUST_TSNE_H

#include <stdint.h>

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AE_TSNE_INIT_PCA = 0, /* first two principal components, column 0 std 1e-4 */
    AE_TSNE_INIT_RANDOM   /* N(0, 1e-4^2) drawn from the seed */
} ae_tsne_init;

/* Called every 50 iterations with the iteration count done so far (50, 100,
 * ...) and the KL divergence of the current embedding against the true
 * (not exaggerated) P. */
typedef void (*ae_tsne_progress_fn)(void *ctx, int iter, double kl);

typedef struct {
    double perplexity;         /* effective number of neighbours, >= 1 and < n/3 [30] */
    int n_iter;                /* total iterations, exaggeration included [1000] */
    double theta;              /* Barnes-Hut opening angle in [0, 1]; 0 = exact, O(n^2) [0.5] */
    double early_exaggeration; /* factor on P during the first phase, >= 1 [12] */
    int exaggeration_iter;     /* length of that phase [250] */
    double learning_rate;      /* > 0, or 0 for "auto" = max(n / early_exaggeration / 4, 50) [0] */
    ae_tsne_init init;         /* [AE_TSNE_INIT_PCA] */
    uint64_t seed;             /* used by AE_TSNE_INIT_RANDOM [0] */
    ae_tsne_progress_fn progress; /* optional [NULL] */
    void *progress_ctx;           /* passed to progress [NULL] */
} ae_tsne_opts;

ae_tsne_opts ae_tsne_defaults(void);

typedef struct {
    ae_matrix y;  /* (n, 2) embedding */
    double kl;    /* KL(P || Q) of the returned y: P the sparse symmetric
                     affinities, Q's normaliser Z from the same Barnes-Hut sum
                     as the gradient (what sklearn's kl_divergence_ reports) */
    int n_iter;   /* iterations done (n_iter unless stopped early) */
    double learning_rate; /* the learning rate used (after "auto") */
} ae_tsne_result;

/* Embeds the rows of x into out (zeroed first; free with
 * ae_tsne_result_free, also harmless after an error). Errors, one line in
 * err: AE_ERR_ARG for fewer than 4 rows, 0 columns, perplexity < 1 or
 * >= n/3, and options out of range; AE_ERR_NUMERIC naming the row and column
 * of a NaN/Inf in x; AE_ERR_NOMEM. */
ae_status ae_tsne_fit(const ae_matrix *x, const ae_tsne_opts *opts, ae_tsne_result *out, ae_error *err);

void ae_tsne_result_free(ae_tsne_result *r);

#ifdef __cplusplus
}
#endif

#endif
