/* Experiment settings: typed values checked against the schema at load time,
 * so the pipeline reads them with getters that cannot fail. */
#include "aeclust/config.h"

#include <assert.h>
#include <errno.h>
#include <sys/stat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config_schema.h"

#define ORIGIN_MAX 320
#define ITEM_MAX 64

typedef struct {
    char *text; /* the value as written */
    long i;
    double d;
    int n_items;
    char items[AE_CONFIG_MAX_ITEMS][ITEM_MAX];
    char origin[ORIGIN_MAX];
} cfg_value;

struct ae_config {
    cfg_value v[AE_KEY_COUNT]; /* one per schema key, in schema order */
    char path[ORIGIN_MAX]; /* the file it was loaded from, "" if none */
};

static int key_index(const char *section, const char *key)
{
    for (int i = 0; i < AE_KEY_COUNT; i++)
        if (strcmp(ae_config_schema[i].section, section) == 0 && strcmp(ae_config_schema[i].key, key) == 0)
            return i;
    return -1;
}

static int section_known(const char *section)
{
    for (int i = 0; i < AE_KEY_COUNT; i++)
        if (strcmp(ae_config_schema[i].section, section) == 0) return 1;
    return 0;
}

static int allowed_has(const char *allowed, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = allowed; *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && strncmp(p, word, n) == 0) return 1;
        if (!bar) break;
        p = bar + 1;
    }
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
    return s;
}

/* Parses text into slot v per the schema entry k; on failure writes the
 * problem (without location) to why. */
static int parse_value(const cfg_key *k, const char *text, cfg_value *v, char *why, size_t n)
{
    char *end, allowed[512];
    switch (k->type) {
    case CFG_STR:
        break;
    case CFG_INT: {
        errno = 0;
        double x = strtod(text, &end);
        if (*text == '\0' || *end != '\0' || errno || x != floor(x)) {
            snprintf(why, n, "'%s' is not an integer", text);
            return -1;
        }
        if (x < k->min || x > k->max) {
            snprintf(why, n, "%s is out of range [%.0f, %.0f]", text, k->min, k->max);
            return -1;
        }
        v->i = (long)x;
        break;
    }
    case CFG_DOUBLE: {
        errno = 0;
        double x = strtod(text, &end);
        if (*text == '\0' || *end != '\0' || errno || !isfinite(x)) {
            snprintf(why, n, "'%s' is not a finite number", text);
            return -1;
        }
        if (x < k->min || x > k->max) {
            snprintf(why, n, "%s is out of range [%g, %g]", text, k->min, k->max);
            return -1;
        }
        v->d = x;
        break;
    }
    case CFG_BOOL:
        if (!strcmp(text, "yes") || !strcmp(text, "true") || !strcmp(text, "on") || !strcmp(text, "1"))
            v->i = 1;
        else if (!strcmp(text, "no") || !strcmp(text, "false") || !strcmp(text, "off") || !strcmp(text, "0"))
            v->i = 0;
        else {
            snprintf(why, n, "'%s' is not yes/no", text);
            return -1;
        }
        break;
    case CFG_ENUM:
        ae_config_allowed(k, allowed, sizeof allowed);
        if (!allowed_has(allowed, text)) {
            snprintf(why, n, "'%.60s' is not one of %.160s", text, allowed);
            return -1;
        }
        break;
    case CFG_LIST: {
        char buf[1024];
        if (strlen(text) >= sizeof buf) {
            snprintf(why, n, "list is too long");
            return -1;
        }
        strcpy(buf, text);
        ae_config_allowed(k, allowed, sizeof allowed);
        v->n_items = 0;
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            tok = trim(tok);
            if (*tok == '\0') continue;
            if (*allowed && !allowed_has(allowed, tok)) {
                snprintf(why, n, "'%.60s' is not one of %.160s", tok, allowed);
                return -1;
            }
            if (v->n_items == AE_CONFIG_MAX_ITEMS || strlen(tok) >= ITEM_MAX) {
                snprintf(why, n, "too many or too long items");
                return -1;
            }
            strcpy(v->items[v->n_items++], tok);
        }
        if (v->n_items == 0 && k->def[0] != '\0') { /* a list whose default is empty is optional */
            snprintf(why, n, "empty list");
            return -1;
        }
        break;
    }
    }
    char *copy = strdup(text);
    if (!copy) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    free(v->text);
    v->text = copy;
    return 0;
}

ae_status ae_config_new(const char *name, ae_config **out, ae_error *err)
{
    *out = NULL;
    ae_config *c = calloc(1, sizeof *c);
    if (!c) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    char why[256];
    for (int i = 0; i < AE_KEY_COUNT; i++) {
        const cfg_key *k = &ae_config_schema[i];
        const char *def = (k->section[0] == 'e' && !strcmp(k->key, "name")) ? name : k->def;
        if (parse_value(k, def, &c->v[i], why, sizeof why)) {
            ae_config_free(c);
            return ae_fail(err, AE_ERR_ARG, "default of %s.%s: %s", k->section, k->key, why);
        }
        snprintf(c->v[i].origin, ORIGIN_MAX, "default");
    }
    *out = c;
    return AE_OK;
}

