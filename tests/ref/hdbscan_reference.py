# An independent plain NumPy/SciPy HDBSCAN, with the semantics of the hdbscan
# library (and scikit-learn 1.3's HDBSCAN, whose min_samples counts the point
# itself), and the golden outputs it gives for tests/test_hdbscan.c.
#
#   core distance   distance to the min_samples-th nearest point, itself the first
#   mutual reach.   max(core_a, core_b, |a - b|)
#   spanning tree   scipy.sparse.csgraph.minimum_spanning_tree, checked against a
#                   Kruskal over every pair in the order (weight, a, b), a < b, the
#                   order aeclust uses to make the tree unique
#   hierarchy       the edges sorted by (weight, a, b), merging find(a) (left) and find(b)
#   condensed tree  hdbscan's condense_tree (breadth first, left before right)
#   selection       excess of mass or leaves, epsilon, allow_single_cluster, labels
#                   (a union-find over the condensed tree), probabilities, persistence
#
# Writes tests/hdbscan_golden.h. Run:
#   LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 tests/ref/hdbscan_reference.py
import os
import numpy as np
from scipy.sparse.csgraph import minimum_spanning_tree
from sklearn.datasets import make_blobs, make_moons
from sklearn.metrics import adjusted_rand_score


def distances(x):
    x = x.astype(np.float64)
    s = np.zeros((x.shape[0], x.shape[0]))
    for j in range(x.shape[1]):  # summed over the coordinates in order, as the C code
        e = x[:, None, j] - x[None, :, j]
        s += e * e
    return np.sqrt(s)


def mutual_reachability(x, min_samples):
    d = distances(x)
    core = np.sort(d, axis=1)[:, min_samples - 1]
    return np.maximum(np.maximum(core[:, None], core[None, :]), d), core


class UnionFind:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i


def kruskal(mr):
    n = mr.shape[0]
    a, b = np.triu_indices(n, 1)
    w = mr[a, b]
    order = np.lexsort((b, a, w))
    uf, edges = UnionFind(n), []
    for k in order:
        ra, rb = uf.find(a[k]), uf.find(b[k])
        if ra != rb:
            uf.parent[max(ra, rb)] = min(ra, rb)
            edges.append((int(a[k]), int(b[k]), float(w[k])))
    return edges


def scipy_mst(mr):
    t = minimum_spanning_tree(mr).tocoo()
    return [(int(min(i, j)), int(max(i, j)), float(v)) for i, j, v in zip(t.row, t.col, t.data)]


def single_linkage(edges, n):
    edges = sorted(edges, key=lambda e: (e[2], e[0], e[1]))
    parent = np.arange(2 * n - 1)
    size = np.concatenate([np.ones(n, int), np.zeros(n - 1, int)])
    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i
    h = []
    for m, (a, b, w) in enumerate(edges):
        ra, rb = find(a), find(b)
        parent[ra] = parent[rb] = n + m
        size[n + m] = size[ra] + size[rb]
        h.append((ra, rb, w, size[n + m]))
    return h, edges


def bfs(h, n, root):
    out, todo = [], [root]
    while todo:
        out.extend(todo)
        todo = [c for v in todo if v >= n for c in h[v - n][:2]]
    return out


def condense(h, n, mcs):
    root = 2 * n - 2
    relabel = {root: n}
    next_label = n + 1
    ignore = set()
    rows = []
    for node in bfs(h, n, root):
        if node in ignore or node < n:
            continue
        left, right, w, _ = h[node - n]
        lam = 1.0 / w if w > 0 else np.inf
        lc = h[left - n][3] if left >= n else 1
        rc = h[right - n][3] if right >= n else 1
        p = relabel[node]
        def fall(sub):
            for v in bfs(h, n, sub):
                if v < n:
                    rows.append((p, v, lam, 1))
                ignore.add(v)
        if lc >= mcs and rc >= mcs:
            relabel[left] = next_label; next_label += 1
            rows.append((p, relabel[left], lam, lc))
            relabel[right] = next_label; next_label += 1
            rows.append((p, relabel[right], lam, rc))
        elif lc < mcs and rc < mcs:
            fall(left); fall(right)
        elif lc < mcs:
            relabel[right] = p; fall(left)
        else:
            relabel[left] = p; fall(right)
    return rows


def stabilities(rows, n):
    birth = {n: 0.0}
    for p, c, lam, s in rows:
        if c >= n:
            birth[c] = lam
    stab = {c: 0.0 for c in birth}
    for p, c, lam, s in rows:
        stab[p] += (lam - birth[p]) * s
    return stab, birth


