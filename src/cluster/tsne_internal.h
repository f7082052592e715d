/* t-SNE internals, shared by src/cluster/tsne*.c and the tests.
 *
 *   tsne_knn.c        exact k nearest neighbours from GEMM distance tiles
 *   tsne_affinity.c   perplexity calibration and the symmetric sparse P
 *   tsne_init.c       PCA (or random) initial embedding
 *   tsne_tree.c       the quadtree (Morton order) over the embedding
 *   tsne_repulsion.c  Barnes-Hut repulsion walked per group of points
 *   tsne_gradient.c   attraction, the full gradient and KL; the exact O(n^2) reference
 *   tsne.c            options, checks and the optimiser loop */
#ifndef AE_CLUSTER_TSNE_INTERNAL_H
#define AE_CLUSTER_TSNE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "aeclust/matrix.h"
#include "aeclust/status.h"
#include "core/pool.h"

/* ---- affinities ---- */

/* A sparse n x n matrix in CSR form. */
typedef struct {
    size_t n;
    size_t *rowptr; /* (n + 1) */
    int32_t *col;   /* (nnz) column of each entry, increasing within a row */
    float *val;     /* (nnz) */
    double sum;     /* sum of val (1 up to rounding, for P) */
    double plogp;   /* sum of val * log(val): the constant part of the KL */
} tsne_sparse;

void ae_tsne_sparse_free(tsne_sparse *s);

/* The k nearest neighbours of every row of x (itself excluded), by squared
 * Euclidean distance: idx and d2 are (n, k), each row sorted by increasing
 * (distance, index); distances are recomputed in double for the chosen
 * neighbours. x should be centred (the GEMM form |a|^2 + |b|^2 - 2ab loses
 * precision far from the origin). Requires 1 <= k < n. */
ae_status ae_tsne_knn(const ae_matrix *x, int k, int32_t *idx, float *d2, ae_error *err);

/* Turns each row of d2 (n, k squared distances) in place into the
 * conditional probabilities exp(-beta d) / sum whose entropy (natural log) is
 * log(perplexity) to 1e-5, by sklearn's binary search on beta (at most 100
 * steps). */
void ae_tsne_calibrate(float *d2, size_t n, int k, double perplexity);

/* P = (C + C^T) / sum, with C the conditional probabilities p (n, k) at the
 * columns idx (n, k). out is allocated here (free with ae_tsne_sparse_free). */
ae_status ae_tsne_symmetrize(size_t n, int k, const int32_t *idx, const float *p, tsne_sparse *out, ae_error *err);

/* The three steps above on x (centred) with k = floor(3 * perplexity). */
ae_status ae_tsne_affinities(const ae_matrix *x, double perplexity, tsne_sparse *out, ae_error *err);

/* ---- initialisation ---- */

/* y (n, 2) = x's (centred) projection on its first two principal components,
 * each component's sign making its largest |score| positive, scaled so that
 * column 0 has standard deviation 1e-4. Falls back to N(0, 1e-4^2) draws from
 * seed for a column that has no spread (one input column, constant data). */
ae_status ae_tsne_init_pca(const ae_matrix *x, uint64_t seed, float *y, ae_error *err);

/* y (n, 2) = N(0, 1e-4^2) draws from seed. */
void ae_tsne_init_random(size_t n, uint64_t seed, float *y);

/* ---- quadtree ---- */

/* Sizes chosen on the 10,000 AE codes of bench/bench_tsne.c (whole run, CPU
 * seconds while tuning): leaf 4 / group 32: 4.0 s, 8/64: 3.8, 16/128: 3.1,
 * 8/128: 2.9, 32/128: 3.6, 16/256: 3.1. Larger groups walk the tree less
 * often but with longer lists (the test is against the group's box). */
#define TSNE_LEAF_MAX 8    /* points in a leaf (more only for coincident points) */
#define TSNE_GROUP_MAX 128 /* points walked together through the tree */

typedef struct {
    float cx, cy;     /* centre of mass */
    float w2;         /* squared side of the smallest quadtree cell holding the points */
    uint32_t lo, hi;  /* its points: sorted positions [lo, hi) */
    uint32_t child;   /* first child; the children are contiguous */
    uint32_t n_child; /* 0 for a leaf */
} tsne_node;

typedef struct {
    size_t n;
    uint32_t *order;       /* (n) sorted position -> point index */
    uint32_t *code;        /* (n) Morton code at each sorted position */
    uint32_t *tmp_order, *tmp_code; /* (n) radix sort scratch */
    float *sx, *sy;        /* (n) coordinates at each sorted position */
    tsne_node *nodes;      /* (cap) node 0 is the root */
    size_t n_nodes, cap;
    uint32_t *groups;      /* (n) nodes walked as one group, covering every point once */
    size_t n_groups;
} tsne_tree;

ae_status ae_tsne_tree_alloc(tsne_tree *t, size_t n, ae_error *err);
void ae_tsne_tree_free(tsne_tree *t);
/* Rebuilds the tree over y (n, 2). */
void ae_tsne_tree_build(tsne_tree *t, const float *y);

/* ---- gradient ---- */

typedef struct {
    size_t n;
    ae_pool *pool;  /* the shared pool when allocated (NULL: one thread) */
    int n_threads;  /* its threads: one interaction list each */
    tsne_tree tree;
    float *rep;     /* (n, 2) repulsion sum_j w_ij^2 (y_i - y_j), by sorted position */
    double *z;      /* (n) sum_j w_ij, by sorted position */
    float *attr;    /* (n, 2) sum_j p_ij w_ij (y_i - y_j), by point */
    double *kl;     /* (n) sum_j p_ij log(p_ij / w_ij), by point */
    float *lists;   /* n_threads interaction lists of list_cap entries (x, y, mass SoA) */
    size_t list_cap;
} tsne_work;

ae_status ae_tsne_work_alloc(tsne_work *w, size_t n, ae_error *err);
void ae_tsne_work_free(tsne_work *w);

/* Repulsion of the points of group g of the built tree, walked with opening
 * angle theta, using interaction list `list` (3 * list_cap floats): fills
 * w->rep and w->z at the group's sorted positions. */
void ae_tsne_repulsion_group(tsne_work *w, size_t g, float theta, float *list);

/* grad (n, 2) = 4 (exag * sum_j p_ij w_ij (y_i - y_j) - sum_j w_ij^2 (y_i - y_j) / Z),
 * w_ij = 1 / (1 + |y_i - y_j|^2), Z = sum_{i != j} w_ij, with the repulsion
 * from Barnes-Hut (theta). If kl is not NULL it receives KL(P || Q) against
 * the P given (not exaggerated) and that Z. */
void ae_tsne_gradient(tsne_work *w, const tsne_sparse *P, float exag, const float *y, float theta, float *grad,
                      double *kl);

/* The same gradient and KL from all n^2 pairs, in double: the reference for tests. */
void ae_tsne_gradient_exact(const tsne_sparse *P, float exag, const float *y, float *grad, double *kl);

#endif
