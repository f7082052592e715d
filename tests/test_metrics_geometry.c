/* Silhouette and Davies-Bouldin: a hand-worked case, scikit-learn 1.2.1
 * golden numbers (exact and sampled), the tiled silhouette against a plain
 * O(n^2) reference for many tile sizes, and the error cases. */
#include "test_util.h"

#include "aeclust/metrics.h"
#include "metrics/silhouette.h"
#include "metrics_data.h"

/* ---- the data sets of tests/ref/metrics_geometry.py ---- */

typedef struct {
    const char *name;
    double sil, sil64, sil32; /* silhouette: direct, scikit-learn on float64, on float32 */
    double db, db64, db32;    /* Davies-Bouldin, the same three */
} golden_geometry;

/* Printed by `/usr/bin/python3 tests/ref/metrics_geometry.py` (scikit-learn
 * 1.2.1, numpy 1.24.2). "direct" evaluates the definitions in float64 numpy
 * with explicit differences; scikit-learn expands |x|^2 + |y|^2 - 2 x.y,
 * which costs it digits on tight_far (both its silhouette and DB there are
 * ~1e-12 from the direct values). */
static const golden_geometry golden[] = {
    {"blobs_300x5_singleton", 0.69344857787863667, 0.69344857787863678, 0.69344860315322876, 0.33989604812411017, 0.33989604812411017, 0.33989601342325665},
    {"tight_far_120x8", 0.9999911238697009, 0.99999112387124911, 0.99999111890792847, 1.2558768638782596e-05, 1.2558764342811549e-05, 1.2560339324127737e-05},
    {"three_points", 0.56746829395802811, 0.56746829395802811, 0.56746828556060791, 0.074329414624716636, 0.074329414624716636, 0.074329414624716636},
    {"duplicates_40x3", 0.93536905131872639, 0.9353690513187265, 0.93536901473999023, 0.089883256306588138, 0.089883256306588166, 0.089883273539751549},
    {"blobs_700x16", 0.24291980487789622, 0.24291980487789622, 0.24291978776454926, 1.4915431683976432, 1.4915431683976434, 1.4915431954416227},
    {"identical_per_cluster_30x4", 1, 1, 1, 0, 0, 1.5274655282834266e-07},
};
#define N_SETS (sizeof golden / sizeof golden[0])

typedef struct {
    size_t set, sample;
    uint64_t seed;
    double sil, sil64, sil32;
} golden_sampled;

/* Same script: the silhouette of ae_silhouette's own subset of `sample` points. */
static const golden_sampled sampled[] = {
    {0, 100, 42, 0.67388294104555813, 0.67388294104555813, 0.67388296127319336},
    {4, 250, 7, 0.24665418109605985, 0.24665418109605983, 0.24665416777133942},
};

/* Copies every row of cluster c over with the first row of cluster c. */
static void collapse_cluster(ae_matrix *x, const int32_t *y, int32_t c)
{
    size_t first = x->rows;
    for (size_t i = 0; i < x->rows; i++) {
        if (y[i] != c) continue;
        if (first == x->rows) first = i;
        memcpy(ae_matrix_row(x, i), ae_matrix_row(x, first), x->cols * sizeof(float));
    }
}

/* Builds set i of the script; x and *y are owned by the caller. */
static void build_set(size_t i, ae_matrix *x, int32_t **y)
{
    switch (i) {
    case 0: {
        metrics_blobs(21, 300, 5, 4, 10, 4.0, 1, x, y);
        static const int32_t ids[] = {2, 10, 11, 500}; /* sparse cluster ids */
        for (size_t k = 0; k < x->rows; k++) (*y)[k] = ids[(*y)[k]];
        return;
    }
    case 1: metrics_blobs(22, 120, 8, 3, 1000, 0x1p-6, 0, x, y); return;
    case 2: {
        static const float pts[] = {0, 0, 1, 0, 5, 5};
        ae_matrix_alloc(x, 3, 2, NULL);
        memcpy(x->data, pts, sizeof pts);
        *y = malloc(3 * sizeof **y);
        (*y)[0] = 0, (*y)[1] = 0, (*y)[2] = 1;
        return;
    }
    case 3:
        metrics_blobs(23, 40, 3, 2, 3, 1.0, 0, x, y);
        collapse_cluster(x, *y, 0);
        return;
    case 4: metrics_blobs(24, 700, 16, 6, 4, 8.0, 0, x, y); return;
    case 5:
        metrics_blobs(25, 30, 4, 3, 5, 1.0, 0, x, y);
        for (int32_t c = 0; c < 3; c++) collapse_cluster(x, *y, c);
        return;
    }
    fail_msg("no set %zu", i);
}

