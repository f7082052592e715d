/* Round tick values for chart axes: a step of 1, 2, 2.5 or 5 times a power
 * of ten, chosen so that about `target` ticks fall inside the range. */
#include <math.h>
#include <stdio.h>

#include "viz.h"

static double count_in(double lo, double hi, double step)
{
    return floor(hi / step + 1e-9) - ceil(lo / step - 1e-9) + 1;
}

void ae_viz_nice_ticks(double lo, double hi, int target, int integer_only, viz_ticks *t)
{
    t->n = 0;
    t->step = 1;
    t->decimals = 0;
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi)) return;
    if (target < 2) target = 2;
    /* among the nice steps around span/target, the one whose tick count is
     * closest to target (ties to the larger step); never fewer than 2 ticks */
    static const double mult[4] = {1, 2, 2.5, 5};
    double mag = pow(10, floor(log10((hi - lo) / target)));
    double step = 0, best = INFINITY;
    for (int e = -1; e <= 1; e++)
        for (int m = 0; m < 4; m++) {
            double st = mult[m] * mag * pow(10, e);
            if (integer_only && st != floor(st)) continue;
            double n = count_in(lo, hi, st);
            if (n < 2 || n > VIZ_MAX_TICKS) continue;
            /* steps of 2.5 read worse than 2 or 5: taken only when clearly closer */
            double score = fabs(n - target) + (m == 2 ? 1.01 : 0);
            if (score < best || (score == best && st > step)) {
                best = score;
                step = st;
            }
        }
    if (step == 0) step = integer_only && mag < 1 ? 1 : mag; /* a span too small for two ticks: one will do */
    t->step = step;
    /* digits after the point: the fewest that show every multiple of step */
    int d = 0;
    while (d < 10 && fabs(step * pow(10, d) - nearbyint(step * pow(10, d))) > 1e-6 * step * pow(10, d)) d++;
    t->decimals = d;
    double first = ceil(lo / step - 1e-9);
    for (int i = 0; t->n < VIZ_MAX_TICKS; i++) {
        double v = (first + i) * step;
        if (v > hi + 1e-9 * step) break;
        if (fabs(v) < 1e-9 * step) v = 0; /* no "-0" */
        t->v[t->n++] = v;
    }
}

void ae_viz_tick_label(const viz_ticks *t, double v, char *buf, size_t n)
{
    if (fabs(v) < 1e-9 * t->step) v = 0;
    if (t->decimals == 0 && fabs(v) >= 1e4 && fabs(v) < 1e15)
        ae_viz_format_count(buf, n, (long long)llround(v));
    else if (fabs(v) >= 1e15 || (v != 0 && t->decimals > 6))
        snprintf(buf, n, "%.3g", v);
    else
        snprintf(buf, n, "%.*f", t->decimals, v);
}
