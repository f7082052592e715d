/* ae_train's open loop: the per-batch hook, the reconstruction weight and the
 * trained layer range.
 *
 * Gradients: ae_hooked_batch_loss (the batch loss with a code term and/or a
 * weighted reconstruction) against central differences of the loss it
 * returns, w.r.t. every model parameter and every parameter of the hook's
 * term. The term is quadratic, lambda / B * sum_b ||z_b - c||^2 with the
 * centre c the hook's own parameters. Cases: a reconstruction weight of 0.3
 * with the term; weight 0 (the encoder alone: the decoder never runs and its
 * gradients are left untouched); weight 2.5 without a term, BCE; a VAE (the
 * KL term weighted too, its noise held fixed); batchnorm and dropout in
 * training mode. With weight 1 and no term the path equals ae_batch_loss bit
 * for bit.
 * Training: the layers outside [train_from, train_to) keep their parameters
 * bit for bit while every trained layer's change; an encoder-only run with
 * the term moves the centre; before_batch sees each batch and its stop ends
 * training with the partial epoch in the history (and the checkpoint), and
 * its error stops training with that error. */
#include "test_util.h"

#include "aeclust/nn.h"
#include "aeclust/rng.h"
#include "nn/loss.h"
#include "nn/model.h"
#include "nn_fd.h"

/* ---- the hook's quadratic code term ---- */

typedef struct {
    double lambda;
    int code_dim;
    float *centre, *dcentre; /* (code_dim) the hook's parameters and their gradient */
    int calls;
    double sum, rows;        /* the term's value times rows, and rows, over the calls */
} centre_term;

static ae_status centre_loss(void *user, const ae_batch_view *v, float *dcodes, double *loss, ae_error *err)
{
    (void)err;
    centre_term *ct = user;
    const int B = v->rows, C = v->code_dim;
    assert_int_equal(C, ct->code_dim);
    assert_non_null(v->codes);
    const double w = ct->lambda / B;
    double L = 0;
    for (int b = 0; b < B; b++)
        for (int j = 0; j < C; j++) {
            const double d = (double)v->codes[b * C + j] - ct->centre[j];
            L += w * d * d;
            dcodes[b * C + j] += (float)(2 * w * d);
            ct->dcentre[j] -= (float)(2 * w * d);
        }
    *loss = L;
    ct->calls++;
    ct->sum += L * B;
    ct->rows += B;
    return AE_OK;
}

/* ---- gradients of the hooked batch loss ---- */

typedef struct {
    const char *enc, *dec;
    int D, B;
    ae_loss_kind loss;
    double recon_weight, kl_beta;
    bool term;     /* with the centre term */
    bool training; /* training mode with a generator (reseeded before every pass) */
    double atol, rtol;
} hook_case;

typedef struct {
    const hook_case *c;
    ae_model *m;
    ae_train_opts o;
    ae_train_hook hook;
    centre_term ct;
    ae_batch_view view;
    size_t *index;
    float *x, *t, *dcodes, *state0;
    ae_rng gen;
    double hook_part;
} hook_run;

static double hooked_objective(void *ctx)
{
    hook_run *u = ctx;
    ae_model *m = u->m;
    if (m->n_state) memcpy(m->state, u->state0, m->n_state * sizeof(float));
    ae_rng_seed(&u->gen, 77);
    ae_model_set_mode(m, u->c->training, u->c->training ? &u->gen : NULL);
    double loss;
    ae_error err;
    if (ae_hooked_batch_loss(m, u->x, u->t, &u->o, &u->view, u->dcodes, &loss, &u->hook_part, &err))
        fail_msg("%s", err.msg);
    ae_model_set_mode(m, false, NULL);
    return loss;
}

