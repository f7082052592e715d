#!/usr/bin/python3
"""Reference numbers for the real-data tests in tests/test_dataset.c, read with NumPy
independently of aeclust (plain gzip + frombuffer, as /work/shared/peer/common.py does).

usage: /usr/bin/python3 tests/ref/data_reference.py [DATA_DIR]   (default: ./data)
"""
import gzip
import os
import sys

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def report(tag, images, labels):
    x = images.reshape(len(images), -1)
    print(f"{tag}: n={len(x)} d={x.shape[1]}")
    print(f"  histogram {np.bincount(labels, minlength=10).tolist()}")
    for i in (0, len(x) // 2 + 1, len(x) - 1):
        xf = x[i].astype(np.float32) / 255.0
        print(f"  row {i}: label {labels[i]} uint8 sum {int(x[i].astype(np.int64).sum())} "
              f"float sum {float(xf.astype(np.float64).sum()):.10f}")
    print(f"  total uint8 sum {int(x.astype(np.int64).sum())}")


data = sys.argv[1] if len(sys.argv) > 1 else "data"
for name, prefixes in (("fashion-mnist", ("train", "t10k")), ("mnist", ("train",))):
    for p in prefixes:
        d = os.path.join(data, name)
        report(f"{name} {p}", read_idx(os.path.join(d, f"{p}-images-idx3-ubyte.gz")),
               read_idx(os.path.join(d, f"{p}-labels-idx1-ubyte.gz")))
