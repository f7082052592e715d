/* Keras-style model summary: one table per part, so the parameter counts read
 * like the ones in the seed reports ("Total params: 3,184,010 (12.15 MB)").
 * Layer names follow Keras: "dense", "dense_1", ... numbered across the whole
 * model. Shapes print per-sample dims after the batch "None" in our (C, H, W)
 * order. */
#include <stdio.h>
#include <string.h>

#include "model.h"

#define RULE "_________________________________________________________________"
#define DOUBLE_RULE "================================================================="

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
    size_t off = (size_t)snprintf(buf, n, "(None");
    for (int d = 0; d < s.rank && off < n; d++) off += (size_t)snprintf(buf + off, n - off, ", %d", s.dim[d]);
    if (off < n) snprintf(buf + off, n - off, ")");
}

/* Keras' layer name: the keyword, with "_k" for the k-th earlier layer of the same kind. */
static void layer_name(const ae_model *m, int i, char *buf, size_t n)
{
    int k = 0;
    for (int j = 0; j < i; j++) k += m->layers[j].ops == m->layers[i].ops;
    if (k == 0)
        snprintf(buf, n, "%s (%s)", m->layers[i].ops->keyword, m->layers[i].ops->type);
    else
        snprintf(buf, n, "%s_%d (%s)", m->layers[i].ops->keyword, k, m->layers[i].ops->type);
}

static void write_part(FILE *f, const ae_model *m, const char *title, int from, int to, ae_shape in)
{
    char shape[96], name[96], count[32], mem[32];
    shape_text(in, shape, sizeof shape);
    fprintf(f, "%s: input %s\n%s\n", title, shape, RULE);
    fprintf(f, " %-27s %-25s %s\n%s\n", "Layer (type)", "Output Shape", "Param #", DOUBLE_RULE);
    size_t total = 0;
    for (int i = from; i < to; i++) {
        const ae_layer *l = &m->layers[i];
        layer_name(m, i, name, sizeof name);
        shape_text(l->out, shape, sizeof shape);
        thousands(l->n_params, count, sizeof count);
        fprintf(f, " %-27s %-25s %s\n", name, shape, count);
        total += l->n_params;
    }
    thousands(total, count, sizeof count);
    mem_size(total, mem, sizeof mem);
    fprintf(f, "%s\nTotal params: %s (%s)\n%s\n", DOUBLE_RULE, count, mem, RULE);
}

ae_status ae_model_summary_write(FILE *f, const ae_model *m, ae_error *err)
{
    write_part(f, m, "Encoder", 0, m->n_enc, m->in_shape);
    fprintf(f, "\n");
    write_part(f, m, "Decoder", m->n_enc, m->n_layers, m->layers[m->n_enc - 1].out);
    char count[32], mem[32];
    thousands(m->n_params, count, sizeof count);
    mem_size(m->n_params, mem, sizeof mem);
    fprintf(f, "\nTotal params (encoder + decoder): %s (%s)\n", count, mem);
    if (ferror(f)) return ae_fail(err, AE_ERR_IO, "model summary: write failed");
    return AE_OK;
}
