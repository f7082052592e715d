/* ae_report_write: the page skeleton. Reads the run folder's files, then
 * writes the sections in reading order (overview, results, training, model,
 * clusters, embeddings, other figures, settings); a section whose files the
 * run did not write is left out, and so is its link in the navigation. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aeclust/report.h"
#include "report_internal.h"

ae_status ae_report_read(const char *dir, const char *name, char **out, size_t *n, ae_error *err)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    *out = NULL;
    if (n) *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? AE_OK : ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t len = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory", path);
        }
        len += fread(buf + len, 1, cap - len - 1, f);
        if (len < cap - 1) break;
        char *bigger = realloc(buf, cap *= 2);
        if (!bigger) free(buf);
        buf = bigger;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return ae_fail(err, AE_ERR_IO, "%s: cannot read", path);
    }
    buf[len] = '\0';
    *out = buf;
    if (n) *n = len;
    return AE_OK;
}

/* The run folder's files, read once. */
typedef struct {
    char *metrics, *ini, *summary, *history, *clusters, *confusion;
    size_t metrics_len;
    json_object *root, *results;
    ae_report_ini settings; /* parsed experiment.ini (empty when absent or not INI) */
    ae_report_figures figs;
} run_files;

static void run_files_free(run_files *r)
{
    free(r->metrics);
    free(r->ini);
    free(r->summary);
    free(r->history);
    free(r->clusters);
    free(r->confusion);
    json_object_put(r->root);
    ae_report_ini_free(&r->settings);
    ae_report_figures_free(&r->figs);
}

/* metrics.json: a JSON object with a "results" list of objects. */
static ae_status parse_metrics(const char *run_dir, run_files *r, ae_error *err)
{
    json_tokener *tok = json_tokener_new();
    if (!tok) return ae_fail(err, AE_ERR_NOMEM, "%s/metrics.json: out of memory", run_dir);
    r->root = json_tokener_parse_ex(tok, r->metrics, (int)r->metrics_len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!r->root || jerr != json_tokener_success)
        return ae_fail(err, AE_ERR_FORMAT, "%s/metrics.json: not valid JSON (%s at byte %zu)", run_dir,
                       jerr == json_tokener_continue ? "unexpected end of file" : json_tokener_error_desc(jerr), end);
    for (size_t i = end; i < r->metrics_len; i++)
        if (!strchr(" \t\r\n", r->metrics[i]))
            return ae_fail(err, AE_ERR_FORMAT, "%s/metrics.json: not valid JSON (text after the end at byte %zu)",
                           run_dir, i);
    if (!json_object_is_type(r->root, json_type_object))
        return ae_fail(err, AE_ERR_FORMAT, "%s/metrics.json: not a JSON object", run_dir);
    if (!json_object_object_get_ex(r->root, "results", &r->results) ||
        !json_object_is_type(r->results, json_type_array))
        return ae_fail(err, AE_ERR_FORMAT, "%s/metrics.json: no \"results\" list", run_dir);
    for (size_t i = 0; i < json_object_array_length(r->results); i++)
        if (!json_object_is_type(json_object_array_get_idx(r->results, i), json_type_object))
            return ae_fail(err, AE_ERR_FORMAT, "%s/metrics.json: results[%zu] is not an object", run_dir, i);
    return AE_OK;
}

static ae_status read_run(const char *run_dir, run_files *r, ae_error *err)
{
    struct stat sb;
    if (stat(run_dir, &sb)) return ae_fail(err, AE_ERR_IO, "%s: cannot open: %s", run_dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode)) return ae_fail(err, AE_ERR_ARG, "%s: not a folder", run_dir);
    ae_status st = ae_report_read(run_dir, "metrics.json", &r->metrics, &r->metrics_len, err);
    if (st) return st;
    if (!r->metrics) return ae_fail(err, AE_ERR_ARG, "%s: not a run folder (no metrics.json)", run_dir);
    if ((st = parse_metrics(run_dir, r, err)) || (st = ae_report_read(run_dir, "experiment.ini", &r->ini, NULL, err)) ||
        (st = ae_report_read(run_dir, "summary.txt", &r->summary, NULL, err)) ||
        (st = ae_report_read(run_dir, "history.csv", &r->history, NULL, err)) ||
        (st = ae_report_read(run_dir, "clusters.txt", &r->clusters, NULL, err)) ||
        (st = ae_report_read(run_dir, "confusion.txt", &r->confusion, NULL, err)) ||
        (st = ae_report_figures_find(run_dir, &r->figs, err)))
        return st;
    if (r->ini && ae_report_ini_parse(r->ini, &r->settings)) r->settings = (ae_report_ini){0};
    return AE_OK;
}

