/* Elementwise activations, fused with the bias add (forward) and the bias
 * gradient (backward) so each costs one pass over the activations (internal).
 *
 * Buffers are seen as (outer, ch, inner) with one bias per channel: a dense
 * layer's (B, N) is outer = B, ch = N, inner = 1; a conv layer's (B, C, H, W)
 * is outer = B, ch = C, inner = H*W. Derivatives are taken from the output y,
 * which is what the layer keeps: relu/leaky_relu (sign of y), sigmoid y(1-y),
 * tanh 1-y^2. */
#ifndef AE_NN_ACTIVATION_H
#define AE_NN_ACTIVATION_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { AE_ACT_LINEAR, AE_ACT_RELU, AE_ACT_LEAKY_RELU, AE_ACT_SIGMOID, AE_ACT_TANH } ae_act;

/* The slope of "leaky_relu" without ":SLOPE" (Keras 3's keras.activations.leaky_relu). */
#define AE_LEAKY_RELU_DEFAULT 0.2f

/* Parses "relu", "leaky_relu", "leaky_relu:0.1", ...; on failure writes the
 * problem to msg and returns -1. */
int ae_act_parse(const char *tok, ae_act *act, float *alpha, char *msg, size_t msgn);
/* Canonical text: "relu", "leaky_relu:0.2", ... */
void ae_act_format(ae_act act, float alpha, char *buf, size_t n);

/* y = act(y + b[c]) over y (outer, ch, inner); b (ch) may be NULL (no bias). */
void ae_bias_act_forward(ae_act act, float alpha, const float *b, float *y, size_t outer, size_t ch,
                         size_t inner);

/* dy *= act'(y) over (outer, ch, inner) (skipped when preact: dy already is the
 * pre-activation gradient); then, if db != NULL, db[c] = (or += when
 * accumulate) the sum of dy over outer and inner. */
void ae_act_backward(ae_act act, float alpha, const float *y, float *dy, float *db, size_t outer, size_t ch,
                     size_t inner, bool preact, bool accumulate);

/* Single-value versions, for tests and the loss. */
float ae_sigmoidf(float x);
float ae_tanhf_fast(float x);

#endif
