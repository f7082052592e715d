/* Label metrics: contingency, ACC, purity, ARI, NMI and ae_score_labels, on
 * cases worked out by hand and against scikit-learn 1.2.1 golden numbers. */
#include "test_util.h"

#include "aeclust/metrics.h"
#include "metrics_data.h"

/* ---- hand-worked cases ---- */

/* truth 0 0 0 1 1 1, pred 0 0 1 1 2 2:
 *   contingency  class 0: 2 1 0
 *                class 1: 0 1 2
 *   ACC    class 0 -> cluster 0 (2), class 1 -> cluster 2 (2): 4/6
 *   purity cluster maxima 2 + 1 + 2 = 5: 5/6
 *   ARI    pairs within cells: C(2,2)+C(2,2) = 2; within classes C(3,2)*2 = 6;
 *          within clusters C(2,2)*3 = 3; all pairs C(6,2) = 15;
 *          expected 6*3/15 = 1.2, max (6+3)/2 = 4.5:
 *          (2 - 1.2) / (4.5 - 1.2) = 0.8 / 3.3 = 8/33
 *   NMI    MI = 2 * (2/6) log((2/6) / ((3/6)(2/6))) + 2 * (1/6) log((1/6) / ((3/6)(2/6)))
 *             = (2/3) log 2 + 0;  H(truth) = log 2, H(pred) = log 3;
 *          NMI = (2/3) log 2 / ((log 2 + log 3) / 2) = (4/3) log 2 / log 6 */
static const int32_t hand_truth[] = {0, 0, 0, 1, 1, 1};
static const int32_t hand_pred[] = {0, 0, 1, 1, 2, 2};

static void test_contingency_hand(void **state)
{
    (void)state;
    ae_contingency c;
    assert_int_equal(ae_contingency_build(hand_truth, hand_pred, 6, &c, NULL), AE_OK);
    assert_int_equal(c.n_classes, 2);
    assert_int_equal(c.n_clusters, 3);
    assert_int_equal(c.n, 6);
    const int64_t want[] = {2, 1, 0, 0, 1, 2};
    for (int k = 0; k < 6; k++) assert_int_equal(c.counts[k], want[k]);
    ae_contingency_free(&c);
    assert_null(c.counts);
    ae_contingency_free(&c); /* twice is harmless */
}

static void test_contingency_sparse_ids(void **state)
{
    (void)state;
    /* ids 3 7 100 and 1000000 5: rows and columns follow ascending ids */
    const int32_t truth[] = {100, 3, 7, 3, 100, 100};
    const int32_t pred[] = {5, 1000000, 5, 1000000, 1000000, 5};
    ae_contingency c;
    assert_int_equal(ae_contingency_build(truth, pred, 6, &c, NULL), AE_OK);
    assert_int_equal(c.n_classes, 3);
    assert_int_equal(c.n_clusters, 2);
    assert_int_equal(c.class_ids[0], 3);
    assert_int_equal(c.class_ids[1], 7);
    assert_int_equal(c.class_ids[2], 100);
    assert_int_equal(c.cluster_ids[0], 5);
    assert_int_equal(c.cluster_ids[1], 1000000);
    /* class 3: pred 1000000 twice; class 7: pred 5; class 100: 5, 1000000, 5 */
    const int64_t want[] = {0, 2, 1, 0, 2, 1};
    for (int k = 0; k < 6; k++) assert_int_equal(c.counts[k], want[k]);
    ae_contingency_free(&c);
}

static void test_contingency_huge_ids(void **state)
{
    (void)state;
    /* ids far above n go through the sorting path */
    const int32_t truth[] = {2147483647, 0, 2000000000, 2147483647};
    const int32_t pred[] = {1, 1, 1, 1};
    ae_contingency c;
    assert_int_equal(ae_contingency_build(truth, pred, 4, &c, NULL), AE_OK);
    assert_int_equal(c.n_classes, 3);
    assert_int_equal(c.class_ids[0], 0);
    assert_int_equal(c.class_ids[1], 2000000000);
    assert_int_equal(c.class_ids[2], 2147483647);
    assert_int_equal(c.counts[2], 2);
    ae_contingency_free(&c);
}

