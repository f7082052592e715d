/* Layers that only relabel the shape of a sample, not its values:
 *   flatten          (C, H, W) -> (C*H*W), in NCHW order (Keras' Flatten
 *                    reads its NHWC tensors in HWC order: same size, other order)
 *   reshape C H W    (N) -> (C, H, W); also "reshape N" -> (N). Keras'
 *                    Reshape((7, 7, 1)) (HWC) is "reshape 1 7 7" here
 *   input C H W      the image shape of the input rows; only as the first
 *                    item of an encoder, where model.c takes it out of the layers
 * The model gives each layer its own output buffer, so forward and backward
 * are copies (a sample is at most a few thousand floats). */
#include <stdio.h>
#include <string.h>

#include "layer.h"

/* Largest dimension a reshape may name. */
#define RESHAPE_MAX_DIM (1 << 24)

static int no_tensors(const ae_layer *l, ae_tensor_view *t)
{
    (void)l;
    (void)t;
    return 0;
}

static void no_init(ae_layer *l, ae_init_kind kind, ae_rng *rng)
{
    (void)l;
    (void)kind;
    (void)rng;
}

static void copy_forward(ae_layer *l, const float *in, float *out, int B)
{
    memcpy(out, in, (size_t)B * ae_shape_size(l->out) * sizeof *out);
}

static void copy_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B, int flags)
{
    (void)in;
    (void)out;
    (void)flags;
    if (din) memcpy(din, dout, (size_t)B * ae_shape_size(l->in) * sizeof *din);
}

/* "1x7x7" or "49" */
static void dims_text(ae_shape s, char *buf, size_t n)
{
    if (s.rank == 3)
        snprintf(buf, n, "%dx%dx%d", s.dim[0], s.dim[1], s.dim[2]);
    else
        snprintf(buf, n, "%d", s.dim[0]);
}

/* ---- flatten ---- */

static int flatten_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    (void)l;
    if (ntok > 0) {
        snprintf(msg, msgn, "flatten takes no arguments, unexpected '%s'", tok[0]);
        return -1;
    }
    return 0;
}

static int flatten_infer(ae_layer *l, char *msg, size_t msgn)
{
    (void)msg;
    (void)msgn;
    l->out = (ae_shape){.rank = 1, .dim = {(int)ae_shape_size(l->in)}};
    l->n_params = 0;
    return 0;
}

static void flatten_format(const ae_layer *l, char *buf, size_t n)
{
    (void)l;
    snprintf(buf, n, "flatten");
}

const ae_layer_ops ae_flatten_ops = {
    .keyword = "flatten",
    .type = "Flatten",
    .parse = flatten_parse,
    .infer = flatten_infer,
    .format = flatten_format,
    .tensors = no_tensors,
    .init = no_init,
    .forward = copy_forward,
    .backward = copy_backward,
};

/* ---- reshape and input ---- */

/* "C H W" or "N" into l->cfg.reshape.to; kind names the keyword in messages. */
static int parse_dims(const char *kind, ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    if (ntok != 1 && ntok != 3) {
        snprintf(msg, msgn, "%s needs C H W or one size N (e.g. \"%s 1 28 28\"), got %d number%s", kind, kind, ntok,
                 ntok == 1 ? "" : "s");
        return -1;
    }
    ae_shape *s = &l->cfg.reshape.to;
    s->rank = ntok;
    static const char *const names[2][3] = {{"size", "", ""}, {"channels", "height", "width"}};
    for (int i = 0; i < ntok; i++)
        if (ae_parse_int(tok[i], names[ntok == 3][i], 1, RESHAPE_MAX_DIM, &s->dim[i], msg, msgn)) return -1;
    if (ae_shape_size(*s) > RESHAPE_MAX_DIM) {
        char d[64];
        dims_text(*s, d, sizeof d);
        snprintf(msg, msgn, "%s %s is too large (at most %d values)", kind, d, RESHAPE_MAX_DIM);
        return -1;
    }
    return 0;
}

static void format_dims(const char *kind, const ae_layer *l, char *buf, size_t n)
{
    const ae_shape *s = &l->cfg.reshape.to;
    if (s->rank == 3)
        snprintf(buf, n, "%s %d %d %d", kind, s->dim[0], s->dim[1], s->dim[2]);
    else
        snprintf(buf, n, "%s %d", kind, s->dim[0]);
}

static int reshape_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    return parse_dims("reshape", l, ntok, tok, msg, msgn);
}

static int reshape_infer(ae_layer *l, char *msg, size_t msgn)
{
    size_t want = ae_shape_size(l->cfg.reshape.to), have = ae_shape_size(l->in);
    if (want != have) {
        char d[64];
        dims_text(l->cfg.reshape.to, d, sizeof d);
        if (l->cfg.reshape.to.rank == 3)
            snprintf(msg, msgn, "reshape to %s = %zu values, but the input has %zu", d, want, have);
        else
            snprintf(msg, msgn, "reshape to %zu values, but the input has %zu", want, have);
        return -1;
    }
    l->out = l->cfg.reshape.to;
    l->n_params = 0;
    return 0;
}

static void reshape_format(const ae_layer *l, char *buf, size_t n) { format_dims("reshape", l, buf, n); }

const ae_layer_ops ae_reshape_ops = {
    .keyword = "reshape",
    .type = "Reshape",
    .parse = reshape_parse,
    .infer = reshape_infer,
    .format = reshape_format,
    .tensors = no_tensors,
    .init = no_init,
    .forward = copy_forward,
    .backward = copy_backward,
};

static int input_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    return parse_dims("input", l, ntok, tok, msg, msgn);
}

static int input_infer(ae_layer *l, char *msg, size_t msgn)
{
    size_t want = ae_shape_size(l->cfg.reshape.to), have = ae_shape_size(l->in);
    if (want != have) {
        char d[64];
        dims_text(l->cfg.reshape.to, d, sizeof d);
        snprintf(msg, msgn, "input %s = %zu values, but the rows have %zu", d, want, have);
        return -1;
    }
    l->out = l->cfg.reshape.to;
    l->n_params = 0;
    return 0;
}

static void input_format(const ae_layer *l, char *buf, size_t n) { format_dims("input", l, buf, n); }

const ae_layer_ops ae_input_ops = {
    .keyword = "input",
    .type = "InputLayer",
    .parse = input_parse,
    .infer = input_infer,
    .format = input_format,
    .tensors = no_tensors,
    .init = no_init,
    .forward = copy_forward,
    .backward = copy_backward,
};
