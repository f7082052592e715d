/* A Gaussian mixture ([cluster] method = gmm): EM with scikit-learn's
 * semantics (gmm.h), initialised by k-means; new rows go to the most likely
 * component. Reports the mean log-likelihood, BIC and AIC of the fit set;
 * writes means_gmm_SPACE.npy and draws the means as images. */
#include <math.h>

#include "aeclust/gmm.h"
#include "aeclust/npy.h"
#include "clusterers.h"

static ae_status gmm_fit(run_ctx *r, const char *space, const ae_matrix *x, void **model, ae_labels *labels,
                         json_object *report, ae_error *err)
{
    const ae_settings *s = &r->set;
    ae_gmm_opts o = ae_gmm_defaults();
    o.k = (int)s->cluster.k;
    o.reg_covar = s->cluster.reg_covar;
    o.n_init = (int)s->cluster.gmm_n_init;
    o.max_iter = (int)s->cluster.gmm_max_iter;
    o.tol = s->cluster.gmm_tol;
    o.seed = ae_settings_seed(s, AE_STREAM_GMM, 0);
    ae_status st = ae_gmm_covariance_parse(s->cluster.covariance, &o.covariance, err);
    if (st) return st; /* the schema allows only known names */
    ae_run_say(r, "GMM (%s): k = %d, n_init = %d on %zu x %zu %s of %s", ae_gmm_covariance_name(o.covariance), o.k,
               o.n_init, x->rows, x->cols, space, r->fit_name);
    double t0 = ae_run_now();
    ae_gmm *g = NULL;
    if ((st = ae_gmm_fit(x, &o, &g, labels, err))) {
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return ae_fail(err, st, "GMM on %s of %s: %s", space, r->fit_name, why);
    }
    double dt = ae_run_now() - t0, loglik = 0;
    /* one pass over the points: BIC and AIC follow from the score */
    if ((st = ae_gmm_score(g, x, &loglik, err))) {
        ae_gmm_free(g);
        return st;
    }
    double n = (double)x->rows, p = (double)ae_gmm_n_parameters(g);
    double bic = -2 * loglik * n + p * log(n), aic = -2 * loglik * n + 2 * p;
    ae_run_say(r, "GMM: mean log-likelihood %.6g, BIC %.6g after %d iterations%s, %.2f s", loglik, bic,
               ae_gmm_n_iter(g), ae_gmm_converged(g) ? "" : " (not converged)", dt);
    json_object_object_add(report, "covariance", json_object_new_string(ae_gmm_covariance_name(o.covariance)));
    json_object_object_add(report, "mean_log_likelihood", json_object_new_double(loglik));
    json_object_object_add(report, "bic", json_object_new_double(bic));
    json_object_object_add(report, "aic", json_object_new_double(aic));
    json_object_object_add(report, "n_iter", json_object_new_int(ae_gmm_n_iter(g)));
    json_object_object_add(report, "converged", json_object_new_boolean(ae_gmm_converged(g)));
    *model = g;
    return AE_OK;
}

static ae_status gmm_predict(const void *g, const ae_matrix *x, ae_labels *out, ae_error *err)
{
    return ae_gmm_predict(g, x, out, err);
}

static ae_status gmm_outputs(run_ctx *r, const char *space, const void *g, ae_error *err)
{
    char path[1400], file[128];
    snprintf(file, sizeof file, "means_gmm_%s.npy", space);
    ae_status st = ae_run_stage_path(r, path, sizeof path, file, err);
    if (!st) st = ae_npy_write_matrix(path, ae_gmm_means(g), err);
    if (!st) st = ae_run_centroid_figure(r, "gmm", space, ae_gmm_means(g), err);
    return st;
}

static void gmm_free(void *g) { ae_gmm_free(g); }

const ae_run_clusterer ae_run_gmm = {
    .name = "gmm",
    .what = "Gaussian mixture by EM (k-means initialised; full, diagonal or spherical covariances)",
    .fit = gmm_fit,
    .predict = gmm_predict,
    .outputs = gmm_outputs,
    .free_model = gmm_free,
};
