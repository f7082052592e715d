/* The experiment pipeline behind `aeclust run`. */
#include "aeclust/run.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeclust/data.h"
#include "aeclust/kmeans.h"
#include "aeclust/metrics.h"
#include "aeclust/npy.h"
#include "core/atomic_file.h"
#include "core/fs.h"

typedef struct {
    const ae_config *cfg;
    const ae_run_opts *o;
    ae_dataset split[3]; /* train, test, all: loaded on first use */
    int loaded[3];
    ae_dataset fit_subset; /* when data.fit_per_class or data.fit_limit picks a subset */
    const ae_dataset *fit; /* the set the clusterers are fitted on */
    char fit_name[48];
    char stage[1200];
    json_object *records, *timing;
    FILE *makeup, *confusion; /* memory streams, written out at the end */
    char *makeup_buf, *confusion_buf;
    size_t makeup_len, confusion_len;
    const char *const *class_names;
    int n_class_names;
    ae_run_result *res;
} run_ctx;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void say(run_ctx *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(run_ctx *r, const char *fmt, ...)
{
    if (!r->o->log) return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    r->o->log(r->o->user, line);
}

static void add_time(run_ctx *r, const char *what, double seconds)
{
    json_object *old;
    if (json_object_object_get_ex(r->timing, what, &old)) seconds += json_object_get_double(old);
    json_object_object_add(r->timing, what, json_object_new_double(seconds));
}

static ae_status get_split(run_ctx *r, const char *name, const ae_dataset **out, ae_error *err)
{
    int i = !strcmp(name, "train") ? 0 : !strcmp(name, "test") ? 1 : 2;
    if (!r->loaded[i]) {
        const char *dataset = ae_config_str(r->cfg, "data", "dataset");
        double t0 = now_s();
        ae_status st = ae_dataset_load(dataset, name, r->o->data_dir, &r->split[i], err);
        if (st) return st;
        r->loaded[i] = 1;
        add_time(r, "load", now_s() - t0);
        say(r, "loaded %s %s: %zu images of %dx%d", dataset, name, r->split[i].x.rows, r->split[i].height,
            r->split[i].width);
    }
    *out = &r->split[i];
    return AE_OK;
}

static ae_status prepare_fit_set(run_ctx *r, ae_error *err)
{
    const char *name = ae_config_str(r->cfg, "data", "fit");
    const ae_dataset *d;
    ae_status st = get_split(r, name, &d, err);
    if (st) return st;
    long per_class = ae_config_int(r->cfg, "data", "fit_per_class");
    long limit = ae_config_int(r->cfg, "data", "fit_limit");
    uint64_t seed = (uint64_t)ae_config_int(r->cfg, "experiment", "seed");
    snprintf(r->fit_name, sizeof r->fit_name, "%s", name);
    if (per_class > 0) {
        if ((st = ae_dataset_take_per_class(d, (size_t)per_class, seed, &r->fit_subset, err))) return st;
        snprintf(r->fit_name, sizeof r->fit_name, "%s-%ld-per-class", name, per_class);
        d = &r->fit_subset;
    }
    if (limit > 0) {
        if ((size_t)limit > d->x.rows)
            return ae_fail(err, AE_ERR_ARG, "data.fit_limit = %ld is larger than the %zu images of %s", limit,
                           d->x.rows, r->fit_name);
        ae_dataset first;
        if ((st = ae_dataset_take_first(d, (size_t)limit, &first, err))) return st;
        ae_dataset_free(&r->fit_subset);
        r->fit_subset = first;
        size_t len = strlen(r->fit_name);
        snprintf(r->fit_name + len, sizeof r->fit_name - len, "-first-%ld", limit);
        d = &r->fit_subset;
    }
    r->fit = d;
    return AE_OK;
}

static ae_status stage_path(run_ctx *r, char *out, size_t n, const char *file, ae_error *err)
{
    if (snprintf(out, n, "%s/%s", r->stage, file) >= (int)n)
        return ae_fail(err, AE_ERR_ARG, "%s/%s: path too long", r->stage, file);
    return AE_OK;
}

/* Scores one clustering of one split and records it everywhere it belongs. */
static ae_status score(run_ctx *r, const char *clusterer, const char *space, const char *split_label,
                       const char *file_key, const ae_dataset *d, const ae_labels *pred, int geometry, ae_error *err)
{
    if (r->res->n_records >= AE_RUN_MAX_RECORDS) return ae_fail(err, AE_ERR_ARG, "too many results in one run");
    double t0 = now_s();
    ae_label_scores s;
    ae_status st = ae_score_labels(d->y.data, pred->data, d->y.n, &s, err);
    if (st) return st;
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
        double tg = now_s();
        if ((st = ae_silhouette(&d->x, pred->data, sample, seed, &rec->silhouette, err))) return st;
        if ((st = ae_davies_bouldin(&d->x, pred->data, &rec->davies_bouldin, err))) return st;
        rec->has_geometry = 1;
        add_time(r, "geometry", now_s() - tg);
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

    char path[1400], file[256];
    snprintf(file, sizeof file, "pred_%s_%s_%s.npy", clusterer, space, file_key);
    if ((st = stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_labels(path, pred, err))) return st;
    snprintf(file, sizeof file, "labels_%s.npy", file_key);
    if ((st = stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_labels(path, &d->y, err))) return st;

    ae_contingency c;
    if ((st = ae_contingency_build(d->y.data, pred->data, d->y.n, &c, err))) return st;
    const char *title = "== %s on %s, %s split (n = %zu) ==\n";
    fprintf(r->makeup, title, clusterer, space, split_label, rec->n);
    fprintf(r->confusion, title, clusterer, space, split_label, rec->n);
    st = ae_makeup_write(r->makeup, &c, r->class_names, r->n_class_names, err);
    if (!st) st = ae_confusion_write(r->confusion, &c, r->class_names, r->n_class_names, err);
    fputc('\n', r->makeup);
    fputc('\n', r->confusion);
    ae_contingency_free(&c);
    add_time(r, "score", now_s() - t0);
    say(r, "%s on %s, %s: ACC %.4f  NMI %.4f  ARI %.4f%s", clusterer, space, split_label, rec->acc, rec->nmi,
        rec->ari, geometry ? "  (+ silhouette, Davies-Bouldin)" : "");
    return st;
}

static ae_status run_kmeans(run_ctx *r, const char *space, const ae_matrix *x_fit, ae_error *err)
{
    ae_kmeans_opts ko = ae_kmeans_defaults();
    ko.k = (int)ae_config_int(r->cfg, "cluster", "k");
    ko.n_init = (int)ae_config_int(r->cfg, "cluster", "n_init");
    ko.max_iter = (int)ae_config_int(r->cfg, "cluster", "max_iter");
    ko.tol = ae_config_double(r->cfg, "cluster", "tol");
    ko.seed = (uint64_t)ae_config_int(r->cfg, "experiment", "seed");
    say(r, "k-means: k = %d, n_init = %d on %zu x %zu %s of %s", ko.k, ko.n_init, x_fit->rows, x_fit->cols, space,
        r->fit_name);
    double t0 = now_s();
    ae_kmeans_result km = {0};
    ae_status st = ae_kmeans_fit(x_fit, &ko, &km, err);
    if (st) return st;
    double dt = now_s() - t0;
    add_time(r, "fit_kmeans", dt);
    say(r, "k-means: inertia %.6g after %d iterations, %.2f s", km.inertia, km.n_iter, dt);

    char path[1400], file[128];
    snprintf(file, sizeof file, "centroids_kmeans_%s.npy", space);
    if ((st = stage_path(r, path, sizeof path, file, err)) || (st = ae_npy_write_matrix(path, &km.centroids, err)))
        goto done;

    int n_score = ae_config_list_len(r->cfg, "data", "score");
    int scored_fit = 0;
    for (int i = 0; i < n_score && !st; i++) {
        const char *s = ae_config_list_item(r->cfg, "data", "score", i);
        int is_fit = !strcmp(s, "fit") || (!strcmp(s, r->fit_name) && r->fit != &r->fit_subset);
        int geometry = ae_config_list_has(r->cfg, "eval", "geometry", s) ||
                       (is_fit && ae_config_list_has(r->cfg, "eval", "geometry", "fit"));
        if (is_fit) {
            if (scored_fit++) continue; /* "fit" and its split name are the same set */
            st = score(r, "kmeans", space, r->fit_name, "fit", r->fit, &km.labels, geometry, err);
            continue;
        }
        const ae_dataset *d;
        if ((st = get_split(r, s, &d, err))) break;
        ae_labels pred = {0};
        double tp = now_s();
        if ((st = ae_kmeans_predict(&km.centroids, &d->x, &pred, NULL, err))) break;
        add_time(r, "predict", now_s() - tp);
        st = score(r, "kmeans", space, s, s, d, &pred, geometry, err);
        ae_labels_free(&pred);
    }
done:
    ae_kmeans_result_free(&km);
    return st;
}

static ae_status write_outputs(run_ctx *r, ae_error *err)
{
    char path[1400];
    ae_status st;
    json_object *root = json_object_new_object();
    json_object_object_add(root, "experiment", json_object_new_string(ae_config_str(r->cfg, "experiment", "name")));
    json_object_object_add(root, "seed", json_object_new_int64(ae_config_int(r->cfg, "experiment", "seed")));
    json_object_object_add(root, "dataset", json_object_new_string(ae_config_str(r->cfg, "data", "dataset")));
    json_object_object_add(root, "timing_s", json_object_get(r->timing));
    json_object_object_add(root, "results", json_object_get(r->records));
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!(st = stage_path(r, path, sizeof path, "metrics.json", err))) {
        ae_afile f;
        if (!(st = ae_afile_open(&f, path, err))) {
            st = ae_afile_printf(&f, err, "%s\n", text);
            st = st ? (ae_afile_abort(&f), st) : ae_afile_commit(&f, err);
        }
    }
    json_object_put(root);
    if (st) return st;

    fflush(r->makeup);
    fflush(r->confusion);
    if ((st = stage_path(r, path, sizeof path, "clusters.txt", err)) ||
        (st = ae_write_file_atomic(path, r->makeup_buf, r->makeup_len, err)))
        return st;
    if ((st = stage_path(r, path, sizeof path, "confusion.txt", err)) ||
        (st = ae_write_file_atomic(path, r->confusion_buf, r->confusion_len, err)))
        return st;

    if ((st = stage_path(r, path, sizeof path, "experiment.ini", err))) return st;
    ae_afile f;
    if ((st = ae_afile_open(&f, path, err))) return st;
    if ((st = ae_config_write(r->cfg, f.fp, err))) {
        ae_afile_abort(&f);
        return st;
    }
    return ae_afile_commit(&f, err);
}

