/* The page of an experiment run over several seeds (OUT/report.html of
 * aeclust run --seeds): the mean, sample sd and range of every metric per
 * clusterer, space and split, each seed's values with a link to its own
 * report, and the strip plots. Built from summary.json alone (and the
 * figures beside it), so `aeclust report OUT` can rebuild it; the page's
 * style and helpers are the run report's, and so is its promise: one file,
 * images embedded, nothing fetched. Also the head and foot of every page
 * of several runs (the sweep's too). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "aeclust/report.h"
#include "aeclust/run.h"
#include "report_internal.h"

void ae_report_page_head(ae_html *h, const char *kicker, const char *name, const char *lead)
{
    ae_html_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
                   "style-src 'unsafe-inline'\">\n"
                   "<meta name=\"generator\" content=\"aeclust report\">\n<title>");
    ae_html_text(h, name);
    ae_html_raw(h, " \xe2\x80\x94 aeclust report</title>\n<style>\n");
    ae_html_raw(h, ae_report_css);
    ae_html_raw(h, "</style>\n</head>\n<body>\n<header class=\"top\"><div class=\"wrap\">\n");
    ae_html_elem(h, "p", "kicker", kicker);
    ae_html_raw(h, "\n");
    ae_html_elem(h, "h1", NULL, name);
    ae_html_raw(h, "\n");
    if (lead && *lead) {
        ae_html_elem(h, "p", "lead", lead);
        ae_html_raw(h, "\n");
    }
}

void ae_report_page_nav(ae_html *h, const char *const *ids, const char *const *titles, int n)
{
    ae_html_raw(h, "<nav>");
    for (int i = 0; i < n; i++) ae_html_fmt(h, "<a href=\"#%s\">%s</a>", ids[i], titles[i]);
    ae_html_raw(h, "</nav>\n</div></header>\n<main class=\"wrap\">\n");
}

void ae_report_page_end(ae_html *h, const char *what)
{
    ae_html_raw(h, "</main>\n<footer>Written by <code>aeclust report</code> from ");
    ae_html_text(h, what);
    ae_html_raw(h, ".</footer>\n</body>\n</html>\n");
}

static int is_file(const char *dir, const char *name)
{
    char path[8192];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static const char *metric_label(const char *name)
{
    static const char *const labels[][2] = {{"acc", "ACC"},     {"purity", "Purity"},
                                            {"ari", "ARI"},     {"nmi", "NMI"},
                                            {"silhouette", "Silhouette"}, {"davies_bouldin", "Davies\xe2\x80\x93" "Bouldin"}};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(labels[i][0], name)) return labels[i][1];
    return name;
}

/* The metrics any row has, in the rows' order, into names (at most max). */
static int metric_union(const ae_seeds_result *res, const char **names, int max)
{
    int n = 0;
    for (int r = 0; r < res->n_rows; r++)
        for (int m = 0; m < res->rows[r].n_metrics; m++) {
            const char *name = res->rows[r].metric[m].name;
            int seen = 0;
            for (int i = 0; i < n && !seen; i++) seen = !strcmp(names[i], name);
            if (!seen && n < max) names[n++] = name;
        }
    return n;
}

/* A table cell: "mean ± sd" over "min–max", or the one value, or a dash. */
static void stat_cell(ae_html *h, const ae_seed_stat *s)
{
    if (!s || s->n == 0)
        ae_html_raw(h, "<td class=\"num muted\">&ndash;</td>");
    else if (s->n == 1)
        ae_html_fmt(h, "<td class=\"num\">%.4f</td>", s->mean);
    else
        ae_html_fmt(h, "<td class=\"num\">%.4f &plusmn; %.4f<br><small class=\"muted\">%.4f&ndash;%.4f</small></td>",
                    s->mean, s->sd, s->min, s->max);
}

static void row_name_cells(ae_html *h, const ae_seeds_row *row)
{
    ae_html_raw(h, "<td>");
    ae_html_text(h, row->clusterer);
    ae_html_raw(h, "</td><td>");
    ae_html_text(h, row->space);
    ae_html_raw(h, "</td><td>");
    ae_html_text(h, row->split);
    ae_html_fmt(h, "</td><td class=\"num\">%ld</td>", row->n_points);
}

