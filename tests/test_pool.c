/* The library's thread pool (src/core/pool.h) and the thread count
 * (aeclust/threads.h): every chunk once, the documented ranges, loops
 * started while the pool is busy, the grain's contract, the bounds of
 * ae_set_threads, and reductions whose bits do not depend on the thread
 * count. Pools of 2-4 threads are made even on fewer cores: helpers then
 * take turns, which still exercises every path. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT: the default thread count */
#include "test_util.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "aeclust/threads.h"
#include "core/pool.h"

/* ---- every chunk exactly once ---- */

typedef struct {
    atomic_int *runs; /* (n) times each chunk ran */
    atomic_int bad_thread; /* set when a thread index is out of range */
    int threads;
} pool_probe;

static void count_chunk(void *arg, int chunk, int thread)
{
    pool_probe *p = arg;
    atomic_fetch_add_explicit(&p->runs[chunk], 1, memory_order_relaxed);
    if (thread < 0 || thread >= p->threads) atomic_store(&p->bad_thread, 1);
}

static void check_runs_once(ae_pool *w, int threads, int n, atomic_int *runs, int cap)
{
    pool_probe p = {.runs = runs, .threads = threads};
    atomic_init(&p.bad_thread, 0);
    for (int i = 0; i < cap; i++) atomic_store(&runs[i], 0);
    ae_pool_run(w, n, count_chunk, &p);
    for (int i = 0; i < cap; i++) {
        int want = i < n ? 1 : 0, got = atomic_load(&runs[i]);
        if (got != want) fail_msg("%d threads, %d chunks: chunk %d ran %d times", threads, n, i, got);
    }
    if (atomic_load(&p.bad_thread)) fail_msg("%d threads, %d chunks: a thread index out of range", threads, n);
}

/* Many back-to-back jobs of changing sizes (a helper waking late must not
 * run a chunk of a finished job), then large ones up to AE_POOL_MAX_CHUNKS
 * and one past it (run on the caller); n <= 0 runs nothing. */
static void test_every_chunk_once(void **state)
{
    (void)state;
    enum { SMALL = 64, BIG = AE_POOL_MAX_CHUNKS + 1 };
    atomic_int *runs = calloc(BIG, sizeof *runs);
    assert_non_null(runs);
    for (int threads = 1; threads <= 4; threads++) {
        ae_pool *w;
        ae_error err;
        assert_int_equal(ae_pool_new(threads, &w, &err), AE_OK);
        assert_int_equal(ae_pool_threads(w), threads);
        for (int job = 0; job < 3000; job++) check_runs_once(w, threads, 1 + job % SMALL, runs, SMALL);
        const int big[] = {0, -3, 1000, 4097, AE_POOL_MAX_CHUNKS, AE_POOL_MAX_CHUNKS + 1};
        for (size_t b = 0; b < sizeof big / sizeof big[0]; b++) check_runs_once(w, threads, big[b], runs, BIG);
        ae_pool_free(w);
    }
    /* NULL: one thread, all on the caller */
    check_runs_once(NULL, 1, 100, runs, 100);
    assert_int_equal(ae_pool_threads(NULL), 1);
    ae_pool *none = (ae_pool *)&none;
    ae_error err;
    assert_int_equal(ae_pool_new(0, &none, &err), AE_ERR_ARG);
    assert_null(none);
    ae_pool_free(NULL);
    free(runs);
}

/* ---- ae_pool_for's ranges ---- */

enum { MAX_RANGES = 4096 };

typedef struct {
    pthread_mutex_t mu;
    size_t lo[MAX_RANGES], hi[MAX_RANGES];
    int thread[MAX_RANGES];
    int n;
} range_log;

static void log_range(void *ctx, size_t lo, size_t hi, int thread)
{
    range_log *l = ctx;
    pthread_mutex_lock(&l->mu);
    if (l->n < MAX_RANGES) {
        l->lo[l->n] = lo, l->hi[l->n] = hi, l->thread[l->n] = thread;
    }
    l->n++;
    pthread_mutex_unlock(&l->mu);
}

/* The ranges of n and grain per pool.h: [0, g), [g, 2g), ..., the last one
 * shorter; one range [0, n) for grain 0 or grain >= n; none for n = 0. Each
 * exactly once, in any order. */
