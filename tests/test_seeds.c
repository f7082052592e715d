/* Runs over seeds and sweeps (run.h, sweep.h) without running anything: the
 * seed-list parser, the statistics against hand-computed values, the rows
 * gathered from hand-written metrics.json files and summary.json read back,
 * the resume rule's comparison of settings, and the sweep grid (values,
 * separators, canonical numbers, folder names, order, every error). */
#include "test_util.h"

#include <sys/stat.h>

#include "aeclust/config.h"
#include "aeclust/report.h"
#include "aeclust/run.h"
#include "aeclust/sweep.h"
#include "run/seeds_internal.h"
#include "run/sweep_internal.h"

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    test_write_file(path, text, strlen(text));
}

static char *slurp(const char *path)
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
    return buf;
}

/* ---- seed lists ------------------------------------------------------------ */

static void expect_seeds(const char *text, int n, const uint64_t *want)
{
    ae_seed_list l;
    ae_error err = {0};
    if (ae_seed_list_parse(text, &l, &err)) fail_msg("'%s': %s", text, err.msg);
    assert_int_equal(l.n, n);
    for (int i = 0; i < n; i++) assert_int_equal(l.seed[i], want[i]);
}

static void expect_bad_seeds(const char *text, const char *msg)
{
    ae_seed_list l;
    ae_error err = {0};
    assert_int_equal(ae_seed_list_parse(text, &l, &err), AE_ERR_ARG);
    if (!strstr(err.msg, msg)) fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, msg);
    assert_non_null(strstr(err.msg, "--seeds"));
    assert_null(strchr(err.msg, '\n'));
}

static void test_seed_list(void **state)
{
    (void)state;
    expect_seeds("3", 1, (const uint64_t[]){3});
    expect_seeds("0-4", 5, (const uint64_t[]){0, 1, 2, 3, 4});
    expect_seeds("0,2,7", 3, (const uint64_t[]){0, 2, 7});
    expect_seeds("7,2,0", 3, (const uint64_t[]){0, 2, 7}); /* sorted */
    expect_seeds("10,0-2", 4, (const uint64_t[]){0, 1, 2, 10});
    expect_seeds(" 5 , 6 ", 2, (const uint64_t[]){5, 6});
    expect_seeds("4-4", 1, (const uint64_t[]){4});
    expect_seeds("4294967295", 1, (const uint64_t[]){4294967295ULL});
    ae_seed_list l;
    ae_error err = {0};
    assert_int_equal(ae_seed_list_parse("0-999", &l, &err), AE_OK);
    assert_int_equal(l.n, AE_SEEDS_MAX);
    assert_int_equal(l.seed[999], 999);
    expect_bad_seeds("", "empty seed list");
    expect_bad_seeds("  ", "empty seed list");
    expect_bad_seeds("1-", "'1-' is not a seed");
    expect_bad_seeds("-1", "'-1' is not a seed");
    expect_bad_seeds("a", "'a' is not a seed");
    expect_bad_seeds("1.5", "'1.5' is not a seed");
    expect_bad_seeds("0-2x", "'0-2x' is not a seed");
    expect_bad_seeds("0,,1", "empty item");
    expect_bad_seeds("0,", "empty item");
    expect_bad_seeds("4-0", "'4-0' is an empty range");
    expect_bad_seeds("0,0", "seed 0 is listed twice");
    expect_bad_seeds("0-3,2", "seed 2 is listed twice");
    expect_bad_seeds("0-1000", "more than 1000 seeds");
    expect_bad_seeds("0-600,601-1200", "more than 1000 seeds");
    expect_bad_seeds("4294967296", "larger than the largest seed");
    expect_bad_seeds("0-99999999999999999999", "larger than the largest seed");
}