/* Checks one "key = value" of [section] and stores it; on a problem writes it
 * to why (without the location) and returns -1. */
static int load_entry(ae_config *c, int *seen, const char *section, const char *key, const char *value, char *why,
                      size_t n)
{
    int i = key_index(section, key);
    if (i < 0) {
        if (!section_known(section))
            snprintf(why, n, "unknown section [%s]", section);
        else
            snprintf(why, n, "unknown key '%s' in [%s]", key, section);
        return -1;
    }
    if (seen[i]) {
        snprintf(why, n, "key '%s' in [%s] given twice", key, section);
        return -1;
    }
    char problem[200];
    if (parse_value(&ae_config_schema[i], value, &c->v[i], problem, sizeof problem)) {
        snprintf(why, n, "%s.%s: %s", section, key, problem);
        return -1;
    }
    seen[i] = 1;
    return 0;
}

/* Strips a comment: ';' or '#' at the start of the line or after whitespace. */
static void strip_comment(char *p)
{
    for (char *q = p; *q; q++)
        if ((*q == ';' || *q == '#') && (q == p || q[-1] == ' ' || q[-1] == '\t')) {
            *q = '\0';
            return;
        }
}

/* A plain line-by-line INI reader (sections, "key = value", comments), so that
 * every error names its own line and lines may be as long as a layer list needs. */
static ae_status parse_file(ae_config *c, FILE *f, const char *path, ae_error *err)
{
    char *line = NULL, section[64] = "", why[320];
    size_t cap = 0;
    int seen[AE_KEY_COUNT] = {0}, no = 0;
    ae_status st = AE_OK;
    while (st == AE_OK && getline(&line, &cap, f) != -1) {
        no++;
        size_t len = strcspn(line, "\n");
        if (len > 0 && line[len - 1] == '\r') len--; /* CRLF line endings */
        line[len] = '\0';
        if (strchr(line, '\r')) {
            st = ae_fail(err, AE_ERR_FORMAT,
                         "%s:%d: a carriage return inside the line (a file with CR-only line endings?): use LF or CRLF",
                         path, no);
            break;
        }
        if (no == 1 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB && (unsigned char)line[2] == 0xBF)
            memmove(line, line + 3, strlen(line + 3) + 1); /* UTF-8 byte-order mark */
        strip_comment(line);
        char *p = trim(line);
        if (*p == '\0') continue;
        if (*p == '[') {
            char *e = strchr(p, ']');
            if (!e || *trim(e + 1) != '\0' || e - p - 1 >= (long)sizeof section) {
                st = ae_fail(err, AE_ERR_FORMAT, "%s:%d: malformed section header '%s'", path, no, p);
                break;
            }
            *e = '\0';
            snprintf(section, sizeof section, "%s", trim(p + 1));
            if (!section_known(section)) st = ae_fail(err, AE_ERR_FORMAT, "%s:%d: unknown section [%s]", path, no, section);
            continue;
        }
        char *eq = strchr(p, '=');
        if (!eq) {
            st = ae_fail(err, AE_ERR_FORMAT, "%s:%d: expected 'key = value', got '%.80s'", path, no, p);
            break;
        }
        if (!section[0]) {
            st = ae_fail(err, AE_ERR_FORMAT, "%s:%d: a key before any [section]", path, no);
            break;
        }
        *eq = '\0';
        char *key = trim(p), *value = trim(eq + 1);
        if (load_entry(c, seen, section, key, value, why, sizeof why)) {
            st = ae_fail(err, AE_ERR_FORMAT, "%s:%d: %s", path, no, why);
            break;
        }
        snprintf(c->v[key_index(section, key)].origin, ORIGIN_MAX, "%.300s:%d", path, no);
    }
    if (st == AE_OK && ferror(f)) st = ae_fail(err, AE_ERR_IO, "%s: read failed: %s", path, strerror(errno));
    free(line);
    return st;
}

ae_status ae_config_load(const char *path, ae_config **out, ae_error *err)
{
    *out = NULL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char name[256];
    snprintf(name, sizeof name, "%s", base);
    size_t len = strlen(name);
    if (len > 4 && strcmp(name + len - 4, ".ini") == 0) name[len - 4] = '\0';

    FILE *f = fopen(path, "r");
    if (!f) return ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return ae_fail(err, AE_ERR_IO, "%s: not a regular file", path);
    }
    ae_config *c;
    ae_status st = ae_config_new(name, &c, err);
    if (!st) {
        snprintf(c->path, sizeof c->path, "%s", path);
        for (int i = 0; i < AE_KEY_COUNT; i++) snprintf(c->v[i].origin, ORIGIN_MAX, "%.300s", path);
        st = parse_file(c, f, path, err);
    }
    fclose(f);
    if (st) {
        ae_config_free(c);
        return st;
    }
    *out = c;
    return AE_OK;
}

