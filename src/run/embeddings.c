/* The table of 2-D embeddings (embeddings.h): a new one adds its row here. */
#include "embeddings.h"

const ae_run_embedding *const ae_run_embeddings[] = {
    &ae_run_tsne,
    &ae_run_umap,
};
const int ae_run_n_embeddings = (int)(sizeof ae_run_embeddings / sizeof ae_run_embeddings[0]);
