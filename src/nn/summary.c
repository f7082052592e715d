/* Keras-style model summary: one table per part, so the parameter counts read
 * like the ones in the seed reports ("Total params: 3,184,010 (12.15 MB)").
 * Layer names follow Keras: "dense", "dense_1", "max_pooling2d", ... numbered
 * across the whole model. Image shapes print in Keras' (H, W, C) order,
 * "(None, 14, 14, 16)", so they read like the seed reports' tables, although
 * the buffers are (C, H, W). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

/* Keras' table width; wider when a layer name needs it. */
#define TABLE_WIDTH 65

/* 3184010 -> "3,184,010" */
static void thousands(size_t v, char *buf, size_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", v);
    size_t o = 0;
    for (int i = 0; i < len && o + 1 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < n) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* Keras' size note: float32 bytes in B/KB/MB/GB with two decimals. */
static void mem_size(size_t params, char *buf, size_t n)
{
    static const char *units[] = {"B", "KB", "MB", "GB", "TB"};
    double b = (double)params * 4.0;
    int u = 0;
    while (b >= 1024.0 && u < 4) {
        b /= 1024.0;
        u++;
    }
    snprintf(buf, n, "%.2f %s", b, units[u]);
}

static void shape_text(ae_shape s, char *buf, size_t n)
{
    if (s.rank == 3) /* (C, H, W) shown as Keras' (H, W, C) */
        snprintf(buf, n, "(None, %d, %d, %d)", s.dim[1], s.dim[2], s.dim[0]);
    else
        snprintf(buf, n, "(None, %d)", s.dim[0]);
}

/* Keras' layer name: the keyword, with "_k" for the k-th earlier layer of the same kind. */
static void layer_name(const ae_model *m, int i, char *buf, size_t n)
{
    int k = 0;
    for (int j = 0; j < i; j++) k += m->layers[j].ops == m->layers[i].ops;
    const ae_layer_ops *ops = m->layers[i].ops;
    const char *stem = ops->name ? ops->name : ops->keyword;
    if (k == 0)
        snprintf(buf, n, "%s (%s)", stem, ops->type);
    else
        snprintf(buf, n, "%s_%d (%s)", stem, k, ops->type);
}

/* Width of the name column: Keras' 27, or more for long names. */
static int name_width(const ae_model *m)
{
    int w = 27;
    for (int i = 0; i < m->n_layers; i++) {
        char name[96];
        layer_name(m, i, name, sizeof name);
        if ((int)strlen(name) > w) w = (int)strlen(name);
    }
    return w;
}

static void rule(FILE *f, char c, int n)
{
    for (int i = 0; i < n; i++) fputc(c, f);
    fputc('\n', f);
}

/* "LABEL: 3,184,010 (12.15 MB)\n" */
static void count_line(FILE *f, const char *label, size_t n)
{
    char count[32], mem[32];
    thousands(n, count, sizeof count);
    mem_size(n, mem, sizeof mem);
    fprintf(f, "%s: %s (%s)\n", label, count, mem);
}

/* Keras counts non-trainable state (batchnorm's running statistics) in a
 * layer's "Param #" and in "Total params", and then splits the total into
 * "Trainable params" and "Non-trainable params"; a model without state
 * prints the total alone. */
static void total_lines(FILE *f, const char *suffix, size_t params, size_t state, bool split)
{
    char label[64];
    snprintf(label, sizeof label, "Total params%s", suffix);
    count_line(f, label, params + state);
    if (!split) return;
    snprintf(label, sizeof label, "Trainable params%s", suffix);
    count_line(f, label, params);
    snprintf(label, sizeof label, "Non-trainable params%s", suffix);
    count_line(f, label, state);
}

static void write_part(FILE *f, const ae_model *m, const char *title, int from, int to, ae_shape in)
{
    char shape[96], name[96], count[32];
    shape_text(in, shape, sizeof shape);
    const int nw = name_width(m), width = TABLE_WIDTH + nw - 27;
    fprintf(f, "%s: input %s\n", title, shape);
    rule(f, '_', width);
    fprintf(f, " %-*s %-25s %s\n", nw, "Layer (type)", "Output Shape", "Param #");
    rule(f, '=', width);
    size_t params = 0, state = 0;
    for (int i = from; i < to; i++) {
        const ae_layer *l = &m->layers[i];
        layer_name(m, i, name, sizeof name);
        shape_text(l->out, shape, sizeof shape);
        thousands(l->n_params + l->n_state, count, sizeof count);
        fprintf(f, " %-*s %-25s %s\n", nw, name, shape, count);
        params += l->n_params;
        state += l->n_state;
    }
    rule(f, '=', width);
    total_lines(f, "", params, state, m->n_state > 0);
    rule(f, '_', width);
}

ae_status ae_model_summary_write(FILE *f, const ae_model *m, ae_error *err)
{
    write_part(f, m, "Encoder", 0, m->n_enc, m->in_shape);
    fprintf(f, "\n");
    write_part(f, m, "Decoder", m->n_enc, m->n_layers, m->layers[m->n_enc - 1].out);
    fprintf(f, "\n");
    total_lines(f, " (encoder + decoder)", m->n_params, m->n_state, m->n_state > 0);
    if (ferror(f)) return ae_fail(err, AE_ERR_IO, "model summary: write failed");
    return AE_OK;
}
