/* aeclust run --seeds: the experiment once per seed into OUT/seed-N/, then
 * the statistics over the seeds (summary.json, summary.txt), a strip plot per
 * metric and the summary page. A seed that finished before with the very
 * settings this call would use is kept, so repeating the command (after an
 * interruption, or with more seeds) runs only what is missing. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aeclust/plot.h"
#include "aeclust/report.h"
#include "core/fs.h"
#include "run_ctx.h"
#include "seeds_internal.h"

void ae_seeds_say(const ae_run_opts *o, const char *fmt, ...)
{
    if (!o || !o->log) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    o->log(o->user, line);
}

int ae_seeds_is_file(const char *dir, const char *name)
{
    char path[1400];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

ae_status ae_seeds_run_finished(const ae_config *c, const char *dir, int *finished, ae_error *err)
{
    *finished = 0;
    if (!ae_seeds_is_file(dir, "metrics.json")) return AE_OK;
    char path[1400];
    snprintf(path, sizeof path, "%s/experiment.ini", dir);
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? AE_OK : ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    /* the settings this run would write, rendered as the run renders them */
    char *want = NULL;
    size_t want_len = 0;
    FILE *mem = open_memstream(&want, &want_len);
    ae_status st = mem ? ae_config_write(c, mem, err) : ae_fail(err, AE_ERR_NOMEM, "out of memory");
    if (mem && fclose(mem) && !st) st = ae_fail(err, AE_ERR_NOMEM, "out of memory");
    if (!st) {
        char *have = malloc(want_len + 2);
        if (!have)
            st = ae_fail(err, AE_ERR_NOMEM, "out of memory");
        else {
            size_t n = fread(have, 1, want_len + 1, f); /* one byte more: a longer file differs */
            if (ferror(f))
                st = ae_fail(err, AE_ERR_IO, "%s: cannot read", path);
            else
                *finished = n == want_len && memcmp(have, want, want_len) == 0;
            free(have);
        }
    }
    free(want);
    fclose(f);
    return st;
}

ae_status ae_seeds_default_dir(const ae_config *c, const char *suffix, char *out, size_t n, ae_error *err)
{
    const char *name = ae_config_str(c, "experiment", "name");
    if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
        return ae_fail(err, AE_ERR_ARG, "%s: experiment.name '%s' must be a plain name (it names the run folder)",
                       ae_config_origin(c, "experiment", "name"), name);
    snprintf(out, n, "runs/%s%s", name, suffix);
    return AE_OK;
}

/* c with experiment.seed = seed, the caller's. */
static ae_status seed_config(const ae_config *c, uint64_t seed, ae_config **out, ae_error *err)
{
    char a[64];
    snprintf(a, sizeof a, "experiment.seed=%llu", (unsigned long long)seed);
    ae_status st = ae_config_copy(c, out, err);
    if (!st && (st = ae_config_set(*out, a, err))) {
        ae_config_free(*out);
        *out = NULL;
    }
    return st;
}

ae_status ae_seeds_check(const ae_config *c, const ae_seed_list *seeds, const char *out_dir, ae_error *err)
{
    if (seeds->n < 1) return ae_fail(err, AE_ERR_ARG, "--seeds: no seed to run");
    if (strlen(out_dir) > 1000) return ae_fail(err, AE_ERR_ARG, "%.60s...: the output folder's path is too long", out_dir);
    if (ae_seeds_is_file(out_dir, "metrics.json"))
        return ae_fail(err, AE_ERR_ARG,
                       "%s: holds a single run (metrics.json), not runs over seeds: give another --out or remove it",
                       out_dir);
    /* the checks across settings of one seed hold for all: the seed changes no other value */
    ae_config *sc;
    ae_status st = seed_config(c, seeds->seed[0], &sc, err);
    if (st) return st;
    ae_settings s;
    st = ae_settings_fill(sc, &s, err);
    ae_config_free(sc);
    return st;
}

/* Column labels of the strip plots. */
static const char *metric_label(const char *name)
{
    static const char *const labels[][2] = {{"acc", "ACC"},     {"nmi", "NMI"},
                                            {"ari", "ARI"},     {"purity", "Purity"},
                                            {"silhouette", "Silhouette"}, {"davies_bouldin", "Davies\xe2\x80\x93" "Bouldin"}};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(labels[i][0], name)) return labels[i][1];
    return name;
}

