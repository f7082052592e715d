/* Gaussian mixtures fitted by EM, with scikit-learn 1.2's GaussianMixture
 * semantics:
 * - Covariances: full (one d x d matrix per component), diag (one variance
 *   per feature and component) or spherical (one variance per component),
 *   each with reg_covar added to its diagonal.
 * - Initialisation: k-means (one restart, seeded) gives hard
 *   responsibilities, from which the first weights, means and covariances
 *   are estimated; with means_init the means are then replaced by it (the
 *   weights and covariances still come from the k-means partition, as in
 *   scikit-learn).
 * - EM: the E-step works in the log domain (log-sum-exp over components);
 *   iterations stop when the mean log-likelihood lower bound moves by less
 *   than tol, or after max_iter; of n_init restarts the one with the highest
 *   bound is kept, and a last E-step gives the labels (as fit_predict).
 * - Precisions are kept as Cholesky factors (LAPACK's dpotrf). A covariance
 *   that is not positive definite is an error naming the component and
 *   suggesting a larger reg_covar, never a crash or NaN results.
 * - Speed: parameters and sums in double; the products over all points are
 *   float32 GEMMs over the data centred on its mean (OpenBLAS's threads).
 * - Reproducible: the same data, options and seed give the same model. */
#ifndef AECLUST_GMM_H
#define AECLUST_GMM_H

#include <stdint.h>

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { AE_GMM_FULL, AE_GMM_DIAG, AE_GMM_SPHERICAL } ae_gmm_covariance;

/* "full", "diag", "spherical" -> *out; AE_ERR_ARG naming the known values otherwise. */
ae_status ae_gmm_covariance_parse(const char *name, ae_gmm_covariance *out, ae_error *err);
const char *ae_gmm_covariance_name(ae_gmm_covariance c);

typedef struct {
    int k;                        /* components [10] */
    ae_gmm_covariance covariance; /* [AE_GMM_FULL] */
    double reg_covar;             /* added to every covariance's diagonal, >= 0 [1e-6] */
    double tol;                   /* on the change of the mean log-likelihood bound, >= 0 [1e-3] */
    int max_iter;                 /* EM iterations per restart, >= 1 [100] */
    int n_init;                   /* restarts, the best bound kept, >= 1 [1] */
    uint64_t seed;                /* of the k-means initialisations [0] */
    const ae_matrix *means_init;  /* (k, d) initial means (scikit-learn's means_init), or NULL [NULL] */
} ae_gmm_opts;

ae_gmm_opts ae_gmm_defaults(void);

typedef struct ae_gmm ae_gmm; /* a fitted mixture */

/* Fits a mixture to the rows of x; *out is the caller's (ae_gmm_free).
 * labels, if non-NULL, receives the component of each row of x (allocated
 * here; free with ae_labels_free). Errors, one line in err: AE_ERR_ARG for
 * k < 1 or k > n, options out of range, means_init of the wrong shape;
 * AE_ERR_NUMERIC for NaN/Inf in x (naming its row and column) or a
 * covariance that is not positive definite; AE_ERR_NOMEM. */
ae_status ae_gmm_fit(const ae_matrix *x, const ae_gmm_opts *o, ae_gmm **out, ae_labels *labels, ae_error *err);
void ae_gmm_free(ae_gmm *g);

/* The most probable component of each row of x (labels allocated here). */
ae_status ae_gmm_predict(const ae_gmm *g, const ae_matrix *x, ae_labels *out, ae_error *err);
/* out (n, k) = the posterior probability of each component, rows summing to 1 (allocated here). */
ae_status ae_gmm_predict_proba(const ae_gmm *g, const ae_matrix *x, ae_matrix *out, ae_error *err);
/* The mean log-likelihood per row of x (scikit-learn's score()). */
ae_status ae_gmm_score(const ae_gmm *g, const ae_matrix *x, double *mean_loglik, ae_error *err);
/* Bayesian and Akaike information criteria on x, as scikit-learn:
 * -2 n score + p log(n), -2 n score + 2 p, with p the free parameters. */
ae_status ae_gmm_bic(const ae_gmm *g, const ae_matrix *x, double *bic, ae_error *err);
ae_status ae_gmm_aic(const ae_gmm *g, const ae_matrix *x, double *aic, ae_error *err);

int ae_gmm_k(const ae_gmm *g);
int ae_gmm_dim(const ae_gmm *g);
/* Free parameters: k d (means) + k - 1 (weights) + the covariances'. */
long ae_gmm_n_parameters(const ae_gmm *g);
const ae_matrix *ae_gmm_means(const ae_gmm *g); /* (k, d), owned by g */
const double *ae_gmm_weights(const ae_gmm *g);  /* (k), owned by g */
/* Component c's covariance: d*d values (full), d (diag) or 1 (spherical), owned by g. */
const double *ae_gmm_covariance_of(const ae_gmm *g, int c);
int ae_gmm_n_iter(const ae_gmm *g);        /* EM iterations of the kept restart */
int ae_gmm_converged(const ae_gmm *g);     /* whether it met tol */
double ae_gmm_lower_bound(const ae_gmm *g); /* its final mean log-likelihood bound */

#ifdef __cplusplus
}
#endif

#endif
