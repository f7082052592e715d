/* The clusterers besides plain k-means: a Gaussian mixture ("gmm") and
 * k-means after PCA ("pca+kmeans", seed 003's PCA(32) variant). Both fit on
 * the fit set of a space and assign the other scored splits with predict;
 * their centres are drawn as images (a GMM's means; PCA's k-means centres
 * mapped back to the space). What each fit reports goes to metrics.json's
 * "fits". */
#include <math.h>
#include <string.h>

#include "aeclust/gmm.h"
#include "aeclust/kmeans.h"
#include "aeclust/npy.h"
#include "aeclust/pca.h"
#include "run_ctx.h"

static void add_fit(run_ctx *r, const char *clusterer, const char *space, json_object *j)
{
    char key[64], cname[32];
    ae_run_file_name(clusterer, cname, sizeof cname);
    snprintf(key, sizeof key, "%s_%s", cname, space);
    if (!r->fits) r->fits = json_object_new_object();
    json_object_object_add(r->fits, key, j);
}

/* An option's problem, named with where the option came from. */
static ae_status option_error(run_ctx *r, const char *key, ae_status st, ae_error *err)
{
    char why[AE_ERROR_MSG_MAX];
    snprintf(why, sizeof why, "%s", err ? err->msg : "");
    return ae_fail(err, st, "%s: %s", ae_config_origin(r->cfg, "cluster", key), why);
}

static ae_status predict_gmm(const void *g, const ae_matrix *x, ae_labels *out, ae_error *err)
{
    return ae_gmm_predict(g, x, out, err);
}

ae_status ae_run_gmm(run_ctx *r, const char *space, ae_error *err)
{
    const ae_matrix *x;
    ae_status st = ae_run_space_x(r, space, r->fit, "fit", &x, err);
    if (st) return st;
    ae_gmm_opts o = ae_gmm_defaults();
    o.k = (int)ae_config_int(r->cfg, "cluster", "k");
    o.reg_covar = ae_config_double(r->cfg, "cluster", "reg_covar");
    o.n_init = (int)ae_config_int(r->cfg, "cluster", "gmm_n_init");
    o.max_iter = (int)ae_config_int(r->cfg, "cluster", "gmm_max_iter");
    o.tol = ae_config_double(r->cfg, "cluster", "gmm_tol");
    o.seed = (uint64_t)ae_config_int(r->cfg, "experiment", "seed");
    if ((st = ae_gmm_covariance_parse(ae_config_str(r->cfg, "cluster", "covariance"), &o.covariance, err)))
        return option_error(r, "covariance", st, err);
    ae_run_say(r, "GMM (%s): k = %d, n_init = %d on %zu x %zu %s of %s", ae_gmm_covariance_name(o.covariance), o.k,
               o.n_init, x->rows, x->cols, space, r->fit_name);
    double t0 = ae_run_now();
    ae_gmm *g = NULL;
    ae_labels labels = {0};
    if ((st = ae_gmm_fit(x, &o, &g, &labels, err))) {
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return ae_fail(err, st, "GMM on %s of %s: %s", space, r->fit_name, why);
    }
    double dt = ae_run_now() - t0, loglik = 0, bic = 0, aic = 0;
    ae_run_add_time(r, "fit_gmm", dt);
    /* one pass over the points: BIC and AIC follow from the score */
    if (!(st = ae_gmm_score(g, x, &loglik, err))) {
        double n = (double)x->rows, p = (double)ae_gmm_n_parameters(g);
        bic = -2 * loglik * n + p * log(n);
        aic = -2 * loglik * n + 2 * p;
        ae_run_say(r, "GMM: mean log-likelihood %.6g, BIC %.6g after %d iterations%s, %.2f s", loglik, bic,
                   ae_gmm_n_iter(g), ae_gmm_converged(g) ? "" : " (not converged)", dt);
        json_object *j = json_object_new_object();
        json_object_object_add(j, "covariance", json_object_new_string(ae_gmm_covariance_name(o.covariance)));
        json_object_object_add(j, "mean_log_likelihood", json_object_new_double(loglik));
        json_object_object_add(j, "bic", json_object_new_double(bic));
        json_object_object_add(j, "aic", json_object_new_double(aic));
        json_object_object_add(j, "n_iter", json_object_new_int(ae_gmm_n_iter(g)));
        json_object_object_add(j, "converged", json_object_new_boolean(ae_gmm_converged(g)));
        json_object_object_add(j, "seconds", json_object_new_double(dt));
        add_fit(r, "gmm", space, j);
        char path[1400], file[128];
        snprintf(file, sizeof file, "means_gmm_%s.npy", space);
        if (!(st = ae_run_stage_path(r, path, sizeof path, file, err)) &&
            !(st = ae_npy_write_matrix(path, ae_gmm_means(g), err)))
            st = ae_run_centroid_figure(r, "gmm", space, ae_gmm_means(g), err);
    }
    if (!st) st = ae_run_score_splits(r, "gmm", space, &labels, predict_gmm, g, err);
    ae_labels_free(&labels);
    ae_gmm_free(g);
    return st;
}

