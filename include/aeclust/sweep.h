/* Sweeps: an experiment over the cartesian product of a grid of settings
 * (aeclust sweep X.ini --grid train.lr=1e-3,5e-4 --grid cluster.k=8,10),
 * each combination once at the file's seed or over a seed list (run.h's
 * ae_run_seeds), in a folder of its own, with the tables and figures that
 * compare them.
 *
 * The folder of a sweep (DIR):
 *   KEY=VALUE,KEY=VALUE/  one per combination, named by its settings (the
 *                         bare key, or section.key when two grid keys share
 *                         a name; characters other than letters, digits and
 *                         . _ + - become _, a ',' inside a value +): a run
 *                         folder, or with seeds the seed-N/ folders and the
 *                         summary of ae_run_seeds
 *   sweep.json            the grid, and per combination its values and the
 *                         rows of statistics of summary.json
 *   sweep.txt             one table: combination x (clusterer, space, split),
 *                         ACC and NMI as mean ± sd
 *   figures/sweep_KEY_acc.png, figures/sweep_KEY_nmi.png  the metric against
 *                         each key's values, one line per combination of the
 *                         other keys and (clusterer, space, split), at most
 *                         AE_SWEEP_MAX_LINES; error bars are the sd over seeds
 *   report.html           all of it on one page (report.h)
 * A combination whose run (or seed) finished before with the very settings
 * it would use now is kept, not run again. */
#ifndef AECLUST_SWEEP_H
#define AECLUST_SWEEP_H

#include <stdio.h>

#include "config.h"
#include "run.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AE_SWEEP_MAX_KEYS 8
#define AE_SWEEP_MAX_VALUES 64
#define AE_SWEEP_MAX_COMBINATIONS 1000
#define AE_SWEEP_MAX_LINES 10 /* lines of a figure (the palette's colours) */

typedef struct {
    char name[64];  /* "train.lr" */
    char label[64]; /* in folder and figure names: "lr", or "train.lr" when another key is also "lr" */
    int n_values;
    char **values;  /* (n_values) as set in the config; numbers in their shortest exact form */
    int numeric;    /* every value is a finite number: x holds them */
    double *x;      /* (n_values) */
} ae_sweep_key;

typedef struct {
    int n_keys;
    ae_sweep_key key[AE_SWEEP_MAX_KEYS];
    int n_combinations; /* the product of the keys' value counts */
} ae_sweep_grid;

/* Parses --grid specs "section.key=v1,v2,..." against experiment c. Values
 * are separated by ',' - or by ';' for keys whose value is itself a list or
 * free text (cluster.method, data.score, model.encoder, ...: "kmeans;gmm",
 * "fit,test;test"). Every value is tried with ae_config_set on a copy of c.
 * Errors (AE_ERR_ARG, one line starting "--grid SPEC:"): no '=', an unknown
 * key, experiment.seed (use seeds), a key given twice, no value or an empty
 * one, a value that does not parse for its key or is given twice, more than
 * AE_SWEEP_MAX_KEYS keys, AE_SWEEP_MAX_VALUES values or
 * AE_SWEEP_MAX_COMBINATIONS combinations. On failure g is left empty. */
ae_status ae_sweep_grid_parse(const ae_config *c, const char *const *specs, int n_specs, ae_sweep_grid *g,
                              ae_error *err);
void ae_sweep_grid_free(ae_sweep_grid *g);

/* Combination i (0 .. n_combinations-1; the first key changes slowest):
 * the index of each key's value into value (AE_SWEEP_MAX_KEYS entries). */
void ae_sweep_combination(const ae_sweep_grid *g, int i, int *value);

typedef struct {
    char folder[256];            /* under the sweep folder */
    int value[AE_SWEEP_MAX_KEYS]; /* index of each key's value */
    int n_kept;                  /* runs found finished and kept */
    ae_seeds_result summary;     /* rows over the seeds (one seed without seeds) */
} ae_sweep_cell;

typedef struct {
    char out_dir[1024];
    char experiment[256];
    ae_sweep_grid grid;  /* owned copy */
    int with_seeds;      /* each combination over seeds (else one run at the file's seed) */
    ae_seed_list seeds;  /* those seeds, or the file's one */
    int n_cells;
    ae_sweep_cell *cells; /* (n_cells = grid.n_combinations) in combination order */
    int n_runs, n_kept;  /* runs in all, and of them kept from before */
    double total_s;
} ae_sweep_result;

/* Runs experiment c over grid g into DIR (o->out_dir, else
 * runs/<experiment name>-sweep): every combination, once (seeds NULL) or
 * per seed. Everything is checked before anything runs or any folder is
 * made: each combination's settings together (as ae_run_experiment checks
 * them), the folder names being distinct, a combination folder holding a run
 * of the other kind (a single run where seeds are asked, or the reverse).
 * On success writes the outputs listed above; *res is the caller's
 * (ae_sweep_result_free, also after a failure). */
ae_status ae_run_sweep(const ae_config *c, const ae_sweep_grid *g, const ae_seed_list *seeds, const ae_run_opts *o,
                       ae_sweep_result *res, ae_error *err);

/* Reads DIR/sweep.json into *res (free it, also after a failure). */
ae_status ae_sweep_read(const char *dir, ae_sweep_result *res, ae_error *err);

void ae_sweep_result_free(ae_sweep_result *res);

/* Writes sweep.txt's table: a column per key, then clusterer, space, split,
 * ACC and NMI as "mean ± sd" (UTF-8). */
void ae_sweep_result_print(const ae_sweep_result *res, FILE *f);

#ifdef __cplusplus
}
#endif

#endif
