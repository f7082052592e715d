/* Training the autoencoder of an experiment: the one path that both
 * `aeclust run` and `aeclust train` take, so the same file and seed give the
 * same model through either. The options of [train], denoising (noisy input,
 * clean target) and augmentation, drawn anew every epoch where asked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/nn.h"
#include "aeclust/npy.h"
#include "core/fs.h"
#include "run_ctx.h"

/* Before every epoch (an ae_train before_epoch hook over an epoch_state):
 * the clean images augmented anew and/or fresh noise drawn on them. Without
 * augmentation the first epoch keeps the noise drawn before training. */
static ae_status prepare_epoch(epoch_state *s, int epoch, ae_error *err)
{
    const ae_matrix *clean = s->clean;
    if (s->augmented) {
        ae_status st = ae_augment_apply(&s->augment, s->clean, s->height, s->width, &s->rng, s->augmented, err);
        if (st) return st;
        clean = s->augmented;
    } else if (epoch == 1) {
        return AE_OK;
    }
    return s->noisy ? ae_noise_apply(&s->noise, clean, &s->rng, s->noisy, err) : AE_OK;
}

static ae_status train_options(const ae_settings *s, ae_train_opts *t, ae_error *err)
{
    *t = ae_train_defaults();
    t->epochs = (int)s->train.epochs;
    t->batch_size = (int)s->train.batch_size;
    t->optim.lr = s->train.lr;
    t->optim.beta1 = s->train.beta1;
    t->optim.beta2 = s->train.beta2;
    t->optim.eps = s->train.eps;
    t->optim.momentum = s->train.momentum;
    t->shuffle = s->train.shuffle;
    t->seed = ae_settings_seed(s, AE_STREAM_TRAIN, 0);
    t->kl_beta = s->train.beta;
    ae_status st = ae_optimizer_parse(s->train.optimizer, &t->optim.kind, err);
    if (!st) st = ae_loss_parse(s->train.loss, &t->loss, err);
    return st;
}

