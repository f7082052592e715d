/* Layers of the neural-network core (internal).
 *
 * Layout, stated once: a batch of activations is one contiguous row-major
 * float32 buffer of shape (B, C, H, W) (NCHW); a layer's per-sample shape is
 * an ae_shape without the batch dimension. Dense activations are rank 1, (B, N).
 *
 * Every layer kind is an ae_layer_ops table (a small vtable); adding conv2d,
 * maxpool, upsample, conv2d_transpose, flatten or reshape means writing one
 * file with its table and listing it in spec.c. The model (model.c) owns the
 * parameter, gradient and activation buffers and hands each layer views. */
#ifndef AE_NN_LAYER_H
#define AE_NN_LAYER_H

#include <stdbool.h>
#include <stddef.h>

#include "aeclust/nn.h"
#include "aeclust/rng.h"
#include "activation.h"

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
    /* Optional (NULL: none): scratch floats per sample the layer needs during
     * forward/backward (e.g. an im2col buffer); the model provides
     * l->scratch with that many times max_batch floats, shared by all layers. */
    size_t (*scratch)(const ae_layer *l);
} ae_layer_ops;

struct ae_layer {
    const ae_layer_ops *ops;
    ae_shape in, out;
    ae_act act;
    float act_alpha; /* leaky_relu slope */
    size_t n_params;
    float *params; /* (n_params) view into the model's parameter block */
    float *grads;  /* (n_params) view into the model's gradient block */
    float *scratch; /* (max_batch, ops->scratch(l)) shared workspace, NULL if none */
    union {
        struct {
            int units;
        } dense;
    } cfg;
};

/* The table of layer kinds (spec.c); NULL when keyword is unknown. */
const ae_layer_ops *ae_layer_kind_find(const char *keyword);
/* Writes "dense, conv2d, ..." (the known keywords) for error messages. */
void ae_layer_kind_list(char *buf, size_t n);

extern const ae_layer_ops ae_dense_ops;

#endif
