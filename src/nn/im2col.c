#include "im2col.h"

#include <stdbool.h>
#include <string.h>

/* Kernels up to 11x11 keep their offsets' views on the stack. */
#define AE_IM2COL_MAX_TAPS 121

/* ---- contiguous runs ---- */

static inline void run_copy(float *restrict d, const float *restrict s, int n)
{
    if (n > 0) memcpy(d, s, (size_t)n * sizeof *d);
}

static inline void run_add(float *restrict d, const float *restrict s, int n)
{
#pragma omp simd
    for (int i = 0; i < n; i++) d[i] += s[i];
}

/* ---- one kernel offset over one plane ---- */

/* Where one kernel offset looks: window position (oy, ox) meets pixel
 * (oy s - py, ox s - px) of an (h, w) plane; window columns [lo, hi) land
 * inside it. */
typedef struct {
    int h, w, s, py, px;
    int lo, hi;
} tap_view;

static tap_view make_view(int h, int w, int s, int py, int px, int OW)
{
    tap_view v = {.h = h, .w = w, .s = s, .py = py, .px = px};
    int a = px <= 0 ? 0 : (px + s - 1) / s; /* ox s >= px */
    const int last = w - 1 + px;            /* ox s <= w - 1 + px */
    int b = last < 0 ? 0 : last / s + 1;
    if (b > OW) b = OW;
    if (a > b) a = b;
    v.lo = a;
    v.hi = b;
    return v;
}

/* win (OH, OW) = (add: +=) the pixels of img that v reads; zeros outside it. */
static void tap_gather(const tap_view *v, const float *restrict img, float *restrict win, int OH, int OW, bool add)
{
    const int s = v->s, lo = v->lo, hi = v->hi;
    for (int oy = 0; oy < OH; oy++, win += OW) {
        const int iy = oy * s - v->py;
        if (iy < 0 || iy >= v->h) {
            if (!add) memset(win, 0, (size_t)OW * sizeof *win);
            continue;
        }
        /* window column ox meets img[base + ox s]; base itself may lie before the row */
        const ptrdiff_t base = (ptrdiff_t)iy * v->w - v->px;
        if (add) {
            if (s == 1) {
                run_add(win + lo, img + base + lo, hi - lo);
            } else {
                for (int ox = lo; ox < hi; ox++) win[ox] += img[base + (ptrdiff_t)ox * s];
            }
            continue;
        }
        for (int ox = 0; ox < lo; ox++) win[ox] = 0.0f;
        if (s == 1) {
            run_copy(win + lo, img + base + lo, hi - lo);
        } else {
            for (int ox = lo; ox < hi; ox++) win[ox] = img[base + (ptrdiff_t)ox * s];
        }
        for (int ox = hi; ox < OW; ox++) win[ox] = 0.0f;
    }
}

/* The transpose of tap_gather with add: img += win (OH, OW) where v reads. */
static void tap_scatter(const tap_view *v, float *restrict img, const float *restrict win, int OH, int OW)
{
    const int s = v->s, lo = v->lo, hi = v->hi;
    for (int oy = 0; oy < OH; oy++, win += OW) {
        const int iy = oy * s - v->py;
        if (iy < 0 || iy >= v->h) continue;
        const ptrdiff_t base = (ptrdiff_t)iy * v->w - v->px;
        if (s == 1) {
            run_add(img + base + lo, win + lo, hi - lo);
        } else {
            for (int ox = lo; ox < hi; ox++) img[base + (ptrdiff_t)ox * s] += win[ox];
        }
    }
}

/* Offset (ki, kj) read straight from the (H, W) plane, stride S. */
static tap_view direct_view(const ae_im2col_geom *g, int ki, int kj)
{
    return make_view(g->H, g->W, g->S, g->pt - ki, g->pl - kj, g->OW);
}

/* ---- phase planes: strided access made contiguous ----
 *
 * With stride S > 1 pixel (y, x) goes to phase (y mod S, x mod S) at
 * (y / S, x / S); each phase is an (Hp, Wp) = (ceil(H/S), ceil(W/S)) plane,
 * zero past the image. Offset (ki, kj) then reads a single phase plane with
 * stride 1: row oy S - pt + ki = (oy + dy) S + a for a = (ki - pt) mod S,
 * dy = floor((ki - pt) / S). Splitting an image once (or merging it back)
 * replaces K*K strided passes over it with contiguous ones, which vectorise. */

