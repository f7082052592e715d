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
    {"data", "fit_pick", CFG_ENUM, "random", NOLIM, "random|first",
     "fit_per_class draws its images with the seed (random) or takes the first of each class"},
    {"data", "score", CFG_LIST, "fit", NOLIM, "fit|train|test|all",
     "splits scored: 'fit' is the fitted set itself, others are assigned with predict"},

    {"data", "train", CFG_ENUM, "train", NOLIM, "train|test|all", "split the autoencoder learns from"},

    {"model", "encoder", CFG_STR, "", NOLIM, NULL,
     "encoder layers, e.g. 'dense 128 relu, dense 32 linear' (empty: no model, cluster the pixels)"},
    {"model", "decoder", CFG_STR, "", NOLIM, NULL, "decoder layers, ending at the input width"},
    {"model", "init", CFG_ENUM, "glorot_uniform", NOLIM, "glorot_uniform|glorot|he_uniform|he_normal|fan_in_uniform",
     "initial weights (biases start at zero)"},

    {"train", "epochs", CFG_INT, "20", INTS(1, 1000000), NULL, "passes over the training split"},
    {"train", "batch_size", CFG_INT, "256", INTS(1, INT_MAX), NULL, "rows per mini-batch"},
    {"train", "optimizer", CFG_ENUM, "adam", NOLIM, "adam|sgd", "optimizer"},
    {"train", "lr", CFG_DOUBLE, "1e-3", 1e-300, 1e6, NULL, "learning rate (> 0)"},
    {"train", "beta1", CFG_DOUBLE, "0.9", 0, 0.999999, NULL, "Adam's first-moment decay"},
    {"train", "beta2", CFG_DOUBLE, "0.999", 0, 0.99999999, NULL, "Adam's second-moment decay"},
    {"train", "eps", CFG_DOUBLE, "1e-8", 0, 1, NULL, "Adam's epsilon (PyTorch's default; Keras uses 1e-7)"},
    {"train", "momentum", CFG_DOUBLE, "0", 0, 0.999999, NULL, "SGD momentum"},
    {"train", "loss", CFG_ENUM, "mse", NOLIM, "mse|bce",
     "reconstruction loss (mean over all elements; a VAE's is summed over each image's pixels)"},
    {"train", "beta", CFG_DOUBLE, "1", 0, 1e6, NULL, "a VAE's weight of the KL term (beta-VAE)"},
    {"train", "snapshot_every", CFG_INT, "0", INTS(0, 1000000), NULL,
     "save the codes of the test split before training and every N epochs, as snapshots/codes_test_epoch_NNN.npy (0: never)"},
    {"train", "shuffle", CFG_BOOL, "yes", NOLIM, NULL, "reshuffle the rows every epoch"},
    {"train", "validation", CFG_ENUM, "none", NOLIM, "none|train|test|all", "split scored with the loss every epoch"},

    {"noise", "kind", CFG_ENUM, "none", NOLIM, "none|gaussian|salt_pepper|random_shades",
     "noise on the autoencoder's input (a denoising AE learns to give back the clean image)"},
    {"noise", "amount", CFG_DOUBLE, "0.2", 0, 1e6, NULL,
     "gaussian: f in clip(x + f N(0,1), 0, 1); salt_pepper, random_shades: the fraction of pixels"},
    {"noise", "fresh", CFG_BOOL, "no", NOLIM, NULL, "draw new noise every epoch (no: once per image)"},
    {"noise", "sweep", CFG_LIST, "", NOLIM, NULL,
     "train one denoising AE per amount listed (e.g. 0.2, 0.3, 0.5) into rate-AMOUNT/, instead of clustering"},
    {"noise", "keep", CFG_INT, "10", INTS(0, 100000), NULL,
     "with a sweep: keep the first N evaluation images as original.npy, noisy.npy and denoised.npy per amount"},
    {"noise", "cluster_on", CFG_ENUM, "noisy", NOLIM, "noisy|clean", "cluster the codes of the noisy or the clean images"},

    {"augment", "max_shift", CFG_INT, "0", INTS(0, 27), NULL,
     "shift each training image by up to N pixels each way, anew every epoch (zero fill)"},
    {"augment", "hflip", CFG_BOOL, "no", NOLIM, NULL, "mirror each training image left-right with probability 1/2"},

    {"decode", "samples", CFG_INT, "0", INTS(0, 100000), NULL,
     "decode N codes drawn from N(0, I) into samples.npy (new images from a VAE)"},
    {"decode", "grid", CFG_INT, "0", INTS(0, 200), NULL,
     "decode an N x N grid of a 2-D code into latent_grid.npy (the latent manifold; 0: none)"},
    {"decode", "grid_range", CFG_DOUBLE, "0", 0, 1e6, NULL,
     "the grid spans [-R, R] on both axes (0: the 1st to 99th percentile of the test codes on each)"},

    {"cluster", "method", CFG_LIST, "kmeans", NOLIM, "none|kmeans|gmm|pca+kmeans",
     "clusterers to run: k-means, a Gaussian mixture, k-means after PCA (or none)"},
    {"cluster", "space", CFG_LIST, "auto", NOLIM, "auto|pixels|code",
     "what is clustered: the pixels, or the autoencoder's codes ('auto': codes when there is a model)"},
    {"cluster", "k", CFG_INT, "10", INTS(1, 100000), NULL, "number of clusters"},
    {"cluster", "n_init", CFG_INT, "10", INTS(1, 100000), NULL, "k-means restarts"},
    {"cluster", "max_iter", CFG_INT, "300", INTS(1, 1000000), NULL, "k-means iterations per restart"},
    {"cluster", "tol", CFG_DOUBLE, "1e-4", 0, DBL_MAX, NULL, "k-means tolerance, relative to the mean variance"},
    {"cluster", "covariance", CFG_ENUM, "full", NOLIM, "full|diag|spherical", "GMM covariance of each component"},
    {"cluster", "reg_covar", CFG_DOUBLE, "1e-6", 0, 1e6, NULL, "GMM: added to each covariance's diagonal"},
    {"cluster", "gmm_n_init", CFG_INT, "1", INTS(1, 100000), NULL, "GMM restarts (k-means initialised each)"},
    {"cluster", "gmm_max_iter", CFG_INT, "100", INTS(1, 1000000), NULL, "GMM EM iterations per restart"},
    {"cluster", "gmm_tol", CFG_DOUBLE, "1e-3", 0, DBL_MAX, NULL, "GMM: stop when the mean log-likelihood bound moves less"},
    {"cluster", "pca_components", CFG_INT, "32", INTS(1, 100000), NULL, "pca+kmeans: principal components kept"},
    {"cluster", "pca_whiten", CFG_BOOL, "no", NOLIM, NULL, "pca+kmeans: scale each component to unit variance"},

    {"elbow", "k_max", CFG_INT, "0", INTS(0, 100000), NULL,
     "k-means inertia of the fit set for k = k_min..k_max into elbow.csv (0: no elbow)"},
    {"elbow", "k_min", CFG_INT, "1", INTS(1, 100000), NULL, "smallest k of the elbow"},
    {"elbow", "n_init", CFG_INT, "10", INTS(1, 100000), NULL, "k-means restarts for each k of the elbow"},

    {"embed", "tsne", CFG_BOOL, "no", NOLIM, NULL, "a t-SNE of each clustered space of the fit set (tsne_SPACE.npy + scatters)"},
    {"embed", "tsne_limit", CFG_INT, "10000", INTS(0, INT_MAX), NULL, "t-SNE of the first N points of the fit set (0: all)"},
    {"embed", "perplexity", CFG_DOUBLE, "30", 1, 1e6, NULL, "t-SNE perplexity (below a third of the points)"},
    {"embed", "tsne_iterations", CFG_INT, "1000", INTS(250, 1000000), NULL, "t-SNE iterations (the first 250 exaggerated)"},

    {"report", "figures", CFG_BOOL, "yes", NOLIM, NULL, "draw the run's figures into figures/ (PNG)"},
    {"report", "html", CFG_BOOL, "yes", NOLIM, NULL, "write report.html, one page with every result and figure"},

    {"eval", "geometry", CFG_LIST, "fit", NOLIM, "none|fit|train|test|all",
     "scored splits that also get silhouette and Davies-Bouldin"},
    {"eval", "silhouette_sample", CFG_INT, "0", INTS(0, INT_MAX), NULL,
     "silhouette on a seeded sample of N points (0: exact, all points)"},
};

const int ae_config_schema_len = (int)(sizeof ae_config_schema / sizeof ae_config_schema[0]);
