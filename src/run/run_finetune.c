/* [finetune]: DEC or IDEC fine-tuning of the trained autoencoder on its
 * training set (dec.h), before the clusterers run on the fine-tuned codes.
 * The pretrained model stays as model_pretrained.aenn, model.aenn becomes the
 * fine-tuned one; finetune.csv and figures/finetune.png hold the history (ACC
 * and NMI against the true classes, the fraction of labels changed, the KL
 * per refresh); metrics.json's finetune what it did. The fine-tuned
 * assignment itself (each code to its nearest centre, which is the most
 * probable under the Student-t kernel) is scored as the clusterer "dec" or
 * "idec" on the codes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/dec.h"
#include "aeclust/npy.h"
#include "aeclust/plot.h"
#include "clusterers.h"
#include "core/atomic_file.h"
#include "run_ctx.h"

static void say_refresh(void *user, const ae_dec_refresh *h)
{
    run_ctx *r = user;
    ae_run_say(r, "fine-tuning: iteration %ld, %.4f%% of labels changed, KL %.5f, ACC %.4f, NMI %.4f", h->iter,
               100 * h->delta_label, h->loss, h->acc, h->nmi);
}

static ae_status dec_options(const ae_settings *s, ae_dec_opts *o, ae_error *err)
{
    ae_dec_method method;
    ae_status st = ae_dec_method_parse(s->finetune.method, &method, err);
    if (st) return st;
    *o = ae_dec_defaults(method);
    o->k = (int)s->cluster.k;
    o->alpha = s->finetune.alpha;
    o->update_interval = (int)s->finetune.update_interval;
    o->tol = s->finetune.tol;
    o->max_iter = s->finetune.max_iter;
    o->batch_size = (int)s->finetune.batch_size;
    o->gamma = s->finetune.gamma;
    o->kmeans_n_init = (int)s->finetune.n_init;
    o->seed = ae_settings_seed(s, AE_STREAM_FINETUNE, 0);
    if (strcmp(s->finetune.optimizer, "auto")) {
        if ((st = ae_optimizer_parse(s->finetune.optimizer, &o->optim.kind, err))) return st;
        o->optim.lr = o->optim.kind == AE_OPTIM_SGD ? 0.01 : 1e-3;
    }
    if (s->finetune.lr > 0) o->optim.lr = s->finetune.lr;
    o->optim.momentum = s->finetune.momentum;
    return ae_loss_parse(s->train.loss, &o->loss, err);
}

static ae_status write_history(run_ctx *r, const ae_dec_result *res, ae_error *err)
{
    char path[1400];
    ae_afile f;
    ae_status st = ae_run_stage_path(r, path, sizeof path, "finetune.csv", err);
    if (st || (st = ae_afile_open(&f, path, err))) return st;
    st = ae_afile_printf(&f, err, "iteration,delta_label,kl,acc,nmi\n");
    for (int i = 0; i < res->n_refresh && !st; i++) {
        const ae_dec_refresh *h = &res->history[i];
        st = ae_afile_printf(&f, err, "%ld,%.9g,%.9g,%.9g,%.9g\n", h->iter, h->delta_label, h->loss, h->acc, h->nmi);
    }
    if (st) {
        ae_afile_abort(&f);
        return st;
    }
    return ae_afile_commit(&f, err);
}

static ae_status history_figure(run_ctx *r, const ae_dec_result *res, ae_error *err)
{
    if (!ae_run_figures_on(r) || res->n_refresh < 2) return AE_OK;
    int n = res->n_refresh;
    double *x = malloc((size_t)n * sizeof *x), *acc = malloc((size_t)n * sizeof *acc),
           *nmi = malloc((size_t)n * sizeof *nmi), *chg = malloc((size_t)n * sizeof *chg);
    ae_status st = AE_OK;
    if (!x || !acc || !nmi || !chg) st = ae_fail(err, AE_ERR_NOMEM, "out of memory for the fine-tuning figure");
    for (int i = 0; !st && i < n; i++) {
        x[i] = (double)res->history[i].iter;
        acc[i] = res->history[i].acc;
        nmi[i] = res->history[i].nmi;
        chg[i] = res->history[i].delta_label;
    }
    char path[1500], title[128];
    snprintf(title, sizeof title, "%s fine-tuning: scores and labels changed per refresh", r->set.finetune.method);
    ae_plot_series series[] = {{.name = "ACC", .x = x, .y = acc, .n = n},
                               {.name = "NMI", .x = x, .y = nmi, .n = n},
                               {.name = "labels changed", .x = x + 1, .y = chg + 1, .n = n - 1}};
    ae_plot_opts o = ae_plot_defaults();
    o.title = title;
    o.x_label = "iteration";
    if (!st && !(st = ae_run_figure_path(r, path, sizeof path, "finetune", err)))
        st = ae_plot_lines(path, series, 3, &o, err);
    free(x);
    free(acc);
    free(nmi);
    free(chg);
    return st;
}

ae_status ae_run_finetune(run_ctx *r, ae_error *err)
{
    const ae_settings *s = &r->set;
    const ae_dataset *d;
    ae_dec_opts o;
    ae_status st = ae_run_train_set(r, &d, err);
    if (!st) st = dec_options(s, &o, err);
    if (st) return st;
    if ((size_t)o.k > d->x.rows)
        return ae_settings_fail(s, AE_KEY_cluster_k, err, AE_ERR_ARG, "%s: cluster.k = %d is larger than the %zu training images",
                                s->finetune.method, o.k, d->x.rows);
    o.truth = d->y.n == d->x.rows ? &d->y : NULL;
    o.progress = say_refresh;
    o.user = r;
    char pre[1400], path[1400];
    if ((st = ae_run_stage_path(r, pre, sizeof pre, "model_pretrained.aenn", err)) ||
        (st = ae_run_stage_path(r, path, sizeof path, "model.aenn", err)) || (st = ae_model_save(r->model, pre, err)))
        return st;
    ae_run_say(r, "fine-tuning (%s): k = %d, %s lr %g, update every %d batches, tol %g, at most %ld batches of %d",
               s->finetune.method, o.k, ae_optimizer_name(o.optim.kind), o.optim.lr, o.update_interval, o.tol,
               o.max_iter, o.batch_size);
    double t0 = ae_run_now();
    ae_dec_result res;
    if ((st = ae_dec_fit(r->model, &d->x, &o, &res, err))) {
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return ae_settings_fail(s, AE_KEY_finetune_method, err, st, "%s: %s", s->finetune.method, why);
    }
    double dt = ae_run_now() - t0;
    ae_run_add_time(r, "finetune", dt);
    /* the codes change with the encoder: whatever was embedded before is stale */
    ae_run_set_list_clear(&r->codes);
    json_object *j = json_object_new_object();
    json_object_object_add(j, "method", json_object_new_string(s->finetune.method));
    json_object_object_add(j, "iterations", json_object_new_int64(res.iterations));
    json_object_object_add(j, "refreshes", json_object_new_int(res.n_refresh));
    json_object_object_add(j, "converged", json_object_new_boolean(res.converged));
    if (o.truth && res.n_refresh > 0) {
        ae_label_scores init, fin;
        if ((st = ae_score_labels(d->y.data, res.init_labels.data, d->y.n, &init, err)) ||
            (st = ae_score_labels(d->y.data, res.labels.data, d->y.n, &fin, err)))
            goto done;
        json_object_object_add(j, "kmeans_acc", json_object_new_double(init.acc));
        json_object_object_add(j, "kmeans_nmi", json_object_new_double(init.nmi));
        json_object_object_add(j, "acc", json_object_new_double(fin.acc));
        json_object_object_add(j, "nmi", json_object_new_double(fin.nmi));
        ae_run_say(r, "fine-tuned in %.1f s (%ld batches%s): ACC %.4f -> %.4f, NMI %.4f -> %.4f on the %zu training images",
                   dt, res.iterations, res.converged ? ", converged" : "", init.acc, fin.acc, init.nmi, fin.nmi, d->y.n);
    }
    json_object_object_add(j, "seconds", json_object_new_double(dt));
    r->finetune = j;
    if ((st = ae_model_save(r->model, path, err)) || (st = write_history(r, &res, err)) ||
        (st = history_figure(r, &res, err)))
        goto done;
    ae_matrix_free(&r->finetune_centres);
    r->finetune_centres = res.centres;
    res.centres = (ae_matrix){0};
