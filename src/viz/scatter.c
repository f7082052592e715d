/* 2-D scatter plots coloured by an integer label, alone or as a strip of
 * small panels sharing one legend (latent snapshots across epochs). Dots are
 * small and translucent so tens of thousands stay readable, and drawn in a
 * fixed pseudo-random order so that no class always lies on top. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/rng.h"
#include "viz.h"

#define DEFAULT_W 800
#define DEFAULT_H 600
#define PANEL_W 280
#define PANEL_H 330
#define MAX_LEGEND 30     /* entries shown; the rest summed up in one line */
#define ORDER_SEED 0x5ca77e5ULL

static ae_status check_points(const char *path, const ae_matrix *xy, const ae_labels *labels, const char *what,
                              ae_error *err)
{
    if (!xy || !xy->data || xy->rows == 0) return ae_fail(err, AE_ERR_ARG, "%s: %s has no points", path, what);
    if (xy->cols != 2)
        return ae_fail(err, AE_ERR_ARG, "%s: %s has %zu columns, a scatter needs 2", path, what, xy->cols);
    if (labels) {
        if (labels->n != xy->rows)
            return ae_fail(err, AE_ERR_ARG, "%s: %zu labels for the %zu points of %s", path, labels->n, xy->rows,
                           what);
        for (size_t i = 0; i < labels->n; i++)
            if (labels->data[i] < 0)
                return ae_fail(err, AE_ERR_ARG, "%s: label %zu of %s is negative (%d)", path, i, what,
                               (int)labels->data[i]);
    }
    for (size_t i = 0; i < xy->rows; i++)
        if (!isfinite(xy->data[2 * i]) || !isfinite(xy->data[2 * i + 1]))
            return ae_fail(err, AE_ERR_NUMERIC, "%s: point %zu of %s is (%g, %g)", path, i, what,
                           (double)xy->data[2 * i], (double)xy->data[2 * i + 1]);
    return AE_OK;
}

static void auto_style(size_t n, double area_scale, const ae_plot_opts *o, double *radius, double *alpha)
{
    double r = n <= 1000 ? 3.5 : n <= 5000 ? 2.5 : n <= 20000 ? 1.8 : 1.3;
    double a = n <= 1000 ? 0.9 : n <= 5000 ? 0.75 : n <= 20000 ? 0.6 : 0.45;
    *radius = o->point_radius > 0 ? o->point_radius : r * area_scale;
    *alpha = o->point_alpha > 0 && o->point_alpha <= 1 ? o->point_alpha : a;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The distinct ids of all panels' labels, ascending, into *ids (malloc'd). */
static ae_status distinct_ids(const ae_scatter_panel *p, int n_panels, int32_t **ids, int *n_ids, const char *path,
                              ae_error *err)
{
    size_t total = 0;
    for (int k = 0; k < n_panels; k++)
        if (p[k].labels) total += p[k].labels->n;
    *ids = NULL;
    *n_ids = 0;
    if (total == 0) return AE_OK;
    int32_t *all = malloc(total * sizeof *all);
    if (!all) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    size_t o = 0;
    for (int k = 0; k < n_panels; k++)
        if (p[k].labels) {
            memcpy(all + o, p[k].labels->data, p[k].labels->n * sizeof *all);
            o += p[k].labels->n;
        }
    qsort(all, total, sizeof *all, cmp_i32);
    size_t m = 0;
    for (size_t i = 0; i < total; i++)
        if (i == 0 || all[i] != all[m - 1]) all[m++] = all[i];
    *ids = all;
    *n_ids = (int)m;
    return AE_OK;
}

typedef struct {
    viz_legend_entry e[MAX_LEGEND];
    char text[MAX_LEGEND][96];
    int n;
} legend_buf;

static void build_legend(legend_buf *L, const int32_t *ids, int n_ids, const ae_plot_opts *o)
{
    const char *prefix = o->name_prefix ? o->name_prefix : "cluster ";
    L->n = 0;
    for (int i = 0; i < n_ids && L->n < MAX_LEGEND; i++) {
        if (i == MAX_LEGEND - 1 && n_ids > MAX_LEGEND) {
            snprintf(L->text[L->n], sizeof L->text[0], "+ %d more", n_ids - i);
            L->e[L->n] = (viz_legend_entry){.text = L->text[L->n], .rgb = {200, 200, 200}};
        }
        else {
            ae_viz_label_name(L->text[L->n], sizeof L->text[0], ids[i], o->names, o->n_names, prefix);
            L->e[L->n] = (viz_legend_entry){.text = L->text[L->n]};
            ae_plot_palette(ids[i], L->e[L->n].rgb);
        }
        L->n++;
    }
}

/* A fixed shuffle of 0..n-1 (the drawing order). */
static size_t *draw_order(size_t n)
{
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx) return NULL;
    for (size_t i = 0; i < n; i++) idx[i] = i;
    ae_rng r;
    ae_rng_seed(&r, ORDER_SEED);
    ae_rng_shuffle(&r, idx, n);
    return idx;
}

