/* The clusterers of a run and the scores of every split they are asked for. */
#include <string.h>

#include "aeclust/kmeans.h"
#include "aeclust/metrics.h"
#include "aeclust/npy.h"
#include "run_ctx.h"

/* Scores one clustering of one split and records it everywhere it belongs. */
static ae_status score(run_ctx *r, const char *clusterer, const char *space, const char *split_label,
                       const char *file_key, const ae_dataset *d, const ae_labels *pred, int geometry, ae_error *err)
{
    if (r->res->n_records >= AE_RUN_MAX_RECORDS) return ae_fail(err, AE_ERR_ARG, "too many results in one run");
    double t0 = ae_run_now();
    ae_label_scores s;
    ae_contingency c;
    ae_status st = ae_contingency_build(d->y.data, pred->data, d->y.n, &c, err);
    if (st) return st;
    if ((st = ae_score_contingency(&c, &s, err))) goto done;
    ae_run_record *rec = &r->res->records[r->res->n_records];
    memset(rec, 0, sizeof *rec);
    snprintf(rec->clusterer, sizeof rec->clusterer, "%s", clusterer);
    snprintf(rec->space, sizeof rec->space, "%s", space);
    snprintf(rec->split, sizeof rec->split, "%s", split_label);
    rec->n = d->y.n;
    rec->acc = s.acc;
    rec->purity = s.purity;
    rec->ari = s.ari;
    rec->nmi = s.nmi;
    if (geometry) {
        size_t sample = (size_t)ae_config_int(r->cfg, "eval", "silhouette_sample");
        uint64_t seed = (uint64_t)ae_config_int(r->cfg, "experiment", "seed");
        double tg = ae_run_now();
        const ae_matrix *x;
        if ((st = ae_run_space_x(r, space, d, file_key, &x, err))) goto done;
        if ((st = ae_silhouette(x, pred->data, sample, seed, &rec->silhouette, err))) goto done;
        if ((st = ae_davies_bouldin(x, pred->data, &rec->davies_bouldin, err))) goto done;
        rec->has_geometry = 1;
        ae_run_add_time(r, "geometry", ae_run_now() - tg);
    }
    r->res->n_records++;

    json_object *j = json_object_new_object();
    json_object_object_add(j, "clusterer", json_object_new_string(clusterer));
    json_object_object_add(j, "space", json_object_new_string(space));
    json_object_object_add(j, "split", json_object_new_string(split_label));
    json_object_object_add(j, "n", json_object_new_int64((int64_t)rec->n));
    json_object_object_add(j, "acc", json_object_new_double(rec->acc));
    json_object_object_add(j, "purity", json_object_new_double(rec->purity));
    json_object_object_add(j, "ari", json_object_new_double(rec->ari));
    json_object_object_add(j, "nmi", json_object_new_double(rec->nmi));
    if (geometry) {
        json_object_object_add(j, "silhouette", json_object_new_double(rec->silhouette));
        json_object_object_add(j, "davies_bouldin", json_object_new_double(rec->davies_bouldin));
    }
    json_object_array_add(r->records, j);

    char path[1400], file[256], cname[32];
    ae_run_file_name(clusterer, cname, sizeof cname);
    snprintf(file, sizeof file, "pred_%s_%s_%s.npy", cname, space, file_key);
    if ((st = ae_run_stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_labels(path, pred, err))) goto done;
    snprintf(file, sizeof file, "labels_%s.npy", file_key);
    if ((st = ae_run_stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_labels(path, &d->y, err))) goto done;
    const char *title = "== %s on %s, %s split (n = %zu) ==\n";
    fprintf(r->makeup, title, clusterer, space, split_label, rec->n);
    fprintf(r->confusion, title, clusterer, space, split_label, rec->n);
    if ((st = ae_run_record_figures(r, clusterer, space, file_key, d, pred, &c, err))) goto done;
    if (!strcmp(file_key, "fit") && (st = ae_run_keep_fit_labels(r, clusterer, space, pred, err))) goto done;
    st = ae_makeup_write(r->makeup, &c, r->class_names, r->n_class_names, err);
    if (!st) st = ae_confusion_write(r->confusion, &c, r->class_names, r->n_class_names, err);
    fputc('\n', r->makeup);
    fputc('\n', r->confusion);
    ae_run_add_time(r, "score", ae_run_now() - t0);
    ae_run_say(r, "%s on %s, %s: ACC %.4f  NMI %.4f  ARI %.4f%s", clusterer, space, split_label, rec->acc, rec->nmi,
        rec->ari, geometry ? "  (+ silhouette, Davies-Bouldin)" : "");
done:
    ae_contingency_free(&c);
    return st;
}

