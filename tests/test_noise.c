/* Noise models and data augmentation: distributions, exact counts, determinism, errors. */
#include "test_util.h"

#include "aeclust/noise.h"
#include "aeclust/threads.h"

#define D 784 /* 28x28 */

/* rows x d matrix filled with v */
static ae_matrix filled(size_t rows, size_t d, float v)
{
    ae_matrix m = {0};
    assert_int_equal(ae_matrix_alloc(&m, rows, d, NULL), AE_OK);
    for (size_t i = 0; i < rows * d; i++) m.data[i] = v;
    return m;
}

/* rows x d matrix of uniform values in [0, 1) */
static ae_matrix random_images(size_t rows, size_t d, uint64_t seed)
{
    ae_matrix m = filled(rows, d, 0.0f);
    ae_rng r;
    ae_rng_seed(&r, seed);
    for (size_t i = 0; i < rows * d; i++) m.data[i] = (float)ae_rng_uniform(&r);
    return m;
}

static void apply_ok(ae_noise_kind kind, double amount, const ae_matrix *x, uint64_t seed, ae_matrix *out)
{
    ae_noise n = {kind, amount};
    ae_rng r;
    ae_rng_seed(&r, seed);
    ae_error e = {0};
    ae_status st = ae_noise_apply(&n, x, &r, out, &e);
    if (st != AE_OK) fail_msg("ae_noise_apply: %s", e.msg);
}

static size_t count_ne(const float *a, float v, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += a[i] != v;
    return c;
}

static void test_parse_and_names(void **state)
{
    (void)state;
    const char *names[] = {"none", "gaussian", "salt_pepper", "random_shades"};
    ae_noise_kind want[] = {AE_NOISE_NONE, AE_NOISE_GAUSSIAN, AE_NOISE_SALT_PEPPER, AE_NOISE_RANDOM_SHADES};
    for (int i = 0; i < 4; i++) {
        ae_noise_kind k = AE_NOISE_NONE;
        assert_int_equal(ae_noise_parse(names[i], &k, NULL), AE_OK);
        assert_int_equal(k, want[i]);
        assert_string_equal(ae_noise_name(k), names[i]);
    }
    ae_error e = {0};
    ae_noise_kind k = AE_NOISE_GAUSSIAN;
    assert_int_equal(ae_noise_parse("gauss", &k, &e), AE_ERR_ARG);
    assert_int_equal(e.status, AE_ERR_ARG);
    assert_int_equal(k, AE_NOISE_GAUSSIAN); /* untouched on failure */
    assert_non_null(strstr(e.msg, "'gauss'"));
    for (int i = 0; i < 4; i++) assert_non_null(strstr(e.msg, names[i]));
    assert_null(strchr(e.msg, '\n'));
    assert_int_equal(ae_noise_parse("Gaussian", &k, NULL), AE_ERR_ARG);
    assert_int_equal(ae_noise_parse(NULL, &k, NULL), AE_ERR_ARG);
    assert_string_equal(ae_noise_name((ae_noise_kind)42), "unknown");
}

