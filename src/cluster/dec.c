/* DEC and IDEC fine-tuning (dec.h): the clustering layer's forward and
 * backward passes, and the training loop built on ae_train's per-batch hook
 * (the target refresh before a batch, the KL term and its gradient at the
 * code after its forward pass, the centres as the hook's own parameters). */
#include "aeclust/dec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/kmeans.h"
#include "aeclust/metrics.h"

ae_status ae_dec_method_parse(const char *name, ae_dec_method *out, ae_error *err)
{
    if (!strcmp(name, "dec"))
        *out = AE_DEC;
    else if (!strcmp(name, "idec"))
        *out = AE_IDEC;
    else
        return ae_fail(err, AE_ERR_ARG, "unknown fine-tuning method '%s' (known: dec, idec)", name);
    return AE_OK;
}

const char *ae_dec_method_name(ae_dec_method m) { return m == AE_IDEC ? "idec" : "dec"; }

ae_dec_opts ae_dec_defaults(ae_dec_method m)
{
    ae_dec_opts o = {
        .method = m,
        .k = 10,
        .alpha = 1.0,
        .update_interval = 140,
        .tol = 1e-3,
        .max_iter = 20000,
        .batch_size = 256,
        .gamma = 0.1,
        .optim = ae_optim_defaults(),
        .loss = AE_LOSS_MSE,
        .kmeans_n_init = 20,
    };
    if (m == AE_DEC) { /* DEC's SGD; IDEC keeps Adam's defaults */
        o.optim.kind = AE_OPTIM_SGD;
        o.optim.lr = 0.01;
        o.optim.momentum = 0.9;
    }
    return o;
}

void ae_dec_result_free(ae_dec_result *r)
{
    if (!r) return;
    ae_labels_free(&r->labels);
    ae_labels_free(&r->init_labels);
    ae_matrix_free(&r->centres);
    free(r->history);
    *r = (ae_dec_result){0};
}

/* ---- the clustering layer ---- */

/* Squared distances of z (d) to the k centres, into d2 (k). */
static void sq_dists(const float *z, const float *mu, int k, int d, double *d2)
{
    for (int j = 0; j < k; j++) {
        const float *c = mu + (size_t)j * d;
        double s = 0.0;
        for (int t = 0; t < d; t++) {
            double e = (double)z[t] - c[t];
            s += e * e;
        }
        d2[j] = s;
    }
}

/* q (k) of one row from its squared distances d2 (which q may be). */
static void row_assign(const double *d2, int k, double alpha, double *q)
{
    const double expo = -(alpha + 1.0) / 2.0;
    double sum = 0.0;
    for (int j = 0; j < k; j++) sum += q[j] = pow(1.0 + d2[j] / alpha, expo);
    for (int j = 0; j < k; j++) q[j] /= sum;
}

void ae_dec_soft_assign(const float *z, size_t n, const float *mu, int k, int d, double alpha, double *q)
{
    for (size_t i = 0; i < n; i++) {
        double *qi = q + i * (size_t)k;
        sq_dists(z + i * (size_t)d, mu, k, d, qi); /* the distances first, in place */
        row_assign(qi, k, alpha, qi);
    }
}

void ae_dec_target(const double *q, size_t n, int k, double *p, double *f)
{
    for (int j = 0; j < k; j++) f[j] = 0.0;
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < k; j++) f[j] += q[i * (size_t)k + j];
    for (size_t i = 0; i < n; i++) {
        const double *qi = q + i * (size_t)k;
        double *pi = p + i * (size_t)k, s = 0.0;
        for (int j = 0; j < k; j++) s += pi[j] = qi[j] * qi[j] / f[j];
        for (int j = 0; j < k; j++) pi[j] /= s;
    }
}

double ae_dec_kl(const float *z, int B, const float *mu, int k, int d, double alpha, const double *p, double weight,
                 float *dz, float *dmu, double *work)
{
    double *d2 = work, *q = work + k, loss = 0.0;
    /* dL/dz_i = c sum_j (p_ij - q_ij) (z_i - mu_j) / (1 + d_ij / alpha), dL/dmu_j the opposite summed
     * over i, c = (alpha + 1) / alpha times the weight over the rows */
    const double c = weight * (alpha + 1.0) / alpha / B;
    for (int i = 0; i < B; i++) {
        const float *zi = z + (size_t)i * d;
        const double *pi = p + (size_t)i * k;
        sq_dists(zi, mu, k, d, d2);
        row_assign(d2, k, alpha, q);
        for (int j = 0; j < k; j++) {
            if (pi[j] > 0.0) loss += pi[j] * log(pi[j] / q[j]);
            double g = c * (pi[j] - q[j]) / (1.0 + d2[j] / alpha);
            const float *cj = mu + (size_t)j * d;
            for (int t = 0; t < d; t++) {
                double e = g * ((double)zi[t] - cj[t]);
                dz[(size_t)i * d + t] += (float)e;
                dmu[(size_t)j * d + t] -= (float)e;
            }
        }
    }
    return weight * loss / B;
}

