/* PCA by eigen-decomposition of the covariance: the float32 centred data is
 * multiplied by itself block by block (one SSYRK per block of rows, the sums
 * of the blocks kept in double), then LAPACK's dsyevr finds only the top
 * n_components eigenpairs of the d x d matrix. For 60,000 x 784 pixels that is
 * one pass of BLAS-3 work over x plus a 784 x 784 eigenproblem, instead of an
 * SVD of x itself. */
#include <cblas.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/pca.h"
#include "core/gemm.h"

/* rows of x centred and multiplied at a time: big enough for efficient BLAS-3
 * (the SSYRK's inner dimension), small enough that float sums stay accurate
 * before they are added into the double accumulator (at most 6.4 MB at d = 784) */
#define PCA_BLOCK 2048

struct ae_pca {
    int k;            /* components kept */
    size_t d;         /* input width */
    int whiten;
    double *ev;       /* (k) explained variance, ddof = 1 */
    double *ratio;    /* (k) explained variance ratio */
    ae_matrix comp;   /* (k, d) unit principal axes, sklearn's signs */
    ae_matrix mean;   /* (1, d) */
    ae_matrix fwd;    /* (k, d) axes scaled for transform (1/sqrt(ev) when whitening) */
    ae_matrix back;   /* (k, d) axes scaled for inverse_transform (sqrt(ev) when whitening) */
};

ae_pca_opts ae_pca_defaults(void) { return (ae_pca_opts){.n_components = 2, .whiten = 0}; }

int ae_pca_n_components(const ae_pca *p) { return p->k; }
const double *ae_pca_explained_variance(const ae_pca *p) { return p->ev; }
const double *ae_pca_explained_variance_ratio(const ae_pca *p) { return p->ratio; }
const ae_matrix *ae_pca_components(const ae_pca *p) { return &p->comp; }
const ae_matrix *ae_pca_mean(const ae_pca *p) { return &p->mean; }

void ae_pca_free(ae_pca *p)
{
    if (!p) return;
    free(p->ev);
    free(p->ratio);
    ae_matrix_free(&p->comp);
    ae_matrix_free(&p->mean);
    ae_matrix_free(&p->fwd);
    ae_matrix_free(&p->back);
    free(p);
}

/* buf (rows, d) = x rows [r0, r0 + rows) minus the mean */
static void centre_block(const ae_matrix *x, size_t r0, size_t rows, const float *mean, float *buf)
{
    const size_t d = x->cols;
    for (size_t i = 0; i < rows; i++) {
        const float *src = x->data + (r0 + i) * d;
        float *dst = buf + i * d;
        for (size_t j = 0; j < d; j++) dst[j] = src[j] - mean[j];
    }
}

static ae_status check_input(const ae_matrix *x, const char *what, ae_error *err)
{
    if (!x || x->rows == 0 || x->cols == 0 || !x->data)
        return ae_fail(err, AE_ERR_ARG, "PCA: %s is empty (%zu x %zu)", what, x ? x->rows : 0, x ? x->cols : 0);
    if (x->cols > INT_MAX || x->rows > INT_MAX) /* BLAS dimensions */
        return ae_fail(err, AE_ERR_ARG, "PCA: %s is too large (%zu x %zu)", what, x->rows, x->cols);
    return AE_OK;
}

/* mean (d) of the columns of x, summed in double */
static void column_means(const ae_matrix *x, double *acc, float *mean)
{
    const size_t n = x->rows, d = x->cols;
    memset(acc, 0, d * sizeof *acc);
    for (size_t i = 0; i < n; i++) {
        const float *r = x->data + i * d;
        for (size_t j = 0; j < d; j++) acc[j] += r[j];
    }
    for (size_t j = 0; j < d; j++) mean[j] = (float)(acc[j] / (double)n);
}

/* cov (d, d), both triangles = (x - mean)^T (x - mean) / (n - 1) */
static void covariance(const ae_matrix *x, const float *mean, float *buf, float *part, double *cov)
{
    const size_t n = x->rows, d = x->cols;
    memset(cov, 0, d * d * sizeof *cov);
    for (size_t r0 = 0; r0 < n; r0 += PCA_BLOCK) {
        size_t rows = n - r0 < PCA_BLOCK ? n - r0 : PCA_BLOCK;
        centre_block(x, r0, rows, mean, buf);
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)rows, 1.0f, buf, (int)d, 0.0f, part,
                    (int)d);
        for (size_t i = 0; i < d; i++)
            for (size_t j = i; j < d; j++) cov[i * d + j] += part[i * d + j];
    }
    const double scale = 1.0 / (double)(n - 1);
    for (size_t i = 0; i < d; i++)
        for (size_t j = i; j < d; j++) cov[j * d + i] = cov[i * d + j] *= scale;
}

