/* .npy reading and writing. The fixtures in tests/fixtures/npy were written by
 * NumPy 1.24 (tests/ref/make_npy_fixtures.py); the expected values below are
 * the arrays of that script. (float)x in C is the same round-to-nearest cast
 * NumPy applies when it stores a Python float as float32. */
#include "test_util.h"

#include "aeclust/data.h"
#include "aeclust/npy.h"
#include "data/npy_format.h" /* the internal header formatter, tested directly below */

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

/* tests/fixtures/npy/NAME, found next to this source file. */
static const char *fixture(const char *name)
{
    static char buf[1024];
    const char *file = __FILE__, *slash = strrchr(file, '/');
    if (slash)
        snprintf(buf, sizeof buf, "%.*s/fixtures/npy/%s", (int)(slash - file), file, name);
    else
        snprintf(buf, sizeof buf, "fixtures/npy/%s", name);
    return buf;
}

static const char *tmp(const char *name)
{
    static char buf[2][512];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", tmpdir, name);
    return buf[which];
}

/* The call failed with `want`, and the message is one line that starts with
 * "PATH: " and contains `needle`. */
static void check_error(ae_status got, ae_status want, const ae_error *err, const char *path, const char *needle)
{
    if (got != want) fail_msg("status %s, expected %s (%s)", ae_status_name(got), ae_status_name(want), err->msg);
    size_t n = strlen(path);
    if (strncmp(err->msg, path, n) != 0 || strncmp(err->msg + n, ": ", 2) != 0)
        fail_msg("message does not start with '%s: ': %s", path, err->msg);
    if (!strstr(err->msg, needle)) fail_msg("message lacks '%s': %s", needle, err->msg);
    if (strchr(err->msg, '\n')) fail_msg("message has a newline: %s", err->msg);
}

static void check_matrix(const ae_matrix *m, size_t rows, size_t cols, const float *want)
{
    assert_int_equal(m->rows, rows);
    assert_int_equal(m->cols, cols);
    for (size_t i = 0; i < rows * cols; i++)
        if (memcmp(&m->data[i], &want[i], sizeof(float)) != 0) /* bitwise: catches -0.0 vs 0.0 */
            fail_msg("element %zu: %a, expected %a", i, (double)m->data[i], (double)want[i]);
}

static void read_and_check(const char *name, size_t rows, size_t cols, const float *want)
{
    ae_matrix m;
    ae_error err;
    ae_status st = ae_npy_read_matrix(fixture(name), &m, &err);
    if (st) fail_msg("%s: %s", name, err.msg);
    check_matrix(&m, rows, cols, want);
    ae_matrix_free(&m);
}

static void test_read_float(void **state)
{
    (void)state;
    const float f4[] = {(float)0.1, -2.5f, (float)3e-8, (float)1e30, 0.0f, -0.0f};
    read_and_check("f4_2x3.npy", 2, 3, f4);
    const float f8[] = {(float)0.1, (float)(1.0 / 3.0), (float)-1e-3, (float)1099511627776.5, 7.0f, -8.0f};
    read_and_check("f8_3x2.npy", 3, 2, f8);
    const float v[] = {0, 1, 2, 3, 4, 5};
    read_and_check("v2_f4_2x3.npy", 2, 3, v);
    read_and_check("v3_f4_2x3.npy", 2, 3, v);
}

static void test_read_integer_and_bool(void **state)
{
    (void)state;
    const float i8[] = {3, -7, 0, (float)1099511627776.0, 9};
    read_and_check("i8_1d.npy", 5, 1, i8); /* 1-D: (n,) -> (n, 1) */
    float u1[24];
    for (int i = 0; i < 24; i++) u1[i] = (float)(10 * i);
    read_and_check("u1_2x3x4.npy", 2, 12, u1); /* 3-D: (2, 3, 4) -> (2, 12) */
    const float i1[] = {-128, 127}, i2[] = {-32768, 32767}, u2[] = {0, 65535};
    read_and_check("i1.npy", 2, 1, i1);
    read_and_check("i2.npy", 2, 1, i2);
    read_and_check("u2.npy", 2, 1, u2);
    const float u4[] = {(float)4294967295.0}, u8[] = {(float)18446744073709551615.0};
    read_and_check("u4.npy", 1, 1, u4);
    read_and_check("u8.npy", 1, 1, u8);
    const float b1[] = {1, 0, 0, 1};
    read_and_check("b1_2x2.npy", 2, 2, b1);
}

