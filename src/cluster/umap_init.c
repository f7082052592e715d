/* UMAP's initial layout, as umap-learn 0.5's simplicial_set_embedding
 * starts it: spectral (spectral_layout, or multi_component_layout for a
 * graph in several pieces), or random; then, for both, every column mapped
 * onto [0, 10].
 *
 * - Spectral: the layout scaled so that its largest |entry| is 10, plus
 *   N(0, 1e-4^2) noise. A graph in 2..2 dim pieces is laid out as
 *   umap-learn does: piece c sits at the c-th of +e_1, ..., +e_k, -e_1, ...
 *   (k = ceil(pieces / 2)) and is spread over half the distance to the
 *   nearest other piece, by its own spectral layout, or uniformly at random
 *   when it has fewer than 2 dim vertices (or dim + 2). umap-learn lays out
 *   more pieces by a spectral embedding of their centroids; here a graph in
 *   more than 2 dim pieces (and a graph whose eigenvectors ARPACK cannot
 *   find) starts from PCA instead, which keeps the pieces where the data
 *   has them.
 * - PCA (not in umap-learn 0.5.3): the first dim principal components of
 *   the data (fewer if the data has fewer columns, the others 0), scaled and
 *   jittered as the spectral layout.
 * - Random: uniform in [-10, 10]. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/pca.h"
#include "aeclust/rng.h"
#include "umap_internal.h"

#define NOISE 1e-4
#define EXPANSION 10.0

void ae_umap_rescale(float *y, size_t n, int dim)
{
    for (int c = 0; c < dim; c++) {
        float lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            float v = y[i * (size_t)dim + (size_t)c];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        float range = hi - lo;
        for (size_t i = 0; i < n; i++) {
            float *v = &y[i * (size_t)dim + (size_t)c];
            *v = range > 0 ? 10.0f * (*v - lo) / range : 0.0f;
        }
    }
}

/* y (double) * 10 / max |y| into out (float), plus N(0, NOISE^2). */
static void expand(const double *y, size_t n, int dim, uint64_t seed, float *out)
{
    double big = 0;
    for (size_t e = 0; e < n * (size_t)dim; e++) big = fabs(y[e]) > big ? fabs(y[e]) : big;
    double s = big > 0 ? EXPANSION / big : 1.0;
    ae_rng r;
    ae_rng_seed(&r, ae_umap_stream(seed, 0x6e6f697365ULL, 0));
    for (size_t e = 0; e < n * (size_t)dim; e++) out[e] = (float)(y[e] * s) + (float)(NOISE * ae_rng_normal(&r));
}

/* The first dim principal components of x into y (n, dim), with OpenBLAS
 * on one thread: its threaded products may switch kernels (and the order of
 * their sums) with the thread count, and the layout must not. */
static ae_status pca_layout(const ae_matrix *x, int dim, double *y, ae_error *err)
{
    size_t n = x->rows, d = x->cols;
    ae_pca_opts po = ae_pca_defaults();
    po.n_components = (size_t)dim < d ? dim : (int)d;
    if ((size_t)po.n_components > n) po.n_components = (int)n;
    ae_pca *p = NULL;
    ae_matrix s = {0};
    const int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    ae_status st = ae_pca_fit(x, &po, &p, err);
    if (!st) st = ae_pca_transform(p, x, &s, err);
    openblas_set_num_threads(blas_threads);
    if (!st) {
        int m = po.n_components;
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < dim; c++) y[i * (size_t)dim + (size_t)c] = c < m ? s.data[i * (size_t)m + (size_t)c] : 0.0;
    }
    ae_matrix_free(&s);
    ae_pca_free(p);
    return st;
}

/* Vertices of piece c (label) as their own graph: sub (rows renumbered in order), members (its rows). */
static ae_status piece_graph(const ae_umap_graph *g, const int32_t *label, int c, int32_t *renum,
                             ae_umap_graph *sub, size_t *members, size_t *count, ae_error *err)
{
    size_t n = g->n_rows, m = 0, nnz = 0;
    for (size_t i = 0; i < n; i++)
        if (label[i] == c) {
            renum[i] = (int32_t)m;
            members[m++] = i;
            nnz += g->rowptr[i + 1] - g->rowptr[i];
        }
    *count = m;
    memset(sub, 0, sizeof *sub);
    sub->n_rows = sub->n_cols = m;
    sub->rowptr = malloc((m + 1) * sizeof *sub->rowptr);
    sub->col = malloc(nnz * sizeof *sub->col + 1);
    sub->val = malloc(nnz * sizeof *sub->val + 1);
    if (!sub->rowptr || !sub->col || !sub->val) {
        ae_umap_graph_free(sub);
        return ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for a piece of the graph");
    }
    size_t o = 0;
    sub->rowptr[0] = 0;
    for (size_t r = 0; r < m; r++) {
        size_t i = members[r];
        for (size_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++) /* columns stay increasing: renum is monotone */
            sub->col[o] = renum[g->col[e]], sub->val[o] = g->val[e], o++;
        sub->rowptr[r + 1] = o;
    }
    return AE_OK;
}

