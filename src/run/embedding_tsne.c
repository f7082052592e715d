/* t-SNE ([embed] tsne = yes): scikit-learn's schedule, Barnes-Hut (tsne.h). */
#include "aeclust/tsne.h"
#include "embeddings.h"

typedef struct {
    run_ctx *r;
    const char *space;
} tsne_log;

static void tsne_progress(void *ctx, int iter, double kl)
{
    tsne_log *l = ctx;
    if (iter % 250 == 0) ae_run_say(l->r, "t-SNE of %s: iteration %d, KL %.4f", l->space, iter, kl);
}

static bool tsne_enabled(const ae_settings *s) { return s->embed.tsne; }
static long tsne_limit(const ae_settings *s) { return s->embed.tsne_limit; }

static ae_status tsne_fit(run_ctx *r, const char *space, const ae_matrix *x, ae_matrix *y, json_object *report,
                          ae_error *err)
{
    ae_tsne_opts o = ae_tsne_defaults();
    o.perplexity = r->set.embed.perplexity;
    o.n_iter = (int)r->set.embed.tsne_iterations;
    tsne_log lg = {r, space};
    o.progress = tsne_progress;
    o.progress_ctx = &lg;
    ae_run_say(r, "t-SNE of %zu x %zu %s of %s, perplexity %g", x->rows, x->cols, space, r->fit_name, o.perplexity);
    ae_tsne_result res = {0};
    ae_status st = ae_tsne_fit(x, &o, &res, err);
    if (st) {
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        ae_tsne_result_free(&res);
        return ae_settings_fail(&r->set, AE_KEY_embed_tsne, err, st, "t-SNE of %s: %s", space, why);
    }
    ae_run_say(r, "t-SNE of %s: KL %.4f after %d iterations", space, res.kl, res.n_iter);
    json_object_object_add(report, "kl", json_object_new_double(res.kl));
    json_object_object_add(report, "iterations", json_object_new_int(res.n_iter));
    *y = res.y; /* the caller's now */
    res.y = (ae_matrix){0};
    ae_tsne_result_free(&res);
    return AE_OK;
}

const ae_run_embedding ae_run_tsne = {
    .name = "tsne",
    .title = "t-SNE",
    .enabled = tsne_enabled,
    .limit = tsne_limit,
    .fit = tsne_fit,
};
