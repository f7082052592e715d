/* Heat maps with a count in every cell (the confusion matrix): rows named on
 * the left, columns below (turned 45 degrees when they do not fit), a colour
 * bar on the right, and cell text in black or white, whichever reads better
 * on the cell's colour. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz.h"

#define DEFAULT_W 760
#define DEFAULT_H 680
#define PAD 14.0
#define GAP 6.0
#define BAR_W 16.0

static double luminance(const double rgb[3]) { return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]; }

static void cell_text(char *buf, size_t n, double v, int integers)
{
    if (integers)
        snprintf(buf, n, "%lld", (long long)llround(v));
    else
        snprintf(buf, n, "%.3g", v);
}

static const char *axis_name(char *buf, size_t n, const char *const *names, int i, const ae_plot_opts *o)
{
    if (names && names[i]) return names[i];
    ae_viz_label_name(buf, n, i, o->names, o->n_names, o->name_prefix ? o->name_prefix : "");
    return buf;
}

/* Draws the heat map on a W x H canvas; returns the lowest pixel row used,
 * or -1 when the cells would be under 4 pixels. */
static double draw(cairo_t *cr, int W, int H, const double *values, int rows, int cols, double vmin, double vmax,
                   int integers, const char *const *row_names, const char *const *col_names, const ae_plot_opts *o)
{
    const char *xl = o->x_label ? o->x_label : "cluster";
    const char *yl = o->y_label ? o->y_label : "true class";
    int has_title = o->title && *o->title, has_x = *xl != '\0', has_y = *yl != '\0';
    char buf[128];

    /* margins measured from the labels */
    ae_viz_font(cr, 12, 0);
    double row_w = 0, col_w = 0;
    for (int i = 0; i < rows; i++)
        row_w = fmax(row_w, ae_viz_text_width(cr, axis_name(buf, sizeof buf, row_names, i, o)));
    for (int j = 0; j < cols; j++)
        col_w = fmax(col_w, ae_viz_text_width(cr, axis_name(buf, sizeof buf, col_names, j, o)));
    double cap = ae_viz_cap_height(cr);
    ae_viz_font(cr, 11, 0);
    double bar_label_w = fmax(ae_viz_text_width(cr, "0"), 0);
    {
        viz_ticks t;
        ae_viz_nice_ticks(vmin, vmax, 6, integers, &t);
        for (int i = 0; i < t.n; i++) {
            ae_viz_tick_label(&t, t.v[i], buf, sizeof buf);
            bar_label_w = fmax(bar_label_w, ae_viz_text_width(cr, buf));
        }
    }
    double top = PAD + (has_title ? 16 * 1.25 + GAP + 4 : 4);
    double left = PAD + (has_y ? 13 * 1.2 + GAP : 0) + row_w + GAP;
    double right_band = GAP * 3 + BAR_W + 4 + GAP + bar_label_w + PAD;
    double label_bottom = PAD + (has_x ? 13 * 1.2 + GAP : 0);
    double avail_w = W - left - right_band;
    double bottom_labels = GAP + cap + GAP;
    double cell = fmin(avail_w / cols, (H - top - label_bottom - bottom_labels) / rows);
    int rotate = col_w > cell - 4;
    if (rotate) {
        bottom_labels = GAP + (col_w + cap) * 0.7071 + GAP;
        cell = fmin(avail_w / cols, (H - top - label_bottom - bottom_labels) / rows);
    }
    if (cell < 4) return -1;
    cell = floor(cell);
    double gw = cell * cols, gh = cell * rows;
    left += floor((avail_w - gw) / 2); /* centre the grid in the space it has */
    double grid_bottom = top + gh;

    /* cells and their counts */
    double font = fmin(13, cell * 0.3);
    ae_viz_font(cr, font, 0);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            double v = values[(size_t)i * (size_t)cols + (size_t)j], rgb[3];
            ae_viz_ramp((v - vmin) / (vmax - vmin), rgb);
            double x = left + j * cell, y = top + i * cell;
            cairo_rectangle(cr, x, y, cell, cell);
            cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
            cairo_fill(cr);
            cell_text(buf, sizeof buf, v, integers);
            if (ae_viz_text_width(cr, buf) > cell - 2) continue; /* a number that would spill over is left out */
            double g = luminance(rgb) < 0.5 ? 1 : 0.1;
            cairo_set_source_rgb(cr, g, g, g);
            ae_viz_text(cr, x + cell / 2, y + cell / 2, buf, VIZ_CENTER, VIZ_MIDDLE);
        }
    /* thin white lines between cells */
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 1);
    for (int j = 1; j < cols; j++) {
        cairo_move_to(cr, left + j * cell, top);
        cairo_line_to(cr, left + j * cell, grid_bottom);
    }
    for (int i = 1; i < rows; i++) {
        cairo_move_to(cr, left, top + i * cell);
        cairo_line_to(cr, left + gw, top + i * cell);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_rectangle(cr, left + 0.5, top + 0.5, gw - 1, gh - 1);
    cairo_stroke(cr);

    /* axis labels */
    ae_viz_font(cr, 12, 0);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    for (int i = 0; i < rows; i++)
        ae_viz_text(cr, left - GAP, top + (i + 0.5) * cell, axis_name(buf, sizeof buf, row_names, i, o), VIZ_RIGHT,
                    VIZ_MIDDLE);
    for (int j = 0; j < cols; j++) {
        const char *s = axis_name(buf, sizeof buf, col_names, j, o);
        double x = left + (j + 0.5) * cell;
        if (rotate)
            ae_viz_text_rotated(cr, x + cap / 2, grid_bottom + GAP, -VIZ_PI / 4, s, VIZ_RIGHT, VIZ_TOP);
        else
            ae_viz_text(cr, x, grid_bottom + GAP, s, VIZ_CENTER, VIZ_TOP);
    }
    cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
    ae_viz_font(cr, 13, 0);
    if (has_x) ae_viz_text(cr, left + gw / 2, grid_bottom + bottom_labels + GAP, xl, VIZ_CENTER, VIZ_TOP);
    if (has_y) ae_viz_text_rotated(cr, PAD, top + gh / 2, -VIZ_PI / 2, yl, VIZ_CENTER, VIZ_TOP);
    if (has_title) {
        ae_viz_font(cr, 16, 1);
        cairo_set_source_rgb(cr, 0.07, 0.07, 0.07);
        ae_viz_text(cr, left + gw / 2, PAD, o->title, VIZ_CENTER, VIZ_TOP);
    }

    /* colour bar */
    double bx = left + gw + GAP * 3;
    int steps = (int)gh;
    for (int k = 0; k < steps; k++) {
        double rgb[3];
        ae_viz_ramp(1 - (k + 0.5) / steps, rgb);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle(cr, bx, top + k, BAR_W, 1);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_rectangle(cr, bx + 0.5, top + 0.5, BAR_W - 1, gh - 1);
    cairo_stroke(cr);
    viz_ticks t;
    ae_viz_nice_ticks(vmin, vmax, gh > 300 ? 6 : 4, integers, &t);
    ae_viz_font(cr, 11, 0);
    for (int i = 0; i < t.n; i++) {
        double y = floor(top + (1 - (t.v[i] - vmin) / (vmax - vmin)) * gh) + 0.5;
        cairo_set_source_rgb(cr, 0.33, 0.33, 0.33);
        cairo_move_to(cr, bx + BAR_W, y);
        cairo_line_to(cr, bx + BAR_W + 4, y);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        ae_viz_tick_label(&t, t.v[i], buf, sizeof buf);
        ae_viz_text(cr, bx + BAR_W + 4 + GAP, y, buf, VIZ_LEFT, VIZ_MIDDLE);
    }

    return fmax(grid_bottom + bottom_labels + (has_x ? GAP + 13 * 1.2 : 0), top + gh);
}

ae_status ae_plot_heatmap(const char *path, const double *values, int rows, int cols,
                          const char *const *row_names, const char *const *col_names, const ae_plot_opts *o,
                          ae_error *err)
{
    ae_plot_opts d = ae_plot_defaults();
    if (!o) o = &d;
    if (!path) return ae_fail(err, AE_ERR_ARG, "heat map: no output path");
    if (rows < 1 || cols < 1 || !values)
        return ae_fail(err, AE_ERR_ARG, "%s: a heat map of %d x %d cells", path, rows, cols);
    if (rows > 1000 || cols > 1000)
        return ae_fail(err, AE_ERR_ARG, "%s: a heat map of %d x %d cells is too large to draw (at most 1000 a side)",
                       path, rows, cols);
    double vmin = 0, vmax = 0;
    int integers = 1;
    for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++) {
        double v = values[i];
        if (!isfinite(v))
            return ae_fail(err, AE_ERR_NUMERIC, "%s: heat-map cell (%zu, %zu) is %g", path, i / (size_t)cols,
                           i % (size_t)cols, v);
        if (v != floor(v) || fabs(v) > 1e15) integers = 0;
        vmin = fmin(vmin, v);
        vmax = fmax(vmax, v);
    }
    if (vmax <= vmin) vmax = vmin + 1;

    int W = o->width ? o->width : DEFAULT_W, H = o->height ? o->height : DEFAULT_H;
    viz_canvas c;
    ae_status st = ae_viz_canvas_new(&c, W, H, path, err);
    if (st) return st;
    double used = draw(c.cr, W, H, values, rows, cols, vmin, vmax, integers, row_names, col_names, o);
    if (used < 0) {
        ae_viz_canvas_free(&c);
        return ae_fail(err, AE_ERR_ARG, "%s: %d x %d cells do not fit in %d x %d pixels", path, rows, cols, W, H);
    }
    int fit = (int)ceil(used + PAD);
    if (!o->height && fit < H - 4) {
        /* a default height and cells limited by the width: trim the blank
         * band below (the same layout fits the shorter canvas exactly) */
        ae_viz_canvas_free(&c);
        if ((st = ae_viz_canvas_new(&c, W, fit, path, err))) return st;
        draw(c.cr, W, fit, values, rows, cols, vmin, vmax, integers, row_names, col_names, o);
    }
    st = ae_viz_canvas_write(&c, path, err);
    ae_viz_canvas_free(&c);
    return st;
}