/* umap-learn's multi_component_layout for 2 <= pieces <= 2 dim. */
static ae_status multi_piece_layout(const ae_umap_graph *g, const int32_t *label, int pieces, int dim,
                                    uint64_t seed, double *y, ae_error *err)
{
    size_t n = g->n_rows;
    int k = (pieces + 1) / 2;
    double *meta = calloc((size_t)pieces * (size_t)dim, sizeof *meta);
    int32_t *renum = malloc(n * sizeof *renum);
    size_t *members = malloc(n * sizeof *members);
    double *sy = malloc(n * (size_t)dim * sizeof *sy);
    ae_status st = AE_OK;
    if (!meta || !renum || !members || !sy) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the layout of %d pieces", pieces);
        goto done;
    }
    for (int c = 0; c < pieces; c++) meta[(size_t)c * (size_t)dim + (size_t)(c % k)] = c < k ? 1.0 : -1.0;
    ae_rng r;
    ae_rng_seed(&r, ae_umap_stream(seed, 0x706965636573ULL, 0));
    for (int c = 0; c < pieces; c++) {
        const double *mc = meta + (size_t)c * (size_t)dim;
        double near = INFINITY;
        for (int o = 0; o < pieces; o++) {
            double s = 0;
            for (int e = 0; e < dim; e++) s += (mc[e] - meta[(size_t)o * (size_t)dim + (size_t)e]) * (mc[e] - meta[(size_t)o * (size_t)dim + (size_t)e]);
            if (s > 0 && sqrt(s) < near) near = sqrt(s);
        }
        double range = near / 2;
        ae_umap_graph sub;
        size_t m;
        if ((st = piece_graph(g, label, c, renum, &sub, members, &m, err))) goto done;
        ae_error ignored;
        int spectral = m >= 2 * (size_t)dim && m > (size_t)dim + 1 && !ae_umap_spectral(&sub, dim, 0, sy, &ignored);
        ae_umap_graph_free(&sub);
        double big = 0;
        for (size_t e = 0; spectral && e < m * (size_t)dim; e++) big = fabs(sy[e]) > big ? fabs(sy[e]) : big;
        for (size_t q = 0; q < m; q++)
            for (int e = 0; e < dim; e++) {
                double v = spectral ? sy[q * (size_t)dim + (size_t)e] * (big > 0 ? range / big : 0)
                                    : range * (2 * ae_rng_uniform(&r) - 1);
                y[members[q] * (size_t)dim + (size_t)e] = v + mc[e];
            }
    }
done:
    free(meta), free(renum), free(members), free(sy);
    return st;
}

ae_status ae_umap_initial_layout(const ae_matrix *x, const ae_umap_graph *g, int dim, ae_umap_init init,
                                 uint64_t seed, float *y, ae_umap_init *used, int *pieces, ae_error *err)
{
    size_t n = x->rows;
    *used = init;
    *pieces = 0;
    double *yd = malloc(n * (size_t)dim * sizeof *yd);
    int32_t *label = malloc(n * sizeof *label);
    ae_status st = AE_OK;
    if (!yd || !label) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the initial layout of %zu points", n);
        goto done;
    }
    *pieces = ae_umap_components(g, label);
    if (init == AE_UMAP_INIT_RANDOM) {
        ae_rng r;
        ae_rng_seed(&r, ae_umap_stream(seed, 0x72616e646f6dULL, 0));
        for (size_t e = 0; e < n * (size_t)dim; e++) y[e] = (float)(20 * ae_rng_uniform(&r) - 10);
        goto done;
    }
    if (init == AE_UMAP_INIT_SPECTRAL) {
        ae_error ignored;
        ae_status sp = AE_ERR_NUMERIC;
        if (*pieces == 1) sp = ae_umap_spectral(g, dim, 0, yd, &ignored);
        else if (*pieces <= 2 * dim) {
            if ((st = multi_piece_layout(g, label, *pieces, dim, seed, yd, err))) goto done;
            sp = AE_OK;
        }
        if (sp == AE_ERR_NOMEM) {
            st = ae_fail(err, AE_ERR_NOMEM, "%s", ignored.msg);
            goto done;
        }
        if (sp) *used = AE_UMAP_INIT_PCA; /* many pieces, or no convergence */
    }
    if (*used == AE_UMAP_INIT_PCA && (st = pca_layout(x, dim, yd, err))) goto done;
    expand(yd, n, dim, seed, y);
done:
    free(yd), free(label);
    return st;
}