/* ---- fine-tuning ---- */

typedef struct {
    ae_model *m;
    const ae_matrix *x;
    const ae_dec_opts *o;
    int k, d;
    size_t n;
    float *mu, *dmu;       /* (k, d) the centres and their gradient: the hook's parameters */
    double *q, *p;         /* (n, k) at the last refresh */
    double *pb;            /* (batch, k) the batch's targets */
    double *work;          /* (2k) */
    long steps;            /* batches trained */
    ae_labels last;        /* labels at the last refresh */
    ae_dec_result *res;
    double kl_sum;         /* KL of the batches since the last refresh, summed */
    long kl_batches;
    int cap_history;
} dec_state;

/* Labels, the fraction changed and the scores at a refresh of P. */
static ae_status refresh(dec_state *s, long iter, bool *stop, ae_error *err)
{
    ae_matrix z = {0};
    ae_status st = ae_model_encode(s->m, s->x, &z, err);
    if (st) return st;
    ae_dec_soft_assign(z.data, s->n, s->mu, s->k, s->d, s->o->alpha, s->q);
    ae_matrix_free(&z);
    ae_dec_target(s->q, s->n, s->k, s->p, s->work);
    size_t changed = 0;
    for (size_t i = 0; i < s->n; i++) {
        const double *qi = s->q + i * (size_t)s->k;
        int best = 0;
        for (int j = 1; j < s->k; j++)
            if (qi[j] > qi[best]) best = j;
        changed += s->last.data[i] != best;
        s->last.data[i] = best;
    }
    ae_dec_refresh r = {.iter = iter, .delta_label = iter ? (double)changed / (double)s->n : 1.0,
                        .loss = s->kl_batches ? s->kl_sum / (double)s->kl_batches : NAN, .acc = NAN, .nmi = NAN};
    s->kl_sum = 0.0;
    s->kl_batches = 0;
    if (s->o->truth) {
        ae_label_scores sc;
        if ((st = ae_score_labels(s->o->truth->data, s->last.data, s->n, &sc, err))) return st;
        r.acc = sc.acc;
        r.nmi = sc.nmi;
    }
    ae_dec_result *res = s->res;
    if (res->n_refresh == s->cap_history) {
        int cap = s->cap_history ? 2 * s->cap_history : 64;
        ae_dec_refresh *h = realloc(res->history, (size_t)cap * sizeof *h);
        if (!h) return ae_fail(err, AE_ERR_NOMEM, "out of memory for the fine-tuning history");
        res->history = h;
        s->cap_history = cap;
    }
    res->history[res->n_refresh++] = r;
    if (s->o->progress) s->o->progress(s->o->user, &r);
    if (iter > 0 && r.delta_label < s->o->tol) {
        res->converged = true;
        *stop = true;
    }
    return AE_OK;
}

static ae_status before_batch(void *user, const ae_batch_view *b, bool *stop, ae_error *err)
{
    dec_state *s = user;
    if (b->step >= s->o->max_iter) {
        *stop = true;
        return AE_OK;
    }
    return b->step % s->o->update_interval == 0 ? refresh(s, b->step, stop, err) : AE_OK;
}

static ae_status code_loss(void *user, const ae_batch_view *b, float *dcodes, double *loss, ae_error *err)
{
    (void)err;
    dec_state *s = user;
    for (int i = 0; i < b->rows; i++)
        memcpy(s->pb + (size_t)i * s->k, s->p + b->index[i] * (size_t)s->k, (size_t)s->k * sizeof *s->pb);
    double w = s->o->method == AE_IDEC ? s->o->gamma : 1.0;
    *loss = ae_dec_kl(b->codes, b->rows, s->mu, s->k, s->d, s->o->alpha, s->pb, w, dcodes, s->dmu, s->work);
    s->kl_sum += *loss / w;
    s->kl_batches++;
    s->steps++;
    return AE_OK;
}

static ae_status check_opts(const ae_dec_opts *o, size_t n, ae_error *err)
{
    if (o->k < 1 || (size_t)o->k > n)
        return ae_fail(err, AE_ERR_ARG, "DEC: k = %d clusters for %zu rows (k must be in [1, n])", o->k, n);
    if (!(o->alpha > 0.0) || !isfinite(o->alpha)) return ae_fail(err, AE_ERR_ARG, "DEC: alpha must be positive, got %g", o->alpha);
    if (o->update_interval < 1) return ae_fail(err, AE_ERR_ARG, "DEC: update_interval must be at least 1");
    if (!(o->tol >= 0.0 && o->tol <= 1.0)) return ae_fail(err, AE_ERR_ARG, "DEC: tol must be in [0, 1], got %g", o->tol);
    if (o->max_iter < 1) return ae_fail(err, AE_ERR_ARG, "DEC: max_iter must be at least 1");
    if (o->batch_size < 1 || o->batch_size > AE_TRAIN_MAX_BATCH)
        return ae_fail(err, AE_ERR_ARG, "DEC: batch size %d is out of range [1, %d]", o->batch_size, AE_TRAIN_MAX_BATCH);
    if (!(o->gamma > 0.0) || !isfinite(o->gamma)) return ae_fail(err, AE_ERR_ARG, "IDEC: gamma must be positive, got %g", o->gamma);
    if (o->kmeans_n_init < 1) return ae_fail(err, AE_ERR_ARG, "DEC: the initial k-means needs at least 1 restart");
    if (o->truth && o->truth->n != n)
        return ae_fail(err, AE_ERR_ARG, "DEC: %zu true labels for %zu rows", o->truth->n, n);
    return ae_optim_check(&o->optim, err);
}

