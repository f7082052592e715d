/* Optimiser choice, checks and state. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ae_status ae_optimizer_parse(const char *name, ae_optimizer_kind *out, ae_error *err)
{
    if (!strcmp(name, "adam")) *out = AE_OPTIM_ADAM;
    else if (!strcmp(name, "sgd")) *out = AE_OPTIM_SGD;
    else return ae_fail(err, AE_ERR_ARG, "unknown optimizer '%s' (known: adam, sgd)", name);
    return AE_OK;
}

const char *ae_optimizer_name(ae_optimizer_kind k)
{
    switch (k) {
    case AE_OPTIM_ADAM: return "adam";
    case AE_OPTIM_SGD: return "sgd";
    }
    return "?";
}

ae_optim_opts ae_optim_defaults(void)
{
    return (ae_optim_opts){.kind = AE_OPTIM_ADAM, .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .momentum = 0.0};
}

ae_status ae_optim_check(const ae_optim_opts *o, ae_error *err)
{
    if (o->kind != AE_OPTIM_ADAM && o->kind != AE_OPTIM_SGD)
        return ae_fail(err, AE_ERR_ARG, "unknown optimizer %d", (int)o->kind);
    if (!(o->lr > 0.0) || !isfinite(o->lr))
        return ae_fail(err, AE_ERR_ARG, "learning rate must be positive, got %g", o->lr);
    if (o->kind == AE_OPTIM_ADAM) {
        if (!(o->beta1 >= 0.0 && o->beta1 < 1.0) || !(o->beta2 >= 0.0 && o->beta2 < 1.0))
            return ae_fail(err, AE_ERR_ARG, "adam betas must be in [0, 1), got %g and %g", o->beta1, o->beta2);
        if (!(o->eps > 0.0) || !isfinite(o->eps))
            return ae_fail(err, AE_ERR_ARG, "adam eps must be positive, got %g", o->eps);
    } else if (!(o->momentum >= 0.0 && o->momentum < 1.0)) {
        return ae_fail(err, AE_ERR_ARG, "sgd momentum must be in [0, 1), got %g", o->momentum);
    }
    return AE_OK;
}

ae_status ae_optim_init(ae_optim *opt, const ae_optim_opts *o, size_t n, ae_error *err)
{
    memset(opt, 0, sizeof *opt);
    ae_status st = ae_optim_check(o, err);
    if (st) return st;
    opt->kind = o->kind;
    opt->lr = o->lr;
    opt->beta1 = o->beta1;
    opt->beta2 = o->beta2;
    opt->eps = o->eps;
    opt->momentum = o->momentum;
    opt->n = n;
    opt->m = calloc(n ? n : 1, sizeof(float));
    if (opt->kind == AE_OPTIM_ADAM) opt->v = calloc(n ? n : 1, sizeof(float));
    if (!opt->m || (opt->kind == AE_OPTIM_ADAM && !opt->v)) {
        ae_optim_free(opt);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for the optimizer state of %zu parameters", n);
    }
    return AE_OK;
}

void ae_optim_step(ae_optim *opt, float *params, const float *grads)
{
    opt->t++;
    if (opt->kind == AE_OPTIM_ADAM)
        ae_adam_update(params, grads, opt->m, opt->v, opt->n, opt->lr, opt->beta1, opt->beta2, opt->eps, opt->t);
    else
        ae_sgd_update(params, grads, opt->m, opt->n, opt->lr, opt->momentum);
}

void ae_optim_free(ae_optim *opt)
{
    free(opt->m);
    free(opt->v);
    opt->m = opt->v = NULL;
}