/* Draws one panel's frame and dots in the area spec describes. */
static void draw_panel(cairo_t *cr, const viz_frame_spec *spec, const ae_scatter_panel *p, const size_t *order,
                       double area_scale, const ae_plot_opts *o)
{
    const ae_matrix *xy = p->xy;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < xy->rows; i++) {
        x0 = fmin(x0, xy->data[2 * i]);
        x1 = fmax(x1, xy->data[2 * i]);
        y0 = fmin(y0, xy->data[2 * i + 1]);
        y1 = fmax(y1, xy->data[2 * i + 1]);
    }
    ae_viz_pad_range(&x0, &x1, 0.04);
    ae_viz_pad_range(&y0, &y1, 0.04);
    viz_frame f;
    ae_viz_frame_draw(cr, spec, x0, x1, y0, y1, &f);
    double r, a;
    auto_style(xy->rows, area_scale, o, &r, &a);
    cairo_save(cr);
    ae_viz_frame_clip(cr, &f);
    for (size_t j = 0, i; j < xy->rows; j++) {
        i = order[j];
        if (p->labels)
            ae_viz_set_palette(cr, p->labels->data[i], a);
        else
            ae_viz_set_palette(cr, 0, a);
        cairo_arc(cr, viz_px(&f, xy->data[2 * i]), viz_py(&f, xy->data[2 * i + 1]), r, 0, 2 * VIZ_PI);
        cairo_fill(cr);
    }
    cairo_restore(cr);
    ae_viz_frame_outline(cr, &f);
}

ae_status ae_plot_scatter_strip(const char *path, const ae_scatter_panel *panels, int n_panels,
                                const ae_plot_opts *o, ae_error *err)
{
    ae_plot_opts d = ae_plot_defaults();
    if (!o) o = &d;
    if (!path) return ae_fail(err, AE_ERR_ARG, "scatter: no output path");
    if (n_panels < 1 || !panels) return ae_fail(err, AE_ERR_ARG, "%s: a scatter strip needs at least one panel", path);
    for (int k = 0; k < n_panels; k++) {
        char what[32];
        snprintf(what, sizeof what, "panel %d", k + 1);
        ae_status st = check_points(path, panels[k].xy, panels[k].labels, n_panels == 1 ? "the data" : what, err);
        if (st) return st;
    }
    int32_t *ids;
    int n_ids;
    ae_status st = distinct_ids(panels, n_panels, &ids, &n_ids, path, err);
    if (st) return st;
    legend_buf *L = calloc(1, sizeof *L);
    if (!L) {
        free(ids);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    }
    build_legend(L, ids, n_ids, o);
    free(ids);

    /* one panel: a full-size chart; several: small panels side by side */
    int single = n_panels == 1;
    double legend_font = single ? 12 : 11;
    cairo_surface_t *probe = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *pc = cairo_create(probe);
    double lw = 0, lh = 0;
    if (L->n) ae_viz_legend_size(pc, L->e, L->n, VIZ_KEY_DOT, legend_font, &lw, &lh);
    cairo_destroy(pc);
    cairo_surface_destroy(probe);
    double legend_band = L->n ? lw + 16 : 0;
    int has_title = o->title && *o->title;
    double title_band = !single && has_title ? 34 : 0;
    int W = o->width, H = o->height;
    if (!W) W = single ? DEFAULT_W : (int)(n_panels * PANEL_W + legend_band + 8);
    if (!H) H = single ? DEFAULT_H : (int)(PANEL_H + title_band);

    viz_canvas c;
    st = ae_viz_canvas_new(&c, W, H, path, err);
    if (!st) {
        cairo_t *cr = c.cr;
        double panel_w = (W - legend_band - (single ? 0 : 8)) / n_panels;
        double frame_top = 0;
        if (title_band) {
            ae_viz_font(cr, 16, 1);
            cairo_set_source_rgb(cr, 0.07, 0.07, 0.07);
            ae_viz_text(cr, (W - legend_band) / 2, 12, o->title, VIZ_CENTER, VIZ_TOP);
            frame_top = title_band;
        }
        const char *xl = o->x_label ? o->x_label : single ? "dimension 1" : "";
        const char *yl = o->y_label ? o->y_label : single ? "dimension 2" : "";
        for (int k = 0; k < n_panels; k++) {
            viz_frame_spec spec = {.x = k * panel_w, .y = frame_top, .width = panel_w, .height = H - frame_top,
                                   .title = single ? o->title : panels[k].title, .x_label = xl, .y_label = yl,
                                   .font_scale = single ? 1 : 0.82};
            size_t *order = draw_order(panels[k].xy->rows);
            if (!order) {
                st = ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            draw_panel(cr, &spec, &panels[k], order, single ? 1 : 0.75, o);
            free(order);
        }
        if (!st && L->n) {
            double ly = single ? (H - lh) / 2 : frame_top + 40;
            if (ly < 10) ly = 10;
            ae_viz_legend_draw(cr, L->e, L->n, VIZ_KEY_DOT, legend_font, W - legend_band + 4, ly, 0);
        }
        if (!st) st = ae_viz_canvas_write(&c, path, err);
    }
    ae_viz_canvas_free(&c);
    free(L);
    return st;
}

ae_status ae_plot_scatter(const char *path, const ae_matrix *xy, const ae_labels *labels, const ae_plot_opts *o,
                          ae_error *err)
{
    ae_scatter_panel p = {.xy = xy, .labels = labels, .title = NULL};
    return ae_plot_scatter_strip(path, &p, 1, o, err);
}
