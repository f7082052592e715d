/* aeclust plot loss | elbow | kdistance | scatter | strip | confusion: the chart kinds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/data.h"
#include "aeclust/metrics.h"
#include "commands.h"
#include "plot_cli.h"

#define N_OPTS(a) ((int)(sizeof a / sizeof a[0]))

int plot_loss(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "history", .metavar = "FILE", .help = "CSV with columns epoch, train_loss and (optional) val_loss (required)"},
        PLOT_CHART_OPTS,
    };
    cli_command cmd = {"plot loss", "", "training curves: train and validation loss per epoch", opts, N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "history"))) return rc;
    ae_plot_opts po;
    if ((rc = plot_chart_opts(&cmd, &po))) return rc;
    const char *path = cli_get(&cmd, "history")->value;
    plot_csv csv;
    if ((rc = plot_csv_read(cmd.name, path, &csv))) return rc;
    int ce = plot_csv_column(&csv, "epoch"), ct = plot_csv_column(&csv, "train_loss");
    int cv = plot_csv_column(&csv, "val_loss");
    ae_train_history h = {0};
    rc = 2;
    if (ce < 0 || ct < 0) {
        cli_fail("%s: %s has no '%s' column (the columns wanted: epoch,train_loss[,val_loss])", cmd.name, path,
                 ce < 0 ? "epoch" : "train_loss");
        goto done;
    }
    h.n = csv.n_rows;
    h.epochs = calloc((size_t)h.n, sizeof *h.epochs);
    if (!h.epochs) {
        cli_fail("%s: out of memory", cmd.name);
        goto done;
    }
    for (int i = 0; i < h.n; i++) {
        const double *row = csv.values + (size_t)i * (size_t)csv.n_cols;
        if (!isfinite(row[ce])) {
            cli_fail("%s: %s row %d: epoch is %g", cmd.name, path, i + 1, row[ce]);
            goto done;
        }
        h.epochs[i].epoch = (int)row[ce];
        h.epochs[i].train_loss = row[ct];
        h.epochs[i].val_loss = cv >= 0 ? row[cv] : NAN;
    }
    ae_error err = {0};
    if (ae_plot_loss(cli_get(&cmd, "out")->value, &h, &po, &err)) {
        plot_report(&cmd, &err);
        goto done;
    }
    rc = 0;
done:
    free(h.epochs);
    plot_csv_free(&csv);
    return rc;
}

int plot_elbow(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "CSV with columns k and inertia (required)"},
        PLOT_CHART_OPTS,
    };
    cli_command cmd = {"plot elbow", "", "elbow curve: k-means inertia against k", opts, N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input"))) return rc;
    ae_plot_opts po;
    if ((rc = plot_chart_opts(&cmd, &po))) return rc;
    const char *path = cli_get(&cmd, "input")->value;
    plot_csv csv;
    if ((rc = plot_csv_read(cmd.name, path, &csv))) return rc;
    int ck = plot_csv_column(&csv, "k"), ci = plot_csv_column(&csv, "inertia");
    int *k = NULL;
    double *inertia = NULL;
    rc = 2;
    if (ck < 0 || ci < 0) {
        cli_fail("%s: %s has no '%s' column (the columns wanted: k,inertia)", cmd.name, path, ck < 0 ? "k" : "inertia");
        goto done;
    }
    k = malloc((size_t)csv.n_rows * sizeof *k);
    inertia = malloc((size_t)csv.n_rows * sizeof *inertia);
    if (!k || !inertia) {
        cli_fail("%s: out of memory", cmd.name);
        goto done;
    }
    for (int i = 0; i < csv.n_rows; i++) {
        double kv = csv.values[(size_t)i * (size_t)csv.n_cols + (size_t)ck];
        if (!(kv >= 1 && kv <= 1e6 && kv == floor(kv))) {
            cli_fail("%s: %s row %d: k = %g is not a whole number >= 1", cmd.name, path, i + 1, kv);
            goto done;
        }
        k[i] = (int)kv;
        inertia[i] = csv.values[(size_t)i * (size_t)csv.n_cols + (size_t)ci];
    }
    ae_error err = {0};
    if (ae_plot_elbow(cli_get(&cmd, "out")->value, k, inertia, csv.n_rows, &po, &err)) {
        plot_report(&cmd, &err);
        goto done;
    }
    rc = 0;
done:
    free(k);
    free(inertia);
    plot_csv_free(&csv);
    return rc;
}

/* Loads a scatter's points and checks they are 2-D. */
static int load_points(cli_command *cmd, const char *path, ae_matrix *xy)
{
    ae_error err = {0};
    if (ae_matrix_load(path, xy, &err)) return plot_report(cmd, &err);
    if (xy->cols != 2) {
        int rc = cli_fail("%s: %s has %zu columns, a scatter needs 2", cmd->name, path, xy->cols);
        ae_matrix_free(xy);
        return rc;
    }
    return 0;
}

