/* Optimiser updates against numbers worked out by hand. */
#include "test_util.h"

#include "aeclust/rng.h"
#include "nn/optim.h"

/* Adam, lr 0.1, b1 0.9, b2 0.999, eps 1e-8, p0 = (1, -2).
 * Step 1, g = (0.5, -1):
 *   m = 0.1 g = (0.05, -0.1)            v = 0.001 g^2 = (0.00025, 0.001)
 *   m^ = m / (1 - 0.9) = (0.5, -1)      v^ = v / (1 - 0.999) = (0.25, 1)
 *   p -= 0.1 m^ / (sqrt(v^) + 1e-8) = 0.1 (0.5/0.50000001, -1/1.00000001)
 *   p1 = (0.900000002, -1.900000001)
 * Step 2, g = (0.2, 0.4):
 *   m = 0.9 (0.05, -0.1) + 0.1 (0.2, 0.4) = (0.065, -0.05)
 *   v = 0.999 (0.00025, 0.001) + 0.001 (0.04, 0.16) = (0.00028975, 0.001159)
 *   m^ = m / (1 - 0.81) = (0.342105263, -0.263157895)
 *   v^ = v / (1 - 0.998001) = (0.144947474, 0.579789895)
 *   sqrt(v^) = (0.380719679, 0.761439357)
 *   p2 = p1 - 0.1 m^ / (sqrt(v^) + 1e-8)
 *      = (0.900000002 - 0.089857518, -1.900000001 + 0.034560584)
 *      = (0.810142484, -1.865439417) */
static void test_adam_by_hand(void **state)
{
    (void)state;
    float p[2] = {1.0f, -2.0f}, m[2] = {0, 0}, v[2] = {0, 0};
    const float g1[2] = {0.5f, -1.0f}, g2[2] = {0.2f, 0.4f};
    ae_adam_update(p, g1, m, v, 2, 0.1, 0.9, 0.999, 1e-8, 1);
    assert_close(m[0], 0.05, 1e-8);
    assert_close(m[1], -0.1, 1e-8);
    assert_close(v[0], 0.00025, 1e-10);
    assert_close(v[1], 0.001, 1e-10);
    assert_close(p[0], 0.900000002, 1e-6);
    assert_close(p[1], -1.900000001, 1e-6);
    ae_adam_update(p, g2, m, v, 2, 0.1, 0.9, 0.999, 1e-8, 2);
    assert_close(m[0], 0.065, 1e-8);
    assert_close(m[1], -0.05, 1e-8);
    assert_close(v[0], 0.00028975, 1e-10);
    assert_close(v[1], 0.001159, 1e-9);
    assert_close(p[0], 0.810142484, 1e-6);
    assert_close(p[1], -1.865439417, 1e-6);
}

/* The same through ae_optim (which counts the steps itself), on a block long
 * enough to take the threaded path: every element must follow the 2-element
 * arithmetic above. */
static void test_adam_block(void **state)
{
    (void)state;
    enum { N = 100003 };
    float *p = malloc(N * sizeof *p), *g = malloc(N * sizeof *g);
    for (int i = 0; i < N; i++) p[i] = i % 2 ? -2.0f : 1.0f;
    ae_optim_opts o = ae_optim_defaults();
    o.lr = 0.1;
    ae_optim opt;
    ae_error err;
    assert_int_equal(ae_optim_init(&opt, &o, N, &err), AE_OK);
    for (int i = 0; i < N; i++) g[i] = i % 2 ? -1.0f : 0.5f;
    ae_optim_step(&opt, p, g);
    for (int i = 0; i < N; i++) g[i] = i % 2 ? 0.4f : 0.2f;
    ae_optim_step(&opt, p, g);
    for (int i = 0; i < N; i++) assert_close(p[i], i % 2 ? -1.865439417 : 0.810142484, 1e-6);
    ae_optim_free(&opt);
    free(p);
    free(g);
}

/* SGD, lr 0.1, momentum 0.9, p0 = (1, -2) (PyTorch: v = mu v + g, p -= lr v).
 * Step 1, g = (0.5, -1): v = (0.5, -1); p = (1 - 0.05, -2 + 0.1) = (0.95, -1.9).
 * Step 2, g = (0.2, 0.4): v = 0.9 (0.5, -1) + (0.2, 0.4) = (0.65, -0.5);
 *   p = (0.95 - 0.065, -1.9 + 0.05) = (0.885, -1.85).
 * Without momentum step 2 would give (0.93, -1.94): the test tells them apart. */
static void test_sgd_by_hand(void **state)
{
    (void)state;
    float p[2] = {1.0f, -2.0f}, vel[2] = {0, 0};
    const float g1[2] = {0.5f, -1.0f}, g2[2] = {0.2f, 0.4f};
    ae_sgd_update(p, g1, vel, 2, 0.1, 0.9);
    assert_close(p[0], 0.95, 1e-7);
    assert_close(p[1], -1.9, 1e-7);
    ae_sgd_update(p, g2, vel, 2, 0.1, 0.9);
    assert_close(vel[0], 0.65, 1e-7);
    assert_close(vel[1], -0.5, 1e-7);
    assert_close(p[0], 0.885, 1e-6);
    assert_close(p[1], -1.85, 1e-6);
}

static void test_optim_checks(void **state)
{
    (void)state;
    ae_optim opt;
    ae_error err;
    ae_optim_opts o = ae_optim_defaults();
    o.lr = 0;
    assert_int_equal(ae_optim_init(&opt, &o, 4, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "learning rate"));
    o = ae_optim_defaults();
    o.beta2 = 1.0;
    assert_int_equal(ae_optim_init(&opt, &o, 4, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "betas"));
    o = ae_optim_defaults();
    o.kind = AE_OPTIM_SGD;
    o.momentum = -0.5;
    assert_int_equal(ae_optim_init(&opt, &o, 4, &err), AE_ERR_ARG);
    ae_optimizer_kind k;
    assert_int_equal(ae_optimizer_parse("sgd", &k, &err), AE_OK);
    assert_int_equal(k, AE_OPTIM_SGD);
    assert_int_equal(ae_optimizer_parse("adamw", &k, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "'adamw'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adam_by_hand), cmocka_unit_test(test_adam_block),
        cmocka_unit_test(test_sgd_by_hand),  cmocka_unit_test(test_optim_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
