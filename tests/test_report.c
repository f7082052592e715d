/* The HTML report: base64 against RFC 4648's vectors, and a page built from a
 * synthetic run folder (metrics, tables, settings, PNG figures written with
 * libpng) checked for its values, escaping, embedded images, figure order,
 * determinism and the errors for folders that are not runs. */
#include "test_util.h"

#include <dirent.h>
#include <png.h>
#include <sys/stat.h>

#include "aeclust/report.h"
#include "viz/base64.h"
#include "viz/report_internal.h"

/* ---- helpers --------------------------------------------------------------------------- */

/* The whole file, NUL-terminated (free it); *n its length. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    if (n) *n = (size_t)len;
    return buf;
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    test_write_file(path, text, strlen(text));
}

/* A w x h RGB PNG with a colour gradient, through libpng's simplified API. */
static void write_png(const char *path, int w, int h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;
    unsigned char *px = malloc((size_t)w * h * 3);
    assert_non_null(px);
    for (int i = 0; i < w * h * 3; i++) px[i] = (unsigned char)(i * 37);
    if (!png_image_write_to_file(&img, path, 0, px, 0, NULL)) fail_msg("libpng: %s", img.message);
    free(px);
}

/* Test-only decoder (the library only encodes): -1 on a character outside the alphabet. */
static long b64_decode(const char *s, size_t n, unsigned char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    long o = 0;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        const char *p = strchr(alphabet, s[i]);
        if (!p || !s[i]) return -1;
        v = v << 6 | (unsigned)(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(v >> bits & 0xff);
        }
    }
    return o;
}

/* Number of times needle occurs in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* ---- base64 ---------------------------------------------------------------------------- */

static void test_base64_rfc4648_vectors(void **state)
{
    (void)state;
    /* RFC 4648, section 10 */
    static const char *const vec[][2] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                         {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                         {"foobar", "Zm9vYmFy"}};
    char out[32];
    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
        size_t n = strlen(vec[i][0]);
        assert_int_equal(ae_base64_len(n), strlen(vec[i][1]));
        memset(out, 'X', sizeof out);
        ae_base64_encode((const unsigned char *)vec[i][0], n, out);
        assert_string_equal(out, vec[i][1]);
    }
    /* the last two characters of the alphabet, and the high bits: 0xfb 0xff 0xfe -> "+//+" */
    const unsigned char hi[] = {0xfb, 0xff, 0xfe, 0x00};
    ae_base64_encode(hi, 3, out);
    assert_string_equal(out, "+//+");
    ae_base64_encode(hi, 4, out);
    assert_string_equal(out, "+//+AA==");
}

static void test_base64_every_byte_round_trips(void **state)
{
    (void)state;
    unsigned char in[256 * 3], back[256 * 3];
    for (int i = 0; i < (int)sizeof in; i++) in[i] = (unsigned char)(i * 7 + i / 256);
    char *text = malloc(ae_base64_len(sizeof in) + 1);
    for (size_t n = sizeof in - 2; n <= sizeof in; n++) { /* all three padding cases */
        ae_base64_encode(in, n, text);
        assert_int_equal(strlen(text), ae_base64_len(n));
        assert_int_equal(b64_decode(text, strlen(text), back), (long)n);
        assert_memory_equal(back, in, n);
    }
    free(text);
}

/* ---- figure names ---------------------------------------------------------------------- */

