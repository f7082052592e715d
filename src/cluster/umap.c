/* UMAP: options, checks, the fit and transform pipelines and the accessors
 * (see include/aeclust/umap.h; the stages are in src/cluster/umap_*.c).
 *
 * Measured against umap-learn 0.5.3 on the 70,000 x 10 codes of
 * experiments/fashion-dec-ae-10.ini (20 epochs, seed 0), as N2D runs it:
 * 10 dimensions, 20 neighbours, min_dist 0, then GMM (full) and k-means
 * (n_init 20) on the embedding (shared/peer/p9_umap_gmm.py for umap-learn;
 * aeclust umap, gmm, kmeans and metrics here); 10-NN preservation as p9
 * measures it (10,000 sampled points, overlap of the 10 nearest in the codes
 * and in the embedding). Seeds 0 / 1 / 2:
 *   10-NN kept   umap-learn 0.299 / 0.296 / 0.297   aeclust 0.327 / 0.328 / 0.324
 *   GMM ACC      umap-learn 0.583 / 0.676 / 0.547   aeclust 0.597 / 0.576 / 0.639
 *   GMM NMI      umap-learn 0.658 / 0.686 / 0.666   aeclust 0.658 / 0.654 / 0.676
 *   k-means ACC  umap-learn 0.561 / 0.561 / 0.560   aeclust 0.585 / 0.585 / 0.589
 * With NN-descent instead (recall 0.9993 on its sample), seed 0: 10-NN
 * kept 0.327, GMM ACC 0.634: the neighbours are not why more are kept,
 * presumably the optimisation is (each vertex gets half of umap-learn's
 * pulls, see umap_sgd.c).
 * Time, whole processes, farm-bench --vs, 3 pairs in turn on the 2 shared
 * cores (load 8-10 from other jobs), medians: aeclust umap 101 s wall
 * (25.8 CPU s, 96 MiB peak), umap-learn seeded (one thread for its SGD)
 * 606 s wall (173 CPU s, 759 MiB); ratio of the pairs 0.156 (0.105 - 0.321)
 * wall, 0.149 CPU. Per stage (bench/bench_umap, CPU seconds): exact
 * neighbours 5.7, graph 0.35, spectral init 3.1, 200 epochs 17.1. */
#include "aeclust/umap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "umap_internal.h"

#define MIN_POINTS 3
#define RECALL_SAMPLE 2000 /* rows whose NN-descent neighbours are checked against exact ones */

struct ae_umap {
    ae_umap_opts o;    /* as given (n_epochs 0 = auto), progress cleared */
    int n_epochs;      /* run */
    double a, b;       /* used */
    ae_matrix data;    /* a copy of the fitted rows (transform searches them) */
    ae_matrix y;       /* (n, n_components) */
    ae_umap_knn knn;   /* used */
    double recall;     /* NaN if not measured */
    ae_umap_init init; /* used */
    int pieces;
    size_t edges;
};

static const char *init_names[] = {"spectral", "pca", "random"};
static const char *knn_names[] = {"auto", "exact", "nndescent"};

ae_status ae_umap_init_parse(const char *name, ae_umap_init *out, ae_error *err)
{
    for (int i = 0; i < 3; i++)
        if (name && !strcmp(name, init_names[i])) {
            *out = (ae_umap_init)i;
            return AE_OK;
        }
    return ae_fail(err, AE_ERR_ARG, "unknown UMAP init '%s' (known: spectral, pca, random)", name ? name : "");
}

const char *ae_umap_init_name(ae_umap_init i) { return (unsigned)i < 3 ? init_names[i] : "?"; }

ae_status ae_umap_knn_parse(const char *name, ae_umap_knn *out, ae_error *err)
{
    for (int i = 0; i < 3; i++)
        if (name && !strcmp(name, knn_names[i])) {
            *out = (ae_umap_knn)i;
            return AE_OK;
        }
    return ae_fail(err, AE_ERR_ARG, "unknown neighbour search '%s' (known: auto, exact, nndescent)", name ? name : "");
}

