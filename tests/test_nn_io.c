/* Model files: save -> load round trip (bit-exact outputs) and every refusal
 * of a damaged file: bad magic, other version, truncation, trailing bytes,
 * checksum mismatch, specs that do not parse, tensors that do not fit. */
#include "test_util.h"

#include <zlib.h>

#include "aeclust/nn.h"
#include "aeclust/rng.h"
#include "nn/model.h"

static const char *ENC = "dense 16 relu, dense 3 linear";
static const char *DEC = "dense 16 leaky_relu:0.1, dense 8 sigmoid";

static ae_model *make_model(void)
{
    ae_model *m;
    ae_error err;
    ae_model_init_opts o = ae_model_init_defaults();
    o.seed = 77;
    o.init = AE_INIT_HE_NORMAL;
    if (ae_model_new(ENC, DEC, 8, &o, &m, &err) != AE_OK) fail_msg("%s", err.msg);
    return m;
}

static void random_rows(ae_matrix *x, size_t n, size_t d, uint64_t seed)
{
    ae_error err;
    assert_int_equal(ae_matrix_alloc(x, n, d, &err), AE_OK);
    ae_rng r;
    ae_rng_seed(&r, seed);
    for (size_t i = 0; i < n * d; i++) x->data[i] = (float)ae_rng_uniform(&r);
}

static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)len);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

/* Where needle first occurs in p[0..n) (memmem is a GNU extension). */
static unsigned char *find_bytes(unsigned char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(p + i, needle, k)) return p + i;
    return NULL;
}

/* Rewrites the trailing CRC after an edit, so only the edit itself is wrong. */
static void fix_crc(unsigned char *p, size_t n)
{
    uint32_t c = (uint32_t)crc32(0L, p, (uInt)(n - 4));
    for (int i = 0; i < 4; i++) p[n - 4 + (size_t)i] = (unsigned char)(c >> (8 * i));
}

/* Loading path must fail with status st and a message naming the path and containing want. */
static void expect_load_error(const char *path, ae_status st, const char *want)
{
    ae_model *m = (ae_model *)1;
    ae_error err;
    ae_error_clear(&err);
    ae_status got = ae_model_load(path, &m, &err);
    if (got != st) fail_msg("%s: status %d, wanted %d (%s)", path, (int)got, (int)st, err.msg);
    assert_null(m);
    if (!strstr(err.msg, path)) fail_msg("message \"%s\" does not name %s", err.msg, path);
    if (!strstr(err.msg, want)) fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
}

