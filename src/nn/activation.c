#include "activation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastmath.h"

/* `omp simd`: GCC's -O2 cost model leaves loops of unknown length scalar; the
 * pragma asks for vectors (and -fopenmp is always on). */
#define AE_SIMD _Pragma("omp simd")

static inline float sigmoid_poly(float x) { return 1.0f / (1.0f + ae_exp_poly(-x)); }

/* tanh(x) = 1 - 2/(exp(2x)+1): absolute error below 1e-6 (the relative error
 * grows only for |x| < 1e-2, where it does not matter to training). */
static inline float tanh_poly(float x) { return 1.0f - 2.0f / (ae_exp_poly(2.0f * x) + 1.0f); }

float ae_sigmoidf(float x) { return sigmoid_poly(x); }
float ae_tanhf_fast(float x) { return tanh_poly(x); }

static const struct {
    const char *name;
    ae_act act;
} act_names[] = {
    {"linear", AE_ACT_LINEAR},   {"relu", AE_ACT_RELU}, {"leaky_relu", AE_ACT_LEAKY_RELU},
    {"sigmoid", AE_ACT_SIGMOID}, {"tanh", AE_ACT_TANH},
};

int ae_act_parse(const char *tok, ae_act *act, float *alpha, char *msg, size_t msgn)
{
    const char *colon = strchr(tok, ':');
    size_t len = colon ? (size_t)(colon - tok) : strlen(tok);
    for (size_t i = 0; i < sizeof act_names / sizeof act_names[0]; i++) {
        if (strlen(act_names[i].name) != len || strncmp(tok, act_names[i].name, len) != 0) continue;
        *act = act_names[i].act;
        *alpha = act_names[i].act == AE_ACT_LEAKY_RELU ? AE_LEAKY_RELU_DEFAULT : 0.0f;
        if (!colon) return 0;
        if (*act != AE_ACT_LEAKY_RELU) {
            snprintf(msg, msgn, "activation '%s' takes no parameter", act_names[i].name);
            return -1;
        }
        char *end;
        double v = strtod(colon + 1, &end);
        if (end == colon + 1 || *end != '\0' || !isfinite(v) || v < 0.0 || v > 1e6) {
            snprintf(msg, msgn, "bad leaky_relu slope '%s' (want a number >= 0, e.g. leaky_relu:0.2)", colon + 1);
            return -1;
        }
        *alpha = (float)v;
        return 0;
    }
    snprintf(msg, msgn, "unknown activation '%s' (known: linear, relu, leaky_relu[:SLOPE], sigmoid, tanh)", tok);
    return -1;
}

void ae_act_format(ae_act act, float alpha, char *buf, size_t n)
{
    switch (act) {
    case AE_ACT_LINEAR: snprintf(buf, n, "linear"); return;
    case AE_ACT_RELU: snprintf(buf, n, "relu"); return;
    case AE_ACT_LEAKY_RELU:
        /* the shortest text that reads back as the same float: 0.1, not 0.100000001 */
        for (int digits = 1; digits <= 9; digits++) {
            snprintf(buf, n, "leaky_relu:%.*g", digits, (double)alpha);
            if (strtof(buf + 11, NULL) == alpha) break;
        }
        return;
    case AE_ACT_SIGMOID: snprintf(buf, n, "sigmoid"); return;
    case AE_ACT_TANH: snprintf(buf, n, "tanh"); return;
    }
    snprintf(buf, n, "?");
}

/* The activation loops over one contiguous run y[0..len); BIAS(i) is element
 * i's bias. The switch sits outside the loops so each loop vectorises. */
