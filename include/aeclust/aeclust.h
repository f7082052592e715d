/* aeclust: every public header at once.
 *
 *     #include <aeclust/aeclust.h>
 *
 * and link with `pkg-config --libs aeclust` (shared) or
 * `pkg-config --static --libs aeclust` (static). Each header can also be
 * included on its own; all of them work from C11 and C++. */
#ifndef AECLUST_AECLUST_H
#define AECLUST_AECLUST_H

#include "config.h"
#include "data.h"
#include "dbscan.h"
#include "dec.h"
#include "elbow.h"
#include "gmm.h"
#include "hdbscan.h"
#include "kmeans.h"
#include "matrix.h"
#include "metrics.h"
#include "nn.h"
#include "noise.h"
#include "npy.h"
#include "pca.h"
#include "plot.h"
#include "report.h"
#include "rng.h"
#include "run.h"
#include "status.h"
#include "sweep.h"
#include "threads.h"
#include "tsne.h"
#include "umap.h"
#include "version.h"

#endif
