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
/* out[0..n) = the next n values of ae_rng_next, drawn faster (for masks). */
void ae_rng_fill(ae_rng *r, uint64_t *out, size_t n);
/* Uniform double in [0, 1). */
double ae_rng_uniform(ae_rng *r);
/* Uniform integer in [0, n); n > 0. */
uint64_t ae_rng_below(ae_rng *r, uint64_t n);
/* Standard normal N(0, 1) (Marsaglia's polar method). */
double ae_rng_normal(ae_rng *r);
/* Fisher-Yates shuffle of idx[0..n). */
void ae_rng_shuffle(ae_rng *r, size_t *idx, size_t n);

/* The named random streams of an experiment. Every random choice of a run
 * draws from a stream of its own, seeded by ae_stream_seed(experiment seed,
 * stream, index), so that a stage that draws more (or less) never shifts the
 * numbers of another: the noise drawn on the test images is the same whether
 * or not the training images were augmented. A library function that needs
 * several streams derives them from its one seed the same way (ae_train:
 * AE_STREAM_SHUFFLE, _SAMPLING and _VALIDATION). */
typedef enum {
    AE_STREAM_INIT,       /* a network's initial weights */
    AE_STREAM_TRAIN,      /* the seed of ae_train, which derives the next three from it */
    AE_STREAM_SHUFFLE,    /* the order of the training rows, every epoch */
    AE_STREAM_SAMPLING,   /* draws inside training batches: a VAE's latent noise, dropout */
    AE_STREAM_VALIDATION, /* a VAE's latent noise in validation (index: the epoch) */
    AE_STREAM_NOISE,      /* the noisy copy of a set's images, drawn once (index: the set) */
    AE_STREAM_EPOCH,      /* fresh noise and augmentation of the training images every epoch */
    AE_STREAM_SUBSET,     /* the images of a fit subset drawn per class */
    AE_STREAM_KMEANS,     /* k-means++ seeding and restarts */
    AE_STREAM_GMM,        /* a Gaussian mixture's k-means initialisation */
    AE_STREAM_ELBOW,      /* the elbow's k-means runs */
    AE_STREAM_EMBED,      /* 2-D embeddings (t-SNE, UMAP) */
    AE_STREAM_SILHOUETTE, /* the sample a silhouette is computed on */
    AE_STREAM_DECODE,     /* codes drawn from the prior and decoded */
    AE_STREAM_FINETUNE,   /* clustering fine-tuning (DEC, IDEC) */
    AE_STREAM_CLUSTER,    /* other clusterers' draws (UMAP before a mixture, ...) */
    AE_STREAM_COUNT
} ae_stream;

/* The seed of stream s (and its index-th member, for streams with several:
 * one per set, per epoch) of seed: splitmix64's mixing of the seed, the stream
 * and the index, so nearby seeds and streams give unrelated generators. */
uint64_t ae_stream_seed(uint64_t seed, ae_stream s, uint64_t index);
/* Its name for files and reports ("kmeans"). */
const char *ae_stream_name(ae_stream s);

#ifdef __cplusplus
}
#endif

#endif
