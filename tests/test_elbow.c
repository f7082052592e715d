/* The elbow: inertia per k by hand on a tiny case, against ae_kmeans_fit on
 * clustered data, the CSV file, and the k-range errors. */
#include "test_util.h"

#include "aeclust/elbow.h"
#include "aeclust/kmeans.h"

/* Three groups of 20 points in 3-D around (0,0,0), (6,0,1) and (0,7,-2),
 * spread by a deterministic wobble. */
static ae_matrix blobs(void)
{
    const float centre[3][3] = {{0, 0, 0}, {6, 0, 1}, {0, 7, -2}};
    ae_matrix x;
    assert_int_equal(ae_matrix_alloc(&x, 60, 3, NULL), AE_OK);
    for (int i = 0; i < 60; i++)
        for (int j = 0; j < 3; j++)
            x.data[i * 3 + j] = centre[i % 3][j] + 0.8f * (float)sin(1.7 * i + 2.3 * j + 0.5);
    return x;
}

static ae_matrix line4(void)
{
    ae_matrix x;
    assert_int_equal(ae_matrix_alloc(&x, 4, 1, NULL), AE_OK);
    const float v[4] = {0, 1, 10, 11};
    memcpy(x.data, v, sizeof v);
    return x;
}

static void test_defaults(void **state)
{
    (void)state;
    ae_elbow_opts o = ae_elbow_defaults();
    assert_int_equal(o.k_min, 1);
    assert_int_equal(o.k_max, 25);
    assert_int_equal(o.n_init, 10);
    assert_int_equal(o.max_iter, 300);
    assert_close(o.tol, 1e-4, 0);
    assert_int_equal(o.seed, 0);
}

/* 0, 1, 10, 11 on a line, by hand: k = 1 about the mean 5.5: 2 (5.5^2 + 4.5^2)
 * = 101; k = 2 {0,1} {10,11}: 4 * 0.5^2 = 1; k = 3 one pair split: 0.5; k = n: 0. */
static void test_by_hand(void **state)
{
    (void)state;
    ae_matrix x = line4();
    ae_elbow_opts o = ae_elbow_defaults();
    o.k_max = 4;
    double inertia[4];
    ae_error err = {0};
    assert_int_equal(ae_elbow(&x, &o, inertia, &err), AE_OK);
    assert_close(inertia[0], 101.0, 1e-9);
    assert_close(inertia[1], 1.0, 1e-9);
    assert_close(inertia[2], 0.5, 1e-9);
    assert_close(inertia[3], 0.0, 0.0);
    ae_matrix_free(&x);
}

/* On clustered data: inertia[i] is ae_kmeans_fit's for the same k and seed,
 * k = 1 is the total sum of squares about the mean, the curve never rises,
 * and it drops steeply up to the true k = 3 only. */
static void test_matches_kmeans_on_blobs(void **state)
{
    (void)state;
    ae_matrix x = blobs();
    ae_elbow_opts o = ae_elbow_defaults();
    o.k_min = 1;
    o.k_max = 8;
    o.seed = 42;
    double inertia[8];
    ae_error err = {0};
    assert_int_equal(ae_elbow(&x, &o, inertia, &err), AE_OK);

    double mean[3] = {0}, tss = 0;
    for (int i = 0; i < 60; i++)
        for (int j = 0; j < 3; j++) mean[j] += x.data[i * 3 + j] / 60.0;
    for (int i = 0; i < 60; i++)
        for (int j = 0; j < 3; j++) tss += pow(x.data[i * 3 + j] - mean[j], 2);
    assert_close(inertia[0], tss, 1e-6 * tss);

    for (int k = 1; k <= 8; k++) {
        ae_kmeans_opts ko = ae_kmeans_defaults();
        ko.k = k;
        ko.seed = 42;
        ae_kmeans_result r = {0};
        assert_int_equal(ae_kmeans_fit(&x, &ko, &r, &err), AE_OK);
        if (inertia[k - 1] != r.inertia) fail_msg("k = %d: elbow %.17g, k-means %.17g", k, inertia[k - 1], r.inertia);
        ae_kmeans_result_free(&r);
        if (k > 1 && !(inertia[k - 1] <= inertia[k - 2]))
            fail_msg("inertia rises from k = %d (%g) to k = %d (%g)", k - 1, inertia[k - 2], k, inertia[k - 1]);
    }
    assert_true(inertia[2] < 0.2 * inertia[1]); /* the elbow at 3: 57 after 434 */
    assert_true(inertia[3] > 0.5 * inertia[2]); /* then 47 */

    /* a sub-range gives the same values: every k is fitted on its own */
    o.k_min = 3;
    o.k_max = 5;
    double part[3];
    assert_int_equal(ae_elbow(&x, &o, part, &err), AE_OK);
    for (int i = 0; i < 3; i++) assert_true(part[i] == inertia[2 + i]);
    ae_matrix_free(&x);
}

