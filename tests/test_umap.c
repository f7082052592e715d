/* UMAP: the neighbour search against scikit-learn and brute force, the
 * fuzzy graph (smooth_knn_dist, memberships, union), the curve's a and b,
 * the spectral layout and a transform's graph against umap-learn 0.5.3,
 * NN-descent's recall, then whole fits: byte-identical at 1, 2 and 3
 * threads, seeds that differ, clusters kept apart, a transform of the
 * training points that lands on them, graphs in pieces, and bad input.
 *
 * Golden numbers: tests/umap_golden.h, the output of tests/ref/umap_golden.py
 * (Debian's /usr/bin/python3, umap-learn 0.5.3). The inputs are rebuilt here
 * exactly as the script builds them. */
#include "test_util.h"

#include "aeclust/threads.h"
#include "aeclust/umap.h"
#include "cluster/umap_internal.h"
#include "umap_golden.h"

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

/* The golden set: 80 points in 5-d, 4 blobs 3 apart along the axes (tag 41); tag 43: 12 new ones. */
static void golden_data(ae_matrix *x, uint64_t tag, size_t n)
{
    double c[20] = {0};
    c[5] = 3, c[11] = 3, c[17] = 3;
    blobs(x, tag, n, 5, c, 4, 1.0);
}

/* nb blobs in d dims, centre b at `apart` (b / d + 1) along axis b % d. */
static void axis_blobs(ae_matrix *x, uint64_t tag, size_t n, size_t d, size_t nb, double apart, double spread)
{
    double *c = calloc(nb * d, sizeof *c);
    for (size_t b = 0; b < nb; b++) c[b * d + b % d] = apart * (double)(b / d + 1);
    blobs(x, tag, n, d, c, nb, spread);
    free(c);
}

static int32_t *iota(size_t n)
{
    int32_t *v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = (int32_t)i;
    return v;
}

/* (n, k) neighbours with the point itself first, from the exact search. */
static void full_knn(const ae_matrix *x, int k, int32_t *idx, float *dist)
{
    size_t n = x->rows;
    int32_t *self = iota(n), *oi = malloc(n * (size_t)(k - 1) * sizeof *oi);
    float *od = malloc(n * (size_t)(k - 1) * sizeof *od);
    ae_status st = ae_umap_knn_exact(x, x, self, k - 1, oi, od, NULL);
    assert_int_equal(st, AE_OK);
    for (size_t i = 0; i < n; i++) {
        idx[i * (size_t)k] = (int32_t)i, dist[i * (size_t)k] = 0;
        memcpy(idx + i * (size_t)k + 1, oi + i * (size_t)(k - 1), (size_t)(k - 1) * sizeof *idx);
        memcpy(dist + i * (size_t)k + 1, od + i * (size_t)(k - 1), (size_t)(k - 1) * sizeof *dist);
    }
    free(self), free(oi), free(od);
}

/* ---- neighbours ---- */

static void test_knn_golden(void **state)
{
    (void)state;
    ae_matrix x = {0};
    golden_data(&x, 41, G_N);
    const int32_t want_i[] = KNN_IDX;
    const float want_d[] = KNN_DIST;
    int32_t idx[G_N * G_K];
    float dist[G_N * G_K];
    full_knn(&x, G_K, idx, dist);
    for (int e = 0; e < G_N * G_K; e++) {
        if (idx[e] != want_i[e]) fail_msg("neighbour %d of row %d: %d, sklearn %d", e % G_K, e / G_K, idx[e], want_i[e]);
        assert_close(dist[e], want_d[e], 2e-6 * (1 + want_d[e]));
    }
    ae_matrix_free(&x);
}

/* Exact search == brute force in double, for queries against other rows and
 * with rows excluded, over block edges (more than 128 queries, 1024 references). */