/* Loads labels for the rows of `points` (read from points_path). */
static int load_labels(cli_command *cmd, const char *path, const char *points_path, size_t rows, ae_labels *l)
{
    ae_error err = {0};
    if (ae_labels_load(path, l, &err)) return plot_report(cmd, &err);
    if (l->n != rows) {
        int rc = cli_fail("%s: %s has %zu labels but %s has %zu points", cmd->name, path, l->n, points_path, rows);
        ae_labels_free(l);
        return rc;
    }
    for (size_t i = 0; i < l->n; i++)
        if (l->data[i] < 0) {
            int rc = cli_fail("%s: %s: label %zu is negative (%d)", cmd->name, path, i, (int)l->data[i]);
            ae_labels_free(l);
            return rc;
        }
    return 0;
}

#define SCATTER_NAME_OPTS                                                                                   \
    {.name = "names", .metavar = "SET", .help = "label names in the legend: fashion, mnist or none", .def = "none"}, \
        {.name = "label-prefix", .metavar = "TEXT", .help = "legend text before an unnamed label id", .def = "cluster "}

int plot_scatter(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "points, n x 2 (.npy) (required)"},
        {.name = "labels", .metavar = "FILE", .help = "a label per point (int .npy), for colours and the legend"},
        SCATTER_NAME_OPTS,
        PLOT_CHART_OPTS,
    };
    cli_command cmd = {"plot scatter", "", "2-D scatter (t-SNE, PCA-2, a 2-D latent) coloured by label", opts,
                       N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input"))) return rc;
    ae_plot_opts po;
    if ((rc = plot_chart_opts(&cmd, &po)) || (rc = plot_names(&cmd, &po.names, &po.n_names))) return rc;
    po.name_prefix = cli_get(&cmd, "label-prefix")->value;
    const char *in = cli_get(&cmd, "input")->value, *lp = cli_get(&cmd, "labels")->value;
    ae_matrix xy = {0};
    ae_labels l = {0};
    if ((rc = load_points(&cmd, in, &xy))) return rc;
    if (lp && (rc = load_labels(&cmd, lp, in, xy.rows, &l))) goto done;
    ae_error err = {0};
    rc = ae_plot_scatter(cli_get(&cmd, "out")->value, &xy, lp ? &l : NULL, &po, &err) ? plot_report(&cmd, &err) : 0;
done:
    ae_matrix_free(&xy);
    ae_labels_free(&l);
    return rc;
}

int plot_strip(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "points of one panel, n x 2 (.npy) (required)", .multi = 1},
        {.name = "labels", .metavar = "FILE", .help = "labels: one file for every panel, or one per --input", .multi = 1},
        {.name = "panel-title", .metavar = "TEXT", .help = "title of the next panel (\"epoch 5\")", .multi = 1},
        SCATTER_NAME_OPTS,
        PLOT_CHART_OPTS,
    };
    cli_command cmd = {"plot strip", "", "several small 2-D scatters side by side, one legend", opts, N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input"))) return rc;
    ae_plot_opts po;
    if ((rc = plot_chart_opts(&cmd, &po)) || (rc = plot_names(&cmd, &po.names, &po.n_names))) return rc;
    po.name_prefix = cli_get(&cmd, "label-prefix")->value;
    cli_opt *in = cli_get(&cmd, "input"), *lab = cli_get(&cmd, "labels"), *ttl = cli_get(&cmd, "panel-title");
    int n = in->n_list;
    if (lab->n_list > 1 && lab->n_list != n)
        return cli_fail("%s: %d --labels files for %d --input files (give one, or one per input)", cmd.name,
                        lab->n_list, n);
    if (ttl->n_list > n) return cli_fail("%s: %d --panel-title for %d --input files", cmd.name, ttl->n_list, n);
    ae_matrix xy[CLI_MAX_MULTI] = {{0}};
    ae_labels l[CLI_MAX_MULTI] = {{0}};
    ae_scatter_panel p[CLI_MAX_MULTI];
    for (int i = 0; i < n; i++) {
        if ((rc = load_points(&cmd, in->list[i], &xy[i]))) goto done;
        if (lab->n_list && (rc = load_labels(&cmd, lab->list[lab->n_list > 1 ? i : 0], in->list[i], xy[i].rows, &l[i])))
            goto done;
        p[i] = (ae_scatter_panel){.xy = &xy[i], .labels = lab->n_list ? &l[i] : NULL,
                                  .title = i < ttl->n_list ? ttl->list[i] : NULL};
    }
    ae_error err = {0};
    rc = ae_plot_scatter_strip(cli_get(&cmd, "out")->value, p, n, &po, &err) ? plot_report(&cmd, &err) : 0;
done:
    for (int i = 0; i < n; i++) {
        ae_matrix_free(&xy[i]);
        ae_labels_free(&l[i]);
    }
    return rc;
}

