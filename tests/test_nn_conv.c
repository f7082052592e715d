/* The image layers: conv2d and conv2d_transpose against direct (naive)
 * convolution written here from the definitions, batches split into chunks
 * and threads against the same samples one at a time (and the same bits run
 * after run), the GEMM splitter (the pool itself: test_pool.c), max-pool
 * routing, up-sampling, reshape and flatten by hand. Their finite-difference
 * gradient checks (every image layer over strides 1-3, same/valid/pP, odd
 * sizes, and a model with every image layer) are cases of test_nn_layers.c. */
#include "test_util.h"

#include "aeclust/nn.h"
#include "aeclust/rng.h"
#include "core/gemm.h"
#include "core/gemm_split.h"
#include "nn_fd.h"
#include "nn_layer_fixture.h"

/* ---- direct convolution, from the definitions ---- */

typedef enum { VALID, SAME, EXPLICIT } pad_kind;

/* Output size and leading pad of one axis of a forward window, written out
 * from Keras' and PyTorch's documented rules. */
static void fwd_axis(int in, int k, int s, pad_kind pk, int p, int *out, int *lead)
{
    if (pk == VALID) {
        *out = (in - k) / s + 1;
        *lead = 0;
    } else if (pk == SAME) {
        *out = (in + s - 1) / s;
        int total = (*out - 1) * s + k - in;
        *lead = total > 0 ? total / 2 : 0;
    } else {
        *out = (in + 2 * p - k) / s + 1;
        *lead = p;
    }
}

/* y (B, F, OH, OW) = b + W (F, C, K, K) * x (B, C, H, W) at stride S with leading pads pt, pl. */
static void naive_conv(const float *x, int B, int C, int H, int W, const float *w, const float *b, int F, int K, int S,
                       int pt, int pl, int OH, int OW, float *y)
{
    for (int n = 0; n < B; n++)
        for (int f = 0; f < F; f++)
            for (int oy = 0; oy < OH; oy++)
                for (int ox = 0; ox < OW; ox++) {
                    double acc = b[f];
                    for (int c = 0; c < C; c++)
                        for (int ki = 0; ki < K; ki++)
                            for (int kj = 0; kj < K; kj++) {
                                int iy = oy * S - pt + ki, ix = ox * S - pl + kj;
                                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                                acc += (double)w[((f * C + c) * K + ki) * K + kj] * x[((n * C + c) * H + iy) * W + ix];
                            }
                    y[((n * F + f) * OH + oy) * OW + ox] = (float)acc;
                }
}

/* y (B, F, OH, OW) = b + the scatter of x (B, C, H, W) through W (C, F, K, K):
 * input pixel (iy, ix) adds w * x at output (iy S + ki - ct, ix S + kj - cl). */
static void naive_convt(const float *x, int B, int C, int H, int W, const float *w, const float *b, int F, int K, int S,
                        int ct, int cl, int OH, int OW, float *y)
{
    double *acc = calloc((size_t)B * F * OH * OW, sizeof *acc);
    for (int n = 0; n < B; n++)
        for (int c = 0; c < C; c++)
            for (int iy = 0; iy < H; iy++)
                for (int ix = 0; ix < W; ix++)
                    for (int f = 0; f < F; f++)
                        for (int ki = 0; ki < K; ki++)
                            for (int kj = 0; kj < K; kj++) {
                                int oy = iy * S + ki - ct, ox = ix * S + kj - cl;
                                if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
                                acc[((n * F + f) * OH + oy) * OW + ox] +=
                                    (double)w[((c * F + f) * K + ki) * K + kj] * x[((n * C + c) * H + iy) * W + ix];
                            }
    for (int n = 0; n < B; n++)
        for (int f = 0; f < F; f++)
            for (int i = 0; i < OH * OW; i++)
                y[(n * F + f) * OH * OW + i] = (float)(acc[(n * F + f) * OH * OW + i] + b[f]);
    free(acc);
}

typedef struct {
    int C, H, W, F, K, S;
    pad_kind pk;
    int p, op; /* pP, opQ */
    int B;
} conv_cfg;

