/* Times UMAP as N2D uses it (10 dimensions, 20 neighbours, min_dist 0,
 * spectral init, 200 epochs, seed 0) on 70,000 x 10 points, and its
 * neighbour search alone: exact (blocked GEMM) and NN-descent, with the
 * recall of NN-descent against the exact neighbours. Prints each stage's
 * time, the peak RSS and the ratio to umap-learn's time.
 *
 * The data: the codes of all 70,000 Fashion-MNIST images by the DEC/N2D
 * autoencoder of experiments/fashion-dec-ae-10.ini (its run folder's
 * codes_fit.npy), given as the first argument or $AECLUST_UMAP_CODES, else
 * runs/fashion-dec-ae-10/codes_fit.npy if present. Without it, synthetic
 * data stands in (10 overlapping Gaussian blobs in 10-d) and the ratio means
 * little; the first line says which.
 *
 *   bench_umap [CODES.npy]
 *
 * umap-learn 0.5.3's UMAP(n_components=10, n_neighbors=20, min_dist=0,
 * random_state=0).fit_transform on those codes (shared/peer p9_umap_gmm):
 * see UMAP_LEARN_S below. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "aeclust/data.h"
#include "aeclust/rng.h"
#include "aeclust/umap.h"
#include "cluster/umap_internal.h"

/* umap-learn's fit_transform alone (p9's umap_s): 117.6 s in shared/peer/README.md (2026-12-01, a quieter
 * machine); 2026-12-03, in turn with aeclust under a load of 8-10: 610, 587 and 295 s (whole processes: median
 * 606 s wall, 173 CPU s; aeclust umap 101 s wall, 25.8 CPU s) */
#define UMAP_LEARN_S 117.6
#define DEFAULT_CODES "runs/fashion-dec-ae-10/codes_fit.npy"

/* 10 blobs of 7,000 points in 10-d: centres N(0, 2^2), points N(centre, 1). */
static int synthetic(ae_matrix *x, ae_error *err)
{
    if (ae_matrix_alloc(x, 70000, 10, err)) return 1;
    ae_rng r;
    ae_rng_seed(&r, 42);
    float centre[10][10];
    for (int c = 0; c < 10; c++)
        for (int j = 0; j < 10; j++) centre[c][j] = (float)(2.0 * ae_rng_normal(&r));
    for (size_t i = 0; i < x->rows; i++)
        for (size_t j = 0; j < 10; j++) x->data[i * 10 + j] = centre[i % 10][j] + (float)ae_rng_normal(&r);
    return 0;
}

/* CPU seconds of the whole process: on a shared machine, the wall time says how busy the others are */
static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    double last, last_cpu;
} stage_clock;

static void progress(void *ctx, const ae_umap_progress *p)
{
    stage_clock *c = ctx;
    if (p->n_epochs == 0 || p->epoch == p->n_epochs) {
        double cpu = cpu_s();
        printf("  %-10s %6.2f s (%.2f CPU s)\n", p->stage, p->elapsed_s - c->last, cpu - c->last_cpu);
        c->last = p->elapsed_s, c->last_cpu = cpu;
    }
}

static double peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : getenv("AECLUST_UMAP_CODES");
    if ((!path || !*path) && access(DEFAULT_CODES, R_OK) == 0) path = DEFAULT_CODES;
    ae_error err;
    ae_matrix x = {0};
    if (path && *path ? ae_matrix_load(path, &x, &err) != AE_OK : synthetic(&x, &err) != 0) {
        fprintf(stderr, "bench_umap: %s\n", err.msg);
        return 1;
    }
    if (path && *path) printf("data: %s (%zu x %zu)\n", path, x.rows, x.cols);
    else
        printf("data: synthetic 10 blobs, %zu x %zu (no codes file: pass one or set AECLUST_UMAP_CODES; "
               "the umap-learn ratio is then only indicative)\n",
               x.rows, x.cols);
    size_t n = x.rows;
    const int k = 19; /* 20 neighbours, the point itself included */
    int32_t *ie = malloc(n * k * sizeof *ie), *ia = malloc(n * k * sizeof *ia), *self = malloc(n * sizeof *self);
    float *de = malloc(n * k * sizeof *de), *da = malloc(n * k * sizeof *da);
    if (!ie || !ia || !self || !de || !da) return 1;
    for (size_t i = 0; i < n; i++) self[i] = (int32_t)i;

    double t0 = ae_umap_now(), c0 = cpu_s();
    if (ae_umap_knn_exact(&x, &x, self, k, ie, de, &err)) goto fail;
    double t_exact = ae_umap_now() - t0, c_exact = cpu_s() - c0;
    int iters = 0;
    t0 = ae_umap_now(), c0 = cpu_s();
    if (ae_umap_knn_nndescent(&x, k, 0, ia, da, &iters, &err)) goto fail;
    double t_nnd = ae_umap_now() - t0, c_nnd = cpu_s() - c0;
    size_t hit = 0;
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < k; p++)
            for (int q = 0; q < k; q++)
                if (ia[i * k + p] == ie[i * k + q]) {
                    hit++;
                    break;
                }
    printf("bench umap_knn_%zux%zu_k%d: exact %.2f s (%.2f CPU s), nndescent %.2f s (%.2f CPU s, %d iterations, "
           "recall %.4f), peak RSS %.0f MB\n",
           n, x.cols, k, t_exact, c_exact, t_nnd, c_nnd, iters, (double)hit / ((double)n * k), peak_mb());
    free(ie), free(ia), free(self), free(de), free(da);

    ae_umap_opts o = ae_umap_defaults();
    o.n_components = 10;
    o.n_neighbors = 20;
    o.min_dist = 0.0;
    stage_clock clk = {0, cpu_s()};
    o.progress = progress;
    o.progress_ctx = &clk;
    ae_umap *m = NULL;
    t0 = ae_umap_now();
    if (ae_umap_fit(&x, &o, &m, NULL, &err)) goto fail;
    double dt = ae_umap_now() - t0;
    printf("bench umap_fit_%zux%zu_d10_k20: %.2f s (%s neighbours, init %s, %zu edges, %d epochs), peak RSS %.0f MB\n", n,
           x.cols, dt, ae_umap_knn_name(ae_umap_knn_used(m)), ae_umap_init_name(ae_umap_init_used(m)),
           ae_umap_graph_edges(m), ae_umap_n_epochs(m), peak_mb());
    printf("vs umap-learn 0.5.3 (%.1f s on the codes, a quiet machine): time %.3fx (target <= 0.25)\n", UMAP_LEARN_S,
           dt / UMAP_LEARN_S);
    ae_umap_free(m);
    ae_matrix_free(&x);
    return 0;
fail:
    fprintf(stderr, "bench_umap: %s\n", err.msg);
    ae_matrix_free(&x);
    return 1;
}
