/* The k-distance curve (each point's distance to its k-th nearest neighbour,
 * itself the first), sorted in descending order, for choosing DBSCAN's eps. */
#include <math.h>
#include <stdlib.h>

#include "aeclust/dbscan.h"
#include "core/atomic_file.h"
#include "kdtree.h"

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

ae_status ae_kdistance(const ae_matrix *x, int k, double *out, ae_error *err)
{
    if (!x || !x->data || x->rows == 0 || x->cols == 0) return ae_fail(err, AE_ERR_ARG, "k-distance: no data");
    if (k < 1 || (size_t)k > x->rows)
        return ae_fail(err, AE_ERR_ARG, "k-distance: k must be in 1..%zu (the points), got %d", x->rows, k);
    ae_status st = ae_matrix_check_finite(x, "k-distance input", err);
    if (st) return st;
    ae_kdtree tree;
    if ((st = ae_kdtree_build(x, &tree, err))) return st;
    st = ae_kdtree_kth_dist_all(&tree, k, out, err);
    ae_kdtree_free(&tree);
    if (!st) qsort(out, x->rows, sizeof *out, cmp_desc);
    return st;
}

ae_status ae_kdistance_write_csv(const char *path, const double *kdist, size_t n, ae_error *err)
{
    ae_afile f;
    ae_status st = ae_afile_open(&f, path, err);
    if (st) return st;
    st = ae_afile_printf(&f, err, "rank,kdistance\n");
    for (size_t i = 0; i < n && !st; i++) st = ae_afile_printf(&f, err, "%zu,%.9g\n", i + 1, kdist[i]);
    if (st) {
        ae_afile_abort(&f);
        return st;
    }
    return ae_afile_commit(&f, err);
}
