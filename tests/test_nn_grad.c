/* The kernels under the layers: the fast elementary functions against libm,
 * finite-difference checks of the activations (with their fused bias
 * gradient) and of the MSE and BCE losses (and BCE's fused sigmoid
 * gradient), and the losses' values by hand. Every layer kind and whole
 * models are checked by the one harness in test_nn_layers.c. */
#include "test_util.h"

#include "aeclust/nn.h"
#include "aeclust/rng.h"
#include "nn/activation.h"
#include "nn/fastmath.h"
#include "nn/loss.h"
#include "nn_fd.h"

/* ---- fast elementary functions against libm ---- */

static void test_fastmath_accuracy(void **state)
{
    (void)state;
    double worst_exp = 0, worst_log = 0, worst_sig = 0, worst_tanh = 0, worst_sqrt = 0;
    for (int i = 0; i <= 200000; i++) {
        double x = -87.0 + 175.0 * i / 200000.0;
        double e = exp((double)(float)x);
        worst_exp = fmax(worst_exp, fabs(ae_exp_poly((float)x) - e) / e);
        double s = -30.0 + 60.0 * i / 200000.0;
        worst_sig = fmax(worst_sig, fabs(ae_sigmoidf((float)s) - 1.0 / (1.0 + exp(-(double)(float)s))));
        worst_tanh = fmax(worst_tanh, fabs(ae_tanhf_fast((float)s) - tanh((double)(float)s)));
        double y = pow(10.0, -30.0 + 60.0 * i / 200000.0);
        worst_log = fmax(worst_log, fabs(ae_log_poly((float)y) - log((double)(float)y)) / fmax(1.0, fabs(log(y))));
        worst_sqrt = fmax(worst_sqrt, fabs(ae_sqrt_newton((float)y) - sqrt((double)(float)y)) / sqrt((double)(float)y));
    }
    print_message("worst errors: exp %.3g log %.3g sigmoid %.3g tanh %.3g sqrt %.3g\n", worst_exp, worst_log,
                  worst_sig, worst_tanh, worst_sqrt);
    if (worst_exp > 2e-7) fail_msg("exp relative error %g", worst_exp);
    if (worst_log > 3e-7) fail_msg("log error %g", worst_log);
    if (worst_sig > 2e-7) fail_msg("sigmoid absolute error %g", worst_sig);
    if (worst_tanh > 5e-7) fail_msg("tanh absolute error %g", worst_tanh);
    if (worst_sqrt > 4e-7) fail_msg("sqrt relative error %g", worst_sqrt);
    /* the edges the callers rely on */
    assert_true(ae_sqrt_newton(0.0f) == 0.0f);
    assert_true(ae_log_poly(0.0f) < -80.0f && ae_log_poly(0.0f) > -100.0f);
    assert_true(ae_sigmoidf(-200.0f) >= 0.0f && ae_sigmoidf(200.0f) == 1.0f);
    assert_true(ae_tanhf_fast(-200.0f) == -1.0f && ae_tanhf_fast(200.0f) == 1.0f);
    assert_true(isnan(ae_sigmoidf(NAN)) && isnan(ae_exp_poly(INFINITY)) && isnan(ae_tanhf_fast(NAN)));
}

/* ---- activations (conv-style layout: outer x ch x inner, bias per channel) ---- */

static const struct {
    ae_act act;
    float alpha;
    const char *name;
} acts[] = {
    {AE_ACT_LINEAR, 0, "linear"},     {AE_ACT_RELU, 0, "relu"}, {AE_ACT_LEAKY_RELU, 0.2f, "leaky_relu"},
    {AE_ACT_SIGMOID, 0, "sigmoid"},   {AE_ACT_TANH, 0, "tanh"},
};
#define N_ACTS (sizeof acts / sizeof acts[0])

/* L = sum r .* act(x + b), double */
static double act_objective(ae_act act, float alpha, const float *x, const float *b, const float *r, size_t outer,
                            size_t ch, size_t inner, float *y)
{
    size_t n = outer * ch * inner;
    memcpy(y, x, n * sizeof *y);
    ae_bias_act_forward(act, alpha, b, y, outer, ch, inner);
    double L = 0;
    for (size_t i = 0; i < n; i++) L += (double)r[i] * y[i];
    return L;
}

