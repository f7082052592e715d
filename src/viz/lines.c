/* Line charts: any set of series, and the two the pipeline draws (training
 * curves and the elbow). A non-finite y breaks a line; a series with no
 * finite point is left out with its legend entry. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "viz.h"

#define DEFAULT_W 800
#define DEFAULT_H 600

static int series_has_point(const ae_plot_series *s)
{
    for (int i = 0; i < s->n; i++)
        if (isfinite(s->y[i])) return 1;
    return 0;
}

static double sx(const ae_plot_series *s, int i) { return s->x ? s->x[i] : i + 1; }

static void draw_series(cairo_t *cr, const viz_frame *f, const ae_plot_series *s, int color)
{
    ae_viz_set_palette(cr, color, 1);
    cairo_set_line_width(cr, 2);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (s->dashed) {
        double dash[2] = {7, 4};
        cairo_set_dash(cr, dash, 2, 0);
    }
    int open = 0;
    for (int i = 0; i < s->n; i++) {
        if (!isfinite(s->y[i])) {
            open = 0;
            continue;
        }
        double px = viz_px(f, sx(s, i)), py = viz_py(f, s->y[i]);
        if (open)
            cairo_line_to(cr, px, py);
        else
            cairo_move_to(cr, px, py);
        open = 1;
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    for (int i = 0; i < s->n; i++) {
        if (!isfinite(s->y[i])) continue;
        int alone = (i == 0 || !isfinite(s->y[i - 1])) && (i == s->n - 1 || !isfinite(s->y[i + 1]));
        if (!s->markers && !alone) continue;
        cairo_arc(cr, viz_px(f, sx(s, i)), viz_py(f, s->y[i]), 4, 0, 2 * VIZ_PI);
        cairo_fill(cr);
    }
}

ae_status ae_plot_lines(const char *path, const ae_plot_series *series, int n_series, const ae_plot_opts *o,
                        ae_error *err)
{
    ae_plot_opts d = ae_plot_defaults();
    if (!o) o = &d;
    if (!path) return ae_fail(err, AE_ERR_ARG, "line chart: no output path");
    if (n_series < 1 || !series) return ae_fail(err, AE_ERR_ARG, "%s: a line chart needs at least one series", path);
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    int x_integer = 1;
    for (int k = 0; k < n_series; k++) {
        const ae_plot_series *s = &series[k];
        if (s->n < 0 || (s->n > 0 && !s->y))
            return ae_fail(err, AE_ERR_ARG, "%s: series %d has %d points and %s y values", path, k, s->n,
                           s->y ? "some" : "no");
        for (int i = 0; i < s->n; i++) {
            double x = sx(s, i);
            if (!isfinite(x))
                return ae_fail(err, AE_ERR_NUMERIC, "%s: series %d, point %d has x = %g", path, k, i, x);
            if (!isfinite(s->y[i])) continue;
            if (x != floor(x)) x_integer = 0;
            x0 = fmin(x0, x);
            x1 = fmax(x1, x);
            y0 = fmin(y0, s->y[i]);
            y1 = fmax(y1, s->y[i]);
        }
    }
    if (!(x1 >= x0)) return ae_fail(err, AE_ERR_ARG, "%s: no finite point to draw", path);
    ae_viz_pad_range(&x0, &x1, 0.03);
    ae_viz_pad_range(&y0, &y1, 0.06);

    viz_canvas c;
    ae_status st = ae_viz_canvas_new(&c, o->width ? o->width : DEFAULT_W, o->height ? o->height : DEFAULT_H, path, err);
    if (st) return st;
    cairo_t *cr = c.cr;
    viz_frame_spec spec = {.x = 0, .y = 0, .width = c.width, .height = c.height, .title = o->title,
                           .x_label = o->x_label, .y_label = o->y_label, .font_scale = 1, .x_integer = x_integer};
    viz_frame f;
    ae_viz_frame_draw(cr, &spec, x0, x1, y0, y1, &f);

    cairo_save(cr);
    ae_viz_frame_clip(cr, &f);
    for (int k = 0; k < n_series; k++)
        if (series_has_point(&series[k])) draw_series(cr, &f, &series[k], k);
    cairo_restore(cr);
    ae_viz_frame_outline(cr, &f);

    viz_legend_entry *e = calloc((size_t)n_series, sizeof *e);
    if (!e) {
        ae_viz_canvas_free(&c);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    }
    int n_e = 0;
    for (int k = 0; k < n_series; k++) {
        if (!series[k].name || !series_has_point(&series[k])) continue;
        e[n_e].text = series[k].name;
        ae_plot_palette(k, e[n_e].rgb);
        e[n_e].dashed = series[k].dashed;
        e[n_e].marker = series[k].markers;
        n_e++;
    }
    if (n_e) {
        double lw, lh;
        ae_viz_legend_size(cr, e, n_e, VIZ_KEY_LINE, 12, &lw, &lh);
        ae_viz_legend_draw(cr, e, n_e, VIZ_KEY_LINE, 12, f.right - lw - 10, f.top + 10, 1);
    }
    free(e);
    st = ae_viz_canvas_write(&c, path, err);
    ae_viz_canvas_free(&c);
    return st;
}

ae_status ae_plot_loss(const char *path, const ae_train_history *h, const ae_plot_opts *o, ae_error *err)
{
    if (!h || h->n < 1 || !h->epochs)
        return ae_fail(err, AE_ERR_ARG, "%s: the training history has no epoch", path ? path : "loss chart");
    ae_plot_opts d = o ? *o : ae_plot_defaults();
    if (!d.x_label) d.x_label = "epoch";
    if (!d.y_label) d.y_label = "loss";
    double *buf = malloc(sizeof(double) * 3 * (size_t)h->n);
    if (!buf) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    double *x = buf, *tr = buf + h->n, *va = buf + 2 * h->n;
    for (int i = 0; i < h->n; i++) {
        x[i] = h->epochs[i].epoch;
        tr[i] = h->epochs[i].train_loss;
        va[i] = h->epochs[i].val_loss;
    }
    int markers = h->n <= 40;
    ae_plot_series s[2] = {{.name = "train", .x = x, .y = tr, .n = h->n, .markers = markers},
                           {.name = "validation", .x = x, .y = va, .n = h->n, .markers = markers}};
    ae_status st = ae_plot_lines(path, s, 2, &d, err);
    free(buf);
    return st;
}

ae_status ae_plot_elbow(const char *path, const int *k, const double *inertia, int n, const ae_plot_opts *o,
                        ae_error *err)
{
    if (n < 1 || !k || !inertia)
        return ae_fail(err, AE_ERR_ARG, "%s: the elbow curve has no point", path ? path : "elbow chart");
    ae_plot_opts d = o ? *o : ae_plot_defaults();
    if (!d.x_label) d.x_label = "k (clusters)";
    if (!d.y_label) d.y_label = "inertia";
    double *x = malloc(sizeof(double) * (size_t)n);
    if (!x) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    for (int i = 0; i < n; i++) x[i] = k[i];
    ae_plot_series s = {.name = NULL, .x = x, .y = inertia, .n = n, .markers = 1};
    ae_status st = ae_plot_lines(path, &s, 1, &d, err);
    free(x);
    return st;
}

ae_status ae_plot_kdistance(const char *path, const double *kdist, size_t n, int k, const ae_plot_opts *o,
                            ae_error *err)
{
    if (n < 1 || !kdist) return ae_fail(err, AE_ERR_ARG, "%s: the k-distance curve has no point", path ? path : "k-distance chart");
    if (n > (size_t)1 << 30) return ae_fail(err, AE_ERR_ARG, "%s: %zu points are too many for a chart", path, n);
    ae_plot_opts d = o ? *o : ae_plot_defaults();
    char ylab[64];
    if (k > 0)
        snprintf(ylab, sizeof ylab, "distance to the %d-th nearest point", k);
    else
        snprintf(ylab, sizeof ylab, "k-distance");
    if (!d.x_label) d.x_label = "points, by decreasing k-distance";
    if (!d.y_label) d.y_label = ylab;
    ae_plot_series s = {.name = NULL, .x = NULL, .y = kdist, .n = (int)n, .markers = n <= 40};
    return ae_plot_lines(path, &s, 1, &d, err);
}