static void cfg_item(const char *kind, const conv_cfg *c, char *buf, size_t n)
{
    char pad[32];
    if (c->pk == VALID)
        snprintf(pad, sizeof pad, "valid");
    else if (c->pk == SAME)
        snprintf(pad, sizeof pad, "same");
    else if (c->op)
        snprintf(pad, sizeof pad, "p%d op%d", c->p, c->op);
    else
        snprintf(pad, sizeof pad, "p%d", c->p);
    snprintf(buf, n, "%s %d %d s%d %s linear", kind, c->F, c->K, c->S, pad);
}

static void expect_close_arrays(const char *what, const float *got, const float *want, size_t n, double tol)
{
    for (size_t i = 0; i < n; i++)
        if (!(fabs(got[i] - want[i]) <= tol * (1.0 + fabs(want[i]))))
            fail_msg("%s[%zu] = %.8g, expected %.8g", what, i, (double)got[i], (double)want[i]);
}

static void check_conv_forward(const conv_cfg *c, ae_rng *rng)
{
    char item[96];
    cfg_item("conv2d", c, item, sizeof item);
    layer_fixture f;
    fixture_make(&f, item, shape3(c->C, c->H, c->W), c->B);
    int oh, ow, pt, pl;
    fwd_axis(c->H, c->K, c->S, c->pk, c->p, &oh, &pt);
    fwd_axis(c->W, c->K, c->S, c->pk, c->p, &ow, &pl);
    if (f.l.out.dim[0] != c->F || f.l.out.dim[1] != oh || f.l.out.dim[2] != ow)
        fail_msg("%s on %dx%d: output %dx%dx%d, expected %dx%dx%d", item, c->H, c->W, f.l.out.dim[0], f.l.out.dim[1],
                 f.l.out.dim[2], c->F, oh, ow);
    size_t nin = (size_t)c->B * fixture_in_size(&f), nout = (size_t)c->B * fixture_out_size(&f);
    float *x = malloc(nin * sizeof *x), *y = malloc(nout * sizeof *y), *ref = malloc(nout * sizeof *ref);
    fill_uniform(x, nin, -1, 1, rng);
    fill_uniform(f.params, f.l.n_params, -0.5, 0.5, rng);
    f.l.ops->forward(&f.l, x, y, c->B);
    const float *bias = f.params + (size_t)c->F * c->C * c->K * c->K;
    naive_conv(x, c->B, c->C, c->H, c->W, f.params, bias, c->F, c->K, c->S, pt, pl, oh, ow, ref);
    expect_close_arrays(item, y, ref, nout, 1e-5);
    free(x);
    free(y);
    free(ref);
    fixture_free(&f);
}

/* Output size and crop of one axis of conv2d_transpose (Keras same/valid, PyTorch pP opQ). */
static void t_axis(int in, int k, int s, pad_kind pk, int p, int op, int *out, int *crop)
{
    if (pk == SAME) {
        *out = in * s;
        *crop = k > s ? (k - s) / 2 : 0;
    } else if (pk == VALID) {
        *out = in * s + (k > s ? k - s : 0);
        *crop = 0;
    } else {
        *out = (in - 1) * s - 2 * p + k + op;
        *crop = p;
    }
}

