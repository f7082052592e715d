#!/usr/bin/python3
"""Golden numbers for tests/test_tsne.c, from scikit-learn 1.2.1's t-SNE helpers on Debian's
/usr/bin/python3 (numpy 1.24).

The inputs are rebuilt here exactly as the test builds them (dyadic values from splitmix64
hashes, exact in float32, as in tests/ref/kmeans_golden.py), so both sides hold bit-identical data.

- CAL: sklearn.manifold._utils._binary_search_perplexity on a 10 x 9 matrix of squared
  distances to 9 neighbours, perplexity 3: the conditional probabilities, row by row.
- AFF: the symmetric P of sklearn.manifold._t_sne._joint_probabilities_nn for 60 points in 5-d
  (3 blobs), perplexity 5, on the 15 = floor(3 * 5) nearest neighbours (sklearn itself would
  ask NearestNeighbors for int(3 * 5 + 1) = 16; aeclust follows van der Maaten's 3 * perplexity):
  its number of entries, row sums, sum of P_ij * (60 i + j) and largest entry.

usage: /usr/bin/python3 tests/ref/tsne_golden.py > out
then paste `out` over the golden block at the top of tests/test_tsne.c.
"""
import numpy as np
import sklearn
from sklearn.manifold import _utils
from sklearn.manifold._t_sne import _joint_probabilities_nn
from sklearn.neighbors import NearestNeighbors

M64 = (1 << 64) - 1


def mix(x):
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def key(tag, i, l, r):
    return (((tag * 1000003 + i) * 1009 + l) * 4 + r) & M64


def unif(k):
    return (mix(k) >> 44) / float(1 << 20)


def blobs(tag, n, d, centres, spread):
    nb = len(centres)
    x = np.empty((n, d), dtype=np.float64)
    for i in range(n):
        for l in range(d):
            s = sum(unif(key(tag, i, l, r)) for r in range(4))
            x[i, l] = centres[i % nb][l] + (s - 2.0) * spread
    return x.astype(np.float32)


def cal_distances():
    """10 x 9 squared distances in [0, 16): unif * 16; row 9 times 64 (sharp bandwidth)."""
    d = np.array([[unif(key(31, i, j, 0)) * 16 for j in range(9)] for i in range(10)], dtype=np.float32)
    d[9, :] *= 64
    return d


def fmt(v):
    return "%.9g" % v


print("// sklearn %s, numpy %s" % (sklearn.__version__, np.__version__))
P = _utils._binary_search_perplexity(cal_distances(), 3.0, 0)
print("#define CAL_P { \\")
flat = P.ravel()
print(", \\\n".join("    " + ", ".join(fmt(v) + "f" for v in flat[i:i + 6]) for i in range(0, len(flat), 6)) + "}")

x = blobs(7, 60, 5, [[0, 0, 0, 0, 0], [6, 0, 0, 0, 0], [0, 6, 0, 0, 0]], 1.0)
nn = NearestNeighbors(n_neighbors=15).fit(x)
D = nn.kneighbors_graph(mode="distance")
D.data **= 2
A = _joint_probabilities_nn(D, 5.0, 0).tocsr()
A.sort_indices()
print("#define AFF_NNZ %d" % A.nnz)
print("#define AFF_ROW_SUMS { \\")
sums = np.asarray(A.sum(axis=1)).ravel()
print(", \\\n".join("    " + ", ".join(fmt(v) for v in sums[i:i + 6]) for i in range(0, 60, 6)) + "}")
coo = A.tocoo()
print("#define AFF_CHECK %s /* sum of P_ij * (60 i + j) */" % repr(float((coo.data.astype(np.float64) * (60 * coo.row + coo.col)).sum())))
print("#define AFF_MAX %s" % fmt(A.data.max()))

# PCA initialisation as sklearn 1.2's TSNE(init="pca") makes it, on 50 points in 4-d (2 blobs)
from sklearn.decomposition import PCA

x = blobs(9, 50, 4, [[0, 0, 0, 0], [3, 1, 0, 0]], 1.0)
Y = PCA(n_components=2, svd_solver="randomized", random_state=0).fit_transform(x).astype(np.float32)
Y = Y / np.std(Y[:, 0]) * 1e-4
print("#define PCA_Y_HEAD { \\")
print(", \\\n".join("    %sf, %sf" % (fmt(a), fmt(b)) for a, b in Y[:6]) + "}")
print("#define PCA_STD1 %s /* standard deviation of column 1 */" % fmt(np.std(Y[:, 1])))

# The optimiser: sklearn's _gradient_descent and _kl_divergence_bh (angle 0: exact repulsion)
# from its PCA init on 40 points in 6-d, perplexity 13.1: its 39 neighbours are all the other
# points, for sklearn's int(3p + 1) as for aeclust's floor(3p), so both have the same P.
# Phase 1 (P * 12, momentum 0.5) for 3 iterations, then phase 2 (momentum 0.8, fresh gains
# and update) up to 6, learning rate 50 (auto). Few iterations: this tiny problem is chaotic
# (the two drift apart by 1e-3 after 10 iterations, and far apart by 50).
from sklearn.manifold._t_sne import _gradient_descent, _kl_divergence_bh

x = blobs(29, 40, 6, [[0, 0, 0, 0, 0, 0], [5, 0, 0, 0, 0, 0], [0, 5, 0, 0, 0, 0], [0, 0, 5, 0, 0, 0]], 1.0)
D = NearestNeighbors(n_neighbors=39).fit(x).kneighbors_graph(mode="distance")
D.data **= 2
P = _joint_probabilities_nn(D, 13.1, 0)
Y0 = PCA(n_components=2, svd_solver="randomized", random_state=0).fit_transform(x).astype(np.float32)
Y0 = Y0 / np.std(Y0[:, 0]) * 1e-4
kw = dict(skip_num_points=0, angle=0.0, verbose=0, num_threads=1)
common = dict(n_iter_check=50, min_grad_norm=1e-7, learning_rate=50.0, kwargs=kw)
p, _, it = _gradient_descent(_kl_divergence_bh, Y0.ravel().copy(), it=0, n_iter=3, momentum=0.5,
                             n_iter_without_progress=250, args=[P * 12.0, 1, 40, 2], **common)
print("#define OPT3_Y { \\")
print(", \\\n".join("    " + ", ".join(fmt(v) + "f" for v in p[i:i + 6]) for i in range(0, 80, 6)) + "}")
p, _, it = _gradient_descent(_kl_divergence_bh, p, it=it + 1, n_iter=6, momentum=0.8, n_iter_without_progress=300,
                             args=[P, 1, 40, 2], **common)
print("#define OPT6_Y { \\")
print(", \\\n".join("    " + ", ".join(fmt(v) + "f" for v in p[i:i + 6]) for i in range(0, 80, 6)) + "}")
