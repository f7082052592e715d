/* The drawing surface of every figure: a white ARGB image surface with a
 * cairo context, encoded as opaque 8-bit RGB PNG when done. */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <stdlib.h>

#include "viz.h"

/* Never registered with atexit by the library: freeing cairo's static data is
 * only safe once no cairo object is alive anywhere in the process, which only
 * the program knows (it, or another library, may still hold one, even in an
 * exit handler of its own), so the program calls this when it is done. */
void ae_plot_teardown(void)
{
    cairo_debug_reset_static_data();
    /* fontconfig comes in with cairo but is not linked by name, so its
     * FcFini is looked up among the loaded libraries */
    void (*fc_fini)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "FcFini");
    if (fc_fini) fc_fini();
}

ae_status ae_viz_canvas_new(viz_canvas *c, int width, int height, const char *what, ae_error *err)
{
    c->surface = NULL;
    c->cr = NULL;
    c->width = width;
    c->height = height;
    if (width < 16 || height < 16 || width > VIZ_MAX_SIDE || height > VIZ_MAX_SIDE)
        return ae_fail(err, AE_ERR_ARG, "%s: a figure of %d x %d pixels (each side must be 16..%d)", what, width,
                       height, VIZ_MAX_SIDE);
    c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(c->surface);
        c->surface = NULL;
        return ae_fail(err, AE_ERR_NOMEM, "%s: cannot create a %d x %d canvas", what, width, height);
    }
    c->cr = cairo_create(c->surface);
    if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
        ae_viz_canvas_free(c);
        return ae_fail(err, AE_ERR_NOMEM, "%s: cannot create a drawing context", what);
    }
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    /* fixed text rendering, independent of any fontconfig user settings */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_ON);
    cairo_set_font_options(c->cr, fo);
    cairo_font_options_destroy(fo);
    ae_viz_font(c->cr, 12, 0);
    return AE_OK;
}

ae_status ae_viz_canvas_write(viz_canvas *c, const char *path, ae_error *err)
{
    if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS)
        return ae_fail(err, AE_ERR_NOMEM, "%s: drawing failed: %s", path,
                       cairo_status_to_string(cairo_status(c->cr)));
    cairo_surface_flush(c->surface);
    const unsigned char *px = cairo_image_surface_get_data(c->surface);
    int stride = cairo_image_surface_get_stride(c->surface);
    uint8_t *rgb = malloc((size_t)c->width * 3 * (size_t)c->height);
    if (!rgb) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory for %d x %d pixels", path, c->width, c->height);
    for (int y = 0; y < c->height; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride);
        uint8_t *o = rgb + (size_t)y * (size_t)c->width * 3;
        for (int x = 0; x < c->width; x++) {
            uint32_t p = row[x]; /* RGB24: 0x00RRGGBB in native order */
            o[3 * x] = (uint8_t)(p >> 16);
            o[3 * x + 1] = (uint8_t)(p >> 8);
            o[3 * x + 2] = (uint8_t)p;
        }
    }
    ae_status st = ae_viz_png_write_rgb(path, rgb, c->width, c->height, (size_t)c->width * 3, err);
    free(rgb);
    return st;
}

void ae_viz_canvas_free(viz_canvas *c)
{
    if (c->cr) cairo_destroy(c->cr);
    if (c->surface) cairo_surface_destroy(c->surface);
    c->cr = NULL;
    c->surface = NULL;
}
