/* 2-D convolution: y = act(W * x + b), "conv2d FILTERS KERNEL [sS] [same|valid|pP] [ACTIVATION]".
 *
 * Parameters: kernel W (F, C, K, K) as PyTorch stores it (Keras stores
 * (K, K, C, F)), seen as the matrix (F, C*K*K), then bias b (F). Each batch
 * chunk is one patch shuffle and one GEMM per pass (im2col.h); backward
 * recomputes the patches rather than keeping them, since the scratch is
 * shared by all layers. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/gemm.h"
#include "im2col.h"
#include "init.h"
#include "layer.h"

/* Most C*K*K a kernel may have (the GEMM's inner dimension is an int). */
#define CONV_MAX_PATCH (1 << 28)

static int conv2d_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    return ae_window_parse_conv("conv2d", 0, ntok, tok, &l->cfg.conv.filters, &l->cfg.conv.win, &l->act,
                                &l->act_alpha, msg, msgn);
}

static int conv2d_infer(ae_layer *l, char *msg, size_t msgn)
{
    if (l->in.rank != 3) {
        snprintf(msg, msgn,
                 "conv2d needs an image input (C, H, W), got a flat %d-wide one (start the encoder with "
                 "\"input 1 28 28\" or add a reshape)",
                 l->in.dim[0]);
        return -1;
    }
    const int C = l->in.dim[0], F = l->cfg.conv.filters, K = l->cfg.conv.win.size;
    if ((size_t)C * K * K > CONV_MAX_PATCH) {
        snprintf(msg, msgn, "kernel %dx%d over %d channels is too large", K, K, C);
        return -1;
    }
    int oh, ow;
    if (ae_window_forward(&l->cfg.conv.win, "kernel", l->in.dim[1], l->in.dim[2], &oh, &ow, &l->cfg.conv.pt,
                          &l->cfg.conv.pl, msg, msgn))
        return -1;
    l->out = (ae_shape){.rank = 3, .dim = {F, oh, ow}};
    l->n_params = (size_t)F * C * K * K + (size_t)F;
    return 0;
}

static void conv2d_format(const ae_layer *l, char *buf, size_t n)
{
    char act[48], win[48];
    ae_act_format(l->act, l->act_alpha, act, sizeof act);
    ae_window_format(&l->cfg.conv.win, win, sizeof win);
    snprintf(buf, n, "conv2d %d %d %s %s", l->cfg.conv.filters, l->cfg.conv.win.size, win, act);
}

static int conv2d_tensors(const ae_layer *l, ae_tensor_view *t)
{
    const int C = l->in.dim[0], F = l->cfg.conv.filters, K = l->cfg.conv.win.size;
    t[0] = (ae_tensor_view){.name = "kernel", .rank = 4, .dim = {F, C, K, K}, .data = l->params};
    t[1] = (ae_tensor_view){.name = "bias", .rank = 1, .dim = {F}, .data = l->params + (size_t)F * C * K * K};
    return 2;
}

/* Fans as Keras counts them: channels times the receptive field. */
static void conv2d_init(ae_layer *l, ae_init_kind kind, ae_rng *rng)
{
    const size_t C = (size_t)l->in.dim[0], F = (size_t)l->cfg.conv.filters, KK = (size_t)l->cfg.conv.win.size * l->cfg.conv.win.size;
    ae_init_fill(l->params, F * C * KK, kind, C * KK, F * KK, rng);
    memset(l->params + F * C * KK, 0, F * sizeof(float));
}

static ae_im2col_geom geometry(const ae_layer *l)
{
    return (ae_im2col_geom){.C = l->in.dim[0], .H = l->in.dim[1], .W = l->in.dim[2],
                            .K = l->cfg.conv.win.size, .S = l->cfg.conv.win.stride,
                            .pt = l->cfg.conv.pt, .pl = l->cfg.conv.pl,
                            .OH = l->out.dim[1], .OW = l->out.dim[2]};
}

/* The two GEMM formulations (im2col.h), by the floats each moves per sample:
 * patches first, im2col's C*K*K values per output pixel (and the (F, B, P)
 * result to reorder), or products first, F*K*K products per input pixel
 * (and the input to reorder) summed by shift_sum. A 16-channel 3x3 conv to
 * one filter moves 16x fewer floats multiplying first; 1 channel to 16
 * filters, the other way round. */
static bool products_first(const ae_layer *l)
{
    const size_t C = (size_t)l->in.dim[0], F = (size_t)l->cfg.conv.filters;
    const size_t KK = (size_t)l->cfg.conv.win.size * l->cfg.conv.win.size;
    const size_t p_in = (size_t)l->in.dim[1] * l->in.dim[2], p_out = (size_t)l->out.dim[1] * l->out.dim[2];
    const size_t patches = C * KK * p_out + (F > 1 ? F * p_out : 0);
    const size_t products = F * KK * p_in + (C > 1 ? C * p_in : 0);
    return products < patches;
}

/* Workspace floats per sample: patches (C*K*K, P_out) and the GEMM result
 * (F, P_out); or products (F*K*K, P_in) and the input in GEMM order (C, P_in). */