static void test_round_trip_bit_exact(void **state)
{
    (void)state;
    char dir[64], path[128];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/m.aenn", dir);
    ae_model *m = make_model();
    ae_error err;
    assert_int_equal(ae_model_save(m, path, &err), AE_OK);
    ae_model *m2;
    assert_int_equal(ae_model_load(path, &m2, &err), AE_OK);
    assert_string_equal(ae_model_encoder_spec(m2), ae_model_encoder_spec(m));
    assert_string_equal(ae_model_decoder_spec(m2), ae_model_decoder_spec(m));
    assert_int_equal(ae_model_param_count(m2, NULL, NULL), ae_model_param_count(m, NULL, NULL));
    assert_int_equal(ae_model_input_dim(m2), 8);

    ae_matrix x = {0}, r1 = {0}, r2 = {0}, c1 = {0}, c2 = {0};
    random_rows(&x, 300, 8, 1); /* more rows than the workspace: chunked */
    assert_int_equal(ae_model_reconstruct(m, &x, &r1, &err), AE_OK);
    assert_int_equal(ae_model_reconstruct(m2, &x, &r2, &err), AE_OK);
    assert_memory_equal(r1.data, r2.data, r1.rows * r1.cols * sizeof(float));
    assert_int_equal(ae_model_encode(m, &x, &c1, &err), AE_OK);
    assert_int_equal(ae_model_encode(m2, &x, &c2, &err), AE_OK);
    assert_int_equal(c1.cols, 3);
    assert_memory_equal(c1.data, c2.data, c1.rows * c1.cols * sizeof(float));
    /* decode(encode(x)) is reconstruct(x) */
    ae_matrix d = {0};
    assert_int_equal(ae_model_decode(m2, &c2, &d, &err), AE_OK);
    assert_memory_equal(d.data, r2.data, d.rows * d.cols * sizeof(float));
    /* a second save of the loaded model is byte-identical */
    char path2[160];
    snprintf(path2, sizeof path2, "%s/m2.aenn", dir);
    assert_int_equal(ae_model_save(m2, path2, &err), AE_OK);
    size_t n1, n2;
    unsigned char *b1 = read_file(path, &n1), *b2 = read_file(path2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
    ae_matrix_free(&x);
    ae_matrix_free(&r1);
    ae_matrix_free(&r2);
    ae_matrix_free(&c1);
    ae_matrix_free(&c2);
    ae_matrix_free(&d);
    ae_model_free(m);
    ae_model_free(m2);
    test_rmdir(dir);
}

static void test_damaged_files(void **state)
{
    (void)state;
    char dir[64], good[128], bad[128];
    test_tmpdir(dir, sizeof dir);
    snprintf(good, sizeof good, "%s/good.aenn", dir);
    snprintf(bad, sizeof bad, "%s/bad.aenn", dir);
    ae_model *m = make_model();
    ae_error err;
    assert_int_equal(ae_model_save(m, good, &err), AE_OK);
    ae_model_free(m);
    size_t n;
    unsigned char *orig = read_file(good, &n), *p = malloc(n + 8);

    /* one flipped bit in the middle of the weights */
    memcpy(p, orig, n);
    p[n / 2] ^= 0x10;
    test_write_file(bad, p, n);
    expect_load_error(bad, AE_ERR_FORMAT, "checksum mismatch");

    /* truncated by 100 bytes, and cut inside the header */
    test_write_file(bad, orig, n - 100);
    expect_load_error(bad, AE_ERR_FORMAT, "truncated");
    test_write_file(bad, orig, 15);
    expect_load_error(bad, AE_ERR_FORMAT, "truncated");
    test_write_file(bad, orig, 0);
    expect_load_error(bad, AE_ERR_FORMAT, "truncated");

    /* trailing garbage */
    memcpy(p, orig, n);
    memcpy(p + n, "junkjunk", 8);
    test_write_file(bad, p, n + 8);
    expect_load_error(bad, AE_ERR_FORMAT, "8 unexpected bytes");

    /* wrong magic: some other file */
    test_write_file(bad, "\x93NUMPY\x01\x00 some array", 20);
    expect_load_error(bad, AE_ERR_FORMAT, "not an aeclust model file");

    /* another format version (bytes 8..11) */
    memcpy(p, orig, n);
    p[8] = 2;
    test_write_file(bad, p, n);
    expect_load_error(bad, AE_ERR_FORMAT, "model format version 2, this build reads version 1");

    /* valid checksum but a spec that does not parse: "relu" -> "relx" */
    memcpy(p, orig, n);
    unsigned char *at = find_bytes(p, n, "dense 16 relu");
    assert_non_null(at);
    at[12] = 'x';
    fix_crc(p, n);
    test_write_file(bad, p, n);
    expect_load_error(bad, AE_ERR_FORMAT, "encoder layer 1: unknown activation 'relx'");

    /* valid checksum, specs parse, but the tensors do not fit them: 16 -> 17 units */
    memcpy(p, orig, n);
    at = find_bytes(p, n, "dense 16 relu");
    at[7] = '7';
    fix_crc(p, n);
    test_write_file(bad, p, n);
    expect_load_error(bad, AE_ERR_FORMAT, "tensor 1 is 'encoder.0.kernel' (8, 16) but the specs want "
                                          "'encoder.0.kernel' (8, 17)");

    /* missing file */
    char none[160];
    snprintf(none, sizeof none, "%s/none.aenn", dir);
    expect_load_error(none, AE_ERR_IO, "cannot open");

    free(orig);
    free(p);
    test_rmdir(dir);
}

/* Saving into a folder that does not exist fails cleanly; a good file loads
 * from any working directory (the format refers to no other file). */
static void test_paths(void **state)
{
    (void)state;
    char dir[64], path[128], cwd[4096];
    test_tmpdir(dir, sizeof dir);
    ae_model *m = make_model();
    ae_error err;
    snprintf(path, sizeof path, "%s/no/such/dir/m.aenn", dir);
    assert_int_equal(ae_model_save(m, path, &err), AE_ERR_IO);
    assert_non_null(strstr(err.msg, path));

    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(ae_model_save(m, "rel.aenn", &err), AE_OK);
    ae_model *m2 = NULL;
    assert_int_equal(ae_model_load("rel.aenn", &m2, &err), AE_OK);
    ae_model_free(m2);
    assert_int_equal(chdir("/"), 0);
    snprintf(path, sizeof path, "%s/rel.aenn", dir);
    assert_int_equal(ae_model_load(path, &m2, &err), AE_OK);
    assert_int_equal(ae_model_code_dim(m2), 3);
    ae_model_free(m2);
    assert_int_equal(chdir(cwd), 0);
    ae_model_free(m);
    test_rmdir(dir);
}

/* A model with batchnorm (1-D and 2-D) and dropout trains a few steps,
 * which moves the running statistics off their initial 0 and 1; saved and
 * loaded, it has the same statistics and encodes and reconstructs to the
 * same bytes (evaluation mode: the running statistics, nothing dropped), and
 * the file names the state tensors after each layer's parameters. */
static void test_running_stats_round_trip(void **state)
{
    (void)state;
    char dir[64], path[128];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bn.aenn", dir);
    ae_model *m;
    ae_error err;
    ae_model_init_opts o = ae_model_init_defaults();
    o.seed = 5;
    const char *enc = "input 1 4 4, conv2d 3 3 same, batchnorm relu, flatten, dropout 0.3, dense 6, batchnorm momentum=0.2";
    const char *dec = "dense 8 relu, batchnorm, dense 16 sigmoid";
    if (ae_model_new(enc, dec, 16, &o, &m, &err) != AE_OK) fail_msg("%s", err.msg);
    ae_matrix x = {0};
    random_rows(&x, 40, 16, 3);
    ae_train_opts t = ae_train_defaults();
    t.epochs = 2;
    t.batch_size = 16; /* 40 = 16 + 16 + 8 */
    t.optim.lr = 1e-2;
    assert_int_equal(ae_train(m, &x, NULL, &t, NULL, &err), AE_OK);
    assert_int_equal(ae_model_save(m, path, &err), AE_OK);
    ae_model *back;
    assert_int_equal(ae_model_load(path, &back, &err), AE_OK);
    assert_string_equal(ae_model_encoder_spec(back), ae_model_encoder_spec(m));

    ae_matrix c1 = {0}, c2 = {0}, r1 = {0}, r2 = {0};
    assert_int_equal(ae_model_encode(m, &x, &c1, &err), AE_OK);
    assert_int_equal(ae_model_encode(back, &x, &c2, &err), AE_OK);
    assert_memory_equal(c1.data, c2.data, c1.rows * c1.cols * sizeof(float));
    assert_int_equal(ae_model_reconstruct(m, &x, &r1, &err), AE_OK);
    assert_int_equal(ae_model_reconstruct(back, &x, &r2, &err), AE_OK);
    assert_memory_equal(r1.data, r2.data, r1.rows * r1.cols * sizeof(float));
    /* the running statistics moved off their initial values, and the loaded model has them */
    assert_int_equal(m->n_state, 2 * 3 + 2 * 6 + 2 * 8);
    assert_memory_equal(back->state, m->state, m->n_state * sizeof(float));
    int moved = 0;
    for (size_t i = 0; i < m->n_state; i++) moved += m->state[i] != 0.0f && m->state[i] != 1.0f;
    assert_int_equal(moved, (int)m->n_state);
    size_t n;
    unsigned char *bytes = read_file(path, &n);
    assert_non_null(find_bytes(bytes, n, "encoder.1.gamma"));
    assert_non_null(find_bytes(bytes, n, "encoder.1.running_mean"));
    assert_non_null(find_bytes(bytes, n, "encoder.5.running_var"));
    assert_non_null(find_bytes(bytes, n, "decoder.1.running_var"));
    assert_true(find_bytes(bytes, n, "encoder.1.beta") < find_bytes(bytes, n, "encoder.1.running_mean"));
    assert_true(find_bytes(bytes, n, "encoder.1.running_var") < find_bytes(bytes, n, "encoder.4.kernel"));
    /* encoding twice gives the same bytes: evaluation mode leaves the statistics alone */
    ae_matrix c4 = {0};
    assert_int_equal(ae_model_encode(back, &x, &c4, &err), AE_OK);
    assert_memory_equal(c2.data, c4.data, c2.rows * c2.cols * sizeof(float));
    free(bytes);
    ae_matrix_free(&x);
    ae_matrix_free(&c1);
    ae_matrix_free(&c2);
    ae_matrix_free(&c4);
    ae_matrix_free(&r1);
    ae_matrix_free(&r2);
    ae_model_free(m);
    ae_model_free(back);
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_bit_exact),
        cmocka_unit_test(test_damaged_files),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_running_stats_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
