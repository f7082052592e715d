/* The core helpers every output goes through: atomic files, run-folder
 * staging, and one-line error messages; the generator's bulk draws. */
#include "test_util.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "aeclust/rng.h"
#include "aeclust/status.h"
#include "core/atomic_file.h"
#include "core/fs.h"

static void read_text(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
}

/* Number of entries of dir whose name contains part. */
static int count_entries(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    if (!d) fail_msg("cannot open %s", dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, part)) n++;
    closedir(d);
    return n;
}

static void test_atomic_write_replaces_whole(void **state)
{
    (void)state;
    char dir[64], path[128], buf[64];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    ae_error err;
    assert_int_equal(ae_write_file_atomic(path, "first", 5, &err), AE_OK);
    assert_int_equal(ae_write_file_atomic(path, "second", 6, &err), AE_OK);
    read_text(path, buf, sizeof buf);
    assert_string_equal(buf, "second");
    assert_int_equal(count_entries(dir, ".tmp."), 0);
    test_rmdir(dir);
}

static void test_abort_keeps_the_old_file(void **state)
{
    (void)state;
    char dir[64], path[128], buf[64];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    ae_error err;
    assert_int_equal(ae_write_file_atomic(path, "old", 3, &err), AE_OK);
    ae_afile f;
    assert_int_equal(ae_afile_open(&f, path, &err), AE_OK);
    assert_int_equal(ae_afile_printf(&f, &err, "new %d", 1), AE_OK);
    ae_afile_abort(&f);
    read_text(path, buf, sizeof buf);
    assert_string_equal(buf, "old");
    assert_int_equal(count_entries(dir, ".tmp."), 0);
    test_rmdir(dir);
}

