/* Filling the typed settings from a config, and the checks that span keys. */
#include "settings.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aeclust/noise.h"

static void fill_str(const ae_config *c, ae_key k, const char **out) { *out = ae_config_text_of(c, k); }
static void fill_int(const ae_config *c, ae_key k, long *out) { *out = ae_config_int_of(c, k); }
static void fill_double(const ae_config *c, ae_key k, double *out) { *out = ae_config_double_of(c, k); }
static void fill_bool(const ae_config *c, ae_key k, bool *out) { *out = ae_config_int_of(c, k) != 0; }
static void fill_list(const ae_config *c, ae_key k, ae_setting_list *out)
{
    out->n = ae_config_list_len_of(c, k);
    for (int i = 0; i < out->n; i++) out->item[i] = ae_config_list_item_of(c, k, i);
}
#define FILL_STR fill_str
#define FILL_ENUM fill_str
#define FILL_INT fill_int
#define FILL_DOUBLE fill_double
#define FILL_BOOL fill_bool
#define FILL_LIST fill_list

const char *ae_settings_origin(const ae_settings *s, ae_key k) { return ae_config_origin_of(s->cfg, k); }

ae_status ae_settings_fail(const ae_settings *s, ae_key k, ae_error *err, ae_status st, const char *fmt, ...)
{
    char msg[AE_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ae_fail(err, st, "%s: %s", ae_settings_origin(s, k), msg);
}

bool ae_settings_has_model(const ae_settings *s) { return s->model.encoder[0] || s->model.load[0]; }

bool ae_setting_list_has(const ae_setting_list *l, const char *item)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->item[i], item)) return true;
    return false;
}

uint64_t ae_settings_seed(const ae_settings *s, ae_stream stream, uint64_t index)
{
    return ae_stream_seed((uint64_t)s->experiment.seed, stream, index);
}

/* The checks no single value can make. */
static ae_status check(const ae_settings *s, ae_error *err)
{
    const bool has_spec = s->model.encoder[0] != '\0', has_model = ae_settings_has_model(s);
    if (has_spec != (s->model.decoder[0] != '\0'))
        return ae_settings_fail(s, has_spec ? AE_KEY_model_decoder : AE_KEY_model_encoder, err, AE_ERR_ARG,
                                "[model] needs both an encoder and a decoder");
    if (has_spec && s->model.load[0])
        return ae_settings_fail(s, AE_KEY_model_load, err, AE_ERR_ARG,
                                "model.load brings its own layers: leave [model] encoder and decoder empty");
    if (s->train.epochs == 0 && !s->model.load[0])
        return ae_settings_fail(s, AE_KEY_train_epochs, err, AE_ERR_ARG,
                                "train.epochs = 0 trains nothing: it needs a model.load to start from");
    if (ae_setting_list_has(&s->cluster.space, "code") && !has_model)
        return ae_settings_fail(s, AE_KEY_cluster_space, err, AE_ERR_ARG,
                                "cluster.space = code needs a [model] with an encoder and a decoder");
    ae_noise nz = {.amount = s->noise.amount};
    ae_status st = ae_noise_parse(s->noise.kind, &nz.kind, err);
    if (st) return st;
    if (nz.kind != AE_NOISE_NONE) {
        if (!has_model) return ae_settings_fail(s, AE_KEY_noise_kind, err, AE_ERR_ARG, "[noise] needs a [model] to denoise");
        if ((st = ae_noise_check(&nz, err))) {
            char why[AE_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            return ae_settings_fail(s, AE_KEY_noise_amount, err, st, "noise.amount: %s", why);
        }
    }
    const bool clustering = !ae_setting_list_has(&s->cluster.method, "none");
    if (!clustering && s->cluster.method.n > 1)
        return ae_settings_fail(s, AE_KEY_cluster_method, err, AE_ERR_ARG,
                                "cluster.method = none cannot be listed with a clusterer");
    if (s->elbow.k_max > 0 && s->elbow.k_min > s->elbow.k_max)
        return ae_settings_fail(s, AE_KEY_elbow_k_min, err, AE_ERR_ARG, "the elbow's k-range is empty (k_min %ld > k_max %ld)",
                                s->elbow.k_min, s->elbow.k_max);
    if (strcmp(s->finetune.method, "none") && !has_model)
        return ae_settings_fail(s, AE_KEY_finetune_method, err, AE_ERR_ARG,
                                "finetune.method = %s fine-tunes an autoencoder: it needs a [model]", s->finetune.method);
    if (strcmp(s->finetune.method, "none") && s->noise.sweep.n > 0)
        return ae_settings_fail(s, AE_KEY_finetune_method, err, AE_ERR_ARG, "finetune.method cannot go with a noise.sweep");
    if (s->noise.sweep.n > 0 && (nz.kind == AE_NOISE_NONE || clustering))
        return ae_settings_fail(s, AE_KEY_noise_sweep, err, AE_ERR_ARG,
                                "noise.sweep trains one denoising model per amount: it needs a noise.kind and "
                                "cluster.method = none");
    return AE_OK;
}

ae_status ae_settings_fill(const ae_config *c, ae_settings *s, ae_error *err)
{
    memset(s, 0, sizeof *s);
    s->cfg = c;
#define AE_SECTION(sec)
#define AE_SECTION_END(sec)
#define AE_SETTING(sec, k, t, ...) FILL_##t(c, AE_KEY_##sec##_##k, &s->sec.k);
#include "settings.def"
#undef AE_SECTION
#undef AE_SECTION_END
#undef AE_SETTING
    return check(s, err);
}