static void test_knn_brute_force(void **state)
{
    (void)state;
    ae_matrix ref = {0}, q = {0};
    axis_blobs(&ref, 5, 1300, 7, 6, 2.0, 1.0);
    axis_blobs(&q, 6, 150, 7, 6, 2.0, 1.0);
    for (size_t e = 0; e < 7; e++) ref.data[77 * 7 + e] = ref.data[12 * 7 + e]; /* a duplicate: ties at 0 */
    const int k = 12;
    int32_t *idx = malloc(150 * k * sizeof *idx), *skip = malloc(150 * sizeof *skip);
    float *dist = malloc(150 * k * sizeof *dist);
    for (size_t i = 0; i < 150; i++) skip[i] = (int32_t)(i * 7 % 1300);
    for (int pass = 0; pass < 2; pass++) {
        const int32_t *self = pass ? skip : NULL;
        assert_int_equal(ae_umap_knn_exact(&q, &ref, self, k, idx, dist, NULL), AE_OK);
        double *d2 = malloc(1300 * sizeof *d2);
        for (size_t i = 0; i < 150; i++) {
            for (size_t j = 0; j < 1300; j++) {
                double s = 0;
                for (size_t e = 0; e < 7; e++) {
                    double t = (double)q.data[i * 7 + e] - ref.data[j * 7 + e];
                    s += t * t;
                }
                d2[j] = self && (int32_t)j == self[i] ? INFINITY : s;
            }
            /* the k smallest by (distance, index), by selection */
            for (int m = 0; m < k; m++) {
                size_t best = 0;
                for (size_t j = 1; j < 1300; j++)
                    if (d2[j] < d2[best]) best = j;
                if (idx[i * k + m] != (int32_t)best)
                    fail_msg("pass %d, row %zu, neighbour %d: %d, brute force %zu", pass, i, m, idx[i * k + m], best);
                assert_close(dist[i * k + m], sqrt(d2[best]), 1e-6 * (1 + sqrt(d2[best])));
                d2[best] = INFINITY;
            }
        }
        free(d2);
    }
    free(idx), free(skip), free(dist);
    ae_matrix_free(&ref);
    ae_matrix_free(&q);
}

static void test_nndescent_recall_and_threads(void **state)
{
    (void)state;
    ae_matrix x = {0};
    axis_blobs(&x, 9, 4000, 8, 10, 3.0, 1.0);
    const int k = 14;
    size_t n = x.rows;
    int32_t *ia = malloc(n * k * sizeof *ia), *ib = malloc(n * k * sizeof *ib);
    float *da = malloc(n * k * sizeof *da), *db = malloc(n * k * sizeof *db);
    int iters = 0;
    assert_int_equal(ae_set_threads(1, NULL), AE_OK);
    assert_int_equal(ae_umap_knn_nndescent(&x, k, 3, ia, da, &iters, NULL), AE_OK);
    assert_true(iters >= 2);
    double recall = 0, sample_recall = 0;
    assert_int_equal(ae_umap_recall_sample(&x, ia, k, n, 0, &recall, NULL), AE_OK);
    assert_int_equal(ae_umap_recall_sample(&x, ia, k, 500, 1, &sample_recall, NULL), AE_OK);
    if (!(recall >= 0.9)) fail_msg("NN-descent recall %.4f < 0.9", recall);
    assert_close(sample_recall, recall, 0.03);
    for (size_t i = 0; i < n; i++) /* sorted, no self, no repeats */
        for (int m = 0; m < k; m++) {
            assert_true(ia[i * k + m] != (int32_t)i);
            if (m) assert_true(da[i * k + m - 1] <= da[i * k + m]);
            for (int p = 0; p < m; p++) assert_true(ia[i * k + p] != ia[i * k + m]);
        }
    for (int t = 2; t <= 3; t++) {
        assert_int_equal(ae_set_threads(t, NULL), AE_OK);
        assert_int_equal(ae_umap_knn_nndescent(&x, k, 3, ib, db, NULL, NULL), AE_OK);
        assert_memory_equal(ia, ib, n * k * sizeof *ia);
        assert_memory_equal(da, db, n * k * sizeof *da);
    }
    assert_int_equal(ae_set_threads(0, NULL), AE_OK);
    /* a random start alone (no descent) is far from it: the recall check can fail */
    assert_int_equal(ae_umap_knn_nndescent(&x, k, 4, ib, db, NULL, NULL), AE_OK);
    for (size_t e = 0; e < n * k; e++) ib[e] = (int32_t)((e * 7919 + 13) % n);
    assert_int_equal(ae_umap_recall_sample(&x, ib, k, 500, 1, &recall, NULL), AE_OK);
    assert_true(recall < 0.05);
    free(ia), free(ib), free(da), free(db);
    ae_matrix_free(&x);
}

