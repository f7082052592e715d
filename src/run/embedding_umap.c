/* UMAP ([embed] umap = yes): a 2-D UMAP for pictures, beside t-SNE (umap.h). */
#include "aeclust/umap.h"
#include "embeddings.h"

static bool umap_enabled(const ae_settings *s) { return s->embed.umap; }
static long umap_limit(const ae_settings *s) { return s->embed.umap_limit; }

static ae_status umap_fit(run_ctx *r, const char *space, const ae_matrix *x, ae_matrix *y, json_object *report,
                          ae_error *err)
{
    ae_umap_opts o = ae_umap_defaults();
    o.n_components = 2;
    o.n_neighbors = (int)r->set.embed.umap_neighbors;
    o.min_dist = r->set.embed.umap_min_dist;
    o.seed = ae_settings_seed(&r->set, AE_STREAM_EMBED, 0);
    if ((size_t)o.n_neighbors >= x->rows)
        return ae_settings_fail(&r->set, AE_KEY_embed_umap_neighbors, err, AE_ERR_ARG,
                                "embed.umap_neighbors = %d needs more than that many points (%zu)", o.n_neighbors,
                                x->rows);
    ae_run_say(r, "UMAP (2-D) of %zu x %zu %s of %s, %d neighbours, min_dist %g", x->rows, x->cols, space, r->fit_name,
               o.n_neighbors, o.min_dist);
    ae_umap *m = NULL;
    ae_status st = ae_umap_fit(x, &o, &m, y, err);
    if (st) {
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return ae_settings_fail(&r->set, AE_KEY_embed_umap, err, st, "UMAP of %s: %s", space, why);
    }
    json_object_object_add(report, "neighbors", json_object_new_int(o.n_neighbors));
    json_object_object_add(report, "min_dist", json_object_new_double(o.min_dist));
    json_object_object_add(report, "epochs", json_object_new_int(ae_umap_n_epochs(m)));
    ae_umap_free(m);
    return AE_OK;
}

const ae_run_embedding ae_run_umap = {
    .name = "umap",
    .title = "UMAP",
    .enabled = umap_enabled,
    .limit = umap_limit,
    .fit = umap_fit,
};
