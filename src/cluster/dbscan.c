/* DBSCAN in three passes over the neighbourhoods, none of them stored whole:
 *
 * 1. count |N_eps(i)| for every point: core points have >= min_samples;
 * 2. join core points within eps of each other (union-find), the core-core
 *    pairs gathered in parallel for a batch of points whose neighbour counts
 *    add up to at most BATCH_PAIRS, then joined in order on one thread;
 *    components are numbered by their lowest-indexed core point;
 * 3. a non-core point takes the smallest number among its core neighbours'
 *    clusters, or -1.
 *
 * Why this is scikit-learn's labelling: dbscan_inner scans i = 0, 1, ... and
 * starts a new cluster at every core point not yet labelled, then labels by
 * depth-first search everything reachable through core points before it
 * moves on. A cluster is thus a component of the core graph, numbered in the
 * order of its lowest core index, and a border point is labelled by the
 * first (lowest-numbered) cluster with a core point within eps of it; the
 * order in which a search visits neighbours changes nothing. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pool.h"
#include "dbscan_internal.h"

#define BATCH_PAIRS ((size_t)4 << 20)
#define KD_GRAIN 256

ae_dbscan_opts ae_dbscan_defaults(void)
{
    return (ae_dbscan_opts){.eps = 0.5, .min_samples = 5, .algorithm = AE_DBSCAN_AUTO};
}

void ae_dbscan_result_free(ae_dbscan_result *r)
{
    if (!r) return;
    ae_labels_free(&r->labels);
    free(r->is_core);
    memset(r, 0, sizeof *r);
}

static int32_t uf_find(int32_t *parent, int32_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void uf_union(int32_t *parent, int32_t a, int32_t b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a < b)
        parent[b] = a;
    else if (b < a)
        parent[a] = b;
}

typedef struct {
    ae_dbscan_nbrs *nbrs;
    int32_t *counts;
    const uint8_t *core;
    /* pass 2: the batch's core-core pairs j < i, row i's from slot[i - b0] */
    size_t b0;
    size_t *slot;
    int32_t *fill, *pairs;
    /* pass 3 */
    const uint8_t *border;
    int32_t *labels;
} dbscan_ctx;

static void count_range(void *ctx, size_t lo, size_t hi, int thread)
{
    dbscan_ctx *c = ctx;
    ae_dbscan_nbrs_count(c->nbrs, lo, hi, thread, c->counts);
}

static void keep_core_pair(void *ctx, size_t i, size_t j)
{
    dbscan_ctx *c = ctx;
    if (j < i && c->core[j]) {
        size_t r = i - c->b0;
        c->pairs[c->slot[r] + (size_t)c->fill[r]++] = (int32_t)j;
    }
}

/* Rows [b0 + lo, b0 + hi) of the batch that starts at b0. */
static void pairs_range(void *ctx, size_t lo, size_t hi, int thread)
{
    dbscan_ctx *c = ctx;
    ae_dbscan_nbrs_visit(c->nbrs, c->b0 + lo, c->b0 + hi, c->core, thread, keep_core_pair, c);
}

static void border_pair(void *ctx, size_t i, size_t j)
{
    dbscan_ctx *c = ctx;
    if (c->core[j] && (c->labels[i] < 0 || c->labels[j] < c->labels[i])) c->labels[i] = c->labels[j];
}

static void border_range(void *ctx, size_t lo, size_t hi, int thread)
{
    dbscan_ctx *c = ctx;
    ae_dbscan_nbrs_visit(c->nbrs, lo, hi, c->border, thread, border_pair, c);
}

static ae_status check(const ae_matrix *x, const ae_dbscan_opts *o, ae_error *err)
{
    if (!x || !x->data || x->rows == 0 || x->cols == 0) return ae_fail(err, AE_ERR_ARG, "DBSCAN: no data");
    if (x->rows > (size_t)INT32_MAX / 4 || x->cols > 65536)
        return ae_fail(err, AE_ERR_ARG, "DBSCAN: %zu x %zu points are too many", x->rows, x->cols);
    if (!(o->eps > 0) || !isfinite(o->eps))
        return ae_fail(err, AE_ERR_ARG, "DBSCAN: eps must be finite and > 0, got %g", o->eps);
    if (o->min_samples < 1)
        return ae_fail(err, AE_ERR_ARG, "DBSCAN: min_samples must be at least 1, got %d", o->min_samples);
    if ((unsigned)o->algorithm > AE_DBSCAN_BRUTE)
        return ae_fail(err, AE_ERR_ARG, "DBSCAN: unknown algorithm %d", (int)o->algorithm);
    return ae_matrix_check_finite(x, "DBSCAN input", err);
}

