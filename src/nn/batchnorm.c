/* Batch normalisation: "batchnorm [momentum=M] [eps=E] [ACTIVATION]".
 *
 * Over a flat input (N) it normalises each of the N features (PyTorch's
 * BatchNorm1d, Keras' BatchNormalization on a Dense output); over an image
 * (C, H, W) each channel, with statistics over the batch and H x W
 * (BatchNorm2d). With x_hat = (x - mean) / sqrt(var + eps):
 *     y = act(gamma * x_hat + beta)
 * Training mode takes mean and var from the batch (var biased, divided by the
 * count) and updates the running statistics as PyTorch does:
 *     running_mean = (1 - M) running_mean + M mean
 *     running_var  = (1 - M) running_var  + M var * n / (n - 1)   (unbiased)
 * with n the values per channel (B, or B*H*W); a batch of n = 1 leaves them
 * as they are (its unbiased variance is undefined; PyTorch refuses it).
 * Evaluation mode uses the running statistics. Defaults M = 0.1, E = 1e-5
 * (PyTorch's); Keras' momentum 0.99 is M = 0.01 here, its epsilon 1e-3.
 *
 * Parameters gamma (C) then beta (C) (initially 1 and 0); state running_mean
 * (C) then running_var (C) (initially 0 and 1). Statistics are summed in
 * double; every loop runs along contiguous memory (a flat batch row by row
 * over the features, an image channel plane by plane). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "layer.h"
#include "spec.h"

#define BN_DEFAULT_MOMENTUM 0.1f
#define BN_DEFAULT_EPS 1e-5f

static int bn_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    l->cfg.bn.momentum = BN_DEFAULT_MOMENTUM;
    l->cfg.bn.eps = BN_DEFAULT_EPS;
    bool have_m = false, have_e = false, have_act = false;
    for (int i = 0; i < ntok; i++) {
        const char *t = tok[i];
        if (!strncmp(t, "momentum=", 9)) {
            if (have_m) {
                snprintf(msg, msgn, "momentum given twice (at '%s')", t);
                return -1;
            }
            have_m = true;
            if (ae_spec_parse_real(t + 9, "batchnorm momentum", 0, 1, false, false, &l->cfg.bn.momentum, msg, msgn))
                return -1;
        } else if (!strncmp(t, "eps=", 4)) {
            if (have_e) {
                snprintf(msg, msgn, "eps given twice (at '%s')", t);
                return -1;
            }
            have_e = true;
            if (ae_spec_parse_real(t + 4, "batchnorm eps", 0, 1, true, false, &l->cfg.bn.eps, msg, msgn)) return -1;
        } else if (strchr(t, '=')) {
            snprintf(msg, msgn, "unknown batchnorm option '%s' (known: momentum=M, eps=E)", t);
            return -1;
        } else {
            if (have_act) {
                snprintf(msg, msgn, "unexpected '%s': the activation is already given", t);
                return -1;
            }
            have_act = true;
            if (ae_act_parse(t, &l->act, &l->act_alpha, msg, msgn)) return -1;
        }
    }
    return 0;
}

static int bn_infer(ae_layer *l, char *msg, size_t msgn)
{
    (void)msg;
    (void)msgn;
    l->cfg.bn.channels = l->in.dim[0];
    l->cfg.bn.inner = l->in.rank == 3 ? l->in.dim[1] * l->in.dim[2] : 1;
    l->out = l->in;
    l->n_params = 2 * (size_t)l->cfg.bn.channels;
    l->n_state = 2 * (size_t)l->cfg.bn.channels;
    return 0;
}

static void bn_format(const ae_layer *l, char *buf, size_t n)
{
    char m[32], e[32], act[48];
    ae_spec_format_real(l->cfg.bn.momentum, m, sizeof m);
    ae_spec_format_real(l->cfg.bn.eps, e, sizeof e);
    ae_act_format(l->act, l->act_alpha, act, sizeof act);
    snprintf(buf, n, "batchnorm momentum=%s eps=%s %s", m, e, act);
}

static int bn_tensors(const ae_layer *l, ae_tensor_view *t)
{
    const int C = l->cfg.bn.channels;
    t[0] = (ae_tensor_view){.name = "gamma", .rank = 1, .dim = {C}, .data = l->params};
    t[1] = (ae_tensor_view){.name = "beta", .rank = 1, .dim = {C}, .data = l->params + C};
    return 2;
}

static int bn_state_tensors(const ae_layer *l, ae_tensor_view *t)
{
    const int C = l->cfg.bn.channels;
    t[0] = (ae_tensor_view){.name = "running_mean", .rank = 1, .dim = {C}, .data = l->state};
    t[1] = (ae_tensor_view){.name = "running_var", .rank = 1, .dim = {C}, .data = l->state + C};
    return 2;
}

static void bn_init(ae_layer *l, ae_init_kind kind, ae_rng *rng)
{
    (void)kind;
    (void)rng;
    const int C = l->cfg.bn.channels;
    for (int c = 0; c < C; c++) {
        l->params[c] = 1.0f;     /* gamma */
        l->params[C + c] = 0.0f; /* beta */
        l->state[c] = 0.0f;      /* running mean */
        l->state[C + c] = 1.0f;  /* running variance */
    }
}

