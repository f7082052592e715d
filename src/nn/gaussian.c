/* The latent layer of a variational autoencoder:
 *   gaussian L     (2L) -> (L)
 * Its input is the encoder's [mu | log sigma^2] (L values each, in that
 * order), its output the latent z. While the model samples (training, and
 * its validation: whenever the pass has a generator, ae_layer_mode), z = mu +
 * exp(log sigma^2 / 2) * eps with eps ~ N(0, 1) from that seeded generator (the reparameterisation trick);
 * otherwise z = mu, so encoding gives the mean and is deterministic.
 *
 * The layer also owns the KL term of the VAE loss,
 *   KL(q(z|x) || N(0, I)) = -1/2 sum_j (1 + log sigma_j^2 - mu_j^2 - sigma_j^2),
 * summed in double over the batch of each forward pass into cfg.gauss.kl_sum.
 * Backward adds kl_weight times its gradient to the incoming one, so the
 * trainer only sets kl_weight = beta / (rows the loss is averaged over). eps is
 * not stored: backward recovers sigma * eps as z - mu. */
#include <math.h>
#include <stdio.h>

#include "layer.h"
#include "window.h"

/* Largest latent size a spec may name. */
#define GAUSSIAN_MAX_LATENT (1 << 20)

static int gaussian_parse(ae_layer *l, int ntok, char *const *tok, char *msg, size_t msgn)
{
    if (ntok != 1) {
        snprintf(msg, msgn, ntok ? "gaussian takes one argument, the latent size; unexpected '%s'"
                                 : "gaussian needs a latent size (e.g. \"gaussian 2\" after \"dense 4\")",
                 ntok ? tok[1] : "");
        return -1;
    }
    int latent;
    if (ae_parse_int(tok[0], "gaussian latent size", 1, GAUSSIAN_MAX_LATENT, &latent, msg, msgn) != 0) return -1;
    l->cfg.gauss.latent = latent;
    return 0;
}

static int gaussian_infer(ae_layer *l, char *msg, size_t msgn)
{
    int L = l->cfg.gauss.latent;
    if (l->in.rank != 1) {
        snprintf(msg, msgn, "gaussian needs a flat input, got rank %d (add a flatten layer first)", l->in.rank);
        return -1;
    }
    if ((size_t)l->in.dim[0] != 2 * (size_t)L) {
        snprintf(msg, msgn,
                 "gaussian %d needs %d inputs (a mean and a log-variance per latent), got %d (end the layer before "
                 "with \"dense %d\")",
                 L, 2 * L, l->in.dim[0], 2 * L);
        return -1;
    }
    l->out = (ae_shape){.rank = 1, .dim = {L}};
    l->n_params = 0;
    return 0;
}

static void gaussian_format(const ae_layer *l, char *buf, size_t n) { snprintf(buf, n, "gaussian %d", l->cfg.gauss.latent); }

static int gaussian_tensors(const ae_layer *l, ae_tensor_view *t)
{
    (void)l;
    (void)t;
    return 0;
}

static void gaussian_init(ae_layer *l, ae_init_kind kind, ae_rng *rng)
{
    (void)l;
    (void)kind;
    (void)rng;
}

static void gaussian_forward(ae_layer *l, const float *in, float *out, int B)
{
    const int L = l->cfg.gauss.latent;
    ae_rng *rng = l->mode.rng;
    double kl = 0.0;
    for (int b = 0; b < B; b++) {
        const float *mu = in + (size_t)b * 2 * L, *lv = mu + L; /* (L) each */
        float *z = out + (size_t)b * L;
        for (int j = 0; j < L; j++) {
            double var = exp((double)lv[j]);
            kl += -0.5 * (1.0 + lv[j] - (double)mu[j] * mu[j] - var);
            z[j] = rng ? (float)(mu[j] + sqrt(var) * ae_rng_normal(rng)) : mu[j];
        }
    }
    l->cfg.gauss.kl_sum = kl;
}

static void gaussian_backward(ae_layer *l, const float *in, const float *out, float *dout, float *din, int B,
                              int flags)
{
    (void)flags;
    if (!din) return;
    const int L = l->cfg.gauss.latent;
    const float w = l->cfg.gauss.kl_weight;
    for (int b = 0; b < B; b++) {
        const float *mu = in + (size_t)b * 2 * L, *lv = mu + L, *z = out + (size_t)b * L, *dz = dout + (size_t)b * L;
        float *dmu = din + (size_t)b * 2 * L, *dlv = dmu + L;
        for (int j = 0; j < L; j++) {
            /* dz/dmu = 1; dz/dlv = sigma eps / 2 = (z - mu) / 2 */
            dmu[j] = dz[j] + w * mu[j];
            dlv[j] = 0.5f * dz[j] * (z[j] - mu[j]) + w * 0.5f * (expf(lv[j]) - 1.0f);
        }
    }
}

const ae_layer_ops ae_gaussian_ops = {
    .keyword = "gaussian",
    .type = "Gaussian",
    .parse = gaussian_parse,
    .infer = gaussian_infer,
    .format = gaussian_format,
    .tensors = gaussian_tensors,
    .init = gaussian_init,
    .forward = gaussian_forward,
    .backward = gaussian_backward,
};
