/* Times DBSCAN (kd-tree and GEMM neighbourhoods), the k-distance curve and
 * HDBSCAN on 70,000 synthetic points in 2 and 10 dimensions laid out like a
 * UMAP embedding of MNIST: ten Gaussian clusters of uneven size and spread
 * (a 31-bit LCG, Box-Muller) and 3 % uniform background; in 10 dimensions
 * the clusters are curved 2-D sheets, then (a third run) full-rank
 * Gaussians, the kd-tree's worst case. DBSCAN's eps is the
 * median of the k-distance curve (min_samples 10). The GEMM neighbourhoods
 * are timed on the 10-D sheets only (on 2-D points they are 60x slower than
 * the kd-tree: 60 s against 0.9 s measured). Or give an .npy of points as the
 * first argument to time those instead. Prints one line per step.
 * Measured 2026-12-03 on the shared 2-core machine, two runs (load average
 * ~7 / ~14, other jobs running):
 *   70000x2: k-distance 0.35 / 0.75 s, DBSCAN kd-tree 0.32 / 0.94 s (GEMM 60 s), HDBSCAN 0.60 / 1.8 s
 *   70000x10 sheets: k-distance 3.9 / 10 s, DBSCAN kd-tree 3.9 / 10.4 s, GEMM 46 / 87 s, HDBSCAN 22 / 32 s
 *   70000x10 full rank: k-distance 28 / 43 s, DBSCAN kd-tree 29 / 39 s (GEMM 81 s), HDBSCAN 57 / 84 s */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeclust/dbscan.h"
#include "aeclust/hdbscan.h"
#include "aeclust/npy.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int fail(const ae_error *err)
{
    fprintf(stderr, "bench_density: %s\n", err->msg);
    return 1;
}

static uint64_t lcg = 12345;
static double uniform(void)
{
    lcg = (lcg * 1103515245u + 12345u) % 2147483648u;
    return ((double)lcg + 0.5) / 2147483648.0;
}
static double gauss(void) { return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform()); }

/* Ten clusters; in d > 2 dimensions each is a curved 2-D sheet (a random
 * plane, bent along one direction) with noise of 0.05 off it: a low
 * intrinsic dimension like a UMAP embedding's. full_rank: isotropic 10-D
 * Gaussians instead (the kd-tree's worst case). */
static int make_points(ae_matrix *x, size_t n, int d, int full_rank, ae_error *err)
{
    if (ae_matrix_alloc(x, n, (size_t)d, err)) return 1;
    double centre[10][10], axis[10][2][10], spread[10], weight[10], wsum = 0;
    for (int c = 0; c < 10; c++) {
        for (int j = 0; j < d; j++) {
            centre[c][j] = 20 * uniform() - 10;
            axis[c][0][j] = gauss();
            axis[c][1][j] = gauss();
        }
        spread[c] = 0.3 + 0.7 * uniform();
        weight[c] = 0.5 + uniform();
        wsum += weight[c];
    }
    for (size_t i = 0; i < n; i++) {
        float *r = x->data + i * (size_t)d;
        if (uniform() < 0.03) {
            for (int j = 0; j < d; j++) r[j] = (float)(24 * uniform() - 12);
            continue;
        }
        double u = uniform() * wsum;
        int c = 0;
        while (c < 9 && u > weight[c]) u -= weight[c++];
        if (d == 2 || full_rank) {
            for (int j = 0; j < d; j++) r[j] = (float)(centre[c][j] + spread[c] * gauss());
            continue;
        }
        double a = spread[c] * gauss(), b = spread[c] * gauss();
        for (int j = 0; j < d; j++)
            r[j] = (float)(centre[c][j] + 0.5 * (a * axis[c][0][j] + b * axis[c][1][j]) +
                           0.3 * a * a * axis[c][1][(j + 1) % d] + 0.05 * gauss());
    }
    return 0;
}

static int bench(const ae_matrix *x, const char *what, int with_gemm)
{
    ae_error err = {0};
    const int ms = 10;
    double *kd = malloc(x->rows * sizeof *kd);
    double t0 = now();
    if (ae_kdistance(x, ms, kd, &err)) return fail(&err);
    printf("bench kdistance_%s_k%d: %.2f s\n", what, ms, now() - t0);
    double eps = kd[x->rows / 2];
    free(kd);
    for (int a = AE_DBSCAN_KDTREE; a <= (with_gemm ? AE_DBSCAN_BRUTE : AE_DBSCAN_KDTREE); a++) {
        ae_dbscan_opts o = ae_dbscan_defaults();
        o.eps = eps;
        o.min_samples = ms;
        o.algorithm = (ae_dbscan_algorithm)a;
        ae_dbscan_result r = {0};
        t0 = now();
        if (ae_dbscan_fit(x, &o, &r, &err)) return fail(&err);
        printf("bench dbscan_%s_%s_eps%.3g_ms%d: %.2f s, %d clusters, %.1f%% noise\n", what,
               a == AE_DBSCAN_KDTREE ? "kdtree" : "gemm", eps, ms, now() - t0, r.n_clusters,
               100.0 * (double)r.n_noise / (double)x->rows);
        ae_dbscan_result_free(&r);
    }
    ae_hdbscan_opts ho = ae_hdbscan_defaults();
    ho.min_cluster_size = 100;
    ho.min_samples = ms;
    ae_hdbscan_result hr = {0};
    t0 = now();
    if (ae_hdbscan_fit(x, &ho, &hr, &err)) return fail(&err);
    size_t noise = 0;
    for (size_t i = 0; i < x->rows; i++) noise += hr.labels.data[i] < 0;
    printf("bench hdbscan_%s_mcs100_ms%d: %.2f s, %d clusters, %.1f%% noise\n", what, ms, now() - t0, hr.n_clusters,
           100.0 * (double)noise / (double)x->rows);
    ae_hdbscan_result_free(&hr);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    ae_error err = {0};
    ae_matrix x = {0};
    if (argc > 1) {
        if (ae_npy_read_matrix(argv[1], &x, &err)) return fail(&err);
        char what[64];
        snprintf(what, sizeof what, "%zux%zu", x.rows, x.cols);
        int rc = bench(&x, what, x.cols > 16);
        ae_matrix_free(&x);
        return rc;
    }
    static const int dims[] = {2, 10, 10}, full[] = {0, 0, 1};
    for (int t = 0; t < 3; t++) {
        if (make_points(&x, 70000, dims[t], full[t], &err)) return fail(&err);
        char what[64];
        snprintf(what, sizeof what, "70000x%d%s", dims[t], full[t] ? "_fullrank" : "");
        if (bench(&x, what, t == 1)) return 1;
        ae_matrix_free(&x);
    }
    return 0;
}
