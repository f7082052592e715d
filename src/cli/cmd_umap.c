#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeclust/data.h"
#include "aeclust/npy.h"
#include "aeclust/umap.h"
#include "args.h"
#include "commands.h"
#include "progress.h"

/* A line on stderr after each stage and about every tenth of the epochs. */
static void print_progress(void *ctx, const ae_umap_progress *p)
{
    (void)ctx;
    char line[160];
    if (p->n_epochs == 0)
        snprintf(line, sizeof line, "UMAP %s done (%.1f s)", p->stage, p->elapsed_s);
    else {
        int every = p->n_epochs >= 10 ? p->n_epochs / 10 : 1;
        if (p->epoch % every && p->epoch != p->n_epochs) return;
        snprintf(line, sizeof line, "UMAP %s: epoch %d/%d (%.1f s)", p->stage, p->epoch, p->n_epochs, p->elapsed_s);
    }
    cli_log_line(NULL, line);
}

int cmd_umap(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "points, one per row (.npy or IDX) (required)"},
        {.name = "out", .metavar = "FILE", .help = "the (n, components) embedding as a float32 .npy (required)"},
        {.name = "components", .metavar = "D", .help = "embedding dimensions, below n", .def = "2"},
        {.name = "neighbors", .metavar = "K", .help = "neighbourhood size, the point itself included, below n",
         .def = "15"},
        {.name = "min-dist", .metavar = "M", .help = "smallest distance between embedded points, <= spread",
         .def = "0.1"},
        {.name = "spread", .metavar = "S", .help = "scale of the embedded points", .def = "1"},
        {.name = "epochs", .metavar = "N", .help = "optimisation epochs, or auto: 200 above 10,000 points, else 500",
         .def = "auto"},
        {.name = "learning-rate", .metavar = "R", .help = "initial SGD step", .def = "1"},
        {.name = "negative-rate", .metavar = "N", .help = "negative samples per positive one", .def = "5"},
        {.name = "init", .metavar = "INIT", .help = "spectral, pca or random", .def = "spectral"},
        {.name = "knn", .metavar = "METHOD", .help = "auto, exact or nndescent (auto: exact up to 80,000 points)",
         .def = "auto"},
        {.name = "seed", .metavar = "N", .help = "random seed", .def = "0"},
        {.name = "transform", .metavar = "FILE", .help = "more points to embed into the fitted embedding"},
        {.name = "out2", .metavar = "FILE", .help = "their embedding as a float32 .npy (with --transform)"},
        {.name = "quiet", .help = "no progress lines"},
    };
    cli_command cmd = {"umap", "", "UMAP: a low-dimensional embedding of a matrix's rows (umap-learn 0.5)", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    char msg[512];
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input")) || (rc = cli_require(&cmd, "out"))) return rc;

    ae_umap_opts o = ae_umap_defaults();
    ae_error err = {0};
    long components, neighbors, epochs = 0, negative;
    const char *ep = cli_get(&cmd, "epochs")->value;
    if (cli_long(cli_get(&cmd, "components"), 1, INT_MAX, &components, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "neighbors"), 2, INT_MAX, &neighbors, msg, sizeof msg) ||
        cli_double(cli_get(&cmd, "min-dist"), 0, 1e300, &o.min_dist, msg, sizeof msg) ||
        cli_double(cli_get(&cmd, "spread"), 1e-300, 1e300, &o.spread, msg, sizeof msg) ||
        (strcmp(ep, "auto") && cli_long(cli_get(&cmd, "epochs"), 1, INT_MAX, &epochs, msg, sizeof msg)) ||
        cli_double(cli_get(&cmd, "learning-rate"), 1e-300, 1e300, &o.learning_rate, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "negative-rate"), 0, 1000, &negative, msg, sizeof msg) ||
        cli_u64(cli_get(&cmd, "seed"), &o.seed, msg, sizeof msg))
        return cli_fail("umap: %s", msg);
    if (o.min_dist > o.spread)
        return cli_fail("umap: --min-dist: %g is larger than --spread %g", o.min_dist, o.spread);
    if (ae_umap_init_parse(cli_get(&cmd, "init")->value, &o.init, &err))
        return cli_fail("umap: --init: %s", err.msg);
    if (ae_umap_knn_parse(cli_get(&cmd, "knn")->value, &o.knn, &err)) return cli_fail("umap: --knn: %s", err.msg);
    o.n_components = (int)components;
    o.n_neighbors = (int)neighbors;
    o.n_epochs = (int)epochs;
    o.negative_sample_rate = (int)negative;
    if (!cli_get(&cmd, "quiet")->given) o.progress = print_progress;

    const char *in = cli_get(&cmd, "input")->value, *in2 = cli_get(&cmd, "transform")->value;
    const char *outputs[] = {cli_get(&cmd, "out")->value, cli_get(&cmd, "out2")->value};
    if (in2 && !outputs[1]) return cli_fail("umap: --transform needs --out2 for its embedding");
    if (outputs[1] && !in2) return cli_fail("umap: --out2 needs --transform (the points to embed)");
    if ((rc = cli_check_outputs("umap", outputs, 2))) return rc;
    ae_matrix x = {0}, x2 = {0}, y2 = {0};
    const ae_matrix *y = NULL;
    ae_umap *m = NULL;
    rc = 0;
    if (ae_matrix_load(in, &x, &err) || (in2 && ae_matrix_load(in2, &x2, &err))) {
        rc = cli_report(&err);
        goto done;
    }
    if (in2 && x2.cols != x.cols) { /* before the fit, which can take minutes */
        rc = cli_fail("%s: %zu columns, but %s has %zu: the points to transform need the fitted points' width", in2,
                      x2.cols, in, x.cols);
        goto done;
    }
    if (in2 && ae_matrix_check_finite(&x2, "UMAP transform input", &err)) {
        rc = cli_fail("%s: %s", in2, err.msg);
        goto done;
    }
    if (ae_umap_fit(&x, &o, &m, NULL, &err)) {
        rc = cli_fail("%s: %s", in, err.msg); /* the library's message is about the data, not the file */
        goto done;
    }
    y = ae_umap_embedding(m);
    if (in2 && ae_umap_transform(m, &x2, &y2, &err)) {
        rc = cli_fail("%s: %s", in2, err.msg);
        goto done;
    }
    if (ae_npy_write_matrix(outputs[0], y, &err) || (in2 && ae_npy_write_matrix(outputs[1], &y2, &err))) {
        cli_remove_outputs(outputs, 2);
        rc = cli_report(&err);
        goto done;
    }
    double recall = ae_umap_knn_recall(m);
    char rtxt[64] = "";
    if (ae_umap_knn_used(m) == AE_UMAP_KNN_NNDESCENT && !isnan(recall))
        snprintf(rtxt, sizeof rtxt, ", recall %.4f on a sample", recall);
    printf("UMAP: %zu points -> %d dimensions, %d neighbours (%s%s), %zu edges in %d piece%s, init %s, %d epochs, "
           "a %.4f b %.4f\n",
           x.rows, o.n_components, o.n_neighbors, ae_umap_knn_name(ae_umap_knn_used(m)), rtxt,
           ae_umap_graph_edges(m), ae_umap_graph_components(m), ae_umap_graph_components(m) == 1 ? "" : "s",
           ae_umap_init_name(ae_umap_init_used(m)), ae_umap_n_epochs(m), ae_umap_a(m), ae_umap_b(m));
    if (in2) printf("UMAP transform: %zu points of %s -> %s\n", x2.rows, in2, outputs[1]);
done:
    ae_umap_free(m);
    ae_matrix_free(&x);
    ae_matrix_free(&x2);
    ae_matrix_free(&y2);
    return rc;
}
