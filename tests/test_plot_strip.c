/* The charts of runs over seeds and sweeps (plot.h): the strip plot and the
 * error-bar chart on the frame's categorical x axis, read back with libpng
 * and checked by colour: columns left to right in order, dots where their
 * values put them, the mean bar between them, error bars as long as the sd;
 * the same input gives the same bytes; bad input fails and leaves no file. */
#include "test_util.h"

#include <png.h>

#include "aeclust/plot.h"

typedef struct {
    int w, h;
    uint8_t *rgb;
} image;

static image read_png(const char *path)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&pi, path)) fail_msg("%s: not a PNG: %s", path, pi.message);
    assert_int_equal(pi.format, PNG_FORMAT_RGB);
    image im = {(int)pi.width, (int)pi.height, malloc(PNG_IMAGE_SIZE(pi))};
    assert_non_null(im.rgb);
    if (!png_image_finish_read(&pi, NULL, im.rgb, 0, NULL)) fail_msg("%s: cannot decode: %s", path, pi.message);
    return im;
}

static int near(const uint8_t *p, const uint8_t want[3])
{
    return abs(p[0] - want[0]) <= 1 && abs(p[1] - want[1]) <= 1 && abs(p[2] - want[2]) <= 1;
}

/* Pixels of colour want (within 1) left of x_max: count, centroid and vertical extent. */
static int find_colour(const image *im, const uint8_t want[3], int x_max, double *cx, double *cy, int *y0, int *y1)
{
    int n = 0;
    double sx = 0, sy = 0;
    if (y0) *y0 = im->h, *y1 = -1;
    for (int y = 0; y < im->h; y++)
        for (int x = 0; x < im->w && x < x_max; x++) {
            const uint8_t *p = im->rgb + ((size_t)y * im->w + x) * 3;
            if (!near(p, want)) continue;
            n++;
            sx += x;
            sy += y;
            if (y0 && y < *y0) *y0 = y;
            if (y0 && y > *y1) *y1 = y;
        }
    if (cx) *cx = n ? sx / n : -1;
    if (cy) *cy = n ? sy / n : -1;
    return n;
}

/* The colour of palette id drawn at opacity alpha over white. */
static void over_white(int id, double alpha, uint8_t out[3])
{
    uint8_t c[3];
    ae_plot_palette(id, c);
    for (int i = 0; i < 3; i++) out[i] = (uint8_t)lrint(255 - alpha * (255 - c[i]));
}

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int x = fgetc(fa), y = fgetc(fb);
        if (x != y) same = 0;
        if (x == EOF || y == EOF) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

