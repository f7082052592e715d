/* Autoencoders: build from text specs, train, encode, save and load.
 *
 * A model is an encoder followed by a decoder, each a comma-separated list of
 * layers:
 *     dense UNITS [ACTIVATION]                       "dense 128 relu, dense 32"
 *     conv2d FILTERS KERNEL [OPTIONS] [ACTIVATION]   "conv2d 16 3 s2 same relu"
 *     conv2d_transpose FILTERS KERNEL [OPTIONS] [ACTIVATION]
 *     maxpool2d SIZE [OPTIONS]                       stride SIZE and valid unless given
 *     upsample2d FACTOR                              nearest neighbour
 *     flatten                                        (C, H, W) -> C*H*W
 *     reshape C H W  (or reshape N)                  Keras' Reshape((7, 7, 1)) is "reshape 1 7 7"
 *     gaussian L                                     a VAE's latent, see below
 *     batchnorm [momentum=M] [eps=E] [ACTIVATION]    batch normalisation, see below
 *     dropout P                                      inverted dropout, P in [0, 1)
 * with ACTIVATION one of linear (the default, as Keras), relu,
 * leaky_relu[:SLOPE] (slope 0.2 unless given), sigmoid, tanh, and OPTIONS in
 * any order: sS (stride S, 1 unless given), valid (no padding, the default),
 * same (Keras: out = ceil(in / S), the odd pad at the bottom/right; for
 * conv2d_transpose out = in * S), pP (PyTorch's padding=P) and, for
 * conv2d_transpose after pP, opQ (PyTorch's output_padding=Q, out =
 * (in-1) S - 2P + K + Q). Kernels and windows are square.
 *
 * "batchnorm" normalises each feature of a flat input (PyTorch's BatchNorm1d)
 * or each channel of an image over the batch and H x W (BatchNorm2d), then
 * scales by gamma and shifts by beta (trained; initially 1 and 0) and applies
 * its activation. Training uses the batch's mean and (biased) variance and
 * updates running statistics (saved in model files, not trained): running =
 * (1 - M) running + M batch, the variance's batch value unbiased, as
 * PyTorch; everywhere else (encode, reconstruct, validation) the running
 * statistics are used. The defaults are PyTorch's, M = 0.1 and E = 1e-5. For
 * Keras' BatchNormalization() write "batchnorm momentum=0.01 eps=1e-3"
 * (Keras' momentum 0.99 weighs the old running value, PyTorch's M the new
 * batch one; Keras also updates its moving variance with the biased batch
 * variance, a factor n/(n-1) that is negligible for batches of any size).
 * "dropout P" zeroes each value with probability P while training and scales
 * the kept ones by 1/(1-P); elsewhere it passes its input through.
 *
 * Image layers work on (C, H, W) samples (NCHW). The rows are flat, so an
 * encoder that starts with an image layer first declares their shape:
 *     "input 1 28 28, conv2d 16 3 s2 same relu, conv2d 8 3 s2 same relu"
 * ("input C H W" is no layer: it only shapes the rows, and must match the
 * input width). The code is the encoder's output, flattened (C*H*W values in
 * NCHW order); the decoder's output width must equal the input width.
 *
 * A variational autoencoder ends its encoder with "gaussian L" after a layer
 * of 2L linear outputs, read as [mu | log sigma^2]:
 *     encoder "dense 512 relu, dense 4, gaussian 2"   decoder "dense 512 relu, dense 784 sigmoid"
 * Training decodes z = mu + sigma * eps (eps ~ N(0, I) from a generator seeded
 * by the training seed: the reparameterisation trick) and adds beta * KL(q(z|x)
 * || N(0, I)) to the loss; everywhere else (encode, reconstruct, the loss of
 * ae_model_loss) z = mu, so the code of an image is its mean and
 * deterministic. The code width is L.
 *
 * Data are ae_matrix rows (one sample per row, float32). Parameters live in
 * one flat block and the model owns workspace for `max_batch` rows, so
 * encoding and training allocate nothing per batch. A model is not safe to use
 * from two threads at once (the workspace is shared). Image layers share a
 * batch between the calling thread and the model's helper threads (as many
 * threads in all as ae_threads(), aeclust/threads.h; 1 keeps them on one),
 * except in a model whose dense layers are big enough for OpenBLAS's
 * own threads; a given thread count always gives the same numbers.
 * The library never prints: training reports through an optional callback. */
