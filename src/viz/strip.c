/* Strip plots: a column of dots per group on a categorical x axis, the mean
 * of each column a short bar across it (the metrics of a run over seeds: one
 * column per clusterer, space and split, one dot per seed). Dots of a column
 * are spread sideways by the golden-ratio sequence, a fixed pattern, so the
 * same values always give the same picture and equal values stay apart. */
#include <math.h>
#include <stdlib.h>

#include "viz.h"

#define DEFAULT_W 800
#define DEFAULT_H 600
#define DOT_R 4.5
#define MAX_SPREAD 60.0 /* pixels a column's dots spread over at most */
#define MAX_BAR 50.0    /* pixels the mean bar spans at most */

static double spread(int i, int n) { return n < 2 ? 0 : fmod(i * 0.6180339887498949, 1.0) - 0.5; }

ae_status ae_plot_strip(const char *path, const ae_plot_strip_column *cols, int n_cols, const ae_plot_opts *o,
                        ae_error *err)
{
    ae_plot_opts d = ae_plot_defaults();
    if (!o) o = &d;
    if (!path) return ae_fail(err, AE_ERR_ARG, "strip plot: no output path");
    if (n_cols < 1 || !cols) return ae_fail(err, AE_ERR_ARG, "%s: a strip plot needs at least one column", path);
    double y0 = INFINITY, y1 = -INFINITY;
    for (int k = 0; k < n_cols; k++) {
        if (cols[k].n < 0 || (cols[k].n > 0 && !cols[k].values))
            return ae_fail(err, AE_ERR_ARG, "%s: column %d has %d values and %s array", path, k, cols[k].n,
                           cols[k].values ? "an" : "no");
        for (int i = 0; i < cols[k].n; i++)
            if (isfinite(cols[k].values[i])) {
                y0 = fmin(y0, cols[k].values[i]);
                y1 = fmax(y1, cols[k].values[i]);
            }
    }
    if (!(y1 >= y0)) return ae_fail(err, AE_ERR_ARG, "%s: no finite value to draw", path);
    ae_viz_pad_range(&y0, &y1, 0.08);
    const char **names = malloc((size_t)n_cols * sizeof *names);
    if (!names) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    for (int k = 0; k < n_cols; k++) names[k] = cols[k].name ? cols[k].name : "";

    viz_canvas c;
    ae_status st = ae_viz_canvas_new(&c, o->width ? o->width : DEFAULT_W, o->height ? o->height : DEFAULT_H, path, err);
    if (st) {
        free(names);
        return st;
    }
    cairo_t *cr = c.cr;
    viz_frame_spec spec = {.x = 0, .y = 0, .width = c.width, .height = c.height, .title = o->title,
                           .x_label = o->x_label, .y_label = o->y_label, .font_scale = 1,
                           .x_categories = names, .n_x_categories = n_cols};
    viz_frame f;
    ae_viz_frame_draw(cr, &spec, 0.5, n_cols + 0.5, y0, y1, &f);

    double slot = (f.right - f.left) / n_cols;
    double half_spread = fmin(0.4 * slot, MAX_SPREAD) / 2, half_bar = fmin(0.3 * slot, MAX_BAR) / 2;
    cairo_save(cr);
    ae_viz_frame_clip(cr, &f);
    for (int k = 0; k < n_cols; k++) {
        const ae_plot_strip_column *col = &cols[k];
        double cx = viz_px(&f, k + 1), sum = 0;
        int m = 0;
        ae_viz_set_palette(cr, k, 0.8);
        for (int i = 0; i < col->n; i++) {
            if (!isfinite(col->values[i])) continue;
            cairo_arc(cr, cx + 2 * half_spread * spread(i, col->n), viz_py(&f, col->values[i]), DOT_R, 0, 2 * VIZ_PI);
            cairo_fill(cr);
            sum += col->values[i];
            m++;
        }
        if (!m) continue;
        double py = floor(viz_py(&f, sum / m)) + 0.5;
        cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, cx - half_bar, py);
        cairo_line_to(cr, cx + half_bar, py);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    ae_viz_frame_outline(cr, &f);
    free(names);
    st = ae_viz_canvas_write(&c, path, err);
    ae_viz_canvas_free(&c);
    return st;
}
