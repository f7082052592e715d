/* Figures (include/aeclust/plot.h): every PNG is read back with libpng and
 * checked for its size and for pixels where the data puts them; the same
 * input gives the same bytes; bad input fails with a message and leaves no
 * file (and an existing one untouched). Positions are found by colour, so the
 * checks do not depend on font metrics. */
#include "test_util.h"

#include <dirent.h>
#include <png.h>

#include "aeclust/metrics.h"
#include "aeclust/plot.h"
#include "viz/viz.h"

typedef struct {
    int w, h;
    uint8_t *rgb; /* (h, w, 3) */
} image;

static image read_png(const char *path)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&pi, path)) fail_msg("%s: not a PNG: %s", path, pi.message);
    /* the file itself must be 8-bit RGB (no alpha, no palette) */
    assert_int_equal(pi.format, PNG_FORMAT_RGB);
    pi.format = PNG_FORMAT_RGB;
    image im = {(int)pi.width, (int)pi.height, malloc(PNG_IMAGE_SIZE(pi))};
    assert_non_null(im.rgb);
    if (!png_image_finish_read(&pi, NULL, im.rgb, 0, NULL)) fail_msg("%s: cannot decode: %s", path, pi.message);
    return im;
}

static const uint8_t *px(const image *im, int x, int y) { return im->rgb + ((size_t)y * im->w + x) * 3; }

static int near_rgb(const uint8_t *p, const uint8_t want[3], int tol)
{
    return abs(p[0] - want[0]) <= tol && abs(p[1] - want[1]) <= tol && abs(p[2] - want[2]) <= tol;
}

/* Pixels of colour want (within tol) inside rows [y0, y1): count and centroid. */
static int find_colour(const image *im, const uint8_t want[3], int tol, int y0, int y1, double *cx, double *cy)
{
    int n = 0;
    double sx = 0, sy = 0;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < im->w; x++)
            if (near_rgb(px(im, x, y), want, tol)) {
                n++;
                sx += x;
                sy += y;
            }
    if (cx) *cx = n ? sx / n : -1;
    if (cy) *cy = n ? sy / n : -1;
    return n;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

