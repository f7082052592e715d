/* Fitting a Gaussian mixture: options, checks, the k-means initialisation
 * and the EM loop over restarts (scikit-learn 1.2's BaseMixture.fit_predict). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/kmeans.h"
#include "aeclust/rng.h"
#include "gmm_internal.h"

ae_gmm_opts ae_gmm_defaults(void)
{
    return (ae_gmm_opts){.k = 10, .covariance = AE_GMM_FULL, .reg_covar = 1e-6, .tol = 1e-3, .max_iter = 100,
                         .n_init = 1, .seed = 0, .means_init = NULL};
}

static const char *const cov_names[] = {"full", "diag", "spherical"};

ae_status ae_gmm_covariance_parse(const char *name, ae_gmm_covariance *out, ae_error *err)
{
    for (int i = 0; i < 3; i++)
        if (name && !strcmp(name, cov_names[i])) {
            *out = (ae_gmm_covariance)i;
            return AE_OK;
        }
    return ae_fail(err, AE_ERR_ARG, "unknown covariance type '%s' (known: full, diag, spherical)", name ? name : "");
}

const char *ae_gmm_covariance_name(ae_gmm_covariance c) { return (unsigned)c < 3 ? cov_names[c] : "?"; }

size_t ae_gmm_cov_size(const ae_gmm *g)
{
    return g->cov == AE_GMM_FULL ? (size_t)g->d * (size_t)g->d : g->cov == AE_GMM_DIAG ? (size_t)g->d : 1;
}

void ae_gmm_free(ae_gmm *g)
{
    if (!g) return;
    free(g->shift);
    free(g->var_floor);
    free(g->weights);
    free(g->means);
    free(g->covs);
    free(g->prec_chol);
    free(g->log_det);
    free(g->u_all);
    ae_matrix_free(&g->means_out);
    free(g);
}

ae_status ae_gmm_alloc_params(ae_gmm *g, ae_error *err)
{
    const size_t k = (size_t)g->k, d = (size_t)g->d, cs = ae_gmm_cov_size(g);
    g->shift = calloc(d, sizeof *g->shift);
    g->var_floor = calloc(d, sizeof *g->var_floor);
    g->weights = calloc(k, sizeof *g->weights);
    g->means = calloc(k * d, sizeof *g->means);
    g->covs = calloc(k * cs, sizeof *g->covs);
    g->prec_chol = calloc(k * cs, sizeof *g->prec_chol);
    g->log_det = calloc(k, sizeof *g->log_det);
    g->u_all = g->cov == AE_GMM_FULL ? calloc(d * k * d, sizeof *g->u_all) : NULL;
    if (!g->shift || !g->var_floor || !g->weights || !g->means || !g->covs || !g->prec_chol || !g->log_det ||
        (g->cov == AE_GMM_FULL && !g->u_all))
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for a mixture of %d components in %d dimensions", g->k, g->d);
    return ae_matrix_alloc(&g->means_out, k, d, err);
}

static ae_status new_gmm(int k, int d, ae_gmm_covariance cov, ae_gmm **out, ae_error *err)
{
    ae_gmm *g = calloc(1, sizeof *g);
    if (!g) return ae_fail(err, AE_ERR_NOMEM, "out of memory for a mixture");
    g->k = k;
    g->d = d;
    g->cov = cov;
    ae_status st = ae_gmm_alloc_params(g, err);
    if (st) {
        ae_gmm_free(g);
        return st;
    }
    *out = g;
    return AE_OK;
}

/* Copies every parameter and the outcome of src's EM into dst (same k, d, type). */
static void copy_params(ae_gmm *dst, const ae_gmm *src)
{
    const size_t k = (size_t)src->k, d = (size_t)src->d, cs = ae_gmm_cov_size(src);
    memcpy(dst->weights, src->weights, k * sizeof *dst->weights);
    memcpy(dst->means, src->means, k * d * sizeof *dst->means);
    memcpy(dst->covs, src->covs, k * cs * sizeof *dst->covs);
    memcpy(dst->prec_chol, src->prec_chol, k * cs * sizeof *dst->prec_chol);
    memcpy(dst->log_det, src->log_det, k * sizeof *dst->log_det);
    if (src->u_all) memcpy(dst->u_all, src->u_all, d * k * d * sizeof *dst->u_all);
    dst->lower_bound = src->lower_bound;
    dst->n_iter = src->n_iter;
    dst->converged = src->converged;
}

