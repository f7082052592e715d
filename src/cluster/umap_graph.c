/* UMAP's fuzzy graph: umap-learn 0.5's smooth_knn_dist, membership
 * strengths and fuzzy union, the pruning and edge schedule before the
 * optimisation, and the graph's connected pieces. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "umap_internal.h"

void ae_umap_graph_free(ae_umap_graph *g)
{
    if (!g) return;
    free(g->rowptr), free(g->col), free(g->val);
    memset(g, 0, sizeof *g);
}

/* ---- smooth_knn_dist ---- */

typedef struct {
    const float *dist;
    int k;
    double local_connectivity, mean_all;
    float *sigma, *rho;
} smooth_job;

static void smooth_rows(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    const smooth_job *j = ctx;
    const int k = j->k;
    const double target = log2((double)k), lc = j->local_connectivity;
    for (size_t i = lo; i < hi; i++) {
        const float *d = j->dist + i * (size_t)k;
        /* rho: the local_connectivity-th nonzero distance, interpolated */
        int nz = 0, first = -1;
        double row_mean = 0, rho = 0, nz_max = 0;
        for (int m = 0; m < k; m++) {
            row_mean += d[m];
            if (d[m] > 0) {
                if (first < 0) first = m;
                nz++;
                if (d[m] > nz_max) nz_max = d[m];
            }
        }
        row_mean /= k;
        if (nz > 0 && (double)nz >= lc) {
            int index = (int)floor(lc);
            double interp = lc - index;
            /* the rows are sorted, so the nonzero distances are d[first..] */
            if (index > 0) {
                rho = d[first + index - 1];
                if (interp > AE_UMAP_SMOOTH_K_TOLERANCE && index < nz)
                    rho += interp * ((double)d[first + index] - d[first + index - 1]);
            }
            else
                rho = interp * d[first];
        }
        else if (nz > 0)
            rho = nz_max;
        /* sigma: binary search on sum exp(-(d - rho) / sigma) = log2(k) over columns 1.. */
        double lo_s = 0, hi_s = INFINITY, mid = 1;
        for (int it = 0; it < AE_UMAP_SMOOTH_K_ITER; it++) {
            double psum = 0;
            for (int m = 1; m < k; m++) {
                double e = (double)d[m] - rho;
                psum += e > 0 ? exp(-(e / mid)) : 1.0;
            }
            if (fabs(psum - target) < AE_UMAP_SMOOTH_K_TOLERANCE) break;
            if (psum > target) {
                hi_s = mid;
                mid = (lo_s + hi_s) / 2;
            }
            else {
                lo_s = mid;
                mid = isinf(hi_s) ? mid * 2 : (lo_s + hi_s) / 2;
            }
        }
        double floor_s = AE_UMAP_MIN_K_DIST_SCALE * (rho > 0 ? row_mean : j->mean_all);
        j->sigma[i] = (float)(mid < floor_s ? floor_s : mid);
        j->rho[i] = (float)rho;
    }
}

void ae_umap_smooth_knn_dist(const float *dist, size_t n, int k, double local_connectivity, float *sigma,
                             float *rho)
{
    double mean = 0;
    for (size_t e = 0; e < n * (size_t)k; e++) mean += dist[e];
    mean /= (double)(n * (size_t)k);
    smooth_job j = {dist, k, local_connectivity, mean, sigma, rho};
    ae_pool_for(ae_pool_shared(), n, ae_pool_grain(n, 512), smooth_rows, &j);
}

/* ---- memberships ---- */

void ae_umap_memberships(const int32_t *idx, const float *dist, const float *sigma, const float *rho, size_t n,
                         int k, int self, float *w)
{
    for (size_t i = 0; i < n; i++)
        for (int m = 0; m < k; m++) {
            size_t e = i * (size_t)k + (size_t)m;
            float v;
            if (idx[e] < 0 || (self && (size_t)idx[e] == i)) v = 0.0f;
            else if (dist[e] - rho[i] <= 0.0f || sigma[i] == 0.0f) v = 1.0f;
            else v = (float)exp(-((double)(dist[e] - rho[i]) / sigma[i]));
            w[e] = v;
        }
}