done:
    ae_dec_result_free(&res);
    return st;
}

/* ---- the fine-tuned assignment as a clusterer of the codes ---- */

static ae_status finetuned_fit(run_ctx *r, const char *space, const ae_matrix *x, void **model, ae_labels *labels,
                               json_object *report, ae_error *err)
{
    (void)space;
    (void)report;
    *model = &r->finetune_centres;
    return ae_kmeans_predict(&r->finetune_centres, x, labels, NULL, err);
}

static ae_status finetuned_predict(const void *centres, const ae_matrix *x, ae_labels *out, ae_error *err)
{
    return ae_kmeans_predict(centres, x, out, NULL, err);
}

static ae_status finetuned_outputs(run_ctx *r, const char *space, const void *centres, ae_error *err)
{
    char path[1400], file[128];
    snprintf(file, sizeof file, "centres_%s_%s.npy", r->set.finetune.method, space);
    ae_status st = ae_run_stage_path(r, path, sizeof path, file, err);
    if (!st) st = ae_npy_write_matrix(path, centres, err);
    if (!st) st = ae_run_centroid_figure(r, r->set.finetune.method, space, centres, err);
    return st;
}

static void finetuned_free(void *model) { (void)model; /* the run's */ }

ae_status ae_run_finetuned_cluster(run_ctx *r, ae_error *err)
{
    ae_run_clusterer c = {
        .name = r->set.finetune.method,
        .what = "the fine-tuned clustering layer: each code to its nearest centre",
        .fit = finetuned_fit,
        .predict = finetuned_predict,
        .outputs = finetuned_outputs,
        .free_model = finetuned_free,
    };
    return ae_run_cluster(r, "code", &c, err);
}
