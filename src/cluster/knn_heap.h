/* The bounded max-heap of the exact k-nearest-neighbour searches (t-SNE's and
 * UMAP's): the k best (distance, index) pairs seen so far, the worst on top,
 * so a candidate is compared with d[0] and, when closer, replaces it. */
#ifndef AE_KNN_HEAP_H
#define AE_KNN_HEAP_H

#include <stdint.h>

/* Restores the max-heap property of (d, j), k entries, below position pos. */
static inline void knn_heap_sift_down(float *d, int32_t *j, int k, int pos)
{
    float dv = d[pos];
    int32_t jv = j[pos];
    for (;;) {
        int c = 2 * pos + 1;
        if (c >= k) break;
        if (c + 1 < k && d[c + 1] > d[c]) c++;
        if (d[c] <= dv) break;
        d[pos] = d[c];
        j[pos] = j[c];
        pos = c;
    }
    d[pos] = dv;
    j[pos] = jv;
}

#endif
