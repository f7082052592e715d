/* _GNU_SOURCE: sched_getaffinity and CPU_COUNT, for the default thread count */
#define _GNU_SOURCE
#include "core/pool.h"

#include <cblas.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* sched_yield polls of an idle helper before it sleeps: a few hundred
 * microseconds on an idle core, longer than the gaps between a training
 * step's layers, far shorter than a scheduler time slice. */
#define IDLE_POLLS 1000

typedef struct {
    struct ae_pool *w;
    int index; /* 1.. (0 is the caller) */
} helper;

struct ae_pool {
    int threads;
    pthread_t *tid;  /* (threads - 1) */
    helper *helpers; /* (threads - 1) */
    /* The current job: its number, its chunk count and the next chunk to
     * claim, packed as gen << 32 | n << 16 | next so that a claim checks all
     * three in one compare-and-swap (a helper waking late cannot claim a
     * chunk of a later job by mistake). */
    _Atomic uint64_t claim;
    atomic_int done; /* chunks of the current job finished */
    atomic_bool stop;
    atomic_flag busy; /* set while a loop runs: a second loop meanwhile runs on its own caller */
    /* Written by the caller before it publishes a job, read by a helper only
     * after it has claimed a chunk of that job (so never while they change). */
    void (*fn)(void *arg, int chunk, int thread);
    void *arg;
    uint32_t gen; /* the caller's job counter */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int sleepers; /* helpers waiting on cv, under mu */
};

static uint64_t pack(uint32_t gen, int n, int next)
{
    return (uint64_t)gen << 32 | (uint64_t)(unsigned)n << 16 | (uint64_t)(unsigned)next;
}

static uint32_t gen_of(uint64_t c) { return (uint32_t)(c >> 32); }

/* Claims the next chunk of job gen into *chunk; false when it has none left
 * (or another job has started). */
static bool try_claim(struct ae_pool *w, uint32_t gen, int *chunk)
{
    uint64_t c = atomic_load_explicit(&w->claim, memory_order_acquire);
    for (;;) {
        const int n = (int)(c >> 16 & 0xffff), next = (int)(c & 0xffff);
        if (gen_of(c) != gen || next >= n) return false;
        if (atomic_compare_exchange_weak_explicit(&w->claim, &c, c + 1, memory_order_acq_rel, memory_order_acquire)) {
            *chunk = next;
            return true;
        }
    }
}

/* Runs chunks of job gen until none is left. */
static void work(struct ae_pool *w, uint32_t gen, int thread)
{
    int i;
    while (try_claim(w, gen, &i)) {
        w->fn(w->arg, i, thread);
        atomic_fetch_add_explicit(&w->done, 1, memory_order_release);
    }
}

static void *helper_main(void *p)
{
    helper *h = p;
    struct ae_pool *w = h->w;
    uint32_t seen = 0;
    for (;;) {
        int polls = 0;
        uint64_t c;
        while (gen_of(c = atomic_load_explicit(&w->claim, memory_order_acquire)) == seen) {
            if (atomic_load_explicit(&w->stop, memory_order_acquire)) return NULL;
            if (++polls < IDLE_POLLS) {
                sched_yield();
                continue;
            }
            pthread_mutex_lock(&w->mu);
            w->sleepers++;
            while (gen_of(atomic_load_explicit(&w->claim, memory_order_acquire)) == seen &&
                   !atomic_load_explicit(&w->stop, memory_order_acquire))
                pthread_cond_wait(&w->cv, &w->mu);
            w->sleepers--;
            pthread_mutex_unlock(&w->mu);
            polls = 0;
        }
        seen = gen_of(c);
        work(w, seen, h->index);
    }
}

static void stop_helpers(struct ae_pool *w, int started)
{
    pthread_mutex_lock(&w->mu);
    atomic_store_explicit(&w->stop, true, memory_order_release);
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < started; i++) pthread_join(w->tid[i], NULL);
}

ae_status ae_pool_new(int threads, ae_pool **out, ae_error *err)
{
    *out = NULL;
    if (threads < 1) return ae_fail(err, AE_ERR_ARG, "a worker pool needs at least 1 thread, got %d", threads);
    struct ae_pool *w = calloc(1, sizeof *w);
    if (!w) return ae_fail(err, AE_ERR_NOMEM, "out of memory for a worker pool");
    w->threads = threads;
    w->tid = calloc((size_t)threads, sizeof *w->tid);
    w->helpers = calloc((size_t)threads, sizeof *w->helpers);
    if (!w->tid || !w->helpers) {
        free(w->tid);
        free(w->helpers);
        free(w);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory for a worker pool");
    }
    atomic_init(&w->claim, 0);
    atomic_init(&w->done, 0);
    atomic_init(&w->stop, false);
    atomic_flag_clear(&w->busy);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    for (int i = 0; i < threads - 1; i++) {
        w->helpers[i] = (helper){.w = w, .index = i + 1};
        int rc = pthread_create(&w->tid[i], NULL, helper_main, &w->helpers[i]);
        if (rc != 0) {
            stop_helpers(w, i);
            pthread_mutex_destroy(&w->mu);
            pthread_cond_destroy(&w->cv);
            free(w->tid);
            free(w->helpers);
            free(w);
            return ae_fail(err, AE_ERR_NOMEM, "cannot start a worker thread: %s", strerror(rc));
        }
    }
    *out = w;
    return AE_OK;
}