static void check_ranges(ae_pool *p, size_t n, size_t grain)
{
    range_log *l = calloc(1, sizeof *l);
    assert_non_null(l);
    pthread_mutex_init(&l->mu, NULL);
    ae_pool_for(p, n, grain, log_range, l);
    size_t g = grain == 0 || grain >= n ? n : grain;
    size_t want = n == 0 ? 0 : (n + g - 1) / g;
    if ((size_t)l->n != want) fail_msg("n %zu grain %zu: %d ranges, want %zu", n, grain, l->n, want);
    assert_true(want <= MAX_RANGES);
    unsigned char *seen = calloc(want + 1, 1);
    for (int r = 0; r < l->n; r++) {
        size_t lo = l->lo[r], hi = l->hi[r], c = lo / g;
        size_t want_hi = lo + g < n ? lo + g : n;
        if (lo % g || c >= want || hi != want_hi || seen[c]++)
            fail_msg("n %zu grain %zu: range [%zu, %zu) is not one of the documented ones (or came twice)", n, grain,
                     lo, hi);
        if (l->thread[r] < 0 || l->thread[r] >= ae_pool_threads(p)) fail_msg("thread %d out of range", l->thread[r]);
    }
    free(seen);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

static void test_for_ranges(void **state)
{
    (void)state;
    ae_pool *w;
    ae_error err;
    assert_int_equal(ae_pool_new(3, &w, &err), AE_OK);
    ae_pool *pools[] = {NULL, w};
    const size_t ns[] = {0, 1, 2, 7, 64, 100, 1000, 4095};
    const size_t grains[] = {0, 1, 2, 3, 7, 64, 99, 100, 101, 5000};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
            for (size_t j = 0; j < sizeof grains / sizeof grains[0]; j++)
                if (grains[j] == 0 || (ns[i] + grains[j] - 1) / grains[j] <= MAX_RANGES)
                    check_ranges(pools[k], ns[i], grains[j]);
    ae_pool_free(w);
}

typedef struct {
    size_t next; /* where the next range must start */
    int bad;     /* a range out of order, of another size, or off the caller */
} order_log;

static void log_in_order(void *ctx, size_t lo, size_t hi, int thread)
{
    order_log *o = ctx;
    if (thread != 0 || lo != o->next || hi != lo + 1) o->bad = 1;
    o->next = hi;
}

/* A grain finer than the claim word allows: the same ranges, in order, on the caller. */
static void test_for_too_many_ranges(void **state)
{
    (void)state;
    ae_pool *w;
    ae_error err;
    assert_int_equal(ae_pool_new(2, &w, &err), AE_OK);
    const size_t n = (size_t)AE_POOL_MAX_CHUNKS + 10;
    order_log o = {0, 0};
    ae_pool_for(w, n, 1, log_in_order, &o);
    assert_int_equal(o.bad, 0);
    assert_int_equal(o.next, n);
    ae_pool_free(w);
}

/* ---- a loop started while the pool is busy ---- */

typedef struct {
    ae_pool *pool;
    atomic_int outer[16];
    atomic_int inner_bad; /* an inner chunk ran twice, never, out of order or off the caller */
} nest_ctx;

typedef struct {
    pthread_t caller;
    int next, n;
    int bad;
} inner_ctx;

static void inner_chunk(void *arg, int chunk, int thread)
{
    inner_ctx *c = arg;
    if (!pthread_equal(pthread_self(), c->caller) || thread != 0 || chunk != c->next) c->bad = 1;
    c->next = chunk + 1;
}

static void outer_chunk(void *arg, int chunk, int thread)
{
    (void)thread;
    nest_ctx *c = arg;
    atomic_fetch_add(&c->outer[chunk], 1);
    inner_ctx in = {.caller = pthread_self(), .next = 0, .n = 50};
    ae_pool_run(c->pool, in.n, inner_chunk, &in); /* the pool is busy with the outer loop */
    if (in.bad || in.next != in.n) atomic_store(&c->inner_bad, 1);
}

static void test_nested_loop_runs_on_the_caller(void **state)
{
    (void)state;
    for (int threads = 2; threads <= 4; threads++) {
        nest_ctx c;
        ae_error err;
        assert_int_equal(ae_pool_new(threads, &c.pool, &err), AE_OK);
        for (int rep = 0; rep < 200; rep++) {
            for (int i = 0; i < 16; i++) atomic_init(&c.outer[i], 0);
            atomic_init(&c.inner_bad, 0);
            ae_pool_run(c.pool, 16, outer_chunk, &c);
            for (int i = 0; i < 16; i++) assert_int_equal(atomic_load(&c.outer[i]), 1);
            assert_int_equal(atomic_load(&c.inner_bad), 0);
        }
        /* and the pool still serves loops afterwards */
        atomic_int runs[64];
        check_runs_once(c.pool, threads, 64, runs, 64);
        ae_pool_free(c.pool);
    }
}

/* ---- ae_pool_grain ---- */

static void test_grain_contract(void **state)
{
    (void)state;
    const size_t ns[] = {0, 1, 5, 63, 64, 65, 1000, 4096, 65535, 100000, 1u << 22, (size_t)1 << 33};
    const size_t mins[] = {0, 1, 8, 64, 256, 4096};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        for (size_t j = 0; j < sizeof mins / sizeof mins[0]; j++) {
            size_t n = ns[i], m = mins[j] ? mins[j] : 1, g = ae_pool_grain(n, mins[j]);
            size_t ranges = (n + g - 1) / g;
            if (g < m) fail_msg("n %zu min %zu: grain %zu below the minimum", n, m, g);
            if (ranges > AE_POOL_MAX_CHUNKS) fail_msg("n %zu min %zu: %zu ranges", n, m, ranges);
            /* no coarser than it needs: the minimum whenever that leaves at most 64 ranges */
            if (n <= 64 * m && g != m) fail_msg("n %zu min %zu: grain %zu, want the minimum", n, m, g);
            /* enough ranges to share among threads when the minimum allows */
            if (n >= 64 * m && ranges < 32) fail_msg("n %zu min %zu: only %zu ranges", n, m, ranges);
            /* independent of the thread count */
            assert_int_equal(ae_set_threads(1, NULL), AE_OK);
            size_t g1 = ae_pool_grain(n, mins[j]);
            assert_int_equal(ae_set_threads(4, NULL), AE_OK);
            assert_int_equal(ae_pool_grain(n, mins[j]), g1);
        }
    assert_int_equal(ae_set_threads(0, NULL), AE_OK);
}

/* ---- the thread count ---- */

static int cpus(void)
{
    cpu_set_t set;
    int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    return n < 1 ? 1 : n > AE_THREADS_MAX ? AE_THREADS_MAX : n;
}

static void test_set_threads_bounds(void **state)
{
    (void)state;
    const char *env = getenv("OMP_NUM_THREADS");
    char *saved = env ? strdup(env) : NULL;
    ae_error err;
    const int good[] = {1, 2, 3, 4, 5, 8, 64, AE_THREADS_MAX - 1, AE_THREADS_MAX};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(ae_set_threads(good[i], &err), AE_OK);
        assert_int_equal(ae_threads(), good[i]);
    }
    assert_int_equal(ae_set_threads(5, &err), AE_OK);
    const int bad[] = {-1, AE_THREADS_MAX + 1, 1000000};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(ae_set_threads(bad[i], &err), AE_ERR_ARG);
        assert_non_null(strstr(err.msg, "out of range"));
        assert_int_equal(ae_threads(), 5); /* unchanged */
    }
    assert_int_equal(ae_set_threads(AE_THREADS_MAX + 1, NULL), AE_ERR_ARG); /* no error record: fine */

    /* 0: the default, OMP_NUM_THREADS when it is a positive number, else the CPUs */
    assert_int_equal(ae_set_threads(0, &err), AE_OK);
    setenv("OMP_NUM_THREADS", "3", 1);
    assert_int_equal(ae_threads(), 3);
    setenv("OMP_NUM_THREADS", "7,2", 1); /* OpenMP's nested list: the first level */
    assert_int_equal(ae_threads(), 7);
    setenv("OMP_NUM_THREADS", "100000", 1);
    assert_int_equal(ae_threads(), AE_THREADS_MAX);
    const char *ignored[] = {"0", "-2", "two", "3x", ""};
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
        setenv("OMP_NUM_THREADS", ignored[i], 1);
        if (ae_threads() != cpus()) fail_msg("OMP_NUM_THREADS='%s': %d threads, want %d", ignored[i], ae_threads(), cpus());
    }
    unsetenv("OMP_NUM_THREADS");
    assert_int_equal(ae_threads(), cpus());
    /* a count set explicitly wins over the variable */
    setenv("OMP_NUM_THREADS", "3", 1);
    assert_int_equal(ae_set_threads(2, &err), AE_OK);
    assert_int_equal(ae_threads(), 2);

    /* the shared pool follows the count: none for 1, one per count, kept */
    assert_int_equal(ae_set_threads(1, &err), AE_OK);
    assert_null(ae_pool_shared());
    assert_int_equal(ae_set_threads(3, &err), AE_OK);
    ae_pool *p3 = ae_pool_shared();
    assert_non_null(p3);
    assert_int_equal(ae_pool_threads(p3), 3);
    assert_int_equal(ae_set_threads(2, &err), AE_OK);
    ae_pool *p2 = ae_pool_shared();
    assert_non_null(p2);
    assert_int_equal(ae_pool_threads(p2), 2);
    assert_int_equal(ae_set_threads(3, &err), AE_OK);
    assert_ptr_equal(ae_pool_shared(), p3);

    if (saved)
        setenv("OMP_NUM_THREADS", saved, 1);
    else
        unsetenv("OMP_NUM_THREADS");
    free(saved);
    assert_int_equal(ae_set_threads(0, &err), AE_OK);
}

