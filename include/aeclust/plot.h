/* Figures as PNG files: line charts (training curves, the elbow), 2-D scatter
 * plots coloured by label (alone or as a strip of small panels), the
 * confusion-matrix heat map, strip plots of values over seeds, lines with
 * error bars (a metric against a swept setting), and grids of grayscale
 * images (cluster samples, centroids, reconstructions, the denoising table,
 * VAE manifolds and samples).
 *
 * - Charts are drawn with cairo (text in DejaVu Sans), image grids pixel by
 *   pixel; every PNG is 8-bit RGB, written atomically (a temporary file in the
 *   same folder, renamed over the target), so a failed call leaves no new file
 *   and an existing one untouched.
 * - Deterministic: the same input gives the same bytes (for the same cairo,
 *   libpng and zlib).
 * - Labels are non-negative int32 ids, coloured by a fixed qualitative
 *   10-colour palette (tab10's), cycling for ids >= 10.
 * - Non-finite values: in a scatter, NaN/Inf coordinates are an error
 *   (AE_ERR_NUMERIC naming the point); in a line chart, a NaN/Inf y leaves a
 *   gap, and a series with no finite point (a missing validation loss) is
 *   left out of the chart and its legend; in an image, a NaN pixel is drawn
 *   as background (an all-NaN image is an empty cell); a heat-map value
 *   that is NaN/Inf is an error.
 * - Errors, one line in err: AE_ERR_ARG for sizes that do not fit (naming
 *   them), AE_ERR_IO naming the path that cannot be written, AE_ERR_NOMEM.
 * - No function takes ownership of its inputs. cairo and fontconfig keep font
 *   caches for the whole process; ae_plot_teardown frees them (optional: call
 *   it once at the end of a program so leak checkers stay quiet). */
#ifndef AECLUST_PLOT_H
#define AECLUST_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "matrix.h"
#include "metrics.h"
#include "nn.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- charts ------------------------------------------------------------ */

typedef struct {
    int width, height;        /* pixels; 0: the figure's default (charts 800 x 600; a
                                 heat map 760 wide and at most 680 tall, trimmed to
                                 its cells; a strip 280 per panel plus the legend
                                 x 330) [0, 0] */
    const char *title;        /* above the chart; NULL: none [NULL] */
    const char *x_label;      /* axis titles; NULL: the figure's default ("epoch",
                                 "loss", "k", ...), "" for none [NULL] */
    const char *y_label;
    const char *const *names; /* names[id] names label id in legends and on heat-map
                                 axes (e.g. ae_class_names("fashion", &n)) [NULL] */
    int n_names;              /* entries in names [0] */
    const char *name_prefix;  /* an id without a name shows as prefix + id; NULL:
                                 "cluster " in scatters, "" on heat maps [NULL] */
    double point_radius;      /* scatter dot radius in pixels; 0: by point count [0] */
    double point_alpha;       /* scatter dot opacity in (0, 1]; 0: by point count [0] */
} ae_plot_opts;

/* The defaults above (opts NULL anywhere below means these). */
ae_plot_opts ae_plot_defaults(void);

/* Palette colour of label id (>= 0; cycles every 10) as 8-bit r, g, b. */
void ae_plot_palette(int id, uint8_t rgb[3]);

/* One line of a line chart, coloured by its index in the series array. */
typedef struct {
    const char *name;     /* legend entry; NULL: not in the legend */
    const double *x, *y;  /* (n) points in order; x NULL: 1, 2, ..., n */
    int n;
    int markers;          /* draw a dot at every point */
    int dashed;
} ae_plot_series;

/* Line chart with axes, gridlines and a legend of the named series. Needs at
 * least one finite point over all series; non-finite x is AE_ERR_NUMERIC. */
ae_status ae_plot_lines(const char *path, const ae_plot_series *series, int n_series, const ae_plot_opts *o,
                        ae_error *err);

/* Training curves: train and validation loss per epoch ("train", "validation";
 * validation left out when every val_loss is NaN). h->n >= 1. */
ae_status ae_plot_loss(const char *path, const ae_train_history *h, const ae_plot_opts *o, ae_error *err);

