"""Unit tests of helpers.graphs (chapter 3 onwards): against brute-force references."""

import numpy as np
import pytest
import torch

from helpers.graphs import edge_homophily, knn_graph, node_degrees, threshold_graph


def cosine_sim(X):
    Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
    return Xn @ Xn.T


def edge_set(edge_index):
    return set(map(tuple, edge_index.T.tolist()))


@pytest.fixture
def X():
    return np.random.default_rng(0).normal(size=(40, 6))


def test_threshold_graph_matches_brute_force(X):
    threshold = 0.3
    ei, w = threshold_graph(X, threshold=threshold, connect_isolated=False)
    sim = cosine_sim(X)
    expected = {
        (i, j)
        for i in range(40)
        for j in range(40)
        if i != j and sim[i, j] >= threshold
    }
    assert edge_set(ei) == expected
    np.testing.assert_allclose(w.numpy(), 1.7 ** sim[ei[0], ei[1]], rtol=1e-5)


def test_threshold_graph_connects_isolated_to_most_similar(X):
    ei, w = threshold_graph(X, threshold=0.99, weight_base=None)
    assert w is None
    assert (node_degrees(ei, 40) >= 1).all()
    sim = cosine_sim(X)
    np.fill_diagonal(sim, -np.inf)
    for i in range(40):
        assert (i, int(sim[i].argmax())) in edge_set(ei)
    assert edge_set(ei) == {(b, a) for a, b in edge_set(ei)}