static const char *root_string(json_object *root, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(root, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                                                : NULL;
}

static json_object *root_object(json_object *root, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(root, key, &v) && json_object_is_type(v, json_type_object) ? v : NULL;
}

/* Which sections the page has, in page order. */
enum { S_RESULTS, S_TRAINING, S_MODEL, S_CLUSTERS, S_EMBEDDINGS, S_FIGURES, S_SETTINGS, S_N };
static const char *const section_id[S_N] = {"results", "training", "model", "clusters", "embeddings", "figures", "settings"};
static const char *const section_title[S_N] = {"Results", "Training", "Model", "Clusters", "Embeddings", "More figures",
                                               "Settings"};

static void present(const run_files *r, int *has)
{
    has[S_RESULTS] = 1;
    has[S_TRAINING] = r->history || root_object(r->root, "training") || ae_report_figures_count(&r->figs, AE_FIG_TRAINING);
    has[S_MODEL] = r->summary || root_object(r->root, "denoising") || ae_report_figures_count(&r->figs, AE_FIG_MODEL);
    has[S_CLUSTERS] = r->clusters || r->confusion || ae_report_figures_count(&r->figs, AE_FIG_CLUSTERS);
    has[S_EMBEDDINGS] = ae_report_figures_count(&r->figs, AE_FIG_EMBEDDINGS) > 0;
    has[S_FIGURES] = ae_report_figures_count(&r->figs, AE_FIG_OTHER) > 0;
    has[S_SETTINGS] = r->ini != NULL;
}

static void section_start(ae_html *h, int s)
{
    ae_html_fmt(h, "<section id=\"%s\">\n<h2>%s</h2>\n", section_id[s], section_title[s]);
}

static void header(ae_html *h, const char *run_dir, const run_files *r, const int *has)
{
    const char *name = root_string(r->root, "experiment"), *desc = root_string(r->root, "description");
    if (!name) name = ae_report_ini_get(&r->settings, "experiment", "name");
    if (!desc) desc = ae_report_ini_get(&r->settings, "experiment", "description");
    if (!name) {
        const char *slash = strrchr(run_dir, '/');
        name = slash && slash[1] ? slash + 1 : run_dir;
    }
    ae_html_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   /* nothing may be fetched: the page is one file that opens anywhere */
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
                   "style-src 'unsafe-inline'\">\n"
                   "<meta name=\"generator\" content=\"aeclust report\">\n<title>");
    ae_html_text(h, name);
    ae_html_raw(h, " \xe2\x80\x94 aeclust report</title>\n<style>\n");
    ae_html_raw(h, ae_report_css);
    ae_html_raw(h, "</style>\n</head>\n<body>\n<header class=\"top\"><div class=\"wrap\">\n"
                   "<p class=\"kicker\">aeclust experiment report</p>\n");
    ae_html_elem(h, "h1", NULL, name);
    ae_html_raw(h, "\n");
    if (desc && *desc) {
        ae_html_elem(h, "p", "lead", desc);
        ae_html_raw(h, "\n");
    }
    ae_report_facts(h, r->root);
    ae_html_raw(h, "<nav>");
    for (int s = 0; s < S_N; s++)
        if (has[s]) ae_html_fmt(h, "<a href=\"#%s\">%s</a>", section_id[s], section_title[s]);
    ae_html_raw(h, "</nav>\n</div></header>\n<main class=\"wrap\">\n");
}

static void results_section(ae_html *h, const run_files *r)
{
    section_start(h, S_RESULTS);
    if (json_object_array_length(r->results) == 0)
        ae_html_raw(h, "<p class=\"note\">The run recorded no results.</p>\n");
    else {
        ae_html_raw(h, "<p class=\"note\">One row per clusterer, space and split; ACC after Hungarian matching of "
                       "clusters to classes. The best value of each split is in bold.</p>\n");
        ae_report_results(h, r->results);
    }
    /* a clusterer without predict labels only the set it was fitted on (metrics.json's fits say so) */
    json_object *fits = root_object(r->root, "fits");
    if (fits) {
        json_object_object_foreach(fits, fit_key, fit)
        {
            json_object *scores;
            if (!json_object_is_type(fit, json_type_object) || !json_object_object_get_ex(fit, "scores", &scores))
                continue;
            ae_html_raw(h, "<p class=\"note\">");
            ae_html_text(h, fit_key);
            ae_html_raw(h, ": scored on the set it was fitted on only &mdash; this clusterer cannot assign new "
                           "points, so the run has no scores of its other splits.</p>\n");
        }
    }
    /* timing and any other object the run recorded (training and denoising have their own sections) */
    int cards = 0;
    json_object_object_foreach(r->root, key, v)
    {
        if (!json_object_is_type(v, json_type_object) || !strcmp(key, "training") || !strcmp(key, "denoising") ||
            !strcmp(key, "stream_seeds"))
            continue;
        if (!cards++) ae_html_raw(h, "<div class=\"cards\" style=\"margin-top:20px\">\n");
        ae_html_raw(h, "<div class=\"card\"><h4>");
        ae_html_text(h, !strcmp(key, "timing_s") ? "Time per stage" : key);
        ae_html_raw(h, "</h4>");
        ae_report_object_table(h, v, !strcmp(key, "timing_s") ? "timing" : NULL);
        ae_html_raw(h, "</div>\n");
    }
    if (cards) ae_html_raw(h, "</div>\n");
    ae_html_raw(h, "</section>\n");
}

