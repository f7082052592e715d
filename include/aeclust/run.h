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
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "nn.h"
#include "plot.h"
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

/* Trains the autoencoder of an experiment's [model] per its [train], [noise]
 * (noisy input, clean target) and [augment] sections on data.train, validated
 * on train.validation, exactly as `aeclust run` does (the same file and seed
 * give the same model). input, when non-NULL, takes data.train's place (and
 * then there is no validation). checkpoint (may be NULL) is saved after every
 * good epoch; o may be NULL. On success *out is the caller's (ae_model_free);
 * h, if non-NULL, gets the history (free it either way). */
ae_status ae_experiment_train(const ae_config *c, const ae_matrix *input, const char *checkpoint,
                              const ae_run_opts *o, ae_model **out, ae_train_history *h, ae_error *err);

ae_status ae_run_experiment(const ae_config *c, const ae_run_opts *o, ae_run_result *res, ae_error *err);

/* Writes the results as an aligned table, one row per record. */
void ae_run_result_print(const ae_run_result *res, FILE *f);

/* ---- one experiment over several seeds (aeclust run --seeds) ----------- */

/* At most this many seeds in one list. */
#define AE_SEEDS_MAX 1000

typedef struct {
    int n;
    uint64_t seed[AE_SEEDS_MAX]; /* ascending, each once */
} ae_seed_list;

/* Parses a seed list: comma-separated seeds and inclusive ranges ("3",
 * "0-4", "0,2,7", "0-2,10"), each seed in [0, 4294967295] (experiment.seed's
 * range), sorted; a seed given twice, an empty or reversed range, or more
 * than AE_SEEDS_MAX seeds is an AE_ERR_ARG naming the part at fault. */
ae_status ae_seed_list_parse(const char *text, ae_seed_list *out, ae_error *err);
/* The list written back in its short form ("0-4", "0,2,7") into buf. */
void ae_seed_list_format(const ae_seed_list *l, char *buf, size_t n);

/* Statistics of one metric over the seeds. */
typedef struct {
    char name[32];             /* metrics.json's key: "acc", "nmi", ... */
    int n;                     /* seeds with a finite value */
    double mean, sd, min, max; /* sd is the sample standard deviation (divides
                                  by n - 1, ddof 1): NaN for n < 2; all NaN for n = 0 */
    double *values;            /* (seeds.n of the result) per seed, in seed
                                  order; NaN where that seed has no value */
} ae_seed_stat;

/* Fills s->n, mean, sd, min and max from the finite values of v[0..n)
 * (NaN and Inf are left out); name and values are not touched. */
void ae_seed_stat_compute(const double *v, int n, ae_seed_stat *s);

#define AE_SEEDS_MAX_METRICS 16

/* One (clusterer, space, split) over the seeds. */
typedef struct {
    char clusterer[32], space[16], split[48];
    long n_points;  /* "n" of the first seed that has the row */
    int n_metrics;  /* acc, purity, ari, nmi, silhouette, davies_bouldin first
                       (those present), then any other numeric field */
    ae_seed_stat metric[AE_SEEDS_MAX_METRICS];
} ae_seeds_row;

/* The metric called name ("acc", "nmi", ...) in row r, or NULL. */
const ae_seed_stat *ae_seeds_row_metric(const ae_seeds_row *r, const char *name);

typedef struct {
    char out_dir[1024];
    char experiment[256];
    ae_seed_list seeds;
    unsigned char kept[AE_SEEDS_MAX]; /* per seed: finished before, not run again */
    int n_kept;
    int n_rows;
    ae_seeds_row *rows; /* owned: ae_seeds_result_free */
    double total_s;
} ae_seeds_result;

/* Runs experiment c once per seed (experiment.seed set to it) into
 * OUT/seed-N/ (OUT: o->out_dir, else runs/<experiment name>), each a whole
 * run folder committed atomically as ae_run_experiment's, then writes
 *   OUT/summary.json  per (clusterer, space, split) and metric: n, mean,
 *                     sample sd (ddof 1), min, max and the value of each seed
 *   OUT/summary.txt   the same as tables
 *   OUT/figures/strip_METRIC.png  one dot per seed, per row (report.figures)
 *   OUT/report.html   the summary page, linking each seed's report (report.html)
 * A seed whose folder has a metrics.json and an experiment.ini identical to
 * the settings this call would write is finished: it is kept, not run again
 * ("seed N: finished before, kept" in the log); one whose settings differ is
 * run again. OUT holding a single run (OUT/metrics.json) is an error. On
 * success *res is the caller's (ae_seeds_result_free), also after a failure. */
ae_status ae_run_seeds(const ae_config *c, const ae_seed_list *seeds, const ae_run_opts *o, ae_seeds_result *res,
                       ae_error *err);

/* Reads DIR/summary.json (dir: the folder, or the file itself) into *res
 * (free it, also after a failure). */
ae_status ae_seeds_summary_read(const char *dir, ae_seeds_result *res, ae_error *err);

void ae_seeds_result_free(ae_seeds_result *res);

/* The strip plot of one metric (metrics.json's key: "acc") of res, as
 * OUT/figures/strip_METRIC.png: a column per (clusterer, space, split) that
 * has it, a dot per seed, the mean marked. o may be NULL; its title and
 * y_label default to "ACC over 5 seeds (bar: mean)" and "ACC". AE_ERR_ARG
 * when no row has the metric. */
ae_status ae_seeds_plot_strip(const ae_seeds_result *res, const char *metric, const char *path, const ae_plot_opts *o,
                              ae_error *err);

/* Writes the table of ACC, NMI and ARI as "mean ± sd [min–max]", one row per
 * (clusterer, space, split) (UTF-8). */
void ae_seeds_result_print(const ae_seeds_result *res, FILE *f);

#ifdef __cplusplus
}
#endif

#endif
