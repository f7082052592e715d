/* A model's helper threads for the image layers (internal).
 *
 * ae_workers_run(w, n, fn, arg) runs fn(arg, chunk, thread) for every chunk
 * in [0, n): the calling thread and the helpers claim chunks one at a time
 * from a shared counter, and the call returns once every chunk is done. The
 * caller never waits for a helper that has not claimed anything, so a helper
 * that another process keeps off the CPU only costs its share of the speed-up,
 * not a stall. OpenMP's fork-join waits for every thread at the end of each
 * parallel region, and with its spinning workers the seed-000 conv
 * autoencoder's layers ran 1.3x slower on two threads than on one while
 * another program ran, a small parallel loop 3-10x slower (measured on this
 * 2-core machine). Idle helpers poll with sched_yield for a short while (so
 * the next layer finds them awake), then sleep on a condition variable.
 *
 * Which thread runs a chunk varies from run to run, so callers that sum
 * results keep one slot per chunk and add the slots in chunk order: the
 * numbers then do not depend on the timing or on the number of threads.
 * A pool serves one caller at a time (a model is single-threaded). */
#ifndef AE_NN_WORKERS_H
#define AE_NN_WORKERS_H

#include "aeclust/status.h"

typedef struct ae_workers ae_workers;

/* A pool of `threads` threads in all: the caller and threads - 1 helpers.
 * *out is owned by the caller (ae_workers_free). */
ae_status ae_workers_new(int threads, ae_workers **out, ae_error *err);
/* Stops and joins the helpers; NULL is fine. */
void ae_workers_free(ae_workers *w);

/* Threads of the pool, caller included; 1 for NULL. */
int ae_workers_threads(const ae_workers *w);

/* Runs fn(arg, chunk, thread) for chunk in [0, n); thread in
 * [0, ae_workers_threads(w)) tells apart the threads running at once (0 is
 * the caller). w NULL, or n > AE_WORKERS_MAX_CHUNKS: all on the caller, in
 * order. */
void ae_workers_run(ae_workers *w, int n, void (*fn)(void *arg, int chunk, int thread), void *arg);

#define AE_WORKERS_MAX_CHUNKS 65535

#endif
