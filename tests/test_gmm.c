/* Gaussian mixtures: the mean log-likelihood, BIC and AIC against
 * scikit-learn's on the same points and initial means (tests/ref/gmm_golden.py),
 * a 1-D case worked out by hand, predict/predict_proba, reproducibility, and
 * the errors (a covariance that is not positive definite, NaN, k > n). */
#include "test_util.h"

#include "aeclust/gmm.h"

/* The 300 x 3 points of tests/ref/gmm_golden.py: three blobs from a 31-bit LCG. */
static void make_blobs(ae_matrix *x)
{
    static const double centres[3][3] = {{0, 0, 0}, {4, 1, -2}, {-3, 5, 1}};
    static const double scales[3][3] = {{1.0, 0.5, 0.8}, {0.6, 1.2, 0.7}, {0.9, 0.9, 1.5}};
    ae_error err = {0};
    assert_int_equal(ae_matrix_alloc(x, 300, 3, &err), AE_OK);
    uint64_t s = 12345;
    for (int i = 0; i < 300; i++) {
        int c = i % 3;
        for (int j = 0; j < 3; j++) {
            double u = 0;
            for (int t = 0; t < 4; t++) {
                s = (s * 1103515245u + 12345u) % 2147483648u;
                u += (double)s / 2147483648.0;
            }
            x->data[i * 3 + j] = (float)(centres[c][j] + scales[c][j] * (u - 2.0) * 1.7);
        }
    }
}

static const struct {
    const char *cov;
    double score, bic, aic;
} golden[] = {
    /* printed by tests/ref/gmm_golden.py (scikit-learn 1.2.1, tol 1e-10) */
    {"full", -4.64370472552, 2951.63252708, 2844.22283531},
    {"diag", -4.6540347481, 2906.49649835, 2832.42084886},
    {"spherical", -4.9026182119, 3021.42388179, 2969.57092714},
};

static void test_matches_scikit_learn(void **state)
{
    (void)state;
    ae_matrix x = {0}, m = {0};
    ae_error err = {0};
    make_blobs(&x);
    static const float means[9] = {0.5f, 0.5f, 0.5f, 3.0f, 0.0f, -1.0f, -2.0f, 4.0f, 0.0f};
    assert_int_equal(ae_matrix_alloc(&m, 3, 3, &err), AE_OK);
    memcpy(m.data, means, sizeof means);
    for (int t = 0; t < 3; t++) {
        ae_gmm_opts o = ae_gmm_defaults();
        o.k = 3;
        o.tol = 1e-10;
        o.max_iter = 1000;
        o.means_init = &m;
        assert_int_equal(ae_gmm_covariance_parse(golden[t].cov, &o.covariance, &err), AE_OK);
        ae_gmm *g = NULL;
        ae_labels lab = {0};
        if (ae_gmm_fit(&x, &o, &g, &lab, &err)) fail_msg("%s", err.msg);
        double score, bic, aic;
        assert_int_equal(ae_gmm_score(g, &x, &score, &err), AE_OK);
        assert_int_equal(ae_gmm_bic(g, &x, &bic, &err), AE_OK);
        assert_int_equal(ae_gmm_aic(g, &x, &aic, &err), AE_OK);
        print_message("%s: score %.10g (sklearn %.10g), %d iterations\n", golden[t].cov, score, golden[t].score,
                      ae_gmm_n_iter(g));
        assert_true(ae_gmm_converged(g));
        assert_close(score, golden[t].score, 1e-6 * fabs(golden[t].score));
        assert_close(bic, golden[t].bic, 1e-6 * fabs(golden[t].bic));
        assert_close(aic, golden[t].aic, 1e-6 * fabs(golden[t].aic));
        assert_close(ae_gmm_lower_bound(g), score, 1e-6);
        /* the three blobs are found: nearly every row i is in the component of row i % 3 */
        int same = 0;
        for (int i = 0; i < 300; i++) same += lab.data[i] == lab.data[i % 3];
        assert_true(same >= 290);
        ae_labels_free(&lab);
        ae_gmm_free(g);
    }
    ae_matrix_free(&m);
    ae_matrix_free(&x);
}

/* Two 1-D groups far apart, {0, 1, 2} and {10, 12}: weights 3/5 and 2/5,
 * means 1 and 11, (biased) variances 2/3 and 1, plus reg_covar. */
static void test_hand_case(void **state)
{
    (void)state;
    static const float v[5] = {0, 1, 2, 10, 12};
    ae_matrix x = {0};
    ae_error err = {0};
    assert_int_equal(ae_matrix_alloc(&x, 5, 1, &err), AE_OK);
    memcpy(x.data, v, sizeof v);
    for (int cov = 0; cov < 3; cov++) {
        ae_gmm_opts o = ae_gmm_defaults();
        o.k = 2;
        o.covariance = (ae_gmm_covariance)cov;
        ae_gmm *g = NULL;
        ae_labels lab = {0};
        assert_int_equal(ae_gmm_fit(&x, &o, &g, &lab, &err), AE_OK);
        int a = lab.data[0], b = lab.data[3];
        assert_int_not_equal(a, b);
        assert_int_equal(lab.data[1], a), assert_int_equal(lab.data[2], a), assert_int_equal(lab.data[4], b);
        assert_close(ae_gmm_weights(g)[a], 0.6, 1e-9);
        assert_close(ae_gmm_weights(g)[b], 0.4, 1e-9);
        assert_close(ae_gmm_means(g)->data[a], 1.0, 1e-6);
        assert_close(ae_gmm_means(g)->data[b], 11.0, 1e-6);
        assert_close(ae_gmm_covariance_of(g, a)[0], 2.0 / 3.0 + 1e-6, 1e-6);
        assert_close(ae_gmm_covariance_of(g, b)[0], 1.0 + 1e-6, 1e-6);
        /* parameters: 2 means + 1 weight + 2 variances */
        assert_int_equal(ae_gmm_n_parameters(g), 5);
        ae_labels_free(&lab);
        ae_gmm_free(g);
    }
    ae_matrix_free(&x);
}

