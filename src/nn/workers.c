#include "workers.h"

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
    struct ae_workers *w;
    int index; /* 1.. (0 is the caller) */
} helper;

struct ae_workers {
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
static bool try_claim(struct ae_workers *w, uint32_t gen, int *chunk)
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
static void work(struct ae_workers *w, uint32_t gen, int thread)
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
    struct ae_workers *w = h->w;
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

static void stop_helpers(struct ae_workers *w, int started)
{
    pthread_mutex_lock(&w->mu);
    atomic_store_explicit(&w->stop, true, memory_order_release);
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < started; i++) pthread_join(w->tid[i], NULL);
}

ae_status ae_workers_new(int threads, ae_workers **out, ae_error *err)
{
    *out = NULL;
    if (threads < 1) return ae_fail(err, AE_ERR_ARG, "a worker pool needs at least 1 thread, got %d", threads);
    struct ae_workers *w = calloc(1, sizeof *w);
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

void ae_workers_free(ae_workers *w)
{
    if (!w) return;
    stop_helpers(w, w->threads - 1);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w->tid);
    free(w->helpers);
    free(w);
}

int ae_workers_threads(const ae_workers *w) { return w ? w->threads : 1; }

void ae_workers_run(ae_workers *w, int n, void (*fn)(void *arg, int chunk, int thread), void *arg)
{
    if (n <= 0) return;
    if (!w || w->threads == 1 || n == 1 || n > AE_WORKERS_MAX_CHUNKS) { /* the last: more than a claim word holds */
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
}
