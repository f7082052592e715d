/* PCA: explained variance, axes and coordinates against scikit-learn 1.2.1
 * (tests/pca_golden.h, from tests/ref/pca_golden.py), a hand case, whitening,
 * the inverse transform and the errors. */
#include "test_util.h"

#include "aeclust/pca.h"
#include "pca_golden.h"

#define D 6

/* The formula of tests/ref/pca_golden.py, in the same order of operations,
 * rounded to float32. */
static double value(int i, int j)
{
    double a = ((7 * i + 3) % 11 - 5) / 5.0;
    double b = ((5 * i + 1) % 13 - 6) / 6.0;
    double c = ((3 * i + 2) % 7 - 3) / 3.0;
    double e = ((11 * i + 17 * j + 3 * i * j) % 19 - 9) / 9.0;
    double u = (j + 1) / 6.0;
    double v = ((5 * j) % 6 - 2.5) / 3.0;
    double w = (j % 2 ? 1.0 : -1.0) * (0.5 + 0.1 * j);
    return 2.0 * a * u + b * v + 0.5 * c * w + 0.05 * e;
}

static ae_matrix rows(int lo, int hi)
{
    ae_matrix x;
    assert_int_equal(ae_matrix_alloc(&x, (size_t)(hi - lo), D, NULL), AE_OK);
    for (int i = lo; i < hi; i++)
        for (int j = 0; j < D; j++) x.data[(size_t)(i - lo) * D + j] = (float)value(i, j);
    return x;
}

static ae_pca *fit(const ae_matrix *x, int k, int whiten)
{
    ae_pca_opts o = ae_pca_defaults();
    o.n_components = k;
    o.whiten = whiten;
    ae_pca *p = NULL;
    ae_error err = {0};
    if (ae_pca_fit(x, &o, &p, &err)) fail_msg("ae_pca_fit: %s", err.msg);
    return p;
}

static void assert_matrix_close(const ae_matrix *m, const double *want, size_t n, double tol)
{
    assert_int_equal(m->rows * m->cols, n);
    for (size_t i = 0; i < n; i++)
        if (!(fabs(m->data[i] - want[i]) <= tol))
            fail_msg("entry %zu (row %zu, col %zu) = %.8g, sklearn %.8g", i, i / m->cols, i % m->cols, m->data[i],
                     want[i]);
}

static void test_defaults(void **state)
{
    (void)state;
    ae_pca_opts o = ae_pca_defaults();
    assert_int_equal(o.n_components, 2);
    assert_int_equal(o.whiten, 0);
}

static void test_matches_sklearn(void **state)
{
    (void)state;
    ae_matrix x = rows(0, 40), x2 = rows(40, 50), y = {0}, y2 = {0};
    ae_pca *p = fit(&x, 3, 0);
    assert_int_equal(ae_pca_n_components(p), 3);
    for (int c = 0; c < 3; c++) {
        assert_close(ae_pca_explained_variance(p)[c], GOLD_EV[c], 1e-5 * GOLD_EV[c]);
        assert_close(ae_pca_explained_variance_ratio(p)[c], GOLD_RATIO[c], 1e-6);
    }
    /* the axes with sklearn's signs (svd_flip on U) */
    assert_matrix_close(ae_pca_components(p), GOLD_COMP, 3 * D, 1e-5);
    assert_int_equal(ae_pca_mean(p)->rows, 1);
    assert_int_equal(ae_pca_mean(p)->cols, D);
    for (int j = 0; j < D; j++) {
        double s = 0;
        for (int i = 0; i < 40; i++) s += x.data[i * D + j];
        assert_close(ae_pca_mean(p)->data[j], s / 40, 1e-6);
    }
    ae_error err = {0};
    assert_int_equal(ae_pca_transform(p, &x, &y, &err), AE_OK);
    assert_int_equal(y.rows, 40);
    assert_int_equal(y.cols, 3);
    assert_matrix_close(&y, GOLD_Y, 120, 1e-5);
    assert_int_equal(ae_pca_transform(p, &x2, &y2, &err), AE_OK);
    assert_matrix_close(&y2, GOLD_Y2, 30, 1e-5);
    ae_matrix_free(&y);
    ae_matrix_free(&y2);
    ae_pca_free(p);

    p = fit(&x, 3, 1);
    assert_int_equal(ae_pca_transform(p, &x2, &y2, &err), AE_OK);
    assert_matrix_close(&y2, GOLD_YW2, 30, 1e-5);
    ae_matrix_free(&y2);
    ae_pca_free(p);
    ae_matrix_free(&x);
    ae_matrix_free(&x2);
}