static void test_contingency_errors(void **state)
{
    (void)state;
    ae_contingency c;
    ae_error err;
    ae_error_clear(&err);
    assert_int_equal(ae_contingency_build(hand_truth, hand_pred, 0, &c, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "n = 0"));
    const int32_t neg[] = {0, 1, -3};
    assert_int_equal(ae_contingency_build(hand_truth, neg, 3, &c, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "pred: negative label -3 at index 2"));
    assert_int_equal(ae_contingency_build(neg, hand_pred, 3, &c, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "truth"));
    assert_null(c.counts); /* nothing to free after a failure */
    double acc;
    assert_int_equal(ae_accuracy(&c, &acc, NULL, &err), AE_ERR_ARG); /* the empty table */
    ae_score_labels(neg, hand_pred, 3, &(ae_label_scores){0}, &err);
    assert_int_equal(err.status, AE_ERR_ARG);
}

static void test_scores_hand(void **state)
{
    (void)state;
    ae_contingency c;
    assert_int_equal(ae_contingency_build(hand_truth, hand_pred, 6, &c, NULL), AE_OK);
    double acc;
    int to_class[3];
    assert_int_equal(ae_accuracy(&c, &acc, to_class, NULL), AE_OK);
    assert_close(acc, 4.0 / 6.0, 1e-15);
    assert_int_equal(to_class[0], 0);
    assert_int_equal(to_class[1], -1);
    assert_int_equal(to_class[2], 1);
    assert_close(ae_purity(&c), 5.0 / 6.0, 1e-15);
    assert_close(ae_adjusted_rand_index(&c), 8.0 / 33.0, 1e-15);
    assert_close(ae_normalized_mutual_info(&c), 4.0 / 3.0 * log(2.0) / log(6.0), 1e-15);
    ae_contingency_free(&c);
}

static void test_scores_hand_more_classes(void **state)
{
    (void)state;
    /* 3 classes, 2 clusters: truth 0 0 1 1 2 2, pred 0 0 0 1 1 1
     *   contingency 2 0 / 1 1 / 0 2: ACC class 0 -> 0, class 2 -> 1: 4/6, class 1 unmatched
     *   ARI: cells C(2,2)+C(2,2) = 2; classes 3*C(2,2) = 3; clusters 2*C(3,2) = 6;
     *        expected 3*6/15 = 1.2, max (3+6)/2 = 4.5: 0.8/3.3 = 8/33 (the mirror image
     *        of the case above: ARI is symmetric)
     *   NMI: the same by symmetry, (4/3) log 2 / log 6 */
    const int32_t truth[] = {0, 0, 1, 1, 2, 2}, pred[] = {0, 0, 0, 1, 1, 1};
    ae_label_scores s;
    assert_int_equal(ae_score_labels(truth, pred, 6, &s, NULL), AE_OK);
    assert_close(s.acc, 4.0 / 6.0, 1e-15);
    assert_close(s.purity, 4.0 / 6.0, 1e-15);
    assert_close(s.ari, 8.0 / 33.0, 1e-15);
    assert_close(s.nmi, 4.0 / 3.0 * log(2.0) / log(6.0), 1e-15);
}

