/* Deep embedded clustering: DEC (Xie et al. 2016) and IDEC (Guo et al. 2017)
 * fine-tuning of a trained autoencoder.
 *
 * The clustering layer assigns code z_i to centre mu_j by a Student-t kernel,
 *     q_ij = (1 + |z_i - mu_j|^2 / alpha)^(-(alpha+1)/2), normalised over j,
 * and sharpens it into the target distribution
 *     p_ij = (q_ij^2 / f_j) / sum_l (q_il^2 / f_l),   f_j = sum_i q_ij.
 * Fine-tuning minimises KL(P || Q) averaged over the batch rows (DEC: the
 * encoder alone; IDEC: gamma KL(P || Q) plus the reconstruction loss, the
 * whole autoencoder), training the centres as parameters beside the network.
 * The centres start from k-means (n_init restarts) on the codes; P is
 * recomputed on all rows every update_interval batches, and training stops
 * when fewer than tol of the labels (argmax_j q_ij) changed since the last
 * refresh, or after max_iter batches. Batches run through the rows in order
 * (as DEC's and IDEC's Keras code), so a seed only matters for k-means.
 * Defaults are those of DEC's and IDEC's papers and code. */
#ifndef AECLUST_DEC_H
#define AECLUST_DEC_H

#include <stdbool.h>

#include "matrix.h"
#include "nn.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { AE_DEC, AE_IDEC } ae_dec_method;

/* "dec", "idec" -> *out; AE_ERR_ARG otherwise. */
ae_status ae_dec_method_parse(const char *name, ae_dec_method *out, ae_error *err);
const char *ae_dec_method_name(ae_dec_method m);

/* One refresh of the target distribution. */
typedef struct {
    long iter;          /* batches trained before it */
    double delta_label; /* fraction of labels changed since the previous refresh (1 at the first) */
    double loss;        /* mean training loss of the batches since the previous refresh (NaN at the first) */
    double acc, nmi;    /* against the true labels when given, else NaN */
} ae_dec_refresh;

typedef struct {
    ae_dec_method method; /* [AE_DEC] */
    int k;                /* clusters [10] */
    double alpha;         /* Student-t degrees of freedom [1] */
    int update_interval;  /* batches between refreshes of P [140] */
    double tol;           /* stop when fewer than this fraction of labels change [0.001] */
    long max_iter;        /* batches at most [20000] */
    int batch_size;       /* [256] */
    double gamma;         /* IDEC's weight of the clustering loss [0.1] */
    ae_optim_opts optim;  /* [SGD lr 0.01 momentum 0.9 for DEC; ae_dec_defaults(AE_IDEC): Adam 1e-3] */
    ae_loss_kind loss;    /* IDEC's reconstruction loss [AE_LOSS_MSE] */
    int kmeans_n_init;    /* restarts of the initial k-means [20] */
    uint64_t seed;        /* of the initial k-means [0] */
    /* Optional: the rows' true classes, for the history's ACC and NMI [NULL]. */
    const ae_labels *truth;
    /* Optional: called after every refresh [NULL]. */
    void (*progress)(void *user, const ae_dec_refresh *r);
    void *user;
} ae_dec_opts;

/* The defaults of method m (the optimiser differs). */
ae_dec_opts ae_dec_defaults(ae_dec_method m);

typedef struct {
    ae_labels labels;     /* (n) argmax_j q_ij of the fine-tuned model */
    ae_matrix centres;    /* (k, code_dim) */
    ae_labels init_labels; /* (n) the initial k-means assignment */
    int n_refresh;
    ae_dec_refresh *history; /* (n_refresh) */
    long iterations;      /* batches trained */
    bool converged;       /* stopped by tol (else by max_iter) */
} ae_dec_result;

void ae_dec_result_free(ae_dec_result *r);

/* Fine-tunes m (trained, code_dim wide) on x (n, input_dim) in place and
 * fills out. Errors: AE_ERR_ARG for k < 1 or k > n, alpha <= 0, options out
 * of range; the errors of ae_train (AE_ERR_NUMERIC on divergence, naming the
 * batch). On failure m's parameters are not usable. */
ae_status ae_dec_fit(ae_model *m, const ae_matrix *x, const ae_dec_opts *o, ae_dec_result *out, ae_error *err);

/* ---- the clustering layer, for tests and other callers ---- */

/* q (n, k) = the Student-t soft assignment of z (n, d) to mu (k, d). */
void ae_dec_soft_assign(const float *z, size_t n, const float *mu, int k, int d, double alpha, double *q);
/* p (n, k) = the target distribution of q (n, k); needs every column sum
 * > 0; f (k) is workspace (the column sums). */
void ae_dec_target(const double *q, size_t n, int k, double *p, double *f);
/* The batch loss weight * (1/B) sum_i KL(p_i || q_i) of codes z (B, d) against
 * targets p (B, k); adds its gradient to dz (B, d) and dmu (k, d). work
 * (2k) is workspace. */
double ae_dec_kl(const float *z, int B, const float *mu, int k, int d, double alpha, const double *p, double weight,
                 float *dz, float *dmu, double *work);

#ifdef __cplusplus
}
#endif

#endif
