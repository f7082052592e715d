/* The 2-D embeddings a run can draw a space with (internal): t-SNE today.
 *
 * Each is one file (embedding_tsne.c) defining an ae_run_embedding and one
 * row of the table in embeddings.c; [embed] turns each on with a setting of
 * its own. ae_run_embed computes every embedding that is on for the first
 * points of the fit set (its limit), writes NAME_SPACE.npy, records
 * what it reports in metrics.json's embed, and draws the scatters by class
 * and by each clusterer's assignment. */
#ifndef AE_RUN_EMBEDDINGS_H
#define AE_RUN_EMBEDDINGS_H

#include <json-c/json.h>
#include <stdbool.h>

#include "run_ctx.h"

typedef struct {
    const char *name;  /* file and record stem: "tsne" */
    const char *title; /* in figure titles: "t-SNE" */
    /* Whether the experiment asks for it, and for how many of the fit set's
     * first points (0: all). */
    bool (*enabled)(const ae_settings *s);
    long (*limit)(const ae_settings *s);
    /* y (allocated here, (x->rows, 2)) = the embedding of x; adds what it
     * reports to `report` (the caller adds n and seconds). */
    ae_status (*fit)(run_ctx *r, const char *space, const ae_matrix *x, ae_matrix *y, json_object *report,
                     ae_error *err);
} ae_run_embedding;

extern const ae_run_embedding *const ae_run_embeddings[];
extern const int ae_run_n_embeddings;

extern const ae_run_embedding ae_run_tsne;
extern const ae_run_embedding ae_run_umap;

#endif
