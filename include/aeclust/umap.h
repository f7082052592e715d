/* UMAP: a low-dimensional embedding of the rows of a matrix, as umap-learn
 * 0.5 computes it (Euclidean input and output metrics), and the embedding of
 * new rows into a fitted one (umap-learn's transform).
 *
 * - Neighbours: the n_neighbors nearest rows of each row, the row itself
 *   counted first (as umap-learn). Exact by blocked GEMM distances below a
 *   measured size, NN-descent above it (AE_UMAP_KNN_AUTO); the recall of
 *   NN-descent against exact neighbours is measured on a sample of rows.
 * - Graph: umap-learn's smooth_knn_dist (rho = distance to the nearest
 *   other row, sigma by binary search until sum exp(-(d - rho) / sigma) =
 *   log2(n_neighbors)), memberships exp(-(d - rho) / sigma), the fuzzy union
 *   A + A^T - A o A^T; edges weaker than max / n_epochs dropped.
 * - Curve: a, b of 1 / (1 + a d^2b) fitted to the min_dist / spread target
 *   by Levenberg-Marquardt (scipy's curve_fit in umap-learn).
 * - Initialisation: spectral (eigenvectors of the normalised Laplacian by
 *   ARPACK; a graph in a few pieces laid out piece by piece as umap-learn,
 *   one in many pieces or a solver that does not converge falls back to
 *   PCA), PCA, or uniform random; then scaled into [0, 10] per column.
 * - Optimisation: umap-learn's SGD with negative sampling (edge sampling by
 *   weight, gradients clipped to [-4, 4], learning rate decaying linearly),
 *   parallel on the library's thread pool yet deterministic: the same data,
 *   options and seed give byte-identical embeddings at any thread count.
 *   Per epoch, each vertex moves only itself, against the other vertices'
 *   positions at the start of the epoch; an edge's pull on its other end
 *   is that end's own pull when it walks the (symmetric) graph.
 *
 * The library never prints: progress goes to the optional callback. */
#ifndef AECLUST_UMAP_H
#define AECLUST_UMAP_H

#include <stdint.h>

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AE_UMAP_INIT_SPECTRAL = 0, /* normalised-Laplacian eigenvectors (umap-learn's default) */
    AE_UMAP_INIT_PCA,          /* the first n_components principal components */
    AE_UMAP_INIT_RANDOM        /* uniform in [-10, 10] from the seed */
} ae_umap_init;

typedef enum {
    AE_UMAP_KNN_AUTO = 0, /* exact up to AE_UMAP_EXACT_MAX_ROWS rows, NN-descent beyond */
    AE_UMAP_KNN_EXACT,    /* blocked GEMM distances, O(n^2 d) */
    AE_UMAP_KNN_NNDESCENT /* approximate, about O(n k^2 d) per iteration */
} ae_umap_knn;

/* AE_UMAP_KNN_AUTO's switch: exact neighbours for at most this many rows.
 * Measured on 10-d points, 19 neighbours, 2 threads (CPU seconds, exact /
 * NN-descent): 35,000 rows 1.7 / 2.5, 70,000 5.8 / 5.8, 140,000 22.4 / 13.9. */
#define AE_UMAP_EXACT_MAX_ROWS 80000

/* "spectral", "pca", "random" / "auto", "exact", "nndescent" -> *out;
 * AE_ERR_ARG naming the known values otherwise. */
ae_status ae_umap_init_parse(const char *name, ae_umap_init *out, ae_error *err);
const char *ae_umap_init_name(ae_umap_init i);
ae_status ae_umap_knn_parse(const char *name, ae_umap_knn *out, ae_error *err);
const char *ae_umap_knn_name(ae_umap_knn k);

/* What a progress callback is told. */
typedef struct {
    const char *stage; /* "neighbours", "graph", "init", "optimise" (a fit) or "transform" */
    int epoch;         /* epochs done (optimise / transform), else 0 */
    int n_epochs;      /* of that stage, else 0 */
    double elapsed_s;  /* since the call began */
} ae_umap_progress;

