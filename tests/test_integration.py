"""Unit tests of the chapter-6 helpers: multi-omics generator, graph fusion, integration."""

import numpy as np
import pytest
import torch

from helpers import fuse_graphs, integration_experiment, multiomics_data
from helpers.data import concatenate_views, standardise_views
from helpers.experiments import EARLY, GRAPH, LATE, LOGREG
from helpers.graphs import affinity_graph, edge_homophily, knn_graph


def test_multiomics_views_shapes_and_kinds():
    data = multiomics_data(n_samples=40, seed=0)
    assert list(data["views"]) == ["mRNA", "methylation", "miRNA"]
    assert data["views"]["mRNA"].shape == (40, 200)
    assert data["views"]["miRNA"].shape == (40, 20)
    methylation = data["views"]["methylation"]
    assert methylation.min() > 0 and methylation.max() < 1
    assert data["y"].tolist() == [i % 4 for i in range(40)]
    again = multiomics_data(n_samples=40, seed=0)
    assert np.array_equal(again["views"]["mRNA"], data["views"]["mRNA"])


def _factor_share(X, z):
    """R^2 of a least-squares fit of X from each latent factor alone."""
    shares = []
    for f in range(z.shape[1]):
        design = np.c_[np.ones(len(z)), z[:, f]]
        fitted = design @ np.linalg.lstsq(design, X, rcond=None)[0]
        shares.append(1 - ((X - fitted) ** 2).sum() / ((X - X.mean(0)) ** 2).sum())
    return shares


def test_complementarity_hides_unowned_factors():
    views = [
        {
            "name": "a",
            "kind": "expression",
            "n_features": 50,
            "noise": 0.1,
            "factors": (0,),
        },
        {
            "name": "b",
            "kind": "expression",
            "n_features": 50,
            "noise": 0.1,
            "factors": (1,),
        },
    ]
    blind = multiomics_data(n_samples=200, views=views, complementarity=1.0, seed=1)
    share = _factor_share(blind["views"]["a"], blind["Z"])
    assert share[0] > 0.5 and share[1] < 0.05
    redundant = multiomics_data(n_samples=200, views=views, complementarity=0.0, seed=1)
    share = _factor_share(redundant["views"]["a"], redundant["Z"])
    assert share[1] > 0.1


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(complementarity=1.5), "complementarity"),
        (dict(views=[]), "at least one view"),
        (
            dict(views=[{"name": "a", "kind": "rna", "n_features": 3, "noise": 1}]),
            "kind",
        ),
        (
            dict(views=[{"name": "a", "kind": "mirna", "n_features": 0, "noise": 1}]),
            "n_features",
        ),
        (
            dict(
                views=[
                    {"name": "a", "kind": "mirna", "n_features": 2, "noise": 1},
                    {"name": "a", "kind": "mirna", "n_features": 2, "noise": 1},
                ]
            ),
            "unique name",
        ),
        (
            dict(
                views=[
                    {
                        "name": "a",
                        "kind": "mirna",
                        "n_features": 2,
                        "noise": 1,
                        "factors": (5,),
                    }
                ]
            ),
            "factors",
        ),
        (
            dict(views=[{"name": "a", "kind": "mirna", "n_features": 2, "noise": -1}]),
            "noise",
        ),
    ],
)
def test_multiomics_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        multiomics_data(n_samples=20, **kwargs)


def test_fuse_graphs_averages_over_views():
    a = (torch.tensor([[0, 1], [1, 0]]), torch.tensor([1.0, 1.0]))
    b = (torch.tensor([[0, 2], [2, 0]]), None)
    c = (torch.tensor([[0, 1], [1, 0]]), torch.tensor([0.5, 0.5]))
    edge_index, weight = fuse_graphs([a, b, c], num_nodes=3)
    assert edge_index.tolist() == [[0, 0, 1, 2], [1, 2, 0, 0]]
    np.testing.assert_allclose(weight.numpy(), [0.5, 1 / 3, 0.5, 1 / 3], rtol=1e-6)