static void test_read_fortran_order(void **state)
{
    (void)state;
    float v[24];
    for (int i = 0; i < 24; i++) v[i] = (float)i;
    /* np.asfortranarray(np.arange(12).reshape(3, 4)): C-order values 0..11 */
    read_and_check("f4_fortran_3x4.npy", 3, 4, v);
    read_and_check("f8_fortran_2x3x4.npy", 2, 12, v);
    ae_labels l;
    ae_error err;
    assert_int_equal(ae_npy_read_labels(fixture("i4_fortran_n1.npy"), &l, &err), AE_OK);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.data[0], 5);
    assert_int_equal(l.data[2], 7);
    ae_labels_free(&l);
}

static void test_read_big_endian(void **state)
{
    (void)state;
    const float f4[] = {1.5f, -2.0f, (float)0.1, (float)1e10};
    read_and_check("be_f4_2x2.npy", 2, 2, f4);
    const float f8[] = {(float)0.1, -3.0f};
    read_and_check("be_f8.npy", 2, 1, f8);
    const float u2[] = {1, 256, 65535};
    read_and_check("be_u2.npy", 3, 1, u2);
    ae_labels l;
    ae_error err;
    assert_int_equal(ae_npy_read_labels(fixture("be_i4.npy"), &l, &err), AE_OK);
    const int32_t want[] = {1, -2, 65536, 2147483647};
    assert_int_equal(l.n, 4);
    assert_memory_equal(l.data, want, sizeof want);
    ae_labels_free(&l);
}

static void test_read_labels(void **state)
{
    (void)state;
    ae_labels l;
    ae_error err;
    struct {
        const char *file;
        size_t n;
        int32_t v[5];
    } ok[] = {
        {"labels_i4.npy", 5, {0, 1, 2, 9, -1}},
        {"labels_i8_range.npy", 5, {3, -7, 0, INT32_MAX, INT32_MIN}},
        {"labels_f8_whole.npy", 4, {0, 1, 5, -2}},
        {"labels_i8_col.npy", 4, {3, 1, 4, 1}}, /* (n, 1) */
        {"labels_empty.npy", 0, {0}},
    };
    for (size_t t = 0; t < sizeof ok / sizeof ok[0]; t++) {
        ae_status st = ae_npy_read_labels(fixture(ok[t].file), &l, &err);
        if (st) fail_msg("%s: %s", ok[t].file, err.msg);
        assert_int_equal(l.n, ok[t].n);
        if (l.n) assert_memory_equal(l.data, ok[t].v, l.n * sizeof(int32_t));
        ae_labels_free(&l);
    }
    struct {
        const char *file, *needle;
    } bad[] = {
        {"labels_f4_frac.npy", "label 1.5 at index 1 is not a whole number"},
        {"labels_f8_nan.npy", "at index 1 is not a whole number"},
        {"labels_u8_big.npy", "label 4294967296 at index 1 is outside the int32 range"},
        {"labels_i8_small.npy", "label -2147483649 at index 1 is outside the int32 range"},
        {"labels_2x2.npy", "labels must have shape (n,) or (n, 1), found (2, 2)"},
        {"u1_2x3x4.npy", "found (2, 3, 4)"},
        {"scalar_f4.npy", "found ()"},
        {"c8.npy", "unsupported dtype '<c8'"},
    };
    for (size_t t = 0; t < sizeof bad / sizeof bad[0]; t++) {
        const char *p = fixture(bad[t].file);
        check_error(ae_npy_read_labels(p, &l, &err), AE_ERR_FORMAT, &err, p, bad[t].needle);
        assert_null(l.data);
    }
}

