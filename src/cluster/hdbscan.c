/* HDBSCAN: options, checks and the pipeline (core distances, spanning tree,
 * condensed tree, selection). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hdbscan_internal.h"

ae_hdbscan_opts ae_hdbscan_defaults(void)
{
    return (ae_hdbscan_opts){.min_cluster_size = 5, .min_samples = 0, .selection = AE_HDBSCAN_EOM,
                             .cluster_selection_epsilon = 0.0, .allow_single_cluster = 0,
                             .algorithm = AE_HDBSCAN_AUTO};
}

static const char *const selection_names[] = {"eom", "leaf"};

ae_status ae_hdbscan_selection_parse(const char *name, ae_hdbscan_selection *out, ae_error *err)
{
    for (int i = 0; i < 2; i++)
        if (name && !strcmp(name, selection_names[i])) {
            *out = (ae_hdbscan_selection)i;
            return AE_OK;
        }
    return ae_fail(err, AE_ERR_ARG, "unknown cluster selection '%s' (known: eom, leaf)", name ? name : "");
}

const char *ae_hdbscan_selection_name(ae_hdbscan_selection s) { return (unsigned)s < 2 ? selection_names[s] : "?"; }

void ae_hdbscan_result_free(ae_hdbscan_result *r)
{
    if (!r) return;
    ae_labels_free(&r->labels);
    free(r->probabilities);
    free(r->stability);
    free(r->persistence);
    free(r->cluster_node);
    free(r->core_distances);
    free(r->mst);
    free(r->tree);
    memset(r, 0, sizeof *r);
}

static ae_status check(const ae_matrix *x, const ae_hdbscan_opts *o, ae_error *err)
{
    if (!x || !x->data || x->rows == 0 || x->cols == 0) return ae_fail(err, AE_ERR_ARG, "HDBSCAN: no data");
    if (x->rows < 2) return ae_fail(err, AE_ERR_ARG, "HDBSCAN: needs at least 2 points, got %zu", x->rows);
    if (x->rows > (size_t)INT32_MAX / 4 || x->cols > 65536)
        return ae_fail(err, AE_ERR_ARG, "HDBSCAN: %zu x %zu points are too many", x->rows, x->cols);
    if (o->min_cluster_size < 2 || (size_t)o->min_cluster_size > x->rows)
        return ae_fail(err, AE_ERR_ARG, "HDBSCAN: min_cluster_size must be in 2..%zu (the points), got %d", x->rows,
                       o->min_cluster_size);
    if (o->min_samples < 0 || (size_t)o->min_samples > x->rows)
        return ae_fail(err, AE_ERR_ARG, "HDBSCAN: min_samples must be in 1..%zu (the points), or 0 for min_cluster_size, got %d",
                       x->rows, o->min_samples);
    if (!(o->cluster_selection_epsilon >= 0) || !isfinite(o->cluster_selection_epsilon))
        return ae_fail(err, AE_ERR_ARG, "HDBSCAN: cluster_selection_epsilon must be finite and >= 0, got %g",
                       o->cluster_selection_epsilon);
    if ((unsigned)o->algorithm > AE_HDBSCAN_PRIM)
        return ae_fail(err, AE_ERR_ARG, "HDBSCAN: unknown spanning-tree algorithm %d", (int)o->algorithm);
    if ((unsigned)o->selection > AE_HDBSCAN_LEAF)
        return ae_fail(err, AE_ERR_ARG, "HDBSCAN: unknown cluster selection %d", (int)o->selection);
    return ae_matrix_check_finite(x, "HDBSCAN input", err);
}

ae_status ae_hdbscan_fit(const ae_matrix *x, const ae_hdbscan_opts *o, ae_hdbscan_result *out, ae_error *err)
{
    memset(out, 0, sizeof *out);
    ae_hdbscan_opts def = ae_hdbscan_defaults();
    if (!o) o = &def;
    ae_status st = check(x, o, err);
    if (st) return st;
    const size_t n = x->rows;
    const int k = o->min_samples ? o->min_samples : o->min_cluster_size;
    const int prim = o->algorithm == AE_HDBSCAN_PRIM ||
                     (o->algorithm == AE_HDBSCAN_AUTO && x->cols > AE_HDBSCAN_BORUVKA_MAX_DIM);
    ae_kdtree tree;
    if ((st = ae_kdtree_build(x, &tree, err))) return st;
    double *stability = NULL;
    int nc = 0;
    out->core_distances = malloc(n * sizeof *out->core_distances);
    out->mst = malloc((n - 1) * sizeof *out->mst);
    if (!out->core_distances || !out->mst) {
        st = ae_fail(err, AE_ERR_NOMEM, "HDBSCAN: out of memory for %zu points", n);
        goto done;
    }
    if ((st = ae_kdtree_kth_dist_all(&tree, k, out->core_distances, err)) ||
        (st = (prim ? ae_hdbscan_mst_prim : ae_hdbscan_mst)(&tree, out->core_distances, out->mst, err)) ||
        (st = ae_hdbscan_condense(out->mst, n, o->min_cluster_size, &out->tree, &out->n_tree, err)) ||
        (st = ae_hdbscan_stability(out->tree, out->n_tree, n, &stability, &nc, err)))
        goto done;
    st = ae_hdbscan_select(o, n, stability, nc, out, err);
done:
    free(stability);
    ae_kdtree_free(&tree);
    if (st) ae_hdbscan_result_free(out);
    return st;
}
