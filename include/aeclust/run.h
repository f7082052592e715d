/* Running a whole experiment: load the data, train the autoencoder (if the
 * experiment has one) and embed the data, fit the clusterers, score every
 * requested split, and write the run folder:
 *   model.aenn, history.csv   the trained autoencoder and its loss per epoch,
 *                      codes_SPLIT.npy its codes (when the experiment has a model)
 *   metrics.json       experiment, seed, timing_s and one record per
 *                      (clusterer, space, split) with acc, purity, ari, nmi
 *                      (+ silhouette, davies_bouldin where asked)
 *   labels_SPLIT.npy   true classes;  pred_CLUSTERER_SPACE_SPLIT.npy assignments
 *   centroids_kmeans_SPACE.npy, clusters.txt (make-up tables), confusion.txt,
 *   experiment.ini     the settings the run used
 * The folder is built under a temporary name and moved into place at the end,
 * so a failed run leaves the previous one untouched. */
#ifndef AECLUST_RUN_H
#define AECLUST_RUN_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "nn.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *out_dir;  /* NULL: runs/<experiment name> */
    const char *data_dir; /* NULL: see ae_data_dir() */
    /* Progress messages, one line each (no newline); may be NULL. */
    void (*log)(void *user, const char *line);
    /* Training progress of the autoencoder, passed to ae_train; may be NULL. */
    void (*progress)(void *user, const ae_train_progress *p);
    void *user; /* given to both callbacks */
} ae_run_opts;

typedef struct {
    char clusterer[16], space[16], split[48];
    size_t n;
    double acc, purity, ari, nmi;
    int has_geometry;
    double silhouette, davies_bouldin;
} ae_run_record;

#define AE_RUN_MAX_RECORDS 64

typedef struct {
    char out_dir[1024];
    int n_records;
    ae_run_record records[AE_RUN_MAX_RECORDS];
    double total_s;
} ae_run_result;

/* Builds a freshly initialised autoencoder from an experiment's [model]
 * section (seeded by experiment.seed) for rows input_dim wide. */
ae_status ae_experiment_model_new(const ae_config *c, int input_dim, ae_model **out, ae_error *err);

/* Builds the autoencoder of an experiment's [model] section and trains it per
 * its [train] section (and [noise]: noisy input, clean target) on x (val_x, checkpoint and o's callbacks may be NULL;
 * the model is saved to checkpoint after every good epoch). On success *out
 * is the caller's (ae_model_free); h, if non-NULL, gets the history (free it
 * either way). */
ae_status ae_experiment_train(const ae_config *c, const ae_matrix *x, const ae_matrix *val_x, const char *checkpoint,
                              const ae_run_opts *o, ae_model **out, ae_train_history *h, ae_error *err);

ae_status ae_run_experiment(const ae_config *c, const ae_run_opts *o, ae_run_result *res, ae_error *err);

/* Writes the results as an aligned table, one row per record. */
void ae_run_result_print(const ae_run_result *res, FILE *f);

#ifdef __cplusplus
}
#endif

#endif