static void test_unsupported_dtypes(void **state)
{
    (void)state;
    struct {
        const char *file, *needle;
    } cases[] = {
        {"c8.npy", "unsupported dtype '<c8'"},
        {"object.npy", "unsupported dtype '|O'"},
        {"str_u3.npy", "unsupported dtype '<U3'"},
        {"f2.npy", "unsupported dtype '<f2'"},
        {"structured.npy", "unsupported dtype (a structured array"},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        ae_matrix m;
        ae_error err;
        const char *p = fixture(cases[t].file);
        check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, cases[t].needle);
        assert_null(m.data);
    }
}

/* Writes magic, version, header length, header text (taken as is) and data. */
static void write_npy(const char *path, int major, const char *header, const void *data, size_t n)
{
    size_t hl = strlen(header), lb = major == 1 ? 2 : 4;
    unsigned char *buf = malloc(8 + lb + hl + n);
    assert_non_null(buf);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t b = 0; b < lb; b++) buf[8 + b] = (unsigned char)(hl >> (8 * b));
    memcpy(buf + 8 + lb, header, hl);
    if (n) memcpy(buf + 8 + lb + hl, data, n);
    test_write_file(path, buf, 8 + lb + hl + n);
    free(buf);
}

static void test_header_variants(void **state)
{
    (void)state;
    const float v[6] = {1, 2, 3, 4, 5, 6};
    const char *headers[] = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }      \n",
        "{'shape': (2, 3), 'descr': '<f4', 'fortran_order': False}\n", /* any order, no trailing comma */
        "{ \"fortran_order\" :False , \"shape\":( 2 ,3 ,) ,\"descr\":\"<f4\",}",
        "{'descr':'<f4','fortran_order':False,'shape':(2L, 3L)}\n", /* Python 2 longs */
        "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}\n",
        "\n\t{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3)}\r\n",
    };
    for (size_t t = 0; t < sizeof headers / sizeof headers[0]; t++) {
        const char *p = tmp("variant.npy");
        write_npy(p, t % 2 ? 2 : 1, headers[t], v, sizeof v);
        ae_matrix m;
        ae_error err;
        ae_status st = ae_npy_read_matrix(p, &m, &err);
        if (st) fail_msg("header %zu: %s", t, err.msg);
        check_matrix(&m, 2, 3, v);
        ae_matrix_free(&m);
    }
    /* shape (n,) and a Fortran (2, 3) written by hand: columns first */
    const char *p = tmp("variant.npy");
    write_npy(p, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", v, sizeof v);
    ae_matrix m;
    ae_error err;
    assert_int_equal(ae_npy_read_matrix(p, &m, &err), AE_OK);
    const float t[6] = {1, 3, 5, 2, 4, 6};
    check_matrix(&m, 2, 3, t);
    ae_matrix_free(&m);
    write_npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }\n", v, sizeof v);
    assert_int_equal(ae_npy_read_matrix(p, &m, &err), AE_OK);
    check_matrix(&m, 6, 1, v);
    ae_matrix_free(&m);
}

static void test_bad_headers(void **state)
{
    (void)state;
    const float v[6] = {1, 2, 3, 4, 5, 6};
    struct {
        const char *header, *needle;
    } cases[] = {
        {"'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", "expected '{'"},
        {"{'descr' '<f4', 'fortran_order': False, 'shape': (2, 3)}", "expected ':' after a key"},
        {"{'descr': '<f4', 'fortran_order': Flase, 'shape': (2, 3)}", "expected True or False"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': 6}", "expected a tuple for 'shape'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", "expected a non-negative integer"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", "expected ',' or the end of the 'shape'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", "expected ',' or '}'"},
        {"{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}", "expected ',' or '}'"},
        {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
        {"{'descr': '<f4', 'shape': (2, 3)}", "missing key 'fortran_order'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", "unexpected key 'x'"},
        {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", "key 'descr' appears twice"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} junk", "unexpected text after the dict"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999, 3)}", "dimension too large"},
        {"{'descr': 'f4x', 'fortran_order': False, 'shape': (2, 3)}", "unsupported dtype 'f4x'"},
        {"{'descr': '<i3', 'fortran_order': False, 'shape': (2, 3)}", "unsupported dtype '<i3'"},
        {"", "expected '{'"},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const char *p = tmp("bad.npy");
        write_npy(p, 1, cases[t].header, v, sizeof v);
        ae_matrix m;
        ae_error err;
        check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, cases[t].needle);
        assert_null(m.data);
    }
}

