/* Helpers shared by the cmocka tests. */
#ifndef AE_TEST_UTIL_H
#define AE_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>

#include <cmocka.h>

/* |a - b| <= tol, with both values in the failure message. */
#define assert_close(a, b, tol)                                                                    \
    do {                                                                                           \
        double a_ = (a), b_ = (b), t_ = (tol);                                                     \
        if (!(fabs(a_ - b_) <= t_))                                                                \
            fail_msg("%s = %.10g, expected %s = %.10g (tol %g)", #a, a_, #b, b_, t_);              \
    } while (0)

/* A fresh scratch folder under /tmp; path written into buf. */
static inline void test_tmpdir(char *buf, size_t n)
{
    snprintf(buf, n, "/tmp/aeclust-test-XXXXXX");
    if (!mkdtemp(buf)) fail_msg("mkdtemp failed");
}

/* Removes a scratch folder and everything in it. */
static inline void test_rmdir(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fail_msg("cannot remove %s", dir);
}

/* Writes n bytes to path (not atomically: tests only). */
static inline void test_write_file(const char *path, const void *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot create %s", path);
    if (n && fwrite(buf, 1, n, f) != n) fail_msg("cannot write %s", path);
    fclose(f);
}

/* The data folder prepared by scripts/setup.sh ($AECLUST_DATA, else ./data). */
static inline const char *test_data_dir(void)
{
    const char *d = getenv("AECLUST_DATA");
    return d && *d ? d : "data";
}

#endif
