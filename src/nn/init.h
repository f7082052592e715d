/* Initial weights (internal). Biases are zero; only kernels are drawn. */
#ifndef AE_NN_INIT_H
#define AE_NN_INIT_H

#include <stddef.h>

#include "aeclust/nn.h"
#include "aeclust/rng.h"

/* Fills w (n) for a kernel with the given fans, drawing from rng in order. */
void ae_init_fill(float *w, size_t n, ae_init_kind kind, size_t fan_in, size_t fan_out, ae_rng *rng);

#endif