static void test_activation_gradients(void **state)
{
    (void)state;
    enum { OUTER = 3, CH = 4, INNER = 5, N = OUTER * CH * INNER };
    ae_rng rng;
    ae_rng_seed(&rng, 11);
    for (size_t a = 0; a < N_ACTS; a++) {
        float x[N], b[CH], r[N], y[N], dy[N], db[CH];
        fill_uniform(x, N, -2, 2, &rng);
        fill_uniform(b, CH, -0.5, 0.5, &rng);
        fill_uniform(r, N, -1, 1, &rng);
        /* keep pre-activations away from relu's kink, farther than the step */
        for (size_t i = 0; i < N; i++) {
            float z = x[i] + b[(i / INNER) % CH];
            if (fabsf(z) < 0.05f) x[i] += 0.1f;
        }
        act_objective(acts[a].act, acts[a].alpha, x, b, r, OUTER, CH, INNER, y);
        memcpy(dy, r, sizeof dy);
        ae_act_backward(acts[a].act, acts[a].alpha, y, dy, db, OUTER, CH, INNER, false, false);
        const float h = 1e-2f;
        for (size_t i = 0; i < N; i++) {
            float keep = x[i];
            x[i] = keep + h;
            double lp = act_objective(acts[a].act, acts[a].alpha, x, b, r, OUTER, CH, INNER, y);
            x[i] = keep - h;
            double lm = act_objective(acts[a].act, acts[a].alpha, x, b, r, OUTER, CH, INNER, y);
            x[i] = keep;
            check_grad((lp - lm) / (2.0 * h), dy[i], 2e-4, 1e-3, acts[a].name, i);
        }
        for (size_t c = 0; c < CH; c++) {
            float keep = b[c];
            b[c] = keep + h;
            double lp = act_objective(acts[a].act, acts[a].alpha, x, b, r, OUTER, CH, INNER, y);
            b[c] = keep - h;
            double lm = act_objective(acts[a].act, acts[a].alpha, x, b, r, OUTER, CH, INNER, y);
            b[c] = keep;
            check_grad((lp - lm) / (2.0 * h), db[c], 5e-4, 1e-3, "bias", c);
        }
        /* accumulate adds to db instead of overwriting it */
        float db2[CH];
        memcpy(db2, db, sizeof db2);
        act_objective(acts[a].act, acts[a].alpha, x, b, r, OUTER, CH, INNER, y);
        memcpy(dy, r, sizeof dy);
        ae_act_backward(acts[a].act, acts[a].alpha, y, dy, db2, OUTER, CH, INNER, false, true);
        for (size_t c = 0; c < CH; c++) assert_close(db2[c], 2.0 * db[c], 1e-5);
    }
}

/* ---- losses ---- */

static void test_loss_gradients(void **state)
{
    (void)state;
    enum { N = 40 };
    ae_rng rng;
    ae_rng_seed(&rng, 9);
    float y[N], t[N], dy[N];
    const float scale = 1.0f / N;
    for (int k = 0; k < 2; k++) {
        ae_loss_kind kind = k ? AE_LOSS_BCE : AE_LOSS_MSE;
        fill_uniform(y, N, 0.05, 0.95, &rng);
        fill_uniform(t, N, 0, 1, &rng);
        for (int i = 0; i < 5; i++) t[i] = (float)(i & 1); /* hard 0/1 targets too */
        ae_loss_eval(kind, y, t, N, dy, scale, false);
        const float h = 1e-3f;
        for (int i = 0; i < N; i++) {
            float keep = y[i];
            y[i] = keep + h;
            double lp = ae_loss_eval(kind, y, t, N, NULL, 0, false) * scale;
            y[i] = keep - h;
            double lm = ae_loss_eval(kind, y, t, N, NULL, 0, false) * scale;
            y[i] = keep;
            check_grad((lp - lm) / (2.0 * h), dy[i], 2e-6, 2e-3, ae_loss_name(kind), (size_t)i);
        }
    }
    /* values against hand computation: y = (0.5, 0.25), t = (1, 0)
     * MSE: (0.25 + 0.0625) / 2 = 0.15625
     * BCE: (-log 0.5 - log 0.75) / 2 = (0.693147 + 0.287682) / 2 = 0.4904146 */
    float y2[2] = {0.5f, 0.25f}, t2[2] = {1.0f, 0.0f};
    assert_close(ae_loss_eval(AE_LOSS_MSE, y2, t2, 2, NULL, 0, false) / 2, 0.15625, 1e-9);
    assert_close(ae_loss_eval(AE_LOSS_BCE, y2, t2, 2, NULL, 0, false) / 2, 0.4904146, 1e-6);
    /* BCE's clamp: log(0) is never taken */
    float y3[2] = {0.0f, 1.0f}, t3[2] = {1.0f, 0.0f};
    double l3 = ae_loss_eval(AE_LOSS_BCE, y3, t3, 2, NULL, 0, false) / 2;
    assert_close(l3, -log(1e-7), 1e-4);
    /* a NaN output makes a NaN loss (the divergence guard relies on it) */
    float y4[2] = {NAN, 0.5f};
    assert_true(isnan(ae_loss_eval(AE_LOSS_BCE, y4, t3, 2, NULL, 0, false)));
    assert_true(isnan(ae_loss_eval(AE_LOSS_MSE, y4, t3, 2, NULL, 0, false)));
}

/* BCE after a sigmoid: the fused gradient w.r.t. the sigmoid's input. */
static void test_bce_sigmoid_fused(void **state)
{
    (void)state;
    enum { N = 30 };
    ae_rng rng;
    ae_rng_seed(&rng, 13);
    float z[N], y[N], t[N], dz[N];
    fill_uniform(z, N, -4, 4, &rng);
    fill_uniform(t, N, 0, 1, &rng);
    for (int i = 0; i < N; i++) y[i] = ae_sigmoidf(z[i]);
    const float scale = 1.0f / N, h = 1e-3f;
    ae_loss_eval(AE_LOSS_BCE, y, t, N, dz, scale, true);
    for (int i = 0; i < N; i++) {
        float keep = y[i];
        y[i] = ae_sigmoidf(z[i] + h);
        double lp = ae_loss_eval(AE_LOSS_BCE, y, t, N, NULL, 0, false) * scale;
        y[i] = ae_sigmoidf(z[i] - h);
        double lm = ae_loss_eval(AE_LOSS_BCE, y, t, N, NULL, 0, false) * scale;
        y[i] = keep;
        check_grad((lp - lm) / (2.0 * h), dz[i], 2e-6, 2e-3, "bce fused", (size_t)i);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fastmath_accuracy),
        cmocka_unit_test(test_activation_gradients),
        cmocka_unit_test(test_loss_gradients),
        cmocka_unit_test(test_bce_sigmoid_fused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