typedef struct {
    const ae_pca *pca;
    const ae_matrix *centroids; /* (k, n_components) */
} pca_kmeans;

static ae_status predict_pca_kmeans(const void *model, const ae_matrix *x, ae_labels *out, ae_error *err)
{
    const pca_kmeans *m = model;
    ae_matrix y = {0};
    ae_status st = ae_pca_transform(m->pca, x, &y, err);
    if (!st) st = ae_kmeans_predict(m->centroids, &y, out, NULL, err);
    ae_matrix_free(&y);
    return st;
}

ae_status ae_run_pca_kmeans(run_ctx *r, const char *space, ae_error *err)
{
    const ae_matrix *x;
    ae_status st = ae_run_space_x(r, space, r->fit, "fit", &x, err);
    if (st) return st;
    ae_pca_opts po = ae_pca_defaults();
    po.n_components = (int)ae_config_int(r->cfg, "cluster", "pca_components");
    po.whiten = ae_config_bool(r->cfg, "cluster", "pca_whiten");
    if ((size_t)po.n_components > x->cols)
        return ae_fail(err, AE_ERR_ARG, "%s: cluster.pca_components = %d, but the %s are only %zu wide",
                       ae_config_origin(r->cfg, "cluster", "pca_components"), po.n_components, space, x->cols);
    double t0 = ae_run_now();
    ae_pca *pca = NULL;
    ae_matrix y = {0}, back = {0};
    ae_kmeans_result km = {0};
    if ((st = ae_pca_fit(x, &po, &pca, err)) || (st = ae_pca_transform(pca, x, &y, err))) goto done;
    double ratio = 0;
    for (int i = 0; i < ae_pca_n_components(pca); i++) ratio += ae_pca_explained_variance_ratio(pca)[i];
    ae_run_say(r, "PCA of %s: %d components keep %.1f%% of the variance", space, po.n_components, 100 * ratio);
    ae_kmeans_opts ko = ae_run_kmeans_opts(r);
    if ((st = ae_kmeans_fit(&y, &ko, &km, err))) goto done;
    double dt = ae_run_now() - t0;
    ae_run_add_time(r, "fit_pca_kmeans", dt);
    json_object *j = json_object_new_object();
    json_object_object_add(j, "components", json_object_new_int(po.n_components));
    json_object_object_add(j, "whiten", json_object_new_boolean(po.whiten));
    json_object_object_add(j, "explained_variance_ratio", json_object_new_double(ratio));
    json_object_object_add(j, "inertia", json_object_new_double(km.inertia));
    json_object_object_add(j, "seconds", json_object_new_double(dt));
    add_fit(r, "pca+kmeans", space, j);
    /* the centres drawn in the space itself (and decoded from the code space) */
    if ((st = ae_pca_inverse_transform(pca, &km.centroids, &back, err)) ||
        (st = ae_run_centroid_figure(r, "pca+kmeans", space, &back, err)))
        goto done;
    pca_kmeans model = {pca, &km.centroids};
    st = ae_run_score_splits(r, "pca+kmeans", space, &km.labels, predict_pca_kmeans, &model, err);
done:
    ae_matrix_free(&y);
    ae_matrix_free(&back);
    ae_kmeans_result_free(&km);
    ae_pca_free(pca);
    return st;
}
