/* The .npy header dict: a small parser for the subset of Python literal
 * syntax NumPy writes (and hand-written variants: keys in any order, either
 * quote, extra spaces, trailing commas, Python 2 'L' suffixes), and the
 * formatter that reproduces NumPy 1.24's header byte for byte. */
#include "npy_format.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t len, pos;
    const char *path;
    ae_error *err;
} parser;

static ae_status bad(parser *p, const char *what)
{
    return ae_fail(p->err, AE_ERR_FORMAT, "%s: bad .npy header: %s (at offset %zu of the header)", p->path, what,
                   p->pos);
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
                               p->s[p->pos] == '\r'))
        p->pos++;
}

static int peek(parser *p) { return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1; }

/* Expects c after optional whitespace. */
static int accept(parser *p, char c)
{
    skip_ws(p);
    if (peek(p) != c) return 0;
    p->pos++;
    return 1;
}

/* A quoted string into out (cut to cap-1 characters: long strings are never
 * valid keys or dtypes anyway). */
static ae_status parse_string(parser *p, char *out, size_t cap)
{
    skip_ws(p);
    int q = peek(p);
    if (q != '\'' && q != '"') return bad(p, "expected a quoted string");
    p->pos++;
    size_t n = 0;
    for (;;) {
        int c = peek(p);
        if (c < 0) return bad(p, "unterminated string");
        p->pos++;
        if (c == q) break;
        if (c == '\\') {
            c = peek(p);
            if (c < 0) return bad(p, "unterminated string");
            p->pos++;
        }
        if (n + 1 < cap) out[n++] = (char)c;
    }
    out[n] = '\0';
    return AE_OK;
}

static ae_status parse_bool(parser *p, int *out)
{
    skip_ws(p);
    const char *s = p->s + p->pos;
    size_t left = p->len - p->pos;
    if (left >= 4 && memcmp(s, "True", 4) == 0) {
        *out = 1;
        p->pos += 4;
    } else if (left >= 5 && memcmp(s, "False", 5) == 0) {
        *out = 0;
        p->pos += 5;
    } else {
        return bad(p, "expected True or False for 'fortran_order'");
    }
    return AE_OK;
}

/* (), (n,), (a, b), [a, b] ... with an optional trailing comma. */
static ae_status parse_shape(parser *p, ae_npy_header *h)
{
    skip_ws(p);
    char close;
    if (accept(p, '('))
        close = ')';
    else if (accept(p, '['))
        close = ']';
    else
        return bad(p, "expected a tuple for 'shape'");
    h->ndim = 0;
    for (;;) {
        if (accept(p, close)) return AE_OK;
        skip_ws(p);
        int c = peek(p);
        if (c < '0' || c > '9') return bad(p, "expected a non-negative integer in 'shape'");
        size_t v = 0;
        while ((c = peek(p)) >= '0' && c <= '9') {
            if (v > (SIZE_MAX - 9) / 10) return bad(p, "dimension too large in 'shape'");
            v = v * 10 + (size_t)(c - '0');
            p->pos++;
        }
        if (c == 'L' || c == 'l') p->pos++;
        if (h->ndim == AE_NPY_MAX_DIMS) return bad(p, "more than 32 dimensions in 'shape'");
        h->shape[h->ndim++] = v;
        if (accept(p, ',')) continue;
        if (accept(p, close)) return AE_OK;
        return bad(p, "expected ',' or the end of the 'shape' tuple");
    }
}

static ae_status parse_descr(const char *path, const char *descr, ae_npy_header *h, ae_error *err)
{
    const char *s = descr;
    char order = '|';
    if (*s == '<' || *s == '>' || *s == '|' || *s == '=') order = *s++;
    char kind = *s ? *s++ : '\0';
    int size = 0;
    while (*s >= '0' && *s <= '9' && size < 1000) size = size * 10 + (*s++ - '0');
    int ok = *s == '\0' && ((kind == 'f' && (size == 4 || size == 8)) ||
                            ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) ||
                            (kind == 'b' && size == 1));
    if (!ok)
        return ae_fail(err, AE_ERR_FORMAT,
                       "%s: unsupported dtype '%s' (aeclust reads float32/64, int8-64, uint8-64 and bool)", path,
                       descr);
    h->kind = kind;
    h->size = size;
    int little = ae_npy_host_is_little();
    h->swap = size > 1 && ((order == '>' && little) || (order == '<' && !little));
    return AE_OK;
}

