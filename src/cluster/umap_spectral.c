/* UMAP's spectral initialisation: the eigenvectors of the normalised
 * Laplacian L = I - D^-1/2 W D^-1/2 for its smallest eigenvalues, the
 * trivial one (0, with eigenvector D^1/2 1) left out, as umap-learn's
 * spectral_layout.
 *
 * umap-learn asks ARPACK (scipy's eigsh) for which="SM" of L: the smallest
 * eigenvalues without shift-invert, which Lanczos finds slowly. Here ARPACK
 * (dsaupd/dseupd from Debian's libarpack2) is asked for the largest
 * algebraic ("LA") eigenvalues of 2I - L = I + D^-1/2 W D^-1/2, whose
 * eigenvalues lie in [0, 2] and whose largest are L's smallest, with the
 * same eigenvectors: no factorisation, only products with the sparse W.
 * umap-learn's settings otherwise (nev = dim + 1, tol 1e-4, the start
 * vector all ones, at most 5 n iterations) but 64 Lanczos vectors (at least
 * 2 nev + 1) where it keeps sqrt(n): on the 70,000 10-d codes (nev 11)
 * 3.4 CPU s against 7.3 for ncv 264, the eigenvectors the same to 1e-5
 * (entries about 4e-3); ncv 32 took 2.6 s but differed by 1.5e-4.
 *
 * Deterministic: the products run on the pool over fixed row ranges, each
 * row summed in order; OpenBLAS (which ARPACK calls for its dot products
 * and orthogonalisation, and whose threaded dot products add partial sums
 * in an order that depends on the thread count) is held to one thread for
 * the solve. ARPACK keeps state in Fortran SAVE variables, so solves are
 * serialised by a mutex. Each eigenvector's sign is fixed so that its
 * largest-magnitude entry is positive (ARPACK's sign is arbitrary).
 * Below DENSE_MAX vertices the matrix is small enough for LAPACK's dsyevr. */
#include <arpack/arpack.h>
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "umap_internal.h"

#define DENSE_MAX 300
#define NCV 64 /* Lanczos vectors (umap-learn: sqrt(n)), at least 2 nev + 1 */
#define TOL 1e-4

static pthread_mutex_t arpack_mu = PTHREAD_MUTEX_INITIALIZER;

typedef struct {
    const ae_umap_graph *g;
    const double *dinv; /* (n) D^-1/2 */
    const double *in;
    double *out;
} matvec_job;

/* out = in + D^-1/2 W D^-1/2 in, rows [lo, hi). */
static void matvec_rows(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    const matvec_job *j = ctx;
    const ae_umap_graph *g = j->g;
    for (size_t i = lo; i < hi; i++) {
        double s = 0;
        for (size_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++) s += (double)g->val[e] * j->dinv[g->col[e]] * j->in[g->col[e]];
        j->out[i] = j->in[i] + j->dinv[i] * s;
    }
}

/* Flips each column of y (n, dim) so that its first largest-magnitude entry is positive. */
static void fix_signs(double *y, size_t n, int dim)
{
    for (int c = 0; c < dim; c++) {
        double big = 0;
        for (size_t i = 0; i < n; i++)
            if (fabs(y[i * (size_t)dim + (size_t)c]) > fabs(big)) big = y[i * (size_t)dim + (size_t)c];
        if (big < 0)
            for (size_t i = 0; i < n; i++) y[i * (size_t)dim + (size_t)c] = -y[i * (size_t)dim + (size_t)c];
    }
}

/* The nev eigenpairs of I + D^-1/2 W D^-1/2 with the largest eigenvalues, dense:
 * values (nev, ascending) and vectors z (n, nev) column c for values[c]. */
static ae_status dense_top(const ae_umap_graph *g, const double *dinv, int nev, double *values, double *z,
                           ae_error *err)
{
    size_t n = g->n_rows;
    double *m = calloc(n * n, sizeof *m);
    lapack_int *support = malloc(2 * (size_t)nev * sizeof *support);
    if (!m || !support) {
        free(m), free(support);
        return ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the spectral initialisation");
    }
    for (size_t i = 0; i < n; i++) {
        m[i * n + i] = 1.0;
        for (size_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++)
            m[i * n + (size_t)g->col[e]] += dinv[i] * (double)g->val[e] * dinv[g->col[e]];
    }
    lapack_int found = 0;
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', (lapack_int)n, m, (lapack_int)n, 0.0, 0.0,
                                     (lapack_int)n - nev + 1, (lapack_int)n, 0.0, &found, values, z, nev, support);
    free(m), free(support);
    if (info != 0 || found != nev)
        return ae_fail(err, AE_ERR_NUMERIC, "UMAP: the spectral initialisation's eigen-decomposition failed (%d)",
                       (int)info);
    return AE_OK;
}

