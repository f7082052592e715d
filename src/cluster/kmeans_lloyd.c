/* Lloyd iterations with scikit-learn 1.2's stopping rules: stop when no label
 * changed (strict convergence) or when the squared centre shift summed over
 * clusters is <= tol_abs; after a tol stop, one more assignment makes the
 * labels agree with the final centres. An empty cluster is moved onto the
 * point farthest from its own centre, as scikit-learn does. */
#include <math.h>
#include <string.h>

#include "kmeans_internal.h"

/* w->mind = squared distance of every row to its own centre in cen (the
 * centres its label was chosen against), exactly, as scikit-learn's repair. */
static void own_centre_distances(ae_km_work *w)
{
    const size_t d = w->d;
    for (size_t i = 0; i < w->n; i++) {
        const float *xi = w->xs + i * d, *c = w->cen + (size_t)w->labels[i] * d;
        double s = 0.0;
#pragma omp simd reduction(+ : s)
        for (size_t l = 0; l < d; l++) {
            double t = (double)xi[l] - w->off[l] - c[l];
            s += t * t;
        }
        w->mind[i] = (float)s;
    }
}

/* Gives every empty cluster the point farthest from its centre, moving the
 * point's contribution to the sums. Unlike scikit-learn, a point is never
 * taken from a cluster it is the last member of, so the repair cannot empty
 * another cluster; there are always enough points since n >= k. Returns
 * whether anything moved. */
static bool relocate_empty(ae_km_work *w)
{
    const size_t n = w->n, d = w->d;
    bool moved = false;
    for (int e = 0; e < w->k; e++) {
        if (w->counts[e] > 0) continue;
        if (!moved) own_centre_distances(w);
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
        w->mind[far] = -1.0f;     /* taken: not a candidate for the next empty cluster */
        w->ub[far] = INFINITY;    /* its bounds referred to its old cluster */
        moved = true;
    }
    return moved;
}

/* cen_new = cluster means, centred; delta = how far each moved. Returns the
 * squared shift summed over clusters. */
static double update_centres(ae_km_work *w)
{
    const size_t d = w->d;
    double shift = 0.0;
    for (int j = 0; j < w->k; j++) {
        const float *old = w->cen + (size_t)j * d;
        float *c = w->cen_new + (size_t)j * d;
        double sj = 0.0;
        if (w->counts[j] == 0) { /* only if relocation found no donor */
            memcpy(c, old, d * sizeof *c);
        } else {
            const double *s = w->sums + (size_t)j * d;
            const double inv = 1.0 / (double)w->counts[j];
            for (size_t l = 0; l < d; l++) {
                c[l] = (float)(s[l] * inv - w->off[l]);
                double t = (double)c[l] - old[l];
                sj += t * t;
            }
        }
        w->delta[j] = (float)sqrt(sj);
        shift += sj;
    }
    return shift;
}

/* After centres moved by delta: a row's own centre is at most delta_own
 * farther, any other at most the largest other delta nearer. The factors
 * cover the rounding of these float additions. */
static void loosen_bounds(ae_km_work *w)
{
    int jmax = 0;
    for (int j = 1; j < w->k; j++)
        if (w->delta[j] > w->delta[jmax]) jmax = j;
    float d1 = w->delta[jmax], d2 = 0.0f; /* largest, and largest but jmax */
    for (int j = 0; j < w->k; j++)
        if (j != jmax && w->delta[j] > d2) d2 = w->delta[j];
    for (size_t i = 0; i < w->n; i++) {
        const int a = w->labels[i];
        w->ub[i] = (w->ub[i] + w->delta[a]) * (1.0f + 0x1p-20f);
        w->lb[i] = fmaxf(0.0f, (w->lb[i] - (a == jmax ? d2 : d1)) * (1.0f - 0x1p-20f));
    }
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
    for (size_t i = 0; i < w->n; i++) {
        w->labels[i] = -1;
        w->ub[i] = INFINITY;
        w->lb[i] = 0.0f;
    }
    memset(w->sums, 0, (size_t)w->k * w->d * sizeof *w->sums);
    memset(w->counts, 0, (size_t)w->k * sizeof *w->counts);
    bool strict = false, relocated = false;
    int it = 0;
    while (it < max_iter) {
        size_t changed = ae_km_assign(w, w->cen, true);
        it++;
        relocated = relocate_empty(w);
        double shift = update_centres(w);
        loosen_bounds(w);
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
