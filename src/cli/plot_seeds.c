/* aeclust plot seeds: the strip plot of one metric of a run over seeds, from
 * its summary.json (one column per clusterer, space and split, one dot per
 * seed, the mean marked), as aeclust run --seeds draws it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    ae_plot_strip_column *cols = NULL;
    char(*names)[128] = NULL;
    if (ae_seeds_summary_read(path, &res, &err)) {
        rc = plot_report(&cmd, &err);
        goto done;
    }
    cols = calloc((size_t)res.n_rows + 1, sizeof *cols);
    names = calloc((size_t)res.n_rows + 1, sizeof *names);
    if (!cols || !names) {
        rc = cli_fail("%s: out of memory", cmd.name);
        goto done;
    }
    int n = 0;
    for (int r = 0; r < res.n_rows; r++)
        for (int m = 0; m < res.rows[r].n_metrics; m++) {
            const ae_seed_stat *s = &res.rows[r].metric[m];
            if (strcmp(s->name, metric) || s->n == 0) continue;
            snprintf(names[n], sizeof names[n], "%s \xc2\xb7 %s \xc2\xb7 %s", res.rows[r].clusterer, res.rows[r].space,
                     res.rows[r].split);
            cols[n] = (ae_plot_strip_column){.name = names[n], .values = s->values, .n = res.seeds.n};
            n++;
        }
    if (n == 0) {
        rc = cli_fail("%s: %s has no values of '%s'", cmd.name, path, metric);
        goto done;
    }
    if (!po.y_label) po.y_label = metric;
    rc = ae_plot_strip(cli_get(&cmd, "out")->value, cols, n, &po, &err) ? plot_report(&cmd, &err) : 0;
done:
    free(cols);
    free(names);
    ae_seeds_result_free(&res);
    return rc;
}
