/* IDX reading: plain and gzip files built here byte by byte, and every way
 * such a file can be wrong. */
#include "test_util.h"

#include <zlib.h>

#include "aeclust/data.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    test_tmpdir(tmpdir, sizeof tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_rmdir(tmpdir);
    return 0;
}

static const char *tmp(const char *name)
{
    static char buf[2][512];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", tmpdir, name);
    return buf[which];
}

static void check_error(ae_status got, ae_status want, const ae_error *err, const char *path, const char *needle)
{
    if (got != want) fail_msg("status %s, expected %s (%s)", ae_status_name(got), ae_status_name(want), err->msg);
    size_t n = strlen(path);
    if (strncmp(err->msg, path, n) != 0 || strncmp(err->msg + n, ": ", 2) != 0)
        fail_msg("message does not start with '%s: ': %s", path, err->msg);
    if (!strstr(err->msg, needle)) fail_msg("message lacks '%s': %s", needle, err->msg);
    if (strchr(err->msg, '\n')) fail_msg("message has a newline: %s", err->msg);
}

/* An IDX file image: 00 00 dtype rank, big-endian dims, then n_data bytes of
 * data (pattern (i * 37 + 11) % 256) whatever the dims say. Returns its
 * length; buf must be large enough. */
static size_t make_idx(unsigned char *buf, int dtype, int rank, const uint32_t *dims, size_t n_data)
{
    buf[0] = 0;
    buf[1] = 0;
    buf[2] = (unsigned char)dtype;
    buf[3] = (unsigned char)rank;
    for (int k = 0; k < rank; k++)
        for (int b = 0; b < 4; b++) buf[4 + 4 * k + b] = (unsigned char)(dims[k] >> (24 - 8 * b));
    size_t off = 4 + 4 * (size_t)rank;
    for (size_t i = 0; i < n_data; i++) buf[off + i] = (unsigned char)((i * 37 + 11) % 256);
    return off + n_data;
}

static void write_gz(const char *path, const void *buf, size_t n)
{
    gzFile gz = gzopen(path, "wb");
    if (!gz) fail_msg("cannot create %s", path);
    if (gzwrite(gz, buf, (unsigned)n) != (int)n) fail_msg("gzwrite %s", path);
    if (gzclose(gz) != Z_OK) fail_msg("gzclose %s", path);
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    unsigned char *buf = malloc(*n);
    if (!buf || fread(buf, 1, *n, f) != *n) fail_msg("cannot read %s", path);
    fclose(f);
    return buf;
}

static void check_pattern(const ae_matrix *x, size_t rows, size_t cols)
{
    assert_int_equal(x->rows, rows);
    assert_int_equal(x->cols, cols);
    for (size_t i = 0; i < rows * cols; i++) {
        float want = (float)((i * 37 + 11) % 256) / 255.0f;
        if (x->data[i] != want) fail_msg("element %zu = %.9g, expected %.9g", i, (double)x->data[i], (double)want);
    }
}

static void test_images_plain_and_gzip(void **state)
{
    (void)state;
    unsigned char buf[4096];
    uint32_t dims[3] = {5, 4, 3};
    size_t n = make_idx(buf, 0x08, 3, dims, 60);
    /* the reader goes by content: a plain file named .gz and a gzip file
     * without the suffix both work */
    test_write_file(tmp("plain.gz"), buf, n);
    write_gz(tmp("images-ubyte"), buf, n);
    const char *paths[] = {tmp("plain.gz"), tmp("images-ubyte")};
    for (int t = 0; t < 2; t++) {
        ae_matrix x;
        ae_error err;
        int h = 0, w = 0;
        assert_int_equal(ae_idx_read_images(paths[t], &x, &h, &w, &err), AE_OK);
        assert_int_equal(h, 4);
        assert_int_equal(w, 3);
        check_pattern(&x, 5, 12);
        /* spot values by hand: byte 0 is 11, byte 1 is 48, byte 7 is 14 (270 % 256) */
        assert_true(x.data[0] == 11.0f / 255.0f);
        assert_true(x.data[1] == 48.0f / 255.0f);
        assert_true(x.data[7] == 14.0f / 255.0f);
        ae_matrix_free(&x);
        assert_int_equal(ae_idx_read_images(paths[t], &x, NULL, NULL, &err), AE_OK);
        ae_matrix_free(&x);
    }
}

static void test_full_byte_range(void **state)
{
    (void)state;
    unsigned char buf[300];
    uint32_t dims[3] = {1, 16, 16};
    size_t n = make_idx(buf, 0x08, 3, dims, 0);
    for (int v = 0; v < 256; v++) buf[n + (size_t)v] = (unsigned char)v;
    write_gz(tmp("range.gz"), buf, n + 256);
    ae_matrix x;
    ae_error err;
    assert_int_equal(ae_idx_read_images(tmp("range.gz"), &x, NULL, NULL, &err), AE_OK);
    assert_true(x.data[0] == 0.0f);
    assert_true(x.data[255] == 1.0f);
    for (int v = 0; v < 256; v++) assert_true(x.data[v] == (float)v / 255.0f);
    ae_matrix_free(&x);
}

