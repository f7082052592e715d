/* Optimisers over the model's flat parameter block (internal).
 *
 * State (Adam's moments, SGD's velocity) is one flat block per moment, laid out
 * like the parameters, so one loop updates every layer. */
#ifndef AE_NN_OPTIM_H
#define AE_NN_OPTIM_H

#include <stddef.h>

#include "aeclust/nn.h"

typedef struct {
    ae_optimizer_kind kind;
    double lr, beta1, beta2, eps, momentum;
    long t;   /* steps taken */
    size_t n; /* parameters */
    float *m; /* (n) Adam first moment / SGD velocity */
    float *v; /* (n) Adam second moment (NULL for SGD) */
} ae_optim;

/* Checks the settings o and allocates zeroed state for n parameters. */
ae_status ae_optim_init(ae_optim *opt, const ae_optim_opts *o, size_t n, ae_error *err);
/* One update of params (n) from grads (n). */
void ae_optim_step(ae_optim *opt, float *params, const float *grads);
void ae_optim_free(ae_optim *opt);

/* The kernels, over [0, n), for tests and other callers. t is the 1-based step. */
void ae_adam_update(float *p, const float *g, float *m, float *v, size_t n, double lr, double beta1, double beta2,
                    double eps, long t);
void ae_sgd_update(float *p, const float *g, float *vel, size_t n, double lr, double momentum);

#endif
