/* The variational autoencoder: the "gaussian" latent layer, the KL term
 * against values worked out by hand, encoding to mu, sampling and the
 * decoded latent grid, spec errors, and a short training run. The
 * finite-difference checks of the gaussian layer (with and without sampling,
 * with its KL term) and of the whole VAE loss (reconstruction + beta KL, the
 * latent noise held fixed) are cases of test_nn_layers.c. */
#include "test_util.h"

#include "aeclust/nn.h"
#include "aeclust/rng.h"
#include "nn/layer.h"
#include "nn/model.h"
#include "nn_fd.h"

#define ENC "dense 6 tanh, dense 4, gaussian 2"
#define DEC "dense 5 tanh, dense 8 sigmoid"

static ae_model *small_vae(uint64_t seed)
{
    ae_model_init_opts o = ae_model_init_defaults();
    o.seed = seed;
    o.max_batch = 8;
    ae_model *m = NULL;
    ae_error err = {0};
    if (ae_model_new(ENC, DEC, 8, &o, &m, &err)) fail_msg("%s", err.msg);
    return m;
}

/* The gaussian layer alone: KL by hand, z = mu without sampling, and the
 * moments of z with it. */
static void test_kl_and_sampling_by_hand(void **state)
{
    (void)state;
    ae_layer l = {.ops = &ae_gaussian_ops, .in = {.rank = 1, .dim = {4}}, .cfg.gauss.latent = 2};
    char msg[256];
    assert_int_equal(l.ops->infer(&l, msg, sizeof msg), 0);
    assert_int_equal(l.out.dim[0], 2);
    /* mu = (1, 0), log var = (0, log 4): KL = 1/2 (1) + -1/2 (1 + log 4 - 4) */
    float in[4] = {1.0f, 0.0f, 0.0f, (float)log(4.0)}, z[2];
    l.ops->forward(&l, in, z, 1);
    assert_close(l.cfg.gauss.kl_sum, 0.5 - 0.5 * (1.0 + log(4.0) - 4.0), 1e-6);
    assert_true(z[0] == 1.0f && z[1] == 0.0f);
    /* a zero KL at the prior itself */
    float prior[4] = {0, 0, 0, 0};
    l.ops->forward(&l, prior, z, 1);
    assert_close(l.cfg.gauss.kl_sum, 0.0, 1e-12);

    enum { N = 20000 };
    float *many = malloc(N * 4 * sizeof *many), *zs = malloc(N * 2 * sizeof *zs);
    for (int i = 0; i < N; i++) memcpy(many + 4 * i, in, sizeof in);
    ae_rng r;
    ae_rng_seed(&r, 1);
    l.mode.rng = &r;
    l.ops->forward(&l, many, zs, N);
    double m0 = 0, m1 = 0, v0 = 0, v1 = 0;
    for (int i = 0; i < N; i++) m0 += zs[2 * i], m1 += zs[2 * i + 1];
    m0 /= N, m1 /= N;
    for (int i = 0; i < N; i++) v0 += pow(zs[2 * i] - m0, 2), v1 += pow(zs[2 * i + 1] - m1, 2);
    v0 /= N - 1, v1 /= N - 1;
    assert_close(m0, 1.0, 0.03);
    assert_close(m1, 0.0, 0.06);
    assert_close(v0, 1.0, 0.05);
    assert_close(v1, 4.0, 0.2);
    assert_close(l.cfg.gauss.kl_sum, N * (0.5 - 0.5 * (1.0 + log(4.0) - 4.0)), 1e-3 * N);
    free(many);
    free(zs);
}

/* encode gives mu, the first half of the layer before the latent. */
static void test_encode_is_mean(void **state)
{
    (void)state;
    ae_model *m = small_vae(5);
    assert_true(ae_model_is_variational(m));
    assert_int_equal(ae_model_code_dim(m), 2);
    ae_matrix x = {0}, codes = {0};
    ae_error err = {0};
    assert_int_equal(ae_matrix_alloc(&x, 5, 8, &err), AE_OK);
    ae_rng r;
    ae_rng_seed(&r, 2);
    fill_uniform(x.data, 40, 0, 1, &r);
    assert_int_equal(ae_model_encode(m, &x, &codes, &err), AE_OK);
    const float *pre = ae_model_forward(m, x.data, 5, 0, m->n_enc - 1); /* (5, 4) = [mu | log var] */
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 2; j++) assert_true(codes.data[i * 2 + j] == pre[i * 4 + j]);
    ae_matrix_free(&codes);
    /* and twice the same */
    ae_matrix again = {0};
    assert_int_equal(ae_model_encode(m, &x, &codes, &err), AE_OK);
    assert_int_equal(ae_model_encode(m, &x, &again, &err), AE_OK);
    assert_memory_equal(codes.data, again.data, 10 * sizeof(float));
    ae_matrix_free(&codes);
    ae_matrix_free(&again);
    ae_matrix_free(&x);
    ae_model_free(m);
}