def test_fuse_graphs_bad_input():
    with pytest.raises(ValueError, match="at least one graph"):
        fuse_graphs([], 3)
    with pytest.raises(ValueError, match="node ids"):
        fuse_graphs([(torch.tensor([[0], [5]]), None)], 3)
    with pytest.raises(ValueError, match="weights"):
        fuse_graphs([(torch.tensor([[0], [1]]), torch.tensor([1.0, 2.0]))], 3)
    with pytest.raises(ValueError, match="non-negative"):
        fuse_graphs([(torch.tensor([[0], [1]]), torch.tensor([-1.0]))], 3)
    with pytest.raises(ValueError, match="2 x E"):
        fuse_graphs([(torch.tensor([0, 1]), None)], 3)


def test_standardise_and_concatenate_views():
    rng = np.random.default_rng(0)
    views = {"a": rng.normal(5, 3, (30, 4)), "b": rng.normal(0, 1, (30, 16))}
    scaled = standardise_views(views)
    np.testing.assert_allclose(scaled["a"].mean(0), 0, atol=1e-6)
    np.testing.assert_allclose(scaled["a"].std(0), 1, atol=1e-5)
    joined = concatenate_views(views)
    assert joined.shape == (30, 20)
    # each view contributes the same total variance
    np.testing.assert_allclose(
        joined[:, :4].var(0).sum(), joined[:, 4:].var(0).sum(), rtol=1e-5
    )
    with pytest.raises(ValueError, match="same samples"):
        standardise_views({"a": np.ones((3, 2)), "b": np.ones((4, 2))})
    with pytest.raises(ValueError, match="NaN"):
        standardise_views({"a": np.array([[np.nan, 1.0], [0.0, 1.0]])})
    with pytest.raises(ValueError, match="at least one view"):
        standardise_views({})


def test_affinity_graph_weights():
    X = np.random.default_rng(0).normal(size=(20, 3))
    edge_index, weight = affinity_graph(X, k=3)
    assert torch.equal(edge_index, knn_graph(X, 3, metric="euclidean")[0])
    assert weight.min() > 0 and weight.max() <= 1


@pytest.mark.slow
def test_integration_helps_with_complementary_views():
    data = multiomics_data(n_samples=120, seed=0)
    df = integration_experiment(data["views"], data["y"], seeds=[0], num_epochs=60)
    assert set(df.method) == {
        "GCN, mRNA",
        "GCN, methylation",
        "GCN, miRNA",
        EARLY,
        GRAPH,
        LATE,
        LOGREG,
    }
    acc = df.set_index("method").test_accuracy
    best_single = acc[["GCN, mRNA", "GCN, methylation", "GCN, miRNA"]].max()
    assert max(acc[EARLY], acc[GRAPH], acc[LOGREG]) > best_single
    again = integration_experiment(data["views"], data["y"], seeds=[0], num_epochs=60)
    assert df.equals(again)
    with pytest.raises(ValueError, match="labels"):
        integration_experiment(data["views"], data["y"][:10], seeds=[0])
    with pytest.raises(ValueError, match="seeds"):
        integration_experiment(data["views"], data["y"], seeds=[])


def test_view_homophily_single_views_below_integrated():
    from helpers import view_homophily

    data = multiomics_data(n_samples=200, seed=0)
    y = data["y"]
    table = view_homophily(data["views"], y, k=10)
    assert list(table.index) == [
        "mRNA",
        "methylation",
        "miRNA",
        "concatenated",
        "averaged",
        "averaged, weighted",
    ]
    scaled = standardise_views(data["views"])
    expected = edge_homophily(knn_graph(scaled["mRNA"], 10, metric="euclidean")[0], y)
    assert table["mRNA"] == pytest.approx(expected)
    assert table["concatenated"] > table[["mRNA", "methylation", "miRNA"]].max()
