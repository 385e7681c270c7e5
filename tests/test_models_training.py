"""Unit tests of helpers.models and helpers.training (chapters 2-3)."""

import numpy as np
import pandas as pd
import pytest
import torch
from torch_geometric.data import Data

from helpers import set_seed
from helpers.evaluation import (
    accuracy,
    logistic_regression_baseline,
    majority_baseline,
    random_split,
    stratified_split,
)
from helpers.experiments import repeated_node_classification
from helpers.models import GCN, MLP
from helpers.training import train_node_classifier


def two_community_data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    same = y[:, None] == y[None, :]
    adj = np.triu(rng.random((n, n)) < np.where(same, 0.3, 0.01), 1)
    src, dst = np.nonzero(adj | adj.T)
    x = rng.normal(size=(n, 4)) + y[:, None] * 0.3
    return Data(
        x=torch.tensor(x, dtype=torch.float32),
        edge_index=torch.tensor(np.stack([src, dst]), dtype=torch.long),
        y=torch.tensor(y),
    )


@pytest.mark.parametrize("cls", [GCN, MLP])
def test_models_output_log_probabilities(cls):
    data = two_community_data()
    model = cls(4, 8, 2, dropout=0.5)
    out = model(data.x, data.edge_index)
    assert out.shape == (60, 2)
    torch.testing.assert_close(out.exp().sum(1), torch.ones(60))


@pytest.mark.parametrize("cls", [GCN, MLP])
def test_models_bad_sizes(cls):
    with pytest.raises(ValueError, match="hidden_channels"):
        cls(4, 0, 2)
    with pytest.raises(ValueError, match="dropout"):
        cls(4, 8, 2, dropout=1.0)


def test_gcn_uses_edge_weight():
    data = two_community_data()
    model = GCN(4, 8, 2, cached=False)
    w = torch.rand(data.edge_index.shape[1])
    assert not torch.allclose(
        model(data.x, data.edge_index), model(data.x, data.edge_index, w)
    )


def test_cached_gcn_matches_uncached_and_refuses_another_graph():
    data = two_community_data()
    set_seed(0)
    cached = GCN(4, 8, 2)
    set_seed(0)
    plain = GCN(4, 8, 2, cached=False)
    for _ in range(2):  # the second call uses the cache
        torch.testing.assert_close(
            cached(data.x, data.edge_index), plain(data.x, data.edge_index)
        )
    other = two_community_data(seed=1).edge_index
    with pytest.raises(ValueError, match="build a new model"):
        cached(data.x, other)


def test_gcn_learns_communities_that_mlp_cannot_see():
    data = two_community_data()
    train, val, test = stratified_split(data.y, 0.5, 0.25, seed=0)
    scores = {}
    for cls in (GCN, MLP):
        set_seed(0)
        model = cls(4, 16, 2)
        history = train_node_classifier(
            model, data, train, num_epochs=100, lr=0.01, val_mask=val
        )
        assert list(history.columns) == [
            "epoch",
            "loss",
            "train_accuracy",
            "val_accuracy",
        ]
        assert history.loss.iloc[-1] < history.loss.iloc[0]
        scores[cls.__name__] = accuracy(model, data, test)
    assert scores["GCN"] >= 0.9
    assert scores["GCN"] > scores["MLP"]


def test_train_restores_best_validation_epoch():
    data = two_community_data()
    train, val, _ = stratified_split(data.y, 0.5, 0.25, seed=1)
    set_seed(0)
    model = GCN(4, 16, 2)
    history = train_node_classifier(
        model, data, train, num_epochs=60, lr=0.05, val_mask=val
    )
    assert accuracy(model, data, val) == history.val_accuracy.max()