/* ---- reductions over fixed ranges ---- */

typedef struct {
    const float *x;
    float *part; /* one slot per range */
    size_t grain;
    atomic_int threads_seen; /* bit t: thread t ran a range */
} sum_ctx;

static void sum_range(void *ctx, size_t lo, size_t hi, int thread)
{
    sum_ctx *c = ctx;
    float s = 0.0f;
    for (size_t i = lo; i < hi; i++) s += c->x[i];
    c->part[lo / c->grain] = s;
    atomic_fetch_or(&c->threads_seen, 1 << thread);
}

/* The float sum of x, per range of ae_pool_grain and then in range order, on
 * the shared pool of `threads` threads. */
static float range_sum(const float *x, size_t n, float *part, int threads, int *seen)
{
    assert_int_equal(ae_set_threads(threads, NULL), AE_OK);
    sum_ctx c = {.x = x, .part = part, .grain = ae_pool_grain(n, 1)};
    atomic_init(&c.threads_seen, 0);
    ae_pool_for(ae_pool_shared(), n, c.grain, sum_range, &c);
    float total = 0.0f;
    for (size_t r = 0; r < (n + c.grain - 1) / c.grain; r++) total += part[r];
    *seen = atomic_load(&c.threads_seen);
    return total;
}

/* Values of mixed magnitudes, so that float addition in another order gives
 * other bits (checked: a single running sum differs from the ranged one). */
