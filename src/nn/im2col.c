#include "im2col.h"

#include <stdbool.h>
#include <string.h>

int ae_conv_chunk_rows(size_t per_row, int B)
{
    size_t n = per_row ? AE_CONV_CHUNK_FLOATS / per_row : (size_t)B;
    if (n < 1) n = 1;
    if (n > (size_t)B) n = (size_t)B;
    return (int)n;
}

/* Window columns ox in [*lo, *hi) whose pixel column ox S - pl + kj lies inside [0, W). */
static void valid_span(const ae_im2col_geom *g, int kj, int *lo, int *hi)
{
    const int S = g->S, first = g->pl - kj; /* ox S >= pl - kj */
    int a = first <= 0 ? 0 : (first + S - 1) / S;
    const int last = g->W - 1 + g->pl - kj; /* ox S <= W - 1 + pl - kj */
    int b = last < 0 ? 0 : last / S + 1;
    if (b > g->OW) b = g->OW;
    if (a > b) a = b;
    *lo = a;
    *hi = b;
}

/* win (OH, OW) = (add: +=) the pixels of img (H, W) that kernel offset (ki, kj)
 * reads at each window position; zeros outside the image. */
static void plane_gather(const ae_im2col_geom *g, int ki, int kj, const float *restrict img, float *restrict win,
                         bool add)
{
    const int H = g->H, W = g->W, S = g->S, OH = g->OH, OW = g->OW;
    int lo, hi;
    valid_span(g, kj, &lo, &hi);
    for (int oy = 0; oy < OH; oy++, win += OW) {
        const int iy = oy * S - g->pt + ki;
        if (iy < 0 || iy >= H) {
            if (!add) memset(win, 0, (size_t)OW * sizeof *win);
            continue;
        }
        /* window column ox meets img[base + ox S]; base itself may lie before the row */
        const ptrdiff_t base = (ptrdiff_t)iy * W - g->pl + kj;
        if (add) {
            if (S == 1) {
#pragma omp simd
                for (int ox = lo; ox < hi; ox++) win[ox] += img[base + ox];
            } else {
                for (int ox = lo; ox < hi; ox++) win[ox] += img[base + (ptrdiff_t)ox * S];
            }
            continue;
        }
        for (int ox = 0; ox < lo; ox++) win[ox] = 0.0f;
        if (S == 1) {
            if (hi > lo) memcpy(win + lo, img + base + lo, (size_t)(hi - lo) * sizeof *win);
        } else {
            for (int ox = lo; ox < hi; ox++) win[ox] = img[base + (ptrdiff_t)ox * S];
        }
        for (int ox = hi; ox < OW; ox++) win[ox] = 0.0f;
    }
}

/* The transpose of plane_gather with add: img (H, W) += win (OH, OW) at kernel offset (ki, kj). */
static void plane_scatter(const ae_im2col_geom *g, int ki, int kj, float *restrict img, const float *restrict win)
{
    const int H = g->H, W = g->W, S = g->S, OH = g->OH, OW = g->OW;
    int lo, hi;
    valid_span(g, kj, &lo, &hi);
    for (int oy = 0; oy < OH; oy++, win += OW) {
        const int iy = oy * S - g->pt + ki;
        if (iy < 0 || iy >= H) continue;
        const ptrdiff_t base = (ptrdiff_t)iy * W - g->pl + kj;
        if (S == 1) {
#pragma omp simd
            for (int ox = lo; ox < hi; ox++) img[base + ox] += win[ox];
        } else {
            for (int ox = lo; ox < hi; ox++) img[base + (ptrdiff_t)ox * S] += win[ox];
        }
    }
}

void ae_im2col(const ae_im2col_geom *g, const float *x, int B, float *col)
{
    const int C = g->C, K = g->K;
    const size_t P = (size_t)g->OH * g->OW, N = (size_t)B * P, HW = (size_t)g->H * g->W;
    for (int c = 0; c < C; c++)
        for (int k = 0; k < K * K; k++)
            for (int b = 0; b < B; b++)
                plane_gather(g, k / K, k % K, x + ((size_t)b * C + c) * HW, col + ((size_t)c * K * K + k) * N + (size_t)b * P,
                             false);
}

void ae_col2im(const ae_im2col_geom *g, const float *col, int B, float *x)
{
    const int C = g->C, K = g->K;
    const size_t P = (size_t)g->OH * g->OW, N = (size_t)B * P, HW = (size_t)g->H * g->W;
    memset(x, 0, (size_t)B * C * HW * sizeof *x);
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++)
            for (int k = 0; k < K * K; k++)
                plane_scatter(g, k / K, k % K, x + ((size_t)b * C + c) * HW,
                              col + ((size_t)c * K * K + k) * N + (size_t)b * P);
}

void ae_shift_sum(const ae_im2col_geom *g, const float *z, int B, float *out)
{
    const int C = g->C, K = g->K;
    const size_t P = (size_t)g->OH * g->OW, HW = (size_t)g->H * g->W;
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++) {
            float *o = out + ((size_t)b * C + c) * P; /* (OH, OW) */
            for (int k = 0; k < K * K; k++)
                plane_gather(g, k / K, k % K, z + (((size_t)c * K * K + k) * B + b) * HW, o, k > 0);
        }
}

void ae_shift_spread(const ae_im2col_geom *g, const float *out, int B, float *z)
{
    const int C = g->C, K = g->K;
    const size_t P = (size_t)g->OH * g->OW, HW = (size_t)g->H * g->W;
    memset(z, 0, (size_t)C * K * K * B * HW * sizeof *z);
    for (int c = 0; c < C; c++)
        for (int k = 0; k < K * K; k++)
            for (int b = 0; b < B; b++)
                plane_scatter(g, k / K, k % K, z + (((size_t)c * K * K + k) * B + b) * HW,
                              out + ((size_t)b * C + c) * P);
}

void ae_swap01(const float *src, int n0, int n1, size_t p, float *dst)
{
    for (int i0 = 0; i0 < n0; i0++)
        for (int i1 = 0; i1 < n1; i1++)
            memcpy(dst + ((size_t)i1 * n0 + i0) * p, src + ((size_t)i0 * n1 + i1) * p, p * sizeof *dst);
}