/* The same with ARPACK; z is (n, nev) row-major too. */
static ae_status arpack_top(const ae_umap_graph *g, const double *dinv, int nev, double *values, double *z,
                            ae_error *err)
{
    const a_int n = (a_int)g->n_rows;
    a_int ncv = NCV;
    if (ncv < 2 * nev + 1) ncv = 2 * nev + 1;
    if (ncv > n) ncv = n;
    const a_int lworkl = ncv * (ncv + 8);
    double *resid = malloc((size_t)n * sizeof *resid), *v = malloc((size_t)n * (size_t)ncv * sizeof *v);
    double *workd = malloc(3 * (size_t)n * sizeof *workd), *workl = malloc((size_t)lworkl * sizeof *workl);
    double *zc = malloc((size_t)n * (size_t)nev * sizeof *zc), *d = malloc((size_t)nev * sizeof *d);
    a_int *select = calloc((size_t)ncv, sizeof *select);
    ae_status st = AE_OK;
    if (!resid || !v || !workd || !workl || !zc || !d || !select) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the spectral initialisation (%d vectors of %d)",
                     (int)ncv, (int)n);
        goto done;
    }
    for (a_int i = 0; i < n; i++) resid[i] = 1.0; /* umap-learn's v0 */
    a_int iparam[11] = {0}, ipntr[11] = {0}, ido = 0, info = 1;
    iparam[0] = 1;                                   /* exact shifts */
    iparam[2] = n > 200000000 ? 1000000000 : 5 * n;  /* umap-learn's maxiter */
    iparam[6] = 1;                                   /* mode 1: A x = lambda x */
    ae_pool *pool = ae_pool_shared();
    size_t grain = ae_pool_grain((size_t)n, 1024);
    pthread_mutex_lock(&arpack_mu);
    const int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    for (;;) {
        dsaupd_c(&ido, "I", n, "LA", nev, TOL, resid, ncv, v, n, iparam, ipntr, workd, workl, lworkl, &info);
        if (ido != -1 && ido != 1) break;
        matvec_job j = {g, dinv, workd + ipntr[0] - 1, workd + ipntr[1] - 1};
        ae_pool_for(pool, (size_t)n, grain, matvec_rows, &j);
    }
    if (info < 0 || info == 1 || iparam[4] < nev) {
        st = ae_fail(err, AE_ERR_NUMERIC,
                     "UMAP: the spectral initialisation did not converge (ARPACK info %d, %d of %d eigenvectors)",
                     (int)info, (int)iparam[4], nev);
    }
    else {
        a_int rinfo = 0;
        dseupd_c(1, "A", select, d, zc, n, 0.0, "I", n, "LA", nev, TOL, resid, ncv, v, n, iparam, ipntr, workd,
                 workl, lworkl, &rinfo);
        if (rinfo != 0)
            st = ae_fail(err, AE_ERR_NUMERIC, "UMAP: the spectral initialisation's eigenvectors failed (ARPACK %d)",
                         (int)rinfo);
    }
    openblas_set_num_threads(blas_threads);
    pthread_mutex_unlock(&arpack_mu);
    if (st) goto done;
    /* ARPACK's vectors are column-major (n, nev): sort by eigenvalue, ascending like dsyevr's */
    int *order = malloc((size_t)nev * sizeof *order);
    if (!order) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the spectral initialisation");
        goto done;
    }
    for (int c = 0; c < nev; c++) order[c] = c;
    for (int c = 1; c < nev; c++)
        for (int p = c; p > 0 && d[order[p - 1]] > d[order[p]]; p--) {
            int t = order[p];
            order[p] = order[p - 1];
            order[p - 1] = t;
        }
    for (int c = 0; c < nev; c++) {
        values[c] = d[order[c]];
        for (a_int i = 0; i < n; i++) z[(size_t)i * (size_t)nev + (size_t)c] = zc[(size_t)order[c] * (size_t)n + (size_t)i];
    }
    free(order);
done:
    free(resid), free(v), free(workd), free(workl), free(zc), free(d), free(select);
    return st;
}

ae_status ae_umap_spectral(const ae_umap_graph *g, int dim, int dense, double *y, ae_error *err)
{
    size_t n = g->n_rows;
    int nev = dim + 1;
    if (dim < 1 || (size_t)nev >= n)
        return ae_fail(err, AE_ERR_ARG, "UMAP: a spectral layout in %d dimensions needs more than %d vertices", dim,
                       nev);
    double *dinv = malloc(n * sizeof *dinv), *values = malloc((size_t)nev * sizeof *values);
    double *z = malloc(n * (size_t)nev * sizeof *z);
    ae_status st = AE_OK;
    if (!dinv || !values || !z) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the spectral initialisation");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++) s += g->val[e];
        if (!(s > 0)) {
            st = ae_fail(err, AE_ERR_NUMERIC, "UMAP: vertex %zu has no edges; no spectral layout", i);
            goto done;
        }
        dinv[i] = 1 / sqrt(s);
    }
    st = dense > 0 || (dense == 0 && n < DENSE_MAX) ? dense_top(g, dinv, nev, values, z, err)
                                                   : arpack_top(g, dinv, nev, values, z, err);
    if (st) goto done;
    /* ascending: column nev - 1 is the trivial eigenvector; the next dim below it, largest first */
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < dim; c++) y[i * (size_t)dim + (size_t)c] = z[i * (size_t)nev + (size_t)(nev - 2 - c)];
    fix_signs(y, n, dim);
    for (size_t e = 0; e < n * (size_t)dim; e++)
        if (!isfinite(y[e])) {
            st = ae_fail(err, AE_ERR_NUMERIC, "UMAP: the spectral initialisation gave a non-finite value");
            break;
        }
done:
    free(dinv), free(values), free(z);
    return st;
}
