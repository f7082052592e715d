/* Noise-aware scores (-1 labels) against values worked out by hand. */
#include "test_util.h"

#include "aeclust/metrics.h"

/* truth 0 0 0 1 1 1, pred 0 0 -1 1 1 0.
 * Clustered (5 points): truth 0 0 1 1 1 vs pred 0 0 1 1 0, table
 * [[2, 0], [1, 2]]: matching 0->0, 1->1 gets 4 -> ACC 4/5, all-points ACC 4/6.
 * ARI: sum C(cell, 2) = 2, rows C(2,2)+C(3,2) = 4, columns 4, C(5,2) = 10:
 * (2 - 1.6) / (4 - 1.6) = 1/6. NMI: p = 2/5, 1/5, 2/5 in cells (0,0), (1,0),
 * (1,1), class margins 2/5 3/5, cluster margins 3/5 2/5.
 * All points, noise as cluster 2: table [[2, 0, 1], [1, 2, 0]]; ARI
 * (2 - 6 * 4 / 15) / ((6 + 4) / 2 - 1.6) = 0.4 / 3.4 = 2/17. */
static void test_hand_values(void **state)
{
    (void)state;
    static const int32_t truth[] = {0, 0, 0, 1, 1, 1}, pred[] = {0, 0, -1, 1, 1, 0};
    ae_noise_scores s;
    ae_error err = {0};
    assert_true(ae_labels_have_noise(pred, 6));
    assert_false(ae_labels_have_noise(truth, 6));
    assert_int_equal(ae_score_noise(truth, pred, 6, &s, &err), AE_OK);
    assert_int_equal(s.n, 6);
    assert_int_equal(s.n_clustered, 5);
    assert_close(s.clustered_fraction, 5.0 / 6.0, 1e-15);
    assert_close(s.acc_clustered, 0.8, 1e-15);
    assert_close(s.acc_all, 4.0 / 6.0, 1e-15);
    assert_close(s.ari_clustered, 1.0 / 6.0, 1e-14);
    assert_close(s.ari_all, 2.0 / 17.0, 1e-14);
    double mi = 0.4 * log(0.4 / (0.4 * 0.6)) + 0.2 * log(0.2 / (0.6 * 0.6)) + 0.4 * log(0.4 / (0.6 * 0.4));
    double h = -(0.4 * log(0.4) + 0.6 * log(0.6));
    assert_close(s.nmi_clustered, mi / h, 1e-12);
    /* all: cells 2/6 (0,0), 1/6 (0,2), 1/6 (1,0), 2/6 (1,1); margins 1/2 1/2 and 1/2 1/3 1/6 */
    double mi_all = (1.0 / 3) * log((1.0 / 3) / 0.25) + (1.0 / 6) * log((1.0 / 6) / (1.0 / 12)) +
                    (1.0 / 6) * log((1.0 / 6) / 0.25) + (1.0 / 3) * log((1.0 / 3) / (1.0 / 6));
    double h_class = log(2.0), h_clust = -(0.5 * log(0.5) + log(1.0 / 3) / 3 + log(1.0 / 6) / 6);
    assert_close(s.nmi_all, mi_all / ((h_class + h_clust) / 2), 1e-12);
}

static void test_edge_cases(void **state)
{
    (void)state;
    ae_noise_scores s;
    ae_error err = {0};
    /* all noise: nothing clustered */
    static const int32_t truth[] = {0, 1, 1, 2}, noise[] = {-1, -1, -1, -1};
    assert_int_equal(ae_score_noise(truth, noise, 4, &s, &err), AE_OK);
    assert_int_equal(s.n_clustered, 0);
    assert_close(s.acc_all, 0, 0);
    assert_true(isnan(s.acc_clustered) && isnan(s.ari_clustered) && isnan(s.nmi_clustered));
    assert_close(s.ari_all, 0, 1e-15);
    assert_close(s.nmi_all, 0, 1e-15);
    /* no noise: the plain scores */
    static const int32_t pred[] = {5, 3, 3, 9};
    ae_label_scores ls;
    assert_int_equal(ae_score_labels(truth, pred, 4, &ls, &err), AE_OK);
    assert_int_equal(ae_score_noise(truth, pred, 4, &s, &err), AE_OK);
    assert_close(s.acc_all, ls.acc, 0);
    assert_close(s.acc_clustered, ls.acc, 0);
    assert_close(s.ari_all, ls.ari, 0);
    assert_close(s.nmi_clustered, ls.nmi, 0);
    /* labels below -1, negative truth */
    static const int32_t bad[] = {0, -2, 1, 1};
    assert_int_equal(ae_score_noise(truth, bad, 4, &s, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "index 1"));
    assert_int_equal(ae_score_noise(noise, pred, 4, &s, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "truth"));
    assert_int_equal(ae_score_noise(truth, pred, 0, &s, &err), AE_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_values),
        cmocka_unit_test(test_edge_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