static void summary_table(ae_html *h, const ae_seeds_result *res, const char **metrics, int n_m)
{
    ae_html_raw(h, "<div class=\"scroll\"><table class=\"data metrics\"><thead><tr><th>Clusterer</th><th>Space</th>"
                   "<th>Split</th><th class=\"num\">n</th><th class=\"num\">Seeds</th>");
    for (int m = 0; m < n_m; m++) {
        ae_html_raw(h, "<th class=\"num\">");
        ae_html_text(h, metric_label(metrics[m]));
        ae_html_raw(h, "</th>");
    }
    ae_html_raw(h, "</tr></thead>\n<tbody>\n");
    for (int r = 0; r < res->n_rows; r++) {
        const ae_seeds_row *row = &res->rows[r];
        ae_html_raw(h, "<tr>");
        row_name_cells(h, row);
        ae_html_fmt(h, "<td class=\"num\">%d</td>", row->n_metrics ? row->metric[0].n : 0);
        for (int m = 0; m < n_m; m++) stat_cell(h, ae_seeds_row_metric(row, metrics[m]));
        ae_html_raw(h, "</tr>\n");
    }
    ae_html_raw(h, "</tbody></table></div>\n");
}

/* One row per seed: a link to its report, then ACC, NMI and ARI of every row. */
static void seeds_table(ae_html *h, const char *dir, const ae_seeds_result *res)
{
    static const char *const shown[] = {"acc", "nmi", "ari"};
    ae_html_raw(h, "<div class=\"scroll\"><table class=\"data\"><thead><tr><th rowspan=\"2\">Seed</th>");
    for (int r = 0; r < res->n_rows; r++) {
        ae_html_raw(h, "<th colspan=\"3\">");
        ae_html_text(h, res->rows[r].clusterer);
        ae_html_raw(h, " &middot; ");
        ae_html_text(h, res->rows[r].space);
        ae_html_raw(h, " &middot; ");
        ae_html_text(h, res->rows[r].split);
        ae_html_raw(h, "</th>");
    }
    ae_html_raw(h, "</tr><tr>");
    for (int r = 0; r < res->n_rows; r++)
        for (int m = 0; m < 3; m++) ae_html_fmt(h, "<th class=\"num\">%s</th>", metric_label(shown[m]));
    ae_html_raw(h, "</tr></thead>\n<tbody>\n");
    for (int i = 0; i < res->seeds.n; i++) {
        char folder[64], page[96];
        unsigned long long seed = (unsigned long long)res->seeds.seed[i];
        snprintf(folder, sizeof folder, "seed-%llu", seed);
        snprintf(page, sizeof page, "%s/report.html", folder);
        if (is_file(dir, page))
            ae_html_fmt(h, "<tr><td><a href=\"%s\">seed %llu</a></td>", page, seed);
        else
            ae_html_fmt(h, "<tr><td>seed %llu</td>", seed);
        for (int r = 0; r < res->n_rows; r++)
            for (int m = 0; m < 3; m++) {
                const ae_seed_stat *s = ae_seeds_row_metric(&res->rows[r], shown[m]);
                if (s && isfinite(s->values[i]))
                    ae_html_fmt(h, "<td class=\"num\">%.4f</td>", s->values[i]);
                else
                    ae_html_raw(h, "<td class=\"num muted\">&ndash;</td>");
            }
        ae_html_raw(h, "</tr>\n");
    }
    ae_html_raw(h, "</tbody></table></div>\n");
}

