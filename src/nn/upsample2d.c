/* Nearest-neighbour up-sampling: "upsample2d FACTOR", Keras' UpSampling2D(FACTOR).
 *
 * out[c][y][x] = in[c][y / F][x / F]; backward sums each F x F block of the
 * output gradient into its source pixel. No parameters. */
#include <stdio.h>
#include <string.h>

#include "layer.h"
#include "core/pool.h"

#define UPSAMPLE_MAX_EXTENT (1 << 16)

static int up_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    if (ntok < 1) {
        snprintf(msg, msgn, "upsample2d needs a FACTOR (e.g. \"upsample2d 2\")");
        return -1;
    }
    if (ntok > 1) {
        snprintf(msg, msgn, "upsample2d takes one FACTOR, unexpected '%s'", tok[1]);
        return -1;
    }
    return ae_parse_int(tok[0], "up-sampling factor", 1, AE_WINDOW_MAX, &l->cfg.up.factor, msg, msgn);
}

static int up_infer(ae_layer *l, char *msg, size_t msgn)
{
    if (l->in.rank != 3) {
        snprintf(msg, msgn, "upsample2d needs an image input (C, H, W), got a flat %d-wide one (add a reshape)",
                 l->in.dim[0]);
        return -1;
    }
    const long f = l->cfg.up.factor, oh = l->in.dim[1] * f, ow = l->in.dim[2] * f;
    if (oh > UPSAMPLE_MAX_EXTENT || ow > UPSAMPLE_MAX_EXTENT) {
        snprintf(msg, msgn, "output %ldx%ld is too large (at most %d a side)", oh, ow, UPSAMPLE_MAX_EXTENT);
        return -1;
    }
    l->out = (ae_shape){.rank = 3, .dim = {l->in.dim[0], (int)oh, (int)ow}};
    l->n_params = 0;
    return 0;
}

static void up_format(const ae_layer *l, char *buf, size_t n) { snprintf(buf, n, "upsample2d %d", l->cfg.up.factor); }

static int up_tensors(const ae_layer *l, ae_tensor_view *t)
{
    (void)l;
    (void)t;
    return 0;
}

static void up_init(ae_layer *l, ae_init_kind kind, ae_rng *rng)
{
    (void)l;
    (void)kind;
    (void)rng;
}

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
} up_job;

static void forward_chunk(void *arg, int c, int thread)
{
    (void)thread;
    const up_job *j = arg;
    const int f = j->l->cfg.up.factor, H = j->l->in.dim[1], W = j->l->in.dim[2], OW = W * f;
    const size_t HW = (size_t)H * W, OHW = HW * f * f;
    const int p0 = (int)((long)j->planes * c / j->chunks), p1 = (int)((long)j->planes * (c + 1) / j->chunks);
    for (int pi = p0; pi < p1; pi++) {
        const float *src = j->in + (size_t)pi * HW; /* (H, W) */
        float *dst = j->out + (size_t)pi * OHW;     /* (H f, W f) */
        for (int y = 0; y < H; y++) {
            float *row = dst + (size_t)y * f * OW; /* first of the f copies */
            for (int x = 0; x < W; x++)
                for (int k = 0; k < f; k++) row[x * f + k] = src[(size_t)y * W + x];
            for (int i = 1; i < f; i++) memcpy(row + (size_t)i * OW, row, (size_t)OW * sizeof *row);
        }
    }
}

static void backward_chunk(void *arg, int c, int thread)
{
    (void)thread;
    const up_job *j = arg;
    const int f = j->l->cfg.up.factor, H = j->l->in.dim[1], W = j->l->in.dim[2], OW = W * f;
    const size_t HW = (size_t)H * W, OHW = HW * f * f;
    const int p0 = (int)((long)j->planes * c / j->chunks), p1 = (int)((long)j->planes * (c + 1) / j->chunks);
    for (int pi = p0; pi < p1; pi++) {
        const float *d = j->dout + (size_t)pi * OHW; /* (H f, W f) */
        float *g = j->din + (size_t)pi * HW;         /* (H, W) */
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                float s = 0.0f;
                for (int i = 0; i < f; i++)
                    for (int k = 0; k < f; k++) s += d[((size_t)y * f + i) * OW + (size_t)x * f + k];
                g[(size_t)y * W + x] = s;
            }
    }
}

static up_job make_job(const ae_layer *l, int B)
{
    up_job j = {.l = l, .planes = B * l->in.dim[0], .chunks = 1};
    if (l->pool && (size_t)j.planes * ae_shape_size(l->out) / l->out.dim[0] >= PAR_MIN_FLOATS)
        j.chunks = j.planes < PAR_CHUNKS ? j.planes : PAR_CHUNKS;
    return j;
}

static void up_forward(ae_layer *l, const float *in, float *out, int B)
{
    up_job j = make_job(l, B);
    j.in = in;
    j.out = out;
    ae_pool_run(l->pool, j.chunks, forward_chunk, &j);
}

static void up_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B, int flags)
{
    (void)in;
    (void)out;
    (void)flags;
    if (!din) return;
    up_job j = make_job(l, B);
    j.dout = dout;
    j.din = din;
    ae_pool_run(l->pool, j.chunks, backward_chunk, &j);
}

const ae_layer_ops ae_upsample2d_ops = {
    .keyword = "upsample2d",
    .type = "UpSampling2D",
    .name = "up_sampling2d",
    .parse = up_parse,
    .infer = up_infer,
    .format = up_format,
    .tensors = up_tensors,
    .init = up_init,
    .forward = up_forward,
    .backward = up_backward,
};
