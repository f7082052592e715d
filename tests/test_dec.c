/* DEC and IDEC: the clustering layer against values worked out independently
 * (NumPy, and by hand for the first row: distances 0 and 4 give kernels 1 and
 * 1/5, so q = 5/6, 1/6), its gradients by finite differences, and fine-tuning
 * end to end on separated blobs. */
#include "test_util.h"

#include "aeclust/dec.h"
#include "aeclust/metrics.h"
#include "aeclust/rng.h"

static void test_soft_assign_and_target(void **state)
{
    (void)state;
    const float z[] = {0, 0, 1, 0, 3, 4}, mu[] = {0, 0, 2, 0};
    double q[6], p[6], f[2];
    /* NumPy: q = (1 + d2/a)^(-(a+1)/2) normalised; w = q^2 / q.sum(0); p = w / w.sum(1) */
    const double q1[] = {0.83333333333333337, 0.16666666666666669, 0.5, 0.5, 0.40909090909090912, 0.59090909090909083};
    const double p1[] = {0.94748858447488582, 0.052511415525114166, 0.41919191919191917,
                         0.58080808080808088, 0.25701506231363258,  0.74298493768636742};
    const double q25[] = {0.84186159967870522, 0.15813840032129478, 0.5, 0.5, 0.35397768012367947, 0.64602231987632053};
    ae_dec_soft_assign(z, 3, mu, 2, 2, 1.0, q);
    for (int i = 0; i < 6; i++) assert_close(q[i], q1[i], 1e-15);
    ae_dec_target(q, 3, 2, p, f);
    for (int i = 0; i < 6; i++) assert_close(p[i], p1[i], 1e-15);
    ae_dec_soft_assign(z, 3, mu, 2, 2, 2.5, q);
    for (int i = 0; i < 6; i++) assert_close(q[i], q25[i], 1e-15);
}

/* The batch KL and its gradients against central differences in double. */
static void test_kl_gradients(void **state)
{
    (void)state;
    enum { B = 5, K = 4, D = 3 };
    ae_rng r;
    ae_rng_seed(&r, 11);
    const double alphas[] = {1.0, 2.5};
    for (int a = 0; a < 2; a++) {
        float z[B * D], mu[K * D], dz[B * D] = {0}, dmu[K * D] = {0};
        double p[B * K], work[2 * K];
        for (int i = 0; i < B * D; i++) z[i] = (float)(2 * ae_rng_uniform(&r) - 1);
        for (int i = 0; i < K * D; i++) mu[i] = (float)(2 * ae_rng_uniform(&r) - 1);
        for (int i = 0; i < B; i++) {
            double s = 0;
            for (int j = 0; j < K; j++) s += p[i * K + j] = 0.05 + ae_rng_uniform(&r);
            for (int j = 0; j < K; j++) p[i * K + j] /= s;
        }
        const double w = 0.7, alpha = alphas[a];
        ae_dec_kl(z, B, mu, K, D, alpha, p, w, dz, dmu, work);
        float gz[B * D], gm[K * D];
        const float h = 1e-2f;
        for (int i = 0; i < B * D; i++) {
            float keep = z[i];
            float scratch_z[B * D], scratch_m[K * D];
            z[i] = keep + h;
            double lp = ae_dec_kl(z, B, mu, K, D, alpha, p, w, scratch_z, scratch_m, work);
            z[i] = keep - h;
            double lm = ae_dec_kl(z, B, mu, K, D, alpha, p, w, scratch_z, scratch_m, work);
            z[i] = keep;
            gz[i] = (float)((lp - lm) / (2.0 * h));
            if (fabs(gz[i] - dz[i]) > 2e-4 + 2e-3 * fabs(dz[i]))
                fail_msg("alpha %g: dL/dz[%d] numeric %.8g vs analytic %.8g", alpha, i, gz[i], dz[i]);
        }
        for (int i = 0; i < K * D; i++) {
            float keep = mu[i];
            float scratch_z[B * D], scratch_m[K * D];
            mu[i] = keep + h;
            double lp = ae_dec_kl(z, B, mu, K, D, alpha, p, w, scratch_z, scratch_m, work);
            mu[i] = keep - h;
            double lm = ae_dec_kl(z, B, mu, K, D, alpha, p, w, scratch_z, scratch_m, work);
            mu[i] = keep;
            gm[i] = (float)((lp - lm) / (2.0 * h));
            if (fabs(gm[i] - dmu[i]) > 2e-4 + 2e-3 * fabs(dmu[i]))
                fail_msg("alpha %g: dL/dmu[%d] numeric %.8g vs analytic %.8g", alpha, i, gm[i], dmu[i]);
        }
        /* the loss itself: KL(p || p) = 0 */
        double q[B * K];
        ae_dec_soft_assign(z, B, mu, K, D, alpha, q);
        assert_close(ae_dec_kl(z, B, mu, K, D, alpha, q, 1.0, dz, dmu, work), 0.0, 1e-7);
    }
}

