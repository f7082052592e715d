/* Mini-batch training: shuffle, gather a batch, forward, loss, backward,
 * optimiser step; per-epoch validation, checkpoint and history. Everything the
 * loop touches is allocated before the first batch. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeclust/rng.h"
#include "core/atomic_file.h"
#include "loss.h"
#include "model.h"
#include "optim.h"

ae_train_opts ae_train_defaults(void)
{
    return (ae_train_opts){
        .epochs = 20,
        .batch_size = 256,
        .optim = ae_optim_defaults(),
        .loss = AE_LOSS_MSE,
        .seed = 0,
        .shuffle = true,
        .kl_beta = 1.0,
        .recon_weight = 1.0,
    };
}

/* "nan", "inf", "-inf" (printf may say "-nan"). */
static const char *nonfinite_text(double v) { return isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

/* The first NaN/Inf of p (n), or 0 when all are finite. */
static double first_nonfinite(const float *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i])) return p[i];
    return 0.0;
}

/* "training diverged at epoch 3, batch 117 (loss = nan); the last good model is in CKPT" */
static ae_status diverged(ae_error *err, int epoch, size_t batch, const char *what, double v, bool checkpointed,
                          const char *ckpt)
{
    char where[64];
    if (batch)
        snprintf(where, sizeof where, "epoch %d, batch %zu", epoch, batch);
    else
        snprintf(where, sizeof where, "epoch %d", epoch);
    if (checkpointed)
        return ae_fail(err, AE_ERR_NUMERIC, "training diverged at %s (%s = %s); the last good model is in %s", where,
                       what, nonfinite_text(v), ckpt);
    return ae_fail(err, AE_ERR_NUMERIC, "training diverged at %s (%s = %s); %s", where, what, nonfinite_text(v),
                   ckpt ? "no epoch had completed, so no checkpoint was written" : "no checkpoint was set");
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void ae_train_history_free(ae_train_history *h)
{
    if (!h) return;
    free(h->epochs);
    h->epochs = NULL;
    h->n = 0;
}

ae_status ae_train_history_write_csv(const char *path, const ae_train_history *h, ae_error *err)
{
    ae_afile f;
    ae_status st = ae_afile_open(&f, path, err);
    if (st) return st;
    st = ae_afile_printf(&f, err, "epoch,train_loss,val_loss,seconds,samples_per_s\n");
    for (int i = 0; !st && i < h->n; i++) {
        const ae_epoch_stats *e = &h->epochs[i];
        st = ae_afile_printf(&f, err, "%d,%.9g,%.9g,%.6f,%.1f\n", e->epoch, e->train_loss, e->val_loss, e->seconds,
                             e->samples_per_s);
    }
    if (st) {
        ae_afile_abort(&f);
        return st;
    }
    return ae_afile_commit(&f, err);
}

/* BCE needs outputs in [0, 1] and then takes the fused sigmoid gradient. */
static ae_status check_loss(const ae_model *m, ae_loss_kind loss, ae_error *err)
{
    if (loss == AE_LOSS_MSE) return AE_OK;
    if (loss != AE_LOSS_BCE) return ae_fail(err, AE_ERR_ARG, "unknown loss %d", (int)loss);
    const ae_layer *last = &m->layers[m->n_layers - 1];
    if (last->act != AE_ACT_SIGMOID)
        return ae_fail(err, AE_ERR_ARG, "loss bce needs a sigmoid output layer (the decoder ends with '%s')",
                       strrchr(m->dec_spec, ',') ? strrchr(m->dec_spec, ',') + 2 : m->dec_spec);
    return AE_OK;
}

static ae_status check_pair(const ae_model *m, const ae_matrix *in, const ae_matrix *tg, const char *what,
                            ae_error *err)
{
    if (!in || !in->data || in->rows == 0) return ae_fail(err, AE_ERR_ARG, "%s: no rows", what);
    if (in->cols != (size_t)m->input_dim)
        return ae_fail(err, AE_ERR_ARG, "%s: %zu columns, the model wants %d", what, in->cols, m->input_dim);
    if (tg != in && (tg->rows != in->rows || tg->cols != in->cols))
        return ae_fail(err, AE_ERR_ARG, "%s: target is %zu x %zu, input %zu x %zu", what, tg->rows, tg->cols,
                       in->rows, in->cols);
    char name[64];
    snprintf(name, sizeof name, "%s input", what);
    ae_status st = ae_matrix_check_finite(in, name, err);
    if (!st && tg != in) {
        snprintf(name, sizeof name, "%s target", what);
        st = ae_matrix_check_finite(tg, name, err);
    }
    return st;
}

double ae_batch_loss(ae_model *m, const float *x, const float *t, int B, ae_loss_kind loss, double kl_beta,
                     bool backward)
{
    const size_t count = (size_t)B * (size_t)m->input_dim;
    ae_layer *g = ae_model_gaussian(m);
    /* a VAE's loss is a per-row sum, averaged over the rows */
    const double per = g ? (double)B : (double)count;
    const bool preact = loss == AE_LOSS_BCE; /* sigmoid output, checked by the callers */
    float *dy = backward ? m->gbuf[0] : NULL;
    if (g) g->cfg.gauss.kl_weight = (float)(kl_beta / per);
    const float *y = ae_model_forward(m, x, B, 0, m->n_layers);
    double sum = ae_loss_eval(loss, y, t, count, dy, (float)(1.0 / per), preact);
    if (g) sum += kl_beta * g->cfg.gauss.kl_sum;
    if (backward && isfinite(sum)) ae_model_backward(m, x, dy, B, 0, m->n_layers, NULL, preact ? AE_BWD_PREACT : 0);
    return sum / per;
}

/* The loss over all rows (no gradient), batched: the mean over all elements,
 * or for a VAE over the rows of the per-row sum. */
static double loss_mean(ae_model *m, const ae_matrix *in, const ae_matrix *tg, ae_loss_kind loss, double kl_beta)
{
    size_t D = (size_t)m->input_dim, chunk = (size_t)m->max_batch;
    double s = 0.0;
    for (size_t r = 0; r < in->rows; r += chunk) {
        int B = (int)(in->rows - r < chunk ? in->rows - r : chunk);
        s += ae_batch_loss(m, in->data + r * D, tg->data + r * D, B, loss, kl_beta, false) * B;
    }
    return s / (double)in->rows;
}

ae_status ae_model_loss(ae_model *m, const ae_matrix *input, const ae_matrix *target, ae_loss_kind loss,
                        double *out, ae_error *err)
{
    if (!target) target = input;
    ae_status st = check_loss(m, loss, err);
    if (!st) st = check_pair(m, input, target, "loss", err);
    if (st) return st;
    /* reconstruction only, from the mean code: no KL term, no latent noise */
    size_t D = (size_t)m->input_dim, chunk = (size_t)m->max_batch;
    double s = 0.0;
    ae_layer_mode was = m->layers[0].mode;
    ae_model_set_mode(m, false, NULL);
    for (size_t r = 0; r < input->rows; r += chunk) {
        int B = (int)(input->rows - r < chunk ? input->rows - r : chunk);
        const float *y = ae_model_forward(m, input->data + r * D, B, 0, m->n_layers);
        s += ae_loss_eval(loss, y, target->data + r * D, (size_t)B * D, NULL, 0.0f, false);
    }
    ae_model_set_mode(m, was.training, was.rng);
    *out = s / ((double)input->rows * (double)D);
    return AE_OK;
}

/* The end of the trained layer range: train_to, else the last layer, or the
 * encoder's last when the decoder does not run (a reconstruction weight of 0). */
static int trained_to(const ae_model *m, const ae_train_opts *o)
{
    if (o->train_to > 0) return o->train_to;
    return o->recon_weight == 0.0 ? m->n_enc : m->n_layers;
}

static ae_status check_opts(const ae_model *m, const ae_train_opts *o, ae_error *err)
{
    if (o->epochs <= 0) return ae_fail(err, AE_ERR_ARG, "epochs must be positive, got %d", o->epochs);
    if (o->batch_size <= 0) return ae_fail(err, AE_ERR_ARG, "batch size must be positive, got %d", o->batch_size);
    if (o->batch_size > AE_TRAIN_MAX_BATCH)
        return ae_fail(err, AE_ERR_ARG, "batch size %d is too large (at most %d)", o->batch_size, AE_TRAIN_MAX_BATCH);
    if (!(o->kl_beta >= 0.0 && o->kl_beta < 1e30))
        return ae_fail(err, AE_ERR_ARG, "the KL weight beta must be finite and at least 0, got %g", o->kl_beta);
    if (!(o->recon_weight >= 0.0 && o->recon_weight < 1e30))
        return ae_fail(err, AE_ERR_ARG, "the reconstruction weight must be finite and at least 0, got %g",
                       o->recon_weight);
    const int to = trained_to(m, o);
    if (o->train_from < 0 || o->train_to < 0 || o->train_from >= to || to > m->n_layers)
        return ae_fail(err, AE_ERR_ARG, "trained layers [%d, %d) are not a range of the model's %d layers",
                       o->train_from, o->train_to, m->n_layers);
    const ae_train_hook *h = o->hook;
    if (o->recon_weight == 0.0 && (!h || !h->code_loss))
        return ae_fail(err, AE_ERR_ARG, "a reconstruction weight of 0 leaves nothing to train without a code loss");
    if (o->recon_weight == 0.0 && to > m->n_enc)
        return ae_fail(err, AE_ERR_ARG, "a reconstruction weight of 0 trains the encoder only, not layers up to %d of %d",
                       to, m->n_layers);
    if (h && h->n_params && (!h->params || !h->grads))
        return ae_fail(err, AE_ERR_ARG, "the hook declares %zu parameters but gives no buffers", h->n_params);
    /* without a code_loss nothing would ever write their gradients */
    if (h && h->n_params && !h->code_loss)
        return ae_fail(err, AE_ERR_ARG, "the hook declares %zu parameters but no code_loss to train them", h->n_params);
    return ae_optim_check(&o->optim, err);
}

ae_status ae_hooked_batch_loss(ae_model *m, const float *x, const float *t, const ae_train_opts *o, ae_batch_view *v,
                               float *dcodes, double *loss, double *hook_part, ae_error *err)
{
    const int B = v->rows, n_enc = m->n_enc, C = ae_model_code_dim(m);
    const ae_train_hook *h = o->hook;
    const bool recon = o->recon_weight > 0.0;
    const size_t count = (size_t)B * (size_t)m->input_dim;
    ae_layer *g = ae_model_gaussian(m);
    const double per = g ? (double)B : (double)count;
    const bool preact = o->loss == AE_LOSS_BCE;
    if (g) g->cfg.gauss.kl_weight = (float)(o->recon_weight * o->kl_beta / per);
    const float *y = ae_model_forward(m, x, B, 0, recon ? m->n_layers : n_enc);
    v->codes = m->out[n_enc - 1];
    double rec = 0.0;
    memset(dcodes, 0, (size_t)B * (size_t)C * sizeof(float));
    if (recon) {
        float *dy = m->gbuf[0];
        double sum = ae_loss_eval(o->loss, y, t, count, dy, (float)(o->recon_weight / per), preact);
        if (g) sum += o->kl_beta * g->cfg.gauss.kl_sum;
        rec = o->recon_weight * sum / per;
        if (isfinite(rec)) ae_model_backward(m, m->out[n_enc - 1], dy, B, n_enc, m->n_layers, dcodes, preact ? AE_BWD_PREACT : 0);
    }
    /* the decoder's gradient is in dcodes; the hook adds its own to it */
    double extra = 0.0;
    if (h && h->code_loss) {
        if (h->n_params) memset(h->grads, 0, h->n_params * sizeof(float));
        ae_status st = h->code_loss(h->user, v, dcodes, &extra, err);
        if (st) return st;
    }
    *loss = rec + extra;
    *hook_part = extra;
    if (isfinite(*loss)) ae_model_backward(m, x, dcodes, B, 0, n_enc, NULL, 0);
    return AE_OK;
}

/* Everything one training run allocates, freed together. */
typedef struct {
    size_t *idx;    /* (n) row order of the current epoch */
    float *xb;      /* (B, D) gathered input batch */
    float *tb;      /* (B, D) gathered target batch, NULL when the target is the input */
    float *dcodes;  /* (B, code_dim) the gradient at the code, with a hook or a reconstruction weight */
    ae_optim opt;   /* of the trained layers' parameters */
    ae_optim hopt;  /* of the hook's parameters */
} train_ws;

static void ws_free(train_ws *w)
{
    free(w->idx);
    free(w->xb);
    free(w->tb);
    free(w->dcodes);
    ae_optim_free(&w->opt);
    ae_optim_free(&w->hopt);
}

/* Offset of layer i's parameters in the model's block. */
static size_t param_offset(const ae_model *m, int i) { return (size_t)(m->layers[i].params - m->params); }

ae_status ae_train(ae_model *m, const ae_matrix *input, const ae_matrix *target, const ae_train_opts *o,
                   ae_train_history *history, ae_error *err)
{
    ae_train_opts def = ae_train_defaults();
    if (!o) o = &def;
    if (history) *history = (ae_train_history){0};
    if (!target) target = input;
    const ae_matrix *vin = o->val_input, *vtg = o->val_target ? o->val_target : o->val_input;
    ae_status st = check_opts(m, o, err);
    if (!st) st = check_loss(m, o->loss, err);
    if (!st) st = check_pair(m, input, target, "training", err);
    if (!st && vin) st = check_pair(m, vin, vtg, "validation", err);
    if (st) return st;

    const size_t n = input->rows, D = (size_t)m->input_dim;
    /* batch_size <= AE_TRAIN_MAX_BATCH (checked), so a smaller n fits an int too */
    const int B = (size_t)o->batch_size < n ? o->batch_size : (int)n;
    const size_t n_batches = (n + (size_t)B - 1) / (size_t)B;
    const bool distinct_target = target != input;
    const ae_train_hook *hook = o->hook;
    /* the plain path (ae_batch_loss) unless a hook or a weight changes the loss */
    const bool hooked = (hook && hook->code_loss) || o->recon_weight != 1.0;
    const int train_to = trained_to(m, o);
    const size_t p0 = param_offset(m, o->train_from),
                 p1 = train_to < m->n_layers ? param_offset(m, train_to) : m->n_params;

    train_ws w = {0};
    st = ae_model_reserve(m, B, err);
    if (!st) st = ae_optim_init(&w.opt, &o->optim, p1 - p0, err);
    if (!st && hook && hook->n_params) st = ae_optim_init(&w.hopt, &o->optim, hook->n_params, err);
    if (st) {
        ws_free(&w);
        return st;
    }
    w.idx = malloc(n * sizeof *w.idx);
    w.xb = malloc((size_t)B * D * sizeof(float));
    w.tb = distinct_target ? malloc((size_t)B * D * sizeof(float)) : NULL;
    w.dcodes = hooked ? malloc((size_t)B * (size_t)ae_model_code_dim(m) * sizeof(float)) : NULL;
    ae_epoch_stats *hist = calloc((size_t)o->epochs, sizeof *hist);
    if (!w.idx || !w.xb || (distinct_target && !w.tb) || (hooked && !w.dcodes) || !hist) {
        ws_free(&w);
        free(hist);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for training buffers (%zu rows)", n);
    }
    for (size_t i = 0; i < n; i++) w.idx[i] = i;

    /* shuffling, the draws inside batches (a VAE's eps, dropout) and a VAE's
     * validation each have a stream of their own (rng.h) */
    ae_rng rng, latent_rng;
    ae_rng_seed(&rng, ae_stream_seed(o->seed, AE_STREAM_SHUFFLE, 0));
    ae_rng_seed(&latent_rng, ae_stream_seed(o->seed, AE_STREAM_SAMPLING, 0));
    const double t_start = now_s();
    const double total_samples = (double)n * o->epochs;
    bool checkpointed = false, stop = false;
    int done = 0;
    long step = 0;

    for (int e = 1; e <= o->epochs && !st && !stop; e++) {
        const double t_epoch = now_s();
        if (o->before_epoch && (st = o->before_epoch(o->user, e, err))) break;
        if (o->shuffle) ae_rng_shuffle(&rng, w.idx, n);
        double run_sum = 0.0, hook_sum = 0.0; /* sums over batches of batch mean loss * rows */
        size_t seen = 0, batches = 0;         /* rows and batches trained in this epoch */
        for (size_t bi = 0; bi < n_batches; bi++) {
            size_t r0 = bi * (size_t)B;
            int nb = (int)(n - r0 < (size_t)B ? n - r0 : (size_t)B);
            const float *xb, *tb;
            if (o->shuffle) {
                for (int r = 0; r < nb; r++)
                    memcpy(w.xb + (size_t)r * D, input->data + w.idx[r0 + r] * D, D * sizeof(float));
                if (distinct_target)
                    for (int r = 0; r < nb; r++)
                        memcpy(w.tb + (size_t)r * D, target->data + w.idx[r0 + r] * D, D * sizeof(float));
                xb = w.xb;
                tb = distinct_target ? w.tb : w.xb;
            } else { /* rows in order: the batch is already contiguous */
                xb = input->data + r0 * D;
                tb = target->data + r0 * D;
            }
            ae_batch_view view = {.epoch = e, .batch = bi, .step = step, .rows = nb, .index = w.idx + r0,
                                  .code_dim = ae_model_code_dim(m)};
            if (hook && hook->before_batch) {
                if ((st = hook->before_batch(hook->user, &view, &stop, err))) break;
                if (stop) break;
            }
            double loss, hook_part = 0.0;
            ae_model_set_mode(m, true, &latent_rng);
            if (hooked)
                st = ae_hooked_batch_loss(m, xb, tb, o, &view, w.dcodes, &loss, &hook_part, err);
            else
                loss = ae_batch_loss(m, xb, tb, nb, o->loss, o->kl_beta, true);
            ae_model_set_mode(m, false, NULL);
            if (st) break;
            if (!isfinite(loss)) {
                st = diverged(err, e, bi + 1, "loss", loss, checkpointed, o->checkpoint);
                break;
            }
            ae_optim_step(&w.opt, m->params + p0, m->grads + p0);
            if (hook && hook->n_params) ae_optim_step(&w.hopt, hook->params, hook->grads);
            step++;
            batches++;
            run_sum += loss * nb;
            hook_sum += hook_part * nb;
            seen += (size_t)nb;
            if (o->progress) {
                double t = now_s(), ep_s = t - t_epoch, el = t - t_start;
                double done_samples = (double)n * (e - 1) + (double)seen;
                ae_train_progress p = {
                    .epoch = e,
                    .epochs = o->epochs,
                    .batch = bi + 1,
                    .n_batches = n_batches,
                    .loss = run_sum / (double)seen,
                    .samples_per_s = ep_s > 0 ? (double)seen / ep_s : 0.0,
                    .elapsed_s = el,
                    .eta_s = el / done_samples * (total_samples - done_samples),
                    .val_loss = NAN,
                    .end_of_epoch = false,
                };
                o->progress(o->user, &p);
            }
        }
        if (st) break;
        if (seen == 0) break; /* the hook stopped training before this epoch's first batch */
        const double train_s = now_s() - t_epoch;
        /* the epoch's last update has not been through a loss yet: check it
         * before it can become the checkpoint */
        double bad = first_nonfinite(m->params, m->n_params);
        if (bad == 0.0 && hook && hook->n_params) bad = first_nonfinite(hook->params, hook->n_params);
        if (bad != 0.0) {
            st = diverged(err, e, batches, "a parameter after the update", bad, checkpointed, o->checkpoint);
            break;
        }
        double val = NAN;
        if (vin) {
            /* a VAE's validation draws its eps from a stream of its own per epoch */
            ae_rng val_rng;
            ae_rng_seed(&val_rng, ae_stream_seed(o->seed, AE_STREAM_VALIDATION, (uint64_t)e));
            ae_model_set_mode(m, false, &val_rng);
            val = loss_mean(m, vin, vtg, o->loss, o->kl_beta);
            ae_model_set_mode(m, false, NULL);
            if (!isfinite(val)) {
                st = diverged(err, e, 0, "validation loss", val, checkpointed, o->checkpoint);
                break;
            }
        }
        ae_epoch_stats *h = &hist[done];
        h->epoch = e;
        h->train_loss = run_sum / (double)seen;
        h->hook_loss = hook && hook->code_loss ? hook_sum / (double)seen : NAN;
        h->val_loss = val;
        h->samples_per_s = train_s > 0 ? (double)seen / train_s : 0.0;
        if (o->checkpoint) {
            st = ae_model_save(m, o->checkpoint, err);
            if (st) break;
            checkpointed = true;
        }
        h->seconds = now_s() - t_epoch;
        done++;
        if (o->progress) {
            double el = now_s() - t_start, done_samples = (double)n * (e - 1) + (double)seen;
            ae_train_progress p = {
                .epoch = e,
                .epochs = o->epochs,
                .batch = batches, /* fewer than n_batches when before_batch stopped the epoch */
                .n_batches = n_batches,
                .loss = h->train_loss,
                .samples_per_s = h->samples_per_s,
                .elapsed_s = el,
                .eta_s = el / done_samples * (total_samples - done_samples),
                .val_loss = val,
                .end_of_epoch = true,
            };
            o->progress(o->user, &p);
        }
    }
    ws_free(&w);
    if (history) {
        history->n = done;
        history->epochs = hist;
    } else {
        free(hist);
    }
    return st;
}