static void test_figure_names_give_section_and_caption(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        ae_fig_section section;
        const char *caption;
    } cases[] = {
        {"loss.png", AE_FIG_TRAINING, "Training and validation loss per epoch"},
        {"confusion_kmeans_code_test.png", AE_FIG_CLUSTERS,
         "Confusion matrix after Hungarian matching \xe2\x80\x94 kmeans on code, test split"},
        {"clusters_pca+kmeans_pixels_test-first-3000.png", AE_FIG_CLUSTERS,
         "Sample images of each cluster \xe2\x80\x94 pca+kmeans on pixels, test-first-3000 split"},
        {"centroids_kmeans_pixels.png", AE_FIG_CLUSTERS, "Cluster centres as images \xe2\x80\x94 kmeans on pixels"},
        {"scatter_tsne_class.png", AE_FIG_EMBEDDINGS, "2-D scatter \xe2\x80\x94 t-SNE, coloured by true class"},
        {"scatter_pca2_gmm_test.png", AE_FIG_EMBEDDINGS, "2-D scatter \xe2\x80\x94 PCA, coloured by gmm cluster (test)"},
        {"elbow.png", AE_FIG_CLUSTERS, "Elbow: k-means inertia against the number of clusters k"},
        {"vae_manifold.png", AE_FIG_MODEL, "VAE: images decoded from a grid over the 2-D latent space"},
        {"reconstructions_test.png", AE_FIG_MODEL,
         "Reconstructions: originals above, the autoencoder\xe2\x80\x99s output below \xe2\x80\x94 test"},
        {"latent_snapshots.png", AE_FIG_EMBEDDINGS, "The 2-D latent space across training epochs"},
        /* not a known stem (only STEM.png or STEM_DETAIL.png are): the file name is the caption */
        {"lossy.png", AE_FIG_OTHER, "lossy.png"},
        {"loss_.png", AE_FIG_OTHER, "loss_.png"},
        {"my figure.png", AE_FIG_OTHER, "my figure.png"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ae_fig_section s;
        int rank;
        char caption[256];
        ae_report_figure_kind(cases[i].name, &s, &rank, caption, sizeof caption);
        if (s != cases[i].section) fail_msg("%s: section %d, expected %d", cases[i].name, s, cases[i].section);
        assert_string_equal(caption, cases[i].caption);
    }
}

/* ---- a synthetic run folder ------------------------------------------------------------ */

static const char metrics_json[] =
    "{\n"
    "  \"experiment\": \"synthetic-run\",\n"
    "  \"seed\": 7,\n"
    "  \"dataset\": \"fashion-mnist\",\n"
    "  \"timing_s\": { \"load\": 0.25, \"fit_kmeans\": 1.5, \"total\": 2.125 },\n"
    "  \"training\": { \"epochs\": 2, \"parameters\": 222384, \"final_loss\": 0.0190189 },\n"
    "  \"results\": [\n"
    "    { \"clusterer\": \"kmeans\", \"space\": \"pixels\", \"split\": \"test\", \"n\": 10000,\n"
    "      \"acc\": 0.49059999, \"purity\": 0.543, \"ari\": 0.33919838, \"nmi\": 0.50174835,\n"
    "      \"silhouette\": 0.13956280, \"davies_bouldin\": 1.97661957 },\n"
    "    { \"clusterer\": \"gmm\", \"space\": \"pixels\", \"split\": \"test\", \"n\": 10000,\n"
    "      \"acc\": 0.5212, \"purity\": 0.6001, \"ari\": 0.3777, \"nmi\": 0.5123, \"bic\": -12345.5,\n"
    "      \"timing_s\": 3.25 },\n"
    "    { \"clusterer\": \"kmeans\", \"space\": \"pixels\", \"split\": \"a<b&c\", \"n\": 5,\n"
    "      \"acc\": 0.6, \"purity\": 0.8, \"ari\": 0.1, \"nmi\": 0.2 }\n"
    "  ]\n"
    "}\n";

static const char clusters_txt[] = "== kmeans on pixels, test split (n = 10000) ==\n"
                                   "cluster   size  top classes\n"
                                   "      0   1060  Bag 33.1%, Pullover 22.7%, Coat 19.2%\n"
                                   "      1    917  Sneaker 79.5%, Sandal 15.6%, Bag 2.6%\n"
                                   "\n";

static const char confusion_txt[] = "== kmeans on pixels, test split (n = 10000) ==\n"
                                    "class \\ cluster    1    0\n"
                                    "Ankle boot         614   20\n"
                                    "T-shirt/top         46  837\n"
                                    "\n";

static const char experiment_ini[] = "[experiment]\n"
                                     "name = synthetic-run\n"
                                     "description = pixels <script>alert('x')</script> & \"more\"\n"
                                     "seed = 7\n"
                                     "\n"
                                     "[cluster]\n"
                                     "method = kmeans\n"
                                     "k = 10\n";

static const char history_csv[] = "epoch,train_loss,val_loss,seconds,samples_per_s\n"
                                   "1,0.0349132709,nan,0.466066,136514.2\n"
                                   "2,0.0190189191,nan,0.474686,133786.2\n";

