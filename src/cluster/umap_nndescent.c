/* Approximate k nearest neighbours by NN-descent (Dong, Moses and Li 2011),
 * the search umap-learn delegates to pynndescent, made deterministic on any
 * number of threads.
 *
 * Each row keeps a max-heap of its k best neighbours so far, each entry
 * flagged new until it has taken part in a local join. An iteration:
 *   1. candidates: for each row, its new neighbours and the rows that hold
 *      it as a new neighbour (the reverse graph, built by a counting pass in
 *      row order), at most MAX_CANDIDATES of them, the ones with the lowest
 *      priority hash(seed, iteration, row, candidate); the same for old
 *      entries. A row's new entries that made it into its list turn old.
 *   2. local joins, by blocks of BLOCK rows in a fixed order: every pair of
 *      a row's candidates (new-new, new-old) is measured and offered to both
 *      ends' heaps if it beats the heap's worst. A block's joins run in
 *      parallel over fixed sub-ranges, each writing its offers into one
 *      buffer per target bucket (BUCKETS fixed slices of the rows); the
 *      offers are then applied bucket by bucket in parallel, each bucket
 *      taking the sub-ranges' buffers in order. So every heap receives the
 *      same offers in the same order whatever the thread count, and the
 *      blocks see each other's improvements (as pynndescent's blocks do).
 *   3. stop when fewer than DELTA n k offers were taken, or after
 *      max(5, round(log2 n)) iterations (umap-learn's n_iters).
 * The start is k random distinct rows per row from per-row streams. The
 * distances are squared, in float, straight from the coordinates; the final
 * lists are recomputed in double and sorted by (distance, index). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "umap_internal.h"

#define MAX_CANDIDATES 60 /* umap-learn's max_candidates */
#define DELTA 0.001       /* pynndescent's delta */
#define BLOCK 4096        /* rows whose joins are applied together */
#define SUB 128           /* rows per join range */
#define BUCKETS 64        /* target slices of the rows in the apply phase */

typedef struct {
    int32_t target, other;
    float d;
} offer_t;

typedef struct {
    offer_t *v;
    size_t n, cap;
    int failed; /* out of memory */
} offer_buf;

typedef struct {
    const ae_matrix *x;
    size_t n, d;
    int k;
    uint64_t seed;
    int iter;
    float *hd;      /* (n, k) squared distances, max-heaps */
    int32_t *hj;    /* (n, k) */
    uint8_t *hf;    /* (n, k) 1 = new */
    /* reverse graph of the new and old entries, CSR */
    size_t *rnew_ptr, *rold_ptr; /* (n + 1) */
    int32_t *rnew, *rold;        /* (n k) */
    /* candidate lists */
    int32_t *cnew, *cold; /* (n, MAX_CANDIDATES) */
    int *nnew, *nold;     /* (n) */
    float *cpri;          /* (n, MAX_CANDIDATES) scratch priorities, per row */
    /* the current block's offers: (SUB ranges of the block) x BUCKETS buffers */
    offer_buf *bufs;
    size_t block0, block1; /* rows of the block */
    size_t taken[BUCKETS];
} nnd;

static inline float sqdist(const float *a, const float *b, size_t d)
{
    float s = 0;
    for (size_t e = 0; e < d; e++) {
        float t = a[e] - b[e];
        s += t * t;
    }
    return s;
}

static void sift_down(float *d, int32_t *j, uint8_t *f, int k, int pos)
{
    float dv = d[pos];
    int32_t jv = j[pos];
    uint8_t fv = f[pos];
    for (;;) {
        int c = 2 * pos + 1;
        if (c >= k) break;
        if (c + 1 < k && d[c + 1] > d[c]) c++;
        if (d[c] <= dv) break;
        d[pos] = d[c], j[pos] = j[c], f[pos] = f[c];
        pos = c;
    }
    d[pos] = dv, j[pos] = jv, f[pos] = fv;
}

