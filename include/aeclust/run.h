/* Running a whole experiment: load the data, fit the clusterers, score every
 * requested split, and write the run folder:
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
#include "status.h"

typedef struct {
    const char *out_dir;  /* NULL: runs/<experiment name> */
    const char *data_dir; /* NULL: see ae_data_dir() */
    /* Progress messages, one line each (no newline); may be NULL. */
    void (*log)(void *user, const char *line);
    void *user;
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

ae_status ae_run_experiment(const ae_config *c, const ae_run_opts *o, ae_run_result *res, ae_error *err);

/* Writes the results as an aligned table, one row per record. */
void ae_run_result_print(const ae_run_result *res, FILE *f);

#endif
