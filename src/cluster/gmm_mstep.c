/* The M-step of a Gaussian mixture and the Cholesky factors of its
 * precisions, as scikit-learn 1.2 computes them
 * (mixture/_gaussian_mixture.py: _estimate_gaussian_parameters,
 * _compute_precision_cholesky), in double:
 * - means: one GEMM of the responsibilities by the points;
 * - full covariances: sum_i r_ic (x_i - mu_c)(x_i - mu_c)^T as a SYRK of the
 *   rows sqrt(r_ic) (x_i - mu_c), block by block, rows with r_ic = 0 left out
 *   (they add nothing);
 * - diag: r^T (x^2) / n_c - mu^2 (a GEMM); spherical: its mean over features. */
#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "gmm_internal.h"

/* One row of the full scatter: w = sqrt(r) (x - mu). */
static void scaled_diff(double *restrict w, const double *restrict x, const double *restrict mu, double s, int d)
{
    for (int j = 0; j < d; j++) w[j] = s * (x[j] - mu[j]);
}

/* covs[c] (upper triangles) = sum_i r_ic (x_i - mu_c)(x_i - mu_c)^T for every
 * c. Block by block of rows, so a block is read from memory once for all k
 * components: for each c the rows with r_ic > 0 are gathered, scaled, and
 * added with one SYRK. */
static void scatter_full(ae_gmm *g, const gmm_points *p, const double *resp, double *wbuf)
{
    const int k = g->k, d = g->d;
    memset(g->covs, 0, (size_t)k * d * d * sizeof *g->covs);
    for (size_t r0 = 0; r0 < p->n; r0 += GMM_BLOCK_ROWS) {
        const size_t r1 = p->n - r0 < GMM_BLOCK_ROWS ? p->n : r0 + GMM_BLOCK_ROWS;
        for (int c = 0; c < k; c++) {
            const double *mu = g->means + (size_t)c * d;
            int rows = 0;
            for (size_t i = r0; i < r1; i++) {
                const double r = resp[i * k + c];
                if (r > 0) scaled_diff(wbuf + (size_t)rows++ * d, p->xd + i * d, mu, sqrt(r), d);
            }
            if (rows)
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, rows, 1.0, wbuf, d, 1.0,
                            g->covs + (size_t)c * d * d, d);
        }
    }
}

void ae_gmm_estimate(ae_gmm *g, const gmm_points *p, const double *resp, double reg, int first, gmm_work *w)
{
    const int k = g->k, d = g->d, n = (int)p->n;
    double *nk = w->nk, total = 0;
    for (int c = 0; c < k; c++) nk[c] = 0;
    for (size_t i = 0; i < p->n; i++)
        for (int c = 0; c < k; c++) nk[c] += resp[i * k + c];
    for (int c = 0; c < k; c++) {
        nk[c] += 10 * DBL_EPSILON; /* as scikit-learn: an empty component keeps finite parameters */
        total += nk[c];
    }
    for (int c = 0; c < k; c++) g->weights[c] = nk[c] / (first ? (double)p->n : total);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, d, n, 1.0, resp, k, p->xd, d, 0.0, g->means, d);
    for (int c = 0; c < k; c++)
        for (int j = 0; j < d; j++) g->means[(size_t)c * d + j] /= nk[c];

    if (g->cov == AE_GMM_FULL) {
        scatter_full(g, p, resp, w->w);
        for (int c = 0; c < k; c++) {
            double *cov = g->covs + (size_t)c * d * d;
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) cov[a * d + b] = cov[b * d + a] = cov[a * d + b] / nk[c];
                cov[a * d + a] += reg;
            }
        }
    } else if (g->cov == AE_GMM_DIAG) {
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, d, n, 1.0, resp, k, p->sq, d, 0.0, w->sums, d);
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) {
                double mu = g->means[(size_t)c * d + j];
                g->covs[(size_t)c * d + j] = w->sums[(size_t)c * d + j] / nk[c] - mu * mu + reg;
            }
    } else {
        cblas_dgemv(CblasRowMajor, CblasTrans, n, k, 1.0, resp, k, p->sq, 1, 0.0, w->sums, 1);
        for (int c = 0; c < k; c++) {
            double m2 = 0;
            for (int j = 0; j < d; j++) m2 += g->means[(size_t)c * d + j] * g->means[(size_t)c * d + j];
            g->covs[c] = (w->sums[c] / nk[c] - m2) / d + reg;
        }
    }
}

static ae_status not_positive(int c, double reg, ae_error *err)
{
    return ae_fail(err, AE_ERR_NUMERIC,
                   "component %d: covariance is not positive definite; try a larger reg_covar (now %g)", c, reg);
}

ae_status ae_gmm_factor(ae_gmm *g, double reg, gmm_work *w, ae_error *err)
{
    const int k = g->k, d = g->d;
    if (g->cov != AE_GMM_FULL) {
        const size_t cs = ae_gmm_cov_size(g);
        double mean_floor = 0; /* spherical: its variance is the mean over features */
        for (int j = 0; j < d; j++) mean_floor += g->var_floor[j] / d;
        for (int c = 0; c < k; c++) {
            double ld = 0;
            for (size_t j = 0; j < cs; j++) {
                double v = g->covs[c * cs + j];
                if (!(v > (cs == 1 ? mean_floor : g->var_floor[j])) || !isfinite(v)) return not_positive(c, reg, err);
                g->prec_chol[c * cs + j] = 1.0 / sqrt(v);
                ld += log(g->prec_chol[c * cs + j]);
            }
            g->log_det[c] = g->cov == AE_GMM_SPHERICAL ? d * ld : ld;
        }
        return AE_OK;
    }
    double *l = w->chol;
    for (int c = 0; c < k; c++) {
        const double *cov = g->covs + (size_t)c * d * d;
        for (int a = 0; a < d * d; a++)
            if (!isfinite(cov[a])) return not_positive(c, reg, err);
        memcpy(l, cov, (size_t)d * d * sizeof *l);
        /* cov = L L^T; the precision's factor is U = L^-T (upper), precision = U U^T */
        if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', d, l, d) != 0) return not_positive(c, reg, err);
        /* pivot a squared is feature a's variance given the features before it: at or
         * below the data's rounding floor, or lost to cancellation against cov[a][a]
         * (a numerically dependent feature), the covariance is singular */
        for (int a = 0; a < d; a++) {
            const double p2 = l[a * d + a] * l[a * d + a];
            if (!(p2 > g->var_floor[a]) || !(p2 > 4.0 * d * DBL_EPSILON * cov[a * d + a]))
                return not_positive(c, reg, err);
        }
        if (LAPACKE_dtrtri(LAPACK_ROW_MAJOR, 'L', 'N', d, l, d) != 0) return not_positive(c, reg, err);
        double *u = g->prec_chol + (size_t)c * d * d, ld = 0;
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) u[a * d + b] = b >= a ? l[b * d + a] : 0.0;
        for (int a = 0; a < d; a++) {
            if (!(u[a * d + a] > 0) || !isfinite(u[a * d + a])) return not_positive(c, reg, err);
            ld += log(u[a * d + a]);
        }
        g->log_det[c] = ld;
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) g->u_all[(size_t)a * k * d + (size_t)c * d + b] = (float)u[a * d + b];
    }
    return AE_OK;
}
