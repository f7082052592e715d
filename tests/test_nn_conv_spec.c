/* Image-layer specs: every refusal and its message, canonical text that
 * builds the same model, the summaries and parameter counts of the seed
 * reports' convolutional autoencoders, encode/decode widths, a save/load round
 * trip, and a conv autoencoder that learns. */
#include "test_util.h"

#include "aeclust/nn.h"
#include "aeclust/rng.h"

/* Seed 000 (the TensorFlow tutorial's denoising AE), in Keras' terms. */
static const char *S000_ENC = "input 1 28 28, conv2d 16 3 s2 same relu, conv2d 8 3 s2 same relu";
static const char *S000_DEC =
    "conv2d_transpose 8 3 s2 same relu, conv2d_transpose 16 3 s2 same relu, conv2d 1 3 same sigmoid";
/* The same network as /work/shared/peer/p3_conv_dae.py writes it in PyTorch. */
static const char *P3_ENC = "input 1 28 28, conv2d 16 3 s2 p1 relu, conv2d 8 3 s2 p1 relu";
static const char *P3_DEC =
    "conv2d_transpose 8 3 s2 p1 op1 relu, conv2d_transpose 16 3 s2 p1 op1 relu, conv2d 1 3 p1 sigmoid";
/* Seed 002's figure 3: max pooling to a 7x7x1 code, up-sampling back. */
static const char *S002_ENC = "input 1 28 28, conv2d 64 3 same relu, maxpool2d 2, conv2d 32 3 same relu, maxpool2d 2, "
                              "conv2d 1 3 same sigmoid, flatten";
static const char *S002_DEC = "reshape 1 7 7, conv2d 32 3 same relu, upsample2d 2, conv2d 64 3 same relu, "
                              "upsample2d 2, conv2d 1 3 same sigmoid";

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

