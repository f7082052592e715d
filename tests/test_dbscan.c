/* DBSCAN: labels identical to scikit-learn's on the data sets of
 * tests/ref/dbscan_golden.py (both neighbourhood sources, one and two
 * threads), a case worked out by hand, the k-distance curve, and the errors. */
#include "test_util.h"

#include "aeclust/dbscan.h"
#include "aeclust/threads.h"
#include "dbscan_golden.h"

static void load(ae_matrix *x, const float *data, int n, int d)
{
    ae_error err = {0};
    assert_int_equal(ae_matrix_alloc(x, (size_t)n, (size_t)d, &err), AE_OK);
    memcpy(x->data, data, (size_t)n * (size_t)d * sizeof *data);
}

static void test_matches_scikit_learn(void **state)
{
    (void)state;
    static const ae_dbscan_algorithm algos[] = {AE_DBSCAN_AUTO, AE_DBSCAN_KDTREE, AE_DBSCAN_BRUTE};
    for (size_t s = 0; s < sizeof dbscan_golden / sizeof dbscan_golden[0]; s++) {
        ae_matrix x = {0};
        load(&x, dbscan_golden[s].x, dbscan_golden[s].n, dbscan_golden[s].d);
        for (int a = 0; a < 3; a++)
            for (int threads = 1; threads <= 2; threads++) {
                ae_error err = {0};
                assert_int_equal(ae_set_threads(threads, &err), AE_OK);
                ae_dbscan_opts o = ae_dbscan_defaults();
                o.eps = dbscan_golden[s].eps;
                o.min_samples = dbscan_golden[s].min_samples;
                o.algorithm = algos[a];
                ae_dbscan_result r = {0};
                if (ae_dbscan_fit(&x, &o, &r, &err)) fail_msg("%s: %s", dbscan_golden[s].name, err.msg);
                int max = -1;
                size_t noise = 0;
                for (int i = 0; i < dbscan_golden[s].n; i++) {
                    if (r.labels.data[i] != dbscan_golden[s].labels[i])
                        fail_msg("%s (algorithm %d, %d threads): point %d has label %d, scikit-learn %d",
                                 dbscan_golden[s].name, a, threads, i, r.labels.data[i], dbscan_golden[s].labels[i]);
                    if (r.labels.data[i] > max) max = r.labels.data[i];
                    noise += r.labels.data[i] < 0;
                }
                assert_int_equal(r.n_clusters, max + 1);
                assert_int_equal(r.n_noise, noise);
                ae_dbscan_result_free(&r);
            }
        ae_matrix_free(&x);
    }
    ae_error err = {0};
    assert_int_equal(ae_set_threads(0, &err), AE_OK);
}

/* 1-D points (rows: 10 0 1 5 10.5 2 11 20 11.5), eps 1, min_samples 3:
 * value 1 has {0, 1, 2}: core; 0 and 2 have two each: border points of its
 * cluster. 10 has {10, 10.5, 11}, 10.5 and 11 have {10, 10.5, 11, 11.5},
 * 11.5 has {10.5, 11, 11.5}: all core. 5 and 20 are noise. */
static void test_hand_case(void **state)
{
    (void)state;
    static const float v[] = {10, 0, 1, 5, 10.5f, 2, 11, 20, 11.5f};
    ae_matrix x = {0};
    load(&x, v, 9, 1);
    ae_dbscan_opts o = ae_dbscan_defaults();
    o.eps = 1.0;
    o.min_samples = 3;
    ae_dbscan_result r = {0};
    ae_error err = {0};
    assert_int_equal(ae_dbscan_fit(&x, &o, &r, &err), AE_OK);
    /* the first core point seen is 10 (row 0): its cluster is 0 */
    static const int32_t want[] = {0, 1, 1, -1, 0, 1, 0, -1, 0};
    static const uint8_t want_core[] = {1, 0, 1, 0, 1, 0, 1, 0, 1};
    for (int i = 0; i < 9; i++) {
        assert_int_equal(r.labels.data[i], want[i]);
        assert_int_equal(r.is_core[i], want_core[i]);
    }
    assert_int_equal(r.n_clusters, 2);
    assert_int_equal(r.n_core, 5);
    assert_int_equal(r.n_noise, 2);
    ae_dbscan_result_free(&r);
    /* min_samples 1: every point is core, each isolated one its own cluster */
    o.min_samples = 1;
    assert_int_equal(ae_dbscan_fit(&x, &o, &r, &err), AE_OK);
    static const int32_t want1[] = {0, 1, 1, 2, 0, 1, 0, 3, 0};
    for (int i = 0; i < 9; i++) assert_int_equal(r.labels.data[i], want1[i]);
    assert_int_equal(r.n_noise, 0);
    ae_dbscan_result_free(&r);
    ae_matrix_free(&x);
}