static void check_convt_forward(const conv_cfg *c, ae_rng *rng)
{
    char item[96];
    cfg_item("conv2d_transpose", c, item, sizeof item);
    layer_fixture f;
    fixture_make(&f, item, shape3(c->C, c->H, c->W), c->B);
    int oh, ow, ct, cl;
    t_axis(c->H, c->K, c->S, c->pk, c->p, c->op, &oh, &ct);
    t_axis(c->W, c->K, c->S, c->pk, c->p, c->op, &ow, &cl);
    if (f.l.out.dim[0] != c->F || f.l.out.dim[1] != oh || f.l.out.dim[2] != ow)
        fail_msg("%s on %dx%d: output %dx%dx%d, expected %dx%dx%d", item, c->H, c->W, f.l.out.dim[0], f.l.out.dim[1],
                 f.l.out.dim[2], c->F, oh, ow);
    size_t nin = (size_t)c->B * fixture_in_size(&f), nout = (size_t)c->B * fixture_out_size(&f);
    float *x = malloc(nin * sizeof *x), *y = malloc(nout * sizeof *y), *ref = malloc(nout * sizeof *ref);
    fill_uniform(x, nin, -1, 1, rng);
    fill_uniform(f.params, f.l.n_params, -0.5, 0.5, rng);
    f.l.ops->forward(&f.l, x, y, c->B);
    const float *bias = f.params + (size_t)c->F * c->C * c->K * c->K;
    naive_convt(x, c->B, c->C, c->H, c->W, f.params, bias, c->F, c->K, c->S, ct, cl, oh, ow, ref);
    expect_close_arrays(item, y, ref, nout, 1e-5);
    free(x);
    free(y);
    free(ref);
    fixture_free(&f);
}

static void test_conv_forward_vs_naive(void **state)
{
    (void)state;
    ae_rng rng;
    ae_rng_seed(&rng, 31);
    /* hand-checked sizes: 28 same s2 -> 14 (pad 0 top, 1 bottom); 7x5 valid K3 s2 -> 3x2; 5x6 p2 s3 K4 -> 2x2 */
    int o, lead;
    fwd_axis(28, 3, 2, SAME, 0, &o, &lead);
    assert_int_equal(o, 14);
    assert_int_equal(lead, 0);
    fwd_axis(5, 3, 1, SAME, 0, &o, &lead);
    assert_int_equal(o, 5);
    assert_int_equal(lead, 1);
    const conv_cfg cs[] = {
        {.C = 1, .H = 28, .W = 28, .F = 16, .K = 3, .S = 2, .pk = SAME, .B = 3}, /* seed 000's first layer */
        {.C = 16, .H = 14, .W = 14, .F = 8, .K = 3, .S = 2, .pk = SAME, .B = 2}, /* its second */
        {.C = 16, .H = 28, .W = 28, .F = 1, .K = 3, .S = 1, .pk = SAME, .B = 2}, /* the output layer: products first */
        {.C = 3, .H = 7, .W = 5, .F = 4, .K = 3, .S = 2, .pk = VALID, .B = 2},
        {.C = 2, .H = 5, .W = 6, .F = 3, .K = 4, .S = 3, .pk = EXPLICIT, .p = 2, .B = 2},
        {.C = 8, .H = 9, .W = 7, .F = 1, .K = 3, .S = 2, .pk = SAME, .B = 2},  /* products first at stride 2 */
        {.C = 5, .H = 6, .W = 6, .F = 2, .K = 5, .S = 1, .pk = SAME, .B = 1},  /* pads 2 and 2 */
        {.C = 2, .H = 4, .W = 4, .F = 3, .K = 1, .S = 1, .pk = VALID, .B = 2}, /* 1x1 */
        {.C = 3, .H = 2, .W = 3, .F = 2, .K = 5, .S = 2, .pk = SAME, .B = 2},  /* kernel wider than the image */
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) check_conv_forward(&cs[i], &rng);
    const conv_cfg ts[] = {
        {.C = 8, .H = 7, .W = 7, .F = 8, .K = 3, .S = 2, .pk = SAME, .B = 2}, /* seed 000's decoder */
        {.C = 8, .H = 14, .W = 14, .F = 16, .K = 3, .S = 2, .pk = SAME, .B = 2},
        {.C = 3, .H = 3, .W = 4, .F = 2, .K = 3, .S = 2, .pk = EXPLICIT, .p = 1, .op = 1, .B = 2},
        {.C = 2, .H = 4, .W = 3, .F = 3, .K = 3, .S = 1, .pk = VALID, .B = 2},
        {.C = 2, .H = 3, .W = 2, .F = 2, .K = 2, .S = 3, .pk = VALID, .B = 1}, /* K < S: gaps */
        {.C = 2, .H = 3, .W = 3, .F = 2, .K = 5, .S = 2, .pk = SAME, .B = 2},  /* crop 1 */
        {.C = 1, .H = 5, .W = 4, .F = 3, .K = 4, .S = 3, .pk = EXPLICIT, .p = 2, .op = 2, .B = 2},
    };
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) check_convt_forward(&ts[i], &rng);
}

