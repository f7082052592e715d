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
    const double k = (2.0 * (double)d + 16.0) * FLT_EPSILON;
    for (size_t i = 0; i < n; i++) {
        double q = 0;
        for (size_t j = 0; j < d; j++) {
            float v = (float)((double)x->data[i * d + j] - mean[j]);
            s->xc[i * d + j] = v;
            q += (double)v * v;
        }
        s->norms[i] = (float)q;
        s->margin[i] = k * q;
    }
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

/* Whether i and j are within eps, from their GEMM product g. */
static inline int brute_near(const ae_dbscan_nbrs *s, size_t i, size_t j, float g)
{
    double d2 = (double)s->norms[i] + (double)s->norms[j] - 2.0 * (double)g;
    double m = s->margin[i] + s->margin[j] + 4 * DBL_MIN;
    if (d2 < s->eps2 - m) return 1;
    if (d2 > s->eps2 + m) return 0;
    return exact_d2(s->x, i, j) <= s->eps2;
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
            for (size_t a = 0; a < qn; a++) {
                int32_t c = 0;
                for (size_t b = 0; b < rn; b++) c += brute_near(s, q0 + a, r0 + b, g[a * rn + b]);
                counts[q0 + a] += c;
            }
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
            for (size_t a = 0; a < qn; a++) {
                if (want && !want[q0 + a]) continue;
                for (size_t b = 0; b < rn; b++)
                    if (brute_near(s, q0 + a, r0 + b, g[a * rn + b])) fn(ctx, q0 + a, r0 + b);
            }
        }
    }
}
