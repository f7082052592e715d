/* [noise] sweep: how well a denoising autoencoder cleans as the noise grows
 * (seed 003's table of noise fractions 0.2 to 0.7). One model per amount,
 * trained from the same seed, each in rate-AMOUNT/ of the run folder with its
 * model.aenn, history.csv, and the first `keep` evaluation images as
 * original.npy, noisy.npy and denoised.npy (one of each class in turn); metrics.json's "denoising_sweep"
 * lists the MSE against the clean images of the noisy input and of the
 * reconstruction for each amount. The evaluation images are the validation
 * split's (train.validation), else the training split's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/npy.h"
#include "core/fs.h"
#include "run_ctx.h"

/* The amounts listed in noise.sweep, each checked for the noise kind. */
static ae_status sweep_amounts(run_ctx *r, double *amounts, int *n, ae_error *err)
{
    const ae_setting_list *sweep = &r->set.noise.sweep;
    *n = sweep->n;
    for (int i = 0; i < *n; i++) {
        const char *item = sweep->item[i];
        char *end;
        errno = 0;
        double a = strtod(item, &end);
        if (end == item || *end || errno)
            return ae_settings_fail(&r->set, AE_KEY_noise_sweep, err, AE_ERR_ARG, "noise.sweep: '%s' is not a number",
                                    item);
        ae_noise nz = {.kind = r->noise.kind, .amount = a};
        if (ae_noise_check(&nz, err) != AE_OK) {
            char why[AE_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            return ae_settings_fail(&r->set, AE_KEY_noise_sweep, err, AE_ERR_ARG, "noise.sweep: %s", why);
        }
        amounts[i] = a;
    }
    return AE_OK;
}

/* Forgets what belongs to the previous amount's model. */
static void reset_for_next(run_ctx *r)
{
    ae_run_set_list_clear(&r->noisy);
    ae_run_set_list_clear(&r->codes);
    ae_matrix_free(&r->augmented);
    ae_model_free(r->model);
    r->model = NULL;
    ae_train_history_free(&r->history);
    json_object_put(r->training);
    json_object_put(r->denoising);
    r->training = r->denoising = NULL;
    r->prepare_epochs = 0;
}

/* rows [0, n) of x as a matrix of their own, written to file in the subfolder. */
static ae_status write_rows(run_ctx *r, const ae_matrix *x, size_t n, const char *file, ae_error *err)
{
    ae_matrix head = {.rows = n, .cols = x->cols, .data = x->data};
    char path[1400];
    ae_status st = ae_run_stage_path(r, path, sizeof path, file, err);
    return st ? st : ae_npy_write_matrix(path, &head, err);
}

static ae_status keep_examples(run_ctx *r, const ae_dataset *eval, ae_error *err)
{
    size_t keep = (size_t)r->set.noise.keep;
    if (!keep) return AE_OK;
    ae_matrix *noisy, orig = {0}, noisy_ex = {0}, denoised = {0};
    ae_status st = ae_run_noisy_x(r, eval, &noisy, err);
    if (!st && !(st = ae_run_examples(eval, &eval->x, keep, &orig, err)) &&
        !(st = ae_run_examples(eval, noisy, keep, &noisy_ex, err)) &&
        !(st = ae_model_reconstruct(r->model, &noisy_ex, &denoised, err)) &&
        !(st = write_rows(r, &orig, orig.rows, "original.npy", err)) &&
        !(st = write_rows(r, &noisy_ex, noisy_ex.rows, "noisy.npy", err)))
        st = write_rows(r, &denoised, denoised.rows, "denoised.npy", err);
    ae_matrix_free(&orig);
    ae_matrix_free(&noisy_ex);
    ae_matrix_free(&denoised);
    return st;
}

ae_status ae_run_noise_sweep(run_ctx *r, json_object **out, ae_error *err)
{
    double amounts[AE_CONFIG_MAX_ITEMS];
    int n;
    ae_status st = sweep_amounts(r, amounts, &n, err);
    if (st) return st;
    const ae_dataset *eval;
    if ((st = ae_run_validation_set(r, &eval, err)) || (!eval && (st = ae_run_train_set(r, &eval, err)))) return st;
    json_object *list = json_object_new_array();
    for (int i = 0; i < n && !st; i++) {
        reset_for_next(r);
        r->noise.amount = amounts[i];
        snprintf(r->sub, sizeof r->sub, "rate-%g/", amounts[i]);
        char dir[1400];
        if ((st = ae_run_stage_path(r, dir, sizeof dir, "", err)) || (st = ae_mkdir_p(dir, err))) break;
        ae_run_say(r, "noise sweep: %s amount %g (%d of %d)", ae_noise_name(r->noise.kind), amounts[i], i + 1, n);
        if ((st = ae_run_train_model(r, err)) || (st = keep_examples(r, eval, err)) ||
            (st = ae_run_model_figures(r, err)))
            break;
        json_object *rec = json_object_get(r->denoising);
        json_object_object_add(rec, "folder", json_object_new_string(r->sub));
        if (r->training) json_object_object_add(rec, "training", json_object_get(r->training));
        json_object_array_add(list, rec);
    }
    r->sub[0] = '\0';
    reset_for_next(r); /* the records are in the list now */
    if (!st) st = ae_run_sweep_figure(r, list, eval->height, eval->width, err);
    if (st) {
        json_object_put(list);
        return st;
    }
    *out = list;
    return AE_OK;
}