/* Pushes (dist, j) into row i's heap if it beats the worst and is not there. */
static int push(nnd *s, size_t i, float dist, int32_t j)
{
    float *d = s->hd + i * (size_t)s->k;
    int32_t *jj = s->hj + i * (size_t)s->k;
    uint8_t *f = s->hf + i * (size_t)s->k;
    if (!(dist < d[0])) return 0;
    for (int m = 0; m < s->k; m++)
        if (jj[m] == j) return 0;
    d[0] = dist, jj[0] = j, f[0] = 1;
    sift_down(d, jj, f, s->k, 0);
    return 1;
}

/* ---- start: k random distinct rows per row ---- */

static void random_start(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    nnd *s = ctx;
    int k = s->k;
    for (size_t i = lo; i < hi; i++) {
        uint64_t st = ae_umap_stream(s->seed, 0x737461727431ULL, i);
        float *d = s->hd + i * (size_t)k;
        int32_t *j = s->hj + i * (size_t)k;
        uint8_t *f = s->hf + i * (size_t)k;
        for (int m = 0; m < k; m++) d[m] = FLT_MAX, j[m] = -1, f[m] = 1;
        int have = 0;
        while (have < k) {
            int32_t c = (int32_t)ae_umap_below(&st, (uint32_t)s->n);
            if ((size_t)c == i) continue;
            int dup = 0;
            for (int m = 0; m < have && !dup; m++) dup = j[m] == c;
            if (dup) continue;
            /* fill the unsorted array first, then heapify below */
            d[have] = sqdist(ae_matrix_row(s->x, i), ae_matrix_row(s->x, (size_t)c), s->d);
            j[have] = c;
            have++;
        }
        for (int p = k / 2 - 1; p >= 0; p--) sift_down(d, j, f, k, p);
    }
}

/* ---- 1. candidates ---- */

/* The reverse graph of the new (flag 1) or old (flag 0) entries. */
static void build_reverse(nnd *s, int flag, size_t *ptr, int32_t *rev)
{
    size_t n = s->n, k = (size_t)s->k;
    memset(ptr, 0, (n + 1) * sizeof *ptr);
    for (size_t e = 0; e < n * k; e++)
        if (s->hf[e] == flag) ptr[s->hj[e] + 1]++;
    for (size_t i = 0; i < n; i++) ptr[i + 1] += ptr[i];
    /* fill in row order: ptr[u] advances to the end of u's list, then is shifted back */
    for (size_t e = 0; e < n * k; e++)
        if (s->hf[e] == flag) rev[ptr[s->hj[e]]++] = (int32_t)(e / k);
    for (size_t i = n; i > 0; i--) ptr[i] = ptr[i - 1];
    ptr[0] = 0;
}

/* Adds u to the list (c, pri, *m) of row i, keeping the MAX_CANDIDATES of
 * lowest priority (a max-"heap" by linear scan: the lists are short). */
static void add_candidate(const nnd *s, size_t i, int32_t u, int32_t *c, float *pri, int *m)
{
    for (int p = 0; p < *m; p++)
        if (c[p] == u) return;
    float pr = (float)(ae_umap_stream(s->seed ^ (uint64_t)s->iter, i, (uint64_t)u) >> 40);
    if (*m < MAX_CANDIDATES) {
        c[*m] = u, pri[*m] = pr, (*m)++;
        return;
    }
    int worst = 0;
    for (int p = 1; p < *m; p++)
        if (pri[p] > pri[worst] || (pri[p] == pri[worst] && c[p] > c[worst])) worst = p;
    if (pr < pri[worst] || (pr == pri[worst] && u < c[worst])) c[worst] = u, pri[worst] = pr;
}