static void training_section(ae_html *h, const char *run_dir, const run_files *r)
{
    json_object *training = root_object(r->root, "training");
    section_start(h, S_TRAINING);
    if (r->history || training) {
        ae_html_raw(h, "<div class=\"split\">\n<div>");
        if (r->history) ae_report_history(h, r->history);
        ae_html_raw(h, "</div>\n<div>");
        if (training) {
            ae_html_raw(h, "<div class=\"card\"><h4>Training</h4>");
            ae_report_object_table(h, training, NULL);
            ae_html_raw(h, "</div>");
        }
        ae_html_raw(h, "</div>\n</div>\n");
    }
    ae_report_figures_write(h, run_dir, &r->figs, AE_FIG_TRAINING);
    ae_html_raw(h, "</section>\n");
}

static void model_section(ae_html *h, const char *run_dir, const run_files *r)
{
    json_object *denoising = root_object(r->root, "denoising");
    section_start(h, S_MODEL);
    if (r->summary) ae_report_pre(h, r->summary);
    if (denoising) {
        ae_html_raw(h, "<h3>Denoising</h3>\n<div class=\"cards\"><div class=\"card\">");
        ae_report_object_table(h, denoising, NULL);
        ae_html_raw(h, "</div></div>\n");
    }
    ae_report_figures_write(h, run_dir, &r->figs, AE_FIG_MODEL);
    ae_html_raw(h, "</section>\n");
}

static void clusters_section(ae_html *h, const char *run_dir, const run_files *r)
{
    section_start(h, S_CLUSTERS);
    if (r->clusters) {
        ae_html_raw(h, "<h3>Make-up of each cluster</h3>\n<p class=\"note\">Size of each cluster and its three largest "
                       "true classes; the bar is the share of the largest.</p>\n");
        ae_report_makeup(h, r->clusters);
    }
    if (r->confusion) {
        ae_html_raw(h, "<h3>Confusion matrices</h3>\n<p class=\"note\">Rows are true classes, columns clusters, "
                       "ordered so that the diagonal (outlined) holds each class&rsquo;s matched cluster; "
                       "shading is the share of the row.</p>\n");
        ae_report_confusion(h, r->confusion);
    }
    ae_report_figures_write(h, run_dir, &r->figs, AE_FIG_CLUSTERS);
    ae_html_raw(h, "</section>\n");
}

static int has_file(const char *dir, const char *name)
{
    char path[8192];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

ae_status ae_report_write(const char *run_dir, ae_error *err)
{
    /* a folder of several runs has its own page: a sweep's, or that of runs over seeds */
    if (!has_file(run_dir, "metrics.json")) {
        if (has_file(run_dir, "sweep.json")) return ae_report_sweep_write(run_dir, err);
        if (has_file(run_dir, "summary.json")) return ae_report_seeds_write(run_dir, err);
    }
    run_files r = {0};
    ae_status st = read_run(run_dir, &r, err);
    if (st) {
        run_files_free(&r);
        return st;
    }
    char path[8192];
    snprintf(path, sizeof path, "%s/report.html", run_dir);
    ae_html h;
    if ((st = ae_html_open(&h, path, err))) {
        run_files_free(&r);
        return st;
    }
    int has[S_N];
    present(&r, has);
    header(&h, run_dir, &r, has);
    results_section(&h, &r);
    if (has[S_TRAINING]) training_section(&h, run_dir, &r);
    if (has[S_MODEL]) model_section(&h, run_dir, &r);
    if (has[S_CLUSTERS]) clusters_section(&h, run_dir, &r);
    if (has[S_EMBEDDINGS]) {
        section_start(&h, S_EMBEDDINGS);
        ae_report_figures_write(&h, run_dir, &r.figs, AE_FIG_EMBEDDINGS);
        ae_html_raw(&h, "</section>\n");
    }
    if (has[S_FIGURES]) {
        section_start(&h, S_FIGURES);
        ae_report_figures_write(&h, run_dir, &r.figs, AE_FIG_OTHER);
        ae_html_raw(&h, "</section>\n");
    }
    if (has[S_SETTINGS]) {
        section_start(&h, S_SETTINGS);
        ae_html_raw(&h, "<p class=\"note\">experiment.ini as the run used it, after any --set overrides.</p>\n");
        ae_report_settings(&h, r.ini);
        ae_html_raw(&h, "</section>\n");
    }
    ae_html_raw(&h, "</main>\n<footer>Written by <code>aeclust report</code> from the files of the run folder.</footer>\n"
                    "</body>\n</html>\n");
    st = ae_html_commit(&h);
    run_files_free(&r);
    return st;
}