static void test_scores_hand_degenerate(void **state)
{
    (void)state;
    ae_label_scores s;
    /* perfect agreement under renaming: all 1 */
    const int32_t t1[] = {0, 0, 1, 1}, p1[] = {7, 7, 3, 3};
    assert_int_equal(ae_score_labels(t1, p1, 4, &s, NULL), AE_OK);
    assert_close(s.acc, 1.0, 0);
    assert_close(s.ari, 1.0, 0);
    assert_close(s.nmi, 1.0, 1e-15);
    /* truth 0 0 1 1, pred 0 1 0 1 (sklearn's docstring example): cells all 1,
     * index 0; classes 2, clusters 2, pairs 6: expected 2*2/6 = 2/3, max 2:
     * (0 - 2/3) / (2 - 2/3) = -1/2. MI = 4 * (1/4) log((1/4)/(1/4)) = 0 -> NMI 0 */
    const int32_t p2[] = {0, 1, 0, 1};
    assert_int_equal(ae_score_labels(t1, p2, 4, &s, NULL), AE_OK);
    assert_close(s.ari, -0.5, 1e-15);
    assert_close(s.nmi, 0.0, 0);
    assert_close(s.acc, 0.5, 0);
    /* one class, one cluster: ARI 1 (no disagreeing pair), NMI 1 (both entropies 0) */
    const int32_t t3[] = {4, 4, 4}, p3[] = {0, 0, 0};
    assert_int_equal(ae_score_labels(t3, p3, 3, &s, NULL), AE_OK);
    assert_close(s.ari, 1.0, 0);
    assert_close(s.nmi, 1.0, 0);
    assert_close(s.purity, 1.0, 0);
    /* one class, three clusters: NMI 0 (MI 0), ARI 0 (index 0 = expected 0) */
    const int32_t p4[] = {0, 1, 2};
    assert_int_equal(ae_score_labels(t3, p4, 3, &s, NULL), AE_OK);
    assert_close(s.ari, 0.0, 0);
    assert_close(s.nmi, 0.0, 0);
    assert_close(s.acc, 1.0 / 3.0, 1e-15);
    assert_close(s.purity, 1.0, 0);
}

/* ---- scikit-learn 1.2.1 golden numbers ---- */

typedef struct {
    const char *name;
    double acc, purity, ari, nmi;
} golden_scores;

/* Printed by `/usr/bin/python3 tests/ref/metrics_labels.py` (scikit-learn 1.2.1,
 * numpy 1.24.2; ACC by scipy's linear_sum_assignment), in the order of
 * build_case() below. */
static const golden_scores golden[] = {
    {"random_5_classes_7_clusters", 0.20499999999999999, 0.28499999999999998, -0.0033733495082575453, 0.03275723971367249},
    {"sparse_ids", 0.32000000000000001, 0.41999999999999998, -0.0072040439507219181, 0.017737145058514432},
    {"one_cluster", 0.29999999999999999, 0.29999999999999999, 0, 0},
    {"pred_singletons", 0.10000000000000001, 1, 0, 0.46476541616372719},
    {"both_singletons", 1, 1, 1, 1},
    {"one_class_one_cluster", 1, 1, 1, 1},
    {"huge_ids", 0.40000000000000002, 0.40000000000000002, 0.007509324901810637, 0.036520512050663659},
    {"6_classes_3_clusters", 0.41111111111111109, 0.41111111111111109, 0.19735580333260525, 0.29012213442367579},
    {"10_classes_10_clusters_n1000", 0.56399999999999995, 0.56399999999999995, 0.26617016625851786, 0.30941733414484623},
    {"10_classes_12_clusters_n20000", 0.72850000000000004, 0.73485, 0.51498995747160248, 0.50273679342513966},
    {"two_points_split", 0.5, 0.5, 0, 0},
    {"two_points_swapped", 1, 1, 1, 1},
    {"two_points_one_class", 0.5, 1, 0, 0},
    {"one_point", 1, 1, 1, 1},
};

#define N_GOLDEN (sizeof golden / sizeof golden[0])

/* Builds case i of tests/ref/metrics_labels.py into truth/pred (capacity
 * 20000); returns n. */