/* ---- the fuzzy graph ---- */

static void test_smooth_knn_dist_golden(void **state)
{
    (void)state;
    const float dist[] = KNN_DIST, ws[] = SMOOTH_SIGMA, wr[] = SMOOTH_RHO;
    float sigma[G_N], rho[G_N];
    ae_umap_smooth_knn_dist(dist, G_N, G_K, 1.0, sigma, rho);
    for (int i = 0; i < G_N; i++) {
        assert_close(rho[i], wr[i], 1e-7);
        assert_close(sigma[i], ws[i], 1e-4 * ws[i]);
    }
    /* the search's target: sum of exp(-(d - rho) / sigma) over the 9 others = log2(10) */
    for (int i = 0; i < G_N; i++) {
        double s = 0;
        for (int m = 1; m < G_K; m++) s += exp(-fmax(dist[i * G_K + m] - rho[i], 0) / sigma[i]);
        assert_close(s, log2(10.0), 1e-4);
    }
}

static void test_fuzzy_graph_golden(void **state)
{
    (void)state;
    const int32_t idx[] = KNN_IDX, ptr[] = GRAPH_PTR, col[] = GRAPH_COL;
    const float dist[] = KNN_DIST, val[] = GRAPH_VAL;
    float sigma[G_N], rho[G_N], w[G_N * G_K];
    ae_umap_smooth_knn_dist(dist, G_N, G_K, 1.0, sigma, rho);
    ae_umap_memberships(idx, dist, sigma, rho, G_N, G_K, 1, w);
    ae_umap_graph g;
    assert_int_equal(ae_umap_fuzzy_union(G_N, G_K, idx, w, &g, NULL), AE_OK);
    assert_int_equal(ae_umap_graph_nnz(&g), GRAPH_NNZ);
    for (int i = 0; i <= G_N; i++) assert_int_equal(g.rowptr[i], ptr[i]);
    for (int e = 0; e < GRAPH_NNZ; e++) {
        assert_int_equal(g.col[e], col[e]);
        assert_close(g.val[e], val[e], 2e-6);
    }
    /* symmetric, weights in (0, 1] */
    for (size_t i = 0; i < G_N; i++)
        for (size_t e = g.rowptr[i]; e < g.rowptr[i + 1]; e++) {
            size_t j = (size_t)g.col[e], f = g.rowptr[j];
            while (f < g.rowptr[j + 1] && g.col[f] != (int32_t)i) f++;
            assert_true(f < g.rowptr[j + 1]);
            assert_true(g.val[f] == g.val[e]);
            assert_true(g.val[e] > 0 && g.val[e] <= 1);
        }
    ae_umap_graph_free(&g);
}

static void test_prune_and_schedule_by_hand(void **state)
{
    (void)state;
    /* 3 x 3: row 0 (1, 0.5), row 1 (0.5, 0.004), row 2 (0.004) */
    size_t ptr[] = {0, 2, 4, 5};
    int32_t col[] = {1, 2, 0, 2, 1};
    float val[] = {1.0f, 0.5f, 0.5f, 0.004f, 0.004f};
    ae_umap_graph g = {3, 3, malloc(sizeof ptr), malloc(sizeof col), malloc(sizeof val)};
    memcpy(g.rowptr, ptr, sizeof ptr), memcpy(g.col, col, sizeof col), memcpy(g.val, val, sizeof val);
    ae_umap_graph_prune(&g, 200); /* drops < 1 / 200 = 0.005 */
    assert_int_equal(ae_umap_graph_nnz(&g), 3);
    assert_int_equal(g.rowptr[1], 2);
    assert_int_equal(g.rowptr[2], 3);
    assert_int_equal(g.rowptr[3], 3);
    assert_int_equal(g.col[2], 0);
    double eps[3];
    ae_umap_epochs_per_sample(&g, 200, eps);
    assert_close(eps[0], 1.0, 0);
    assert_close(eps[1], 2.0, 1e-6);
    assert_close(eps[2], 2.0, 1e-6);
    int32_t label[3];
    assert_int_equal(ae_umap_components(&g, label), 1);
    ae_umap_graph_free(&g);
}