#ifndef AECLUST_NN_H
#define AECLUST_NN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "matrix.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- building ---------------------------------------------------------- */

typedef enum {
    AE_INIT_GLOROT_UNIFORM, /* U(-l, l), l = sqrt(6 / (fan_in + fan_out)) (Keras' default) */
    AE_INIT_HE_UNIFORM,     /* U(-l, l), l = sqrt(6 / fan_in) (Keras' he_uniform) */
    AE_INIT_HE_NORMAL,      /* N(0, 2 / fan_in), not truncated (PyTorch's kaiming_normal_) */
    AE_INIT_FAN_IN_UNIFORM  /* U(-l, l), l = 1 / sqrt(fan_in): PyTorch's nn.Linear/Conv2d default
                               for weights, and DEC's VarianceScaling(1/3, fan_in, uniform) */
} ae_init_kind;

typedef struct {
    ae_init_kind init; /* weights [AE_INIT_GLOROT_UNIFORM]; biases are always zero */
    uint64_t seed;     /* for the initial weights [0] */
    int max_batch;     /* rows of workspace; encode/decode work in chunks of this
                          many rows, and training grows it to its batch size [256] */
} ae_model_init_opts;

ae_model_init_opts ae_model_init_defaults(void);

/* "glorot_uniform" (or "glorot"), "he_uniform", "he_normal", "fan_in_uniform" -> *out;
 * AE_ERR_ARG naming the known values otherwise. */
ae_status ae_init_kind_parse(const char *name, ae_init_kind *out, ae_error *err);
const char *ae_init_kind_name(ae_init_kind k);

typedef struct ae_model ae_model;

/* Builds a freshly initialised model from the encoder and decoder specs for
 * input rows of width input_dim; o may be NULL for the defaults. Spec errors
 * are AE_ERR_ARG with one line such as
 *   "encoder layer 2: unknown activation 'rellu' (known: ...)"
 *   "decoder output width 780 does not match the input width 784".
 * On success *out is owned by the caller (ae_model_free). */
ae_status ae_model_new(const char *encoder_spec, const char *decoder_spec, int input_dim,
                       const ae_model_init_opts *o, ae_model **out, ae_error *err);
void ae_model_free(ae_model *m);

int ae_model_input_dim(const ae_model *m);
/* Whether m is a VAE (its encoder ends with a "gaussian" latent). */
bool ae_model_is_variational(const ae_model *m);
int ae_model_code_dim(const ae_model *m);
/* Trainable parameter counts: the total, and per part when the pointers are
 * non-NULL (batchnorm's running statistics are not parameters). */
size_t ae_model_param_count(const ae_model *m, size_t *encoder, size_t *decoder);
/* Canonical spec texts ("dense 128 relu, dense 32 linear"), owned by m. */
const char *ae_model_encoder_spec(const ae_model *m);
const char *ae_model_decoder_spec(const ae_model *m);

/* ---- inference ---------------------------------------------------------- */

/* codes (n, code_dim) = encoder(x (n, input_dim)); any n >= 0. `codes` is
 * allocated here (its previous content is not freed: pass an empty or
 * already-freed matrix); free it with ae_matrix_free. */