static void test_check(void **state)
{
    (void)state;
    ae_error e = {0};
    ae_noise n = {AE_NOISE_SALT_PEPPER, 1.5};
    assert_int_equal(ae_noise_check(&n, &e), AE_ERR_ARG);
    assert_string_equal(e.msg, "noise fraction 1.5 is outside [0, 1]");
    n = (ae_noise){AE_NOISE_RANDOM_SHADES, -0.1};
    assert_int_equal(ae_noise_check(&n, &e), AE_ERR_ARG);
    assert_non_null(strstr(e.msg, "-0.1"));
    n = (ae_noise){AE_NOISE_RANDOM_SHADES, NAN};
    assert_int_equal(ae_noise_check(&n, &e), AE_ERR_ARG);
    n = (ae_noise){AE_NOISE_GAUSSIAN, -0.2};
    assert_int_equal(ae_noise_check(&n, &e), AE_ERR_ARG);
    assert_non_null(strstr(e.msg, "-0.2"));
    n = (ae_noise){AE_NOISE_GAUSSIAN, NAN};
    assert_int_equal(ae_noise_check(&n, &e), AE_ERR_ARG);
    n = (ae_noise){AE_NOISE_GAUSSIAN, INFINITY};
    assert_int_equal(ae_noise_check(&n, &e), AE_ERR_ARG);
    n = (ae_noise){(ae_noise_kind)7, 0.1};
    assert_int_equal(ae_noise_check(&n, &e), AE_ERR_ARG);
    /* boundaries and a large Gaussian factor are fine */
    n = (ae_noise){AE_NOISE_SALT_PEPPER, 0.0};
    assert_int_equal(ae_noise_check(&n, NULL), AE_OK);
    n = (ae_noise){AE_NOISE_RANDOM_SHADES, 1.0};
    assert_int_equal(ae_noise_check(&n, NULL), AE_OK);
    n = (ae_noise){AE_NOISE_GAUSSIAN, 5.0};
    assert_int_equal(ae_noise_check(&n, NULL), AE_OK);

    /* apply refuses a bad model, a shape mismatch and an aliased output */
    ae_matrix x = filled(3, 4, 0.5f), y = filled(3, 5, 0.0f);
    ae_rng r;
    ae_rng_seed(&r, 1);
    n = (ae_noise){AE_NOISE_SALT_PEPPER, 1.5};
    assert_int_equal(ae_noise_apply(&n, &x, &r, &x, &e), AE_ERR_ARG);
    n = (ae_noise){AE_NOISE_GAUSSIAN, 0.2};
    assert_int_equal(ae_noise_apply(&n, &x, &r, &y, &e), AE_ERR_ARG);
    assert_non_null(strstr(e.msg, "3x5"));
    assert_non_null(strstr(e.msg, "3x4"));
    assert_int_equal(ae_noise_apply(&n, &x, &r, &x, &e), AE_ERR_ARG);
    assert_non_null(strstr(e.msg, "alias"));
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

static void test_gaussian_zero_is_identity(void **state)
{
    (void)state;
    ae_matrix x = random_images(20, D, 5), y = filled(20, D, -1.0f);
    apply_ok(AE_NOISE_GAUSSIAN, 0.0, &x, 9, &y);
    assert_memory_equal(x.data, y.data, 20 * D * sizeof(float));
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

static void test_gaussian_moments(void **state)
{
    (void)state;
    size_t n = 100;
    ae_matrix x = filled(n, D, 0.5f), y = filled(n, D, -1.0f);
    apply_ok(AE_NOISE_GAUSSIAN, 0.2, &x, 123, &y);
    double s = 0, s2 = 0;
    size_t at0 = 0, at1 = 0;
    for (size_t i = 0; i < n * D; i++) {
        float v = y.data[i];
        assert_true(v >= 0.0f && v <= 1.0f);
        at0 += v == 0.0f;
        at1 += v == 1.0f;
        double dlt = (double)v - 0.5;
        s += dlt;
        s2 += dlt * dlt;
    }
    double mean = s / (double)(n * D), sd = sqrt(s2 / (double)(n * D) - mean * mean);
    /* 0.5 +- 0.2 Z is clipped at |Z| = 2.5, which shrinks the spread: the std of
     * 0.2 * clip(Z, -2.5, 2.5) is 0.2 * sqrt((2 Phi(a) - 1) - 2 a phi(a) + 2 a^2 (1 - Phi(a)))
     * at a = 2.5 = 0.197743 (scipy.stats.norm). Standard errors at 78,400
     * samples: 0.0007 for the mean, 0.0005 for the std. */
    assert_close(mean, 0.0, 0.003);
    assert_close(sd, 0.197743, 0.002);
    /* P(|Z| > 2.5) / 2 = 0.00621 each side: about 487 pixels at 0 and at 1 */
    assert_true(at0 > 350 && at0 < 650);
    assert_true(at1 > 350 && at1 < 650);
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

static void test_salt_pepper_counts(void **state)
{
    (void)state;
    size_t n = 100, k = 235; /* round(0.3 * 784) = round(235.2) */
    ae_matrix x = filled(n, D, 0.5f), y = filled(n, D, -1.0f);
    apply_ok(AE_NOISE_SALT_PEPPER, 0.3, &x, 77, &y);
    size_t ones = 0;
    for (size_t i = 0; i < n; i++) {
        const float *yi = ae_matrix_row(&y, i);
        assert_int_equal(count_ne(yi, 0.5f, D), k);
        for (size_t j = 0; j < D; j++) {
            if (yi[j] == 0.5f) continue;
            assert_true(yi[j] == 0.0f || yi[j] == 1.0f);
            ones += yi[j] == 1.0f;
        }
    }
    /* 23,500 fair coins: std of the fraction 0.0033 */
    assert_close((double)ones / (double)(n * k), 0.5, 0.02);
    /* seed 003's other rates, where round and floor differ: 0.2 * 784 = 156.8 and 0.7 * 784 = 548.8 */
    const double p[] = {0.2, 0.7};
    const size_t want[] = {157, 549};
    for (int t = 0; t < 2; t++) {
        apply_ok(AE_NOISE_SALT_PEPPER, p[t], &x, 78, &y);
        for (size_t i = 0; i < n; i++) assert_int_equal(count_ne(ae_matrix_row(&y, i), 0.5f, D), want[t]);
    }
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

static void test_random_shades_counts(void **state)
{
    (void)state;
    size_t n = 100, k = 392; /* round(0.5 * 784) */
    ae_matrix x = filled(n, D, 0.5f), y = filled(n, D, -1.0f);
    apply_ok(AE_NOISE_RANDOM_SHADES, 0.5, &x, 31, &y);
    size_t low = 0, changed = 0;
    for (size_t i = 0; i < n; i++) {
        const float *yi = ae_matrix_row(&y, i);
        /* a drawn shade equals 0.5 exactly with chance ~2^-24: allow one per image */
        size_t c = count_ne(yi, 0.5f, D);
        assert_true(c == k || c == k - 1);
        changed += c;
        for (size_t j = 0; j < D; j++) {
            assert_true(yi[j] >= 0.0f && yi[j] <= 1.0f);
            low += yi[j] < 0.25f;
        }
    }
    /* uniform shades: a quarter of the changed pixels fall below 0.25 (std 0.0022) */
    assert_close((double)low / (double)changed, 0.25, 0.015);
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

/* Every position equally likely: a sampler biased towards the first (or last)
 * pixels of a row fails here. */
static void test_positions_uniform(void **state)
{
    (void)state;
    size_t n = 2000;
    ae_matrix x = filled(n, D, 0.5f), y = filled(n, D, -1.0f);
    apply_ok(AE_NOISE_SALT_PEPPER, 0.3, &x, 2024, &y);
    /* each position: Binomial(2000, 235/784) = 599.5 +- 20.5 */
    for (size_t j = 0; j < D; j++) {
        size_t c = 0;
        for (size_t i = 0; i < n; i++) c += y.data[i * D + j] != 0.5f;
        if (c < 490 || c > 710) fail_msg("position %zu changed in %zu of 2000 images", j, c);
    }
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

static void test_fraction_ends(void **state)
{
    (void)state;
    ae_matrix x = random_images(10, D, 3), y = filled(10, D, -1.0f);
    for (int kind = AE_NOISE_SALT_PEPPER; kind <= AE_NOISE_RANDOM_SHADES; kind++) {
        apply_ok((ae_noise_kind)kind, 0.0, &x, 4, &y);
        assert_memory_equal(x.data, y.data, 10 * D * sizeof(float));
    }
    apply_ok(AE_NOISE_NONE, 0.7, &x, 4, &y);
    assert_memory_equal(x.data, y.data, 10 * D * sizeof(float));
    /* p = 1: every pixel of a grey image becomes 0 or 1 */
    ae_matrix g = filled(10, D, 0.5f);
    apply_ok(AE_NOISE_SALT_PEPPER, 1.0, &g, 4, &y);
    for (size_t i = 0; i < 10 * D; i++) assert_true(y.data[i] == 0.0f || y.data[i] == 1.0f);
    /* p = 1 random shades: every pixel is redrawn (an unchanged one would equal x) */
    apply_ok(AE_NOISE_RANDOM_SHADES, 1.0, &x, 4, &y);
    size_t same = 0;
    for (size_t i = 0; i < 10 * D; i++) same += x.data[i] == y.data[i];
    assert_true(same <= 1);
    ae_matrix_free(&g);
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

static void test_noise_determinism(void **state)
{
    (void)state;
    size_t n = 300; /* above the threading threshold */
    ae_matrix x = random_images(n, D, 8), a = filled(n, D, 0), b = filled(n, D, 0);
    for (int kind = AE_NOISE_GAUSSIAN; kind <= AE_NOISE_RANDOM_SHADES; kind++) {
        assert_int_equal(ae_set_threads(3, NULL), AE_OK);
        apply_ok((ae_noise_kind)kind, 0.3, &x, 55, &a);
        apply_ok((ae_noise_kind)kind, 0.3, &x, 55, &b);
        assert_memory_equal(a.data, b.data, n * D * sizeof(float));
        /* the same with one thread: per-image streams do not depend on the schedule */
        assert_int_equal(ae_set_threads(1, NULL), AE_OK);
        apply_ok((ae_noise_kind)kind, 0.3, &x, 55, &b);
        assert_int_equal(ae_set_threads(0, NULL), AE_OK); /* back to the default */
        assert_memory_equal(a.data, b.data, n * D * sizeof(float));
        apply_ok((ae_noise_kind)kind, 0.3, &x, 56, &b);
        assert_memory_not_equal(a.data, b.data, n * D * sizeof(float));
        /* images differ from each other (no stream reused across rows) */
        assert_memory_not_equal(a.data, a.data + D, D * sizeof(float));
    }
    /* every call advances the caller's rng by exactly one draw, for every kind */
    for (int kind = AE_NOISE_NONE; kind <= AE_NOISE_RANDOM_SHADES; kind++) {
        ae_rng r, ref;
        ae_rng_seed(&r, 99);
        ae_rng_seed(&ref, 99);
        ae_noise nz = {(ae_noise_kind)kind, 0.4};
        assert_int_equal(ae_noise_apply(&nz, &x, &r, &a, NULL), AE_OK);
        ae_rng_next(&ref);
        assert_memory_equal(r.s, ref.s, sizeof r.s);
    }
    /* consecutive calls with one rng give fresh noise (the per-epoch use) */
    ae_rng r;
    ae_rng_seed(&r, 7);
    ae_noise g = {AE_NOISE_GAUSSIAN, 0.2};
    assert_int_equal(ae_noise_apply(&g, &x, &r, &a, NULL), AE_OK);
    assert_int_equal(ae_noise_apply(&g, &x, &r, &b, NULL), AE_OK);
    assert_memory_not_equal(a.data, b.data, n * D * sizeof(float));
    ae_matrix_free(&x);
    ae_matrix_free(&a);
    ae_matrix_free(&b);
}

/* --- augmentation --- */

static ae_status augment(int max_shift, int hflip, const ae_matrix *x, int h, int w, uint64_t seed, ae_matrix *out,
                         ae_error *e)
{
    ae_augment_opts o = {max_shift, hflip};
    ae_rng r;
    ae_rng_seed(&r, seed);
    return ae_augment_apply(&o, x, h, w, &r, out, e);
}

static void test_augment_identity(void **state)
{
    (void)state;
    ae_matrix x = random_images(5, D, 1), y = filled(5, D, -1.0f);
    ae_augment_opts o = {0, 0};
    ae_rng r, ref;
    ae_rng_seed(&r, 3);
    ref = r;
    assert_int_equal(ae_augment_apply(&o, &x, 28, 28, &r, &y, NULL), AE_OK);
    assert_memory_equal(x.data, y.data, 5 * D * sizeof(float));
    assert_memory_equal(r.s, ref.s, sizeof r.s); /* nothing drawn */
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

static void test_augment_hflip(void **state)
{
    (void)state;
    /* 2x3 image  a b c / d e f  mirrors to  c b a / f e d */
    const float img[6] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
    const float mir[6] = {0.3f, 0.2f, 0.1f, 0.6f, 0.5f, 0.4f};
    size_t n = 32;
    ae_matrix x = filled(n, 6, 0), y = filled(n, 6, -1.0f);
    for (size_t i = 0; i < n; i++) memcpy(ae_matrix_row(&x, i), img, sizeof img);
    assert_int_equal(augment(0, 1, &x, 2, 3, 11, &y, NULL), AE_OK);
    /* the documented draw: one coin per image, the top bit of ae_rng_next */
    ae_rng ref;
    ae_rng_seed(&ref, 11);
    size_t flipped = 0;
    for (size_t i = 0; i < n; i++) {
        int want = (int)(ae_rng_next(&ref) >> 63);
        assert_memory_equal(ae_matrix_row(&y, i), want ? mir : img, sizeof img);
        flipped += want;
    }
    assert_true(flipped > 0 && flipped < n); /* both outcomes seen */
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

static void test_augment_shift_moves_pixel(void **state)
{
    (void)state;
    /* 7x7, a single 1 at the centre (3, 3); max_shift 2 keeps it inside */
    size_t n = 400;
    int s = 2;
    ae_matrix x = filled(n, 49, 0), y = filled(n, 49, -1.0f);
    for (size_t i = 0; i < n; i++) ae_matrix_row(&x, i)[3 * 7 + 3] = 1.0f;
    assert_int_equal(augment(s, 0, &x, 7, 7, 5, &y, NULL), AE_OK);
    int seen[5][5] = {{0}};
    for (size_t i = 0; i < n; i++) {
        const float *yi = ae_matrix_row(&y, i);
        int at = -1, ones = 0;
        for (int j = 0; j < 49; j++) {
            assert_true(yi[j] == 0.0f || yi[j] == 1.0f);
            if (yi[j] == 1.0f) at = j, ones++;
        }
        assert_int_equal(ones, 1); /* mass kept */
        int dy = at / 7 - 3, dx = at % 7 - 3;
        assert_true(dy >= -s && dy <= s && dx >= -s && dx <= s);
        seen[dy + s][dx + s]++;
    }
    /* every offset in -2..2 x -2..2 occurs (16 expected each) */
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 5; b++) assert_true(seen[a][b] > 0);
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

/* Shift + flip against the definition, pixel by pixel, replaying the documented
 * draws: dy, dx, then the coin. Big shifts push pixels off the edge. */
static void test_augment_matches_definition(void **state)
{
    (void)state;
    int h = 5, w = 4, s = 6, d = h * w;
    size_t n = 200;
    ae_matrix x = random_images(n, (size_t)d, 2), y = filled(n, (size_t)d, -1.0f);
    assert_int_equal(augment(s, 1, &x, h, w, 21, &y, NULL), AE_OK);
    ae_rng ref;
    ae_rng_seed(&ref, 21);
    size_t blank = 0, partial = 0;
    for (size_t i = 0; i < n; i++) {
        int dy = (int)ae_rng_below(&ref, 2 * s + 1) - s;
        int dx = (int)ae_rng_below(&ref, 2 * s + 1) - s;
        int flip = (int)(ae_rng_next(&ref) >> 63);
        const float *xi = ae_matrix_row(&x, i), *yi = ae_matrix_row(&y, i);
        double in_mass = 0, out_mass = 0;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++) {
                int sr = r - dy, sc = c - dx;
                float want = 0.0f;
                if (sr >= 0 && sr < h && sc >= 0 && sc < w) {
                    want = xi[sr * w + (flip ? w - 1 - sc : sc)];
                    in_mass += want;
                }
                assert_true(yi[r * w + c] == want);
                out_mass += yi[r * w + c];
            }
        assert_close(out_mass, in_mass, 1e-4); /* what stays inside is all there is */
        blank += out_mass == 0;
        partial += out_mass > 0 && (dx != 0 || dy != 0);
    }
    assert_true(blank > 0 && partial > 0);
    ae_matrix_free(&x);
    ae_matrix_free(&y);
}

static void test_augment_determinism_and_errors(void **state)
{
    (void)state;
    ae_matrix x = random_images(50, D, 4), a = filled(50, D, 0), b = filled(50, D, 0);
    assert_int_equal(augment(3, 1, &x, 28, 28, 8, &a, NULL), AE_OK);
    assert_int_equal(augment(3, 1, &x, 28, 28, 8, &b, NULL), AE_OK);
    assert_memory_equal(a.data, b.data, 50 * D * sizeof(float));
    assert_int_equal(augment(3, 1, &x, 28, 28, 9, &b, NULL), AE_OK);
    assert_memory_not_equal(a.data, b.data, 50 * D * sizeof(float));

    ae_error e = {0};
    assert_int_equal(augment(-1, 0, &x, 28, 28, 8, &a, &e), AE_ERR_ARG);
    assert_non_null(strstr(e.msg, "-1"));
    assert_int_equal(augment(1, 0, &x, 28, 27, 8, &a, &e), AE_ERR_ARG);
    assert_non_null(strstr(e.msg, "28x27"));
    assert_non_null(strstr(e.msg, "784"));
    assert_int_equal(augment(1, 0, &x, 0, 784, 8, &a, &e), AE_ERR_ARG);
    assert_int_equal(augment(1, 0, &x, 28, 28, 8, &x, &e), AE_ERR_ARG);
    assert_non_null(strstr(e.msg, "alias"));
    ae_matrix c = filled(49, D, 0);
    assert_int_equal(augment(1, 0, &x, 28, 28, 8, &c, &e), AE_ERR_ARG);
    assert_non_null(strstr(e.msg, "49x784"));
    assert_null(strchr(e.msg, '\n'));
    ae_matrix_free(&c);
    ae_matrix_free(&x);
    ae_matrix_free(&a);
    ae_matrix_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_names),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_gaussian_zero_is_identity),
        cmocka_unit_test(test_gaussian_moments),
        cmocka_unit_test(test_salt_pepper_counts),
        cmocka_unit_test(test_random_shades_counts),
        cmocka_unit_test(test_positions_uniform),
        cmocka_unit_test(test_fraction_ends),
        cmocka_unit_test(test_noise_determinism),
        cmocka_unit_test(test_augment_identity),
        cmocka_unit_test(test_augment_hflip),
        cmocka_unit_test(test_augment_shift_moves_pixel),
        cmocka_unit_test(test_augment_matches_definition),
        cmocka_unit_test(test_augment_determinism_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
