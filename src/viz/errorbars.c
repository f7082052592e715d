/* Lines with error bars: a metric (the mean over seeds, the bar its sd)
 * against the values of a swept setting, numeric or categorical, one line per
 * combination of the other settings. The legend stands right of the plot so
 * that many long names never cover a point; the lines of one x are nudged
 * apart a little so their bars do not hide each other. */
#include <math.h>
#include <stdlib.h>

#include "viz.h"

#define DEFAULT_W 800
#define DEFAULT_H 600
#define LEGEND_GAP 16.0
#define MARKER_R 4.0
#define CAP 4.0 /* half-width of an error bar's ends */

static int finite_sd(const ae_plot_errorbar_series *s, int i) { return s->sd && isfinite(s->sd[i]) && s->sd[i] > 0; }

static int has_point(const ae_plot_errorbar_series *s, int n_x)
{
    for (int i = 0; i < n_x; i++)
        if (isfinite(s->y[i])) return 1;
    return 0;
}

/* order[] = 0..n-1 sorted by x (insertion sort: n is a handful of values). */
static void sort_by_x(const double *x, int n, int *order)
{
    for (int i = 0; i < n; i++) order[i] = i;
    if (!x) return;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && x[order[j - 1]] > x[order[j]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

static ae_status check(const char *path, const double *x, const char *const *x_labels, int n_x,
                       const ae_plot_errorbar_series *series, int n_series, ae_error *err)
{
    if (!path) return ae_fail(err, AE_ERR_ARG, "error-bar chart: no output path");
    if (n_x < 1 || (!x && !x_labels)) return ae_fail(err, AE_ERR_ARG, "%s: an error-bar chart needs x values", path);
    if (n_series < 1 || !series) return ae_fail(err, AE_ERR_ARG, "%s: an error-bar chart needs a series", path);
    for (int i = 0; x && i < n_x; i++) {
        if (!isfinite(x[i])) return ae_fail(err, AE_ERR_NUMERIC, "%s: x value %d is %g", path, i, x[i]);
        for (int j = 0; j < i; j++)
            if (x[j] == x[i]) return ae_fail(err, AE_ERR_ARG, "%s: x value %g is given twice", path, x[i]);
    }
    for (int k = 0; k < n_series; k++)
        if (!series[k].y) return ae_fail(err, AE_ERR_ARG, "%s: series %d has no y values", path, k);
    return AE_OK;
}

ae_status ae_plot_errorbars(const char *path, const double *x, const char *const *x_labels, int n_x,
                            const ae_plot_errorbar_series *series, int n_series, const ae_plot_opts *o,
                            ae_error *err)
{
    ae_plot_opts d = ae_plot_defaults();
    if (!o) o = &d;
    ae_status st = check(path, x, x_labels, n_x, series, n_series, err);
    if (st) return st;
    double y0 = INFINITY, y1 = -INFINITY;
    for (int k = 0; k < n_series; k++)
        for (int i = 0; i < n_x; i++) {
            double y = series[k].y[i], e = finite_sd(&series[k], i) ? series[k].sd[i] : 0;
            if (!isfinite(y)) continue;
            y0 = fmin(y0, y - e);
            y1 = fmax(y1, y + e);
        }
    if (!(y1 >= y0)) return ae_fail(err, AE_ERR_ARG, "%s: no finite point to draw", path);
    double x0 = 0.5, x1 = n_x + 0.5;
    int x_integer = 1;
    if (x) {
        x0 = INFINITY, x1 = -INFINITY;
        for (int i = 0; i < n_x; i++) {
            x0 = fmin(x0, x[i]);
            x1 = fmax(x1, x[i]);
            if (x[i] != floor(x[i])) x_integer = 0;
        }
        ae_viz_pad_range(&x0, &x1, 0.05);
    }
    ae_viz_pad_range(&y0, &y1, 0.06);

    int *order = malloc((size_t)n_x * sizeof *order);
    viz_legend_entry *e = calloc((size_t)n_series, sizeof *e);
    if (!order || !e) {
        free(order);
        free(e);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    }
    sort_by_x(x, n_x, order);
    int n_e = 0;
    for (int k = 0; k < n_series; k++) {
        if (!series[k].name || !has_point(&series[k], n_x)) continue;
        e[n_e].text = series[k].name;
        ae_plot_palette(k, e[n_e].rgb);
        e[n_e].marker = 1;
        n_e++;
    }

    /* the legend's size needs a cairo context: measure on a scratch canvas */
    double lw = 0, lh = 0;
    viz_canvas c;
    if ((st = ae_viz_canvas_new(&c, 16, 16, path, err))) goto done;
    if (n_e) ae_viz_legend_size(c.cr, e, n_e, VIZ_KEY_LINE, 12, &lw, &lh);
    ae_viz_canvas_free(&c);
    int width = o->width ? o->width : DEFAULT_W + (n_e ? (int)ceil(lw + LEGEND_GAP) : 0);
    int height = o->height ? o->height : (int)fmax(DEFAULT_H, ceil(lh + 80));
    if ((st = ae_viz_canvas_new(&c, width, height, path, err))) goto done;
    cairo_t *cr = c.cr;
    /* a width too small for the legend leaves the plot a little room all the same */
    viz_frame_spec spec = {.x = 0, .y = 0, .width = fmax(0.4 * c.width, c.width - (n_e ? lw + LEGEND_GAP : 0)),
                           .height = c.height,
                           .title = o->title, .x_label = o->x_label, .y_label = o->y_label, .font_scale = 1,
                           .x_integer = x_integer, .x_categories = x ? NULL : x_labels, .n_x_categories = x ? 0 : n_x};
    viz_frame f;
    ae_viz_frame_draw(cr, &spec, x0, x1, y0, y1, &f);

    /* nudge: the lines at one x spread over at most a quarter of the closest gap */
    double gap = f.right - f.left;
    for (int i = 1; i < n_x; i++) {
        double a = x ? x[order[i - 1]] : i, b = x ? x[order[i]] : i + 1;
        gap = fmin(gap, viz_px(&f, b) - viz_px(&f, a));
    }
    double nudge = n_series > 1 ? fmin(6.0, 0.25 * gap / (n_series - 1)) : 0;

    cairo_save(cr);
    ae_viz_frame_clip(cr, &f);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (int k = 0; k < n_series; k++) {
        const ae_plot_errorbar_series *s = &series[k];
        double off = (k - (n_series - 1) / 2.0) * nudge;
        ae_viz_set_palette(cr, k, 1);
        cairo_set_line_width(cr, 2);
        int open = 0;
        for (int j = 0; j < n_x; j++) {
            int i = order[j];
            if (!isfinite(s->y[i])) {
                open = 0;
                continue;
            }
            double px = viz_px(&f, x ? x[i] : i + 1) + off, py = viz_py(&f, s->y[i]);
            if (open)
                cairo_line_to(cr, px, py);
            else
                cairo_move_to(cr, px, py);
            open = 1;
        }
        cairo_stroke(cr);
        cairo_set_line_width(cr, 1.5);
        for (int i = 0; i < n_x; i++) {
            if (!isfinite(s->y[i])) continue;
            double px = viz_px(&f, x ? x[i] : i + 1) + off, py = viz_py(&f, s->y[i]);
            if (finite_sd(s, i)) {
                double lo = viz_py(&f, s->y[i] - s->sd[i]), hi = viz_py(&f, s->y[i] + s->sd[i]);
                cairo_move_to(cr, px, lo);
                cairo_line_to(cr, px, hi);
                cairo_move_to(cr, px - CAP, lo);
                cairo_line_to(cr, px + CAP, lo);
                cairo_move_to(cr, px - CAP, hi);
                cairo_line_to(cr, px + CAP, hi);
                cairo_stroke(cr);
            }
            cairo_arc(cr, px, py, MARKER_R, 0, 2 * VIZ_PI);
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);
    ae_viz_frame_outline(cr, &f);
    if (n_e) ae_viz_legend_draw(cr, e, n_e, VIZ_KEY_LINE, 12, f.right + LEGEND_GAP, f.top, 0);
    st = ae_viz_canvas_write(&c, path, err);
    ae_viz_canvas_free(&c);
done:
    free(order);
    free(e);
    return st;
}
