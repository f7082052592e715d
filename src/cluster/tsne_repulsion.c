/* Barnes-Hut repulsion for t-SNE, walked one group of points at a time.
 *
 * A group is a small subtree (at most TSNE_GROUP_MAX points, close together
 * in the Morton order). One walk of the tree serves the whole group: a cell
 * disjoint from the group is summarised by its centre of mass when
 * width^2 < theta^2 * dist^2, dist measured from the centre of mass to the
 * group's bounding box, i.e. to the group's nearest possible point, so the
 * test holds for every point of the group and no point gets a coarser
 * approximation than sklearn's per-point test would give it. A cell that
 * fails the test is opened, or, for a leaf, listed point by point. The
 * group's own points are always listed one by one (exact among themselves).
 *
 * The list (x, y, mass) is then applied to every point of the group in
 * 8-wide float vectors: that loop is where the time goes, and it has no
 * branches. Each point's self term (w = 1, zero force) is taken out of Z
 * exactly afterwards. */
#include <string.h>

#include "tsne_internal.h"

typedef float v8f __attribute__((vector_size(32)));

#define STACK_MAX 128 /* > 3 * tree depth (17) + 1 */

/* (Vectors pass by pointer: by value they would change the ABI between
 * builds with and without AVX, which GCC warns about.) */
static inline float sum8(const v8f *v)
{
    return (((*v)[0] + (*v)[4]) + ((*v)[1] + (*v)[5])) + (((*v)[2] + (*v)[6]) + ((*v)[3] + (*v)[7]));
}

/* Appends the points [lo, hi) of the sorted order with mass 1 each. */
static size_t list_points(const tsne_tree *t, uint32_t lo, uint32_t hi, float *lx, float *ly, float *lm, size_t len)
{
    for (uint32_t s = lo; s < hi; s++) {
        lx[len] = t->sx[s];
        ly[len] = t->sy[s];
        lm[len++] = 1.0f;
    }
    return len;
}

/* The interaction list of group node gid: returns its length, padded with
 * massless entries to a multiple of 8. */
static size_t build_list(const tsne_tree *t, uint32_t gid, float theta, float *lx, float *ly, float *lm)
{
    const tsne_node *g = &t->nodes[gid];
    float bx0 = t->sx[g->lo], bx1 = bx0, by0 = t->sy[g->lo], by1 = by0;
    for (uint32_t s = g->lo + 1; s < g->hi; s++) {
        float a = t->sx[s], b = t->sy[s];
        bx0 = a < bx0 ? a : bx0, bx1 = a > bx1 ? a : bx1;
        by0 = b < by0 ? b : by0, by1 = b > by1 ? b : by1;
    }
    float theta2 = theta * theta;
    size_t len = 0;
    uint32_t stack[STACK_MAX];
    int sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
        uint32_t id = stack[--sp];
        const tsne_node *c = &t->nodes[id];
        if (c->lo < g->hi && g->lo < c->hi) { /* the group itself or one of its ancestors */
            if (id == gid) {
                len = list_points(t, c->lo, c->hi, lx, ly, lm, len);
                continue;
            }
        }
        else {
            float dx = c->cx < bx0 ? bx0 - c->cx : c->cx > bx1 ? c->cx - bx1 : 0.0f;
            float dy = c->cy < by0 ? by0 - c->cy : c->cy > by1 ? c->cy - by1 : 0.0f;
            if (c->w2 < theta2 * (dx * dx + dy * dy)) { /* far enough: one summary */
                lx[len] = c->cx;
                ly[len] = c->cy;
                lm[len++] = (float)(c->hi - c->lo);
                continue;
            }
            if (c->n_child == 0) {
                len = list_points(t, c->lo, c->hi, lx, ly, lm, len);
                continue;
            }
        }
        for (uint32_t k = 0; k < c->n_child; k++) stack[sp++] = c->child + k;
    }
    while (len % 8) {
        lx[len] = ly[len] = lm[len] = 0.0f;
        len++;
    }
    return len;
}

void ae_tsne_repulsion_group(tsne_work *w, size_t gi, float theta, float *list)
{
    const tsne_tree *t = &w->tree;
    uint32_t gid = t->groups[gi];
    float *lx = list, *ly = list + w->list_cap, *lm = list + 2 * w->list_cap;
    size_t len = build_list(t, gid, theta, lx, ly, lm);
    const tsne_node *g = &t->nodes[gid];
    const v8f one = {1, 1, 1, 1, 1, 1, 1, 1};
    for (uint32_t s = g->lo; s < g->hi; s++) {
        v8f px = one * t->sx[s], py = one * t->sy[s];
        v8f fx = {0}, fy = {0}, z = {0};
        for (size_t e = 0; e < len; e += 8) {
            v8f ex, ey, m;
            memcpy(&ex, lx + e, sizeof ex);
            memcpy(&ey, ly + e, sizeof ey);
            memcpy(&m, lm + e, sizeof m);
            v8f dx = px - ex, dy = py - ey;
            v8f q = one / (one + dx * dx + dy * dy);
            v8f mq = m * q;
            z += mq;
            mq *= q;
            fx += mq * dx;
            fy += mq * dy;
        }
        w->rep[2 * (size_t)s] = sum8(&fx);
        w->rep[2 * (size_t)s + 1] = sum8(&fy);
        w->z[s] = (double)sum8(&z) - 1.0; /* the point itself is in the list once, w = 1 */
    }
}