/* Flips each axis so that the training point with the largest |score| on it
 * scores positive (sklearn's svd_flip on U; the first such point on ties). */
static void flip_signs(const ae_matrix *x, const float *mean, ae_matrix *comp, float *buf, float *scores,
                       double *top)
{
    const size_t n = x->rows, d = x->cols, k = comp->rows;
    for (size_t c = 0; c < k; c++) top[c] = 0.0; /* the score of largest |value| so far */
    for (size_t r0 = 0; r0 < n; r0 += PCA_BLOCK) {
        size_t rows = n - r0 < PCA_BLOCK ? n - r0 : PCA_BLOCK;
        centre_block(x, r0, rows, mean, buf);
        ae_sgemm(false, true, (int)rows, (int)k, (int)d, 1.0f, buf, (int)d, comp->data, (int)d, 0.0f, scores,
                 (int)k);
        for (size_t i = 0; i < rows; i++)
            for (size_t c = 0; c < k; c++) {
                float s = scores[i * k + c];
                if (fabsf(s) > fabs(top[c])) top[c] = s;
            }
    }
    for (size_t c = 0; c < k; c++)
        if (top[c] < 0.0)
            for (size_t j = 0; j < d; j++) comp->data[c * d + j] = -comp->data[c * d + j];
}

/* The scaled copies of the axes transform and inverse_transform multiply by. */
static ae_status scaled_axes(ae_pca *p, ae_error *err)
{
    const size_t k = (size_t)p->k, d = p->d;
    ae_status st = ae_matrix_alloc(&p->fwd, k, d, err);
    if (!st) st = ae_matrix_alloc(&p->back, k, d, err);
    if (st) return st;
    for (size_t c = 0; c < k; c++) {
        double s = p->whiten ? sqrt(p->ev[c]) : 1.0;
        /* a component without variance is mapped to 0 rather than to Inf/NaN */
        float f = s > 0.0 ? (float)(1.0 / s) : 0.0f, b = (float)s;
        for (size_t j = 0; j < d; j++) {
            p->fwd.data[c * d + j] = f * p->comp.data[c * d + j];
            p->back.data[c * d + j] = b * p->comp.data[c * d + j];
        }
    }
    return AE_OK;
}

ae_status ae_pca_fit(const ae_matrix *x, const ae_pca_opts *o, ae_pca **out, ae_error *err)
{
    if (!out || !o) return ae_fail(err, AE_ERR_ARG, "PCA: no options or no output");
    *out = NULL;
    ae_status st = check_input(x, "x", err);
    if (st) return st;
    const size_t n = x->rows, d = x->cols, lim = n < d ? n : d;
    if (o->n_components < 1 || (size_t)o->n_components > lim)
        return ae_fail(err, AE_ERR_ARG, "PCA: n_components = %d must be between 1 and min(n, d) = %zu",
                       o->n_components, lim);
    if (n < 2) return ae_fail(err, AE_ERR_ARG, "PCA: needs at least 2 rows, x has %zu", n);
    if ((st = ae_matrix_check_finite(x, "PCA: x", err))) return st;
    if (d > SIZE_MAX / sizeof(double) / d) return ae_fail(err, AE_ERR_NOMEM, "PCA: d = %zu is too large", d);

    const size_t k = (size_t)o->n_components, block = n < PCA_BLOCK ? n : PCA_BLOCK;
    ae_pca *p = calloc(1, sizeof *p);
    double *cov = malloc(d * d * sizeof *cov);       // (d, d)
    double *w = malloc(d * sizeof *w);               // (d) eigenvalues, ascending; first the column sums
    double *z = malloc(d * k * sizeof *z);           // (k, d) eigenvectors, column-major (d, k)
    lapack_int *isuppz = malloc(2 * k * sizeof *isuppz);
    float *buf = malloc(block * d * sizeof *buf);    // (block, d) centred rows
    float *part = malloc(d * d * sizeof *part);      // (d, d) one block's SSYRK
    float *scores = malloc(block * k * sizeof *scores); // (block, k)
    if (!p || !cov || !w || !z || !isuppz || !buf || !part || !scores) {
        st = ae_fail(err, AE_ERR_NOMEM, "PCA: out of memory for %zu x %zu", n, d);
        goto done;
    }
    p->k = (int)k;
    p->d = d;
    p->whiten = o->whiten != 0;
    p->ev = calloc(k, sizeof *p->ev);
    p->ratio = calloc(k, sizeof *p->ratio);
    if (!p->ev || !p->ratio) {
        st = ae_fail(err, AE_ERR_NOMEM, "PCA: out of memory");
        goto done;
    }
    if ((st = ae_matrix_alloc(&p->mean, 1, d, err)) || (st = ae_matrix_alloc(&p->comp, k, d, err))) goto done;

    column_means(x, w, p->mean.data);
    covariance(x, p->mean.data, buf, part, cov);
    double total = 0.0; /* total variance = trace of the covariance */
    for (size_t j = 0; j < d; j++) total += cov[j * d + j];

    lapack_int m = 0;
    /* column-major (cov is symmetric, both triangles filled): LAPACKE then
     * passes our buffers straight to LAPACK instead of transposing them */
    lapack_int info = LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'I', 'U', (lapack_int)d, cov, (lapack_int)d, 0.0, 0.0,
                                     (lapack_int)(d - k + 1), (lapack_int)d, 0.0, &m, w, z, (lapack_int)d, isuppz);
    if (info != 0 || (size_t)m != k) {
        st = ae_fail(err, AE_ERR_NUMERIC, "PCA: the eigen-decomposition of the %zu x %zu covariance failed (%d)", d,
                     d, (int)info);
        goto done;
    }
    /* dsyevr returns ascending eigenvalues: component c is column k-1-c */
    for (size_t c = 0; c < k; c++) {
        size_t col = k - 1 - c;
        p->ev[c] = w[col] > 0.0 ? w[col] : 0.0; /* rounding can leave a null direction slightly negative */
        p->ratio[c] = total > 0.0 ? p->ev[c] / total : 0.0;
        for (size_t j = 0; j < d; j++) p->comp.data[c * d + j] = (float)z[col * d + j];
    }
    flip_signs(x, p->mean.data, &p->comp, buf, scores, w); /* w's eigenvalues are copied: reuse it */
    st = scaled_axes(p, err);