static void test_components_by_hand(void **state)
{
    (void)state;
    /* 6 vertices: {0, 3}, {1, 4, 5}, {2} */
    size_t ptr[] = {0, 1, 2, 2, 3, 5, 6};
    int32_t col[] = {3, 5, 0, 5, 5, 4};
    float val[] = {1, 1, 1, 1, 1, 1};
    ae_umap_graph g = {6, 6, ptr, col, val};
    int32_t label[6];
    assert_int_equal(ae_umap_components(&g, label), 3);
    int32_t want[] = {0, 1, 2, 0, 1, 1};
    assert_memory_equal(label, want, sizeof want);
}

static void test_find_ab_golden(void **state)
{
    (void)state;
    const double cases[AB_N][4] = AB_CASES;
    for (int c = 0; c < AB_N; c++) {
        double a, b;
        assert_int_equal(ae_umap_find_ab(cases[c][0], cases[c][1], &a, &b, NULL), AE_OK);
        if (fabs(a - cases[c][2]) > 1e-5 * cases[c][2] || fabs(b - cases[c][3]) > 1e-5 * cases[c][3])
            fail_msg("spread %g min_dist %g: a %.8f b %.8f, umap-learn %.8f %.8f", cases[c][0], cases[c][1], a, b,
                     cases[c][2], cases[c][3]);
    }
    double a, b;
    assert_int_equal(ae_umap_find_ab(0, 0.1, &a, &b, NULL), AE_ERR_ARG);
}

/* Both eigen-solvers on the golden graph against umap-learn's spectral_layout, up to each column's sign. */
static void test_spectral_golden(void **state)
{
    (void)state;
    const int32_t idx[] = KNN_IDX;
    const float dist[] = KNN_DIST;
    const double want[] = SPECTRAL_Y;
    float sigma[G_N], rho[G_N], w[G_N * G_K];
    ae_umap_smooth_knn_dist(dist, G_N, G_K, 1.0, sigma, rho);
    ae_umap_memberships(idx, dist, sigma, rho, G_N, G_K, 1, w);
    ae_umap_graph g;
    assert_int_equal(ae_umap_fuzzy_union(G_N, G_K, idx, w, &g, NULL), AE_OK);
    for (int solver = 1; solver >= -1; solver -= 2) {
        double y[G_N * 3];
        assert_int_equal(ae_umap_spectral(&g, 3, solver, y, NULL), AE_OK);
        for (int c = 0; c < 3; c++) {
            double dot = 0, n2 = 0;
            for (int i = 0; i < G_N; i++) dot += y[i * 3 + c] * want[i * 3 + c], n2 += y[i * 3 + c] * y[i * 3 + c];
            assert_close(n2, 1.0, 1e-9);
            double sgn = dot < 0 ? -1 : 1;
            for (int i = 0; i < G_N; i++) assert_close(y[i * 3 + c], sgn * want[i * 3 + c], 2e-3);
        }
    }
    ae_umap_graph_free(&g);
}

