/* aeclust plot clusters | images | manifold | reconstructions | denoising:
 * the image-grid kinds. Images are rows of h*w pixels in [0, 1]. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/data.h"
#include "commands.h"
#include "plot_cli.h"

#define N_OPTS(a) ((int)(sizeof a / sizeof a[0]))

/* Loads a matrix of images; the shape comes from --shape or the row length. */
static int load_images(cli_command *cmd, const char *path, ae_matrix *m, int *h, int *w)
{
    ae_error err = {0};
    if (ae_matrix_load(path, m, &err)) return plot_report(cmd, &err);
    int rc = plot_shape(cmd, path, m->cols, h, w);
    if (rc) ae_matrix_free(m);
    return rc;
}

static int get_long(cli_command *cmd, const char *name, long lo, long hi, long *v)
{
    char msg[256];
    return cli_long(cli_get(cmd, name), lo, hi, v, msg, sizeof msg) ? cli_fail("%s: %s", cmd->name, msg) : 0;
}

int plot_clusters(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "images", .metavar = "FILE", .help = "the clustered images, one per row (.npy or IDX) (required)"},
        {.name = "pred", .metavar = "FILE", .help = "the cluster of each image (int .npy) (required)"},
        {.name = "labels", .metavar = "FILE", .help = "true classes, to name each cluster's most common one"},
        {.name = "names", .metavar = "SET", .help = "class names: fashion, mnist or none", .def = "none"},
        {.name = "per-cluster", .metavar = "N", .help = "images shown per cluster (the first N)", .def = "10"},
        PLOT_IMAGE_OPTS,
    };
    cli_command cmd = {"plot clusters", "", "a row of sample images for each cluster", opts, N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "images")) || (rc = cli_require(&cmd, "pred"))) return rc;
    ae_image_grid_opts go;
    const char *const *names;
    int n_names, h, w;
    long per;
    if ((rc = plot_image_opts(&cmd, &go)) || (rc = plot_names(&cmd, &names, &n_names)) ||
        (rc = get_long(&cmd, "per-cluster", 1, 1000, &per)))
        return rc;
    const char *xp = cli_get(&cmd, "images")->value, *pp = cli_get(&cmd, "pred")->value;
    const char *tp = cli_get(&cmd, "labels")->value;
    ae_matrix x = {0};
    ae_labels p = {0}, t = {0};
    ae_error err = {0};
    if ((rc = load_images(&cmd, xp, &x, &h, &w))) return rc;
    rc = 2;
    if (ae_labels_load(pp, &p, &err) || (tp && ae_labels_load(tp, &t, &err))) {
        plot_report(&cmd, &err);
        goto done;
    }
    if (p.n != x.rows || (tp && t.n != x.rows)) {
        const char *bad = p.n != x.rows ? pp : tp;
        cli_fail("%s: %s has %zu labels but %s has %zu images", cmd.name, bad, p.n != x.rows ? p.n : t.n, xp, x.rows);
        goto done;
    }
    if (ae_plot_cluster_samples(cli_get(&cmd, "out")->value, &x, h, w, &p, tp ? &t : NULL, names, n_names, (int)per,
                                &go, &err)) {
        plot_report(&cmd, &err);
        goto done;
    }
    rc = 0;
done:
    ae_matrix_free(&x);
    ae_labels_free(&p);
    ae_labels_free(&t);
    return rc;
}

int plot_images(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "images, one per row (.npy or IDX) (required)"},
        {.name = "count", .metavar = "N", .help = "show the first N rows (0: all)", .def = "100"},
        {.name = "columns", .metavar = "N", .help = "images per row (0: all in one row)", .def = "10"},
        {.name = "padding", .metavar = "PX", .help = "pixels between images", .def = "4"},
        {.name = "captions", .help = "caption each image with its row number"},
        PLOT_IMAGE_OPTS,
    };
    cli_command cmd = {"plot images", "", "a grid of images (centroids, samples)", opts, N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input"))) return rc;
    ae_image_grid_opts go;
    long count, columns, padding;
    int h, w;
    if ((rc = plot_image_opts(&cmd, &go)) || (rc = get_long(&cmd, "count", 0, INT_MAX, &count)) ||
        (rc = get_long(&cmd, "columns", 0, 4096, &columns)) || (rc = get_long(&cmd, "padding", 0, 256, &padding)))
        return rc;
    go.columns = (int)columns;
    go.padding = (int)padding;
    const char *in = cli_get(&cmd, "input")->value;
    ae_matrix x = {0};
    if ((rc = load_images(&cmd, in, &x, &h, &w))) return rc;
    size_t n = count == 0 || (size_t)count > x.rows ? x.rows : (size_t)count;
    char *text = NULL;
    const char **cap = NULL;
    rc = 2;
    if (cli_get(&cmd, "captions")->given) {
        text = malloc(n * 24);
        cap = malloc(n * sizeof *cap);
        if (!text || !cap) {
            cli_fail("%s: out of memory", cmd.name);
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            snprintf(text + i * 24, 24, "%zu", i);
            cap[i] = text + i * 24;
        }
        go.captions = cap;
    }
    ae_error err = {0};
    if (ae_image_grid_write(cli_get(&cmd, "out")->value, x.data, n, h, w, &go, &err)) {
        plot_report(&cmd, &err);
        goto done;
    }
    rc = 0;
done:
    free(text);
    free(cap);
    ae_matrix_free(&x);
    return rc;
}