static void test_labels(void **state)
{
    (void)state;
    unsigned char buf[64];
    uint32_t dims[1] = {7};
    size_t n = make_idx(buf, 0x08, 1, dims, 0);
    const unsigned char v[7] = {9, 0, 0, 3, 255, 1, 2};
    memcpy(buf + n, v, 7);
    write_gz(tmp("labels.gz"), buf, n + 7);
    test_write_file(tmp("labels"), buf, n + 7);
    const char *paths[] = {tmp("labels.gz"), tmp("labels")};
    for (int t = 0; t < 2; t++) {
        ae_labels y;
        ae_error err;
        assert_int_equal(ae_idx_read_labels(paths[t], &y, &err), AE_OK);
        assert_int_equal(y.n, 7);
        for (int i = 0; i < 7; i++) assert_int_equal(y.data[i], v[i]);
        ae_labels_free(&y);
        /* the content-sniffing loaders take IDX too */
        assert_int_equal(ae_labels_load(paths[t], &y, &err), AE_OK);
        assert_int_equal(y.data[4], 255);
        ae_labels_free(&y);
    }
}

static void test_read_matrix_any_rank(void **state)
{
    (void)state;
    unsigned char buf[512];
    ae_matrix x;
    ae_error err;
    uint32_t d1[1] = {6};
    test_write_file(tmp("r1"), buf, make_idx(buf, 0x08, 1, d1, 6));
    assert_int_equal(ae_idx_read_matrix(tmp("r1"), &x, &err), AE_OK);
    check_pattern(&x, 6, 1);
    ae_matrix_free(&x);
    uint32_t d4[4] = {2, 3, 2, 5};
    write_gz(tmp("r4.gz"), buf, make_idx(buf, 0x08, 4, d4, 60));
    assert_int_equal(ae_idx_read_matrix(tmp("r4.gz"), &x, &err), AE_OK);
    check_pattern(&x, 2, 30);
    ae_matrix_free(&x);
    assert_int_equal(ae_matrix_load(tmp("r4.gz"), &x, &err), AE_OK);
    check_pattern(&x, 2, 30);
    ae_matrix_free(&x);
}

static void test_bad_headers(void **state)
{
    (void)state;
    unsigned char buf[512];
    uint32_t dims[3] = {2, 2, 2};
    ae_matrix x;
    ae_labels y;
    ae_error err;
    const char *p = tmp("bad");

    size_t n = make_idx(buf, 0x08, 3, dims, 8);
    buf[0] = 0x1a; /* magic's first two bytes must be 0 */
    test_write_file(p, buf, n);
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p, "not an IDX file (magic 1a 00 08 03");
    assert_null(x.data);

    n = make_idx(buf, 0x0d, 3, dims, 32); /* float32 IDX */
    write_gz(p, buf, n);
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p, "unsupported IDX dtype 0x0d");

    n = make_idx(buf, 0x08, 1, dims, 2); /* a label file given as images */
    test_write_file(p, buf, n);
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p,
                "expected an IDX image file of rank 3 (magic 0x00000803), found rank 1");
    n = make_idx(buf, 0x08, 3, dims, 8);
    test_write_file(p, buf, n);
    check_error(ae_idx_read_labels(p, &y, &err), AE_ERR_FORMAT, &err, p, "expected an IDX label file of rank 1");
    assert_null(y.data);

    n = make_idx(buf, 0x08, 0, dims, 0);
    test_write_file(p, buf, n);
    check_error(ae_idx_read_matrix(p, &x, &err), AE_ERR_FORMAT, &err, p, "unsupported IDX rank 0");

    uint32_t zero[3] = {2, 0, 2};
    n = make_idx(buf, 0x08, 3, zero, 0);
    test_write_file(p, buf, n);
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p, "IDX dimension 1 is 0");

    n = make_idx(buf, 0x08, 3, dims, 8);
    test_write_file(p, buf, 9); /* magic and half the dims */
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p,
                "truncated IDX header (5 of 12 dimension bytes)");
    test_write_file(p, buf, 3);
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p, "truncated IDX header (3 bytes)");
    test_write_file(p, buf, 0);
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p, "empty file");
    write_gz(p, buf, 0);
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p, "empty file");

    const char *missing = tmp("missing.gz");
    check_error(ae_idx_read_images(missing, &x, NULL, NULL, &err), AE_ERR_IO, &err, missing,
                "cannot open: No such file or directory");
    check_error(ae_idx_read_images(tmpdir, &x, NULL, NULL, &err), AE_ERR_IO, &err, tmpdir, "Is a directory");
}