#define AE_ACT_LOOPS(BIAS)                                                                         \
    switch (act) {                                                                                 \
    case AE_ACT_LINEAR:                                                                            \
        AE_SIMD for (size_t i = 0; i < len; i++) y[i] = y[i] + BIAS(i);                            \
        break;                                                                                     \
    case AE_ACT_RELU:                                                                              \
        AE_SIMD for (size_t i = 0; i < len; i++)                                                   \
        {                                                                                          \
            float v = y[i] + BIAS(i);                                                              \
            y[i] = v < 0.0f ? 0.0f : v; /* NaN passes, as in PyTorch */                             \
        }                                                                                          \
        break;                                                                                     \
    case AE_ACT_LEAKY_RELU:                                                                        \
        AE_SIMD for (size_t i = 0; i < len; i++)                                                   \
        {                                                                                          \
            float v = y[i] + BIAS(i);                                                              \
            y[i] = v < 0.0f ? alpha * v : v;                                                       \
        }                                                                                          \
        break;                                                                                     \
    case AE_ACT_SIGMOID:                                                                           \
        AE_SIMD for (size_t i = 0; i < len; i++) y[i] = sigmoid_poly(y[i] + BIAS(i));              \
        break;                                                                                     \
    case AE_ACT_TANH:                                                                              \
        AE_SIMD for (size_t i = 0; i < len; i++) y[i] = tanh_poly(y[i] + BIAS(i));                 \
        break;                                                                                     \
    }

/* A dense row: one bias per element. */
static void act_run_vec(ae_act act, float alpha, float *restrict y, size_t len, const float *restrict b)
{
#define AE_BIAS_VEC(i) b[i]
    AE_ACT_LOOPS(AE_BIAS_VEC)
#undef AE_BIAS_VEC
}

/* A channel plane: one bias for all of it. */
static void act_run_const(ae_act act, float alpha, float *restrict y, size_t len, float b)
{
#define AE_BIAS_CONST(i) b
    AE_ACT_LOOPS(AE_BIAS_CONST)
#undef AE_BIAS_CONST
}
#undef AE_ACT_LOOPS

void ae_bias_act_forward(ae_act act, float alpha, const float *b, float *y, size_t outer, size_t ch,
                         size_t inner)
{
    if (inner == 1) {
        for (size_t o = 0; o < outer; o++) {
            if (b)
                act_run_vec(act, alpha, y + o * ch, ch, b);
            else
                act_run_const(act, alpha, y + o * ch, ch, 0.0f);
        }
        return;
    }
    for (size_t o = 0; o < outer; o++)
        for (size_t c = 0; c < ch; c++)
            act_run_const(act, alpha, y + (o * ch + c) * inner, inner, b ? b[c] : 0.0f);
}

/* dy *= act'(y) over one run of len values. */
static void act_grad_run(ae_act act, float alpha, const float *restrict y, float *restrict dy, size_t len)
{
    switch (act) {
    case AE_ACT_LINEAR: break;
    case AE_ACT_RELU:
        AE_SIMD for (size_t i = 0; i < len; i++) dy[i] = y[i] > 0.0f ? dy[i] : 0.0f;
        break;
    case AE_ACT_LEAKY_RELU:
        AE_SIMD for (size_t i = 0; i < len; i++) dy[i] = y[i] > 0.0f ? dy[i] : alpha * dy[i];
        break;
    case AE_ACT_SIGMOID:
        AE_SIMD for (size_t i = 0; i < len; i++) dy[i] *= y[i] * (1.0f - y[i]);
        break;
    case AE_ACT_TANH:
        AE_SIMD for (size_t i = 0; i < len; i++) dy[i] *= 1.0f - y[i] * y[i];
        break;
    }
}

void ae_act_backward(ae_act act, float alpha, const float *y, float *dy, float *db, size_t outer, size_t ch,
                     size_t inner, bool preact, bool accumulate)
{
    if (db && !accumulate) memset(db, 0, ch * sizeof *db);
    for (size_t o = 0; o < outer; o++) {
        if (inner == 1) {
            const float *yr = y + o * ch;
            float *restrict dr = dy + o * ch;
            if (!preact) act_grad_run(act, alpha, yr, dr, ch);
            if (db) {
                float *restrict dbr = db;
                AE_SIMD for (size_t c = 0; c < ch; c++) dbr[c] += dr[c];
            }
            continue;
        }
        for (size_t c = 0; c < ch; c++) {
            const float *yr = y + (o * ch + c) * inner;
            float *dr = dy + (o * ch + c) * inner;
            if (!preact) act_grad_run(act, alpha, yr, dr, inner);
            if (db) {
                /* without the reduction clause `omp simd` keeps this sum one scalar chain */
                float s = 0.0f;
                _Pragma("omp simd reduction(+ : s)") for (size_t i = 0; i < inner; i++) s += dr[i];
                db[c] += s;
            }
        }
    }
}