static void test_seed_list_format(void **state)
{
    (void)state;
    const char *cases[][2] = {{"0-4", "0-4"}, {"0,2,7", "0,2,7"}, {"10,0-2", "0-2,10"}, {"3", "3"}, {"1,2", "1-2"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ae_seed_list l;
        char buf[64];
        assert_int_equal(ae_seed_list_parse(cases[i][0], &l, NULL), AE_OK);
        ae_seed_list_format(&l, buf, sizeof buf);
        assert_string_equal(buf, cases[i][1]);
    }
}

/* ---- statistics -------------------------------------------------------------- */

static void test_stats(void **state)
{
    (void)state;
    ae_seed_stat s;
    /* 2, 4, 4, 4, 5, 5, 7, 9: mean 40/8 = 5, squared deviations 9+1+1+1+0+0+4+16 = 32,
     * sample sd sqrt(32/7) (the population sd would be 2) */
    const double a[8] = {2, 4, 4, 4, 5, 5, 7, 9};
    ae_seed_stat_compute(a, 8, &s);
    assert_int_equal(s.n, 8);
    assert_close(s.mean, 5, 1e-15);
    assert_close(s.sd, 2.1380899352993950, 1e-15);
    assert_close(s.min, 2, 0);
    assert_close(s.max, 9, 0);
    /* missing values (NaN, Inf) are left out: 0.5, 0.7, 0.6 -> mean 0.6, sd sqrt((0.01+0.01+0)/2) = 0.1 */
    const double b[5] = {0.5, NAN, 0.7, INFINITY, 0.6};
    ae_seed_stat_compute(b, 5, &s);
    assert_int_equal(s.n, 3);
    assert_close(s.mean, 0.6, 1e-15);
    assert_close(s.sd, 0.1, 1e-15);
    assert_close(s.min, 0.5, 0);
    assert_close(s.max, 0.7, 0);
    /* nearly equal values keep their digits (two passes): 1e9 + {1, 2, 3} -> sd 1 */
    const double c[3] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
    ae_seed_stat_compute(c, 3, &s);
    assert_close(s.sd, 1, 1e-6);
    /* one value: no sd; none: nothing */
    ae_seed_stat_compute(a, 1, &s);
    assert_int_equal(s.n, 1);
    assert_close(s.mean, 2, 0);
    assert_true(isnan(s.sd));
    const double d[2] = {NAN, NAN};
    ae_seed_stat_compute(d, 2, &s);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean) && isnan(s.sd) && isnan(s.min) && isnan(s.max));
}

/* ---- rows from metrics.json, summary.json --------------------------------------- */

static const char *const metrics_0 =
    "{\"seed\": 0, \"results\": [\n"
    " {\"clusterer\": \"kmeans\", \"space\": \"pixels\", \"split\": \"test\", \"n\": 100, \"acc\": 0.5, \"purity\": 0.6,"
    "  \"ari\": 0.3, \"nmi\": 0.4},\n"
    " {\"clusterer\": \"gmm\", \"space\": \"pixels\", \"split\": \"test\", \"n\": 100, \"nmi\": 0.45, \"acc\": 0.55,"
    "  \"silhouette\": 0.1}]}\n";
static const char *const metrics_1 =
    "{\"seed\": 1, \"results\": [\n"
    " {\"clusterer\": \"kmeans\", \"space\": \"pixels\", \"split\": \"test\", \"n\": 100, \"acc\": 0.7, \"purity\": 0.8,"
    "  \"ari\": 0.5, \"nmi\": 0.6, \"extra_score\": 2}]}\n";