ae_status ae_model_encode(ae_model *m, const ae_matrix *x, ae_matrix *codes, ae_error *err);
/* out (n, input_dim) = decoder(codes (n, code_dim)); allocated as above. */
ae_status ae_model_decode(ae_model *m, const ae_matrix *codes, ae_matrix *out, ae_error *err);
/* out (n, input_dim) = decoder(encoder(x)); allocated as above. */
ae_status ae_model_reconstruct(ae_model *m, const ae_matrix *x, ae_matrix *out, ae_error *err);

/* out (n, input_dim) = decoder(z), z ~ N(0, I) (n, code_dim) drawn from a
 * generator seeded with seed: new images from a VAE (from a plain
 * autoencoder, whose codes follow no set distribution, they show what its
 * decoder makes of such points). Allocated as above; n >= 1. */
ae_status ae_model_sample(ae_model *m, size_t n, uint64_t seed, ae_matrix *out, ae_error *err);

/* The decoded 2-D latent manifold: out (steps * steps, input_dim) decodes the
 * grid of points (x_i, y_j), x from x0 to x1 and y from y1 down to y0 in
 * `steps` even steps each, row-major with y falling down the rows and x rising
 * along them (as the picture of the manifold is drawn). Needs a 2-wide code
 * and steps >= 2 (AE_ERR_ARG otherwise). Allocated as above. */
ae_status ae_model_decode_grid(ae_model *m, int steps, double x0, double x1, double y0, double y1, ae_matrix *out,
                               ae_error *err);

/* ---- training ------------------------------------------------------------ */

typedef enum { AE_OPTIM_ADAM, AE_OPTIM_SGD } ae_optimizer_kind;
/* For a plain autoencoder both losses are means over every element of the
 * batch (as Keras and PyTorch); for a VAE the reconstruction loss is summed
 * over each row's elements (as Keras' and PyTorch's VAE examples), beta * KL
 * is added, and that per-row loss is averaged over the rows. Per element:
 * MSE (y - t)^2; BCE -t log y - (1-t) log(1-y) with each log clamped below
 * at log(1e-7) (Keras clamps y to [1e-7, 1-1e-7]: the same up to 1e-7). BCE needs a sigmoid output layer (an error otherwise) and its
 * gradient goes straight to the sigmoid's input as (y - t) / count, which
 * stays useful when the sigmoid saturates. */
typedef enum { AE_LOSS_MSE, AE_LOSS_BCE } ae_loss_kind;

ae_status ae_optimizer_parse(const char *name, ae_optimizer_kind *out, ae_error *err); /* "adam", "sgd" */
const char *ae_optimizer_name(ae_optimizer_kind k);
ae_status ae_loss_parse(const char *name, ae_loss_kind *out, ae_error *err); /* "mse", "bce" */
const char *ae_loss_name(ae_loss_kind k);

typedef struct {
    int epoch, epochs;       /* 1-based epoch of epochs */
    size_t batch, n_batches; /* batches done in this epoch (1-based), of n_batches */
    double loss;             /* running mean training loss of this epoch so far */
    double samples_per_s;    /* training throughput of this epoch so far */
    double elapsed_s;        /* since ae_train started */
    double eta_s;            /* estimated seconds left for the whole run */
    double val_loss;         /* validation loss of this epoch (NaN before the end
                                of the epoch, or without a validation set) */
    bool end_of_epoch;       /* the last call of this epoch, after validation */
} ae_train_progress;

/* An optimiser's settings, on their own so that any training loop (ae_train,
 * or a caller's fine-tuning) can set one up. */
typedef struct {
    ae_optimizer_kind kind; /* [AE_OPTIM_ADAM] */
    double lr;              /* learning rate [1e-3] */
    /* Adam as PyTorch's torch.optim.Adam: m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
     * p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps). */
    double beta1; /* [0.9] */
    double beta2; /* [0.999] */
    double eps;   /* [1e-8] (PyTorch; Keras uses 1e-7); > 0 */
    /* SGD as PyTorch's torch.optim.SGD: v = momentum v + g, p -= lr v. */
    double momentum; /* [0] */
} ae_optim_opts;

