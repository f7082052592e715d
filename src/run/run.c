/* The experiment pipeline behind `aeclust run`. */
#include "aeclust/run.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeclust/report.h"
#include "aeclust/threads.h"
#include "clusterers.h"
#include "core/atomic_file.h"
#include "core/fs.h"
#include "run_ctx.h"

static ae_status write_outputs(run_ctx *r, ae_error *err)
{
    char path[1400];
    ae_status st;
    json_object *root = json_object_new_object();
    json_object_object_add(root, "experiment", json_object_new_string(r->set.experiment.name));
    json_object_object_add(root, "seed", json_object_new_int64(r->set.experiment.seed));
    json_object_object_add(root, "dataset", json_object_new_string(r->set.data.dataset));
    json_object_object_add(root, "threads", json_object_new_int(ae_threads()));
    json_object_object_add(root, "timing_s", json_object_get(r->timing));
    /* each stage's seed, so a stage can be rerun alone ("aeclust kmeans --seed" the kmeans one) */
    json_object *streams = json_object_new_object();
    for (int i = 0; i < AE_STREAM_COUNT; i++)
        json_object_object_add(streams, ae_stream_name((ae_stream)i),
                               json_object_new_uint64(ae_settings_seed(&r->set, (ae_stream)i, 0)));
    json_object_object_add(root, "stream_seeds", streams);
    if (r->training) json_object_object_add(root, "training", json_object_get(r->training));
    if (r->denoising) json_object_object_add(root, "denoising", json_object_get(r->denoising));
    if (r->decode) json_object_object_add(root, "decode", json_object_get(r->decode));
    if (r->sweep) json_object_object_add(root, "denoising_sweep", json_object_get(r->sweep));
    if (r->embed) json_object_object_add(root, "embed", json_object_get(r->embed));
    if (r->fits) json_object_object_add(root, "fits", json_object_get(r->fits));
    if (r->elbow) json_object_object_add(root, "elbow", json_object_get(r->elbow));
    if (r->finetune) json_object_object_add(root, "finetune", json_object_get(r->finetune));
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
    ae_status st = ae_run_train_set(r, &d, err);
    if (st || (st = ae_run_model_new(&r->set, (int)d->x.cols, &m, err))) return st;
    if (r->set.decode.grid > 0 && ae_model_code_dim(m) != 2)
        st = ae_settings_fail(&r->set, AE_KEY_decode_grid, err, AE_ERR_ARG,
                              "decode.grid needs a 2-D code, this model's is %d wide", ae_model_code_dim(m));
    else if (strcmp(r->set.finetune.method, "none") && (size_t)r->set.cluster.k > d->x.rows)
        st = ae_settings_fail(&r->set, AE_KEY_cluster_k, err, AE_ERR_ARG,
                              "finetune.method = %s: cluster.k = %ld is larger than the %zu training images",
                              r->set.finetune.method, r->set.cluster.k, d->x.rows);
    ae_model_free(m);
    return st;
}

/* Sets up what every use of a run context needs: the typed settings and the
 * noise of a denoising autoencoder. */
static ae_status ctx_start(run_ctx *r, const ae_config *cfg, const ae_run_opts *o, ae_error *err)
{
    static const ae_run_opts quiet;
    *r = (run_ctx){.cfg = cfg, .o = o ? o : &quiet};
    ae_status st = ae_settings_fill(cfg, &r->set, err);
    if (st) return st;
    r->class_names = ae_class_names(r->set.data.dataset, &r->n_class_names);
    r->noise.amount = r->set.noise.amount;
    return ae_noise_parse(r->set.noise.kind, &r->noise.kind, err);
}

static void ctx_free(run_ctx *r)
{
    if (r->stage[0]) ae_remove_tree(r->stage, NULL);
    if (r->makeup) fclose(r->makeup);
    if (r->confusion) fclose(r->confusion);
    free(r->makeup_buf);
    free(r->confusion_buf);
    json_object_put(r->records);
    json_object_put(r->timing);
    json_object_put(r->training);
    json_object_put(r->denoising);
    json_object_put(r->decode);
    json_object_put(r->sweep);
    ae_train_history_free(&r->history);
    json_object_put(r->embed);
    json_object_put(r->fits);
    json_object_put(r->elbow);
    json_object_put(r->finetune);
    ae_matrix_free(&r->finetune_centres);
    for (int i = 0; i < r->fit_labels.n; i++) ae_labels_free(&r->fit_labels.items[i].labels);
    free(r->fit_labels.items);
    ae_run_set_list_clear(&r->noisy);
    ae_run_set_list_clear(&r->codes);
    ae_matrix_free(&r->augmented);
    ae_model_free(r->model);
    for (int i = 0; i < 3; i++)
        if (r->loaded[i]) ae_dataset_free(&r->split[i]);
    ae_dataset_free(&r->fit_subset);
}

/* The clusterers of [cluster] method in each space, then the elbow and the
 * pictures of each space. */