static void candidates(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    nnd *s = ctx;
    size_t k = (size_t)s->k;
    for (size_t i = lo; i < hi; i++) {
        int32_t *cn = s->cnew + i * MAX_CANDIDATES, *co = s->cold + i * MAX_CANDIDATES;
        float *pri = s->cpri + i * MAX_CANDIDATES;
        int mn = 0, mo = 0;
        const int32_t *j = s->hj + i * k;
        uint8_t *f = s->hf + i * k;
        for (size_t m = 0; m < k; m++)
            if (f[m]) add_candidate(s, i, j[m], cn, pri, &mn);
        for (size_t e = s->rnew_ptr[i]; e < s->rnew_ptr[i + 1]; e++) add_candidate(s, i, s->rnew[e], cn, pri, &mn);
        for (size_t m = 0; m < k; m++)
            if (!f[m]) add_candidate(s, i, j[m], co, pri, &mo);
        for (size_t e = s->rold_ptr[i]; e < s->rold_ptr[i + 1]; e++) add_candidate(s, i, s->rold[e], co, pri, &mo);
        s->nnew[i] = mn, s->nold[i] = mo;
        /* entries that go into this join are old from now on */
        for (size_t m = 0; m < k; m++)
            if (f[m])
                for (int p = 0; p < mn; p++)
                    if (cn[p] == j[m]) {
                        f[m] = 0;
                        break;
                    }
    }
}

/* ---- 2. local joins and their offers ---- */

static size_t bucket_of(const nnd *s, size_t t) { return t * BUCKETS / s->n; }

static void emit(offer_buf *b, int32_t target, int32_t other, float d)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        offer_t *v = realloc(b->v, cap * sizeof *v);
        if (!v) {
            b->failed = 1;
            return;
        }
        b->v = v, b->cap = cap;
    }
    b->v[b->n++] = (offer_t){target, other, d};
}

static void offer_pair(nnd *s, offer_buf *bufs, int32_t p, int32_t q)
{
    float d = sqdist(ae_matrix_row(s->x, (size_t)p), ae_matrix_row(s->x, (size_t)q), s->d);
    if (d < s->hd[(size_t)p * (size_t)s->k]) emit(&bufs[bucket_of(s, (size_t)p)], p, q, d);
    if (d < s->hd[(size_t)q * (size_t)s->k]) emit(&bufs[bucket_of(s, (size_t)q)], q, p, d);
}

/* Join range r of the current block: rows [block0 + r SUB, ...). */
static void join_range(void *ctx, int r, int thread)
{
    (void)thread;
    nnd *s = ctx;
    offer_buf *bufs = s->bufs + (size_t)r * BUCKETS;
    size_t lo = s->block0 + (size_t)r * SUB, hi = lo + SUB < s->block1 ? lo + SUB : s->block1;
    for (size_t i = lo; i < hi; i++) {
        const int32_t *cn = s->cnew + i * MAX_CANDIDATES, *co = s->cold + i * MAX_CANDIDATES;
        int mn = s->nnew[i], mo = s->nold[i];
        for (int a = 0; a < mn; a++) {
            for (int b = a + 1; b < mn; b++) offer_pair(s, bufs, cn[a], cn[b]);
            for (int b = 0; b < mo; b++)
                if (cn[a] != co[b]) offer_pair(s, bufs, cn[a], co[b]);
        }
    }
}

static void apply_bucket(void *ctx, int b, int thread)
{
    (void)thread;
    nnd *s = ctx;
    size_t ranges = (s->block1 - s->block0 + SUB - 1) / SUB, got = 0;
    for (size_t r = 0; r < ranges; r++) {
        offer_buf *buf = &s->bufs[r * BUCKETS + (size_t)b];
        for (size_t e = 0; e < buf->n; e++) got += (size_t)push(s, (size_t)buf->v[e].target, buf->v[e].d, buf->v[e].other);
        buf->n = 0;
    }
    s->taken[b] += got;
}

/* ---- the final lists ---- */

static void finish_rows(void *ctx, size_t lo, size_t hi, int thread)
{
    (void)thread;
    nnd *s = ctx;
    int k = s->k;
    /* distances recomputed in double, rounded to float, insertion-sorted by (distance, index) */
    for (size_t i = lo; i < hi; i++) {
        int32_t *j = s->hj + i * (size_t)k;
        float *d = s->hd + i * (size_t)k;
        const float *a = ae_matrix_row(s->x, i);
        for (int m = 0; m < k; m++) {
            const float *b = ae_matrix_row(s->x, (size_t)j[m]);
            double t = 0;
            for (size_t e = 0; e < s->d; e++) {
                double u = (double)a[e] - (double)b[e];
                t += u * u;
            }
            float dv = (float)sqrt(t);
            int32_t jv = j[m];
            int p = m - 1;
            while (p >= 0 && (d[p] > dv || (d[p] == dv && j[p] > jv))) {
                d[p + 1] = d[p], j[p + 1] = j[p];
                p--;
            }
            d[p + 1] = dv, j[p + 1] = jv;
        }
    }
}

