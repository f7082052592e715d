/* The two steps of EM for a Gaussian mixture, as scikit-learn 1.2 computes
 * them (mixture/_gaussian_mixture.py), over points already shifted by the
 * data's mean. */
#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gmm_internal.h"

/* Rows of points per GEMM block of the E-step. */
#define ESTEP_ROWS 2048
/* log(2 pi) */
#define LOG_2PI 1.8378770664093454836

size_t ae_gmm_cov_size(const ae_gmm *g)
{
    return g->cov == AE_GMM_FULL ? (size_t)g->d * (size_t)g->d : g->cov == AE_GMM_DIAG ? (size_t)g->d : 1;
}

ae_status ae_gmm_alloc_params(ae_gmm *g, ae_error *err)
{
    size_t k = (size_t)g->k, d = (size_t)g->d, cs = ae_gmm_cov_size(g);
    g->shift = calloc(d, sizeof *g->shift);
    g->weights = calloc(k, sizeof *g->weights);
    g->means = calloc(k * d, sizeof *g->means);
    g->covs = calloc(k * cs, sizeof *g->covs);
    g->prec_chol = calloc(k * cs, sizeof *g->prec_chol);
    g->log_det = calloc(k, sizeof *g->log_det);
    g->u_all = g->cov == AE_GMM_FULL ? calloc(d * k * d, sizeof *g->u_all) : NULL;
    if (!g->shift || !g->weights || !g->means || !g->covs || !g->prec_chol || !g->log_det ||
        (g->cov == AE_GMM_FULL && !g->u_all))
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for a mixture of %d components in %d dimensions", g->k, g->d);
    return ae_matrix_alloc(&g->means_out, k, d, err);
}

/* full: log p = -1/2 (d log 2 pi + |(x - mu) U|^2) + log det U. All k
 * products x U_c come from one GEMM of a block of rows by the d x kd matrix
 * of every U; (x - mu) U = x U - mu U. */
static void log_prob_full(const ae_gmm *g, const float *xs, size_t n, double *lp, float *y)
{
    const int k = g->k, d = g->d, kd = k * d;
    double *mu_u = malloc((size_t)kd * sizeof *mu_u); /* (k, d) mu_c U_c */
    if (!mu_u) { /* cannot happen in practice; keep the output defined */
        for (size_t i = 0; i < n * (size_t)k; i++) lp[i] = -INFINITY;
        return;
    }
    for (int c = 0; c < k; c++)
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int a = 0; a <= j; a++) s += g->means[(size_t)c * d + a] * g->prec_chol[((size_t)c * d + a) * d + j];
            mu_u[c * d + j] = s;
        }
    const double base = d * LOG_2PI;
    for (size_t r0 = 0; r0 < n; r0 += ESTEP_ROWS) {
        int rows = (int)(n - r0 < ESTEP_ROWS ? n - r0 : ESTEP_ROWS);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, kd, d, 1.0f, xs + r0 * d, d, g->u_all, kd, 0.0f,
                    y, kd);
        for (int i = 0; i < rows; i++) {
            const float *yi = y + (size_t)i * kd;
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double t = yi[c * d + j] - mu_u[c * d + j];
                    s += t * t;
                }
                lp[(r0 + i) * k + c] = -0.5 * (base + s) + g->log_det[c] + log(g->weights[c]);
            }
        }
    }
    free(mu_u);
}

/* diag and spherical: sum_j (x_j - mu_j)^2 / sigma_j^2 directly. */
static void log_prob_diag(const ae_gmm *g, const float *xs, size_t n, double *lp)
{
    const int k = g->k, d = g->d;
    const double base = d * LOG_2PI;
    for (size_t i = 0; i < n; i++) {
        const float *x = xs + i * d;
        for (int c = 0; c < k; c++) {
            const double *mu = g->means + (size_t)c * d;
            double s = 0;
            if (g->cov == AE_GMM_DIAG) {
                const double *p = g->prec_chol + (size_t)c * d;
                for (int j = 0; j < d; j++) {
                    double t = (x[j] - mu[j]) * p[j];
                    s += t * t;
                }
            } else {
                for (int j = 0; j < d; j++) {
                    double t = x[j] - mu[j];
                    s += t * t;
                }
                s *= g->prec_chol[c] * g->prec_chol[c];
            }
            lp[i * k + c] = -0.5 * (base + s) + g->log_det[c] + log(g->weights[c]);
        }
    }
}

void ae_gmm_weighted_log_prob(const ae_gmm *g, const float *xs, size_t n, double *lp)
{
    if (g->cov != AE_GMM_FULL) {
        log_prob_diag(g, xs, n, lp);
        return;
    }
    size_t rows = n < ESTEP_ROWS ? n : ESTEP_ROWS;
    float *y = malloc(rows * (size_t)g->k * (size_t)g->d * sizeof *y + 1);
    if (!y) {
        for (size_t i = 0; i < n * (size_t)g->k; i++) lp[i] = -INFINITY;
        return;
    }
    log_prob_full(g, xs, n, lp, y);
    free(y);
}

double ae_gmm_log_resp(double *lp, size_t n, int k, double *norm)
{
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        double *row = lp + i * k, mx = row[0];
        for (int c = 1; c < k; c++)
            if (row[c] > mx) mx = row[c];
        double s = 0;
        for (int c = 0; c < k; c++) s += exp(row[c] - mx);
        double lse = mx + log(s);
        for (int c = 0; c < k; c++) row[c] -= lse;
        if (norm) norm[i] = lse;
        total += lse;
    }
    return total;
}

