/* 2-D convolution: y = act(W * x + b), "conv2d FILTERS KERNEL [sS] [same|valid|pP] [ACTIVATION]".
 *
 * Parameters: kernel W (F, C, K, K) as PyTorch stores it (Keras stores
 * (K, K, C, F)), seen as the matrix (F, C*K*K), then bias b (F).
 *
 * A batch is split into chunks that the model's threads share (conv_plan.h);
 * each sub-chunk is one patch shuffle and one GEMM per product (im2col.h).
 * Backward recomputes the patches rather than keeping them, since the
 * scratch is shared by all layers. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "conv_plan.h"
#include "im2col.h"
#include "init.h"
#include "layer.h"

/* Most C*K*K a kernel may have (the GEMM's inner dimension is an int). */
#define CONV_MAX_PATCH (1 << 28)

static int conv2d_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    return ae_window_parse_conv("conv2d", 0, ntok, tok, &l->cfg.conv.filters, &l->cfg.conv.win, &l->act, &l->act_alpha,
                                msg, msgn);
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
    const size_t C = (size_t)l->in.dim[0], F = (size_t)l->cfg.conv.filters,
                 KK = (size_t)l->cfg.conv.win.size * l->cfg.conv.win.size;
    ae_init_fill(l->params, F * C * KK, kind, C * KK, F * KK, rng);
    memset(l->params + F * C * KK, 0, F * sizeof(float));
}

