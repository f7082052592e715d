#include "spec.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The layer kinds a spec may name. A new kind adds its table here. */
static const ae_layer_ops *const layer_kinds[] = {
    &ae_dense_ops,     &ae_conv2d_ops,  &ae_conv2d_transpose_ops, &ae_maxpool2d_ops,
    &ae_upsample2d_ops, &ae_flatten_ops, &ae_reshape_ops,          &ae_input_ops,
    &ae_gaussian_ops,  &ae_batchnorm_ops, &ae_dropout_ops,
};
#define N_KINDS (sizeof layer_kinds / sizeof layer_kinds[0])

int ae_layer_kind_count(void) { return (int)N_KINDS; }

const ae_layer_ops *ae_layer_kind_at(int i) { return i >= 0 && i < (int)N_KINDS ? layer_kinds[i] : NULL; }

int ae_spec_parse_real(const char *tok, const char *what, double lo, double hi, bool lo_open, bool hi_open,
                       float *out, char *msg, size_t msgn)
{
    char *end;
    errno = 0;
    double v = strtod(tok, &end);
    if (end == tok || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        snprintf(msg, msgn, "%s '%s' is not a number", what, tok);
        return -1;
    }
    if ((lo_open ? !(v > lo) : !(v >= lo)) || (hi_open ? !(v < hi) : !(v <= hi))) {
        snprintf(msg, msgn, "%s must be in %c%g, %g%c, got %s", what, lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']',
                 tok);
        return -1;
    }
    *out = (float)v;
    return 0;
}

void ae_spec_format_real(float v, char *buf, size_t n)
{
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(buf, n, "%.*g", digits, (double)v);
        if (strtof(buf, NULL) == v) return;
    }
}

const ae_layer_ops *ae_layer_kind_find(const char *keyword)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (!strcmp(layer_kinds[i]->keyword, keyword)) return layer_kinds[i];
    return NULL;
}

void ae_layer_kind_list(char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_KINDS && off < n; i++)
        off += (size_t)snprintf(buf + off, n - off, "%s%s", i ? ", " : "", layer_kinds[i]->keyword);
}

#define MAX_TOKENS 16

/* Splits item (modified in place) into whitespace-separated tokens. */
static int tokenize(char *item, char **tok, int max)
{
    int n = 0;
    char *p = item;
    while (*p) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p) break;
        if (n == max) return -1;
        tok[n++] = p;
        while (*p && !isspace((unsigned char)*p)) p++;
        if (*p) *p++ = '\0';
    }
    return n;
}

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s)) return 0;
    return 1;
}

ae_status ae_spec_parse(const char *spec, const char *part, ae_layer **layers, int *n, ae_error *err)
{
    *layers = NULL;
    *n = 0;
    if (!spec || is_blank(spec))
        return ae_fail(err, AE_ERR_ARG, "%s: empty spec (want e.g. \"dense 128 relu, dense 32\")", part);
    size_t len = strlen(spec);
    char *buf = malloc(len + 1);
    ae_layer *ls = calloc(AE_SPEC_MAX_LAYERS, sizeof *ls);
    if (!buf || !ls) {
        free(buf);
        free(ls);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", part);
    }
    memcpy(buf, spec, len + 1);

    ae_status st = AE_OK;
    int count = 0;
    char *item = buf;
    for (;;) {
        char *comma = strchr(item, ',');
        if (comma) *comma = '\0';
        int idx = count + 1; /* 1-based in messages */
        if (count == AE_SPEC_MAX_LAYERS) {
            st = ae_fail(err, AE_ERR_ARG, "%s: more than %d layers", part, AE_SPEC_MAX_LAYERS);
            break;
        }
        char *tok[MAX_TOKENS];
        int ntok = tokenize(item, tok, MAX_TOKENS);
        if (ntok < 0) {
            st = ae_fail(err, AE_ERR_ARG, "%s layer %d: too many words", part, idx);
            break;
        }
        if (ntok == 0) {
            st = ae_fail(err, AE_ERR_ARG, "%s layer %d: empty (a stray comma?)", part, idx);
            break;
        }
        const ae_layer_ops *ops = ae_layer_kind_find(tok[0]);
        if (!ops) {
            char known[256];
            ae_layer_kind_list(known, sizeof known);
            st = ae_fail(err, AE_ERR_ARG, "%s layer %d: unknown layer type '%s' (known: %s)", part, idx, tok[0],
                         known);
            break;
        }
        ae_layer *l = &ls[count];
        memset(l, 0, sizeof *l);
        l->ops = ops;
        l->act = AE_ACT_LINEAR;
        char msg[AE_LAYER_MSG_MAX];
        if (ops->parse(l, ntok - 1, tok + 1, msg, sizeof msg) != 0) {
            st = ae_fail(err, AE_ERR_ARG, "%s layer %d: %s", part, idx, msg);
            break;
        }
        count++;
        if (!comma) break;
        item = comma + 1;
    }
    free(buf);
    if (st != AE_OK) {
        free(ls);
        return st;
    }
    *layers = ls;
    *n = count;
    return AE_OK;
}

char *ae_spec_format(const ae_layer *layers, int n)
{
    size_t cap = 64 * (size_t)(n > 0 ? n : 1), off = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    s[0] = '\0';
    for (int i = 0; i < n; i++) {
        char one[160];
        layers[i].ops->format(&layers[i], one, sizeof one);
        size_t need = strlen(one) + 3;
        if (off + need > cap) {
            cap = 2 * (off + need);
            char *t = realloc(s, cap);
            if (!t) {
                free(s);
                return NULL;
            }
            s = t;
        }
        off += (size_t)snprintf(s + off, cap - off, "%s%s", i ? ", " : "", one);
    }
    return s;
}
