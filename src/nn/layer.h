/* Layers of the neural-network core (internal).
 *
 * Layout, stated once: a batch of activations is one contiguous row-major
 * float32 buffer of shape (B, C, H, W) (NCHW); a layer's per-sample shape is
 * an ae_shape without the batch dimension. Dense activations are rank 1, (B, N).
 *
 * Every layer kind is an ae_layer_ops table (a small vtable) in a file of its
 * own (dense.c, conv2d.c, conv2d_transpose.c, maxpool2d.c, upsample2d.c,
 * reshape.c for flatten and reshape, gaussian.c for a VAE's latent,
 * batchnorm.c, dropout.c), listed in spec.c; a new kind adds one more (and a
 * case in tests/test_nn_layers.c, whose gradient check fails without one). The model (model.c) owns the parameter, gradient and activation
 * buffers and hands each layer views. */
#ifndef AE_NN_LAYER_H
#define AE_NN_LAYER_H

#include <stdbool.h>
#include <stddef.h>

#include "aeclust/nn.h"
#include "aeclust/rng.h"
#include "activation.h"
#include "window.h"

#define AE_SHAPE_MAX_RANK 3

typedef struct {
    int rank;                   /* 1 (N) or 3 (C, H, W) */
    int dim[AE_SHAPE_MAX_RANK]; /* per-sample dims, batch excluded */
} ae_shape;

static inline size_t ae_shape_size(ae_shape s)
{
    size_t n = 1;
    for (int i = 0; i < s.rank; i++) n *= (size_t)s.dim[i];
    return n;
}

/* One named parameter tensor of a layer, a view into the model's flat block. */
typedef struct {
    const char *name; /* "kernel", "bias" */
    int rank;
    int dim[4];
    float *data; /* into ae_model.params */
} ae_tensor_view;

#define AE_LAYER_MAX_TENSORS 4
/* Alignment of every layer's l->cache, in bytes. */
#define AE_CACHE_ALIGN 64
/* Longest problem text a kind's parse/infer may write. */
#define AE_LAYER_MSG_MAX 256

typedef struct ae_layer ae_layer;

/* backward flags */
enum {
    AE_BWD_ACCUMULATE = 1, /* add to the parameter gradients instead of overwriting them */
    AE_BWD_PREACT = 2      /* dout is already the gradient w.r.t. the pre-activation */
};

typedef struct {
    const char *keyword; /* spec keyword, "dense" */
    const char *type;    /* summary type, "Dense" */
    const char *name;    /* summary name stem when it differs from the keyword
                            (Keras': "max_pooling2d" for maxpool2d); NULL: the keyword */
    /* Reads the tokens after the keyword into l's config (and l->act). On a
     * problem, writes it to msg (no "encoder layer N:" prefix) and returns -1. */
    int (*parse)(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn);
    /* Sets l->out and l->n_params from l->in and the config; -1 + msg if the
     * input shape does not suit the layer. */
    int (*infer)(ae_layer *l, char *msg, size_t msgn);
    /* Writes the canonical spec text of l (parse(format(l)) == l). */
    void (*format)(const ae_layer *l, char *buf, size_t n);
    /* Describes l's parameter tensors (views into l->params); returns how many. */
    int (*tensors)(const ae_layer *l, ae_tensor_view *t);
    /* Fills l->params with initial values. */
    void (*init)(ae_layer *l, ae_init_kind kind, ae_rng *rng);
    /* out (B, out) = layer(in (B, in)), activation included. */
    void (*forward)(ae_layer *l, const float *in, float *out, int B);
    /* Given in and out of the matching forward and dout (B, out) = dL/d(out),
     * which it may overwrite, sets (or with AE_BWD_ACCUMULATE adds to) the
     * parameter gradients and, when din != NULL, writes din (B, in) = dL/d(in). */
    void (*backward)(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B,
                     int flags);
    /* Optional (NULL: none): floats of workspace the layer needs during
     * forward/backward of batches up to max_batch rows (e.g. an im2col buffer,
     * which a layer may process in chunks to bound it); the model provides
     * l->scratch with the largest such size, shared by all layers (so nothing
     * in it survives from forward to backward). */
    size_t (*scratch)(const ae_layer *l, int max_batch);
    /* Optional (NULL: no): whether the layer's GEMMs for batches of max_batch
     * rows are big enough for OpenBLAS to run them on its own thread pool. */
    bool (*blas_pool)(const ae_layer *l, int max_batch);
    /* Optional (NULL: none): describes l's non-trainable state tensors (views
     * into l->state, e.g. batchnorm's running mean and variance); returns how
     * many. State is saved in model files beside the parameters, filled by
     * init, updated by forward in training mode, and never touched by the
     * optimiser. infer sets l->n_state. */
    int (*state_tensors)(const ae_layer *l, ae_tensor_view *t);
    /* Optional (NULL: none): floats the layer keeps from a forward pass to the
     * backward pass that follows (a dropout mask, batch statistics) for
     * batches up to max_batch rows; the model gives each such layer its own
     * l->cache, aligned to AE_CACHE_ALIGN bytes (so a layer may keep doubles
     * at its start). Backward runs in the mode of the forward before it. */
    size_t (*cache)(const ae_layer *l, int max_batch);
} ae_layer_ops;