ae_status ae_gmm_estimate(ae_gmm *g, const float *xs, size_t n, const double *resp, double reg, ae_error *err)
{
    const int k = g->k, d = g->d;
    double *nk = calloc((size_t)k, sizeof *nk);
    float *w = g->cov == AE_GMM_FULL ? malloc(n * (size_t)d * sizeof *w) : NULL;
    float *cf = g->cov == AE_GMM_FULL ? malloc((size_t)d * d * sizeof *cf) : NULL;
    if (!nk || (g->cov == AE_GMM_FULL && (!w || !cf))) {
        free(nk), free(w), free(cf);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for the M-step of a mixture");
    }
    memset(g->means, 0, (size_t)k * d * sizeof *g->means);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < k; c++) {
            double r = resp[i * k + c];
            nk[c] += r;
            if (r == 0) continue;
            double *mu = g->means + (size_t)c * d;
            for (int j = 0; j < d; j++) mu[j] += r * xs[i * d + j];
        }
    double total = 0;
    for (int c = 0; c < k; c++) {
        nk[c] += 10 * DBL_EPSILON; /* as scikit-learn: an empty component stays defined */
        total += nk[c];
        for (int j = 0; j < d; j++) g->means[(size_t)c * d + j] /= nk[c];
    }
    for (int c = 0; c < k; c++) g->weights[c] = nk[c] / total;

    for (int c = 0; c < k; c++) {
        const double *mu = g->means + (size_t)c * d;
        if (g->cov == AE_GMM_FULL) {
            /* sum_i r_i (x_i - mu)(x_i - mu)^T as W^T W, W's rows sqrt(r_i) (x_i - mu) */
            for (size_t i = 0; i < n; i++) {
                float s = (float)sqrt(resp[i * k + c]);
                for (int j = 0; j < d; j++) w[i * d + j] = s * (float)(xs[i * d + j] - mu[j]);
            }
            cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, d, (int)n, 1.0f, w, d, 0.0f, cf, d);
            double *cov = g->covs + (size_t)c * d * d;
            for (int a = 0; a < d; a++)
                for (int b = a; b < d; b++) cov[a * d + b] = cov[b * d + a] = cf[a * d + b] / nk[c];
            for (int a = 0; a < d; a++) cov[a * d + a] += reg;
        } else {
            double *var = g->cov == AE_GMM_DIAG ? g->covs + (size_t)c * d : NULL, sph = 0;
            if (var) memset(var, 0, (size_t)d * sizeof *var);
            for (size_t i = 0; i < n; i++) {
                double r = resp[i * k + c];
                if (r == 0) continue;
                for (int j = 0; j < d; j++) {
                    double t = xs[i * d + j] - mu[j], v = r * t * t;
                    if (var)
                        var[j] += v;
                    else
                        sph += v;
                }
            }
            if (var)
                for (int j = 0; j < d; j++) var[j] = var[j] / nk[c] + reg;
            else
                g->covs[c] = sph / nk[c] / d + reg;
        }
    }
    free(nk);
    free(w);
    free(cf);
    return AE_OK;
}

static ae_status not_positive(int c, double reg, ae_error *err)
{
    return ae_fail(err, AE_ERR_NUMERIC,
                   "component %d: covariance is not positive definite; try a larger reg_covar (now %g)", c, reg);
}

ae_status ae_gmm_factor(ae_gmm *g, double reg, ae_error *err)
{
    const int k = g->k, d = g->d;
    if (g->cov != AE_GMM_FULL) {
        size_t cs = ae_gmm_cov_size(g);
        for (int c = 0; c < k; c++) {
            double ld = 0;
            for (size_t j = 0; j < cs; j++) {
                double v = g->covs[c * cs + j];
                if (!(v > 0) || !isfinite(v)) return not_positive(c, reg, err);
                g->prec_chol[c * cs + j] = 1.0 / sqrt(v);
                ld += log(g->prec_chol[c * cs + j]);
            }
            g->log_det[c] = g->cov == AE_GMM_SPHERICAL ? d * ld : ld;
        }
        return AE_OK;
    }
    double *l = malloc((size_t)d * d * sizeof *l);
    if (!l) return ae_fail(err, AE_ERR_NOMEM, "out of memory for a Cholesky factor");
    for (int c = 0; c < k; c++) {
        memcpy(l, g->covs + (size_t)c * d * d, (size_t)d * d * sizeof *l);
        /* cov = L L^T; the precision's factor is U = L^-T (upper), precision = U U^T */
        if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', d, l, d) != 0 || LAPACKE_dtrtri(LAPACK_ROW_MAJOR, 'L', 'N', d, l, d) != 0) {
            free(l);
            return not_positive(c, reg, err);
        }
        double *u = g->prec_chol + (size_t)c * d * d, ld = 0;
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) u[a * d + b] = b >= a ? l[b * d + a] : 0.0; /* U = (L^-1)^T */
        for (int a = 0; a < d; a++) {
            if (!(u[a * d + a] > 0) || !isfinite(u[a * d + a])) {
                free(l);
                return not_positive(c, reg, err);
            }
            ld += log(u[a * d + a]);
        }
        g->log_det[c] = ld;
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) g->u_all[(size_t)a * k * d + (size_t)c * d + b] = (float)u[a * d + b];
    }
    free(l);
    return AE_OK;
}
