/* The model object and its forward/backward passes (internal to src/nn).
 *
 * Layers [0, n_enc) are the encoder, [n_enc, n_layers) the decoder. All
 * parameters are one flat block, all gradients another of the same layout;
 * each layer holds views. The workspace keeps every layer's output for
 * max_batch rows (backward needs them) and two ping-pong gradient buffers. */
#ifndef AE_NN_MODEL_H
#define AE_NN_MODEL_H

#include "aeclust/nn.h"
#include "layer.h"

struct ae_model {
    int input_dim;
    ae_shape in_shape;   /* (input_dim), or the image shape an "input C H W" item declares */
    ae_layer in_decl;    /* that "input" item (in_decl.ops NULL without one) */
    int n_layers, n_enc;
    ae_layer *layers; /* (n_layers) */
    char *enc_spec, *dec_spec; /* canonical, owned */
    size_t n_params, n_enc_params;
    float *params; /* (n_params) */
    float *grads;  /* (n_params) */
    size_t n_state; /* non-trainable state of all layers (layer.h), laid out like params */
    float *state;   /* (n_state), NULL when 0 */

    int max_batch;
    size_t max_width; /* widest per-sample activation, input included */
    float *act_block; /* all layer outputs */
    float **out;      /* (n_layers) views: out[i] is (max_batch, size of layer i's output) */
    float *gbuf[2];   /* (max_batch, max_width) each */
    size_t scratch_floats; /* the largest ops->scratch(l, max_batch) over the layers */
    float *scratch;        /* (scratch_floats), NULL when 0 */
    float *cache_block;    /* every layer's ops->cache(l, max_batch) floats, back to back */
};

/* Builds the layers from both specs, checks the shapes and allocates the
 * parameter/gradient blocks and the workspace; parameters are left zero. */
ae_status ae_model_build(const char *encoder_spec, const char *decoder_spec, int input_dim, int max_batch,
                         ae_model **out, ae_error *err);

/* Makes the workspace hold at least B rows. */
ae_status ae_model_reserve(ae_model *m, int B, ae_error *err);

/* Runs layers [from, to) on x (B, input of layer `from`), B <= max_batch;
 * returns the output of layer to-1, (B, its size), a workspace view. */
const float *ae_model_forward(ae_model *m, const float *x, int B, int from, int to);

/* Backward through layers [from, to) after ae_model_forward(m, x, B, from, to).
 * dy (B, output of layer to-1) = dL/d(output), overwritten; may be gbuf[0] or
 * gbuf[1] or a caller buffer. Gradients are written (flags & AE_BWD_ACCUMULATE:
 * added) to m->grads; AE_BWD_PREACT means dy is already w.r.t. the last layer's
 * pre-activation. dx, if non-NULL, receives (B, input of layer from). */
void ae_model_backward(ae_model *m, const float *x, float *dy, int B, int from, int to, float *dx, int flags);

/* The VAE latent layer (the encoder's last, a "gaussian"), or NULL for a plain autoencoder. */
static inline ae_layer *ae_model_gaussian(const ae_model *m)
{
    ae_layer *l = &m->layers[m->n_enc - 1];
    return l->ops == &ae_gaussian_ops ? l : NULL;
}

/* Sets how the following passes run (layer.h's ae_layer_mode): training or
 * evaluation, and the generator of their random draws (NULL: none). A model
 * starts in evaluation mode without a generator: encoding is deterministic. */
void ae_model_set_mode(ae_model *m, bool training, ae_rng *rng);

/* One batch through the training loss: forward x (B rows), the loss against
 * t, and with backward also dL/d(params) into m->grads (m->gbuf[0] is used
 * for dL/dy). A plain autoencoder's loss is the mean over all B * D
 * elements; a VAE's (see ae_train) the per-row sum of the reconstruction
 * loss plus kl_beta times the KL term, averaged over the B rows. The latent
 * noise and the mode are whatever ae_model_set_mode set. */
double ae_batch_loss(ae_model *m, const float *x, const float *t, int B, ae_loss_kind loss, double kl_beta,
                     bool backward);

/* One batch through the loss with a hook's code term and/or a weighted
 * reconstruction (ae_train's path when o->hook has a code_loss or
 * o->recon_weight != 1): forward (the encoder only when recon_weight is 0),
 * recon_weight times the reconstruction loss (+ a VAE's beta KL) and its
 * gradient back to the code, the hook's term over v->codes and its gradient
 * added there (the hook's parameter gradients zeroed first), backward through
 * the encoder. m->grads of the layers the loss reaches are overwritten (the
 * decoder's are left alone when recon_weight is 0). *loss gets the batch's
 * loss (NaN/Inf are the caller's to catch, and then nothing is propagated
 * past them), *hook_part the hook's share; v->rows rows of x and t;
 * dcodes (v->rows, code_dim) is workspace. An error of the hook is returned.
 * The mode and the generator are whatever ae_model_set_mode set. */
ae_status ae_hooked_batch_loss(ae_model *m, const float *x, const float *t, const ae_train_opts *o, ae_batch_view *v,
                               float *dcodes, double *loss, double *hook_part, ae_error *err);

/* Size of the per-sample output of layer i. */
static inline size_t ae_layer_out_size(const ae_model *m, int i) { return ae_shape_size(m->layers[i].out); }

#endif
