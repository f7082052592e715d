/* `aeclust plot KIND`: one function per kind (argv[0] is the kind), and the
 * helpers they share. Each returns the exit status like a command. */
#ifndef AE_CLI_PLOT_CLI_H
#define AE_CLI_PLOT_CLI_H

#include <stddef.h>

#include "aeclust/plot.h"
#include "args.h"

int plot_loss(int argc, char **argv);
int plot_elbow(int argc, char **argv);
int plot_kdistance(int argc, char **argv);
int plot_scatter(int argc, char **argv);
int plot_strip(int argc, char **argv);
int plot_confusion(int argc, char **argv);
int plot_clusters(int argc, char **argv);
int plot_images(int argc, char **argv);
int plot_manifold(int argc, char **argv);
int plot_reconstructions(int argc, char **argv);
int plot_denoising(int argc, char **argv);
int plot_seeds(int argc, char **argv);

/* The options every chart kind has: --out, --title, --width, --height, --x-label, --y-label. */
#define PLOT_CHART_OPTS                                                                                   \
    {.name = "out", .metavar = "FILE", .help = "the PNG to write (required)"},                            \
        {.name = "title", .metavar = "TEXT", .help = "title above the chart"},                            \
        {.name = "width", .metavar = "PX", .help = "figure width in pixels (0: the kind's default)", .def = "0"}, \
        {.name = "height", .metavar = "PX", .help = "figure height in pixels (0: the kind's default)", .def = "0"}, \
        {.name = "x-label", .metavar = "TEXT", .help = "x axis title (\"\" for none)"},                   \
        {.name = "y-label", .metavar = "TEXT", .help = "y axis title (\"\" for none)"}

/* The options every image kind has: --out, --title, --shape, --scale, --invert. */
#define PLOT_IMAGE_OPTS                                                                                   \
    {.name = "out", .metavar = "FILE", .help = "the PNG to write (required)"},                            \
        {.name = "title", .metavar = "TEXT", .help = "title above the grid"},                             \
        {.name = "shape", .metavar = "HxW", .help = "image size (default: square, from the row length)"}, \
        {.name = "scale", .metavar = "N", .help = "each pixel drawn N x N", .def = "2"},                  \
        {.name = "invert", .help = "draw 0 white and 1 black"}

/* Parses the --help/options of a kind and checks --out (and that its folder
 * is writable). Returns -1 to go on, else the exit status. */
int plot_start(cli_command *cmd, int argc, char **argv);
/* Fills o from the chart options; on a bad value prints and returns 2. */
int plot_chart_opts(cli_command *cmd, ae_plot_opts *o);
/* Fills o (defaults first) from the image options. */
int plot_image_opts(cli_command *cmd, ae_image_grid_opts *o);
/* --names fashion|mnist|digits|none into names/n (NULL/0 for none). */
int plot_names(cli_command *cmd, const char *const **names, int *n);
/* Image height and width of rows `cols` long read from `file`: --shape HxW,
 * else the square root of cols if it is whole. */
int plot_shape(cli_command *cmd, const char *file, size_t cols, int *h, int *w);
/* Prints a library error of a kind: "plot KIND: MSG". */
int plot_report(cli_command *cmd, const ae_error *err);

/* A numeric CSV file with a header line. */
typedef struct {
    int n_cols, n_rows;
    char **names;    /* (n_cols) header fields, owned */
    double *values;  /* (n_rows, n_cols) row-major, owned */
} plot_csv;

/* Reads path: a header of column names, then rows of numbers ("nan" allowed);
 * every row as many fields as the header. On error prints one line naming
 * the file and line, and returns 2. */
int plot_csv_read(const char *kind, const char *path, plot_csv *out);
/* Index of the column called name, or -1. */
int plot_csv_column(const plot_csv *c, const char *name);
void plot_csv_free(plot_csv *c);

#endif