static void test_conv_spec_errors(void **state)
{
    (void)state;
    const char *in3 = "input 1 3 3, conv2d 2 5 valid";
    const char *d9 = "flatten, dense 9";
    expect_error(in3, d9, 9, "encoder layer 2: kernel 5 is larger than the 3x3 input");
    expect_error("input 1 3 3, conv2d 2 6 p1", d9, 9,
                 "encoder layer 2: kernel 6 is larger than the 3x3 input padded by 1");
    expect_error("input 1 3 3, maxpool2d 4", d9, 9, "encoder layer 2: pool size 4 is larger than the 3x3 input");
    expect_error("input 1 28 28, conv2d 16 3 s0", "dense 784", 784,
                 "encoder layer 2: stride must be at least 1, got 0");
    expect_error("input 1 28 28, conv2d 16 3 sx", "dense 784", 784, "encoder layer 2: unknown activation 'sx'");
    expect_error("input 1 28 28, conv2d 4 3 s2 same, flatten", "dense 64, reshape 1 7 7, upsample2d 4", 784,
                 "decoder layer 2: reshape to 1x7x7 = 49 values, but the input has 64");
    expect_error("input 1 28 28, flatten", "reshape 50", 784,
                 "decoder layer 1: reshape to 50 values, but the input has 784");
    expect_error("conv2d 16 3", "dense 784", 784,
                 "encoder layer 1: conv2d needs an image input (C, H, W), got a flat 784-wide one (start the encoder "
                 "with \"input 1 28 28\" or add a reshape)");
    expect_error("input 1 28 27, conv2d 16 3", "dense 784", 784,
                 "encoder layer 1: input 1x28x27 = 756 values, but the rows have 784");
    expect_error("input 1 28 28", "dense 784", 784, "encoder: no layers after 'input'");
    expect_error("input 1 28 28, flatten, input 784", "dense 784", 784,
                 "encoder layer 3: 'input' can only be the first item of the encoder");
    expect_error("input 1 28 28, flatten", "input 784, dense 784", 784,
                 "decoder layer 1: 'input' can only be the first item of the encoder");
    expect_error("input 1 28", "dense 784", 784, "encoder layer 1: input needs C H W or one size N");
    expect_error("input 1 28 28, conv2d 16", "dense 784", 784, "encoder layer 2: conv2d needs FILTERS and KERNEL");
    expect_error("input 1 28 28, conv2d 0 3", "dense 784", 784, "encoder layer 2: filters must be at least 1, got 0");
    expect_error("input 1 28 28, conv2d 8 3x3", "dense 784", 784, "encoder layer 2: kernel size '3x3' is not a number");
    expect_error("input 1 28 28, conv2d 8 3 same valid", "dense 784", 784,
                 "encoder layer 2: padding given twice (at 'valid')");
    expect_error("input 1 28 28, conv2d 8 3 s2 s1", "dense 784", 784, "encoder layer 2: stride given twice (at 's1')");
    expect_error("input 1 28 28, conv2d 8 3 relu tanh", "dense 784", 784,
                 "encoder layer 2: unexpected 'tanh': the activation is already given");
    expect_error("input 1 28 28, conv2d 8 3 s2 p1 op1", "dense 784", 784, "unknown activation 'op1'");
    expect_error("input 1 28 28, flatten", "reshape 1 28 28, conv2d_transpose 1 3 s2 same op1", 784,
                 "decoder layer 2: output padding op1 needs PyTorch-style padding pP");
    expect_error("input 1 28 28, flatten", "reshape 1 28 28, conv2d_transpose 1 3 s2 p1 op2", 784,
                 "decoder layer 2: output padding 2 must be smaller than the stride 2");
    expect_error("input 1 2 2, flatten", "reshape 1 2 2, conv2d_transpose 1 1 s1 p3", 4,
                 "decoder layer 2: padding 3 leaves no output of the 2x2 input");
    expect_error("input 1 28 28, maxpool2d 2 relu", "dense 784", 784,
                 "encoder layer 2: unexpected 'relu' (want sS, same, valid or pP)");
    expect_error("input 1 28 28, maxpool2d 3 p2", "dense 784", 784,
                 "encoder layer 2: padding 2 is more than half the pool size 3");
    expect_error("input 1 28 28, maxpool2d", "dense 784", 784, "encoder layer 2: maxpool2d needs a pool size");
    expect_error("input 1 28 28, upsample2d", "dense 784", 784, "encoder layer 2: upsample2d needs a FACTOR");
    expect_error("input 1 28 28, upsample2d 2 2", "dense 784", 784, "upsample2d takes one FACTOR, unexpected '2'");
    expect_error("input 1 28 28, upsample2d 0", "dense 784", 784, "up-sampling factor must be at least 1, got 0");
    expect_error("input 1 28 28, flatten 3", "dense 784", 784, "encoder layer 2: flatten takes no arguments");
    expect_error("input 784, maxpool2d 2", "dense 784", 784, "maxpool2d needs an image input (C, H, W)");
    expect_error("input 1 28 28, flatten", "upsample2d 2", 784, "upsample2d needs an image input (C, H, W)");
    expect_error("input 1 28 28, flatten", "conv2d_transpose 1 3", 784, "conv2d_transpose needs an image input");
    expect_error("input 1 28 28, dense 10", "dense 784", 784, "encoder layer 2: dense needs a flat input, got rank 3");
    expect_error("input 1 28 28, conv2d 1 3 same", "conv2d 2 3 same", 784,
                 "decoder output width 1568 does not match the input width 784");
}

/* Each spec's canonical text builds an identical model: same text again and
 * bit-identical outputs. */
static void check_canonical(const char *enc, const char *dec, int width, const char *want_enc, const char *want_dec)
{
    ae_model *m, *m2;
    ae_error err;
    if (ae_model_new(enc, dec, width, NULL, &m, &err) != AE_OK) fail_msg("%s", err.msg);
    assert_string_equal(ae_model_encoder_spec(m), want_enc);
    assert_string_equal(ae_model_decoder_spec(m), want_dec);
    if (ae_model_new(want_enc, want_dec, width, NULL, &m2, &err) != AE_OK) fail_msg("%s", err.msg);
    assert_string_equal(ae_model_encoder_spec(m2), want_enc);
    assert_string_equal(ae_model_decoder_spec(m2), want_dec);
    ae_matrix x = {0}, y = {0}, y2 = {0};
    assert_int_equal(ae_matrix_alloc(&x, 3, (size_t)width, &err), AE_OK);
    for (size_t i = 0; i < x.rows * x.cols; i++) x.data[i] = (float)((i * 37) % 101) / 101.0f;
    assert_int_equal(ae_model_reconstruct(m, &x, &y, &err), AE_OK);
    assert_int_equal(ae_model_reconstruct(m2, &x, &y2, &err), AE_OK);
    assert_memory_equal(y.data, y2.data, y.rows * y.cols * sizeof(float));
    ae_matrix_free(&x);
    ae_matrix_free(&y);
    ae_matrix_free(&y2);
    ae_model_free(m);
    ae_model_free(m2);
}

