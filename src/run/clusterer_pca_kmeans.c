/* k-means after PCA ([cluster] method = pca+kmeans, seed 003's PCA(32)
 * variant): the fit set's top principal components, k-means on them; new
 * rows are projected and go to the nearest centre. The centres are drawn in
 * the space itself (mapped back through the components). */
#include <stdlib.h>

#include "aeclust/kmeans.h"
#include "aeclust/pca.h"
#include "clusterers.h"

typedef struct {
    ae_pca *pca;
    ae_kmeans_result km; /* centroids (k, n_components) */
} pca_kmeans;

static void pca_kmeans_free(void *model)
{
    pca_kmeans *m = model;
    ae_kmeans_result_free(&m->km);
    ae_pca_free(m->pca);
    free(m);
}

static ae_status pca_kmeans_fit(run_ctx *r, const char *space, const ae_matrix *x, void **model, ae_labels *labels,
                                json_object *report, ae_error *err)
{
    ae_pca_opts po = ae_pca_defaults();
    po.n_components = (int)r->set.cluster.pca_components;
    po.whiten = r->set.cluster.pca_whiten;
    if ((size_t)po.n_components > x->cols)
        return ae_settings_fail(&r->set, AE_KEY_cluster_pca_components, err, AE_ERR_ARG,
                                "cluster.pca_components = %d, but the %s are only %zu wide", po.n_components, space,
                                x->cols);
    pca_kmeans *m = calloc(1, sizeof *m);
    if (!m) return ae_fail(err, AE_ERR_NOMEM, "out of memory for PCA");
    ae_matrix y = {0};
    ae_status st = ae_pca_fit(x, &po, &m->pca, err);
    if (!st) st = ae_pca_transform(m->pca, x, &y, err);
    if (st) goto fail;
    double ratio = 0;
    for (int i = 0; i < ae_pca_n_components(m->pca); i++) ratio += ae_pca_explained_variance_ratio(m->pca)[i];
    ae_run_say(r, "PCA of %s: %d components keep %.1f%% of the variance", space, po.n_components, 100 * ratio);
    ae_kmeans_opts ko = ae_run_kmeans_opts(r);
    if ((st = ae_kmeans_fit(&y, &ko, &m->km, err))) goto fail;
    ae_matrix_free(&y);
    json_object_object_add(report, "components", json_object_new_int(po.n_components));
    json_object_object_add(report, "whiten", json_object_new_boolean(po.whiten));
    json_object_object_add(report, "explained_variance_ratio", json_object_new_double(ratio));
    json_object_object_add(report, "inertia", json_object_new_double(m->km.inertia));
    *labels = m->km.labels; /* the caller's now */
    m->km.labels = (ae_labels){0};
    *model = m;
    return AE_OK;
fail:
    ae_matrix_free(&y);
    pca_kmeans_free(m);
    return st;
}

static ae_status pca_kmeans_predict(const void *model, const ae_matrix *x, ae_labels *out, ae_error *err)
{
    const pca_kmeans *m = model;
    ae_matrix y = {0};
    ae_status st = ae_pca_transform(m->pca, x, &y, err);
    if (!st) st = ae_kmeans_predict(&m->km.centroids, &y, out, NULL, err);
    ae_matrix_free(&y);
    return st;
}

/* The centres drawn in the space itself (and decoded from the code space). */
static ae_status pca_kmeans_outputs(run_ctx *r, const char *space, const void *model, ae_error *err)
{
    const pca_kmeans *m = model;
    ae_matrix back = {0};
    ae_status st = ae_pca_inverse_transform(m->pca, &m->km.centroids, &back, err);
    if (!st) st = ae_run_centroid_figure(r, "pca+kmeans", space, &back, err);
    ae_matrix_free(&back);
    return st;
}

const ae_run_clusterer ae_run_pca_kmeans = {
    .name = "pca+kmeans",
    .what = "k-means on the top principal components of the space",
    .fit = pca_kmeans_fit,
    .predict = pca_kmeans_predict,
    .outputs = pca_kmeans_outputs,
    .free_model = pca_kmeans_free,
};
