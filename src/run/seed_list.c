/* Seed lists ("0-4", "0,2,7", "3") for aeclust run --seeds and aeclust sweep,
 * and the statistics of a metric over the seeds. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeclust/run.h"

#define SEED_MAX 4294967295ULL /* experiment.seed's range */

/* A seed at *p: digits only (no sign, no spaces inside), <= SEED_MAX. */
static int parse_seed(const char **p, uint64_t *out)
{
    const char *s = *p;
    if (!isdigit((unsigned char)*s)) return -1;
    uint64_t v = 0;
    while (isdigit((unsigned char)*s)) {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > SEED_MAX) return -2;
        s++;
    }
    *p = s;
    *out = v;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

ae_status ae_seed_list_parse(const char *text, ae_seed_list *out, ae_error *err)
{
    out->n = 0;
    if (!text) text = "";
    const char *p = text;
    while (*p == ' ') p++;
    if (!*p) return ae_fail(err, AE_ERR_ARG, "--seeds: empty seed list (e.g. 0-4, or 0,2,7)");
    for (;;) {
        while (*p == ' ') p++;
        const char *part = p;
        size_t part_len = strcspn(part, ",");
        if (part_len == 0) return ae_fail(err, AE_ERR_ARG, "--seeds: '%s' has an empty item", text);
        uint64_t lo, hi;
        int rc = parse_seed(&p, &lo);
        if (rc == -2) goto too_big;
        if (rc) goto malformed;
        hi = lo;
        if (*p == '-') {
            p++;
            rc = parse_seed(&p, &hi);
            if (rc == -2) goto too_big;
            if (rc) goto malformed;
            if (hi < lo)
                return ae_fail(err, AE_ERR_ARG, "--seeds: '%.*s' is an empty range (the first seed is the larger)",
                               (int)part_len, part);
        }
        while (*p == ' ') p++;
        if (*p != ',' && *p != '\0') goto malformed;
        if (hi - lo >= (uint64_t)(AE_SEEDS_MAX - out->n))
            return ae_fail(err, AE_ERR_ARG, "--seeds: '%s' lists more than %d seeds", text, AE_SEEDS_MAX);
        for (uint64_t s = lo;; s++) {
            out->seed[out->n++] = s;
            if (s == hi) break;
        }
        if (*p == '\0') break;
        p++;
        continue;
    malformed:
        return ae_fail(err, AE_ERR_ARG, "--seeds: '%.*s' is not a seed or a range of seeds (e.g. 0-4, or 0,2,7)",
                       (int)part_len, part);
    too_big:
        return ae_fail(err, AE_ERR_ARG, "--seeds: '%.*s' is larger than the largest seed, %llu", (int)part_len, part,
                       SEED_MAX);
    }
    qsort(out->seed, (size_t)out->n, sizeof out->seed[0], cmp_u64);
    for (int i = 1; i < out->n; i++)
        if (out->seed[i] == out->seed[i - 1]) {
            uint64_t dup = out->seed[i];
            out->n = 0;
            return ae_fail(err, AE_ERR_ARG, "--seeds: seed %llu is listed twice in '%s'", (unsigned long long)dup, text);
        }
    return AE_OK;
}

void ae_seed_list_format(const ae_seed_list *l, char *buf, size_t n)
{
    size_t len = 0;
    if (n) buf[0] = '\0';
    for (int i = 0; i < l->n && len + 1 < n;) {
        int j = i;
        while (j + 1 < l->n && l->seed[j + 1] == l->seed[j] + 1) j++;
        int w;
        if (j > i)
            w = snprintf(buf + len, n - len, "%s%llu-%llu", i ? "," : "", (unsigned long long)l->seed[i],
                         (unsigned long long)l->seed[j]);
        else
            w = snprintf(buf + len, n - len, "%s%llu", i ? "," : "", (unsigned long long)l->seed[i]);
        if (w < 0) break;
        len += (size_t)w;
        i = j + 1;
    }
    if (len >= n && n > 4) snprintf(buf + n - 4, 4, "..."); /* cut: say so */
}

void ae_seed_stat_compute(const double *v, int n, ae_seed_stat *s)
{
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i])) continue;
        sum += v[i];
        lo = fmin(lo, v[i]);
        hi = fmax(hi, v[i]);
        k++;
    }
    s->n = k;
    if (k == 0) {
        s->mean = s->sd = s->min = s->max = NAN;
        return;
    }
    s->mean = sum / k;
    s->min = lo;
    s->max = hi;
    /* two passes: the squares of deviations, not of values, so nearly equal
     * metrics (0.5067, 0.5068) lose no digits */
    double ss = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) ss += (v[i] - s->mean) * (v[i] - s->mean);
    s->sd = k > 1 ? sqrt(ss / (k - 1)) : NAN;
}