/* ARPACK against LAPACK on a graph too large for umap-learn's small path. */
static void test_spectral_arpack_vs_dense(void **state)
{
    (void)state;
    ae_matrix x = {0};
    axis_blobs(&x, 21, 600, 4, 3, 1.5, 1.0);
    const int k = 12;
    int32_t *idx = malloc(600 * k * sizeof *idx);
    float *dist = malloc(600 * k * sizeof *dist), *w = malloc(600 * k * sizeof *w), sigma[600], rho[600];
    full_knn(&x, k, idx, dist);
    ae_umap_smooth_knn_dist(dist, 600, k, 1.0, sigma, rho);
    ae_umap_memberships(idx, dist, sigma, rho, 600, k, 1, w);
    ae_umap_graph g;
    assert_int_equal(ae_umap_fuzzy_union(600, k, idx, w, &g, NULL), AE_OK);
    int32_t label[600];
    assert_int_equal(ae_umap_components(&g, label), 1);
    double *yd = malloc(600 * 2 * sizeof *yd), *ya = malloc(600 * 2 * sizeof *ya);
    assert_int_equal(ae_umap_spectral(&g, 2, 1, yd, NULL), AE_OK);
    assert_int_equal(ae_umap_spectral(&g, 2, -1, ya, NULL), AE_OK);
    for (int e = 0; e < 1200; e++) assert_close(ya[e], yd[e], 1e-3); /* the same signs: both fixed */
    free(idx), free(dist), free(w), free(yd), free(ya);
    ae_umap_graph_free(&g);
    ae_matrix_free(&x);
}

/* A transform's neighbours, smooth_knn_dist (local_connectivity 0) and memberships. */
static void test_transform_graph_golden(void **state)
{
    (void)state;
    ae_matrix x = {0}, q = {0};
    golden_data(&x, 41, G_N);
    golden_data(&q, 43, T_N);
    const int32_t want_i[] = T_IDX;
    const float ws[] = T_SIGMA, wr[] = T_RHO, ww[] = T_W;
    int32_t idx[T_N * G_K];
    float dist[T_N * G_K], sigma[T_N], rho[T_N], w[T_N * G_K];
    assert_int_equal(ae_umap_knn_exact(&q, &x, NULL, G_K, idx, dist, NULL), AE_OK);
    assert_memory_equal(idx, want_i, sizeof idx);
    ae_umap_smooth_knn_dist(dist, T_N, G_K, 0.0, sigma, rho);
    ae_umap_memberships(idx, dist, sigma, rho, T_N, G_K, 0, w);
    for (int i = 0; i < T_N; i++) {
        assert_close(rho[i], wr[i], 0);
        assert_close(sigma[i], ws[i], 1e-4 * ws[i]);
    }
    for (int e = 0; e < T_N * G_K; e++) assert_close(w[e], ww[e], 1e-4);
    ae_matrix_free(&x);
    ae_matrix_free(&q);
}

/* ---- whole fits ---- */

static ae_umap_opts small_opts(void)
{
    ae_umap_opts o = ae_umap_defaults();
    o.n_epochs = 60;
    return o;
}

static void fit(const ae_matrix *x, const ae_umap_opts *o, ae_umap **m, ae_matrix *y)
{
    ae_error err = {0};
    if (ae_umap_fit(x, o, m, y, &err)) fail_msg("fit: %s", err.msg);
}

static void test_threads_do_not_matter(void **state)
{
    (void)state;
    ae_matrix x = {0};
    axis_blobs(&x, 13, 1500, 10, 5, 2.0, 1.0);
    for (int pass = 0; pass < 3; pass++) { /* exact, NN-descent; PCA init */
        int knn = pass == 1 ? AE_UMAP_KNN_NNDESCENT : AE_UMAP_KNN_EXACT;
        ae_umap_opts o = small_opts();
        o.n_components = 3;
        o.knn = (ae_umap_knn)knn;
        o.init = pass == 2 ? AE_UMAP_INIT_PCA : AE_UMAP_INIT_SPECTRAL;
        o.seed = 5;
        ae_matrix y1 = {0}, yt = {0};
        ae_umap *m = NULL;
        assert_int_equal(ae_set_threads(1, NULL), AE_OK);
        fit(&x, &o, &m, &y1);
        assert_int_equal(ae_umap_init_used(m), o.init);
        assert_int_equal((int)ae_umap_knn_used(m), knn);
        if (knn == AE_UMAP_KNN_NNDESCENT) assert_true(ae_umap_knn_recall(m) > 0.9);
        ae_umap_free(m);
        for (int t = 2; t <= 3; t++) {
            assert_int_equal(ae_set_threads(t, NULL), AE_OK);
            fit(&x, &o, &m, &yt);
            assert_memory_equal(y1.data, yt.data, y1.rows * y1.cols * sizeof(float));
            ae_umap_free(m);
            ae_matrix_free(&yt);
        }
        ae_matrix_free(&y1);
    }
    assert_int_equal(ae_set_threads(0, NULL), AE_OK);
    ae_matrix_free(&x);
}

