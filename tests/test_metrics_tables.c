/* ae_confusion_write and ae_makeup_write: exact text on a small case, with
 * and without class names, and AE_ERR_IO when the stream cannot be written. */
#include "test_util.h"

#include "aeclust/metrics.h"

/* truth / pred of 11 points; class 9 has no name. Contingency (rows classes
 * 0 1 2 9, columns clusters 1 5 7 40):
 *   class 0: 1 2 0 0    class 1: 2 0 1 0    class 2: 0 1 3 0    class 9: 0 0 0 1
 * Best matching (ACC 8/11): 0 -> 5, 1 -> 1, 2 -> 7, 9 -> 40, so the columns
 * read 5 1 7 40. */
static const int32_t truth[] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 9};
static const int32_t pred[] = {5, 5, 1, 1, 1, 7, 7, 7, 7, 5, 40};
static const char *const names[] = {"T-shirt/top", "Trouser", "Pullover"};

/* Runs a writer into memory and returns the text (free it). */
static char *capture(ae_status (*w)(FILE *, const ae_contingency *, const char *const *, int, ae_error *),
                     const ae_contingency *c, const char *const *nm, int n_names)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    ae_error err;
    if (w(f, c, nm, n_names, &err)) fail_msg("writer failed: %s", err.msg);
    fclose(f);
    return buf;
}

static void test_confusion_text(void **state)
{
    (void)state;
    ae_contingency c;
    assert_int_equal(ae_contingency_build(truth, pred, 11, &c, NULL), AE_OK);
    char *got = capture(ae_confusion_write, &c, names, 3);
    const char *want = "class \\ cluster   5   1   7  40\n"
                       "T-shirt/top       2   1   0   0\n"
                       "Trouser           0   2   1   0\n"
                       "Pullover          1   0   3   0\n"
                       "9                 0   0   0   1\n";
    assert_string_equal(got, want);
    free(got);
    /* without names the ids label the rows */
    got = capture(ae_confusion_write, &c, NULL, 0);
    assert_non_null(strstr(got, "\n0                 2   1   0   0\n"));
    free(got);
    ae_contingency_free(&c);
}

static void test_confusion_unmatched_clusters_last(void **state)
{
    (void)state;
    /* 2 classes, 4 clusters: 0 -> 3 (3 points), 1 -> 8 (2); 0 and 6 unmatched, ascending */
    const int32_t t[] = {0, 0, 0, 0, 1, 1, 1}, p[] = {3, 3, 3, 6, 8, 8, 0};
    ae_contingency c;
    assert_int_equal(ae_contingency_build(t, p, 7, &c, NULL), AE_OK);
    char *got = capture(ae_confusion_write, &c, NULL, 0);
    const char *want = "class \\ cluster  3  8  0  6\n"
                       "0                3  0  0  1\n"
                       "1                0  2  1  0\n";
    assert_string_equal(got, want);
    free(got);
    ae_contingency_free(&c);
}

static void test_makeup_text(void **state)
{
    (void)state;
    ae_contingency c;
    assert_int_equal(ae_contingency_build(truth, pred, 11, &c, NULL), AE_OK);
    char *got = capture(ae_makeup_write, &c, names, 3);
    /* cluster 1: Trouser 2/3, T-shirt 1/3; cluster 5: T-shirt 2/3, Pullover 1/3;
     * cluster 7: Pullover 3/4, Trouser 1/4; cluster 40: class 9 alone */
    const char *want = "cluster  size  top classes\n"
                       "      1     3  Trouser 66.7%, T-shirt/top 33.3%\n"
                       "      5     3  T-shirt/top 66.7%, Pullover 33.3%\n"
                       "      7     4  Pullover 75.0%, Trouser 25.0%\n"
                       "     40     1  9 100.0%\n";
    assert_string_equal(got, want);
    free(got);
    ae_contingency_free(&c);
}

static void test_makeup_top_three_and_ties(void **state)
{
    (void)state;
    /* one cluster over classes 0..4 with counts 1 3 3 2 1: the top three are
     * 1 and 2 (tie, smaller id first) then 3 */
    const int32_t t[] = {0, 1, 1, 1, 2, 2, 2, 3, 3, 4}, p[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    ae_contingency c;
    assert_int_equal(ae_contingency_build(t, p, 10, &c, NULL), AE_OK);
    char *got = capture(ae_makeup_write, &c, NULL, 0);
    assert_string_equal(got, "cluster  size  top classes\n"
                             "      0    10  1 30.0%, 2 30.0%, 3 20.0%\n");
    free(got);
    ae_contingency_free(&c);
}

static void test_write_failure(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    if (!f) skip();
    ae_contingency c;
    assert_int_equal(ae_contingency_build(truth, pred, 11, &c, NULL), AE_OK);
    ae_error err;
    ae_error_clear(&err);
    assert_int_equal(ae_confusion_write(f, &c, names, 3, &err), AE_ERR_IO);
    assert_non_null(strstr(err.msg, "confusion table: write failed"));
    clearerr(f);
    assert_int_equal(ae_makeup_write(f, &c, names, 3, &err), AE_ERR_IO);
    assert_non_null(strstr(err.msg, "make-up table: write failed"));
    fclose(f);
    ae_contingency_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confusion_text),      cmocka_unit_test(test_confusion_unmatched_clusters_last),
        cmocka_unit_test(test_makeup_text),         cmocka_unit_test(test_makeup_top_three_and_ties),
        cmocka_unit_test(test_write_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
