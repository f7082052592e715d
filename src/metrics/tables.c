/* Plain-text tables of a contingency table: the confusion matrix with
 * clusters lined up under the classes they were matched to, and the
 * per-cluster make-up. Fixed-width columns, one row per line. */
#include "aeclust/metrics.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    FILE *f;
    int failed;
    int saved_errno;
} table_out;

static void out_printf(table_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(table_out *o, const char *fmt, ...)
{
    if (o->failed) return;
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(o->f, fmt, ap) < 0) {
        o->failed = 1;
        o->saved_errno = errno;
    }
    va_end(ap);
}

/* Flushes and reports the first failure of the whole table. */
static ae_status out_finish(table_out *o, const char *what, ae_error *err)
{
    if (!o->failed && (fflush(o->f) != 0 || ferror(o->f))) {
        o->failed = 1;
        o->saved_errno = errno;
    }
    if (o->failed)
        return ae_fail(err, AE_ERR_IO, "%s: write failed: %s", what,
                       o->saved_errno ? strerror(o->saved_errno) : "stream error");
    return AE_OK;
}

/* The printable name of class row i: its name when one is given, else its id. */
static const char *class_name(const ae_contingency *c, int i, const char *const *names, int n_names, char *buf,
                              size_t cap)
{
    int32_t id = c->class_ids[i];
    if (names && id < n_names && names[id]) return names[id];
    snprintf(buf, cap, "%d", (int)id);
    return buf;
}

static int digits(int64_t v)
{
    int w = 1;
    while (v >= 10) v /= 10, w++;
    return w;
}

ae_status ae_confusion_write(FILE *f, const ae_contingency *c, const char *const *names, int n_names,
                             ae_error *err)
{
    int rows = c->n_classes, cols = c->n_clusters;
    int *to_class = malloc((size_t)(cols > 0 ? cols : 1) * sizeof *to_class); // (n_clusters) matched class or -1
    int *order = malloc((size_t)(cols > 0 ? cols : 1) * sizeof *order);       // (n_clusters) column order
    if (!to_class || !order) {
        free(to_class);
        free(order);
        return ae_fail(err, AE_ERR_NOMEM, "confusion table: out of memory");
    }
    double acc;
    ae_status st = ae_accuracy(c, &acc, to_class, err);
    if (st) {
        free(to_class);
        free(order);
        return st;
    }
    /* column j is the cluster matched to class j, then the unmatched ones */
    int n_order = 0;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            if (to_class[j] == i) order[n_order++] = j;
    for (int j = 0; j < cols; j++)
        if (to_class[j] < 0) order[n_order++] = j;

    const char *corner = "class \\ cluster";
    char buf[32];
    int name_w = (int)strlen(corner);
    for (int i = 0; i < rows; i++) {
        int len = (int)strlen(class_name(c, i, names, n_names, buf, sizeof buf));
        if (len > name_w) name_w = len;
    }
    int cell_w = 1;
    for (size_t k = 0; k < (size_t)rows * (size_t)cols; k++)
        if (digits(c->counts[k]) > cell_w) cell_w = digits(c->counts[k]);
    for (int j = 0; j < cols; j++)
        if (digits(c->cluster_ids[j]) > cell_w) cell_w = digits(c->cluster_ids[j]);

    table_out o = {f, 0, 0};
    out_printf(&o, "%-*s", name_w, corner);
    for (int j = 0; j < cols; j++) out_printf(&o, "  %*d", cell_w, (int)c->cluster_ids[order[j]]);
    out_printf(&o, "\n");
    for (int i = 0; i < rows; i++) {
        out_printf(&o, "%-*s", name_w, class_name(c, i, names, n_names, buf, sizeof buf));
        for (int j = 0; j < cols; j++)
            out_printf(&o, "  %*lld", cell_w, (long long)c->counts[(size_t)i * (size_t)cols + (size_t)order[j]]);
        out_printf(&o, "\n");
    }
    free(to_class);
    free(order);
    return out_finish(&o, "confusion table", err);
}

ae_status ae_makeup_write(FILE *f, const ae_contingency *c, const char *const *names, int n_names, ae_error *err)
{
    int rows = c->n_classes, cols = c->n_clusters;
    int id_w = (int)strlen("cluster"), size_w = (int)strlen("size");
    for (int j = 0; j < cols; j++)
        if (digits(c->cluster_ids[j]) > id_w) id_w = digits(c->cluster_ids[j]);
    if (digits((int64_t)c->n) > size_w) size_w = digits((int64_t)c->n);

    table_out o = {f, 0, 0};
    char buf[32];
    out_printf(&o, "%*s  %*s  top classes\n", id_w, "cluster", size_w, "size");
    for (int j = 0; j < cols; j++) {
        int64_t size = 0;
        for (int i = 0; i < rows; i++) size += c->counts[(size_t)i * (size_t)cols + (size_t)j];
        out_printf(&o, "%*d  %*lld  ", id_w, (int)c->cluster_ids[j], size_w, (long long)size);
        /* the three largest classes, ties to the smaller class id */
        int top[3], n_top = 0;
        for (int i = 0; i < rows; i++) {
            int64_t v = c->counts[(size_t)i * (size_t)cols + (size_t)j];
            if (v == 0) continue;
            int at = n_top < 3 ? n_top++ : 3;
            while (at > 0 && c->counts[(size_t)top[at - 1] * (size_t)cols + (size_t)j] < v) {
                if (at < 3) top[at] = top[at - 1];
                at--;
            }
            if (at < 3) top[at] = i;
        }
        for (int t = 0; t < n_top; t++) {
            int64_t v = c->counts[(size_t)top[t] * (size_t)cols + (size_t)j];
            out_printf(&o, "%s%s %.1f%%", t ? ", " : "", class_name(c, top[t], names, n_names, buf, sizeof buf),
                       100.0 * (double)v / (double)size);
        }
        out_printf(&o, "\n");
    }
    return out_finish(&o, "make-up table", err);
}
