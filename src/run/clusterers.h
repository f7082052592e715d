/* The clusterers an experiment may name in [cluster] method (internal).
 *
 * Each clusterer is one file (clusterer_kmeans.c, clusterer_gmm.c, ...)
 * that defines an ae_run_clusterer, and one row of the table in
 * clusterers.c. The table gives the schema its allowed values and the run
 * its loop: ae_run_cluster fits the clusterer on the fit set of a space,
 * records what it reports, writes its outputs, and scores every split
 * data.score asks for, the fit set with the fit's own labels, the others with
 * predict. A clusterer without predict (one that only labels the points it
 * was fitted on: DBSCAN, a UMAP embedding fitted on the set) scores the fit
 * set alone; the run says so in metrics.json and the report.
 *
 * Adding a clusterer: write clusterer_NAME.c with its ae_run_clusterer, add a
 * row to clusterers.c, and declare any setting it needs in settings.def. */
#ifndef AE_RUN_CLUSTERERS_H
#define AE_RUN_CLUSTERERS_H

#include <json-c/json.h>

#include "run_ctx.h"

typedef struct {
    const char *name; /* its cluster.method value: "kmeans", "pca+kmeans" */
    const char *what; /* one line: what it is, for the report */
    /* Fits on x, the fit set's rows in `space` (r->fit, r->fit_name name
     * the set): *labels (x->rows) assigns them, *model (owned by the caller,
     * freed with free_model) is whatever predict and outputs need, and the
     * keys it adds to `report` go to metrics.json's fits (its seconds are
     * added by the caller). Logs through ae_run_say. */
    ae_status (*fit)(run_ctx *r, const char *space, const ae_matrix *x, void **model, ae_labels *labels,
                     json_object *report, ae_error *err);
    /* Assigns new rows in the same space; NULL: the clusterer cannot. */
    ae_status (*predict)(const void *model, const ae_matrix *x, ae_labels *out, ae_error *err);
    /* Optional: the fitted model's own files and figures (centres as .npy
     * and as images). */
    ae_status (*outputs)(run_ctx *r, const char *space, const void *model, ae_error *err);
    void (*free_model)(void *model);
} ae_run_clusterer;

/* The clusterer named name, NULL if none. */
const ae_run_clusterer *ae_run_clusterer_find(const char *name);

/* Fits c in a space and scores every requested split. */
ae_status ae_run_cluster(run_ctx *r, const char *space, const ae_run_clusterer *c, ae_error *err);

extern const ae_run_clusterer ae_run_kmeans;
extern const ae_run_clusterer ae_run_gmm;
extern const ae_run_clusterer ae_run_pca_kmeans;
extern const ae_run_clusterer ae_run_dbscan;
extern const ae_run_clusterer ae_run_hdbscan;
/* clusterer_umap.c: N2D's UMAP, then a clusterer of the embedding */
extern const ae_run_clusterer ae_run_umap_gmm;
extern const ae_run_clusterer ae_run_umap_kmeans;
extern const ae_run_clusterer ae_run_umap_hdbscan;

#endif