static void test_write_failure_midway_loses_nothing(void **state)
{
    (void)state;
    char dir[64], path[128], buf[64];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out.bin", dir);
    ae_error err;
    assert_int_equal(ae_write_file_atomic(path, "old", 3, &err), AE_OK);
    /* a file-size limit makes the writes fail after the temporary file exists */
    struct rlimit old, small = {.rlim_cur = 4096, .rlim_max = RLIM_INFINITY};
    getrlimit(RLIMIT_FSIZE, &old);
    small.rlim_max = old.rlim_max;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    static char big[1 << 16];
    ae_status st = ae_write_file_atomic(path, big, sizeof big, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    assert_int_equal(st, AE_ERR_IO);
    assert_non_null(strstr(err.msg, path));
    read_text(path, buf, sizeof buf);
    assert_string_equal(buf, "old");
    assert_int_equal(count_entries(dir, ".tmp."), 0);
    test_rmdir(dir);
}

static void test_missing_folder_is_an_error(void **state)
{
    (void)state;
    ae_error err;
    assert_int_equal(ae_write_file_atomic("/tmp/aeclust-no-such-folder/x", "a", 1, &err), AE_ERR_IO);
    assert_non_null(strstr(err.msg, "/tmp/aeclust-no-such-folder/x: cannot create"));
}

static void test_outputs_get_umask_permissions(void **state)
{
    (void)state;
    char dir[64], path[128], run[128], stage[256];
    test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/p.txt", dir);
    snprintf(run, sizeof run, "%s/run", dir);
    ae_error err;
    mode_t mask = umask(022);
    assert_int_equal(ae_write_file_atomic(path, "x", 1, &err), AE_OK);
    assert_int_equal(ae_stage_dir(run, stage, sizeof stage, &err), AE_OK);
    umask(mask);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    assert_int_equal(stat(stage, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0755);
    test_rmdir(dir);
}

static void test_stage_commit_replaces_a_run(void **state)
{
    (void)state;
    char dir[64], run[128], stage[256], file[320], buf[64];
    test_tmpdir(dir, sizeof dir);
    snprintf(run, sizeof run, "%s/runs/exp", dir); /* the parent is created on the way */
    ae_error err;
    for (int round = 0; round < 2; round++) {
        assert_int_equal(ae_stage_dir(run, stage, sizeof stage, &err), AE_OK);
        snprintf(file, sizeof file, "%s/%s", stage, round ? "second" : "first");
        assert_int_equal(ae_write_file_atomic(file, round ? "2" : "1", 1, &err), AE_OK);
        assert_int_equal(ae_stage_commit(stage, run, &err), AE_OK);
    }
    snprintf(file, sizeof file, "%s/second", run);
    read_text(file, buf, sizeof buf);
    assert_string_equal(buf, "2");
    snprintf(file, sizeof file, "%s/first", run);
    assert_int_not_equal(access(file, F_OK), 0); /* the old run is gone, not merged */
    snprintf(file, sizeof file, "%s/runs", dir);
    assert_int_equal(count_entries(file, ".old."), 0);
    assert_int_equal(count_entries(file, ".tmp."), 0);
    test_rmdir(dir);
}

static void test_stage_paths(void **state)
{
    (void)state;
    char dir[64], run[128], stage[256], file[160];
    test_tmpdir(dir, sizeof dir);
    ae_error err;
    /* a trailing slash names the same folder */
    snprintf(run, sizeof run, "%s/r/", dir);
    assert_int_equal(ae_stage_dir(run, stage, sizeof stage, &err), AE_OK);
    assert_int_equal(ae_stage_commit(stage, run, &err), AE_OK);
    snprintf(file, sizeof file, "%s/r", dir);
    struct stat sb;
    assert_int_equal(stat(file, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    /* a file where the folder should go is refused before anything is made */
    snprintf(file, sizeof file, "%s/plain", dir);
    test_write_file(file, "x", 1);
    assert_int_equal(ae_stage_dir(file, stage, sizeof stage, &err), AE_ERR_IO);
    assert_non_null(strstr(err.msg, "exists and is not a folder"));
    assert_int_equal(ae_stage_dir("", stage, sizeof stage, &err), AE_ERR_ARG);
    assert_int_equal(ae_remove_tree(dir, &err), AE_OK);
    assert_int_not_equal(access(dir, F_OK), 0);
}

static void test_messages_are_one_printable_line(void **state)
{
    (void)state;
    ae_error err;
    assert_int_equal(ae_fail(&err, AE_ERR_FORMAT, "a.npy: key 'x\ny\033[31m'"), AE_ERR_FORMAT);
    assert_string_equal(err.msg, "a.npy: key 'x y?[31m'");
    assert_int_equal(err.status, AE_ERR_FORMAT);
    assert_int_equal(ae_fail(NULL, AE_ERR_IO, "ignored"), AE_ERR_IO);
}

/* ae_rng_fill is n calls of ae_rng_next, state included; xoshiro256**'s
 * first output from the state (1, 2, 3, 4) is rotl(2 * 5, 7) * 9 = 11520. */
static void test_rng_fill_is_next(void **state)
{
    (void)state;
    ae_rng a = {{1, 2, 3, 4}}, b = a;
    assert_int_equal(ae_rng_next(&a), 11520);
    a = b;
    enum { N = 1001 };
    uint64_t bulk[N];
    ae_rng_fill(&b, bulk, N);
    for (int i = 0; i < N; i++)
        if (bulk[i] != ae_rng_next(&a)) fail_msg("draw %d differs", i);
    assert_memory_equal(&a, &b, sizeof a);
    ae_rng_fill(&b, bulk, 0);
    assert_memory_equal(&a, &b, sizeof a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_atomic_write_replaces_whole),
        cmocka_unit_test(test_abort_keeps_the_old_file),
        cmocka_unit_test(test_write_failure_midway_loses_nothing),
        cmocka_unit_test(test_missing_folder_is_an_error),
        cmocka_unit_test(test_outputs_get_umask_permissions),
        cmocka_unit_test(test_stage_commit_replaces_a_run),
        cmocka_unit_test(test_stage_paths),
        cmocka_unit_test(test_messages_are_one_printable_line),
        cmocka_unit_test(test_rng_fill_is_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
