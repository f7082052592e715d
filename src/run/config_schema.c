#include "config_schema.h"

#include <float.h>
#include <stddef.h>
#include <limits.h>

#define NOLIM 0, 0
#define INTS(lo, hi) (lo), (hi)

/* Every key an experiment file may use. Defaults follow scikit-learn where the
 * setting is one of its parameters. */
const cfg_key ae_config_schema[] = {
    {"experiment", "name", CFG_STR, "", NOLIM, NULL, "experiment name (default: the file name)"},
    {"experiment", "description", CFG_STR, "", NOLIM, NULL, "one line shown in reports"},
    {"experiment", "seed", CFG_INT, "0", INTS(0, 4294967295.0), NULL, "seed of every random choice"},

    {"data", "dataset", CFG_ENUM, "fashion-mnist", NOLIM, "fashion-mnist|mnist", "data set"},
    {"data", "fit", CFG_ENUM, "train", NOLIM, "train|test|all", "split the clusterer is fitted on"},
    {"data", "fit_limit", CFG_INT, "0", INTS(0, INT_MAX), NULL, "fit on the first N images only (0: all)"},
    {"data", "fit_per_class", CFG_INT, "0", INTS(0, INT_MAX), NULL,
     "fit on N images of each class, drawn with the seed (0: all)"},
    {"data", "score", CFG_LIST, "fit", NOLIM, "fit|train|test|all",
     "splits scored: 'fit' is the fitted set itself, others are assigned with predict"},

    {"cluster", "method", CFG_LIST, "kmeans", NOLIM, "kmeans", "clusterers to run"},
    {"cluster", "k", CFG_INT, "10", INTS(1, 100000), NULL, "number of clusters"},
    {"cluster", "n_init", CFG_INT, "10", INTS(1, 100000), NULL, "k-means restarts"},
    {"cluster", "max_iter", CFG_INT, "300", INTS(1, 1000000), NULL, "k-means iterations per restart"},
    {"cluster", "tol", CFG_DOUBLE, "1e-4", 0, DBL_MAX, NULL, "k-means tolerance, relative to the mean variance"},

    {"eval", "geometry", CFG_LIST, "fit", NOLIM, "none|fit|train|test|all",
     "scored splits that also get silhouette and Davies-Bouldin"},
    {"eval", "silhouette_sample", CFG_INT, "0", INTS(0, INT_MAX), NULL,
     "silhouette on a seeded sample of N points (0: exact, all points)"},
};

const int ae_config_schema_len = (int)(sizeof ae_config_schema / sizeof ae_config_schema[0]);