ae_status ae_plot_confusion(const char *path, const ae_contingency *c, const ae_plot_opts *o, ae_error *err)
{
    if (!c || c->n_classes < 1 || c->n_clusters < 1 || !c->counts)
        return ae_fail(err, AE_ERR_ARG, "%s: an empty contingency table", path ? path : "confusion matrix");
    int rows = c->n_classes, cols = c->n_clusters;
    ae_plot_opts d = o ? *o : ae_plot_defaults();
    int *to_class = malloc((size_t)cols * sizeof *to_class), *order = malloc((size_t)cols * sizeof *order);
    double *v = malloc((size_t)rows * (size_t)cols * sizeof *v);
    char *text = malloc((size_t)(rows + cols) * 96);
    const char **rn = malloc((size_t)rows * sizeof *rn), **cn = malloc((size_t)cols * sizeof *cn);
    ae_status st = AE_OK;
    double acc;
    if (!to_class || !order || !v || !text || !rn || !cn)
        st = ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    else
        st = ae_accuracy(c, &acc, to_class, err);
    if (!st) {
        /* column j: the cluster matched to class j, then the unmatched ones */
        int n = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (to_class[j] == i) order[n++] = j;
        for (int j = 0; j < cols; j++)
            if (to_class[j] < 0) order[n++] = j;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++)
                v[(size_t)i * (size_t)cols + (size_t)j] = (double)c->counts[(size_t)i * (size_t)cols + (size_t)order[j]];
            char *s = text + (size_t)i * 96;
            ae_viz_label_name(s, 96, c->class_ids[i], d.names, d.n_names, "");
            rn[i] = s;
        }
        for (int j = 0; j < cols; j++) {
            char *s = text + (size_t)(rows + j) * 96;
            snprintf(s, 96, "%d", (int)c->cluster_ids[order[j]]);
            cn[j] = s;
        }
        if (!d.x_label) d.x_label = "cluster (columns in Hungarian-matched order)";
        st = ae_plot_heatmap(path, v, rows, cols, rn, cn, &d, err);
    }
    free(to_class);
    free(order);
    free(v);
    free(text);
    free(rn);
    free(cn);
    return st;
}