ae_status ae_run_experiment(const ae_config *cfg, const ae_run_opts *o, ae_run_result *res, ae_error *err)
{
    double t_start = now_s();
    memset(res, 0, sizeof *res);
    run_ctx r = {.cfg = cfg, .o = o, .res = res};
    const char *name = ae_config_str(cfg, "experiment", "name");
    if (o->out_dir)
        snprintf(res->out_dir, sizeof res->out_dir, "%s", o->out_dir);
    else
        snprintf(res->out_dir, sizeof res->out_dir, "runs/%s", name);
    const char *dataset = ae_config_str(cfg, "data", "dataset");
    r.class_names = ae_class_names(dataset, &r.n_class_names);

    ae_status st = ae_stage_dir(res->out_dir, r.stage, sizeof r.stage, err);
    if (st) return st;
    r.records = json_object_new_array();
    r.timing = json_object_new_object();
    r.makeup = open_memstream(&r.makeup_buf, &r.makeup_len);
    r.confusion = open_memstream(&r.confusion_buf, &r.confusion_len);
    if (!r.records || !r.timing || !r.makeup || !r.confusion) {
        st = ae_fail(err, AE_ERR_NOMEM, "out of memory");
        goto done;
    }

    if ((st = prepare_fit_set(&r, err))) goto done;
    int n_methods = ae_config_list_len(cfg, "cluster", "method");
    for (int m = 0; m < n_methods && !st; m++) {
        const char *method = ae_config_list_item(cfg, "cluster", "method", m);
        if (!strcmp(method, "kmeans")) st = run_kmeans(&r, "pixels", &r.fit->x, err);
    }
    if (st) goto done;
    res->total_s = now_s() - t_start;
    json_object_object_add(r.timing, "total", json_object_new_double(res->total_s));
    if ((st = write_outputs(&r, err))) goto done;
    st = ae_stage_commit(r.stage, res->out_dir, err);
    if (!st) r.stage[0] = '\0';

done:
    if (r.stage[0]) ae_remove_tree(r.stage, NULL);
    if (r.makeup) fclose(r.makeup);
    if (r.confusion) fclose(r.confusion);
    free(r.makeup_buf);
    free(r.confusion_buf);
    json_object_put(r.records);
    json_object_put(r.timing);
    for (int i = 0; i < 3; i++)
        if (r.loaded[i]) ae_dataset_free(&r.split[i]);
    ae_dataset_free(&r.fit_subset);
    return st;
}

void ae_run_result_print(const ae_run_result *res, FILE *f)
{
    fprintf(f, "%-9s %-7s %-22s %6s %7s %7s %7s %7s %10s %7s\n", "clusterer", "space", "split", "n", "ACC", "purity",
            "ARI", "NMI", "silhouette", "DBI");
    for (int i = 0; i < res->n_records; i++) {
        const ae_run_record *r = &res->records[i];
        fprintf(f, "%-9s %-7s %-22s %6zu %7.4f %7.4f %7.4f %7.4f", r->clusterer, r->space, r->split, r->n, r->acc,
                r->purity, r->ari, r->nmi);
        if (r->has_geometry)
            fprintf(f, " %10.4f %7.4f\n", r->silhouette, r->davies_bouldin);
        else
            fprintf(f, " %10s %7s\n", "-", "-");
    }
}
