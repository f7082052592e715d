"""scikit-learn's side of bench/bench_metrics.c: silhouette_score and davies_bouldin_score on the
Fashion-MNIST test pixels (10,000 x 784, float32 in [0, 1]) labelled by their true classes;
median of three runs each, plus the values on the same numbers as float64.

Run as the peer reference runs (Debian's Python, numpy on OpenBLAS, 2 threads):
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 tests/ref/metrics_bench.py [DATA_DIR]
"""
import gzip, os, sys, time
import numpy as np
import sklearn
from sklearn.metrics import silhouette_score, davies_bouldin_score


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get("AECLUST_DATA", "data"), "fashion-mnist")
if not os.path.exists(os.path.join(d, "t10k-images-idx3-ubyte.gz")):
    d = "/usr/share/datasets/fashion-mnist"
X = read_idx(os.path.join(d, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float32) / 255.0
y = read_idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
print("# sklearn", sklearn.__version__, "numpy", np.__version__)
for name, fn in (("silhouette", silhouette_score), ("davies_bouldin", davies_bouldin_score)):
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        v = fn(X, y)
        times.append(time.perf_counter() - t0)
    times.sort()
    v64 = fn(X.astype(np.float64), y)
    print("sklearn %s_%dx%d: %.3f s (median of 3; min %.3f), value %.15g (float64 input: %.15g)"
          % (name, X.shape[0], X.shape[1], times[1], times[0], v, v64), flush=True)
