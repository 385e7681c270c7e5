"""Unit tests of the chapter-4 helpers: cell-type data, collapsing loss, DGI, cluster matching."""

import copy

import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from helpers import cluster_ari, knn_graph, set_seed
from helpers.data import synthetic_cell_types
from helpers.evaluation import match_clusters
from helpers.models import DGIEncoder, NormLossGCN
from helpers.training import train_dgi, train_norm_loss


def cells_graph(**kwargs):
    cells = synthetic_cell_types(**kwargs)
    X = (cells["X"] - cells["X"].mean(0)) / cells["X"].std(0)
    data = Data(x=torch.tensor(X), edge_index=knn_graph(X, 5, metric="euclidean")[0])
    return data, cells["y"]


def test_synthetic_cell_types_shape_and_shift():
    cells = synthetic_cell_types(n_cells=300, n_genes=50, informative_genes=10, seed=0)
    X, y = cells["X"], cells["y"]
    assert X.shape == (300, 50) and np.bincount(y).tolist() == [100, 100, 100]
    assert cells["cell_type"][:3].tolist() == ["type A", "type B", "type C"]
    assert cells["genes"][0] == "gene_00"
    informative = X[:, :10]
    assert informative[y == 0].mean() == pytest.approx(2.0, abs=0.15)
    assert informative[y == 2].mean() == pytest.approx(-2.0, abs=0.15)
    assert abs(X[:, 10:][y == 0].mean()) < 0.15  # uninformative genes carry no shift


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(means=[1.0]), "means"),
        (dict(n_cells=2), "n_cells"),
        (dict(informative_genes=0), "informative_genes"),
        (dict(informative_genes=51), "informative_genes"),
        (dict(noise=0), "noise"),
    ],
)
def test_synthetic_cell_types_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        synthetic_cell_types(**kwargs)


@pytest.mark.slow
def test_norm_loss_collapses_the_embedding():
    data, _ = cells_graph()
    set_seed(0)
    model = NormLossGCN(50)
    history = train_norm_loss(model, data, num_epochs=100, lr=0.01)
    assert list(history.columns) == ["epoch", "loss", "mean_norm"]
    assert history.mean_norm.iloc[-1] < 0.1 * history.mean_norm.iloc[0]
    with pytest.raises(ValueError, match="num_epochs"):
        train_norm_loss(model, data, num_epochs=0)


def test_norm_loss_mean_norm_is_the_norm_after_each_step():
    """The mean norm column equals an evaluation pass after every step (no extra pass)."""
    data, _ = cells_graph()
    set_seed(0)
    model = NormLossGCN(50, hidden_channels=16, out_channels=8)
    reference = copy.deepcopy(model)
    history = train_norm_loss(model, data, num_epochs=5, lr=0.01)
    optimizer = torch.optim.Adam(reference.parameters(), lr=0.01)
    after = []
    for _ in range(5):
        optimizer.zero_grad()
        reference(data.x, data.edge_index).norm(dim=1).mean().backward()
        optimizer.step()
        with torch.no_grad():
            after.append(float(reference(data.x, data.edge_index).norm(dim=1).mean()))
    np.testing.assert_allclose(history.mean_norm, after, rtol=1e-6)
    assert history.epoch.tolist() == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="lr"):
        train_norm_loss(model, data, lr=0)


def test_dgi_recovers_easy_cell_types_and_is_reproducible():
    data, y = cells_graph()
    z, history = train_dgi(data, hidden_channels=32, num_epochs=60, lr=0.01, seed=0)
    assert z.shape == (300, 32)
    assert history.loss.iloc[-1] < history.loss.iloc[0]
    assert cluster_ari(z, y) > 0.95
    z2, _ = train_dgi(data, hidden_channels=32, num_epochs=60, lr=0.01, seed=0)
    np.testing.assert_array_equal(z, z2)
    with pytest.raises(ValueError, match="lr"):
        train_dgi(data, lr=0)


def test_model_size_validation():
    with pytest.raises(ValueError, match="hidden_channels"):
        NormLossGCN(5, hidden_channels=0)
    with pytest.raises(ValueError, match="hidden_channels"):
        DGIEncoder(5, 0)


def test_match_clusters_renames_and_counts():
    labels = np.array(["a", "a", "b", "b", "c", "c"])
    clusters = np.array([2, 2, 0, 1, 1, 1])
    matched, confusion = match_clusters(clusters, labels)
    assert matched.tolist() == ["a", "a", "b", "c", "c", "c"]
    assert confusion.loc["b", "c"] == 1 and confusion.loc["c", "c"] == 2
    assert int(np.trace(confusion.to_numpy())) == 5


def test_match_clusters_bad_input():
    with pytest.raises(ValueError, match="same length"):
        match_clusters([0, 1, 1], ["a", "b"])
    with pytest.raises(ValueError, match="same length"):
        match_clusters([], [])


def test_compare_clusterings_table():
    from helpers.experiments import compare_clusterings

    data, y = cells_graph()
    df = compare_clusterings(
        data.x.numpy(), y, data.edge_index, seeds=[0], num_epochs=40
    )
    assert df.method.tolist() == [
        "k-means, expression",
        "k-means, PCA (10)",
        "k-means, norm-loss GCN",
        "k-means, DGI",
    ]
    ari = dict(zip(df.method, df.ari, strict=True))
    assert ari["k-means, expression"] == pytest.approx(1.0)
    assert ari["k-means, DGI"] > 0.95
    with pytest.raises(ValueError, match="labels"):
        compare_clusterings(data.x.numpy(), y[:10], data.edge_index)
    with pytest.raises(ValueError, match="n_components"):
        compare_clusterings(data.x.numpy(), y, data.edge_index, n_components=0)
