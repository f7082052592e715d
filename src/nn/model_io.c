/* Model files.
 *
 * Layout, all integers little-endian:
 *   "AECLNNMD"                      8-byte magic
 *   u32 version                     AE_MODEL_VERSION
 *   u64 file size                   in bytes, checksum included (tells truncation apart)
 *   u32 input width
 *   u32 n, n bytes                  encoder spec (canonical text, no NUL)
 *   u32 n, n bytes                  decoder spec
 *   u32 tensor count
 *   per tensor: u32 n, n bytes name ("encoder.0.kernel"), u32 rank, u32 dims[rank],
 *               float32 values (product of dims), row-major; each layer's
 *               parameters, then its non-trainable state ("encoder.1.running_mean")
 *   u32 CRC-32 (zlib) of every byte before it
 * The specs rebuild the layers; the tensors must then match the layers'
 * parameters one for one, in order, by name and shape. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/atomic_file.h"
#include "model.h"

#define AE_MODEL_MAGIC "AECLNNMD"
#define AE_MODEL_VERSION 1u
#define MAX_TEXT (1u << 20) /* longest spec or tensor name accepted */

/* ---- writing ---- */

typedef struct {
    unsigned char *p;
    size_t off;
} wbuf;

static void put_u32(wbuf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++) b->p[b->off++] = (unsigned char)(v >> (8 * i));
}

static void put_u64(wbuf *b, uint64_t v)
{
    for (int i = 0; i < 8; i++) b->p[b->off++] = (unsigned char)(v >> (8 * i));
}

static void put_bytes(wbuf *b, const void *s, size_t n)
{
    memcpy(b->p + b->off, s, n);
    b->off += n;
}

static void put_text(wbuf *b, const char *s)
{
    put_u32(b, (uint32_t)strlen(s));
    put_bytes(b, s, strlen(s));
}

static void put_floats(wbuf *b, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], 4);
        put_u32(b, u);
    }
}

/* "encoder.0.kernel": part and 0-based index within the part. */
static void tensor_name(const ae_model *m, int layer, const char *suffix, char *buf, size_t n)
{
    bool enc = layer < m->n_enc;
    snprintf(buf, n, "%s.%d.%s", enc ? "encoder" : "decoder", enc ? layer : layer - m->n_enc, suffix);
}

/* Layer i's saved tensors: its parameters, then its non-trainable state. */
static int layer_tensors(const ae_model *m, int i, ae_tensor_view t[2 * AE_LAYER_MAX_TENSORS])
{
    const ae_layer *l = &m->layers[i];
    int k = l->ops->tensors(l, t);
    if (l->ops->state_tensors) k += l->ops->state_tensors(l, t + k);
    return k;
}

static size_t tensor_count(const ae_tensor_view *t)
{
    size_t c = 1;
    for (int d = 0; d < t->rank; d++) c *= (size_t)t->dim[d];
    return c;
}

ae_status ae_model_save(const ae_model *m, const char *path, ae_error *err)
{
    /* sizes first, so the buffer is allocated once */
    size_t size = 8 + 4 + 8 + 4 + 4 + strlen(m->enc_spec) + 4 + strlen(m->dec_spec) + 4;
    uint32_t n_tensors = 0;
    for (int i = 0; i < m->n_layers; i++) {
        ae_tensor_view t[2 * AE_LAYER_MAX_TENSORS];
        int k = layer_tensors(m, i, t);
        for (int j = 0; j < k; j++) {
            char name[64];
            tensor_name(m, i, t[j].name, name, sizeof name);
            size += 4 + strlen(name) + 4 + 4 * (size_t)t[j].rank + 4 * tensor_count(&t[j]);
            n_tensors++;
        }
    }
    size += 4; /* CRC */
    wbuf b = {malloc(size), 0};
    if (!b.p) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory (%zu bytes)", path, size);
    put_bytes(&b, AE_MODEL_MAGIC, 8);
    put_u32(&b, AE_MODEL_VERSION);
    put_u64(&b, size);
    put_u32(&b, (uint32_t)m->input_dim);
    put_text(&b, m->enc_spec);
    put_text(&b, m->dec_spec);
    put_u32(&b, n_tensors);
    for (int i = 0; i < m->n_layers; i++) {
        ae_tensor_view t[2 * AE_LAYER_MAX_TENSORS];
        int k = layer_tensors(m, i, t);
        for (int j = 0; j < k; j++) {
            char name[64];
            tensor_name(m, i, t[j].name, name, sizeof name);
            put_text(&b, name);
            put_u32(&b, (uint32_t)t[j].rank);
            for (int d = 0; d < t[j].rank; d++) put_u32(&b, (uint32_t)t[j].dim[d]);
            put_floats(&b, t[j].data, tensor_count(&t[j]));
        }
    }
    put_u32(&b, (uint32_t)crc32_z(0L, b.p, size - 4));
    ae_status st = ae_write_file_atomic(path, b.p, b.off, err);
    free(b.p);
    return st;
}