ae_status ae_report_seeds_write(const char *dir, ae_error *err)
{
    ae_seeds_result res;
    ae_status st = ae_seeds_summary_read(dir, &res, err);
    if (st) {
        ae_seeds_result_free(&res);
        return st;
    }
    const char *metrics[AE_SEEDS_MAX_METRICS * 4];
    int n_m = metric_union(&res, metrics, (int)(sizeof metrics / sizeof metrics[0]));
    char fig_dir[4096], path[4096], list[128], lead[512];
    snprintf(fig_dir, sizeof fig_dir, "%s/figures", dir);
    snprintf(path, sizeof path, "%s/report.html", dir);
    ae_seed_list_format(&res.seeds, list, sizeof list);
    snprintf(lead, sizeof lead, "The experiment run once per seed, %d seed%s (%s): the mean \xc2\xb1 sample standard "
             "deviation (ddof 1, dividing by n \xe2\x88\x92 1) of each metric, its range, and every seed\xe2\x80\x99s value.",
             res.seeds.n, res.seeds.n == 1 ? "" : "s", list);
    ae_html h;
    if ((st = ae_html_open(&h, path, err))) {
        ae_seeds_result_free(&res);
        return st;
    }
    ae_report_page_head(&h, "aeclust results over seeds", res.experiment[0] ? res.experiment : dir, lead);

    /* the facts: how many seeds, the best mean accuracy */
    const ae_seeds_row *best = NULL;
    const ae_seed_stat *best_acc = NULL;
    for (int r = 0; r < res.n_rows; r++) {
        const ae_seed_stat *s = ae_seeds_row_metric(&res.rows[r], "acc");
        if (s && s->n && (!best_acc || s->mean > best_acc->mean)) best = &res.rows[r], best_acc = s;
    }
    ae_html_fmt(&h, "<dl class=\"facts\"><div><dt>Seeds</dt><dd>%d</dd></div><div><dt>Seed list</dt><dd>", res.seeds.n);
    ae_html_text(&h, list);
    ae_html_raw(&h, "</dd></div>");
    if (best) {
        ae_html_fmt(&h, "<div class=\"hl\"><dt>Best mean ACC</dt><dd>%.4f", best_acc->mean);
        if (best_acc->n > 1) ae_html_fmt(&h, " <small>&plusmn; %.4f</small>", best_acc->sd);
        ae_html_raw(&h, " <small>");
        ae_html_text(&h, best->clusterer);
        ae_html_raw(&h, " &middot; ");
        ae_html_text(&h, best->space);
        ae_html_raw(&h, " &middot; ");
        ae_html_text(&h, best->split);
        ae_html_raw(&h, "</small></dd></div>");
    }
    ae_html_raw(&h, "</dl>\n");
    int has_fig = 0;
    for (int m = 0; m < n_m; m++) {
        snprintf(path, sizeof path, "strip_%s.png", metrics[m]);
        has_fig |= is_file(fig_dir, path);
    }
    const char *ids[3] = {"summary", "seeds", "figures"}, *titles[3] = {"Summary", "Per seed", "Figures"};
    ae_report_page_nav(&h, ids, titles, has_fig ? 3 : 2);

    ae_html_raw(&h, "<section id=\"summary\">\n<h2>Summary</h2>\n");
    if (res.n_rows == 0)
        ae_html_raw(&h, "<p class=\"note\">The runs recorded no results (no clustering in this experiment).</p>\n");
    else {
        ae_html_raw(&h, "<p class=\"note\">One row per clusterer, space and split: mean &plusmn; sample standard "
                        "deviation (ddof&nbsp;1) over the seeds, their range below. ACC after Hungarian matching of "
                        "clusters to classes.</p>\n");
        summary_table(&h, &res, metrics, n_m);
    }
    ae_html_raw(&h, "</section>\n<section id=\"seeds\">\n<h2>Per seed</h2>\n<p class=\"note\">Each seed&rsquo;s run is "
                    "a whole run folder, <code>seed-N/</code>; its name links to its own report.</p>\n");
    seeds_table(&h, dir, &res);
    ae_html_raw(&h, "</section>\n");
    if (has_fig) {
        ae_html_raw(&h, "<section id=\"figures\">\n<h2>Figures</h2>\n<p class=\"note\">One column per clusterer, space "
                        "and split, one dot per seed; the bar is the mean.</p>\n<div class=\"figures\">\n");
        for (int m = 0; m < n_m && !h.st; m++) {
            char name[96], caption[160];
            snprintf(name, sizeof name, "strip_%s.png", metrics[m]);
            if (!is_file(fig_dir, name)) continue;
            snprintf(caption, sizeof caption, "%s over the seeds", metric_label(metrics[m]));
            ae_report_figure_write(&h, fig_dir, name, caption);
        }
        ae_html_raw(&h, "</div>\n</section>\n");
    }
    ae_report_page_end(&h, "summary.json and the figures of the folder");
    st = ae_html_commit(&h);
    ae_seeds_result_free(&res);
    return st;
}