static ae_status check_opts(const ae_matrix *x, const ae_gmm_opts *o, ae_error *err)
{
    if (!x || !x->data || x->rows == 0 || x->cols == 0) return ae_fail(err, AE_ERR_ARG, "GMM: no data");
    if (x->cols > 65536 || x->rows > (size_t)1 << 31)
        return ae_fail(err, AE_ERR_ARG, "GMM: %zu x %zu points are too many", x->rows, x->cols);
    if (o->k < 1) return ae_fail(err, AE_ERR_ARG, "GMM: k must be at least 1, got %d", o->k);
    if ((size_t)o->k > x->rows)
        return ae_fail(err, AE_ERR_ARG, "GMM: k = %d is larger than the %zu points", o->k, x->rows);
    if ((unsigned)o->covariance > AE_GMM_SPHERICAL)
        return ae_fail(err, AE_ERR_ARG, "GMM: unknown covariance type %d", (int)o->covariance);
    if (!(o->reg_covar >= 0) || !isfinite(o->reg_covar))
        return ae_fail(err, AE_ERR_ARG, "GMM: reg_covar must be finite and >= 0, got %g", o->reg_covar);
    if (!(o->tol >= 0)) return ae_fail(err, AE_ERR_ARG, "GMM: tol must be >= 0, got %g", o->tol);
    if (o->max_iter < 1) return ae_fail(err, AE_ERR_ARG, "GMM: max_iter must be at least 1, got %d", o->max_iter);
    if (o->n_init < 1) return ae_fail(err, AE_ERR_ARG, "GMM: n_init must be at least 1, got %d", o->n_init);
    const ae_matrix *m = o->means_init;
    if (m && (m->rows != (size_t)o->k || m->cols != x->cols || !m->data))
        return ae_fail(err, AE_ERR_ARG, "GMM: initial means are %zu x %zu, expected k x d = %d x %zu", m->rows,
                       m->cols, o->k, x->cols);
    ae_status st = ae_matrix_check_finite(x, "GMM input", err);
    if (!st && m) st = ae_matrix_check_finite(m, "GMM initial means", err);
    return st;
}

/* resp (n, k) = the hard responsibilities of one k-means run (one restart,
 * seeded), as scikit-learn's init_params="kmeans" (also with means_init). */
static ae_status kmeans_resp(const ae_matrix *x, int k, uint64_t seed, double *resp, ae_error *err)
{
    ae_kmeans_opts ko = ae_kmeans_defaults();
    ko.k = k;
    ko.n_init = 1;
    ko.seed = seed;
    ae_kmeans_result km = {0};
    ae_status st = ae_kmeans_fit(x, &ko, &km, err);
    if (!st) {
        memset(resp, 0, x->rows * (size_t)k * sizeof *resp);
        for (size_t i = 0; i < x->rows; i++) resp[i * k + (size_t)km.labels.data[i]] = 1.0;
    }
    ae_kmeans_result_free(&km);
    return st;
}

/* One restart: initialise, then EM until the bound moves less than tol or
 * max_iter. lp (n, k) is scratch. */
static ae_status run_em(ae_gmm *g, const gmm_points *p, const ae_matrix *x, const ae_gmm_opts *o, uint64_t seed,
                        double *lp, gmm_work *w, ae_error *err)
{
    const size_t n = p->n, k = (size_t)g->k, d = (size_t)g->d;
    ae_status st = kmeans_resp(x, g->k, seed, lp, err);
    if (st) return st;
    ae_gmm_estimate(g, p, lp, o->reg_covar, 1, w);
    if (o->means_init)
        for (size_t c = 0; c < k; c++)
            for (size_t j = 0; j < d; j++) g->means[c * d + j] = (double)o->means_init->data[c * d + j] - g->shift[j];
    if ((st = ae_gmm_factor(g, o->reg_covar, w, err))) return st;
    double bound = -INFINITY;
    g->converged = 0;
    g->n_iter = 0;
    for (int it = 1; it <= o->max_iter; it++) {
        double prev = bound;
        ae_gmm_weighted_log_prob(g, p, w, lp);
        bound = ae_gmm_resp(lp, n, g->k) / (double)n;
        if (!isfinite(bound))
            return ae_fail(err, AE_ERR_NUMERIC,
                           "GMM: the log-likelihood became %g at iteration %d; try a larger reg_covar (now %g)", bound,
                           it, o->reg_covar);
        ae_gmm_estimate(g, p, lp, o->reg_covar, 0, w);
        if ((st = ae_gmm_factor(g, o->reg_covar, w, err))) return st;
        g->n_iter = it;
        if (fabs(bound - prev) < o->tol) {
            g->converged = 1;
            break;
        }
    }
    g->lower_bound = bound;
    return AE_OK;
}

