/* HDBSCAN ([cluster] method = hdbscan): the hdbscan library's semantics
 * (hdbscan.h), best on a low-dimensional space (a 2-D or 10-D UMAP). Like
 * DBSCAN it labels only the points it was fitted on and leaves noise. */
#include <stdlib.h>

#include "aeclust/hdbscan.h"
#include "clusterers.h"

static ae_status hdbscan_fit(run_ctx *r, const char *space, const ae_matrix *x, void **model, ae_labels *labels,
                             json_object *report, ae_error *err)
{
    const ae_settings *s = &r->set;
    ae_hdbscan_opts o = ae_hdbscan_defaults();
    o.min_cluster_size = (int)s->cluster.hdbscan_min_cluster_size;
    o.min_samples = (int)s->cluster.hdbscan_min_samples;
    o.cluster_selection_epsilon = s->cluster.hdbscan_epsilon;
    ae_status st = ae_hdbscan_selection_parse(s->cluster.hdbscan_selection, &o.selection, err);
    if (st) return st;
    if ((size_t)o.min_cluster_size > x->rows)
        return ae_settings_fail(s, AE_KEY_cluster_hdbscan_min_cluster_size, err, AE_ERR_ARG,
                                "cluster.hdbscan_min_cluster_size = %d is larger than the %zu points of %s",
                                o.min_cluster_size, x->rows, r->fit_name);
    ae_run_say(r, "HDBSCAN: min_cluster_size = %d, min_samples = %d, %s on %zu x %zu %s of %s", o.min_cluster_size,
               o.min_samples ? o.min_samples : o.min_cluster_size, ae_hdbscan_selection_name(o.selection), x->rows,
               x->cols, space, r->fit_name);
    ae_hdbscan_result res = {0};
    if ((st = ae_hdbscan_fit(x, &o, &res, err))) {
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        ae_hdbscan_result_free(&res);
        return ae_settings_fail(s, AE_KEY_cluster_hdbscan_min_cluster_size, err, st, "HDBSCAN on %s: %s", space, why);
    }
    size_t noise = 0;
    for (size_t i = 0; i < res.labels.n; i++) noise += res.labels.data[i] < 0;
    ae_run_say(r, "HDBSCAN: %d clusters, %zu noise (%.1f%%)", res.n_clusters, noise,
               100.0 * (double)noise / (double)x->rows);
    json_object_object_add(report, "clusters", json_object_new_int(res.n_clusters));
    json_object_object_add(report, "noise", json_object_new_int64((int64_t)noise));
    json_object *stab = json_object_new_array();
    for (int i = 0; i < res.n_clusters; i++) json_object_array_add(stab, json_object_new_double(res.persistence[i]));
    json_object_object_add(report, "persistence", stab);
    *labels = res.labels; /* the caller's now */
    res.labels = (ae_labels){0};
    ae_hdbscan_result_free(&res);
    *model = NULL;
    return AE_OK;
}

static void hdbscan_free(void *model) { (void)model; }

const ae_run_clusterer ae_run_hdbscan = {
    .name = "hdbscan",
    .what = "HDBSCAN: the most persistent clusters of the density hierarchy, the rest noise",
    .fit = hdbscan_fit,
    .free_model = hdbscan_free,
};