/* ---- a batch in chunks, on several threads, equals its samples one at a time ---- */

/* Runs item over a batch of B on pool and compares outputs and gradients
 * with one sample at a time on the calling thread; then runs the batch again
 * and wants the very same bits (chunk slots are summed in chunk order,
 * whichever thread ran them). */
static void check_chunked(const char *item, ae_shape in, int B, ae_pool *pool, ae_rng *rng)
{
    layer_fixture whole, one;
    fixture_make_pool(&whole, item, in, B, pool);
    fixture_make(&one, item, in, 1);
    const size_t ni = fixture_in_size(&whole), no = fixture_out_size(&whole), np = whole.l.n_params;
    float *x = malloc((size_t)B * ni * sizeof *x), *y = malloc((size_t)B * no * sizeof *y);
    float *r = malloc((size_t)B * no * sizeof *r), *dy = malloc((size_t)B * no * sizeof *dy);
    float *dx = malloc((size_t)B * ni * sizeof *dx), *y1 = malloc(no * sizeof *y1), *dy1 = malloc(no * sizeof *dy1);
    float *dx1 = malloc(ni * sizeof *dx1), *g_again = malloc(np * sizeof *g_again);
    float *dx_again = malloc((size_t)B * ni * sizeof *dx_again);
    double *gsum = calloc(np, sizeof *gsum);
    fill_uniform(x, (size_t)B * ni, -1, 1, rng);
    fill_uniform(r, (size_t)B * no, -1, 1, rng);
    fill_uniform(whole.params, np, -0.5, 0.5, rng);
    memcpy(one.params, whole.params, np * sizeof(float));
    whole.l.ops->forward(&whole.l, x, y, B);
    memcpy(dy, r, (size_t)B * no * sizeof *dy);
    whole.l.ops->backward(&whole.l, x, y, dy, dx, B, 0);
    for (int b = 0; b < B; b++) {
        one.l.ops->forward(&one.l, x + (size_t)b * ni, y1, 1);
        expect_close_arrays(item, y + (size_t)b * no, y1, no, 1e-6);
        memcpy(dy1, r + (size_t)b * no, no * sizeof *dy1);
        one.l.ops->backward(&one.l, x + (size_t)b * ni, y1, dy1, dx1, 1, 0);
        expect_close_arrays("input gradient", dx + (size_t)b * ni, dx1, ni, 1e-5);
        for (size_t p = 0; p < np; p++) gsum[p] += one.grads[p];
    }
    for (size_t p = 0; p < np; p++)
        if (!(fabs(whole.grads[p] - gsum[p]) <= 1e-4 * (1 + fabs(gsum[p]))))
            fail_msg("%s: parameter gradient %zu = %.8g, per-sample sum %.8g", item, p, (double)whole.grads[p],
                     gsum[p]);
    memcpy(g_again, whole.grads, np * sizeof *g_again);
    for (int rep = 0; rep < 3; rep++) {
        whole.l.ops->forward(&whole.l, x, y, B);
        memcpy(dy, r, (size_t)B * no * sizeof *dy);
        whole.l.ops->backward(&whole.l, x, y, dy, dx_again, B, 0);
        assert_memory_equal(whole.grads, g_again, np * sizeof *g_again);
        assert_memory_equal(dx, dx_again, (size_t)B * ni * sizeof *dx);
    }
    free(x);
    free(y);
    free(r);
    free(dy);
    free(dx);
    free(y1);
    free(dy1);
    free(dx1);
    free(g_again);
    free(dx_again);
    free(gsum);
    fixture_free(&whole);
    fixture_free(&one);
}

/* On the calling thread alone, sizes that take a batch in several
 * sub-chunks; on three threads (helpers run even with fewer cores), up to 16
 * chunks claimed in whatever order the threads get to them. */
