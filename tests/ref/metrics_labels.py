"""Golden values for tests/test_metrics.c (label metrics), from scikit-learn 1.2.1 / scipy.

Run with Debian's Python:  /usr/bin/python3 tests/ref/metrics_labels.py
Prints, per case, ACC (scipy's linear_sum_assignment on the contingency table, maximised),
purity, adjusted_rand_score and normalized_mutual_info_score (arithmetic mean), with %.17g,
in the order the C test lists them.
"""
import sys, os
import numpy as np
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metrics_data import draw_labels, noisy_labels  # noqa: E402


def acc(y, p):
    cm = contingency_matrix(y, p)
    r, c = linear_sum_assignment(-cm)
    return cm[r, c].sum() / len(y)


def purity(y, p):
    cm = contingency_matrix(y, p)
    return cm.max(axis=0).sum() / len(y)


def cases():
    # must match the order and recipes of label_cases[] in tests/test_metrics.c
    t = draw_labels(1, 200, list(range(5)))
    yield "random_5_classes_7_clusters", t, draw_labels(2, 200, list(range(7)))
    t = draw_labels(3, 100, [3, 7, 100])
    yield "sparse_ids", t, draw_labels(4, 100, [0, 5, 42, 1000000])
    yield "one_cluster", draw_labels(5, 50, [0, 1, 2, 3]), np.full(50, 9)
    yield "pred_singletons", draw_labels(6, 30, [0, 1, 2]), np.arange(30)
    yield "both_singletons", np.arange(25), np.arange(25)[::-1].copy()
    yield "one_class_one_cluster", np.full(12, 4), np.full(12, 8)
    yield "huge_ids", draw_labels(7, 60, [2000000000, 5, 1999999999]), draw_labels(8, 60, [123456789, 0])
    t = draw_labels(9, 90, list(range(6)))
    yield "6_classes_3_clusters", t, noisy_labels(10, t, 3, 6)
    t = draw_labels(11, 1000, list(range(10)))
    yield "10_classes_10_clusters_n1000", t, noisy_labels(12, t, 10, 5)
    t = draw_labels(13, 20000, list(range(10)))
    yield "10_classes_12_clusters_n20000", t, noisy_labels(14, t, 12, 7)
    yield "two_points_split", np.array([0, 1]), np.array([0, 0])
    yield "two_points_swapped", np.array([0, 1]), np.array([1, 0])
    yield "two_points_one_class", np.array([0, 0]), np.array([0, 1])
    yield "one_point", np.array([4]), np.array([2])


print("# sklearn", sklearn.__version__, "numpy", np.__version__)
print("# name: acc purity ari nmi")
for name, y, p in cases():
    vals = (acc(y, p), purity(y, p), adjusted_rand_score(y, p), normalized_mutual_info_score(y, p))
    print("    {\"%s\", %s}," % (name, ", ".join("%.17g" % v for v in vals)))
