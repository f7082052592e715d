/* The E-step of a Gaussian mixture, as scikit-learn 1.2 computes it
 * (mixture/_gaussian_mixture.py, _estimate_log_gaussian_prob), with its
 * products over all points done as GEMMs:
 * - full: y = (x - mu_c) U_c, log p = -1/2 (d log 2 pi + |y|^2) + log det U_c;
 *   x U_c for every c comes from one float32 GEMM of a block of rows by the
 *   d x kd matrix of every U side by side, minus mu_c U_c;
 * - diag: |(x - mu) p|^2 = (x^2) . p^2 - 2 x . (mu p^2) + |mu p|^2, two double GEMMs;
 * - spherical: p^2 (|x|^2 - 2 x . mu + |mu|^2), one double GEMM.
 * Also the points in the forms these read, and the steps' scratch. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gmm_internal.h"

#define LOG_2PI 1.8378770664093454836 /* log(2 pi) */
#define LOG_DBL_MIN (-708.39641853226408) /* log(DBL_MIN) */

ae_status ae_gmm_points_make(const ae_matrix *x, const double *shift, ae_gmm_covariance cov, gmm_points *p,
                             ae_error *err)
{
    const size_t n = x->rows, d = x->cols, nd = n * d;
    memset(p, 0, sizeof *p);
    p->n = n;
    p->d = (int)d;
    p->xd = malloc(nd * sizeof *p->xd + 1);
    if (cov == AE_GMM_FULL)
        p->xs = malloc(nd * sizeof *p->xs + 1);
    else
        p->sq = malloc((cov == AE_GMM_DIAG ? nd : n) * sizeof *p->sq + 1);
    if (!p->xd || (cov == AE_GMM_FULL ? !p->xs : !p->sq)) {
        ae_gmm_points_free(p);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for a copy of %zu x %zu points", n, d);
    }
    for (size_t i = 0; i < n; i++) {
        const float *xi = x->data + i * d;
        double *di = p->xd + i * d, s = 0;
        for (size_t j = 0; j < d; j++) {
            di[j] = (double)xi[j] - shift[j];
            s += di[j] * di[j];
        }
        if (cov == AE_GMM_FULL)
            for (size_t j = 0; j < d; j++) p->xs[i * d + j] = (float)di[j];
        else if (cov == AE_GMM_DIAG)
            for (size_t j = 0; j < d; j++) p->sq[i * d + j] = di[j] * di[j];
        else
            p->sq[i] = s;
    }
    return AE_OK;
}

void ae_gmm_points_free(gmm_points *p)
{
    free(p->xs);
    free(p->xd);
    free(p->sq);
    memset(p, 0, sizeof *p);
}

ae_status ae_gmm_work_alloc(const ae_gmm *g, size_t n, gmm_work *w, ae_error *err)
{
    const size_t k = (size_t)g->k, d = (size_t)g->d, rows = n < GMM_BLOCK_ROWS ? n : GMM_BLOCK_ROWS;
    memset(w, 0, sizeof *w);
    w->nk = malloc(k * sizeof *w->nk);
    w->kbuf = malloc(3 * k * sizeof *w->kbuf);
    w->sums = malloc(k * d * sizeof *w->sums);
    w->coef = malloc(2 * d * k * sizeof *w->coef);
    int ok = w->nk && w->kbuf && w->sums && w->coef;
    if (g->cov == AE_GMM_FULL) {
        w->y = malloc((rows * k * d + 1) * sizeof *w->y);
        w->mu_u = malloc(k * d * sizeof *w->mu_u);
        w->w = malloc((GMM_BLOCK_ROWS * d + 1) * sizeof *w->w);
        w->chol = malloc(d * d * sizeof *w->chol);
        ok = ok && w->y && w->mu_u && w->w && w->chol;
    }
    if (!ok) {
        ae_gmm_work_free(w);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for the steps of a mixture of %d components", g->k);
    }
    return AE_OK;
}

void ae_gmm_work_free(gmm_work *w)
{
    free(w->y);
    free(w->mu_u);
    free(w->coef);
    free(w->w);
    free(w->sums);
    free(w->nk);
    free(w->kbuf);
    free(w->chol);
    memset(w, 0, sizeof *w);
}

/* log w_c + log det U_c - d/2 log 2 pi: the part of lp that is the same for every point. */
static double component_constant(const ae_gmm *g, int c)
{
    return log(g->weights[c]) + g->log_det[c] - 0.5 * g->d * LOG_2PI;
}

