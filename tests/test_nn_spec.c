/* Architecture specs (parsing, errors, canonical text) and the Keras-style
 * summary with the parameter counts of the seed reports' models. */
#include "test_util.h"

#include "aeclust/nn.h"

/* Builds (enc, dec, width) expecting failure; the message must contain want. */
static void expect_error(const char *enc, const char *dec, int width, const char *want)
{
    ae_model *m = (ae_model *)1;
    ae_error err;
    ae_error_clear(&err);
    ae_status st = ae_model_new(enc, dec, width, NULL, &m, &err);
    if (st != AE_ERR_ARG) fail_msg("'%s' / '%s': status %d, wanted an argument error", enc, dec, (int)st);
    assert_null(m);
    if (!strstr(err.msg, want)) fail_msg("'%s' / '%s': message \"%s\" lacks \"%s\"", enc, dec, err.msg, want);
    assert_null(strchr(err.msg, '\n'));
}

static void test_spec_errors(void **state)
{
    (void)state;
    const char *dec = "dense 64 relu, dense 784 sigmoid";
    expect_error("dense 128 relu, dense 64 rellu", dec, 784, "encoder layer 2: unknown activation 'rellu'");
    expect_error("dense 128 relu", "dense 0 relu, dense 784", 784, "decoder layer 1: dense width must be positive, got 0");
    expect_error("dense 128 relu", "dense 64 relu, dense 780 sigmoid", 784,
                 "decoder output width 780 does not match the input width 784");
    expect_error("", dec, 784, "encoder: empty spec");
    expect_error("   ", dec, 784, "encoder: empty spec");
    expect_error("dense 32", NULL, 784, "decoder: empty spec");
    expect_error("dense 128 relu,, dense 32", dec, 784, "encoder layer 2: empty");
    expect_error("dense 128 relu, dense 32,", dec, 784, "encoder layer 3: empty");
    expect_error("dens 128", dec, 784,
                 "encoder layer 1: unknown layer type 'dens' (known: dense, conv2d, conv2d_transpose, maxpool2d, "
                 "upsample2d, flatten, reshape, input, gaussian, batchnorm, dropout)");
    expect_error("dense", dec, 784, "encoder layer 1: dense needs a width");
    expect_error("dense abc relu", dec, 784, "encoder layer 1: dense width 'abc' is not a number");
    expect_error("dense 12x relu", dec, 784, "dense width '12x' is not a number");
    expect_error("dense -5", dec, 784, "dense width must be positive, got -5");
    expect_error("dense 99999999999", dec, 784, "encoder layer 1: dense width 99999999999 is too large");
    expect_error("dense 12 relu extra", dec, 784, "encoder layer 1: unexpected 'extra' after the activation");
    expect_error("dense 12 sigmoid:0.3", dec, 784, "activation 'sigmoid' takes no parameter");
    expect_error("dense 12 leaky_relu:x", dec, 784, "bad leaky_relu slope 'x'");
    expect_error("dense 12 leaky_relu:-1", dec, 784, "bad leaky_relu slope '-1'");
    expect_error("dense 12", dec, 0, "input width must be positive");
}

static void test_spec_canonical(void **state)
{
    (void)state;
    ae_model *m;
    ae_error err;
    assert_int_equal(ae_model_new("  dense 128 relu,dense 64\tleaky_relu , dense 32 leaky_relu:0.1",
                                  "dense 64 tanh, dense 10 sigmoid", 10, NULL, &m, &err),
                     AE_OK);
    assert_string_equal(ae_model_encoder_spec(m), "dense 128 relu, dense 64 leaky_relu:0.2, dense 32 leaky_relu:0.1");
    assert_string_equal(ae_model_decoder_spec(m), "dense 64 tanh, dense 10 sigmoid");
    assert_int_equal(ae_model_code_dim(m), 32);
    assert_int_equal(ae_model_input_dim(m), 10);
    /* the canonical text builds the same model */
    ae_model *m2;
    assert_int_equal(ae_model_new(ae_model_encoder_spec(m), ae_model_decoder_spec(m), 10, NULL, &m2, &err), AE_OK);
    assert_string_equal(ae_model_encoder_spec(m2), ae_model_encoder_spec(m));
    ae_model_free(m2);
    ae_model_free(m);
}