def select(rows, n, selection="eom", epsilon=0.0, allow_single=False):
    stab, birth = stabilities(rows, n)
    root = n
    ctree = [(p, c, lam, s) for p, c, lam, s in rows if s > 1]
    parent_of = {c: p for p, c, lam, s in ctree}
    children = {}
    for p, c, lam, s in ctree:
        children.setdefault(p, []).append(c)
    def below(c):
        out, todo = [], list(children.get(c, []))
        while todo:
            v = todo.pop()
            out.append(v)
            todo.extend(children.get(v, []))
        return out
    def traverse_upwards(leaf):
        while True:
            p = parent_of[leaf]
            if p == root:
                return root if allow_single else leaf
            if 1.0 / birth[p] > epsilon:
                return p
            leaf = p
    def epsilon_search(cands):
        chosen, processed = set(), set()
        for c in sorted(cands):
            if 1.0 / birth[c] < epsilon:
                if c not in processed:
                    e = traverse_upwards(c)
                    chosen.add(e)
                    processed.update(below(e))
            else:
                chosen.add(c)
        return chosen
    nodes = sorted(stab, reverse=True)
    if not allow_single:
        nodes = nodes[:-1]
    is_cluster = {c: True for c in nodes}
    if selection == "eom":
        for c in nodes:
            sub = sum(stab[ch] for ch in children.get(c, []))
            if sub > stab[c]:
                is_cluster[c] = False
                stab[c] = sub
            else:
                for v in below(c):
                    is_cluster[v] = False
        if epsilon != 0 and ctree:
            eom = [c for c in is_cluster if is_cluster[c]]
            if len(eom) == 1 and eom[0] == root:
                chosen = set(eom) if allow_single else set()
            else:
                chosen = epsilon_search(eom)
            is_cluster = {c: c in chosen for c in is_cluster}
    else:
        leaves = {c for c in stab if c != root and c not in children} if ctree else set()
        chosen = epsilon_search(leaves) if epsilon != 0 else leaves
        is_cluster = {c: c in chosen for c in is_cluster}
    clusters = sorted(c for c in is_cluster if is_cluster[c])
    cmap = {c: i for i, c in enumerate(clusters)}
    # labels: a union-find over the condensed tree, cut above the selected clusters
    uf = UnionFind(max(max(p, c) for p, c, _, _ in rows) + 1)
    for p, c, lam, s in rows:
        if c not in cmap:
            rp, rc = uf.find(p), uf.find(c)
            uf.parent[rc] = rp  # the parent side stays the root
    lam_of = {c: lam for p, c, lam, s in rows if c < n}
    root_max = max(lam for p, c, lam, s in rows if p == root)
    labels = np.full(n, -1)
    for i in range(n):
        c = uf.find(i)
        if c == root:
            if len(clusters) == 1 and allow_single and clusters[0] == root:
                thr = 1.0 / epsilon if epsilon != 0 else root_max
                if lam_of[i] >= thr:
                    labels[i] = cmap[root]
        elif c in cmap:
            labels[i] = cmap[c]
    deaths = {}
    for p, c, lam, s in rows:
        deaths[p] = max(deaths.get(p, 0.0), lam)
    prob = np.zeros(n)
    for p, c, lam, s in rows:
        if c >= n or labels[c] < 0:
            continue
        m = deaths[clusters[labels[c]]]
        prob[c] = 1.0 if m == 0 or not np.isfinite(lam) else min(lam, m) / m
    max_lambda = max(lam for _, _, lam, _ in rows)
    persistence, stability = [], []
    for i, c in enumerate(clusters):
        size = int((labels == i).sum())
        stability.append(stab[c])
        persistence.append(1.0 if np.isinf(max_lambda) or max_lambda == 0 or size == 0 else stab[c] / (size * max_lambda))
    return labels, prob, np.array(stability), np.array(persistence), clusters


def hdbscan(x, mcs=5, min_samples=None, selection="eom", epsilon=0.0, allow_single=False, tree="scipy"):
    n = x.shape[0]
    mr, core = mutual_reachability(x, min_samples or mcs)
    edges = scipy_mst(mr) if tree == "scipy" else kruskal(mr)
    h, edges = single_linkage(edges, n)
    rows = condense(h, n, mcs)
    return select(rows, n, selection, epsilon, allow_single) + (core, edges, rows)