static void run_hook_case(const hook_case *c, uint64_t seed)
{
    hook_run u = {.c = c};
    ae_error err;
    ae_model_init_opts io = ae_model_init_defaults();
    io.seed = seed;
    io.max_batch = 8;
    if (ae_model_new(c->enc, c->dec, c->D, &io, &u.m, &err)) fail_msg("%s", err.msg);
    ae_model *m = u.m;
    ae_rng rng;
    ae_rng_seed(&rng, seed + 1);
    for (size_t p = 0; p < m->n_params; p++) m->params[p] += (float)(0.3 * (2 * ae_rng_uniform(&rng) - 1));
    u.state0 = malloc((m->n_state + 1) * sizeof *u.state0);
    if (m->n_state) memcpy(u.state0, m->state, m->n_state * sizeof(float));
    const int C = ae_model_code_dim(m), B = c->B;
    const size_t nx = (size_t)B * c->D;
    u.x = malloc(nx * sizeof *u.x);
    u.t = malloc(nx * sizeof *u.t);
    u.dcodes = malloc((size_t)B * C * sizeof *u.dcodes);
    u.index = malloc((size_t)B * sizeof *u.index);
    for (int b = 0; b < B; b++) u.index[b] = (size_t)b;
    fill_uniform(u.x, nx, 0.05, 0.95, &rng);
    fill_uniform(u.t, nx, 0.05, 0.95, &rng);
    u.ct = (centre_term){.lambda = 0.7, .code_dim = C, .centre = malloc(C * sizeof(float)),
                         .dcentre = malloc(C * sizeof(float))};
    fill_uniform(u.ct.centre, (size_t)C, -0.5, 0.5, &rng);
    u.hook = (ae_train_hook){.code_loss = centre_loss, .user = &u.ct, .params = u.ct.centre, .grads = u.ct.dcentre,
                             .n_params = (size_t)C};
    u.o = ae_train_defaults();
    u.o.loss = c->loss;
    u.o.recon_weight = c->recon_weight;
    u.o.kl_beta = c->kl_beta;
    u.o.hook = c->term ? &u.hook : NULL;
    u.view = (ae_batch_view){.epoch = 1, .rows = B, .index = u.index, .code_dim = C};

    /* the analytic gradients; a NaN sentinel shows what the pass leaves untouched */
    const size_t n_enc = m->n_enc_params;
    for (size_t p = 0; p < m->n_params; p++) m->grads[p] = NAN;
    const double loss = hooked_objective(&u);
    float *g = malloc(m->n_params * sizeof *g), *hg = malloc(C * sizeof *hg);
    memcpy(g, m->grads, m->n_params * sizeof *g);
    memcpy(hg, u.ct.dcentre, C * sizeof *hg);
    assert_true(isfinite(loss));
    if (c->term) {
        assert_true(u.hook_part > 0 && u.hook_part < loss + 1e-12);
        assert_close(u.hook_part, u.ct.sum / u.ct.rows, 1e-12); /* the term's value, one call so far */
    } else {
        assert_true(u.hook_part == 0.0);
    }
    const bool decoder = c->recon_weight > 0;
    for (size_t p = 0; p < m->n_params; p++)
        if (isnan(g[p]) != (p >= n_enc && !decoder))
            fail_msg("%s / %s: parameter gradient %zu %s", c->enc, c->dec, p,
                     isnan(g[p]) ? "was not written" : "was written with the decoder out of the loss");

    const float h = 1e-2f;
    char what[256];
    snprintf(what, sizeof what, "'%s' / '%s' weight %g%s: parameter", c->enc, c->dec, c->recon_weight,
             c->term ? " + term" : "");
    size_t n = fd_check(m->params, decoder ? m->n_params : n_enc, g, hooked_objective, &u, h, c->atol, c->rtol, what);
    if (c->term) {
        snprintf(what, sizeof what, "'%s' / '%s' weight %g: the term's centre", c->enc, c->dec, c->recon_weight);
        n += fd_check(u.ct.centre, (size_t)C, hg, hooked_objective, &u, h, c->atol, c->rtol, what);
    }
    if (!decoder) { /* the decoder is not in the loss at all */
        float keep = m->params[n_enc];
        const double before = hooked_objective(&u);
        m->params[n_enc] = keep + 1.0f;
        assert_true(hooked_objective(&u) == before);
        m->params[n_enc] = keep;
    }
    print_message("'%s' / '%s' weight %g%s: %zu derivatives, worst error / tolerance %.3f\n", c->enc, c->dec,
                  c->recon_weight, c->term ? " + term" : "", n, fd_worst);
    free(g);
    free(hg);
    free(u.x);
    free(u.t);
    free(u.dcodes);
    free(u.index);
    free(u.state0);
    free(u.ct.centre);
    free(u.ct.dcentre);
    ae_model_free(m);
}