def test_threshold_graph_bad_input(X):
    with pytest.raises(ValueError, match="threshold"):
        threshold_graph(X, threshold=1.5)
    with pytest.raises(ValueError, match="metric"):
        threshold_graph(X, metric="euclidean")
    with pytest.raises(ValueError, match="weight_base"):
        threshold_graph(X, weight_base=0)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        threshold_graph(bad)
    with pytest.raises(ValueError, match="2-D"):
        threshold_graph(X[0])


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_knn_graph_matches_brute_force(X, metric):
    k = 4
    ei, dist = knn_graph(X, k, metric=metric, symmetric=False, return_distance=True)
    if metric == "cosine":
        d = 1 - cosine_sim(X)
    else:
        d = np.linalg.norm(X[:, None] - X[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    expected = {(i, int(j)) for i in range(40) for j in np.argsort(d[i])[:k]}
    assert edge_set(ei) == expected
    np.testing.assert_allclose(dist.numpy(), d[ei[0], ei[1]], rtol=1e-5, atol=1e-6)
    assert (node_degrees(ei, 40) == k).all()


def test_knn_graph_symmetric_and_self_loops(X):
    directed = edge_set(knn_graph(X, 3, symmetric=False)[0])
    ei, none = knn_graph(X, 3, symmetric=True, self_loops=True)
    assert none is None
    edges = edge_set(ei)
    assert edges == directed | {(b, a) for a, b in directed} | {
        (i, i) for i in range(40)
    }
    assert ei.shape[1] == len(edges)  # no duplicates
    assert ei.dtype == torch.long
    keys = (ei[0] * 40 + ei[1]).numpy()
    assert (np.diff(keys) > 0).all()  # sorted by source, then target


@pytest.mark.parametrize("k", [0, 40, 41, 2.5, True])
def test_knn_graph_bad_k(X, k):
    with pytest.raises(ValueError, match="k must be"):
        knn_graph(X, k)


def test_knn_graph_bad_input(X):
    with pytest.raises(ValueError, match="metric"):
        knn_graph(X, 3, metric="manhattan")
    bad = X.copy()
    bad[1, 1] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        knn_graph(bad, 3)
    with pytest.raises(ValueError, match="at least 2 samples"):
        knn_graph(X[:1], 1)


def test_edge_homophily():
    ei = torch.tensor([[0, 1, 1, 2, 2], [1, 0, 2, 1, 2]])
    y = torch.tensor([0, 0, 1])
    assert edge_homophily(ei, y) == 0.5  # self loop (2, 2) ignored
    with pytest.raises(ValueError, match="no edges"):
        edge_homophily(torch.tensor([[0], [0]]), y)
    with pytest.raises(ValueError, match="only 2 labels"):
        edge_homophily(ei, y[:2])
    with pytest.raises(ValueError, match="shape"):
        edge_homophily(torch.zeros(3, 2, dtype=torch.long), y)


def test_node_degrees():
    ei = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    assert node_degrees(ei, 4).tolist() == [1, 2, 1, 0]
    with pytest.raises(ValueError, match="num_nodes"):
        node_degrees(ei, 2)


def test_knn_graph_wrong_shapes(X):
    with pytest.raises(ValueError, match="2-D"):
        knn_graph(X[:, 0], 3)
    with pytest.raises(ValueError, match="2-D"):
        knn_graph(X[None], 3)


def test_class_homophily():
    from helpers.graphs import class_homophily

    ei = torch.tensor([[0, 1, 1, 2, 2], [1, 0, 2, 1, 2]])
    y = np.array(["a", "a", "b"])
    share = class_homophily(ei, y)
    assert share.index.tolist() == ["a", "b"]
    assert share["a"] == pytest.approx(2 / 3)  # edges 0-1, 1-0 same; 1-2 crosses
    assert share["b"] == 0.0  # the self loop (2, 2) is ignored
    with pytest.raises(ValueError, match="only 2 labels"):
        class_homophily(ei, y[:2])


def test_edge_homophily_weighted():
    y = np.array([0, 0, 1])
    ei = torch.tensor([[0, 0, 1, 2], [1, 2, 2, 2]])
    # same-class edge 0-1 (weight 3), cross edges 0-2 (1) and 1-2 (0); self loop ignored
    w = torch.tensor([3.0, 1.0, 0.0, 100.0])
    assert edge_homophily(ei, y, w) == pytest.approx(0.75)
    assert edge_homophily(ei, y, torch.ones(4)) == pytest.approx(edge_homophily(ei, y))
    with pytest.raises(ValueError, match="edge_weight"):
        edge_homophily(ei, y, torch.ones(3))
    with pytest.raises(ValueError, match="edge_weight"):
        edge_homophily(ei, y, torch.tensor([1.0, -1.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="edge_weight"):
        edge_homophily(ei, y, torch.tensor([0.0, 0.0, 0.0, 5.0]))  # no weight off loops


# --- issue 18: fast exact builders, checked edge for edge against brute force ---------


def reference_knn(X, k, metric):
    """Brute force over the full distance matrix: k nearest others, ties to the lower index."""
    Z = np.asarray(X, dtype=float)
    if metric == "cosine":
        Z = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    sq = ((Z[:, None] - Z[None]) ** 2).sum(-1)
    np.fill_diagonal(sq, np.inf)
    n = len(Z)
    idx = np.array([np.lexsort((np.arange(n), row))[:k] for row in sq])
    d = sq[np.arange(n)[:, None], idx]
    return idx, (d / 2 if metric == "cosine" else np.sqrt(d))


def old_knn_graph(X, k, metric):
    """The implementation before issue 18 (cosine by brute force), directed edges."""
    from sklearn.neighbors import NearestNeighbors

    X = np.asarray(X, dtype=float)
    algorithm = "brute" if metric == "cosine" else "auto"
    search = NearestNeighbors(n_neighbors=k, metric=metric, algorithm=algorithm)
    dist, idx = search.fit(X).kneighbors()
    return idx, dist


def old_threshold_graph(X, threshold, weight_base=1.7):
    """The threshold graph before issue 18 (brute-force cosine radius search)."""
    from sklearn.neighbors import NearestNeighbors

    X = np.asarray(X, dtype=float)
    n = len(X)
    search = NearestNeighbors(
        radius=1.0 - threshold + 1e-12, metric="cosine", algorithm="brute"
    ).fit(X)
    graph = search.radius_neighbors_graph(mode="distance")
    rows = np.repeat(np.arange(n), np.diff(graph.indptr))
    cols, sims = graph.indices.astype(np.int64), 1.0 - graph.data
    lonely = np.setdiff1d(np.arange(n), rows)
    if lonely.size:
        dist, idx = search.kneighbors(X[lonely], n_neighbors=2)
        other = np.where(idx[:, 0] == lonely, idx[:, 1], idx[:, 0])
        other_dist = np.where(idx[:, 0] == lonely, dist[:, 1], dist[:, 0])
        rows, cols = np.r_[rows, lonely], np.r_[cols, other]
        sims = np.r_[sims, 1.0 - other_dist]
    src, dst = np.r_[rows, cols], np.r_[cols, rows]
    keys, first = np.unique(src * n + dst, return_index=True)
    keep = keys // n != keys % n
    return (
        np.stack([keys // n, keys % n])[:, keep],
        weight_base ** np.r_[sims, sims][first][keep],
    )


def tie_datasets():
    """Random data, and data full of exact ties: duplicated rows, rows scaled by 2
    (the same direction, exactly), and small integers (many equal distances)."""
    rng = np.random.default_rng(1)
    base = rng.normal(size=(30, 5))
    return {
        "normal": rng.normal(size=(50, 7)),
        "duplicates": np.vstack([base, base[:12], base[:5]]),
        "scaled": np.vstack([base, 2 * base[:10], 4 * base[:3]]),
        "integers": rng.integers(1, 4, size=(60, 4)).astype(float),
        "axes": np.vstack([np.eye(4), 2 * np.eye(4), np.ones((2, 4))]),
    }


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("name", list(tie_datasets()))
@pytest.mark.parametrize("k", [1, 3, 8])
def test_knn_graph_equals_brute_force_with_ties(metric, name, k):
    X = tie_datasets()[name]
    n = len(X)
    ei, dist = knn_graph(X, k, metric=metric, symmetric=False, return_distance=True)
    idx, d = reference_knn(X, k, metric)
    assert ei[0].tolist() == np.repeat(np.arange(n), k).tolist()
    got = ei[1].numpy().reshape(n, k)
    # the same neighbours for every sample (ties to the lower index), nearest first
    assert [sorted(r) for r in got.tolist()] == [sorted(r) for r in idx.tolist()]
    dist = dist.numpy().reshape(n, k)
    assert (np.diff(dist, axis=1) >= -1e-6).all()
    np.testing.assert_allclose(dist, np.sort(d, axis=1), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("shape", [(300, 5), (300, 30)])  # a tree, and brute force
def test_knn_graph_identical_to_old_implementation(metric, shape):
    X = np.random.default_rng(2).normal(size=shape)
    idx, dist = old_knn_graph(X, 10, metric)
    rows = np.repeat(np.arange(shape[0]), 10)
    ei, d = knn_graph(X, 10, metric=metric, symmetric=False, return_distance=True)
    assert torch.equal(ei, torch.tensor(np.stack([rows, idx.ravel()])))
    np.testing.assert_allclose(d.numpy(), dist.ravel(), rtol=1e-6, atol=1e-7)
    old = set(zip(rows.tolist(), idx.ravel().tolist(), strict=True))
    old |= {(b, a) for a, b in old}
    sym, _ = knn_graph(X, 10, metric=metric)
    assert edge_set(sym) == old and sym.shape[1] == len(old)


def test_knn_graph_all_others_and_float32():
    X = np.random.default_rng(3).normal(size=(6, 3)).astype(np.float32)
    ei, _ = knn_graph(X, 5, symmetric=False)
    assert edge_set(ei) == {(i, j) for i in range(6) for j in range(6) if i != j}


def test_knn_graph_cosine_rejects_zero_rows():
    X = np.random.default_rng(4).normal(size=(10, 3))
    X[[3, 7]] = 0.0
    with pytest.raises(ValueError, match="zero"):
        knn_graph(X, 2)
    with pytest.raises(ValueError, match="zero"):
        threshold_graph(X)
    assert knn_graph(X, 2, metric="euclidean")[0].shape[0] == 2  # defined there


@pytest.mark.parametrize("threshold", [-0.2, 0.3, 0.7, 0.95, 1.0])
@pytest.mark.parametrize("name", ["normal", "duplicates", "scaled", "integers"])
def test_threshold_graph_identical_to_old_implementation(threshold, name):
    X = tie_datasets()[name]
    expected, weights = old_threshold_graph(X, threshold)
    ei, w = threshold_graph(X, threshold=threshold)
    if name != "integers":  # no ties for the most similar sample of an isolated one
        assert ei.tolist() == expected.tolist()
        np.testing.assert_allclose(w.numpy(), weights, rtol=1e-6)
    n = len(X)
    sim = cosine_sim(X)
    within = {(i, j) for i in range(n) for j in range(n) if i != j}
    within = {(i, j) for i, j in within if sim[i, j] >= threshold - 1e-9}
    assert within <= edge_set(ei)
    assert (node_degrees(ei, n) >= 1).all()
    keys = (ei[0] * n + ei[1]).numpy()
    assert (np.diff(keys) > 0).all()


def test_threshold_graph_isolated_ties_go_to_lower_index():
    # three orthogonal directions: every pair has similarity 0, nothing passes 0.7
    X = np.array([[1.0, 0, 0], [0, 3.0, 0], [0, 0, 2.0]])
    ei, _ = threshold_graph(X, threshold=0.7)
    assert edge_set(ei) == {(0, 1), (1, 0), (2, 0), (0, 2)}


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_builders_never_allocate_n_by_n(metric):
    import tracemalloc

    n = 3000
    X = np.random.default_rng(5).normal(size=(n, 20))
    tracemalloc.start()
    knn_graph(X, 15, metric=metric)
    if metric == "cosine":
        threshold_graph(X, threshold=0.7)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * n * n / 4, f"peak {peak / 1e6:.0f} MB: an n x n matrix?"


def test_fuse_graphs_equals_dense_average():
    from helpers.graphs import fuse_graphs

    n, rng = 30, np.random.default_rng(6)
    graphs, dense = [], np.zeros((3, n, n))
    for g in range(3):
        keys = np.unique(rng.integers(0, n * n, 200))
        ei = torch.from_numpy(np.stack([keys // n, keys % n]))
        w = None if g == 1 else torch.rand(keys.size, dtype=torch.float64)
        w_dense = np.ones(keys.size) if w is None else w.numpy()
        dense[g][keys // n, keys % n] = w_dense
        graphs.append((ei, w))
    ei, w = fuse_graphs(graphs, n)
    mean = dense.mean(axis=0)
    rows, cols = np.nonzero(mean)  # row-major: sorted by source, then target
    assert ei.tolist() == [rows.tolist(), cols.tolist()]
    np.testing.assert_allclose(w.numpy(), mean[rows, cols], rtol=1e-6)
    assert w.dtype == torch.float32


def test_threshold_graph_memory_grows_with_edges_only():
    """Issue 18: about 20 bytes per edge for the result plus 16 while it is built
    (the implementation before peaked at about 170 bytes per edge)."""
    import tracemalloc

    threshold_graph(np.eye(3) + 0.1)  # imports outside the measurement
    X = np.random.default_rng(5).normal(size=(2000, 20)) + 0.5  # a dense graph
    tracemalloc.start()
    ei, w = threshold_graph(X, threshold=0.3)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    edges = ei.shape[1]
    assert edges > 10**6 and w.dtype == torch.float32
    assert peak < 80 * edges, f"{peak / edges:.0f} bytes per edge"


def test_every_builder_returns_edge_index_and_weight_or_none():
    """One convention (issue 17): ``edge_index, edge_weight = builder(...)``."""
    from helpers.graphs import affinity_graph, fuse_graphs

    X = np.random.default_rng(6).normal(size=(30, 4)) + 1.0
    results = {
        "knn_graph": knn_graph(X, 3),
        "threshold_graph": threshold_graph(X, threshold=0.5),
        "threshold_graph unweighted": threshold_graph(X, weight_base=None),
        "affinity_graph": affinity_graph(X, k=3),
        "fuse_graphs": fuse_graphs(
            [affinity_graph(X, k=3), affinity_graph(X, k=4)], 30
        ),
    }
    for name, result in results.items():
        assert isinstance(result, tuple) and len(result) == 2, name
        edge_index, weight = result
        assert edge_index.dtype == torch.int64 and edge_index.shape[0] == 2, name
        assert weight is None or weight.shape == (edge_index.shape[1],), name