static int phase_h(const ae_im2col_geom *g) { return (g->H + g->S - 1) / g->S; }
static int phase_w(const ae_im2col_geom *g) { return (g->W + g->S - 1) / g->S; }

size_t ae_im2col_tmp_floats(const ae_im2col_geom *g)
{
    return g->S > 1 ? (size_t)g->S * g->S * phase_h(g) * phase_w(g) : 0;
}

/* floor division for a positive divisor */
static int floor_div(int a, int s) { return a >= 0 ? a / s : -((-a + s - 1) / s); }

static tap_view phase_view(const ae_im2col_geom *g, int ki, int kj, int *phase)
{
    const int S = g->S, dy = floor_div(ki - g->pt, S), dx = floor_div(kj - g->pl, S);
    const int a = ki - g->pt - dy * S, b = kj - g->pl - dx * S;
    *phase = a * S + b;
    return make_view(phase_h(g), phase_w(g), 1, -dy, -dx, g->OW);
}

/* The views of all K*K offsets, worked out once per call rather than per plane. */
typedef struct {
    tap_view v[AE_IM2COL_MAX_TAPS];
    int phase[AE_IM2COL_MAX_TAPS];
    int n;
} tap_set;

static bool tap_set_init(tap_set *t, const ae_im2col_geom *g, bool phases)
{
    t->n = g->K * g->K;
    if (t->n > AE_IM2COL_MAX_TAPS) return false;
    for (int k = 0; k < t->n; k++) {
        t->phase[k] = 0;
        t->v[k] = phases ? phase_view(g, k / g->K, k % g->K, &t->phase[k]) : direct_view(g, k / g->K, k % g->K);
    }
    return true;
}

/* Offset k's view: from the set, or worked out now for kernels too large for it. */
static tap_view tap_at(const tap_set *t, bool have, const ae_im2col_geom *g, bool phases, int k, int *phase)
{
    if (have) {
        *phase = t->phase[k];
        return t->v[k];
    }
    *phase = 0;
    return phases ? phase_view(g, k / g->K, k % g->K, phase) : direct_view(g, k / g->K, k % g->K);
}

/* ph (S*S, Hp, Wp) = the phases of img (H, W). */
static void split_phases(const ae_im2col_geom *g, const float *restrict img, float *restrict ph)
{
    const int S = g->S, H = g->H, W = g->W, Hp = phase_h(g), Wp = phase_w(g);
    const size_t plane = (size_t)Hp * Wp;
    memset(ph, 0, (size_t)S * S * plane * sizeof *ph);
    for (int y = 0; y < H; y++) {
        const float *row = img + (size_t)y * W;
        float *dst = ph + (size_t)(y % S) * S * plane + (size_t)(y / S) * Wp; /* phase (y mod S, 0), row y / S */
        if (S == 2) { /* the common case, with a constant stride the compiler vectorises */
            float *d0 = dst, *d1 = dst + plane;
            const int n = W / 2;
            for (int x = 0; x < n; x++) {
                d0[x] = row[2 * x];
                d1[x] = row[2 * x + 1];
            }
            if (W % 2) d0[n] = row[W - 1];
        } else {
            for (int x = 0; x < W; x++) dst[(size_t)(x % S) * plane + x / S] = row[x];
        }
    }
}

/* img (H, W) = the pixels of its phases ph (S*S, Hp, Wp) (the zero tails dropped). */
static void merge_phases(const ae_im2col_geom *g, const float *restrict ph, float *restrict img)
{
    const int S = g->S, H = g->H, W = g->W, Hp = phase_h(g), Wp = phase_w(g);
    const size_t plane = (size_t)Hp * Wp;
    for (int y = 0; y < H; y++) {
        float *row = img + (size_t)y * W;
        const float *src = ph + (size_t)(y % S) * S * plane + (size_t)(y / S) * Wp;
        if (S == 2) {
            const float *s0 = src, *s1 = src + plane;
            const int n = W / 2;
            for (int x = 0; x < n; x++) {
                row[2 * x] = s0[x];
                row[2 * x + 1] = s1[x];
            }
            if (W % 2) row[W - 1] = s0[n];
        } else {
            for (int x = 0; x < W; x++) row[x] = src[(size_t)(x % S) * plane + x / S];
        }
    }
}