static void test_collect_and_read_back(void **state)
{
    (void)state;
    char dir[256], d0[300], d1[300];
    test_tmpdir(dir, sizeof dir);
    snprintf(d0, sizeof d0, "%s/seed-0", dir);
    snprintf(d1, sizeof d1, "%s/seed-1", dir);
    mkdir(d0, 0777);
    mkdir(d1, 0777);
    write_text(d0, "metrics.json", metrics_0);
    write_text(d1, "metrics.json", metrics_1);

    ae_seeds_result res;
    memset(&res, 0, sizeof res);
    snprintf(res.out_dir, sizeof res.out_dir, "%s", dir);
    snprintf(res.experiment, sizeof res.experiment, "hand");
    ae_error err = {0};
    assert_int_equal(ae_seed_list_parse("0-1", &res.seeds, &err), AE_OK);
    const char *dirs[2] = {d0, d1};
    assert_int_equal(ae_seeds_collect(&res, dirs, &err), AE_OK);
    assert_int_equal(res.n_rows, 2);
    const ae_seeds_row *km = &res.rows[0], *gm = &res.rows[1];
    assert_string_equal(km->clusterer, "kmeans");
    assert_string_equal(gm->clusterer, "gmm");
    assert_int_equal(km->n_points, 100);
    /* the usual metrics first, in their order, then the others */
    assert_int_equal(km->n_metrics, 5);
    const char *order[5] = {"acc", "purity", "ari", "nmi", "extra_score"};
    for (int m = 0; m < 5; m++) assert_string_equal(km->metric[m].name, order[m]);
    assert_string_equal(gm->metric[0].name, "acc");
    assert_string_equal(gm->metric[1].name, "nmi");
    assert_string_equal(gm->metric[2].name, "silhouette");
    /* acc 0.5, 0.7: mean 0.6, sd sqrt(0.02) */
    const ae_seed_stat *acc = ae_seeds_row_metric(km, "acc");
    assert_int_equal(acc->n, 2);
    assert_close(acc->mean, 0.6, 1e-15);
    assert_close(acc->sd, sqrt(0.02), 1e-15);
    assert_close(acc->values[0], 0.5, 0);
    assert_close(acc->values[1], 0.7, 0);
    /* a field one seed lacks: n 1, that seed NaN */
    const ae_seed_stat *extra = ae_seeds_row_metric(km, "extra_score");
    assert_int_equal(extra->n, 1);
    assert_true(isnan(extra->values[0]));
    assert_close(extra->values[1], 2, 0);
    /* a row one seed lacks */
    assert_int_equal(ae_seeds_row_metric(gm, "acc")->n, 1);
    assert_true(isnan(ae_seeds_row_metric(gm, "acc")->values[1]));

    /* the cells of the table */
    char cell[128];
    ae_seeds_cell(acc, 1, cell, sizeof cell);
    assert_string_equal(cell, "0.6000 \xc2\xb1 0.1414 [0.5000\xe2\x80\x93" "0.7000]");
    ae_seeds_cell(extra, 1, cell, sizeof cell);
    assert_string_equal(cell, "2.0000");
    ae_seeds_cell(NULL, 1, cell, sizeof cell);
    assert_string_equal(cell, "-");
    assert_int_equal(ae_seeds_width("\xc2\xb1\xe2\x80\x93x"), 3);

    /* summary.json and back: the same rows, the same numbers */
    assert_int_equal(ae_seeds_write_summary(&res, &err), AE_OK);
    ae_seeds_result back;
    assert_int_equal(ae_seeds_summary_read(dir, &back, &err), AE_OK);
    assert_string_equal(back.experiment, "hand");
    assert_int_equal(back.seeds.n, 2);
    assert_int_equal(back.n_rows, 2);
    const ae_seed_stat *acc2 = ae_seeds_row_metric(&back.rows[0], "acc");
    assert_close(acc2->mean, acc->mean, 0);
    assert_close(acc2->sd, acc->sd, 0);
    assert_true(isnan(ae_seeds_row_metric(&back.rows[0], "extra_score")->values[0]));
    assert_true(isnan(ae_seeds_row_metric(&back.rows[1], "acc")->sd)); /* null when n < 2 */
    ae_seeds_result_free(&back);
    char path[320];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *json = slurp(path);
    assert_non_null(strstr(json, "ddof 1"));
    assert_non_null(strstr(json, "\"runs\": [\n    \"seed-0\",\n    \"seed-1\""));
    free(json);
    snprintf(path, sizeof path, "%s/summary.txt", dir);
    char *txt = slurp(path);
    assert_non_null(strstr(txt, "ddof 1"));
    assert_non_null(strstr(txt, "0.6000 \xc2\xb1 0.1414 [0.5000\xe2\x80\x93" "0.7000]"));
    assert_non_null(strstr(txt, " 0.5000 0.7000\n"));
    free(txt);

    /* the page: both rows, the per-seed values; no seed report to link to yet */
    assert_int_equal(ae_report_write(dir, &err), AE_OK); /* no metrics.json: the summary page */
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *page = slurp(path);
    assert_non_null(strstr(page, "aeclust results over seeds"));
    assert_non_null(strstr(page, "0.6000 &plusmn; 0.1414"));
    assert_null(strstr(page, "href=\"seed-0/report.html\""));
    free(page);
    write_text(d0, "report.html", "<!DOCTYPE html>");
    assert_int_equal(ae_report_seeds_write(dir, &err), AE_OK);
    page = slurp(path);
    assert_non_null(strstr(page, "<a href=\"seed-0/report.html\">seed 0</a>"));
    assert_null(strstr(page, "href=\"seed-1/report.html\""));
    free(page);

    /* a corrupt summary */
    write_text(dir, "summary.json", "{\"seeds\": [0], \"results\": [{\"clusterer\": 1}]}");
    assert_int_equal(ae_seeds_summary_read(dir, &back, &err), AE_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "summary.json"));
    ae_seeds_result_free(&back);
    write_text(d1, "metrics.json", "{\"results\": [");
    ae_seeds_result_free(&res);
    memset(res.kept, 0, sizeof res.kept);
    res.n_rows = 0;
    assert_int_equal(ae_seeds_collect(&res, dirs, &err), AE_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "seed-1/metrics.json: not valid JSON"));
    ae_seeds_result_free(&res);
    test_rmdir(dir);
}