static void test_predict_proba_and_reproducible(void **state)
{
    (void)state;
    ae_matrix x = {0}, p = {0};
    ae_error err = {0};
    make_blobs(&x);
    ae_gmm_opts o = ae_gmm_defaults();
    o.k = 4;
    o.n_init = 3;
    o.seed = 7;
    ae_gmm *g1 = NULL, *g2 = NULL;
    ae_labels l1 = {0}, l2 = {0}, pred = {0};
    assert_int_equal(ae_gmm_fit(&x, &o, &g1, &l1, &err), AE_OK);
    assert_int_equal(ae_gmm_fit(&x, &o, &g2, &l2, &err), AE_OK);
    assert_memory_equal(l1.data, l2.data, 300 * sizeof(int32_t));
    assert_memory_equal(ae_gmm_means(g1)->data, ae_gmm_means(g2)->data, 12 * sizeof(float));
    assert_int_equal(ae_gmm_predict(g1, &x, &pred, &err), AE_OK);
    assert_memory_equal(pred.data, l1.data, 300 * sizeof(int32_t));
    assert_int_equal(ae_gmm_predict_proba(g1, &x, &p, &err), AE_OK);
    assert_true(p.rows == 300 && p.cols == 4);
    for (int i = 0; i < 300; i++) {
        double s = 0;
        int best = 0;
        for (int c = 0; c < 4; c++) {
            s += p.data[i * 4 + c];
            if (p.data[i * 4 + c] > p.data[i * 4 + best]) best = c;
        }
        assert_close(s, 1.0, 1e-5);
        assert_int_equal(best, pred.data[i]);
    }
    ae_labels_free(&l1), ae_labels_free(&l2), ae_labels_free(&pred);
    ae_matrix_free(&p);
    ae_gmm_free(g1), ae_gmm_free(g2);
    ae_matrix_free(&x);
}

static void test_errors(void **state)
{
    (void)state;
    ae_matrix x = {0};
    ae_error err = {0};
    ae_gmm *g = NULL;
    ae_gmm_opts o = ae_gmm_defaults();
    /* duplicated points: every covariance is singular without reg_covar */
    assert_int_equal(ae_matrix_alloc(&x, 6, 2, &err), AE_OK);
    for (int i = 0; i < 6; i++) x.data[i * 2] = (float)(i / 3), x.data[i * 2 + 1] = (float)(i / 3);
    o.k = 2;
    o.reg_covar = 0;
    assert_int_equal(ae_gmm_fit(&x, &o, &g, NULL, &err), AE_ERR_NUMERIC);
    assert_null(g);
    assert_string_equal(err.msg, "component 0: covariance is not positive definite; try a larger reg_covar (now 0)");
    o.reg_covar = 1e-6; /* with the default it fits */
    assert_int_equal(ae_gmm_fit(&x, &o, &g, NULL, &err), AE_OK);
    ae_gmm_free(g);
    g = NULL;
    ae_matrix_free(&x);
    /* duplicates whose covariances come out as rounding noise (~1e-31 full, ~1e-15 diag)
     * rather than exactly 0: still singular, never a finite nonsense fit (was
     * log-likelihood -1e31 per point for full, +31 for diag and spherical) */
    assert_int_equal(ae_matrix_alloc(&x, 8, 2, &err), AE_OK);
    for (int i = 0; i < 8; i++) x.data[i * 2] = i < 4 ? 1.0f : 5.0f, x.data[i * 2 + 1] = i < 4 ? 2.0f : 5.0f;
    o.reg_covar = 0;
    for (int cov = 0; cov < 3; cov++) {
        o.covariance = (ae_gmm_covariance)cov;
        assert_int_equal(ae_gmm_fit(&x, &o, &g, NULL, &err), AE_ERR_NUMERIC);
        assert_null(g);
        assert_non_null(strstr(err.msg, ": covariance is not positive definite; try a larger reg_covar (now 0)"));
    }
    o.covariance = AE_GMM_FULL;
    o.reg_covar = 1e-6;
    assert_int_equal(ae_gmm_fit(&x, &o, &g, NULL, &err), AE_OK);
    ae_gmm_free(g);
    g = NULL;
    ae_matrix_free(&x);
    assert_int_equal(ae_matrix_alloc(&x, 6, 2, &err), AE_OK);
    for (int i = 0; i < 6; i++) x.data[i * 2] = (float)(i / 3), x.data[i * 2 + 1] = (float)(i / 3);
    o.k = 7;
    assert_int_equal(ae_gmm_fit(&x, &o, &g, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "k = 7 is larger than the 6 points"));
    o.k = 2;
    x.data[5] = NAN;
    assert_int_equal(ae_gmm_fit(&x, &o, &g, NULL, &err), AE_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "row 2"));
    ae_gmm_covariance c;
    assert_int_equal(ae_gmm_covariance_parse("tied", &c, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "full, diag, spherical"));
    ae_matrix_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_scikit_learn),
        cmocka_unit_test(test_hand_case),
        cmocka_unit_test(test_predict_proba_and_reproducible),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