/* 5,000 rows: the covariance is summed over several blocks of rows */
static void test_matches_sklearn_many_rows(void **state)
{
    (void)state;
    ae_matrix x = rows(0, 5000), y = {0};
    ae_pca *p = fit(&x, 2, 0);
    for (int c = 0; c < 2; c++) {
        assert_close(ae_pca_explained_variance(p)[c], GOLD_BIG_EV[c], 1e-5 * GOLD_BIG_EV[c]);
        assert_close(ae_pca_explained_variance_ratio(p)[c], GOLD_BIG_RATIO[c], 1e-6);
    }
    ae_error err = {0};
    assert_int_equal(ae_pca_transform(p, &x, &y, &err), AE_OK);
    const size_t at[6] = {0, 1, 2, 4997, 4998, 4999};
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 2; c++) assert_close(y.data[at[r] * 2 + c], GOLD_BIG_Y[r * 2 + c], 1e-5);
    ae_matrix_free(&y);
    ae_pca_free(p);
    ae_matrix_free(&x);
}

/* Points x = m + t * dir on a line, t = 0, 1, 3, 4, 7: one axis carries all the
 * variance. By hand: t's mean is 3, deviations -3 -2 0 1 4, sum of squares 30,
 * so var(t) = 30 / 4 = 7.5 and, with |dir|^2 = 6, the variance along the line
 * is 45. The largest |score| is t = 7's (+4 |dir|): the axis is +dir / |dir|. */
static void test_points_on_a_line(void **state)
{
    (void)state;
    const float t[5] = {0, 1, 3, 4, 7}, m[3] = {1, -1, 3}, dir[3] = {2, 1, -1};
    ae_matrix x;
    assert_int_equal(ae_matrix_alloc(&x, 5, 3, NULL), AE_OK);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 3; j++) x.data[i * 3 + j] = m[j] + t[i] * dir[j];
    ae_pca *p = fit(&x, 2, 0);
    assert_close(ae_pca_explained_variance(p)[0], 45.0, 1e-4);
    assert_close(ae_pca_explained_variance_ratio(p)[0], 1.0, 1e-6);
    assert_close(ae_pca_explained_variance(p)[1], 0.0, 1e-4);
    assert_close(ae_pca_explained_variance_ratio(p)[1], 0.0, 1e-6);
    for (int j = 0; j < 3; j++) assert_close(ae_pca_components(p)->data[j], dir[j] / sqrt(6.0), 1e-6);
    ae_matrix y = {0};
    ae_error err = {0};
    assert_int_equal(ae_pca_transform(p, &x, &y, &err), AE_OK);
    for (int i = 0; i < 5; i++) assert_close(y.data[i * 2], (t[i] - 3.0) * sqrt(6.0), 1e-5);
    ae_matrix_free(&y);
    ae_pca_free(p);
    ae_matrix_free(&x);
}

/* Whitened training coordinates have unit variance (ddof = 1), zero mean and
 * no correlation. */
static void test_whitening_gives_unit_variance(void **state)
{
    (void)state;
    ae_matrix x = rows(0, 40), y = {0};
    ae_pca *p = fit(&x, 3, 1);
    ae_error err = {0};
    assert_int_equal(ae_pca_transform(p, &x, &y, &err), AE_OK);
    for (int a = 0; a < 3; a++) {
        double mean = 0;
        for (int i = 0; i < 40; i++) mean += y.data[i * 3 + a];
        assert_close(mean / 40, 0.0, 1e-6);
        for (int b = 0; b < 3; b++) {
            double s = 0;
            for (int i = 0; i < 40; i++) s += (double)y.data[i * 3 + a] * y.data[i * 3 + b];
            assert_close(s / 39, a == b ? 1.0 : 0.0, 1e-5);
        }
    }
    ae_matrix_free(&y);
    ae_pca_free(p);
    ae_matrix_free(&x);
}

/* With all d components the projection loses nothing: inverse(transform(x)) = x,
 * whitened or not; the axes are orthonormal and the ratios sum to 1. */
static void test_round_trip_all_components(void **state)
{
    (void)state;
    ae_matrix x = rows(0, 40), x2 = rows(40, 50);
    for (int whiten = 0; whiten <= 1; whiten++) {
        ae_pca *p = fit(&x, D, whiten);
        double sum = 0;
        for (int c = 0; c < D; c++) sum += ae_pca_explained_variance_ratio(p)[c];
        assert_close(sum, 1.0, 1e-9);
        const ae_matrix *v = ae_pca_components(p);
        for (int a = 0; a < D; a++)
            for (int b = 0; b < D; b++) {
                double dot = 0;
                for (int j = 0; j < D; j++) dot += (double)v->data[a * D + j] * v->data[b * D + j];
                assert_close(dot, a == b ? 1.0 : 0.0, 1e-6);
            }
        ae_matrix y = {0}, back = {0};
        ae_error err = {0};
        assert_int_equal(ae_pca_transform(p, &x2, &y, &err), AE_OK);
        assert_int_equal(ae_pca_inverse_transform(p, &y, &back, &err), AE_OK);
        assert_int_equal(back.rows, 10);
        assert_int_equal(back.cols, D);
        for (size_t i = 0; i < 10 * D; i++) assert_close(back.data[i], x2.data[i], 1e-5);
        ae_matrix_free(&y);
        ae_matrix_free(&back);
        ae_pca_free(p);
    }
    ae_matrix_free(&x);
    ae_matrix_free(&x2);
}

