# Golden values for tests/test_gmm.c: scikit-learn 1.2.1's GaussianMixture on the
# same 300 x 3 points (three blobs from a 31-bit LCG, as test_gmm.c's make_blobs)
# from the same initial means, run to convergence. Run: /usr/bin/python3 gmm_golden.py
import numpy as np
from sklearn.mixture import GaussianMixture

def make_blobs():
    centres = [(0.0, 0.0, 0.0), (4.0, 1.0, -2.0), (-3.0, 5.0, 1.0)]
    scales = [(1.0, 0.5, 0.8), (0.6, 1.2, 0.7), (0.9, 0.9, 1.5)]
    s = 12345
    x = np.zeros((300, 3))
    for i in range(300):
        c = i % 3
        for j in range(3):
            u = 0.0
            for _ in range(4):
                s = (s * 1103515245 + 12345) % 2**31
                u += s / 2**31
            x[i, j] = centres[c][j] + scales[c][j] * (u - 2.0) * 1.7
    return x.astype(np.float32)

X = make_blobs()
M = np.array([[0.5, 0.5, 0.5], [3.0, 0.0, -1.0], [-2.0, 4.0, 0.0]])
for cov in ["full", "diag", "spherical"]:
    g = GaussianMixture(3, covariance_type=cov, means_init=M, tol=1e-10, max_iter=1000, random_state=0).fit(X)
    print(f'{{"{cov}", {g.score(X):.12g}, {g.bic(X):.12g}, {g.aic(X):.12g}}},')