def test_train_bad_input():
    data = two_community_data()
    train, val, _ = stratified_split(data.y, 0.5, 0.25, seed=0)
    model = GCN(4, 8, 2)
    with pytest.raises(ValueError, match="num_epochs"):
        train_node_classifier(model, data, train, num_epochs=0, lr=0.01)
    with pytest.raises(ValueError, match="lr"):
        train_node_classifier(model, data, train, num_epochs=1, lr=0.0)
    with pytest.raises(ValueError, match="weight_decay"):
        train_node_classifier(
            model, data, train, num_epochs=1, lr=0.01, weight_decay=-1
        )
    with pytest.raises(ValueError, match="overlap"):
        train_node_classifier(model, data, train, num_epochs=1, lr=0.01, val_mask=train)
    with pytest.raises(ValueError, match="selects no node"):
        train_node_classifier(
            model, data, torch.zeros(60, dtype=torch.bool), num_epochs=1, lr=0.01
        )
    with pytest.raises(ValueError, match="has 10 entries"):
        train_node_classifier(model, data, train[:10], num_epochs=1, lr=0.01)


def test_stratified_split_disjoint_cover_and_balanced():
    y = torch.tensor([0] * 50 + [1] * 30 + [2] * 20)
    train, val, test = stratified_split(y, 0.6, 0.2, seed=0)
    assert int(train.sum()) == 60 and int(val.sum()) == 20 and int(test.sum()) == 20
    assert (
        not (train & val).any() and not (train & test).any() and not (val & test).any()
    )
    assert bool((train | val | test).all())
    assert torch.bincount(y[test]).tolist() == [10, 6, 4]
    again = stratified_split(y, 0.6, 0.2, seed=0)
    assert all(
        torch.equal(a, b) for a, b in zip((train, val, test), again, strict=True)
    )


def test_stratified_split_bad_input():
    y = np.array([0] * 10 + [1] * 2)
    with pytest.raises(ValueError, match="at least 3"):
        stratified_split(y)
    with pytest.raises(ValueError, match="sum below 1"):
        stratified_split(np.arange(30) % 2, 0.8, 0.3)


def test_random_split():
    train, test = random_split(20, 2, seed=0)
    assert int(test.sum()) == 2 and bool((train ^ test).all())
    with pytest.raises(ValueError, match="num_test"):
        random_split(20, 20, seed=0)


def test_baselines():
    y = np.array([0, 0, 0, 1, 1, 0])
    train = np.array([1, 1, 1, 1, 0, 0], bool)
    assert majority_baseline(y, train, ~train) == 0.5
    X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [0.3]])
    assert logistic_regression_baseline(X, y, train, ~train) == 1.0
    with pytest.raises(ValueError, match="at least one"):
        majority_baseline(y, np.zeros(6, bool), ~train)


def test_repeated_node_classification_rows_and_reproducibility():
    data = two_community_data()
    models = {"GCN": lambda: GCN(4, 8, 2), "MLP": lambda: MLP(4, 8, 2)}

    def split(seed):
        return stratified_split(data.y, 0.5, 0.25, seed=seed)

    df = repeated_node_classification(
        data, models, seeds=[0, 1], split=split, num_epochs=30, lr=0.01
    )
    assert list(df.columns) == ["seed", "model", "test_accuracy"]
    assert df.groupby("model").size().to_dict() == {
        "GCN": 2,
        "MLP": 2,
        "logistic regression": 2,
        "majority class": 2,
    }
    again = repeated_node_classification(
        data, models, seeds=[0, 1], split=split, num_epochs=30, lr=0.01
    )
    assert df.equals(again)
    with pytest.raises(ValueError, match="unknown baselines"):
        repeated_node_classification(
            data,
            models,
            seeds=[0],
            split=split,
            num_epochs=1,
            lr=0.01,
            baselines=["svm"],
        )
    with pytest.raises(ValueError, match="seeds"):
        repeated_node_classification(
            data, models, seeds=[], split=split, num_epochs=1, lr=0.01
        )