static void test_hooked_loss_gradients(void **state)
{
    (void)state;
    const hook_case cases[] = {
        {"dense 6 tanh, dense 3", "dense 6 tanh, dense 8 sigmoid", 8, 5, AE_LOSS_MSE, 0.3, 1, true, false, 2e-5, 1e-2},
        {"dense 6 tanh, dense 3", "dense 6 tanh, dense 8 sigmoid", 8, 5, AE_LOSS_MSE, 0.0, 1, true, false, 2e-5, 1e-2},
        {"dense 6 tanh, dense 3", "dense 6 tanh, dense 8 sigmoid", 8, 5, AE_LOSS_BCE, 2.5, 1, false, false, 2e-5,
         1e-2},
        {"dense 6 tanh, dense 4, gaussian 2", "dense 5 tanh, dense 8 sigmoid", 8, 4, AE_LOSS_BCE, 0.5, 0.8, true, true,
         2e-3, 2e-2},
        {"dense 6, batchnorm tanh, dropout 0.25, dense 3", "dense 6 tanh, batchnorm, dense 8 sigmoid", 8, 6,
         AE_LOSS_MSE, 1.0, 1, true, true, 2e-5, 1e-2},
        {"dense 6, batchnorm tanh, dense 3", "dense 8 sigmoid", 8, 6, AE_LOSS_MSE, 0.0, 1, true, true, 2e-5, 1e-2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fd_worst = 0;
        run_hook_case(&cases[i], 31 + i);
    }
}

/* Weight 1 without a term: the same loss and gradients as the plain path, bit for bit. */
static void test_hooked_equals_plain(void **state)
{
    (void)state;
    const char *encs[] = {"dense 6 tanh, dense 3", "dense 6 tanh, dense 4, gaussian 2"};
    for (int k = 0; k < 2; k++) {
        ae_model *m;
        ae_error err;
        ae_model_init_opts io = ae_model_init_defaults();
        io.seed = 3;
        if (ae_model_new(encs[k], "dense 6 tanh, dense 8 sigmoid", 8, &io, &m, &err)) fail_msg("%s", err.msg);
        enum { B = 5 };
        float x[B * 8], dcodes[B * 3];
        ae_rng rng;
        ae_rng_seed(&rng, 4);
        fill_uniform(x, B * 8, 0, 1, &rng);
        size_t index[B] = {0, 1, 2, 3, 4};
        ae_train_opts o = ae_train_defaults();
        o.loss = AE_LOSS_BCE;
        o.kl_beta = 0.7;
        ae_batch_view v = {.epoch = 1, .rows = B, .index = index, .code_dim = ae_model_code_dim(m)};
        ae_rng_seed(&rng, 9);
        ae_model_set_mode(m, true, &rng);
        const double plain = ae_batch_loss(m, x, x, B, o.loss, o.kl_beta, true);
        float *g = malloc(m->n_params * sizeof *g);
        memcpy(g, m->grads, m->n_params * sizeof *g);
        double hooked, part;
        ae_rng_seed(&rng, 9);
        assert_int_equal(ae_hooked_batch_loss(m, x, x, &o, &v, dcodes, &hooked, &part, &err), AE_OK);
        ae_model_set_mode(m, false, NULL);
        assert_true(hooked == plain);
        assert_memory_equal(m->grads, g, m->n_params * sizeof *g);
        free(g);
        ae_model_free(m);
    }
}

/* ---- training ---- */

/* 64 rows of 8 values in (0, 1), two kinds. */
static void toy_rows(ae_matrix *x)
{
    ae_error err;
    assert_int_equal(ae_matrix_alloc(x, 64, 8, &err), AE_OK);
    ae_rng r;
    ae_rng_seed(&r, 5);
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 8; j++)
            x->data[i * 8 + j] = (float)(((i + j) % 2 ? 0.8 : 0.2) + 0.1 * (ae_rng_uniform(&r) - 0.5));
}

/* The share of values of layer i that differ between two parameter blocks. */
static double changed_share(const ae_model *m, const float *before, int i)
{
    const ae_layer *l = &m->layers[i];
    const size_t off = (size_t)(l->params - m->params);
    size_t k = 0;
    for (size_t p = 0; p < l->n_params; p++) k += m->params[off + p] != before[off + p];
    return l->n_params ? (double)k / l->n_params : 0.0;
}

