/* eps-neighbourhoods for DBSCAN: kd-tree range queries, or brute force over
 * GEMM tiles of squared distances |a|^2 + |b|^2 - 2 a.b (float32, on the
 * data centred on its column means). A GEMM distance carries a rounding
 * error of at most a few (d + 2) float epsilons times |a|^2 + |b|^2; pairs
 * within (2d + 16) FLT_EPSILON (|a|^2 + |b|^2) of eps^2 are decided by the
 * exact distance instead, so both sources give the same neighbourhoods. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/gemm_split.h"
#include "dbscan_internal.h"

#define QB AE_DBSCAN_QB
#define RB AE_DBSCAN_RB

void ae_dbscan_nbrs_free(ae_dbscan_nbrs *s)
{
    if (!s) return;
    ae_kdtree_free(&s->tree);
    free(s->lists);
    free(s->xc);
    free(s->norms);
    free(s->margin);
    free(s->tiles);
    memset(s, 0, sizeof *s);
}

ae_status ae_dbscan_nbrs_init(ae_dbscan_nbrs *s, const ae_matrix *x, double eps, int use_tree, int threads,
                              ae_error *err)
{
    memset(s, 0, sizeof *s);
    size_t n = x->rows, d = x->cols;
    s->x = x;
    s->n = n;
    s->d = (int)d;
    s->eps2 = eps * eps;
    s->use_tree = use_tree;
    s->threads = threads;
    if (use_tree) {
        ae_status st = ae_kdtree_build(x, &s->tree, err);
        if (st) return st;
        s->lists = malloc((size_t)threads * n * sizeof *s->lists);
        if (!s->lists) goto nomem;
        return AE_OK;
    }
    s->xc = malloc(n * d * sizeof *s->xc);
    s->norms = malloc(n * sizeof *s->norms);
    s->margin = malloc(n * sizeof *s->margin);
    s->tiles = malloc((size_t)threads * QB * RB * sizeof *s->tiles);
    double *mean = calloc(d, sizeof *mean);
    if (!s->xc || !s->norms || !s->margin || !s->tiles || !mean) {
        free(mean);
        goto nomem;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) mean[j] += x->data[i * d + j];
    for (size_t j = 0; j < d; j++) mean[j] /= (double)n;
    /* (2d + 16) epsilons for the GEMM and the centring, 8 more for the float test */
    const double k = (2.0 * (double)d + 24.0) * FLT_EPSILON;
    for (size_t i = 0; i < n; i++) {
        double q = 0;
        for (size_t j = 0; j < d; j++) {
            float v = (float)((double)x->data[i * d + j] - mean[j]);
            s->xc[i * d + j] = v;
            q += (double)v * v;
        }
        s->norms[i] = (float)q;
        s->margin[i] = (float)(k * q) + FLT_MIN;
    }
    /* eps^2 in float, widened by its own rounding and 4 epsilons of it */
    s->eps2_lo = (float)(s->eps2 * (1 - 4 * FLT_EPSILON));
    s->eps2_hi = (float)(s->eps2 * (1 + 4 * FLT_EPSILON));
    free(mean);
    return AE_OK;
nomem:
    ae_dbscan_nbrs_free(s);
    return ae_fail(err, AE_ERR_NOMEM, "DBSCAN: out of memory for the neighbourhoods of %zu x %zu points", n, d);
}

/* The exact squared distance of rows i and j of x (as ae_kd_dist2 on their doubles). */
static double exact_d2(const ae_matrix *x, size_t i, size_t j)
{
    const float *a = ae_matrix_row(x, i), *b = ae_matrix_row(x, j);
    double s = 0;
    for (size_t c = 0; c < x->cols; c++) {
        double e = (double)a[c] - (double)b[c];
        s += e * e;
    }
    return s;
}

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

/* Row i of a tile against columns r0 + [0, rn) (GEMM products g): calls
 * take(ctx, i, j) for each neighbour j. Eight columns at a time, in float,
 * a column is a sure neighbour below eps^2 - margin, surely not one above
 * eps^2 + margin (margin = the pair's GEMM rounding bound, plus the float
 * rounding of this test); only a block holding a candidate is looked at one
 * column at a time, and only a pair inside the band is recomputed exactly. */