static void test_bad_files(void **state)
{
    (void)state;
    const float v[6] = {1, 2, 3, 4, 5, 6};
    const char *hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n";
    ae_matrix m;
    ae_error err;
    const char *p = tmp("f.npy");

    test_write_file(p, "\x93NUMPX\x01\x00", 8);
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, "not a .npy file (bad magic)");
    assert_false(ae_npy_is_npy(p));
    test_write_file(p, "", 0);
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, "bad magic");
    test_write_file(p, "\x93NUMPY\x04\x00\x10\x00", 10);
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, "unsupported .npy format version 4.0");
    test_write_file(p, "\x93NUMPY\x01\x00\x40\x00{'descr'", 17);
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, "truncated .npy header (7 of 64 bytes)");
    test_write_file(p, "\x93NUMPY\x02\x00\xff\xff\xff\x7f{", 13);
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, "implausibly large");
    test_write_file(p, "\x93NUMPY\x01", 7);
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, "truncated .npy header");

    write_npy(p, 1, hdr, v, 20);
    assert_true(ae_npy_is_npy(p));
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p,
                "truncated: expected 24 bytes of array data, found 20");
    assert_string_equal(strchr(err.msg, ':'), ": truncated: expected 24 bytes of array data, found 20");
    write_npy(p, 1, hdr, v, 0);
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, "expected 24 bytes of array data, found 0");
    float more[7] = {0};
    write_npy(p, 1, hdr, more, sizeof more);
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, "4 bytes of trailing data");
    /* a shape whose byte count overflows must not be allocated */
    write_npy(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", v, 8);
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, "overflows");
    write_npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000)}", v, 8);
    check_error(ae_npy_read_matrix(p, &m, &err), AE_ERR_FORMAT, &err, p, "truncated: expected 4000000000000 bytes");

    const char *s = fixture("scalar_f4.npy");
    check_error(ae_npy_read_matrix(s, &m, &err), AE_ERR_FORMAT, &err, s, "0-d (scalar) array");
    const char *missing = tmp("no-such.npy");
    check_error(ae_npy_read_matrix(missing, &m, &err), AE_ERR_IO, &err, missing, "cannot open: No such file");
    ae_labels l;
    check_error(ae_npy_read_labels(missing, &l, &err), AE_ERR_IO, &err, missing, "No such file");
    assert_false(ae_npy_is_npy(missing));
}

static void test_empty_array(void **state)
{
    (void)state;
    ae_matrix m;
    ae_error err;
    /* the reader gives what the file holds ... */
    assert_int_equal(ae_npy_read_matrix(fixture("empty_0x3.npy"), &m, &err), AE_OK);
    assert_int_equal(m.rows, 0);
    assert_int_equal(m.cols, 3);
    ae_matrix_free(&m);
    /* ... the loader refuses it */
    const char *p = fixture("empty_0x3.npy");
    check_error(ae_matrix_load(p, &m, &err), AE_ERR_FORMAT, &err, p, "empty array");
    assert_null(m.data);
    ae_labels l;
    p = fixture("labels_empty.npy");
    check_error(ae_labels_load(p, &l, &err), AE_ERR_FORMAT, &err, p, "empty array");
    assert_null(l.data);
}

