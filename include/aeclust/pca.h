/* Principal component analysis with scikit-learn 1.2's PCA semantics.
 *
 * - Fit: x is centred by its column means; the covariance X^T X / (n - 1) is
 *   formed with one float32 SYRK/GEMM (accumulated in double per block) and
 *   eigen-decomposed in double with LAPACKE (dsyevr, top components only).
 *   Fast for d up to ~1000 (784 pixels); memory O(d^2) beyond x.
 * - Components are sorted by decreasing explained variance.
 * - Sign convention (sklearn 1.2's svd_flip with u_based_decision=True): for
 *   each component, the training point whose projection score has the
 *   largest |value| gets a positive score, i.e. the largest-|value| entry of
 *   each column of U is positive (ties: the first such row).
 * - explained_variance uses ddof = 1 (eigenvalues of the covariance above);
 *   explained_variance_ratio divides by the total variance (the trace).
 * - Whitening as sklearn: transform divides component j's score by
 *   sqrt(explained_variance[j]) (components of zero variance are left as 0).
 * - Errors are one line in err: AE_ERR_ARG for an empty x, n_components
 *   outside 1..min(n, d), mismatched widths; AE_ERR_NUMERIC naming the row
 *   and column of a NaN/Inf; AE_ERR_NOMEM. */
#ifndef AECLUST_PCA_H
#define AECLUST_PCA_H

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int n_components; /* [2] 1..min(n, d) */
    int whiten;       /* divide each component by sqrt(its explained variance) [0] */
} ae_pca_opts;

ae_pca_opts ae_pca_defaults(void);

typedef struct ae_pca ae_pca; /* opaque fitted model */

/* Fits a PCA to the rows of x; *out is a new model (free with ae_pca_free),
 * NULL on error. x is not modified. */
ae_status ae_pca_fit(const ae_matrix *x, const ae_pca_opts *o, ae_pca **out, ae_error *err);

/* Frees a model (NULL is a no-op). */
void ae_pca_free(ae_pca *p);

/* out = (x - mean) components^T (whitened if fitted so): (n, n_components),
 * allocated here (previous content overwritten, not freed; free with
 * ae_matrix_free; zeroed on error). x may have no rows; its width must be d. */
ae_status ae_pca_transform(const ae_pca *p, const ae_matrix *x, ae_matrix *out, ae_error *err);

/* out = y components + mean (undoing the whitening first): (n, d), allocated
 * here like transform's out; y's width must be n_components. */
ae_status ae_pca_inverse_transform(const ae_pca *p, const ae_matrix *y, ae_matrix *out, ae_error *err);

/* Number of components kept. */
int ae_pca_n_components(const ae_pca *p);

/* (n_components) variances of the components, ddof = 1 as sklearn; owned by p. */
const double *ae_pca_explained_variance(const ae_pca *p);

/* (n_components) fractions of the total variance; owned by p. */
const double *ae_pca_explained_variance_ratio(const ae_pca *p);

/* (n_components, d), rows = unit principal axes; owned by p. */
const ae_matrix *ae_pca_components(const ae_pca *p);

/* (1, d) column means of the training data; owned by p. */
const ae_matrix *ae_pca_mean(const ae_pca *p);

#ifdef __cplusplus
}
#endif

#endif