static void log_prob_full(const ae_gmm *g, const gmm_points *p, gmm_work *w, double *lp)
{
    const int k = g->k, d = g->d, kd = k * d;
    for (int c = 0; c < k; c++) {
        const double *mu = g->means + (size_t)c * d, *u = g->prec_chol + (size_t)c * d * d;
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int a = 0; a <= j; a++) s += mu[a] * u[a * d + j]; /* U is upper triangular */
            w->mu_u[c * d + j] = (float)s;
        }
    }
    double *cst = w->kbuf;
    for (int c = 0; c < k; c++) cst[c] = component_constant(g, c);
    for (size_t r0 = 0; r0 < p->n; r0 += GMM_BLOCK_ROWS) {
        const int rows = (int)(p->n - r0 < GMM_BLOCK_ROWS ? p->n - r0 : GMM_BLOCK_ROWS);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, kd, d, 1.0f, p->xs + r0 * d, d, g->u_all, kd,
                    0.0f, w->y, kd);
        for (int i = 0; i < rows; i++) {
            const float *yi = w->y + (size_t)i * kd;
            double *out = lp + (r0 + i) * k;
            for (int c = 0; c < k; c++) {
                const float *yc = yi + c * d, *m = w->mu_u + c * d;
                float s4[4] = {0, 0, 0, 0}; /* four partial sums: a float sum the compiler can vectorise */
                int j = 0;
                for (; j + 4 <= d; j += 4)
                    for (int l = 0; l < 4; l++) {
                        float t = yc[j + l] - m[j + l];
                        s4[l] += t * t;
                    }
                double s = (double)s4[0] + s4[1] + s4[2] + s4[3];
                for (; j < d; j++) {
                    double t = (double)yc[j] - m[j];
                    s += t * t;
                }
                out[c] = cst[c] - 0.5 * s;
            }
        }
    }
}

static void log_prob_diag(const ae_gmm *g, const gmm_points *p, gmm_work *w, double *lp)
{
    const int k = g->k, d = g->d;
    double *p2 = w->coef, *mp2 = w->coef + (size_t)d * k; /* (d, k) each */
    double *cst = w->kbuf;
    for (int c = 0; c < k; c++) {
        double m2 = 0;
        for (int j = 0; j < d; j++) {
            double pr = g->prec_chol[(size_t)c * d + j], mu = g->means[(size_t)c * d + j];
            p2[j * k + c] = pr * pr;
            mp2[j * k + c] = -2.0 * mu * pr * pr;
            m2 += mu * mu * pr * pr;
        }
        cst[c] = component_constant(g, c) - 0.5 * m2;
    }
    const int n = (int)p->n;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, d, -0.5, p->sq, d, p2, k, 0.0, lp, k);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, d, -0.5, p->xd, d, mp2, k, 1.0, lp, k);
    for (size_t i = 0; i < p->n; i++)
        for (int c = 0; c < k; c++) lp[i * k + c] += cst[c];
}

static void log_prob_spherical(const ae_gmm *g, const gmm_points *p, gmm_work *w, double *lp)
{
    const int k = g->k, d = g->d;
    double *m2 = w->kbuf, *p2 = w->kbuf + k, *cst = w->kbuf + 2 * k;
    for (int c = 0; c < k; c++) {
        m2[c] = 0;
        for (int j = 0; j < d; j++) m2[c] += g->means[(size_t)c * d + j] * g->means[(size_t)c * d + j];
        p2[c] = g->prec_chol[c] * g->prec_chol[c];
        cst[c] = component_constant(g, c);
    }
    /* lp = x . mu_c, then the rest of the squared distance around it */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)p->n, k, d, 1.0, p->xd, d, g->means, d, 0.0, lp, k);
    for (size_t i = 0; i < p->n; i++)
        for (int c = 0; c < k; c++) {
            double *v = lp + i * k + c;
            *v = cst[c] - 0.5 * p2[c] * (p->sq[i] - 2.0 * *v + m2[c]);
        }
}

void ae_gmm_weighted_log_prob(const ae_gmm *g, const gmm_points *p, gmm_work *w, double *lp)
{
    if (p->n == 0) return;
    if (g->cov == AE_GMM_FULL)
        log_prob_full(g, p, w, lp);
    else if (g->cov == AE_GMM_DIAG)
        log_prob_diag(g, p, w, lp);
    else
        log_prob_spherical(g, p, w, lp);
}

double ae_gmm_resp(double *lp, size_t n, int k)
{
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        double *row = lp + i * k, mx = row[0];
        for (int c = 1; c < k; c++)
            if (row[c] > mx) mx = row[c];
        double s = 0;
        for (int c = 0; c < k; c++) {
            /* below log(DBL_MIN) exp would be subnormal or zero, and slow: flush to zero */
            row[c] = row[c] - mx < LOG_DBL_MIN ? 0.0 : exp(row[c] - mx);
            s += row[c];
        }
        for (int c = 0; c < k; c++) row[c] /= s;
        total += mx + log(s);
    }
    return total;
}
