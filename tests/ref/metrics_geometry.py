"""Golden values for tests/test_metrics_geometry.c: silhouette_score and davies_bouldin_score
of scikit-learn 1.2.1 on the data sets of tests/metrics_data.h (rebuilt bit for bit by
metrics_data.py).

Run with Debian's Python:  /usr/bin/python3 tests/ref/metrics_geometry.py
Each value is computed three ways: scikit-learn on the float32 matrix as is (what it does for a
float32 caller), scikit-learn on the same numbers as float64, and directly from the definitions
in float64 numpy with explicit differences (no |x|^2 + |y|^2 - 2x.y expansion, which loses digits
on tight clusters far from the origin even in double). Sampled silhouettes use ae_silhouette's own subset (metrics_data.draw_sample),
since scikit-learn's permutation of its RandomState cannot be reproduced in C.
"""
import sys, os
import numpy as np
import sklearn
from sklearn.metrics import silhouette_score, davies_bouldin_score

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metrics_data import blobs, draw_sample  # noqa: E402


def direct_distances(A, B):
    return np.sqrt(((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=-1))


def direct_silhouette(X, y):
    X = X.astype(np.float64)
    D = direct_distances(X, X)
    labels = np.unique(y)
    s = np.zeros(len(y))
    for i in range(len(y)):
        own = y == y[i]
        if own.sum() == 1:
            continue
        a = D[i, own].sum() / (own.sum() - 1)
        b = min(D[i, y == c].mean() for c in labels if c != y[i])
        s[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return s.mean()


def direct_davies_bouldin(X, y):
    X = X.astype(np.float64)
    labels = np.unique(y)
    cent = np.array([X[y == c].mean(axis=0) for c in labels])
    intra = np.array([direct_distances(X[y == c], cent[k:k + 1]).mean() for k, c in enumerate(labels)])
    cd = direct_distances(cent, cent)
    if np.allclose(intra, 0) or np.allclose(cd, 0):
        return 0.0
    cd[cd == 0] = np.inf
    return np.max((intra[:, None] + intra[None, :]) / cd, axis=1).mean()


def sets():
    # must match geometry_sets[] in tests/test_metrics_geometry.c
    X, y = blobs(21, 300, 5, 4, 10, 4.0, True)
    ids = np.array([2, 10, 11, 500])
    yield "blobs_300x5_singleton", X, ids[y]
    yield "tight_far_120x8", *blobs(22, 120, 8, 3, 1000, 2.0**-6, False)
    yield "three_points", np.array([[0, 0], [1, 0], [5, 5]], dtype=np.float32), np.array([0, 0, 1])
    X, y = blobs(23, 40, 3, 2, 3, 1.0, False)
    X[y == 0] = X[np.argmax(y == 0)]
    yield "duplicates_40x3", X, y
    yield "blobs_700x16", *blobs(24, 700, 16, 6, 4, 8.0, False)
    X, y = blobs(25, 30, 4, 3, 5, 1.0, False)
    for c in range(3):
        X[y == c] = X[np.argmax(y == c)]
    yield "identical_per_cluster_30x4", X, y


def sampled():
    # (set name, sample, seed): must match sampled_cases[] in the C test
    return [("blobs_300x5_singleton", 100, 42), ("blobs_700x16", 250, 7)]


print("# sklearn", sklearn.__version__, "numpy", np.__version__)
data = {}
print("# name: silhouette: direct, sklearn f64, sklearn f32; davies_bouldin: direct, sklearn f64, sklearn f32")
for name, X, y in sets():
    data[name] = (X, y)
    X64 = X.astype(np.float64)
    vals = (direct_silhouette(X, y), silhouette_score(X64, y), silhouette_score(X, y),
            direct_davies_bouldin(X, y), davies_bouldin_score(X64, y), davies_bouldin_score(X, y))
    print("    {\"%s\", %s}," % (name, ", ".join("%.17g" % v for v in vals)))
print("# sampled: name sample seed silhouette: direct, sklearn f64, sklearn f32")
for name, m, seed in sampled():
    X, y = data[name]
    idx = draw_sample(len(y), m, seed)
    vals = (direct_silhouette(X[idx], y[idx]), silhouette_score(X[idx].astype(np.float64), y[idx]),
            silhouette_score(X[idx], y[idx]))
    print("    {\"%s\", %d, %d, %s}," % (name, m, seed, ", ".join("%.17g" % v for v in vals)))
