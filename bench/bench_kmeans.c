/* Times ae_kmeans_fit on the Fashion-MNIST training pixels (60,000 x 784),
 * k = 10, n_init = 10, seed 0: the setting of scikit-learn's reference
 * (/work/shared/peer p0_kmeans_raw: fit 23.9 s, peak RSS 1.0 GB, inertia
 * 1906649 as it sums it in float32, 1906654.7 recomputed in double from its
 * labels and centres). Prints one line with the fit time, inertia (double),
 * iterations of the kept restart and the process's peak RSS.
 *
 *   bench_kmeans [DATA_DIR] [N_INIT]     (defaults: $AECLUST_DATA or data, 10) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "aeclust/data.h"
#include "aeclust/kmeans.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : NULL;
    int n_init = argc > 2 ? atoi(argv[2]) : 10;
    ae_error err;
    ae_dataset ds = {0};
    if (ae_dataset_load("fashion-mnist", "train", dir, &ds, &err)) {
        fprintf(stderr, "bench_kmeans: %s\n", err.msg);
        return 1;
    }
    ae_kmeans_opts o = ae_kmeans_defaults();
    o.k = 10;
    o.n_init = n_init;
    o.seed = 0;
    ae_kmeans_result r = {0};
    double t0 = now();
    ae_status st = ae_kmeans_fit(&ds.x, &o, &r, &err);
    double dt = now() - t0;
    if (st) {
        fprintf(stderr, "bench_kmeans: %s\n", err.msg);
        ae_dataset_free(&ds);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bench kmeans_%zux%zu_k%d_ninit%d: %.2f s, inertia %.1f, n_iter %d, peak RSS %.0f MB\n", ds.x.rows,
           ds.x.cols, o.k, o.n_init, dt, r.inertia, r.n_iter, (double)ru.ru_maxrss / 1024.0);
    ae_kmeans_result_free(&r);
    ae_dataset_free(&ds);
    return 0;
}
