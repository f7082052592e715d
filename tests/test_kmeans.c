/* k-means: hand-worked cases, scikit-learn 1.2.1 golden numbers, the
 * stopping rules of Lloyd run from fixed centres, empty-cluster repair,
 * determinism and argument errors.
 *
 * Golden numbers: the output of tests/ref/kmeans_golden.py (Debian's
 * /usr/bin/python3, scikit-learn 1.2.1), pasted below as is. The synthetic
 * sets are rebuilt here exactly as the script builds them. */
#include "test_util.h"

#include "aeclust/data.h"
#include "aeclust/kmeans.h"
#include "aeclust/threads.h"
#include "cluster/kmeans_internal.h"

/* ---- golden numbers (tests/ref/kmeans_golden.py) ---- */

// sklearn 1.2.1, numpy 1.24.2
// SEP 300x4 k=3: partition recovered True, inertia 398.8925726
#define SEP_INERTIA 398.8925726374917
// MOD 2000x10 k=5 n_init=10 seed 0: best inertia (float64) 56735.94355, n_iter 24
#define MOD_BEST_INERTIA 56735.943547181334
// MOD from rows 0, 5, .., 20, tol 0.0: n_iter 16
#define MOD_TOL0_NITER 16
#define MOD_TOL0_INERTIA 56746.142993979003
#define MOD_TOL0_LABEL_CHECK 3913603 /* sum of i * label_i */
#define MOD_TOL0_COUNTS {401, 400, 437, 401, 361}
#define MOD_TOL0_CENTROIDS { \
    -2.05784035f, 0.189795405f, -0.056661725f, 0.0620826483f, -2.02692771f, \
    2.04263258f, -2.07510614f, 2.04062009f, 2.10025454f, -2.07931638f, \
    2.05545092f, -0.966798067f, 0.920375109f, -0.0694601536f, -1.93437862f, \
    -2.13053703f, -0.994128883f, -0.824275732f, 0.75908649f, 1.92712259f, \
    2.16591716f, 1.04476094f, 2.25551414f, 2.15059018f, -2.11500406f, \
    -0.179388195f, 0.0269916654f, -2.01274467f, 2.06764531f, -1.92377305f, \
    -0.886088192f, 0.962732255f, 0.0639116168f, -1.00017405f, 1.11995554f, \
    -1.97802079f, -1.10296047f, -0.80071044f, 2.165061f, 1.93012166f, \
    -1.40408397f, 2.15807962f, 1.82241571f, 0.724141121f, -2.09323049f, \
    0.0825739801f, 0.309663296f, -2.26590705f, 1.90649712f, -1.0068723f}
// MOD from rows 0, 5, .., 20, tol 0.0001: n_iter 14
#define MOD_TOL4_NITER 14
#define MOD_TOL4_INERTIA 56746.273302203976
#define MOD_TOL4_LABEL_CHECK 3913603 /* sum of i * label_i */
#define MOD_TOL4_COUNTS {401, 400, 437, 401, 361}
#define MOD_TOL4_CENTROIDS { \
    -2.06068182f, 0.187716514f, -0.0593637228f, 0.0634742677f, -2.03283668f, \
    2.04752731f, -2.07420921f, 2.04801679f, 2.10337114f, -2.07646346f, \
    2.05545092f, -0.966798067f, 0.920375109f, -0.0694601536f, -1.93437862f, \
    -2.13053703f, -0.994128883f, -0.824275732f, 0.75908649f, 1.92712259f, \
    2.16591716f, 1.04476094f, 2.25551414f, 2.15059018f, -2.11500406f, \
    -0.179388195f, 0.0269916654f, -2.01274467f, 2.06764531f, -1.92377305f, \
    -0.886088192f, 0.962732255f, 0.0639116168f, -1.00017405f, 1.11995554f, \
    -1.97802079f, -1.10296047f, -0.80071044f, 2.165061f, 1.93012166f, \
    -1.4027499f, 2.15493965f, 1.8202107f, 0.720774531f, -2.08651829f, \
    0.0825800598f, 0.302084804f, -2.2621839f, 1.90358841f, -1.01298738f}
// MOD from rows 0, 5, .., 20, tol 0.01: n_iter 10
#define MOD_TOL2_NITER 10
#define MOD_TOL2_INERTIA 56755.304900328119
#define MOD_TOL2_LABEL_CHECK 3912529 /* sum of i * label_i */
#define MOD_TOL2_COUNTS {401, 401, 438, 397, 363}
#define MOD_TOL2_CENTROIDS { \
    -2.06895876f, 0.184454083f, -0.0563933849f, 0.0752365887f, -2.03184509f, \
    2.05378509f, -2.07324886f, 2.04810691f, 2.10230207f, -2.06690049f, \
    2.0439775f, -0.949977279f, 0.918816626f, -0.0544996858f, -1.91514993f, \
    -2.12880301f, -1.00191867f, -0.809579194f, 0.756819606f, 1.91897511f, \
    2.10174394f, 1.04154301f, 2.27061653f, 2.15220451f, -2.15801096f, \
    -0.191391796f, 0.013807416f, -2.03526878f, 2.11564636f, -1.95293653f, \
    -0.892509758f, 0.966310978f, 0.0380789638f, -1.02200329f, 1.13826871f, \
    -1.99392486f, -1.12257946f, -0.806584537f, 2.17266154f, 1.9383862f, \
    -1.39221346f, 2.17293048f, 1.79555249f, 0.659994721f, -2.01458883f, \
    0.0955806077f, 0.340134859f, -2.23683715f, 1.85413659f, -0.944898963f}
