/* Experiment files: INI files ("[section]", "key = value", comments after ';'
 * or '#' at the start of a line or after a blank) whose every section and key is declared in one
 * schema table (src/run/config_schema.c) with its type, default and allowed
 * values. Loading checks each value; an unknown section or key, or a value
 * that does not parse, is an error naming the file, line and key. Settings
 * can be overridden after loading with "section.key=value" (the CLI's --set). */
#ifndef AECLUST_CONFIG_H
#define AECLUST_CONFIG_H

#include <stdio.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ae_config ae_config;

#define AE_CONFIG_MAX_ITEMS 16 /* items in a list value */

/* A config holding every default; name is the experiment name. */
ae_status ae_config_new(const char *name, ae_config **out, ae_error *err);
/* Reads an experiment file over the defaults. The experiment name defaults to
 * the file name without its folder and ".ini". */
ae_status ae_config_load(const char *path, ae_config **out, ae_error *err);
/* *out = a copy of c (the same values and origins), owned by the caller. */
ae_status ae_config_copy(const ae_config *c, ae_config **out, ae_error *err);
/* Applies one "section.key=value" override. */
ae_status ae_config_set(ae_config *c, const char *assignment, ae_error *err);
void ae_config_free(ae_config *c);

/* Typed getters; section.key must be declared in the schema, with that type. */
const char *ae_config_str(const ae_config *c, const char *section, const char *key);
long ae_config_int(const ae_config *c, const char *section, const char *key);
double ae_config_double(const ae_config *c, const char *section, const char *key);
int ae_config_bool(const ae_config *c, const char *section, const char *key);
/* Number of items of a list value, and item i. */
int ae_config_list_len(const ae_config *c, const char *section, const char *key);
const char *ae_config_list_item(const ae_config *c, const char *section, const char *key, int i);
/* True if the list value contains item. */
int ae_config_list_has(const ae_config *c, const char *section, const char *key, const char *item);
/* Where the value came from: "file:line", "--set", the experiment file's
 * path for a default of a loaded file, or "default". */
const char *ae_config_origin(const ae_config *c, const char *section, const char *key);

/* Writes every setting as an INI file (the effective experiment of a run). */
ae_status ae_config_write(const ae_config *c, FILE *f, ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