ae_status ae_run_model_new(const ae_settings *s, int input_dim, ae_model **out, ae_error *err)
{
    *out = NULL;
    if (s->model.load[0]) { /* a trained model to start from */
        ae_model *m;
        ae_status st = ae_model_load(s->model.load, &m, err);
        if (st) {
            char why[AE_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            return ae_settings_fail(s, AE_KEY_model_load, err, st, "model.load: %s", why);
        }
        if (ae_model_input_dim(m) != input_dim) {
            ae_model_free(m);
            return ae_settings_fail(s, AE_KEY_model_load, err, AE_ERR_ARG,
                                    "model.load: %s takes rows %d wide, the data's are %d", s->model.load,
                                    ae_model_input_dim(m), input_dim);
        }
        *out = m;
        return AE_OK;
    }
    if (!*s->model.encoder || !*s->model.decoder)
        return ae_settings_fail(s, *s->model.encoder ? AE_KEY_model_decoder : AE_KEY_model_encoder, err, AE_ERR_ARG,
                                "[model] needs both an encoder and a decoder");
    ae_model_init_opts mo = ae_model_init_defaults();
    mo.seed = ae_settings_seed(s, AE_STREAM_INIT, 0);
    ae_status st = ae_init_kind_parse(s->model.init, &mo.init, err);
    if (st) return st;
    if ((st = ae_model_new(s->model.encoder, s->model.decoder, input_dim, &mo, out, err))) {
        /* the spec parser names the layer; add where the spec came from */
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return ae_settings_fail(s, AE_KEY_model_encoder, err, st, "[model] %s", why);
    }
    return AE_OK;
}

ae_status ae_experiment_model_new(const ae_config *c, int input_dim, ae_model **out, ae_error *err)
{
    ae_settings s;
    *out = NULL;
    ae_status st = ae_settings_fill(c, &s, err);
    return st ? st : ae_run_model_new(&s, input_dim, out, err);
}

/* snapshots/codes_test_epoch_NNN.npy: the codes of the test images after
 * `epoch` epochs (0: the initial weights), for pictures of the latent space
 * as it forms; or of train.snapshot_split's images (codes_SPLIT_epoch_NNN.npy),
 * to cluster the codes of several lengths of one training. */
static ae_status snapshot_codes(run_ctx *r, ae_model *m, int epoch, ae_error *err)
{
    const ae_dataset *test;
    const char *split = r->set.train.snapshot_split;
    char dir[1400], path[1500];
    ae_status st = !strcmp(split, "auto") ? ae_run_picture_set(r, &test, err) : ae_run_get_split(r, split, &test, err);
    if (st || (st = ae_run_stage_path(r, dir, sizeof dir, "snapshots", err))) return st;
    if ((st = ae_mkdir_p(dir, err))) return st;
    snprintf(path, sizeof path, "%s/codes_%s_epoch_%03d.npy", dir, strcmp(split, "auto") ? split : "test", epoch);
    ae_matrix codes = {0};
    if (!(st = ae_model_encode(m, &test->x, &codes, err))) st = ae_npy_write_matrix(path, &codes, err);
    ae_matrix_free(&codes);
    return st;
}

/* Whether the run saves snapshots of the codes (only a run writes a folder). */
static long snapshot_every(const run_ctx *r) { return r->stage[0] ? r->set.train.snapshot_every : 0; }

/* Before every epoch: fresh noise or augmentation, and snapshots. */
static ae_status epoch_hook(void *user, int epoch, ae_error *err)
{
    run_ctx *r = user;
    ae_status st = r->prepare_epochs ? prepare_epoch(&r->epoch, epoch, err) : AE_OK;
    long every = snapshot_every(r);
    if (!st && every > 0 && (epoch - 1) % every == 0) st = snapshot_codes(r, r->live_model, epoch - 1, err);
    return st;
}

static void progress_trampoline(void *user, const ae_train_progress *p)
{
    const run_ctx *r = user;
    r->o->progress(r->o->user, p);
}

ae_status ae_run_train(run_ctx *r, const char *checkpoint, ae_train_history *h, ae_error *err)
{
    const ae_settings *s = &r->set;
    const ae_dataset *d, *v;
    ae_status st = ae_run_train_set(r, &d, err);
    if (!st) st = ae_run_validation_set(r, &v, err);
    if (st) return st;
    if ((size_t)s->train.batch_size > d->x.rows)
        return ae_settings_fail(s, AE_KEY_train_batch_size, err, AE_ERR_ARG,
                                "train.batch_size = %ld is larger than the %zu training images", s->train.batch_size,
                                d->x.rows);
    /* input -> target: the clean images, or a denoising AE's noisy copies -> the clean ones */
    const ae_matrix *x = &d->x, *target = NULL, *val_x = v ? &v->x : NULL, *val_target = NULL;
    ae_matrix *noisy_train = NULL, *noisy_val = NULL;
    if (r->noise.kind != AE_NOISE_NONE) {
        if ((st = ae_run_noisy_x(r, d, &noisy_train, err)) || (v && (st = ae_run_noisy_x(r, v, &noisy_val, err))))
            return st;
        x = noisy_train;
        target = &d->x;
        val_x = noisy_val;
        val_target = v ? &v->x : NULL;
    }
    epoch_state *es = &r->epoch;
    *es = (epoch_state){.clean = &d->x, .noisy = noisy_train, .noise = r->noise, .height = d->height, .width = d->width};
    es->augment.max_shift = (int)s->augment.max_shift;
    es->augment.hflip = s->augment.hflip;
    const bool augmenting = es->augment.max_shift > 0 || es->augment.hflip;
    r->prepare_epochs = augmenting || (noisy_train && s->noise.fresh);
    if (r->prepare_epochs) ae_rng_seed(&es->rng, ae_settings_seed(s, AE_STREAM_EPOCH, 0));
    if (augmenting) {
        if ((size_t)es->height * (size_t)es->width != d->x.cols)
            return ae_settings_fail(s, AE_KEY_augment_max_shift, err, AE_ERR_ARG,
                                    "[augment] needs square images, but the rows are %zu wide", d->x.cols);
        /* the model learns from the augmented images (as the noisy input's clean target) */
        ae_matrix_free(&r->augmented);
        if ((st = ae_matrix_alloc(&r->augmented, d->x.rows, d->x.cols, err))) return st;
        es->augmented = &r->augmented;
        if (noisy_train)
            target = &r->augmented;
        else
            x = &r->augmented;
    }

    ae_model *m;
    if ((st = ae_run_model_new(s, (int)d->x.cols, &m, err))) return st;
    ae_train_opts t;
    if ((st = train_options(s, &t, err))) goto fail;
    t.val_input = val_x;
    t.val_target = val_target;
    t.checkpoint = checkpoint;
    t.progress = r->o->progress ? progress_trampoline : NULL;
    t.before_epoch = r->prepare_epochs || snapshot_every(r) > 0 ? epoch_hook : NULL;
    t.user = r;
    if (r->o->log) {
        size_t n_enc, n_dec;
        ae_model_param_count(m, &n_enc, &n_dec);
        ae_run_say(r,
                   "training [%.200s] -> [%.200s] on %zu x %zu (%zu + %zu parameters): %d epochs, batch %d, %s lr %g, "
                   "%s loss%s",
                   ae_model_encoder_spec(m), ae_model_decoder_spec(m), x->rows, x->cols, n_enc, n_dec, t.epochs,
                   t.batch_size, ae_optimizer_name(t.optim.kind), t.optim.lr, ae_loss_name(t.loss),
                   target ? ", noisy input -> clean target" : "");
    }
    r->live_model = m;
    if (t.epochs > 0)
        st = ae_train(m, x, target, &t, h, err);
    else if (checkpoint) /* a loaded model used as it is */
        st = ae_model_save(m, checkpoint, err);
    r->live_model = NULL;
    if (st) goto fail;
    r->model = m;
    return AE_OK;
fail:
    ae_model_free(m);
    return st;
}

/* How much the denoising autoencoder cleans: the MSE against the clean
 * images of the noisy input and of its reconstruction. */
static ae_status report_denoising(run_ctx *r, const ae_dataset *d, ae_error *err)
{
    ae_matrix *noisy;
    ae_status st = ae_run_noisy_x(r, d, &noisy, err);
    if (st) return st;
    double noisy_mse = 0, denoised_mse;
    size_t n = d->x.rows * d->x.cols;
    for (size_t i = 0; i < n; i++) {
        double e = (double)noisy->data[i] - d->x.data[i];
        noisy_mse += e * e;
    }
    noisy_mse /= (double)n;
    if ((st = ae_model_loss(r->model, noisy, &d->x, AE_LOSS_MSE, &denoised_mse, err))) return st;
    const char *split = d == &r->split[0] ? "train" : d == &r->split[1] ? "test" : "all";
    r->denoising = json_object_new_object();
    json_object_object_add(r->denoising, "split", json_object_new_string(split));
    json_object_object_add(r->denoising, "noise", json_object_new_string(ae_noise_name(r->noise.kind)));
    json_object_object_add(r->denoising, "amount", json_object_new_double(r->noise.amount));
    json_object_object_add(r->denoising, "noisy_mse", json_object_new_double(noisy_mse));
    json_object_object_add(r->denoising, "denoised_mse", json_object_new_double(denoised_mse));
    ae_run_say(r, "denoising on %s: MSE to the clean images %.5f noisy, %.5f denoised", split, noisy_mse, denoised_mse);
    return AE_OK;
}

ae_status ae_run_train_model(run_ctx *r, ae_error *err)
{
    char ckpt[1400], hist_path[1400];
    ae_status st;
    if ((st = ae_run_stage_path(r, ckpt, sizeof ckpt, "model.aenn", err)) ||
        (st = ae_run_stage_path(r, hist_path, sizeof hist_path, "history.csv", err)))
        return st;
    double t0 = ae_run_now();
    ae_train_history h = {0};
    st = ae_run_train(r, ckpt, &h, err);
    double dt = ae_run_now() - t0;
    ae_run_add_time(r, "train", dt);
    if (!st) st = ae_train_history_write_csv(hist_path, &h, err);
    /* the hook saw the model up to epoch n - 1 */
    if (!st && snapshot_every(r) > 0) st = snapshot_codes(r, r->model, h.n, err);
    const ae_dataset *d = NULL, *v = NULL;
    if (!st) st = ae_run_train_set(r, &d, err);
    if (!st) st = ae_run_validation_set(r, &v, err);
    if (!st && h.n > 0) {
        const ae_epoch_stats *last = &h.epochs[h.n - 1];
        double secs = 0;
        for (int i = 0; i < h.n; i++) secs += h.epochs[i].seconds;
        r->training = json_object_new_object();
        json_object_object_add(r->training, "epochs", json_object_new_int(h.n));
        json_object_object_add(r->training, "n", json_object_new_int64((int64_t)d->x.rows));
        json_object_object_add(r->training, "parameters",
                               json_object_new_int64((int64_t)ae_model_param_count(r->model, NULL, NULL)));
        json_object_object_add(r->training, "final_loss", json_object_new_double(last->train_loss));
        if (v) json_object_object_add(r->training, "final_val_loss", json_object_new_double(last->val_loss));
        json_object_object_add(r->training, "seconds_per_epoch", json_object_new_double(secs / h.n));
        json_object_object_add(r->training, "samples_per_s", json_object_new_double((double)d->x.rows * h.n / secs));
        ae_run_say(r, "trained in %.1f s (%.2f s per epoch), final loss %.6f", dt, secs / h.n, last->train_loss);
    }
    ae_train_history_free(&r->history);
    r->history = h; /* kept for the loss figure */
    if (!st && r->noise.kind != AE_NOISE_NONE) st = report_denoising(r, v ? v : d, err);
    return st;
}