static void test_write_round_trip(void **state)
{
    (void)state;
    ae_matrix m, back;
    ae_error err;
    assert_int_equal(ae_matrix_alloc(&m, 37, 5, &err), AE_OK);
    for (size_t i = 0; i < 37 * 5; i++) m.data[i] = (float)sin((double)i) * 1e3f;
    m.data[3] = -0.0f;
    m.data[4] = 1e-40f; /* subnormal */
    const char *p = tmp("m.npy");
    assert_int_equal(ae_npy_write_matrix(p, &m, &err), AE_OK);
    assert_true(ae_npy_is_npy(p));
    assert_int_equal(ae_npy_read_matrix(p, &back, &err), AE_OK);
    check_matrix(&back, 37, 5, m.data);
    ae_matrix_free(&back);
    /* and through the content-sniffing loader */
    assert_int_equal(ae_matrix_load(p, &back, &err), AE_OK);
    check_matrix(&back, 37, 5, m.data);
    ae_matrix_free(&back);

    size_t shape3[3] = {2, 5, 18}; /* the first 180 of the 185 values */
    assert_int_equal(ae_npy_write_f32(p, m.data, 3, shape3, &err), AE_OK);
    assert_int_equal(ae_npy_read_matrix(p, &back, &err), AE_OK);
    check_matrix(&back, 2, 90, m.data);
    ae_matrix_free(&back);
    ae_matrix_free(&m);

    ae_labels l, lb;
    assert_int_equal(ae_labels_alloc(&l, 1001, &err), AE_OK);
    for (size_t i = 0; i < l.n; i++) l.data[i] = (int32_t)(i * 2654435761u) % 1000003 - 500000;
    p = tmp("l.npy");
    assert_int_equal(ae_npy_write_labels(p, &l, &err), AE_OK);
    assert_int_equal(ae_npy_read_labels(p, &lb, &err), AE_OK);
    assert_int_equal(lb.n, l.n);
    assert_memory_equal(lb.data, l.data, l.n * sizeof(int32_t));
    ae_labels_free(&lb);
    assert_int_equal(ae_labels_load(p, &lb, &err), AE_OK);
    assert_memory_equal(lb.data, l.data, l.n * sizeof(int32_t));
    ae_labels_free(&lb);
    ae_labels_free(&l);
}

static void *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    static unsigned char buf[1 << 16];
    *n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t na, nb;
    void *ba = read_all(a, &na);
    unsigned char copy[1 << 16];
    memcpy(copy, ba, na);
    void *bb = read_all(b, &nb);
    if (na != nb || memcmp(copy, bb, na) != 0) fail_msg("%s (%zu bytes) differs from %s (%zu bytes)", a, na, b, nb);
}

/* Our files are byte for byte what np.save writes for the same array. */
static void test_write_matches_numpy(void **state)
{
    (void)state;
    ae_error err;
    ae_matrix m;
    assert_int_equal(ae_matrix_alloc(&m, 2, 3, &err), AE_OK);
    const float v[] = {(float)0.1, -2.5f, (float)3e-8, (float)1e30, 0.0f, -0.0f};
    memcpy(m.data, v, sizeof v);
    assert_int_equal(ae_npy_write_matrix(tmp("f4.npy"), &m, &err), AE_OK);
    assert_same_file(tmp("f4.npy"), fixture("f4_2x3.npy"));
    ae_matrix_free(&m);

    ae_labels l;
    assert_int_equal(ae_labels_alloc(&l, 5, &err), AE_OK);
    const int32_t lv[] = {0, 1, 2, 9, -1};
    memcpy(l.data, lv, sizeof lv);
    assert_int_equal(ae_npy_write_labels(tmp("l.npy"), &l, &err), AE_OK);
    assert_same_file(tmp("l.npy"), fixture("labels_i4.npy"));
    ae_labels_free(&l);

    struct {
        const char *file;
        int ndim;
        size_t shape[4];
    } hdr[] = {
        {"hdr_0x2.npy", 2, {0, 2}},           {"hdr_1d_0.npy", 1, {0}},
        {"hdr_1e12x0.npy", 2, {1000000000000ull, 0}}, {"hdr_7x0x5x3.npy", 4, {7, 0, 5, 3}},
        {"hdr_123456789x0.npy", 2, {123456789, 0}},
    };
    for (size_t t = 0; t < sizeof hdr / sizeof hdr[0]; t++) {
        assert_int_equal(ae_npy_write_f32(tmp("h.npy"), NULL, hdr[t].ndim, hdr[t].shape, &err), AE_OK);
        assert_same_file(tmp("h.npy"), fixture(hdr[t].file));
    }
}

/* NumPy leaves room for shape[0] to grow to 21 digits; only an extreme shape
 * shows it, so the formatter is checked on its own (no array can be this big). */