static void tile_row(const ae_dbscan_nbrs *s, size_t i, const float *g, size_t r0, size_t rn,
                     void (*take)(void *ctx, size_t i, size_t j), void *ctx)
{
    const float *nr = s->norms + r0, *mr = s->margin + r0;
    const float ni = s->norms[i], mi = s->margin[i], lo = s->eps2_lo, hi = s->eps2_hi;
    size_t b = 0;
    for (; b + 8 <= rn; b += 8) {
        v8f gv, nv, mv;
        memcpy(&gv, g + b, sizeof gv);
        memcpy(&nv, nr + b, sizeof nv);
        memcpy(&mv, mr + b, sizeof mv);
        v8f d2 = ni + nv - 2.0f * gv, m = mi + mv;
        v8i cand = d2 <= hi + m;
        if (!(((cand[0] | cand[1]) | (cand[2] | cand[3])) | ((cand[4] | cand[5]) | (cand[6] | cand[7])))) continue;
        v8i sure = d2 < lo - m;
        for (int l = 0; l < 8; l++)
            if (sure[l] || (cand[l] && exact_d2(s->x, i, r0 + b + (size_t)l) <= s->eps2)) take(ctx, i, r0 + b + (size_t)l);
    }
    for (; b < rn; b++) {
        float d2 = ni + nr[b] - 2.0f * g[b], m = mi + mr[b];
        if (d2 < lo - m || (d2 <= hi + m && exact_d2(s->x, i, r0 + b) <= s->eps2)) take(ctx, i, r0 + b);
    }
}

static void count_one(void *ctx, size_t i, size_t j)
{
    (void)i;
    (void)j;
    ++*(int32_t *)ctx;
}

/* Tile of rows [q0, q0 + qn) against [r0, r0 + rn) into thread's buffer. */
static float *brute_tile(ae_dbscan_nbrs *s, int thread, size_t q0, size_t qn, size_t r0, size_t rn)
{
    float *g = s->tiles + (size_t)thread * QB * RB;
    ae_sgemm_split(false, true, (int)qn, (int)rn, s->d, 1.0f, s->xc + q0 * (size_t)s->d, s->d,
                   s->xc + r0 * (size_t)s->d, s->d, 0.0f, g, (int)rn);
    return g;
}

void ae_dbscan_nbrs_count(ae_dbscan_nbrs *s, size_t lo, size_t hi, int thread, int32_t *counts)
{
    if (s->use_tree) {
        for (size_t i = lo; i < hi; i++) {
            const double *q = s->tree.pts + (size_t)s->tree.pos[i] * (size_t)s->d;
            counts[i] = (int32_t)ae_kdtree_radius_count(&s->tree, q, s->eps2);
        }
        return;
    }
    for (size_t q0 = lo; q0 < hi; q0 += QB) {
        size_t qn = hi - q0 < QB ? hi - q0 : QB;
        for (size_t a = 0; a < qn; a++) counts[q0 + a] = 0;
        for (size_t r0 = 0; r0 < s->n; r0 += RB) {
            size_t rn = s->n - r0 < RB ? s->n - r0 : RB;
            const float *g = brute_tile(s, thread, q0, qn, r0, rn);
            for (size_t a = 0; a < qn; a++) tile_row(s, q0 + a, g + a * rn, r0, rn, count_one, &counts[q0 + a]);
        }
    }
}

void ae_dbscan_nbrs_visit(ae_dbscan_nbrs *s, size_t lo, size_t hi, const uint8_t *want, int thread,
                          ae_dbscan_pair_fn fn, void *ctx)
{
    if (s->use_tree) {
        int32_t *buf = s->lists + (size_t)thread * s->n;
        for (size_t i = lo; i < hi; i++) {
            if (want && !want[i]) continue;
            const double *q = s->tree.pts + (size_t)s->tree.pos[i] * (size_t)s->d;
            size_t m = ae_kdtree_radius_list(&s->tree, q, s->eps2, buf);
            for (size_t t = 0; t < m; t++) fn(ctx, i, (size_t)s->tree.perm[buf[t]]);
        }
        return;
    }
    for (size_t q0 = lo; q0 < hi; q0 += QB) {
        size_t qn = hi - q0 < QB ? hi - q0 : QB, any = 0;
        for (size_t a = 0; a < qn && want; a++) any += want[q0 + a] != 0;
        if (want && !any) continue;
        for (size_t r0 = 0; r0 < s->n; r0 += RB) {
            size_t rn = s->n - r0 < RB ? s->n - r0 : RB;
            const float *g = brute_tile(s, thread, q0, qn, r0, rn);
            for (size_t a = 0; a < qn; a++)
                if (!want || want[q0 + a]) tile_row(s, q0 + a, g + a * rn, r0, rn, fn, ctx);
        }
    }
}
