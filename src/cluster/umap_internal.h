/* UMAP internals, shared by src/cluster/umap*.c and the tests.
 *
 *   umap_knn.c        exact k nearest neighbours from blocked GEMM distance tiles
 *   umap_nndescent.c  approximate neighbours by NN-descent, deterministic in parallel
 *   umap_graph.c      smooth_knn_dist, memberships, the fuzzy union, pruning, pieces
 *   umap_ab.c         the curve's a, b by Levenberg-Marquardt
 *   umap_spectral.c   spectral initialisation (ARPACK), multi-piece layout
 *   umap_init.c       PCA and random initialisation, the [0, 10] rescale
 *   umap_sgd.c        the deterministic SGD epochs (fit and transform)
 *   umap.c            options, checks, the fit, transform and accessors */
#ifndef AE_CLUSTER_UMAP_INTERNAL_H
#define AE_CLUSTER_UMAP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "aeclust/matrix.h"
#include "aeclust/status.h"
#include "aeclust/umap.h"

/* umap-learn's constants (umap_.py) */
#define AE_UMAP_SMOOTH_K_TOLERANCE 1e-5
#define AE_UMAP_MIN_K_DIST_SCALE 1e-3
#define AE_UMAP_SMOOTH_K_ITER 64

/* ---- counter-based random numbers ---- */

/* splitmix64's finaliser: a bijective mix of 64 bits. */
static inline uint64_t ae_umap_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The start of the stream for (seed, a, b): e.g. (seed, epoch, vertex). */
static inline uint64_t ae_umap_stream(uint64_t seed, uint64_t a, uint64_t b)
{
    return ae_umap_mix(ae_umap_mix(ae_umap_mix(seed) ^ a) ^ b);
}

/* The next 64 random bits of a stream (splitmix64: a counter, mixed). */
static inline uint64_t ae_umap_next(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ULL;
    uint64_t z = *s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) (Lemire's multiply-shift on the top 32 bits; n < 2^32). */
static inline uint32_t ae_umap_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(((ae_umap_next(s) >> 32) * (uint64_t)n) >> 32);
}

/* ---- neighbours ---- */

/* For each row r of q, the k nearest rows of ref by Euclidean distance,
 * skipping ref row self[r] when self is non-NULL (the query row itself):
 * idx and dist (nq, k), each row sorted by increasing (distance, index),
 * distances recomputed in double for the chosen rows. Squared distances come
 * from GEMM tiles of fixed size (|a|^2 + |b|^2 - 2ab on data centred on
 * ref's mean) and a few more than k candidates are kept, so that rounding in
 * the GEMM form cannot push a true neighbour out. Threads: the shared pool,
 * by query blocks. Requires 1 <= k <= rows of ref (minus 1 with self). */
ae_status ae_umap_knn_exact(const ae_matrix *q, const ae_matrix *ref, const int32_t *self, int k, int32_t *idx,
                            float *dist, ae_error *err);

/* The k approximately nearest other rows of each row of x by NN-descent
 * (random start, local joins of neighbours' neighbours with sampled forward
 * and reverse candidates, until fewer than 0.001 n k updates or
 * max(5, round(log2 n)) iterations): idx and dist (n, k) as above. Same
 * result at any thread count. *iters, if non-NULL, gets the iterations run.
 * Requires 1 <= k < n. */
ae_status ae_umap_knn_nndescent(const ae_matrix *x, int k, uint64_t seed, int32_t *idx, float *dist, int *iters,
                                ae_error *err);

/* Fraction of the exact k nearest other rows that idx (n, k) holds, over a
 * sample of `sample` rows drawn from seed (all rows if sample >= n). */
ae_status ae_umap_recall_sample(const ae_matrix *x, const int32_t *idx, int k, size_t sample, uint64_t seed,
                             double *recall, ae_error *err);

/* ---- the fuzzy graph ---- */

/* A sparse matrix in CSR form: rows heads, columns tails. */
typedef struct {
    size_t n_rows, n_cols;
    size_t *rowptr; /* (n_rows + 1) */
    int32_t *col;   /* (nnz) increasing within a row */
    float *val;     /* (nnz) */
} ae_umap_graph;

void ae_umap_graph_free(ae_umap_graph *g);
static inline size_t ae_umap_graph_nnz(const ae_umap_graph *g) { return g->rowptr ? g->rowptr[g->n_rows] : 0; }

/* umap-learn's smooth_knn_dist on dist (n, k), rows sorted increasingly
 * (for a fit, column 0 is the row itself at distance 0): rho[i] the distance
 * to the local_connectivity-th nonzero neighbour (interpolated), sigma[i] by
 * binary search (at most 64 steps) until sum over columns 1.. k-1 of
 * exp(-max(d - rho, 0) / sigma) is log2(k) to 1e-5, then at least 1e-3 times
 * the row's mean distance (the mean of all distances when rho is 0). */
void ae_umap_smooth_knn_dist(const float *dist, size_t n, int k, double local_connectivity, float *sigma,
                             float *rho);

