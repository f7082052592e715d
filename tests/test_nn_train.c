/* Training: the loss falls on a toy problem, runs repeat exactly under one
 * seed, validation/history/CSV/progress report what happened, the divergence
 * guard stops with the checkpoint intact, and bad inputs are refused. */
#include "test_util.h"

#include "aeclust/nn.h"
#include "aeclust/rng.h"
#include "nn/model.h"

/* 512 points on a 4-d linear subspace of R^32, squashed into (0, 1):
 * x = sigmoid(z A), z ~ N(0, 1)^4, A (4, 32) ~ N(0, 1/4). */
static void toy_data(ae_matrix *x, size_t n, uint64_t seed)
{
    enum { K = 4, D = 32 };
    ae_error err;
    assert_int_equal(ae_matrix_alloc(x, n, D, &err), AE_OK);
    ae_rng r;
    ae_rng_seed(&r, seed);
    double a[K * D];
    for (int i = 0; i < K * D; i++) a[i] = ae_rng_normal(&r) * 0.5;
    for (size_t i = 0; i < n; i++) {
        double z[K];
        for (int k = 0; k < K; k++) z[k] = ae_rng_normal(&r);
        for (int d = 0; d < D; d++) {
            double s = 0;
            for (int k = 0; k < K; k++) s += z[k] * a[k * D + d];
            x->data[i * D + d] = (float)(1.0 / (1.0 + exp(-s)));
        }
    }
}

static ae_model *toy_model(uint64_t seed)
{
    ae_model *m;
    ae_error err;
    ae_model_init_opts o = ae_model_init_defaults();
    o.seed = seed;
    o.max_batch = 16; /* smaller than the batches below: training must grow it */
    if (ae_model_new("dense 24 relu, dense 4 linear", "dense 24 relu, dense 32 sigmoid", 32, &o, &m, &err))
        fail_msg("%s", err.msg);
    return m;
}

/* 40 epochs of Adam (lr 1e-2, batch 32) take the MSE down at least 50x from
 * the untrained model's (measured: 188x). */
static void test_loss_falls(void **state)
{
    (void)state;
    ae_matrix x = {0};
    toy_data(&x, 512, 1);
    ae_model *m = toy_model(2);
    ae_error err;
    double before, after;
    assert_int_equal(ae_model_loss(m, &x, NULL, AE_LOSS_MSE, &before, &err), AE_OK);
    ae_train_opts o = ae_train_defaults();
    o.epochs = 40;
    o.batch_size = 32;
    o.optim.lr = 1e-2;
    ae_train_history h;
    assert_int_equal(ae_train(m, &x, NULL, &o, &h, &err), AE_OK);
    assert_int_equal(h.n, 40);
    assert_int_equal(ae_model_loss(m, &x, NULL, AE_LOSS_MSE, &after, &err), AE_OK);
    print_message("toy MSE %.6f -> %.6f (%.1fx); epoch 1 %.6f, epoch 40 %.6f\n", before, after, before / after,
                  h.epochs[0].train_loss, h.epochs[39].train_loss);
    if (!(after * 50.0 <= before)) fail_msg("loss fell only from %g to %g", before, after);
    assert_true(h.epochs[39].train_loss < h.epochs[0].train_loss);
    for (int e = 0; e < h.n; e++) {
        assert_int_equal(h.epochs[e].epoch, e + 1);
        assert_true(isnan(h.epochs[e].val_loss));
        assert_true(h.epochs[e].seconds >= 0 && h.epochs[e].samples_per_s > 0);
    }
    ae_train_history_free(&h);
    ae_model_free(m);
    ae_matrix_free(&x);
}

/* The same seeds give the same history and the same weights, bit for bit;
 * another shuffling seed gives another history. */
static void test_reproducible(void **state)
{
    (void)state;
    ae_matrix x = {0};
    toy_data(&x, 512, 3);
    ae_error err;
    ae_train_opts o = ae_train_defaults();
    o.epochs = 4;
    o.batch_size = 50; /* 512 = 10 * 50 + 12: a short last batch */
    o.seed = 9;
    ae_train_history h[3];
    ae_matrix out[3] = {{0}};
    for (int run = 0; run < 3; run++) {
        ae_model *m = toy_model(4);
        if (run == 2) o.seed = 10;
        assert_int_equal(ae_train(m, &x, NULL, &o, &h[run], &err), AE_OK);
        assert_int_equal(ae_model_reconstruct(m, &x, &out[run], &err), AE_OK);
        ae_model_free(m);
    }
    for (int e = 0; e < 4; e++) assert_true(h[0].epochs[e].train_loss == h[1].epochs[e].train_loss);
    assert_memory_equal(out[0].data, out[1].data, x.rows * x.cols * sizeof(float));
    assert_true(h[2].epochs[3].train_loss != h[0].epochs[3].train_loss);
    for (int run = 0; run < 3; run++) {
        ae_train_history_free(&h[run]);
        ae_matrix_free(&out[run]);
    }
    ae_matrix_free(&x);
}

