/* Training the autoencoder of an experiment: the options of its [train]
 * section, denoising (noisy input, clean target) and augmentation, drawn anew
 * every epoch where asked. */
#include <math.h>
#include <string.h>

#include "aeclust/nn.h"
#include "aeclust/npy.h"
#include "core/fs.h"
#include "run_ctx.h"

/* An ae_train before_epoch hook over an epoch_state. Without augmentation the
 * first epoch keeps the noise drawn before training. */
ae_status ae_run_prepare_epoch(void *user, int epoch, ae_error *err)
{
    epoch_state *s = user;
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

static ae_status train_options(const ae_config *c, const ae_run_opts *o, ae_train_opts *t, ae_error *err)
{
    *t = ae_train_defaults();
    t->epochs = (int)ae_config_int(c, "train", "epochs");
    t->batch_size = (int)ae_config_int(c, "train", "batch_size");
    t->optim.lr = ae_config_double(c, "train", "lr");
    t->optim.beta1 = ae_config_double(c, "train", "beta1");
    t->optim.beta2 = ae_config_double(c, "train", "beta2");
    t->optim.eps = ae_config_double(c, "train", "eps");
    t->optim.momentum = ae_config_double(c, "train", "momentum");
    t->shuffle = ae_config_bool(c, "train", "shuffle");
    t->seed = (uint64_t)ae_config_int(c, "experiment", "seed");
    t->kl_beta = ae_config_double(c, "train", "beta");
    t->progress = o->progress;
    t->user = o->user;
    ae_status st = ae_optimizer_parse(ae_config_str(c, "train", "optimizer"), &t->optim.kind, err);
    if (!st) st = ae_loss_parse(ae_config_str(c, "train", "loss"), &t->loss, err);
    return st;
}

ae_status ae_experiment_model_new(const ae_config *c, int input_dim, ae_model **out, ae_error *err)
{
    *out = NULL;
    const char *enc = ae_config_str(c, "model", "encoder"), *dec = ae_config_str(c, "model", "decoder");
    if (!*enc || !*dec)
        return ae_fail(err, AE_ERR_ARG, "%s: [model] needs both an encoder and a decoder",
                       ae_config_origin(c, "model", *enc ? "decoder" : "encoder"));
    ae_model_init_opts mo = ae_model_init_defaults();
    mo.seed = (uint64_t)ae_config_int(c, "experiment", "seed");
    ae_status st = ae_init_kind_parse(ae_config_str(c, "model", "init"), &mo.init, err);
    if (st) return st;
    if ((st = ae_model_new(enc, dec, input_dim, &mo, out, err))) {
        /* the spec parser names the layer; add where the spec came from */
        char why[AE_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "");
        return ae_fail(err, st, "%s: [model] %s", ae_config_origin(c, "model", "encoder"), why);
    }
    return AE_OK;
}

/* What one training run learns from: input -> target (NULL: input), an
 * optional validation pair, and an optional hook before every epoch. */
typedef struct {
    const ae_matrix *x, *target, *val_x, *val_target;
    ae_status (*before_epoch)(void *user, int epoch, ae_error *err);
    void *hook_user;
    const ae_run_opts *o; /* for the progress callback inside the trampolines */
    ae_model **live;      /* if non-NULL, points at the model while it trains */
} train_data;

static void progress_trampoline(void *user, const ae_train_progress *p)
{
    const train_data *d = user;
    if (d->o->progress) d->o->progress(d->o->user, p);
}

static ae_status epoch_trampoline(void *user, int epoch, ae_error *err)
{
    const train_data *d = user;
    return d->before_epoch(d->hook_user, epoch, err);
}

static ae_status experiment_train(const ae_config *c, train_data *d, const char *checkpoint, ae_model **out,
                                  ae_train_history *h, ae_error *err)
{
    static const ae_run_opts quiet;
    const ae_run_opts *o = d->o ? d->o : &quiet;
    d->o = o;
    *out = NULL;
    ae_model *m;
    ae_status st = ae_experiment_model_new(c, (int)d->x->cols, &m, err);
    if (st) return st;
    const char *enc = ae_model_encoder_spec(m), *dec = ae_model_decoder_spec(m);
    ae_train_opts t;
    if ((st = train_options(c, o, &t, err))) goto fail;
    if ((size_t)t.batch_size > d->x->rows) {
        st = ae_fail(err, AE_ERR_ARG, "%s: train.batch_size = %d is larger than the %zu training images",
                     ae_config_origin(c, "train", "batch_size"), t.batch_size, d->x->rows);
        goto fail;
    }
    t.val_input = d->val_x;
    t.val_target = d->val_target;
    t.checkpoint = checkpoint;
    t.progress = o->progress ? progress_trampoline : NULL;
    t.before_epoch = d->before_epoch ? epoch_trampoline : NULL;
    t.user = d;
    if (o->log) {
        size_t n_enc, n_dec;
        ae_model_param_count(m, &n_enc, &n_dec);
        char line[768];
        snprintf(line, sizeof line,
                 "training [%s] -> [%s] on %zu x %zu (%zu + %zu parameters): %d epochs, batch %d, %s lr %g, %s loss%s",
                 enc, dec, d->x->rows, d->x->cols, n_enc, n_dec, t.epochs, t.batch_size, ae_optimizer_name(t.optim.kind),
                 t.optim.lr, ae_loss_name(t.loss), d->target ? ", noisy input -> clean target" : "");
        o->log(o->user, line);
    }
    if (d->live) *d->live = m;
    st = ae_train(m, d->x, d->target, &t, h, err);
    if (d->live) *d->live = NULL;
    if (st) goto fail;
    *out = m;
    return AE_OK;
fail:
    ae_model_free(m);
    return st;
}

ae_status ae_experiment_train(const ae_config *c, const ae_matrix *x, const ae_matrix *val_x, const char *checkpoint,
                              const ae_run_opts *o, ae_model **out, ae_train_history *h, ae_error *err)
{
    train_data d = {.x = x, .val_x = val_x, .o = o};
    ae_noise nz = {.amount = ae_config_double(c, "noise", "amount")};
    ae_status st = ae_noise_parse(ae_config_str(c, "noise", "kind"), &nz.kind, err);
    if (!st && nz.kind != AE_NOISE_NONE) st = ae_noise_check(&nz, err);
    if (st) return st;
    epoch_state se = {.clean = x, .noise = nz};
    se.augment.max_shift = (int)ae_config_int(c, "augment", "max_shift");
    se.augment.hflip = ae_config_bool(c, "augment", "hflip");
    int augmenting = se.augment.max_shift > 0 || se.augment.hflip;
    if (nz.kind == AE_NOISE_NONE && !augmenting) return experiment_train(c, &d, checkpoint, out, h, err);

    /* a denoising and/or augmented autoencoder: noisy input, clean target */
    ae_matrix nx = {0}, nv = {0}, ax = {0};
    if (nz.kind != AE_NOISE_NONE) {
        st = ae_run_noisy_copy(c, &nz, x, 1, &nx, err);
        if (!st && val_x) st = ae_run_noisy_copy(c, &nz, val_x, 2, &nv, err);
        d = (train_data){.x = &nx, .target = x, .val_x = val_x ? &nv : NULL, .val_target = val_x, .o = o};
    }
    ae_rng_seed(&se.rng, (uint64_t)ae_config_int(c, "experiment", "seed") * 8 + 7);
    se.noisy = nz.kind != AE_NOISE_NONE ? &nx : NULL;
    if (!st && !augmenting && ae_config_bool(c, "noise", "fresh")) {
        d.before_epoch = ae_run_prepare_epoch;
        d.hook_user = &se;
    }
    if (!st && augmenting) {
        se.height = se.width = (int)(sqrt((double)x->cols) + 0.5);
        if ((size_t)se.height * (size_t)se.width != x->cols)
            st = ae_fail(err, AE_ERR_ARG, "%s: [augment] needs square images, but the rows are %zu wide",
                         ae_config_origin(c, "augment", "max_shift"), x->cols);
        if (!st) st = ae_matrix_alloc(&ax, x->rows, x->cols, err);
        if (!st) {
            se.augmented = &ax;
            if (se.noisy)
                d.target = &ax;
            else
                d.x = &ax;
            d.before_epoch = ae_run_prepare_epoch;
            d.hook_user = &se;
        }
    }
    if (!st) st = experiment_train(c, &d, checkpoint, out, h, err);
    ae_matrix_free(&nx);
    ae_matrix_free(&nv);
    ae_matrix_free(&ax);
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

/* snapshots/codes_test_epoch_NNN.npy: the codes of the test images after
 * `epoch` epochs (0: the initial weights), for pictures of the latent space
 * as it forms. */
static ae_status snapshot_codes(run_ctx *r, ae_model *m, int epoch, ae_error *err)
{
    const ae_dataset *test;
    char dir[1400], path[1500];
    ae_status st = ae_run_picture_set(r, &test, err);
    if (st || (st = ae_run_stage_path(r, dir, sizeof dir, "snapshots", err))) return st;
    if ((st = ae_mkdir_p(dir, err))) return st;
    snprintf(path, sizeof path, "%s/codes_test_epoch_%03d.npy", dir, epoch);
    ae_matrix codes = {0};
    if (!(st = ae_model_encode(m, &test->x, &codes, err))) st = ae_npy_write_matrix(path, &codes, err);
    ae_matrix_free(&codes);
    return st;
}

/* Before every epoch of a run: fresh noise or augmentation, and snapshots. */
static ae_status run_epoch_hook(void *user, int epoch, ae_error *err)
{
    run_ctx *r = user;
    ae_status st = r->prepare_epochs ? ae_run_prepare_epoch(&r->epoch, epoch, err) : AE_OK;
    long every = ae_config_int(r->cfg, "train", "snapshot_every");
    if (!st && every > 0 && (epoch - 1) % every == 0) st = snapshot_codes(r, r->live_model, epoch - 1, err);
    return st;
}

/* Trains the experiment's autoencoder on data.train into the run folder. */
ae_status ae_run_train_model(run_ctx *r, ae_error *err)
{
    const ae_config *c = r->cfg;
    const ae_dataset *d, *v = NULL;
    ae_status st = ae_run_get_split(r, ae_config_str(c, "data", "train"), &d, err);
    if (st) return st;
    const char *val = ae_config_str(c, "train", "validation");
    if (strcmp(val, "none") != 0 && (st = ae_run_get_split(r, val, &v, err))) return st;
    char ckpt[1400], hist_path[1400];
    if ((st = ae_run_stage_path(r, ckpt, sizeof ckpt, "model.aenn", err)) ||
        (st = ae_run_stage_path(r, hist_path, sizeof hist_path, "history.csv", err)))
        return st;
    train_data td = {.x = &d->x, .val_x = v ? &v->x : NULL, .o = r->o};
    ae_matrix *noisy_train = NULL, *noisy_val = NULL;
    if (r->noise.kind != AE_NOISE_NONE) {
        if ((st = ae_run_noisy_x(r, d, &noisy_train, err)) || (v && (st = ae_run_noisy_x(r, v, &noisy_val, err)))) return st;
        td = (train_data){.x = noisy_train, .target = &d->x, .val_x = noisy_val, .val_target = v ? &v->x : NULL,
                          .o = r->o};
    }
    epoch_state *es = &r->epoch;
    *es = (epoch_state){.clean = &d->x, .noisy = noisy_train, .noise = r->noise, .height = d->height, .width = d->width};
    es->augment.max_shift = (int)ae_config_int(c, "augment", "max_shift");
    es->augment.hflip = ae_config_bool(c, "augment", "hflip");
    int augmenting = es->augment.max_shift > 0 || es->augment.hflip;
    if (augmenting || (noisy_train && ae_config_bool(c, "noise", "fresh"))) {
        ae_rng_seed(&es->rng, (uint64_t)ae_config_int(c, "experiment", "seed") * 8 + 7);
        r->prepare_epochs = 1;
    }
    long snapshot_every = ae_config_int(c, "train", "snapshot_every");
    if (r->prepare_epochs || snapshot_every > 0) {
        td.before_epoch = run_epoch_hook;
        td.hook_user = r;
        td.live = &r->live_model;
    }
    if (augmenting) {
        /* the model learns from the augmented images (as the noisy input's clean target) */
        if ((st = ae_matrix_alloc(&r->augmented, d->x.rows, d->x.cols, err))) return st;
        es->augmented = &r->augmented;
        if (noisy_train)
            td.target = &r->augmented;
        else
            td.x = &r->augmented;
    }
    double t0 = ae_run_now();
    ae_train_history h = {0};
    st = experiment_train(c, &td, ckpt, &r->model, &h, err);
    double dt = ae_run_now() - t0;
    ae_run_add_time(r, "train", dt);
    if (!st) st = ae_train_history_write_csv(hist_path, &h, err);
    /* the hook saw the model up to epoch n - 1 */
    if (!st && snapshot_every > 0) st = snapshot_codes(r, r->model, h.n, err);
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
        json_object_object_add(r->training, "samples_per_s",
                               json_object_new_double((double)d->x.rows * h.n / secs));
        ae_run_say(r, "trained in %.1f s (%.2f s per epoch), final loss %.6f", dt, secs / h.n, last->train_loss);
    }
    ae_train_history_free(&r->history);
    r->history = h; /* kept for the loss figure */
    if (!st && r->noise.kind != AE_NOISE_NONE) st = report_denoising(r, v ? v : d, err);
    return st;
}
