/* An experiment's settings as one typed struct (internal to src/run).
 *
 * settings.def declares every key once; this header turns it into
 *     s.train.epochs (long), s.train.lr (double), s.train.shuffle (bool),
 *     s.noise.kind (const char *, one of the allowed values),
 *     s.cluster.method (ae_setting_list), ...
 * filled once from the config (whose schema has already checked each value
 * and its range) by ae_settings_fill, which also makes the checks that span
 * several keys. Stages read fields; nothing below this file looks a setting
 * up by its name. Strings point into the config, which must outlive the
 * settings. */
#ifndef AE_RUN_SETTINGS_H
#define AE_RUN_SETTINGS_H

#include <stdbool.h>

#include "aeclust/config.h"
#include "aeclust/rng.h"
#include "aeclust/status.h"
#include "config_schema.h"

typedef struct {
    int n;
    const char *item[AE_CONFIG_MAX_ITEMS];
} ae_setting_list;

#define AE_SETTING_CTYPE_STR const char *
#define AE_SETTING_CTYPE_ENUM const char *
#define AE_SETTING_CTYPE_INT long
#define AE_SETTING_CTYPE_DOUBLE double
#define AE_SETTING_CTYPE_BOOL bool
#define AE_SETTING_CTYPE_LIST ae_setting_list

typedef struct {
#define AE_SECTION(s) struct {
#define AE_SECTION_END(s) } s;
#define AE_SETTING(s, k, t, ...) AE_SETTING_CTYPE_##t k;
#include "settings.def"
#undef AE_SECTION
#undef AE_SECTION_END
#undef AE_SETTING
    const ae_config *cfg; /* where the values came from (ae_settings_origin) */
} ae_settings;

/* Fills s from c and checks what single values cannot say: a [noise] needs a
 * [model], a sweep needs a noise kind and no clusterer, cluster.method =
 * none stands alone, the elbow's k-range is not empty, ... Each problem is
 * one line naming where the setting came from ("exp.ini:12: ..."). */
ae_status ae_settings_fill(const ae_config *c, ae_settings *s, ae_error *err);

/* Where key k's value came from: "file:line", "--set", or the file / "default". */
const char *ae_settings_origin(const ae_settings *s, ae_key k);

/* Fails with status st and the message "ORIGIN: " + fmt, ORIGIN being where
 * key k came from (the message names the key itself). */
ae_status ae_settings_fail(const ae_settings *s, ae_key k, ae_error *err, ae_status st, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Whether the experiment has an autoencoder ([model] encoder and decoder, or model.load). */
bool ae_settings_has_model(const ae_settings *s);

/* Whether list l holds item. */
bool ae_setting_list_has(const ae_setting_list *l, const char *item);

/* The experiment seed's stream (rng.h) for a stage. */
uint64_t ae_settings_seed(const ae_settings *s, ae_stream stream, uint64_t index);

#endif
