/* The quadtree over a 2-D embedding, rebuilt every iteration.
 *
 * Points are sorted by their Morton code (16 bits per axis, interleaved) with
 * a radix sort, so every quadtree cell is a contiguous range of the sorted
 * order and a node is just a range. The tree is compressed: a node stands for
 * the smallest cell holding its points (the common prefix of its first and
 * last codes), so every inner node has 2 to 4 children and the tree has fewer
 * than 2n nodes. Coordinates are copied into sorted order, which keeps the
 * walks of tsne_repulsion.c in cache. */
#include <stdlib.h>
#include <string.h>

#include "tsne_internal.h"

#define CODE_BITS 16 /* per axis */

ae_status ae_tsne_tree_alloc(tsne_tree *t, size_t n, ae_error *err)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->cap = 2 * n + 1;
    t->order = malloc(n * sizeof *t->order);
    t->code = malloc(n * sizeof *t->code);
    t->tmp_order = malloc(n * sizeof *t->tmp_order);
    t->tmp_code = malloc(n * sizeof *t->tmp_code);
    t->sx = malloc(n * sizeof *t->sx);
    t->sy = malloc(n * sizeof *t->sy);
    t->nodes = malloc(t->cap * sizeof *t->nodes);
    t->groups = malloc(n * sizeof *t->groups);
    if (!t->order || !t->code || !t->tmp_order || !t->tmp_code || !t->sx || !t->sy || !t->nodes || !t->groups) {
        ae_tsne_tree_free(t);
        return ae_fail(err, AE_ERR_NOMEM, "t-SNE: out of memory for the quadtree of %zu points", n);
    }
    return AE_OK;
}

void ae_tsne_tree_free(tsne_tree *t)
{
    if (!t) return;
    free(t->order), free(t->code), free(t->tmp_order), free(t->tmp_code);
    free(t->sx), free(t->sy), free(t->nodes), free(t->groups);
    memset(t, 0, sizeof *t);
}

/* Spreads the 16 bits of v to the even bit positions. */
static uint32_t spread_bits(uint32_t v)
{
    v &= 0xffff;
    v = (v | (v << 8)) & 0x00ff00ff;
    v = (v | (v << 4)) & 0x0f0f0f0f;
    v = (v | (v << 2)) & 0x33333333;
    v = (v | (v << 1)) & 0x55555555;
    return v;
}

/* Stable LSD radix sort of (code, order) by code, 8 bits a pass. */
static void radix_sort(tsne_tree *t)
{
    size_t n = t->n;
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++) count[((t->code[i] >> shift) & 0xff) + 1]++;
        if (count[((t->code[0] >> shift) & 0xff) + 1] == n) continue; /* one bucket: nothing moves */
        for (int b = 0; b < 256; b++) count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(t->code[i] >> shift) & 0xff]++;
            t->tmp_code[at] = t->code[i];
            t->tmp_order[at] = t->order[i];
        }
        uint32_t *c = t->code, *o = t->order;
        t->code = t->tmp_code, t->order = t->tmp_order;
        t->tmp_code = c, t->tmp_order = o;
    }
}

typedef struct {
    tsne_tree *t;
    double domain; /* side of the root cell */
} build_ctx;

static void build_node(build_ctx *b, size_t id, int in_group)
{
    tsne_tree *t = b->t;
    tsne_node *nd = &t->nodes[id];
    uint32_t lo = nd->lo, hi = nd->hi, diff = t->code[lo] ^ t->code[hi - 1];
    int level = diff ? __builtin_clz(diff) / 2 : CODE_BITS; /* cell levels shared by all its points */
    double w = b->domain / (double)(1u << level);
    nd->w2 = (float)(w * w);
    if (!in_group && hi - lo <= TSNE_GROUP_MAX) {
        t->groups[t->n_groups++] = (uint32_t)id;
        in_group = 1;
    }
    if (hi - lo <= TSNE_LEAF_MAX || level == CODE_BITS) {
        if (!in_group) t->groups[t->n_groups++] = (uint32_t)id; /* many coincident points */
        double sx = 0, sy = 0;
        for (uint32_t s = lo; s < hi; s++) sx += t->sx[s], sy += t->sy[s];
        nd->cx = (float)(sx / (hi - lo));
        nd->cy = (float)(sy / (hi - lo));
        nd->n_child = 0;
        return;
    }
    int shift = 2 * (CODE_BITS - 1 - level);
    uint32_t first = (uint32_t)t->n_nodes, nc = 0, start = lo;
    for (uint32_t s = lo + 1; s <= hi; s++)
        if (s == hi || ((t->code[s] >> shift) & 3) != ((t->code[start] >> shift) & 3)) {
            t->nodes[first + nc++] = (tsne_node){.lo = start, .hi = s};
            start = s;
        }
    t->n_nodes += nc;
    nd->child = first;
    nd->n_child = nc;
    double sx = 0, sy = 0;
    for (uint32_t c = 0; c < nc; c++) {
        build_node(b, first + c, in_group);
        const tsne_node *ch = &t->nodes[first + c];
        double m = ch->hi - ch->lo;
        sx += m * ch->cx, sy += m * ch->cy;
    }
    nd = &t->nodes[id];
    nd->cx = (float)(sx / (hi - lo));
    nd->cy = (float)(sy / (hi - lo));
}

void ae_tsne_tree_build(tsne_tree *t, const float *y)
{
    size_t n = t->n;
    float x0 = y[0], x1 = y[0], y0 = y[1], y1 = y[1];
    for (size_t i = 1; i < n; i++) {
        float a = y[2 * i], c = y[2 * i + 1];
        x0 = a < x0 ? a : x0, x1 = a > x1 ? a : x1;
        y0 = c < y0 ? c : y0, y1 = c > y1 ? c : y1;
    }
    double side = (double)x1 - x0 > (double)y1 - y0 ? (double)x1 - x0 : (double)y1 - y0;
    if (!(side > 0)) side = 1; /* all points coincide: one leaf */
    double scale = 65535.0 / side;
    for (size_t i = 0; i < n; i++) {
        double qx = ((double)y[2 * i] - x0) * scale, qy = ((double)y[2 * i + 1] - y0) * scale;
        uint32_t ix = qx < 65535 ? (uint32_t)qx : 65535, iy = qy < 65535 ? (uint32_t)qy : 65535;
        t->code[i] = spread_bits(ix) | spread_bits(iy) << 1;
        t->order[i] = (uint32_t)i;
    }
    radix_sort(t);
    for (size_t s = 0; s < n; s++) {
        t->sx[s] = y[2 * (size_t)t->order[s]];
        t->sy[s] = y[2 * (size_t)t->order[s] + 1];
    }
    t->n_nodes = 1;
    t->n_groups = 0;
    t->nodes[0] = (tsne_node){.lo = 0, .hi = (uint32_t)n};
    build_ctx b = {t, side * 65536.0 / 65535.0};
    build_node(&b, 0, 0);
}
