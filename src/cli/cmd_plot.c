/* aeclust plot KIND: draws the report figures from .npy and CSV files alone.
 * This file picks the kind and holds what the kinds share; the kinds live in
 * plot_charts.c and plot_images.c. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/data.h"
#include "commands.h"
#include "plot_cli.h"

static const cli_subcommand kinds[] = {
    {"loss", plot_loss, "training curves from a history CSV (epoch,train_loss,val_loss)"},
    {"elbow", plot_elbow, "inertia against k from a CSV (k,inertia)"},
    {"kdistance", plot_kdistance, "k-distance curve from aeclust dbscan --kdistance (CSV) or an .npy, to choose eps"},
    {"scatter", plot_scatter, "2-D points (n x 2 .npy) coloured by a label per point"},
    {"strip", plot_strip, "several 2-D scatters side by side (latent snapshots)"},
    {"confusion", plot_confusion, "confusion-matrix heat map, clusters in Hungarian-matched order"},
    {"clusters", plot_clusters, "a row of sample images for each cluster"},
    {"images", plot_images, "a grid of images (centroids, samples)"},
    {"manifold", plot_manifold, "an n x n grid of decoded images without gaps (VAE manifold)"},
    {"reconstructions", plot_reconstructions, "originals above their reconstructions"},
    {"denoising", plot_denoising, "original / noisy / denoised for each noise rate"},
    {"seeds", plot_seeds, "strip plot of a metric over seeds from summary.json (aeclust run --seeds)"},
};

int cmd_plot(int argc, char **argv)
{
    return cli_dispatch(kinds, sizeof kinds / sizeof kinds[0],
                        "usage: aeclust plot KIND [options]   (aeclust plot KIND --help for its options)\n"
                        "  draw a figure as PNG from .npy / CSV files\n\nkinds:\n",
                        NULL, "plot kind", "aeclust plot --help", argc, argv);
}

int plot_start(cli_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    int n_pos;
    int rc = cli_start(cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(cmd, "out"))) return rc;
    const char *out = cli_get(cmd, "out")->value;
    return cli_check_outputs(cmd->name, &out, 1) ? 2 : -1;
}

static const char *opt_value(cli_command *cmd, const char *name)
{
    cli_opt *o = cli_get(cmd, name);
    return o && o->given ? o->value : NULL;
}

int plot_chart_opts(cli_command *cmd, ae_plot_opts *o)
{
    *o = ae_plot_defaults();
    char msg[256];
    long w, h;
    if (cli_long(cli_get(cmd, "width"), 0, 16384, &w, msg, sizeof msg) ||
        cli_long(cli_get(cmd, "height"), 0, 16384, &h, msg, sizeof msg))
        return cli_fail("%s: %s", cmd->name, msg);
    o->width = (int)w;
    o->height = (int)h;
    o->title = opt_value(cmd, "title");
    o->x_label = opt_value(cmd, "x-label");
    o->y_label = opt_value(cmd, "y-label");
    return 0;
}

int plot_image_opts(cli_command *cmd, ae_image_grid_opts *o)
{
    *o = ae_image_grid_defaults();
    char msg[256];
    long scale;
    if (cli_long(cli_get(cmd, "scale"), 1, 32, &scale, msg, sizeof msg)) return cli_fail("%s: %s", cmd->name, msg);
    o->scale = (int)scale;
    o->title = opt_value(cmd, "title");
    o->invert = cli_get(cmd, "invert")->given;
    return 0;
}

int plot_names(cli_command *cmd, const char *const **names, int *n)
{
    const char *v = cli_get(cmd, "names")->value;
    *names = NULL;
    *n = 0;
    if (!strcmp(v, "none")) return 0;
    if (!strcmp(v, "fashion") || !strcmp(v, "fashion-mnist") || !strcmp(v, "mnist") || !strcmp(v, "digits")) {
        *names = ae_class_names(v, n);
        return 0;
    }
    return cli_fail("%s: --names: '%s' is not one of fashion, mnist, none", cmd->name, v);
}

int plot_shape(cli_command *cmd, const char *file, size_t cols, int *h, int *w)
{
    const char *s = opt_value(cmd, "shape");
    if (s) {
        char *end;
        long a = strtol(s, &end, 10), b = 0;
        int ok = end != s && (*end == 'x' || *end == 'X');
        if (ok) {
            const char *p = end + 1;
            b = strtol(p, &end, 10);
            ok = end != p && *end == '\0' && a >= 1 && b >= 1 && a <= 8192 && b <= 8192;
        }
        if (!ok) return cli_fail("%s: --shape: '%s' is not HxW (e.g. 28x28)", cmd->name, s);
        if ((size_t)a * (size_t)b != cols)
            return cli_fail("%s: %s has %zu columns, %ldx%ld images need %ld", cmd->name, file, cols, a, b, a * b);
        *h = (int)a;
        *w = (int)b;
        return 0;
    }
    size_t r = 1;
    while ((r + 1) * (r + 1) <= cols) r++;
    if (r * r != cols || cols > 8192u * 8192u)
        return cli_fail("%s: %s has %zu columns, not a square image; give --shape HxW", cmd->name, file, cols);
    *h = *w = (int)r;
    return 0;
}

int plot_report(cli_command *cmd, const ae_error *err)
{
    return cli_fail("%s: %s", cmd->name, err->msg[0] ? err->msg : ae_status_name(err->status));
}
