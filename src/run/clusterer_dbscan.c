/* DBSCAN ([cluster] method = dbscan): scikit-learn 1.2's labels (dbscan.h).
 * It labels only the points it was fitted on (no predict), and leaves some
 * as noise: the run scores the fit set with noise counted as wrong, and
 * reports the clustered fraction (run_cluster.c). */
#include <stdlib.h>

#include "aeclust/dbscan.h"
#include "clusterers.h"

static ae_status dbscan_fit(run_ctx *r, const char *space, const ae_matrix *x, void **model, ae_labels *labels,
                            json_object *report, ae_error *err)
{
    ae_dbscan_opts o = ae_dbscan_defaults();
    o.eps = r->set.cluster.dbscan_eps;
    o.min_samples = (int)r->set.cluster.dbscan_min_samples;
    ae_run_say(r, "DBSCAN: eps = %g, min_samples = %d on %zu x %zu %s of %s", o.eps, o.min_samples, x->rows, x->cols,
               space, r->fit_name);
    ae_dbscan_result res = {0};
    ae_status st = ae_dbscan_fit(x, &o, &res, err);
    if (st) {
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        ae_dbscan_result_free(&res);
        return ae_settings_fail(&r->set, AE_KEY_cluster_dbscan_eps, err, st, "DBSCAN on %s: %s", space, why);
    }
    ae_run_say(r, "DBSCAN: %d clusters, %zu core points, %zu noise (%.1f%%)", res.n_clusters, res.n_core, res.n_noise,
               100.0 * (double)res.n_noise / (double)x->rows);
    json_object_object_add(report, "eps", json_object_new_double(o.eps));
    json_object_object_add(report, "min_samples", json_object_new_int(o.min_samples));
    json_object_object_add(report, "clusters", json_object_new_int(res.n_clusters));
    json_object_object_add(report, "noise", json_object_new_int64((int64_t)res.n_noise));
    json_object_object_add(report, "core_points", json_object_new_int64((int64_t)res.n_core));
    *labels = res.labels; /* the caller's now */
    res.labels = (ae_labels){0};
    ae_dbscan_result_free(&res);
    *model = NULL;
    return AE_OK;
}

static void dbscan_free(void *model) { (void)model; }

const ae_run_clusterer ae_run_dbscan = {
    .name = "dbscan",
    .what = "DBSCAN: density-connected clusters of core points, the rest noise",
    .fit = dbscan_fit,
    .free_model = dbscan_free,
};
