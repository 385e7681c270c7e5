"""Unit tests of the generators in helpers.data (chapters 2-3)."""

import numpy as np
import pytest
import torch

from helpers.data import classical_mds, latent_factor_data, random_citation_graph

D4 = [[0, 3, 2, 5], [3, 0, 4, 6], [2, 4, 0, 3], [5, 6, 3, 0]]


def test_random_citation_graph_shapes_and_symmetry():
    data = random_citation_graph(num_nodes=20, num_features=5, edge_prob=0.2, seed=0)
    assert data.x.shape == (20, 5) and data.y.shape == (20,)
    edges = set(map(tuple, data.edge_index.T.tolist()))
    assert all((b, a) in edges for a, b in edges)
    assert all(a != b for a, b in edges)
    assert set(data.y.tolist()) <= {0, 1}


def test_random_citation_graph_edge_density_and_seed():
    data = random_citation_graph(num_nodes=200, edge_prob=0.1, seed=1)
    density = data.edge_index.shape[1] / (200 * 199)
    assert abs(density - 0.1) < 0.01
    again = random_citation_graph(num_nodes=200, edge_prob=0.1, seed=1)
    assert torch.equal(data.edge_index, again.edge_index) and torch.equal(
        data.y, again.y
    )


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(num_nodes=1), "num_nodes"),
        (dict(num_features=0), "num_features"),
        (dict(edge_prob=1.5), "edge_prob"),
        (dict(num_classes=1), "num_classes"),
    ],
)
def test_random_citation_graph_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        random_citation_graph(**kwargs)


def test_classical_mds_recovers_euclidean_distances():
    points = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0], [1.0, 1.0]])
    d = np.linalg.norm(points[:, None] - points[None], axis=-1)
    coords = classical_mds(d, 2)
    d2 = np.linalg.norm(coords[:, None] - coords[None], axis=-1)
    np.testing.assert_allclose(d2, d, atol=1e-8)
    np.testing.assert_allclose(coords.mean(0), 0, atol=1e-10)


def test_classical_mds_two_clusters_at_distance():
    coords = classical_mds([[0, 1], [1, 0]], 2)
    assert np.linalg.norm(coords[0] - coords[1]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "d,match",
    [
        ([[0, 1, 2], [1, 0, 1]], "square"),
        ([[0, 1], [2, 0]], "symmetric"),
        ([[1, 1], [1, 1]], "diagonal"),
        ([[0, -1], [-1, 0]], "non-negative"),
        ([[0, np.nan], [np.nan, 0]], "finite"),
    ],
)
def test_distance_matrix_validation(d, match):
    with pytest.raises(ValueError, match=match):
        classical_mds(d)
    with pytest.raises(ValueError, match=match):
        latent_factor_data(d)


def test_latent_factor_data_shapes_balance_and_spread():
    out = latent_factor_data(
        D4, n_samples=400, n_features=7, spread=0.5, noise=0.0, seed=0
    )
    assert out["X"].shape == (400, 7) and out["X"].dtype == np.float32
    assert np.bincount(out["y"]).tolist() == [100] * 4
    within = out["Z"] - out["centres"][out["y"]]
    assert abs(within.std() - 0.5) < 0.05
    # with no noise and no baseline the features are exactly the mapped latent factors
    np.testing.assert_allclose(out["X"], out["Z"] @ out["W"], rtol=1e-5, atol=1e-5)


def test_latent_factor_data_centres_follow_distances():
    out = latent_factor_data([[0, 4], [4, 0]], n_samples=10, spread=0.0, noise=0.0)
    c = out["centres"]
    assert np.linalg.norm(c[0] - c[1]) == pytest.approx(4.0)


def test_latent_factor_data_baseline_and_seed():
    a = latent_factor_data(D4, baseline=2.0, seed=3)
    b = latent_factor_data(D4, baseline=2.0, seed=3)
    np.testing.assert_array_equal(a["X"], b["X"])
    assert (a["baseline"] >= 1.0).all() and (a["baseline"] <= 3.0).all()
    assert a["X"].mean() > 1.0


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(n_samples=3), "n_samples"),
        (dict(spread=-0.1), "spread"),
        (dict(noise=-1), "noise"),
        (dict(baseline=-1), "baseline"),
        (dict(n_features=0), "n_features"),
    ],
)
def test_latent_factor_data_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        latent_factor_data(D4, **kwargs)
