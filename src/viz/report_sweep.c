/* The page of a sweep (DIR/report.html of aeclust sweep): the grid, one
 * table of every combination's metrics (mean ± sd over the seeds, when there
 * are seeds) with a link to its own page, and the figures of ACC and NMI
 * against each key. Built from sweep.json and the figures alone. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "aeclust/report.h"
#include "aeclust/sweep.h"
#include "report_internal.h"

static int is_file(const char *dir, const char *name)
{
    char path[8192];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void stat_cell(ae_html *h, const ae_seed_stat *s)
{
    if (!s || s->n == 0)
        ae_html_raw(h, "<td class=\"num muted\">&ndash;</td>");
    else if (s->n == 1)
        ae_html_fmt(h, "<td class=\"num\">%.4f</td>", s->mean);
    else
        ae_html_fmt(h, "<td class=\"num\">%.4f &plusmn; %.4f</td>", s->mean, s->sd);
}

static void grid_section(ae_html *h, const ae_sweep_result *res)
{
    ae_html_raw(h, "<section id=\"grid\">\n<h2>Grid</h2>\n<p class=\"note\">Every combination of these values was run; "
                   "its folder is named by its values.</p>\n<table class=\"data\"><thead><tr><th>Setting</th>"
                   "<th>Values</th></tr></thead>\n<tbody>\n");
    for (int k = 0; k < res->grid.n_keys; k++) {
        const ae_sweep_key *key = &res->grid.key[k];
        ae_html_raw(h, "<tr><td><code>");
        ae_html_text(h, key->name);
        ae_html_raw(h, "</code></td><td>");
        for (int v = 0; v < key->n_values; v++) {
            if (v) ae_html_raw(h, ", ");
            ae_html_raw(h, "<code>");
            ae_html_text(h, key->values[v]);
            ae_html_raw(h, "</code>");
        }
        ae_html_raw(h, "</td></tr>\n");
    }
    ae_html_raw(h, "</tbody></table>\n</section>\n");
}

static void results_section(ae_html *h, const char *dir, const ae_sweep_result *res)
{
    static const char *const shown[] = {"acc", "nmi", "ari"}, *const labels[] = {"ACC", "NMI", "ARI"};
    ae_html_raw(h, "<section id=\"results\">\n<h2>Results</h2>\n<p class=\"note\">One row per combination and "
                   "clusterer, space and split");
    if (res->with_seeds)
        ae_html_raw(h, ": mean &plusmn; sample standard deviation (ddof&nbsp;1) over the seeds");
    ae_html_raw(h, ". Each combination links to its own page.</p>\n<div class=\"scroll\"><table class=\"data metrics\">"
                   "<thead><tr>");
    for (int k = 0; k < res->grid.n_keys; k++) {
        ae_html_raw(h, "<th>");
        ae_html_text(h, res->grid.key[k].label);
        ae_html_raw(h, "</th>");
    }
    ae_html_raw(h, "<th>Clusterer</th><th>Space</th><th>Split</th>");
    for (int m = 0; m < 3; m++) ae_html_fmt(h, "<th class=\"num\">%s</th>", labels[m]);
    ae_html_raw(h, "<th>Runs</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < res->n_cells; i++) {
        const ae_sweep_cell *cell = &res->cells[i];
        char page[400];
        snprintf(page, sizeof page, "%s/report.html", cell->folder);
        for (int r = 0; r < cell->summary.n_rows; r++) {
            const ae_seeds_row *row = &cell->summary.rows[r];
            ae_html_raw(h, "<tr>");
            for (int k = 0; k < res->grid.n_keys; k++) {
                ae_html_raw(h, "<td>");
                ae_html_text(h, res->grid.key[k].values[cell->value[k]]);
                ae_html_raw(h, "</td>");
            }
            ae_html_raw(h, "<td>");
            ae_html_text(h, row->clusterer);
            ae_html_raw(h, "</td><td>");
            ae_html_text(h, row->space);
            ae_html_raw(h, "</td><td>");
            ae_html_text(h, row->split);
            ae_html_raw(h, "</td>");
            for (int m = 0; m < 3; m++) stat_cell(h, ae_seeds_row_metric(row, shown[m]));
            if (is_file(dir, page)) {
                ae_html_raw(h, "<td><a href=\"");
                ae_html_text(h, page); /* escaped: a folder name is letters, digits and . _ + - = , only */
                ae_html_raw(h, "\">");
                ae_html_text(h, cell->folder);
                ae_html_raw(h, "</a></td>");
            } else {
                ae_html_raw(h, "<td>");
                ae_html_text(h, cell->folder);
                ae_html_raw(h, "</td>");
            }
            ae_html_raw(h, "</tr>\n");
        }
    }
    ae_html_raw(h, "</tbody></table></div>\n</section>\n");
}

