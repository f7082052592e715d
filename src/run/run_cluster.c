/* Fitting a clusterer of the table (clusterers.h) and the scores of every
 * split it is asked for. */
#include <stdlib.h>
#include <string.h>

#include "aeclust/kmeans.h"
#include "aeclust/metrics.h"
#include "aeclust/npy.h"
#include "clusterers.h"
#include "run_ctx.h"

/* An assignment with noise (-1, from a density clusterer) as the tables and
 * figures show it: noise as one more cluster, after the others. */
static ae_status noise_as_cluster(const ae_labels *pred, ae_labels *out, ae_error *err)
{
    int32_t top = -1;
    for (size_t i = 0; i < pred->n; i++)
        if (pred->data[i] > top) top = pred->data[i];
    ae_status st = ae_labels_alloc(out, pred->n, err);
    if (st) return st;
    for (size_t i = 0; i < pred->n; i++) out->data[i] = pred->data[i] < 0 ? top + 1 : pred->data[i];
    return AE_OK;
}

/* Silhouette and Davies-Bouldin of the rows of x that pred clusters (noise,
 * -1, left out: it is no cluster of its own). */
static ae_status clustered_geometry(const ae_matrix *x, const ae_labels *pred, size_t sample, uint64_t seed,
                                    double *sil, double *dbi, ae_error *err)
{
    size_t m = 0;
    for (size_t i = 0; i < pred->n; i++) m += pred->data[i] >= 0;
    if (m == pred->n) {
        ae_status st = ae_silhouette(x, pred->data, sample, seed, sil, err);
        return st ? st : ae_davies_bouldin(x, pred->data, dbi, err);
    }
    ae_matrix sub = {0};
    ae_labels lab = {0};
    ae_status st = ae_matrix_alloc(&sub, m, x->cols, err);
    if (!st) st = ae_labels_alloc(&lab, m, err);
    for (size_t i = 0, j = 0; !st && i < pred->n; i++)
        if (pred->data[i] >= 0) {
            memcpy(sub.data + j * x->cols, x->data + i * x->cols, x->cols * sizeof(float));
            lab.data[j++] = pred->data[i];
        }
    if (!st) st = ae_silhouette(&sub, lab.data, sample, seed, sil, err);
    if (!st) st = ae_davies_bouldin(&sub, lab.data, dbi, err);
    ae_matrix_free(&sub);
    ae_labels_free(&lab);
    return st;
}

/* Scores one clustering of one split and records it everywhere it belongs.
 * With noise in pred, acc, purity, ari and nmi count every noise point as
 * wrong (ACC and purity over all points) or as one more cluster (ARI, NMI):
 * metrics.h's ae_noise_scores; the record adds the clustered fraction and the
 * scores over the clustered points alone. */
