/* The declared sections and keys of experiment files (internal): the schema
 * table and the key enum, both built from settings.def. */
#ifndef AE_CONFIG_SCHEMA_H
#define AE_CONFIG_SCHEMA_H

#include <stddef.h>

#include "aeclust/config.h"

typedef enum { CFG_STR, CFG_INT, CFG_DOUBLE, CFG_BOOL, CFG_ENUM, CFG_LIST } cfg_type;

typedef struct {
    const char *section, *key;
    cfg_type type;
    const char *def;     /* default, as it would be written in the file */
    double min, max;     /* CFG_INT / CFG_DOUBLE bounds (inclusive) */
    const char *help;
    const char *allowed; /* CFG_ENUM / CFG_LIST: "a|b|c"; NULL = any string, or see allowed_fn */
    /* Instead of allowed: writes "a|b|c" from a table of the code (the
     * clusterers' names); NULL when allowed is fixed. */
    void (*allowed_fn)(char *buf, size_t n);
} cfg_key;

/* One enumerator per setting, in schema order: AE_KEY_train_batch_size. */
typedef enum {
#define AE_SECTION(s)
#define AE_SECTION_END(s)
#define AE_SETTING(s, k, ...) AE_KEY_##s##_##k,
#include "settings.def"
#undef AE_SECTION
#undef AE_SECTION_END
#undef AE_SETTING
    AE_KEY_COUNT
} ae_key;

extern const cfg_key ae_config_schema[AE_KEY_COUNT];

/* The allowed values of key k ("a|b|c") into buf; "" when any value goes. */
void ae_config_allowed(const cfg_key *k, char *buf, size_t n);

/* Key k's value by enumerator: its text as written, and as parsed for its
 * type (int and bool in _int_of, items of a list); for settings.c. */
const char *ae_config_text_of(const ae_config *c, ae_key k);
long ae_config_int_of(const ae_config *c, ae_key k);
double ae_config_double_of(const ae_config *c, ae_key k);
int ae_config_list_len_of(const ae_config *c, ae_key k);
const char *ae_config_list_item_of(const ae_config *c, ae_key k, int i);
/* Where the value of key k came from (ae_config_origin by enumerator). */
const char *ae_config_origin_of(const ae_config *c, ae_key k);

/* The writers of the allowed values that come from tables of the code. */
void ae_run_clusterer_names(char *buf, size_t n);

#endif
