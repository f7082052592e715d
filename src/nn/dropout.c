/* Inverted dropout: "dropout P", P in [0, 1) the probability of dropping a value.
 *
 * In training mode with a generator (ae_layer_mode) each value is kept with
 * probability 1 - P and then scaled by 1 / (1 - P), dropped (set to 0)
 * otherwise, so the expected output is the input (PyTorch's nn.Dropout,
 * Keras' Dropout). The mask of scales (0 or 1 / (1 - P)) is drawn from
 * l->mode.rng, two values per 64-bit draw, and kept in l->cache for backward,
 * which multiplies by it. In evaluation mode (or without a generator) the
 * layer is the identity. Any input shape; no parameters. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "layer.h"
#include "spec.h"

static int drop_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    if (ntok != 1) {
        snprintf(msg, msgn, ntok ? "dropout takes one argument, the drop probability; unexpected '%s'"
                                 : "dropout needs a drop probability P in [0, 1) (e.g. \"dropout 0.2\")",
                 ntok ? tok[1] : "");
        return -1;
    }
    return ae_spec_parse_real(tok[0], "dropout probability", 0, 1, false, true, &l->cfg.drop.p, msg, msgn);
}

static int drop_infer(ae_layer *l, char *msg, size_t msgn)
{
    (void)msg;
    (void)msgn;
    l->out = l->in;
    l->n_params = 0;
    return 0;
}

static void drop_format(const ae_layer *l, char *buf, size_t n)
{
    char p[32];
    ae_spec_format_real(l->cfg.drop.p, p, sizeof p);
    snprintf(buf, n, "dropout %s", p);
}

static int drop_tensors(const ae_layer *l, ae_tensor_view *t)
{
    (void)l;
    (void)t;
    return 0;
}

static void drop_init(ae_layer *l, ae_init_kind kind, ae_rng *rng)
{
    (void)l;
    (void)kind;
    (void)rng;
}

/* The mask: one float per value of a batch. */
static size_t drop_cache(const ae_layer *l, int max_batch)
{
    return l->cfg.drop.p > 0.0f ? (size_t)max_batch * ae_shape_size(l->in) : 0;
}

/* Whether this pass drops values (the same answer in forward and backward). */
static bool dropping(const ae_layer *l) { return l->mode.training && l->mode.rng && l->cfg.drop.p > 0.0f; }

static void drop_forward(ae_layer *l, const float *in, float *out, int B)
{
    const size_t n = (size_t)B * ae_shape_size(l->in);
    if (!dropping(l)) {
        memcpy(out, in, n * sizeof *out);
        return;
    }
    /* value 2k is dropped when the low 32 bits of draw k fall below P 2^32,
     * value 2k + 1 by its high 32 bits; draws come in blocks (ae_rng_fill) */
    const double p = l->cfg.drop.p;
    const uint32_t cut = (uint32_t)(p * 4294967296.0);
    const float keep = (float)(1.0 / (1.0 - p));
    float *mask = l->cache;
    ae_rng *rng = l->mode.rng;
    enum { BLOCK = 256 };
    uint64_t draws[BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += 2 * BLOCK) {
        const size_t len = n - i0 < 2 * BLOCK ? n - i0 : 2 * BLOCK, nd = (len + 1) / 2;
        ae_rng_fill(rng, draws, nd);
        float *mk = mask + i0;
        for (size_t k = 0; k < len / 2; k++) {
            mk[2 * k] = (uint32_t)draws[k] < cut ? 0.0f : keep;
            mk[2 * k + 1] = (uint32_t)(draws[k] >> 32) < cut ? 0.0f : keep;
        }
        if (len & 1) mk[len - 1] = (uint32_t)draws[nd - 1] < cut ? 0.0f : keep;
    }
    _Pragma("omp simd") for (size_t i = 0; i < n; i++) out[i] = in[i] * mask[i];
}

static void drop_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B, int flags)
{
    (void)in;
    (void)out;
    (void)flags;
    if (!din) return;
    const size_t n = (size_t)B * ae_shape_size(l->in);
    if (!dropping(l)) {
        memcpy(din, dout, n * sizeof *din);
        return;
    }
    const float *mask = l->cache;
    _Pragma("omp simd") for (size_t i = 0; i < n; i++) din[i] = dout[i] * mask[i];
}

const ae_layer_ops ae_dropout_ops = {
    .keyword = "dropout",
    .type = "Dropout",
    .parse = drop_parse,
    .infer = drop_infer,
    .format = drop_format,
    .tensors = drop_tensors,
    .init = drop_init,
    .forward = drop_forward,
    .backward = drop_backward,
    .cache = drop_cache,
};
