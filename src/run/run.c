/* The experiment pipeline behind `aeclust run`. */
#include "aeclust/run.h"

#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "aeclust/report.h"
#include "core/atomic_file.h"
#include "core/fs.h"
#include "run_ctx.h"

static ae_status write_outputs(run_ctx *r, ae_error *err)
{
    char path[1400];
    ae_status st;
    json_object *root = json_object_new_object();
    json_object_object_add(root, "experiment", json_object_new_string(ae_config_str(r->cfg, "experiment", "name")));
    json_object_object_add(root, "seed", json_object_new_int64(ae_config_int(r->cfg, "experiment", "seed")));
    json_object_object_add(root, "dataset", json_object_new_string(ae_config_str(r->cfg, "data", "dataset")));
    json_object_object_add(root, "timing_s", json_object_get(r->timing));
    if (r->training) json_object_object_add(root, "training", json_object_get(r->training));
    if (r->denoising) json_object_object_add(root, "denoising", json_object_get(r->denoising));
    if (r->decode) json_object_object_add(root, "decode", json_object_get(r->decode));
    if (r->sweep) json_object_object_add(root, "denoising_sweep", json_object_get(r->sweep));
    if (r->embed) json_object_object_add(root, "embed", json_object_get(r->embed));
    if (r->fits) json_object_object_add(root, "fits", json_object_get(r->fits));
    if (r->elbow) json_object_object_add(root, "elbow", json_object_get(r->elbow));
    json_object_object_add(root, "results", json_object_get(r->records));
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!(st = ae_run_stage_path(r, path, sizeof path, "metrics.json", err))) {
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
    if ((st = ae_run_stage_path(r, path, sizeof path, "clusters.txt", err)) ||
        (st = ae_write_file_atomic(path, r->makeup_buf, r->makeup_len, err)))
        return st;
    if ((st = ae_run_stage_path(r, path, sizeof path, "confusion.txt", err)) ||
        (st = ae_write_file_atomic(path, r->confusion_buf, r->confusion_len, err)))
        return st;

    if ((st = ae_run_stage_path(r, path, sizeof path, "experiment.ini", err))) return st;
    ae_afile f;
    if ((st = ae_afile_open(&f, path, err))) return st;
    if ((st = ae_config_write(r->cfg, f.fp, err))) {
        ae_afile_abort(&f);
        return st;
    }
    return ae_afile_commit(&f, err);
}

/* Builds the experiment's model once, untrained, to check its spec and what
 * [decode] asks of it. */
static ae_status check_model(run_ctx *r, ae_error *err)
{
    const ae_dataset *d;
    ae_model *m;
    ae_status st = ae_run_get_split(r, ae_config_str(r->cfg, "data", "train"), &d, err);
    if (st || (st = ae_experiment_model_new(r->cfg, (int)d->x.cols, &m, err))) return st;
    if (ae_config_int(r->cfg, "decode", "grid") > 0 && ae_model_code_dim(m) != 2)
        st = ae_fail(err, AE_ERR_ARG, "%s: decode.grid needs a 2-D code, this model's is %d wide",
                     ae_config_origin(r->cfg, "decode", "grid"), ae_model_code_dim(m));
    ae_model_free(m);
    return st;
}