int plot_confusion(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "labels", .metavar = "FILE", .help = "true classes (.npy or IDX labels) (required)"},
        {.name = "pred", .metavar = "FILE", .help = "cluster assignments (.npy) (required)"},
        {.name = "names", .metavar = "SET", .help = "class names on the rows: fashion, mnist or none", .def = "none"},
        PLOT_CHART_OPTS,
    };
    cli_command cmd = {"plot confusion", "", "confusion-matrix heat map: true classes against matched clusters", opts,
                       N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "labels")) || (rc = cli_require(&cmd, "pred"))) return rc;
    ae_plot_opts po;
    if ((rc = plot_chart_opts(&cmd, &po)) || (rc = plot_names(&cmd, &po.names, &po.n_names))) return rc;
    const char *tp = cli_get(&cmd, "labels")->value, *pp = cli_get(&cmd, "pred")->value;
    ae_error err = {0};
    ae_labels y = {0}, p = {0};
    ae_contingency c = {0};
    rc = 2;
    if (ae_labels_load(tp, &y, &err) || ae_labels_load(pp, &p, &err)) {
        plot_report(&cmd, &err);
        goto done;
    }
    if (y.n != p.n) {
        cli_fail("%s: %s has %zu labels but %s has %zu", cmd.name, tp, y.n, pp, p.n);
        goto done;
    }
    if (ae_contingency_build(y.data, p.data, y.n, &c, &err)) {
        cli_fail("%s: %s, %s: %s", cmd.name, tp, pp, err.msg);
        goto done;
    }
    if (ae_plot_confusion(cli_get(&cmd, "out")->value, &c, &po, &err)) {
        plot_report(&cmd, &err);
        goto done;
    }
    rc = 0;
done:
    ae_contingency_free(&c);
    ae_labels_free(&y);
    ae_labels_free(&p);
    return rc;
}

/* The curve from `aeclust dbscan --kdistance` (CSV with a kdistance column)
 * or a vector .npy (n values, one row or one column). */
int plot_kdistance(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "CSV with a kdistance column, or an .npy of n values (required)"},
        {.name = "k", .metavar = "K", .help = "the neighbour the distances are to, for the axis title (0: unnamed)", .def = "0"},
        PLOT_CHART_OPTS,
    };
    cli_command cmd = {"plot kdistance", "", "k-distance curve: each point's distance to its k-th neighbour, sorted",
                       opts, N_OPTS(opts)};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input"))) return rc;
    ae_plot_opts po;
    if ((rc = plot_chart_opts(&cmd, &po))) return rc;
    char msg[256];
    long k;
    if (cli_long(cli_get(&cmd, "k"), 0, 1L << 30, &k, msg, sizeof msg)) return cli_fail("%s: %s", cmd.name, msg);
    const char *path = cli_get(&cmd, "input")->value;
    size_t len = strlen(path);
    double *kd = NULL;
    size_t n = 0;
    ae_error err = {0};
    if (len >= 4 && !strcmp(path + len - 4, ".npy")) {
        ae_matrix m = {0};
        if (ae_matrix_load(path, &m, &err)) return plot_report(&cmd, &err);
        if (m.rows != 1 && m.cols != 1) {
            rc = cli_fail("%s: %s is %zu x %zu, a k-distance curve is one row or one column", cmd.name, path, m.rows,
                          m.cols);
            ae_matrix_free(&m);
            return rc;
        }
        n = m.rows * m.cols;
        kd = malloc(n * sizeof *kd);
        if (kd)
            for (size_t i = 0; i < n; i++) kd[i] = m.data[i];
        ae_matrix_free(&m);
    } else {
        plot_csv csv;
        if ((rc = plot_csv_read(cmd.name, path, &csv))) return rc;
        int ck = plot_csv_column(&csv, "kdistance");
        if (ck < 0) {
            plot_csv_free(&csv);
            return cli_fail("%s: %s has no 'kdistance' column (as written by aeclust dbscan --kdistance)", cmd.name,
                            path);
        }
        n = (size_t)csv.n_rows;
        kd = malloc((n ? n : 1) * sizeof *kd);
        if (kd)
            for (size_t i = 0; i < n; i++) kd[i] = csv.values[i * (size_t)csv.n_cols + (size_t)ck];
        plot_csv_free(&csv);
    }
    if (!kd) return cli_fail("%s: out of memory", cmd.name);
    rc = ae_plot_kdistance(cli_get(&cmd, "out")->value, kd, n, (int)k, &po, &err) ? plot_report(&cmd, &err) : 0;
    free(kd);
    return rc;
}