/* Memberships w (n, k): exp(-(d - rho) / sigma), 1 where d <= rho or sigma
 * is 0; 0 for the row itself (idx == i) when self is non-zero (a fit). */
void ae_umap_memberships(const int32_t *idx, const float *dist, const float *sigma, const float *rho, size_t n,
                         int k, int self, float *w);

/* The symmetric fuzzy union of the directed memberships w (n, k) at columns
 * idx: W = A + A^T - A o A^T (set_op_mix_ratio 1), zeros dropped. */
ae_status ae_umap_fuzzy_union(size_t n, int k, const int32_t *idx, const float *w, ae_umap_graph *out,
                              ae_error *err);

/* The (nq, n_cols) graph of memberships w (nq, k) at columns idx, rows
 * sorted by column, zeros dropped: a transform's bipartite graph. */
ae_status ae_umap_graph_from_rows(size_t nq, size_t n_cols, int k, const int32_t *idx, const float *w,
                                  ae_umap_graph *out, ae_error *err);

/* Drops (in place) the entries below max / n_epochs, as umap-learn before
 * its optimisation. */
void ae_umap_graph_prune(ae_umap_graph *g, int n_epochs);

/* umap-learn's make_epochs_per_sample: eps[e] = n_epochs / (n_epochs w[e] /
 * max w) in its float32 arithmetic (so 1 for the strongest edges). */
void ae_umap_epochs_per_sample(const ae_umap_graph *g, int n_epochs, double *eps);

/* Connected pieces of the symmetric g: label (n) in 0 .. pieces - 1, in
 * order of each piece's smallest vertex. Returns the number of pieces. */
int ae_umap_components(const ae_umap_graph *g, int32_t *label);

/* ---- the curve ---- */

/* a, b of 1 / (1 + a x^2b) fitted by least squares to 1 for x < min_dist,
 * exp(-(x - min_dist) / spread) beyond, on 300 points of [0, 3 spread], as
 * umap-learn's find_ab_params (scipy's curve_fit from a = b = 1). */
ae_status ae_umap_find_ab(double spread, double min_dist, double *a, double *b, ae_error *err);

/* ---- initialisation ---- */

/* The eigenvectors of the dim smallest eigenvalues of the normalised
 * Laplacian I - D^-1/2 W D^-1/2 of the connected symmetric g after the
 * trivial one, into y (n, dim) row-major (unit columns, each one's
 * largest-magnitude entry positive). ARPACK's Lanczos (dsaupd) on the
 * largest eigenvalues of 2I - L, umap-learn's tolerance 1e-4 and start
 * vector of ones; dense LAPACK below 300 vertices. dense: 0 that choice,
 * 1 always LAPACK, -1 always ARPACK (for the tests). AE_ERR_NUMERIC when the
 * solver does not converge. */
ae_status ae_umap_spectral(const ae_umap_graph *g, int dim, int dense, double *y, ae_error *err);

/* umap-learn's initial layout into y (n, dim): the spectral one scaled to
 * max |y| = 10 plus N(0, 1e-4^2) noise (a graph in at most 2 dim pieces
 * laid out piece by piece around +-unit vectors, as umap-learn's
 * multi_component_layout); PCA (scaled the same way) when init is PCA, when
 * the graph has more pieces or ARPACK fails; uniform [-10, 10] for random.
 * *used tells which one was used. */
ae_status ae_umap_initial_layout(const ae_matrix *x, const ae_umap_graph *g, int dim, ae_umap_init init,
                                 uint64_t seed, float *y, ae_umap_init *used, int *pieces, ae_error *err);

/* Each column of y (n, dim) mapped linearly onto [0, 10] (a constant column to 0). */
void ae_umap_rescale(float *y, size_t n, int dim);

/* ---- optimisation ---- */

/* One SGD run of umap-learn's optimize_layout_euclidean over the edges of g
 * (rows: the vertices that move). tail NULL: a fit, g square and symmetric,
 * each vertex moving only itself against the others' positions at the start
 * of the epoch (an edge's pull on its other end is that end's own pull when
 * it walks the edge). tail non-NULL: a transform, the rows of g move against
 * the fixed tail positions (n_tail = g->n_cols). */
typedef struct {
    const ae_umap_graph *g;
    const double *eps; /* (nnz) epochs per sample */
    float *head;       /* (g->n_rows, dim), updated */
    const float *tail; /* (g->n_cols, dim) or NULL */
    int dim, n_epochs, negative_sample_rate;
    float a, b, gamma, alpha;
    uint64_t seed;
    const char *stage; /* for progress */
    ae_umap_progress_fn progress;
    void *progress_ctx;
    double t0; /* monotonic start of the whole call, for progress */
} ae_umap_sgd;

ae_status ae_umap_optimize(const ae_umap_sgd *s, ae_error *err);

/* Seconds on a monotonic clock. */
double ae_umap_now(void);

#endif
