#include "split_threads.h"

#include <omp.h>
#include <pthread.h>

#define AE_SPLIT_MAX_THREADS 64

typedef struct {
    void (*fn)(void *ctx, size_t lo, size_t hi);
    void *ctx;
    size_t lo, hi;
} split_job;

static void *split_run(void *arg)
{
    split_job *j = arg;
    j->fn(j->ctx, j->lo, j->hi);
    return NULL;
}

void ae_split_threads(void (*fn)(void *ctx, size_t lo, size_t hi), void *ctx, size_t n, size_t min_par)
{
    int threads = omp_get_max_threads();
    if (threads > AE_SPLIT_MAX_THREADS) threads = AE_SPLIT_MAX_THREADS;
    if ((size_t)threads > n) threads = (int)n;
    if (threads <= 1 || n < min_par) {
        fn(ctx, 0, n);
        return;
    }
    split_job jobs[AE_SPLIT_MAX_THREADS];
    pthread_t ids[AE_SPLIT_MAX_THREADS];
    int started[AE_SPLIT_MAX_THREADS];
    for (int t = 0; t < threads; t++) {
        jobs[t] = (split_job){fn, ctx, n * (size_t)t / (size_t)threads, n * (size_t)(t + 1) / (size_t)threads};
        started[t] = t > 0 && pthread_create(&ids[t], NULL, split_run, &jobs[t]) == 0;
    }
    for (int t = 0; t < threads; t++)
        if (!started[t]) split_run(&jobs[t]);
    for (int t = 1; t < threads; t++)
        if (started[t]) pthread_join(ids[t], NULL);
}