static ae_status score(run_ctx *r, const char *clusterer, const char *space, const char *split_label,
                       const char *file_key, const ae_dataset *d, const ae_labels *pred, int geometry, ae_error *err)
{
    if (r->res->n_records >= AE_RUN_MAX_RECORDS) return ae_fail(err, AE_ERR_ARG, "too many results in one run");
    double t0 = ae_run_now();
    const bool noisy = ae_labels_have_noise(pred->data, pred->n);
    ae_label_scores s;
    ae_noise_scores ns = {0};
    ae_contingency c = {0};
    ae_labels shown = {0}; /* pred with noise as a cluster of its own */
    const ae_labels *tab = pred;
    ae_status st = AE_OK;
    if (noisy) {
        if ((st = ae_score_noise(d->y.data, pred->data, d->y.n, &ns, err)) || (st = noise_as_cluster(pred, &shown, err)))
            goto done;
        tab = &shown;
    }
    if ((st = ae_contingency_build(d->y.data, tab->data, d->y.n, &c, err))) goto done;
    if ((st = ae_score_contingency(&c, &s, err))) goto done;
    ae_run_record *rec = &r->res->records[r->res->n_records];
    memset(rec, 0, sizeof *rec);
    snprintf(rec->clusterer, sizeof rec->clusterer, "%s", clusterer);
    snprintf(rec->space, sizeof rec->space, "%s", space);
    snprintf(rec->split, sizeof rec->split, "%s", split_label);
    rec->n = d->y.n;
    rec->acc = noisy ? ns.acc_all : s.acc;
    rec->purity = s.purity; /* with noise: its "cluster" is credited with its largest class */
    rec->ari = noisy ? ns.ari_all : s.ari;
    rec->nmi = noisy ? ns.nmi_all : s.nmi;
    if (geometry) {
        size_t sample = (size_t)r->set.eval.silhouette_sample;
        uint64_t seed = ae_settings_seed(&r->set, AE_STREAM_SILHOUETTE, 0);
        double tg = ae_run_now();
        const ae_matrix *x;
        if ((st = ae_run_space_x(r, space, d, file_key, &x, err))) goto done;
        if (noisy && ns.n_clustered < 2) {
            geometry = 0; /* nothing to measure */
        } else {
            if ((st = clustered_geometry(x, pred, sample, seed, &rec->silhouette, &rec->davies_bouldin, err))) goto done;
            rec->has_geometry = 1;
        }
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
    if (noisy) {
        json_object_object_add(j, "clustered", json_object_new_double(ns.clustered_fraction));
        json_object_object_add(j, "acc_clustered", json_object_new_double(ns.acc_clustered));
        json_object_object_add(j, "ari_clustered", json_object_new_double(ns.ari_clustered));
        json_object_object_add(j, "nmi_clustered", json_object_new_double(ns.nmi_clustered));
    }
    json_object_array_add(r->records, j);

    char path[1400], file[256], cname[32];
    ae_run_file_name(clusterer, cname, sizeof cname);
    snprintf(file, sizeof file, "pred_%s_%s_%s.npy", cname, space, file_key);
    if ((st = ae_run_stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_labels(path, pred, err))) goto done;
    snprintf(file, sizeof file, "labels_%s.npy", file_key);
    if ((st = ae_run_stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_labels(path, &d->y, err))) goto done;
    const char *title = "== %s on %s, %s split (n = %zu%s) ==\n";
    const char *note = noisy ? "; the last cluster is noise" : "";
    fprintf(r->makeup, title, clusterer, space, split_label, rec->n, note);
    fprintf(r->confusion, title, clusterer, space, split_label, rec->n, note);
    if ((st = ae_run_record_figures(r, clusterer, space, file_key, d, tab, &c, err))) goto done;
    if (!strcmp(file_key, "fit") && (st = ae_run_keep_fit_labels(r, clusterer, space, tab, err))) goto done;
    st = ae_makeup_write(r->makeup, &c, r->class_names, r->n_class_names, err);
    if (!st) st = ae_confusion_write(r->confusion, &c, r->class_names, r->n_class_names, err);
    fputc('\n', r->makeup);
    fputc('\n', r->confusion);
    ae_run_add_time(r, "score", ae_run_now() - t0);
    if (noisy)
        ae_run_say(r, "%s on %s, %s: %.1f%% clustered; ACC %.4f (noise wrong), %.4f of the clustered; NMI %.4f", clusterer,
                   space, split_label, 100 * ns.clustered_fraction, rec->acc, ns.acc_clustered, rec->nmi);
    else
        ae_run_say(r, "%s on %s, %s: ACC %.4f  NMI %.4f  ARI %.4f%s", clusterer, space, split_label, rec->acc, rec->nmi,
                   rec->ari, geometry ? "  (+ silhouette, Davies-Bouldin)" : "");
done:
    ae_contingency_free(&c);
    ae_labels_free(&shown);
    return st;
}

/* Scores every split data.score asks for: the fit set with fit_labels, the
 * others with predict (a clusterer without one scores the fit set alone). */
static ae_status score_splits(run_ctx *r, const char *clusterer, const char *space, const ae_labels *fit_labels,
                              const ae_run_clusterer *c, const void *model, ae_error *err)
{
    ae_status st = AE_OK;
    const ae_setting_list *score_list = &r->set.data.score, *geo = &r->set.eval.geometry;
    int scored_fit = 0;
    for (int i = 0; i < score_list->n && !st; i++) {
        const char *s = score_list->item[i];
        int is_fit = !strcmp(s, "fit") || (!strcmp(s, r->fit_name) && r->fit != &r->fit_subset);
        int geometry = ae_setting_list_has(geo, s) ||
                       (is_fit && (ae_setting_list_has(geo, "fit") ||
                                   (r->fit != &r->fit_subset && ae_setting_list_has(geo, r->fit_name))));
        if (is_fit) {
            if (scored_fit++) continue; /* "fit" and its split name are the same set */
            st = score(r, clusterer, space, r->fit_name, "fit", r->fit, fit_labels, geometry, err);
            continue;
        }
        if (!c->predict) {
            ae_run_say(r, "%s on %s: no %s scores (it labels only the set it was fitted on)", clusterer, space, s);
            continue;
        }
        const ae_dataset *d;
        const ae_matrix *x;
        if ((st = ae_run_get_split(r, s, &d, err)) || (st = ae_run_space_x(r, space, d, s, &x, err))) break;
        ae_labels pred = {0};
        double tp = ae_run_now();
        if ((st = c->predict(model, x, &pred, err))) break;
        ae_run_add_time(r, "predict", ae_run_now() - tp);
        st = score(r, clusterer, space, s, s, d, &pred, geometry, err);
        ae_labels_free(&pred);
    }
    return st;
}

void ae_run_add_fit(run_ctx *r, const char *clusterer, const char *space, json_object *j)
{
    char key[64], cname[32];
    ae_run_file_name(clusterer, cname, sizeof cname);
    snprintf(key, sizeof key, "%s_%s", cname, space);
    if (!r->fits) r->fits = json_object_new_object();
    json_object_object_add(r->fits, key, j);
}

ae_status ae_run_cluster(run_ctx *r, const char *space, const ae_run_clusterer *c, ae_error *err)
{
    const ae_matrix *x;
    ae_status st = ae_run_space_x(r, space, r->fit, "fit", &x, err);
    if (st) return st;
    json_object *report = json_object_new_object();
    void *model = NULL;
    ae_labels labels = {0};
    double t0 = ae_run_now();
    if ((st = c->fit(r, space, x, &model, &labels, report, err))) goto done;
    double dt = ae_run_now() - t0;
    char what[48];
    snprintf(what, sizeof what, "fit_%s", c->name);
    for (char *p = what; *p; p++)
        if (*p == '+' || *p == '-') *p = '_';
    ae_run_add_time(r, what, dt);
    json_object_object_add(report, "seconds", json_object_new_double(dt));
    if (!c->predict) json_object_object_add(report, "scores", json_object_new_string("fit set only (no predict)"));
    ae_run_add_fit(r, c->name, space, json_object_get(report));
    if (c->outputs && (st = c->outputs(r, space, model, err))) goto done;
    st = score_splits(r, c->name, space, &labels, c, model, err);
done:
    json_object_put(report);
    ae_labels_free(&labels);
    if (model) c->free_model(model);
    return st;
}

ae_kmeans_opts ae_run_kmeans_opts(const run_ctx *r)
{
    ae_kmeans_opts ko = ae_kmeans_defaults();
    ko.k = (int)r->set.cluster.k;
    ko.n_init = (int)r->set.cluster.n_init;
    ko.max_iter = (int)r->set.cluster.max_iter;
    ko.tol = r->set.cluster.tol;
    ko.seed = ae_settings_seed(&r->set, AE_STREAM_KMEANS, 0);
    return ko;
}

ae_status ae_run_keep_fit_labels(run_ctx *r, const char *clusterer, const char *space, const ae_labels *pred,
                                 ae_error *err)
{
    run_fit_list *l = &r->fit_labels;
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 8;
        run_fit_labels *items = realloc(l->items, (size_t)cap * sizeof *items);
        if (!items) return ae_fail(err, AE_ERR_NOMEM, "out of memory keeping the labels of %s", clusterer);
        l->items = items;
        l->cap = cap;
    }
    run_fit_labels *p = &l->items[l->n];
    *p = (run_fit_labels){0};
    ae_status st = ae_labels_alloc(&p->labels, pred->n, err);
    if (st) return st;
    memcpy(p->labels.data, pred->data, pred->n * sizeof *pred->data);
    snprintf(p->clusterer, sizeof p->clusterer, "%s", clusterer);
    snprintf(p->space, sizeof p->space, "%s", space);
    l->n++;
    return AE_OK;
}