ae_optim_opts ae_optim_defaults(void);
/* AE_ERR_ARG naming the setting when o is out of range ("adam eps must be positive, got 0"). */
ae_status ae_optim_check(const ae_optim_opts *o, ae_error *err);

/* What ae_train shows a per-batch hook (ae_train_hook). */
typedef struct {
    int epoch;           /* 1-based */
    size_t batch;        /* 0-based within the epoch */
    long step;           /* batches trained before this one, over the whole call */
    int rows;            /* B, the batch's rows */
    const size_t *index; /* (B) the batch's rows in the training input */
    const float *codes;  /* (B, code_dim) the batch's codes (code_loss only; NULL in before_batch) */
    int code_dim;
} ae_batch_view;

/* Opens the training loop to a caller's loss term at the code layer (DEC's
 * clustering loss) and the parameters that term owns (DEC's centres). Both
 * callbacks are optional. */
typedef struct {
    /* Before a batch's forward pass. It may use the model (encode the whole
     * training set, say: nothing of the batch has run yet). Setting *stop ends
     * training before this batch: the epoch so far is recorded and
     * checkpointed as a finished one. */
    ae_status (*before_batch)(void *user, const ae_batch_view *b, bool *stop, ae_error *err);
    /* After the batch's forward pass: an extra term of the loss over its codes.
     * Sets *loss to the term's value for this batch (weighted as it enters the
     * loss: the loss reported is recon_weight * reconstruction + *loss), adds
     * d(*loss)/d(codes) (B, code_dim) to dcodes (zeros on entry), and writes
     * the gradient of its own parameters to grads (below). */
    ae_status (*code_loss)(void *user, const ae_batch_view *b, float *dcodes, double *loss, ae_error *err);
    void *user;
    /* The term's own parameters (n_params floats each; NULL, 0: none), updated
     * after every batch by an optimiser of the same settings as the model's. */
    float *params, *grads;
    size_t n_params;
} ae_train_hook;

/* Largest batch ae_train takes. */
#define AE_TRAIN_MAX_BATCH (1 << 20)

typedef struct {
    int epochs;         /* [20] */
    int batch_size;     /* [256], at most AE_TRAIN_MAX_BATCH; the last batch of an epoch
                           may be smaller, and a set smaller than a batch is one batch */
    ae_optim_opts optim; /* [ae_optim_defaults()] */
    ae_loss_kind loss;  /* [AE_LOSS_MSE] */
    double kl_beta;    /* a VAE's weight of the KL term, >= 0 (beta-VAE) [1] */
    uint64_t seed;     /* of shuffling, a VAE's latent noise and dropout, each drawn
                          from a stream of its own (ae_stream_seed, rng.h) [0] */
    bool shuffle;      /* reshuffle the rows every epoch [true] */
    /* Optional validation set, scored at the end of every epoch with the same
     * loss; val_target NULL means val_input. [NULL, NULL] */
    const ae_matrix *val_input, *val_target;
    /* Optional path: the model is saved there atomically after every epoch
     * whose losses and final parameters are finite. [NULL] */
    const char *checkpoint;
    /* Optional callback after every batch and once more at the end of every
     * epoch (end_of_epoch set, val_loss filled in). [NULL, NULL] */
    void (*progress)(void *user, const ae_train_progress *p);
    /* Optional hook before every epoch (1-based): it may rewrite the contents
     * (not the shape) of the training input and target, e.g. to draw fresh
     * noise; an error it returns stops training with that error. [NULL] */
    ae_status (*before_epoch)(void *user, int epoch, ae_error *err);
    void *user; /* given to progress and before_epoch */
    /* Optional per-batch hook (above) [NULL]. */
    const ae_train_hook *hook;
    /* Weight of the autoencoder's own loss (reconstruction, plus a VAE's KL
     * term) [1]; 0 leaves the decoder out of training altogether (DEC: the
     * hook's code_loss is then the whole loss, and needed). */
    double recon_weight;
    /* The layers whose parameters train, [train_from, train_to) in model order
     * (encoder then decoder; train_to 0: through the last, or the encoder's
     * last with a reconstruction weight of 0) [0, 0]. The others keep their
     * parameters, though gradients still flow through them. */
    int train_from, train_to;
} ae_train_opts;

