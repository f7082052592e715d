/* The pieces of aeclust sweep (internal to src/run):
 *   sweep_grid.c     the grid: specs, combinations, configs, folder names
 *   sweep_run.c      ae_run_sweep: the checks, then every combination
 *   sweep_outputs.c  sweep.json (and reading it back), sweep.txt, the figures */
#ifndef AE_RUN_SWEEP_INTERNAL_H
#define AE_RUN_SWEEP_INTERNAL_H

#include "aeclust/sweep.h"
#include "seeds_internal.h"

/* A key named name with room for n_values values; ae_sweep_key_add appends
 * one (a copy). ae_sweep_grid_finish then sets n_combinations, each key's
 * numeric x and its label. */
ae_status ae_sweep_key_init(ae_sweep_key *k, const char *name, int n_values, ae_error *err);
ae_status ae_sweep_key_add(ae_sweep_key *k, const char *value, ae_error *err);
void ae_sweep_grid_finish(ae_sweep_grid *g);
/* A deep copy of src into dst (free it with ae_sweep_grid_free). */
ae_status ae_sweep_grid_copy(ae_sweep_grid *dst, const ae_sweep_grid *src, ae_error *err);

/* The combination of the value indices value (inverse of ae_sweep_combination). */
int ae_sweep_index(const ae_sweep_grid *g, const int *value);
/* *out = c with every grid key set to its value of the combination (the caller's). */
ae_status ae_sweep_config(const ae_config *c, const ae_sweep_grid *g, const int *value, ae_config **out,
                          ae_error *err);
/* "lr=0.001,pca_components=8": the combination's folder name (at most 200 characters). */
void ae_sweep_folder_name(const ae_sweep_grid *g, const int *value, char *buf, size_t n);
/* s with every character but letters, digits and . _ + - replaced (',' by '+', others by '_'). */
void ae_sweep_sanitize(const char *s, char *out, size_t n);

/* Writes DIR/sweep.json and DIR/sweep.txt (atomically). */
ae_status ae_sweep_write_outputs(const ae_sweep_result *res, ae_error *err);
/* Draws DIR/figures/sweep_KEY_acc.png and _nmi.png for every key. */
ae_status ae_sweep_figures(const ae_sweep_result *res, ae_error *err);

#endif
