/* The grid of a sweep: --grid specs checked against the schema and the
 * experiment (every value set on a copy of it, so a value that would fail
 * the run fails here, before anything runs), the combinations in order, each
 * one's config and folder name. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_schema.h"
#include "sweep_internal.h"

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
    return s;
}

static int schema_index(const char *section, const char *key, int *section_known)
{
    *section_known = 0;
    for (int i = 0; i < AE_KEY_COUNT; i++) {
        if (strcmp(ae_config_schema[i].section, section)) continue;
        *section_known = 1;
        if (!strcmp(ae_config_schema[i].key, key)) return i;
    }
    return -1;
}

/* The shortest "%.Ng" that reads back as exactly x. */
static void shortest(double x, char *buf, size_t n)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, x);
        if (strtod(buf, NULL) == x) return;
    }
}

void ae_sweep_grid_free(ae_sweep_grid *g)
{
    if (!g) return;
    for (int k = 0; k < g->n_keys; k++) {
        for (int v = 0; v < g->key[k].n_values; v++) free(g->key[k].values[v]);
        free(g->key[k].values);
        free(g->key[k].x);
    }
    memset(g, 0, sizeof *g);
}

ae_status ae_sweep_key_init(ae_sweep_key *k, const char *name, int n_values, ae_error *err)
{
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "%s", name);
    snprintf(k->label, sizeof k->label, "%s", name);
    k->values = calloc((size_t)(n_values > 0 ? n_values : 1), sizeof *k->values);
    k->x = calloc((size_t)(n_values > 0 ? n_values : 1), sizeof *k->x);
    if (!k->values || !k->x) {
        free(k->values);
        free(k->x);
        k->values = NULL;
        k->x = NULL;
        return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    }
    return AE_OK;
}

ae_status ae_sweep_key_add(ae_sweep_key *k, const char *value, ae_error *err)
{
    if (!(k->values[k->n_values] = strdup(value))) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    k->n_values++;
    return AE_OK;
}

void ae_sweep_grid_finish(ae_sweep_grid *g)
{
    g->n_combinations = 1;
    for (int k = 0; k < g->n_keys; k++) {
        ae_sweep_key *key = &g->key[k];
        g->n_combinations *= key->n_values;
        /* numeric when every value reads as a finite number, whatever the key's type */
        key->numeric = key->n_values > 0;
        for (int v = 0; v < key->n_values && key->numeric; v++) {
            char *end;
            errno = 0;
            key->x[v] = strtod(key->values[v], &end);
            key->numeric = end != key->values[v] && *end == '\0' && !errno && isfinite(key->x[v]);
        }
        /* the bare key names folders and figures, unless another grid key has that name */
        const char *bare = strchr(key->name, '.');
        bare = bare ? bare + 1 : key->name;
        int shared = 0;
        for (int j = 0; j < g->n_keys; j++) {
            const char *other = strchr(g->key[j].name, '.');
            other = other ? other + 1 : g->key[j].name;
            shared |= j != k && !strcmp(other, bare);
        }
        snprintf(key->label, sizeof key->label, "%s", shared ? key->name : bare);
    }
}

ae_status ae_sweep_grid_copy(ae_sweep_grid *dst, const ae_sweep_grid *src, ae_error *err)
{
    memset(dst, 0, sizeof *dst);
    for (int k = 0; k < src->n_keys; k++) {
        ae_status st = ae_sweep_key_init(&dst->key[k], src->key[k].name, src->key[k].n_values, err);
        dst->n_keys = k + (st == AE_OK);
        for (int v = 0; !st && v < src->key[k].n_values; v++) st = ae_sweep_key_add(&dst->key[k], src->key[k].values[v], err);
        if (st) {
            ae_sweep_grid_free(dst);
            return st;
        }
    }
    ae_sweep_grid_finish(dst);
    return AE_OK;
}

/* The message of a failed ae_config_set("NAME=VALUE") without its "--set
 * NAME=VALUE: " prefix. */
static const char *set_problem(const char *msg, const char *assignment)
{
    size_t n = strlen(assignment);
    if (!strncmp(msg, "--set ", 6) && !strncmp(msg + 6, assignment, n) && !strncmp(msg + 6 + n, ": ", 2))
        return msg + 8 + n;
    return msg;
}

