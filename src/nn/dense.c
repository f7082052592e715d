/* Dense (fully connected) layer: y = act(x W + b).
 *
 * Parameters: kernel W (in, units) row-major, as Keras stores it, then bias b
 * (units). With W laid out (in, units) the forward product is a plain
 * x (B, in) * W (in, units), and the three GEMMs of a step run at about the
 * same speed as PyTorch's (units, in) layout (measured on this machine). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gemm.h"
#include "core/gemm_split.h"
#include "init.h"
#include "layer.h"

/* Widest layer accepted: keeps B * units and in * units well inside int/size_t. */
#define DENSE_MAX_UNITS (1 << 24)

static int dense_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    if (ntok < 1) {
        snprintf(msg, msgn, "dense needs a width (e.g. \"dense 128 relu\")");
        return -1;
    }
    char *end;
    errno = 0;
    long units = strtol(tok[0], &end, 10);
    if (end == tok[0] || *end != '\0' || errno != 0) {
        snprintf(msg, msgn, "dense width '%s' is not a number", tok[0]);
        return -1;
    }
    if (units <= 0) {
        snprintf(msg, msgn, "dense width must be positive, got %ld", units);
        return -1;
    }
    if (units > DENSE_MAX_UNITS) {
        snprintf(msg, msgn, "dense width %ld is too large (at most %d)", units, DENSE_MAX_UNITS);
        return -1;
    }
    l->cfg.dense.units = (int)units;
    if (ntok >= 2 && ae_act_parse(tok[1], &l->act, &l->act_alpha, msg, msgn) != 0) return -1;
    if (ntok > 2) {
        snprintf(msg, msgn, "unexpected '%s' after the activation", tok[2]);
        return -1;
    }
    return 0;
}

static int dense_infer(ae_layer *l, char *msg, size_t msgn)
{
    if (l->in.rank != 1) {
        snprintf(msg, msgn, "dense needs a flat input, got rank %d (add a flatten layer first)", l->in.rank);
        return -1;
    }
    size_t in = (size_t)l->in.dim[0], units = (size_t)l->cfg.dense.units;
    l->out.rank = 1;
    l->out.dim[0] = (int)units;
    l->n_params = in * units + units;
    return 0;
}

static void dense_format(const ae_layer *l, char *buf, size_t n)
{
    char act[48];
    ae_act_format(l->act, l->act_alpha, act, sizeof act);
    snprintf(buf, n, "dense %d %s", l->cfg.dense.units, act);
}

static int dense_tensors(const ae_layer *l, ae_tensor_view *t)
{
    int in = l->in.dim[0], units = l->cfg.dense.units;
    t[0] = (ae_tensor_view){.name = "kernel", .rank = 2, .dim = {in, units}, .data = l->params};
    t[1] = (ae_tensor_view){.name = "bias", .rank = 1, .dim = {units}, .data = l->params + (size_t)in * units};
    return 2;
}

static void dense_init(ae_layer *l, ae_init_kind kind, ae_rng *rng)
{
    size_t in = (size_t)l->in.dim[0], units = (size_t)l->cfg.dense.units;
    ae_init_fill(l->params, in * units, kind, in, units, rng);
    memset(l->params + in * units, 0, units * sizeof(float));
}

static void dense_forward(ae_layer *l, const float *in, float *out, int B)
{
    int K = l->in.dim[0], N = l->cfg.dense.units;
    const float *w = l->params;               /* (K, N) */
    const float *b = l->params + (size_t)K * N; /* (N) */
    ae_sgemm(false, false, B, N, K, 1.0f, in, K, w, N, 0.0f, out, N); /* out (B, N) = in (B, K) W */
    ae_bias_act_forward(l->act, l->act_alpha, b, out, (size_t)B, (size_t)N, 1);
}

static void dense_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B,
                           int flags)
{
    int K = l->in.dim[0], N = l->cfg.dense.units;
    bool acc = flags & AE_BWD_ACCUMULATE;
    const float *w = l->params; /* (K, N) */
    float *dw = l->grads;       /* (K, N) */
    float *db = l->grads + (size_t)K * N; /* (N) */
    /* dout (B, N) becomes dL/d(pre-activation); db from the same pass */
    ae_act_backward(l->act, l->act_alpha, out, dout, db, (size_t)B, (size_t)N, 1, flags & AE_BWD_PREACT, acc);
    /* dW (K, N) (+)= in^T (K, B) dout (B, N) */
    ae_sgemm(true, false, K, N, B, 1.0f, in, K, dout, N, acc ? 1.0f : 0.0f, dw, N);
    /* din (B, K) = dout (B, N) W^T (N, K) */
    if (din) ae_sgemm(false, true, B, K, N, 1.0f, dout, N, w, N, 0.0f, din, K);
}

/* OpenBLAS threads a product of more than AE_GEMM_ONE_THREAD_MACS multiply-adds. */
static bool dense_blas_pool(const ae_layer *l, int max_batch)
{
    return (double)max_batch * l->in.dim[0] * l->cfg.dense.units > AE_GEMM_ONE_THREAD_MACS;
}

const ae_layer_ops ae_dense_ops = {
    .keyword = "dense",
    .type = "Dense",
    .parse = dense_parse,
    .infer = dense_infer,
    .format = dense_format,
    .tensors = dense_tensors,
    .init = dense_init,
    .forward = dense_forward,
    .backward = dense_backward,
    .blas_pool = dense_blas_pool,
};