ae_status ae_run_experiment(const ae_config *cfg, const ae_run_opts *o, ae_run_result *res, ae_error *err)
{
    double t_start = ae_run_now();
    memset(res, 0, sizeof *res);
    run_ctx r = {.cfg = cfg, .o = o, .res = res};
    const char *name = ae_config_str(cfg, "experiment", "name");
    if (!o->out_dir && (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")))
        return ae_fail(err, AE_ERR_ARG, "%s: experiment.name '%s' must be a plain name (it names the run folder)",
                       ae_config_origin(cfg, "experiment", "name"), name);
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

    int has_model = ae_config_str(cfg, "model", "encoder")[0] != '\0';
    if (ae_config_list_has(cfg, "cluster", "space", "code") && !has_model) {
        st = ae_fail(err, AE_ERR_ARG, "%s: cluster.space = code needs a [model] with an encoder and a decoder",
                     ae_config_origin(cfg, "cluster", "space"));
        goto done;
    }
    if ((st = ae_noise_parse(ae_config_str(cfg, "noise", "kind"), &r.noise.kind, err))) goto done;
    r.noise.amount = ae_config_double(cfg, "noise", "amount");
    if (r.noise.kind != AE_NOISE_NONE) {
        char why[AE_ERROR_MSG_MAX];
        if (!has_model) {
            st = ae_fail(err, AE_ERR_ARG, "%s: [noise] needs a [model] to denoise", ae_config_origin(cfg, "noise", "kind"));
            goto done;
        }
        if ((st = ae_noise_check(&r.noise, err))) {
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            st = ae_fail(err, st, "%s: noise.amount: %s", ae_config_origin(cfg, "noise", "amount"), why);
            goto done;
        }
    }
    int sweep = ae_config_list_len(cfg, "noise", "sweep") > 0;
    int clustering = !ae_config_list_has(cfg, "cluster", "method", "none");
    if (!clustering && ae_config_list_len(cfg, "cluster", "method") > 1) {
        st = ae_fail(err, AE_ERR_ARG, "%s: cluster.method = none cannot be listed with a clusterer",
                     ae_config_origin(cfg, "cluster", "method"));
        goto done;
    }
    if (ae_config_int(cfg, "elbow", "k_max") > 0 && ae_config_int(cfg, "elbow", "k_min") > ae_config_int(cfg, "elbow", "k_max")) {
        st = ae_fail(err, AE_ERR_ARG, "%s: the elbow's k-range is empty (k_min %ld > k_max %ld)",
                     ae_config_origin(cfg, "elbow", "k_min"), ae_config_int(cfg, "elbow", "k_min"),
                     ae_config_int(cfg, "elbow", "k_max"));
        goto done;
    }
    if (sweep && (r.noise.kind == AE_NOISE_NONE || clustering)) {
        st = ae_fail(err, AE_ERR_ARG, "%s: noise.sweep trains one denoising model per amount: it needs a noise.kind "
                                      "and cluster.method = none",
                     ae_config_origin(cfg, "noise", "sweep"));
        goto done;
    }
    if (sweep) {
        st = ae_run_noise_sweep(&r, &r.sweep, err);
        goto finish;
    }
    /* the fit set and the model first: a setting that does not fit the data
     * fails before any training */
    if (clustering && (st = ae_run_prepare_fit_set(&r, err))) goto done;
    if (has_model && (st = check_model(&r, err))) goto done;
    if (has_model && ((st = ae_run_train_model(&r, err)) || (st = ae_run_decode_outputs(&r, err)) ||
                      (st = ae_run_model_figures(&r, err))))
        goto done;
    int n_spaces = ae_config_list_len(cfg, "cluster", "space");
    int n_methods = ae_config_list_len(cfg, "cluster", "method");
    for (int sp = 0; sp < n_spaces && !st; sp++) {
        const char *space = ae_config_list_item(cfg, "cluster", "space", sp);
        if (!strcmp(space, "auto")) space = has_model ? "code" : "pixels";
        for (int m = 0; m < n_methods && !st; m++) {
            const char *method = ae_config_list_item(cfg, "cluster", "method", m);
            if (!strcmp(method, "kmeans"))
                st = ae_run_kmeans(&r, space, err);
            else if (!strcmp(method, "gmm"))
                st = ae_run_gmm(&r, space, err);
            else if (!strcmp(method, "pca+kmeans"))
                st = ae_run_pca_kmeans(&r, space, err);
        }
        if (!st && sp == 0 && clustering && ae_config_int(cfg, "elbow", "k_max") > 0) st = ae_run_elbow(&r, space, err);
        if (!st && clustering) st = ae_run_embed(&r, space, err);
    }
finish:
    if (st) goto done;
    res->total_s = ae_run_now() - t_start;
    json_object_object_add(r.timing, "total", json_object_new_double(res->total_s));
    if ((st = write_outputs(&r, err))) goto done;
    if (ae_config_bool(cfg, "report", "html") && (st = ae_report_write(r.stage, err))) goto done;
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
    json_object_put(r.training);
    json_object_put(r.denoising);
    json_object_put(r.decode);
    json_object_put(r.sweep);
    ae_train_history_free(&r.history);
    json_object_put(r.embed);
    json_object_put(r.fits);
    json_object_put(r.elbow);
    for (int i = 0; i < r.n_fit_preds; i++) ae_labels_free(&r.fit_preds[i].labels);
    for (int i = 0; i < 4; i++) ae_matrix_free(&r.noisy[i].x);
    ae_matrix_free(&r.augmented);
    for (int i = 0; i < 4; i++) ae_matrix_free(&r.codes[i].codes);
    ae_model_free(r.model);
    for (int i = 0; i < 3; i++)
        if (r.loaded[i]) ae_dataset_free(&r.split[i]);
    ae_dataset_free(&r.fit_subset);
    return st;
}

void ae_run_result_print(const ae_run_result *res, FILE *f)
{
    if (res->n_records == 0) {
        fprintf(f, "(no clustering in this experiment: see metrics.json)\n");
        return;
    }
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