static size_t per_row(const ae_layer *l)
{
    const size_t C = (size_t)l->in.dim[0], F = (size_t)l->cfg.conv.filters;
    const size_t KK = (size_t)l->cfg.conv.win.size * l->cfg.conv.win.size;
    if (products_first(l)) return (F * KK + C) * l->in.dim[1] * l->in.dim[2];
    return (C * KK + F) * l->out.dim[1] * l->out.dim[2];
}

/* Products first also keeps the kernel and its gradient as (F*K*K, C). */
static size_t fixed_floats(const ae_layer *l) { return products_first(l) ? 2 * (l->n_params - (size_t)l->cfg.conv.filters) : 0; }

static size_t conv2d_scratch(const ae_layer *l, int max_batch)
{
    return fixed_floats(l) + per_row(l) * (size_t)ae_conv_chunk_rows(per_row(l), max_batch);
}

/* ---- patches first: im2col, then out (F, N) = W (F, C*K*K) col ---- */

static void patches_forward(ae_layer *l, const float *in, float *out, int B)
{
    const ae_im2col_geom g = geometry(l);
    const int F = l->cfg.conv.filters, KC = g.C * g.K * g.K;
    const size_t P = (size_t)g.OH * g.OW, in_row = (size_t)g.C * g.H * g.W;
    const float *w = l->params;                   /* (F, KC) */
    const int rows = ae_conv_chunk_rows(per_row(l), B);
    float *col = l->scratch;                      /* (KC, rows*P) */
    float *y = col + (size_t)KC * rows * P;       /* (F, rows*P) */
    for (int b0 = 0; b0 < B; b0 += rows) {
        const int n = B - b0 < rows ? B - b0 : rows;
        const int N = (int)((size_t)n * P);
        float *o = out + (size_t)b0 * F * P; /* (n, F, P) */
        ae_im2col(&g, in + (size_t)b0 * in_row, n, col);
        /* (F, n, P) is already (n, F, P) when either leading axis is 1 */
        float *dst = F == 1 || n == 1 ? o : y;
        ae_sgemm(false, false, F, N, KC, 1.0f, w, KC, col, N, 0.0f, dst, N); /* (F, N) = W (F, KC) col (KC, N) */
        if (dst == y) ae_swap01(y, F, n, P, o);
    }
}

static void patches_backward(ae_layer *l, const float *in, float *dout, float *din, int B, bool acc)
{
    const ae_im2col_geom g = geometry(l);
    const int F = l->cfg.conv.filters, KC = g.C * g.K * g.K;
    const size_t P = (size_t)g.OH * g.OW, in_row = (size_t)g.C * g.H * g.W;
    const float *w = l->params;             /* (F, KC) */
    float *dw = l->grads;                   /* (F, KC) */
    const int rows = ae_conv_chunk_rows(per_row(l), B);
    float *col = l->scratch;                /* (KC, rows*P) */
    float *dy = col + (size_t)KC * rows * P; /* (F, rows*P) */
    for (int b0 = 0; b0 < B; b0 += rows) {
        const int n = B - b0 < rows ? B - b0 : rows;
        const int N = (int)((size_t)n * P);
        float *d = dout + (size_t)b0 * F * P; /* (n, F, P) */
        const float *dyc = d;
        if (F != 1 && n != 1) {
            ae_swap01(d, n, F, P, dy);
            dyc = dy;
        }
        ae_im2col(&g, in + (size_t)b0 * in_row, n, col);
        /* dW (F, KC) (+)= dy (F, N) col^T (N, KC) */
        ae_sgemm(false, true, F, KC, N, 1.0f, dyc, N, col, N, acc || b0 > 0 ? 1.0f : 0.0f, dw, KC);
        if (din) {
            /* dcol (KC, N) = W^T (KC, F) dy (F, N), into col (no longer needed) */
            ae_sgemm(true, false, KC, N, F, 1.0f, w, KC, dyc, N, 0.0f, col, N);
            ae_col2im(&g, col, n, din + (size_t)b0 * in_row);
        }
    }
}

/* ---- products first: z (F*K*K, N) = Wt (F*K*K, C) x, then shift_sum ---- */

/* The geometry of the products: F images of the input's size. */
static ae_im2col_geom product_geometry(const ae_layer *l)
{
    ae_im2col_geom g = geometry(l);
    g.C = l->cfg.conv.filters;
    return g;
}

/* wt (F*KK, C) = w (F, C, KK) with the last two axes swapped. */
static void kernel_to_products(const float *w, int F, int C, int KK, float *wt)
{
    for (int f = 0; f < F; f++)
        for (int c = 0; c < C; c++)
            for (int k = 0; k < KK; k++) wt[((size_t)f * KK + k) * C + c] = w[((size_t)f * C + c) * KK + k];
}