ae_status ae_run_score_splits(run_ctx *r, const char *clusterer, const char *space, const ae_labels *fit_labels,
                             ae_run_predict_fn predict, const void *model, ae_error *err)
{
    ae_status st = AE_OK;
    int n_score = ae_config_list_len(r->cfg, "data", "score");
    int scored_fit = 0;
    for (int i = 0; i < n_score && !st; i++) {
        const char *s = ae_config_list_item(r->cfg, "data", "score", i);
        int is_fit = !strcmp(s, "fit") || (!strcmp(s, r->fit_name) && r->fit != &r->fit_subset);
        int geometry = ae_config_list_has(r->cfg, "eval", "geometry", s) ||
                       (is_fit && (ae_config_list_has(r->cfg, "eval", "geometry", "fit") ||
                                   (r->fit != &r->fit_subset &&
                                    ae_config_list_has(r->cfg, "eval", "geometry", r->fit_name))));
        if (is_fit) {
            if (scored_fit++) continue; /* "fit" and its split name are the same set */
            st = score(r, clusterer, space, r->fit_name, "fit", r->fit, fit_labels, geometry, err);
            continue;
        }
        const ae_dataset *d;
        const ae_matrix *x;
        if ((st = ae_run_get_split(r, s, &d, err)) || (st = ae_run_space_x(r, space, d, s, &x, err))) break;
        ae_labels pred = {0};
        double tp = ae_run_now();
        if ((st = predict(model, x, &pred, err))) break;
        ae_run_add_time(r, "predict", ae_run_now() - tp);
        st = score(r, clusterer, space, s, s, d, &pred, geometry, err);
        ae_labels_free(&pred);
    }
    return st;
}

static ae_status predict_kmeans(const void *centroids, const ae_matrix *x, ae_labels *out, ae_error *err)
{
    return ae_kmeans_predict(centroids, x, out, NULL, err);
}

ae_kmeans_opts ae_run_kmeans_opts(const run_ctx *r)
{
    ae_kmeans_opts ko = ae_kmeans_defaults();
    ko.k = (int)ae_config_int(r->cfg, "cluster", "k");
    ko.n_init = (int)ae_config_int(r->cfg, "cluster", "n_init");
    ko.max_iter = (int)ae_config_int(r->cfg, "cluster", "max_iter");
    ko.tol = ae_config_double(r->cfg, "cluster", "tol");
    ko.seed = (uint64_t)ae_config_int(r->cfg, "experiment", "seed");
    return ko;
}

ae_status ae_run_kmeans(run_ctx *r, const char *space, ae_error *err)
{
    const ae_matrix *x_fit;
    ae_status st = ae_run_space_x(r, space, r->fit, "fit", &x_fit, err);
    if (st) return st;
    ae_kmeans_opts ko = ae_run_kmeans_opts(r);
    ae_run_say(r, "k-means: k = %d, n_init = %d on %zu x %zu %s of %s", ko.k, ko.n_init, x_fit->rows, x_fit->cols, space,
        r->fit_name);
    double t0 = ae_run_now();
    ae_kmeans_result km = {0};
    if ((st = ae_kmeans_fit(x_fit, &ko, &km, err))) return st;
    double dt = ae_run_now() - t0;
    ae_run_add_time(r, "fit_kmeans", dt);
    ae_run_say(r, "k-means: inertia %.6g after %d iterations, %.2f s", km.inertia, km.n_iter, dt);

    char path[1400], file[128];
    snprintf(file, sizeof file, "centroids_kmeans_%s.npy", space);
    if ((st = ae_run_stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_matrix(path, &km.centroids, err)) ||
        (st = ae_run_centroid_figure(r, "kmeans", space, &km.centroids, err)))
        goto done;

    st = ae_run_score_splits(r, "kmeans", space, &km.labels, predict_kmeans, &km.centroids, err);
done:
    ae_kmeans_result_free(&km);
    return st;
}