/* Finite, reproducible, seed-dependent; the blobs stay apart: each point's
 * nearest embedded neighbour is of its own blob. */
static void test_fit_separates_and_seeds(void **state)
{
    (void)state;
    ae_matrix x = {0};
    axis_blobs(&x, 17, 900, 6, 3, 3.0, 1.0);
    ae_umap_opts o = small_opts();
    ae_matrix y = {0}, y2 = {0}, y3 = {0};
    ae_umap *m = NULL, *m2 = NULL, *m3 = NULL;
    fit(&x, &o, &m, &y);
    fit(&x, &o, &m2, &y2);
    o.seed = 1;
    fit(&x, &o, &m3, &y3);
    size_t n = x.rows;
    assert_int_equal(y.rows, n);
    assert_int_equal(y.cols, 2);
    for (size_t e = 0; e < 2 * n; e++) assert_true(isfinite(y.data[e]));
    assert_memory_equal(y.data, y2.data, 2 * n * sizeof(float));
    assert_memory_equal(y.data, ae_umap_embedding(m)->data, 2 * n * sizeof(float));
    size_t same = 0;
    for (size_t e = 0; e < 2 * n; e++) same += y.data[e] == y3.data[e];
    assert_true(same < n / 10);
    size_t good = 0;
    for (size_t i = 0; i < n; i++) {
        size_t best = i;
        double bd = INFINITY;
        for (size_t j = 0; j < n; j++) {
            if (j == i) continue;
            double dx = y.data[2 * i] - y.data[2 * j], dy = y.data[2 * i + 1] - y.data[2 * j + 1];
            if (dx * dx + dy * dy < bd) bd = dx * dx + dy * dy, best = j;
        }
        good += best % 3 == i % 3;
    }
    if (good < n * 98 / 100) fail_msg("only %zu of %zu nearest embedded neighbours in the same blob", good, n);
    assert_close(ae_umap_a(m), 1.5769434601962196, 1e-5);
    assert_int_equal(ae_umap_n_epochs(m), 60);
    assert_close(ae_umap_knn_recall(m), 1.0, 0);
    ae_umap_free(m), ae_umap_free(m2), ae_umap_free(m3);
    ae_matrix_free(&y), ae_matrix_free(&y2), ae_matrix_free(&y3);
    ae_matrix_free(&x);
}

/* Transforming the fitted points starts each one at its own place (its
 * nearest fitted point is itself, membership 1) and keeps it near there. */
