/* HDBSCAN: labels, probabilities, stabilities and persistence equal to the
 * independent NumPy/SciPy reference of tests/ref/hdbscan_reference.py on
 * several data sets and options (Borůvka and Prim, one and two threads), the spanning tree's
 * weight, two cases worked out by hand, and the errors. */
#include "test_util.h"

#include "aeclust/hdbscan.h"
#include "aeclust/threads.h"
#include "hdbscan_golden.h"

static void load(ae_matrix *x, const float *data, int n, int d)
{
    ae_error err = {0};
    assert_int_equal(ae_matrix_alloc(x, (size_t)n, (size_t)d, &err), AE_OK);
    memcpy(x->data, data, (size_t)n * (size_t)d * sizeof *data);
}

static void test_matches_reference(void **state)
{
    (void)state;
    for (size_t s = 0; s < sizeof hdbscan_golden / sizeof hdbscan_golden[0]; s++) {
        const char *name = hdbscan_golden[s].name;
        ae_matrix x = {0};
        load(&x, hdbscan_golden[s].x, hdbscan_golden[s].n, hdbscan_golden[s].d);
        for (int run = 0; run < 4; run++) {
            int threads = 1 + run % 2;
            ae_error err = {0};
            assert_int_equal(ae_set_threads(threads, &err), AE_OK);
            ae_hdbscan_opts o = ae_hdbscan_defaults();
            o.min_cluster_size = hdbscan_golden[s].min_cluster_size;
            o.min_samples = hdbscan_golden[s].min_samples;
            o.selection = hdbscan_golden[s].leaf ? AE_HDBSCAN_LEAF : AE_HDBSCAN_EOM;
            o.cluster_selection_epsilon = hdbscan_golden[s].epsilon;
            o.allow_single_cluster = hdbscan_golden[s].allow_single;
            o.algorithm = run < 2 ? AE_HDBSCAN_BORUVKA : AE_HDBSCAN_PRIM;
            ae_hdbscan_result r = {0};
            if (ae_hdbscan_fit(&x, &o, &r, &err)) fail_msg("%s: %s", name, err.msg);
            double mst = 0;
            for (int e = 0; e + 1 < hdbscan_golden[s].n; e++) {
                mst += r.mst[e].distance;
                assert_true(r.mst[e].a < r.mst[e].b);
            }
            if (fabs(mst - hdbscan_golden[s].mst_weight) > 1e-9 * hdbscan_golden[s].mst_weight)
                fail_msg("%s: spanning tree weight %.12g, reference %.12g", name, mst, hdbscan_golden[s].mst_weight);
            if (r.n_clusters != hdbscan_golden[s].n_clusters)
                fail_msg("%s: %d clusters, reference %d", name, r.n_clusters, hdbscan_golden[s].n_clusters);
            for (int i = 0; i < hdbscan_golden[s].n; i++) {
                if (r.labels.data[i] != hdbscan_golden[s].labels[i])
                    fail_msg("%s (%s, %d threads): point %d has label %d, reference %d", name,
                             run < 2 ? "Boruvka" : "Prim", threads, i,
                             r.labels.data[i], hdbscan_golden[s].labels[i]);
                if (fabs(r.probabilities[i] - hdbscan_golden[s].prob[i]) > 1e-12)
                    fail_msg("%s: point %d has probability %.15g, reference %.15g", name, i, r.probabilities[i],
                             hdbscan_golden[s].prob[i]);
            }
            for (int c = 0; c < r.n_clusters; c++) {
                assert_int_equal(r.cluster_node[c], hdbscan_golden[s].nodes[c]);
                assert_close(r.stability[c], hdbscan_golden[s].stability[c], 1e-9 * fabs(hdbscan_golden[s].stability[c]));
                assert_close(r.persistence[c], hdbscan_golden[s].persistence[c], 1e-9);
            }
            ae_hdbscan_result_free(&r);
        }
        ae_matrix_free(&x);
    }
    ae_error err = {0};
    assert_int_equal(ae_set_threads(0, &err), AE_OK);
}

/* 1-D: 0 1 2 | 10 11 12, min_cluster_size 3, min_samples 2. Every core
 * distance is 1 (the nearest other point), so the mutual reachabilities are
 * 1 inside a group and 8 between 2 and 10. The root (cluster 6) splits at
 * distance 8 (lambda 1/8) into {0,1,2} (cluster 7: the left side, holding
 * the smaller endpoint 2) and {10,11,12} (cluster 8); each then loses all
 * three points at lambda 1. Stability of each: 3 (1 - 1/8) = 2.625, above
 * their children's 0: both selected, probabilities 1 (lambda 1 = their
 * largest), persistence 2.625 / (3 x 1) = 0.875. */
