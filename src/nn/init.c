#include "init.h"

#include <math.h>
#include <string.h>

static const struct {
    const char *name;
    ae_init_kind kind;
} init_names[] = {
    {"glorot_uniform", AE_INIT_GLOROT_UNIFORM},
    {"glorot", AE_INIT_GLOROT_UNIFORM},
    {"he_uniform", AE_INIT_HE_UNIFORM},
    {"he_normal", AE_INIT_HE_NORMAL},
    {"fan_in_uniform", AE_INIT_FAN_IN_UNIFORM},
};

ae_status ae_init_kind_parse(const char *name, ae_init_kind *out, ae_error *err)
{
    for (size_t i = 0; i < sizeof init_names / sizeof init_names[0]; i++)
        if (!strcmp(name, init_names[i].name)) {
            *out = init_names[i].kind;
            return AE_OK;
        }
    return ae_fail(err, AE_ERR_ARG, "unknown initializer '%s' (known: glorot_uniform, he_uniform, he_normal, fan_in_uniform)",
                   name);
}

const char *ae_init_kind_name(ae_init_kind k)
{
    switch (k) {
    case AE_INIT_GLOROT_UNIFORM: return "glorot_uniform";
    case AE_INIT_HE_UNIFORM: return "he_uniform";
    case AE_INIT_HE_NORMAL: return "he_normal";
    case AE_INIT_FAN_IN_UNIFORM: return "fan_in_uniform";
    }
    return "?";
}

void ae_init_fill(float *w, size_t n, ae_init_kind kind, size_t fan_in, size_t fan_out, ae_rng *rng)
{
    double fi = fan_in ? (double)fan_in : 1.0, fo = fan_out ? (double)fan_out : 1.0;
    switch (kind) {
    case AE_INIT_GLOROT_UNIFORM:
    case AE_INIT_HE_UNIFORM:
    case AE_INIT_FAN_IN_UNIFORM: {
        double limit = kind == AE_INIT_GLOROT_UNIFORM ? sqrt(6.0 / (fi + fo))
                       : kind == AE_INIT_HE_UNIFORM   ? sqrt(6.0 / fi)
                                                      : sqrt(1.0 / fi);
        for (size_t i = 0; i < n; i++) w[i] = (float)((2.0 * ae_rng_uniform(rng) - 1.0) * limit);
        return;
    }
    case AE_INIT_HE_NORMAL: {
        double sd = sqrt(2.0 / fi);
        for (size_t i = 0; i < n; i++) w[i] = (float)(ae_rng_normal(rng) * sd);
        return;
    }
    }
}