/* inverse_transform of fewer components is sklearn's: y components + mean */
static void test_inverse_of_fewer_components(void **state)
{
    (void)state;
    ae_matrix x = rows(0, 40), y = {0}, back = {0};
    ae_pca *p = fit(&x, 2, 0);
    ae_error err = {0};
    assert_int_equal(ae_pca_transform(p, &x, &y, &err), AE_OK);
    assert_int_equal(ae_pca_inverse_transform(p, &y, &back, &err), AE_OK);
    const ae_matrix *v = ae_pca_components(p), *m = ae_pca_mean(p);
    for (int i = 0; i < 40; i++)
        for (int j = 0; j < D; j++) {
            double want = m->data[j];
            for (int c = 0; c < 2; c++) want += (double)y.data[i * 2 + c] * v->data[c * D + j];
            assert_close(back.data[i * D + j], want, 1e-5);
        }
    ae_matrix_free(&y);
    ae_matrix_free(&back);
    ae_pca_free(p);
    ae_matrix_free(&x);
}

static void test_transform_no_rows(void **state)
{
    (void)state;
    ae_matrix x = rows(0, 40), none = {.rows = 0, .cols = D, .data = NULL}, y = {0};
    ae_pca *p = fit(&x, 2, 0);
    ae_error err = {0};
    assert_int_equal(ae_pca_transform(p, &none, &y, &err), AE_OK);
    assert_int_equal(y.rows, 0);
    assert_int_equal(y.cols, 2);
    ae_matrix_free(&y);
    ae_pca_free(p);
    ae_matrix_free(&x);
}

static void expect_fit_error(const ae_matrix *x, int k, ae_status want, const char *text)
{
    ae_pca_opts o = ae_pca_defaults();
    o.n_components = k;
    ae_pca *p = (ae_pca *)&o; /* must be reset to NULL */
    ae_error err = {0};
    assert_int_equal(ae_pca_fit(x, &o, &p, &err), want);
    assert_null(p);
    if (!strstr(err.msg, text)) fail_msg("message '%s' lacks '%s'", err.msg, text);
    assert_null(strchr(err.msg, '\n'));
}

static void test_errors(void **state)
{
    (void)state;
    ae_matrix x = rows(0, 40), empty = {0};
    expect_fit_error(&x, 0, AE_ERR_ARG, "n_components = 0 must be between 1 and min(n, d) = 6");
    expect_fit_error(&x, 7, AE_ERR_ARG, "n_components = 7 must be between 1 and min(n, d) = 6");
    expect_fit_error(&empty, 1, AE_ERR_ARG, "x is empty");
    ae_matrix few = rows(0, 4); /* 4 rows in 6 dimensions: at most 4 components */
    expect_fit_error(&few, 5, AE_ERR_ARG, "min(n, d) = 4");
    ae_matrix one = rows(0, 1);
    expect_fit_error(&one, 1, AE_ERR_ARG, "at least 2 rows");
    x.data[3 * D + 2] = NAN;
    expect_fit_error(&x, 2, AE_ERR_NUMERIC, "NaN at row 3, column 2");
    x.data[3 * D + 2] = INFINITY;
    expect_fit_error(&x, 2, AE_ERR_NUMERIC, "Inf at row 3, column 2");
    x.data[3 * D + 2] = 0.5f;

    /* transform / inverse_transform: widths and NaN */
    ae_pca *p = fit(&x, 2, 0);
    ae_matrix y = {0};
    ae_error err = {0};
    ae_matrix narrow = {.rows = 4, .cols = D - 1, .data = x.data};
    assert_int_equal(ae_pca_transform(p, &narrow, &y, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "x has 5 columns, the model was fitted on 6"));
    assert_null(y.data);
    assert_int_equal(ae_pca_inverse_transform(p, &x, &y, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "y has 6 columns, the model has 2 components"));
    x.data[5] = NAN;
    assert_int_equal(ae_pca_transform(p, &x, &y, &err), AE_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "NaN at row 0, column 5"));
    assert_null(y.data);
    ae_pca_free(p);
    ae_pca_free(NULL);
    ae_matrix_free(&few);
    ae_matrix_free(&one);
    ae_matrix_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_matches_sklearn),
        cmocka_unit_test(test_matches_sklearn_many_rows),
        cmocka_unit_test(test_points_on_a_line),
        cmocka_unit_test(test_whitening_gives_unit_variance),
        cmocka_unit_test(test_round_trip_all_components),
        cmocka_unit_test(test_inverse_of_fewer_components),
        cmocka_unit_test(test_transform_no_rows),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