ae_status ae_npy_parse_header(const char *path, const char *text, size_t len, ae_npy_header *h, ae_error *err)
{
    memset(h, 0, sizeof *h);
    parser p = {text, len, 0, path, err};
    char descr[64] = "";
    int have_descr = 0, have_fortran = 0, have_shape = 0;
    ae_status st;
    if (!accept(&p, '{')) return bad(&p, "expected '{'");
    for (;;) {
        if (accept(&p, '}')) break;
        char key[32];
        if ((st = parse_string(&p, key, sizeof key))) return st;
        if (!accept(&p, ':')) return bad(&p, "expected ':' after a key");
        int *seen;
        if (strcmp(key, "descr") == 0) {
            seen = &have_descr;
            skip_ws(&p);
            if (peek(&p) == '[')
                return ae_fail(err, AE_ERR_FORMAT, "%s: unsupported dtype (a structured array with named fields)",
                               path);
            if ((st = parse_string(&p, descr, sizeof descr))) return st;
        } else if (strcmp(key, "fortran_order") == 0) {
            seen = &have_fortran;
            if ((st = parse_bool(&p, &h->fortran_order))) return st;
        } else if (strcmp(key, "shape") == 0) {
            seen = &have_shape;
            if ((st = parse_shape(&p, h))) return st;
        } else {
            return ae_fail(err, AE_ERR_FORMAT, "%s: bad .npy header: unexpected key '%s'", path, key);
        }
        if (*seen) return ae_fail(err, AE_ERR_FORMAT, "%s: bad .npy header: key '%s' appears twice", path, key);
        *seen = 1;
        if (accept(&p, ',')) continue;
        if (accept(&p, '}')) break;
        return bad(&p, "expected ',' or '}'");
    }
    skip_ws(&p);
    if (p.pos != p.len) return bad(&p, "unexpected text after the dict");
    if (!have_descr || !have_fortran || !have_shape)
        return ae_fail(err, AE_ERR_FORMAT, "%s: bad .npy header: missing key '%s'", path,
                       !have_descr ? "descr" : !have_fortran ? "fortran_order" : "shape");
    if ((st = parse_descr(path, descr, h, err))) return st;
    h->count = 1;
    for (int k = 0; k < h->ndim; k++) {
        if (h->shape[k] != 0 && h->count > SIZE_MAX / h->shape[k])
            return ae_fail(err, AE_ERR_FORMAT, "%s: array shape overflows the address space", path);
        h->count *= h->shape[k];
    }
    if (h->count > SIZE_MAX / (size_t)h->size)
        return ae_fail(err, AE_ERR_FORMAT, "%s: array shape overflows the address space", path);
    h->bytes = h->count * (size_t)h->size;
    return AE_OK;
}

size_t ae_npy_format_header(char *buf, size_t cap, const char *descr, int ndim, const size_t *shape)
{
    char dict[1024];
    size_t n = (size_t)snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int k = 0; k < ndim && n < sizeof dict; k++)
        n += (size_t)snprintf(dict + n, sizeof dict - n, "%s%zu", k ? ", " : "", shape[k]);
    if (n < sizeof dict) n += (size_t)snprintf(dict + n, sizeof dict - n, "%s), }", ndim == 1 ? "," : "");
    if (n >= sizeof dict) return 0;
    /* NumPy >= 1.23 leaves room for shape[0] to grow to 21 digits, so a
     * header can be rewritten in place when rows are appended */
    size_t growth = 0;
    if (ndim > 0) {
        char digits[32];
        size_t d = (size_t)snprintf(digits, sizeof digits, "%zu", shape[0]);
        growth = d < 21 ? 21 - d : 0;
    }
    size_t prefix = AE_NPY_MAGIC_LEN + 2 + 2;
    size_t hlen = n + growth + 1; /* dict, growth room, '\n' */
    size_t pad = AE_NPY_ALIGN - (prefix + hlen) % AE_NPY_ALIGN;
    size_t total = prefix + hlen + pad;
    if (total > cap || hlen + pad > 0xffff) return 0;
    memcpy(buf, AE_NPY_MAGIC, AE_NPY_MAGIC_LEN);
    buf[6] = 1;
    buf[7] = 0;
    buf[8] = (char)((hlen + pad) & 0xff);
    buf[9] = (char)((hlen + pad) >> 8);
    memcpy(buf + prefix, dict, n);
    memset(buf + prefix + n, ' ', growth + pad);
    buf[total - 1] = '\n';
    return total;
}