/* A run folder in dir with every file the report reads; figures loss.png,
 * confusion_kmeans_pixels_test.png and zz_extra.png. */
static void make_run(const char *dir)
{
    char path[512];
    write_text(dir, "metrics.json", metrics_json);
    write_text(dir, "clusters.txt", clusters_txt);
    write_text(dir, "confusion.txt", confusion_txt);
    write_text(dir, "experiment.ini", experiment_ini);
    write_text(dir, "history.csv", history_csv);
    write_text(dir, "summary.txt", "Encoder: input (None, 784)\n dense (Dense)   (None, 32)   25,120\n");
    snprintf(path, sizeof path, "%s/figures", dir);
    assert_int_equal(mkdir(path, 0777), 0);
    snprintf(path, sizeof path, "%s/figures/zz_extra.png", dir);
    write_png(path, 5, 3);
    snprintf(path, sizeof path, "%s/figures/confusion_kmeans_pixels_test.png", dir);
    write_png(path, 4, 4);
    snprintf(path, sizeof path, "%s/figures/loss.png", dir);
    write_png(path, 3, 2);
}

static char *report_of(const char *dir, size_t *n)
{
    char path[512];
    ae_error err = {0};
    if (ae_report_write(dir, &err)) fail_msg("ae_report_write: %s", err.msg);
    snprintf(path, sizeof path, "%s/report.html", dir);
    return slurp(path, n);
}

static void test_report_has_the_metrics(void **state)
{
    (void)state;
    char dir[64];
    test_tmpdir(dir, sizeof dir);
    make_run(dir);
    char *html = report_of(dir, NULL);
    assert_non_null(strstr(html, "<title>synthetic-run"));
    assert_non_null(strstr(html, "<h1>synthetic-run</h1>"));
    /* every record's values, 4 decimals, in a table of class "metrics" */
    assert_non_null(strstr(html, "<table class=\"data metrics\">"));
    const char *values[] = {"0.4906", "0.5430", "0.3392", "0.5017", "0.1396", "1.9766", "0.5212", "0.6001",
                            "0.3777", "0.5123", "10,000", "3.250"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        if (!strstr(html, values[i])) fail_msg("report lacks %s", values[i]);
    /* a field only one record has gets its column; the others show a dash */
    assert_non_null(strstr(html, "<th>bic</th>"));
    assert_non_null(strstr(html, ">-12345.5<"));
    /* gmm's ACC is the best of the test split, k-means's Davies-Bouldin the only one */
    assert_non_null(strstr(html, "<td class=\"num best\">0.5212</td>"));
    assert_null(strstr(html, "<td class=\"num best\">0.4906</td>"));
    assert_non_null(strstr(html, "<td class=\"num\">1.9766</td>"));
    /* facts: best ACC over all records, the total time, the parameter count */
    assert_non_null(strstr(html, "<dt>Best ACC</dt><dd>0.6000"));
    assert_non_null(strstr(html, "<dd>2.1 s</dd>"));
    assert_non_null(strstr(html, "<dd>222,384</dd>"));
    /* timing, training, history, make-up and confusion tables */
    assert_non_null(strstr(html, "<th>fit_kmeans</th><td class=\"num\">1.500 s</td>"));
    assert_non_null(strstr(html, "final training loss <b>0.019019</b>"));
    assert_null(strstr(html, "final validation loss")); /* nan: no validation */
    assert_non_null(strstr(html, "<b>Sneaker 79.5%</b>"));
    assert_non_null(strstr(html, "Sandal 15.6%, Bag 2.6%"));
    assert_non_null(strstr(html, "<tr><th>Ankle boot</th>"));     /* a class name with a space */
    assert_non_null(strstr(html, "<th>T-shirt/top</th><td class=\"num\"")); /* its first cell: off the diagonal */
    assert_non_null(strstr(html, ">837</td><td class=\"num total\">883</td>")); /* row total */
    assert_non_null(strstr(html, "<td class=\"num diag dark\""));               /* 614 of 634 on the diagonal */
    assert_non_null(strstr(html, "25,120"));                                   /* the model summary */
    /* nothing to fetch */
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    free(html);
    test_rmdir(dir);
}

static void test_report_escapes_text_from_files(void **state)
{
    (void)state;
    char dir[64];
    test_tmpdir(dir, sizeof dir);
    make_run(dir);
    char *html = report_of(dir, NULL);
    /* the description, once in the header and once in the settings */
    assert_int_equal(count(html, "pixels &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"), 2);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "alert('x')"));
    /* a split name from metrics.json */
    assert_non_null(strstr(html, "<td>a&lt;b&amp;c</td>"));
    assert_null(strstr(html, "a<b"));
    free(html);
    test_rmdir(dir);
}