def test_compare_on_graphs_and_oracle():
    from helpers.experiments import compare_on_graphs, logistic_regression_over_splits
    from helpers.graphs import knn_graph

    data = two_community_data()
    X, y = data.x.numpy(), data.y.numpy()
    graphs = {"given": (data.edge_index, None), "5-NN": knn_graph(X, 5)}
    df = compare_on_graphs(X, y, graphs, seeds=[0, 1], num_epochs=40)
    assert df.model.unique().tolist() == [
        "GCN, given",
        "MLP",
        "logistic regression",
        "GCN, 5-NN",
    ]
    means = df.groupby("model").test_accuracy.mean()
    assert (
        means["GCN, given"] > means["MLP"]
    )  # the given graph joins same-community nodes
    oracle = logistic_regression_over_splits(
        y[:, None].astype(float), y, seeds=[0, 1], name="oracle"
    )
    assert oracle.test_accuracy.tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="graphs"):
        compare_on_graphs(X, y, {})
    with pytest.raises(ValueError, match="samples"):
        compare_on_graphs(X[:5], y, graphs)


def test_train_eval_every_validates_on_a_schedule():
    data = two_community_data()
    train, val, _ = stratified_split(data.y, 0.5, 0.25, seed=1)
    set_seed(0)
    model = GCN(4, 16, 2)
    history = train_node_classifier(
        model, data, train, num_epochs=23, lr=0.05, val_mask=val, eval_every=5
    )
    evaluated = history.epoch[history.val_accuracy.notna()].tolist()
    assert evaluated == [5, 10, 15, 20, 23]
    assert accuracy(model, data, val) == history.val_accuracy.max()
    for bad in (0, -2, 1.5):
        with pytest.raises(ValueError, match="eval_every"):
            train_node_classifier(
                model, data, train, num_epochs=5, lr=0.05, eval_every=bad
            )


def test_repeated_node_classification_reports_each_trained_model():
    data = two_community_data()
    seen = []

    def keep(seed, name, model, history):
        seen.append((seed, name, type(model).__name__, len(history)))

    repeated_node_classification(
        data,
        {"GCN": lambda: GCN(4, 8, 2)},
        seeds=[0, 1],
        split=lambda s: stratified_split(data.y, 0.5, 0.25, seed=s),
        num_epochs=7,
        lr=0.01,
        baselines=[],
        on_trained=keep,
    )
    assert seen == [(0, "GCN", "GCN", 7), (1, "GCN", "GCN", 7)]


def test_grid_search_rows_selection_and_reproducibility():
    from helpers.experiments import grid_search

    data = two_community_data()

    def split(seed):
        return stratified_split(data.y, 0.5, 0.25, seed=seed)

    def build(hidden_channels, dropout):
        return GCN(4, hidden_channels, 2, dropout=dropout)

    grid = {"hidden_channels": [4, 16], "dropout": [0.0, 0.5]}
    df = grid_search(
        data, build, grid, split=split, seeds=[0, 1], num_epochs=20, lr=0.05
    )
    assert list(df.columns) == [
        "hidden_channels",
        "dropout",
        "seed",
        "val_accuracy",
        "test_accuracy",
    ]
    assert len(df) == 8
    assert df.groupby(["hidden_channels", "dropout"]).size().eq(2).all()
    assert df.val_accuracy.between(0, 1).all() and df.test_accuracy.between(0, 1).all()
    again = grid_search(
        data, build, grid, split=split, seeds=[0, 1], num_epochs=20, lr=0.05
    )
    assert df.equals(again)


