/* Central finite differences against analytic gradients, for the gradient
 * checks of layers, models and training losses (test_nn_layers.c,
 * test_nn_train_hook.c, test_nn_grad.c). The scalar differentiated is summed
 * in double by the caller's objective, so float32 forward passes are the only
 * rounding; a check passes when |numeric - analytic| <= atol + rtol |analytic|. */
#ifndef AE_TEST_NN_FD_H
#define AE_TEST_NN_FD_H

#include "test_util.h"

#include "aeclust/rng.h"

static inline void fill_uniform(float *x, size_t n, double lo, double hi, ae_rng *r)
{
    for (size_t i = 0; i < n; i++) x[i] = (float)(lo + (hi - lo) * ae_rng_uniform(r));
}

/* The largest |num - ana| / (atol + rtol |ana|) seen by check_grad since the
 * caller last reset it (a check passes below 1): how close to its tolerance
 * a case came. */
static double fd_worst;

/* |num - ana| <= atol + rtol * |ana|, naming what and where. */
static inline void check_grad(double num, double ana, double atol, double rtol, const char *what, size_t i)
{
    const double ratio = fabs(num - ana) / (atol + rtol * fabs(ana));
    if (ratio > fd_worst) fd_worst = ratio;
    if (!(ratio <= 1.0)) fail_msg("%s[%zu]: numeric %.8g vs analytic %.8g", what, i, num, ana);
}

/* The objective: a scalar of whatever the caller perturbs. */
typedef double (*fd_objective)(void *ctx);

/* For every v[i] (i < n): (f(v + h e_i) - f(v - h e_i)) / 2h against ana[i],
 * v[i] restored after. Returns how many values it checked. */
static inline size_t fd_check(float *v, size_t n, const float *ana, fd_objective f, void *ctx, float h, double atol,
                              double rtol, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        const float keep = v[i];
        v[i] = keep + h;
        const double up = f(ctx), hi = v[i];
        v[i] = keep - h;
        const double down = f(ctx), lo = v[i];
        v[i] = keep;
        /* the float steps actually taken, not 2h: keep +- h rounds */
        check_grad((up - down) / (hi - lo), ana[i], atol, rtol, what, i);
    }
    return n;
}

/* Distinct values 0.1 apart, shuffled: no two inputs of a max-pool window
 * within 2h of each other, so the winners stay put under any step h < 0.05. */
static inline void fill_separated(float *x, size_t n, ae_rng *rng)
{
    size_t *idx = malloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++) idx[i] = i;
    ae_rng_shuffle(rng, idx, n);
    for (size_t i = 0; i < n; i++) x[i] = 0.1f * (float)idx[i] - 0.05f * (float)n;
    free(idx);
}

#endif
