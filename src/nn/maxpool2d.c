/* 2-D max pooling: "maxpool2d SIZE [sS] [same|valid|pP]".
 *
 * As Keras' MaxPooling2D: stride = SIZE and valid unless given; "same" and pP
 * pad with values that never win. Each output is the largest input of its
 * window; backward sends its gradient to that input alone, the first maximum
 * in row-major window order on ties (as TensorFlow and PyTorch do). The
 * winner is found again in backward, so nothing is stored between the passes.
 * A NaN in a window wins, so divergence reaches the loss. No parameters. */
#include <stdio.h>
#include <string.h>

#include "layer.h"

static int maxpool_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    if (ntok < 1) {
        snprintf(msg, msgn, "maxpool2d needs a pool size (e.g. \"maxpool2d 2\")");
        return -1;
    }
    ae_window *w = &l->cfg.pool.win;
    *w = (ae_window){.pad = AE_PAD_VALID};
    if (ae_parse_int(tok[0], "pool size", 1, AE_WINDOW_MAX, &w->size, msg, msgn)) return -1;
    w->stride = w->size;
    if (ae_window_parse(w, 0, ntok - 1, tok + 1, NULL, NULL, msg, msgn)) return -1;
    /* so that every window holds at least one real input */
    if (w->pad == AE_PAD_EXPLICIT && 2 * w->pad_n > w->size) {
        snprintf(msg, msgn, "padding %d is more than half the pool size %d", w->pad_n, w->size);
        return -1;
    }
    return 0;
}

static int maxpool_infer(ae_layer *l, char *msg, size_t msgn)
{
    if (l->in.rank != 3) {
        snprintf(msg, msgn, "maxpool2d needs an image input (C, H, W), got a flat %d-wide one", l->in.dim[0]);
        return -1;
    }
    int oh, ow;
    if (ae_window_forward(&l->cfg.pool.win, "pool size", l->in.dim[1], l->in.dim[2], &oh, &ow, &l->cfg.pool.pt,
                          &l->cfg.pool.pl, msg, msgn))
        return -1;
    l->out = (ae_shape){.rank = 3, .dim = {l->in.dim[0], oh, ow}};
    l->n_params = 0;
    return 0;
}

static void maxpool_format(const ae_layer *l, char *buf, size_t n)
{
    char win[48];
    ae_window_format(&l->cfg.pool.win, win, sizeof win);
    snprintf(buf, n, "maxpool2d %d %s", l->cfg.pool.win.size, win);
}

static int maxpool_tensors(const ae_layer *l, ae_tensor_view *t)
{
    (void)l;
    (void)t;
    return 0;
}

static void maxpool_init(ae_layer *l, ae_init_kind kind, ae_rng *rng)
{
    (void)l;
    (void)kind;
    (void)rng;
}

/* Index into the (H, W) plane of the winner of window (oy, ox). */
static size_t argmax(const ae_layer *l, const float *plane, int oy, int ox)
{
    const int H = l->in.dim[1], W = l->in.dim[2], K = l->cfg.pool.win.size, S = l->cfg.pool.win.stride;
    const int y0 = oy * S - l->cfg.pool.pt, x0 = ox * S - l->cfg.pool.pl;
    const int ya = y0 < 0 ? 0 : y0, yb = y0 + K > H ? H : y0 + K;
    const int xa = x0 < 0 ? 0 : x0, xb = x0 + K > W ? W : x0 + K;
    size_t best = (size_t)ya * W + xa;
    float m = plane[best];
    for (int y = ya; y < yb; y++)
        for (int x = xa; x < xb; x++) {
            float v = plane[(size_t)y * W + x];
            if (v > m || (v != v && m == m)) {
                m = v;
                best = (size_t)y * W + x;
            }
        }
    return best;
}

static void maxpool_forward(ae_layer *l, const float *in, float *out, int B)
{
    const int C = l->in.dim[0], OH = l->out.dim[1], OW = l->out.dim[2];
    const size_t HW = (size_t)l->in.dim[1] * l->in.dim[2], P = (size_t)OH * OW;
    const int planes = B * C;
    for (int pi = 0; pi < planes; pi++) {
        const float *plane = in + (size_t)pi * HW; /* (H, W) */
        float *o = out + (size_t)pi * P;           /* (OH, OW) */
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) o[oy * OW + ox] = plane[argmax(l, plane, oy, ox)];
    }
}

static void maxpool_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B,
                             int flags)
{
    (void)out;
    (void)flags;
    if (!din) return;
    const int C = l->in.dim[0], OH = l->out.dim[1], OW = l->out.dim[2];
    const size_t HW = (size_t)l->in.dim[1] * l->in.dim[2], P = (size_t)OH * OW;
    const int planes = B * C;
    for (int pi = 0; pi < planes; pi++) {
        const float *plane = in + (size_t)pi * HW; /* (H, W) */
        const float *d = dout + (size_t)pi * P;    /* (OH, OW) */
        float *g = din + (size_t)pi * HW;          /* (H, W) */
        memset(g, 0, HW * sizeof *g);
        /* overlapping windows (stride < size) may pick one input twice: add */
        for (int oy = 0; oy < OH; oy++)
            for (int ox = 0; ox < OW; ox++) g[argmax(l, plane, oy, ox)] += d[oy * OW + ox];
    }
}

const ae_layer_ops ae_maxpool2d_ops = {
    .keyword = "maxpool2d",
    .type = "MaxPooling2D",
    .name = "max_pooling2d",
    .parse = maxpool_parse,
    .infer = maxpool_infer,
    .format = maxpool_format,
    .tensors = maxpool_tensors,
    .init = maxpool_init,
    .forward = maxpool_forward,
    .backward = maxpool_backward,
};
