/* What a fitted Gaussian mixture answers about new points (predict,
 * predict_proba, score, BIC, AIC, as scikit-learn 1.2) and its accessors. */
#include <math.h>
#include <stdlib.h>

#include "gmm_internal.h"

/* lp (n, k) = the weighted log probabilities of the rows of x; allocated here. */
static ae_status log_prob_of(const ae_gmm *g, const ae_matrix *x, double **lp, ae_error *err)
{
    *lp = NULL;
    if (!g) return ae_fail(err, AE_ERR_ARG, "GMM: no fitted mixture");
    if (!x || (!x->data && x->rows)) return ae_fail(err, AE_ERR_ARG, "GMM: no input matrix");
    if (x->cols != (size_t)g->d)
        return ae_fail(err, AE_ERR_ARG, "GMM: the input has %zu columns, the mixture %d", x->cols, g->d);
    ae_status st = ae_matrix_check_finite(x, "GMM input", err);
    if (st) return st;
    gmm_points p = {0};
    gmm_work w = {0};
    if ((st = ae_gmm_points_make(x, g->shift, g->cov, &p, err)) || (st = ae_gmm_work_alloc(g, x->rows, &w, err))) {
        ae_gmm_points_free(&p);
        return st;
    }
    *lp = malloc(x->rows * (size_t)g->k * sizeof **lp + 1);
    if (*lp)
        ae_gmm_weighted_log_prob(g, &p, &w, *lp);
    else
        st = ae_fail(err, AE_ERR_NOMEM, "out of memory for %zu x %d log probabilities", x->rows, g->k);
    ae_gmm_points_free(&p);
    ae_gmm_work_free(&w);
    return st;
}

ae_status ae_gmm_predict(const ae_gmm *g, const ae_matrix *x, ae_labels *out, ae_error *err)
{
    double *lp;
    ae_status st = log_prob_of(g, x, &lp, err);
    if (!st && !(st = ae_labels_alloc(out, x->rows, err))) ae_gmm_argmax_rows(lp, x->rows, g->k, out->data);
    free(lp);
    return st;
}

ae_status ae_gmm_predict_proba(const ae_gmm *g, const ae_matrix *x, ae_matrix *out, ae_error *err)
{
    double *lp;
    ae_status st = log_prob_of(g, x, &lp, err);
    if (!st && !(st = ae_matrix_alloc(out, x->rows, (size_t)g->k, err))) {
        ae_gmm_resp(lp, x->rows, g->k);
        for (size_t i = 0; i < x->rows * (size_t)g->k; i++) out->data[i] = (float)lp[i];
    }
    free(lp);
    return st;
}

ae_status ae_gmm_score(const ae_gmm *g, const ae_matrix *x, double *mean_loglik, ae_error *err)
{
    if (!x || x->rows == 0) return ae_fail(err, AE_ERR_ARG, "GMM: no points to score");
    double *lp;
    ae_status st = log_prob_of(g, x, &lp, err);
    if (!st) *mean_loglik = ae_gmm_resp(lp, x->rows, g->k) / (double)x->rows;
    free(lp);
    return st;
}

long ae_gmm_n_parameters(const ae_gmm *g)
{
    const long k = g->k, d = g->d;
    const long cov = g->cov == AE_GMM_FULL ? k * d * (d + 1) / 2 : g->cov == AE_GMM_DIAG ? k * d : k;
    return cov + k * d + k - 1;
}

ae_status ae_gmm_bic(const ae_gmm *g, const ae_matrix *x, double *bic, ae_error *err)
{
    double s;
    ae_status st = ae_gmm_score(g, x, &s, err);
    if (!st) *bic = -2 * s * (double)x->rows + (double)ae_gmm_n_parameters(g) * log((double)x->rows);
    return st;
}

ae_status ae_gmm_aic(const ae_gmm *g, const ae_matrix *x, double *aic, ae_error *err)
{
    double s;
    ae_status st = ae_gmm_score(g, x, &s, err);
    if (!st) *aic = -2 * s * (double)x->rows + 2.0 * (double)ae_gmm_n_parameters(g);
    return st;
}

int ae_gmm_k(const ae_gmm *g) { return g->k; }
int ae_gmm_dim(const ae_gmm *g) { return g->d; }
const ae_matrix *ae_gmm_means(const ae_gmm *g) { return &g->means_out; }
const double *ae_gmm_weights(const ae_gmm *g) { return g->weights; }
const double *ae_gmm_covariance_of(const ae_gmm *g, int c) { return g->covs + (size_t)c * ae_gmm_cov_size(g); }
int ae_gmm_n_iter(const ae_gmm *g) { return g->n_iter; }
int ae_gmm_converged(const ae_gmm *g) { return g->converged; }
double ae_gmm_lower_bound(const ae_gmm *g) { return g->lower_bound; }