/* How a forward pass runs, set for every layer by ae_model_set_mode. */
typedef struct {
    /* Training: batch statistics (batchnorm, which also updates its running
     * ones) and dropped units (dropout). Otherwise the layers run as for
     * inference: running statistics, nothing dropped. */
    bool training;
    /* The generator of the pass's random draws, NULL for none: dropout's
     * masks (in training) and a VAE's latent noise (whenever it is set: a
     * VAE's validation loss samples too, in evaluation mode). */
    ae_rng *rng;
} ae_layer_mode;

struct ae_layer {
    const ae_layer_ops *ops;
    ae_shape in, out;
    ae_act act;
    float act_alpha; /* leaky_relu slope */
    size_t n_params;
    float *params; /* (n_params) view into the model's parameter block */
    float *grads;  /* (n_params) view into the model's gradient block */
    size_t n_state;
    float *state;  /* (n_state) view into the model's state block, NULL if none */
    float *cache;  /* (ops->cache(l, max_batch)) this layer's own, NULL if none */
    ae_layer_mode mode;
    float *scratch;   /* (scratch_n) workspace shared by all layers, NULL if none */
    size_t scratch_n; /* floats at scratch: at least ops->scratch(l, max_batch) */
    /* The threads of the image layers (the shared pool, core/pool.h), or NULL:
     * run on the calling thread. The model leaves it NULL when another layer's
     * GEMMs use OpenBLAS's own thread pool: the image layers then hand their
     * GEMMs to that pool too (the two sets of threads, each spinning while the
     * other works, slowed a mixed conv + dense model 2.6x, measured). */
    struct ae_pool *pool;
    union {
        struct {
            int units;
        } dense;
        struct {          /* conv2d, conv2d_transpose */
            int filters;  /* output channels */
            ae_window win;
            int pt, pl;   /* set by infer: leading padding (conv2d) or crop (conv2d_transpose) */
        } conv;
        struct {          /* maxpool2d */
            ae_window win;
            int pt, pl;   /* set by infer: leading padding */
        } pool;
        struct {          /* upsample2d */
            int factor;
        } up;
        struct {          /* reshape, input */
            ae_shape to;
        } reshape;
        struct {            /* batchnorm (batchnorm.c) */
            float momentum; /* running = (1 - momentum) running + momentum batch (PyTorch's) */
            float eps;      /* added to the variance */
            int channels;   /* set by infer: features of a flat input, channels of an image */
            int inner;      /* set by infer: values per channel per sample (1, or H*W) */
        } bn;
        struct {          /* dropout (dropout.c) */
            float p;      /* the probability of dropping a value, [0, 1) */
        } drop;
        struct {            /* gaussian (gaussian.c) */
            int latent;     /* L: the input is (2L) = [mu | log sigma^2], the output (L) */
            float kl_weight;  /* backward adds kl_weight * dKL/d(input) */
            double kl_sum;    /* KL summed over the rows of the last forward pass */
        } gauss;
    } cfg;
};

/* The table of layer kinds (spec.c); NULL when keyword is unknown. */
const ae_layer_ops *ae_layer_kind_find(const char *keyword);
/* Writes "dense, conv2d, ..." (the known keywords) for error messages. */
void ae_layer_kind_list(char *buf, size_t n);
/* The table itself, for tests that walk every kind: how many, and the i-th
 * (0 <= i < ae_layer_kind_count()). */
int ae_layer_kind_count(void);
const ae_layer_ops *ae_layer_kind_at(int i);

extern const ae_layer_ops ae_dense_ops;
extern const ae_layer_ops ae_conv2d_ops;
extern const ae_layer_ops ae_conv2d_transpose_ops;
extern const ae_layer_ops ae_maxpool2d_ops;
extern const ae_layer_ops ae_upsample2d_ops;
extern const ae_layer_ops ae_flatten_ops;
extern const ae_layer_ops ae_reshape_ops;
extern const ae_layer_ops ae_gaussian_ops;
extern const ae_layer_ops ae_batchnorm_ops;
extern const ae_layer_ops ae_dropout_ops;
/* "input C H W": not a layer but the image shape of the 784-wide rows, only
 * as the first item of an encoder spec (model.c takes it out of the list). */
extern const ae_layer_ops ae_input_ops;

#endif