if __name__ == "__main__":
    rng = np.random.RandomState(11)
    sets = []
    x, _ = make_blobs(n_samples=270, centers=[(0, 0), (4, 4), (-4, 3)], cluster_std=[0.6, 0.9, 0.4], random_state=1)
    blobs = np.vstack([x, rng.uniform(-7, 7, size=(60, 2))]).astype(np.float32)
    moons = make_moons(n_samples=300, noise=0.08, random_state=2)[0].astype(np.float32)
    parts = [rng.normal((cx, cy), s, size=(m, 2)) for cx, cy, s, m in
             [(0, 0, 0.3, 150), (3, 0.5, 0.5, 120), (1.5, 4, 0.2, 80), (-3, 3, 0.8, 100), (6, 5, 0.15, 40), (6.6, 5.3, 0.15, 30)]]
    t = rng.uniform(0, 1, size=(25, 1))
    parts.append(np.hstack([t * 3, t * 0.5]) + rng.normal(0, 0.05, size=(25, 2)))
    parts.append(rng.uniform(-5, 8, size=(40, 2)))
    umap_like = np.vstack(parts).astype(np.float32)
    x, _ = make_blobs(n_samples=400, n_features=10, centers=5, cluster_std=[0.5, 1.0, 1.5, 0.8, 2.0], random_state=4)
    blobs10 = np.vstack([x, rng.uniform(-12, 12, size=(30, 10))]).astype(np.float32)
    one_blob = rng.normal(0, 1, size=(120, 2)).astype(np.float32)
    x, _ = make_blobs(n_samples=300, n_features=24, centers=4, cluster_std=[1.0, 2.0, 1.5, 3.0], random_state=5)
    blobs24 = np.vstack([x, rng.uniform(-15, 15, size=(20, 24))]).astype(np.float32)
    cases = [
        ("blobs_eom", blobs, dict(mcs=10)),
        ("blobs_leaf_ms3", blobs, dict(mcs=10, min_samples=3, selection="leaf")),
        ("blobs_eps", blobs, dict(mcs=5, epsilon=1.0)),
        ("moons", moons, dict(mcs=15, min_samples=5)),
        ("moons_leaf", moons, dict(mcs=8, selection="leaf")),
        ("umap_like", umap_like, dict(mcs=20, min_samples=8)),
        ("umap_like_leaf_eps", umap_like, dict(mcs=10, selection="leaf", epsilon=0.5)),
        ("umap_like_single", umap_like, dict(mcs=20, min_samples=8, allow_single=True)),
        ("blobs10", blobs10, dict(mcs=25, min_samples=10)),
        ("one_blob_single", one_blob, dict(mcs=10, allow_single=True)),
        ("one_blob", one_blob, dict(mcs=10)),
        ("blobs24", blobs24, dict(mcs=20, min_samples=6)),
    ]
    out = ["/* Generated by tests/ref/hdbscan_reference.py: do not edit. */", "#ifndef AE_TEST_HDBSCAN_GOLDEN_H",
           "#define AE_TEST_HDBSCAN_GOLDEN_H", "#include <stdint.h>", ""]
    datasets = {}
    for name, x, kw in cases:
        key = id(x)
        if key not in datasets:
            dname = "hdb_x%d" % len(datasets)
            datasets[key] = dname
            out.append("static const float %s[] = {%s};" % (dname, ", ".join("%.9g" % v for v in x.ravel())))
        labels, prob, stab, pers, clusters, core, edges, rows = hdbscan(x, **kw)
        l2, p2, s2, q2, c2, _, e2, _ = hdbscan(x, tree="kruskal", **kw)
        same_tree = sorted(e[2] for e in edges) == sorted(e[2] for e in e2)
        assert same_tree, name
        if not (np.array_equal(labels, l2) and np.allclose(prob, p2)):
            print("  %s: scipy's tree and the (weight, a, b) Kruskal tree differ in ties (%d labels differ, ARI %.4f); golden from the latter"
                  % (name, (labels != l2).sum(), adjusted_rand_score(labels, l2)))
            labels, prob, stab, pers, clusters, core, edges, rows = hdbscan(x, tree="kruskal", **kw)
        mst = sum(e[2] for e in edges)
        print("%-20s n=%d d=%d %s: %d clusters, %d noise, MST %.6f" % (name, x.shape[0], x.shape[1], kw, len(clusters), (labels < 0).sum(), mst))
        out.append("static const int32_t hdb_%s_labels[] = {%s};" % (name, ", ".join(str(int(v)) for v in labels)))
        out.append("static const double hdb_%s_prob[] = {%s};" % (name, ", ".join("%.17g" % v for v in prob)))
        out.append("static const double hdb_%s_stab[] = {%s};" % (name, ", ".join("%.17g" % v for v in stab) or "0"))
        out.append("static const double hdb_%s_pers[] = {%s};" % (name, ", ".join("%.17g" % v for v in pers) or "0"))
        out.append("static const int32_t hdb_%s_nodes[] = {%s};" % (name, ", ".join(str(c) for c in clusters) or "0"))
        kw["mst"] = mst
        kw["k"] = len(clusters)
    out.append("")
    out.append("static const struct {\n    const char *name;\n    const float *x;\n    int n, d, min_cluster_size, min_samples, leaf, allow_single;\n"
               "    double epsilon, mst_weight;\n    int n_clusters;\n    const int32_t *labels, *nodes;\n    const double *prob, *stability, *persistence;\n} hdbscan_golden[] = {")
    for name, x, kw in cases:
        out.append('    {"%s", %s, %d, %d, %d, %d, %d, %d, %r, %.17g, %d, hdb_%s_labels, hdb_%s_nodes, hdb_%s_prob, hdb_%s_stab, hdb_%s_pers},' % (
            name, datasets[id(x)], x.shape[0], x.shape[1], kw["mcs"], kw.get("min_samples") or 0, kw.get("selection") == "leaf",
            int(kw.get("allow_single", False)), float(kw.get("epsilon", 0.0)), kw["mst"], kw["k"], name, name, name, name, name))
    out += ["};", "", "#endif", ""]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hdbscan_golden.h")
    open(path, "w").write("\n".join(out))