/* The i-th data: URI of html decoded into out (size cap); returns its length, -1 if there is none. */
static long data_uri(const char *html, int i, unsigned char *out, size_t cap)
{
    const char *key = "<img src=\"data:image/png;base64,", *p = html;
    for (int k = 0; k <= i; k++) {
        p = strstr(p, key);
        if (!p) return -1;
        p += strlen(key);
    }
    const char *end = strchr(p, '"');
    assert_non_null(end);
    assert_true((size_t)(end - p) / 4 * 3 <= cap);
    return b64_decode(p, (size_t)(end - p), out);
}

static void test_report_embeds_figures_in_order(void **state)
{
    (void)state;
    char dir[64], path[512];
    test_tmpdir(dir, sizeof dir);
    make_run(dir);
    char *html = report_of(dir, NULL);
    /* page order: training (loss), clusters (confusion), more figures (zz_extra) */
    const char *names[] = {"loss.png", "confusion_kmeans_pixels_test.png", "zz_extra.png"};
    const char *at[3];
    unsigned char decoded[4096];
    for (int i = 0; i < 3; i++) {
        char want[128];
        snprintf(want, sizeof want, "<span class=\"file\">figures/%s</span>", names[i]);
        at[i] = strstr(html, want);
        if (!at[i]) fail_msg("no figure %s", names[i]);
        /* the i-th image is that file, byte for byte */
        size_t n;
        snprintf(path, sizeof path, "%s/figures/%s", dir, names[i]);
        char *png = slurp(path, &n);
        long got = data_uri(html, i, decoded, sizeof decoded);
        assert_int_equal(got, (long)n);
        assert_memory_equal(decoded, png, n);
        free(png);
    }
    assert_true(at[0] < at[1] && at[1] < at[2]);
    assert_int_equal(data_uri(html, 3, decoded, sizeof decoded), -1);
    /* the width and height from the PNG header; captions from the names */
    assert_non_null(strstr(html, "width=\"3\" height=\"2\""));
    assert_non_null(strstr(html, "Confusion matrix after Hungarian matching \xe2\x80\x94 kmeans on pixels, test split"));
    assert_non_null(strstr(html, "<figcaption>zz_extra.png <span"));
    free(html);
    test_rmdir(dir);
}

static void test_report_is_deterministic_and_atomic(void **state)
{
    (void)state;
    char dir[64];
    test_tmpdir(dir, sizeof dir);
    make_run(dir);
    size_t n1, n2;
    char *a = report_of(dir, &n1), *b = report_of(dir, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
    /* no temporary file is left beside it */
    DIR *d = opendir(dir);
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, ".tmp.")) fail_msg("left %s", e->d_name);
    closedir(d);
    test_rmdir(dir);
}

static void test_report_of_a_bare_run(void **state)
{
    (void)state;
    /* only metrics.json: no training, model, clusters or settings sections */
    char dir[64];
    test_tmpdir(dir, sizeof dir);
    write_text(dir, "metrics.json", "{\"results\": []}");
    char *html = report_of(dir, NULL);
    assert_non_null(strstr(html, "The run recorded no results."));
    assert_null(strstr(html, "id=\"training\""));
    assert_null(strstr(html, "id=\"clusters\""));
    assert_null(strstr(html, "id=\"settings\""));
    assert_null(strstr(html, "<img"));
    free(html);
    test_rmdir(dir);
}