static void test_range_sums_do_not_depend_on_threads(void **state)
{
    (void)state;
    const size_t n = 1000003;
    float *x = malloc(n * sizeof *x), *part = malloc(AE_POOL_MAX_CHUNKS * sizeof *part);
    assert_non_null(x), assert_non_null(part);
    uint64_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = (float)((s >> 40) % 100000) * ((s >> 20) & 1 ? 1e-3f : 7.0f);
    }
    float serial = 0.0f;
    for (size_t i = 0; i < n; i++) serial += x[i];
    int seen1, seen, any_helper = 0;
    float one = range_sum(x, n, part, 1, &seen1);
    assert_int_equal(seen1, 1);
    assert_true(one != serial); /* the order matters for these values */
    for (int rep = 0; rep < 20; rep++)
        for (int t = 2; t <= 3; t++) {
            float v = range_sum(x, n, part, t, &seen);
            if (memcmp(&v, &one, sizeof v)) fail_msg("%d threads: %.9g, one thread: %.9g", t, v, one);
            if (seen & ~1) any_helper = 1;
        }
    assert_true(any_helper); /* the helpers took part at least once */
    assert_int_equal(ae_set_threads(0, NULL), AE_OK);
    free(x);
    free(part);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_chunk_once),
        cmocka_unit_test(test_for_ranges),
        cmocka_unit_test(test_for_too_many_ranges),
        cmocka_unit_test(test_nested_loop_runs_on_the_caller),
        cmocka_unit_test(test_grain_contract),
        cmocka_unit_test(test_set_threads_bounds),
        cmocka_unit_test(test_range_sums_do_not_depend_on_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