/* ---- reading ---- */

typedef struct {
    const unsigned char *p;
    size_t off, end; /* end: where the checksum starts */
    bool overrun;
} rbuf;

static uint32_t get_u32(rbuf *b)
{
    if (b->overrun || b->end - b->off < 4) {
        b->overrun = true;
        return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v |= (uint32_t)b->p[b->off + i] << (8 * i);
    b->off += 4;
    return v;
}

static uint64_t get_u64_at(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* A length-prefixed text as a malloc'd string; NULL on overrun (b->overrun) or no memory. */
static char *get_text(rbuf *b)
{
    uint32_t n = get_u32(b);
    if (b->overrun || n > MAX_TEXT || b->end - b->off < n) {
        b->overrun = true;
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s) return NULL;
    memcpy(s, b->p + b->off, n);
    s[n] = '\0';
    b->off += n;
    return s;
}

static ae_status read_all(const char *path, unsigned char **data, size_t *size, ae_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *p = malloc(cap);
    while (p) {
        n += fread(p + n, 1, cap - n, f);
        if (n < cap) break;
        unsigned char *q = realloc(p, cap * 2);
        if (!q) {
            free(p);
            p = NULL;
            break;
        }
        p = q;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!p) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory reading the file", path);
    if (bad) {
        free(p);
        return ae_fail(err, AE_ERR_IO, "%s: read failed", path);
    }
    *data = p;
    *size = n;
    return AE_OK;
}

/* Checks magic, version, length and checksum of the whole file. */
static ae_status check_envelope(const char *path, const unsigned char *p, size_t size, ae_error *err)
{
    size_t k = size < 8 ? size : 8;
    if (memcmp(p, AE_MODEL_MAGIC, k) != 0)
        return ae_fail(err, AE_ERR_FORMAT, "%s: not an aeclust model file (bad magic)", path);
    if (size < 20) return ae_fail(err, AE_ERR_FORMAT, "%s: truncated (%zu bytes)", path, size);
    rbuf b = {p, 8, size, false};
    uint32_t version = get_u32(&b);
    if (version != AE_MODEL_VERSION)
        return ae_fail(err, AE_ERR_FORMAT, "%s: model format version %u, this build reads version %u", path,
                       version, AE_MODEL_VERSION);
    uint64_t stated = get_u64_at(p + 12);
    if ((uint64_t)size < stated)
        return ae_fail(err, AE_ERR_FORMAT, "%s: truncated (%zu of %llu bytes)", path, size,
                       (unsigned long long)stated);
    if ((uint64_t)size > stated)
        return ae_fail(err, AE_ERR_FORMAT, "%s: %llu unexpected bytes after the end of the model", path,
                       (unsigned long long)((uint64_t)size - stated));
    if (size < 24) return ae_fail(err, AE_ERR_FORMAT, "%s: truncated (%zu bytes)", path, size);
    uint32_t want = 0;
    for (int i = 0; i < 4; i++) want |= (uint32_t)p[size - 4 + (size_t)i] << (8 * i);
    if ((uint32_t)crc32_z(0L, p, size - 4) != want)
        return ae_fail(err, AE_ERR_FORMAT, "%s: checksum mismatch (the file is corrupt)", path);
    return AE_OK;
}

static void format_shape(const int *dim, int rank, char *buf, size_t n)
{
    size_t off = (size_t)snprintf(buf, n, "(");
    for (int d = 0; d < rank && off < n; d++)
        off += (size_t)snprintf(buf + off, n - off, "%s%d", d ? ", " : "", dim[d]);
    if (off < n) snprintf(buf + off, n - off, ")");
}

/* Reads the tensor list of b into m's parameters. */
static ae_status read_tensors(const char *path, rbuf *b, ae_model *m, ae_error *err)
{
    uint32_t n_file = get_u32(b);
    uint32_t idx = 0;
    for (int i = 0; i < m->n_layers; i++) {
        ae_tensor_view t[2 * AE_LAYER_MAX_TENSORS];
        int k = layer_tensors(m, i, t);
        for (int j = 0; j < k; j++, idx++) {
            char want[64];
            tensor_name(m, i, t[j].name, want, sizeof want);
            if (idx >= n_file)
                return ae_fail(err, AE_ERR_FORMAT, "%s: has %u tensors, the specs need more (missing '%s')", path,
                               n_file, want);
            char *name = get_text(b);
            if (!name) {
                if (b->overrun) return ae_fail(err, AE_ERR_FORMAT, "%s: tensor %u runs past the end", path, idx + 1);
                return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
            }
            uint32_t rank = get_u32(b);
            int dim[8] = {0};
            for (uint32_t d = 0; d < rank && d < 8; d++) dim[d] = (int)get_u32(b);
            bool same = !b->overrun && !strcmp(name, want) && rank == (uint32_t)t[j].rank;
            for (int d = 0; same && d < t[j].rank; d++) same = dim[d] == t[j].dim[d];
            if (!same) {
                char got_s[96], want_s[96];
                format_shape(dim, rank < 8 ? (int)rank : 8, got_s, sizeof got_s);
                format_shape(t[j].dim, t[j].rank, want_s, sizeof want_s);
                ae_status st = ae_fail(err, AE_ERR_FORMAT,
                                       "%s: tensor %u is '%s' %s but the specs want '%s' %s", path, idx + 1,
                                       b->overrun ? "?" : name, got_s, want, want_s);
                free(name);
                return st;
            }
            free(name);
            size_t count = tensor_count(&t[j]);
            if ((b->end - b->off) / 4 < count)
                return ae_fail(err, AE_ERR_FORMAT, "%s: tensor '%s' runs past the end", path, want);
            for (size_t e = 0; e < count; e++) {
                uint32_t u = get_u32(b);
                memcpy(&t[j].data[e], &u, 4);
                /* a checksum only says the bytes are as written, not that they are usable */
                if (!isfinite(t[j].data[e]))
                    return ae_fail(err, AE_ERR_FORMAT, "%s: tensor '%s' holds %s at entry %zu", path, want,
                                   isnan(t[j].data[e]) ? "NaN" : "an infinity", e);
            }
        }
    }
    if (idx != n_file)
        return ae_fail(err, AE_ERR_FORMAT, "%s: has %u tensors, the specs need %u", path, n_file, idx);
    if (b->off != b->end)
        return ae_fail(err, AE_ERR_FORMAT, "%s: %zu stray bytes after the tensors", path, b->end - b->off);
    return AE_OK;
}

ae_status ae_model_load(const char *path, ae_model **out, ae_error *err)
{
    *out = NULL;
    unsigned char *p = NULL;
    size_t size = 0;
    ae_status st = read_all(path, &p, &size, err);
    if (st) return st;
    st = check_envelope(path, p, size, err);
    if (st) {
        free(p);
        return st;
    }
    rbuf b = {p, 20, size - 4, false};
    uint32_t input_dim = get_u32(&b);
    char *enc = get_text(&b), *dec = enc ? get_text(&b) : NULL;
    ae_model *m = NULL;
    if (!enc || !dec) {
        st = b.overrun ? ae_fail(err, AE_ERR_FORMAT, "%s: header runs past the end", path)
                       : ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    } else if (input_dim == 0 || input_dim > (1u << 24)) {
        st = ae_fail(err, AE_ERR_FORMAT, "%s: bad input width %u", path, input_dim);
    } else {
        ae_error e2;
        st = ae_model_build(enc, dec, (int)input_dim, ae_model_init_defaults().max_batch, &m, &e2);
        if (st == AE_ERR_ARG)
            st = ae_fail(err, AE_ERR_FORMAT, "%s: %s", path, e2.msg);
        else if (st)
            st = ae_fail(err, st, "%s: %s", path, e2.msg);
    }
    if (!st) st = read_tensors(path, &b, m, err);
    free(enc);
    free(dec);
    free(p);
    if (st) {
        ae_model_free(m);
        return st;
    }
    *out = m;
    return AE_OK;
}
