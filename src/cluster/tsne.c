/* t-SNE: option checks, the affinities and initialisation, and sklearn 1.2's
 * two-phase gradient descent (see include/aeclust/tsne.h). */
#include "aeclust/tsne.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tsne_internal.h"

#define MIN_POINTS 4
#define CHECK_EVERY 50         /* sklearn's _N_ITER_CHECK: KL, progress and stopping tests */
#define NO_PROGRESS_ITER 300   /* sklearn's n_iter_without_progress (second phase) */
#define MIN_GRAD_NORM 1e-7     /* sklearn's min_grad_norm */
#define MIN_GAIN 0.01f
#define MOMENTUM_EARLY 0.5f
#define MOMENTUM_LATE 0.8f

ae_tsne_opts ae_tsne_defaults(void)
{
    return (ae_tsne_opts){.perplexity = 30,
                          .n_iter = 1000,
                          .theta = 0.5,
                          .early_exaggeration = 12,
                          .exaggeration_iter = 250,
                          .learning_rate = 0,
                          .init = AE_TSNE_INIT_PCA,
                          .seed = 0};
}

void ae_tsne_result_free(ae_tsne_result *r)
{
    if (!r) return;
    ae_matrix_free(&r->y);
    memset(r, 0, sizeof *r);
}

static ae_status check_args(const ae_matrix *x, const ae_tsne_opts *o, ae_error *err)
{
    size_t n = x->rows;
    if (n < MIN_POINTS) return ae_fail(err, AE_ERR_ARG, "t-SNE needs at least %d points, got %zu", MIN_POINTS, n);
    if (x->cols == 0) return ae_fail(err, AE_ERR_ARG, "t-SNE: the %zu points have no columns", n);
    if (n > INT32_MAX) return ae_fail(err, AE_ERR_ARG, "t-SNE: %zu points are more than it handles", n);
    if (!(o->perplexity >= 1))
        return ae_fail(err, AE_ERR_ARG, "perplexity %g is too small (it must be at least 1)", o->perplexity);
    if (!(o->perplexity < (double)n / 3))
        return ae_fail(err, AE_ERR_ARG, "perplexity %g is too large for %zu points (it must be below n/3 = %.1f)",
                       o->perplexity, n, (double)n / 3);
    if (o->n_iter < 1) return ae_fail(err, AE_ERR_ARG, "t-SNE: n_iter %d must be at least 1", o->n_iter);
    if (o->exaggeration_iter < 0)
        return ae_fail(err, AE_ERR_ARG, "t-SNE: exaggeration_iter %d must not be negative", o->exaggeration_iter);
    if (!(o->theta >= 0 && o->theta <= 1))
        return ae_fail(err, AE_ERR_ARG, "t-SNE: theta %g must be in [0, 1]", o->theta);
    if (!(o->early_exaggeration >= 1 && o->early_exaggeration < 1e6))
        return ae_fail(err, AE_ERR_ARG, "t-SNE: early exaggeration %g must be at least 1", o->early_exaggeration);
    if (!(o->learning_rate >= 0 && o->learning_rate < 1e12))
        return ae_fail(err, AE_ERR_ARG, "t-SNE: learning rate %g must be positive (or 0 for auto)",
                       o->learning_rate);
    if (o->init != AE_TSNE_INIT_PCA && o->init != AE_TSNE_INIT_RANDOM)
        return ae_fail(err, AE_ERR_ARG, "t-SNE: unknown init %d", (int)o->init);
    return ae_matrix_check_finite(x, "t-SNE input", err);
}

/* x with its column means (in double) subtracted: the neighbour GEMMs and the
 * PCA both want centred data. */
static ae_status centred_copy(const ae_matrix *x, ae_matrix *xc, ae_error *err)
{
    size_t n = x->rows, d = x->cols;
    double *mean = calloc(d, sizeof *mean);
    if (!mean || ae_matrix_alloc(xc, n, d, err)) {
        free(mean);
        return ae_fail(err, AE_ERR_NOMEM, "t-SNE: out of memory for a copy of the %zu x %zu input", n, d);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) mean[j] += x->data[i * d + j];
    for (size_t j = 0; j < d; j++) mean[j] /= (double)n;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) xc->data[i * d + j] = (float)(x->data[i * d + j] - mean[j]);
    free(mean);
    return AE_OK;
}

typedef struct {
    tsne_work w;
    float *grad, *update, *gains; /* (n, 2) each */
} optimiser;