const char *ae_umap_knn_name(ae_umap_knn k) { return (unsigned)k < 3 ? knn_names[k] : "?"; }

ae_umap_opts ae_umap_defaults(void)
{
    return (ae_umap_opts){.n_components = 2,
                          .n_neighbors = 15,
                          .min_dist = 0.1,
                          .spread = 1.0,
                          .n_epochs = 0,
                          .learning_rate = 1.0,
                          .negative_sample_rate = 5,
                          .repulsion_strength = 1.0,
                          .init = AE_UMAP_INIT_SPECTRAL,
                          .knn = AE_UMAP_KNN_AUTO};
}

void ae_umap_free(ae_umap *m)
{
    if (!m) return;
    ae_matrix_free(&m->data);
    ae_matrix_free(&m->y);
    free(m);
}

static ae_status check_args(const ae_matrix *x, const ae_umap_opts *o, ae_error *err)
{
    size_t n = x->rows;
    if (n < MIN_POINTS) return ae_fail(err, AE_ERR_ARG, "UMAP needs at least %d points, got %zu", MIN_POINTS, n);
    if (x->cols == 0) return ae_fail(err, AE_ERR_ARG, "UMAP: the %zu points have no columns", n);
    if (n > INT32_MAX) return ae_fail(err, AE_ERR_ARG, "UMAP: %zu points are more than it handles", n);
    if (o->n_neighbors < 2 || (size_t)o->n_neighbors >= n)
        return ae_fail(err, AE_ERR_ARG, "UMAP: n_neighbors %d must be at least 2 and below the %zu points",
                       o->n_neighbors, n);
    if (o->n_components < 1 || (size_t)o->n_components >= n)
        return ae_fail(err, AE_ERR_ARG, "UMAP: n_components %d must be at least 1 and below the %zu points",
                       o->n_components, n);
    if (!(o->spread > 0) || !isfinite(o->spread))
        return ae_fail(err, AE_ERR_ARG, "UMAP: spread %g must be positive", o->spread);
    if (!(o->min_dist >= 0 && o->min_dist <= o->spread))
        return ae_fail(err, AE_ERR_ARG, "UMAP: min_dist %g must be in [0, spread = %g]", o->min_dist, o->spread);
    if (o->n_epochs < 0) return ae_fail(err, AE_ERR_ARG, "UMAP: n_epochs %d must be positive (0: auto)", o->n_epochs);
    if (!(o->learning_rate > 0) || !isfinite(o->learning_rate))
        return ae_fail(err, AE_ERR_ARG, "UMAP: learning rate %g must be positive", o->learning_rate);
    if (o->negative_sample_rate < 0 || o->negative_sample_rate > 1000)
        return ae_fail(err, AE_ERR_ARG, "UMAP: negative_sample_rate %d must be in [0, 1000]", o->negative_sample_rate);
    if (!(o->repulsion_strength >= 0) || !isfinite(o->repulsion_strength))
        return ae_fail(err, AE_ERR_ARG, "UMAP: repulsion strength %g must not be negative", o->repulsion_strength);
    if (!((o->a == 0 && o->b == 0) || (o->a > 0 && o->b > 0 && isfinite(o->a) && isfinite(o->b))))
        return ae_fail(err, AE_ERR_ARG, "UMAP: a %g and b %g must both be positive (or both 0: fitted)", o->a, o->b);
    if ((unsigned)o->init > AE_UMAP_INIT_RANDOM) return ae_fail(err, AE_ERR_ARG, "UMAP: unknown init %d", (int)o->init);
    if ((unsigned)o->knn > AE_UMAP_KNN_NNDESCENT)
        return ae_fail(err, AE_ERR_ARG, "UMAP: unknown neighbour search %d", (int)o->knn);
    return ae_matrix_check_finite(x, "UMAP input", err);
}