/* ---- plain references, double precision, straight from the definitions ---- */

static double ref_dist(const ae_matrix *x, size_t i, size_t j)
{
    double acc = 0.0;
    for (size_t k = 0; k < x->cols; k++) {
        double t = (double)ae_matrix_row(x, i)[k] - (double)ae_matrix_row(x, j)[k];
        acc += t * t;
    }
    return sqrt(acc);
}

/* Mean silhouette; cluster ids must be < 1024. */
static double ref_silhouette(const ae_matrix *x, const int32_t *y)
{
    size_t n = x->rows;
    static double sums[1024];
    static size_t sizes[1024];
    memset(sizes, 0, sizeof sizes);
    for (size_t i = 0; i < n; i++) sizes[y[i]]++;
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        memset(sums, 0, sizeof sums);
        for (size_t j = 0; j < n; j++) sums[y[j]] += ref_dist(x, i, j);
        if (sizes[y[i]] == 1) continue;
        double a = sums[y[i]] / (double)(sizes[y[i]] - 1), b = INFINITY;
        for (int c = 0; c < 1024; c++)
            if (sizes[c] && c != y[i] && sums[c] / (double)sizes[c] < b) b = sums[c] / (double)sizes[c];
        double hi = a > b ? a : b;
        if (hi > 0) total += (b - a) / hi;
    }
    return total / (double)n;
}

/* ---- tests ---- */

static void test_three_points_by_hand(void **state)
{
    (void)state;
    /* A(0,0) B(1,0) in cluster 0, C(5,5) alone in cluster 1.
     *   s(A): a = |AB| = 1, b = |AC| = sqrt(50):  1 - 1/sqrt(50)
     *   s(B): a = 1,        b = |BC| = sqrt(16 + 25) = sqrt(41):  1 - 1/sqrt(41)
     *   s(C) = 0 (singleton);  mean = (2 - 1/sqrt(50) - 1/sqrt(41)) / 3 = 0.567468...
     * Davies-Bouldin: centroids (0.5, 0) and (5, 5), S0 = 0.5, S1 = 0,
     *   |c0 - c1| = sqrt(4.5^2 + 5^2) = sqrt(45.25); both clusters' worst
     *   ratio is (0.5 + 0) / sqrt(45.25), so DB = 0.5 / sqrt(45.25). */
    ae_matrix x;
    int32_t *y;
    build_set(2, &x, &y);
    double sil, db;
    assert_int_equal(ae_silhouette(&x, y, 0, 0, &sil, NULL), AE_OK);
    assert_close(sil, (2.0 - 1.0 / sqrt(50.0) - 1.0 / sqrt(41.0)) / 3.0, 1e-12);
    assert_int_equal(ae_davies_bouldin(&x, y, &db, NULL), AE_OK);
    assert_close(db, 0.5 / sqrt(45.25), 1e-14);
    ae_matrix_free(&x);
    free(y);
}

static void test_degenerate_by_hand(void **state)
{
    (void)state;
    /* Clusters 0 {(0,0), (2,0)} and 1 {(1,1), (1,-1)} share the centroid
     * (1,0); cluster 2 {(10,0), (12,0)} sits at (11,0). Every S_i = 1.
     * Identical centroids count as infinitely far (ratio 0), so each
     * cluster's worst ratio is (1 + 1) / 10: DB = 0.2 (scikit-learn: 0.2 too). */
    const float pts[] = {0, 0, 2, 0, 1, 1, 1, -1, 10, 0, 12, 0};
    const int32_t y[] = {0, 0, 1, 1, 2, 2};
    ae_matrix x = {6, 2, (float *)pts};
    double db;
    assert_int_equal(ae_davies_bouldin(&x, y, &db, NULL), AE_OK);
    assert_close(db, 0.2, 1e-15);
    /* All points equal: every distance is 0, so a = b = 0 and each s = 0/0,
     * which scikit-learn turns into 0; all S_i = 0, so DB = 0. */
    const float same[] = {3, 3, 3, 3, 3, 3, 3, 3};
    const int32_t y2[] = {0, 0, 1, 1};
    ae_matrix x2 = {4, 2, (float *)same};
    double sil = 1.0;
    assert_int_equal(ae_silhouette(&x2, y2, 0, 0, &sil, NULL), AE_OK);
    assert_true(sil == 0.0);
    assert_int_equal(ae_davies_bouldin(&x2, y2, &db, NULL), AE_OK);
    assert_true(db == 0.0);
}

