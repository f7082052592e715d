/* PNG encoding with libpng into an atomic file. The settings (compression
 * level, filters, no time or text chunks) are fixed so the same pixels always
 * give the same bytes. */
#include <png.h>
#include <setjmp.h>
#include <string.h>

#include "core/atomic_file.h"
#include "viz.h"

typedef struct {
    ae_afile *file;
    ae_error *err;
    ae_status st;      /* the first write failure */
    char png_msg[160]; /* libpng's own error text, if it raised one */
} png_sink;

static void sink_write(png_structp png, png_bytep data, png_size_t n)
{
    png_sink *s = png_get_io_ptr(png);
    if (s->st) return;
    s->st = ae_afile_write(s->file, data, n, s->err);
    if (s->st) png_error(png, "write failed");
}

static void sink_flush(png_structp png) { (void)png; }

static void on_png_error(png_structp png, png_const_charp msg)
{
    png_sink *s = png_get_error_ptr(png);
    snprintf(s->png_msg, sizeof s->png_msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* warnings do not change the output; the library never prints */
}

/* Everything libpng touches after setjmp lives in the caller's frame, so a
 * longjmp back loses no local state (the rows are read-only). */
static int encode(png_structp png, png_infop info, const uint8_t *rgb, int width, int height, size_t stride)
{
    if (setjmp(png_jmpbuf(png))) return -1;
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 6);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_ALL_FILTERS);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(rgb + (size_t)y * stride));
    png_write_end(png, NULL);
    return 0;
}

ae_status ae_viz_png_write_rgb(const char *path, const uint8_t *rgb, int width, int height, size_t stride,
                               ae_error *err)
{
    if (width < 1 || height < 1)
        return ae_fail(err, AE_ERR_ARG, "%s: an image of %d x %d pixels", path, width, height);
    ae_afile f;
    ae_status st = ae_afile_open(&f, path, err);
    if (st) return st;
    png_sink sink = {.file = &f, .err = err};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, NULL);
        ae_afile_abort(&f);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory for the PNG encoder", path);
    }
    png_set_write_fn(png, &sink, sink_write, sink_flush);
    int bad = encode(png, info, rgb, width, height, stride);
    png_destroy_write_struct(&png, &info);
    if (bad) {
        ae_afile_abort(&f);
        if (sink.st) return sink.st; /* the write error, already in err */
        return ae_fail(err, AE_ERR_IO, "%s: PNG encoding failed: %s", path, sink.png_msg);
    }
    return ae_afile_commit(&f, err);
}