/* One value of key k (schema entry ki): set on a copy of c, then stored in
 * its canonical form (numbers shortest, list items joined by ','). */
static ae_status add_value(const ae_config *c, ae_sweep_key *k, int ki, const char *value, ae_error *err)
{
    const cfg_key *sk = &ae_config_schema[ki];
    size_t len = strlen(k->name) + strlen(value) + 2;
    char *a = malloc(len), canon[1100];
    ae_config *copy = NULL;
    if (!a) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    snprintf(a, len, "%s=%s", k->name, value);
    ae_error e = {0};
    ae_status st = ae_config_copy(c, &copy, err);
    if (!st && ae_config_set(copy, a, &e))
        st = ae_fail(err, AE_ERR_ARG, "--grid %s: %s", k->name, set_problem(e.msg, a));
    free(a);
    if (!st) {
        if (sk->type == CFG_INT)
            snprintf(canon, sizeof canon, "%ld", ae_config_int(copy, sk->section, sk->key));
        else if (sk->type == CFG_DOUBLE)
            shortest(ae_config_double(copy, sk->section, sk->key), canon, sizeof canon);
        else if (sk->type == CFG_LIST) {
            canon[0] = '\0';
            for (int i = 0; i < ae_config_list_len(copy, sk->section, sk->key); i++) {
                size_t at = strlen(canon);
                snprintf(canon + at, sizeof canon - at, "%s%s", i ? "," : "", ae_config_list_item(copy, sk->section, sk->key, i));
            }
        } else
            snprintf(canon, sizeof canon, "%s", value);
        for (int v = 0; v < k->n_values && !st; v++)
            if (!strcmp(k->values[v], canon))
                st = ae_fail(err, AE_ERR_ARG, "--grid %s: the value %s is given twice", k->name, canon);
        if (!st) st = ae_sweep_key_add(k, canon, err);
    }
    ae_config_free(copy);
    return st;
}

/* One spec "section.key=v1,v2" into g->key[g->n_keys]. */
static ae_status parse_spec(const ae_config *c, const char *spec, ae_sweep_grid *g, ae_error *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", spec) >= (int)sizeof buf)
        return ae_fail(err, AE_ERR_ARG, "--grid %.40s...: too long", spec);
    char *eq = strchr(buf, '=');
    if (!eq) return ae_fail(err, AE_ERR_ARG, "--grid %s: expected section.key=value,value,...", spec);
    *eq = '\0';
    char *name = trim(buf), *values = eq + 1, *dot = strchr(name, '.');
    if (!dot || dot == name || !dot[1])
        return ae_fail(err, AE_ERR_ARG, "--grid %s: '%s' is not section.key", spec, name);
    *dot = '\0';
    int known, ki = schema_index(name, dot + 1, &known);
    *dot = '.';
    if (ki < 0)
        return ae_fail(err, AE_ERR_ARG, "--grid %s: unknown %s '%s'", spec, known ? "key" : "section", name);
    if (ki == AE_KEY_experiment_seed)
        return ae_fail(err, AE_ERR_ARG, "--grid %s: give the seeds with --seeds, not in the grid", spec);
    for (int k = 0; k < g->n_keys; k++)
        if (!strcmp(g->key[k].name, name)) return ae_fail(err, AE_ERR_ARG, "--grid %s: %s is given twice", spec, name);
    if (g->n_keys == AE_SWEEP_MAX_KEYS)
        return ae_fail(err, AE_ERR_ARG, "--grid %s: more than %d grid keys", spec, AE_SWEEP_MAX_KEYS);
    /* a list or free text has commas of its own: its values are separated by ';' */
    cfg_type t = ae_config_schema[ki].type;
    const char sep = t == CFG_LIST || t == CFG_STR ? ';' : ',';
    if (!*trim(values))
        return ae_fail(err, AE_ERR_ARG, "--grid %s: no values (give %s=A%cB...)", spec, name, sep);
    int n = 1;
    for (const char *p = values; *p; p++) n += *p == sep;
    if (n > AE_SWEEP_MAX_VALUES)
        return ae_fail(err, AE_ERR_ARG, "--grid %s: more than %d values", spec, AE_SWEEP_MAX_VALUES);
    ae_sweep_key *key = &g->key[g->n_keys];
    ae_status st = ae_sweep_key_init(key, name, n, err);
    if (st) return st;
    g->n_keys++;
    for (char *p = values; !st;) {
        char *end = strchr(p, sep);
        if (end) *end = '\0';
        char *v = trim(p);
        if (!*v)
            st = ae_fail(err, AE_ERR_ARG, "--grid %s: an empty value (values are separated by '%c')", spec, sep);
        else
            st = add_value(c, key, ki, v, err);
        if (!end) break;
        p = end + 1;
    }
    return st;
}