static void test_golden_sklearn(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_SETS; i++) {
        ae_matrix x;
        int32_t *y;
        build_set(i, &x, &y);
        double sil, db;
        ae_error err;
        if (ae_silhouette(&x, y, 0, 0, &sil, &err)) fail_msg("%s: %s", golden[i].name, err.msg);
        if (ae_davies_bouldin(&x, y, &db, &err)) fail_msg("%s: %s", golden[i].name, err.msg);
        /* Small sets run the GEMM in double: agreement to rounding. */
        if (fabs(sil - golden[i].sil) > 1e-12 || fabs(db - golden[i].db) > 1e-12)
            fail_msg("%s: silhouette %.17g (want %.17g), DB %.17g (want %.17g)", golden[i].name, sil, golden[i].sil,
                     db, golden[i].db);
        /* scikit-learn's own expansion is ~1e-12 off on tight_far */
        assert_close(sil, golden[i].sil64, 1e-11);
        assert_close(db, golden[i].db64, 1e-11);
        /* Forced float32 GEMM (what 10,000 x 784 runs): ~1e-7 per pair, less on the mean. */
        double silf;
        assert_int_equal(ae_silhouette_tiled(&x, y, 0, 0, AE_SILHOUETTE_TILE, AE_SIL_GEMM_FLOAT, &silf, NULL), AE_OK);
        if (fabs(silf - golden[i].sil) > 5e-8)
            fail_msg("%s: float32 GEMM silhouette %.17g (want %.17g)", golden[i].name, silf, golden[i].sil);
        /* scikit-learn on float32 input rounds more itself */
        assert_close(sil, golden[i].sil32, 1e-6);
        assert_close(db, golden[i].db32, 1e-6);
        ae_matrix_free(&x);
        free(y);
    }
}

static void test_sampled_golden(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sampled / sizeof sampled[0]; i++) {
        ae_matrix x;
        int32_t *y;
        build_set(sampled[i].set, &x, &y);
        double sil, again, other;
        assert_int_equal(ae_silhouette(&x, y, sampled[i].sample, sampled[i].seed, &sil, NULL), AE_OK);
        assert_close(sil, sampled[i].sil, 1e-12);
        assert_close(sil, sampled[i].sil64, 1e-12);
        assert_close(sil, sampled[i].sil32, 1e-6);
        /* same seed, same subset; another seed, another subset */
        assert_int_equal(ae_silhouette(&x, y, sampled[i].sample, sampled[i].seed, &again, NULL), AE_OK);
        assert_true(again == sil);
        assert_int_equal(ae_silhouette(&x, y, sampled[i].sample, sampled[i].seed + 1, &other, NULL), AE_OK);
        assert_true(fabs(other - sil) > 1e-6);
        ae_matrix_free(&x);
        free(y);
    }
}

static void test_sample_at_least_n_is_exact(void **state)
{
    (void)state;
    ae_matrix x;
    int32_t *y;
    build_set(0, &x, &y);
    double exact, big;
    assert_int_equal(ae_silhouette(&x, y, 0, 5, &exact, NULL), AE_OK);
    assert_int_equal(ae_silhouette(&x, y, 300, 5, &big, NULL), AE_OK);
    assert_true(exact == big);
    assert_int_equal(ae_silhouette(&x, y, 100000, 5, &big, NULL), AE_OK);
    assert_true(exact == big);
    ae_matrix_free(&x);
    free(y);
}

static void test_tiles_match_reference(void **state)
{
    (void)state;
    /* Tiles smaller than the clusters and not dividing n make clusters
     * straddle tile borders in both directions. */
    static const size_t tiles[] = {1, 3, 7, 64, 299, 1024};
    for (size_t i = 0; i < N_SETS; i++) {
        ae_matrix x;
        int32_t *y;
        build_set(i, &x, &y);
        double want = ref_silhouette(&x, y);
        for (size_t t = 0; t < sizeof tiles / sizeof tiles[0]; t++) {
            if (tiles[t] * 20 < x.rows) continue; /* thousands of tiny GEMMs: slow; smaller sets cover them */
            double got;
            for (int g = AE_SIL_GEMM_FLOAT; g <= AE_SIL_GEMM_DOUBLE; g++) {
                assert_int_equal(ae_silhouette_tiled(&x, y, 0, 0, tiles[t], (ae_sil_gemm)g, &got, NULL), AE_OK);
                double tol = g == AE_SIL_GEMM_DOUBLE ? 1e-12 : 5e-8;
                if (fabs(got - want) > tol)
                    fail_msg("%s, tile %zu, %s GEMM: %.17g, reference %.17g", golden[i].name, tiles[t],
                             g == AE_SIL_GEMM_DOUBLE ? "double" : "float", got, want);
            }
        }
        ae_matrix_free(&x);
        free(y);
    }
}

