/* The fitted mixture and its E- and M-steps (internal to src/cluster).
 *
 * Every point is handled in coordinates shifted by `shift`, the mean of the
 * data the mixture was fitted on, so the float32 products over the points
 * stay well conditioned; means are stored shifted too (means_out is the
 * public, unshifted copy). */
#ifndef AE_CLUSTER_GMM_INTERNAL_H
#define AE_CLUSTER_GMM_INTERNAL_H

#include "aeclust/gmm.h"

struct ae_gmm {
    int k, d;
    ae_gmm_covariance cov;
    double *shift;     /* (d) */
    double *weights;   /* (k) */
    double *means;     /* (k, d), shifted */
    double *covs;      /* (k, d, d) full, (k, d) diag, (k) spherical */
    double *prec_chol; /* same layout: full U (upper) with precision U U^T; else 1 / sqrt(cov) */
    double *log_det;   /* (k) log det of each prec_chol */
    float *u_all;      /* full: (d, k*d) every U side by side, for one GEMM; else NULL */
    ae_matrix means_out; /* (k, d) float, unshifted */
    double lower_bound;
    int n_iter, converged;
};

/* Per-covariance-type sizes of covs / prec_chol per component. */
size_t ae_gmm_cov_size(const ae_gmm *g);

/* Allocates the parameter arrays of g (k, d, cov set). */
ae_status ae_gmm_alloc_params(ae_gmm *g, ae_error *err);

/* lp (n, k) = log w_c + log N(x_i | mu_c, Sigma_c) for the rows of xs
 * (n, d), already shifted. */
void ae_gmm_weighted_log_prob(const ae_gmm *g, const float *xs, size_t n, double *lp);

/* Turns lp (n, k) into log responsibilities in place; returns the sum over
 * rows of log sum_c exp(lp), and with norm non-NULL each row's (n). */
double ae_gmm_log_resp(double *lp, size_t n, int k, double *norm);

/* M-step: weights, means and covariances from responsibilities resp (n, k)
 * (probabilities, not logs) of the shifted rows xs; reg added to each
 * covariance diagonal. */
ae_status ae_gmm_estimate(ae_gmm *g, const float *xs, size_t n, const double *resp, double reg, ae_error *err);

/* Cholesky factors of the precisions and their log determinants;
 * AE_ERR_NUMERIC naming the first component whose covariance is not
 * positive definite. */
ae_status ae_gmm_factor(ae_gmm *g, double reg, ae_error *err);

#endif