static void test_strip(void **state)
{
    (void)state;
    char dir[256], path[300], again[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/s.png", dir);
    snprintf(again, sizeof again, "%s/s2.png", dir);
    const double a[3] = {0.2, NAN, 0.4}, b[1] = {0.8};
    ae_plot_strip_column cols[2] = {{.name = "kmeans \xc2\xb7 pixels \xc2\xb7 test", .values = a, .n = 3},
                                    {.name = "gmm", .values = b, .n = 1}};
    ae_error err = {0};
    assert_int_equal(ae_plot_strip(path, cols, 2, NULL, &err), AE_OK);
    image im = read_png(path);
    assert_int_equal(im.w, 800);
    assert_int_equal(im.h, 600);
    uint8_t c0[3], c1[3], bar[3] = {33, 33, 33};
    over_white(0, 0.8, c0);
    over_white(1, 0.8, c1);
    double x0, y0, x1, y1, bx, by;
    int top0, bottom0, n0 = find_colour(&im, c0, im.w, &x0, &y0, &top0, &bottom0),
        n1 = find_colour(&im, c1, im.w, &x1, &y1, NULL, NULL);
    /* two dots of column 0 (NaN left out); one of column 1, crossed by its mean bar */
    assert_true(n0 > 60 && n1 > 15);
    assert_true(n0 > 2 * n1);
    assert_true(x1 > x0 + 200); /* column 1 right of column 0 */
    assert_true(y1 < top0);      /* 0.8 above both 0.2 and 0.4 */
    assert_true(bottom0 - top0 > 100);
    /* the mean bars: column 0's halfway between its dots (0.3), column 1's on its dot */
    int half = (int)((x0 + x1) / 2), n_left = find_colour(&im, bar, half, &bx, &by, NULL, NULL);
    assert_true(n_left > 20);
    assert_close(bx, x0, 40); /* the bar spans the column, whose dots spread sideways */
    /* at the dots' centroid, the mean of 0.2 and 0.4, 160 pixels apart (the dots' centroids
     * are off by a few pixels: how many pixels of a dot are whole depends on where it falls) */
    assert_close(by, y0, 8);
    double bx_all, by_all;
    int n_all = find_colour(&im, bar, im.w, &bx_all, &by_all, NULL, NULL);
    assert_true(n_all - n_left > 10);
    assert_close((by_all * n_all - by * n_left) / (n_all - n_left), y1, 8); /* column 1's bar on its one dot */
    free(im.rgb);
    assert_int_equal(ae_plot_strip(again, cols, 2, NULL, &err), AE_OK);
    assert_true(same_file(path, again));

    /* many long labels: rotated, the columns still in order */
    enum { N = 30 };
    ae_plot_strip_column many[N];
    double v[N];
    char names[N][64];
    for (int i = 0; i < N; i++) {
        v[i] = i;
        snprintf(names[i], sizeof names[i], "pca+kmeans \xc2\xb7 code \xc2\xb7 test-first-%d", 1000 + i);
        many[i] = (ae_plot_strip_column){.name = names[i], .values = &v[i], .n = 1};
    }
    assert_int_equal(ae_plot_strip(path, many, N, NULL, &err), AE_OK);
    im = read_png(path);
    over_white(0, 0.8, c0); /* columns 0, 10, 20 share palette colour 0: left to right, rising */
    int left = im.w, right = -1, top = im.h, bottom = -1;
    for (int y = 0; y < im.h; y++)
        for (int x = 0; x < im.w; x++) {
            const uint8_t *p = im.rgb + ((size_t)y * im.w + x) * 3;
            if (!near(p, c0)) continue;
            if (x < left) left = x, bottom = y;
            if (x > right) right = x, top = y;
        }
    assert_true(right - left > 400);
    assert_true(top < bottom - 150);
    free(im.rgb);

    /* a canvas far too small for its labels still draws */
    ae_plot_opts tiny = ae_plot_defaults();
    tiny.width = 60;
    tiny.height = 50;
    assert_int_equal(ae_plot_strip(path, many, N, &tiny, &err), AE_OK);
    im = read_png(path);
    assert_int_equal(im.w, 60);
    free(im.rgb);

    /* bad input: nothing written */
    snprintf(path, sizeof path, "%s/bad.png", dir);
    const double none[2] = {NAN, NAN};
    ae_plot_strip_column empty = {.name = "x", .values = none, .n = 2};
    assert_int_equal(ae_plot_strip(path, &empty, 1, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "no finite value"));
    assert_int_equal(ae_plot_strip(path, cols, 0, NULL, &err), AE_ERR_ARG);
    ae_plot_strip_column broken = {.name = "x", .values = NULL, .n = 2};
    assert_int_equal(ae_plot_strip(path, &broken, 1, NULL, &err), AE_ERR_ARG);
    assert_int_equal(access(path, F_OK), -1);
    test_rmdir(dir);
}

/* The vertical extent of series 0's colour: error bars make it longer. */
static int extent(const char *path, double *cx)
{
    image im = read_png(path);
    uint8_t c[3];
    ae_plot_palette(0, c);
    int top, bottom;
    assert_true(find_colour(&im, c, 780, cx, NULL, &top, &bottom) > 20); /* the plot, not the legend */
    free(im.rgb);
    return bottom - top;
}

static void test_errorbars(void **state)
{
    (void)state;
    char dir[256], a[300], b[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    /* a flat line at 1 with bars of 0.5, beside a second line that fixes the y range */
    const double x[3] = {30, 10, 20}, flat[3] = {1, 1, 1}, sd[3] = {0.5, 0.5, 0.5}, range[3] = {0, 2, NAN};
    ae_plot_errorbar_series s[2] = {{.name = "bars", .y = flat, .sd = sd}, {.name = "range", .y = range}};
    ae_error err = {0};
    assert_int_equal(ae_plot_errorbars(a, x, NULL, 3, s, 2, NULL, &err), AE_OK);
    s[0].sd = NULL;
    assert_int_equal(ae_plot_errorbars(b, x, NULL, 3, s, 2, NULL, &err), AE_OK);
    double cx;
    int with = extent(a, &cx), without = extent(b, &cx);
    assert_true(without < 12);           /* a flat line and its markers */
    assert_true(with > without + 150);   /* a bar of 1 in a range of 2.1 of some 500 pixels */
    image im = read_png(a);
    assert_true(im.w > 800); /* the legend beside the plot */
    free(im.rgb);

    /* categorical x, in the order given */
    const char *const labels[3] = {"kmeans", "gmm", "pca+kmeans"};
    const double rising[3] = {0.1, 0.2, 0.3};
    ae_plot_errorbar_series one = {.name = NULL, .y = rising};
    assert_int_equal(ae_plot_errorbars(a, NULL, labels, 3, &one, 1, NULL, &err), AE_OK);
    im = read_png(a);
    assert_int_equal(im.w, 800); /* no legend */
    free(im.rgb);
    assert_int_equal(ae_plot_errorbars(b, NULL, labels, 3, &one, 1, NULL, &err), AE_OK);
    assert_true(same_file(a, b));

    /* a canvas narrower than the legend */
    ae_plot_opts narrow = ae_plot_defaults();
    narrow.width = 120;
    s[0].name = "a legend entry wider than the whole figure";
    assert_int_equal(ae_plot_errorbars(a, x, NULL, 3, s, 2, &narrow, &err), AE_OK);

    /* bad input */
    const double dup[2] = {1, 1}, nan2[2] = {NAN, NAN};
    ae_plot_errorbar_series two = {.y = rising};
    assert_int_equal(ae_plot_errorbars(a, dup, NULL, 2, &two, 1, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "given twice"));
    ae_plot_errorbar_series nothing = {.y = nan2};
    assert_int_equal(ae_plot_errorbars(a, NULL, labels, 2, &nothing, 1, NULL, &err), AE_ERR_ARG);
    assert_int_equal(ae_plot_errorbars(a, NULL, NULL, 2, &two, 1, NULL, &err), AE_ERR_ARG);
    test_rmdir(dir);
}

/* The frame on a canvas too narrow for two x tick labels: the thinning of
 * the ticks stops (it once looped for ever) and the chart is drawn. */
static void test_tiny_frame(void **state)
{
    (void)state;
    char dir[256], path[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/l.png", dir);
    const double x[3] = {1, 2, 3}, y[3] = {0.5, 0.4, 0.35};
    ae_plot_series s = {.name = "train", .x = x, .y = y, .n = 3};
    ae_plot_opts o = ae_plot_defaults();
    o.width = 60;
    ae_error err = {0};
    assert_int_equal(ae_plot_lines(path, &s, 1, &o, &err), AE_OK);
    image im = read_png(path);
    assert_int_equal(im.w, 60);
    free(im.rgb);
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_strip), cmocka_unit_test(test_errorbars),
                                       cmocka_unit_test(test_tiny_frame)};
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ae_plot_teardown(); /* cairo's and fontconfig's caches: a clean exit under LeakSanitizer */
    return failed;
}