static void products_forward(ae_layer *l, const float *in, float *out, int B)
{
    const ae_im2col_geom g = product_geometry(l);
    const int C = l->in.dim[0], F = g.C, KK = g.K * g.K, FK = F * KK;
    const size_t P = (size_t)g.H * g.W; /* input pixels */
    const int rows = ae_conv_chunk_rows(per_row(l), B);
    float *wt = l->scratch;                         /* (FK, C) */
    float *z = wt + 2 * (size_t)FK * C;             /* (FK, rows*P), after wt and dwt */
    float *xs = z + (size_t)FK * rows * P;          /* (C, rows*P) */
    kernel_to_products(l->params, F, C, KK, wt);
    for (int b0 = 0; b0 < B; b0 += rows) {
        const int n = B - b0 < rows ? B - b0 : rows;
        const int N = (int)((size_t)n * P);
        const float *x = in + (size_t)b0 * C * P; /* (n, C, P) */
        if (C != 1 && n != 1) {
            ae_swap01(x, n, C, P, xs);
            x = xs;
        }
        ae_sgemm(false, false, FK, N, C, 1.0f, wt, C, x, N, 0.0f, z, N); /* z (FK, N) = Wt (FK, C) x (C, N) */
        ae_shift_sum(&g, z, n, out + (size_t)b0 * F * g.OH * g.OW);
    }
}

static void products_backward(ae_layer *l, const float *in, float *dout, float *din, int B, bool acc)
{
    const ae_im2col_geom g = product_geometry(l);
    const int C = l->in.dim[0], F = g.C, KK = g.K * g.K, FK = F * KK;
    const size_t P = (size_t)g.H * g.W, out_row = (size_t)F * g.OH * g.OW;
    const int rows = ae_conv_chunk_rows(per_row(l), B);
    float *wt = l->scratch;                 /* (FK, C) */
    float *dwt = wt + (size_t)FK * C;       /* (FK, C) */
    float *z = dwt + (size_t)FK * C;        /* (FK, rows*P) */
    float *xs = z + (size_t)FK * rows * P;  /* (C, rows*P) */
    kernel_to_products(l->params, F, C, KK, wt);
    for (int b0 = 0; b0 < B; b0 += rows) {
        const int n = B - b0 < rows ? B - b0 : rows;
        const int N = (int)((size_t)n * P);
        const bool direct = C == 1 || n == 1; /* (n, C, P) is already (C, n*P) */
        ae_shift_spread(&g, dout + (size_t)b0 * out_row, n, z); /* dz (FK, N) */
        const float *x = in + (size_t)b0 * C * P;
        if (!direct) {
            ae_swap01(x, n, C, P, xs);
            x = xs;
        }
        /* dWt (FK, C) (+)= dz (FK, N) x^T (N, C) */
        ae_sgemm(false, true, FK, C, N, 1.0f, z, N, x, N, b0 > 0 ? 1.0f : 0.0f, dwt, C);
        if (din) {
            float *dx = din + (size_t)b0 * C * P; /* (n, C, P) */
            /* dx (C, N) = Wt^T (C, FK) dz (FK, N) */
            ae_sgemm(true, false, C, N, FK, 1.0f, wt, C, z, N, 0.0f, direct ? dx : xs, N);
            if (!direct) ae_swap01(xs, C, n, P, dx);
        }
    }
    float *dw = l->grads; /* (F, C, KK) */
    for (int f = 0; f < F; f++)
        for (int c = 0; c < C; c++)
            for (int k = 0; k < KK; k++) {
                float v = dwt[((size_t)f * KK + k) * C + c];
                size_t i = ((size_t)f * C + c) * KK + k;
                dw[i] = acc ? dw[i] + v : v;
            }
}

static void conv2d_forward(ae_layer *l, const float *in, float *out, int B)
{
    if (products_first(l))
        products_forward(l, in, out, B);
    else
        patches_forward(l, in, out, B);
    const int F = l->cfg.conv.filters;
    const float *bias = l->params + (l->n_params - (size_t)F); /* (F) */
    ae_bias_act_forward(l->act, l->act_alpha, bias, out, (size_t)B, (size_t)F, (size_t)l->out.dim[1] * l->out.dim[2]);
}

static void conv2d_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B,
                            int flags)
{
    const int F = l->cfg.conv.filters;
    const bool acc = flags & AE_BWD_ACCUMULATE;
    float *db = l->grads + (l->n_params - (size_t)F); /* (F) */
    /* dout (B, F, P) becomes dL/d(pre-activation); db from the same pass */
    ae_act_backward(l->act, l->act_alpha, out, dout, db, (size_t)B, (size_t)F,
                    (size_t)l->out.dim[1] * l->out.dim[2], flags & AE_BWD_PREACT, acc);
    if (products_first(l))
        products_backward(l, in, dout, din, B, acc);
    else
        patches_backward(l, in, dout, din, B, acc);
}

const ae_layer_ops ae_conv2d_ops = {
    .keyword = "conv2d",
    .type = "Conv2D",
    .parse = conv2d_parse,
    .infer = conv2d_infer,
    .format = conv2d_format,
    .tensors = conv2d_tensors,
    .init = conv2d_init,
    .forward = conv2d_forward,
    .backward = conv2d_backward,
    .scratch = conv2d_scratch,
};