static void test_transform_training_points(void **state)
{
    (void)state;
    ae_matrix x = {0}, q = {0}, t = {0}, tq = {0}, tq2 = {0};
    axis_blobs(&x, 19, 800, 5, 4, 3.0, 1.0);
    axis_blobs(&q, 23, 200, 5, 4, 3.0, 1.0);
    ae_umap_opts o = small_opts();
    ae_umap *m = NULL;
    fit(&x, &o, &m, NULL);
    const ae_matrix *y = ae_umap_embedding(m);
    assert_int_equal(ae_umap_transform(m, &x, &t, NULL), AE_OK);
    double spread = 0, moved = 0;
    for (size_t e = 0; e < 2 * x.rows; e++) spread += (y->data[e] - 5) * (y->data[e] - 5);
    spread = sqrt(spread / (double)x.rows);
    for (size_t i = 0; i < x.rows; i++)
        moved += hypot(t.data[2 * i] - y->data[2 * i], t.data[2 * i + 1] - y->data[2 * i + 1]);
    moved /= (double)x.rows;
    if (!(moved < 0.05 * spread)) fail_msg("transformed training points moved %.4f on average (spread %.4f)", moved, spread);
    /* new points land among their own blob's fitted points; the same at another thread count */
    assert_int_equal(ae_set_threads(1, NULL), AE_OK);
    assert_int_equal(ae_umap_transform(m, &q, &tq, NULL), AE_OK);
    assert_int_equal(ae_set_threads(3, NULL), AE_OK);
    assert_int_equal(ae_umap_transform(m, &q, &tq2, NULL), AE_OK);
    assert_int_equal(ae_set_threads(0, NULL), AE_OK);
    assert_memory_equal(tq.data, tq2.data, 2 * q.rows * sizeof(float));
    size_t good = 0;
    for (size_t i = 0; i < q.rows; i++) {
        size_t best = 0;
        double bd = INFINITY;
        for (size_t j = 0; j < x.rows; j++) {
            double d = hypot(tq.data[2 * i] - y->data[2 * j], tq.data[2 * i + 1] - y->data[2 * j + 1]);
            if (d < bd) bd = d, best = j;
        }
        good += best % 4 == i % 4;
    }
    assert_true(good >= q.rows * 95 / 100);
    /* no rows: an empty result; the wrong width: an error naming both */
    ae_matrix none = {0, 5, NULL}, wide = {0}, out = {0};
    assert_int_equal(ae_umap_transform(m, &none, &out, NULL), AE_OK);
    assert_int_equal(out.rows, 0);
    ae_matrix_free(&out);
    assert_int_equal(ae_matrix_alloc(&wide, 3, 4, NULL), AE_OK);
    ae_error err = {0};
    assert_int_equal(ae_umap_transform(m, &wide, &out, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "4 columns, the model was fitted on 5"));
    wide.data[5] = NAN;
    ae_matrix_free(&wide);
    ae_umap_free(m);
    ae_matrix_free(&x), ae_matrix_free(&q), ae_matrix_free(&t), ae_matrix_free(&tq), ae_matrix_free(&tq2);
}

/* Three blobs far apart: three pieces, each laid out spectrally around its
 * own unit vector; twelve: more pieces than 2 n_components, PCA. */
static void test_graph_in_pieces(void **state)
{
    (void)state;
    ae_matrix x = {0};
    axis_blobs(&x, 29, 600, 4, 3, 40.0, 1.0);
    ae_umap_opts o = small_opts();
    ae_umap *m = NULL;
    ae_matrix y = {0};
    fit(&x, &o, &m, &y);
    assert_int_equal(ae_umap_graph_components(m), 3);
    assert_int_equal(ae_umap_init_used(m), AE_UMAP_INIT_SPECTRAL);
    for (size_t e = 0; e < y.rows * y.cols; e++) assert_true(isfinite(y.data[e]));
    ae_umap_free(m);
    ae_matrix_free(&y);
    ae_matrix_free(&x);
    axis_blobs(&x, 31, 1200, 4, 12, 40.0, 1.0);
    fit(&x, &o, &m, &y);
    assert_int_equal(ae_umap_graph_components(m), 12);
    assert_int_equal(ae_umap_init_used(m), AE_UMAP_INIT_PCA);
    for (size_t e = 0; e < y.rows * y.cols; e++) assert_true(isfinite(y.data[e]));
    ae_umap_free(m);
    ae_matrix_free(&y);
    ae_matrix_free(&x);
}

static void test_inits(void **state)
{
    (void)state;
    ae_matrix x = {0};
    axis_blobs(&x, 37, 400, 3, 2, 2.0, 1.0);
    for (int init = AE_UMAP_INIT_SPECTRAL; init <= AE_UMAP_INIT_RANDOM; init++) {
        ae_umap_opts o = small_opts();
        o.init = (ae_umap_init)init;
        o.n_components = 4; /* more than the data's 3 columns: PCA fills the 4th with noise */
        ae_umap *m = NULL;
        ae_matrix y = {0};
        fit(&x, &o, &m, &y);
        assert_int_equal((int)ae_umap_init_used(m), init);
        for (size_t e = 0; e < y.rows * y.cols; e++) assert_true(isfinite(y.data[e]));
        ae_umap_free(m);
        ae_matrix_free(&y);
    }
    ae_matrix_free(&x);
}

