/* The library's one thread pool (internal): networks, clustering and metrics
 * all run their parallel loops through it.
 *
 * ae_pool_run(p, n, fn, arg) runs fn(arg, chunk, thread) for every chunk in
 * [0, n): the calling thread and the helpers claim chunks one at a time from
 * a shared counter, and the call returns once every chunk is done. The
 * caller never waits for a helper that has not claimed anything, so a helper
 * that another process keeps off the CPU only costs its share of the
 * speed-up, not a stall. OpenMP's fork-join waits for every thread at the end
 * of each parallel region, and with its spinning workers the seed-000 conv
 * autoencoder's layers ran 1.3x slower on two threads than on one while
 * another program ran, a small parallel loop 3-10x slower (measured on this
 * 2-core machine). Idle helpers poll with sched_yield for a short while (so
 * the next loop finds them awake), then sleep on a condition variable.
 *
 * Which thread runs a chunk varies from run to run, so callers that sum
 * results keep one slot per chunk and add the slots in chunk order; when the
 * chunks themselves are cut without regard to the thread count
 * (ae_pool_for), the numbers depend on neither the timing nor the number of
 * threads.
 *
 * The shared pool (ae_pool_shared) has ae_threads() threads in all. A pool
 * serves one loop at a time: a loop started while another is running on the
 * same pool (from another thread of the program, or nested inside a chunk)
 * runs on its calling thread alone, chunk by chunk, with the same numbers. */
#ifndef AE_CORE_POOL_H
#define AE_CORE_POOL_H

#include <stddef.h>

#include "aeclust/status.h"
#include "aeclust/threads.h"

typedef struct ae_pool ae_pool;

/* A pool of `threads` threads in all: the caller and threads - 1 helpers.
 * *out is owned by the caller (ae_pool_free). */
ae_status ae_pool_new(int threads, ae_pool **out, ae_error *err);
/* Stops and joins the helpers; NULL is fine. */
void ae_pool_free(ae_pool *p);

/* Threads of the pool, caller included; 1 for NULL. */
int ae_pool_threads(const ae_pool *p);

/* The process's pool of ae_threads() threads, started on first use and
 * restarted when the thread count changes; NULL when that count is 1 or the
 * threads cannot start (loops then run on the calling thread: slower, not
 * wrong). Owned by the library. */
ae_pool *ae_pool_shared(void);

/* Runs fn(arg, chunk, thread) for chunk in [0, n); thread in
 * [0, ae_pool_threads(p)) tells apart the threads running at once (0 is the
 * caller). p NULL or busy, or n > AE_POOL_MAX_CHUNKS: all on the caller, in
 * order. */
void ae_pool_run(ae_pool *p, int n, void (*fn)(void *arg, int chunk, int thread), void *arg);

#define AE_POOL_MAX_CHUNKS 65535

/* Calls fn(ctx, lo, hi, thread) on the ranges [0, grain), [grain, 2 grain),
 * ... covering [0, n) (the last one shorter), on the threads of p. The
 * ranges follow from n and grain alone: per-range results combined in range
 * order do not depend on the thread count. A grain of 0 means one range. */
void ae_pool_for(ae_pool *p, size_t n, size_t grain, void (*fn)(void *ctx, size_t lo, size_t hi, int thread),
                 void *ctx);

/* A grain that cuts n items into at most AE_POOL_MAX_CHUNKS ranges and at
 * least min_grain items each (min_grain >= 1): enough ranges for any number
 * of threads to share evenly, and none so small that the claiming costs more
 * than the work. Independent of the thread count, like ae_pool_for. */
size_t ae_pool_grain(size_t n, size_t min_grain);

#endif