ae_status ae_config_copy(const ae_config *c, ae_config **out, ae_error *err)
{
    *out = NULL;
    ae_config *d = malloc(sizeof *d);
    if (!d) return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    memcpy(d, c, sizeof *d);
    for (int i = 0; i < AE_KEY_COUNT; i++) d->v[i].text = NULL;
    for (int i = 0; i < AE_KEY_COUNT; i++)
        if (!(d->v[i].text = strdup(c->v[i].text))) {
            ae_config_free(d);
            return ae_fail(err, AE_ERR_NOMEM, "out of memory");
        }
    *out = d;
    return AE_OK;
}

ae_status ae_config_set(ae_config *c, const char *assignment, ae_error *err)
{
    const char *dot = strchr(assignment, '.'), *eq = strchr(assignment, '=');
    if (!dot || !eq || dot > eq)
        return ae_fail(err, AE_ERR_ARG, "--set %s: expected section.key=value", assignment);
    char section[64], key[64];
    snprintf(section, sizeof section, "%.*s", (int)(dot - assignment), assignment);
    snprintf(key, sizeof key, "%.*s", (int)(eq - dot - 1), dot + 1);
    int i = key_index(section, key);
    if (i < 0)
        return ae_fail(err, AE_ERR_ARG, "--set %s: unknown %s", assignment,
                       section_known(section) ? "key" : "section");
    char why[256];
    char value[1024];
    snprintf(value, sizeof value, "%s", eq + 1);
    if (parse_value(&ae_config_schema[i], trim(value), &c->v[i], why, sizeof why))
        return ae_fail(err, AE_ERR_ARG, "--set %s: %s", assignment, why);
    snprintf(c->v[i].origin, ORIGIN_MAX, "--set");
    return AE_OK;
}

void ae_config_free(ae_config *c)
{
    if (!c) return;
    for (int i = 0; i < AE_KEY_COUNT; i++) free(c->v[i].text);
    free(c);
}

static const cfg_value *get(const ae_config *c, const char *section, const char *key, cfg_type want)
{
    int i = key_index(section, key);
    assert(i >= 0 && "key not declared in the schema");
    cfg_type t = ae_config_schema[i].type;
    assert((t == want || (want == CFG_STR && (t == CFG_ENUM || t == CFG_LIST))) && "wrong getter for key");
    (void)t;
    (void)want;
    return &c->v[i];
}

const char *ae_config_text_of(const ae_config *c, ae_key k) { return c->v[k].text; }
long ae_config_int_of(const ae_config *c, ae_key k) { return c->v[k].i; }
double ae_config_double_of(const ae_config *c, ae_key k) { return c->v[k].d; }
int ae_config_list_len_of(const ae_config *c, ae_key k) { return c->v[k].n_items; }
const char *ae_config_list_item_of(const ae_config *c, ae_key k, int i) { return c->v[k].items[i]; }

const char *ae_config_str(const ae_config *c, const char *s, const char *k) { return get(c, s, k, CFG_STR)->text; }
long ae_config_int(const ae_config *c, const char *s, const char *k) { return get(c, s, k, CFG_INT)->i; }
double ae_config_double(const ae_config *c, const char *s, const char *k) { return get(c, s, k, CFG_DOUBLE)->d; }
int ae_config_bool(const ae_config *c, const char *s, const char *k) { return (int)get(c, s, k, CFG_BOOL)->i; }
int ae_config_list_len(const ae_config *c, const char *s, const char *k) { return get(c, s, k, CFG_LIST)->n_items; }

const char *ae_config_list_item(const ae_config *c, const char *s, const char *k, int i)
{
    const cfg_value *v = get(c, s, k, CFG_LIST);
    return i >= 0 && i < v->n_items ? v->items[i] : NULL;
}

int ae_config_list_has(const ae_config *c, const char *s, const char *k, const char *item)
{
    const cfg_value *v = get(c, s, k, CFG_LIST);
    for (int i = 0; i < v->n_items; i++)
        if (!strcmp(v->items[i], item)) return 1;
    return 0;
}

const char *ae_config_origin(const ae_config *c, const char *section, const char *key)
{
    int i = key_index(section, key);
    assert(i >= 0);
    return c->v[i].origin;
}

const char *ae_config_origin_of(const ae_config *c, ae_key k) { return c->v[k].origin; }

ae_status ae_config_write(const ae_config *c, FILE *f, ae_error *err)
{
    const char *section = "";
    int bad = 0;
    for (int i = 0; i < AE_KEY_COUNT; i++) {
        const cfg_key *k = &ae_config_schema[i];
        if (strcmp(section, k->section) != 0) {
            section = k->section;
            bad |= fprintf(f, "%s[%s]\n", i ? "\n" : "", section) < 0;
        }
        bad |= fprintf(f, "%s = %s\n", k->key, c->v[i].text) < 0;
    }
    return bad ? ae_fail(err, AE_ERR_IO, "cannot write the settings") : AE_OK;
}
