/* Transposed 2-D convolution ("deconvolution"):
 *   "conv2d_transpose FILTERS KERNEL [sS] [same|valid|pP [opQ]] [ACTIVATION]"
 * Every input pixel scatters a K x K patch, weighted by W, into the output
 * at stride S; sizes and crop as window.h (Keras' same/valid, PyTorch's
 * padding/output_padding).
 *
 * It is conv2d's backward-data pass run forward: with the output seen as the
 * image and the input pixels as window positions, the forward pass is one GEMM
 * to patch columns and a col2im, and backward is an im2col and two GEMMs.
 *
 * Parameters: kernel W (Cin, F, K, K) as PyTorch stores it (Keras: (K, K, F,
 * Cin)), seen as the matrix (Cin, F*K*K), then bias b (F). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "conv_plan.h"
#include "im2col.h"
#include "init.h"
#include "layer.h"

#define CONVT_MAX_PATCH (1 << 28)

static int convt_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    return ae_window_parse_conv("conv2d_transpose", AE_WIN_OUTPAD, ntok, tok, &l->cfg.conv.filters, &l->cfg.conv.win,
                                &l->act, &l->act_alpha, msg, msgn);
}

static int convt_infer(ae_layer *l, char *msg, size_t msgn)
{
    if (l->in.rank != 3) {
        snprintf(msg, msgn, "conv2d_transpose needs an image input (C, H, W), got a flat %d-wide one (add a reshape)",
                 l->in.dim[0]);
        return -1;
    }
    const int C = l->in.dim[0], F = l->cfg.conv.filters, K = l->cfg.conv.win.size;
    if ((size_t)F * K * K > CONVT_MAX_PATCH) {
        snprintf(msg, msgn, "kernel %dx%d with %d filters is too large", K, K, F);
        return -1;
    }
    int oh, ow;
    if (ae_window_transpose(&l->cfg.conv.win, l->in.dim[1], l->in.dim[2], &oh, &ow, &l->cfg.conv.pt, &l->cfg.conv.pl,
                            msg, msgn))
        return -1;
    l->out = (ae_shape){.rank = 3, .dim = {F, oh, ow}};
    l->n_params = (size_t)C * F * K * K + (size_t)F;
    return 0;
}

static void convt_format(const ae_layer *l, char *buf, size_t n)
{
    char act[48], win[48];
    ae_act_format(l->act, l->act_alpha, act, sizeof act);
    ae_window_format(&l->cfg.conv.win, win, sizeof win);
    snprintf(buf, n, "conv2d_transpose %d %d %s %s", l->cfg.conv.filters, l->cfg.conv.win.size, win, act);
}

static int convt_tensors(const ae_layer *l, ae_tensor_view *t)
{
    const int C = l->in.dim[0], F = l->cfg.conv.filters, K = l->cfg.conv.win.size;
    t[0] = (ae_tensor_view){.name = "kernel", .rank = 4, .dim = {C, F, K, K}, .data = l->params};
    t[1] = (ae_tensor_view){.name = "bias", .rank = 1, .dim = {F}, .data = l->params + (size_t)C * F * K * K};
    return 2;
}

/* Fans as Keras and PyTorch count them for a transposed kernel: fan_in is the
 * output channels times the receptive field. */
static void convt_init(ae_layer *l, ae_init_kind kind, ae_rng *rng)
{
    const size_t C = (size_t)l->in.dim[0], F = (size_t)l->cfg.conv.filters,
                 KK = (size_t)l->cfg.conv.win.size * l->cfg.conv.win.size;
    ae_init_fill(l->params, C * F * KK, kind, F * KK, C * KK, rng);
    memset(l->params + C * F * KK, 0, F * sizeof(float));
}

/* The output is the "image", the input pixels the window positions. */
static ae_im2col_geom geometry(const ae_layer *l)
{
    return (ae_im2col_geom){.C = l->out.dim[0],
                            .H = l->out.dim[1],
                            .W = l->out.dim[2],
                            .K = l->cfg.conv.win.size,
                            .S = l->cfg.conv.win.stride,
                            .pt = l->cfg.conv.pt,
                            .pl = l->cfg.conv.pl,
                            .OH = l->in.dim[1],
                            .OW = l->in.dim[2]};
}