// Fashion-MNIST t10k[:1000] k=5 n_init=10 seed 0: best inertia (float64) 38579.97859
#define FM1000_BEST_INERTIA 38579.978589336089
// Fashion-MNIST t10k[:1000] k=10, Lloyd from rows 0..9, tol 1e-4: n_iter 13
#define FM1000_LLOYD_NITER 13
#define FM1000_LLOYD_INERTIA 32475.690988821359
#define FM1000_LLOYD_LABEL_CHECK 2103356 /* sum of i * label_i */
#define FM1000_LLOYD_COUNTS {134, 156, 77, 75, 78, 79, 135, 82, 84, 100}

/* ---- data shared with the script: dyadic values, exact in float32 ---- */

static uint64_t mix(uint64_t x) /* splitmix64 */
{
    uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t key(uint64_t tag, uint64_t i, uint64_t l, uint64_t r)
{
    return ((tag * 1000003u + i) * 1009u + l) * 4u + r;
}

static double unif(uint64_t k) { return (double)(mix(k) >> 44) / (double)(1u << 20); }

/* Row i belongs to blob i % nb: centre + (sum of 4 uniforms - 2) * spread. */
static void blobs(ae_matrix *x, uint64_t tag, size_t n, size_t d, const double *centres, size_t nb, double spread)
{
    assert_int_equal(ae_matrix_alloc(x, n, d, NULL), AE_OK);
    for (size_t i = 0; i < n; i++)
        for (size_t l = 0; l < d; l++) {
            double s = 0.0;
            for (uint64_t r = 0; r < 4; r++) s += unif(key(tag, i, l, r));
            x->data[i * d + l] = (float)(centres[(i % nb) * d + l] + (s - 2.0) * spread);
        }
}

/* 3 blobs 20 apart in 4-d, noise within +-2. */
static void sep_data(ae_matrix *x)
{
    const double c[] = {0, 0, 0, 0, 20, 0, 0, 0, 0, 20, 0, 0};
    blobs(x, 1, 300, 4, c, 3, 1.0);
}

/* 5 overlapping blobs in 10-d, integer centres in [-2, 2] from hashes. */
static void mod_data(ae_matrix *x)
{
    double c[5 * 10];
    for (uint64_t b = 0; b < 5; b++)
        for (uint64_t l = 0; l < 10; l++) c[b * 10 + l] = (double)(mix(key(102, b, l, 0)) % 5) - 2.0;
    blobs(x, 2, 2000, 10, c, 5, 3.0);
}

static void matrix_from(ae_matrix *x, size_t n, size_t d, const float *v)
{
    assert_int_equal(ae_matrix_alloc(x, n, d, NULL), AE_OK);
    memcpy(x->data, v, n * d * sizeof *v);
}

/* ---- checks ---- */

/* a and b are the same partition up to renaming the clusters. */
static void assert_same_partition(const int32_t *a, const int32_t *b, size_t n, int k)
{
    int32_t *ab = malloc((size_t)k * sizeof *ab), *ba = malloc((size_t)k * sizeof *ba);
    for (int j = 0; j < k; j++) ab[j] = ba[j] = -1;
    for (size_t i = 0; i < n; i++) {
        assert_in_range(a[i], 0, k - 1);
        assert_in_range(b[i], 0, k - 1);
        if (ab[a[i]] < 0) ab[a[i]] = b[i];
        if (ba[b[i]] < 0) ba[b[i]] = a[i];
        if (ab[a[i]] != b[i] || ba[b[i]] != a[i]) fail_msg("partitions differ at point %zu", i);
    }
    free(ab);
    free(ba);
}

/* Checks every label is in [0, k); returns the size of the smallest cluster. */
static int64_t min_cluster_size(const ae_labels *l, int k)
{
    int64_t *c = calloc((size_t)k, sizeof *c);
    for (size_t i = 0; i < l->n; i++) {
        assert_in_range(l->data[i], 0, k - 1);
        c[l->data[i]]++;
    }
    int64_t m = INT64_MAX;
    for (int j = 0; j < k; j++) m = c[j] < m ? c[j] : m;
    free(c);
    return m;
}

/* Sum of squared distances to the assigned centroids, in long double. */
static double inertia_of(const ae_matrix *x, const ae_matrix *c, const int32_t *labels)
{
    long double s = 0.0L;
    for (size_t i = 0; i < x->rows; i++)
        for (size_t l = 0; l < x->cols; l++) {
            long double t = (long double)x->data[i * x->cols + l] - c->data[(size_t)labels[i] * c->cols + l];
            s += t * t;
        }
    return (double)s;
}

static ae_kmeans_opts opts_k(int k, int n_init)
{
    ae_kmeans_opts o = ae_kmeans_defaults();
    o.k = k;
    o.n_init = n_init;
    return o;
}

/* ---- tests ---- */

static void test_defaults(void **state)
{
    (void)state;
    ae_kmeans_opts o = ae_kmeans_defaults();
    assert_int_equal(o.k, 10);
    assert_int_equal(o.n_init, 10);
    assert_int_equal(o.max_iter, 300);
    assert_close(o.tol, 1e-4, 0.0);
    assert_true(o.seed == 0);
}

/* 1-d points 0 1 2 | 10 11 12, k = 2: centres 1 and 11, inertia 2 * (1 + 0 + 1) = 4. */
static void test_tiny_by_hand(void **state)
{
    (void)state;
    const float v[] = {10, 0, 11, 1, 12, 2};
    ae_matrix x;
    matrix_from(&x, 6, 1, v);
    ae_kmeans_opts o = opts_k(2, 3);
    ae_kmeans_result r;
    assert_int_equal(ae_kmeans_fit(&x, &o, &r, NULL), AE_OK);
    const int32_t want[] = {1, 0, 1, 0, 1, 0};
    assert_same_partition(r.labels.data, want, 6, 2);
    assert_close(r.centroids.data[r.labels.data[0]], 11.0, 0.0);
    assert_close(r.centroids.data[r.labels.data[1]], 1.0, 0.0);
    assert_close(r.inertia, 4.0, 1e-12);
    assert_in_range(r.n_iter, 1, 3);
    ae_kmeans_result_free(&r);
    ae_matrix_free(&x);
}

static void test_separated_blobs_recovered(void **state)
{
    (void)state;
    ae_matrix x;
    sep_data(&x);
    ae_kmeans_opts o = opts_k(3, 10);
    ae_kmeans_result r;
    assert_int_equal(ae_kmeans_fit(&x, &o, &r, NULL), AE_OK);
    int32_t truth[300];
    for (int i = 0; i < 300; i++) truth[i] = i % 3;
    assert_same_partition(r.labels.data, truth, 300, 3);
    assert_close(r.inertia, SEP_INERTIA, 1e-7 * SEP_INERTIA);
    assert_close(r.inertia, inertia_of(&x, &r.centroids, r.labels.data), 1e-9 * SEP_INERTIA);
    ae_kmeans_result_free(&r);
    ae_matrix_free(&x);
}

/* Overlapping blobs with several local minima: n_init = 10 must do as well as
 * scikit-learn's n_init = 10 (ours <= theirs * (1 + 1e-4)). */
static void test_moderate_inertia_vs_sklearn(void **state)
{
    (void)state;
    ae_matrix x;
    mod_data(&x);
    ae_kmeans_opts o = opts_k(5, 10);
    ae_kmeans_result r;
    assert_int_equal(ae_kmeans_fit(&x, &o, &r, NULL), AE_OK);
    assert_true(r.inertia <= MOD_BEST_INERTIA * (1 + 1e-4));
    assert_close(r.inertia, inertia_of(&x, &r.centroids, r.labels.data), 1e-9 * r.inertia);
    assert_true(min_cluster_size(&r.labels, 5) > 0);
    assert_in_range(r.n_iter, 1, 300);
    ae_kmeans_result_free(&r);
    ae_matrix_free(&x);
}

/* Lloyd alone from the given rows, against scikit-learn from the same centres:
 * iterations (strict convergence for tol 0, the tol stop otherwise), labels
 * after the final assignment, inertia and, when want.cen is given, centroids. */
typedef struct {
    int niter;
    double inertia;
    int64_t label_check; /* sum of i * label_i */
    const int *counts;
    const float *cen;
} lloyd_want;

static void lloyd_from_rows(const ae_matrix *x, const size_t *rows, int k, double tol, lloyd_want want)
{
    const size_t n = x->rows, d = x->cols, kk = (size_t)k;
    ae_km_work w;
    assert_int_equal(ae_km_work_init(&w, x, k, true, NULL), AE_OK);
    for (size_t j = 0; j < kk; j++)
        for (size_t l = 0; l < d; l++) w.cen[j * d + l] = x->data[rows[j] * d + l] - w.mean[l];
    assert_int_equal(ae_km_lloyd(&w, 300, tol * w.sum_var / (double)d), want.niter);

    ae_matrix c;
    assert_int_equal(ae_matrix_alloc(&c, kk, d, NULL), AE_OK);
    ae_km_centroids(&w, c.data);
    if (want.cen)
        for (size_t j = 0; j < kk * d; j++) assert_close(c.data[j], want.cen[j], 2e-5);
    int64_t check = 0, *counts = calloc(kk, sizeof *counts);
    for (size_t i = 0; i < n; i++) {
        check += (int64_t)i * w.labels[i];
        counts[w.labels[i]]++;
    }
    assert_int_equal(check, want.label_check);
    for (size_t j = 0; j < kk; j++) assert_int_equal(counts[j], want.counts[j]);
    assert_close(ae_km_inertia(x->data, n, d, c.data, w.labels, w.block), want.inertia, 1e-6 * want.inertia);
    free(counts);
    ae_matrix_free(&c);
    ae_km_work_free(&w);
}

static const size_t mod_rows[] = {0, 5, 10, 15, 20}; /* all in blob 0: a long way to go */

static void test_lloyd_strict_convergence(void **state)
{
    (void)state;
    ae_matrix x;
    mod_data(&x);
    const int counts[] = MOD_TOL0_COUNTS;
    const float cen[] = MOD_TOL0_CENTROIDS;
    lloyd_from_rows(&x, mod_rows, 5, 0.0,
                    (lloyd_want){MOD_TOL0_NITER, MOD_TOL0_INERTIA, MOD_TOL0_LABEL_CHECK, counts, cen});
    ae_matrix_free(&x);
}

/* After a tol stop the centroids are the last update's and the labels come
 * from one more assignment: tol 1e-4 ends with tol 0's labels but not its centroids. */
static void test_lloyd_tol_stop(void **state)
{
    (void)state;
    ae_matrix x;
    mod_data(&x);
    const int counts4[] = MOD_TOL4_COUNTS;
    const float cen4[] = MOD_TOL4_CENTROIDS;
    lloyd_from_rows(&x, mod_rows, 5, 1e-4,
                    (lloyd_want){MOD_TOL4_NITER, MOD_TOL4_INERTIA, MOD_TOL4_LABEL_CHECK, counts4, cen4});
    const int counts2[] = MOD_TOL2_COUNTS;
    const float cen2[] = MOD_TOL2_CENTROIDS;
    lloyd_from_rows(&x, mod_rows, 5, 1e-2,
                    (lloyd_want){MOD_TOL2_NITER, MOD_TOL2_INERTIA, MOD_TOL2_LABEL_CHECK, counts2, cen2});
    ae_matrix_free(&x);
}

/* The first 1000 Fashion-MNIST test images; false when the data is not set up. */
static bool fashion_1000(ae_matrix *x)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/fashion-mnist/t10k-images-idx3-ubyte.gz", test_data_dir());
    if (access(path, R_OK) != 0) return false;
    ae_matrix all;
    ae_error err;
    if (ae_idx_read_images(path, &all, NULL, NULL, &err)) fail_msg("%s", err.msg);
    matrix_from(x, 1000, all.cols, all.data);
    ae_matrix_free(&all);
    return true;
}

