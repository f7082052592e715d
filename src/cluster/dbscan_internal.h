/* DBSCAN internals: the eps-neighbourhoods, from a kd-tree or GEMM tiles.
 *
 *   dbscan.c        options, the three passes (count, join, borders), labels
 *   dbscan_nbrs.c   the neighbourhood source (kd-tree or brute-force tiles)
 *   kdistance.c     the k-distance curve */
#ifndef AE_CLUSTER_DBSCAN_INTERNAL_H
#define AE_CLUSTER_DBSCAN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "aeclust/dbscan.h"
#include "kdtree.h"

#define AE_DBSCAN_KDTREE_MAX_DIM 16
#define AE_DBSCAN_QB 64   /* query rows per GEMM tile */
#define AE_DBSCAN_RB 1024 /* reference rows per GEMM tile */

/* Called for each neighbour j (original row, i itself included) of row i. */
typedef void (*ae_dbscan_pair_fn)(void *ctx, size_t i, size_t j);

typedef struct {
    const ae_matrix *x;
    size_t n;
    int d;
    double eps2;     /* eps * eps */
    int use_tree;
    ae_kdtree tree;  /* use_tree */
    int32_t *lists;  /* (threads, n) neighbour buffers of the kd-tree queries */
    float *xc;       /* (n, d) x minus its column means: the GEMM operands (brute) */
    float *norms;    /* (n) squared norms of xc's rows (brute) */
    float *margin;   /* (n) rounding bound of the GEMM squared distance, row i's share (brute) */
    float eps2_lo, eps2_hi; /* eps^2 rounded down and up to float, with room (brute) */
    float *tiles;    /* (threads, QB * RB) GEMM tiles (brute) */
    int threads;
} ae_dbscan_nbrs;

ae_status ae_dbscan_nbrs_init(ae_dbscan_nbrs *s, const ae_matrix *x, double eps, int use_tree, int threads,
                              ae_error *err);
void ae_dbscan_nbrs_free(ae_dbscan_nbrs *s);

/* counts[i] = |N_eps(i)| (itself included) for i in [lo, hi), on thread `thread`. */
void ae_dbscan_nbrs_count(ae_dbscan_nbrs *s, size_t lo, size_t hi, int thread, int32_t *counts);
/* fn(ctx, i, j) for every neighbour j of every i in [lo, hi) with want[i] != 0. */
void ae_dbscan_nbrs_visit(ae_dbscan_nbrs *s, size_t lo, size_t hi, const uint8_t *want, int thread,
                          ae_dbscan_pair_fn fn, void *ctx);

#endif
