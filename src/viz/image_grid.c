/* Grids of grayscale images: pixels written straight into the canvas (each
 * one a scale x scale block, nearest neighbour), with optional row labels on
 * the left (several lines each), column labels on top, a caption under each
 * image and a title. Everything the figures of image data need is this one
 * primitive with different labels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz.h"

#define MARGIN 10.0
#define LABEL_GAP 10.0
#define MAX_LINES 8

ae_image_grid_opts ae_image_grid_defaults(void)
{
    return (ae_image_grid_opts){.columns = 10, .scale = 2, .padding = 4, .group = 0, .invert = 0, .vmin = 0,
                                .vmax = 1};
}

ae_status ae_viz_check_images(const ae_matrix *m, int h, int w, size_t need, const char *what, ae_error *err)
{
    if (h < 1 || w < 1) return ae_fail(err, AE_ERR_ARG, "%s: images of %d x %d pixels", what, h, w);
    if (!m || !m->data || m->rows == 0) return ae_fail(err, AE_ERR_ARG, "%s: no images", what);
    if (m->cols != (size_t)h * (size_t)w)
        return ae_fail(err, AE_ERR_ARG, "%s has %zu columns, images of %d x %d pixels need %d", what, m->cols, h, w,
                       h * w);
    if (m->rows < need) return ae_fail(err, AE_ERR_ARG, "%s has %zu images, %zu are needed", what, m->rows, need);
    return AE_OK;
}

/* Splits s at '\n' into at most MAX_LINES lines (copies into buf). */
static int split_lines(const char *s, char *buf, size_t n, const char **lines)
{
    snprintf(buf, n, "%s", s ? s : "");
    int k = 0;
    char *p = buf;
    while (k < MAX_LINES) {
        lines[k++] = p;
        char *nl = strchr(p, '\n');
        if (!nl) break;
        *nl = '\0';
        p = nl + 1;
    }
    return k;
}

typedef struct {
    int rows, cols, cw, ch;           /* grid and cell size in pixels */
    double row_label_w, line_h, row_h, col_band, title_band, caption_h, caption_font, group_gap;
    double col_font;                  /* column labels: font size, and every col_every-th one shown */
    int col_every;
    int row_every;                    /* row labels: every row_every-th one shown */
    double x0, y0;                    /* top-left corner of the first cell */
    int width, height;
} grid_layout;

static double cell_x(const grid_layout *L, const ae_image_grid_opts *o, int j)
{
    int groups = o->group > 0 ? j / o->group : 0;
    return L->x0 + j * (L->cw + o->padding) + groups * L->group_gap;
}

static double cell_y(const grid_layout *L, const ae_image_grid_opts *o, int i)
{
    return L->y0 + i * (L->row_h + o->padding);
}

