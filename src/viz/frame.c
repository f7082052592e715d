/* The frame of a chart: round ticks, light grey gridlines, left and bottom
 * axes with tick marks and labels, axis titles and a title. Margins are
 * measured from the labels themselves, so long tick labels never overlap the
 * axis title. */
#include <math.h>
#include <string.h>

#include "viz.h"

#define PAD 12.0   /* outer margin */
#define GAP 6.0    /* between a tick label and its tick, a title and the plot */
#define TICK 4.0   /* tick mark length */

void ae_viz_pad_range(double *lo, double *hi, double frac)
{
    double span = *hi - *lo;
    if (!(span > 0)) {
        double d = fabs(*lo) > 0 ? 0.1 * fabs(*lo) : 1;
        *lo -= d;
        *hi += d;
        return;
    }
    *lo -= frac * span;
    *hi += frac * span;
}

static double max_tick_width(cairo_t *cr, const viz_ticks *t)
{
    char buf[64];
    double w = 0;
    for (int i = 0; i < t->n; i++) {
        ae_viz_tick_label(t, t->v[i], buf, sizeof buf);
        double tw = ae_viz_text_width(cr, buf);
        if (tw > w) w = tw;
    }
    return w;
}

/* Pixel-aligned coordinate for a 1-pixel line. */
static double crisp(double v) { return floor(v) + 0.5; }

/* ---- a categorical x axis --------------------------------------------- */

#define S45 0.70710678118654752 /* sin and cos of the rotated labels' 45 degrees */
#define CAT_LABEL_MAX 256

typedef struct {
    int rotated; /* labels at 45 degrees */
    int every;   /* label every n-th category (1: all) */
    double limit; /* labels are shortened to this width */
} cat_layout;

/* s into buf, shortened by whole characters plus an ellipsis to fit limit. */
static void cat_label(cairo_t *cr, const char *s, double limit, char *buf)
{
    snprintf(buf, CAT_LABEL_MAX, "%s", s ? s : "");
    if (ae_viz_text_width(cr, buf) <= limit) return;
    size_t len = strlen(buf);
    if (len > CAT_LABEL_MAX - 4) len = CAT_LABEL_MAX - 4; /* room for the ellipsis' 3 bytes */
    while (len > 0) {
        do len--;
        while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80); /* a whole UTF-8 character */
        memcpy(buf + len, "\xe2\x80\xa6", 4);
        if (ae_viz_text_width(cr, buf) <= limit) return;
    }
    memcpy(buf, "\xe2\x80\xa6", 4);
}

static double cat_width(cairo_t *cr, const viz_frame_spec *s, int i, double limit)
{
    char buf[CAT_LABEL_MAX];
    cat_label(cr, s->x_categories[i], limit, buf);
    return ae_viz_text_width(cr, buf);
}

/* Decides between side-by-side and rotated labels once the numeric layout
 * is known; rotated labels take more of the bottom (and of the left, for the
 * first), which moves the y ticks and the left margin. left_base is the left
 * margin without the y tick labels. */
static void cat_lay_out(cairo_t *cr, const viz_frame_spec *s, viz_frame *f, double left_base, double tick_cap,
                        cat_layout *cl)
{
    int n = s->n_x_categories;
    cl->rotated = 0;
    cl->every = 1;
    cl->limit = 0.4 * s->height;
    double w = 0;
    for (int i = 0; i < n; i++) w = fmax(w, cat_width(cr, s, i, cl->limit));
    double slot = (f->right - f->left) / (f->x1 - f->x0);
    if (w + 8 <= slot) return;
    if (!(slot > 0)) { /* no room at all: tick marks only */
        cl->every = n + 1;
        return;
    }
    cl->rotated = 1;
    f->bottom -= w * S45 + 0.7 * tick_cap - tick_cap; /* the room a 45-degree label hangs down, less a line's */
    double plot_h = f->bottom - f->top;
    ae_viz_nice_ticks(f->y0, f->y1, plot_h > 360 ? 8 : plot_h > 180 ? 6 : 4, s->y_integer, &f->yt);
    f->left = left_base + max_tick_width(cr, &f->yt);
    /* the first label reaches left of its tick: keep it on the canvas */
    slot = (f->right - f->left) / (f->x1 - f->x0);
    double first = f->left + (1 - f->x0) * slot - cat_width(cr, s, 0, cl->limit) * S45 - 0.35 * tick_cap;
    if (first < s->x + PAD * (s->font_scale > 0 ? s->font_scale : 1))
        f->left += s->x + PAD * (s->font_scale > 0 ? s->font_scale : 1) - first;
    slot = (f->right - f->left) / (f->x1 - f->x0);
    /* neighbours 45 degrees apart are slot * sin 45 apart: a line and a bit */
    double need = 1.4 * tick_cap;
    if (!(slot > 0))
        cl->every = n + 1;
    else if (slot * S45 < need)
        cl->every = need / (slot * S45) >= n ? n + 1 : (int)ceil(need / (slot * S45));
}