static void test_sample_and_grid(void **state)
{
    (void)state;
    ae_model *m = small_vae(5);
    ae_error err = {0};
    ae_matrix a = {0}, b = {0}, c = {0}, g = {0}, z = {0}, d = {0};
    assert_int_equal(ae_model_sample(m, 6, 11, &a, &err), AE_OK);
    assert_int_equal(ae_model_sample(m, 6, 11, &b, &err), AE_OK);
    assert_int_equal(ae_model_sample(m, 6, 12, &c, &err), AE_OK);
    assert_true(a.rows == 6 && a.cols == 8);
    assert_memory_equal(a.data, b.data, 48 * sizeof(float));
    assert_true(memcmp(a.data, c.data, 48 * sizeof(float)) != 0);
    assert_int_equal(ae_model_sample(m, 0, 11, &c, &err), AE_ERR_ARG);

    /* 3 x 3 grid over x in [-1, 1], y in [-2, 2]: row 0 is y = 2, column 0 is x = -1 */
    assert_int_equal(ae_model_decode_grid(m, 3, -1, 1, -2, 2, &g, &err), AE_OK);
    assert_true(g.rows == 9 && g.cols == 8);
    assert_int_equal(ae_matrix_alloc(&z, 2, 2, &err), AE_OK);
    z.data[0] = -1, z.data[1] = 2;  /* top left */
    z.data[2] = 1, z.data[3] = -2;  /* bottom right */
    assert_int_equal(ae_model_decode(m, &z, &d, &err), AE_OK);
    assert_memory_equal(g.data, d.data, 8 * sizeof(float));
    assert_memory_equal(g.data + 8 * 8, d.data + 8, 8 * sizeof(float));
    assert_int_equal(ae_model_decode_grid(m, 1, -1, 1, -1, 1, &c, &err), AE_ERR_ARG);
    ae_matrix_free(&a), ae_matrix_free(&b), ae_matrix_free(&c), ae_matrix_free(&g), ae_matrix_free(&z);
    ae_matrix_free(&d);
    ae_model_free(m);

    /* a grid needs a 2-D code */
    ae_model *wide = NULL;
    assert_int_equal(ae_model_new("dense 3", "dense 8 sigmoid", 8, NULL, &wide, &err), AE_OK);
    assert_int_equal(ae_model_decode_grid(wide, 4, -1, 1, -1, 1, &g, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "2-D code"));
    assert_false(ae_model_is_variational(wide));
    ae_model_free(wide);
}

static void expect_spec_error(const char *enc, const char *dec, const char *want)
{
    ae_model *m = NULL;
    ae_error err = {0};
    assert_int_equal(ae_model_new(enc, dec, 8, NULL, &m, &err), AE_ERR_ARG);
    assert_null(m);
    if (!strstr(err.msg, want)) fail_msg("'%s' lacks '%s'", err.msg, want);
}

static void test_spec_errors(void **state)
{
    (void)state;
    expect_spec_error("dense 4, gaussian 0", DEC, "encoder layer 2: gaussian latent size must be at least 1, got 0");
    expect_spec_error("dense 4, gaussian", DEC, "gaussian needs a latent size");
    expect_spec_error("dense 3, gaussian 2", DEC, "gaussian 2 needs 4 inputs");
    expect_spec_error("dense 4, gaussian 2, dense 2", DEC, "can only be the encoder's last layer");
    expect_spec_error("dense 4", "gaussian 2, dense 8 sigmoid", "decoder layer 1: 'gaussian'");
}

/* Training lowers the VAE loss, reproducibly, and the model survives a save
 * and a load. */
static void test_train_save_load(void **state)
{
    (void)state;
    enum { N = 64 };
    ae_matrix x = {0};
    ae_error err = {0};
    assert_int_equal(ae_matrix_alloc(&x, N, 8, &err), AE_OK);
    for (int i = 0; i < N; i++) /* two kinds of rows */
        for (int j = 0; j < 8; j++) x.data[i * 8 + j] = (i % 2) ? (j < 4 ? 0.9f : 0.1f) : (j < 4 ? 0.1f : 0.9f);
    ae_train_opts t = ae_train_defaults();
    t.epochs = 30;
    t.batch_size = 16;
    t.loss = AE_LOSS_BCE;
    t.optim.lr = 1e-2;
    ae_train_history h1 = {0}, h2 = {0};
    ae_model *m1 = small_vae(1), *m2 = small_vae(1);
    assert_int_equal(ae_train(m1, &x, NULL, &t, &h1, &err), AE_OK);
    assert_int_equal(ae_train(m2, &x, NULL, &t, &h2, &err), AE_OK);
    assert_true(h1.epochs[29].train_loss < 0.9 * h1.epochs[0].train_loss);
    assert_memory_equal(m1->params, m2->params, m1->n_params * sizeof(float));
    /* the per-row loss: 8 BCE terms of at least the entropy of 0.9/0.1 each */
    assert_true(h1.epochs[29].train_loss > 8 * 0.325);

    char dir[64], path[128];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/vae.aenn", dir);
    assert_int_equal(ae_model_save(m1, path, &err), AE_OK);
    ae_model *back = NULL;
    assert_int_equal(ae_model_load(path, &back, &err), AE_OK);
    assert_true(ae_model_is_variational(back));
    ae_matrix c1 = {0}, c2 = {0};
    assert_int_equal(ae_model_encode(m1, &x, &c1, &err), AE_OK);
    assert_int_equal(ae_model_encode(back, &x, &c2, &err), AE_OK);
    assert_memory_equal(c1.data, c2.data, N * 2 * sizeof(float));
    /* the two kinds of rows get clearly different means */
    assert_true(fabs(c1.data[0] - c1.data[2]) + fabs(c1.data[1] - c1.data[3]) > 0.5);
    t.kl_beta = -1;
    assert_int_equal(ae_train(back, &x, NULL, &t, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "beta"));
    test_rmdir(dir);
    ae_matrix_free(&c1), ae_matrix_free(&c2), ae_matrix_free(&x);
    ae_train_history_free(&h1), ae_train_history_free(&h2);
    ae_model_free(m1), ae_model_free(m2), ae_model_free(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kl_and_sampling_by_hand),
        cmocka_unit_test(test_encode_is_mean),
        cmocka_unit_test(test_sample_and_grid),
        cmocka_unit_test(test_spec_errors),
        cmocka_unit_test(test_train_save_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