ae_status ae_report_sweep_write(const char *dir, ae_error *err)
{
    ae_sweep_result res;
    ae_status st = ae_sweep_read(dir, &res, err);
    if (st) {
        ae_sweep_result_free(&res);
        return st;
    }
    char fig_dir[4096], path[4096], list[128], lead[600];
    snprintf(fig_dir, sizeof fig_dir, "%s/figures", dir);
    ae_seed_list_format(&res.seeds, list, sizeof list);
    int n = snprintf(lead, sizeof lead, "The experiment over every combination of %d setting%s, %d combination%s, ",
                     res.grid.n_keys, res.grid.n_keys == 1 ? "" : "s", res.n_cells, res.n_cells == 1 ? "" : "s");
    if (res.with_seeds)
        snprintf(lead + n, sizeof lead - n, "each run once per seed, %d seed%s (%s).", res.seeds.n,
                 res.seeds.n == 1 ? "" : "s", list);
    else
        snprintf(lead + n, sizeof lead - n, "each run once at seed %s.", list);

    /* the best mean accuracy of all */
    const ae_sweep_cell *best_cell = NULL;
    const ae_seeds_row *best_row = NULL;
    const ae_seed_stat *best = NULL;
    for (int i = 0; i < res.n_cells; i++)
        for (int r = 0; r < res.cells[i].summary.n_rows; r++) {
            const ae_seed_stat *s = ae_seeds_row_metric(&res.cells[i].summary.rows[r], "acc");
            if (s && s->n && (!best || s->mean > best->mean))
                best = s, best_cell = &res.cells[i], best_row = &res.cells[i].summary.rows[r];
        }
    int has_fig = 0;
    for (int k = 0; k < res.grid.n_keys; k++)
        for (int m = 0; m < 2; m++) {
            snprintf(path, sizeof path, "sweep_%s_%s.png", res.grid.key[k].label, m ? "nmi" : "acc");
            has_fig |= is_file(fig_dir, path);
        }

    snprintf(path, sizeof path, "%s/report.html", dir);
    ae_html h;
    if ((st = ae_html_open(&h, path, err))) {
        ae_sweep_result_free(&res);
        return st;
    }
    ae_report_page_head(&h, "aeclust sweep", res.experiment[0] ? res.experiment : dir, lead);
    ae_html_fmt(&h, "<dl class=\"facts\"><div><dt>Combinations</dt><dd>%d</dd></div><div><dt>Runs</dt><dd>%d</dd></div>",
                res.n_cells, res.n_cells * res.seeds.n);
    if (best) {
        ae_html_fmt(&h, "<div class=\"hl\"><dt>Best mean ACC</dt><dd>%.4f <small>", best->mean);
        ae_html_text(&h, best_cell->folder);
        ae_html_raw(&h, " &middot; ");
        ae_html_text(&h, best_row->clusterer);
        ae_html_raw(&h, " &middot; ");
        ae_html_text(&h, best_row->split);
        ae_html_raw(&h, "</small></dd></div>");
    }
    ae_html_raw(&h, "</dl>\n");
    const char *ids[3] = {"grid", "results", "figures"}, *titles[3] = {"Grid", "Results", "Figures"};
    ae_report_page_nav(&h, ids, titles, has_fig ? 3 : 2);
    grid_section(&h, &res);
    results_section(&h, dir, &res);
    if (has_fig) {
        ae_html_raw(&h, "<section id=\"figures\">\n<h2>Figures</h2>\n<p class=\"note\">Each metric against the values of "
                        "one setting, a line per combination of the others (and per clusterer, space and split)");
        if (res.with_seeds) ae_html_raw(&h, "; the bars are the standard deviation over the seeds");
        ae_html_raw(&h, ".</p>\n<div class=\"figures\">\n");
        for (int k = 0; k < res.grid.n_keys && !h.st; k++)
            for (int m = 0; m < 2; m++) {
                char name[200], caption[200];
                snprintf(name, sizeof name, "sweep_%s_%s.png", res.grid.key[k].label, m ? "nmi" : "acc");
                if (!is_file(fig_dir, name)) continue;
                snprintf(caption, sizeof caption, "%s against %s", m ? "NMI" : "ACC", res.grid.key[k].name);
                ae_report_figure_write(&h, fig_dir, name, caption);
            }
        ae_html_raw(&h, "</div>\n</section>\n");
    }
    ae_report_page_end(&h, "sweep.json and the figures of the folder");
    st = ae_html_commit(&h);
    ae_sweep_result_free(&res);
    return st;
}
