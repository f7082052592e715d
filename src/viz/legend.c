/* Legends: a column of keys (a short line or a dot in the entry's colour)
 * with their names, optionally on a white panel inside a plot. */
#include "viz.h"

#define KEY_W 22.0 /* length of a line key */

static double row_height(double font_size) { return font_size * 1.55; }

static double key_width(viz_key key, double font_size) { return key == VIZ_KEY_LINE ? KEY_W : font_size * 0.8; }

void ae_viz_legend_size(cairo_t *cr, const viz_legend_entry *e, int n, viz_key key, double font_size, double *w,
                        double *h)
{
    ae_viz_font(cr, font_size, 0);
    double tw = 0;
    for (int i = 0; i < n; i++) {
        double x = ae_viz_text_width(cr, e[i].text);
        if (x > tw) tw = x;
    }
    double pad = font_size * 0.6;
    *w = 2 * pad + key_width(key, font_size) + font_size * 0.5 + tw;
    *h = 2 * pad + n * row_height(font_size) - (row_height(font_size) - font_size);
}

void ae_viz_legend_draw(cairo_t *cr, const viz_legend_entry *e, int n, viz_key key, double font_size, double x,
                        double y, int boxed)
{
    double w, h, pad = font_size * 0.6, kw = key_width(key, font_size);
    ae_viz_legend_size(cr, e, n, key, font_size, &w, &h);
    if (boxed) {
        cairo_rectangle(cr, x + 0.5, y + 0.5, w, h);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
    }
    ae_viz_font(cr, font_size, 0);
    for (int i = 0; i < n; i++) {
        double cy = y + pad + font_size / 2 + i * row_height(font_size), kx = x + pad;
        if (key == VIZ_KEY_LINE) {
            ae_viz_set_rgb(cr, e[i].rgb, 1);
            cairo_set_line_width(cr, 2);
            if (e[i].dashed) {
                double dash[2] = {5, 3};
                cairo_set_dash(cr, dash, 2, 0);
            }
            cairo_move_to(cr, kx, cy);
            cairo_line_to(cr, kx + kw, cy);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
            if (e[i].marker) {
                cairo_arc(cr, kx + kw / 2, cy, 3.5, 0, 2 * VIZ_PI);
                cairo_fill(cr);
            }
        }
        else {
            ae_viz_set_rgb(cr, e[i].rgb, 1);
            cairo_arc(cr, kx + kw / 2, cy, kw / 2, 0, 2 * VIZ_PI);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
        ae_viz_text(cr, kx + kw + font_size * 0.5, cy, e[i].text, VIZ_LEFT, VIZ_MIDDLE);
    }
}
