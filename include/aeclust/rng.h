/* A small seeded random generator (xoshiro256**, seeded through splitmix64).
 *
 * The state is a plain value owned by the caller: there is no hidden global,
 * so the same seed gives the same stream on every run. */
#ifndef AECLUST_RNG_H
#define AECLUST_RNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t s[4];
} ae_rng;

void ae_rng_seed(ae_rng *r, uint64_t seed);
uint64_t ae_rng_next(ae_rng *r);
/* Uniform double in [0, 1). */
double ae_rng_uniform(ae_rng *r);
/* Uniform integer in [0, n); n > 0. */
uint64_t ae_rng_below(ae_rng *r, uint64_t n);
/* Standard normal N(0, 1) (Marsaglia's polar method). */
double ae_rng_normal(ae_rng *r);
/* Fisher-Yates shuffle of idx[0..n). */
void ae_rng_shuffle(ae_rng *r, size_t *idx, size_t n);

#ifdef __cplusplus
}
#endif

#endif
