#!/usr/bin/python3
"""Golden numbers for tests/test_kmeans.c, from scikit-learn 1.2.1's KMeans(algorithm="lloyd")
on Debian's /usr/bin/python3 (numpy 1.24).

The synthetic data sets are rebuilt here exactly as the test builds them: every value is a
dyadic rational computed in double from splitmix64 hashes, then rounded to float32, so both
sides hold bit-identical inputs. Inertias are recomputed in float64 from scikit-learn's labels
and centres (its own inertia_ is summed in float32).

usage: /usr/bin/python3 tests/ref/kmeans_golden.py [DATA_DIR] > out    (default: ./data)
then paste `out` over the golden block at the top of tests/test_kmeans.c.
"""
import gzip
import os
import sys

import numpy as np
import sklearn
from sklearn.cluster import KMeans

M64 = (1 << 64) - 1


def mix(x):
    """splitmix64: one step from state x."""
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def key(tag, i, l, r):
    return (((tag * 1000003 + i) * 1009 + l) * 4 + r) & M64


def unif(k):
    """Uniform on [0, 1) with 20 bits: exact in float32."""
    return (mix(k) >> 44) / float(1 << 20)


def hash_centres(tag, nb, d, half):
    """Integer centres in [-half, half]."""
    return [[float(mix(key(tag, b, l, 0)) % (2 * half + 1)) - half for l in range(d)] for b in range(nb)]


def blobs(tag, n, d, centres, spread):
    """Row i belongs to blob i % nb; noise = (sum of 4 uniforms - 2) * spread."""
    nb = len(centres)
    x = np.empty((n, d), dtype=np.float64)
    for i in range(n):
        for l in range(d):
            s = sum(unif(key(tag, i, l, r)) for r in range(4))
            x[i, l] = centres[i % nb][l] + (s - 2.0) * spread
    return x.astype(np.float32)


def inertia64(x, labels, centres):
    diff = x.astype(np.float64) - centres.astype(np.float64)[labels]
    return float((diff * diff).sum())


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def best_of(x, k, n_init=10, seed=0):
    km = KMeans(n_clusters=k, n_init=n_init, random_state=seed, algorithm="lloyd").fit(x)
    return km, inertia64(x, km.labels_, km.cluster_centers_)


def from_init(x, rows, tol):
    """Lloyd from the given rows, checking that n_iter is robust to tol's rounding."""
    km = KMeans(n_clusters=len(rows), init=x[rows], n_init=1, tol=tol, algorithm="lloyd").fit(x)
    for t in (tol * (1 - 1e-3), tol * (1 + 1e-3)):
        if tol > 0:
            other = KMeans(n_clusters=len(rows), init=x[rows], n_init=1, tol=t, algorithm="lloyd").fit(x)
            assert other.n_iter_ == km.n_iter_, "n_iter sits on the tol boundary: pick another case"
    return km


def c_floats(a, per_line=5):
    """A C initializer's values, per_line to a line, continued with backslashes."""
    v = [f"{x:.9g}f" for x in np.asarray(a).ravel()]
    lines = [", ".join(v[i:i + per_line]) for i in range(0, len(v), per_line)]
    return ", \\\n    ".join(lines)


print(f"// sklearn {sklearn.__version__}, numpy {np.__version__}")

# Well separated: 3 blobs 20 apart, noise within +-2 per coordinate.
sep = blobs(1, 300, 4, [[0, 0, 0, 0], [20, 0, 0, 0], [0, 20, 0, 0]], 1.0)
km, inert = best_of(sep, 3)
truth = np.arange(300) % 3
same = all(len(set(km.labels_[truth == b])) == 1 for b in range(3)) and len(set(km.labels_)) == 3
print(f"// SEP 300x4 k=3: partition recovered {same}, inertia {inert:.10g}")
print(f"#define SEP_INERTIA {inert:.17g}")

# Moderate: 5 overlapping blobs in 10-d, integer centres in [-2, 2], noise std ~1.7: single
# k-means++ runs end in different local minima, so n_init matters.
mod = blobs(2, 2000, 10, hash_centres(102, 5, 10, 2), 3.0)
km, inert = best_of(mod, 5)
print(f"// MOD 2000x10 k=5 n_init=10 seed 0: best inertia (float64) {inert:.10g}, n_iter {km.n_iter_}")
print(f"#define MOD_BEST_INERTIA {inert:.17g}")
# Lloyd alone, from rows 0, 5, 10, 15, 20 (all in blob 0, so it has a long way to go).
for tol in (0.0, 1e-4, 1e-2):
    km = from_init(mod, [0, 5, 10, 15, 20], tol)
    lab = km.labels_.astype(np.int64)
    tag = {0.0: "TOL0", 1e-4: "TOL4", 1e-2: "TOL2"}[tol]
    print(f"// MOD from rows 0, 5, .., 20, tol {tol}: n_iter {km.n_iter_}")
    print(f"#define MOD_{tag}_NITER {km.n_iter_}")
    print(f"#define MOD_{tag}_INERTIA {inertia64(mod, km.labels_, km.cluster_centers_):.17g}")
    print(f"#define MOD_{tag}_LABEL_CHECK {int((np.arange(2000) * lab).sum())} /* sum of i * label_i */")
    print(f"#define MOD_{tag}_COUNTS {{{', '.join(str(c) for c in np.bincount(lab, minlength=5))}}}")
    print(f"#define MOD_{tag}_CENTROIDS {{ \\\n    {c_floats(km.cluster_centers_)}}}")

# Real data: the first 1000 Fashion-MNIST test images, pixels / 255. With k = 5 the best of 10
# restarts lands within 4e-5 of one value for every random_state 0..7 (k = 10 spreads over 0.5 %,
# which would make a one-seed comparison a matter of luck).
data = sys.argv[1] if len(sys.argv) > 1 else "data"
img = read_idx(os.path.join(data, "fashion-mnist", "t10k-images-idx3-ubyte.gz"))[:1000]
fm = img.reshape(1000, -1).astype(np.float32) / 255.0
km, inert = best_of(fm, 5)
print(f"// Fashion-MNIST t10k[:1000] k=5 n_init=10 seed 0: best inertia (float64) {inert:.10g}")
print(f"#define FM1000_BEST_INERTIA {inert:.17g}")
km = from_init(fm, list(range(10)), 1e-4)
lab = km.labels_.astype(np.int64)
print(f"// Fashion-MNIST t10k[:1000] k=10, Lloyd from rows 0..9, tol 1e-4: n_iter {km.n_iter_}")
print(f"#define FM1000_LLOYD_NITER {km.n_iter_}")
print(f"#define FM1000_LLOYD_INERTIA {inertia64(fm, km.labels_, km.cluster_centers_):.17g}")
print(f"#define FM1000_LLOYD_LABEL_CHECK {int((np.arange(1000) * lab).sum())} /* sum of i * label_i */")
print(f"#define FM1000_LLOYD_COUNTS {{{', '.join(str(c) for c in np.bincount(lab, minlength=10))}}}")