typedef struct {
    int calls, end_calls, last_epoch;
    size_t last_batch, n_batches;
    bool ok;
    double last_val;
} progress_log;

static void log_progress(void *user, const ae_train_progress *p)
{
    progress_log *l = user;
    l->calls++;
    if (p->epochs != 3 || p->batch < 1 || p->batch > p->n_batches || !(p->loss > 0) || !(p->eta_s >= 0) ||
        !(p->elapsed_s >= 0))
        l->ok = false;
    if (p->end_of_epoch) {
        l->end_calls++;
        if (p->epoch != l->last_epoch + 1 || isnan(p->val_loss)) l->ok = false;
        l->last_epoch = p->epoch;
        l->last_val = p->val_loss;
    } else if (!isnan(p->val_loss)) {
        l->ok = false;
    }
    l->last_batch = p->batch;
    l->n_batches = p->n_batches;
}

/* Validation loss per epoch equals ae_model_loss on the validation set at
 * the end; the CSV has a header and one row per epoch; the callback runs after
 * every batch and once more per epoch. */
static void test_validation_history_progress(void **state)
{
    (void)state;
    ae_matrix x = {0}, v = {0};
    toy_data(&x, 400, 5);
    toy_data(&v, 100, 6);
    ae_model *m = toy_model(7);
    ae_error err;
    progress_log log = {.ok = true};
    ae_train_opts o = ae_train_defaults();
    o.epochs = 3;
    o.batch_size = 64; /* 7 batches, the last of 16 */
    o.val_input = &v;
    o.progress = log_progress;
    o.user = &log;
    ae_train_history h;
    assert_int_equal(ae_train(m, &x, NULL, &o, &h, &err), AE_OK);
    assert_true(log.ok);
    assert_int_equal(log.calls, 3 * 7 + 3);
    assert_int_equal(log.end_calls, 3);
    assert_int_equal(log.n_batches, 7);
    double val;
    assert_int_equal(ae_model_loss(m, &v, NULL, AE_LOSS_MSE, &val, &err), AE_OK);
    assert_close(h.epochs[2].val_loss, val, 1e-12);
    assert_close(log.last_val, val, 1e-12);

    char dir[64], csv[128];
    test_tmpdir(dir, sizeof dir);
    snprintf(csv, sizeof csv, "%s/history.csv", dir);
    assert_int_equal(ae_train_history_write_csv(csv, &h, &err), AE_OK);
    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "epoch,train_loss,val_loss,seconds,samples_per_s\n");
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        int ep;
        double tl, vl, s, sps;
        assert_int_equal(sscanf(line, "%d,%lf,%lf,%lf,%lf", &ep, &tl, &vl, &s, &sps), 5);
        assert_int_equal(ep, rows + 1);
        assert_close(tl, h.epochs[rows].train_loss, 1e-8 * tl);
        assert_close(vl, h.epochs[rows].val_loss, 1e-8 * vl);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 3);
    snprintf(csv, sizeof csv, "%s/missing/history.csv", dir);
    assert_int_equal(ae_train_history_write_csv(csv, &h, &err), AE_ERR_IO);
    test_rmdir(dir);
    ae_train_history_free(&h);
    ae_model_free(m);
    ae_matrix_free(&x);
    ae_matrix_free(&v);
}

/* ---- divergence ---- */

typedef struct {
    ae_model *m;
    const char *ckpt;
    unsigned char *saved; /* the checkpoint as it was after epoch 1 */
    size_t saved_n;
    int last_batch_of; /* poison_last_batch: the epoch whose last batch goes bad */
} poison_ctx;

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)len + 1);
    *n = fread(p, 1, (size_t)len, f);
    fclose(f);
    return p;
}

/* After epoch 1 (checkpoint written), poison a weight: epoch 2's first loss is NaN. */
static void poison_after_epoch1(void *user, const ae_train_progress *p)
{
    poison_ctx *c = user;
    if (!p->end_of_epoch || p->epoch != 1) return;
    if (c->ckpt) c->saved = slurp(c->ckpt, &c->saved_n);
    c->m->params[0] = NAN;
}

/* Keeps the checkpoint after epoch 1; in epoch last_batch_of, right after its
 * last update (the callback runs after the step), makes a weight infinite. */
