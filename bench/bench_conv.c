/* Training speed of the convolutional autoencoders of the seed reports on
 * Fashion-MNIST.
 *
 *   bench_conv [--epochs N] [--batches N] [--data-dir DIR] [p3|s002 ...]
 *
 * p3 is seed 000's conv denoising AE as /work/shared/peer/p3_conv_dae.py
 * trains it (batch 32, noisy input 0.2, clean target, MSE, Adam 1e-3);
 * s002 is seed 002's max-pooling conv AE to a 7x7x1 code (batch 256; no
 * PyTorch reference). Each runs in a child process. --batches N trains only
 * the first N batches of each epoch and extrapolates to a full epoch (s002
 * times 40 batches unless told: a full epoch takes about 40 s).
 * GFLOP/s counts what the layers compute: 2 multiply-adds per kernel weight
 * per window position for the forward product, the weight gradient and the
 * input gradient (skipped for the first layer, as training does). */
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
#include "nn/model.h"

typedef struct {
    const char *name, *enc, *dec;
    int batch;
    double noise;   /* std of the Gaussian noise on the input (0: plain AE) */
    double torch_s; /* PyTorch s/epoch, /work/shared/peer/README.md; 0: none */
    long batches;   /* batches timed per epoch unless --batches says otherwise (0: all) */
} net;

