/* k-means ([cluster] method = kmeans): Lloyd's algorithm with k-means++
 * restarts (kmeans.h); new rows go to the nearest centre. Writes
 * centroids_kmeans_SPACE.npy and draws the centres as images. */
#include <stdlib.h>

#include "aeclust/kmeans.h"
#include "aeclust/npy.h"
#include "clusterers.h"

static ae_status kmeans_fit(run_ctx *r, const char *space, const ae_matrix *x, void **model, ae_labels *labels,
                            json_object *report, ae_error *err)
{
    ae_kmeans_opts ko = ae_run_kmeans_opts(r);
    ae_run_say(r, "k-means: k = %d, n_init = %d on %zu x %zu %s of %s", ko.k, ko.n_init, x->rows, x->cols, space,
               r->fit_name);
    double t0 = ae_run_now();
    ae_kmeans_result *km = calloc(1, sizeof *km);
    if (!km) return ae_fail(err, AE_ERR_NOMEM, "out of memory for k-means");
    ae_status st = ae_kmeans_fit(x, &ko, km, err);
    if (st) {
        ae_kmeans_result_free(km);
        free(km);
        return st;
    }
    ae_run_say(r, "k-means: inertia %.6g after %d iterations, %.2f s", km->inertia, km->n_iter, ae_run_now() - t0);
    json_object_object_add(report, "inertia", json_object_new_double(km->inertia));
    json_object_object_add(report, "n_iter", json_object_new_int(km->n_iter));
    *labels = km->labels; /* the caller's now */
    km->labels = (ae_labels){0};
    *model = km;
    return AE_OK;
}

static ae_status kmeans_predict(const void *model, const ae_matrix *x, ae_labels *out, ae_error *err)
{
    const ae_kmeans_result *km = model;
    return ae_kmeans_predict(&km->centroids, x, out, NULL, err);
}

static ae_status kmeans_outputs(run_ctx *r, const char *space, const void *model, ae_error *err)
{
    const ae_kmeans_result *km = model;
    char path[1400], file[128];
    snprintf(file, sizeof file, "centroids_kmeans_%s.npy", space);
    ae_status st = ae_run_stage_path(r, path, sizeof path, file, err);
    if (!st) st = ae_npy_write_matrix(path, &km->centroids, err);
    if (!st) st = ae_run_centroid_figure(r, "kmeans", space, &km->centroids, err);
    return st;
}

static void kmeans_free(void *model)
{
    ae_kmeans_result_free(model);
    free(model);
}

const ae_run_clusterer ae_run_kmeans = {
    .name = "kmeans",
    .what = "k-means (k-means++ seeding, n_init restarts, Lloyd iterations)",
    .fit = kmeans_fit,
    .predict = kmeans_predict,
    .outputs = kmeans_outputs,
    .free_model = kmeans_free,
};