/* The cache (AE_CACHE_ALIGN-aligned, layer.h), per channel: two double sums
 * of the pass, then what forward used and backward needs in float. */
typedef struct {
    double *s1, *s2;  /* (C) each: sums over the batch */
    float *mean;      /* (C) the mean forward subtracted (batch or running) */
    float *invstd;    /* (C) 1 / sqrt(var + eps) with that var */
    float *scale;     /* (C) gamma * invstd */
    float *k1, *k2;   /* (C) backward's per-channel coefficients */
} bn_cache_view;

static bn_cache_view cache_view(const ae_layer *l)
{
    const size_t C = (size_t)l->cfg.bn.channels;
    double *d = (double *)(void *)l->cache;
    float *f = (float *)(void *)(d + 2 * C);
    return (bn_cache_view){.s1 = d, .s2 = d + C, .mean = f, .invstd = f + C, .scale = f + 2 * C,
                           .k1 = f + 3 * C, .k2 = f + 4 * C};
}

static size_t bn_cache(const ae_layer *l, int max_batch)
{
    (void)max_batch;
    return 2 * 2 * (size_t)l->cfg.bn.channels + 5 * (size_t)l->cfg.bn.channels;
}

/* s[c] = sum over the batch of (x - shift[c]) (shift NULL: 0) and, when sq,
 * of its square instead. x is (B, C, inner). */
static void channel_sums(const float *x, int B, int C, int inner, const double *shift, bool sq, double *s)
{
    memset(s, 0, (size_t)C * sizeof *s);
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * C * inner;
        if (inner == 1) {
            if (sq) {
                _Pragma("omp simd") for (int c = 0; c < C; c++) {
                    double d = xb[c] - shift[c];
                    s[c] += d * d;
                }
            } else {
                _Pragma("omp simd") for (int c = 0; c < C; c++) s[c] += xb[c];
            }
            continue;
        }
        for (int c = 0; c < C; c++) {
            const float *xr = xb + (size_t)c * inner;
            double acc = 0.0;
            if (sq) {
                const double m = shift[c];
                _Pragma("omp simd reduction(+ : acc)") for (int i = 0; i < inner; i++) {
                    double d = xr[i] - m;
                    acc += d * d;
                }
            } else {
                _Pragma("omp simd reduction(+ : acc)") for (int i = 0; i < inner; i++) acc += xr[i];
            }
            s[c] += acc;
        }
    }
}

static void bn_forward(ae_layer *l, const float *in, float *out, int B)
{
    const int C = l->cfg.bn.channels, inner = l->cfg.bn.inner;
    const float *gamma = l->params, *beta = l->params + C;
    float *rmean = l->state, *rvar = l->state + C;
    bn_cache_view v = cache_view(l);
    const double eps = l->cfg.bn.eps;
    if (l->mode.training) {
        const double n = (double)B * inner, mom = l->cfg.bn.momentum;
        channel_sums(in, B, C, inner, NULL, false, v.s1);
        for (int c = 0; c < C; c++) v.s1[c] /= n; /* the mean, in double for the second pass */
        channel_sums(in, B, C, inner, v.s1, true, v.s2);
        for (int c = 0; c < C; c++) {
            const double var = v.s2[c] / n;
            v.mean[c] = (float)v.s1[c];
            v.invstd[c] = (float)(1.0 / sqrt(var + eps));
            if (n > 1) {
                rmean[c] = (float)((1.0 - mom) * rmean[c] + mom * v.s1[c]);
                rvar[c] = (float)((1.0 - mom) * rvar[c] + mom * var * n / (n - 1.0));
            }
        }
    } else {
        for (int c = 0; c < C; c++) {
            v.mean[c] = rmean[c];
            v.invstd[c] = (float)(1.0 / sqrt((double)rvar[c] + eps));
        }
    }
    for (int c = 0; c < C; c++) v.scale[c] = gamma[c] * v.invstd[c];
    const float *mean = v.mean, *scale = v.scale;
    for (int b = 0; b < B; b++) {
        const float *xb = in + (size_t)b * C * inner;
        float *yb = out + (size_t)b * C * inner;
        if (inner == 1) {
            _Pragma("omp simd") for (int c = 0; c < C; c++) yb[c] = (xb[c] - mean[c]) * scale[c] + beta[c];
            continue;
        }
        for (int c = 0; c < C; c++) {
            const float m = mean[c], s = scale[c], t = beta[c];
            const float *xr = xb + (size_t)c * inner;
            float *yr = yb + (size_t)c * inner;
            _Pragma("omp simd") for (int i = 0; i < inner; i++) yr[i] = (xr[i] - m) * s + t;
        }
    }
    if (l->act != AE_ACT_LINEAR) ae_bias_act_forward(l->act, l->act_alpha, NULL, out, (size_t)B, (size_t)C, (size_t)inner);
}