static void test_conv_spec_canonical(void **state)
{
    (void)state;
    check_canonical(S000_ENC, S000_DEC, 784, "input 1 28 28, conv2d 16 3 s2 same relu, conv2d 8 3 s2 same relu",
                    "conv2d_transpose 8 3 s2 same relu, conv2d_transpose 16 3 s2 same relu, "
                    "conv2d 1 3 s1 same sigmoid");
    check_canonical(P3_ENC, P3_DEC, 784, "input 1 28 28, conv2d 16 3 s2 p1 relu, conv2d 8 3 s2 p1 relu",
                    "conv2d_transpose 8 3 s2 p1 op1 relu, conv2d_transpose 16 3 s2 p1 op1 relu, "
                    "conv2d 1 3 s1 p1 sigmoid");
    check_canonical(S002_ENC, S002_DEC, 784,
                    "input 1 28 28, conv2d 64 3 s1 same relu, maxpool2d 2 s2 valid, conv2d 32 3 s1 same relu, "
                    "maxpool2d 2 s2 valid, conv2d 1 3 s1 same sigmoid, flatten",
                    "reshape 1 7 7, conv2d 32 3 s1 same relu, upsample2d 2, conv2d 64 3 s1 same relu, "
                    "upsample2d 2, conv2d 1 3 s1 same sigmoid");
    /* options in any order, leaky_relu's slope, pool stride and padding, rank-1 input */
    check_canonical("input 2 4 5, conv2d 3 3 leaky_relu:0.1 same s2, maxpool2d 2 s1 same, flatten",
                    "dense 40 tanh, reshape 2 4 5, conv2d_transpose 2 3 tanh p1 s1", 40,
                    "input 2 4 5, conv2d 3 3 s2 same leaky_relu:0.1, maxpool2d 2 s1 same, flatten",
                    "dense 40 tanh, reshape 2 4 5, conv2d_transpose 2 3 s1 p1 tanh");
    check_canonical("input 16, dense 4", "dense 16", 16, "input 16, dense 4 linear", "dense 16 linear");
}

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

/* The seed reports' tables (Keras model.summary(), shapes (H, W, C)); the
 * counts by hand: 3*3*1*16+16 = 160, 3*3*16*8+8 = 1,160; transposed
 * 3*3*8*8+8 = 584, 3*3*8*16+16 = 1,168; 3*3*16*1+1 = 145. Seed 002:
 * 640 + 18,464 + 289 = 19,393 and 320 + 18,496 + 577 = 19,393, 38,786 in all. */
