/* batchnorm and dropout against PyTorch and against their definitions.
 *
 * batchnorm: BatchNorm1d and BatchNorm2d (PyTorch's defaults, Keras'
 * momentum/eps, an activation after) in training mode for two steps (output,
 * the gradients of L = sum(r * y) w.r.t. input, gamma and beta, and the
 * running mean and variance after each step) and then in evaluation mode,
 * from tests/ref/layers_golden.py (layers_golden.h); a batch of one value
 * per feature leaves the running statistics alone; a large offset (values
 * near 1000, spread 1) normalises as accurately as a double reference.
 * dropout: the identity in evaluation mode (and without a generator), and in
 * training the share of dropped values, PyTorch's factor for the kept ones,
 * backward through the same mask, the same mask from the same seed and
 * another from the next draws. */
#include "test_util.h"

#include "layers_golden.h"
#include "nn_layer_fixture.h"

#define N(a) (sizeof(a) / sizeof(a)[0])

/* The script's inputs, recomputed. */
static float x1_at(size_t i) { return (float)(1.5 * sin(0.7 * (double)i + 0.3) + 0.2); }
static float x2_at(size_t i) { return (float)(2.0 * cos(0.45 * (double)i + 0.1) - 0.3); }
static float r_at(size_t i) { return (float)cos(0.9 * (double)i); }

static void expect_all(const char *what, const float *got, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(fabs(got[i] - want[i]) <= 2e-5 + 2e-5 * fabs(want[i])))
            fail_msg("%s[%zu] = %.8g, PyTorch %.8g", what, i, (double)got[i], want[i]);
}

/* One pass's golden values. */
typedef struct {
    const double *y, *dx, *dgamma, *dbeta;
    size_t n, C;
} bn_pass;

typedef struct {
    const char *item;
    ae_shape in;
    int B;
    bn_pass t1, t2, ev;
    const double *mean1, *var1, *mean2, *var2;
} bn_golden;

