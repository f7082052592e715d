/* The curve 1 / (1 + a x^2b) that UMAP's low-dimensional similarities
 * follow, fitted to the offset exponential its min_dist and spread describe
 * (umap-learn's find_ab_params, which calls scipy's curve_fit: MINPACK's
 * Levenberg-Marquardt with a forward-difference Jacobian from a = b = 1).
 *
 * Here: Levenberg-Marquardt with the analytic Jacobian, Marquardt's diagonal
 * scaling, from the same start, in double, until the step is below 1e-12
 * relative. The fit is a smooth two-parameter least-squares problem with one
 * minimum in the region the iteration stays in, so both land on the same
 * point to about the precision of scipy's stopping test (1.5e-8). */
#include <math.h>

#include "umap_internal.h"

#define POINTS 300
#define MAX_ITER 500

/* Sum of squared residuals at (a, b); with J^T J and J^T r when jtj is non-NULL. */
static double cost(const double *x, const double *y, double a, double b, double jtj[3], double jtr[2])
{
    double c = 0;
    if (jtj) jtj[0] = jtj[1] = jtj[2] = jtr[0] = jtr[1] = 0;
    for (int i = 0; i < POINTS; i++) {
        double p = x[i] > 0 ? pow(x[i], 2 * b) : 0; /* x^2b */
        double den = 1 + a * p, f = 1 / den, r = f - y[i];
        c += r * r;
        if (!jtj) continue;
        double da = -p / (den * den);                                      /* df/da */
        double db = x[i] > 0 ? -a * p * 2 * log(x[i]) / (den * den) : 0.0; /* df/db */
        jtj[0] += da * da, jtj[1] += da * db, jtj[2] += db * db;
        jtr[0] += da * r, jtr[1] += db * r;
    }
    return c;
}

ae_status ae_umap_find_ab(double spread, double min_dist, double *a, double *b, ae_error *err)
{
    if (!(spread > 0) || !(min_dist >= 0) || !isfinite(spread) || !isfinite(min_dist))
        return ae_fail(err, AE_ERR_ARG, "UMAP: spread %g and min_dist %g give no curve", spread, min_dist);
    double x[POINTS], y[POINTS];
    for (int i = 0; i < POINTS; i++) { /* numpy's linspace(0, 3 spread, 300) */
        x[i] = i == POINTS - 1 ? 3 * spread : (3 * spread / (POINTS - 1)) * i;
        y[i] = x[i] < min_dist ? 1.0 : exp(-(x[i] - min_dist) / spread);
    }
    double pa = 1, pb = 1, lambda = 1e-3, jtj[3], jtr[2];
    double c = cost(x, y, pa, pb, jtj, jtr);
    for (int it = 0; it < MAX_ITER; it++) {
        /* (J^T J + lambda diag(J^T J)) step = -J^T r */
        double m00 = jtj[0] * (1 + lambda), m11 = jtj[2] * (1 + lambda), m01 = jtj[1];
        double det = m00 * m11 - m01 * m01;
        if (!(det > 0)) {
            lambda *= 10;
            if (lambda > 1e12) break;
            continue;
        }
        double sa = -(m11 * jtr[0] - m01 * jtr[1]) / det, sb = -(m00 * jtr[1] - m01 * jtr[0]) / det;
        double na = pa + sa, nb = pb + sb;
        double nc = cost(x, y, na, nb, NULL, NULL);
        if (isfinite(nc) && nc <= c) {
            int small = fabs(sa) <= 1e-12 * (fabs(pa) + 1e-12) && fabs(sb) <= 1e-12 * (fabs(pb) + 1e-12);
            pa = na, pb = nb;
            lambda = lambda / 10 > 1e-15 ? lambda / 10 : 1e-15;
            c = cost(x, y, pa, pb, jtj, jtr);
            if (small) break;
        }
        else {
            lambda *= 10;
            if (lambda > 1e12) break; /* no step lowers the cost: a minimum */
        }
    }
    if (!isfinite(pa) || !isfinite(pb) || !(pa > 0) || !(pb > 0))
        return ae_fail(err, AE_ERR_NUMERIC, "UMAP: the curve fit for spread %g, min_dist %g failed (a %g, b %g)",
                       spread, min_dist, pa, pb);
    *a = pa, *b = pb;
    return AE_OK;
}