static void poison_last_batch(void *user, const ae_train_progress *p)
{
    poison_ctx *c = user;
    if (p->end_of_epoch && p->epoch == 1) c->saved = slurp(c->ckpt, &c->saved_n);
    if (!p->end_of_epoch && p->epoch == c->last_batch_of && p->batch == p->n_batches) c->m->params[3] = INFINITY;
}

static void test_divergence_keeps_checkpoint(void **state)
{
    (void)state;
    ae_matrix x = {0};
    toy_data(&x, 256, 8);
    char dir[64], ckpt[128];
    test_tmpdir(dir, sizeof dir);
    snprintf(ckpt, sizeof ckpt, "%s/ckpt.aenn", dir);
    ae_model *m = toy_model(9);
    poison_ctx c = {.m = m, .ckpt = ckpt};
    ae_train_opts o = ae_train_defaults();
    o.epochs = 5;
    o.batch_size = 64;
    o.checkpoint = ckpt;
    o.progress = poison_after_epoch1;
    o.user = &c;
    ae_train_history h;
    ae_error err;
    assert_int_equal(ae_train(m, &x, NULL, &o, &h, &err), AE_ERR_NUMERIC);
    char want[256];
    snprintf(want, sizeof want, "training diverged at epoch 2, batch 1 (loss = nan); the last good model is in %s",
             ckpt);
    assert_string_equal(err.msg, want);
    assert_int_equal(h.n, 1); /* the good epoch is in the history */
    assert_non_null(c.saved);
    size_t n;
    unsigned char *now = slurp(ckpt, &n);
    assert_int_equal(n, c.saved_n);
    assert_memory_equal(now, c.saved, n); /* untouched since epoch 1 */
    ae_model *good;
    assert_int_equal(ae_model_load(ckpt, &good, &err), AE_OK);
    double loss;
    assert_int_equal(ae_model_loss(good, &x, NULL, AE_LOSS_MSE, &loss, &err), AE_OK);
    assert_true(isfinite(loss));
    ae_model_free(good);
    free(now);
    free(c.saved);
    ae_train_history_free(&h);
    ae_model_free(m);

    /* a parameter going bad in an epoch's last update is caught before it
     * can be checkpointed */
    m = toy_model(9);
    c = (poison_ctx){.m = m, .ckpt = ckpt, .last_batch_of = 2};
    o.progress = poison_last_batch;
    assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_ERR_NUMERIC);
    snprintf(want, sizeof want,
             "training diverged at epoch 2, batch 4 (a parameter after the update = inf); the last good model is in %s",
             ckpt);
    assert_string_equal(err.msg, want);
    now = slurp(ckpt, &n);
    assert_int_equal(n, c.saved_n);
    assert_memory_equal(now, c.saved, n);
    free(now);
    free(c.saved);
    ae_model_free(m);
    o.progress = poison_after_epoch1;

    /* without a checkpoint */
    m = toy_model(9);
    c = (poison_ctx){.m = m};
    o.checkpoint = NULL;
    assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_ERR_NUMERIC);
    assert_string_equal(err.msg, "training diverged at epoch 2, batch 1 (loss = nan); no checkpoint was set");
    ae_model_free(m);

    /* a real blow-up: plain SGD with a huge step size, within the first epoch */
    o = ae_train_defaults();
    o.epochs = 3;
    o.batch_size = 16;
    o.optim.kind = AE_OPTIM_SGD;
    o.optim.lr = 1e6;
    o.checkpoint = ckpt;
    unlink(ckpt);
    assert_int_equal(ae_model_new("dense 24 linear, dense 4 linear", "dense 24 linear, dense 32 linear", 32, NULL,
                                  &m, &err),
                     AE_OK);
    assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "training diverged at epoch 1, batch "));
    assert_non_null(strstr(err.msg, "no epoch had completed, so no checkpoint was written"));
    assert_int_equal(access(ckpt, F_OK), -1);
    ae_model_free(m);

    ae_matrix_free(&x);
    test_rmdir(dir);
}