static void test_chunked_batches(void **state)
{
    (void)state;
    ae_rng rng;
    ae_rng_seed(&rng, 53);
    ae_pool *pool;
    ae_error err;
    assert_int_equal(ae_pool_new(3, &pool, &err), AE_OK);
    ae_pool *pools[2] = {NULL, pool};
    for (int k = 0; k < 2; k++) {
        check_chunked("conv2d 8 3 s1 same tanh", shape3(16, 28, 28), 20, pools[k], &rng);    /* patches first */
        check_chunked("conv2d 1 3 s1 same sigmoid", shape3(16, 28, 28), 40, pools[k], &rng); /* products first */
        check_chunked("conv2d 4 3 s2 same relu", shape3(3, 9, 8), 37, pools[k], &rng);       /* phases, 37 rows */
        check_chunked("conv2d_transpose 16 3 s2 same relu", shape3(8, 14, 14), 40, pools[k], &rng);
        check_chunked("maxpool2d 2", shape3(64, 28, 28), 10, pools[k], &rng);
        check_chunked("upsample2d 2", shape3(64, 14, 14), 10, pools[k], &rng);
    }
    ae_pool_free(pool);
}

/* ---- by hand ---- */

static void test_maxpool_routing(void **state)
{
    (void)state;
    layer_fixture f;
    fixture_make(&f, "maxpool2d 2", shape3(1, 4, 4), 1);
    /* 2x2 windows, stride 2; the top-right window ties (7, 7): the first in row-major order wins,
     * and so does (2,0) in the bottom-left one */
    const float x[16] = {1, 5, 2, 0, /* */
                         0, 3, 7, 7, /* */
                         9, 9, 4, 6, /* */
                         2, 1, 8, 3};
    float y[4], dy[4] = {10, 20, 30, 40}, dx[16];
    f.l.ops->forward(&f.l, x, y, 1);
    const float want_y[4] = {5, 7, 9, 8};
    for (int i = 0; i < 4; i++) assert_close(y[i], want_y[i], 0);
    f.l.ops->backward(&f.l, x, y, dy, dx, 1, 0);
    const float want_dx[16] = {0, 10, 0, 0, 0, 0, 20, 0, 30, 0, 0, 0, 0, 0, 40, 0};
    for (int i = 0; i < 16; i++) assert_close(dx[i], want_dx[i], 0);
    fixture_free(&f);
}

static void test_maxpool_overlap_and_nan(void **state)
{
    (void)state;
    layer_fixture f;
    fixture_make(&f, "maxpool2d 3 s1 p1", shape3(1, 1, 5), 1); /* 1x5 rows, windows 3 wide, padded by 1 */
    assert_int_equal(f.l.out.dim[1], 1);
    assert_int_equal(f.l.out.dim[2], 5);
    const float x[5] = {1, 4, 2, 3, 0};
    float y[5], dy[5] = {1, 1, 1, 1, 1}, dx[5];
    f.l.ops->forward(&f.l, x, y, 1);
    const float want_y[5] = {4, 4, 4, 3, 3};
    for (int i = 0; i < 5; i++) assert_close(y[i], want_y[i], 0);
    f.l.ops->backward(&f.l, x, y, dy, dx, 1, 0);
    const float want_dx[5] = {0, 3, 0, 2, 0};
    for (int i = 0; i < 5; i++) assert_close(dx[i], want_dx[i], 0);
    const float xn[5] = {1, NAN, 2, 3, 0};
    f.l.ops->forward(&f.l, xn, y, 1);
    assert_true(isnan(y[0]) && isnan(y[1]) && isnan(y[2]));
    assert_close(y[3], 3, 0);
    fixture_free(&f);
}