static void test_k_equals_n_gives_zero(void **state)
{
    (void)state;
    ae_matrix x = blobs();
    x.rows = 7; /* the first 7 points, all distinct */
    ae_elbow_opts o = ae_elbow_defaults();
    o.k_min = 7;
    o.k_max = 7;
    double inertia = -1;
    ae_error err = {0};
    assert_int_equal(ae_elbow(&x, &o, &inertia, &err), AE_OK);
    assert_close(inertia, 0.0, 0.0);
    ae_matrix_free(&x);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void test_csv(void **state)
{
    (void)state;
    char dir[256], path[512];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/elbow.csv", dir);
    const double inertia[4] = {101, 1, 0.5, 0};
    ae_error err = {0};
    assert_int_equal(ae_elbow_write_csv(path, 1, inertia, 4, &err), AE_OK);
    assert_string_equal(read_all(path), "k,inertia\n1,101\n2,1\n3,0.5\n4,0\n");
    /* a k-range starting elsewhere; doubles written so they read back exactly */
    const double third = 1.0 / 3.0;
    assert_int_equal(ae_elbow_write_csv(path, 5, &third, 1, &err), AE_OK);
    char *text = read_all(path);
    assert_true(!strncmp(text, "k,inertia\n5,", 12));
    assert_true(strtod(text + 12, NULL) == third);
    /* an unwritable place: an error, and nothing left behind */
    snprintf(path, sizeof path, "%s/no-such-folder/elbow.csv", dir);
    assert_int_equal(ae_elbow_write_csv(path, 1, inertia, 4, &err), AE_ERR_IO);
    assert_null(strchr(err.msg, '\n'));
    test_rmdir(dir);
}

static void expect_range_error(const ae_matrix *x, int k_min, int k_max, const char *text)
{
    ae_elbow_opts o = ae_elbow_defaults();
    o.k_min = k_min;
    o.k_max = k_max;
    double inertia[32];
    ae_error err = {0};
    assert_int_equal(ae_elbow(x, &o, inertia, &err), AE_ERR_ARG);
    if (!strstr(err.msg, text)) fail_msg("message '%s' lacks '%s'", err.msg, text);
}

static void test_errors(void **state)
{
    (void)state;
    ae_matrix x = line4(), empty = {0};
    expect_range_error(&x, 5, 3, "empty k-range: k_min 5 > k_max 3");
    expect_range_error(&x, 0, 3, "empty k-range: k_min 0 < 1");
    expect_range_error(&x, 2, 5, "empty k-range: k_max 5 > 4 points");
    expect_range_error(&empty, 1, 1, "x is empty");

    ae_elbow_opts o = ae_elbow_defaults();
    o.k_max = 2;
    double inertia[2];
    ae_error err = {0};
    o.n_init = 0;
    assert_int_equal(ae_elbow(&x, &o, inertia, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "n_init"));
    o.n_init = 10;
    x.data[2] = NAN;
    assert_int_equal(ae_elbow(&x, &o, inertia, &err), AE_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "NaN at row 2, column 0"));
    ae_matrix_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_matches_kmeans_on_blobs),
        cmocka_unit_test(test_k_equals_n_gives_zero),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