static size_t build_case(size_t i, int32_t *truth, int32_t *pred)
{
    static const int32_t r5[] = {0, 1, 2, 3, 4}, r7[] = {0, 1, 2, 3, 4, 5, 6}, r10[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const int32_t r4[] = {0, 1, 2, 3}, r3[] = {0, 1, 2}, r6[] = {0, 1, 2, 3, 4, 5};
    static const int32_t sp_t[] = {3, 7, 100}, sp_p[] = {0, 5, 42, 1000000};
    static const int32_t huge_t[] = {2000000000, 5, 1999999999}, huge_p[] = {123456789, 0};
    switch (i) {
    case 0: metrics_draw_labels(1, 200, r5, 5, truth), metrics_draw_labels(2, 200, r7, 7, pred); return 200;
    case 1: metrics_draw_labels(3, 100, sp_t, 3, truth), metrics_draw_labels(4, 100, sp_p, 4, pred); return 100;
    case 2:
        metrics_draw_labels(5, 50, r4, 4, truth);
        for (int k = 0; k < 50; k++) pred[k] = 9;
        return 50;
    case 3:
        metrics_draw_labels(6, 30, r3, 3, truth);
        for (int k = 0; k < 30; k++) pred[k] = k;
        return 30;
    case 4:
        for (int k = 0; k < 25; k++) truth[k] = k, pred[k] = 24 - k;
        return 25;
    case 5:
        for (int k = 0; k < 12; k++) truth[k] = 4, pred[k] = 8;
        return 12;
    case 6: metrics_draw_labels(7, 60, huge_t, 3, truth), metrics_draw_labels(8, 60, huge_p, 2, pred); return 60;
    case 7: metrics_draw_labels(9, 90, r6, 6, truth), metrics_noisy_labels(10, 90, truth, 3, 6, pred); return 90;
    case 8: metrics_draw_labels(11, 1000, r10, 10, truth), metrics_noisy_labels(12, 1000, truth, 10, 5, pred); return 1000;
    case 9:
        metrics_draw_labels(13, 20000, r10, 10, truth), metrics_noisy_labels(14, 20000, truth, 12, 7, pred);
        return 20000;
    case 10: truth[0] = 0, truth[1] = 1, pred[0] = 0, pred[1] = 0; return 2;
    case 11: truth[0] = 0, truth[1] = 1, pred[0] = 1, pred[1] = 0; return 2;
    case 12: truth[0] = 0, truth[1] = 0, pred[0] = 0, pred[1] = 1; return 2;
    case 13: truth[0] = 4, pred[0] = 2; return 1;
    }
    fail_msg("no case %zu", i);
    return 0;
}

static void test_golden_sklearn(void **state)
{
    (void)state;
    int32_t *truth = malloc(20000 * sizeof *truth), *pred = malloc(20000 * sizeof *pred);
    for (size_t i = 0; i < N_GOLDEN; i++) {
        size_t n = build_case(i, truth, pred);
        ae_label_scores s;
        ae_error err;
        if (ae_score_labels(truth, pred, n, &s, &err)) fail_msg("%s: %s", golden[i].name, err.msg);
        /* these follow scikit-learn's arithmetic, so agree to rounding */
        if (fabs(s.acc - golden[i].acc) > 1e-12 || fabs(s.purity - golden[i].purity) > 1e-12 ||
            fabs(s.ari - golden[i].ari) > 1e-12 || fabs(s.nmi - golden[i].nmi) > 1e-12)
            fail_msg("%s: acc %.17g purity %.17g ari %.17g nmi %.17g; want %.17g %.17g %.17g %.17g", golden[i].name,
                     s.acc, s.purity, s.ari, s.nmi, golden[i].acc, golden[i].purity, golden[i].ari, golden[i].nmi);
    }
    free(truth);
    free(pred);
}

static void test_large_n_ari_no_overflow(void **state)
{
    (void)state;
    /* 100,000 points (n^4 / 4 > INT64_MAX): two identical 10-way labelings up
     * to renaming must give exactly 1, one labeling against its copy with
     * one point moved must give just under 1. */
    size_t n = 100000;
    int32_t *t = malloc(n * sizeof *t), *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) t[i] = (int32_t)(i % 10), p[i] = (int32_t)(9 - i % 10);
    ae_label_scores s;
    assert_int_equal(ae_score_labels(t, p, n, &s, NULL), AE_OK);
    assert_close(s.ari, 1.0, 0);
    assert_close(s.nmi, 1.0, 1e-14);
    p[0] = 5;
    assert_int_equal(ae_score_labels(t, p, n, &s, NULL), AE_OK);
    assert_true(s.ari < 1.0 && s.ari > 0.9999);
    assert_close(s.acc, 1.0 - 1.0 / (double)n, 1e-15);
    free(t);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contingency_hand),       cmocka_unit_test(test_contingency_sparse_ids),
        cmocka_unit_test(test_contingency_huge_ids),   cmocka_unit_test(test_contingency_errors),
        cmocka_unit_test(test_scores_hand),            cmocka_unit_test(test_scores_hand_more_classes),
        cmocka_unit_test(test_scores_hand_degenerate), cmocka_unit_test(test_golden_sklearn),
        cmocka_unit_test(test_large_n_ari_no_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
