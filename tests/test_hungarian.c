/* ae_hungarian: hand-solved cases, and the optimum of 200 random square and
 * rectangular matrices (1..7 per side) against brute force over every
 * assignment. */
#include "test_util.h"

#include "aeclust/metrics.h"
#include "aeclust/rng.h"

/* Checks that assign is a valid assignment of a rows x cols problem (every
 * row gets a distinct column when rows <= cols; exactly cols rows are matched
 * otherwise) and returns its cost. */
static double assignment_cost(const double *cost, int rows, int cols, const int *assign)
{
    int used[16] = {0};
    int matched = 0;
    double total = 0.0;
    for (int i = 0; i < rows; i++) {
        int j = assign[i];
        if (j < 0) continue;
        assert_true(j < cols);
        assert_int_equal(used[j], 0);
        used[j] = 1;
        matched++;
        total += cost[i * cols + j];
    }
    assert_int_equal(matched, rows < cols ? rows : cols);
    return total;
}

/* Smallest total over all ways to give each row of the smaller side a
 * distinct partner, by exhaustive recursion. */
static double brute_best(const double *cost, int rows, int cols, int row, int *used)
{
    int transposed = rows > cols;
    int n_small = transposed ? cols : rows, n_big = transposed ? rows : cols;
    if (row == n_small) return 0.0;
    double best = INFINITY;
    for (int j = 0; j < n_big; j++) {
        if (used[j]) continue;
        used[j] = 1;
        double c = transposed ? cost[j * cols + row] : cost[row * cols + j];
        double v = c + brute_best(cost, rows, cols, row + 1, used);
        if (v < best) best = v;
        used[j] = 0;
    }
    return best;
}

static void test_hand_square(void **state)
{
    (void)state;
    /* The six permutations (columns of rows 0, 1, 2): (0,1,2) 4+0+2 = 6,
     * (0,2,1) 4+5+2 = 11, (1,0,2) 1+2+2 = 5, (1,2,0) 1+5+3 = 9,
     * (2,0,1) 3+2+2 = 7, (2,1,0) 3+0+3 = 6: the unique best is (1,0,2). */
    const double cost[] = {4, 1, 3, 2, 0, 5, 3, 2, 2};
    int assign[3];
    ae_error err;
    assert_int_equal(ae_hungarian(cost, 3, 3, assign, &err), AE_OK);
    assert_int_equal(assign[0], 1);
    assert_int_equal(assign[1], 0);
    assert_int_equal(assign[2], 2);
}

static void test_hand_wide(void **state)
{
    (void)state;
    /* 2 x 3: pairs (r0,r1) -> (c0,c1) 1+4=5, (c0,c2) 1+6=7, (c1,c0) 2+2=4,
     * (c1,c2) 2+6=8, (c2,c0) 3+2=5, (c2,c1) 3+4=7: best r0->c1, r1->c0. */
    const double cost[] = {1, 2, 3, 2, 4, 6};
    int assign[2];
    assert_int_equal(ae_hungarian(cost, 2, 3, assign, NULL), AE_OK);
    assert_int_equal(assign[0], 1);
    assert_int_equal(assign[1], 0);
}

static void test_hand_tall(void **state)
{
    (void)state;
    /* 3 x 2 (the transpose plus a row): the two columns go to rows 0 and 1
     * (2 + 2 = 4); row 2 (3 or 6) stays unmatched. Any pair using row 2
     * costs at least 3 + 2 = 5. */
    const double cost[] = {1, 2, 2, 4, 3, 6};
    int assign[3];
    assert_int_equal(ae_hungarian(cost, 3, 2, assign, NULL), AE_OK);
    assert_int_equal(assign[0], 1);
    assert_int_equal(assign[1], 0);
    assert_int_equal(assign[2], -1);
}

static void test_maximise_counts(void **state)
{
    (void)state;
    /* Negated counts (how ACC uses it): the big counts sit off the diagonal. */
    const double cost[] = {-1, -50, -2, -40, -3, -4, -5, -6, -30};
    int assign[3];
    assert_int_equal(ae_hungarian(cost, 3, 3, assign, NULL), AE_OK);
    assert_int_equal(assign[0], 1);
    assert_int_equal(assign[1], 0);
    assert_int_equal(assign[2], 2);
}

static void test_degenerate_sizes(void **state)
{
    (void)state;
    const double one = 7.5;
    int assign[4] = {9, 9, 9, 9};
    assert_int_equal(ae_hungarian(&one, 1, 1, assign, NULL), AE_OK);
    assert_int_equal(assign[0], 0);
    assert_int_equal(ae_hungarian(NULL, 0, 5, assign, NULL), AE_OK);
    /* no columns: every row unmatched */
    assert_int_equal(ae_hungarian(NULL, 3, 0, assign, NULL), AE_OK);
    assert_int_equal(assign[0], -1);
    assert_int_equal(assign[2], -1);
}

static void test_errors(void **state)
{
    (void)state;
    const double bad[] = {1, NAN, 2, 3};
    int assign[2];
    ae_error err;
    ae_error_clear(&err);
    assert_int_equal(ae_hungarian(bad, 2, 2, assign, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "row 0, column 1"));
    const double inf[] = {1, 2, INFINITY, 3};
    assert_int_equal(ae_hungarian(inf, 2, 2, assign, &err), AE_ERR_ARG);
    assert_int_equal(ae_hungarian(bad, -1, 2, assign, &err), AE_ERR_ARG);
}

static void test_random_vs_brute_force(void **state)
{
    (void)state;
    ae_rng r;
    ae_rng_seed(&r, 2024);
    double cost[49];
    int assign[7], used[7];
    int rect = 0, ties = 0;
    for (int t = 0; t < 200; t++) {
        int rows = 1 + (int)ae_rng_below(&r, 7), cols = 1 + (int)ae_rng_below(&r, 7);
        int integer = t % 2 == 0; /* small integers give many ties */
        for (int k = 0; k < rows * cols; k++)
            cost[k] = integer ? (double)ae_rng_below(&r, 9) - 4.0 : 100.0 * (ae_rng_uniform(&r) - 0.3);
        assert_int_equal(ae_hungarian(cost, rows, cols, assign, NULL), AE_OK);
        double got = assignment_cost(cost, rows, cols, assign);
        for (int j = 0; j < 7; j++) used[j] = 0;
        double want = brute_best(cost, rows, cols, 0, used);
        assert_close(got, want, 1e-9);
        rect += rows != cols;
        ties += integer;
    }
    assert_true(rect > 100); /* the draw did cover rectangular shapes */
    assert_true(ties == 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_square),      cmocka_unit_test(test_hand_wide),
        cmocka_unit_test(test_hand_tall),        cmocka_unit_test(test_maximise_counts),
        cmocka_unit_test(test_degenerate_sizes), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_random_vs_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