/* Called once after each of the first three stages and after every epoch. */
typedef void (*ae_umap_progress_fn)(void *ctx, const ae_umap_progress *p);

typedef struct {
    int n_components;          /* embedding dimensions, 1 .. n - 1 [2] */
    int n_neighbors;           /* neighbourhood size, the row itself included, 2 .. n - 1 [15] */
    double min_dist;           /* 0 .. spread [0.1] */
    double spread;             /* > 0 [1] */
    int n_epochs;              /* >= 1, or 0 for auto: 200 if n > 10,000 else 500 [0] */
    double learning_rate;      /* > 0 [1] */
    int negative_sample_rate;  /* negative samples per positive one, 0 .. 1000 [5] */
    double repulsion_strength; /* gamma, the weight of the negative samples, >= 0 [1] */
    double a, b;               /* the curve's parameters; 0 and 0: fitted from min_dist and spread [0, 0] */
    ae_umap_init init;         /* [AE_UMAP_INIT_SPECTRAL] */
    ae_umap_knn knn;           /* [AE_UMAP_KNN_AUTO] */
    uint64_t seed;             /* negative samples, init noise, NN-descent [0] */
    ae_umap_progress_fn progress; /* optional [NULL] */
    void *progress_ctx;           /* passed to progress [NULL] */
} ae_umap_opts;

ae_umap_opts ae_umap_defaults(void);

typedef struct ae_umap ae_umap; /* a fitted embedding: options, a copy of the data, the embedding */

/* Embeds the rows of x. *model (NULL on error) is the caller's (ae_umap_free);
 * embedding, if non-NULL, receives a copy of the (n, n_components) embedding
 * (allocated here; ae_matrix_free). Errors, one line in err: AE_ERR_ARG for
 * fewer than 3 rows, no columns, n_neighbors < 2 or >= n, n_components < 1
 * or >= n, min_dist < 0 or > spread and other options out of range;
 * AE_ERR_NUMERIC naming the row and column of a NaN/Inf in x; AE_ERR_NOMEM. */
ae_status ae_umap_fit(const ae_matrix *x, const ae_umap_opts *o, ae_umap **model, ae_matrix *embedding,
                      ae_error *err);
void ae_umap_free(ae_umap *m);

/* Embeds new rows into a fitted embedding, as umap-learn's transform: each
 * row's n_neighbors nearest fitted rows (exact), their memberships
 * (local_connectivity 0), a start at the membership-weighted mean of their
 * positions, then n_epochs / 3 epochs (auto: 100 for at most 10,000 rows,
 * else 30) at learning_rate / 4 that move the new points only. out (rows,
 * n_components) is allocated here. Deterministic like the fit. Errors:
 * AE_ERR_ARG for a width other than the fitted data's; AE_ERR_NUMERIC for
 * NaN/Inf; AE_ERR_NOMEM. x may have no rows. */
ae_status ae_umap_transform(const ae_umap *m, const ae_matrix *x, ae_matrix *out, ae_error *err);

const ae_matrix *ae_umap_embedding(const ae_umap *m); /* (n, n_components), owned by m */
double ae_umap_a(const ae_umap *m);                     /* the curve's a (fitted or given) */
double ae_umap_b(const ae_umap *m);
int ae_umap_n_epochs(const ae_umap *m);                 /* the epochs run (after auto) */
ae_umap_knn ae_umap_knn_used(const ae_umap *m);         /* exact or nndescent (after auto) */
/* Recall of the neighbours used against exact ones on a sample of rows
 * (the fraction of true neighbours found); 1 for exact; NaN if not measured. */
double ae_umap_knn_recall(const ae_umap *m);
ae_umap_init ae_umap_init_used(const ae_umap *m);       /* spectral, or what it fell back to */
int ae_umap_graph_components(const ae_umap *m);         /* connected pieces of the fuzzy graph */
size_t ae_umap_graph_edges(const ae_umap *m);           /* its non-zero entries (both directions) after pruning */

#ifdef __cplusplus
}
#endif

#endif
