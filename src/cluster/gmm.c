/* Fitting a Gaussian mixture: checks, the k-means initialisation, the EM
 * loop over restarts, and what a fitted mixture answers (predict, proba,
 * score, BIC/AIC). */
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

void ae_gmm_free(ae_gmm *g)
{
    if (!g) return;
    free(g->shift);
    free(g->weights);
    free(g->means);
    free(g->covs);
    free(g->prec_chol);
    free(g->log_det);
    free(g->u_all);
    ae_matrix_free(&g->means_out);
    free(g);
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

/* Copies every parameter of src into dst (same k, d, type). */
static void copy_params(ae_gmm *dst, const ae_gmm *src)
{
    size_t k = (size_t)src->k, d = (size_t)src->d, cs = ae_gmm_cov_size(src);
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
    if (x->cols > 100000) return ae_fail(err, AE_ERR_ARG, "GMM: %zu dimensions are too many", x->cols);
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
    if (m && (m->rows != (size_t)o->k || m->cols != x->cols))
        return ae_fail(err, AE_ERR_ARG, "GMM: initial means are %zu x %zu, expected k x d = %d x %zu", m->rows,
                       m->cols, o->k, x->cols);
    ae_status st = ae_matrix_check_finite(x, "GMM input", err);
    if (!st && m) st = ae_matrix_check_finite(m, "GMM initial means", err);
    return st;
}

/* Hard responsibilities of one restart: k-means labels, or the nearest
 * initial mean. */
static ae_status initial_resp(const ae_matrix *x, const ae_gmm_opts *o, uint64_t seed, double *resp, ae_error *err)
{
    const size_t n = x->rows, k = (size_t)o->k;
    ae_labels labels = {0};
    ae_status st;
    if (o->means_init) {
        st = ae_kmeans_predict(o->means_init, x, &labels, NULL, err);
    } else {
        ae_kmeans_opts ko = ae_kmeans_defaults();
        ko.k = o->k;
        ko.n_init = 1;
        ko.seed = seed;
        ae_kmeans_result km = {0};
        st = ae_kmeans_fit(x, &ko, &km, err);
        labels = km.labels;
        km.labels = (ae_labels){0};
        ae_kmeans_result_free(&km);
    }
    if (st) return st;
    memset(resp, 0, n * k * sizeof *resp);
    for (size_t i = 0; i < n; i++) resp[i * k + (size_t)labels.data[i]] = 1.0;
    ae_labels_free(&labels);
    return AE_OK;
}

/* One restart: initialise, then EM until tol or max_iter. lp is (n, k) scratch. */
static ae_status run_em(ae_gmm *g, const float *xs, const ae_matrix *x, const ae_gmm_opts *o, uint64_t seed,
                        double *lp, ae_error *err)
{
    const size_t n = x->rows, k = (size_t)g->k, d = (size_t)g->d;
    ae_status st = initial_resp(x, o, seed, lp, err);
    if (st || (st = ae_gmm_estimate(g, xs, n, lp, o->reg_covar, err))) return st;
    if (o->means_init)
        for (size_t c = 0; c < k; c++)
            for (size_t j = 0; j < d; j++) g->means[c * d + j] = o->means_init->data[c * d + j] - g->shift[j];
    if ((st = ae_gmm_factor(g, o->reg_covar, err))) return st;
    double bound = -INFINITY;
    g->converged = 0;
    for (int it = 1; it <= o->max_iter; it++) {
        double prev = bound;
        ae_gmm_weighted_log_prob(g, xs, n, lp);
        bound = ae_gmm_log_resp(lp, n, g->k, NULL) / (double)n;
        if (!isfinite(bound))
            return ae_fail(err, AE_ERR_NUMERIC, "GMM: the log-likelihood became %g at iteration %d; try a larger reg_covar (now %g)",
                           bound, it, o->reg_covar);
        for (size_t i = 0; i < n * k; i++) lp[i] = exp(lp[i]);
        if ((st = ae_gmm_estimate(g, xs, n, lp, o->reg_covar, err)) || (st = ae_gmm_factor(g, o->reg_covar, err)))
            return st;
        g->n_iter = it;
        if (fabs(bound - prev) < o->tol) {
            g->converged = 1;
            break;
        }
    }
    g->lower_bound = bound;
    return AE_OK;
}

/* xs (n, d) float = x - shift. */
static float *shifted(const ae_matrix *x, const double *shift)
{
    float *xs = malloc(x->rows * x->cols * sizeof *xs + 1);
    if (!xs) return NULL;
    for (size_t i = 0; i < x->rows; i++)
        for (size_t j = 0; j < x->cols; j++) xs[i * x->cols + j] = (float)(x->data[i * x->cols + j] - shift[j]);
    return xs;
}

static void argmax_rows(const double *lp, size_t n, int k, int32_t *out)
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
    float *xs = NULL;
    double *lp = malloc(n * (size_t)o->k * sizeof *lp);
    if (!lp) return ae_fail(err, AE_ERR_NOMEM, "out of memory for %zu x %d responsibilities", n, o->k);
    if ((st = new_gmm(o->k, (int)d, o->covariance, &best, err)) || (st = new_gmm(o->k, (int)d, o->covariance, &cur, err)))
        goto done;
    for (size_t j = 0; j < d; j++) {
        double s = 0;
        for (size_t i = 0; i < n; i++) s += x->data[i * d + j];
        best->shift[j] = cur->shift[j] = s / (double)n;
    }
    if (!(xs = shifted(x, best->shift))) {
        st = ae_fail(err, AE_ERR_NOMEM, "out of memory for a copy of the data");
        goto done;
    }
    /* each restart's k-means seed comes from one generator seeded with seed */
    ae_rng rng;
    ae_rng_seed(&rng, o->seed);
    double best_bound = -INFINITY;
    for (int r = 0; r < o->n_init; r++) {
        if ((st = run_em(cur, xs, x, o, ae_rng_next(&rng), lp, err))) goto done;
        if (r == 0 || cur->lower_bound > best_bound) {
            best_bound = cur->lower_bound;
            copy_params(best, cur);
        }
    }
    /* the labels of the kept parameters (a last E-step, as fit_predict) */
    if (labels) {
        if ((st = ae_labels_alloc(labels, n, err))) goto done;
        ae_gmm_weighted_log_prob(best, xs, n, lp);
        argmax_rows(lp, n, best->k, labels->data);
    }
    for (size_t c = 0; c < (size_t)o->k; c++)
        for (size_t j = 0; j < d; j++) best->means_out.data[c * d + j] = (float)(best->means[c * d + j] + best->shift[j]);
    *out = best;
    best = NULL;
done:
    ae_gmm_free(best);
    ae_gmm_free(cur);
    free(xs);
    free(lp);
    return st;
}