static void report(const ae_umap_opts *o, const char *stage, double t0)
{
    if (!o->progress) return;
    ae_umap_progress p = {stage, 0, 0, ae_umap_now() - t0};
    o->progress(o->progress_ctx, &p);
}

/* The n_neighbors neighbours of each row, itself first at distance 0 (as
 * umap-learn's search returns them): idx and dist (n, k). */
static ae_status neighbours(const ae_matrix *x, const ae_umap_opts *o, ae_umap *m, int32_t *idx, float *dist,
                            ae_error *err)
{
    size_t n = x->rows;
    int k = o->n_neighbors, ko = k - 1;
    int32_t *oi = malloc(n * (size_t)ko * sizeof *oi), *self = NULL;
    float *od = malloc(n * (size_t)ko * sizeof *od);
    ae_status st = AE_OK;
    if (!oi || !od) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the neighbours of %zu points", n);
        goto done;
    }
    m->knn = o->knn != AE_UMAP_KNN_AUTO ? o->knn : n <= AE_UMAP_EXACT_MAX_ROWS ? AE_UMAP_KNN_EXACT : AE_UMAP_KNN_NNDESCENT;
    if (m->knn == AE_UMAP_KNN_EXACT) {
        if (!(self = malloc(n * sizeof *self))) {
            st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the neighbours of %zu points", n);
            goto done;
        }
        for (size_t i = 0; i < n; i++) self[i] = (int32_t)i;
        if ((st = ae_umap_knn_exact(x, x, self, ko, oi, od, err))) goto done;
        m->recall = 1.0;
    }
    else {
        if ((st = ae_umap_knn_nndescent(x, ko, o->seed, oi, od, NULL, err))) goto done;
        if ((st = ae_umap_recall_sample(x, oi, ko, RECALL_SAMPLE, o->seed, &m->recall, err))) goto done;
    }
    for (size_t i = 0; i < n; i++) {
        idx[i * (size_t)k] = (int32_t)i;
        dist[i * (size_t)k] = 0.0f;
        memcpy(idx + i * (size_t)k + 1, oi + i * (size_t)ko, (size_t)ko * sizeof *idx);
        memcpy(dist + i * (size_t)k + 1, od + i * (size_t)ko, (size_t)ko * sizeof *dist);
    }
done:
    free(oi), free(od), free(self);
    return st;
}