static void test_length_mismatch(void **state)
{
    (void)state;
    unsigned char buf[512];
    uint32_t dims[3] = {3, 2, 3}; /* 18 bytes of image data */
    ae_matrix x;
    ae_error err;
    char want[600];
    for (int gz = 0; gz < 2; gz++) {
        const char *p = tmp(gz ? "short.gz" : "short");
        size_t n = make_idx(buf, 0x08, 3, dims, 17);
        if (gz)
            write_gz(p, buf, n);
        else
            test_write_file(p, buf, n);
        assert_int_equal(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT);
        snprintf(want, sizeof want, "%s: truncated: expected 18 bytes of image data, found 17", p);
        assert_string_equal(err.msg, want);
        assert_null(x.data);

        p = tmp(gz ? "long.gz" : "long");
        n = make_idx(buf, 0x08, 3, dims, 18 + 5);
        if (gz)
            write_gz(p, buf, n);
        else
            test_write_file(p, buf, n);
        assert_int_equal(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT);
        snprintf(want, sizeof want, "%s: 5 bytes of trailing data after the 18 bytes of image data", p);
        assert_string_equal(err.msg, want);
    }
    /* a header claiming 4e9 x 4e9 x 4e9 bytes must not be believed (nor allocated) */
    uint32_t huge[3] = {4000000000u, 4000000000u, 4000000000u};
    const char *p = tmp("huge");
    test_write_file(p, buf, make_idx(buf, 0x08, 3, huge, 10));
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p, "overflow");
    uint32_t big[3] = {4000000000u, 28, 28};
    test_write_file(p, buf, make_idx(buf, 0x08, 3, big, 10));
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p,
                "truncated: expected 3136000000000 bytes of image data, found 10");
    /* labels say "label data" */
    uint32_t d1[1] = {9};
    test_write_file(p, buf, make_idx(buf, 0x08, 1, d1, 4));
    ae_labels y;
    check_error(ae_idx_read_labels(p, &y, &err), AE_ERR_FORMAT, &err, p,
                "truncated: expected 9 bytes of label data, found 4");
}

/* A gzip file of random-looking image data, large enough that its middle is
 * deep inside the deflate stream; returns the compressed bytes. */
static unsigned char *make_big_gz(const char *path, size_t *gz_len)
{
    uint32_t dims[3] = {200, 28, 28};
    size_t n_data = 200 * 28 * 28;
    unsigned char *buf = malloc(16 + n_data);
    size_t n = make_idx(buf, 0x08, 3, dims, 0);
    uint64_t s = 12345;
    for (size_t i = 0; i < n_data; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        buf[n + i] = (unsigned char)((s >> 59) * 8); /* few distinct values: compressible but not trivially */
    }
    write_gz(path, buf, n + n_data);
    free(buf);
    return slurp(path, gz_len);
}

static void test_corrupt_gzip(void **state)
{
    (void)state;
    size_t len;
    unsigned char *gz = make_big_gz(tmp("good.gz"), &len);
    ae_matrix x;
    ae_error err;
    assert_int_equal(ae_idx_read_images(tmp("good.gz"), &x, NULL, NULL, &err), AE_OK);
    assert_int_equal(x.rows, 200);
    ae_matrix_free(&x);

    /* bytes scrambled in the middle: a stream error or a CRC mismatch, never
     * a silent success */
    unsigned char *bad = malloc(len);
    memcpy(bad, gz, len);
    for (size_t i = len / 2; i < len / 2 + 16; i++) bad[i] ^= 0x5a;
    const char *p = tmp("corrupt.gz");
    test_write_file(p, bad, len);
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p, "gzip");
    assert_null(x.data);

    /* only the CRC in the trailer changed: the data inflates fine, the check
     * must still fail */
    memcpy(bad, gz, len);
    bad[len - 8] ^= 0xff;
    p = tmp("crc.gz");
    test_write_file(p, bad, len);
    check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p,
                "corrupt gzip data: incorrect data check");

    /* cut short: at two thirds, and just before the 8-byte trailer ends */
    size_t cuts[] = {len * 2 / 3, len - 3};
    for (int c = 0; c < 2; c++) {
        p = tmp("cut.gz");
        test_write_file(p, gz, cuts[c]);
        check_error(ae_idx_read_images(p, &x, NULL, NULL, &err), AE_ERR_FORMAT, &err, p,
                    "gzip stream cut short (unexpected end of file)");
        assert_null(x.data);
    }
    /* the loader reports the same */
    check_error(ae_matrix_load(p, &x, &err), AE_ERR_FORMAT, &err, p, "gzip stream cut short");
    free(bad);
    free(gz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_images_plain_and_gzip),
        cmocka_unit_test(test_full_byte_range),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_read_matrix_any_rank),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_length_mismatch),
        cmocka_unit_test(test_corrupt_gzip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
