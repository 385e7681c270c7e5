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
    directed = edge_set(knn_graph(X, 3, symmetric=False))
    ei = knn_graph(X, 3, symmetric=True, self_loops=True)
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