ae_status ae_umap_knn_nndescent(const ae_matrix *x, int k, uint64_t seed, int32_t *idx, float *dist, int *iters,
                                ae_error *err)
{
    size_t n = x->rows;
    if (iters) *iters = 0;
    if (k < 1 || (size_t)k >= n || n > INT32_MAX)
        return ae_fail(err, AE_ERR_ARG, "UMAP NN-descent: %d neighbours asked of %zu rows", k, n);
    nnd s = {.x = x, .n = n, .d = x->cols, .k = k, .seed = seed};
    size_t nk = n * (size_t)k;
    size_t max_ranges = (BLOCK + SUB - 1) / SUB;
    s.hd = dist, s.hj = idx; /* the heaps live in the outputs */
    s.hf = malloc(nk);
    s.rnew_ptr = malloc((n + 1) * sizeof *s.rnew_ptr), s.rold_ptr = malloc((n + 1) * sizeof *s.rold_ptr);
    s.rnew = malloc(nk * sizeof *s.rnew), s.rold = malloc(nk * sizeof *s.rold);
    s.cnew = malloc(n * MAX_CANDIDATES * sizeof *s.cnew), s.cold = malloc(n * MAX_CANDIDATES * sizeof *s.cold);
    s.nnew = malloc(n * sizeof *s.nnew), s.nold = malloc(n * sizeof *s.nold);
    s.cpri = malloc(n * MAX_CANDIDATES * sizeof *s.cpri);
    s.bufs = calloc(max_ranges * BUCKETS, sizeof *s.bufs);
    ae_status st = AE_OK;
    if (!s.hf || !s.rnew_ptr || !s.rold_ptr || !s.rnew || !s.rold || !s.cnew || !s.cold || !s.nnew || !s.nold ||
        !s.cpri || !s.bufs) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for NN-descent on %zu rows", n);
        goto done;
    }
    ae_pool *pool = ae_pool_shared();
    ae_pool_for(pool, n, ae_pool_grain(n, 256), random_start, &s);
    long lg = lround(log2((double)n));
    int max_iter = lg > 5 ? (int)lg : 5;
    for (s.iter = 0; s.iter < max_iter; s.iter++) {
        build_reverse(&s, 1, s.rnew_ptr, s.rnew);
        build_reverse(&s, 0, s.rold_ptr, s.rold);
        ae_pool_for(pool, n, ae_pool_grain(n, 256), candidates, &s);
        memset(s.taken, 0, sizeof s.taken);
        for (s.block0 = 0; s.block0 < n; s.block0 += BLOCK) {
            s.block1 = s.block0 + BLOCK < n ? s.block0 + BLOCK : n;
            int ranges = (int)((s.block1 - s.block0 + SUB - 1) / SUB);
            ae_pool_run(pool, ranges, join_range, &s);
            for (size_t b = 0; b < (size_t)ranges * BUCKETS; b++)
                if (s.bufs[b].failed) {
                    st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for NN-descent's updates (%zu rows)", n);
                    goto done;
                }
            ae_pool_run(pool, BUCKETS, apply_bucket, &s);
        }
        size_t taken = 0;
        for (int b = 0; b < BUCKETS; b++) taken += s.taken[b];
        if (iters) *iters = s.iter + 1;
        if ((double)taken <= DELTA * (double)nk) break;
    }
    ae_pool_for(pool, n, ae_pool_grain(n, 256), finish_rows, &s);
done:
    if (s.bufs)
        for (size_t b = 0; b < max_ranges * BUCKETS; b++) free(s.bufs[b].v);
    free(s.hf), free(s.rnew_ptr), free(s.rold_ptr), free(s.rnew), free(s.rold), free(s.cnew), free(s.cold);
    free(s.nnew), free(s.nold), free(s.cpri), free(s.bufs);
    return st;
}
