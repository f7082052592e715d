/* Choosing the flat clustering from the condensed tree (the hdbscan
 * library's get_clusters): excess of mass or leaves, the epsilon merge,
 * labels, probabilities and persistence. Clusters are indexed c = id - n. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hdbscan_internal.h"

typedef struct {
    size_t n;
    int nc;
    int32_t *parent;     /* (nc) parent cluster index, -1 for the root */
    double *birth;       /* (nc) lambda at which the cluster appears (root 0) */
    double *death;       /* (nc) largest lambda of the cluster's own rows */
    int32_t *first_child; /* (nc) first of the two children clusters, or -1 (children are consecutive: first, first + 1) */
} cluster_tree;

static void cluster_tree_free(cluster_tree *t)
{
    free(t->parent);
    free(t->birth);
    free(t->death);
    free(t->first_child);
}

static ae_status cluster_tree_build(const ae_hdbscan_result *r, size_t n, int nc, cluster_tree *t, ae_error *err)
{
    t->n = n;
    t->nc = nc;
    t->parent = malloc((size_t)nc * sizeof *t->parent);
    t->birth = malloc((size_t)nc * sizeof *t->birth);
    t->death = malloc((size_t)nc * sizeof *t->death);
    t->first_child = malloc((size_t)nc * sizeof *t->first_child);
    if (!t->parent || !t->birth || !t->death || !t->first_child) {
        cluster_tree_free(t);
        return ae_fail(err, AE_ERR_NOMEM, "HDBSCAN: out of memory for %d clusters", nc);
    }
    for (int c = 0; c < nc; c++) {
        t->parent[c] = -1;
        t->birth[c] = 0;
        t->death[c] = 0;
        t->first_child[c] = -1;
    }
    for (size_t k = 0; k < r->n_tree; k++) {
        const ae_hdbscan_tree_row *row = &r->tree[k];
        int32_t p = row->parent - (int32_t)n;
        if (row->lambda_val > t->death[p]) t->death[p] = row->lambda_val;
        if ((size_t)row->child < n) continue;
        int32_t c = row->child - (int32_t)n;
        t->parent[c] = p;
        t->birth[c] = row->lambda_val;
        if (t->first_child[p] < 0) t->first_child[p] = c;
    }
    return AE_OK;
}

/* Marks every cluster below c (not c itself) in sel as `v`. */
static void mark_below(const cluster_tree *t, int32_t c, uint8_t *sel, uint8_t v, int32_t *stack)
{
    int top = 0;
    if (t->first_child[c] < 0) return;
    stack[top++] = t->first_child[c];
    stack[top++] = t->first_child[c] + 1;
    while (top) {
        int32_t x = stack[--top];
        sel[x] = v;
        if (t->first_child[x] >= 0) {
            stack[top++] = t->first_child[x];
            stack[top++] = t->first_child[x] + 1;
        }
    }
}

/* hdbscan's traverse_upwards: the first ancestor born above distance eps. */
static int32_t traverse_upwards(const cluster_tree *t, double eps, int32_t leaf, int allow_single)
{
    for (;;) {
        int32_t p = t->parent[leaf];
        if (p == 0) return allow_single ? 0 : leaf;
        if (1.0 / t->birth[p] > eps) return p;
        leaf = p;
    }
}

/* hdbscan's epsilon_search over the clusters in `sel` (taken in increasing
 * index), the result back in sel. */
static void epsilon_search(const cluster_tree *t, double eps, int allow_single, uint8_t *sel, uint8_t *processed,
                           int32_t *stack)
{
    uint8_t *out = processed + t->nc;
    memset(processed, 0, 2 * (size_t)t->nc);
    for (int32_t c = 0; c < t->nc; c++) {
        if (!sel[c]) continue;
        if (1.0 / t->birth[c] < eps) {
            if (processed[c]) continue;
            int32_t e = traverse_upwards(t, eps, c, allow_single);
            out[e] = 1;
            mark_below(t, e, processed, 1, stack);
        } else {
            out[c] = 1;
        }
    }
    memcpy(sel, out, (size_t)t->nc);
}