ae_train_opts ae_train_defaults(void);

typedef struct {
    int epoch;            /* 1-based */
    double train_loss;    /* mean over the epoch's batches, weighted by batch size */
    double val_loss;      /* NaN without a validation set */
    double seconds;       /* wall time of the epoch (training and validation) */
    double samples_per_s; /* training rows per second */
    double hook_loss;     /* the part of train_loss from the hook's code_loss (NaN without one) */
} ae_epoch_stats;

typedef struct {
    int n;                  /* epochs completed */
    ae_epoch_stats *epochs; /* (n), owned */
} ae_train_history;

void ae_train_history_free(ae_train_history *h);
/* Writes "epoch,train_loss,val_loss,seconds,samples_per_s" and one row per
 * epoch (val_loss "nan" when absent) to path, atomically. */
ae_status ae_train_history_write_csv(const char *path, const ae_train_history *h, ae_error *err);

/* Trains m to map input (n, input_dim) to target (n, input_dim) (target NULL:
 * input itself; a noisy input with a clean target makes a denoising AE);
 * o NULL means the defaults. history, if non-NULL, is filled with the epochs
 * completed, also when training fails part way (free it either way).
 * A NaN or Inf loss (or validation loss, or parameter at the end of an
 * epoch) stops training with AE_ERR_NUMERIC:
 *   "training diverged at epoch 3, batch 117 (loss = nan); the last good
 *    model is in CKPT" (or "...; no checkpoint was set", or "...; no epoch
 *    had completed, so no checkpoint was written")
 * leaving the checkpoint file as it was after the last good epoch; the
 * in-memory model's parameters are then not usable. NaN/Inf in the data is an
 * error before training starts. */
ae_status ae_train(ae_model *m, const ae_matrix *input, const ae_matrix *target, const ae_train_opts *o,
                   ae_train_history *history, ae_error *err);

/* Mean loss of m on (input, target) (target NULL: input), batched: the
 * reconstruction loss per element, also for a VAE (which then decodes mu and
 * leaves out the KL term). */
ae_status ae_model_loss(ae_model *m, const ae_matrix *input, const ae_matrix *target, ae_loss_kind loss,
                        double *out, ae_error *err);

/* ---- files and summary --------------------------------------------------- */

/* Saves m atomically: magic "AECLNNMD", format version, the two spec strings,
 * input width, named tensors with shapes, CRC-32 of everything before it. */
ae_status ae_model_save(const ae_model *m, const char *path, ae_error *err);
/* Loads a model saved by ae_model_save; refuses (AE_ERR_FORMAT, naming the
 * path) a wrong magic, another version, a truncated file, a checksum
 * mismatch, specs that do not parse or tensors that do not fit them. */
ae_status ae_model_load(const char *path, ae_model **out, ae_error *err);

/* Keras-style summary: for the encoder and then the decoder a table of
 * "Layer (type)", "Output Shape" ("(None, 128)"; images in Keras' order,
 * "(None, 14, 14, 16)" for 16 channels of 14x14), "Param #", and its
 * "Total params: 3,184,010 (12.15 MB)"; then the total of both. As Keras, a
 * layer's "Param #" and the totals include non-trainable state (a batchnorm's
 * running mean and variance: 4 values per channel in all, 2 of them
 * trainable), and a model with such state also prints "Trainable params" and
 * "Non-trainable params" after each total. */
ae_status ae_model_summary_write(FILE *f, const ae_model *m, ae_error *err);

#ifdef __cplusplus
}
#endif

#endif
