/* conv2d, conv2d_transpose and maxpool2d against PyTorch: outputs and the
 * gradients of L = sum(r * y) w.r.t. kernel, bias and input, for Keras' same
 * and valid and PyTorch's padding/output_padding, strides 1, 2 and 3, odd and
 * even sizes, several channels, and both of conv2d's GEMM formulations. The
 * golden numbers come from tests/ref/conv_golden.py (conv_golden.h). */
#include "test_util.h"

#include "conv_golden.h"
#include "nn_layer_fixture.h"

/* The script's inputs, recomputed. */
static float x_at(size_t i) { return (float)sin(0.7 * (double)i + 0.3); }
static float w_at(size_t i) { return (float)(0.5 * cos(1.3 * (double)i + 0.1)); }
static float b_at(size_t i) { return (float)(0.1 * (double)(i + 1)); }
static float r_at(size_t i) { return (float)cos(0.9 * (double)i); }

static void expect_all(const char *what, const float *got, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(fabs(got[i] - want[i]) <= 2e-5 + 2e-5 * fabs(want[i])))
            fail_msg("%s[%zu] = %.8g, PyTorch %.8g", what, i, (double)got[i], want[i]);
}

typedef struct {
    const char *item;
    int B;
    ae_shape in;
    const double *y, *dw, *db, *dx; /* dw, db NULL for maxpool */
    size_t ny, ndx;
} golden_case;

static void check_case(const golden_case *c)
{
    layer_fixture f;
    fixture_make(&f, c->item, c->in, c->B);
    const size_t nin = (size_t)c->B * fixture_in_size(&f), nout = (size_t)c->B * fixture_out_size(&f);
    assert_int_equal(nout, c->ny);
    assert_int_equal(nin, c->ndx);
    ae_tensor_view t[AE_LAYER_MAX_TENSORS];
    int nt = f.l.ops->tensors(&f.l, t);
    if (c->dw) { /* kernel from the w formula, bias from the b formula, in PyTorch's layouts */
        assert_int_equal(nt, 2);
        size_t nk = (size_t)t[0].dim[0] * t[0].dim[1] * t[0].dim[2] * t[0].dim[3];
        for (size_t i = 0; i < nk; i++) t[0].data[i] = w_at(i);
        for (int i = 0; i < t[1].dim[0]; i++) t[1].data[i] = b_at((size_t)i);
    } else {
        assert_int_equal(nt, 0);
    }
    float *x = malloc(nin * sizeof *x), *y = malloc(nout * sizeof *y);
    float *dy = malloc(nout * sizeof *dy), *dx = malloc(nin * sizeof *dx);
    for (size_t i = 0; i < nin; i++) x[i] = x_at(i);
    f.l.ops->forward(&f.l, x, y, c->B);
    expect_all(c->item, y, c->y, nout);
    for (size_t i = 0; i < nout; i++) dy[i] = r_at(i);
    f.l.ops->backward(&f.l, x, y, dy, dx, c->B, 0);
    expect_all("input gradient", dx, c->dx, nin);
    if (c->dw) {
        size_t nk = f.l.n_params - (size_t)t[1].dim[0];
        expect_all("kernel gradient", f.grads, c->dw, nk);
        expect_all("bias gradient", f.grads + nk, c->db, (size_t)t[1].dim[0]);
    }
    free(x);
    free(y);
    free(dy);
    free(dx);
    fixture_free(&f);
}

#define N(a) (sizeof(a) / sizeof(a)[0])
#define CONV(item_, B_, in_, tag)                                                                                      \
    (golden_case)                                                                                                      \
    {                                                                                                                  \
        .item = item_, .B = B_, .in = in_, .y = tag##_y, .dw = tag##_dw, .db = tag##_db, .dx = tag##_dx,               \
        .ny = N(tag##_y), .ndx = N(tag##_dx)                                                                           \
    }
#define POOL(item_, B_, in_, tag)                                                                                      \
    (golden_case)                                                                                                      \
    {                                                                                                                  \
        .item = item_, .B = B_, .in = in_, .y = tag##_y, .dx = tag##_dx, .ny = N(tag##_y), .ndx = N(tag##_dx)          \
    }

static void test_conv2d_golden(void **state)
{
    (void)state;
    /* 2 -> 3 channels, 5x6, Keras same stride 2: pads (1, 1) rows, (0, 1) columns; patches first */
    golden_case a = CONV("conv2d 3 3 s2 same", 2, shape3(2, 5, 6), c_same_s2);
    check_case(&a);
    /* 4 channels -> 1 filter, same stride 1: products first (shift_sum) */
    golden_case b = CONV("conv2d 1 3 same", 2, shape3(4, 5, 6), c_same_s1);
    check_case(&b);
    /* PyTorch padding 1, stride 2 on 7x5 */
    golden_case c = CONV("conv2d 2 3 s2 p1", 1, shape3(3, 7, 5), c_p1_s2);
    check_case(&c);
}

static void test_conv2d_transpose_golden(void **state)
{
    (void)state;
    /* Keras same, 3x3 -> 6x6 */
    golden_case a = CONV("conv2d_transpose 3 3 s2 same", 2, shape3(2, 3, 3), t_same_s2);
    check_case(&a);
    /* PyTorch padding 1, output_padding 1: 3x4 -> 6x8 */
    golden_case b = CONV("conv2d_transpose 3 3 s2 p1 op1", 2, shape3(2, 3, 4), t_p1op1_s2);
    check_case(&b);
    /* Keras valid with kernel 2 < stride 3: 2x3 -> 6x9, every third row/column bias only */
    golden_case c = CONV("conv2d_transpose 2 2 s3 valid", 1, shape3(2, 2, 3), t_valid_s3);
    check_case(&c);
}

static void test_maxpool2d_golden(void **state)
{
    (void)state;
    golden_case a = POOL("maxpool2d 2", 1, shape3(2, 5, 5), p_valid_2); /* the odd last row/column dropped */
    check_case(&a);
    golden_case b = POOL("maxpool2d 3 s2 same", 1, shape3(2, 5, 6), p_same_3s2); /* overlapping windows */
    check_case(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv2d_golden),
        cmocka_unit_test(test_conv2d_transpose_golden),
        cmocka_unit_test(test_maxpool2d_golden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