static void test_hand_case(void **state)
{
    (void)state;
    static const float v[] = {0, 1, 2, 10, 11, 12};
    ae_matrix x = {0};
    load(&x, v, 6, 1);
    ae_hdbscan_opts o = ae_hdbscan_defaults();
    o.min_cluster_size = 3;
    o.min_samples = 2;
    ae_hdbscan_result r = {0};
    ae_error err = {0};
    assert_int_equal(ae_hdbscan_fit(&x, &o, &r, &err), AE_OK);
    for (int i = 0; i < 6; i++) {
        assert_close(r.core_distances[i], 1.0, 0);
        assert_int_equal(r.labels.data[i], i < 3 ? 0 : 1);
        assert_close(r.probabilities[i], 1.0, 0);
    }
    assert_int_equal(r.n_clusters, 2);
    assert_int_equal(r.cluster_node[0], 7);
    assert_int_equal(r.cluster_node[1], 8);
    for (int c = 0; c < 2; c++) {
        assert_close(r.stability[c], 2.625, 1e-15);
        assert_close(r.persistence[c], 0.875, 1e-15);
    }
    assert_close(r.mst[4].distance, 8.0, 0);
    assert_int_equal(r.mst[4].a, 2);
    assert_int_equal(r.mst[4].b, 3);
    /* the condensed tree: two cluster rows at 1/8, then six points at 1 */
    assert_int_equal(r.n_tree, 8);
    assert_int_equal(r.tree[0].parent, 6);
    assert_int_equal(r.tree[0].child, 7);
    assert_int_equal(r.tree[0].child_size, 3);
    assert_close(r.tree[0].lambda_val, 0.125, 0);
    ae_hdbscan_result_free(&r);

    /* leaf selection: the same two leaves */
    o.selection = AE_HDBSCAN_LEAF;
    assert_int_equal(ae_hdbscan_fit(&x, &o, &r, &err), AE_OK);
    assert_int_equal(r.n_clusters, 2);
    ae_hdbscan_result_free(&r);

    /* min_cluster_size 4: both sides of the top merge are too small, so all
     * six points leave the root at 1/8 and, without allow_single_cluster,
     * everything is noise; with it, the root is selected (stability 6/8) and
     * the points leaving at its largest lambda (all, at 1/8) are labelled */
    o.selection = AE_HDBSCAN_EOM;
    o.min_cluster_size = 4;
    assert_int_equal(ae_hdbscan_fit(&x, &o, &r, &err), AE_OK);
    assert_int_equal(r.n_clusters, 0);
    for (int i = 0; i < 6; i++) assert_int_equal(r.labels.data[i], -1);
    ae_hdbscan_result_free(&r);
    o.allow_single_cluster = 1;
    assert_int_equal(ae_hdbscan_fit(&x, &o, &r, &err), AE_OK);
    assert_int_equal(r.n_clusters, 1);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(r.labels.data[i], 0);
        assert_close(r.probabilities[i], 1.0, 0);
    }
    assert_close(r.stability[0], 0.75, 1e-15);
    assert_int_equal(r.n_tree, 6);
    ae_hdbscan_result_free(&r);
    ae_matrix_free(&x);
}

static void test_errors(void **state)
{
    (void)state;
    static const float v[] = {0, 0, 1, 1, 2, 2, 3, 3};
    ae_matrix x = {0};
    load(&x, v, 4, 2);
    ae_hdbscan_opts o = ae_hdbscan_defaults();
    ae_hdbscan_result r = {0};
    ae_error err = {0};
    o.min_cluster_size = 5; /* > n */
    assert_int_equal(ae_hdbscan_fit(&x, &o, &r, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "min_cluster_size"));
    o.min_cluster_size = 1;
    assert_int_equal(ae_hdbscan_fit(&x, &o, &r, &err), AE_ERR_ARG);
    o.min_cluster_size = 2;
    o.min_samples = 5;
    assert_int_equal(ae_hdbscan_fit(&x, &o, &r, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "min_samples"));
    o.min_samples = 0;
    o.cluster_selection_epsilon = -1;
    assert_int_equal(ae_hdbscan_fit(&x, &o, &r, &err), AE_ERR_ARG);
    o.cluster_selection_epsilon = 0;
    x.data[5] = NAN;
    assert_int_equal(ae_hdbscan_fit(&x, &o, &r, &err), AE_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "row 2"));
    assert_null(r.labels.data);
    ae_hdbscan_selection s;
    assert_int_equal(ae_hdbscan_selection_parse("leaf", &s, &err), AE_OK);
    assert_int_equal(s, AE_HDBSCAN_LEAF);
    assert_int_equal(ae_hdbscan_selection_parse("tree", &s, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "eom, leaf"));
    ae_matrix_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_reference),
        cmocka_unit_test(test_hand_case),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