static void test_init_kinds(void **state)
{
    (void)state;
    ae_init_kind k;
    ae_error err;
    assert_int_equal(ae_init_kind_parse("he_normal", &k, &err), AE_OK);
    assert_int_equal(k, AE_INIT_HE_NORMAL);
    assert_int_equal(ae_init_kind_parse("xavier", &k, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "'xavier'"));
    /* glorot_uniform on 784 -> 128: every weight within sqrt(6 / 912) = 0.0811, biases 0,
     * and the spread fills the range (uniform variance l^2/3 = 0.00219) */
    for (int kind = 0; kind < 4; kind++) {
        ae_model_init_opts o = ae_model_init_defaults();
        o.init = (ae_init_kind)kind;
        ae_model *m;
        assert_int_equal(ae_model_new("dense 128", "dense 784", 784, &o, &m, &err), AE_OK);
        ae_matrix e = {0}, x = {0};
        /* read the kernel through the model: encode unit vectors */
        assert_int_equal(ae_matrix_alloc(&x, 784, 784, &err), AE_OK);
        for (int i = 0; i < 784; i++) x.data[i * 784 + i] = 1.0f;
        assert_int_equal(ae_model_encode(m, &x, &e, &err), AE_OK);
        double s2 = 0, mx = 0;
        for (size_t i = 0; i < e.rows * e.cols; i++) {
            s2 += (double)e.data[i] * e.data[i];
            mx = fmax(mx, fabs(e.data[i]));
        }
        double var = s2 / (double)(e.rows * e.cols);
        if (kind == AE_INIT_GLOROT_UNIFORM) {
            assert_true(mx <= sqrt(6.0 / 912.0));
            assert_close(var, 6.0 / 912.0 / 3.0, 0.0002);
        } else if (kind == AE_INIT_HE_UNIFORM) {
            assert_true(mx <= sqrt(6.0 / 784.0));
            assert_close(var, 2.0 / 784.0, 0.0002);
        } else if (kind == AE_INIT_FAN_IN_UNIFORM) {
            /* l = 1/sqrt(784) = 0.0357, variance l^2/3 = 1/2352 */
            assert_true(mx <= 1.0 / 28.0);
            assert_close(var, 1.0 / 2352.0, 0.00003);
        } else {
            assert_close(var, 2.0 / 784.0, 0.0002);
            assert_true(mx > sqrt(6.0 / 784.0)); /* a normal has tails */
        }
        ae_matrix_free(&e);
        ae_matrix_free(&x);
        ae_model_free(m);
    }
}

/* The summary of a model as a string (caller frees). */
static char *summary_of(const char *enc, const char *dec, int width)
{
    ae_model *m;
    ae_error err;
    if (ae_model_new(enc, dec, width, NULL, &m, &err) != AE_OK) fail_msg("%s", err.msg);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(ae_model_summary_write(f, m, &err), AE_OK);
    fclose(f);
    ae_model_free(m);
    return buf;
}

static void expect_in(const char *text, const char *want)
{
    if (!strstr(text, want)) fail_msg("summary lacks \"%s\":\n%s", want, text);
}

/* Counts from the seed reports (Keras model.summary()) and by hand:
 * 784-1500-1000-500-10: 784*1500+1500 + 1500*1000+1000 + 1000*500+500 + 500*10+10 = 3,184,010
 * 10-500-1000-1500-784: 5,500 + 501,000 + 1,501,500 + 1,176,784 = 3,184,784
 * 784-64-784: 50,240 / 50,960
 * 784-512-256-128-49 / 49-128-256-784: 572,465 + 240,912 = 813,377 */
