/* Internal pieces of k-means, shared by kmeans.c (API, restarts),
 * kmeans_init.c (greedy k-means++), kmeans_assign.c (the GEMM assignment
 * pass) and kmeans_lloyd.c (iterations, empty-cluster repair). The tests
 * include it to drive Lloyd from hand-picked starting centres.
 *
 * Coordinates. Centres are kept centred (c' = c - mean, as scikit-learn
 * centres x for precision). The GEMM runs on `xs`, which is x itself when
 * x's mean is small next to its spread, or else a centred copy of x; `off`
 * is what xs still has to lose to be centred (mean, or zeros for the copy),
 * so that for a row x_i of xs
 *     |x_i - off - c'_j|^2 = xsq_i + bias_j - 2 x_i.c'_j,
 *     bias_j = |c'_j|^2 + 2 off.c'_j,
 * and only -2 x_i.c'_j needs the GEMM. Without the copy the GEMM's rounding
 * scales with |x| instead of |x - mean|: a factor below 2 when
 * |mean|^2 <= 4 * (mean squared spread), the test for making the copy.
 *
 * Skipping rows that cannot move (Hamerly's bounds). Every row keeps an upper
 * bound ub on its distance to its own centre and a lower bound lb on its
 * distance to every other centre; when centres move by delta_j, ub grows by
 * its centre's delta and lb shrinks by the largest other delta. A row with
 * ub < lb keeps its label whatever the distances, so the assignment pass
 * sends only the other rows to the GEMM (about 1 in 6 per iteration on
 * Fashion-MNIST). Labels, sums, centres and iteration counts are those of the
 * full pass: the bounds carry a margin above the GEMM's rounding, and the
 * tests compare both passes bit for bit.
 *
 * Threads. The GEMM is threaded by OpenBLAS; the work between GEMMs (argmin,
 * bounds, moving the few rows that change) is single-threaded on purpose:
 * OpenMP regions interleaved with OpenBLAS calls made a pass 2-10x slower
 * here, each pool's idle workers spinning on the cores the other needs.
 * Passes without a GEMM (statistics, centring, k-means++, inertia) run on the
 * library's pool (core/pool.h) over fixed blocks of AE_KM_BLOCK rows whose
 * partial sums are added in block order, so results do not depend on the
 * number of threads. */
#ifndef AE_KMEANS_INTERNAL_H
#define AE_KMEANS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aeclust/kmeans.h"
#include "aeclust/rng.h"
#include "core/pool.h"

typedef struct {
    size_t n, d;
    int k;
    const float *x;  /* (n, d) the caller's rows, never written */
    const float *xs; /* (n, d) rows the GEMM reads: x or xcopy */
    float *xcopy;    /* (n, d) x - mean, only when the offset is large; else NULL */
    float *mean;     /* (d) column means of x */
    float *off;      /* (d) xs's remaining offset: mean, or zeros when xs is xcopy */
    double sum_var;  /* sum over columns of the (population) variance of x */
    float *xsq;      /* (n) |x_i - mean|^2 */
    int32_t *labels; /* (n) cluster of each row: the membership `sums` reflects during a fit */
    float *cen;      /* (k, d) current centres, centred */
    float *cen_new;  /* (k, d) next centres (fit only) */
    float *bias;     /* (k) |c'_j|^2 + 2 off.c'_j */
    float scale;     /* |off|^2 + max_j |c'_j|^2: the size the GEMM's rounding scales with */

    size_t chunk;    /* rows per GEMM */
    size_t *batch;   /* (chunk) rows of the next GEMM */
    float *xbuf;     /* (chunk, d) those rows gathered when not contiguous (fit only) */
    float *dist;     /* (chunk, k) -2 x_i.c'_j */

    bool prune;      /* skip rows whose bounds rule out a move (fit only; tests turn it off) */
    float *ub;       /* (n) upper bound on |x_i - c_label_i| (fit only) */
    float *lb;       /* (n) lower bound on the distance to any other centre (fit only) */
    float *delta;    /* (k) how far each centre moved in the last update (fit only) */
    float *mind;     /* (n) squared distance to the own centre, for the empty-cluster repair (fit only) */
    size_t gemm_rows; /* rows sent to the GEMM so far: what pruning saves shows here */

    double *sums;    /* (k, d) sum of the xs rows of each cluster, kept up to date (fit only) */
    int64_t *counts; /* (k) cluster sizes (fit only) */

    ae_pool *pool;   /* the shared pool, for the passes without a GEMM; NULL: one thread */
    size_t nblocks;  /* ceil(n / AE_KM_BLOCK) */
    double *block;   /* (nblocks, ntrials) per-block partial sums */
    int ntrials;     /* k-means++ candidates per step: 2 + floor(ln k) */
    float *closest;  /* (n) squared distance to the closest chosen seed (fit only) */
    float *trial;    /* (ntrials, n) the same, if candidate t were added (fit only) */
} ae_km_work;

/* A pass without a GEMM goes parallel only when it touches at least this many
 * values: below it, waking the pool's helpers costs more than they save
 * (under OpenMP, whose workers spun after each region and took the cores from
 * OpenBLAS's threads in the GEMMs that followed, small test cases ran 5x
 * slower). */
#define AE_KM_PAR_MIN ((size_t)1 << 22)

/* The pool for a pass touching `values` values: w's below AE_KM_PAR_MIN,
 * else none (the calling thread). */
static inline ae_pool *ae_km_pass_pool(const ae_km_work *w, size_t values)
{
    return values >= AE_KM_PAR_MIN ? w->pool : NULL;
}

/* Rows per block of ae_km_work.block: fixed so sums add up in the same order
 * whatever the thread count. */
#define AE_KM_BLOCK 2048

/* Allocates the buffers for x (n >= 1, d >= 1) and k >= 1 centres and computes
 * mean, sum_var and xsq. `fit` adds what fitting needs beyond assignment. */
ae_status ae_km_work_init(ae_km_work *w, const ae_matrix *x, int k, bool fit, ae_error *err);
void ae_km_work_free(ae_km_work *w);

/* Assigns every row to its closest centre of cen ((k, d), centred; ties to
 * the lower index), skipping rows whose bounds rule out a move when
 * w->prune; with `update`, moves each row that changed cluster from its old
 * cluster's sum and count to its new one's (rows labelled -1 are only added).
 * Returns how many labels changed. */
size_t ae_km_assign(ae_km_work *w, const float *cen, bool update);

/* Greedy k-means++: fills seeds[0..k) with distinct-as-possible row indices. */
void ae_km_plusplus(ae_km_work *w, ae_rng *rng, size_t *seeds);

/* Lloyd iterations from the centres in w->cen (centred); on return w->cen and
 * w->labels hold the result (labels consistent with cen). Returns the number
 * of iterations. tol_abs bounds the squared centre shift summed over clusters. */
int ae_km_lloyd(ae_km_work *w, int max_iter, double tol_abs);

/* The centres of the last ae_km_lloyd in x's coordinates, (k, d): each
 * cluster's mean straight from its double sum, rounded once. */
void ae_km_centroids(const ae_km_work *w, float *out);

/* Sum over rows of |x_i - centroids[labels_i]|^2 in double, centroids in
 * x's coordinates (k, d). part is scratch of ceil(n / AE_KM_BLOCK) doubles. */
double ae_km_inertia(const float *x, size_t n, size_t d, const float *centroids, const int32_t *labels,
                     double *part);

#endif
