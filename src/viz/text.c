/* Text with cairo's toy font API in DejaVu Sans (pango is not linked):
 * anchored single lines, rotated axis titles, and the label formats figures
 * share. */
#include <stdio.h>
#include <string.h>

#include "viz.h"

void ae_viz_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, VIZ_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double ae_viz_text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

double ae_viz_cap_height(cairo_t *cr)
{
    /* DejaVu Sans's cap height is 0.729 em; computing it from the font size
     * keeps every label of a row on one baseline whatever its letters */
    cairo_matrix_t m;
    cairo_get_font_matrix(cr, &m);
    return 0.729 * m.yy;
}

static void anchor(cairo_t *cr, const char *s, viz_halign ha, viz_valign va, double *dx, double *dy)
{
    double w = ae_viz_text_width(cr, s);
    *dx = ha == VIZ_LEFT ? 0 : ha == VIZ_CENTER ? -w / 2 : -w;
    double cap = ae_viz_cap_height(cr);
    *dy = va == VIZ_TOP ? cap : va == VIZ_MIDDLE ? cap / 2 : 0;
}

void ae_viz_text(cairo_t *cr, double x, double y, const char *s, viz_halign ha, viz_valign va)
{
    double dx, dy;
    anchor(cr, s, ha, va, &dx, &dy);
    cairo_move_to(cr, x + dx, y + dy);
    cairo_show_text(cr, s);
    cairo_new_path(cr);
}

void ae_viz_text_rotated(cairo_t *cr, double x, double y, double angle, const char *s, viz_halign ha, viz_valign va)
{
    double dx, dy;
    anchor(cr, s, ha, va, &dx, &dy);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, dx, dy);
    cairo_show_text(cr, s);
    cairo_new_path(cr);
    cairo_restore(cr);
}

void ae_viz_label_name(char *buf, size_t n, int id, const char *const *names, int n_names, const char *prefix)
{
    if (names && id >= 0 && id < n_names && names[id])
        snprintf(buf, n, "%s", names[id]);
    else
        snprintf(buf, n, "%s%d", prefix ? prefix : "", id);
}

void ae_viz_format_count(char *buf, size_t n, long long v)
{
    char digits[32];
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    snprintf(digits, sizeof digits, "%llu", u);
    char out[48];
    size_t len = strlen(digits), o = 0;
    if (v < 0) out[o++] = '-';
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    snprintf(buf, n, "%s", out);
}
