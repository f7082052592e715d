#include "config_schema.h"

#include <float.h>
#include <limits.h>
#include <stdio.h>

#include "aeclust/nn.h"

/* Every key an experiment file may use, from settings.def. */
const cfg_key ae_config_schema[AE_KEY_COUNT] = {
#define AE_SECTION(s)
#define AE_SECTION_END(s)
#define AE_ALLOWED_FN(fn) NULL, .allowed_fn = fn
#define AE_SETTING(s, k, t, def_, lo, hi, allowed_, help_)                                                          \
    [AE_KEY_##s##_##k] = {.section = #s, .key = #k, .type = CFG_##t, .def = def_, .min = lo, .max = hi,              \
                          .help = help_, .allowed = allowed_},
#include "settings.def"
#undef AE_SECTION
#undef AE_SECTION_END
#undef AE_ALLOWED_FN
#undef AE_SETTING
};

void ae_config_allowed(const cfg_key *k, char *buf, size_t n)
{
    if (k->allowed_fn)
        k->allowed_fn(buf, n);
    else
        snprintf(buf, n, "%s", k->allowed ? k->allowed : "");
}