ae_status ae_seeds_plot_strip(const ae_seeds_result *res, const char *metric, const char *path, const ae_plot_opts *o,
                              ae_error *err)
{
    ae_plot_strip_column *cols = calloc((size_t)(res->n_rows ? res->n_rows : 1), sizeof *cols);
    char(*names)[128] = calloc((size_t)(res->n_rows ? res->n_rows : 1), sizeof *names);
    if (!cols || !names) {
        free(cols);
        free(names);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory");
    }
    int n = 0;
    for (int r = 0; r < res->n_rows; r++) {
        const ae_seed_stat *s = ae_seeds_row_metric(&res->rows[r], metric);
        if (!s || s->n == 0) continue;
        snprintf(names[n], sizeof names[n], "%s \xc2\xb7 %s \xc2\xb7 %s", res->rows[r].clusterer, res->rows[r].space,
                 res->rows[r].split);
        cols[n] = (ae_plot_strip_column){.name = names[n], .values = s->values, .n = res->seeds.n};
        n++;
    }
    char title[160];
    snprintf(title, sizeof title, "%s over %d seed%s (bar: mean)", metric_label(metric), res->seeds.n,
             res->seeds.n == 1 ? "" : "s");
    ae_plot_opts po = o ? *o : ae_plot_defaults();
    if (!po.title) po.title = title;
    if (!po.y_label) po.y_label = metric_label(metric);
    ae_status st = n ? ae_plot_strip(path, cols, n, &po, err)
                     : ae_fail(err, AE_ERR_ARG, "%s/summary.json: no row has values of '%s'", res->out_dir, metric);
    free(cols);
    free(names);
    return st;
}

/* One strip plot per metric any row has, into OUT/figures/strip_METRIC.png. */
static ae_status strip_figures(const ae_seeds_result *res, ae_error *err)
{
    char dir[1200], path[1400];
    snprintf(dir, sizeof dir, "%s/figures", res->out_dir);
    ae_status st = AE_OK;
    int made_dir = 0;
    for (int r = 0; r < res->n_rows && !st; r++)
        for (int m = 0; m < res->rows[r].n_metrics && !st; m++) {
            const char *name = res->rows[r].metric[m].name;
            int seen = 0; /* drawn for an earlier row already */
            for (int q = 0; q < r && !seen; q++) seen = ae_seeds_row_metric(&res->rows[q], name) != NULL;
            if (seen) continue;
            if (!made_dir && (st = ae_mkdir_p(dir, err))) break;
            made_dir = 1;
            snprintf(path, sizeof path, "%s/strip_%s.png", dir, name);
            st = ae_seeds_plot_strip(res, name, path, NULL, err);
        }
    return st;
}

ae_status ae_run_seeds(const ae_config *c, const ae_seed_list *seeds, const ae_run_opts *o, ae_seeds_result *res,
                       ae_error *err)
{
    static const ae_run_opts quiet;
    if (!o) o = &quiet;
    double t0 = ae_run_now();
    memset(res, 0, sizeof *res);
    res->seeds = *seeds;
    snprintf(res->experiment, sizeof res->experiment, "%s", ae_config_str(c, "experiment", "name"));
    ae_status st = AE_OK;
    if (o->out_dir)
        snprintf(res->out_dir, sizeof res->out_dir, "%s", o->out_dir);
    else
        st = ae_seeds_default_dir(c, "", res->out_dir, sizeof res->out_dir, err);
    if (st || (st = ae_seeds_check(c, seeds, res->out_dir, err))) return st;

    char(*dirs)[1100] = malloc((size_t)seeds->n * sizeof *dirs);
    const char **dir_list = malloc((size_t)seeds->n * sizeof *dir_list);
    if (!dirs || !dir_list) {
        st = ae_fail(err, AE_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < seeds->n && !st; i++) {
        unsigned long long seed = (unsigned long long)seeds->seed[i];
        snprintf(dirs[i], sizeof dirs[i], "%s/seed-%llu", res->out_dir, seed);
        dir_list[i] = dirs[i];
        ae_config *sc;
        if ((st = seed_config(c, seeds->seed[i], &sc, err))) break;
        int finished;
        if (!(st = ae_seeds_run_finished(sc, dirs[i], &finished, err))) {
            if (finished) {
                res->kept[i] = 1;
                res->n_kept++;
                ae_seeds_say(o, "seed %llu: finished before, kept", seed);
            } else {
                ae_seeds_say(o, "seed %llu (%d of %d) into %s", seed, i + 1, seeds->n, dirs[i]);
                ae_run_opts so = *o;
                so.out_dir = dirs[i];
                ae_run_result *one = malloc(sizeof *one);
                st = one ? ae_run_experiment(sc, &so, one, err) : ae_fail(err, AE_ERR_NOMEM, "out of memory");
                free(one);
            }
        }
        ae_config_free(sc);
    }
    if (!st) st = ae_seeds_collect(res, dir_list, err);
    if (!st) st = ae_seeds_write_summary(res, err);
    if (!st && ae_config_bool(c, "report", "figures")) st = strip_figures(res, err);
    if (!st && ae_config_bool(c, "report", "html")) st = ae_report_seeds_write(res->out_dir, err);
    res->total_s = ae_run_now() - t0;
done:
    free(dirs);
    free(dir_list);
    return st;
}