static void test_unexpected_text_is_shown_as_is(void **state)
{
    (void)state;
    char dir[64];
    test_tmpdir(dir, sizeof dir);
    write_text(dir, "metrics.json", "{\"results\": []}");
    write_text(dir, "confusion.txt", "== x ==\nclass \\ cluster 0 1\nBag 1 <2>\n");
    write_text(dir, "history.csv", "epoch,loss\n1,abc\n");
    write_text(dir, "experiment.ini", "just a line\n");
    char path[512];
    snprintf(path, sizeof path, "%s/figures", dir);
    assert_int_equal(mkdir(path, 0777), 0);
    write_text(path, "broken.png", "not a png at all");
    char *html = report_of(dir, NULL);
    assert_non_null(strstr(html, "<pre>class \\ cluster 0 1\nBag 1 &lt;2&gt;</pre>"));
    assert_non_null(strstr(html, "<pre>epoch,loss\n1,abc\n</pre>"));
    assert_non_null(strstr(html, "<pre>just a line\n</pre>"));
    assert_non_null(strstr(html, "<div class=\"warn\">Not a PNG image: broken.png</div>"));
    assert_null(strstr(html, "<img"));
    free(html);
    test_rmdir(dir);
}

/* ---- bad input ------------------------------------------------------------------------- */

static void expect_failure(const char *dir, ae_status want, const char *msg_part)
{
    char path[512];
    ae_error err = {0};
    assert_int_equal(ae_report_write(dir, &err), want);
    if (!strstr(err.msg, msg_part)) fail_msg("message '%s' lacks '%s'", err.msg, msg_part);
    assert_null(strchr(err.msg, '\n'));
    snprintf(path, sizeof path, "%s/report.html", dir);
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
}

static void test_folder_without_results(void **state)
{
    (void)state;
    char dir[64], want[128];
    test_tmpdir(dir, sizeof dir);
    write_text(dir, "clusters.txt", clusters_txt);
    snprintf(want, sizeof want, "%s: not a run folder (no metrics.json)", dir);
    expect_failure(dir, AE_ERR_ARG, want);
    test_rmdir(dir);
    ae_error err = {0};
    assert_int_equal(ae_report_write("/nonexistent/run", &err), AE_ERR_IO);
    assert_non_null(strstr(err.msg, "/nonexistent/run"));
}

static void test_corrupt_metrics(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"{\"results\": [ {\"acc\": 0.5,", "not valid JSON (unexpected end of file"},
        {"{\"results\": [] } trailing", "not valid JSON (text after the end"},
        {"not json", "not valid JSON"},
        {"[1, 2]", "not a JSON object"},
        {"{\"experiment\": \"x\"}", "no \"results\" list"},
        {"{\"results\": [3]}", "results[0] is not an object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char dir[64], want[128];
        test_tmpdir(dir, sizeof dir);
        write_text(dir, "metrics.json", bad[i][0]);
        snprintf(want, sizeof want, "%s/metrics.json: %s", dir, bad[i][1]);
        expect_failure(dir, AE_ERR_FORMAT, want);
        test_rmdir(dir);
    }
}

static void test_failed_rebuild_keeps_the_old_report(void **state)
{
    (void)state;
    char dir[64], path[512];
    test_tmpdir(dir, sizeof dir);
    make_run(dir);
    size_t n;
    char *before = report_of(dir, &n);
    write_text(dir, "metrics.json", "{ broken");
    ae_error err = {0};
    assert_int_equal(ae_report_write(dir, &err), AE_ERR_FORMAT);
    snprintf(path, sizeof path, "%s/report.html", dir);
    size_t m;
    char *after = slurp(path, &m);
    assert_int_equal(m, n);
    assert_memory_equal(after, before, n);
    free(before);
    free(after);
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_rfc4648_vectors),
        cmocka_unit_test(test_base64_every_byte_round_trips),
        cmocka_unit_test(test_figure_names_give_section_and_caption),
        cmocka_unit_test(test_report_has_the_metrics),
        cmocka_unit_test(test_report_escapes_text_from_files),
        cmocka_unit_test(test_report_embeds_figures_in_order),
        cmocka_unit_test(test_report_is_deterministic_and_atomic),
        cmocka_unit_test(test_report_of_a_bare_run),
        cmocka_unit_test(test_unexpected_text_is_shown_as_is),
        cmocka_unit_test(test_folder_without_results),
        cmocka_unit_test(test_corrupt_metrics),
        cmocka_unit_test(test_failed_rebuild_keeps_the_old_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