ae_status ae_umap_fit(const ae_matrix *x, const ae_umap_opts *opts, ae_umap **model, ae_matrix *embedding,
                      ae_error *err)
{
    *model = NULL;
    if (embedding) memset(embedding, 0, sizeof *embedding);
    ae_umap_opts o = opts ? *opts : ae_umap_defaults();
    ae_status st = check_args(x, &o, err);
    if (st) return st;
    const double t0 = ae_umap_now();
    size_t n = x->rows, d = x->cols;
    int k = o.n_neighbors, dim = o.n_components;
    ae_umap *m = calloc(1, sizeof *m);
    int32_t *idx = malloc(n * (size_t)k * sizeof *idx);
    float *dist = malloc(n * (size_t)k * sizeof *dist), *w = malloc(n * (size_t)k * sizeof *w);
    float *sigma = malloc(n * sizeof *sigma), *rho = malloc(n * sizeof *rho);
    double *eps = NULL;
    ae_umap_graph g = {0};
    if (!m || !idx || !dist || !w || !sigma || !rho) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for %zu points", n);
        goto done;
    }
    m->o = o;
    m->o.progress = NULL, m->o.progress_ctx = NULL;
    m->recall = NAN;
    if ((st = ae_matrix_alloc(&m->data, n, d, err)) || (st = ae_matrix_alloc(&m->y, n, (size_t)dim, err))) goto done;
    memcpy(m->data.data, x->data, n * d * sizeof *x->data);
    const int default_epochs = n > 10000 ? 200 : 500;
    m->n_epochs = o.n_epochs > 0 ? o.n_epochs : default_epochs;
    if (o.a == 0 && o.b == 0) {
        if ((st = ae_umap_find_ab(o.spread, o.min_dist, &m->a, &m->b, err))) goto done;
    }
    else
        m->a = o.a, m->b = o.b;

    /* the fuzzy graph */
    if ((st = neighbours(x, &o, m, idx, dist, err))) goto done;
    report(&o, "neighbours", t0);
    ae_umap_smooth_knn_dist(dist, n, k, 1.0, sigma, rho);
    ae_umap_memberships(idx, dist, sigma, rho, n, k, 1, w);
    if ((st = ae_umap_fuzzy_union(n, k, idx, w, &g, err))) goto done;
    free(idx), free(dist), free(w), free(sigma), free(rho);
    idx = NULL, dist = w = sigma = rho = NULL;
    ae_umap_graph_prune(&g, m->n_epochs > 10 ? m->n_epochs : default_epochs);
    m->edges = ae_umap_graph_nnz(&g);
    report(&o, "graph", t0);

    /* the layout */
    if ((st = ae_umap_initial_layout(x, &g, dim, o.init, o.seed, m->y.data, &m->init, &m->pieces, err))) goto done;
    ae_umap_rescale(m->y.data, n, dim);
    report(&o, "init", t0);
    if (!(eps = malloc(m->edges * sizeof *eps + 1))) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory for the schedule of %zu edges", m->edges);
        goto done;
    }
    ae_umap_epochs_per_sample(&g, m->n_epochs, eps);
    ae_umap_sgd s = {.g = &g,
                     .eps = eps,
                     .head = m->y.data,
                     .dim = dim,
                     .n_epochs = m->n_epochs,
                     .negative_sample_rate = o.negative_sample_rate,
                     .a = (float)m->a,
                     .b = (float)m->b,
                     .gamma = (float)o.repulsion_strength,
                     .alpha = (float)o.learning_rate,
                     .seed = ae_umap_stream(o.seed, 0x666974ULL, 0),
                     .stage = "optimise",
                     .progress = o.progress,
                     .progress_ctx = o.progress_ctx,
                     .t0 = t0};
    if (m->edges && (st = ae_umap_optimize(&s, err))) goto done;
    if (embedding) {
        if ((st = ae_matrix_alloc(embedding, n, (size_t)dim, err))) goto done;
        memcpy(embedding->data, m->y.data, n * (size_t)dim * sizeof *m->y.data);
    }
done:
    free(idx), free(dist), free(w), free(sigma), free(rho), free(eps);
    ae_umap_graph_free(&g);
    if (st) {
        ae_umap_free(m);
        if (embedding) ae_matrix_free(embedding);
        return st;
    }
    *model = m;
    return AE_OK;
}

/* umap-learn's init_graph_transform: the membership-weighted mean of the
 * neighbours' positions, or the position of a neighbour at membership 1 (a
 * duplicate of a fitted row), the first by column. */
static void transform_start(const ae_umap *m, const ae_umap_graph *g, const int32_t *idx, int k, float *out)
{
    int dim = m->o.n_components;
    for (size_t i = 0; i < g->n_rows; i++) {
        float *o = out + i * (size_t)dim;
        size_t e0 = g->rowptr[i], e1 = g->rowptr[i + 1];
        double sum = 0;
        for (size_t e = e0; e < e1; e++) sum += g->val[e];
        int32_t exact = -1;
        for (size_t e = e0; e < e1 && exact < 0; e++)
            if (g->val[e] == 1.0f) exact = g->col[e];
        if (exact < 0 && !(sum > 0)) exact = idx[i * (size_t)k]; /* no neighbour at all: the nearest one's place */
        if (exact >= 0) {
            memcpy(o, ae_matrix_row(&m->y, (size_t)exact), (size_t)dim * sizeof *o);
            continue;
        }
        for (int c = 0; c < dim; c++) {
            double s = 0;
            for (size_t e = e0; e < e1; e++) s += (double)g->val[e] / sum * m->y.data[(size_t)g->col[e] * (size_t)dim + (size_t)c];
            o[c] = (float)s;
        }
    }
}

