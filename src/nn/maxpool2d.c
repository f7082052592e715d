/* 2-D max pooling: "maxpool2d SIZE [sS] [same|valid|pP]".
 *
 * As Keras' MaxPooling2D: stride = SIZE and valid unless given; "same" and pP
 * pad with values that never win. Each output is the largest input of its
 * window; backward sends its gradient to that input alone, the first maximum
 * in row-major window order on ties (as TensorFlow and PyTorch do). The
 * winner is found again in backward, so nothing is stored between the passes.
 * A NaN in a window wins, so divergence reaches the loss. No parameters. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "layer.h"
#include "core/pool.h"

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

/* v beats the best so far m: larger, or the first NaN. */
static inline bool beats(float v, float m) { return v > m || (v != v && m == m); }

/* Index into a plane of row width W of the winner among rows [ya, yb) and columns [xa, xb). */
static inline size_t winner(const float *plane, int W, int ya, int yb, int xa, int xb)
{
    size_t best = (size_t)ya * W + xa;
    if (yb - ya == 2 && xb - xa == 2) { /* the usual 2x2 window, unrolled in the same order */
        const size_t i1 = best + 1, i2 = best + (size_t)W, i3 = i2 + 1;
        float m = plane[best];
        if (beats(plane[i1], m)) m = plane[best = i1];
        if (beats(plane[i2], m)) m = plane[best = i2];
        if (beats(plane[i3], m)) best = i3;
        return best;
    }
    float m = plane[best];
    for (int y = ya; y < yb; y++)
        for (int x = xa; x < xb; x++) {
            const size_t i = (size_t)y * W + x;
            if (beats(plane[i], m)) {
                m = plane[i];
                best = i;
            }
        }
    return best;
}

/* Calls ROUTE(o, i) for every window o of an (H, W) plane with its winner i. */
#define FOR_EACH_WINNER(l, plane, ROUTE)                                                                               \
    do {                                                                                                               \
        const int H_ = (l)->in.dim[1], W_ = (l)->in.dim[2], K_ = (l)->cfg.pool.win.size;                               \
        const int S_ = (l)->cfg.pool.win.stride, OH_ = (l)->out.dim[1], OW_ = (l)->out.dim[2];                         \
        for (int oy = 0; oy < OH_; oy++) {                                                                             \
            const int y0 = oy * S_ - (l)->cfg.pool.pt;                                                                 \
            const int ya = y0 < 0 ? 0 : y0, yb = y0 + K_ > H_ ? H_ : y0 + K_;                                          \
            for (int ox = 0; ox < OW_; ox++) {                                                                         \
                const int x0 = ox * S_ - (l)->cfg.pool.pl;                                                             \
                const int xa = x0 < 0 ? 0 : x0, xb = x0 + K_ > W_ ? W_ : x0 + K_;                                      \
                ROUTE((size_t)oy *OW_ + ox, winner(plane, W_, ya, yb, xa, xb));                                        \
            }                                                                                                          \
        }                                                                                                              \
    } while (0)

/* Planes are independent: the model's threads share them on big batches. */
#define PAR_MIN_FLOATS ((size_t)1 << 18)
#define PAR_CHUNKS 16

typedef struct {
    const ae_layer *l;
    const float *in;
    float *out;
    const float *dout;
    float *din;
    int planes, chunks;
} pool_job;

static void forward_chunk(void *arg, int c, int thread)
{
    (void)thread;
    const pool_job *j = arg;
    const ae_layer *l = j->l;
    const size_t HW = (size_t)l->in.dim[1] * l->in.dim[2], P = (size_t)l->out.dim[1] * l->out.dim[2];
    const int p0 = (int)((long)j->planes * c / j->chunks), p1 = (int)((long)j->planes * (c + 1) / j->chunks);
    for (int pi = p0; pi < p1; pi++) {
        const float *plane = j->in + (size_t)pi * HW; /* (H, W) */
        float *o = j->out + (size_t)pi * P;           /* (OH, OW) */
#define TAKE(oi, ii) o[oi] = plane[ii]
        FOR_EACH_WINNER(l, plane, TAKE);
#undef TAKE
    }
}

static void backward_chunk(void *arg, int c, int thread)
{
    (void)thread;
    const pool_job *j = arg;
    const ae_layer *l = j->l;
    const size_t HW = (size_t)l->in.dim[1] * l->in.dim[2], P = (size_t)l->out.dim[1] * l->out.dim[2];
    const int p0 = (int)((long)j->planes * c / j->chunks), p1 = (int)((long)j->planes * (c + 1) / j->chunks);
    for (int pi = p0; pi < p1; pi++) {
        const float *plane = j->in + (size_t)pi * HW; /* (H, W) */
        const float *d = j->dout + (size_t)pi * P;    /* (OH, OW) */
        float *g = j->din + (size_t)pi * HW;          /* (H, W) */
        memset(g, 0, HW * sizeof *g);
        /* overlapping windows (stride < size) may pick one input twice: add */
#define ROUTE(oi, ii) g[ii] += d[oi]
        FOR_EACH_WINNER(l, plane, ROUTE);
#undef ROUTE
    }
}

static pool_job make_job(const ae_layer *l, int B)
{
    pool_job j = {.l = l, .planes = B * l->in.dim[0], .chunks = 1};
    if (l->pool && (size_t)j.planes * l->in.dim[1] * l->in.dim[2] >= PAR_MIN_FLOATS)
        j.chunks = j.planes < PAR_CHUNKS ? j.planes : PAR_CHUNKS;
    return j;
}

static void maxpool_forward(ae_layer *l, const float *in, float *out, int B)
{
    pool_job j = make_job(l, B);
    j.in = in;
    j.out = out;
    ae_pool_run(l->pool, j.chunks, forward_chunk, &j);
}

static void maxpool_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B, int flags)
{
    (void)out;
    (void)flags;
    if (!din) return;
    pool_job j = make_job(l, B);
    j.in = in;
    j.dout = dout;
    j.din = din;
    ae_pool_run(l->pool, j.chunks, backward_chunk, &j);
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
