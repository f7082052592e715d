/* N2D's clustering stage: UMAP of the space, then a clusterer of the
 * embedding ([cluster] method = umap+gmm, umap+kmeans, umap+hdbscan; McConville
 * et al. 2020: an autoencoder's codes, UMAP to 10-d with 20 neighbours and
 * min_dist 0, a full-covariance GMM). UMAP's transform (umap.h) embeds new
 * rows, so umap+gmm and umap+kmeans score every split; umap+hdbscan labels
 * only the set it was fitted on. The embedding is saved as umap_SPACE.npy. */
#include <stdlib.h>

#include "aeclust/gmm.h"
#include "aeclust/hdbscan.h"
#include "aeclust/kmeans.h"
#include "aeclust/npy.h"
#include "aeclust/umap.h"
#include "clusterers.h"

typedef enum { AFTER_GMM, AFTER_KMEANS, AFTER_HDBSCAN } after_kind;

typedef struct {
    after_kind after;
    ae_umap *umap;
    ae_gmm *gmm;          /* AFTER_GMM */
    ae_kmeans_result km;  /* AFTER_KMEANS */
} umap_model;

static void umap_model_free(void *model)
{
    umap_model *m = model;
    if (!m) return;
    ae_umap_free(m->umap);
    ae_gmm_free(m->gmm);
    ae_kmeans_result_free(&m->km);
    free(m);
}

typedef struct {
    run_ctx *r;
    const char *space;
} umap_log;

static void umap_progress(void *ctx, const ae_umap_progress *p)
{
    umap_log *l = ctx;
    if (!p->n_epochs)
        ae_run_say(l->r, "UMAP of %s: %s done, %.1f s", l->space, p->stage, p->elapsed_s);
    else if (p->epoch == p->n_epochs || p->epoch % 50 == 0)
        ae_run_say(l->r, "UMAP of %s: %s epoch %d of %d, %.1f s", l->space, p->stage, p->epoch, p->n_epochs,
                   p->elapsed_s);
}

/* The embedding of x by the settings' UMAP (cluster.umap_*), into m->umap and e. */
static ae_status embed(run_ctx *r, const char *space, const ae_matrix *x, umap_model *m, ae_matrix *e,
                       json_object *report, ae_error *err)
{
    const ae_settings *s = &r->set;
    ae_umap_opts o = ae_umap_defaults();
    o.n_components = (int)s->cluster.umap_components;
    o.n_neighbors = (int)s->cluster.umap_neighbors;
    o.min_dist = s->cluster.umap_min_dist;
    o.n_epochs = (int)s->cluster.umap_epochs;
    o.seed = ae_settings_seed(s, AE_STREAM_CLUSTER, 0);
    umap_log lg = {r, space};
    o.progress = umap_progress;
    o.progress_ctx = &lg;
    if ((size_t)o.n_neighbors >= x->rows)
        return ae_settings_fail(s, AE_KEY_cluster_umap_neighbors, err, AE_ERR_ARG,
                                "cluster.umap_neighbors = %d needs more than that many points (%s has %zu)",
                                o.n_neighbors, r->fit_name, x->rows);
    if ((size_t)o.n_components >= x->rows)
        return ae_settings_fail(s, AE_KEY_cluster_umap_components, err, AE_ERR_ARG,
                                "cluster.umap_components = %d needs more than that many points (%s has %zu)",
                                o.n_components, r->fit_name, x->rows);
    ae_run_say(r, "UMAP of %zu x %zu %s of %s: %d components, %d neighbours, min_dist %g", x->rows, x->cols, space,
               r->fit_name, o.n_components, o.n_neighbors, o.min_dist);
    double t0 = ae_run_now();
    ae_status st = ae_umap_fit(x, &o, &m->umap, e, err);
    if (st) {
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return ae_settings_fail(s, AE_KEY_cluster_umap_neighbors, err, st, "UMAP of %s: %s", space, why);
    }
    double dt = ae_run_now() - t0;
    json_object_object_add(report, "umap_components", json_object_new_int(o.n_components));
    json_object_object_add(report, "umap_neighbors", json_object_new_int(o.n_neighbors));
    json_object_object_add(report, "umap_min_dist", json_object_new_double(o.min_dist));
    json_object_object_add(report, "umap_epochs", json_object_new_int(ae_umap_n_epochs(m->umap)));
    json_object_object_add(report, "umap_knn", json_object_new_string(ae_umap_knn_name(ae_umap_knn_used(m->umap))));
    json_object_object_add(report, "umap_init", json_object_new_string(ae_umap_init_name(ae_umap_init_used(m->umap))));
    json_object_object_add(report, "umap_seconds", json_object_new_double(dt));
    ae_run_say(r, "UMAP of %s: %.1f s (%s neighbours, %s init)", space, dt, ae_umap_knn_name(ae_umap_knn_used(m->umap)),
               ae_umap_init_name(ae_umap_init_used(m->umap)));
    char path[1400], file[128];
    snprintf(file, sizeof file, "umap_%s.npy", space);
    if (!(st = ae_run_stage_path(r, path, sizeof path, file, err))) st = ae_npy_write_matrix(path, e, err);
    return st;
}