/* A finished run is one whose experiment.ini is what ae_config_write gives now. */
static void test_finished_rule(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir);
    ae_config *c;
    ae_error err = {0};
    assert_int_equal(ae_config_new("x", &c, &err), AE_OK);
    char *ini = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&ini, &len);
    assert_int_equal(ae_config_write(c, mem, &err), AE_OK);
    fclose(mem);
    int finished = -1;
    write_text(dir, "experiment.ini", ini);
    assert_int_equal(ae_seeds_run_finished(c, dir, &finished, &err), AE_OK);
    assert_int_equal(finished, 0); /* no metrics.json yet */
    write_text(dir, "metrics.json", "{}");
    assert_int_equal(ae_seeds_run_finished(c, dir, &finished, &err), AE_OK);
    assert_int_equal(finished, 1);
    assert_int_equal(ae_config_set(c, "cluster.k=7", &err), AE_OK);
    assert_int_equal(ae_seeds_run_finished(c, dir, &finished, &err), AE_OK);
    assert_int_equal(finished, 0); /* a setting changed */
    assert_int_equal(ae_config_set(c, "cluster.k=10", &err), AE_OK);
    assert_int_equal(ae_seeds_run_finished(c, dir, &finished, &err), AE_OK);
    assert_int_equal(finished, 1);
    /* the same text with a line more is not the same */
    char *longer = malloc(len + 8);
    snprintf(longer, len + 8, "%s\n", ini);
    write_text(dir, "experiment.ini", longer);
    assert_int_equal(ae_seeds_run_finished(c, dir, &finished, &err), AE_OK);
    assert_int_equal(finished, 0);
    free(longer);
    free(ini);
    ae_config_free(c);
    test_rmdir(dir);
}

/* ---- the sweep grid ------------------------------------------------------------- */

static ae_config *fresh_config(void)
{
    ae_config *c;
    assert_int_equal(ae_config_new("x", &c, NULL), AE_OK);
    return c;
}

