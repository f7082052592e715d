"""The metric tests' input data, generated exactly as tests/metrics_data.h does in C.

ae_rng (src/core/rng.c: xoshiro256** seeded through splitmix64) is ported bit for bit, and every
recipe below uses only integer draws and exact double arithmetic (power-of-two scales), so Python
and C build identical float32 matrices and label arrays. Imported by the metrics_*.py scripts.
"""
import numpy as np

M64 = (1 << 64) - 1


class Rng:
    def __init__(self, seed):
        x = seed & M64
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & M64

    def next(self):
        s = self.s
        result = (self._rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0**-53

    def below(self, n):
        limit = M64 - M64 % n
        while True:
            x = self.next()
            if x < limit:
                return x % n


def draw_labels(seed, n, ids):
    """labels[i] = ids[below(len(ids))]  (C: metrics_draw_labels)."""
    r = Rng(seed)
    return np.array([ids[r.below(len(ids))] for _ in range(n)], dtype=np.int64)


def noisy_labels(seed, truth, k, keep_of_10):
    """With probability keep/10 keep (truth % k), else a uniform cluster (C: metrics_noisy_labels)."""
    r = Rng(seed)
    out = []
    for t in truth:
        if r.below(10) < keep_of_10:
            out.append(int(t) % k)
        else:
            out.append(r.below(k))
    return np.array(out, dtype=np.int64)


def blobs(seed, n, d, k, center_range, noise_scale, singleton):
    """Points around k integer centres in [-center_range, center_range]; noise (u - 0.5) * noise_scale
    (a power of two). Labels uniform over 0..k-1, or with singleton set, point 0 alone in cluster k-1
    and the rest over 0..k-2 (C: metrics_blobs)."""
    r = Rng(seed)
    centres = [[float(r.below(2 * center_range + 1)) - center_range for _ in range(d)] for _ in range(k)]
    X = np.zeros((n, d), dtype=np.float32)
    y = np.zeros(n, dtype=np.int64)
    for i in range(n):
        if singleton:
            c = k - 1 if i == 0 else r.below(k - 1)
        else:
            c = r.below(k)
        y[i] = c
        for j in range(d):
            X[i, j] = np.float32(centres[c][j] + (r.uniform() - 0.5) * noise_scale)
    return X, y


def draw_sample(n, m, seed):
    """ae_silhouette's subset: a partial Fisher-Yates shuffle, first m indices."""
    r = Rng(seed)
    idx = list(range(n))
    for i in range(m):
        j = i + r.below(n - i)
        idx[i], idx[j] = idx[j], idx[i]
    return np.array(idx[:m])