/* ---- the fuzzy union ---- */

typedef struct {
    int32_t col;
    int32_t dir; /* 0: w[i -> col] (A), 1: w[col -> i] (A^T) */
    float val;
} entry;

static int entry_cmp(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    if (a->col != b->col) return a->col < b->col ? -1 : 1;
    return (a->dir > b->dir) - (a->dir < b->dir);
}

typedef struct {
    const size_t *ptr;
    entry *e;
    size_t *len; /* (n) merged length of each row */
} merge_job;

/* Sorts each row's entries by (column, direction) and merges a column's
 * A and A^T values into a + b - a b, in place; zeros dropped. */
static void merge_rows(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    const merge_job *j = ctx;
    for (size_t i = lo; i < hi; i++) {
        entry *r = j->e + j->ptr[i];
        size_t L = j->ptr[i + 1] - j->ptr[i], out = 0;
        if (L > 32) qsort(r, L, sizeof *r, entry_cmp);
        else
            for (size_t a = 1; a < L; a++) {
                entry t = r[a];
                size_t p = a;
                while (p > 0 && entry_cmp(&r[p - 1], &t) > 0) {
                    r[p] = r[p - 1];
                    p--;
                }
                r[p] = t;
            }
        for (size_t a = 0; a < L;) {
            float v;
            if (a + 1 < L && r[a + 1].col == r[a].col) { /* both directions: scipy's (A + A^T) - A o A^T in float32 */
                float x = r[a].val, y = r[a + 1].val;
                v = (x + y) - x * y;
                r[out].col = r[a].col;
                a += 2;
            }
            else {
                v = r[a].val;
                r[out].col = r[a].col;
                a++;
            }
            if (v != 0.0f) r[out++].val = v;
        }
        j->len[i] = out;
    }
}

ae_status ae_umap_fuzzy_union(size_t n, int k, const int32_t *idx, const float *w, ae_umap_graph *out,
                              ae_error *err)
{
    memset(out, 0, sizeof *out);
    size_t nk = n * (size_t)k;
    size_t *ptr = calloc(n + 1, sizeof *ptr), *fill = malloc(n * sizeof *fill), *len = malloc(n * sizeof *len);
    entry *e = malloc(2 * nk * sizeof *e + 1);
    ae_status st = AE_OK;
    if (!ptr || !fill || !len || !e) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the fuzzy graph of %zu rows", n);
        goto done;
    }
    for (size_t q = 0; q < nk; q++)
        if (w[q] > 0.0f) ptr[q / (size_t)k + 1]++, ptr[(size_t)idx[q] + 1]++;
    for (size_t i = 0; i < n; i++) ptr[i + 1] += ptr[i];
    memcpy(fill, ptr, n * sizeof *fill);
    for (size_t q = 0; q < nk; q++)
        if (w[q] > 0.0f) {
            size_t i = q / (size_t)k, j = (size_t)idx[q];
            e[fill[i]++] = (entry){(int32_t)j, 0, w[q]};
            e[fill[j]++] = (entry){(int32_t)i, 1, w[q]};
        }
    merge_job mj = {ptr, e, len};
    ae_pool_for(ae_pool_shared(), n, ae_pool_grain(n, 512), merge_rows, &mj);
    out->n_rows = out->n_cols = n;
    out->rowptr = malloc((n + 1) * sizeof *out->rowptr);
    size_t nnz = 0;
    for (size_t i = 0; i < n; i++) nnz += len[i];
    out->col = malloc(nnz * sizeof *out->col + 1);
    out->val = malloc(nnz * sizeof *out->val + 1);
    if (!out->rowptr || !out->col || !out->val) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the fuzzy graph of %zu rows", n);
        goto done;
    }
    out->rowptr[0] = 0;
    for (size_t i = 0, o = 0; i < n; i++) {
        for (size_t a = 0; a < len[i]; a++, o++) out->col[o] = e[ptr[i] + a].col, out->val[o] = e[ptr[i] + a].val;
        out->rowptr[i + 1] = o;
    }
done:
    free(ptr), free(fill), free(len), free(e);
    if (st) ae_umap_graph_free(out);
    return st;
}