/* Elbow curve: inertia against k (n points, lines with markers). */
ae_status ae_plot_elbow(const char *path, const int *k, const double *inertia, int n, const ae_plot_opts *o,
                        ae_error *err);

/* The k-distance curve (ae_kdistance's output: n distances, in the order
 * given, normally descending) against the point's rank 1..n, for choosing
 * DBSCAN's eps at its knee. k > 0 names the neighbour on the y axis ("distance
 * to the k-th nearest point"); 0: "k-distance". */
ae_status ae_plot_kdistance(const char *path, const double *kdist, size_t n, int k, const ae_plot_opts *o,
                            ae_error *err);

/* 2-D scatter of xy (n, 2), one dot per row, coloured by labels (n entries, or
 * NULL: one colour and no legend), with a legend naming each id present (via
 * o->names / o->name_prefix). Dots are drawn in a fixed shuffled order so no
 * class systematically hides another. Errors: xy not 2 columns or empty,
 * a label count that differs from the row count, a negative label. */
ae_status ae_plot_scatter(const char *path, const ae_matrix *xy, const ae_labels *labels, const ae_plot_opts *o,
                          ae_error *err);

/* One panel of a scatter strip. */
typedef struct {
    const ae_matrix *xy;     /* (n, 2) */
    const ae_labels *labels; /* (n) or NULL */
    const char *title;       /* above the panel ("epoch 5"), or NULL */
} ae_scatter_panel;

/* Several small scatter panels side by side (latent snapshots across epochs),
 * each with its own axes ranges, one shared legend on the right. */
ae_status ae_plot_scatter_strip(const char *path, const ae_scatter_panel *panels, int n_panels,
                                const ae_plot_opts *o, ae_error *err);

/* Heat map of values (rows, cols) row-major, each cell printed in it (as an
 * integer when every value is one, else with 3 significant digits) in black
 * or white for contrast; colour from white (0 or the minimum, if negative)
 * to dark blue (the maximum). row_names / col_names (NULL: ids via o) label
 * the axes; default axis titles "true class" and "cluster". */
ae_status ae_plot_heatmap(const char *path, const double *values, int rows, int cols,
                          const char *const *row_names, const char *const *col_names, const ae_plot_opts *o,
                          ae_error *err);

/* Confusion matrix of a contingency table: rows the true classes (names via
 * o->names[class id]), columns the clusters in ae_confusion_write's order
 * (column j the cluster matched to class j by Hungarian matching, unmatched
 * clusters last), each column labelled with its cluster id. */
ae_status ae_plot_confusion(const char *path, const ae_contingency *c, const ae_plot_opts *o, ae_error *err);

/* One column of a strip plot: the values of one group (a clusterer, space
 * and split over the seeds of a run). */
typedef struct {
    const char *name;     /* the column's label on the x axis */
    const double *values; /* (n) one dot each; NaN / Inf are left out */
    int n;
} ae_plot_strip_column;

/* Strip plot: one column per group on a categorical x axis (labels rotated
 * when they do not fit side by side), one dot per value, spread sideways in
 * a fixed pattern so that equal values stay apart, and each column's mean
 * marked by a horizontal bar. Needs a column and a finite value. */
ae_status ae_plot_strip(const char *path, const ae_plot_strip_column *cols, int n_cols, const ae_plot_opts *o,
                        ae_error *err);

/* One line of an error-bar chart. */
typedef struct {
    const char *name; /* legend entry; NULL: not in the legend */
    const double *y;  /* (n_x) the value at each x; NaN: no point */
    const double *sd; /* (n_x) half-length of each error bar, or NULL; NaN or 0: no bar */
} ae_plot_errorbar_series;

/* Lines with markers and error bars against x (a metric against a setting):
 * numeric x (n_x values, distinct, any order: each line joins its points in
 * ascending x), or with x NULL a categorical axis of x_labels (n_x) at
 * 1..n_x in the order given. Lines are coloured by index (palette); the
 * legend is right of the plot, which the default width (800) grows by. */
ae_status ae_plot_errorbars(const char *path, const double *x, const char *const *x_labels, int n_x,
                            const ae_plot_errorbar_series *series, int n_series, const ae_plot_opts *o,
                            ae_error *err);