/* Per thread: col2im's phase planes, then per sample the patch columns
 * (F*K*K, P_in) and the input in GEMM order (C, P_in). */
static ae_conv_ws workspace(const ae_layer *l)
{
    const ae_im2col_geom g = geometry(l);
    const size_t C = (size_t)l->in.dim[0], P = (size_t)l->in.dim[1] * l->in.dim[2];
    const size_t KF = (size_t)g.C * g.K * g.K;
    ae_conv_ws w = {.grad = l->n_params, .fixed = ae_im2col_tmp_floats(&g)};
    w.per_row = (KF + C) * P;
    w.row_macs = (double)KF * C * P;
    return w;
}

static size_t convt_scratch(const ae_layer *l, int max_batch)
{
    const ae_conv_ws w = workspace(l);
    return ae_conv_scratch(&w, max_batch, l->pool);
}

/* Samples [s0, s1), in sub-chunks of p->rows, with a thread's workspace ws. */
static void convt_forward_rows(const ae_layer *l, const ae_conv_plan *p, const float *in, float *out, int s0, int s1,
                               float *ws)
{
    const ae_im2col_geom g = geometry(l);
    const int C = l->in.dim[0], F = g.C, KF = F * g.K * g.K, rows = p->rows;
    const size_t P = (size_t)g.OH * g.OW, out_row = (size_t)F * g.H * g.W;
    const float *w = l->params;                  /* (C, KF) */
    float *tmp = ws;                             /* col2im's phase planes */
    float *col = tmp + ae_im2col_tmp_floats(&g); /* (KF, rows*P) */
    float *xs = col + (size_t)KF * rows * P;     /* (C, rows*P) */
    for (int b0 = s0; b0 < s1; b0 += rows) {
        const int n = s1 - b0 < rows ? s1 - b0 : rows;
        const int N = (int)((size_t)n * P);
        const float *x = in + (size_t)b0 * C * P; /* (n, C, P) */
        if (C != 1 && n != 1) {
            ae_swap01(x, n, C, P, xs);
            x = xs;
        }
        /* col (KF, N) = W^T (KF, C) x (C, N) */
        ae_conv_gemm(p, true, false, KF, N, C, 1.0f, w, KF, x, N, 0.0f, col, N);
        ae_col2im(&g, col, n, out + (size_t)b0 * out_row, tmp);
    }
}

/* dout is already dL/d(pre-activation); dw (C, KF) = the kernel gradient of samples [s0, s1). */
static void convt_backward_rows(const ae_layer *l, const ae_conv_plan *p, const float *in, const float *dout,
                                float *din, int s0, int s1, float *ws, float *dw)
{
    const ae_im2col_geom g = geometry(l);
    const int C = l->in.dim[0], F = g.C, KF = F * g.K * g.K, rows = p->rows;
    const size_t P = (size_t)g.OH * g.OW, out_row = (size_t)F * g.H * g.W;
    const float *w = l->params;                  /* (C, KF) */
    float *tmp = ws;                             /* im2col's phase planes */
    float *col = tmp + ae_im2col_tmp_floats(&g); /* (KF, rows*P) */
    float *xs = col + (size_t)KF * rows * P;     /* (C, rows*P) */
    for (int b0 = s0; b0 < s1; b0 += rows) {
        const int n = s1 - b0 < rows ? s1 - b0 : rows;
        const int N = (int)((size_t)n * P);
        const bool direct = C == 1 || n == 1;                    /* (n, C, P) is already (C, n*P) */
        ae_im2col(&g, dout + (size_t)b0 * out_row, n, col, tmp); /* (KF, N) */
        const float *x = in + (size_t)b0 * C * P;
        if (!direct) {
            ae_swap01(x, n, C, P, xs);
            x = xs;
        }
        /* dW (C, KF) (+)= x (C, N) col^T (N, KF) */
        ae_conv_gemm(p, false, true, C, KF, N, 1.0f, x, N, col, N, b0 > s0 ? 1.0f : 0.0f, dw, KF);
        if (din) {
            float *dx = din + (size_t)b0 * C * P; /* (n, C, P) */
            /* dx (C, N) = W (C, KF) col (KF, N) */
            ae_conv_gemm(p, false, false, C, N, KF, 1.0f, w, KF, col, N, 0.0f, direct ? dx : xs, N);
            if (!direct) ae_swap01(xs, C, n, P, dx);
        }
    }
}