#define PASS(tag, p)                                                                                                   \
    {.y = tag##_##p##_y, .dx = tag##_##p##_dx, .dgamma = tag##_##p##_dgamma, .dbeta = tag##_##p##_dbeta,                \
     .n = N(tag##_##p##_y), .C = N(tag##_##p##_dbeta)}
#define BN_GOLDEN(item_, in_, B_, tag)                                                                                 \
    {.item = item_, .in = in_, .B = B_, .t1 = PASS(tag, t1), .t2 = PASS(tag, t2), .ev = PASS(tag, ev),                \
     .mean1 = tag##_t1_mean, .var1 = tag##_t1_var, .mean2 = tag##_t2_mean, .var2 = tag##_t2_var}

/* forward on x (x_at), backward of r, against the pass's golden values */
static void bn_step(layer_fixture *f, const bn_pass *p, float (*x_at)(size_t), const char *what)
{
    float *x = malloc(p->n * sizeof *x), *y = malloc(p->n * sizeof *y), *dy = malloc(p->n * sizeof *dy);
    float *dx = malloc(p->n * sizeof *dx);
    for (size_t i = 0; i < p->n; i++) x[i] = x_at(i);
    for (size_t i = 0; i < p->n; i++) dy[i] = r_at(i);
    int B = (int)(p->n / fixture_in_size(f));
    f->l.ops->forward(&f->l, x, y, B);
    char name[160];
    snprintf(name, sizeof name, "%s %s: output", f->l.ops->keyword, what);
    expect_all(name, y, p->y, p->n);
    f->l.ops->backward(&f->l, x, y, dy, dx, B, 0);
    snprintf(name, sizeof name, "%s %s: input gradient", f->l.ops->keyword, what);
    expect_all(name, dx, p->dx, p->n);
    snprintf(name, sizeof name, "%s %s: gamma gradient", f->l.ops->keyword, what);
    expect_all(name, f->grads, p->dgamma, p->C);
    snprintf(name, sizeof name, "%s %s: beta gradient", f->l.ops->keyword, what);
    expect_all(name, f->grads + p->C, p->dbeta, p->C);
    free(x);
    free(y);
    free(dy);
    free(dx);
}

static void check_bn(const bn_golden *g)
{
    layer_fixture f;
    fixture_make(&f, g->item, g->in, g->B);
    const size_t C = g->t1.C;
    assert_int_equal(f.l.n_params, 2 * C);
    assert_int_equal(f.l.n_state, 2 * C);
    assert_int_equal(fixture_in_size(&f) * (size_t)g->B, g->t1.n);
    ae_rng rng;
    ae_rng_seed(&rng, 1);
    f.l.ops->init(&f.l, AE_INIT_GLOROT_UNIFORM, &rng);
    for (size_t c = 0; c < C; c++) { /* PyTorch's initial state, the script's gamma and beta */
        assert_true(f.l.state[c] == 0.0f && f.l.state[C + c] == 1.0f);
        assert_true(f.l.params[c] == 1.0f && f.l.params[C + c] == 0.0f);
        f.l.params[c] = 0.5f + 0.25f * (float)c;
        f.l.params[C + c] = 0.1f * (float)(c + 1) - 0.2f;
    }
    char what[160];
    f.l.mode = (ae_layer_mode){.training = true};
    snprintf(what, sizeof what, "'%s' training step 1", g->item);
    bn_step(&f, &g->t1, x1_at, what);
    expect_all("running mean after step 1", f.l.state, g->mean1, C);
    expect_all("running variance after step 1", f.l.state + C, g->var1, C);
    snprintf(what, sizeof what, "'%s' training step 2", g->item);
    bn_step(&f, &g->t2, x2_at, what);
    expect_all("running mean after step 2", f.l.state, g->mean2, C);
    expect_all("running variance after step 2", f.l.state + C, g->var2, C);
    /* evaluation: the running statistics, which it leaves as they are */
    float *kept = malloc(2 * C * sizeof *kept);
    memcpy(kept, f.l.state, 2 * C * sizeof *kept);
    f.l.mode = (ae_layer_mode){.training = false};
    snprintf(what, sizeof what, "'%s' evaluation", g->item);
    bn_step(&f, &g->ev, x1_at, what);
    assert_memory_equal(f.l.state, kept, 2 * C * sizeof *kept);
    free(kept);
    fixture_free(&f);
}

static void test_batchnorm_golden(void **state)
{
    (void)state;
    const bn_golden cases[] = {
        BN_GOLDEN("batchnorm", ((ae_shape){.rank = 1, .dim = {3}}), 4, bn1),
        BN_GOLDEN("batchnorm momentum=0.01 eps=1e-3 relu", ((ae_shape){.rank = 1, .dim = {2}}), 5, bn1k),
        BN_GOLDEN("batchnorm", shape3(3, 4, 5), 2, bn2),
        BN_GOLDEN("batchnorm momentum=0.3 eps=0.01 tanh", shape3(2, 3, 2), 3, bn2t),
    };
    for (size_t i = 0; i < N(cases); i++) check_bn(&cases[i]);
}

/* One value per feature: the output is beta, no input gradient, and the
 * running statistics stay (PyTorch refuses such a batch; the unbiased
 * variance is undefined). A 2-D batch of one sample still has H x W values
 * per channel and updates them. */
static void test_batchnorm_single_value(void **state)
{
    (void)state;
    layer_fixture f;
    fixture_make(&f, "batchnorm", (ae_shape){.rank = 1, .dim = {3}}, 1);
    ae_rng rng;
    ae_rng_seed(&rng, 1);
    f.l.ops->init(&f.l, AE_INIT_GLOROT_UNIFORM, &rng);
    f.l.params[3] = 0.25f;
    f.l.mode = (ae_layer_mode){.training = true};
    float x[3] = {1, -2, 5}, y[3], dy[3] = {1, 1, 1}, dx[3];
    f.l.ops->forward(&f.l, x, y, 1);
    assert_true(y[0] == 0.25f && y[1] == 0.0f && y[2] == 0.0f);
    f.l.ops->backward(&f.l, x, y, dy, dx, 1, 0);
    for (int i = 0; i < 3; i++) assert_true(dx[i] == 0.0f && f.l.state[i] == 0.0f && f.l.state[3 + i] == 1.0f);
    fixture_free(&f);

    fixture_make(&f, "batchnorm", shape3(1, 1, 2), 1);
    f.l.ops->init(&f.l, AE_INIT_GLOROT_UNIFORM, &rng);
    f.l.mode = (ae_layer_mode){.training = true};
    float x2[2] = {1, 3}, y2[2];
    f.l.ops->forward(&f.l, x2, y2, 1);
    /* mean 2, biased variance 1, unbiased 2: running 0.1 * 2 and 0.9 + 0.1 * 2 */
    assert_close(f.l.state[0], 0.2, 1e-7);
    assert_close(f.l.state[1], 1.1, 1e-7);
    assert_close(y2[0], -1.0 / sqrt(1.0 + 1e-5), 1e-6);
    fixture_free(&f);
}

/* Values near 1000 with a spread of about 1 (float32 keeps ~7 digits: a
 * one-pass float sum of squares would lose the variance); 256 rows of 5
 * features against the same normalisation in double. */
static void test_batchnorm_large_offset(void **state)
{
    (void)state;
    enum { B = 256, C = 5 };
    layer_fixture f;
    fixture_make(&f, "batchnorm", (ae_shape){.rank = 1, .dim = {C}}, B);
    ae_rng rng;
    ae_rng_seed(&rng, 3);
    f.l.ops->init(&f.l, AE_INIT_GLOROT_UNIFORM, &rng);
    f.l.mode = (ae_layer_mode){.training = true};
    float *x = malloc(B * C * sizeof *x), *y = malloc(B * C * sizeof *y);
    for (int i = 0; i < B * C; i++) x[i] = (float)(1000.0 + (i % C) + ae_rng_normal(&rng));
    f.l.ops->forward(&f.l, x, y, B);
    for (int c = 0; c < C; c++) {
        double m = 0, v = 0;
        for (int b = 0; b < B; b++) m += x[b * C + c];
        m /= B;
        for (int b = 0; b < B; b++) v += (x[b * C + c] - m) * (x[b * C + c] - m);
        v /= B;
        for (int b = 0; b < B; b++) assert_close(y[b * C + c], (x[b * C + c] - m) / sqrt(v + 1e-5), 2e-4);
        assert_close(f.l.state[C + c], 0.9 + 0.1 * v * B / (B - 1), 1e-5);
        assert_close(f.l.state[c], 0.1 * m, 1e-4);
    }
    free(x);
    free(y);
    fixture_free(&f);
}

/* ---- dropout ---- */

static void test_dropout_identity(void **state)
{
    (void)state;
    enum { B = 3, D = 10 };
    float x[B * D], y[B * D], dy[B * D], dx[B * D];
    for (int i = 0; i < B * D; i++) x[i] = 0.5f + (float)i, dy[i] = (float)(i % 4) - 1.5f;
    ae_rng rng, before;
    ae_rng_seed(&rng, 7);
    const ae_layer_mode modes[] = {
        {.training = false, .rng = &rng}, /* evaluation, even with a generator (a VAE's validation) */
        {.training = false},
        {.training = true}, /* training without a generator: nothing to draw from */
    };
    const char *items[] = {"dropout 0.3", "dropout 0"};
    for (size_t k = 0; k < 2; k++)
        for (size_t m = 0; m < N(modes); m++) {
            layer_fixture f;
            fixture_make(&f, items[k], (ae_shape){.rank = 1, .dim = {D}}, B);
            f.l.mode = modes[m];
            before = rng;
            f.l.ops->forward(&f.l, x, y, B);
            f.l.ops->backward(&f.l, x, y, dy, dx, B, 0);
            assert_memory_equal(y, x, sizeof x);
            assert_memory_equal(dx, dy, sizeof dy);
            assert_memory_equal(&rng, &before, sizeof rng); /* and no draws taken */
            fixture_free(&f);
        }
    /* P = 0 in training with a generator: the identity, no draws */
    layer_fixture f;
    fixture_make(&f, "dropout 0", (ae_shape){.rank = 1, .dim = {D}}, B);
    f.l.mode = (ae_layer_mode){.training = true, .rng = &rng};
    before = rng;
    f.l.ops->forward(&f.l, x, y, B);
    assert_memory_equal(y, x, sizeof x);
    assert_memory_equal(&rng, &before, sizeof rng);
    fixture_free(&f);
}

/* Dropped shares within 5 standard deviations of P (on even and odd
 * positions apart: each 64-bit draw makes two), kept values scaled by
 * PyTorch's factor exactly, backward through the very same mask; the same
 * seed gives the same mask, the next draws another. */
static void check_dropout_train(const char *item, double p, double pytorch_scale)
{
    enum { B = 64, C = 3, H = 10, W = 10, PER = C * H * W, NV = B * PER };
    layer_fixture f;
    fixture_make(&f, item, shape3(C, H, W), B);
    float *x = malloc(NV * sizeof *x), *y = malloc(NV * sizeof *y), *y2 = malloc(NV * sizeof *y2);
    float *dy = malloc(NV * sizeof *dy), *dx = malloc(NV * sizeof *dx);
    for (int i = 0; i < NV; i++) x[i] = 1.0f + (float)(i % 13), dy[i] = (float)(i % 5) - 2.0f;
    ae_rng rng;
    ae_rng_seed(&rng, 11);
    f.l.mode = (ae_layer_mode){.training = true, .rng = &rng};
    f.l.ops->forward(&f.l, x, y, B);
    const float scale = (float)pytorch_scale;
    long dropped[2] = {0, 0};
    for (int i = 0; i < NV; i++) {
        if (y[i] == 0.0f)
            dropped[i & 1]++;
        else if (y[i] != x[i] * scale)
            fail_msg("%s: kept value %d = %.9g, want %.9g * %.9g", item, i, (double)y[i], (double)x[i],
                     (double)scale);
    }
    const double sd = sqrt(p * (1 - p) / (NV / 2));
    for (int k = 0; k < 2; k++)
        if (fabs((double)dropped[k] / (NV / 2) - p) > 5 * sd)
            fail_msg("%s: dropped %ld of %d %s values, want a share of %g", item, dropped[k], NV / 2,
                     k ? "odd" : "even", p);
    f.l.ops->backward(&f.l, x, y, dy, dx, B, 0);
    for (int i = 0; i < NV; i++)
        if (dx[i] != (y[i] == 0.0f ? 0.0f : dy[i] * scale))
            fail_msg("%s: input gradient %d = %.9g with output %.9g", item, i, (double)dx[i], (double)y[i]);
    /* the next batch draws a new mask; the same seed the first one again */
    f.l.ops->forward(&f.l, x, y2, B);
    assert_true(memcmp(y, y2, NV * sizeof *y) != 0);
    ae_rng_seed(&rng, 11);
    f.l.ops->forward(&f.l, x, y2, B);
    assert_memory_equal(y, y2, NV * sizeof *y);
    free(x);
    free(y);
    free(y2);
    free(dy);
    free(dx);
    fixture_free(&f);
}

static void test_dropout_train(void **state)
{
    (void)state;
    check_dropout_train("dropout 0.3", 0.3, drop_scale_3);
    check_dropout_train("dropout 0.5", 0.5, drop_scale_5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batchnorm_golden),
        cmocka_unit_test(test_batchnorm_single_value),
        cmocka_unit_test(test_batchnorm_large_offset),
        cmocka_unit_test(test_dropout_identity),
        cmocka_unit_test(test_dropout_train),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
