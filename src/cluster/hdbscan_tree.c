/* From the sorted spanning tree to the condensed tree and its stabilities.
 *
 * The single-linkage hierarchy numbers the points 0..n-1 and merge m n + m;
 * merge m joins the clusters holding its edge's smaller endpoint (left) and
 * larger endpoint (right). The condensed tree walks it breadth first from
 * the root (left before right), and the rows it emits, their order and the
 * numbers of the new clusters are those of the hdbscan library's
 * condense_tree, so that the stabilities are summed in the same order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hdbscan_internal.h"

typedef struct {
    int32_t left, right;
    double distance;
    int32_t size;
} merge;

static int32_t find_root(int32_t *parent, int32_t i)
{
    int32_t r = i;
    while (parent[r] != r) r = parent[r];
    while (parent[i] != r) {
        int32_t next = parent[i];
        parent[i] = r;
        i = next;
    }
    return r;
}

/* hdbscan's label(): merges (n - 1) from the sorted edges. */
static ae_status single_linkage(const ae_hdbscan_edge *mst, size_t n, merge *m, ae_error *err)
{
    size_t total = 2 * n - 1;
    int32_t *parent = malloc(total * sizeof *parent), *size = malloc(total * sizeof *size);
    if (!parent || !size) {
        free(parent);
        free(size);
        return ae_fail(err, AE_ERR_NOMEM, "HDBSCAN: out of memory for the hierarchy of %zu points", n);
    }
    for (size_t i = 0; i < total; i++) {
        parent[i] = (int32_t)i;
        size[i] = i < n ? 1 : 0;
    }
    for (size_t e = 0; e + 1 < n; e++) {
        int32_t a = find_root(parent, mst[e].a), b = find_root(parent, mst[e].b);
        int32_t node = (int32_t)(n + e);
        m[e] = (merge){a, b, mst[e].distance, size[a] + size[b]};
        parent[a] = parent[b] = node;
        size[node] = size[a] + size[b];
    }
    free(parent);
    free(size);
    return AE_OK;
}

/* Appends the points of the subtree of `root` (breadth first) to out at
 * `lambda`, marks its nodes ignored. queue: scratch of 2n - 1. */
static void fall_out(const merge *m, size_t n, int32_t root, int32_t parent, double lambda, int32_t *queue,
                     uint8_t *ignore, ae_hdbscan_tree_row *out, size_t *k)
{
    size_t head = 0, tail = 0;
    queue[tail++] = root;
    while (head < tail) {
        int32_t v = queue[head++];
        ignore[v] = 1;
        if ((size_t)v < n) {
            out[(*k)++] = (ae_hdbscan_tree_row){parent, v, lambda, 1};
        } else {
            queue[tail++] = m[(size_t)v - n].left;
            queue[tail++] = m[(size_t)v - n].right;
        }
    }
}

ae_status ae_hdbscan_condense(const ae_hdbscan_edge *mst, size_t n, int min_cluster_size, ae_hdbscan_tree_row **rows,
                              size_t *n_rows, ae_error *err)
{
    *rows = NULL;
    *n_rows = 0;
    const size_t total = 2 * n - 1;
    merge *m = malloc((n - 1) * sizeof *m);
    int32_t *order = malloc(total * sizeof *order), *queue = malloc(total * sizeof *queue);
    int32_t *relabel = malloc(total * sizeof *relabel);
    uint8_t *ignore = calloc(total, 1);
    /* every point once, and two rows per split (fewer than n splits) */
    ae_hdbscan_tree_row *out = malloc((3 * n) * sizeof *out);
    ae_status st = AE_OK;
    if (!m || !order || !queue || !relabel || !ignore || !out) {
        st = ae_fail(err, AE_ERR_NOMEM, "HDBSCAN: out of memory for the condensed tree of %zu points", n);
        goto done;
    }
    if ((st = single_linkage(mst, n, m, err))) goto done;
    /* the breadth-first order of the whole hierarchy */
    const int32_t root = (int32_t)(total - 1);
    size_t head = 0, tail = 0;
    order[tail++] = root;
    while (head < tail) {
        int32_t v = order[head++];
        if ((size_t)v >= n) {
            order[tail++] = m[(size_t)v - n].left;
            order[tail++] = m[(size_t)v - n].right;
        }
    }
    int32_t next_label = (int32_t)n + 1;
    relabel[root] = (int32_t)n;
    size_t k = 0;
    for (size_t t = 0; t < total; t++) {
        int32_t node = order[t];
        if (ignore[node] || (size_t)node < n) continue;
        const merge *mm = &m[(size_t)node - n];
        double lambda = mm->distance > 0 ? 1.0 / mm->distance : INFINITY;
        int32_t left = mm->left, right = mm->right;
        int32_t lc = (size_t)left >= n ? m[(size_t)left - n].size : 1;
        int32_t rc = (size_t)right >= n ? m[(size_t)right - n].size : 1;
        int32_t p = relabel[node];
        if (lc >= min_cluster_size && rc >= min_cluster_size) {
            relabel[left] = next_label++;
            out[k++] = (ae_hdbscan_tree_row){p, relabel[left], lambda, lc};
            relabel[right] = next_label++;
            out[k++] = (ae_hdbscan_tree_row){p, relabel[right], lambda, rc};
        } else if (lc < min_cluster_size && rc < min_cluster_size) {
            fall_out(m, n, left, p, lambda, queue, ignore, out, &k);
            fall_out(m, n, right, p, lambda, queue, ignore, out, &k);
        } else if (lc < min_cluster_size) {
            relabel[right] = p;
            fall_out(m, n, left, p, lambda, queue, ignore, out, &k);
        } else {
            relabel[left] = p;
            fall_out(m, n, right, p, lambda, queue, ignore, out, &k);
        }
    }
    *rows = out;
    *n_rows = k;
    out = NULL;
done:
    free(m);
    free(order);
    free(queue);
    free(relabel);
    free(ignore);
    free(out);
    return st;
}

ae_status ae_hdbscan_stability(const ae_hdbscan_tree_row *rows, size_t n_rows, size_t n, double **stability,
                               int *n_clusters, ae_error *err)
{
    int32_t max_parent = (int32_t)n;
    for (size_t r = 0; r < n_rows; r++)
        if (rows[r].parent > max_parent) max_parent = rows[r].parent;
    int nc = max_parent - (int32_t)n + 1;
    double *birth = malloc((size_t)nc * sizeof *birth), *s = calloc((size_t)nc, sizeof *s);
    if (!birth || !s) {
        free(birth);
        free(s);
        return ae_fail(err, AE_ERR_NOMEM, "HDBSCAN: out of memory for %d cluster stabilities", nc);
    }
    birth[0] = 0.0;
    for (size_t r = 0; r < n_rows; r++)
        if ((size_t)rows[r].child >= n) birth[(size_t)rows[r].child - n] = rows[r].lambda_val;
    for (size_t r = 0; r < n_rows; r++) {
        size_t c = (size_t)rows[r].parent - n;
        s[c] += (rows[r].lambda_val - birth[c]) * (double)rows[r].child_size;
    }
    free(birth);
    *stability = s;
    *n_clusters = nc;
    return AE_OK;
}