static void test_trained_layer_range(void **state)
{
    (void)state;
    ae_matrix x = {0};
    toy_rows(&x);
    ae_error err;
    ae_model *m;
    ae_model_init_opts io = ae_model_init_defaults();
    io.seed = 8;
    /* layers 0 dense, 1 batchnorm, 2 dense | 3 dense, 4 dense */
    if (ae_model_new("dense 6 tanh, batchnorm, dense 3", "dense 6 tanh, dense 8 sigmoid", 8, &io, &m, &err))
        fail_msg("%s", err.msg);
    float *before = malloc(m->n_params * sizeof *before);
    memcpy(before, m->params, m->n_params * sizeof *before);
    ae_train_opts o = ae_train_defaults();
    o.epochs = 3;
    o.batch_size = 16;
    o.optim.lr = 1e-2;
    o.train_from = 2;
    o.train_to = 4;
    assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_OK);
    for (int i = 0; i < m->n_layers; i++) {
        const double share = changed_share(m, before, i);
        if (i >= 2 && i < 4 && share < 0.9) fail_msg("trained layer %d: only %.0f%% of it changed", i, 100 * share);
        if ((i < 2 || i >= 4) && share != 0.0) fail_msg("layer %d outside [2, 4) changed", i);
    }
    /* bad ranges are refused */
    const int bad[][2] = {{-1, 0}, {0, -1}, {3, 3}, {4, 2}, {0, 6}, {5, 0}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        o.train_from = bad[k][0];
        o.train_to = bad[k][1];
        assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_ERR_ARG);
        assert_non_null(strstr(err.msg, "trained layers"));
    }

    /* weight 0 with the centre term: the encoder and the centre train, the decoder keeps every bit */
    memcpy(before, m->params, m->n_params * sizeof *before);
    float centre[3] = {5, 5, 5}, dcentre[3];
    centre_term ct = {.lambda = 1, .code_dim = 3, .centre = centre, .dcentre = dcentre};
    ae_train_hook hook = {.code_loss = centre_loss, .user = &ct, .params = centre, .grads = dcentre, .n_params = 3};
    o.hook = &hook;
    o.recon_weight = 0;
    o.train_from = 0;
    o.train_to = m->n_layers;
    assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_ERR_ARG); /* through the decoder: refused */
    assert_non_null(strstr(err.msg, "encoder only"));
    o.train_to = 0; /* with weight 0 the range defaults to the encoder's layers */
    ae_train_history h;
    assert_int_equal(ae_train(m, &x, NULL, &o, &h, &err), AE_OK);
    for (int i = 0; i < m->n_layers; i++) {
        const double share = changed_share(m, before, i);
        if (i < m->n_enc && share < 0.9) fail_msg("encoder layer %d: only %.0f%% of it changed", i, 100 * share);
        if (i >= m->n_enc && share != 0.0) fail_msg("decoder layer %d changed", i);
    }
    /* the centre moved from 5 toward the codes (tanh-bounded inputs, a small last layer) */
    for (int j = 0; j < 3; j++) assert_true(centre[j] < 5.0f - 0.01f);
    /* the whole loss is the term's, and the history says so */
    assert_int_equal(ct.calls, 3 * 4);
    for (int e = 0; e < h.n; e++) assert_close(h.epochs[e].hook_loss, h.epochs[e].train_loss, 1e-12);
    assert_true(h.epochs[2].train_loss < h.epochs[0].train_loss);
    ae_train_history_free(&h);
    /* parameters without a code_loss would train on gradients nothing writes */
    hook.code_loss = NULL;
    o.recon_weight = 1;
    o.train_to = 0;
    assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_ERR_ARG);
    assert_string_equal(err.msg, "the hook declares 3 parameters but no code_loss to train them");
    o.hook = NULL;
    o.recon_weight = 0;
    o.train_to = m->n_enc;
    assert_int_equal(ae_train(m, &x, NULL, &o, NULL, &err), AE_ERR_ARG); /* weight 0 and nothing else */
    assert_non_null(strstr(err.msg, "leaves nothing to train"));
    free(before);
    ae_model_free(m);
    ae_matrix_free(&x);
}

/* ---- before_batch ---- */

typedef struct {
    int stop_epoch;  /* stop before batch stop_batch (0-based) of this epoch */
    size_t stop_batch;
    int fail_epoch;  /* return an error before the first batch of this epoch */
    int calls;
    long last_step;
    bool ok;
    int progress_calls;
    double progress_loss;   /* the running loss of the last batch reported */
    size_t progress_batch;  /* of the last end-of-epoch report */
} batch_watch;