static void layout(cairo_t *cr, size_t n, int h, int w, const ae_image_grid_opts *o, grid_layout *L)
{
    memset(L, 0, sizeof *L);
    L->cols = o->columns > 0 && (size_t)o->columns < n ? o->columns : (int)n;
    L->rows = (int)((n + (size_t)L->cols - 1) / (size_t)L->cols);
    L->cw = w * o->scale;
    L->ch = h * o->scale;
    L->group_gap = o->group > 0 ? fmax(10, 2.0 * o->padding) : 0;
    char buf[512];
    const char *lines[MAX_LINES];
    int max_lines = 1;
    ae_viz_font(cr, 12, 0);
    L->line_h = 12 * 1.3;
    if (o->row_labels) {
        for (int i = 0; i < L->rows; i++) {
            int k = split_lines(o->row_labels[i], buf, sizeof buf, lines);
            if (k > max_lines) max_lines = k;
            for (int l = 0; l < k; l++) L->row_label_w = fmax(L->row_label_w, ae_viz_text_width(cr, lines[l]));
        }
        L->row_label_w += LABEL_GAP;
    }
    if (o->captions) {
        /* shrink the caption font until the widest caption fits its cell */
        double f = 11, widest = 0;
        ae_viz_font(cr, f, 0);
        for (size_t i = 0; i < n; i++)
            if (o->captions[i]) widest = fmax(widest, ae_viz_text_width(cr, o->captions[i]));
        double room = L->cw + o->padding - 2;
        if (widest > room) f = fmax(7, f * room / widest);
        L->caption_font = f;
        L->caption_h = f * 1.45;
    }
    /* rows grow to fit their labels, except in a gapless grid (a manifold),
     * which keeps its images touching and labels only every n-th row */
    L->row_h = L->ch + L->caption_h;
    L->row_every = 1;
    if (o->row_labels && o->padding > 0)
        L->row_h = fmax(L->row_h, max_lines * L->line_h);
    else if (o->row_labels)
        L->row_every = (int)ceil((max_lines * L->line_h + 2) / L->row_h);
    if (o->column_labels) {
        /* shrink to fit the column pitch (down to 8 px), then show only every
         * n-th label (axis values over a gapless manifold) */
        double f = 11, widest = 0, pitch = L->cw + o->padding;
        ae_viz_font(cr, f, 0);
        for (int j = 0; j < L->cols; j++)
            if (o->column_labels[j]) widest = fmax(widest, ae_viz_text_width(cr, o->column_labels[j]));
        if (widest > pitch - 3) f = fmax(9.5, f * (pitch - 3) / widest);
        L->col_font = f;
        L->col_every = (int)ceil((widest * f / 11 + 6) / pitch);
        if (L->col_every < 1) L->col_every = 1;
        L->col_band = 11 * 1.2 + 6;
    }
    if (o->title && *o->title) L->title_band = 15 * 1.25 + 10;
    L->x0 = MARGIN + L->row_label_w;
    L->y0 = MARGIN + L->title_band + L->col_band;
    double grid_w = cell_x(L, o, L->cols - 1) + L->cw - L->x0;
    double grid_h = L->rows * L->row_h + (L->rows - 1) * o->padding;
    double wd = L->x0 + grid_w + MARGIN;
    if (o->title && *o->title) {
        ae_viz_font(cr, 15, 1);
        double tw = ae_viz_text_width(cr, o->title) + 2 * MARGIN;
        if (tw > wd) { /* a title wider than the grid: widen the figure, grid centred */
            L->x0 += floor((tw - wd) / 2);
            wd = tw;
        }
    }
    L->width = (int)ceil(wd);
    L->height = (int)ceil(L->y0 + grid_h + MARGIN);
}

static void put_pixels(viz_canvas *c, const grid_layout *L, const float *images, size_t n, int h, int w,
                       const ae_image_grid_opts *o)
{
    cairo_surface_flush(c->surface);
    unsigned char *data = cairo_image_surface_get_data(c->surface);
    int stride = cairo_image_surface_get_stride(c->surface);
    double range = (double)o->vmax - (double)o->vmin;
    for (size_t k = 0; k < n; k++) {
        int gi = (int)(k / (size_t)L->cols), gj = (int)(k % (size_t)L->cols);
        int x0 = (int)cell_x(L, o, gj), y0 = (int)cell_y(L, o, gi);
        const float *img = images + k * (size_t)h * (size_t)w;
        for (int r = 0; r < h; r++)
            for (int q = 0; q < w; q++) {
                float v = img[(size_t)r * (size_t)w + (size_t)q];
                if (isnan(v)) continue; /* background */
                double t = (v - o->vmin) / range;
                t = t < 0 ? 0 : t > 1 ? 1 : t;
                if (o->invert) t = 1 - t;
                uint32_t g = (uint32_t)lrint(t * 255), px = g << 16 | g << 8 | g;
                for (int dy = 0; dy < o->scale; dy++) {
                    uint32_t *row = (uint32_t *)(void *)(data + (size_t)(y0 + r * o->scale + dy) * (size_t)stride);
                    for (int dx = 0; dx < o->scale; dx++) row[x0 + q * o->scale + dx] = px;
                }
            }
    }
    cairo_surface_mark_dirty(c->surface);
}