static void expect_arg(const ae_matrix *x, const ae_umap_opts *o, ae_status want, const char *needle)
{
    ae_error err = {0};
    ae_umap *m = (ae_umap *)1;
    ae_matrix y = {0};
    assert_int_equal(ae_umap_fit(x, o, &m, &y, &err), want);
    assert_null(m);
    assert_null(y.data);
    if (!strstr(err.msg, needle)) fail_msg("'%s' not in '%s'", needle, err.msg);
}

static void test_bad_input(void **state)
{
    (void)state;
    ae_matrix x = {0};
    axis_blobs(&x, 3, 30, 3, 2, 2.0, 1.0);
    ae_umap_opts o = ae_umap_defaults();
    o.n_neighbors = 1;
    expect_arg(&x, &o, AE_ERR_ARG, "n_neighbors 1 must be at least 2");
    o.n_neighbors = 30;
    expect_arg(&x, &o, AE_ERR_ARG, "below the 30 points");
    o = ae_umap_defaults();
    o.n_components = 0;
    expect_arg(&x, &o, AE_ERR_ARG, "n_components 0");
    o.n_components = 30;
    expect_arg(&x, &o, AE_ERR_ARG, "n_components 30");
    o = ae_umap_defaults();
    o.min_dist = -0.1;
    expect_arg(&x, &o, AE_ERR_ARG, "min_dist -0.1");
    o.min_dist = 1.5;
    expect_arg(&x, &o, AE_ERR_ARG, "min_dist 1.5 must be in [0, spread = 1]");
    o = ae_umap_defaults();
    o.learning_rate = 0;
    expect_arg(&x, &o, AE_ERR_ARG, "learning rate");
    o = ae_umap_defaults();
    o.a = 1;
    expect_arg(&x, &o, AE_ERR_ARG, "a 1 and b 0");
    o = ae_umap_defaults();
    x.data[7] = NAN;
    expect_arg(&x, &o, AE_ERR_NUMERIC, "NaN at row 2, column 1");
    x.rows = 2;
    expect_arg(&x, &o, AE_ERR_ARG, "at least 3 points");
    ae_matrix_free(&x);
    ae_umap_init i;
    ae_umap_knn k;
    assert_int_equal(ae_umap_init_parse("pca", &i, NULL), AE_OK);
    assert_int_equal(i, AE_UMAP_INIT_PCA);
    assert_int_equal(ae_umap_init_parse("tsne", &i, NULL), AE_ERR_ARG);
    assert_int_equal(ae_umap_knn_parse("nndescent", &k, NULL), AE_OK);
    assert_int_equal(k, AE_UMAP_KNN_NNDESCENT);
    assert_string_equal(ae_umap_knn_name(AE_UMAP_KNN_EXACT), "exact");
    assert_string_equal(ae_umap_init_name(AE_UMAP_INIT_RANDOM), "random");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_knn_golden),
        cmocka_unit_test(test_knn_brute_force),
        cmocka_unit_test(test_nndescent_recall_and_threads),
        cmocka_unit_test(test_smooth_knn_dist_golden),
        cmocka_unit_test(test_fuzzy_graph_golden),
        cmocka_unit_test(test_prune_and_schedule_by_hand),
        cmocka_unit_test(test_components_by_hand),
        cmocka_unit_test(test_find_ab_golden),
        cmocka_unit_test(test_spectral_golden),
        cmocka_unit_test(test_spectral_arpack_vs_dense),
        cmocka_unit_test(test_transform_graph_golden),
        cmocka_unit_test(test_threads_do_not_matter),
        cmocka_unit_test(test_fit_separates_and_seeds),
        cmocka_unit_test(test_transform_training_points),
        cmocka_unit_test(test_graph_in_pieces),
        cmocka_unit_test(test_inits),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