static void test_summary_counts(void **state)
{
    (void)state;
    char *s = summary_of("dense 1500 relu, dense 1000 relu, dense 500 relu, dense 10",
                         "dense 500 relu, dense 1000 relu, dense 1500 relu, dense 784 sigmoid", 784);
    expect_in(s, "Total params: 3,184,010 (12.15 MB)");
    expect_in(s, "Total params: 3,184,784 (12.15 MB)");
    expect_in(s, " dense (Dense)               (None, 1500)              1,177,500\n");
    expect_in(s, " dense_3 (Dense)             (None, 10)                5,010\n");
    expect_in(s, " dense_4 (Dense)             (None, 500)               5,500\n");
    expect_in(s, " dense_7 (Dense)             (None, 784)               1,176,784\n");
    expect_in(s, "Encoder: input (None, 784)");
    expect_in(s, "Decoder: input (None, 10)");
    expect_in(s, "Total params (encoder + decoder): 6,368,794");
    free(s);

    s = summary_of("dense 64 relu", "dense 784 sigmoid", 784);
    expect_in(s, "Total params: 50,240 (196.25 KB)");
    expect_in(s, "Total params: 50,960 (199.06 KB)");
    free(s);

    s = summary_of("dense 512 relu, dense 256 relu, dense 128 relu, dense 49 sigmoid",
                   "dense 128 relu, dense 256 relu, dense 784 sigmoid", 784);
    expect_in(s, "Total params (encoder + decoder): 813,377 (3.10 MB)");
    free(s);

    ae_model *m;
    ae_error err;
    assert_int_equal(ae_model_new("dense 128 relu, dense 64 relu, dense 32 relu",
                                  "dense 64 relu, dense 128 relu, dense 784 sigmoid", 784, NULL, &m, &err),
                     AE_OK);
    size_t enc, dec;
    assert_int_equal(ae_model_param_count(m, &enc, &dec), 222384);
    assert_int_equal(enc, 100480 + 8256 + 2080);
    assert_int_equal(dec, 2112 + 8320 + 101136);
    ae_model_free(m);
}

/* batchnorm's and dropout's options, refusals and canonical text. */
static void test_batchnorm_dropout_specs(void **state)
{
    (void)state;
    const char *dec = "dense 8 sigmoid";
    expect_error("dense 4, batchnorm momentum=2", dec, 8, "encoder layer 2: batchnorm momentum must be in [0, 1], got 2");
    expect_error("dense 4, batchnorm momentum=-0.1", dec, 8, "batchnorm momentum must be in [0, 1], got -0.1");
    expect_error("dense 4, batchnorm eps=0", dec, 8, "batchnorm eps must be in (0, 1], got 0");
    expect_error("dense 4, batchnorm eps=x", dec, 8, "batchnorm eps 'x' is not a number");
    expect_error("dense 4, batchnorm eps=nan", dec, 8, "batchnorm eps 'nan' is not a number");
    expect_error("dense 4, batchnorm momentum=", dec, 8, "batchnorm momentum '' is not a number");
    expect_error("dense 4, batchnorm momentum=0.1 momentum=0.2", dec, 8, "momentum given twice (at 'momentum=0.2')");
    expect_error("dense 4, batchnorm eps=1e-3 eps=1e-3", dec, 8, "eps given twice");
    expect_error("dense 4, batchnorm gamma=1", dec, 8, "unknown batchnorm option 'gamma=1' (known: momentum=M, eps=E)");
    expect_error("dense 4, batchnorm relu tanh", dec, 8, "unexpected 'tanh': the activation is already given");
    expect_error("dense 4, batchnorm rellu", dec, 8, "encoder layer 2: unknown activation 'rellu'");
    expect_error("dense 4, dropout", dec, 8, "encoder layer 2: dropout needs a drop probability P in [0, 1)");
    expect_error("dense 4, dropout 1", dec, 8, "dropout probability must be in [0, 1), got 1");
    expect_error("dense 4, dropout -0.5", dec, 8, "dropout probability must be in [0, 1), got -0.5");
    expect_error("dense 4, dropout half", dec, 8, "dropout probability 'half' is not a number");
    expect_error("dense 4, dropout 0.5 0.2", dec, 8, "dropout takes one argument, the drop probability; unexpected '0.2'");

    ae_model *m, *m2;
    ae_error err;
    assert_int_equal(ae_model_new("input 2 2 2, batchnorm, flatten, dense 4, batchnorm eps=1e-3 relu momentum=0.01, "
                                  "dropout 0.20",
                                  "dropout 0, dense 8, batchnorm momentum=1 eps=1 leaky_relu:0.1", 8, NULL, &m, &err),
                     AE_OK);
    const char *want_enc = "input 2 2 2, batchnorm momentum=0.1 eps=1e-05 linear, flatten, dense 4 linear, "
                           "batchnorm momentum=0.01 eps=0.001 relu, dropout 0.2";
    const char *want_dec = "dropout 0, dense 8 linear, batchnorm momentum=1 eps=1 leaky_relu:0.1";
    assert_string_equal(ae_model_encoder_spec(m), want_enc);
    assert_string_equal(ae_model_decoder_spec(m), want_dec);
    assert_int_equal(ae_model_new(want_enc, want_dec, 8, NULL, &m2, &err), AE_OK);
    assert_string_equal(ae_model_encoder_spec(m2), want_enc);
    assert_string_equal(ae_model_decoder_spec(m2), want_dec);
    /* trainable parameters: gamma and beta per channel / feature */
    size_t n_enc, n_dec;
    assert_int_equal(ae_model_param_count(m, &n_enc, &n_dec), 2 * 2 + 36 + 2 * 4 + 40 + 2 * 8);
    assert_int_equal(n_enc, 2 * 2 + 36 + 2 * 4);
    assert_int_equal(n_dec, 40 + 2 * 8);
    ae_matrix x = {0}, y = {0}, y2 = {0};
    assert_int_equal(ae_matrix_alloc(&x, 5, 8, &err), AE_OK);
    for (size_t i = 0; i < 40; i++) x.data[i] = (float)((i * 37) % 101) / 101.0f;
    assert_int_equal(ae_model_reconstruct(m, &x, &y, &err), AE_OK);
    assert_int_equal(ae_model_reconstruct(m2, &x, &y2, &err), AE_OK);
    assert_memory_equal(y.data, y2.data, 40 * sizeof(float));
    ae_matrix_free(&x);
    ae_matrix_free(&y);
    ae_matrix_free(&y2);
    ae_model_free(m);
    ae_model_free(m2);
}