static void draw_labels(cairo_t *cr, const grid_layout *L, size_t n, const ae_image_grid_opts *o)
{
    char buf[512];
    const char *lines[MAX_LINES];
    cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
    if (o->row_labels) {
        ae_viz_font(cr, 12, 0);
        for (int i = 0; i < L->rows; i += L->row_every) {
            int k = split_lines(o->row_labels[i], buf, sizeof buf, lines);
            /* centred on the image, or from the row's top when taller than it */
            double block = k * L->line_h, mid = cell_y(L, o, i) + fmax(L->ch, block) / 2.0;
            double cy = mid - (k - 1) * L->line_h / 2;
            for (int l = 0; l < k; l++)
                ae_viz_text(cr, L->x0 - LABEL_GAP, cy + l * L->line_h, lines[l], VIZ_RIGHT, VIZ_MIDDLE);
        }
    }
    if (o->column_labels) {
        ae_viz_font(cr, L->col_font, 0);
        for (int j = 0; j < L->cols; j++)
            if (o->column_labels[j] && j % L->col_every == 0)
                ae_viz_text(cr, cell_x(L, o, j) + L->cw / 2.0, L->y0 - 6, o->column_labels[j], VIZ_CENTER,
                            VIZ_BASELINE);
    }
    if (o->captions) {
        ae_viz_font(cr, L->caption_font, 0);
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        for (size_t k = 0; k < n; k++) {
            if (!o->captions[k]) continue;
            int gi = (int)(k / (size_t)L->cols), gj = (int)(k % (size_t)L->cols);
            ae_viz_text(cr, cell_x(L, o, gj) + L->cw / 2.0, cell_y(L, o, gi) + L->ch + 3, o->captions[k], VIZ_CENTER,
                        VIZ_TOP);
        }
    }
    if (o->title && *o->title) {
        ae_viz_font(cr, 15, 1);
        cairo_set_source_rgb(cr, 0.07, 0.07, 0.07);
        ae_viz_text(cr, L->width / 2.0, MARGIN + 2, o->title, VIZ_CENTER, VIZ_TOP);
    }
}

ae_status ae_image_grid_write(const char *path, const float *images, size_t n_images, int h, int w,
                              const ae_image_grid_opts *o, ae_error *err)
{
    ae_image_grid_opts d = ae_image_grid_defaults();
    if (!o) o = &d;
    if (!path) return ae_fail(err, AE_ERR_ARG, "image grid: no output path");
    if (n_images < 1 || !images) return ae_fail(err, AE_ERR_ARG, "%s: an image grid needs at least one image", path);
    if (h < 1 || w < 1 || (double)h * w > (double)(1 << 26))
        return ae_fail(err, AE_ERR_ARG, "%s: images of %d x %d pixels", path, h, w);
    if (o->scale < 1 || o->scale > 32)
        return ae_fail(err, AE_ERR_ARG, "%s: scale %d (must be 1..32)", path, o->scale);
    if (o->padding < 0 || o->padding > 256 || o->columns < 0 || o->group < 0)
        return ae_fail(err, AE_ERR_ARG, "%s: padding %d, columns %d, group %d (none may be negative)", path,
                       o->padding, o->columns, o->group);
    if (!(o->vmax > o->vmin))
        return ae_fail(err, AE_ERR_ARG, "%s: value range [%g, %g] is empty", path, (double)o->vmin, (double)o->vmax);
    /* a figure wider or taller than VIZ_MAX_SIDE fails before any layout arithmetic can overflow */
    size_t cols = o->columns > 0 && (size_t)o->columns < n_images ? (size_t)o->columns : n_images;
    size_t rows = (n_images + cols - 1) / cols;
    double est_w = (double)cols * (w * o->scale + o->padding), est_h = (double)rows * (h * o->scale + o->padding);
    if (est_w > VIZ_MAX_SIDE || est_h > VIZ_MAX_SIDE)
        return ae_fail(err, AE_ERR_ARG,
                       "%s: %zu images of %d x %d at scale %d in %zu columns need about %.0f x %.0f pixels (at most "
                       "%d a side)",
                       path, n_images, h, w, o->scale, cols, est_w, est_h, VIZ_MAX_SIDE);

    /* measure with a scratch context, then draw on a canvas of that size */
    cairo_surface_t *probe = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *pc = cairo_create(probe);
    grid_layout L;
    layout(pc, n_images, h, w, o, &L);
    cairo_destroy(pc);
    cairo_surface_destroy(probe);

    viz_canvas c;
    ae_status st = ae_viz_canvas_new(&c, L.width < 16 ? 16 : L.width, L.height < 16 ? 16 : L.height, path, err);
    if (st) return st;
    put_pixels(&c, &L, images, n_images, h, w, o);
    draw_labels(c.cr, &L, n_images, o);
    st = ae_viz_canvas_write(&c, path, err);
    ae_viz_canvas_free(&c);
    return st;
}