ae_status ae_dec_fit(ae_model *m, const ae_matrix *x, const ae_dec_opts *o, ae_dec_result *out, ae_error *err)
{
    *out = (ae_dec_result){0};
    ae_status st = check_opts(o, x->rows, err);
    if (st) return st;
    dec_state s = {.m = m, .x = x, .o = o, .k = o->k, .d = ae_model_code_dim(m), .n = x->rows, .res = out};
    /* the centres start from k-means on the codes */
    ae_matrix z = {0};
    ae_kmeans_result km = {0};
    ae_kmeans_opts ko = ae_kmeans_defaults();
    ko.k = o->k;
    ko.n_init = o->kmeans_n_init;
    ko.seed = o->seed;
    if ((st = ae_model_encode(m, x, &z, err)) || (st = ae_kmeans_fit(&z, &ko, &km, err))) goto done;
    const size_t kd = (size_t)s.k * (size_t)s.d;
    const int B = (size_t)o->batch_size < s.n ? o->batch_size : (int)s.n;
    s.mu = malloc(kd * sizeof *s.mu);
    s.dmu = calloc(kd, sizeof *s.dmu);
    s.q = malloc(s.n * (size_t)s.k * sizeof *s.q);
    s.p = malloc(s.n * (size_t)s.k * sizeof *s.p);
    s.pb = malloc((size_t)B * (size_t)s.k * sizeof *s.pb);
    s.work = malloc(2 * (size_t)s.k * sizeof *s.work);
    if (!s.mu || !s.dmu || !s.q || !s.p || !s.pb || !s.work) {
        st = ae_fail(err, AE_ERR_NOMEM, "out of memory for DEC on %zu rows", s.n);
        goto done;
    }
    memcpy(s.mu, km.centroids.data, kd * sizeof *s.mu);
    if ((st = ae_labels_alloc(&s.last, s.n, err))) goto done;
    memcpy(s.last.data, km.labels.data, s.n * sizeof *s.last.data);
    out->init_labels = km.labels;
    km.labels = (ae_labels){0};

    ae_train_hook hook = {.before_batch = before_batch, .code_loss = code_loss, .user = &s, .params = s.mu,
                          .grads = s.dmu, .n_params = kd};
    ae_train_opts t = ae_train_defaults();
    const long n_batches = (long)((s.n + (size_t)B - 1) / (size_t)B);
    t.epochs = (int)(o->max_iter / n_batches + 2); /* the hook stops at max_iter */
    t.batch_size = B;
    t.optim = o->optim;
    t.loss = o->loss;
    t.shuffle = false; /* batches in row order, as DEC's code */
    t.hook = &hook;
    t.recon_weight = o->method == AE_IDEC ? 1.0 : 0.0;
    ae_train_history h = {0};
    st = ae_train(m, x, NULL, &t, &h, err);
    ae_train_history_free(&h);
    out->iterations = s.steps;
    if (st) goto done;
    /* the final assignment, from the fine-tuned model */
    ae_matrix_free(&z);
    if ((st = ae_model_encode(m, x, &z, err))) goto done;
    ae_dec_soft_assign(z.data, s.n, s.mu, s.k, s.d, o->alpha, s.q);
    if ((st = ae_labels_alloc(&out->labels, s.n, err)) || (st = ae_matrix_alloc(&out->centres, (size_t)s.k, (size_t)s.d, err)))
        goto done;
    for (size_t i = 0; i < s.n; i++) {
        const double *qi = s.q + i * (size_t)s.k;
        int best = 0;
        for (int j = 1; j < s.k; j++)
            if (qi[j] > qi[best]) best = j;
        out->labels.data[i] = best;
    }
    memcpy(out->centres.data, s.mu, kd * sizeof *s.mu);
done:
    ae_matrix_free(&z);
    ae_kmeans_result_free(&km);
    ae_labels_free(&s.last);
    free(s.mu);
    free(s.dmu);
    free(s.q);
    free(s.p);
    free(s.pb);
    free(s.work);
    if (st) ae_dec_result_free(out);
    return st;
}
