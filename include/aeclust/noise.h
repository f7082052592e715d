/* Seeded noise models for denoising studies, and data augmentation. Images are
 * rows of pixels in [0,1] (row-major h*w).
 *
 * Both appliers write a fresh copy into a caller-allocated `out` and allocate
 * nothing, so a training loop can corrupt or augment its batch every epoch.
 * The result depends only on the inputs and the rng state (not on the number
 * of threads). */
#ifndef AECLUST_NOISE_H
#define AECLUST_NOISE_H

#include "matrix.h"
#include "rng.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { AE_NOISE_NONE, AE_NOISE_GAUSSIAN, AE_NOISE_SALT_PEPPER, AE_NOISE_RANDOM_SHADES } ae_noise_kind;
typedef struct {
    ae_noise_kind kind;
    double amount; /* gaussian: factor f in clip(x + f*N(0,1), 0, 1) (TensorFlow's tutorial uses 0.2);
                      salt_pepper: fraction p of pixels set to 0 or 1 (half each, at random);
                      random_shades: fraction p of pixels, at random locations, set to a uniform random shade in [0,1] (seed 003)
                      none: ignored.
                      The fractions pick exactly round(p * cols) distinct pixels of every image (selection
                      sampling: each position equally likely); salt_pepper then makes each one 0 or 1 by a
                      fair coin, so "half each" holds on average. */
} ae_noise;
/* "none", "gaussian", "salt_pepper", "random_shades" */
ae_status ae_noise_parse(const char *name, ae_noise_kind *out, ae_error *err);
/* The name ae_noise_parse accepts for k ("unknown" for a value outside the enum). */
const char *ae_noise_name(ae_noise_kind k);
/* Checks amount: gaussian >= 0 and finite; the fractions in [0,1]. One-line AE_ERR_ARG otherwise, e.g.
   "noise fraction 1.5 is outside [0, 1]". */
ae_status ae_noise_check(const ae_noise *n, ae_error *err);
/* out (same shape as x, already allocated by the caller, may not alias x) = noisy copy of x, drawing from rng.
   Allocates nothing, so it can be called before every epoch.
   Every call (any kind, even none) advances rng by exactly one draw, which keys an independent stream per
   image; so switching the noise kind does not shift the caller's later draws, and images are processed in
   parallel (OpenMP) with the same result for any thread count. Checks n (ae_noise_check) and shapes. */
ae_status ae_noise_apply(const ae_noise *n, const ae_matrix *x, ae_rng *rng, ae_matrix *out, ae_error *err);

typedef struct {
    int max_shift; /* random shift of each image by -max_shift..max_shift pixels in x and y, zero fill [0] */
    int hflip;     /* mirror left-right with probability 1/2 [0] */
} ae_augment_opts;
/* out (allocated by the caller, same shape, may not alias x) = augmented copy of x, images height x width.
   Per image, in this order, draws from rng: dy then dx (uniform in -max_shift..max_shift, only when
   max_shift > 0), then the flip coin (only when hflip). The image is mirrored first, then shifted:
   out(r, c) = flipped(r - dy, c - dx), 0 where that falls outside. No draws when both options are off. */
ae_status ae_augment_apply(const ae_augment_opts *o, const ae_matrix *x, int height, int width, ae_rng *rng,
                           ae_matrix *out, ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