/* Parses "LO,HI" into two finite numbers. */
static int parse_range(cli_command *cmd, const char *s, double *lo, double *hi)
{
    char *end;
    *lo = strtod(s, &end);
    int ok = end != s && *end == ',';
    if (ok) {
        const char *p = end + 1;
        *hi = strtod(p, &end);
        ok = end != p && *end == '\0' && isfinite(*lo) && isfinite(*hi);
    }
    return ok ? 0 : cli_fail("%s: --range: '%s' is not LO,HI (e.g. -3,3)", cmd->name, s);
}

int plot_manifold(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "n*n decoded images, row-major over the grid (required)"},
        {.name = "range", .metavar = "LO,HI", .help = "latent values the columns and rows span, printed on the axes"},
        PLOT_IMAGE_OPTS,
    };
    cli_command cmd = {"plot manifold", "", "an n x n grid of decoded images without gaps (VAE latent manifold)",
                       opts, N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input"))) return rc;
    ae_image_grid_opts go;
    if ((rc = plot_image_opts(&cmd, &go))) return rc;
    const char *in = cli_get(&cmd, "input")->value, *range = cli_get(&cmd, "range")->value;
    double lo = 0, hi = 0;
    if (range && (rc = parse_range(&cmd, range, &lo, &hi))) return rc;
    ae_matrix x = {0};
    int h, w;
    if ((rc = load_images(&cmd, in, &x, &h, &w))) return rc;
    size_t n = 1;
    while ((n + 1) * (n + 1) <= x.rows) n++;
    double *vals = NULL;
    rc = 2;
    if (n * n != x.rows || n > 200) {
        cli_fail("%s: %s has %zu images, a manifold needs n*n of them (n <= 200)", cmd.name, in, x.rows);
        goto done;
    }
    if (range) {
        if (!(vals = malloc(n * sizeof *vals))) {
            cli_fail("%s: out of memory", cmd.name);
            goto done;
        }
        for (size_t i = 0; i < n; i++) vals[i] = n == 1 ? lo : lo + (hi - lo) * (double)i / (double)(n - 1);
    }
    ae_error err = {0};
    if (ae_plot_manifold(cli_get(&cmd, "out")->value, &x, (int)n, h, w, vals, vals, &go, &err)) {
        plot_report(&cmd, &err);
        goto done;
    }
    rc = 0;
done:
    free(vals);
    ae_matrix_free(&x);
    return rc;
}

int plot_reconstructions(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "original images, one per row (required)"},
        {.name = "recon", .metavar = "FILE", .help = "their reconstructions, same rows (required)"},
        {.name = "count", .metavar = "N", .help = "pairs shown (the first N rows)", .def = "10"},
        PLOT_IMAGE_OPTS,
    };
    cli_command cmd = {"plot reconstructions", "", "originals above their reconstructions", opts, N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input")) || (rc = cli_require(&cmd, "recon"))) return rc;
    ae_image_grid_opts go;
    long count;
    if ((rc = plot_image_opts(&cmd, &go)) || (rc = get_long(&cmd, "count", 1, 1000, &count))) return rc;
    const char *in = cli_get(&cmd, "input")->value, *rp = cli_get(&cmd, "recon")->value;
    ae_matrix x = {0}, r = {0};
    int h, w, h2, w2;
    rc = 2;
    if (load_images(&cmd, in, &x, &h, &w) || load_images(&cmd, rp, &r, &h2, &w2)) goto done;
    if (r.cols != x.cols) {
        cli_fail("%s: %s has %zu columns but %s has %zu", cmd.name, rp, r.cols, in, x.cols);
        goto done;
    }
    /* row i of the reconstructions is that of row i of the originals: show the rows both have */
    if ((size_t)count > x.rows) count = (long)x.rows;
    if ((size_t)count > r.rows) count = (long)r.rows;
    ae_error err = {0};
    if (ae_plot_reconstructions(cli_get(&cmd, "out")->value, &x, &r, (int)count, h, w, &go, &err)) {
        plot_report(&cmd, &err);
        goto done;
    }
    rc = 0;
done:
    ae_matrix_free(&x);
    ae_matrix_free(&r);
    return rc;
}

/* Parses a comma-separated list of at most max numbers. */
static int parse_rates(cli_command *cmd, const char *s, double *v, int max, int *n)
{
    *n = 0;
    const char *p = s;
    for (;;) {
        char *end;
        double x = strtod(p, &end);
        if (end == p || !isfinite(x) || (*end != ',' && *end != '\0') || *n == max)
            return cli_fail("%s: --rates: '%s' is not a list of at most %d numbers (e.g. 0.2,0.3)", cmd->name, s, max);
        v[(*n)++] = x;
        if (*end == '\0') return 0;
        p = end + 1;
    }
}

