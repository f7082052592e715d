/* aeclust plot seeds: the strip plot of one metric of a run over seeds, from
 * its summary.json (one column per clusterer, space and split, one dot per
 * seed, the mean marked), as aeclust run --seeds draws it. */
#include "aeclust/run.h"
#include "commands.h"
#include "plot_cli.h"

int plot_seeds(int argc, char **argv)
{
    cli_opt opts[] = {
        {.name = "summary", .metavar = "FILE", .help = "summary.json of aeclust run --seeds, or its folder (required)"},
        {.name = "metric", .metavar = "NAME", .help = "acc, nmi, ari, purity, silhouette, davies_bouldin", .def = "acc"},
        PLOT_CHART_OPTS,
    };
    cli_command cmd = {"plot seeds", "", "strip plot of a metric over seeds: a column per clusterer/space/split",
                       opts, (int)(sizeof opts / sizeof opts[0])};
    int rc = plot_start(&cmd, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = cli_require(&cmd, "summary"))) return rc;
    ae_plot_opts po;
    if ((rc = plot_chart_opts(&cmd, &po))) return rc;
    const char *path = cli_get(&cmd, "summary")->value, *metric = cli_get(&cmd, "metric")->value;
    ae_error err = {0};
    ae_seeds_result res;
    if (ae_seeds_summary_read(path, &res, &err))
        rc = plot_report(&cmd, &err);
    else
        rc = ae_seeds_plot_strip(&res, metric, cli_get(&cmd, "out")->value, &po, &err) ? plot_report(&cmd, &err) : 0;
    ae_seeds_result_free(&res);
    return rc;
}