/* With g = dL/d(pre-activation): dbeta = sum g, dgamma = sum g x_hat, and in
 * training (the statistics depend on the batch)
 *     din = gamma invstd (g - mean(g) - x_hat mean(g x_hat)),
 * in evaluation din = gamma invstd g. */
static void bn_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B, int flags)
{
    const int C = l->cfg.bn.channels, inner = l->cfg.bn.inner;
    float *dgamma = l->grads, *dbeta = l->grads + C;
    bn_cache_view v = cache_view(l);
    if (!(flags & AE_BWD_PREACT) && l->act != AE_ACT_LINEAR)
        ae_act_backward(l->act, l->act_alpha, out, dout, NULL, (size_t)B, (size_t)C, (size_t)inner, false, false);
    /* s1 = sum g, s2 = sum g (x - mean) */
    memset(v.s1, 0, (size_t)C * sizeof *v.s1);
    memset(v.s2, 0, (size_t)C * sizeof *v.s2);
    const float *mean = v.mean;
    for (int b = 0; b < B; b++) {
        const float *xb = in + (size_t)b * C * inner, *gb = dout + (size_t)b * C * inner;
        if (inner == 1) {
            double *s1 = v.s1, *s2 = v.s2;
            _Pragma("omp simd") for (int c = 0; c < C; c++) {
                s1[c] += gb[c];
                s2[c] += (double)gb[c] * (xb[c] - mean[c]);
            }
            continue;
        }
        for (int c = 0; c < C; c++) {
            const float *xr = xb + (size_t)c * inner, *gr = gb + (size_t)c * inner;
            const float m = mean[c];
            double a1 = 0.0, a2 = 0.0;
            _Pragma("omp simd reduction(+ : a1, a2)") for (int i = 0; i < inner; i++) {
                a1 += gr[i];
                a2 += (double)gr[i] * (xr[i] - m);
            }
            v.s1[c] += a1;
            v.s2[c] += a2;
        }
    }
    const bool acc = flags & AE_BWD_ACCUMULATE;
    for (int c = 0; c < C; c++) {
        const float dg = (float)(v.s2[c] * v.invstd[c]), db = (float)v.s1[c];
        dgamma[c] = acc ? dgamma[c] + dg : dg;
        dbeta[c] = acc ? dbeta[c] + db : db;
    }
    if (!din) return;
    /* din = scale (g - k1 - (x - mean) k2): k1 = mean(g), k2 = invstd^2 mean(g (x - mean)); both 0 in evaluation */
    const double n = (double)B * inner;
    for (int c = 0; c < C; c++) {
        const double is = v.invstd[c];
        v.k1[c] = l->mode.training ? (float)(v.s1[c] / n) : 0.0f;
        v.k2[c] = l->mode.training ? (float)(v.s2[c] * is * is / n) : 0.0f;
    }
    const float *scale = v.scale, *k1 = v.k1, *k2 = v.k2;
    for (int b = 0; b < B; b++) {
        const float *xb = in + (size_t)b * C * inner, *gb = dout + (size_t)b * C * inner;
        float *db = din + (size_t)b * C * inner;
        if (inner == 1) {
            _Pragma("omp simd") for (int c = 0; c < C; c++) db[c] = scale[c] * (gb[c] - k1[c] - (xb[c] - mean[c]) * k2[c]);
            continue;
        }
        for (int c = 0; c < C; c++) {
            const float *xr = xb + (size_t)c * inner, *gr = gb + (size_t)c * inner;
            float *dr = db + (size_t)c * inner;
            const float m = mean[c], s = scale[c], a = k1[c], k = k2[c];
            _Pragma("omp simd") for (int i = 0; i < inner; i++) dr[i] = s * (gr[i] - a - (xr[i] - m) * k);
        }
    }
}

const ae_layer_ops ae_batchnorm_ops = {
    .keyword = "batchnorm",
    .type = "BatchNormalization",
    .name = "batch_normalization",
    .parse = bn_parse,
    .infer = bn_infer,
    .format = bn_format,
    .tensors = bn_tensors,
    .init = bn_init,
    .forward = bn_forward,
    .backward = bn_backward,
    .state_tensors = bn_state_tensors,
    .cache = bn_cache,
};
