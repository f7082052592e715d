/* Reconstruction losses, value and gradient in one pass (internal). */
#ifndef AE_NN_LOSS_H
#define AE_NN_LOSS_H

#include <stdbool.h>
#include <stddef.h>

#include "aeclust/nn.h"

/* Clamp of BCE's y against log(0) (Keras' epsilon). */
#define AE_BCE_EPS 1e-7f

/* Returns the sum over the n elements of y vs t of the per-element loss
 * (MSE (y-t)^2; BCE -t log y - (1-t) log(1-y), each log clamped below at
 * log(1e-7), for y in [0, 1]), accumulated in double.
 * If dy != NULL it receives scale * d(loss)/dy, so scale = 1/count gives the
 * gradient of the mean. With preact (BCE after a sigmoid) dy is instead the
 * gradient w.r.t. the sigmoid's input, scale * (y - t). */
double ae_loss_eval(ae_loss_kind kind, const float *y, const float *t, size_t n, float *dy, float scale,
                    bool preact);

#endif
