/* Dense relabelling of label arrays, shared by the metrics.
 *
 * Metrics accept any non-negative int32 ids, sparse ones included
 * ({3, 7, 100}); internally every id is replaced by its rank among the sorted
 * distinct ids, 0..k-1, so tables can be indexed directly. Internal. */
#ifndef AE_METRICS_LABEL_MAP_H
#define AE_METRICS_LABEL_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "aeclust/status.h"

typedef struct {
    int k;           /* number of distinct ids */
    int32_t *ids;    /* (k) the distinct ids, ascending, owned */
    int32_t *index;  /* (n) rank of each element's id, in [0, k), owned */
    int64_t *counts; /* (k) elements per id, owned */
} ae_label_map;

/* Builds the map of labels[0..n). `what` names the array in error messages
 * ("truth", "pred"). n == 0 and negative ids are AE_ERR_ARG. */
ae_status ae_label_map_build(const int32_t *labels, size_t n, const char *what, ae_label_map *m, ae_error *err);
void ae_label_map_free(ae_label_map *m);

#endif
