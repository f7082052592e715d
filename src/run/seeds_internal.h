/* What aeclust run --seeds and aeclust sweep share (internal to src/run):
 *   seeds_summary.c  rows of statistics from the seed folders' metrics.json,
 *                    summary.json / summary.txt, the tables
 *   run_seeds.c      the resume rule, the seed loop, the strip figures
 *   sweep_grid.c, sweep_run.c, sweep_outputs.c: aeclust sweep */
#ifndef AE_RUN_SEEDS_INTERNAL_H
#define AE_RUN_SEEDS_INTERNAL_H

#include <json-c/json.h>
#include <stdio.h>

#include "aeclust/run.h"

/* Reads a JSON file whole; AE_ERR_FORMAT naming it when it is not JSON. */
ae_status ae_seeds_json_read(const char *path, json_object **out, ae_error *err);

/* Fills res->rows from the "results" of each of res->seeds.n run folders'
 * metrics.json (dirs[i] is seed i's); res->seeds must be set. */
ae_status ae_seeds_collect(ae_seeds_result *res, const char *const *dirs, ae_error *err);

/* The rows as summary.json's "results" list (a new reference). */
json_object *ae_seeds_rows_json(const ae_seeds_result *res);
/* Rows from such a list, for n_seeds seeds; what names the file in errors. */
ae_status ae_seeds_rows_from_json(json_object *results, int n_seeds, ae_seeds_result *res, const char *what,
                                  ae_error *err);

/* Writes res->out_dir/summary.json and summary.txt (atomically). */
ae_status ae_seeds_write_summary(const ae_seeds_result *res, ae_error *err);

/* "0.5067 ± 0.0123 [0.4900–0.5200]" (range when with_range), "0.5067" for
 * one seed, "-" for none. */
void ae_seeds_cell(const ae_seed_stat *s, int with_range, char *buf, size_t n);
/* Writes s to f left-aligned in a field of width characters (UTF-8 aware). */
void ae_seeds_pad(FILE *f, const char *s, int width);
/* Display width of a UTF-8 string. */
int ae_seeds_width(const char *s);

/* The sd statement the summaries carry. */
extern const char ae_seeds_sd_note[];

/* Whether run folder dir holds a finished run of config c: a metrics.json,
 * and an experiment.ini identical to what ae_config_write gives for c. */
ae_status ae_seeds_run_finished(const ae_config *c, const char *dir, int *finished, ae_error *err);

/* The folder a call without out_dir writes: runs/<experiment name> plus
 * suffix; AE_ERR_ARG when the name is not a plain file name. */
ae_status ae_seeds_default_dir(const ae_config *c, const char *suffix, char *out, size_t n, ae_error *err);

/* A line through o's log callback (o or its callback may be NULL). */
void ae_seeds_say(const ae_run_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether dir/name is a regular file. */
int ae_seeds_is_file(const char *dir, const char *name);

/* The checks ae_run_seeds makes before running anything: the settings
 * (of one seed: the seed changes no other value), and that out_dir does not
 * hold a single run. */
ae_status ae_seeds_check(const ae_config *c, const ae_seed_list *seeds, const char *out_dir, ae_error *err);

#endif