static void test_kdistance(void **state)
{
    (void)state;
    /* 1-D 0 1 3 7: 2nd-nearest (self first) distances 1, 1, 2, 4 -> 4 2 1 1;
     * 3rd: 0 -> 3, 1 -> 2, 3 -> 3, 7 -> 6 -> 6 3 3 2 */
    static const float v[] = {3, 0, 7, 1};
    ae_matrix x = {0};
    load(&x, v, 4, 1);
    double out[4];
    ae_error err = {0};
    assert_int_equal(ae_kdistance(&x, 2, out, &err), AE_OK);
    static const double want2[] = {4, 2, 1, 1}, want3[] = {6, 3, 3, 2};
    for (int i = 0; i < 4; i++) assert_close(out[i], want2[i], 0);
    assert_int_equal(ae_kdistance(&x, 3, out, &err), AE_OK);
    for (int i = 0; i < 4; i++) assert_close(out[i], want3[i], 0);
    assert_int_equal(ae_kdistance(&x, 1, out, &err), AE_OK);
    for (int i = 0; i < 4; i++) assert_close(out[i], 0, 0);
    assert_int_equal(ae_kdistance(&x, 5, out, &err), AE_ERR_ARG);
    assert_int_equal(ae_kdistance(&x, 0, out, &err), AE_ERR_ARG);
    ae_matrix_free(&x);
    /* against DBSCAN's core points: k-distance <= eps exactly for core ones */
    const int s = 0;
    load(&x, dbscan_golden[s].x, dbscan_golden[s].n, dbscan_golden[s].d);
    double *kd = malloc((size_t)dbscan_golden[s].n * sizeof *kd);
    assert_int_equal(ae_kdistance(&x, dbscan_golden[s].min_samples, kd, &err), AE_OK);
    ae_dbscan_opts o = ae_dbscan_defaults();
    o.eps = dbscan_golden[s].eps;
    o.min_samples = dbscan_golden[s].min_samples;
    ae_dbscan_result r = {0};
    assert_int_equal(ae_dbscan_fit(&x, &o, &r, &err), AE_OK);
    size_t under = 0;
    for (int i = 0; i < dbscan_golden[s].n; i++) {
        under += kd[i] <= o.eps;
        if (i) assert_true(kd[i] <= kd[i - 1]);
    }
    assert_int_equal(under, r.n_core);
    ae_dbscan_result_free(&r);
    free(kd);
    ae_matrix_free(&x);
}

/* Two tight groups of 1500 points whose neighbour counts (1500 each, 4.5M
 * in all) overflow one batch of the joining pass: still two clusters. */
static void test_batches(void **state)
{
    (void)state;
    ae_matrix x = {0};
    ae_error err = {0};
    assert_int_equal(ae_matrix_alloc(&x, 3000, 2, &err), AE_OK);
    for (int i = 0; i < 3000; i++) {
        x.data[2 * i] = (float)(i % 2 ? 100 : 0) + (float)(i % 37) * 0.01f;
        x.data[2 * i + 1] = (float)(i % 41) * 0.01f;
    }
    ae_dbscan_opts o = ae_dbscan_defaults();
    o.eps = 2.0;
    ae_dbscan_result r = {0};
    assert_int_equal(ae_dbscan_fit(&x, &o, &r, &err), AE_OK);
    assert_int_equal(r.n_clusters, 2);
    assert_int_equal(r.n_noise, 0);
    for (int i = 0; i < 3000; i++) assert_int_equal(r.labels.data[i], i % 2);
    ae_dbscan_result_free(&r);
    ae_matrix_free(&x);
}

static void test_errors(void **state)
{
    (void)state;
    static const float v[] = {0, 0, 1, 1, 2, 2};
    ae_matrix x = {0};
    load(&x, v, 3, 2);
    ae_dbscan_opts o = ae_dbscan_defaults();
    ae_dbscan_result r = {0};
    ae_error err = {0};
    o.eps = 0;
    assert_int_equal(ae_dbscan_fit(&x, &o, &r, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "eps"));
    o.eps = NAN;
    assert_int_equal(ae_dbscan_fit(&x, &o, &r, &err), AE_ERR_ARG);
    o.eps = 1;
    o.min_samples = 0;
    assert_int_equal(ae_dbscan_fit(&x, &o, &r, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "min_samples"));
    o.min_samples = 2;
    x.data[3] = NAN;
    assert_int_equal(ae_dbscan_fit(&x, &o, &r, &err), AE_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "row 1"));
    assert_null(r.labels.data);
    ae_matrix empty = {0};
    assert_int_equal(ae_dbscan_fit(&empty, &o, &r, &err), AE_ERR_ARG);
    ae_dbscan_result_free(&r);
    ae_matrix_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_scikit_learn),
        cmocka_unit_test(test_hand_case),
        cmocka_unit_test(test_kdistance),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