/* ---- the four batch operations ---- */

void ae_im2col(const ae_im2col_geom *g, const float *x, int B, float *col, float *tmp)
{
    const int C = g->C, KK = g->K * g->K, OH = g->OH, OW = g->OW;
    const size_t P = (size_t)OH * OW, N = (size_t)B * P, HW = (size_t)g->H * g->W;
    const bool phases = g->S > 1;
    const size_t plane = phases ? (size_t)phase_h(g) * phase_w(g) : 0;
    tap_set t;
    const bool have = tap_set_init(&t, g, phases);
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++) {
            const float *img = x + ((size_t)b * C + c) * HW; /* (H, W) */
            if (phases) split_phases(g, img, tmp);
            for (int k = 0; k < KK; k++) {
                int ph;
                const tap_view v = tap_at(&t, have, g, phases, k, &ph);
                float *win = col + ((size_t)c * KK + k) * N + (size_t)b * P; /* (OH, OW) */
                tap_gather(&v, phases ? tmp + (size_t)ph * plane : img, win, OH, OW, false);
            }
        }
}

void ae_col2im(const ae_im2col_geom *g, const float *col, int B, float *x, float *tmp)
{
    const int C = g->C, KK = g->K * g->K, OH = g->OH, OW = g->OW;
    const size_t P = (size_t)OH * OW, N = (size_t)B * P, HW = (size_t)g->H * g->W;
    const bool phases = g->S > 1;
    const size_t plane = phases ? (size_t)phase_h(g) * phase_w(g) : 0;
    tap_set t;
    const bool have = tap_set_init(&t, g, phases);
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++) {
            float *img = x + ((size_t)b * C + c) * HW; /* (H, W) */
            float *acc = phases ? tmp : img;           /* (S*S, Hp, Wp) or (H, W) */
            memset(acc, 0, (phases ? (size_t)g->S * g->S * plane : HW) * sizeof *acc);
            for (int k = 0; k < KK; k++) {
                int ph;
                const tap_view v = tap_at(&t, have, g, phases, k, &ph);
                const float *win = col + ((size_t)c * KK + k) * N + (size_t)b * P; /* (OH, OW) */
                tap_scatter(&v, acc + (size_t)ph * plane, win, OH, OW);
            }
            if (phases) merge_phases(g, tmp, img);
        }
}

/* Each z plane meets one offset only, so the shift operations read it strided
 * directly (phases would not be reused). */
void ae_shift_sum(const ae_im2col_geom *g, const float *z, int B, float *out)
{
    const int C = g->C, KK = g->K * g->K;
    const size_t P = (size_t)g->OH * g->OW, HW = (size_t)g->H * g->W;
    tap_set t;
    const bool have = tap_set_init(&t, g, false);
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++) {
            float *o = out + ((size_t)b * C + c) * P; /* (OH, OW) */
            for (int k = 0; k < KK; k++) {
                int ph;
                const tap_view v = tap_at(&t, have, g, false, k, &ph);
                tap_gather(&v, z + (((size_t)c * KK + k) * B + b) * HW, o, g->OH, g->OW, k > 0);
            }
        }
}

void ae_shift_spread(const ae_im2col_geom *g, const float *out, int B, float *z)
{
    const int C = g->C, KK = g->K * g->K;
    const size_t P = (size_t)g->OH * g->OW, HW = (size_t)g->H * g->W;
    tap_set t;
    const bool have = tap_set_init(&t, g, false);
    memset(z, 0, (size_t)C * KK * B * HW * sizeof *z);
    for (int c = 0; c < C; c++)
        for (int k = 0; k < KK; k++) {
            int ph;
            const tap_view v = tap_at(&t, have, g, false, k, &ph);
            for (int b = 0; b < B; b++)
                tap_scatter(&v, z + (((size_t)c * KK + k) * B + b) * HW, out + ((size_t)b * C + c) * P, g->OH, g->OW);
        }
}

void ae_swap01(const float *src, int n0, int n1, size_t p, float *dst)
{
    for (int i0 = 0; i0 < n0; i0++)
        for (int i1 = 0; i1 < n1; i1++)
            memcpy(dst + ((size_t)i1 * n0 + i0) * p, src + ((size_t)i0 * n1 + i1) * p, p * sizeof *dst);
}
