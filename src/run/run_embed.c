/* [embed]: 2-D pictures of the spaces a run clusters in. A 2-D space (a
 * 2-D latent) is drawn as it is; with tsne = on, a t-SNE of the first
 * tsne_limit points of the fit set is computed (tsne_SPACE.npy) and drawn.
 * Each picture is coloured once by true class and once by each clusterer's
 * assignment of the fit set. */
#include <string.h>

#include "aeclust/npy.h"
#include "aeclust/plot.h"
#include "aeclust/tsne.h"
#include "run_ctx.h"

ae_status ae_run_keep_fit_labels(run_ctx *r, const char *clusterer, const char *space, const ae_labels *pred,
                                 ae_error *err)
{
    if (r->n_fit_preds == AE_RUN_MAX_FIT_PREDS) return AE_OK; /* pictures of the first ones only */
    struct ae_run_fit_pred *p = &r->fit_preds[r->n_fit_preds];
    ae_status st = ae_labels_alloc(&p->labels, pred->n, err);
    if (st) return st;
    memcpy(p->labels.data, pred->data, pred->n * sizeof *pred->data);
    snprintf(p->clusterer, sizeof p->clusterer, "%s", clusterer);
    snprintf(p->space, sizeof p->space, "%s", space);
    r->n_fit_preds++;
    return AE_OK;
}

/* scatter_WHAT_class_SPACE.png and scatter_WHAT_CLUSTERER_SPACE.png of the
 * first xy->rows points of the fit set. */
static ae_status scatters(run_ctx *r, const char *what, const char *title, const char *space, const ae_matrix *xy,
                          ae_error *err)
{
    char name[256], path[1500], t[256];
    ae_plot_opts o = ae_plot_defaults();
    o.names = r->class_names;
    o.n_names = r->n_class_names;
    o.title = t;
    ae_labels truth = {.n = xy->rows, .data = r->fit->y.data};
    snprintf(t, sizeof t, "%s of %s, by true class", title, space);
    snprintf(name, sizeof name, "scatter_%s_class_%s", what, space);
    ae_status st = ae_run_figure_path(r, path, sizeof path, name, err);
    if (!st) st = ae_plot_scatter(path, xy, &truth, &o, err);
    o.names = NULL;
    o.n_names = 0;
    for (int i = 0; i < r->n_fit_preds && !st; i++) {
        const struct ae_run_fit_pred *p = &r->fit_preds[i];
        if (strcmp(p->space, space)) continue;
        ae_labels pred = {.n = xy->rows, .data = p->labels.data};
        char key[32];
        ae_run_file_name(p->clusterer, key, sizeof key);
        snprintf(t, sizeof t, "%s of %s, by %s cluster", title, space, p->clusterer);
        snprintf(name, sizeof name, "scatter_%s_%s_%s", what, key, space);
        if (!(st = ae_run_figure_path(r, path, sizeof path, name, err))) st = ae_plot_scatter(path, xy, &pred, &o, err);
    }
    return st;
}

typedef struct {
    run_ctx *r;
    const char *space;
} tsne_log;

static void tsne_progress(void *ctx, int iter, double kl)
{
    tsne_log *l = ctx;
    if (iter % 250 == 0) ae_run_say(l->r, "t-SNE of %s: iteration %d, KL %.4f", l->space, iter, kl);
}

static ae_status run_tsne(run_ctx *r, const char *space, const ae_matrix *x, ae_error *err)
{
    size_t limit = (size_t)ae_config_int(r->cfg, "embed", "tsne_limit");
    size_t n = limit && limit < x->rows ? limit : x->rows;
    ae_matrix head = {.rows = n, .cols = x->cols, .data = x->data};
    ae_tsne_opts o = ae_tsne_defaults();
    o.perplexity = ae_config_double(r->cfg, "embed", "perplexity");
    o.n_iter = (int)ae_config_int(r->cfg, "embed", "tsne_iterations");
    tsne_log lg = {r, space};
    o.progress = tsne_progress;
    o.progress_ctx = &lg;
    ae_run_say(r, "t-SNE of %zu x %zu %s of %s, perplexity %g", n, x->cols, space, r->fit_name, o.perplexity);
    double t0 = ae_run_now();
    ae_tsne_result res = {0};
    ae_status st = ae_tsne_fit(&head, &o, &res, err);
    if (st) {
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        ae_tsne_result_free(&res);
        return ae_fail(err, st, "%s: t-SNE of %s: %s", ae_config_origin(r->cfg, "embed", "tsne"), space, why);
    }
    double dt = ae_run_now() - t0;
    ae_run_add_time(r, "tsne", dt);
    ae_run_say(r, "t-SNE of %s: KL %.4f after %d iterations, %.1f s", space, res.kl, res.n_iter, dt);
    char file[64], path[1400];
    snprintf(file, sizeof file, "tsne_%s.npy", space);
    if (!(st = ae_run_stage_path(r, path, sizeof path, file, err)) && !(st = ae_npy_write_matrix(path, &res.y, err)) &&
        ae_run_figures_on(r))
        st = scatters(r, "tsne", "t-SNE", space, &res.y, err);
    if (!st) {
        if (!r->embed) r->embed = json_object_new_object();
        json_object *j = json_object_new_object();
        json_object_object_add(j, "n", json_object_new_int64((int64_t)n));
        json_object_object_add(j, "kl", json_object_new_double(res.kl));
        json_object_object_add(j, "iterations", json_object_new_int(res.n_iter));
        json_object_object_add(j, "seconds", json_object_new_double(dt));
        snprintf(file, sizeof file, "tsne_%s", space);
        json_object_object_add(r->embed, file, j);
    }
    ae_tsne_result_free(&res);
    return st;
}

ae_status ae_run_embed(run_ctx *r, const char *space, ae_error *err)
{
    const ae_matrix *x;
    ae_status st = ae_run_space_x(r, space, r->fit, "fit", &x, err);
    if (st) return st;
    if (x->cols == 2 && ae_run_figures_on(r) && (st = scatters(r, "latent", "2-D codes", space, x, err))) return st;
    if (ae_config_bool(r->cfg, "embed", "tsne")) st = run_tsne(r, space, x, err);
    return st;
}