static int same_bytes(const char *a, const char *b)
{
    size_t na, nb;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static int file_exists(const char *p) { return access(p, F_OK) == 0; }

/* ---- ticks ------------------------------------------------------------- */

static void test_nice_ticks(void **state)
{
    (void)state;
    viz_ticks t;
    ae_viz_nice_ticks(0, 10, 5, 0, &t);
    assert_int_equal(t.n, 6); /* 0 2 4 6 8 10 */
    for (int i = 0; i < t.n; i++) assert_close(t.v[i], 2.0 * i, 1e-12);
    assert_int_equal(t.decimals, 0);

    ae_viz_nice_ticks(0.296, 0.382, 5, 0, &t); /* step 0.02: 0.30 .. 0.38 */
    assert_close(t.step, 0.02, 1e-12);
    assert_int_equal(t.n, 5);
    assert_close(t.v[0], 0.30, 1e-12);
    assert_int_equal(t.decimals, 2);
    char buf[64];
    ae_viz_tick_label(&t, t.v[0], buf, sizeof buf);
    assert_string_equal(buf, "0.30");

    ae_viz_nice_ticks(-7.5, 7.5, 6, 0, &t); /* -6 .. 6 by 2, and 0 printed without a sign */
    assert_close(t.step, 2, 1e-12);
    assert_int_equal(t.n, 7);
    int zero = -1;
    for (int i = 0; i < t.n; i++)
        if (t.v[i] == 0) zero = i;
    assert_true(zero >= 0);
    ae_viz_tick_label(&t, -1e-17, buf, sizeof buf);
    assert_string_equal(buf, "0");

    ae_viz_nice_ticks(0.6, 3.4, 10, 1, &t); /* whole numbers only: 1 2 3 */
    assert_int_equal(t.n, 3);
    assert_close(t.step, 1, 0);

    ae_viz_nice_ticks(0, 2.5e6, 5, 0, &t);
    ae_viz_tick_label(&t, 2000000, buf, sizeof buf);
    assert_string_equal(buf, "2,000,000");

    ae_viz_nice_ticks(-17, 14, 3, 0, &t); /* never fewer than two ticks */
    assert_true(t.n >= 2);
    ae_viz_nice_ticks(1, 1, 5, 0, &t); /* an empty range has none */
    assert_int_equal(t.n, 0);
}

/* ---- image grids ------------------------------------------------------- */

/* A grid without labels: margins of 10, cells of w*scale x h*scale, padding between. */
static void test_image_grid_pixels(void **state)
{
    (void)state;
    char dir[256], path[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/grid.png", dir);
    enum { H = 4, W = 5, N = 3 };
    float img[N][H * W];
    for (int i = 0; i < H * W; i++) {
        img[0][i] = 0;   /* black */
        img[1][i] = 1;   /* white */
        img[2][i] = 0.5; /* grey, one NaN pixel */
    }
    img[2][0] = NAN;
    ae_image_grid_opts o = ae_image_grid_defaults();
    o.columns = 2;
    o.scale = 3;
    o.padding = 2;
    ae_error err;
    assert_int_equal(ae_image_grid_write(path, &img[0][0], N, H, W, &o, &err), AE_OK);
    image im = read_png(path);
    /* 2 columns of 15 px, 2 rows of 12 px, 2 px apart, 10 px margins */
    assert_int_equal(im.w, 10 + 15 + 2 + 15 + 10);
    assert_int_equal(im.h, 10 + 12 + 2 + 12 + 10);
    const uint8_t white[3] = {255, 255, 255}, black[3] = {0, 0, 0}, grey[3] = {128, 128, 128};
    /* cell (0,0) black over its whole 15 x 12 block, (0,1) white, (1,0) grey */
    for (int y = 0; y < 12; y++)
        for (int x = 0; x < 15; x++) {
            assert_true(near_rgb(px(&im, 10 + x, 10 + y), black, 0));
            if (!(x < 3 && y < 3)) assert_true(near_rgb(px(&im, 10 + x, 24 + y), grey, 0));
        }
    /* the NaN pixel (0,0) of image 2 is background */
    assert_true(near_rgb(px(&im, 10 + 1, 24 + 1), white, 0));
    /* the padding column between (0,0) and (0,1) is background, and the
     * missing cell (1,1) too */
    assert_true(near_rgb(px(&im, 26, 15), white, 0));
    assert_true(near_rgb(px(&im, 27 + 7, 24 + 6), white, 0));
    /* total black pixels: exactly one cell's */
    assert_int_equal(find_colour(&im, black, 0, 0, im.h, NULL, NULL), 15 * 12);
    free(im.rgb);

    /* inverted: the white image turns black, the black one white */
    o.invert = 1;
    assert_int_equal(ae_image_grid_write(path, &img[0][0], N, H, W, &o, &err), AE_OK);
    im = read_png(path);
    assert_true(near_rgb(px(&im, 12, 12), white, 0));
    assert_true(near_rgb(px(&im, 27 + 2, 12), black, 0));
    free(im.rgb);
    test_rmdir(dir);
}

/* Values are clipped to [vmin, vmax] and mapped linearly to 0..255. */
static void test_image_grid_value_range(void **state)
{
    (void)state;
    char dir[256], path[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/range.png", dir);
    float v[4] = {-1, 0.25, 0.5, 2}; /* one 1 x 4 image */
    ae_image_grid_opts o = ae_image_grid_defaults();
    o.scale = 1;
    o.vmin = 0;
    o.vmax = 0.5f;
    ae_error err;
    assert_int_equal(ae_image_grid_write(path, v, 1, 1, 4, &o, &err), AE_OK);
    image im = read_png(path);
    assert_int_equal(im.w, 10 + 4 + 10);
    assert_int_equal(im.h, 10 + 1 + 10);
    assert_int_equal(px(&im, 10, 10)[0], 0);   /* -1 clipped to vmin */
    assert_int_equal(px(&im, 11, 10)[0], 128); /* 0.25 is half way: lrint(127.5) */
    assert_int_equal(px(&im, 12, 10)[0], 255);
    assert_int_equal(px(&im, 13, 10)[0], 255); /* 2 clipped to vmax */
    free(im.rgb);
    test_rmdir(dir);
}

/* Cluster samples: one row per cluster in id order, the first images of each
 * in data order; a cluster with fewer images leaves empty cells. */
static void test_cluster_samples(void **state)
{
    (void)state;
    char dir[256], path[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/clusters.png", dir);
    enum { N = 4, S = 2 };
    float data[N * S * S];
    const float shade[N] = {0.2f, 0.4f, 0.6f, 0.8f};
    for (int i = 0; i < N; i++)
        for (int p = 0; p < S * S; p++) data[i * S * S + p] = shade[i];
    ae_matrix x = {N, S * S, data};
    int32_t pd[N] = {7, 3, 7, 7}, td[N] = {0, 1, 0, 1};
    ae_labels pred = {N, pd}, truth = {N, td};
    ae_image_grid_opts o = ae_image_grid_defaults();
    o.scale = 12;
    const char *const names[2] = {"Top", "Trouser"};
    ae_error err;
    assert_int_equal(ae_plot_cluster_samples(path, &x, S, S, &pred, &truth, names, 2, 2, &o, &err), AE_OK);
    image im = read_png(path);
    double cx[N], cy[N];
    int cnt[N];
    for (int i = 0; i < N; i++) {
        uint8_t g = (uint8_t)lrint(shade[i] * 255);
        const uint8_t want[3] = {g, g, g};
        cnt[i] = find_colour(&im, want, 0, 0, im.h, &cx[i], &cy[i]);
    }
    /* shown: image 1 (cluster 3's only one), images 0 and 2 (cluster 7's first two) */
    assert_true(cnt[0] >= 24 * 24 && cnt[1] >= 24 * 24 && cnt[2] >= 24 * 24);
    assert_true(cnt[3] < 24 * 24 / 4); /* image 3 is left out (only anti-aliased text could match) */
    assert_true(cy[1] + 20 < cy[0]);   /* cluster 3's row above cluster 7's */
    assert_close(cy[0], cy[2], 1.0);   /* images 0 and 2 share a row, */
    assert_true(cx[0] + 20 < cx[2]);   /* in data order */
    assert_close(cx[1], cx[0], 1.0);   /* first column */
    free(im.rgb);

    pd[1] = 1;
    truth.n = 3;
    assert_int_equal(ae_plot_cluster_samples(path, &x, S, S, &pred, &truth, NULL, 0, 2, &o, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "3 true labels for 4 images"));
    test_rmdir(dir);
}

static void test_image_figures(void **state)
{
    (void)state;
    char dir[256], path[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/fig.png", dir);
    enum { N = 6, S = 4 };
    float a[N * S * S], b[N * S * S];
    for (int i = 0; i < N * S * S; i++) {
        a[i] = 1;
        b[i] = 0.5f;
    }
    ae_matrix orig = {N, S * S, a}, rec = {N, S * S, b};
    ae_image_grid_opts o = ae_image_grid_defaults();
    o.scale = 5;
    ae_error err;
    /* reconstructions: white originals in the row above grey reconstructions */
    assert_int_equal(ae_plot_reconstructions(path, &orig, &rec, 3, S, S, &o, &err), AE_OK);
    image im = read_png(path);
    const uint8_t grey[3] = {128, 128, 128}, white[3] = {255, 255, 255};
    double gx, gy;
    assert_int_equal(find_colour(&im, grey, 0, 0, im.h, &gx, &gy), 3 * 20 * 20);
    assert_true(gy > im.h / 2.0);
    (void)white;
    free(im.rgb);

    /* the denoising table: 2 rates x (2 examples x 3 images) */
    const ae_matrix *noisy[2] = {&rec, &rec}, *den[2] = {&orig, &orig};
    const double rates[2] = {0.2, 0.5};
    assert_int_equal(ae_plot_denoising(path, &orig, noisy, den, rates, 2, 2, S, S, &o, &err), AE_OK);
    im = read_png(path);
    assert_int_equal(find_colour(&im, grey, 0, 0, im.h, NULL, NULL), 2 * 2 * 20 * 20);
    free(im.rgb);

    /* centroids and a gapless manifold (2 x 2 images touching) */
    assert_int_equal(ae_plot_centroids(path, &orig, S, S, &o, &err), AE_OK);
    ae_matrix four = {4, S * S, b};
    const double z[2] = {-1, 1};
    assert_int_equal(ae_plot_manifold(path, &four, 2, S, S, z, z, &o, &err), AE_OK);
    im = read_png(path);
    double mx, my;
    /* one 40 x 40 block without gaps (plus perhaps a few anti-aliased label pixels) */
    int n_grey = find_colour(&im, grey, 0, 0, im.h, &mx, &my);
    assert_true(n_grey >= 40 * 40 && n_grey < 40 * 40 + 40);
    for (int dy = -19; dy <= 19; dy++)
        for (int dx = -19; dx <= 19; dx++) assert_true(near_rgb(px(&im, (int)mx + dx, (int)my + dy), grey, 0));
    free(im.rgb);

    /* sizes that do not fit */
    assert_int_equal(ae_plot_reconstructions(path, &orig, &rec, 7, S, S, &o, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "6 images, 7 are needed"));
    assert_int_equal(ae_plot_centroids(path, &orig, 3, 3, &o, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "16 columns"));
    assert_int_equal(ae_plot_manifold(path, &orig, 3, S, S, NULL, NULL, &o, &err), AE_ERR_ARG);
    test_rmdir(dir);
}

/* ---- charts ------------------------------------------------------------ */

/* Three dots: class 1 at (0,0), class 2 at (1,1), class 0 at (1,0). Class 0's
 * dot must sit below class 2's and level with class 1's, in palette colour 0. */
static void test_scatter_positions(void **state)
{
    (void)state;
    char dir[256], path[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/s.png", dir);
    float xy[6] = {0, 0, 1, 1, 1, 0};
    int32_t lab[3] = {1, 2, 0};
    ae_matrix m = {3, 2, xy};
    ae_labels l = {3, lab};
    ae_plot_opts o = ae_plot_defaults();
    o.point_radius = 6;
    o.point_alpha = 1;
    ae_error err;
    assert_int_equal(ae_plot_scatter(path, &m, &l, &o, &err), AE_OK);
    image im = read_png(path);
    assert_int_equal(im.w, 800);
    assert_int_equal(im.h, 600);
    /* the legend sits in the middle rows on the right: look above and below it */
    double c[3][2];
    for (int k = 0; k < 3; k++) {
        uint8_t rgb[3];
        ae_plot_palette(k, rgb);
        double ax, ay, bx, by;
        int na = find_colour(&im, rgb, 0, 0, im.h / 2 - 80, &ax, &ay);
        int nb = find_colour(&im, rgb, 0, im.h / 2 + 80, im.h, &bx, &by);
        assert_true(na + nb >= 60); /* a filled dot of radius 6 */
        assert_true(na == 0 || nb == 0);
        c[k][0] = na ? ax : bx;
        c[k][1] = na ? ay : by;
    }
    assert_close(c[0][0], c[2][0], 1.0); /* same x as the (1,1) dot */
    assert_close(c[0][1], c[1][1], 1.0); /* same y as the (0,0) dot */
    assert_true(c[0][0] > c[1][0] + 300);
    assert_true(c[0][1] > c[2][1] + 300);
    free(im.rgb);
    test_rmdir(dir);
}

static void test_scatter_errors(void **state)
{
    (void)state;
    char dir[256], path[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/s.png", dir);
    float xy[6] = {0, 0, 1, 1, 2, 2};
    int32_t lab[3] = {0, 1, 2};
    ae_labels l = {3, lab};
    ae_error err;
    ae_matrix m3 = {2, 3, xy};
    assert_int_equal(ae_plot_scatter(path, &m3, NULL, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "3 columns, a scatter needs 2"));
    ae_matrix m = {3, 2, xy};
    l.n = 2;
    assert_int_equal(ae_plot_scatter(path, &m, &l, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "2 labels for the 3 points"));
    l.n = 3;
    lab[1] = -4;
    assert_int_equal(ae_plot_scatter(path, &m, &l, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "negative"));
    lab[1] = 1;
    xy[3] = NAN;
    assert_int_equal(ae_plot_scatter(path, &m, &l, NULL, &err), AE_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "point 1"));
    assert_int_equal(dir_entries(dir), 0); /* nothing written, no temporary left */
    xy[3] = 1;
    ae_scatter_panel p[2] = {{&m, &l, "epoch 1"}, {&m3, NULL, "epoch 2"}};
    assert_int_equal(ae_plot_scatter_strip(path, p, 2, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "panel 2"));
    p[1].xy = &m;
    assert_int_equal(ae_plot_scatter_strip(path, p, 2, NULL, &err), AE_OK);
    image im = read_png(path);
    assert_true(im.w > 2 * 280 && im.w < 2 * 280 + 200); /* two panels and a legend */
    assert_int_equal(im.h, 330);
    free(im.rgb);
    test_rmdir(dir);
}

/* A line y = x with markers: palette colour 0 rises from bottom left to top right. */
static void test_lines(void **state)
{
    (void)state;
    char dir[256], path[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/l.png", dir);
    double x[2] = {1, 10}, y[2] = {1, 10}, none[2] = {NAN, NAN};
    ae_plot_series s[2] = {{.name = NULL, .x = x, .y = y, .n = 2, .markers = 1},
                           {.name = "absent", .x = x, .y = none, .n = 2}};
    ae_error err;
    assert_int_equal(ae_plot_lines(path, s, 2, NULL, &err), AE_OK);
    image im = read_png(path);
    uint8_t c0[3], c1[3];
    ae_plot_palette(0, c0);
    ae_plot_palette(1, c1);
    double tx, ty, bx, by;
    int top = find_colour(&im, c0, 0, 0, im.h / 2, &tx, &ty), bottom = find_colour(&im, c0, 0, im.h / 2, im.h, &bx, &by);
    assert_true(top > 20 && bottom > 20);
    assert_true(tx > bx + 300);
    /* the all-NaN series is neither drawn nor in a legend */
    assert_int_equal(find_colour(&im, c1, 40, 0, im.h, NULL, NULL), 0);
    free(im.rgb);

    /* training curves with no validation loss */
    ae_epoch_stats e[3] = {{1, 0.5, NAN, 1, 1, NAN}, {2, 0.4, NAN, 1, 1, NAN}, {3, 0.35, NAN, 1, 1, NAN}};
    ae_train_history h = {3, e};
    assert_int_equal(ae_plot_loss(path, &h, NULL, &err), AE_OK);
    int k[3] = {1, 2, 3};
    double inertia[3] = {300, 200, 150};
    assert_int_equal(ae_plot_elbow(path, k, inertia, 3, NULL, &err), AE_OK);

    /* nothing finite to draw */
    s[0].y = none;
    assert_int_equal(ae_plot_lines(path, s, 2, NULL, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "no finite point"));
    h.n = 0;
    assert_int_equal(ae_plot_loss(path, &h, NULL, &err), AE_ERR_ARG);
    test_rmdir(dir);
}

/* The confusion matrix after Hungarian matching: truth/pred below give the
 * contingency [[1,3],[6,0]] (classes x clusters 0,1); class 0 matches cluster
 * 1 and class 1 cluster 0, so the drawn matrix is [[3,1],[0,6]]: the two
 * darkest cells on the diagonal, darkest bottom right. */
static void test_confusion_heatmap(void **state)
{
    (void)state;
    char dir[256], path[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/c.png", dir);
    const int32_t truth[10] = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, pred[10] = {0, 1, 1, 1, 0, 0, 0, 0, 0, 0};
    ae_contingency c;
    ae_error err;
    assert_int_equal(ae_contingency_build(truth, pred, 10, &c, &err), AE_OK);
    ae_plot_opts o = ae_plot_defaults();
    const char *const names[2] = {"Coat", "Bag"};
    o.names = names;
    o.n_names = 2;
    assert_int_equal(ae_plot_confusion(path, &c, &o, &err), AE_OK);
    image im = read_png(path);
    assert_int_equal(im.w, 760);
    assert_int_equal(im.h, 680);
    const double value[4] = {3, 1, 0, 6}; /* row-major as drawn */
    double cx[4], cy[4], lum[4];
    for (int i = 0; i < 4; i++) {
        double f[3];
        ae_viz_ramp(value[i] / 6, f);
        uint8_t want[3] = {(uint8_t)lrint(f[0] * 255), (uint8_t)lrint(f[1] * 255), (uint8_t)lrint(f[2] * 255)};
        assert_true(find_colour(&im, want, 1, 0, im.h, &cx[i], &cy[i]) > 5000); /* most of a big cell */
        lum[i] = 0.2126 * want[0] + 0.7152 * want[1] + 0.0722 * want[2];
    }
    /* darker with the count */
    assert_true(lum[3] < lum[0] && lum[0] < lum[1] && lum[1] < lum[2]);
    /* laid out as [[3,1],[0,6]] */
    assert_close(cy[0], cy[1], 3);
    assert_close(cy[2], cy[3], 3);
    assert_close(cx[0], cx[2], 3);
    assert_close(cx[1], cx[3], 3);
    assert_true(cx[1] > cx[0] + 100 && cy[2] > cy[0] + 100);
    free(im.rgb);

    double bad[4] = {1, 2, NAN, 4};
    assert_int_equal(ae_plot_heatmap(path, bad, 2, 2, NULL, NULL, NULL, &err), AE_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "(1, 0)"));
    ae_contingency_free(&c);
    test_rmdir(dir);
}

/* ---- files ------------------------------------------------------------- */

static void test_deterministic_bytes(void **state)
{
    (void)state;
    char dir[256], a[300], b[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/a.png", dir);
    snprintf(b, sizeof b, "%s/b.png", dir);
    enum { N = 500 };
    float *xy = malloc(2 * N * sizeof *xy);
    int32_t *lab = malloc(N * sizeof *lab);
    assert_non_null(xy);
    assert_non_null(lab);
    for (int i = 0; i < N; i++) {
        xy[2 * i] = sinf((float)i * 0.37f) * (float)(i % 13);
        xy[2 * i + 1] = cosf((float)i * 0.11f) * (float)(i % 7);
        lab[i] = i % 12; /* more classes than colours: the palette cycles */
    }
    ae_matrix m = {N, 2, xy};
    ae_labels l = {N, lab};
    ae_plot_opts o = ae_plot_defaults();
    o.title = "same input, same bytes";
    ae_error err;
    assert_int_equal(ae_plot_scatter(a, &m, &l, &o, &err), AE_OK);
    assert_int_equal(ae_plot_scatter(b, &m, &l, &o, &err), AE_OK);
    assert_true(same_bytes(a, b));
    const int32_t truth[6] = {0, 1, 2, 0, 1, 2}, pred[6] = {2, 1, 0, 2, 1, 1};
    ae_contingency c;
    assert_int_equal(ae_contingency_build(truth, pred, 6, &c, &err), AE_OK);
    assert_int_equal(ae_plot_confusion(a, &c, NULL, &err), AE_OK);
    assert_int_equal(ae_plot_confusion(b, &c, NULL, &err), AE_OK);
    assert_true(same_bytes(a, b));
    ae_contingency_free(&c);
    free(xy);
    free(lab);
    test_rmdir(dir);
}

/* A failed call leaves an existing file as it was and no temporary behind;
 * an unwritable path is named in the message. */
static void test_atomic_and_io_errors(void **state)
{
    (void)state;
    char dir[256], path[300], bad[400];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/keep.png", dir);
    test_write_file(path, "old", 3);
    float img[4] = {0, 1, 0, 1};
    ae_image_grid_opts o = ae_image_grid_defaults();
    o.scale = 0;
    ae_error err;
    assert_int_equal(ae_image_grid_write(path, img, 1, 2, 2, &o, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "scale 0"));
    o = ae_image_grid_defaults();
    o.vmin = o.vmax = 1;
    assert_int_equal(ae_image_grid_write(path, img, 1, 2, 2, &o, &err), AE_ERR_ARG);
    o = ae_image_grid_defaults();
    assert_int_equal(ae_image_grid_write(path, img, 0, 2, 2, &o, &err), AE_ERR_ARG);
    o.columns = 1;
    o.scale = 32;
    assert_int_equal(ae_image_grid_write(path, img, 1, 2, 1000, &o, &err), AE_ERR_ARG); /* 32,000 px wide */
    assert_non_null(strstr(err.msg, "at most"));
    size_t n;
    char *kept = slurp(path, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(kept, "old", 3);
    free(kept);
    assert_int_equal(dir_entries(dir), 1);

    snprintf(bad, sizeof bad, "%s/no/such/folder/x.png", dir);
    o = ae_image_grid_defaults();
    assert_int_equal(ae_image_grid_write(bad, img, 1, 2, 2, &o, &err), AE_ERR_IO);
    assert_non_null(strstr(err.msg, bad));
    double y[2] = {1, 2};
    ae_plot_series s = {.y = y, .n = 2};
    assert_int_equal(ae_plot_lines(bad, &s, 1, NULL, &err), AE_ERR_IO);
    assert_non_null(strstr(err.msg, bad));
    assert_false(file_exists(bad));

    /* a good call replaces the file with a PNG */
    assert_int_equal(ae_image_grid_write(path, img, 1, 2, 2, &o, &err), AE_OK);
    image im = read_png(path);
    free(im.rgb);
    assert_int_equal(dir_entries(dir), 1);
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nice_ticks),         cmocka_unit_test(test_image_grid_pixels),
        cmocka_unit_test(test_image_grid_value_range), cmocka_unit_test(test_cluster_samples),
        cmocka_unit_test(test_image_figures),      cmocka_unit_test(test_scatter_positions),
        cmocka_unit_test(test_scatter_errors),     cmocka_unit_test(test_lines),
        cmocka_unit_test(test_confusion_heatmap),  cmocka_unit_test(test_deterministic_bytes),
        cmocka_unit_test(test_atomic_and_io_errors),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ae_plot_teardown(); /* cairo's and fontconfig's caches: a clean exit under LeakSanitizer */
    return failed;
}