/* Three blobs in 8 dimensions, 100 points each. */
static void blobs(ae_matrix *x, ae_labels *y)
{
    ae_error err;
    assert_int_equal(ae_matrix_alloc(x, 300, 8, &err), AE_OK);
    assert_int_equal(ae_labels_alloc(y, 300, &err), AE_OK);
    ae_rng r;
    ae_rng_seed(&r, 5);
    for (int i = 0; i < 300; i++) {
        int c = i % 3;
        y->data[i] = c;
        for (int j = 0; j < 8; j++)
            x->data[i * 8 + j] = (float)((j % 3 == c ? 0.8 : 0.2) + 0.05 * ae_rng_normal(&r));
    }
}

static ae_model *pretrained(const ae_matrix *x)
{
    ae_model *m;
    ae_error err;
    ae_model_init_opts mo = ae_model_init_defaults();
    mo.seed = 3;
    assert_int_equal(ae_model_new("dense 16 relu, dense 3", "dense 16 relu, dense 8 sigmoid", 8, &mo, &m, &err), AE_OK);
    ae_train_opts t = ae_train_defaults();
    t.epochs = 30;
    t.batch_size = 32;
    t.optim.lr = 1e-2;
    if (ae_train(m, x, NULL, &t, NULL, &err)) fail_msg("%s", err.msg);
    return m;
}

static void run_method(ae_dec_method method, ae_dec_result *res, const ae_matrix *x, const ae_labels *y)
{
    ae_model *m = pretrained(x);
    ae_dec_opts o = ae_dec_defaults(method);
    o.k = 3;
    o.batch_size = 32;
    o.update_interval = 10;
    o.max_iter = 400;
    o.truth = y;
    ae_error err;
    if (ae_dec_fit(m, x, &o, res, &err)) fail_msg("%s", err.msg);
    ae_model_free(m);
}

static void test_fine_tuning(void **state)
{
    (void)state;
    ae_matrix x;
    ae_labels y;
    blobs(&x, &y);
    for (int method = AE_DEC; method <= AE_IDEC; method++) {
        ae_dec_result a, b;
        run_method((ae_dec_method)method, &a, &x, &y);
        run_method((ae_dec_method)method, &b, &x, &y);
        assert_int_equal(a.labels.n, 300);
        assert_int_equal(a.centres.rows, 3);
        assert_true(a.n_refresh >= 2);
        assert_true(a.iterations > 0 && a.iterations <= 400);
        assert_true(a.history[0].iter == 0 && a.history[0].delta_label == 1.0 && isnan(a.history[0].loss));
        assert_true(a.history[a.n_refresh - 1].loss < 0.5); /* the clusters sharpen */
        /* deterministic for a seed */
        assert_memory_equal(a.labels.data, b.labels.data, 300 * sizeof *a.labels.data);
        assert_memory_equal(a.centres.data, b.centres.data, a.centres.rows * a.centres.cols * sizeof(float));
        ae_label_scores s;
        ae_error err;
        assert_int_equal(ae_score_labels(y.data, a.labels.data, 300, &s, &err), AE_OK);
        if (s.acc < 0.99) fail_msg("%s ACC %.3f on separated blobs", ae_dec_method_name((ae_dec_method)method), s.acc);
        assert_close(a.history[a.n_refresh - 1].acc, s.acc, 0.02);
        if (a.converged) assert_true(a.history[a.n_refresh - 1].delta_label < 1e-3);
        ae_dec_result_free(&a);
        ae_dec_result_free(&b);
    }
    ae_matrix_free(&x);
    ae_labels_free(&y);
}

static void test_errors(void **state)
{
    (void)state;
    ae_matrix x;
    ae_labels y;
    blobs(&x, &y);
    ae_model *m = pretrained(&x);
    ae_dec_result res;
    ae_error err;
    ae_dec_opts o = ae_dec_defaults(AE_DEC);
    o.k = 301;
    assert_int_equal(ae_dec_fit(m, &x, &o, &res, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "k = 301"));
    o = ae_dec_defaults(AE_DEC);
    o.alpha = 0;
    assert_int_equal(ae_dec_fit(m, &x, &o, &res, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "alpha"));
    ae_dec_method dm;
    assert_int_equal(ae_dec_method_parse("idec", &dm, &err), AE_OK);
    assert_int_equal(dm, AE_IDEC);
    assert_int_equal(ae_dec_method_parse("dek", &dm, &err), AE_ERR_ARG);
    ae_model_free(m);
    ae_matrix_free(&x);
    ae_labels_free(&y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_soft_assign_and_target),
        cmocka_unit_test(test_kl_gradients),
        cmocka_unit_test(test_fine_tuning),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