void ae_pool_free(ae_pool *w)
{
    if (!w) return;
    stop_helpers(w, w->threads - 1);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w->tid);
    free(w->helpers);
    free(w);
}

int ae_pool_threads(const ae_pool *w) { return w ? w->threads : 1; }

void ae_pool_run(ae_pool *w, int n, void (*fn)(void *arg, int chunk, int thread), void *arg)
{
    if (n <= 0) return;
    /* the last test: more chunks than a claim word holds */
    if (!w || w->threads == 1 || n == 1 || n > AE_POOL_MAX_CHUNKS ||
        atomic_flag_test_and_set_explicit(&w->busy, memory_order_acquire)) {
        for (int i = 0; i < n; i++) fn(arg, i, 0);
        return;
    }
    w->fn = fn;
    w->arg = arg;
    atomic_store_explicit(&w->done, 0, memory_order_relaxed);
    const uint32_t gen = ++w->gen;
    pthread_mutex_lock(&w->mu);
    atomic_store_explicit(&w->claim, pack(gen, n, 0), memory_order_release);
    if (w->sleepers) pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    work(w, gen, 0);
    /* only chunks a helper has claimed are left: they are running now */
    while (atomic_load_explicit(&w->done, memory_order_acquire) < n) sched_yield();
    atomic_flag_clear_explicit(&w->busy, memory_order_release);
}

/* ---- ranges ---- */

typedef struct {
    void (*fn)(void *ctx, size_t lo, size_t hi, int thread);
    void *ctx;
    size_t n, grain;
} range_job;

static void range_chunk(void *arg, int chunk, int thread)
{
    const range_job *j = arg;
    size_t lo = (size_t)chunk * j->grain, hi = lo + j->grain < j->n ? lo + j->grain : j->n;
    j->fn(j->ctx, lo, hi, thread);
}

void ae_pool_for(ae_pool *p, size_t n, size_t grain, void (*fn)(void *ctx, size_t lo, size_t hi, int thread),
                 void *ctx)
{
    if (n == 0) return;
    if (grain == 0 || grain >= n) {
        fn(ctx, 0, n, 0);
        return;
    }
    size_t chunks = (n + grain - 1) / grain;
    range_job j = {fn, ctx, n, grain};
    if (chunks > AE_POOL_MAX_CHUNKS) { /* a grain finer than ae_pool_grain gives: the same ranges, in order */
        for (size_t lo = 0; lo < n; lo += grain) fn(ctx, lo, lo + grain < n ? lo + grain : n, 0);
        return;
    }
    ae_pool_run(p, (int)chunks, range_chunk, &j);
}

/* Ranges a loop is cut into by ae_pool_grain: a few per thread of a large
 * machine, so threads that finish early pick up more, without the claims
 * costing much. */
#define TARGET_RANGES 64

size_t ae_pool_grain(size_t n, size_t min_grain)
{
    if (min_grain == 0) min_grain = 1;
    size_t g = (n + TARGET_RANGES - 1) / TARGET_RANGES;
    if (g < min_grain) g = min_grain;
    size_t floor = (n + AE_POOL_MAX_CHUNKS - 1) / AE_POOL_MAX_CHUNKS;
    return g < floor ? floor : g;
}

/* ---- the shared pool and the thread count ---- */

/* One pool per thread count asked for, kept for the life of the process:
 * a model holds on to the pool it sized its workspace for, so a pool is
 * never freed under it when the count changes. Idle helpers sleep. */
static pthread_mutex_t shared_mu = PTHREAD_MUTEX_INITIALIZER;
static ae_pool *shared[AE_THREADS_MAX + 1]; /* under shared_mu */
static bool shared_failed[AE_THREADS_MAX + 1]; /* threads that could not start: not retried each loop */
static _Atomic int threads_set;             /* 0: the default */

static int default_threads(void)
{
    const char *env = getenv("OMP_NUM_THREADS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if ((*end == '\0' || *end == ',') && v >= 1) return v > AE_THREADS_MAX ? AE_THREADS_MAX : (int)v;
    }
    cpu_set_t set;
    int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    return n < 1 ? 1 : n > AE_THREADS_MAX ? AE_THREADS_MAX : n;
}

int ae_threads(void)
{
    int n = atomic_load(&threads_set);
    return n > 0 ? n : default_threads();
}

ae_status ae_set_threads(int n, ae_error *err)
{
    if (n < 0 || n > AE_THREADS_MAX)
        return ae_fail(err, AE_ERR_ARG, "thread count %d is out of range [1, %d] (0: the default)", n, AE_THREADS_MAX);
    atomic_store(&threads_set, n);
    openblas_set_num_threads(ae_threads());
    return AE_OK;
}

ae_pool *ae_pool_shared(void)
{
    int want = ae_threads();
    if (want == 1) return NULL;
    pthread_mutex_lock(&shared_mu);
    if (!shared[want] && !shared_failed[want]) {
        ae_error ignored;
        if (ae_pool_new(want, &shared[want], &ignored) != AE_OK) {
            shared[want] = NULL;
            shared_failed[want] = true;
        }
    }
    ae_pool *p = shared[want];
    pthread_mutex_unlock(&shared_mu);
    return p;
}