static void test_grid(void **state)
{
    (void)state;
    ae_config *c = fresh_config();
    ae_sweep_grid g;
    ae_error err = {0};
    const char *specs[] = {"train.lr=1e-3, 5e-4", "cluster.pca_components=8,16,32,64", "cluster.method=kmeans;gmm,pca+kmeans",
                           "data.score=fit, test;test"};
    if (ae_sweep_grid_parse(c, specs, 4, &g, &err)) fail_msg("%s", err.msg);
    assert_int_equal(g.n_keys, 4);
    assert_int_equal(g.n_combinations, 2 * 4 * 2 * 2);
    /* numbers in their shortest exact form */
    assert_string_equal(g.key[0].values[0], "0.001");
    assert_string_equal(g.key[0].values[1], "0.0005");
    assert_true(g.key[0].numeric);
    assert_close(g.key[0].x[1], 5e-4, 0);
    assert_true(g.key[1].numeric);
    /* lists: ';' between values, the items as the schema reads them */
    assert_int_equal(g.key[2].n_values, 2);
    assert_string_equal(g.key[2].values[0], "kmeans");
    assert_string_equal(g.key[2].values[1], "gmm,pca+kmeans");
    assert_false(g.key[2].numeric);
    assert_string_equal(g.key[3].values[0], "fit,test");
    assert_string_equal(g.key[3].label, "score");

    /* combinations: the first key slowest */
    int v[AE_SWEEP_MAX_KEYS];
    ae_sweep_combination(&g, 0, v);
    assert_true(v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0);
    ae_sweep_combination(&g, 1, v);
    assert_true(v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 1);
    ae_sweep_combination(&g, 31, v);
    assert_true(v[0] == 1 && v[1] == 3 && v[2] == 1 && v[3] == 1);
    assert_int_equal(ae_sweep_index(&g, v), 31);
    ae_sweep_combination(&g, 19, v); /* 19 = 1*16 + 0*4 + 1*2 + 1 */
    assert_true(v[0] == 1 && v[1] == 0 && v[2] == 1 && v[3] == 1);
    assert_int_equal(ae_sweep_index(&g, v), 19);
    char name[256];
    ae_sweep_folder_name(&g, v, name, sizeof name);
    assert_string_equal(name, "lr=0.0005,pca_components=8,method=gmm+pca+kmeans,score=test");
    ae_sweep_combination(&g, 0, v);
    ae_sweep_folder_name(&g, v, name, sizeof name);
    assert_string_equal(name, "lr=0.001,pca_components=8,method=kmeans,score=fit+test");

    /* the combination's config */
    ae_config *cc;
    ae_sweep_combination(&g, 31, v);
    assert_int_equal(ae_sweep_config(c, &g, v, &cc, &err), AE_OK);
    assert_close(ae_config_double(cc, "train", "lr"), 5e-4, 0);
    assert_int_equal(ae_config_int(cc, "cluster", "pca_components"), 64);
    assert_int_equal(ae_config_list_len(cc, "cluster", "method"), 2);
    assert_string_equal(ae_config_list_item(cc, "data", "score", 0), "test");
    ae_config_free(cc);
    ae_sweep_grid_free(&g);

    /* two keys of one name: section.key in names */
    const char *twin[] = {"train.lr=0.1", "finetune.lr=0.01,0.02", "cluster.n_init=3"};
    assert_int_equal(ae_sweep_grid_parse(c, twin, 3, &g, &err), AE_OK);
    assert_string_equal(g.key[0].label, "train.lr");
    assert_string_equal(g.key[1].label, "finetune.lr");
    assert_string_equal(g.key[2].label, "n_init");
    ae_sweep_combination(&g, 1, v);
    ae_sweep_folder_name(&g, v, name, sizeof name);
    assert_string_equal(name, "train.lr=0.1,finetune.lr=0.02,n_init=3");
    ae_sweep_grid_free(&g);

    /* text with characters a folder name cannot hold, and a very long value */
    const char *enc[] = {"model.encoder=dense 64 relu, dense 8 linear;dense 32 relu, dense 4 linear"};
    assert_int_equal(ae_sweep_grid_parse(c, enc, 1, &g, &err), AE_OK);
    assert_int_equal(g.key[0].n_values, 2);
    ae_sweep_combination(&g, 0, v);
    ae_sweep_folder_name(&g, v, name, sizeof name);
    assert_string_equal(name, "encoder=dense_64_relu+_dense_8_linear");
    ae_sweep_grid_free(&g);
    char longv[700] = "model.encoder=";
    for (int i = 0; i < 40; i++) strcat(longv, "dense 8 relu, ");
    strcat(longv, "dense 2 linear;dense 2 linear");
    const char *lp[] = {longv};
    assert_int_equal(ae_sweep_grid_parse(c, lp, 1, &g, &err), AE_OK);
    ae_sweep_combination(&g, 0, v);
    ae_sweep_folder_name(&g, v, name, sizeof name);
    assert_int_equal(strlen(name), 200);
    char other[256];
    longv[strlen(longv) - 20] = 'X'; /* differs only past the cut: the hash tells them apart */
    ae_sweep_grid_free(&g);
    assert_int_equal(ae_sweep_grid_parse(c, lp, 1, &g, &err), AE_OK);
    ae_sweep_folder_name(&g, v, other, sizeof other);
    assert_int_equal(strncmp(name, other, 183), 0);
    assert_string_not_equal(name, other);
    ae_sweep_grid_free(&g);
    ae_config_free(c);
}