static ae_status fit_after(after_kind after, run_ctx *r, const char *space, const ae_matrix *x, void **model,
                           ae_labels *labels, json_object *report, ae_error *err)
{
    umap_model *m = calloc(1, sizeof *m);
    if (!m) return ae_fail(err, AE_ERR_NOMEM, "out of memory for UMAP");
    m->after = after;
    ae_matrix e = {0};
    const ae_settings *s = &r->set;
    ae_status st = embed(r, space, x, m, &e, report, err);
    if (st) goto fail;
    if (after == AFTER_GMM) {
        ae_gmm_opts o = ae_gmm_defaults();
        o.k = (int)s->cluster.k;
        o.reg_covar = s->cluster.reg_covar;
        o.n_init = (int)s->cluster.gmm_n_init;
        o.max_iter = (int)s->cluster.gmm_max_iter;
        o.tol = s->cluster.gmm_tol;
        o.seed = ae_settings_seed(s, AE_STREAM_GMM, 0);
        if ((st = ae_gmm_covariance_parse(s->cluster.covariance, &o.covariance, err))) goto fail;
        if ((st = ae_gmm_fit(&e, &o, &m->gmm, labels, err))) goto fail;
        double loglik;
        if ((st = ae_gmm_score(m->gmm, &e, &loglik, err))) goto fail;
        json_object_object_add(report, "mean_log_likelihood", json_object_new_double(loglik));
        json_object_object_add(report, "n_iter", json_object_new_int(ae_gmm_n_iter(m->gmm)));
        json_object_object_add(report, "converged", json_object_new_boolean(ae_gmm_converged(m->gmm)));
        ae_run_say(r, "GMM on the UMAP of %s: mean log-likelihood %.6g after %d iterations", space, loglik,
                   ae_gmm_n_iter(m->gmm));
    } else if (after == AFTER_KMEANS) {
        ae_kmeans_opts ko = ae_run_kmeans_opts(r);
        if ((st = ae_kmeans_fit(&e, &ko, &m->km, err))) goto fail;
        json_object_object_add(report, "inertia", json_object_new_double(m->km.inertia));
        *labels = m->km.labels; /* the caller's now */
        m->km.labels = (ae_labels){0};
    } else {
        ae_hdbscan_opts o = ae_hdbscan_defaults();
        o.min_cluster_size = (int)s->cluster.hdbscan_min_cluster_size;
        o.min_samples = (int)s->cluster.hdbscan_min_samples;
        o.cluster_selection_epsilon = s->cluster.hdbscan_epsilon;
        if ((st = ae_hdbscan_selection_parse(s->cluster.hdbscan_selection, &o.selection, err))) goto fail;
        if ((size_t)o.min_cluster_size > e.rows) {
            st = ae_settings_fail(s, AE_KEY_cluster_hdbscan_min_cluster_size, err, AE_ERR_ARG,
                                  "cluster.hdbscan_min_cluster_size = %d is larger than the %zu points of %s",
                                  o.min_cluster_size, e.rows, r->fit_name);
            goto fail;
        }
        ae_hdbscan_result res = {0};
        if ((st = ae_hdbscan_fit(&e, &o, &res, err))) {
            ae_hdbscan_result_free(&res);
            goto fail;
        }
        json_object_object_add(report, "clusters", json_object_new_int(res.n_clusters));
        *labels = res.labels;
        res.labels = (ae_labels){0};
        ae_hdbscan_result_free(&res);
    }
    ae_matrix_free(&e);
    *model = m;
    return AE_OK;
fail:
    ae_matrix_free(&e);
    umap_model_free(m);
    return st;
}

static ae_status umap_predict(const void *model, const ae_matrix *x, ae_labels *out, ae_error *err)
{
    const umap_model *m = model;
    ae_matrix e = {0};
    ae_status st = ae_umap_transform(m->umap, x, &e, err);
    if (!st) st = m->after == AFTER_GMM ? ae_gmm_predict(m->gmm, &e, out, err)
                                         : ae_kmeans_predict(&m->km.centroids, &e, out, NULL, err);
    ae_matrix_free(&e);
    return st;
}

static ae_status fit_gmm(run_ctx *r, const char *space, const ae_matrix *x, void **model, ae_labels *labels,
                         json_object *report, ae_error *err)
{
    return fit_after(AFTER_GMM, r, space, x, model, labels, report, err);
}

static ae_status fit_kmeans(run_ctx *r, const char *space, const ae_matrix *x, void **model, ae_labels *labels,
                            json_object *report, ae_error *err)
{
    return fit_after(AFTER_KMEANS, r, space, x, model, labels, report, err);
}

static ae_status fit_hdbscan(run_ctx *r, const char *space, const ae_matrix *x, void **model, ae_labels *labels,
                             json_object *report, ae_error *err)
{
    return fit_after(AFTER_HDBSCAN, r, space, x, model, labels, report, err);
}

const ae_run_clusterer ae_run_umap_gmm = {
    .name = "umap+gmm",
    .what = "N2D: UMAP of the space (cluster.umap_*), then a Gaussian mixture of the embedding",
    .fit = fit_gmm,
    .predict = umap_predict,
    .free_model = umap_model_free,
};

const ae_run_clusterer ae_run_umap_kmeans = {
    .name = "umap+kmeans",
    .what = "UMAP of the space, then k-means of the embedding",
    .fit = fit_kmeans,
    .predict = umap_predict,
    .free_model = umap_model_free,
};

const ae_run_clusterer ae_run_umap_hdbscan = {
    .name = "umap+hdbscan",
    .what = "UMAP of the space, then HDBSCAN of the embedding (the fit set only; noise left out)",
    .fit = fit_hdbscan,
    .free_model = umap_model_free,
};