static void test_upsample_by_hand(void **state)
{
    (void)state;
    layer_fixture f;
    fixture_make(&f, "upsample2d 2", shape3(2, 1, 2), 1);
    assert_int_equal(f.l.out.dim[1], 2);
    assert_int_equal(f.l.out.dim[2], 4);
    const float x[4] = {1, 2, 3, 4}; /* channel 0: [1 2], channel 1: [3 4] */
    float y[16], dx[4];
    f.l.ops->forward(&f.l, x, y, 1);
    const float want[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
    for (int i = 0; i < 16; i++) assert_close(y[i], want[i], 0);
    float dy[16];
    for (int i = 0; i < 16; i++) dy[i] = (float)i;
    f.l.ops->backward(&f.l, x, y, dy, dx, 1, 0);
    /* block sums: 0+1+4+5, 2+3+6+7, 8+9+12+13, 10+11+14+15 */
    const float want_dx[4] = {10, 18, 42, 50};
    for (int i = 0; i < 4; i++) assert_close(dx[i], want_dx[i], 0);
    fixture_free(&f);
}

static void test_reshape_flatten_by_hand(void **state)
{
    (void)state;
    layer_fixture f;
    fixture_make(&f, "flatten", shape3(2, 3, 4), 2);
    assert_int_equal(f.l.out.rank, 1);
    assert_int_equal(f.l.out.dim[0], 24);
    float x[48], y[48], dx[48];
    for (int i = 0; i < 48; i++) x[i] = (float)i;
    f.l.ops->forward(&f.l, x, y, 2);
    for (int i = 0; i < 48; i++) assert_close(y[i], i, 0); /* NCHW order kept */
    f.l.ops->backward(&f.l, x, y, y, dx, 2, 0);
    for (int i = 0; i < 48; i++) assert_close(dx[i], i, 0);
    fixture_free(&f);
    fixture_make(&f, "reshape 1 7 7", (ae_shape){.rank = 1, .dim = {49}}, 1);
    assert_int_equal(f.l.out.rank, 3);
    assert_int_equal(f.l.out.dim[0], 1);
    assert_int_equal(f.l.out.dim[1], 7);
    assert_int_equal(f.l.out.dim[2], 7);
    assert_int_equal(f.l.n_params, 0);
    fixture_free(&f);
}

/* ---- GEMMs in pieces ---- */

/* ae_sgemm_split against the plain triple loop, for shapes that split along
 * n, k and m, every transpose, and beta != 0 (kept by the first k piece only). */
static void test_gemm_split(void **state)
{
    (void)state;
    ae_rng rng;
    ae_rng_seed(&rng, 71);
    const int shapes[][3] = {{3, 5000, 100}, {40, 30, 20000}, {270000, 1, 1}, {7, 9, 11}, {17, 1000, 300}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n);
        float *c = malloc(sizeof(float) * m * n), *r = malloc(sizeof(float) * m * n);
        fill_uniform(a, (size_t)m * k, -1, 1, &rng);
        fill_uniform(b, (size_t)k * n, -1, 1, &rng);
        for (int t = 0; t < 4; t++) {
            const bool ta = t & 1, tb = t & 2;
            fill_uniform(c, (size_t)m * n, -1, 1, &rng);
            memcpy(r, c, sizeof(float) * m * n);
            ae_sgemm_split(ta, tb, m, n, k, 0.5f, a, ta ? m : k, b, tb ? k : n, 0.25f, c, n);
            ae_sgemm_ref(ta, tb, m, n, k, 0.5f, a, ta ? m : k, b, tb ? k : n, 0.25f, r, n);
            for (size_t i = 0; i < (size_t)m * n; i++)
                if (!(fabs(c[i] - r[i]) <= 1e-4 * (1 + sqrt((double)k))))
                    fail_msg("%dx%dx%d trans %d%d: c[%zu] = %.7g, reference %.7g", m, n, k, ta, tb, i, (double)c[i],
                             (double)r[i]);
        }
        free(a);
        free(b);
        free(c);
        free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_forward_vs_naive),
        cmocka_unit_test(test_chunked_batches),
        cmocka_unit_test(test_maxpool_routing),
        cmocka_unit_test(test_maxpool_overlap_and_nan),
        cmocka_unit_test(test_upsample_by_hand),
        cmocka_unit_test(test_reshape_flatten_by_hand),
        cmocka_unit_test(test_gemm_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
