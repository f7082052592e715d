/* The declared sections and keys of experiment files. Internal. */
#ifndef AE_CONFIG_SCHEMA_H
#define AE_CONFIG_SCHEMA_H

typedef enum { CFG_STR, CFG_INT, CFG_DOUBLE, CFG_BOOL, CFG_ENUM, CFG_LIST } cfg_type;

typedef struct {
    const char *section, *key;
    cfg_type type;
    const char *def;     /* default, as it would be written in the file */
    double min, max;     /* CFG_INT / CFG_DOUBLE bounds (inclusive) */
    const char *allowed; /* CFG_ENUM / CFG_LIST: "a|b|c"; NULL = any string */
    const char *help;
} cfg_key;

extern const cfg_key ae_config_schema[];
extern const int ae_config_schema_len;

#endif
