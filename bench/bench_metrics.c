/* Times the geometry metrics on the Fashion-MNIST test pixels (10,000 x 784)
 * labelled by their true classes, as /work/shared/peer's geometry_metrics
 * does after its k-means (the labeling does not change the work). Prints, per
 * metric, the median of three runs, the value and the process's peak RSS.
 *
 * scikit-learn 1.2.1 on the same data and labels, OpenBLAS, 2 threads
 * (tests/ref/metrics_bench.py): silhouette_score 2.7-2.8 s, 0.046154249459505
 * (float64 input: 0.046154245495486); davies_bouldin_score 0.021 s,
 * 3.5843230036188 (float64 input: 3.5843129646436).
 *
 *   bench_metrics [DATA_DIR]     (default: $AECLUST_DATA or data) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "aeclust/data.h"
#include "aeclust/metrics.h"

#define REPEATS 3

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef enum { SILHOUETTE, SILHOUETTE_SAMPLE, DAVIES_BOULDIN, LABEL_SCORES } metric;

/* Runs metric m REPEATS times; prints the median time and the value. */
static int bench(metric m, const char *name, const ae_dataset *ds)
{
    double times[REPEATS], value = 0.0;
    ae_error err;
    for (int r = 0; r < REPEATS; r++) {
        double t0 = now();
        ae_status st = AE_OK;
        ae_label_scores s;
        switch (m) {
        case SILHOUETTE: st = ae_silhouette(&ds->x, ds->y.data, 0, 0, &value, &err); break;
        case SILHOUETTE_SAMPLE: st = ae_silhouette(&ds->x, ds->y.data, 2000, 0, &value, &err); break;
        case DAVIES_BOULDIN: st = ae_davies_bouldin(&ds->x, ds->y.data, &value, &err); break;
        case LABEL_SCORES:
            /* truth against a shifted copy: a non-trivial 10 x 10 table */
            st = ae_score_labels(ds->y.data, ds->y.data + 1, ds->y.n - 1, &s, &err);
            value = s.nmi;
            break;
        }
        times[r] = now() - t0;
        if (st) {
            fprintf(stderr, "bench_metrics: %s: %s\n", name, err.msg);
            return 1;
        }
    }
    qsort(times, REPEATS, sizeof times[0], cmp_double);
    printf("bench %s_%zux%zu: %.3f s (median of %d; min %.3f), value %.15g, peak RSS %.0f MB\n", name, ds->x.rows,
           ds->x.cols, times[REPEATS / 2], REPEATS, times[0], value, peak_rss_mb());
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : NULL;
    ae_error err;
    ae_dataset ds = {0};
    if (ae_dataset_load("fashion-mnist", "test", dir, &ds, &err)) {
        fprintf(stderr, "bench_metrics: %s\n", err.msg);
        return 1;
    }
    int rc = bench(SILHOUETTE, "silhouette", &ds) || bench(SILHOUETTE_SAMPLE, "silhouette_sample2000", &ds) ||
             bench(DAVIES_BOULDIN, "davies_bouldin", &ds) || bench(LABEL_SCORES, "label_scores", &ds);
    ae_dataset_free(&ds);
    return rc;
}