def test_grid_search_bad_input():
    from helpers.experiments import grid_search

    data = two_community_data()

    def split(seed):
        return stratified_split(data.y, 0.5, 0.25, seed=seed)

    def build(hidden_channels):
        return GCN(4, hidden_channels, 2)

    with pytest.raises(ValueError, match="grid"):
        grid_search(data, build, {}, split=split, seeds=[0], num_epochs=5, lr=0.01)
    with pytest.raises(ValueError, match="hidden_channels"):
        grid_search(
            data,
            build,
            {"hidden_channels": []},
            split=split,
            seeds=[0],
            num_epochs=5,
            lr=0.01,
        )
    with pytest.raises(ValueError, match="seeds"):
        grid_search(
            data,
            build,
            {"hidden_channels": [4]},
            split=split,
            seeds=[],
            num_epochs=5,
            lr=0.01,
        )
    with pytest.raises(ValueError, match="validation"):
        grid_search(
            data,
            build,
            {"hidden_channels": [4]},
            split=lambda s: stratified_split(data.y, 0.5, 0.25, seed=s)[::2],
            seeds=[0],
            num_epochs=5,
            lr=0.01,
        )


def test_fit_seeded_is_reproducible_and_uses_the_validation_mask():
    from helpers.experiments import fit_seeded

    data = two_community_data()
    masks = stratified_split(data.y, 0.5, 0.25, seed=0)

    def build():
        return GCN(4, 8, 2, dropout=0.5)

    model, history = fit_seeded(build, data, masks, seed=3, num_epochs=20, lr=0.05)
    again, _ = fit_seeded(build, data, masks, seed=3, num_epochs=20, lr=0.05)
    for a, b in zip(model.parameters(), again.parameters(), strict=True):
        assert torch.equal(a, b)
    assert accuracy(model, data, masks[1]) == history.val_accuracy.max()
    _, no_val = fit_seeded(
        build, data, (masks[0], masks[2]), seed=3, num_epochs=20, lr=0.05
    )
    assert "val_accuracy" not in no_val
    with pytest.raises(ValueError, match="num_epochs"):
        fit_seeded(build, data, masks, seed=0, num_epochs=0, lr=0.05)


@pytest.mark.parametrize("cached", [True, False])
def test_dense_gcn_computes_the_same_as_message_passing(cached):
    data = two_community_data()
    weight = torch.rand(data.edge_index.shape[1])
    set_seed(0)
    sparse = GCN(4, 8, 2, cached=cached)
    dense = GCN(4, 8, 2, cached=cached, dense=True)
    dense.load_state_dict(sparse.state_dict())
    for w in [None, None] if cached else [None, weight]:
        fresh_sparse = GCN(4, 8, 2, cached=False)
        fresh_sparse.load_state_dict(sparse.state_dict())
        torch.testing.assert_close(
            dense(data.x, data.edge_index, w), fresh_sparse(data.x, data.edge_index, w)
        )
    other = two_community_data(seed=1).edge_index
    if cached:
        with pytest.raises(ValueError, match="build a new model"):
            dense(data.x, other)


def test_dense_gcn_with_edge_weights_trains_like_the_sparse_one():
    data = two_community_data()
    weight = torch.rand(data.edge_index.shape[1])
    set_seed(0)
    sparse = GCN(4, 8, 2)
    dense = GCN(4, 8, 2, dense=True)
    dense.load_state_dict(sparse.state_dict())
    torch.testing.assert_close(
        dense(data.x, data.edge_index, weight), sparse(data.x, data.edge_index, weight)
    )
    loss = dense(data.x, data.edge_index, weight).sum()
    loss.backward()
    assert dense.conv1.lin.weight.grad is not None


def test_compare_on_graphs_dense_gives_the_same_table_and_restores_threads():
    from helpers.experiments import compare_on_graphs
    from helpers.graphs import knn_graph

    data = two_community_data()
    X, y = data.x.numpy(), data.y.numpy()
    graphs = {"given": (data.edge_index, None), "5-NN": knn_graph(X, 5)}
    threads = torch.get_num_threads()
    sparse = compare_on_graphs(X, y, graphs, seeds=[0, 1], num_epochs=20)
    dense = compare_on_graphs(X, y, graphs, seeds=[0, 1], num_epochs=20, dense=True)
    assert torch.get_num_threads() == threads
    pd.testing.assert_frame_equal(sparse, dense)