int plot_denoising(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "original", .metavar = "FILE", .help = "clean images, one per row (required)"},
        {.name = "noisy", .metavar = "FILE",
         .help = "noisy images: one file per rate, or one file of all rates stacked rate by rate (required)",
         .multi = 1},
        {.name = "denoised", .metavar = "FILE", .help = "denoised images, laid out as --noisy (required)", .multi = 1},
        {.name = "rates", .metavar = "R,R,...", .help = "the noise rates, in file (or stacking) order (required)"},
        {.name = "count", .metavar = "N", .help = "examples per rate (the first N rows)", .def = "4"},
        PLOT_IMAGE_OPTS,
    };
    cli_command cmd = {"plot denoising", "", "the denoising table: original / noisy / denoised per noise rate", opts,
                       N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "original")) || (rc = cli_require(&cmd, "noisy")) ||
        (rc = cli_require(&cmd, "denoised")) || (rc = cli_require(&cmd, "rates")))
        return rc;
    ae_image_grid_opts go;
    long count;
    double rates[CLI_MAX_MULTI];
    int n_rates;
    if ((rc = plot_image_opts(&cmd, &go)) || (rc = get_long(&cmd, "count", 1, 100, &count)) ||
        (rc = parse_rates(&cmd, cli_get(&cmd, "rates")->value, rates, CLI_MAX_MULTI, &n_rates)))
        return rc;
    cli_opt *no = cli_get(&cmd, "noisy"), *de = cli_get(&cmd, "denoised");
    int stacked = no->n_list == 1 && n_rates > 1;
    if (no->n_list != de->n_list || (!stacked && no->n_list != n_rates))
        return cli_fail("%s: %d --noisy and %d --denoised files for %d rates (give one of each per rate, or one "
                        "stacked file of each)",
                        cmd.name, no->n_list, de->n_list, n_rates);
    const char *op = cli_get(&cmd, "original")->value;
    ae_matrix orig = {0}, nm[CLI_MAX_MULTI] = {{0}}, dm[CLI_MAX_MULTI] = {{0}};
    ae_matrix nv[CLI_MAX_MULTI], dv[CLI_MAX_MULTI]; /* per-rate views (stacked: into nm[0], dm[0]) */
    const ae_matrix *np[CLI_MAX_MULTI], *dp[CLI_MAX_MULTI];
    int h, w, h2, w2, n_files = no->n_list;
    rc = 2;
    if (load_images(&cmd, op, &orig, &h, &w)) goto done;
    for (int i = 0; i < n_files; i++) {
        if (load_images(&cmd, no->list[i], &nm[i], &h2, &w2) || load_images(&cmd, de->list[i], &dm[i], &h2, &w2))
            goto done;
        const char *bad = nm[i].cols != orig.cols ? no->list[i] : dm[i].cols != orig.cols ? de->list[i] : NULL;
        if (bad) {
            cli_fail("%s: %s has %zu columns but %s has %zu", cmd.name, bad, bad == no->list[i] ? nm[i].cols : dm[i].cols,
                     op, orig.cols);
            goto done;
        }
    }
    size_t per = stacked ? nm[0].rows / (size_t)n_rates : 0;
    if (stacked && (nm[0].rows % (size_t)n_rates || dm[0].rows != nm[0].rows)) {
        cli_fail("%s: stacked files %s (%zu rows) and %s (%zu rows) must hold the same multiple of %d rates",
                 cmd.name, no->list[0], nm[0].rows, de->list[0], dm[0].rows, n_rates);
        goto done;
    }
    for (int r = 0; r < n_rates; r++) {
        if (stacked) {
            nv[r] = (ae_matrix){.rows = per, .cols = nm[0].cols, .data = nm[0].data + (size_t)r * per * nm[0].cols};
            dv[r] = (ae_matrix){.rows = per, .cols = dm[0].cols, .data = dm[0].data + (size_t)r * per * dm[0].cols};
        } else {
            nv[r] = nm[r];
            dv[r] = dm[r];
        }
        np[r] = &nv[r];
        dp[r] = &dv[r];
        const char *short_of = nv[r].rows < (size_t)count ? no->list[stacked ? 0 : r]
                               : dv[r].rows < (size_t)count ? de->list[stacked ? 0 : r] : NULL;
        if (orig.rows < (size_t)count) short_of = op;
        if (short_of) {
            cli_fail("%s: %s has fewer than --count %ld images%s", cmd.name, short_of, count,
                     stacked && short_of != op ? " per rate" : "");
            goto done;
        }
    }
    ae_error err = {0};
    if (ae_plot_denoising(cli_get(&cmd, "out")->value, &orig, np, dp, rates, n_rates, (int)count, h, w, &go, &err)) {
        plot_report(&cmd, &err);
        goto done;
    }
    rc = 0;
done:
    ae_matrix_free(&orig);
    for (int i = 0; i < n_files; i++) {
        ae_matrix_free(&nm[i]);
        ae_matrix_free(&dm[i]);
    }
    return rc;
}