static const net nets[] = {
    {"p3", "input 1 28 28, conv2d 16 3 s2 same relu, conv2d 8 3 s2 same relu",
     "conv2d_transpose 8 3 s2 same relu, conv2d_transpose 16 3 s2 same relu, conv2d 1 3 same sigmoid", 32, 0.2, 13.3,
     0},
    {"s002",
     "input 1 28 28, conv2d 64 3 same relu, maxpool2d 2, conv2d 32 3 same relu, maxpool2d 2, "
     "conv2d 1 3 same sigmoid, flatten",
     "reshape 1 7 7, conv2d 32 3 same relu, upsample2d 2, conv2d 64 3 same relu, upsample2d 2, "
     "conv2d 1 3 same sigmoid",
     256, 0.0, 0.0, 40},
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Multiply-adds of one sample's forward product through layer l. */
static double layer_macs(const ae_layer *l)
{
    if (l->ops == &ae_conv2d_ops) return (double)(l->n_params - (size_t)l->out.dim[0]) * l->out.dim[1] * l->out.dim[2];
    if (l->ops == &ae_conv2d_transpose_ops)
        return (double)(l->n_params - (size_t)l->out.dim[0]) * l->in.dim[1] * l->in.dim[2];
    if (l->ops == &ae_dense_ops) return (double)(l->n_params - (size_t)l->out.dim[0]);
    return 0.0;
}

/* Floating-point operations of one training sample. */
static double train_flops(const ae_model *m)
{
    double f = 0.0;
    for (int i = 0; i < m->n_layers; i++) f += 2.0 * layer_macs(&m->layers[i]) * (i == 0 ? 2.0 : 3.0);
    return f;
}

static int run_net(const net *nt, int epochs, long batches, const char *data_dir)
{
    ae_error err;
    ae_dataset d = {0};
    ae_matrix x = {0}, noisy = {0};
    const char *source = "Fashion-MNIST";
    if (ae_dataset_load("fashion-mnist", "train", data_dir, &d, &err) == AE_OK) {
        x = d.x;
        d.x = (ae_matrix){0};
    } else {
        fprintf(stderr, "bench_conv: %s; using random data of the same shape\n", err.msg);
        source = "random";
        if (ae_matrix_alloc(&x, 60000, 784, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
        ae_rng r;
        ae_rng_seed(&r, 7);
        for (size_t i = 0; i < x.rows * x.cols; i++) x.data[i] = (float)ae_rng_uniform(&r);
    }
    if (nt->noise > 0) { /* clip(x + noise N(0, 1), 0, 1), drawn once, as the TF tutorial */
        if (ae_matrix_alloc(&noisy, x.rows, x.cols, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
        ae_rng r;
        ae_rng_seed(&r, 0);
        for (size_t i = 0; i < x.rows * x.cols; i++) {
            double v = x.data[i] + nt->noise * ae_rng_normal(&r);
            noisy.data[i] = (float)(v < 0 ? 0 : v > 1 ? 1 : v);
        }
    }
    size_t full_rows = x.rows;
    if (batches > 0 && (size_t)batches * nt->batch < x.rows) x.rows = noisy.rows = (size_t)batches * nt->batch;

    ae_model *m;
    ae_model_init_opts io = ae_model_init_defaults();
    io.max_batch = nt->batch;
    if (ae_model_new(nt->enc, nt->dec, 784, &io, &m, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
    ae_train_opts o = ae_train_defaults();
    o.epochs = epochs;
    o.batch_size = nt->batch;
    ae_train_history h;
    struct rusage ru0, ru;
    getrusage(RUSAGE_SELF, &ru0);
    double wall = now_s();
    ae_status st = nt->noise > 0 ? ae_train(m, &noisy, &x, &o, &h, &err) : ae_train(m, &x, NULL, &o, &h, &err);
    if (st) return fprintf(stderr, "%s\n", err.msg), 1;
    wall = now_s() - wall;
    getrusage(RUSAGE_SELF, &ru);
    double cpu =
        (double)(ru.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
        1e-6 * (double)(ru.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru.ru_stime.tv_usec - ru0.ru_stime.tv_usec);

    double scale = (double)full_rows / (double)x.rows, best = 1e30;
    double *ts = malloc(sizeof(double) * (size_t)h.n);
    for (int e = 0; e < h.n; e++) {
        ts[e] = h.epochs[e].seconds * scale;
        if (ts[e] < best) best = ts[e];
    }
    for (int i = 1; i < h.n; i++)
        for (int j = i; j > 0 && ts[j] < ts[j - 1]; j--) {
            double t = ts[j];
            ts[j] = ts[j - 1];
            ts[j - 1] = t;
        }
    double median = h.n % 2 ? ts[h.n / 2] : 0.5 * (ts[h.n / 2 - 1] + ts[h.n / 2]);
    double gflops = train_flops(m) * (double)full_rows / median / 1e9;
    printf("%s  %s | %s\n    batch %d, %zu params, %zu rows (%s)%s%s\n", nt->name, ae_model_encoder_spec(m),
           ae_model_decoder_spec(m), nt->batch, ae_model_param_count(m, NULL, NULL), full_rows, source,
           nt->noise > 0 ? ", denoising (noise 0.2)" : "",
           x.rows < full_rows ? "  [timed on the first batches, extrapolated to a full epoch]" : "");
    printf("    s/epoch  median %.2f  best %.2f over %d", median, best, h.n);
    if (nt->torch_s > 0) printf("   PyTorch %.1f -> %.2fx faster (target 2x)", nt->torch_s, nt->torch_s / median);
    printf("\n    samples/s %.0f   %.2f MFLOP/sample -> %.1f GFLOP/s   loss %.5f -> %.5f   CPUs busy %.2f\n",
           (double)full_rows / median, train_flops(m) / 1e6, gflops, h.epochs[0].train_loss,
           h.epochs[h.n - 1].train_loss, cpu / wall);
    fflush(stdout);
    free(ts);
    ae_train_history_free(&h);
    ae_model_free(m);
    x.rows = full_rows;
    noisy.rows = noisy.data ? full_rows : 0;
    ae_matrix_free(&x);
    ae_matrix_free(&noisy);
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
        if (!strcmp(argv[i], "--epochs") && i + 1 < argc)
            epochs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--batches") && i + 1 < argc)
            batches = atol(argv[++i]);
        else if (!strcmp(argv[i], "--data-dir") && i + 1 < argc)
            data_dir = argv[++i];
        else if (argv[i][0] != '-' && n_pick < 8)
            pick[n_pick++] = argv[i];
        else {
            fprintf(
                stderr,
                "usage: bench_conv [--epochs N (2)] [--batches N (p3 all, s002 40)] [--data-dir DIR] [p3|s002 ...]\n");
            return 2;
        }
    }
    if (epochs < 1) epochs = 1;
    printf("bench_conv: Adam lr 1e-3, MSE, %d epoch(s) each, timing by ae_train's history\n", epochs);
    fflush(stdout);
    int failed = 0;
    for (size_t k = 0; k < sizeof nets / sizeof nets[0]; k++) {
        bool want = n_pick == 0;
        for (int i = 0; i < n_pick; i++) want |= !strcmp(pick[i], nets[k].name);
        if (!want) continue;
        pid_t pid = fork();
        if (pid == 0) _exit(run_net(&nets[k], epochs, batches ? batches : nets[k].batches, data_dir));
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
    }
    return failed;
}
