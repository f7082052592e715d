#include <limits.h>
#include <stdio.h>

#include "aeclust/data.h"
#include "aeclust/npy.h"
#include "aeclust/pca.h"
#include "args.h"
#include "commands.h"

/* ratios printed after the sum */
#define PCA_SHOW 5

int cmd_pca(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "points to fit, one per row (.npy or IDX) (required)"},
        {.name = "components", .metavar = "N", .help = "principal components kept, 1..min(n, d)", .def = "2"},
        {.name = "whiten", .help = "scale each component to unit variance"},
        {.name = "out", .metavar = "FILE", .help = "the input's (n, N) coordinates as a float32 .npy (required)"},
        {.name = "apply-to", .metavar = "FILE", .help = "other points to transform with the same fit (needs --out2)"},
        {.name = "out2", .metavar = "FILE", .help = "coordinates of the --apply-to points"},
    };
    cli_command cmd = {"pca", "", "PCA: project a matrix's rows on its top principal components", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    char msg[512];
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input")) || (rc = cli_require(&cmd, "out"))) return rc;

    ae_pca_opts po = ae_pca_defaults();
    long comps;
    if (cli_long(cli_get(&cmd, "components"), 1, INT_MAX, &comps, msg, sizeof msg)) return cli_fail("pca: %s", msg);
    po.n_components = (int)comps;
    po.whiten = cli_get(&cmd, "whiten")->given;
    const char *in = cli_get(&cmd, "input")->value, *in2 = cli_get(&cmd, "apply-to")->value;
    const char *outputs[] = {cli_get(&cmd, "out")->value, cli_get(&cmd, "out2")->value};
    if (!in2 != !outputs[1]) return cli_fail("pca: --apply-to and --out2 go together");
    if ((rc = cli_check_outputs("pca", outputs, 2))) return rc;

    ae_error err = {0};
    ae_matrix x = {0}, x2 = {0}, y = {0}, y2 = {0};
    ae_pca *p = NULL;
    if (ae_matrix_load(in, &x, &err) || (in2 && ae_matrix_load(in2, &x2, &err))) {
        rc = cli_report(&err);
        goto done;
    }
    /* the library's messages are about the data: name the file they came from */
    if (ae_pca_fit(&x, &po, &p, &err) || ae_pca_transform(p, &x, &y, &err)) {
        rc = cli_fail("%s: %s", in, err.msg);
        goto done;
    }
    if (in2 && ae_pca_transform(p, &x2, &y2, &err)) {
        rc = cli_fail("%s: %s", in2, err.msg);
        goto done;
    }
    if (ae_npy_write_matrix(outputs[0], &y, &err) || (in2 && ae_npy_write_matrix(outputs[1], &y2, &err))) {
        cli_remove_outputs(outputs, 2);
        rc = cli_report(&err);
        goto done;
    }
    const double *ratio = ae_pca_explained_variance_ratio(p);
    double sum = 0.0;
    for (int c = 0; c < po.n_components; c++) sum += ratio[c];
    printf("PCA: %zu x %zu -> %d components%s, explained variance ratio %.4f (first:", x.rows, x.cols,
           po.n_components, po.whiten ? " (whitened)" : "", sum);
    for (int c = 0; c < po.n_components && c < PCA_SHOW; c++) printf(" %.4f", ratio[c]);
    printf("%s)\n", po.n_components > PCA_SHOW ? " ..." : "");
    rc = 0;
done:
    ae_pca_free(p);
    ae_matrix_free(&x);
    ae_matrix_free(&x2);
    ae_matrix_free(&y);
    ae_matrix_free(&y2);
    return rc;
}
