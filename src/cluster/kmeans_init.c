/* Greedy k-means++ seeding (Arthur & Vassilvitskii, with scikit-learn's
 * local trials): the first seed is a uniformly drawn row; every further seed
 * is the best, by resulting potential, of 2 + floor(ln k) rows drawn with
 * probability proportional to their squared distance to the closest seed.
 *
 * Distances are taken directly as sums of squared differences on the raw
 * rows: they are translation invariant, so no centring is needed, and a row
 * that is already a seed gets exactly 0 and is never drawn again. */
#include <math.h>
#include <string.h>

#include "kmeans_internal.h"

#define MAX_TRIALS 32 /* 2 + floor(ln INT_MAX) = 23 */

/* |x - c_t|^2 for four candidates at once (repeat one to fill the four): four
 * independent sums keep the vector units busy where a single sum would wait
 * on its own latency; this made seeding 2x faster. */
static void sqdist4(const float *x, const float *c0, const float *c1, const float *c2, const float *c3, size_t d,
                    float *out)
{
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
    for (size_t l = 0; l < d; l++) {
        const float v = x[l], t0 = v - c0[l], t1 = v - c1[l], t2 = v - c2[l], t3 = v - c3[l];
        s0 += t0 * t0;
        s1 += t1 * t1;
        s2 += t2 * t2;
        s3 += t3 * t3;
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

typedef struct {
    ae_km_work *w;
    const size_t *cand;
    int nc;
} trial_job;

/* Blocks [lo, hi) of rows: their trial distances and per-block sums. */
static void trial_blocks(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    const trial_job *j = ctx;
    ae_km_work *w = j->w;
    const size_t n = w->n, d = w->d, L = (size_t)w->ntrials;
    const float *x = w->x, *closest = w->closest;
    const size_t *cand = j->cand;
    const int nc = j->nc;
    float *trial = w->trial;
    for (size_t b = lo; b < hi; b++) {
        double *part = w->block + b * L;
        for (int t = 0; t < nc; t++) part[t] = 0.0;
        size_t end = (b + 1) * AE_KM_BLOCK < n ? (b + 1) * AE_KM_BLOCK : n;
        for (size_t i = b * AE_KM_BLOCK; i < end; i++) {
            const float *xi = x + i * d;
            for (int t0 = 0; t0 < nc; t0 += 4) {
                const float *c[4];
                for (int u = 0; u < 4; u++) c[u] = x + cand[t0 + u < nc ? t0 + u : t0] * d;
                float v[4];
                sqdist4(xi, c[0], c[1], c[2], c[3], d, v);
                for (int u = 0; u < 4 && t0 + u < nc; u++) {
                    const float m = closest[i] < v[u] ? closest[i] : v[u];
                    trial[(size_t)(t0 + u) * n + i] = m;
                    part[t0 + u] += m;
                }
            }
        }
    }
}

/* For each candidate t: trial[t] = min(closest, |x - x_cand[t]|^2) per row and
 * pots[t] = its sum (per-block partial sums added in block order: the same
 * for any number of threads). */
static void trial_potentials(ae_km_work *w, const size_t *cand, int nc, double *pots)
{
    const size_t L = (size_t)w->ntrials;
    trial_job j = {w, cand, nc};
    ae_pool_for(ae_km_pass_pool(w, w->n * w->d * (size_t)nc), w->nblocks, ae_pool_grain(w->nblocks, 1), trial_blocks,
                &j);
    for (int t = 0; t < nc; t++) {
        double s = 0.0;
        for (size_t b = 0; b < w->nblocks; b++) s += w->block[b * L + (size_t)t];
        pots[t] = s;
    }
}

/* Draws ntrials rows with probability closest[i] / pot: the draws are sorted
 * so one pass over the running sum serves them all. */
static void draw_candidates(ae_km_work *w, ae_rng *rng, double pot, size_t *cand)
{
    const int L = w->ntrials;
    if (!(pot > 0.0)) { /* every row coincides with a seed: any row will do */
        for (int t = 0; t < L; t++) cand[t] = (size_t)ae_rng_below(rng, w->n);
        return;
    }
    double r[MAX_TRIALS];
    int order[MAX_TRIALS];
    for (int t = 0; t < L; t++) {
        r[t] = ae_rng_uniform(rng) * pot;
        order[t] = t;
        for (int u = t; u > 0 && r[order[u - 1]] > r[order[u]]; u--) {
            int tmp = order[u];
            order[u] = order[u - 1];
            order[u - 1] = tmp;
        }
    }
    double acc = 0.0;
    size_t last_positive = 0;
    int q = 0;
    for (size_t i = 0; i < w->n && q < L; i++) {
        if (w->closest[i] > 0.0f) last_positive = i;
        acc += w->closest[i];
        while (q < L && acc > r[order[q]]) cand[order[q++]] = i;
    }
    /* rounding can leave a draw just above the final running sum */
    while (q < L) cand[order[q++]] = last_positive;
}

void ae_km_plusplus(ae_km_work *w, ae_rng *rng, size_t *seeds)
{
    const size_t n = w->n;
    size_t cand[MAX_TRIALS];
    double pots[MAX_TRIALS];

    seeds[0] = (size_t)ae_rng_below(rng, n);
    for (size_t i = 0; i < n; i++) w->closest[i] = INFINITY;
    trial_potentials(w, seeds, 1, pots);
    memcpy(w->closest, w->trial, n * sizeof *w->closest);
    double pot = pots[0];

    for (int c = 1; c < w->k; c++) {
        draw_candidates(w, rng, pot, cand);
        trial_potentials(w, cand, w->ntrials, pots);
        int best = 0;
        for (int t = 1; t < w->ntrials; t++)
            if (pots[t] < pots[best]) best = t;
        memcpy(w->closest, w->trial + (size_t)best * n, n * sizeof *w->closest);
        pot = pots[best];
        seeds[c] = cand[best];
    }
}
