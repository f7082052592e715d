/* [elbow]: the k-means inertia of the fit set for k = k_min..k_max (seed
 * 002's elbow over k = 1..25), in elbow.csv, metrics.json and figures/elbow.png. */
#include <stdlib.h>

#include "aeclust/elbow.h"
#include "aeclust/plot.h"
#include "run_ctx.h"

ae_status ae_run_elbow(run_ctx *r, const char *space, ae_error *err)
{
    ae_elbow_opts o = ae_elbow_defaults();
    const ae_settings *s = &r->set;
    o.k_min = (int)s->elbow.k_min;
    o.k_max = (int)s->elbow.k_max;
    o.n_init = (int)s->elbow.n_init;
    o.max_iter = (int)s->cluster.max_iter;
    o.tol = s->cluster.tol;
    o.seed = ae_settings_seed(s, AE_STREAM_ELBOW, 0);
    const ae_matrix *x;
    ae_status st = ae_run_space_x(r, space, r->fit, "fit", &x, err);
    if (st) return st;
    if (o.k_min > o.k_max || (size_t)o.k_max > x->rows)
        return ae_settings_fail(s, AE_KEY_elbow_k_max, err, AE_ERR_ARG, "elbow k-range %d..%d is empty for %zu points of %s",
                                o.k_min, o.k_max, x->rows, r->fit_name);
    int n = o.k_max - o.k_min + 1;
    double *inertia = malloc((size_t)n * sizeof *inertia);
    int *ks = malloc((size_t)n * sizeof *ks);
    if (!inertia || !ks) {
        free(inertia);
        free(ks);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for the elbow");
    }
    ae_run_say(r, "elbow: k-means for k = %d..%d (n_init %d) on %zu x %zu %s", o.k_min, o.k_max, o.n_init, x->rows,
               x->cols, space);
    double t0 = ae_run_now();
    char path[1500];
    if (!(st = ae_elbow(x, &o, inertia, err)) && !(st = ae_run_stage_path(r, path, sizeof path, "elbow.csv", err)))
        st = ae_elbow_write_csv(path, o.k_min, inertia, n, err);
    ae_run_add_time(r, "elbow", ae_run_now() - t0);
    if (!st && ae_run_figures_on(r)) {
        for (int i = 0; i < n; i++) ks[i] = o.k_min + i;
        ae_plot_opts po = ae_plot_defaults();
        char title[128];
        snprintf(title, sizeof title, "elbow: k-means inertia of %s", space);
        po.title = title;
        if (!(st = ae_run_figure_path(r, path, sizeof path, "elbow", err)))
            st = ae_plot_elbow(path, ks, inertia, n, &po, err);
    }
    if (!st) {
        json_object *j = json_object_new_object(), *a = json_object_new_array();
        json_object_object_add(j, "space", json_object_new_string(space));
        json_object_object_add(j, "k_min", json_object_new_int(o.k_min));
        for (int i = 0; i < n; i++) json_object_array_add(a, json_object_new_double(inertia[i]));
        json_object_object_add(j, "inertia", a);
        r->elbow = j;
    }
    free(inertia);
    free(ks);
    return st;
}