static void test_header_growth_room(void **state)
{
    (void)state;
    char buf[512];
    size_t shape[3] = {1, 12345678901234567890ull, 12345678901234567890ull};
    size_t n = ae_npy_format_header(buf, sizeof buf, "<f4", 3, shape);
    assert_int_equal(n, 192);
    size_t nf;
    const unsigned char *want = read_all(fixture("hdr_long_shape.bin"), &nf);
    assert_int_equal(nf, 192);
    assert_memory_equal(buf, want, 192);
    assert_int_equal(ae_npy_format_header(buf, 100, "<f4", 3, shape), 0); /* too small a buffer */
}

static void test_write_errors(void **state)
{
    (void)state;
    ae_error err;
    size_t shape[5] = {1, 1, 1, 1, 1};
    float x = 1;
    const char *p = tmp("w.npy");
    check_error(ae_npy_write_f32(p, &x, 0, shape, &err), AE_ERR_ARG, &err, p, "0-dimensional");
    check_error(ae_npy_write_f32(p, &x, 5, shape, &err), AE_ERR_ARG, &err, p, "5-dimensional");
    check_error(ae_npy_write_f32(p, NULL, 1, shape, &err), AE_ERR_ARG, &err, p, "no data");
    assert_int_equal(access(p, F_OK), -1);
    const char *q = tmp("no-such-dir/w.npy");
    check_error(ae_npy_write_f32(q, &x, 1, shape, &err), AE_ERR_IO, &err, q, "cannot create");
    /* a failed write leaves nothing behind, not even the temporary file */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -q tmp", tmpdir);
    assert_int_not_equal(system(cmd), 0);
}

static void test_matrix_load_checks(void **state)
{
    (void)state;
    ae_matrix m;
    ae_labels l;
    ae_error err;
    const char *p = fixture("nan_2x3.npy");
    check_error(ae_matrix_load(p, &m, &err), AE_ERR_NUMERIC, &err, p, "NaN at row 1, column 2");
    assert_null(m.data);
    p = fixture("inf_1x1.npy");
    check_error(ae_matrix_load(p, &m, &err), AE_ERR_NUMERIC, &err, p, "Inf at row 0, column 0");
    p = fixture("c8.npy");
    check_error(ae_matrix_load(p, &m, &err), AE_ERR_FORMAT, &err, p, "unsupported dtype '<c8'");
    p = tmp("text.csv");
    test_write_file(p, "1,2,3\n", 6);
    check_error(ae_matrix_load(p, &m, &err), AE_ERR_FORMAT, &err, p, "neither a .npy file nor an IDX file");
    check_error(ae_labels_load(p, &l, &err), AE_ERR_FORMAT, &err, p, "neither a .npy file nor an IDX file");
    test_write_file(p, "", 0);
    check_error(ae_matrix_load(p, &m, &err), AE_ERR_FORMAT, &err, p, "empty file");
    p = tmp("missing.npy");
    check_error(ae_matrix_load(p, &m, &err), AE_ERR_IO, &err, p, "cannot open");
    check_error(ae_labels_load(p, &l, &err), AE_ERR_IO, &err, p, "cannot open");
    assert_null(l.data);
    /* labels through the loader, from floats holding whole numbers */
    assert_int_equal(ae_labels_load(fixture("labels_f8_whole.npy"), &l, &err), AE_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.data[3], -2);
    ae_labels_free(&l);
    const float f8[] = {(float)0.1, (float)(1.0 / 3.0), (float)-1e-3, (float)1099511627776.5, 7.0f, -8.0f};
    assert_int_equal(ae_matrix_load(fixture("f8_3x2.npy"), &m, &err), AE_OK);
    check_matrix(&m, 3, 2, f8);
    ae_matrix_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_float),
        cmocka_unit_test(test_read_integer_and_bool),
        cmocka_unit_test(test_read_fortran_order),
        cmocka_unit_test(test_read_big_endian),
        cmocka_unit_test(test_read_labels),
        cmocka_unit_test(test_unsupported_dtypes),
        cmocka_unit_test(test_header_variants),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_empty_array),
        cmocka_unit_test(test_write_round_trip),
        cmocka_unit_test(test_write_matches_numpy),
        cmocka_unit_test(test_header_growth_room),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_matrix_load_checks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