static void expect_bad_grid(const char *spec, const char *msg)
{
    ae_config *c = fresh_config();
    ae_sweep_grid g;
    ae_error err = {0};
    const char *specs[2] = {"cluster.k=8,10", spec};
    assert_int_equal(ae_sweep_grid_parse(c, specs, 2, &g, &err), AE_ERR_ARG);
    if (!strstr(err.msg, msg)) fail_msg("'%s': message '%s' lacks '%s'", spec, err.msg, msg);
    assert_non_null(strstr(err.msg, "--grid"));
    assert_int_equal(g.n_keys, 0); /* left empty */
    ae_config_free(c);
}

static void test_grid_errors(void **state)
{
    (void)state;
    expect_bad_grid("train.nope=1,2", "unknown key 'train.nope'");
    expect_bad_grid("nosection.lr=1", "unknown section 'nosection.lr'");
    expect_bad_grid("train.lr", "expected section.key=value");
    expect_bad_grid("lr=1", "'lr' is not section.key");
    expect_bad_grid("train.lr=", "no values");
    expect_bad_grid("train.lr=  ", "no values");
    expect_bad_grid("train.lr=1e-3,,5e-4", "an empty value");
    expect_bad_grid("train.lr=1e-3,", "an empty value");
    expect_bad_grid("train.lr=1e-3,abc", "--grid train.lr: 'abc' is not a finite number");
    expect_bad_grid("train.lr=0", "out of range");
    expect_bad_grid("cluster.pca_components=8,1.5", "'1.5' is not an integer");
    expect_bad_grid("cluster.method=kmeans;nope", "'nope' is not one of");
    expect_bad_grid("train.optimizer=adam,rmsprop", "'rmsprop' is not one of");
    expect_bad_grid("train.lr=1e-3,0.001", "the value 0.001 is given twice");
    expect_bad_grid("cluster.k=3", "cluster.k is given twice");
    expect_bad_grid("experiment.seed=1,2", "--seeds");
    ae_config *c = fresh_config();
    ae_sweep_grid g;
    ae_error err = {0};
    assert_int_equal(ae_sweep_grid_parse(c, NULL, 0, &g, &err), AE_ERR_ARG);
    /* too many combinations: 11 x 10 x 10 > 1000 */
    const char *big[] = {"cluster.k=1,2,3,4,5,6,7,8,9,10,11", "cluster.n_init=1,2,3,4,5,6,7,8,9,10",
                         "cluster.max_iter=1,2,3,4,5,6,7,8,9,10"};
    assert_int_equal(ae_sweep_grid_parse(c, big, 3, &g, &err), AE_ERR_ARG);
    assert_non_null(strstr(err.msg, "more than 1000 combinations"));
    ae_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_list),   cmocka_unit_test(test_seed_list_format),
        cmocka_unit_test(test_stats),       cmocka_unit_test(test_collect_and_read_back),
        cmocka_unit_test(test_finished_rule), cmocka_unit_test(test_grid),
        cmocka_unit_test(test_grid_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