/* Keras' summary of batchnorm and dropout: BatchNormalization counts 4
 * values per feature or channel (gamma, beta, the moving mean and variance),
 * 2 of them trainable; the totals include the running statistics and split
 * into trainable and non-trainable. Dense(64) on 784 inputs 50,240 + BN(64)
 * 256 + Dense(32) 2,080 = 52,576, of which 128 are non-trainable; a conv's
 * BN(16) counts 64. A model without state prints its totals alone (the
 * seed-report tables above and test_nn_conv_spec.c). */
static void test_summary_state(void **state)
{
    (void)state;
    char *s = summary_of("dense 64, batchnorm relu, dropout 0.2, dense 32", "dense 784 sigmoid", 784);
    expect_in(s, " dense (Dense)                            (None, 64)                50,240\n");
    expect_in(s, " batch_normalization (BatchNormalization) (None, 64)                256\n");
    expect_in(s, " dropout (Dropout)                        (None, 64)                0\n");
    expect_in(s, "Total params: 52,576 (205.38 KB)\nTrainable params: 52,448 (204.88 KB)\n"
                 "Non-trainable params: 128 (512.00 B)\n");
    /* the decoder has no state, but the model does: Keras prints the split for every table */
    expect_in(s, "Total params: 25,872 (101.06 KB)\nTrainable params: 25,872 (101.06 KB)\n"
                 "Non-trainable params: 0 (0.00 B)\n");
    expect_in(s, "Total params (encoder + decoder): 78,448 (306.44 KB)\n"
                 "Trainable params (encoder + decoder): 78,320 (305.94 KB)\n"
                 "Non-trainable params (encoder + decoder): 128 (512.00 B)\n");
    free(s);
    s = summary_of("input 1 28 28, conv2d 16 3 s2 same, batchnorm relu, conv2d 8 3 s2 same, batchnorm relu",
                   "flatten, dense 784 sigmoid", 784);
    expect_in(s, " batch_normalization (BatchNormalization)   (None, 14, 14, 16)        64\n");
    expect_in(s, " batch_normalization_1 (BatchNormalization) (None, 7, 7, 8)           32\n");
    expect_in(s, "Total params: 1,416 (5.53 KB)\nTrainable params: 1,368 (5.34 KB)\n"
                 "Non-trainable params: 48 (192.00 B)\n");
    free(s);
    /* no state: no split */
    s = summary_of("dense 64, dropout 0.5", "dense 784 sigmoid", 784);
    assert_null(strstr(s, "Trainable"));
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_errors),
        cmocka_unit_test(test_spec_canonical),
        cmocka_unit_test(test_init_kinds),
        cmocka_unit_test(test_summary_counts),
        cmocka_unit_test(test_batchnorm_dropout_specs),
        cmocka_unit_test(test_summary_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
