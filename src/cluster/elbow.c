/* The elbow: one ae_kmeans_fit per k over the k-range, each with the same
 * seed, so every point of the curve is reproducible on its own. */
#include "aeclust/elbow.h"
#include "aeclust/kmeans.h"
#include "core/atomic_file.h"

ae_elbow_opts ae_elbow_defaults(void)
{
    return (ae_elbow_opts){.k_min = 1, .k_max = 25, .n_init = 10, .max_iter = 300, .tol = 1e-4, .seed = 0};
}

ae_status ae_elbow(const ae_matrix *x, const ae_elbow_opts *o, double *inertia, ae_error *err)
{
    if (!o || !inertia) return ae_fail(err, AE_ERR_ARG, "elbow: no options or no inertia array");
    if (!x || x->rows == 0 || x->cols == 0 || !x->data)
        return ae_fail(err, AE_ERR_ARG, "elbow: x is empty (%zu x %zu)", x ? x->rows : 0, x ? x->cols : 0);
    if (o->k_min < 1) return ae_fail(err, AE_ERR_ARG, "elbow: empty k-range: k_min %d < 1", o->k_min);
    if (o->k_min > o->k_max)
        return ae_fail(err, AE_ERR_ARG, "elbow: empty k-range: k_min %d > k_max %d", o->k_min, o->k_max);
    if ((size_t)o->k_max > x->rows)
        return ae_fail(err, AE_ERR_ARG, "elbow: empty k-range: k_max %d > %zu points", o->k_max, x->rows);

    ae_kmeans_opts ko = ae_kmeans_defaults();
    ko.n_init = o->n_init;
    ko.max_iter = o->max_iter;
    ko.tol = o->tol;
    ko.seed = o->seed;
    for (int k = o->k_min; k <= o->k_max; k++) {
        ae_kmeans_result r = {0};
        ko.k = k;
        ae_status st = ae_kmeans_fit(x, &ko, &r, err);
        inertia[k - o->k_min] = r.inertia;
        ae_kmeans_result_free(&r);
        if (st) return st;
    }
    return AE_OK;
}

ae_status ae_elbow_write_csv(const char *path, int k_min, const double *inertia, int n, ae_error *err)
{
    if (!path || (n > 0 && !inertia) || n < 0)
        return ae_fail(err, AE_ERR_ARG, "elbow: no path or no inertia to write");
    ae_afile f;
    ae_status st = ae_afile_open(&f, path, err);
    if (st) return st;
    st = ae_afile_printf(&f, err, "k,inertia\n");
    /* %.17g: the doubles read back exactly */
    for (int i = 0; !st && i < n; i++) st = ae_afile_printf(&f, err, "%d,%.17g\n", k_min + i, inertia[i]);
    if (st) {
        ae_afile_abort(&f);
        return st;
    }
    return ae_afile_commit(&f, err);
}