ae_status ae_sweep_grid_parse(const ae_config *c, const char *const *specs, int n_specs, ae_sweep_grid *g,
                              ae_error *err)
{
    memset(g, 0, sizeof *g);
    if (n_specs < 1) return ae_fail(err, AE_ERR_ARG, "--grid: give at least one (e.g. --grid train.lr=1e-3,5e-4)");
    ae_status st = AE_OK;
    long combos = 1;
    for (int i = 0; i < n_specs && !st; i++) {
        st = parse_spec(c, specs[i], g, err);
        if (!st && (combos *= g->key[g->n_keys - 1].n_values) > AE_SWEEP_MAX_COMBINATIONS)
            st = ae_fail(err, AE_ERR_ARG, "--grid %s: the grid has more than %d combinations", specs[i],
                         AE_SWEEP_MAX_COMBINATIONS);
    }
    if (st) {
        ae_sweep_grid_free(g);
        return st;
    }
    ae_sweep_grid_finish(g);
    return AE_OK;
}

void ae_sweep_combination(const ae_sweep_grid *g, int i, int *value)
{
    for (int k = g->n_keys - 1; k >= 0; k--) {
        int n = g->key[k].n_values > 0 ? g->key[k].n_values : 1;
        value[k] = i % n;
        i /= n;
    }
}

int ae_sweep_index(const ae_sweep_grid *g, const int *value)
{
    int i = 0;
    for (int k = 0; k < g->n_keys; k++) i = i * g->key[k].n_values + value[k];
    return i;
}

ae_status ae_sweep_config(const ae_config *c, const ae_sweep_grid *g, const int *value, ae_config **out,
                          ae_error *err)
{
    ae_status st = ae_config_copy(c, out, err);
    for (int k = 0; k < g->n_keys && !st; k++) {
        size_t len = strlen(g->key[k].name) + strlen(g->key[k].values[value[k]]) + 2;
        char *a = malloc(len);
        if (!a) {
            st = ae_fail(err, AE_ERR_NOMEM, "out of memory");
            break;
        }
        snprintf(a, len, "%s=%s", g->key[k].name, g->key[k].values[value[k]]);
        st = ae_config_set(*out, a, err);
        free(a);
    }
    if (st) {
        ae_config_free(*out);
        *out = NULL;
    }
    return st;
}

void ae_sweep_sanitize(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (; *s && o + 1 < n; s++) {
        unsigned char ch = (unsigned char)*s;
        int keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                   ch == '_' || ch == '+' || ch == '-';
        out[o++] = keep ? (char)ch : ch == ',' ? '+' : '_';
    }
    if (n) out[o] = '\0';
}

#define NAME_MAX_LEN 200

void ae_sweep_folder_name(const ae_sweep_grid *g, const int *value, char *buf, size_t n)
{
    char full[8192] = "", part[1200];
    for (int k = 0; k < g->n_keys; k++) {
        size_t at = strlen(full);
        snprintf(full + at, sizeof full - at, "%s%s=%s", k ? "\x1f" : "", g->key[k].label, g->key[k].values[value[k]]);
    }
    char name[8192] = "";
    for (int k = 0; k < g->n_keys; k++) {
        ae_sweep_sanitize(g->key[k].values[value[k]], part, sizeof part);
        size_t at = strlen(name);
        snprintf(name + at, sizeof name - at, "%s%s=%s", k ? "," : "", g->key[k].label, part);
    }
    if (strlen(name) > NAME_MAX_LEN) {
        /* too long for a file name: a prefix, and a hash of the whole so that names stay apart */
        uint64_t h = 1469598103934665603ULL;
        for (const char *p = full; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        snprintf(name + NAME_MAX_LEN - 17, 18, "-%016llx", (unsigned long long)h);
    }
    snprintf(buf, n, "%s", name);
}
