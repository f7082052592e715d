/* [embed]: 2-D pictures of the spaces a run clusters in. A 2-D space (a 2-D
 * latent) is drawn as it is; every embedding of the table (embeddings.h)
 * that [embed] turns on is computed for the first tsne_limit points of the fit
 * set (NAME_SPACE.npy) and drawn. Each picture is coloured once by true class
 * and once by each clusterer's assignment of the fit set. */
#include <string.h>

#include "aeclust/npy.h"
#include "aeclust/plot.h"
#include "embeddings.h"
#include "run_ctx.h"

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
    for (int i = 0; i < r->fit_labels.n && !st; i++) {
        const run_fit_labels *p = &r->fit_labels.items[i];
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

static ae_status run_embedding(run_ctx *r, const ae_run_embedding *e, const char *space, const ae_matrix *x,
                               ae_error *err)
{
    size_t limit = (size_t)e->limit(&r->set);
    size_t n = limit && limit < x->rows ? limit : x->rows;
    ae_matrix head = {.rows = n, .cols = x->cols, .data = x->data};
    json_object *j = json_object_new_object();
    json_object_object_add(j, "n", json_object_new_int64((int64_t)n));
    ae_matrix y = {0};
    double t0 = ae_run_now();
    ae_status st = e->fit(r, space, &head, &y, j, err);
    double dt = ae_run_now() - t0;
    char file[64], path[1400];
    if (!st) {
        ae_run_add_time(r, e->name, dt);
        ae_run_say(r, "%s of %s: %.1f s", e->title, space, dt);
        snprintf(file, sizeof file, "%s_%s.npy", e->name, space);
        if (!(st = ae_run_stage_path(r, path, sizeof path, file, err)) && !(st = ae_npy_write_matrix(path, &y, err)) &&
            ae_run_figures_on(r))
            st = scatters(r, e->name, e->title, space, &y, err);
    }
    if (!st) {
        json_object_object_add(j, "seconds", json_object_new_double(dt));
        if (!r->embed) r->embed = json_object_new_object();
        snprintf(file, sizeof file, "%s_%s", e->name, space);
        json_object_object_add(r->embed, file, json_object_get(j));
    }
    json_object_put(j);
    ae_matrix_free(&y);
    return st;
}

ae_status ae_run_embed(run_ctx *r, const char *space, ae_error *err)
{
    const ae_matrix *x;
    ae_status st = ae_run_space_x(r, space, r->fit, "fit", &x, err);
    if (st) return st;
    if (x->cols == 2 && ae_run_figures_on(r) && (st = scatters(r, "latent", "2-D codes", space, x, err))) return st;
    for (int i = 0; i < ae_run_n_embeddings && !st; i++)
        if (ae_run_embeddings[i]->enabled(&r->set)) st = run_embedding(r, ae_run_embeddings[i], space, x, err);
    return st;
}
