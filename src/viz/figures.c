/* The image figures of the reports, each one image grid with its own
 * arrangement and labels: cluster samples, centroids, reconstructions, the
 * denoising table and the VAE's latent manifold. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz.h"

#define LABEL_MAX 160

static ae_image_grid_opts grid_opts(const ae_image_grid_opts *o)
{
    return o ? *o : ae_image_grid_defaults();
}

static void copy_image(float *dst, const ae_matrix *m, size_t row)
{
    memcpy(dst, m->data + row * m->cols, m->cols * sizeof *dst);
}

ae_status ae_plot_cluster_samples(const char *path, const ae_matrix *images, int h, int w, const ae_labels *pred,
                                  const ae_labels *truth, const char *const *names, int n_names, int per_cluster,
                                  const ae_image_grid_opts *o, ae_error *err)
{
    ae_status st = ae_viz_check_images(images, h, w, 1, "the images", err);
    if (st) return st;
    size_t n = images->rows, px = images->cols;
    if (!pred || pred->n != n)
        return ae_fail(err, AE_ERR_ARG, "%s: %zu cluster labels for %zu images", path, pred ? pred->n : 0, n);
    if (truth && truth->n != n)
        return ae_fail(err, AE_ERR_ARG, "%s: %zu true labels for %zu images", path, truth->n, n);
    if (per_cluster < 1 || per_cluster > 1000)
        return ae_fail(err, AE_ERR_ARG, "%s: %d images per cluster (must be 1..1000)", path, per_cluster);
    /* the contingency table gives the clusters, their sizes and make-up */
    ae_contingency c = {0};
    st = ae_contingency_build(truth ? truth->data : pred->data, pred->data, n, &c, err);
    if (st) return st;
    int k = c.n_clusters;
    float *buf = malloc((size_t)k * (size_t)per_cluster * px * sizeof *buf);
    int *filled = calloc((size_t)k, sizeof *filled);
    char *text = malloc((size_t)k * LABEL_MAX);
    const char **labels = malloc((size_t)k * sizeof *labels);
    if (!buf || !filled || !text || !labels) {
        st = ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t i = 0; i < (size_t)k * (size_t)per_cluster * px; i++) buf[i] = NAN; /* empty cells */
    for (size_t i = 0; i < n; i++) {
        /* cluster_ids is ascending: binary search for the row */
        int lo = 0, hi = k - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (c.cluster_ids[mid] < pred->data[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        if (filled[lo] < per_cluster) {
            copy_image(buf + ((size_t)lo * (size_t)per_cluster + (size_t)filled[lo]) * px, images, i);
            filled[lo]++;
        }
    }
    for (int j = 0; j < k; j++) {
        long long size = 0, best = -1;
        int best_i = 0;
        for (int i = 0; i < c.n_classes; i++) {
            long long v = c.counts[(size_t)i * (size_t)k + (size_t)j];
            size += v;
            if (v > best) {
                best = v;
                best_i = i;
            }
        }
        char count[32], *s = text + (size_t)j * LABEL_MAX;
        ae_viz_format_count(count, sizeof count, size);
        int len = snprintf(s, LABEL_MAX, "cluster %d\n%s image%s", (int)c.cluster_ids[j], count, size == 1 ? "" : "s");
        if (truth && len > 0 && len < LABEL_MAX) {
            char name[96];
            ae_viz_label_name(name, sizeof name, c.class_ids[best_i], names, n_names, "class ");
            snprintf(s + len, (size_t)(LABEL_MAX - len), "\n%.0f%% %s", 100.0 * (double)best / (double)size, name);
        }
        labels[j] = s;
    }
    ae_image_grid_opts g = grid_opts(o);
    g.columns = per_cluster;
    g.row_labels = labels;
    st = ae_image_grid_write(path, buf, (size_t)k * (size_t)per_cluster, h, w, &g, err);
done:
    ae_contingency_free(&c);
    free(buf);
    free(filled);
    free(text);
    free(labels);
    return st;
}

ae_status ae_plot_centroids(const char *path, const ae_matrix *centroids, int h, int w,
                            const ae_image_grid_opts *o, ae_error *err)
{
    ae_status st = ae_viz_check_images(centroids, h, w, 1, "the centroids", err);
    if (st) return st;
    size_t k = centroids->rows;
    char *text = malloc(k * 24);
    const char **cap = malloc(k * sizeof *cap);
    if (!text || !cap) {
        free(text);
        free(cap);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    }
    for (size_t i = 0; i < k; i++) {
        snprintf(text + i * 24, 24, "%zu", i);
        cap[i] = text + i * 24;
    }
    ae_image_grid_opts g = grid_opts(o);
    g.captions = cap;
    st = ae_image_grid_write(path, centroids->data, k, h, w, &g, err);
    free(text);
    free(cap);
    return st;
}

ae_status ae_plot_reconstructions(const char *path, const ae_matrix *original, const ae_matrix *recon, int count,
                                  int h, int w, const ae_image_grid_opts *o, ae_error *err)
{
    if (count < 1) return ae_fail(err, AE_ERR_ARG, "%s: %d images to show", path, count);
    ae_status st;
    if ((st = ae_viz_check_images(original, h, w, (size_t)count, "the originals", err)) ||
        (st = ae_viz_check_images(recon, h, w, (size_t)count, "the reconstructions", err)))
        return st;
    size_t px = original->cols;
    float *buf = malloc(2 * (size_t)count * px * sizeof *buf);
    if (!buf) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    memcpy(buf, original->data, (size_t)count * px * sizeof *buf);
    memcpy(buf + (size_t)count * px, recon->data, (size_t)count * px * sizeof *buf);
    static const char *const rows[2] = {"original", "reconstruction"};
    ae_image_grid_opts g = grid_opts(o);
    g.columns = count;
    g.row_labels = rows;
    st = ae_image_grid_write(path, buf, 2 * (size_t)count, h, w, &g, err);
    free(buf);
    return st;
}

ae_status ae_plot_denoising(const char *path, const ae_matrix *original, const ae_matrix *const *noisy,
                            const ae_matrix *const *denoised, const double *rates, int n_rates, int count, int h,
                            int w, const ae_image_grid_opts *o, ae_error *err)
{
    if (n_rates < 1 || n_rates > 1000 || !noisy || !denoised || !rates)
        return ae_fail(err, AE_ERR_ARG, "%s: %d noise rates", path, n_rates);
    if (count < 1 || count > 1000) return ae_fail(err, AE_ERR_ARG, "%s: %d examples per rate", path, count);
    ae_status st = ae_viz_check_images(original, h, w, (size_t)count, "the originals", err);
    if (st) return st;
    for (int r = 0; r < n_rates; r++) {
        char what[64];
        snprintf(what, sizeof what, "the noisy images at rate %g", rates[r]);
        if ((st = ae_viz_check_images(noisy[r], h, w, (size_t)count, what, err))) return st;
        snprintf(what, sizeof what, "the denoised images at rate %g", rates[r]);
        if ((st = ae_viz_check_images(denoised[r], h, w, (size_t)count, what, err))) return st;
    }
    size_t px = original->cols, per_row = 3 * (size_t)count;
    float *buf = malloc((size_t)n_rates * per_row * px * sizeof *buf);
    char *text = malloc((size_t)n_rates * 32);
    const char **rows = malloc((size_t)n_rates * sizeof *rows);
    const char **cols = malloc(per_row * sizeof *cols);
    if (!buf || !text || !rows || !cols) {
        st = ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    for (int r = 0; r < n_rates; r++) {
        for (int e = 0; e < count; e++) {
            float *cell = buf + ((size_t)r * per_row + 3 * (size_t)e) * px;
            copy_image(cell, original, (size_t)e);
            copy_image(cell + px, noisy[r], (size_t)e);
            copy_image(cell + 2 * px, denoised[r], (size_t)e);
        }
        snprintf(text + (size_t)r * 32, 32, "noise %.4g", rates[r]);
        rows[r] = text + (size_t)r * 32;
    }
    for (size_t j = 0; j < per_row; j++) cols[j] = j % 3 == 0 ? "original" : j % 3 == 1 ? "noisy" : "denoised";
    ae_image_grid_opts g = grid_opts(o);
    g.columns = (int)per_row;
    g.group = 3;
    g.row_labels = rows;
    g.column_labels = cols;
    st = ae_image_grid_write(path, buf, (size_t)n_rates * per_row, h, w, &g, err);
done:
    free(buf);
    free(text);
    free(rows);
    free(cols);
    return st;
}

/* Decimals that tell neighbouring axis values apart (0..4). */
static int value_decimals(const double *v, int n)
{
    double step = INFINITY;
    for (int i = 1; v && i < n; i++)
        if (fabs(v[i] - v[i - 1]) > 0) step = fmin(step, fabs(v[i] - v[i - 1]));
    if (!isfinite(step)) return 1;
    int d = (int)ceil(-log10(step) - 1e-9);
    return d < 0 ? 0 : d > 4 ? 4 : d;
}

/* v, or 0 when it would print as "-0.0" with d decimals. */
static double no_negative_zero(double v, int d) { return fabs(v) < 0.5 * pow(10, -d) ? 0 : v; }

ae_status ae_plot_manifold(const char *path, const ae_matrix *decoded, int n, int h, int w,
                           const double *col_values, const double *row_values, const ae_image_grid_opts *o,
                           ae_error *err)
{
    if (n < 1 || n > 200) return ae_fail(err, AE_ERR_ARG, "%s: a manifold of %d x %d images", path, n, n);
    ae_status st = ae_viz_check_images(decoded, h, w, (size_t)n * (size_t)n, "the decoded images", err);
    if (st) return st;
    char *text = malloc(2 * (size_t)n * 24);
    const char **cl = malloc((size_t)n * sizeof *cl), **rl = malloc((size_t)n * sizeof *rl);
    if (!text || !cl || !rl) {
        free(text);
        free(cl);
        free(rl);
        return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
    }
    int dc = value_decimals(col_values, n), dr = value_decimals(row_values, n);
    for (int i = 0; i < n; i++) {
        if (col_values) snprintf(text + (size_t)i * 24, 24, "%.*f", dc, no_negative_zero(col_values[i], dc));
        if (row_values) snprintf(text + (size_t)(n + i) * 24, 24, "%.*f", dr, no_negative_zero(row_values[i], dr));
        cl[i] = text + (size_t)i * 24;
        rl[i] = text + (size_t)(n + i) * 24;
    }
    ae_image_grid_opts g = grid_opts(o);
    g.columns = n;
    g.padding = 0;
    g.group = 0;
    g.column_labels = col_values ? cl : NULL;
    g.row_labels = row_values ? rl : NULL;
    st = ae_image_grid_write(path, decoded->data, (size_t)n * (size_t)n, h, w, &g, err);
    free(text);
    free(cl);
    free(rl);
    return st;
}