ae_status ae_hdbscan_select(const ae_hdbscan_opts *o, size_t n, double *stability, int nc, ae_hdbscan_result *out,
                            ae_error *err)
{
    cluster_tree t = {0};
    ae_status st = cluster_tree_build(out, n, nc, &t, err);
    if (st) return st;
    uint8_t *sel = calloc((size_t)nc, 1), *scratch = malloc(2 * (size_t)nc);
    int32_t *stack = malloc(2 * (size_t)nc * sizeof *stack), *label_of = malloc((size_t)nc * sizeof *label_of);
    int32_t *node_of = malloc((size_t)nc * sizeof *node_of), *sizes = NULL;
    if (!sel || !scratch || !stack || !label_of || !node_of) goto nomem;
    const double eps = o->cluster_selection_epsilon;
    const int single = o->allow_single_cluster != 0;
    int has_split = nc > 1;
    if (o->selection == AE_HDBSCAN_EOM) {
        /* children have larger indices than their parents: a pass downwards in index is bottom-up */
        for (int32_t c = nc - 1; c >= (single ? 0 : 1); c--) {
            sel[c] = 1;
            double sub = t.first_child[c] >= 0 ? stability[t.first_child[c]] + stability[t.first_child[c] + 1] : 0;
            if (sub > stability[c]) {
                sel[c] = 0;
                stability[c] = sub;
            } else {
                mark_below(&t, c, sel, 0, stack);
            }
        }
        if (eps != 0 && has_split) {
            int only_root = sel[0];
            for (int c = 1; c < nc && only_root; c++) only_root = !sel[c];
            if (only_root) {
                if (!single) sel[0] = 0;
            } else {
                epsilon_search(&t, eps, single, sel, scratch, stack);
            }
        }
    } else {
        for (int32_t c = 0; c < nc; c++) sel[c] = has_split && c > 0 && t.first_child[c] < 0;
        if (eps != 0) epsilon_search(&t, eps, single, sel, scratch, stack);
    }
    /* labels: the selected clusters in index order get 0, 1, ...; each cluster's
     * label is that of its nearest selected ancestor-or-self (parents come first) */
    int k = 0;
    for (int32_t c = 0; c < nc; c++) {
        label_of[c] = sel[c] ? k : -1;
        if (sel[c]) node_of[k++] = c;
    }
    out->n_clusters = k;
    for (int32_t c = 0; c < nc; c++)
        if (!sel[c] && t.parent[c] >= 0) label_of[c] = label_of[t.parent[c]];
    out->probabilities = calloc(n, sizeof *out->probabilities);
    out->stability = malloc(((size_t)k + 1) * sizeof *out->stability);
    out->persistence = malloc(((size_t)k + 1) * sizeof *out->persistence);
    out->cluster_node = malloc(((size_t)k + 1) * sizeof *out->cluster_node);
    sizes = calloc((size_t)k + 1, sizeof *sizes);
    if (!out->probabilities || !out->stability || !out->persistence || !out->cluster_node || !sizes ||
        (st = ae_labels_alloc(&out->labels, n, err)))
        goto nomem;
    double root_death = t.death[0], max_lambda = 0;
    for (size_t r = 0; r < out->n_tree; r++)
        if (out->tree[r].lambda_val > max_lambda || r == 0) max_lambda = out->tree[r].lambda_val;
    for (size_t r = 0; r < out->n_tree; r++) {
        const ae_hdbscan_tree_row *row = &out->tree[r];
        if ((size_t)row->child >= n) continue;
        int32_t lab = label_of[row->parent - (int32_t)n];
        if (lab >= 0 && node_of[lab] == 0) { /* the root selected (allow_single_cluster): only its densest points */
            double threshold = eps != 0 ? 1.0 / eps : root_death;
            if (!(row->lambda_val >= threshold)) lab = -1;
        }
        out->labels.data[row->child] = lab;
        if (lab < 0) continue;
        sizes[lab]++;
        double dmax = t.death[node_of[lab]];
        out->probabilities[row->child] =
            dmax == 0 || !isfinite(row->lambda_val) ? 1.0 : fmin(row->lambda_val, dmax) / dmax;
    }
    for (int32_t c = 0, l = 0; c < nc; c++) {
        if (!sel[c]) continue;
        out->cluster_node[l] = c + (int32_t)n;
        out->stability[l] = stability[c];
        out->persistence[l] = isinf(max_lambda) || max_lambda == 0 || sizes[l] == 0
                                  ? 1.0
                                  : stability[c] / ((double)sizes[l] * max_lambda);
        l++;
    }
    goto done;
nomem:
    if (!st) st = ae_fail(err, AE_ERR_NOMEM, "HDBSCAN: out of memory selecting among %d clusters", nc);
done:
    cluster_tree_free(&t);
    free(sel);
    free(scratch);
    free(stack);
    free(label_of);
    free(node_of);
    free(sizes);
    return st;
}
