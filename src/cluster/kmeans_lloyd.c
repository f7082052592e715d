/* Lloyd iterations with scikit-learn 1.2's stopping rules: stop when no label
 * changed (strict convergence) or when the squared centre shift summed over
 * clusters is <= tol_abs; after a tol stop, one more assignment makes the
 * labels agree with the final centres. An empty cluster is moved onto the
 * point farthest from its own centre, as scikit-learn does. */
#include <string.h>

#include "kmeans_internal.h"

/* Gives every empty cluster the point farthest from its centre (by the
 * distances of the assignment just made), moving the point's contribution to
 * the sums. Unlike scikit-learn, a point is never taken from a cluster it is
 * the last member of, so the repair cannot empty another cluster; there are
 * always enough points since n >= k. Returns whether anything moved. */
static bool relocate_empty(ae_km_work *w)
{
    const size_t n = w->n, d = w->d;
    bool moved = false;
    for (int e = 0; e < w->k; e++) {
        if (w->counts[e] > 0) continue;
        size_t far = n;
        float far_d = -1.0f;
        for (size_t i = 0; i < n; i++)
            if (w->mind[i] > far_d && w->counts[w->labels[i]] > 1) {
                far_d = w->mind[i];
                far = i;
            }
        if (far == n) break; /* cannot happen with n >= k */
        const int from = w->labels[far];
        const float *xi = w->xs + far * d;
        double *src = w->sums + (size_t)from * d, *dst = w->sums + (size_t)e * d;
        for (size_t l = 0; l < d; l++) {
            src[l] -= xi[l];
            dst[l] = xi[l]; /* overwrite: drops the rounding residue of an emptied sum */
        }
        w->counts[from]--;
        w->counts[e] = 1;
        w->labels[far] = e;
        w->mind[far] = -1.0f; /* taken: not a candidate for the next empty cluster */
        moved = true;
    }
    return moved;
}

/* cen_new = cluster means, centred; returns the squared shift summed over clusters. */
static double update_centres(ae_km_work *w)
{
    const size_t d = w->d;
    double shift = 0.0;
    for (int j = 0; j < w->k; j++) {
        const float *old = w->cen + (size_t)j * d;
        float *c = w->cen_new + (size_t)j * d;
        if (w->counts[j] == 0) { /* only if relocation found no donor */
            memcpy(c, old, d * sizeof *c);
            continue;
        }
        const double *s = w->sums + (size_t)j * d;
        const double inv = 1.0 / (double)w->counts[j];
        for (size_t l = 0; l < d; l++) {
            c[l] = (float)(s[l] * inv - w->off[l]);
            double t = (double)c[l] - old[l];
            shift += t * t;
        }
    }
    return shift;
}

void ae_km_centroids(const ae_km_work *w, float *out)
{
    const size_t d = w->d;
    for (int j = 0; j < w->k; j++) {
        float *o = out + (size_t)j * d;
        const float *c = w->cen + (size_t)j * d;
        if (w->counts[j] == 0) {
            for (size_t l = 0; l < d; l++) o[l] = c[l] + w->mean[l];
            continue;
        }
        /* the same mean update_centres took, without the detour through float */
        const double *s = w->sums + (size_t)j * d;
        const double inv = 1.0 / (double)w->counts[j];
        for (size_t l = 0; l < d; l++) o[l] = (float)(s[l] * inv + ((double)w->mean[l] - w->off[l]));
    }
}

int ae_km_lloyd(ae_km_work *w, int max_iter, double tol_abs)
{
    for (size_t i = 0; i < w->n; i++) w->labels[i] = -1;
    memset(w->sums, 0, (size_t)w->k * w->d * sizeof *w->sums);
    memset(w->counts, 0, (size_t)w->k * sizeof *w->counts);
    bool strict = false, relocated = false;
    int it = 0;
    while (it < max_iter) {
        size_t changed = ae_km_assign(w, w->cen, true);
        it++;
        relocated = relocate_empty(w);
        double shift = update_centres(w);
        float *t = w->cen;
        w->cen = w->cen_new;
        w->cen_new = t;
        if (changed == 0) {
            strict = true;
            break;
        }
        if (shift <= tol_abs) break;
    }
    /* Labels must describe the centres returned: after a tol stop or max_iter
     * they are one update behind, and a relocated point may not be closest to
     * its new centre. */
    if (!strict || relocated) ae_km_assign(w, w->cen, false);
    return it;
}