static void test_conv_summaries(void **state)
{
    (void)state;
    char *s = summary_of(S000_ENC, S000_DEC, 784);
    expect_in(s, "Encoder: input (None, 28, 28, 1)\n");
    expect_in(s, " conv2d (Conv2D)                      (None, 14, 14, 16)        160\n");
    expect_in(s, " conv2d_1 (Conv2D)                    (None, 7, 7, 8)           1,160\n");
    expect_in(s, "Total params: 1,320 (5.16 KB)\n");
    expect_in(s, "Decoder: input (None, 7, 7, 8)\n");
    expect_in(s, " conv2d_transpose (Conv2DTranspose)   (None, 14, 14, 8)         584\n");
    expect_in(s, " conv2d_transpose_1 (Conv2DTranspose) (None, 28, 28, 16)        1,168\n");
    expect_in(s, " conv2d_2 (Conv2D)                    (None, 28, 28, 1)         145\n");
    expect_in(s, "Total params: 1,897 (7.41 KB)\n");
    free(s);

    char *p3 = summary_of(P3_ENC, P3_DEC, 784); /* PyTorch's padding: the same shapes and counts */
    expect_in(p3, "Total params: 1,320 (5.16 KB)\n");
    expect_in(p3, " conv2d_transpose_1 (Conv2DTranspose) (None, 28, 28, 16)        1,168\n");
    expect_in(p3, "Total params: 1,897 (7.41 KB)\n");
    free(p3);

    s = summary_of(S002_ENC, S002_DEC, 784);
    expect_in(s, " conv2d (Conv2D)                (None, 28, 28, 64)        640\n");
    expect_in(s, " max_pooling2d (MaxPooling2D)   (None, 14, 14, 64)        0\n");
    expect_in(s, " conv2d_1 (Conv2D)              (None, 14, 14, 32)        18,464\n");
    expect_in(s, " max_pooling2d_1 (MaxPooling2D) (None, 7, 7, 32)          0\n");
    expect_in(s, " conv2d_2 (Conv2D)              (None, 7, 7, 1)           289\n");
    expect_in(s, " flatten (Flatten)              (None, 49)                0\n");
    expect_in(s, " reshape (Reshape)              (None, 7, 7, 1)           0\n");
    expect_in(s, " conv2d_3 (Conv2D)              (None, 7, 7, 32)          320\n");
    expect_in(s, " up_sampling2d (UpSampling2D)   (None, 14, 14, 32)        0\n");
    expect_in(s, " conv2d_4 (Conv2D)              (None, 14, 14, 64)        18,496\n");
    expect_in(s, " up_sampling2d_1 (UpSampling2D) (None, 28, 28, 64)        0\n");
    expect_in(s, " conv2d_5 (Conv2D)              (None, 28, 28, 1)         577\n");
    expect_in(s, "Total params (encoder + decoder): 38,786 (151.51 KB)\n");
    free(s);

    ae_model *m;
    ae_error err;
    assert_int_equal(ae_model_new(S002_ENC, S002_DEC, 784, NULL, &m, &err), AE_OK);
    size_t enc, dec;
    assert_int_equal(ae_model_param_count(m, &enc, &dec), 38786);
    assert_int_equal(enc, 19393);
    assert_int_equal(dec, 19393);
    assert_int_equal(ae_model_code_dim(m), 49);
    ae_model_free(m);
}

static void random_rows(ae_matrix *x, size_t n, size_t d, uint64_t seed)
{
    ae_error err;
    assert_int_equal(ae_matrix_alloc(x, n, d, &err), AE_OK);
    ae_rng r;
    ae_rng_seed(&r, seed);
    for (size_t i = 0; i < n * d; i++) x->data[i] = (float)ae_rng_uniform(&r);
}

/* Codes are the flattened (C, H, W) output; decode takes them back. Batches
 * larger than max_batch go in chunks, and every chunk gives what one row alone gives. */
static void test_encode_decode_widths(void **state)
{
    (void)state;
    ae_model *m;
    ae_error err;
    ae_model_init_opts o = ae_model_init_defaults();
    o.max_batch = 4;
    assert_int_equal(ae_model_new(S000_ENC, S000_DEC, 784, &o, &m, &err), AE_OK);
    assert_int_equal(ae_model_code_dim(m), 392);
    ae_matrix x, codes = {0}, out = {0}, rec = {0}, one = {0}, onec = {0};
    random_rows(&x, 10, 784, 5);
    assert_int_equal(ae_model_encode(m, &x, &codes, &err), AE_OK);
    assert_int_equal(codes.rows, 10);
    assert_int_equal(codes.cols, 392);
    assert_int_equal(ae_model_decode(m, &codes, &out, &err), AE_OK);
    assert_int_equal(out.cols, 784);
    assert_int_equal(ae_model_reconstruct(m, &x, &rec, &err), AE_OK);
    assert_memory_equal(out.data, rec.data, 10 * 784 * sizeof(float));
    for (size_t i = 0; i < 10 * 784; i++) assert_true(out.data[i] > 0.0f && out.data[i] < 1.0f); /* sigmoid */
    /* row 7 alone (a chunk of its own) encodes to what it did in a chunk of 2 */
    one = (ae_matrix){.rows = 1, .cols = 784, .data = x.data + 7 * 784};
    assert_int_equal(ae_model_encode(m, &one, &onec, &err), AE_OK);
    for (size_t j = 0; j < 392; j++) assert_close(onec.data[j], codes.data[7 * 392 + j], 1e-6);
    ae_matrix bad = {.rows = 1, .cols = 391, .data = codes.data};
    ae_matrix none = {0};
    assert_int_equal(ae_model_decode(m, &bad, &none, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "input has 391 columns, the model wants 392"));
    ae_matrix_free(&x);
    ae_matrix_free(&codes);
    ae_matrix_free(&out);
    ae_matrix_free(&rec);
    ae_matrix_free(&onec);
    ae_model_free(m);
}