/* Noisy input, clean target; BCE with a sigmoid output; rows in order. */
static void test_denoising_bce_noshuffle(void **state)
{
    (void)state;
    ae_matrix clean = {0}, noisy = {0};
    toy_data(&clean, 256, 10);
    ae_error err;
    assert_int_equal(ae_matrix_alloc(&noisy, 256, 32, &err), AE_OK);
    ae_rng r;
    ae_rng_seed(&r, 11);
    for (size_t i = 0; i < 256 * 32; i++) {
        float v = clean.data[i] + 0.2f * (float)ae_rng_normal(&r);
        noisy.data[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    ae_model *m = toy_model(12);
    double before, after;
    assert_int_equal(ae_model_loss(m, &noisy, &clean, AE_LOSS_BCE, &before, &err), AE_OK);
    ae_train_opts o = ae_train_defaults();
    o.epochs = 30;
    o.batch_size = 32;
    o.optim.lr = 1e-2;
    o.loss = AE_LOSS_BCE;
    o.shuffle = false;
    assert_int_equal(ae_train(m, &noisy, &clean, &o, NULL, &err), AE_OK);
    assert_int_equal(ae_model_loss(m, &noisy, &clean, AE_LOSS_BCE, &after, &err), AE_OK);
    print_message("denoising BCE %.5f -> %.5f\n", before, after);
    /* BCE against soft targets never reaches 0 (it bottoms out at their
     * entropy), so the test asks for a clear absolute drop */
    assert_true(after < before - 0.02);
    ae_model_free(m);
    ae_matrix_free(&clean);
    ae_matrix_free(&noisy);
}

/* before_epoch runs once before each epoch, sees the epoch number, may
 * rewrite the input, and its error stops training after the epochs before it. */
typedef struct {
    int calls, last_epoch, fail_at;
    ae_matrix *input;
} epoch_hook;

static ae_status hook_before_epoch(void *user, int epoch, ae_error *err)
{
    epoch_hook *h = user;
    h->calls++;
    h->last_epoch = epoch;
    if (epoch == h->fail_at) return ae_fail(err, AE_ERR_ARG, "hook refused epoch %d", epoch);
    for (size_t i = 0; i < h->input->rows * h->input->cols; i++) h->input->data[i] *= 0.5f;
    return AE_OK;
}

static void test_before_epoch_hook(void **state)
{
    (void)state;
    ae_matrix x = {0}, t = {0};
    toy_data(&x, 128, 14);
    toy_data(&t, 128, 14);
    ae_model *m = toy_model(2);
    ae_error err;
    epoch_hook hk = {.fail_at = 3, .input = &x};
    ae_train_opts o = ae_train_defaults();
    o.epochs = 5;
    o.batch_size = 32;
    o.before_epoch = hook_before_epoch;
    o.user = &hk;
    ae_train_history h;
    assert_int_equal(ae_train(m, &x, &t, &o, &h, &err), AE_ERR_ARG);
    assert_string_equal(err.msg, "hook refused epoch 3");
    assert_int_equal(hk.calls, 3);
    assert_int_equal(h.n, 2);
    /* two epochs rewrote the input: every value is a quarter of the target's */
    assert_close(x.data[7], t.data[7] * 0.25f, 1e-7);
    ae_train_history_free(&h);
    ae_model_free(m);
    ae_matrix_free(&x);
    ae_matrix_free(&t);
}

static void test_refusals(void **state)
{
    (void)state;
    ae_matrix x = {0}, t = {0};
    toy_data(&x, 64, 12);
    ae_error err;
    ae_model *m = toy_model(13);
    ae_train_opts o = ae_train_defaults();
    o.epochs = 1;

    x.data[5 * 32 + 7] = NAN;
    assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_ERR_NUMERIC);
    assert_string_equal(err.msg, "training input: NaN at row 5, column 7");
    x.data[5 * 32 + 7] = 0.5f;

    assert_int_equal(ae_matrix_alloc(&t, 64, 31, &err), AE_OK);
    assert_int_equal(ae_train(m, &x, &t, &o, NULL, &err), AE_ERR_ARG);
    assert_string_equal(err.msg, "training: target is 64 x 31, input 64 x 32");
    ae_matrix_free(&t);

    o.epochs = 0;
    assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "epochs"));
    o.epochs = 1;
    o.batch_size = 1000; /* larger than the data: one batch */
    assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_OK);

    ae_model *lin;
    assert_int_equal(ae_model_new("dense 4", "dense 32 relu", 32, NULL, &lin, &err), AE_OK);
    o.loss = AE_LOSS_BCE;
    assert_int_equal(ae_train(lin, &x, NULL, &o, NULL, &err), AE_ERR_ARG);
    assert_string_equal(err.msg, "loss bce needs a sigmoid output layer (the decoder ends with 'dense 32 relu')");
    ae_model_free(lin);

    ae_matrix wrong = {0}, codes = {0};
    assert_int_equal(ae_matrix_alloc(&wrong, 3, 31, &err), AE_OK);
    assert_int_equal(ae_model_encode(m, &wrong, &codes, &err), AE_ERR_ARG);
    assert_string_equal(err.msg, "encode: input has 31 columns, the model wants 32");
    ae_matrix_free(&wrong);
    ae_model_free(m);
    ae_matrix_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss_falls),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_validation_history_progress),
        cmocka_unit_test(test_divergence_keeps_checkpoint),
        cmocka_unit_test(test_denoising_bce_noshuffle),
        cmocka_unit_test(test_before_epoch_hook),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
