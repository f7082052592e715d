/* t-SNE's initial embedding: sklearn 1.2's init="pca" (the first two
 * principal components, column 0 scaled to standard deviation 1e-4) or
 * init="random" (N(0, 1e-4^2)).
 *
 * The components are the top eigenvectors of the d x d scatter matrix X^T X
 * of the centred input (one GEMM, then LAPACK's dsyevr for just those two),
 * which for t-SNE's inputs (tens to hundreds of columns) costs next to
 * nothing beside the neighbour search. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>

#include "aeclust/rng.h"
#include "core/gemm_split.h"
#include "tsne_internal.h"

#define INIT_STD 1e-4

void ae_tsne_init_random(size_t n, uint64_t seed, float *y)
{
    ae_rng r;
    ae_rng_seed(&r, seed);
    for (size_t i = 0; i < 2 * n; i++) y[i] = (float)(INIT_STD * ae_rng_normal(&r));
}

/* The eigenvectors of the two largest eigenvalues of the symmetric s (d x d,
 * overwritten) into v0 and v1 (d each; v1 zero when d == 1). */
static ae_status top_two_eigenvectors(double *s, int d, double *v0, double *v1, ae_error *err)
{
    int il = d >= 2 ? d - 1 : 1, m = 0;
    double w[2];
    double *zz = malloc((size_t)d * 2 * sizeof *zz);
    int *support = malloc(2 * 2 * sizeof *support);
    if (!zz || !support) {
        free(zz), free(support);
        return ae_fail(err, AE_ERR_NOMEM, "t-SNE: out of memory for the PCA initialisation");
    }
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', d, s, d, 0.0, 0.0, il, d, 0.0, &m, w, zz, 2,
                                     support);
    if (info != 0 || m != d - il + 1) {
        free(zz), free(support);
        return ae_fail(err, AE_ERR_NUMERIC, "t-SNE: the PCA initialisation's eigen-decomposition failed (%d)",
                       (int)info);
    }
    /* eigenvalues ascend: the last column found is the first component */
    for (int r = 0; r < d; r++) {
        v0[r] = zz[(size_t)r * 2 + (size_t)(m - 1)];
        v1[r] = m == 2 ? zz[(size_t)r * 2] : 0.0;
    }
    free(zz), free(support);
    return AE_OK;
}

ae_status ae_tsne_init_pca(const ae_matrix *x, uint64_t seed, float *y, ae_error *err)
{
    size_t n = x->rows, d = x->cols;
    float *sf = malloc(d * d * sizeof *sf);
    double *s = malloc(d * d * sizeof *s), *v = malloc(2 * d * sizeof *v);
    double *score = malloc(2 * n * sizeof *score);
    ae_status st = AE_OK;
    if (!sf || !s || !v || !score) {
        st = ae_fail(err, AE_ERR_NOMEM, "t-SNE: out of memory for the PCA initialisation (%zu columns)", d);
        goto done;
    }
    /* on this thread in fixed pieces: OpenBLAS's threaded GEMM sums in an order that depends on the
     * thread count, and the init would then differ in its last bits between machines' settings */
    ae_sgemm_split(true, false, (int)d, (int)d, (int)n, 1.0f, x->data, (int)d, x->data, (int)d, 0.0f, sf, (int)d);
    for (size_t e = 0; e < d * d; e++) s[e] = sf[e];
    if ((st = top_two_eigenvectors(s, (int)d, v, v + d, err))) goto done;

    ae_rng r;
    ae_rng_seed(&r, seed);
    for (int c = 0; c < 2; c++) {
        const double *vc = v + (size_t)c * d;
        double big = 0;
        for (size_t i = 0; i < n; i++) {
            const float *a = ae_matrix_row(x, i);
            double t = 0;
            for (size_t j = 0; j < d; j++) t += a[j] * vc[j];
            score[2 * i + (size_t)c] = t;
            if (fabs(t) > fabs(big)) big = t; /* the first largest |score| */
        }
        if (big == 0) /* no spread along this component: random, like init="random" */
            for (size_t i = 0; i < n; i++) score[2 * i + (size_t)c] = ae_rng_normal(&r);
        else if (big < 0) /* sklearn's svd_flip: the largest |score| positive */
            for (size_t i = 0; i < n; i++) score[2 * i + (size_t)c] = -score[2 * i + (size_t)c];
    }
    double mean = 0, var = 0;
    for (size_t i = 0; i < n; i++) mean += score[2 * i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) var += (score[2 * i] - mean) * (score[2 * i] - mean);
    double scale = INIT_STD / sqrt(var / (double)n);
    for (size_t i = 0; i < 2 * n; i++) y[i] = (float)(score[i] * scale);
done:
    free(sf), free(s), free(v), free(score);
    return st;
}