static void test_label_permutation_invariance(void **state)
{
    (void)state;
    /* renaming clusters and reordering points leave both scores unchanged */
    ae_matrix x, xr;
    int32_t *y;
    build_set(4, &x, &y);
    ae_matrix_alloc(&xr, x.rows, x.cols, NULL);
    int32_t *yr = malloc(x.rows * sizeof *yr);
    for (size_t i = 0; i < x.rows; i++) {
        size_t src = x.rows - 1 - i;
        memcpy(ae_matrix_row(&xr, i), ae_matrix_row(&x, src), x.cols * sizeof(float));
        yr[i] = 1000 - 7 * y[src];
    }
    double s1, s2, d1, d2;
    assert_int_equal(ae_silhouette(&x, y, 0, 0, &s1, NULL), AE_OK);
    assert_int_equal(ae_silhouette(&xr, yr, 0, 0, &s2, NULL), AE_OK);
    assert_int_equal(ae_davies_bouldin(&x, y, &d1, NULL), AE_OK);
    assert_int_equal(ae_davies_bouldin(&xr, yr, &d2, NULL), AE_OK);
    assert_close(s1, s2, 1e-12);
    assert_close(d1, d2, 1e-12);
    ae_matrix_free(&x);
    ae_matrix_free(&xr);
    free(y);
    free(yr);
}

static void test_errors(void **state)
{
    (void)state;
    ae_matrix x;
    int32_t *y;
    build_set(2, &x, &y); /* 3 points, clusters {0, 0, 1} */
    double v = 42.0;
    ae_error err;

    /* one cluster */
    int32_t one[] = {5, 5, 5};
    assert_int_equal(ae_silhouette(&x, one, 0, 0, &v, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "1 cluster among 3 points; needs 2 to n - 1 = 2"));
    assert_int_equal(ae_davies_bouldin(&x, one, &v, &err), AE_ERR_ARG);
    /* n clusters (all singletons) */
    int32_t all[] = {0, 1, 2};
    assert_int_equal(ae_silhouette(&x, all, 0, 0, &v, &err), AE_ERR_ARG);
    assert_int_equal(ae_davies_bouldin(&x, all, &v, &err), AE_ERR_ARG);
    /* negative label */
    int32_t neg[] = {0, -1, 1};
    assert_int_equal(ae_silhouette(&x, neg, 0, 0, &v, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "negative label -1 at index 1"));
    assert_int_equal(ae_davies_bouldin(&x, neg, &v, &err), AE_ERR_ARG);
    /* NaN and Inf */
    x.data[3] = NAN;
    assert_int_equal(ae_silhouette(&x, y, 0, 0, &v, &err), AE_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "row 1, column 1"));
    assert_int_equal(ae_davies_bouldin(&x, y, &v, &err), AE_ERR_NUMERIC);
    x.data[3] = INFINITY;
    assert_int_equal(ae_silhouette(&x, y, 0, 0, &v, &err), AE_ERR_NUMERIC);
    x.data[3] = 0.0f;
    /* no points, no features */
    ae_matrix empty = {0, 2, NULL};
    assert_int_equal(ae_silhouette(&empty, y, 0, 0, &v, &err), AE_ERR_ARG);
    assert_int_equal(ae_davies_bouldin(&empty, y, &v, &err), AE_ERR_ARG);
    ae_matrix flat = {3, 0, x.data};
    assert_int_equal(ae_silhouette(&flat, y, 0, 0, &v, &err), AE_ERR_ARG);
    assert_int_equal(ae_davies_bouldin(&flat, y, &v, &err), AE_ERR_ARG);
    assert_true(v == 42.0); /* untouched by every failure */
    ae_matrix_free(&x);
    free(y);

    /* Samples of 3 from the 4-cluster set: all from one cluster (1 label) or
     * from three (3 > n - 1) are refused, two clusters are scored. */
    build_set(0, &x, &y);
    int refused = 0, scored = 0;
    for (uint64_t seed = 0; seed < 64; seed++) {
        ae_error_clear(&err);
        ae_status st = ae_silhouette(&x, y, 3, seed, &v, &err);
        if (st == AE_OK) {
            scored++;
        } else {
            assert_int_equal(st, AE_ERR_ARG);
            assert_non_null(strstr(err.msg, "among 3 sampled points"));
            refused++;
        }
    }
    assert_true(refused > 0 && scored > 0);
    ae_matrix_free(&x);
    free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_points_by_hand),   cmocka_unit_test(test_degenerate_by_hand),
        cmocka_unit_test(test_golden_sklearn),
        cmocka_unit_test(test_sampled_golden),         cmocka_unit_test(test_sample_at_least_n_is_exact),
        cmocka_unit_test(test_tiles_match_reference),  cmocka_unit_test(test_label_permutation_invariance),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
