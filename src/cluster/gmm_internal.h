/* The fitted mixture, the points as its steps read them, and the E- and
 * M-steps (internal to src/cluster).
 *
 * Every point is handled in coordinates shifted by `shift`, the mean of the
 * data the mixture was fitted on, so the float32 products of the full E-step
 * stay well conditioned; the means are stored shifted too (means_out is the
 * public, unshifted copy). Parameters and the M-step's sums are double. */
#ifndef AE_CLUSTER_GMM_INTERNAL_H
#define AE_CLUSTER_GMM_INTERNAL_H

#include "aeclust/gmm.h"

/* Rows per GEMM block of the full E-step and of the full M-step. */
#define GMM_BLOCK_ROWS 2048

struct ae_gmm {
    int k, d;
    ae_gmm_covariance cov;
    double *shift;     /* (d) */
    double *var_floor; /* (d) variances at or below this are rounding noise at the data's scale */
    double *weights;   /* (k) */
    double *means;     /* (k, d), shifted */
    double *covs;      /* (k, d, d) full, (k, d) diag, (k) spherical */
    double *prec_chol; /* same layout: full U (upper), precision U U^T; else 1 / sqrt(cov) */
    double *log_det;   /* (k) log det of each prec_chol */
    float *u_all;      /* full: (d, k*d), every U side by side for one GEMM; else NULL */
    ae_matrix means_out; /* (k, d) float, unshifted */
    double lower_bound;
    int n_iter, converged;
};

/* The rows of a matrix minus the mixture's shift, in the forms the steps use. */
typedef struct {
    size_t n;
    int d;
    float *xs;  /* (n, d) float: the full E-step's GEMM */
    double *xd; /* (n, d) double: the M-step, the diag and spherical E-steps */
    double *sq; /* diag: (n, d) xd squared; spherical: (n) row sums of xd squared; full: NULL */
} gmm_points;

/* Scratch of one mixture's steps, allocated once per fit or prediction. */
typedef struct {
    float *y;     /* full: (GMM_BLOCK_ROWS, k*d) x U for a block of rows */
    float *mu_u;  /* full: (k, d) mu_c U_c */
    double *coef; /* diag/spherical: (2d, k) the E-step's GEMM operands */
    double *w;    /* full: (GMM_BLOCK_ROWS, d) sqrt(r) (x - mu) */
    double *sums; /* (k, d) responsibility-weighted sums of squares (diag/spherical) */
    double *nk;   /* (k) */
    double *kbuf; /* (3k) per-component constants of the E-step */
    double *chol; /* (d, d) a Cholesky factor */
} gmm_work;

size_t ae_gmm_cov_size(const ae_gmm *g); /* per component: d*d, d or 1 */

/* Allocates every parameter array of g (k, d and cov set). */
ae_status ae_gmm_alloc_params(ae_gmm *g, ae_error *err);

/* p = the rows of x minus shift, as cov's steps read them (free with ae_gmm_points_free). */
ae_status ae_gmm_points_make(const ae_matrix *x, const double *shift, ae_gmm_covariance cov, gmm_points *p,
                             ae_error *err);
void ae_gmm_points_free(gmm_points *p);

ae_status ae_gmm_work_alloc(const ae_gmm *g, size_t n, gmm_work *w, ae_error *err);
void ae_gmm_work_free(gmm_work *w);

/* lp (n, k) = log w_c + log N(x_i | mu_c, Sigma_c). */
void ae_gmm_weighted_log_prob(const ae_gmm *g, const gmm_points *p, gmm_work *w, double *lp);

/* Turns lp (n, k) into responsibilities (probabilities) in place, those
 * below DBL_MIN flushed to zero; returns the sum over rows of log sum_c exp(lp). */
double ae_gmm_resp(double *lp, size_t n, int k);

/* M-step: weights, means and covariances (reg added to the diagonals) from
 * responsibilities resp (n, k), probabilities. first: the initial step,
 * whose weights scikit-learn divides by n rather than by their sum. */
void ae_gmm_estimate(ae_gmm *g, const gmm_points *p, const double *resp, double reg, int first, gmm_work *w);

/* The precisions' Cholesky factors and log determinants; AE_ERR_NUMERIC
 * naming the first component whose covariance is not positive definite:
 * a variance (diag, spherical) or a Cholesky pivot squared (full) at or
 * below var_floor, or a pivot lost to cancellation. */
ae_status ae_gmm_factor(ae_gmm *g, double reg, gmm_work *w, ae_error *err);

/* out[i] = the first c with the largest lp[i][c] (lp is (n, k)). */
void ae_gmm_argmax_rows(const double *lp, size_t n, int k, int32_t *out);

#endif
