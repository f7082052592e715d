/* Data augmentation: random shifts with zero fill and random left-right mirroring. */
#include "aeclust/noise.h"

#include <string.h>

/* x (h, w) -> y (h, w): y(r, c) = src(r - dy, c - dx), src being x mirrored
 * left-right when flip; 0 where the source falls outside the image. */
static void shift_flip(const float *x, float *y, int h, int w, int dy, int dx, int flip)
{
    /* the output columns whose source column c - dx lies in [0, w) */
    int c0 = dx > 0 ? dx : 0, c1 = dx < 0 ? w + dx : w;
    for (int r = 0; r < h; r++) {
        float *yr = y + (size_t)r * w;
        int sr = r - dy;
        if (sr < 0 || sr >= h || c0 >= c1) {
            memset(yr, 0, (size_t)w * sizeof *yr);
            continue;
        }
        const float *xr = x + (size_t)sr * w;
        for (int c = 0; c < c0; c++) yr[c] = 0.0f;
        if (flip)
            for (int c = c0; c < c1; c++) yr[c] = xr[w - 1 - (c - dx)];
        else
            memcpy(yr + c0, xr + (c0 - dx), (size_t)(c1 - c0) * sizeof *yr);
        for (int c = c1; c < w; c++) yr[c] = 0.0f;
    }
}

ae_status ae_augment_apply(const ae_augment_opts *o, const ae_matrix *x, int height, int width, ae_rng *rng,
                           ae_matrix *out, ae_error *err)
{
    if (!o || !x || !out || !rng) return ae_fail(err, AE_ERR_ARG, "augment: missing options, input, output or rng");
    if (o->max_shift < 0) return ae_fail(err, AE_ERR_ARG, "augment: max_shift %d must be >= 0", o->max_shift);
    if (height <= 0 || width <= 0)
        return ae_fail(err, AE_ERR_ARG, "augment: image size %dx%d must be positive", height, width);
    if ((size_t)height * (size_t)width != x->cols)
        return ae_fail(err, AE_ERR_ARG, "augment: images of %dx%d pixels do not match the %zu columns of the input",
                       height, width, x->cols);
    if (out->rows != x->rows || out->cols != x->cols)
        return ae_fail(err, AE_ERR_ARG, "augment: output is %zux%zu but the input is %zux%zu", out->rows, out->cols,
                       x->rows, x->cols);
    if (x->rows == 0) return AE_OK;
    if (!x->data || !out->data) return ae_fail(err, AE_ERR_ARG, "augment: input or output has no buffer");
    if (out->data == x->data) return ae_fail(err, AE_ERR_ARG, "augment: output must not alias the input");

    size_t d = x->cols;
    /* shifts beyond the image just blank it; clamping keeps dy, dx in int range */
    int s = o->max_shift;
    int big = height > width ? height : width;
    uint64_t span = 2 * (uint64_t)s + 1;
    for (size_t i = 0; i < x->rows; i++) {
        int dy = 0, dx = 0, flip = 0;
        if (s > 0) {
            int64_t ry = (int64_t)ae_rng_below(rng, span) - s;
            int64_t rx = (int64_t)ae_rng_below(rng, span) - s;
            dy = (int)(ry > big ? big : ry < -big ? -big : ry);
            dx = (int)(rx > big ? big : rx < -big ? -big : rx);
        }
        if (o->hflip) flip = (int)(ae_rng_next(rng) >> 63);
        shift_flip(x->data + i * d, out->data + i * d, height, width, dy, dx, flip); // (h, w) each
    }
    return AE_OK;
}