static void test_fashion_lloyd_vs_sklearn(void **state)
{
    (void)state;
    ae_matrix x;
    if (!fashion_1000(&x)) skip();
    const size_t rows[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    const int counts[] = FM1000_LLOYD_COUNTS;
    lloyd_from_rows(&x, rows, 10, 1e-4,
                    (lloyd_want){FM1000_LLOYD_NITER, FM1000_LLOYD_INERTIA, FM1000_LLOYD_LABEL_CHECK, counts, NULL});
    ae_matrix_free(&x);
}

/* k = 5, where restarts agree to 4e-5 (see the script), so one seed is a fair comparison. */
static void test_fashion_restarts_vs_sklearn(void **state)
{
    (void)state;
    ae_matrix x;
    if (!fashion_1000(&x)) skip();
    ae_kmeans_opts o = opts_k(5, 10);
    ae_kmeans_result r;
    assert_int_equal(ae_kmeans_fit(&x, &o, &r, NULL), AE_OK);
    assert_true(r.inertia <= FM1000_BEST_INERTIA * (1 + 1e-4));
    assert_true(min_cluster_size(&r.labels, 5) > 0);
    ae_kmeans_result_free(&r);
    ae_matrix_free(&x);
}

/* Lloyd from the given rows with and without skipping the rows Hamerly's
 * bounds pin down: iterations, labels and centres must agree bit for bit,
 * and the GEMM must have seen at most max_share of the rows it sees without. */
static void assert_pruning_changes_nothing(const ae_matrix *x, const size_t *rows, int k, double tol,
                                           double max_share)
{
    const size_t d = x->cols, kk = (size_t)k;
    ae_km_work a, b;
    assert_int_equal(ae_km_work_init(&a, x, k, true, NULL), AE_OK);
    assert_int_equal(ae_km_work_init(&b, x, k, true, NULL), AE_OK);
    assert_true(a.prune);
    b.prune = false;
    for (size_t j = 0; j < kk * d; j++) a.cen[j] = b.cen[j] = x->data[rows[j / d] * d + j % d] - a.mean[j % d];
    const double tol_abs = tol * a.sum_var / (double)d;
    assert_int_equal(ae_km_lloyd(&a, 300, tol_abs), ae_km_lloyd(&b, 300, tol_abs));
    assert_memory_equal(a.labels, b.labels, x->rows * sizeof *a.labels);
    assert_memory_equal(a.cen, b.cen, kk * d * sizeof *a.cen);
    assert_true((double)a.gemm_rows <= max_share * (double)b.gemm_rows);
    ae_km_work_free(&a);
    ae_km_work_free(&b);
}

static void test_pruning_changes_nothing(void **state)
{
    (void)state;
    ae_matrix x;
    mod_data(&x);
    assert_pruning_changes_nothing(&x, mod_rows, 5, 0.0, 0.7);
    assert_pruning_changes_nothing(&x, mod_rows, 5, 1e-4, 0.7);
    const size_t first[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    assert_pruning_changes_nothing(&x, first, 10, 0.0, 0.7);
    ae_matrix_free(&x);
    sep_data(&x);
    const size_t same[] = {7, 7, 7, 7, 7, 7}; /* with empty clusters to repair */
    assert_pruning_changes_nothing(&x, same, 6, 0.0, 0.7);
    ae_matrix_free(&x);
    if (fashion_1000(&x)) {
        assert_pruning_changes_nothing(&x, first, 10, 1e-4, 0.7);
        ae_matrix_free(&x);
    }
}

static void test_predict_agrees_with_fit(void **state)
{
    (void)state;
    ae_matrix x;
    mod_data(&x);
    for (int max_iter = 1; max_iter <= 300; max_iter += 299) { /* 1: stopped early, then converged */
        ae_kmeans_opts o = opts_k(5, 2);
        o.max_iter = max_iter;
        ae_kmeans_result r;
        assert_int_equal(ae_kmeans_fit(&x, &o, &r, NULL), AE_OK);
        if (max_iter == 1) assert_int_equal(r.n_iter, 1);
        ae_labels p = {0};
        double inertia = -1.0;
        assert_int_equal(ae_kmeans_predict(&r.centroids, &x, &p, &inertia, NULL), AE_OK);
        assert_int_equal(p.n, 2000);
        assert_memory_equal(p.data, r.labels.data, 2000 * sizeof *p.data);
        assert_close(inertia, r.inertia, 1e-12 * r.inertia);
        ae_labels_free(&p);
        /* inertia is optional */
        assert_int_equal(ae_kmeans_predict(&r.centroids, &x, &p, NULL, NULL), AE_OK);
        ae_labels_free(&p);
        ae_kmeans_result_free(&r);
    }
    ae_matrix_free(&x);
}

static void test_same_seed_same_result(void **state)
{
    (void)state;
    ae_matrix x;
    mod_data(&x);
    ae_kmeans_opts o = opts_k(5, 3);
    o.seed = 12345;
    ae_kmeans_result a, b;
    assert_int_equal(ae_kmeans_fit(&x, &o, &a, NULL), AE_OK);
    assert_int_equal(ae_kmeans_fit(&x, &o, &b, NULL), AE_OK);
    assert_memory_equal(a.centroids.data, b.centroids.data, 5 * 10 * sizeof(float));
    assert_memory_equal(a.labels.data, b.labels.data, 2000 * sizeof(int32_t));
    assert_true(a.inertia == b.inertia);
    assert_int_equal(a.n_iter, b.n_iter);
    ae_kmeans_result_free(&a);
    ae_kmeans_result_free(&b);
    ae_matrix_free(&x);
}

/* Different seeds draw different k-means++ seeds (2000 points: a collision of
 * all five is practically impossible), the same seed the same ones. */
static void test_seeds_drive_plusplus(void **state)
{
    (void)state;
    ae_matrix x;
    mod_data(&x);
    ae_km_work w;
    assert_int_equal(ae_km_work_init(&w, &x, 5, true, NULL), AE_OK);
    size_t s1[5], s2[5], s3[5];
    ae_rng r;
    ae_rng_seed(&r, 1);
    ae_km_plusplus(&w, &r, s1);
    ae_rng_seed(&r, 1);
    ae_km_plusplus(&w, &r, s2);
    ae_rng_seed(&r, 2);
    ae_km_plusplus(&w, &r, s3);
    assert_memory_equal(s1, s2, sizeof s1);
    assert_memory_not_equal(s1, s3, sizeof s1);
    for (int j = 0; j < 5; j++)
        for (int i = 0; i < j; i++) assert_true(s1[i] != s1[j]);
    ae_km_work_free(&w);
    ae_matrix_free(&x);
}

/* k-means++ favours far points: with two tight groups, the second seed lands
 * in the group the first did not. */
static void test_plusplus_spreads_seeds(void **state)
{
    (void)state;
    float v[40];
    for (int i = 0; i < 20; i++) v[2 * i] = (i < 10 ? 0.0f : 100.0f) + 0.01f * (float)i, v[2 * i + 1] = 0.0f;
    ae_matrix x;
    matrix_from(&x, 20, 2, v);
    ae_km_work w;
    assert_int_equal(ae_km_work_init(&w, &x, 2, true, NULL), AE_OK);
    for (uint64_t seed = 0; seed < 20; seed++) {
        ae_rng r;
        ae_rng_seed(&r, seed);
        size_t s[2];
        ae_km_plusplus(&w, &r, s);
        assert_true((s[0] < 10) != (s[1] < 10));
    }
    ae_km_work_free(&w);
    ae_matrix_free(&x);
}

static void test_k_equals_n(void **state)
{
    (void)state;
    const float v[] = {0, 0, 1, 0, 0, 1, 5, 5, -3, 2, 7, -1, 0.5f, 0.25f};
    ae_matrix x;
    matrix_from(&x, 7, 2, v);
    ae_kmeans_opts o = opts_k(7, 2);
    ae_kmeans_result r;
    assert_int_equal(ae_kmeans_fit(&x, &o, &r, NULL), AE_OK);
    assert_close(r.inertia, 0.0, 0.0);
    assert_int_equal(min_cluster_size(&r.labels, 7), 1);
    for (size_t i = 0; i < 7; i++) {
        const float *c = ae_matrix_row(&r.centroids, (size_t)r.labels.data[i]);
        assert_close(c[0], v[2 * i], 0.0);
        assert_close(c[1], v[2 * i + 1], 0.0);
    }
    ae_kmeans_result_free(&r);
    ae_matrix_free(&x);
}

/* k = 1: the centroid is the column mean, the inertia the total scatter. */
static void test_k_one(void **state)
{
    (void)state;
    ae_matrix x;
    sep_data(&x);
    ae_kmeans_opts o = opts_k(1, 2);
    ae_kmeans_result r;
    assert_int_equal(ae_kmeans_fit(&x, &o, &r, NULL), AE_OK);
    double mean[4] = {0}, scatter = 0.0;
    for (size_t i = 0; i < 300; i++)
        for (size_t l = 0; l < 4; l++) mean[l] += x.data[i * 4 + l] / 300.0;
    for (size_t i = 0; i < 300; i++)
        for (size_t l = 0; l < 4; l++) scatter += pow(x.data[i * 4 + l] - mean[l], 2);
    for (size_t l = 0; l < 4; l++) assert_close(r.centroids.data[l], mean[l], 1e-5);
    for (size_t i = 0; i < 300; i++) assert_int_equal(r.labels.data[i], 0);
    assert_close(r.inertia, scatter, 1e-7 * scatter);
    assert_in_range(r.n_iter, 1, 2); /* the mean is reached at once, the second pass changes nothing */
    ae_kmeans_result_free(&r);
    ae_matrix_free(&x);
}

/* All starting centres on one point: every cluster but the first starts
 * empty and must be repaired. */
static void test_empty_clusters_repaired(void **state)
{
    (void)state;
    ae_matrix x;
    sep_data(&x);
    ae_km_work w;
    assert_int_equal(ae_km_work_init(&w, &x, 6, true, NULL), AE_OK);
    for (size_t j = 0; j < 6; j++)
        for (size_t l = 0; l < 4; l++) w.cen[j * 4 + l] = x.data[l] - w.mean[l];
    ae_km_lloyd(&w, 300, 0.0);
    ae_labels l = {300, w.labels};
    assert_true(min_cluster_size(&l, 6) > 0);
    ae_km_work_free(&w);
    ae_matrix_free(&x);
}

/* 1-d points 0, 0.5, 100 from centres 0.25, 90, 1000: the farthest point from
 * its centre is 100 (distance 10^2), alone in its cluster; scikit-learn would
 * move it and empty that cluster instead. We take 0 (distance 0.25^2, first
 * of a tie), which ends in one point per cluster. */
static void test_repair_keeps_singletons(void **state)
{
    (void)state;
    const float v[] = {0.0f, 0.5f, 100.0f};
    ae_matrix x;
    matrix_from(&x, 3, 1, v);
    ae_km_work w;
    assert_int_equal(ae_km_work_init(&w, &x, 3, true, NULL), AE_OK);
    const float c[] = {0.25f, 90.0f, 1000.0f};
    for (int j = 0; j < 3; j++) w.cen[j] = c[j] - w.mean[0];
    assert_int_equal(ae_km_lloyd(&w, 300, 0.0), 2);
    assert_int_equal(w.labels[0], 2);
    assert_int_equal(w.labels[1], 0);
    assert_int_equal(w.labels[2], 1);
    for (int j = 0; j < 3; j++) assert_close(w.cen[j] + w.mean[0], v[(j + 1) % 3], 1e-5);
    ae_km_work_free(&w);
    ae_matrix_free(&x);
}

/* Fewer distinct points than clusters: a cluster must stay empty, but the fit
 * ends (no endless repair) with every point on a centre. */
static void test_duplicate_points(void **state)
{
    (void)state;
    const float v[] = {1, 1, 1, 1, 4, 4, 4, 4, 4, 4};
    ae_matrix x;
    matrix_from(&x, 10, 1, v);
    ae_kmeans_opts o = opts_k(3, 2);
    ae_kmeans_result r;
    assert_int_equal(ae_kmeans_fit(&x, &o, &r, NULL), AE_OK);
    assert_close(r.inertia, 0.0, 0.0);
    assert_true(r.n_iter < 300);
    ae_kmeans_result_free(&r);
    ae_matrix_free(&x);
}

/* Data far from the origin take the centred-copy path and give the same
 * clustering as the same data near it. */
static void test_large_offset(void **state)
{
    (void)state;
    ae_matrix x, y;
    sep_data(&x);
    assert_int_equal(ae_matrix_alloc(&y, 300, 4, NULL), AE_OK);
    for (size_t i = 0; i < 1200; i++) y.data[i] = x.data[i] + 1000.0f;
    ae_km_work w;
    assert_int_equal(ae_km_work_init(&w, &x, 3, false, NULL), AE_OK);
    assert_null(w.xcopy);
    ae_km_work_free(&w);
    assert_int_equal(ae_km_work_init(&w, &y, 3, false, NULL), AE_OK);
    assert_non_null(w.xcopy);
    ae_km_work_free(&w);

    ae_kmeans_opts o = opts_k(3, 3);
    ae_kmeans_result a, b;
    assert_int_equal(ae_kmeans_fit(&x, &o, &a, NULL), AE_OK);
    assert_int_equal(ae_kmeans_fit(&y, &o, &b, NULL), AE_OK);
    assert_same_partition(a.labels.data, b.labels.data, 300, 3);
    /* y's values are rounded to 2^-14 near 1000 */
    assert_close(b.inertia, a.inertia, 1e-4 * a.inertia);
    ae_kmeans_result_free(&a);
    ae_kmeans_result_free(&b);
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

/* The passes on the thread pool (statistics, the centred copy, k-means++
 * trials, inertia) add fixed blocks in block order: 1 and 3 threads give the
 * same bits. 4,200 x 1,000 values far from the origin: above AE_KM_PAR_MIN,
 * so every pass runs on the pool, and with the centred copy. */
static void test_thread_count_does_not_matter(void **state)
{
    (void)state;
    const size_t n = 4200, d = 1000;
    double c[4 * 1000];
    for (uint64_t b = 0; b < 4; b++)
        for (uint64_t l = 0; l < d; l++) c[b * d + l] = 100.0 + (double)(mix(key(103, b, l, 0)) % 5);
    ae_matrix x;
    blobs(&x, 3, n, d, c, 4, 3.0);
    assert_true(n * d >= AE_KM_PAR_MIN);
    ae_kmeans_opts o = opts_k(4, 2);
    o.max_iter = 10;
    ae_kmeans_result a, b;
    assert_int_equal(ae_set_threads(1, NULL), AE_OK);
    assert_int_equal(ae_kmeans_fit(&x, &o, &a, NULL), AE_OK);
    assert_int_equal(ae_set_threads(3, NULL), AE_OK);
    assert_int_equal(ae_kmeans_fit(&x, &o, &b, NULL), AE_OK);
    ae_km_work w;
    assert_int_equal(ae_km_work_init(&w, &x, 4, false, NULL), AE_OK);
    assert_non_null(w.xcopy); /* the centring pass ran */
    ae_km_work_free(&w);
    assert_int_equal(ae_set_threads(0, NULL), AE_OK);
    assert_memory_equal(a.centroids.data, b.centroids.data, 4 * d * sizeof(float));
    assert_memory_equal(a.labels.data, b.labels.data, n * sizeof(int32_t));
    assert_memory_equal(&a.inertia, &b.inertia, sizeof a.inertia);
    assert_int_equal(a.n_iter, b.n_iter);
    ae_kmeans_result_free(&a);
    ae_kmeans_result_free(&b);
    ae_matrix_free(&x);
}

/* ---- errors ---- */

static void expect_fit_error(const ae_matrix *x, ae_kmeans_opts o, ae_status want, const char *msg)
{
    ae_kmeans_result r;
    ae_error err;
    assert_int_equal(ae_kmeans_fit(x, &o, &r, &err), want);
    assert_int_equal(err.status, want);
    if (!strstr(err.msg, msg)) fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
    assert_null(strchr(err.msg, '\n'));
    assert_null(r.centroids.data);
    assert_null(r.labels.data);
    ae_kmeans_result_free(&r);
}

static void test_fit_errors(void **state)
{
    (void)state;
    float v[20];
    for (int i = 0; i < 20; i++) v[i] = (float)i;
    ae_matrix x;
    matrix_from(&x, 10, 2, v);
    ae_kmeans_opts o = opts_k(3, 1);

    o.k = 0;
    expect_fit_error(&x, o, AE_ERR_ARG, "k = 0 must be at least 1");
    o.k = -2;
    expect_fit_error(&x, o, AE_ERR_ARG, "k = -2 must be at least 1");
    o.k = 12;
    expect_fit_error(&x, o, AE_ERR_ARG, "k = 12 is larger than the number of points (10)");
    o = opts_k(3, 0);
    expect_fit_error(&x, o, AE_ERR_ARG, "n_init = 0 must be at least 1");
    o = opts_k(3, 1);
    o.max_iter = 0;
    expect_fit_error(&x, o, AE_ERR_ARG, "max_iter = 0 must be at least 1");
    o = opts_k(3, 1);
    o.tol = -1e-3;
    expect_fit_error(&x, o, AE_ERR_ARG, "tol = -0.001 must be");
    o.tol = NAN;
    expect_fit_error(&x, o, AE_ERR_ARG, "tol = nan must be");
    o = opts_k(3, 1);

    ae_matrix empty = {0};
    expect_fit_error(&empty, o, AE_ERR_ARG, "x is empty (0 x 0)");
    ae_matrix no_cols = {5, 0, v};
    expect_fit_error(&no_cols, o, AE_ERR_ARG, "x is empty (5 x 0)");

    x.data[3 * 2 + 1] = NAN;
    expect_fit_error(&x, o, AE_ERR_NUMERIC, "NaN at row 3, column 1");
    x.data[3 * 2 + 1] = 7.0f;
    x.data[9 * 2] = -INFINITY;
    expect_fit_error(&x, o, AE_ERR_NUMERIC, "Inf at row 9, column 0");

    ae_kmeans_result r;
    assert_int_equal(ae_kmeans_fit(&x, NULL, &r, NULL), AE_ERR_ARG);
    assert_int_equal(ae_kmeans_fit(&x, &o, NULL, NULL), AE_ERR_ARG);
    ae_matrix_free(&x);
}

static void test_predict_errors(void **state)
{
    (void)state;
    const float cv[] = {0, 0, 1, 1};
    ae_matrix c, x;
    matrix_from(&c, 2, 2, cv);
    const float xv[] = {0, 0, 0, 1, 1, 1, 2, 2, 2};
    matrix_from(&x, 3, 3, xv);
    ae_labels l;
    ae_error err;
    assert_int_equal(ae_kmeans_predict(&c, &x, &l, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "x has 3 columns but the centroids have 2"));
    assert_null(l.data);

    ae_matrix_free(&x);
    const float xv2[] = {0, 0, 5, INFINITY};
    matrix_from(&x, 2, 2, xv2);
    assert_int_equal(ae_kmeans_predict(&c, &x, &l, NULL, &err), AE_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "Inf at row 1, column 1"));
    assert_null(l.data);

    ae_matrix none = {0};
    assert_int_equal(ae_kmeans_predict(&none, &x, &l, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "no centroids"));

    /* no rows: no labels, not an error */
    ae_matrix rows0 = {0, 2, NULL};
    double inertia = -1.0;
    assert_int_equal(ae_kmeans_predict(&c, &rows0, &l, &inertia, &err), AE_OK);
    assert_int_equal(l.n, 0);
    assert_close(inertia, 0.0, 0.0);
    ae_labels_free(&l);
    ae_matrix_free(&c);
    ae_matrix_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_tiny_by_hand),
        cmocka_unit_test(test_separated_blobs_recovered),
        cmocka_unit_test(test_moderate_inertia_vs_sklearn),
        cmocka_unit_test(test_lloyd_strict_convergence),
        cmocka_unit_test(test_lloyd_tol_stop),
        cmocka_unit_test(test_fashion_lloyd_vs_sklearn),
        cmocka_unit_test(test_fashion_restarts_vs_sklearn),
        cmocka_unit_test(test_pruning_changes_nothing),
        cmocka_unit_test(test_thread_count_does_not_matter),
        cmocka_unit_test(test_predict_agrees_with_fit),
        cmocka_unit_test(test_same_seed_same_result),
        cmocka_unit_test(test_seeds_drive_plusplus),
        cmocka_unit_test(test_plusplus_spreads_seeds),
        cmocka_unit_test(test_k_equals_n),
        cmocka_unit_test(test_k_one),
        cmocka_unit_test(test_empty_clusters_repaired),
        cmocka_unit_test(test_repair_keeps_singletons),
        cmocka_unit_test(test_duplicate_points),
        cmocka_unit_test(test_large_offset),
        cmocka_unit_test(test_fit_errors),
        cmocka_unit_test(test_predict_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