/* lp (n, k) of new points; allocated here. */
static ae_status log_prob_of(const ae_gmm *g, const ae_matrix *x, double **lp, ae_error *err)
{
    *lp = NULL;
    if (!x || (!x->data && x->rows)) return ae_fail(err, AE_ERR_ARG, "GMM: no input matrix");
    if (x->cols != (size_t)g->d)
        return ae_fail(err, AE_ERR_ARG, "GMM: input has %zu columns, the mixture has %d", x->cols, g->d);
    ae_status st = ae_matrix_check_finite(x, "GMM input", err);
    if (st) return st;
    float *xs = shifted(x, g->shift);
    *lp = malloc(x->rows * (size_t)g->k * sizeof **lp + 1);
    if (!xs || !*lp) {
        free(xs);
        free(*lp);
        *lp = NULL;
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for %zu points", x->rows);
    }
    ae_gmm_weighted_log_prob(g, xs, x->rows, *lp);
    free(xs);
    return AE_OK;
}

ae_status ae_gmm_predict(const ae_gmm *g, const ae_matrix *x, ae_labels *out, ae_error *err)
{
    double *lp;
    ae_status st = log_prob_of(g, x, &lp, err);
    if (!st && !(st = ae_labels_alloc(out, x->rows, err))) argmax_rows(lp, x->rows, g->k, out->data);
    free(lp);
    return st;
}

ae_status ae_gmm_predict_proba(const ae_gmm *g, const ae_matrix *x, ae_matrix *out, ae_error *err)
{
    double *lp;
    ae_status st = log_prob_of(g, x, &lp, err);
    if (!st && !(st = ae_matrix_alloc(out, x->rows, (size_t)g->k, err))) {
        ae_gmm_log_resp(lp, x->rows, g->k, NULL);
        for (size_t i = 0; i < x->rows * (size_t)g->k; i++) out->data[i] = (float)exp(lp[i]);
    }
    free(lp);
    return st;
}

ae_status ae_gmm_score(const ae_gmm *g, const ae_matrix *x, double *mean_loglik, ae_error *err)
{
    if (!x || x->rows == 0) return ae_fail(err, AE_ERR_ARG, "GMM: no points to score");
    double *lp;
    ae_status st = log_prob_of(g, x, &lp, err);
    if (!st) *mean_loglik = ae_gmm_log_resp(lp, x->rows, g->k, NULL) / (double)x->rows;
    free(lp);
    return st;
}

long ae_gmm_n_parameters(const ae_gmm *g)
{
    long k = g->k, d = g->d;
    long cov = g->cov == AE_GMM_FULL ? k * d * (d + 1) / 2 : g->cov == AE_GMM_DIAG ? k * d : k;
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
