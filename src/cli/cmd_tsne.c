#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "aeclust/data.h"
#include "aeclust/npy.h"
#include "aeclust/tsne.h"
#include "args.h"
#include "commands.h"
#include "data/npy_format.h"

/* The number of dimensions of the array in a .npy file, or -1 when path is
 * not a .npy file whose header reads (ae_matrix_load then says why). */
static int npy_ndim(const char *path)
{
    if (!ae_npy_is_npy(path)) return -1;
    FILE *f = fopen(path, "rb");
    unsigned char pre[12];
    char text[4096];
    int ndim = -1;
    if (f && fread(pre, 1, sizeof pre, f) == sizeof pre) {
        int v1 = pre[6] == 1; /* version 1.0: a 2-byte header length at 8; later: 4 bytes */
        size_t len = v1 ? (size_t)pre[8] | (size_t)pre[9] << 8
                        : (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
        ae_npy_header h;
        if (len <= sizeof text && !fseek(f, v1 ? 10 : 12, SEEK_SET) && fread(text, 1, len, f) == len &&
            !ae_npy_parse_header(path, text, len, &h, NULL))
            ndim = h.ndim;
    }
    if (f) fclose(f);
    return ndim;
}

/* One line on stderr every 50 iterations. */
static void print_progress(void *ctx, int iter, double kl)
{
    (void)ctx;
    fprintf(stderr, "t-SNE iteration %d: KL %.4f\n", iter, kl);
}

int cmd_tsne(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "input", .metavar = "FILE", .help = "points, one per row (.npy or IDX) (required)"},
        {.name = "out", .metavar = "FILE", .help = "the (n, 2) embedding as a float32 .npy (required)"},
        {.name = "perplexity", .metavar = "P", .help = "effective neighbours, below n/3", .def = "30"},
        {.name = "iterations", .metavar = "N", .help = "gradient steps, exaggeration included", .def = "1000"},
        {.name = "theta", .metavar = "T", .help = "Barnes-Hut angle, 0 = exact (slow)", .def = "0.5"},
        {.name = "seed", .metavar = "N", .help = "random seed (for --init random)", .def = "0"},
        {.name = "early-exaggeration", .metavar = "E", .help = "factor on P for the first 250 iterations",
         .def = "12"},
        {.name = "learning-rate", .metavar = "R", .help = "step size, or auto = max(n / E / 4, 50)", .def = "auto"},
        {.name = "init", .metavar = "INIT", .help = "pca or random", .def = "pca"},
        {.name = "quiet", .help = "no progress lines"},
    };
    cli_command cmd = {"tsne", "", "t-SNE: a 2-D embedding of a matrix's rows (Barnes-Hut)", opts,
                       sizeof opts / sizeof opts[0]};
    const char *pos[1];
    int n_pos;
    char msg[512];
    int rc = cli_start(&cmd, argc, argv, pos, 0, &n_pos);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "input")) || (rc = cli_require(&cmd, "out"))) return rc;

    ae_tsne_opts to = ae_tsne_defaults();
    long iterations;
    const char *lr = cli_get(&cmd, "learning-rate")->value, *init = cli_get(&cmd, "init")->value;
    if (cli_double(cli_get(&cmd, "perplexity"), 1, 1e9, &to.perplexity, msg, sizeof msg) ||
        cli_long(cli_get(&cmd, "iterations"), 1, INT_MAX, &iterations, msg, sizeof msg) ||
        cli_double(cli_get(&cmd, "theta"), 0, 1, &to.theta, msg, sizeof msg) ||
        cli_u64(cli_get(&cmd, "seed"), &to.seed, msg, sizeof msg) ||
        cli_double(cli_get(&cmd, "early-exaggeration"), 1, 1e5, &to.early_exaggeration, msg, sizeof msg) ||
        (strcmp(lr, "auto") && cli_double(cli_get(&cmd, "learning-rate"), 1e-6, 1e9, &to.learning_rate, msg,
                                          sizeof msg)))
        return cli_fail("tsne: %s", msg);
    if (!strcmp(init, "pca")) to.init = AE_TSNE_INIT_PCA;
    else if (!strcmp(init, "random")) to.init = AE_TSNE_INIT_RANDOM;
    else return cli_fail("tsne: --init: '%s' is not pca or random", init);
    to.n_iter = (int)iterations;
    if (!cli_get(&cmd, "quiet")->given) to.progress = print_progress;

    ae_error err = {0};
    ae_matrix x = {0};
    ae_tsne_result r = {0};
    const char *in = cli_get(&cmd, "input")->value;
    const char *outputs[] = {cli_get(&cmd, "out")->value};
    if ((rc = cli_check_outputs("tsne", outputs, 1))) return rc;
    if (ae_matrix_load(in, &x, &err)) return cli_report(&err);
    if (npy_ndim(in) == 1) { /* most likely labels given for points */
        size_t n = x.rows;
        ae_matrix_free(&x);
        return cli_fail("%s: a 1-D array of %zu values; t-SNE needs one point per row, a 2-D (n, d) array "
                        "(reshape to (%zu, 1) for a single feature)",
                        in, n, n);
    }
    if (ae_tsne_fit(&x, &to, &r, &err)) {
        ae_matrix_free(&x);
        /* name the input: the library's message is about the data, not the file */
        return cli_fail("%s: %s", in, err.msg);
    }
    rc = 0;
    if (ae_npy_write_matrix(outputs[0], &r.y, &err)) {
        cli_remove_outputs(outputs, 1);
        rc = cli_report(&err);
    }
    else
        printf("t-SNE: %zu points, perplexity %g, KL %.4f after %d iterations (learning rate %.4g)\n", x.rows,
               to.perplexity, r.kl, r.n_iter, r.learning_rate);
    ae_tsne_result_free(&r);
    ae_matrix_free(&x);
    return rc;
}