/* ---- the passes, one chunk of the batch at a time ---- */

typedef struct {
    ae_layer *l;
    ae_conv_ws ws;
    ae_conv_plan p;
    const float *in, *out;
    float *y, *dout, *din;
    int B, flags;
} convt_job;

static void forward_chunk(void *arg, int c, int thread)
{
    const convt_job *j = arg;
    const ae_layer *l = j->l;
    int s0, s1;
    ae_conv_chunk(&j->p, j->B, c, &s0, &s1);
    convt_forward_rows(l, &j->p, j->in, j->y, s0, s1, ae_conv_slice(&j->p, &j->ws, l->scratch, thread));
    const int F = l->cfg.conv.filters;
    const size_t P = (size_t)l->out.dim[1] * l->out.dim[2];
    const float *bias = l->params + (l->n_params - (size_t)F); /* (F) */
    ae_bias_act_forward(l->act, l->act_alpha, bias, j->y + (size_t)s0 * F * P, (size_t)(s1 - s0), (size_t)F, P);
}

static void backward_chunk(void *arg, int c, int thread)
{
    const convt_job *j = arg;
    const ae_layer *l = j->l;
    int s0, s1;
    ae_conv_chunk(&j->p, j->B, c, &s0, &s1);
    const int F = l->cfg.conv.filters;
    const size_t P = (size_t)l->out.dim[1] * l->out.dim[2], nk = l->n_params - (size_t)F;
    float *slot = ae_conv_slot(&j->p, &j->ws, l->scratch, c); /* this chunk's (kernel, bias) gradient */
    /* dout becomes dL/d(pre-activation); the bias gradient from the same pass */
    ae_act_backward(l->act, l->act_alpha, j->out + (size_t)s0 * F * P, j->dout + (size_t)s0 * F * P, slot + nk,
                    (size_t)(s1 - s0), (size_t)F, P, j->flags & AE_BWD_PREACT, false);
    convt_backward_rows(l, &j->p, j->in, j->dout, j->din, s0, s1, ae_conv_slice(&j->p, &j->ws, l->scratch, thread),
                        slot);
}

static void convt_forward(ae_layer *l, const float *in, float *out, int B)
{
    convt_job j = {.l = l, .ws = workspace(l), .in = in, .y = out, .B = B};
    j.p = ae_conv_plan_for(&j.ws, B, l->pool);
    ae_pool_run(l->pool, j.p.chunks, forward_chunk, &j);
}

static void convt_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B, int flags)
{
    convt_job j = {.l = l, .ws = workspace(l), .in = in, .out = out, .dout = dout, .din = din, .B = B, .flags = flags};
    j.p = ae_conv_plan_for(&j.ws, B, l->pool);
    ae_pool_run(l->pool, j.p.chunks, backward_chunk, &j);
    ae_conv_reduce(&j.p, &j.ws, l->scratch, l->grads, flags & AE_BWD_ACCUMULATE);
}

const ae_layer_ops ae_conv2d_transpose_ops = {
    .keyword = "conv2d_transpose",
    .type = "Conv2DTranspose",
    .parse = convt_parse,
    .infer = convt_infer,
    .format = convt_format,
    .tensors = convt_tensors,
    .init = convt_init,
    .forward = convt_forward,
    .backward = convt_backward,
    .scratch = convt_scratch,
};
