#include "label_map.h"

#include <stdlib.h>
#include <string.h>

/* Ids below this bound (or below 4n) are ranked through a lookup table, which
 * is linear in n; larger, sparse ids fall back to sorting. */
#define AE_LABEL_TABLE_MIN 65536

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Ranks through a table of size max+1: table[id] = rank. */
static ae_status rank_by_table(const int32_t *labels, size_t n, int32_t max_id, ae_label_map *m, ae_error *err)
{
    size_t span = (size_t)max_id + 1;
    int32_t *table = calloc(span, sizeof *table); // (max_id + 1) rank + 1, 0 = absent
    if (!table) return ae_fail(err, AE_ERR_NOMEM, "out of memory ranking %zu labels", n);
    for (size_t i = 0; i < n; i++) table[labels[i]] = 1;
    int k = 0;
    for (size_t v = 0; v < span; v++)
        if (table[v]) table[v] = ++k;
    m->k = k;
    m->ids = malloc((size_t)k * sizeof *m->ids);
    if (!m->ids) {
        free(table);
        return ae_fail(err, AE_ERR_NOMEM, "out of memory ranking %zu labels", n);
    }
    for (size_t v = 0; v < span; v++)
        if (table[v]) m->ids[table[v] - 1] = (int32_t)v;
    for (size_t i = 0; i < n; i++) m->index[i] = table[labels[i]] - 1;
    free(table);
    return AE_OK;
}

/* Ranks by sorting a copy and binary-searching each element. */
static ae_status rank_by_sort(const int32_t *labels, size_t n, ae_label_map *m, ae_error *err)
{
    int32_t *sorted = malloc(n * sizeof *sorted); // (n)
    if (!sorted) return ae_fail(err, AE_ERR_NOMEM, "out of memory ranking %zu labels", n);
    memcpy(sorted, labels, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_i32);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || sorted[i] != sorted[k - 1]) sorted[k++] = sorted[i];
    m->k = (int)k;
    m->ids = realloc(sorted, k * sizeof *sorted);
    if (!m->ids) m->ids = sorted; /* shrinking failed: keep the larger block */
    for (size_t i = 0; i < n; i++) {
        const int32_t *hit = bsearch(&labels[i], m->ids, k, sizeof *m->ids, cmp_i32);
        m->index[i] = (int32_t)(hit - m->ids);
    }
    return AE_OK;
}

ae_status ae_label_map_build(const int32_t *labels, size_t n, const char *what, ae_label_map *m, ae_error *err)
{
    memset(m, 0, sizeof *m);
    if (n == 0) return ae_fail(err, AE_ERR_ARG, "%s: no labels (n = 0)", what);
    if (n > INT32_MAX) return ae_fail(err, AE_ERR_ARG, "%s: %zu labels is more than supported", what, n);
    int32_t max_id = 0;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0)
            return ae_fail(err, AE_ERR_ARG, "%s: negative label %d at index %zu", what, (int)labels[i], i);
        if (labels[i] > max_id) max_id = labels[i];
    }
    m->index = malloc(n * sizeof *m->index);
    if (!m->index) return ae_fail(err, AE_ERR_NOMEM, "%s: out of memory ranking %zu labels", what, n);
    ae_status st = (size_t)max_id < AE_LABEL_TABLE_MIN || (size_t)max_id / 4 < n
                       ? rank_by_table(labels, n, max_id, m, err)
                       : rank_by_sort(labels, n, m, err);
    if (!st) {
        m->counts = calloc((size_t)m->k, sizeof *m->counts);
        if (!m->counts) st = ae_fail(err, AE_ERR_NOMEM, "%s: out of memory ranking %zu labels", what, n);
    }
    if (st) {
        ae_label_map_free(m);
        return st;
    }
    for (size_t i = 0; i < n; i++) m->counts[m->index[i]]++;
    return AE_OK;
}

void ae_label_map_free(ae_label_map *m)
{
    if (!m) return;
    free(m->ids);
    free(m->index);
    free(m->counts);
    memset(m, 0, sizeof *m);
}