done:
    free(cov);
    free(w);
    free(z);
    free(isuppz);
    free(buf);
    free(part);
    free(scores);
    if (st)
        ae_pca_free(p);
    else
        *out = p;
    return st;
}

ae_status ae_pca_transform(const ae_pca *p, const ae_matrix *x, ae_matrix *out, ae_error *err)
{
    if (!p || !x || !out) return ae_fail(err, AE_ERR_ARG, "PCA transform: no model, input or output");
    memset(out, 0, sizeof *out);
    if (x->cols != p->d)
        return ae_fail(err, AE_ERR_ARG, "PCA transform: x has %zu columns, the model was fitted on %zu", x->cols,
                       p->d);
    if (x->rows > INT_MAX) return ae_fail(err, AE_ERR_ARG, "PCA transform: x has too many rows (%zu)", x->rows);
    ae_status st = ae_matrix_check_finite(x, "PCA transform: x", err);
    if (st) return st;
    const size_t n = x->rows, d = p->d, k = (size_t)p->k, block = n < PCA_BLOCK ? n : PCA_BLOCK;
    if ((st = ae_matrix_alloc(out, n, k, err))) return st;
    if (n == 0) return AE_OK;
    float *buf = malloc(block * d * sizeof *buf); // (block, d) centred rows
    if (!buf) {
        ae_matrix_free(out);
        return ae_fail(err, AE_ERR_NOMEM, "PCA transform: out of memory");
    }
    for (size_t r0 = 0; r0 < n; r0 += PCA_BLOCK) {
        size_t rows = n - r0 < PCA_BLOCK ? n - r0 : PCA_BLOCK;
        centre_block(x, r0, rows, p->mean.data, buf);
        ae_sgemm(false, true, (int)rows, (int)k, (int)d, 1.0f, buf, (int)d, p->fwd.data, (int)d, 0.0f,
                 out->data + r0 * k, (int)k);
    }
    free(buf);
    return AE_OK;
}

ae_status ae_pca_inverse_transform(const ae_pca *p, const ae_matrix *y, ae_matrix *out, ae_error *err)
{
    if (!p || !y || !out) return ae_fail(err, AE_ERR_ARG, "PCA inverse_transform: no model, input or output");
    memset(out, 0, sizeof *out);
    const size_t n = y->rows, d = p->d, k = (size_t)p->k;
    if (y->cols != k)
        return ae_fail(err, AE_ERR_ARG, "PCA inverse_transform: y has %zu columns, the model has %zu components",
                       y->cols, k);
    if (n > INT_MAX) return ae_fail(err, AE_ERR_ARG, "PCA inverse_transform: y has too many rows (%zu)", n);
    ae_status st = ae_matrix_check_finite(y, "PCA inverse_transform: y", err);
    if (st || (st = ae_matrix_alloc(out, n, d, err))) return st;
    if (n == 0) return AE_OK;
    for (size_t i = 0; i < n; i++) memcpy(out->data + i * d, p->mean.data, d * sizeof *out->data);
    ae_sgemm(false, false, (int)n, (int)d, (int)k, 1.0f, y->data, (int)k, p->back.data, (int)d, 1.0f, out->data,
             (int)d);
    return AE_OK;
}