ae_status ae_umap_graph_from_rows(size_t nq, size_t n_cols, int k, const int32_t *idx, const float *w,
                                  ae_umap_graph *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    size_t nk = nq * (size_t)k;
    out->n_rows = nq, out->n_cols = n_cols;
    out->rowptr = malloc((nq + 1) * sizeof *out->rowptr);
    out->col = malloc(nk * sizeof *out->col + 1);
    out->val = malloc(nk * sizeof *out->val + 1);
    if (!out->rowptr || !out->col || !out->val) {
        ae_umap_graph_free(out);
        return ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the graph of %zu new rows", nq);
    }
    size_t o = 0;
    out->rowptr[0] = 0;
    for (size_t i = 0; i < nq; i++) {
        size_t r0 = o;
        for (int m = 0; m < k; m++) {
            size_t q = i * (size_t)k + (size_t)m;
            if (!(w[q] > 0.0f) || idx[q] < 0) continue;
            /* insertion by column (the neighbours are distinct) */
            size_t p = o++;
            while (p > r0 && out->col[p - 1] > idx[q]) {
                out->col[p] = out->col[p - 1], out->val[p] = out->val[p - 1];
                p--;
            }
            out->col[p] = idx[q], out->val[p] = w[q];
        }
        out->rowptr[i + 1] = o;
    }
    return AE_OK;
}

/* ---- before the optimisation ---- */

void ae_umap_graph_prune(ae_umap_graph *g, int n_epochs)
{
    size_t nnz = ae_umap_graph_nnz(g);
    float mx = 0;
    for (size_t e = 0; e < nnz; e++) mx = g->val[e] > mx ? g->val[e] : mx;
    const double thr = (double)mx / (double)n_epochs;
    size_t o = 0, start = 0;
    for (size_t i = 0; i < g->n_rows; i++) {
        size_t end = g->rowptr[i + 1];
        for (size_t e = start; e < end; e++)
            if (!((double)g->val[e] < thr)) g->col[o] = g->col[e], g->val[o] = g->val[e], o++;
        start = end;
        g->rowptr[i + 1] = o;
    }
}

void ae_umap_epochs_per_sample(const ae_umap_graph *g, int n_epochs, double *eps)
{
    size_t nnz = ae_umap_graph_nnz(g);
    float mx = 0;
    for (size_t e = 0; e < nnz; e++) mx = g->val[e] > mx ? g->val[e] : mx;
    const float ne = (float)n_epochs;
    for (size_t e = 0; e < nnz; e++) {
        float samples = ne * (g->val[e] / mx); /* umap-learn's float32 arithmetic */
        eps[e] = samples > 0.0f ? (double)(ne / samples) : -1.0;
    }
}

/* ---- connected pieces ---- */

static int32_t find_root(int32_t *parent, int32_t v)
{
    while (parent[v] != v) {
        parent[v] = parent[parent[v]]; /* path halving */
        v = parent[v];
    }
    return v;
}

int ae_umap_components(const ae_umap_graph *g, int32_t *label)
{
    size_t n = g->n_rows;
    /* label doubles as the union-find forest, then holds the piece numbers */
    for (size_t i = 0; i < n; i++) label[i] = (int32_t)i;
    for (size_t i = 0; i < n; i++)
        for (size_t e = g->rowptr[i]; e < g->rowptr[i + 1]; e++) {
            int32_t a = find_root(label, (int32_t)i), b = find_root(label, g->col[e]);
            if (a != b) label[a > b ? a : b] = a < b ? a : b; /* the smaller index is the root */
        }
    /* flatten: every vertex points at its root, the smallest vertex of its piece */
    for (size_t i = 0; i < n; i++) label[i] = find_root(label, (int32_t)i);
    /* number the pieces in order of their roots, as -(piece + 1) while roots are still looked up */
    int pieces = 0;
    for (size_t i = 0; i < n; i++) label[i] = (size_t)label[i] == i ? -(++pieces) : label[label[i]];
    for (size_t i = 0; i < n; i++) label[i] = -label[i] - 1;
    return pieces;
}
