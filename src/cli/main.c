/* aeclust: the command-line front end. Every command is a thin layer over the
 * library: parse options, call the library, print, and turn a failure into
 * one line on stderr and exit status 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/plot.h"
#include "args.h"
#include "commands.h"

static const cli_subcommand commands[] = {
    {"run", cmd_run, "run an experiment file end to end and print its results table"},
    {"train", cmd_train, "train an experiment's autoencoder and save the model"},
    {"embed", cmd_embed, "encode a matrix or a data set split with a trained model"},
    {"summary", cmd_summary, "print an experiment's (or a model file's) layers and parameter counts"},
    {"sweep", cmd_sweep, "run an experiment over a grid of settings (and seeds), with tables and figures"},
    {"report", cmd_report, "rebuild a run folder's report.html (results, tables, figures)"},
    {"gmm", cmd_gmm, "Gaussian mixture by EM on a matrix (.npy or IDX)"},
    {"dbscan", cmd_dbscan, "DBSCAN density clustering (noise labelled -1)"},
    {"hdbscan", cmd_hdbscan, "HDBSCAN density clustering (noise labelled -1)"},
    {"kmeans", cmd_kmeans, "k-means on a matrix (.npy or IDX)"},
    {"tsne", cmd_tsne, "t-SNE: a 2-D embedding of a matrix (.npy or IDX)"},
    {"umap", cmd_umap, "UMAP: a low-dimensional embedding of a matrix (.npy or IDX)"},
    {"pca", cmd_pca, "PCA: a matrix's top principal components and explained variance"},
    {"elbow", cmd_elbow, "the elbow: k-means inertia for k = 1..25 as CSV"},
    {"metrics", cmd_metrics, "score cluster assignments against true labels"},
    {"plot", cmd_plot, "draw a figure (curves, scatter, confusion, image grids) as PNG"},
    {"export", cmd_export, "write a data set split as .npy files"},
};

int cli_report(const ae_error *err) { return cli_fail("%s", err->msg[0] ? err->msg : ae_status_name(err->status)); }

int main(int argc, char **argv)
{
    int rc = cli_dispatch(commands, sizeof commands / sizeof commands[0],
                          "usage: aeclust COMMAND [options]   (aeclust COMMAND --help for its options)\n\ncommands:\n",
                          "\nData folder: --data-dir, else $AECLUST_DATA, else ./data (scripts/setup.sh fills it).\n",
                          "command", "aeclust --help", argc, argv);
    /* every figure is written by now: free cairo's and fontconfig's caches so
     * leak checkers (make test-asan) see a clean exit */
    ae_plot_teardown();
    return rc;
}

int cli_load_experiment(cli_command *cmd, const char *path, ae_config **out)
{
    ae_error err = {0};
    ae_config *cfg;
    *out = NULL;
    if (ae_config_load(path, &cfg, &err)) return cli_report(&err);
    cli_opt *set = cli_get(cmd, "set"), *seed = cli_get(cmd, "seed");
    for (int i = 0; set && i < set->n_list; i++)
        if (ae_config_set(cfg, set->list[i], &err)) goto fail;
    if (seed && seed->given) {
        char a[128], msg[256];
        uint64_t value;
        if (cli_u64(seed, &value, msg, sizeof msg)) {
            ae_config_free(cfg);
            return cli_fail("%s", msg);
        }
        snprintf(a, sizeof a, "experiment.seed=%s", seed->value);
        if (ae_config_set(cfg, a, &err)) goto fail;
    }
    *out = cfg;
    return 0;
fail:
    ae_config_free(cfg);
    return cli_report(&err);
}

int cli_seed_list(const char *text, ae_seed_list **out)
{
    ae_error err = {0};
    *out = malloc(sizeof **out);
    if (!*out) return cli_fail("out of memory");
    if (ae_seed_list_parse(text, *out, &err)) {
        free(*out);
        *out = NULL;
        return cli_report(&err);
    }
    return 0;
}
