/* t-SNE's input affinities: per-point Gaussian bandwidths matched to the
 * perplexity over the k nearest neighbours, then the symmetric, normalised
 * sparse P. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "tsne_internal.h"

#define PERPLEXITY_TOL 1e-5 /* on the entropy, in nats (sklearn's) */
#define PERPLEXITY_STEPS 100

typedef struct {
    float *d2;
    int k;
    double target; /* log(perplexity) */
} calib_ctx;

/* sklearn's search, in double: double beta until the entropy falls below the
 * target, then bisect. Distances are taken relative to the row's smallest
 * (which changes neither the probabilities nor the entropy) so exp() cannot
 * underflow to an all-zero row. */
static void calibrate_rows(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    const calib_ctx *c = ctx;
    int k = c->k;
    for (size_t i = lo; i < hi; i++) {
        float *d = c->d2 + i * (size_t)k;
        double dmin = d[0];
        for (int j = 1; j < k; j++)
            if (d[j] < dmin) dmin = d[j];
        double beta = 1.0, beta_min = -INFINITY, beta_max = INFINITY, used = beta, sum = 1.0;
        for (int step = 0; step < PERPLEXITY_STEPS; step++) {
            double s = 0, sd = 0;
            for (int j = 0; j < k; j++) {
                double e = (double)d[j] - dmin, p = exp(-e * beta);
                s += p;
                sd += e * p;
            }
            used = beta;
            sum = s; /* >= 1: the nearest neighbour contributes exp(0) */
            double diff = log(s) + beta * sd / s - c->target;
            if (fabs(diff) <= PERPLEXITY_TOL) break;
            if (diff > 0) { /* too flat: sharpen */
                beta_min = beta;
                beta = isinf(beta_max) ? beta * 2 : (beta + beta_max) / 2;
            }
            else {
                beta_max = beta;
                beta = isinf(beta_min) ? beta / 2 : (beta + beta_min) / 2;
            }
        }
        for (int j = 0; j < k; j++) d[j] = (float)(exp(-((double)d[j] - dmin) * used) / sum);
    }
}

void ae_tsne_calibrate(float *d2, size_t n, int k, double perplexity)
{
    calib_ctx c = {d2, k, log(perplexity)};
    ae_pool_for(ae_pool_shared(), n, ae_pool_grain(n, 512), calibrate_rows, &c); /* row by row: any split */
}

void ae_tsne_sparse_free(tsne_sparse *s)
{
    if (!s) return;
    free(s->rowptr);
    free(s->col);
    free(s->val);
    memset(s, 0, sizeof *s);
}

/* Sorts a row's (column, value) pairs by column (k is small). */
static void sort_by_column(int32_t *c, float *v, int k)
{
    for (int m = 1; m < k; m++) {
        int32_t cv = c[m];
        float vv = v[m];
        int p = m - 1;
        while (p >= 0 && c[p] > cv) {
            c[p + 1] = c[p];
            v[p + 1] = v[p];
            p--;
        }
        c[p + 1] = cv;
        v[p + 1] = vv;
    }
}

ae_status ae_tsne_symmetrize(size_t n, int k, const int32_t *idx, const float *p, tsne_sparse *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    size_t nk = n * (size_t)k;
    size_t *tptr = calloc(n + 1, sizeof *tptr);     /* transposed rows: who chose i */
    int32_t *tcol = malloc(nk * sizeof *tcol);
    float *tval = malloc(nk * sizeof *tval);
    int32_t *oc = malloc((size_t)k * sizeof *oc);   /* one row of C, sorted by column */
    float *ov = malloc((size_t)k * sizeof *ov);
    out->rowptr = malloc((n + 1) * sizeof *out->rowptr);
    out->col = malloc(2 * nk * sizeof *out->col);
    out->val = malloc(2 * nk * sizeof *out->val);
    if (!tptr || !tcol || !tval || !oc || !ov || !out->rowptr || !out->col || !out->val) {
        free(tptr), free(tcol), free(tval), free(oc), free(ov);
        ae_tsne_sparse_free(out);
        return ae_fail(err, AE_ERR_NOMEM, "t-SNE: out of memory for the affinities of %zu points", n);
    }
    out->n = n;
    for (size_t e = 0; e < nk; e++) tptr[idx[e] + 1]++;
    for (size_t i = 0; i < n; i++) tptr[i + 1] += tptr[i];
    for (size_t i = 0; i < n; i++) /* rows in order: each transposed row comes out sorted */
        for (int m = 0; m < k; m++) {
            size_t j = (size_t)idx[i * (size_t)k + (size_t)m], at = tptr[j]++;
            tcol[at] = (int32_t)i;
            tval[at] = p[i * (size_t)k + (size_t)m];
        }
    for (size_t i = n; i > 0; i--) tptr[i] = tptr[i - 1]; /* undo the fill's shift */
    tptr[0] = 0;

    size_t nnz = 0;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(oc, idx + i * (size_t)k, (size_t)k * sizeof *oc);
        memcpy(ov, p + i * (size_t)k, (size_t)k * sizeof *ov);
        sort_by_column(oc, ov, k);
        out->rowptr[i] = nnz;
        size_t a = 0, b = tptr[i], b_end = tptr[i + 1];
        while (a < (size_t)k || b < b_end) { /* merge, adding the entries in both */
            int32_t c;
            float v;
            if (b >= b_end || (a < (size_t)k && oc[a] < tcol[b])) c = oc[a], v = ov[a++];
            else if (a >= (size_t)k || tcol[b] < oc[a]) c = tcol[b], v = tval[b++];
            else c = oc[a], v = ov[a++] + tval[b++];
            out->col[nnz] = c;
            out->val[nnz++] = v;
            total += v;
        }
    }
    out->rowptr[n] = nnz;
    free(tptr), free(tcol), free(tval), free(oc), free(ov);
    float scale = (float)(1.0 / total);
    for (size_t e = 0; e < nnz; e++) {
        out->val[e] *= scale;
        out->sum += out->val[e];
        if (out->val[e] > 0) out->plogp += out->val[e] * log((double)out->val[e]);
    }
    int32_t *col = realloc(out->col, nnz * sizeof *col); /* give back the room for duplicates */
    float *val = realloc(out->val, nnz * sizeof *val);
    if (col) out->col = col;
    if (val) out->val = val;
    return AE_OK;
}

ae_status ae_tsne_affinities(const ae_matrix *x, double perplexity, tsne_sparse *out, ae_error *err)
{
    size_t n = x->rows;
    int k = (int)floor(3.0 * perplexity);
    if ((size_t)k > n - 1) k = (int)(n - 1);
    int32_t *idx = malloc(n * (size_t)k * sizeof *idx);
    float *d2 = malloc(n * (size_t)k * sizeof *d2);
    ae_status st;
    if (!idx || !d2)
        st = ae_fail(err, AE_ERR_NOMEM, "t-SNE: out of memory for %d neighbours of %zu points", k, n);
    else if (!(st = ae_tsne_knn(x, k, idx, d2, err))) {
        ae_tsne_calibrate(d2, n, k, perplexity);
        st = ae_tsne_symmetrize(n, k, idx, d2, out, err);
    }
    free(idx);
    free(d2);
    return st;
}