static void test_conv_save_load(void **state)
{
    (void)state;
    char dir[64], path[128];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/conv.aenn", dir);
    ae_model *m, *m2;
    ae_error err;
    ae_model_init_opts o = ae_model_init_defaults();
    o.seed = 9;
    o.init = AE_INIT_HE_UNIFORM;
    assert_int_equal(ae_model_new(S002_ENC, S002_DEC, 784, &o, &m, &err), AE_OK);
    assert_int_equal(ae_model_save(m, path, &err), AE_OK);
    assert_int_equal(ae_model_load(path, &m2, &err), AE_OK);
    assert_string_equal(ae_model_encoder_spec(m2), ae_model_encoder_spec(m));
    assert_string_equal(ae_model_decoder_spec(m2), ae_model_decoder_spec(m));
    assert_int_equal(ae_model_param_count(m2, NULL, NULL), 38786);
    ae_matrix x, y = {0}, y2 = {0};
    random_rows(&x, 5, 784, 6);
    assert_int_equal(ae_model_reconstruct(m, &x, &y, &err), AE_OK);
    assert_int_equal(ae_model_reconstruct(m2, &x, &y2, &err), AE_OK);
    assert_memory_equal(y.data, y2.data, 5 * 784 * sizeof(float));
    /* the kernels are stored with their 4-d shapes, named by part and layer */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    bool found = false;
    for (size_t i = 0; i + 16 <= n && !found; i++) found = !memcmp(buf + i, "encoder.0.kernel", 16);
    assert_true(found);
    ae_matrix_free(&x);
    ae_matrix_free(&y);
    ae_matrix_free(&y2);
    ae_model_free(m);
    ae_model_free(m2);
    test_rmdir(dir);
}

/* A small conv denoiser on blurry blobs: the loss falls well below where it starts. */
static void test_conv_ae_learns(void **state)
{
    (void)state;
    enum { N = 256, S = 12 };
    ae_matrix x, noisy;
    ae_error err;
    assert_int_equal(ae_matrix_alloc(&x, N, S * S, &err), AE_OK);
    assert_int_equal(ae_matrix_alloc(&noisy, N, S * S, &err), AE_OK);
    ae_rng r;
    ae_rng_seed(&r, 12);
    for (size_t i = 0; i < N; i++) {
        double cy = 2 + 8 * ae_rng_uniform(&r), cx = 2 + 8 * ae_rng_uniform(&r);
        for (int p = 0; p < S * S; p++) {
            double d2 = (p / S - cy) * (p / S - cy) + (p % S - cx) * (p % S - cx);
            float v = (float)exp(-d2 / 6.0);
            x.data[i * S * S + p] = v;
            double nv = v + 0.2 * ae_rng_normal(&r);
            noisy.data[i * S * S + p] = (float)(nv < 0 ? 0 : nv > 1 ? 1 : nv);
        }
    }
    ae_model *m;
    ae_model_init_opts o = ae_model_init_defaults();
    o.seed = 1;
    assert_int_equal(ae_model_new("input 1 12 12, conv2d 8 3 s2 same relu, conv2d 4 3 s2 same relu",
                                  "conv2d_transpose 4 3 s2 same relu, conv2d_transpose 8 3 s2 same relu, "
                                  "conv2d 1 3 same sigmoid",
                                  S * S, &o, &m, &err),
                     AE_OK);
    ae_train_opts t = ae_train_defaults();
    t.epochs = 8;
    t.batch_size = 16;
    t.optim.lr = 3e-3;
    ae_train_history h;
    if (ae_train(m, &noisy, &x, &t, &h, &err) != AE_OK) fail_msg("%s", err.msg);
    print_message("conv DAE loss %.5f -> %.5f\n", h.epochs[0].train_loss, h.epochs[h.n - 1].train_loss);
    assert_true(h.epochs[h.n - 1].train_loss < 0.5 * h.epochs[0].train_loss);
    ae_train_history_free(&h);
    ae_model_free(m);
    ae_matrix_free(&x);
    ae_matrix_free(&noisy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_spec_errors), cmocka_unit_test(test_conv_spec_canonical),
        cmocka_unit_test(test_conv_summaries),   cmocka_unit_test(test_encode_decode_widths),
        cmocka_unit_test(test_conv_save_load),   cmocka_unit_test(test_conv_ae_learns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