/* The image is the input, the windows the output pixels. */
static ae_im2col_geom geometry(const ae_layer *l)
{
    return (ae_im2col_geom){.C = l->in.dim[0],
                            .H = l->in.dim[1],
                            .W = l->in.dim[2],
                            .K = l->cfg.conv.win.size,
                            .S = l->cfg.conv.win.stride,
                            .pt = l->cfg.conv.pt,
                            .pl = l->cfg.conv.pl,
                            .OH = l->out.dim[1],
                            .OW = l->out.dim[2]};
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

/* Patches first keeps im2col's phase planes per thread, then per sample the
 * patches (C*K*K, P_out) and the GEMM result (F, P_out). Products first
 * shares the kernel as (F*K*K, C), keeps its gradient in that order per
 * thread, then per sample the products (F*K*K, P_in) and the input in GEMM
 * order (C, P_in). */
static ae_conv_ws workspace(const ae_layer *l)
{
    const size_t C = (size_t)l->in.dim[0], F = (size_t)l->cfg.conv.filters;
    const size_t KK = (size_t)l->cfg.conv.win.size * l->cfg.conv.win.size;
    const size_t p_in = (size_t)l->in.dim[1] * l->in.dim[2], p_out = (size_t)l->out.dim[1] * l->out.dim[2];
    ae_conv_ws w = {.grad = l->n_params};
    if (products_first(l)) {
        w.shared = F * KK * C;
        w.fixed = F * KK * C;
        w.per_row = (F * KK + C) * p_in;
        w.row_macs = (double)F * KK * C * p_in;
    } else {
        const ae_im2col_geom g = geometry(l);
        w.fixed = ae_im2col_tmp_floats(&g);
        w.per_row = (C * KK + F) * p_out;
        w.row_macs = (double)F * KK * C * p_out;
    }
    return w;
}

static size_t conv2d_scratch(const ae_layer *l, int max_batch)
{
    const ae_conv_ws w = workspace(l);
    return ae_conv_scratch(&w, max_batch, l->pool);
}

/* ---- patches first: im2col, then out (F, N) = W (F, C*K*K) col ---- */

/* Samples [s0, s1), in sub-chunks of p->rows, with a thread's workspace ws. */
static void patches_forward(const ae_layer *l, const ae_conv_plan *p, const float *in, float *out, int s0, int s1,
                            float *ws)
{
    const ae_im2col_geom g = geometry(l);
    const int F = l->cfg.conv.filters, KC = g.C * g.K * g.K, rows = p->rows;
    const size_t P = (size_t)g.OH * g.OW, in_row = (size_t)g.C * g.H * g.W;
    const float *w = l->params;                  /* (F, KC) */
    float *tmp = ws;                             /* im2col's phase planes */
    float *col = tmp + ae_im2col_tmp_floats(&g); /* (KC, rows*P) */
    float *y = col + (size_t)KC * rows * P;      /* (F, rows*P) */
    for (int b0 = s0; b0 < s1; b0 += rows) {
        const int n = s1 - b0 < rows ? s1 - b0 : rows;
        const int N = (int)((size_t)n * P);
        float *o = out + (size_t)b0 * F * P; /* (n, F, P) */
        ae_im2col(&g, in + (size_t)b0 * in_row, n, col, tmp);
        /* (F, n, P) is already (n, F, P) when either leading axis is 1 */
        float *dst = F == 1 || n == 1 ? o : y;
        ae_conv_gemm(p, false, false, F, N, KC, 1.0f, w, KC, col, N, 0.0f, dst, N); /* (F, N) = W (F, KC) col */
        if (dst == y) ae_swap01(y, F, n, P, o);
    }
}

/* dout is already dL/d(pre-activation); dw (F, KC) = the kernel gradient of samples [s0, s1). */
static void patches_backward(const ae_layer *l, const ae_conv_plan *p, const float *in, float *dout, float *din, int s0,
                             int s1, float *ws, float *dw)
{
    const ae_im2col_geom g = geometry(l);
    const int F = l->cfg.conv.filters, KC = g.C * g.K * g.K, rows = p->rows;
    const size_t P = (size_t)g.OH * g.OW, in_row = (size_t)g.C * g.H * g.W;
    const float *w = l->params;                  /* (F, KC) */
    float *tmp = ws;                             /* im2col's phase planes */
    float *col = tmp + ae_im2col_tmp_floats(&g); /* (KC, rows*P) */
    float *dy = col + (size_t)KC * rows * P;     /* (F, rows*P) */
    for (int b0 = s0; b0 < s1; b0 += rows) {
        const int n = s1 - b0 < rows ? s1 - b0 : rows;
        const int N = (int)((size_t)n * P);
        float *d = dout + (size_t)b0 * F * P; /* (n, F, P) */
        const float *dyc = d;
        if (F != 1 && n != 1) {
            ae_swap01(d, n, F, P, dy);
            dyc = dy;
        }
        ae_im2col(&g, in + (size_t)b0 * in_row, n, col, tmp);
        /* dW (F, KC) (+)= dy (F, N) col^T (N, KC) */
        ae_conv_gemm(p, false, true, F, KC, N, 1.0f, dyc, N, col, N, b0 > s0 ? 1.0f : 0.0f, dw, KC);
        if (din) {
            /* dcol (KC, N) = W^T (KC, F) dy (F, N), into col (no longer needed) */
            ae_conv_gemm(p, true, false, KC, N, F, 1.0f, w, KC, dyc, N, 0.0f, col, N);
            ae_col2im(&g, col, n, din + (size_t)b0 * in_row, tmp);
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

/* wt is the kernel as (F*K*K, C). */
static void products_forward(const ae_layer *l, const ae_conv_plan *p, const float *wt, const float *in, float *out,
                             int s0, int s1, float *ws)
{
    const ae_im2col_geom g = product_geometry(l);
    const int C = l->in.dim[0], F = g.C, KK = g.K * g.K, FK = F * KK, rows = p->rows;
    const size_t P = (size_t)g.H * g.W;    /* input pixels */
    float *z = ws + (size_t)FK * C;        /* (FK, rows*P), after the gradient's place */
    float *xs = z + (size_t)FK * rows * P; /* (C, rows*P) */
    for (int b0 = s0; b0 < s1; b0 += rows) {
        const int n = s1 - b0 < rows ? s1 - b0 : rows;
        const int N = (int)((size_t)n * P);
        const float *x = in + (size_t)b0 * C * P; /* (n, C, P) */
        if (C != 1 && n != 1) {
            ae_swap01(x, n, C, P, xs);
            x = xs;
        }
        ae_conv_gemm(p, false, false, FK, N, C, 1.0f, wt, C, x, N, 0.0f, z, N); /* z (FK, N) = Wt (FK, C) x */
        ae_shift_sum(&g, z, n, out + (size_t)b0 * F * g.OH * g.OW);
    }
}

static void products_backward(const ae_layer *l, const ae_conv_plan *p, const float *wt, const float *in, float *dout,
                              float *din, int s0, int s1, float *ws, float *dw)
{
    const ae_im2col_geom g = product_geometry(l);
    const int C = l->in.dim[0], F = g.C, KK = g.K * g.K, FK = F * KK, rows = p->rows;
    const size_t P = (size_t)g.H * g.W, out_row = (size_t)F * g.OH * g.OW;
    float *dwt = ws;                       /* (FK, C) */
    float *z = dwt + (size_t)FK * C;       /* (FK, rows*P) */
    float *xs = z + (size_t)FK * rows * P; /* (C, rows*P) */
    for (int b0 = s0; b0 < s1; b0 += rows) {
        const int n = s1 - b0 < rows ? s1 - b0 : rows;
        const int N = (int)((size_t)n * P);
        const bool direct = C == 1 || n == 1;                   /* (n, C, P) is already (C, n*P) */
        ae_shift_spread(&g, dout + (size_t)b0 * out_row, n, z); /* dz (FK, N) */
        const float *x = in + (size_t)b0 * C * P;
        if (!direct) {
            ae_swap01(x, n, C, P, xs);
            x = xs;
        }
        /* dWt (FK, C) (+)= dz (FK, N) x^T (N, C) */
        ae_conv_gemm(p, false, true, FK, C, N, 1.0f, z, N, x, N, b0 > s0 ? 1.0f : 0.0f, dwt, C);
        if (din) {
            float *dx = din + (size_t)b0 * C * P; /* (n, C, P) */
            /* dx (C, N) = Wt^T (C, FK) dz (FK, N) */
            ae_conv_gemm(p, true, false, C, N, FK, 1.0f, wt, C, z, N, 0.0f, direct ? dx : xs, N);
            if (!direct) ae_swap01(xs, C, n, P, dx);
        }
    }
    /* dw (F, C, KK): dWt back in the kernel's order */
    for (int f = 0; f < F; f++)
        for (int c = 0; c < C; c++)
            for (int k = 0; k < KK; k++) dw[((size_t)f * C + c) * KK + k] = dwt[((size_t)f * KK + k) * C + c];
}

/* ---- the passes, one chunk of the batch at a time ---- */

typedef struct {
    ae_layer *l;
    ae_conv_ws ws;
    ae_conv_plan p;
    bool products;
    const float *wt; /* products first: the kernel as (F*K*K, C) */
    const float *in, *out;
    float *y, *dout, *din;
    int B, flags;
} conv_job;

static void forward_chunk(void *arg, int c, int thread)
{
    const conv_job *j = arg;
    const ae_layer *l = j->l;
    int s0, s1;
    ae_conv_chunk(&j->p, j->B, c, &s0, &s1);
    float *ws = ae_conv_slice(&j->p, &j->ws, l->scratch, thread);
    if (j->products)
        products_forward(l, &j->p, j->wt, j->in, j->y, s0, s1, ws);
    else
        patches_forward(l, &j->p, j->in, j->y, s0, s1, ws);
    const int F = l->cfg.conv.filters;
    const size_t P = (size_t)l->out.dim[1] * l->out.dim[2];
    const float *bias = l->params + (l->n_params - (size_t)F); /* (F) */
    ae_bias_act_forward(l->act, l->act_alpha, bias, j->y + (size_t)s0 * F * P, (size_t)(s1 - s0), (size_t)F, P);
}

static void backward_chunk(void *arg, int c, int thread)
{
    const conv_job *j = arg;
    const ae_layer *l = j->l;
    int s0, s1;
    ae_conv_chunk(&j->p, j->B, c, &s0, &s1);
    const int F = l->cfg.conv.filters;
    const size_t P = (size_t)l->out.dim[1] * l->out.dim[2], nk = l->n_params - (size_t)F;
    float *slot = ae_conv_slot(&j->p, &j->ws, l->scratch, c); /* this chunk's (kernel, bias) gradient */
    float *ws = ae_conv_slice(&j->p, &j->ws, l->scratch, thread);
    /* dout becomes dL/d(pre-activation); the bias gradient from the same pass */
    ae_act_backward(l->act, l->act_alpha, j->out + (size_t)s0 * F * P, j->dout + (size_t)s0 * F * P, slot + nk,
                    (size_t)(s1 - s0), (size_t)F, P, j->flags & AE_BWD_PREACT, false);
    if (j->products)
        products_backward(l, &j->p, j->wt, j->in, j->dout, j->din, s0, s1, ws, slot);
    else
        patches_backward(l, &j->p, j->in, j->dout, j->din, s0, s1, ws, slot);
}

static conv_job make_job(ae_layer *l, int B)
{
    conv_job j = {.l = l, .ws = workspace(l), .products = products_first(l), .B = B};
    j.p = ae_conv_plan_for(&j.ws, B, l->pool);
    if (j.products) { /* reordered once per pass, read by every chunk */
        float *wt = ae_conv_shared(&j.p, &j.ws, l->scratch);
        kernel_to_products(l->params, l->cfg.conv.filters, l->in.dim[0], l->cfg.conv.win.size * l->cfg.conv.win.size,
                           wt);
        j.wt = wt;
    }
    return j;
}

static void conv2d_forward(ae_layer *l, const float *in, float *out, int B)
{
    conv_job j = make_job(l, B);
    j.in = in;
    j.y = out;
    ae_pool_run(l->pool, j.p.chunks, forward_chunk, &j);
}

static void conv2d_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B, int flags)
{
    conv_job j = make_job(l, B);
    j.in = in;
    j.out = out;
    j.dout = dout;
    j.din = din;
    j.flags = flags;
    ae_pool_run(l->pool, j.p.chunks, backward_chunk, &j);
    ae_conv_reduce(&j.p, &j.ws, l->scratch, l->grads, flags & AE_BWD_ACCUMULATE);
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
