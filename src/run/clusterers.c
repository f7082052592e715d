/* The table of clusterers (clusterers.h): a new one adds its row here. */
#include "clusterers.h"

#include <string.h>

#include "config_schema.h"

static const ae_run_clusterer *const clusterers[] = {
    &ae_run_kmeans,
    &ae_run_gmm,
    &ae_run_pca_kmeans,
    &ae_run_dbscan,
    &ae_run_hdbscan,
    &ae_run_umap_gmm,
    &ae_run_umap_kmeans,
    &ae_run_umap_hdbscan,
};
#define N_CLUSTERERS (sizeof clusterers / sizeof clusterers[0])

const ae_run_clusterer *ae_run_clusterer_find(const char *name)
{
    for (size_t i = 0; i < N_CLUSTERERS; i++)
        if (!strcmp(clusterers[i]->name, name)) return clusterers[i];
    return NULL;
}

/* cluster.method's allowed values: "none" and every clusterer's name. */
void ae_run_clusterer_names(char *buf, size_t n)
{
    size_t off = (size_t)snprintf(buf, n, "none");
    for (size_t i = 0; i < N_CLUSTERERS && off < n; i++)
        off += (size_t)snprintf(buf + off, n - off, "|%s", clusterers[i]->name);
}