ae_status ae_dbscan_fit(const ae_matrix *x, const ae_dbscan_opts *o, ae_dbscan_result *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    ae_dbscan_opts def = ae_dbscan_defaults();
    if (!o) o = &def;
    ae_status st = check(x, o, err);
    if (st) return st;
    const size_t n = x->rows;
    int use_tree = o->algorithm == AE_DBSCAN_KDTREE ||
                   (o->algorithm == AE_DBSCAN_AUTO && x->cols <= AE_DBSCAN_KDTREE_MAX_DIM);
    ae_pool *pool = ae_pool_shared();
    ae_dbscan_nbrs nbrs;
    if ((st = ae_dbscan_nbrs_init(&nbrs, x, o->eps, use_tree, ae_pool_threads(pool), err))) return st;
    int32_t *counts = malloc(n * sizeof *counts), *parent = malloc(n * sizeof *parent);
    uint8_t *core = calloc(n, 1), *border = calloc(n, 1);
    size_t batch_rows = n < BATCH_PAIRS ? n : BATCH_PAIRS;
    size_t *slot = malloc(batch_rows * sizeof *slot);
    int32_t *fill = malloc(batch_rows * sizeof *fill), *pairs = malloc(BATCH_PAIRS * sizeof *pairs);
    if (!counts || !parent || !core || !border || !slot || !fill || !pairs ||
        (st = ae_labels_alloc(&out->labels, n, err))) {
        if (!st) st = ae_fail(err, AE_ERR_NOMEM, "DBSCAN: out of memory for %zu points", n);
        goto done;
    }
    const size_t grain = use_tree ? KD_GRAIN : AE_DBSCAN_QB;
    dbscan_ctx c = {.nbrs = &nbrs, .counts = counts, .core = core, .slot = slot, .fill = fill, .pairs = pairs,
                    .border = border, .labels = out->labels.data};

    /* 1: counts and core points */
    ae_pool_for(pool, n, grain, count_range, &c);
    for (size_t i = 0; i < n; i++) {
        core[i] = counts[i] >= o->min_samples;
        out->n_core += core[i];
        parent[i] = (int32_t)i;
    }

    /* 2: components of the core graph, a batch of rows at a time */
    for (size_t b0 = 0; b0 < n;) {
        size_t b1 = b0, total = 0;
        while (b1 < n && b1 - b0 < batch_rows) {
            size_t need = core[b1] ? (size_t)counts[b1] : 0;
            if (b1 > b0 && total + need > BATCH_PAIRS) break;
            c.slot[b1 - b0] = total;
            c.fill[b1 - b0] = 0;
            total += need;
            b1++;
        }
        if (total > BATCH_PAIRS) { /* one point with more neighbours than a batch holds */
            int32_t *bigger = realloc(pairs, total * sizeof *pairs);
            if (!bigger) {
                st = ae_fail(err, AE_ERR_NOMEM, "DBSCAN: out of memory for %zu neighbours of row %zu", total, b0);
                goto done;
            }
            pairs = c.pairs = bigger;
        }
        c.b0 = b0;
        /* rows b0.. in ranges of `grain` counted from b0: the same split for any thread count */
        ae_pool_for(pool, b1 - b0, grain, pairs_range, &c);
        for (size_t i = b0; i < b1; i++)
            for (int32_t t = 0; t < fill[i - b0]; t++) uf_union(parent, (int32_t)i, pairs[slot[i - b0] + (size_t)t]);
        if (total > BATCH_PAIRS) {
            int32_t *smaller = realloc(pairs, BATCH_PAIRS * sizeof *pairs);
            if (smaller) pairs = c.pairs = smaller;
        }
        b0 = b1;
    }

    /* numbering by the lowest core index; every other point noise for now */
    int32_t *label = out->labels.data;
    int32_t next = 0;
    for (size_t i = 0; i < n; i++) label[i] = -1;
    for (size_t i = 0; i < n; i++) {
        if (!core[i]) continue;
        int32_t r = uf_find(parent, (int32_t)i);
        if (label[r] < 0) label[r] = next++;
        label[i] = label[r];
    }
    out->n_clusters = next;

    /* 3: border points */
    for (size_t i = 0; i < n; i++) border[i] = !core[i] && counts[i] > 1 && next > 0;
    ae_pool_for(pool, n, grain, border_range, &c);
    for (size_t i = 0; i < n; i++) out->n_noise += label[i] < 0;
    out->is_core = core;
    core = NULL;
done:
    if (st) ae_dbscan_result_free(out);
    ae_dbscan_nbrs_free(&nbrs);
    free(counts);
    free(parent);
    free(core);
    free(border);
    free(slot);
    free(fill);
    free(pairs);
    return st;
}
