#include "aeclust/metrics.h"

#include <stdlib.h>
#include <string.h>

#include "label_map.h"

/* The table is dense: refuse shapes that would need gigabytes (e.g. two
 * all-distinct labelings of 70,000 points) rather than thrash. */
#define AE_CONTINGENCY_MAX_CELLS (1 << 27)

ae_status ae_contingency_build(const int32_t *truth, const int32_t *pred, size_t n, ae_contingency *out,
                               ae_error *err)
{
    memset(out, 0, sizeof *out);
    ae_label_map t, p;
    ae_status st = ae_label_map_build(truth, n, "truth", &t, err);
    if (st) return st;
    if ((st = ae_label_map_build(pred, n, "pred", &p, err))) {
        ae_label_map_free(&t);
        return st;
    }
    size_t cells = (size_t)t.k * (size_t)p.k;
    if (cells > AE_CONTINGENCY_MAX_CELLS) {
        st = ae_fail(err, AE_ERR_ARG, "%d classes x %d clusters is too large a contingency table (max %d cells)",
                     t.k, p.k, AE_CONTINGENCY_MAX_CELLS);
        ae_label_map_free(&t);
        ae_label_map_free(&p);
        return st;
    }
    out->counts = calloc(cells, sizeof *out->counts); // (n_classes, n_clusters)
    if (!out->counts) {
        st = ae_fail(err, AE_ERR_NOMEM, "out of memory for a %d x %d contingency table", t.k, p.k);
    } else {
        out->n_classes = t.k;
        out->n_clusters = p.k;
        out->n = n;
        for (size_t i = 0; i < n; i++) out->counts[(size_t)t.index[i] * (size_t)p.k + (size_t)p.index[i]]++;
        /* the maps' id arrays become the table's */
        out->class_ids = t.ids;
        out->cluster_ids = p.ids;
        t.ids = p.ids = NULL;
    }
    ae_label_map_free(&t);
    ae_label_map_free(&p);
    return st;
}

void ae_contingency_free(ae_contingency *c)
{
    if (!c) return;
    free(c->class_ids);
    free(c->cluster_ids);
    free(c->counts);
    memset(c, 0, sizeof *c);
}