ae_status ae_umap_transform(const ae_umap *m, const ae_matrix *x, ae_matrix *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    size_t nq = x->rows, n = m->data.rows;
    int k = m->o.n_neighbors, dim = m->o.n_components;
    if (x->cols != m->data.cols)
        return ae_fail(err, AE_ERR_ARG, "UMAP transform: %zu columns, the model was fitted on %zu", x->cols,
                       m->data.cols);
    ae_status st = ae_matrix_check_finite(x, "UMAP transform input", err);
    if (st || (st = ae_matrix_alloc(out, nq, (size_t)dim, err))) return st;
    if (nq == 0) return AE_OK;
    int32_t *idx = malloc(nq * (size_t)k * sizeof *idx);
    float *dist = malloc(nq * (size_t)k * sizeof *dist), *w = malloc(nq * (size_t)k * sizeof *w);
    float *sigma = malloc(nq * sizeof *sigma), *rho = malloc(nq * sizeof *rho);
    double *eps = NULL;
    ae_umap_graph g = {0};
    if (!idx || !dist || !w || !sigma || !rho) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory to transform %zu points", nq);
        goto done;
    }
    if ((st = ae_umap_knn_exact(x, &m->data, NULL, k, idx, dist, err))) goto done;
    /* umap-learn: local_connectivity - 1 = 0, so rho = 0 */
    ae_umap_smooth_knn_dist(dist, nq, k, 0.0, sigma, rho);
    ae_umap_memberships(idx, dist, sigma, rho, nq, k, 0, w);
    if ((st = ae_umap_graph_from_rows(nq, n, k, idx, w, &g, err))) goto done;
    transform_start(m, &g, idx, k, out->data);
    int epochs = m->o.n_epochs == 0 ? (nq <= 10000 ? 100 : 30) : m->o.n_epochs / 3;
    if (epochs < 1) goto done;
    ae_umap_graph_prune(&g, epochs);
    size_t nnz = ae_umap_graph_nnz(&g);
    if (!(eps = malloc(nnz * sizeof *eps + 1))) {
        st = ae_fail(err, AE_ERR_NOMEM, "UMAP: out of memory to transform %zu points", nq);
        goto done;
    }
    ae_umap_epochs_per_sample(&g, epochs, eps);
    ae_umap_sgd s = {.g = &g,
                     .eps = eps,
                     .head = out->data,
                     .tail = m->y.data,
                     .dim = dim,
                     .n_epochs = epochs,
                     .negative_sample_rate = m->o.negative_sample_rate,
                     .a = (float)m->a,
                     .b = (float)m->b,
                     .gamma = (float)m->o.repulsion_strength,
                     .alpha = (float)(m->o.learning_rate / 4),
                     .seed = ae_umap_stream(m->o.seed, 0x7472616e73ULL, 0),
                     .stage = "transform",
                     .t0 = ae_umap_now()};
    if (nnz) st = ae_umap_optimize(&s, err);
done:
    free(idx), free(dist), free(w), free(sigma), free(rho), free(eps);
    ae_umap_graph_free(&g);
    if (st) ae_matrix_free(out);
    return st;
}

const ae_matrix *ae_umap_embedding(const ae_umap *m) { return &m->y; }
double ae_umap_a(const ae_umap *m) { return m->a; }
double ae_umap_b(const ae_umap *m) { return m->b; }
int ae_umap_n_epochs(const ae_umap *m) { return m->n_epochs; }
ae_umap_knn ae_umap_knn_used(const ae_umap *m) { return m->knn; }
double ae_umap_knn_recall(const ae_umap *m) { return m->recall; }
ae_umap_init ae_umap_init_used(const ae_umap *m) { return m->init; }
int ae_umap_graph_components(const ae_umap *m) { return m->pieces; }
size_t ae_umap_graph_edges(const ae_umap *m) { return m->edges; }