/* sklearn's _gradient_descent over iterations [it, end): returns the last
 * iteration done. best/best_iter carry the no-progress test. */
static int descend(optimiser *op, const tsne_sparse *P, const ae_tsne_opts *o, float *y, int it, int end, float exag,
                   float momentum, float lr, int no_progress)
{
    size_t m = 2 * op->w.n;
    double best = INFINITY;
    int best_iter = it, i = it;
    for (size_t e = 0; e < m; e++) op->update[e] = 0.0f, op->gains[e] = 1.0f;
    for (; i < end; i++) {
        int check = (i + 1) % CHECK_EVERY == 0;
        double kl = 0;
        ae_tsne_gradient(&op->w, P, exag, y, (float)o->theta, op->grad, check ? &kl : NULL);
        double norm2 = 0;
        for (size_t e = 0; e < m; e++) {
            float g = op->grad[e], gain = op->gains[e];
            gain = op->update[e] * g < 0.0f ? gain + 0.2f : gain * 0.8f; /* delta-bar-delta */
            gain = gain < MIN_GAIN ? MIN_GAIN : gain;
            op->gains[e] = gain;
            g *= gain;
            norm2 += (double)g * g;
            op->update[e] = momentum * op->update[e] - lr * g;
            y[e] += op->update[e];
        }
        if (!check) continue;
        if (o->progress) o->progress(o->progress_ctx, i + 1, kl);
        if (kl < best) {
            best = kl;
            best_iter = i;
        }
        else if (i - best_iter > no_progress)
            break;
        if (sqrt(norm2) <= MIN_GRAD_NORM) break;
    }
    return i < end ? i : end - 1;
}

ae_status ae_tsne_fit(const ae_matrix *x, const ae_tsne_opts *opts, ae_tsne_result *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    ae_tsne_opts o = opts ? *opts : ae_tsne_defaults();
    ae_status st = check_args(x, &o, err);
    if (st) return st;
    size_t n = x->rows;
    ae_matrix xc = {0};
    tsne_sparse P = {0};
    optimiser op = {0};
    if ((st = centred_copy(x, &xc, err)) || (st = ae_tsne_affinities(&xc, o.perplexity, &P, err)) ||
        (st = ae_matrix_alloc(&out->y, n, 2, err)))
        goto done;
    if (o.init == AE_TSNE_INIT_PCA) st = ae_tsne_init_pca(&xc, o.seed, out->y.data, err);
    else ae_tsne_init_random(n, o.seed, out->y.data);
    ae_matrix_free(&xc);
    if (st || (st = ae_tsne_work_alloc(&op.w, n, err))) goto done;
    op.grad = malloc(2 * n * sizeof *op.grad);
    op.update = malloc(2 * n * sizeof *op.update);
    op.gains = malloc(2 * n * sizeof *op.gains);
    if (!op.grad || !op.update || !op.gains) {
        st = ae_fail(err, AE_ERR_NOMEM, "t-SNE: out of memory for the optimiser of %zu points", n);
        goto done;
    }
    float lr = (float)o.learning_rate;
    if (!(o.learning_rate > 0)) lr = (float)fmax((double)n / o.early_exaggeration / 4, 50);
    out->learning_rate = lr;

    /* phase 1: exaggerated P, low momentum; phase 2 restarts the momentum and
     * gains from the iteration after phase 1's last */
    float *y = out->y.data;
    int end1 = o.exaggeration_iter < o.n_iter ? o.exaggeration_iter : o.n_iter, last = -1;
    if (end1 > 0)
        last = descend(&op, &P, &o, y, 0, end1, (float)o.early_exaggeration, MOMENTUM_EARLY, lr, end1);
    if (last + 1 < o.n_iter)
        last = descend(&op, &P, &o, y, last + 1, o.n_iter, 1.0f, MOMENTUM_LATE, lr, NO_PROGRESS_ITER);
    out->n_iter = last + 1;
    ae_tsne_gradient(&op.w, &P, 1.0f, y, (float)o.theta, op.grad, &out->kl);
    if (!isfinite(out->kl))
        st = ae_fail(err, AE_ERR_NUMERIC, "t-SNE diverged (KL %g): try a smaller learning rate", out->kl);
done:
    ae_matrix_free(&xc);
    ae_tsne_sparse_free(&P);
    ae_tsne_work_free(&op.w);
    free(op.grad), free(op.update), free(op.gains);
    if (st) ae_tsne_result_free(out);
    return st;
}