static ae_status cluster_spaces(run_ctx *r, bool has_model, ae_error *err)
{
    const ae_settings *s = &r->set;
    ae_status st = AE_OK;
    for (int sp = 0; sp < s->cluster.space.n && !st; sp++) {
        const char *space = s->cluster.space.item[sp];
        if (!strcmp(space, "auto")) space = has_model ? "code" : "pixels";
        for (int m = 0; m < s->cluster.method.n && !st; m++)
            st = ae_run_cluster(r, space, ae_run_clusterer_find(s->cluster.method.item[m]), err);
        if (!st && sp == 0 && s->elbow.k_max > 0) st = ae_run_elbow(r, space, err);
        if (!st) st = ae_run_embed(r, space, err);
    }
    return st;
}

ae_status ae_run_experiment(const ae_config *cfg, const ae_run_opts *o, ae_run_result *res, ae_error *err)
{
    double t_start = ae_run_now();
    memset(res, 0, sizeof *res);
    run_ctx r;
    ae_status st = ctx_start(&r, cfg, o, err);
    r.res = res;
    if (st) goto done;
    const ae_settings *s = &r.set;
    const char *name = s->experiment.name;
    if (!o->out_dir && (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))) {
        st = ae_settings_fail(s, AE_KEY_experiment_name, err, AE_ERR_ARG,
                              "experiment.name '%s' must be a plain name (it names the run folder)", name);
        goto done;
    }
    if (o->out_dir)
        snprintf(res->out_dir, sizeof res->out_dir, "%s", o->out_dir);
    else
        snprintf(res->out_dir, sizeof res->out_dir, "runs/%s", name);

    if ((st = ae_stage_dir(res->out_dir, r.stage, sizeof r.stage, err))) goto done;
    r.records = json_object_new_array();
    r.timing = json_object_new_object();
    r.makeup = open_memstream(&r.makeup_buf, &r.makeup_len);
    r.confusion = open_memstream(&r.confusion_buf, &r.confusion_len);
    if (!r.records || !r.timing || !r.makeup || !r.confusion) {
        st = ae_fail(err, AE_ERR_NOMEM, "out of memory");
        goto done;
    }

    const bool has_model = ae_settings_has_model(s);
    const bool clustering = !ae_setting_list_has(&s->cluster.method, "none");
    if (s->noise.sweep.n > 0) {
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
    const bool finetuning = strcmp(s->finetune.method, "none") != 0;
    if (finetuning && ((st = ae_run_finetune(&r, err)) || (clustering && (st = ae_run_finetuned_cluster(&r, err)))))
        goto done;
    if (clustering) st = cluster_spaces(&r, has_model, err);
finish:
    if (st) goto done;
    res->total_s = ae_run_now() - t_start;
    json_object_object_add(r.timing, "total", json_object_new_double(res->total_s));
    if ((st = write_outputs(&r, err))) goto done;
    if (s->report.html && (st = ae_report_write(r.stage, err))) goto done;
    st = ae_stage_commit(r.stage, res->out_dir, err);
    if (!st) r.stage[0] = '\0';
done:
    ctx_free(&r);
    return st;
}

ae_status ae_experiment_train(const ae_config *cfg, const ae_matrix *input, const char *checkpoint,
                              const ae_run_opts *o, ae_model **out, ae_train_history *h, ae_error *err)
{
    *out = NULL;
    run_ctx r;
    ae_status st = ctx_start(&r, cfg, o, err);
    if (!st && input) {
        /* a user's own rows take the training split's place (and have no validation split) */
        r.input.x = *input;
        r.input.height = r.input.width = (int)(sqrt((double)input->cols) + 0.5);
        r.has_input = 1;
    }
    if (!st) st = ae_run_train(&r, checkpoint, h, err);
    if (!st) {
        *out = r.model;
        r.model = NULL;
    }
    r.input.x = (ae_matrix){0}; /* the caller's */
    ctx_free(&r);
    return st;
}

void ae_run_result_print(const ae_run_result *res, FILE *f)
{
    if (res->n_records == 0) {
        fprintf(f, "(no clustering in this experiment: see metrics.json)\n");
        return;
    }
    fprintf(f, "%-12s %-7s %-22s %6s %7s %7s %7s %7s %10s %7s\n", "clusterer", "space", "split", "n", "ACC", "purity",
            "ARI", "NMI", "silhouette", "DBI");
    for (int i = 0; i < res->n_records; i++) {
        const ae_run_record *r = &res->records[i];
        fprintf(f, "%-12s %-7s %-22s %6zu %7.4f %7.4f %7.4f %7.4f", r->clusterer, r->space, r->split, r->n, r->acc,
                r->purity, r->ari, r->nmi);
        if (r->has_geometry)
            fprintf(f, " %10.4f %7.4f\n", r->silhouette, r->davies_bouldin);
        else
            fprintf(f, " %10s %7s\n", "-", "-");
    }
}