/* Frees cairo's and fontconfig's process-wide caches (fonts, patterns).
 * Optional: call it once at the end of a program, after the last figure,
 * when no cairo or fontconfig object is in use anywhere in the process, so
 * leak checkers (ASan, valgrind) report nothing; without it the caches are
 * simply reclaimed at exit. The library never calls it (nor atexit) itself.
 * Harmless to call twice, or without having drawn anything. */
void ae_plot_teardown(void);

/* ---- image grids ------------------------------------------------------- */

typedef struct {
    int columns;       /* images per row; 0: all in one row [10] */
    int scale;         /* each pixel drawn as a scale x scale block [2] */
    int padding;       /* pixels between images (0: touching, e.g. a manifold) [4] */
    int group;         /* an extra gap after every `group` columns; 0: none [0] */
    int invert;        /* 0: value vmin black, vmax white; 1: the reverse [0] */
    float vmin, vmax;  /* value range mapped to black..white, values clipped [0, 1] */
    const char *title; /* above the grid; NULL: none [NULL] */
    const char *const *row_labels;    /* (rows) left of each row, '\n' breaks lines; NULL: none */
    const char *const *column_labels; /* (columns) above each column; NULL: none */
    const char *const *captions;      /* (n_images) under each image; NULL: none */
} ae_image_grid_opts;

/* The defaults above (opts NULL in the image functions means these). */
ae_image_grid_opts ae_image_grid_defaults(void);

/* Grid of n_images grayscale images of h x w pixels (images: n_images rows of
 * h*w floats, row-major pixels), `columns` per row, rows = ceil(n / columns).
 * Errors: n_images, h or w < 1, scale outside 1..32, vmax <= vmin, an image
 * over 2^26 pixels. */
ae_status ae_image_grid_write(const char *path, const float *images, size_t n_images, int h, int w,
                              const ae_image_grid_opts *o, ae_error *err);

/* Cluster samples: one row per cluster id present in pred (ascending), the
 * first per_cluster images of that cluster in data order, labelled
 * "cluster 3 · 1,024 images" plus, with truth, "71% Trouser" (its most common
 * class, named via names/n_names, else by id). images (n, h*w); pred and
 * truth (n). */
ae_status ae_plot_cluster_samples(const char *path, const ae_matrix *images, int h, int w, const ae_labels *pred,
                                  const ae_labels *truth, const char *const *names, int n_names, int per_cluster,
                                  const ae_image_grid_opts *o, ae_error *err);

/* Centroid images: the rows of centroids (k, h*w) in one row (o->columns 0)
 * or o->columns per row, captioned "0" .. "k-1". */
ae_status ae_plot_centroids(const char *path, const ae_matrix *centroids, int h, int w,
                            const ae_image_grid_opts *o, ae_error *err);

/* Reconstructions: the first count rows of original above the same rows of
 * recon (both (n, h*w), n >= count), rows labelled "original" and
 * "reconstruction". */
ae_status ae_plot_reconstructions(const char *path, const ae_matrix *original, const ae_matrix *recon, int count,
                                  int h, int w, const ae_image_grid_opts *o, ae_error *err);

/* The denoising table: one row per noise rate r (labelled "noise 0.2" from
 * rates[r]), holding for each of the first count examples the triple
 * original / noisy / denoised (column labels). original (>= count rows);
 * noisy[r] and denoised[r] (>= count rows each) for r < n_rates. */
ae_status ae_plot_denoising(const char *path, const ae_matrix *original, const ae_matrix *const *noisy,
                            const ae_matrix *const *denoised, const double *rates, int n_rates, int count, int h,
                            int w, const ae_image_grid_opts *o, ae_error *err);

/* VAE latent manifold: decoded (n*n, h*w), image i*n + j at row i, column j,
 * no gaps; col_values (n) / row_values (n), if non-NULL, are printed above
 * the columns / left of the rows (the latent coordinates). */
ae_status ae_plot_manifold(const char *path, const ae_matrix *decoded, int n, int h, int w,
                           const double *col_values, const double *row_values, const ae_image_grid_opts *o,
                           ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