static ae_status watch_batch(void *user, const ae_batch_view *v, bool *stop, ae_error *err)
{
    batch_watch *w = user;
    if (v->step != w->calls || v->codes != NULL || v->rows != 16 || v->code_dim != 3 || v->index[0] >= 64)
        w->ok = false;
    w->calls++;
    w->last_step = v->step;
    if (v->epoch == w->fail_epoch) return ae_fail(err, AE_ERR_ARG, "hook refused epoch %d", v->epoch);
    if (v->epoch == w->stop_epoch && v->batch == w->stop_batch) *stop = true;
    return AE_OK;
}

static void watch_progress(void *user, const ae_train_progress *p)
{
    batch_watch *w = user;
    w->progress_calls++;
    if (p->end_of_epoch)
        w->progress_batch = p->batch;
    else
        w->progress_loss = p->loss;
}

static void test_before_batch_stop(void **state)
{
    (void)state;
    ae_matrix x = {0};
    toy_rows(&x);
    ae_error err;
    char dir[64], ckpt[128];
    test_tmpdir(dir, sizeof dir);
    snprintf(ckpt, sizeof ckpt, "%s/stop.aenn", dir);
    for (int variant = 0; variant < 3; variant++) {
        ae_model *m;
        ae_model_init_opts io = ae_model_init_defaults();
        io.seed = 2;
        if (ae_model_new("dense 6 tanh, dense 3", "dense 6 tanh, dense 8 sigmoid", 8, &io, &m, &err))
            fail_msg("%s", err.msg);
        batch_watch w = {.ok = true};
        if (variant == 0) w.stop_epoch = 2, w.stop_batch = 3; /* in epoch 2, after 3 of its 4 batches */
        if (variant == 1) w.stop_epoch = 2, w.stop_batch = 0; /* before epoch 2's first batch */
        if (variant == 2) w.fail_epoch = 3;
        ae_train_hook hook = {.before_batch = watch_batch, .user = &w};
        ae_train_opts o = ae_train_defaults();
        o.epochs = 5;
        o.batch_size = 16; /* 4 batches an epoch */
        o.hook = &hook;
        o.checkpoint = ckpt;
        o.progress = watch_progress;
        o.user = &w;
        unlink(ckpt);
        ae_train_history h;
        ae_status st = ae_train(m, &x, NULL, &o, &h, &err);
        assert_true(w.ok);
        if (variant == 0) {
            assert_int_equal(st, AE_OK);
            assert_int_equal(w.calls, 4 + 4); /* the last call stopped */
            assert_int_equal(w.last_step, 7);
            assert_int_equal(h.n, 2);
            assert_int_equal(h.epochs[1].epoch, 2);
            /* the partial epoch's loss is the running mean over its 3 batches */
            assert_close(h.epochs[1].train_loss, w.progress_loss, 1e-12);
            assert_true(isnan(h.epochs[1].hook_loss)); /* no code term */
            assert_int_equal(w.progress_calls, 4 + 1 + 3 + 1);
            assert_int_equal(w.progress_batch, 3); /* the end-of-epoch report counts the batches done */
            /* checkpointed as a finished epoch: the file is the model as it stopped */
            ae_model *back;
            assert_int_equal(ae_model_load(ckpt, &back, &err), AE_OK);
            assert_memory_equal(back->params, m->params, m->n_params * sizeof(float));
            ae_model_free(back);
        } else if (variant == 1) {
            assert_int_equal(st, AE_OK);
            assert_int_equal(w.calls, 4 + 1);
            assert_int_equal(h.n, 1);
            assert_int_equal(w.progress_calls, 4 + 1);
        } else {
            assert_int_equal(st, AE_ERR_ARG);
            assert_string_equal(err.msg, "hook refused epoch 3");
            assert_int_equal(h.n, 2);
        }
        ae_train_history_free(&h);
        ae_model_free(m);
    }
    test_rmdir(dir);
    ae_matrix_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hooked_loss_gradients),
        cmocka_unit_test(test_hooked_equals_plain),
        cmocka_unit_test(test_trained_layer_range),
        cmocka_unit_test(test_before_batch_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
