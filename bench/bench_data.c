/* Data loading speed: Fashion-MNIST from its .gz IDX files (train, and train
 * + test), and a .npy write and read of the 60000 x 784 train matrix. Each
 * benchmark runs in its own child process so its peak RSS (getrusage
 * ru_maxrss) is its own; times are the median of 5 runs.
 * usage: bench_data [DATA_DIR]   (default $AECLUST_DATA, else ./data) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aeclust/data.h"
#include "aeclust/npy.h"

#define RUNS 5

static const char *data_dir;
static char npy_path[] = "/tmp/aeclust-bench-XXXXXX";

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int fail(const ae_error *err)
{
    fprintf(stderr, "bench_data: %s\n", err->msg);
    return 1;
}

/* One timed run of each benchmark; returns 0 or 1 and the seconds taken. */
static int run_load(const char *split, double *secs)
{
    ae_dataset d;
    ae_error err;
    double t0 = now();
    if (ae_dataset_load("fashion-mnist", split, data_dir, &d, &err)) return fail(&err);
    *secs = now() - t0;
    ae_dataset_free(&d);
    return 0;
}

static int run_train(double *secs) { return run_load("train", secs); }
static int run_all(double *secs) { return run_load("all", secs); }

static int load_train_x(ae_matrix *x)
{
    ae_dataset d;
    ae_error err;
    if (ae_dataset_load("fashion-mnist", "train", data_dir, &d, &err)) return fail(&err);
    *x = d.x;
    ae_labels_free(&d.y);
    return 0;
}

static int run_npy_write(double *secs)
{
    static ae_matrix x;
    if (!x.data && load_train_x(&x)) return 1;
    ae_error err;
    double t0 = now();
    if (ae_npy_write_matrix(npy_path, &x, &err)) return fail(&err);
    *secs = now() - t0;
    return 0;
}

static int run_npy_read(double *secs)
{
    ae_matrix m;
    ae_error err;
    double t0 = now();
    if (ae_npy_read_matrix(npy_path, &m, &err)) return fail(&err);
    *secs = now() - t0;
    int ok = m.rows == 60000 && m.cols == 784;
    ae_matrix_free(&m);
    if (!ok) fprintf(stderr, "bench_data: %s: wrong shape\n", npy_path);
    return !ok;
}

/* Runs fn RUNS times in a child process and prints the benchmark's line. */
static int bench(const char *name, int (*fn)(double *))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        double t[RUNS];
        for (int r = 0; r < RUNS; r++)
            if (fn(&t[r])) _exit(1);
        qsort(t, RUNS, sizeof *t, cmp_double);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("bench %s: %.3f s (median of %d), peak RSS %ld MB\n", name, t[RUNS / 2], RUNS, ru.ru_maxrss / 1024);
        fflush(stdout);
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) return 1;
    return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv)
{
    data_dir = ae_data_dir(argc > 1 ? argv[1] : NULL);
    int fd = mkstemp(npy_path);
    if (fd < 0) return 1;
    close(fd);
    int rc = bench("idx_load_train", run_train) || bench("idx_load_all", run_all) ||
             bench("npy_write_train", run_npy_write) || bench("npy_read_train", run_npy_read);
    unlink(npy_path);
    return rc;
}