/* shift = the column means of x. var_floor: the M-step's variances carry
 * rounding errors of a few DBL_EPSILON times the squared magnitude of the
 * shifted data (diag's E[x^2] - mu^2 cancels), so on duplicated points with
 * reg_covar 0 a covariance comes out as ~1e-15 or ~1e-31 rather than 0, and
 * passes a plain Cholesky with a nonsense likelihood. A variance at or below
 * 16 DBL_EPSILON max|x_j - shift_j|^2 (a spread far below float32's
 * resolution of the data) is taken as zero. */
static void set_shift_and_floor(const ae_matrix *x, ae_gmm *g)
{
    const size_t n = x->rows, d = x->cols;
    for (size_t j = 0; j < d; j++) {
        double s = 0, m = 0;
        for (size_t i = 0; i < n; i++) s += x->data[i * d + j];
        g->shift[j] = s / (double)n;
        for (size_t i = 0; i < n; i++) m = fmax(m, fabs(x->data[i * d + j] - g->shift[j]));
        g->var_floor[j] = 16 * DBL_EPSILON * m * m;
    }
}

void ae_gmm_argmax_rows(const double *lp, size_t n, int k, int32_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int best = 0;
        for (int c = 1; c < k; c++)
            if (lp[i * k + c] > lp[i * k + best]) best = c;
        out[i] = best;
    }
}

ae_status ae_gmm_fit(const ae_matrix *x, const ae_gmm_opts *o, ae_gmm **out, ae_labels *labels, ae_error *err)
{
    *out = NULL;
    ae_gmm_opts def = ae_gmm_defaults();
    if (!o) o = &def;
    ae_status st = check_opts(x, o, err);
    if (st) return st;
    const size_t n = x->rows, d = x->cols;
    ae_gmm *best = NULL, *cur = NULL;
    gmm_points p = {0};
    gmm_work w = {0};
    double *lp = malloc(n * (size_t)o->k * sizeof *lp);
    if (!lp) return ae_fail(err, AE_ERR_NOMEM, "out of memory for %zu x %d responsibilities", n, o->k);
    if ((st = new_gmm(o->k, (int)d, o->covariance, &best, err)) ||
        (st = new_gmm(o->k, (int)d, o->covariance, &cur, err)))
        goto done;
    set_shift_and_floor(x, best);
    memcpy(cur->shift, best->shift, d * sizeof *cur->shift);
    memcpy(cur->var_floor, best->var_floor, d * sizeof *cur->var_floor);
    if ((st = ae_gmm_points_make(x, best->shift, o->covariance, &p, err)) || (st = ae_gmm_work_alloc(cur, n, &w, err)))
        goto done;
    /* restart r's k-means seed: the r-th draw of one generator seeded with seed */
    ae_rng rng;
    ae_rng_seed(&rng, o->seed);
    for (int r = 0; r < o->n_init; r++) {
        if ((st = run_em(cur, &p, x, o, ae_rng_next(&rng), lp, &w, err))) goto done;
        if (r == 0 || cur->lower_bound > best->lower_bound) copy_params(best, cur);
    }
    /* the labels of the kept parameters: a last E-step, as fit_predict */
    if (labels) {
        if ((st = ae_labels_alloc(labels, n, err))) goto done;
        ae_gmm_weighted_log_prob(best, &p, &w, lp);
        ae_gmm_argmax_rows(lp, n, best->k, labels->data);
    }
    for (size_t c = 0; c < (size_t)o->k; c++)
        for (size_t j = 0; j < d; j++)
            best->means_out.data[c * d + j] = (float)(best->means[c * d + j] + best->shift[j]);
    *out = best;
    best = NULL;
done:
    ae_gmm_free(best);
    ae_gmm_free(cur);
    ae_gmm_points_free(&p);
    ae_gmm_work_free(&w);
    free(lp);
    return st;
}
