/* Internal pieces shared by the figure writers (include/aeclust/plot.h):
 * the canvas and its PNG encoding, text, nice tick values, the chart frame
 * (axes, gridlines, titles) and legends. Coordinates are cairo user space in
 * pixels, origin top left. */
#ifndef AE_VIZ_H
#define AE_VIZ_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

#include "aeclust/plot.h"
#include "aeclust/status.h"

/* ---- canvas.c: a white RGB canvas and its atomic PNG encoding ---------- */

/* Largest canvas side we accept (cairo's own limit is 32767). */
#define VIZ_MAX_SIDE 16384

typedef struct {
    cairo_surface_t *surface;
    cairo_t *cr;
    int width, height;
} viz_canvas;

/* A width x height canvas filled white, with the text defaults of text.c.
 * what names the figure in error messages ("scatter"). */
ae_status ae_viz_canvas_new(viz_canvas *c, int width, int height, const char *what, ae_error *err);
/* Encodes the canvas as an 8-bit RGB PNG written atomically to path. */
ae_status ae_viz_canvas_write(viz_canvas *c, const char *path, ae_error *err);
void ae_viz_canvas_free(viz_canvas *c);

/* ---- png_write.c ------------------------------------------------------- */

/* Writes rows of packed 8-bit RGB (stride bytes apart) as a PNG to path,
 * atomically, with fixed settings so the same pixels give the same bytes. */
ae_status ae_viz_png_write_rgb(const char *path, const uint8_t *rgb, int width, int height, size_t stride,
                               ae_error *err);

/* ---- text.c ------------------------------------------------------------ */

#define VIZ_FONT "DejaVu Sans"

typedef enum { VIZ_LEFT, VIZ_CENTER, VIZ_RIGHT } viz_halign;
typedef enum { VIZ_TOP, VIZ_MIDDLE, VIZ_BASELINE } viz_valign;

/* Selects DejaVu Sans at size pixels, bold or not. */
void ae_viz_font(cairo_t *cr, double size, int bold);
/* Advance width of s in the current font. */
double ae_viz_text_width(cairo_t *cr, const char *s);
/* Height of a capital letter in the current font (for vertical centring). */
double ae_viz_cap_height(cairo_t *cr);
/* Draws s anchored at (x, y) in the current source colour. */
void ae_viz_text(cairo_t *cr, double x, double y, const char *s, viz_halign ha, viz_valign va);
/* Draws s rotated by angle radians about its anchor (x, y). */
void ae_viz_text_rotated(cairo_t *cr, double x, double y, double angle, const char *s, viz_halign ha, viz_valign va);
/* Formats an id's name: names[id] if id < n_names and non-NULL, else prefix + id. */
void ae_viz_label_name(char *buf, size_t n, int id, const char *const *names, int n_names, const char *prefix);
/* Formats v with thousands separators ("1,024"). */
void ae_viz_format_count(char *buf, size_t n, long long v);

/* ---- ticks.c ----------------------------------------------------------- */

#define VIZ_MAX_TICKS 24

typedef struct {
    int n;                   /* ticks inside [lo, hi] */
    double v[VIZ_MAX_TICKS]; /* their values, ascending */
    double step;
    int decimals;            /* digits after the point that label every tick exactly */
} viz_ticks;

/* Round tick values (steps 1, 2, 2.5 or 5 times a power of ten) inside
 * [lo, hi], about `target` of them; integer_only forbids steps below 1. */
void ae_viz_nice_ticks(double lo, double hi, int target, int integer_only, viz_ticks *t);
/* The label of tick value v: fixed decimals, thousands separators, no "-0". */
void ae_viz_tick_label(const viz_ticks *t, double v, char *buf, size_t n);

/* ---- frame.c: one chart's axes ------------------------------------------ */

typedef struct {
    double x0, x1, y0, y1;      /* data range shown */
    double left, top, right, bottom; /* plot area in pixels */
    viz_ticks xt, yt;           /* xt is empty on a categorical x axis */
} viz_frame;

typedef struct {
    double x, y, width, height; /* the area the frame may use, in pixels */
    const char *title;          /* NULL/"" none */
    const char *x_label, *y_label;
    double font_scale;          /* 1 for a full chart, smaller for strip panels */
    int x_integer, y_integer;   /* ticks on whole numbers only */
    /* A categorical x axis: category i (0-based) at x = i + 1, labelled
     * x_categories[i] (rotated by 45 degrees when the labels do not fit side by
     * side, shortened with an ellipsis past 40% of the height, thinned
     * out when even rotated they would touch), no x gridlines. 0 / NULL: the
     * numeric axis. Charts that leave these unset are drawn as before. */
    const char *const *x_categories;
    int n_x_categories;
} viz_frame_spec;

/* Lays out a frame for data [x0, x1] x [y0, y1] (already padded as wanted;
 * for categories, e.g. [0.5, n + 0.5]): margins fit the tick labels, ticks
 * are round values. Draws the background gridlines, axes, tick labels, axis
 * titles and title. */
void ae_viz_frame_draw(cairo_t *cr, const viz_frame_spec *s, double x0, double x1, double y0, double y1, viz_frame *f);
static inline double viz_px(const viz_frame *f, double x)
{
    return f->left + (x - f->x0) / (f->x1 - f->x0) * (f->right - f->left);
}
static inline double viz_py(const viz_frame *f, double y)
{
    return f->bottom - (y - f->y0) / (f->y1 - f->y0) * (f->bottom - f->top);
}
/* Clips drawing to the plot area (undo with cairo_reset_clip). */
void ae_viz_frame_clip(cairo_t *cr, const viz_frame *f);
/* Redraws the plot area's outline (after the data, so it stays crisp). */
void ae_viz_frame_outline(cairo_t *cr, const viz_frame *f);

/* Pads [*lo, *hi] by frac of its span on each side (a zero span by 1, or
 * 10% of the value). */
void ae_viz_pad_range(double *lo, double *hi, double frac);

/* ---- legend.c ---------------------------------------------------------- */

typedef enum { VIZ_KEY_LINE, VIZ_KEY_DOT } viz_key;

typedef struct {
    const char *text;
    uint8_t rgb[3];
    int dashed;  /* line keys */
    int marker;  /* line keys: a dot on the line */
} viz_legend_entry;

/* Width and height the legend of n entries takes. */
void ae_viz_legend_size(cairo_t *cr, const viz_legend_entry *e, int n, viz_key key, double font_size, double *w,
                        double *h);
/* Draws the legend with its top-left corner at (x, y); boxed: a white
 * panel with a light border behind it (for legends inside a plot). */
void ae_viz_legend_draw(cairo_t *cr, const viz_legend_entry *e, int n, viz_key key, double font_size, double x,
                        double y, int boxed);

/* ---- palette.c --------------------------------------------------------- */

/* Sets the source to palette colour id with opacity alpha. */
void ae_viz_set_palette(cairo_t *cr, int id, double alpha);
void ae_viz_set_rgb(cairo_t *cr, const uint8_t rgb[3], double alpha);
/* The heat-map colour ramp (white to dark blue) at t in [0, 1]. */
void ae_viz_ramp(double t, double rgb[3]);

/* ---- image_grid.c helpers used by figures.c ---------------------------- */

/* Checks that m holds images of h x w pixels (cols == h*w) with at least
 * need rows; what names the matrix in the message. */
ae_status ae_viz_check_images(const ae_matrix *m, int h, int w, size_t need, const char *what, ae_error *err);

/* Shared defaults. */
#define VIZ_GRID_RGB 0xE6 /* light grey gridlines */
#define VIZ_PI 3.14159265358979323846

#endif