static void cat_draw(cairo_t *cr, const viz_frame_spec *s, const viz_frame *f, const cat_layout *cl, double tick_cap)
{
    char buf[CAT_LABEL_MAX];
    cairo_set_source_rgb(cr, 0.33, 0.33, 0.33);
    for (int i = 0; i < s->n_x_categories; i++) {
        double px = crisp(viz_px(f, i + 1));
        cairo_move_to(cr, px, f->bottom);
        cairo_line_to(cr, px, f->bottom + TICK);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    for (int i = 0; i < s->n_x_categories; i += cl->every) {
        cat_label(cr, s->x_categories[i], cl->limit, buf);
        double px = viz_px(f, i + 1);
        if (cl->rotated)
            ae_viz_text_rotated(cr, px, f->bottom + TICK + GAP / 2 + 0.35 * tick_cap, -VIZ_PI / 4, buf, VIZ_RIGHT,
                             VIZ_MIDDLE);
        else
            ae_viz_text(cr, px, f->bottom + TICK + GAP, buf, VIZ_CENTER, VIZ_TOP);
    }
}

void ae_viz_frame_draw(cairo_t *cr, const viz_frame_spec *s, double x0, double x1, double y0, double y1, viz_frame *f)
{
    double fs = s->font_scale > 0 ? s->font_scale : 1;
    double title_size = 16 * fs, label_size = 13 * fs, tick_size = 11 * fs, pad = PAD * fs;
    int has_title = s->title && *s->title, has_x = s->x_label && *s->x_label, has_y = s->y_label && *s->y_label;
    memset(f, 0, sizeof *f);
    f->x0 = x0;
    f->x1 = x1;
    f->y0 = y0;
    f->y1 = y1;

    f->top = s->y + pad + (has_title ? title_size * 1.25 + GAP : 0);
    ae_viz_font(cr, tick_size, 0);
    double tick_cap = ae_viz_cap_height(cr);
    f->bottom = s->y + s->height - pad - TICK - GAP - tick_cap - (has_x ? label_size * 1.2 + GAP : 0);
    double plot_h = f->bottom - f->top;
    ae_viz_nice_ticks(y0, y1, plot_h > 360 ? 8 : plot_h > 180 ? 6 : 4, s->y_integer, &f->yt);
    double ytw = max_tick_width(cr, &f->yt);
    f->left = s->x + pad + (has_y ? label_size * 1.2 + GAP : 0) + ytw + GAP + TICK;
    /* room for half of the last x tick label past the right end */
    f->right = s->x + s->width - pad - 10 * fs;
    double plot_w = f->right - f->left;
    int categorical = s->n_x_categories > 0 && s->x_categories;
    cat_layout cl = {0};
    if (categorical) {
        cat_lay_out(cr, s, f, f->left - ytw, tick_cap, &cl);
    } else {
        int xtarget = (int)(plot_w / (90 * fs));
        ae_viz_nice_ticks(x0, x1, xtarget < 3 ? 3 : xtarget > 10 ? 10 : xtarget, s->x_integer, &f->xt);
        /* thin out x ticks whose labels would touch */
        double xtw = max_tick_width(cr, &f->xt);
        while (f->xt.n > 2 && (xtw + 10) * f->xt.n > plot_w) {
            viz_ticks fewer;
            ae_viz_nice_ticks(x0, x1, f->xt.n - 2, s->x_integer, &fewer);
            if (fewer.n >= f->xt.n) break; /* no rounder step gives fewer (a tiny plot): keep these */
            f->xt = fewer;
            xtw = max_tick_width(cr, &f->xt);
        }
    }

    cairo_set_line_width(cr, 1);
    /* gridlines */
    cairo_set_source_rgb(cr, VIZ_GRID_RGB / 255.0, VIZ_GRID_RGB / 255.0, VIZ_GRID_RGB / 255.0);
    for (int i = 0; i < f->xt.n; i++) {
        double px = crisp(viz_px(f, f->xt.v[i]));
        cairo_move_to(cr, px, f->top);
        cairo_line_to(cr, px, f->bottom);
    }
    for (int i = 0; i < f->yt.n; i++) {
        double py = crisp(viz_py(f, f->yt.v[i]));
        cairo_move_to(cr, f->left, py);
        cairo_line_to(cr, f->right, py);
    }
    cairo_stroke(cr);

    /* tick marks and labels */
    char buf[64];
    cairo_set_source_rgb(cr, 0.33, 0.33, 0.33);
    for (int i = 0; i < f->xt.n; i++) {
        double px = crisp(viz_px(f, f->xt.v[i]));
        cairo_move_to(cr, px, f->bottom);
        cairo_line_to(cr, px, f->bottom + TICK);
    }
    for (int i = 0; i < f->yt.n; i++) {
        double py = crisp(viz_py(f, f->yt.v[i]));
        cairo_move_to(cr, f->left, py);
        cairo_line_to(cr, f->left - TICK, py);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    for (int i = 0; i < f->xt.n; i++) {
        ae_viz_tick_label(&f->xt, f->xt.v[i], buf, sizeof buf);
        ae_viz_text(cr, viz_px(f, f->xt.v[i]), f->bottom + TICK + GAP, buf, VIZ_CENTER, VIZ_TOP);
    }
    for (int i = 0; i < f->yt.n; i++) {
        ae_viz_tick_label(&f->yt, f->yt.v[i], buf, sizeof buf);
        ae_viz_text(cr, f->left - TICK - GAP, viz_py(f, f->yt.v[i]), buf, VIZ_RIGHT, VIZ_MIDDLE);
    }
    if (categorical) cat_draw(cr, s, f, &cl, tick_cap);

    /* axis titles and the title */
    cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
    ae_viz_font(cr, label_size, 0);
    if (has_x)
        ae_viz_text(cr, (f->left + f->right) / 2, s->y + s->height - pad, s->x_label, VIZ_CENTER, VIZ_BASELINE);
    if (has_y)
        ae_viz_text_rotated(cr, s->x + pad, (f->top + f->bottom) / 2, -VIZ_PI / 2, s->y_label, VIZ_CENTER, VIZ_TOP);
    if (has_title) {
        ae_viz_font(cr, title_size, 1);
        cairo_set_source_rgb(cr, 0.07, 0.07, 0.07);
        ae_viz_text(cr, (f->left + f->right) / 2, s->y + pad, s->title, VIZ_CENTER, VIZ_TOP);
    }
    ae_viz_font(cr, 12, 0);
    ae_viz_frame_outline(cr, f);
}

void ae_viz_frame_clip(cairo_t *cr, const viz_frame *f)
{
    cairo_rectangle(cr, f->left, f->top, f->right - f->left, f->bottom - f->top);
    cairo_clip(cr);
}

void ae_viz_frame_outline(cairo_t *cr, const viz_frame *f)
{
    cairo_set_line_width(cr, 1);
    cairo_set_source_rgb(cr, 0.33, 0.33, 0.33);
    double l = crisp(f->left), b = crisp(f->bottom);
    cairo_move_to(cr, l, f->top);
    cairo_line_to(cr, l, b);
    cairo_line_to(cr, f->right, b);
    cairo_stroke(cr);
}

ae_plot_opts ae_plot_defaults(void) { return (ae_plot_opts){0}; }
