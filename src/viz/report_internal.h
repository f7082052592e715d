/* The pieces of the HTML report (include/aeclust/report.h): each writes one
 * part of the page from one file of the run folder. Files the run did not
 * write are left out of the page; a text file whose layout is not the one
 * expected is shown as it is, preformatted, rather than failing the report.
 * Internal to the library (the tests include it for the figure names). */
#ifndef AE_VIZ_REPORT_INTERNAL_H
#define AE_VIZ_REPORT_INTERNAL_H

#include <stddef.h>

#include <json-c/json.h>

#include "aeclust/status.h"
#include "html.h"

/* The page's style sheet (report_style.c). */
extern const char ae_report_css[];

/* Reads dir/name whole and NUL-terminated into *out (free it); *out is NULL,
 * with AE_OK, when the file does not exist. n may be NULL. */
ae_status ae_report_read(const char *dir, const char *name, char **out, size_t *n, ae_error *err);

/* --- pages of several runs (report_summary.c, report_sweep.c) -------------------------- */
/* The document head and the page header up to <nav>: the title, the kicker
 * line above the name, the name, and a lead paragraph (NULL: none). */
void ae_report_page_head(ae_html *h, const char *kicker, const char *name, const char *lead);
/* The nav links (ids[i], titles[i]) and the end of the header. */
void ae_report_page_nav(ae_html *h, const char *const *ids, const char *const *titles, int n);
/* The footer and the end of the document. */
void ae_report_page_end(ae_html *h, const char *what);

/* --- experiment.ini --------------------------------------------------------------------- */
typedef struct {
    char *section, *key, *value;
} ae_report_setting;

typedef struct {
    ae_report_setting *items;
    int n, cap;
} ae_report_ini;

/* Parses INI text ([section], key = value, # or ; comments). Returns 0, or -1
 * when a line is neither (the text is then shown as is) or memory ran out. */
int ae_report_ini_parse(const char *text, ae_report_ini *ini);
/* The value of section.key, or NULL. */
const char *ae_report_ini_get(const ae_report_ini *ini, const char *section, const char *key);
void ae_report_ini_free(ae_report_ini *ini);
/* The settings as one small table per section (or preformatted text). */
void ae_report_settings(ae_html *h, const char *text);

/* --- metrics.json ----------------------------------------------------------------------- */
/* The headline facts: the top-level values, total time, best accuracy. */
void ae_report_facts(ae_html *h, json_object *root);
/* The table of results, one row per record, a column per field any record has. */
void ae_report_results(ae_html *h, json_object *results);
/* A two-column table of an object's fields (nested objects flattened as a.b). */
void ae_report_object_table(ae_html *h, json_object *obj, const char *cls);

/* --- history.csv, clusters.txt, confusion.txt -------------------------------------------- */
/* The training summary line and the first and last epochs. */
void ae_report_history(ae_html *h, const char *csv);
/* The per-cluster make-up tables, one per block of clusters.txt. */
void ae_report_makeup(ae_html *h, const char *text);
/* The confusion matrices, one per block of confusion.txt, shaded by row share. */
void ae_report_confusion(ae_html *h, const char *text);
/* Text as a <pre> block. */
void ae_report_pre(ae_html *h, const char *text);

/* --- figures/<name>.png ---------------------------------------------------------------------- */
/* Where a figure goes in the page, in page order. */
typedef enum {
    AE_FIG_TRAINING,   /* loss */
    AE_FIG_MODEL,      /* reconstructions, denoising, vae_manifold, vae_samples */
    AE_FIG_CLUSTERS,   /* elbow, confusion_*, clusters_*, centroids_* */
    AE_FIG_EMBEDDINGS, /* scatter_*, latent_snapshots */
    AE_FIG_OTHER,      /* any other name */
    AE_FIG_N_SECTIONS
} ae_fig_section;

typedef struct {
    char *name; /* file name in RUN_DIR/figures */
    ae_fig_section section;
    int rank; /* order of its kind within the section */
} ae_report_figure;

typedef struct {
    ae_report_figure *items;
    int n;
} ae_report_figures;

/* Where a figure of this file name goes and its caption (written to caption,
 * size n): derived from the name, else the name itself. */
void ae_report_figure_kind(const char *name, ae_fig_section *section, int *rank, char *caption, size_t n);
/* Lists RUN_DIR/figures/<name>.png in page order (none when there is no folder). */
ae_status ae_report_figures_find(const char *run_dir, ae_report_figures *figs, ae_error *err);
void ae_report_figures_free(ae_report_figures *figs);
/* Figures in a section. */
int ae_report_figures_count(const ae_report_figures *figs, ae_fig_section section);
/* One <figure>: dir/name embedded (or a warning when it is not a PNG),
 * captioned, with its file name as figures/NAME. */
void ae_report_figure_write(ae_html *h, const char *dir, const char *name, const char *caption);
/* Writes a section's figures as a grid of captioned, embedded images. */
void ae_report_figures_write(ae_html *h, const char *run_dir, const ae_report_figures *figs, ae_fig_section section);

#endif
