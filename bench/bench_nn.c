/* Training speed and memory of the dense autoencoders the PyTorch reference
 * pipelines train (/work/shared/peer), on Fashion-MNIST, plus this machine's
 * sgemm peak for scale.
 *
 *   bench_nn [--epochs N] [--batches N] [--data-dir DIR] [p1|p2|p5 ...]
 *
 * Each network runs in a child process so its peak RSS is its own (as each
 * PyTorch script's is). --batches N trains only the first N batches of each
 * epoch and extrapolates to a full epoch (printed as such). GFLOP/s counts
 * 6 * params * samples per epoch: 2 for the forward product, 2 for the weight
 * gradient, 2 for the input gradient; aeclust skips the first layer's input
 * gradient, so the work it actually does is a little lower than the count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aeclust/data.h"
#include "aeclust/nn.h"
#include "aeclust/rng.h"
#include "core/gemm.h"

typedef struct {
    const char *name, *enc, *dec, *split;
    int batch;
    double torch_s; /* PyTorch s/epoch, /work/shared/peer/README.md */
} net;

static const net nets[] = {
    {"p1", "dense 128 relu, dense 64 relu, dense 32 relu", "dense 64 relu, dense 128 relu, dense 784 sigmoid",
     "train", 128, 3.91},
    {"p2", "dense 512 relu, dense 256 relu, dense 128 relu, dense 49 sigmoid",
     "dense 128 relu, dense 256 relu, dense 784 sigmoid", "train", 256, 8.40},
    {"p5", "dense 500 relu, dense 500 relu, dense 2000 relu, dense 10",
     "dense 2000 relu, dense 500 relu, dense 500 relu, dense 784", "all", 256, 39.4},
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double sgemm_peak(void)
{
    const int n = 2048;
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
    ae_rng r;
    ae_rng_seed(&r, 1);
    for (int i = 0; i < n * n; i++) {
        a[i] = (float)ae_rng_uniform(&r);
        b[i] = (float)ae_rng_uniform(&r);
    }
    ae_sgemm(false, false, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n); /* warm up */
    double best = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double t = now_s();
        ae_sgemm(false, false, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        t = now_s() - t;
        if (t < best) best = t;
    }
    free(a);
    free(b);
    free(c);
    return 2.0 * n * (double)n * n / best / 1e9;
}

/* Trains one network for `epochs` epochs and prints its numbers. With
 * batches > 0 it trains on the first batches * batch rows only and scales the
 * times to the full data set. */
static int run_net(const net *nt, int epochs, long batches, const char *data_dir, double peak)
{
    ae_error err;
    ae_dataset d = {0};
    ae_matrix x = {0};
    const char *source = "Fashion-MNIST";
    double t_load = now_s();
    if (ae_dataset_load("fashion-mnist", nt->split, data_dir, &d, &err) == AE_OK) {
        x = d.x;
        d.x = (ae_matrix){0};
    } else {
        size_t rows = strcmp(nt->split, "all") ? 60000 : 70000;
        fprintf(stderr, "bench_nn: %s; using random data of the same shape\n", err.msg);
        source = "random";
        if (ae_matrix_alloc(&x, rows, 784, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
        ae_rng r;
        ae_rng_seed(&r, 7);
        for (size_t i = 0; i < x.rows * x.cols; i++) x.data[i] = (float)ae_rng_uniform(&r);
    }
    t_load = now_s() - t_load;
    size_t full_rows = x.rows;
    if (batches > 0 && (size_t)batches * nt->batch < x.rows) x.rows = (size_t)batches * nt->batch;

    ae_model *m;
    ae_model_init_opts io = ae_model_init_defaults();
    io.max_batch = nt->batch;
    if (ae_model_new(nt->enc, nt->dec, 784, &io, &m, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
    size_t params = ae_model_param_count(m, NULL, NULL);
    ae_train_opts o = ae_train_defaults();
    o.epochs = epochs;
    o.batch_size = nt->batch;
    ae_train_history h;
    struct rusage ru0, ru;
    getrusage(RUSAGE_SELF, &ru0);
    double wall = now_s();
    if (ae_train(m, &x, NULL, &o, &h, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
    wall = now_s() - wall;
    getrusage(RUSAGE_SELF, &ru);
    /* CPU seconds per wall second while training: about 2 on an idle 2-core
     * machine; much less means other processes took the cores (a noisy number) */
    double cpu = (double)(ru.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
                 1e-6 * (double)(ru.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru.ru_stime.tv_usec - ru0.ru_stime.tv_usec);

    /* the fastest epoch and the median, scaled to a full epoch */
    double scale = (double)full_rows / (double)x.rows, best = 1e30, sum = 0;
    double *ts = malloc(sizeof(double) * (size_t)h.n);
    for (int e = 0; e < h.n; e++) {
        ts[e] = h.epochs[e].seconds * scale;
        sum += ts[e];
        if (ts[e] < best) best = ts[e];
    }
    for (int i = 1; i < h.n; i++) /* insertion sort, few epochs */
        for (int j = i; j > 0 && ts[j] < ts[j - 1]; j--) {
            double t = ts[j];
            ts[j] = ts[j - 1];
            ts[j - 1] = t;
        }
    double median = h.n % 2 ? ts[h.n / 2] : 0.5 * (ts[h.n / 2 - 1] + ts[h.n / 2]);
    double gflops = 6.0 * (double)params * (double)full_rows / median / 1e9;
    printf("%s  %s / %s, batch %d, %zu params, %zu rows (%s, loaded in %.2f s)%s\n", nt->name, nt->enc, nt->dec,
           nt->batch, params, full_rows, source, t_load,
           x.rows < full_rows ? "  [timed on the first batches, extrapolated to a full epoch]" : "");
    printf("    s/epoch  median %.2f  best %.2f  (mean %.2f over %d)   PyTorch %.2f -> %.2fx faster (target 3x)\n",
           median, best, sum / h.n, h.n, nt->torch_s, nt->torch_s / median);
    printf("    samples/s %.0f   GFLOP/s %.1f (6*params*samples) = %.0f%% of the sgemm peak   loss %.5f -> %.5f\n",
           (double)full_rows / median, gflops, 100.0 * gflops / peak, h.epochs[0].train_loss,
           h.epochs[h.n - 1].train_loss);
    printf("    peak RSS %.0f MB   CPUs busy while training %.2f\n", (double)ru.ru_maxrss / 1024.0, cpu / wall);
    fflush(stdout);
    free(ts);
    ae_train_history_free(&h);
    ae_model_free(m);
    x.rows = full_rows;
    ae_matrix_free(&x);
    ae_dataset_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    int epochs = 2;
    long batches = 0;
    const char *data_dir = NULL;
    const char *pick[8];
    int n_pick = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--epochs") && i + 1 < argc) epochs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--batches") && i + 1 < argc) batches = atol(argv[++i]);
        else if (!strcmp(argv[i], "--data-dir") && i + 1 < argc) data_dir = argv[++i];
        else if (argv[i][0] != '-' && n_pick < 8) pick[n_pick++] = argv[i];
        else {
            fprintf(stderr, "usage: bench_nn [--epochs N (2)] [--batches N (all)] [--data-dir DIR] [p1|p2|p5 ...]\n");
            return 2;
        }
    }
    if (epochs < 1) epochs = 1;
    double peak = sgemm_peak();
    printf("bench_nn: sgemm 2048^3 peak %.1f GFLOP/s (OpenBLAS, default threads; OPENBLAS_CORETYPE=%s)\n", peak,
           getenv("OPENBLAS_CORETYPE") ? getenv("OPENBLAS_CORETYPE") : "unset");
    printf("bench_nn: Adam lr 1e-3, MSE, %d epoch(s) each, timing by ae_train's history\n", epochs);
    fflush(stdout);
    int failed = 0;
    for (size_t k = 0; k < sizeof nets / sizeof nets[0]; k++) {
        bool want = n_pick == 0;
        for (int i = 0; i < n_pick; i++) want |= !strcmp(pick[i], nets[k].name);
        if (!want) continue;
        pid_t pid = fork();
        if (pid == 0) _exit(run_net(&nets[k], epochs, batches, data_dir, peak));
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
    }
    return failed;
}
