"""Unit tests of the embedding evaluation of chapter 1 (helpers.training, helpers.evaluation)."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from helpers import (
    Node2Vec,
    cluster_ari,
    heldout_accuracy,
    l2_normalise,
    node2vec_experiment,
    set_seed,
)
from helpers.evaluation import paired_differences, summarise
from helpers.training import train_node2vec


def two_blobs(n=20, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], n // 2)
    z = rng.normal(size=(n, 3)) * 0.1 + y[:, None] * 3.0
    return z, y


def test_heldout_accuracy_separable():
    z, y = two_blobs()
    train = np.zeros(20, bool)
    train[[0, 10]] = True
    assert heldout_accuracy(z, y, train, ~train) == 1.0


def test_heldout_accuracy_accepts_tensors():
    z, y = two_blobs()
    train = torch.zeros(20, dtype=torch.bool)
    train[[0, 10]] = True
    assert heldout_accuracy(torch.tensor(z), torch.tensor(y), train, ~train) == 1.0


def test_heldout_accuracy_bad_input():
    z, y = two_blobs()
    train = np.zeros(20, bool)
    train[[0, 10]] = True
    with pytest.raises(ValueError, match="overlap"):
        heldout_accuracy(z, y, train, np.ones(20, bool))
    with pytest.raises(ValueError, match="y has 19"):
        heldout_accuracy(z, y[:-1], train, ~train)
    with pytest.raises(ValueError, match="at least one"):
        heldout_accuracy(z, y, np.zeros(20, bool), ~train)
    with pytest.raises(ValueError, match="2-D"):
        heldout_accuracy(z[:, 0], y, train, ~train)


def test_cluster_ari_perfect_and_chance():
    z, y = two_blobs()
    assert cluster_ari(z, y) == pytest.approx(1.0)
    rng = np.random.default_rng(1)
    assert abs(cluster_ari(rng.normal(size=(200, 2)), rng.integers(0, 2, 200))) < 0.1


def test_cluster_ari_bad_input():
    z, y = two_blobs()
    bad = z.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cluster_ari(bad, y)
    with pytest.raises(ValueError, match="n_clusters"):
        cluster_ari(z, y, n_clusters=1)
    with pytest.raises(ValueError, match="y has"):
        cluster_ari(z, y[:5])


def test_l2_normalise():
    z = np.array([[3.0, 4.0], [0.0, 2.0]])
    np.testing.assert_allclose(l2_normalise(z), [[0.6, 0.8], [0.0, 1.0]])
    with pytest.raises(ValueError, match="all-zero"):
        l2_normalise(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="2-D"):
        l2_normalise(np.ones(3))


def ring_of_cliques():
    """Two 5-cliques joined by one edge; labels are the cliques."""
    edges = [
        (i, j) for c in (0, 5) for i in range(c, c + 5) for j in range(i + 1, c + 5)
    ] + [(4, 5)]
    e = torch.tensor(edges).T
    return torch.cat([e, e.flip(0)], 1), torch.tensor([0] * 5 + [1] * 5)


def test_train_node2vec_returns_history_and_learns():
    edge_index, _ = ring_of_cliques()
    set_seed(0)
    model = Node2Vec(
        edge_index,
        embedding_dim=4,
        walk_length=5,
        context_size=2,
        walks_per_node=5,
        sparse=True,
    )
    history = train_node2vec(model, num_epochs=40, lr=0.05)
    assert len(history) == 40
    assert np.mean(history[-5:]) < np.mean(history[:5])
    with pytest.raises(ValueError, match="num_epochs"):
        train_node2vec(model, num_epochs=0, lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        train_node2vec(model, num_epochs=1, lr=0)
    with pytest.raises(ValueError, match="batch_size"):
        train_node2vec(model, num_epochs=1, lr=0.1, batch_size=0)


def test_node2vec_experiment_separates_cliques_and_is_reproducible():
    edge_index, y = ring_of_cliques()
    train = torch.zeros(10, dtype=torch.bool)
    train[[0, 9]] = True
    kw = dict(
        num_epochs=60,
        lr=0.05,
        embedding_dim=4,
        walk_length=6,
        context_size=2,
        walks_per_node=5,
    )
    df, embs = node2vec_experiment(edge_index, y, train, seeds=[0, 1], **kw)
    assert list(df.columns) == [
        "seed",
        "embedding",
        "test_accuracy",
        "test_ari",
        "final_loss",
    ]
    assert len(df) == 4 and set(embs) == {0, 1}
    assert df.loc[df.embedding == "normalised", "test_ari"].mean() > 0.5
    again, _ = node2vec_experiment(edge_index, y, train, seeds=[0, 1], **kw)
    pd.testing.assert_frame_equal(df, again)
    with pytest.raises(ValueError, match="seeds"):
        node2vec_experiment(edge_index, y, train, seeds=[], **kw)


def test_node2vec_experiment_scores_each_named_mask():
    edge_index, y = ring_of_cliques()
    train = torch.zeros(10, dtype=torch.bool)
    train[[0, 9]] = True
    val = torch.zeros(10, dtype=torch.bool)
    val[[1, 2, 7, 8]] = True
    test = ~(train | val)
    kw = dict(num_epochs=5, lr=0.05, embedding_dim=4, walk_length=6, context_size=2)
    df, embs = node2vec_experiment(
        edge_index, y, train, seeds=[0], eval_masks={"val": val, "test": test}, **kw
    )
    assert list(df.columns) == [
        "seed",
        "embedding",
        "val_accuracy",
        "val_ari",
        "test_accuracy",
        "test_ari",
        "final_loss",
    ]
    # the ARI of a mask compares k-means clusters of all nodes on that mask's nodes only
    z = l2_normalise(embs[0])
    clusters = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(z)
    expected = adjusted_rand_score(y[val], clusters[val.numpy()])
    row = df[df.embedding == "normalised"].iloc[0]
    assert row.val_ari == pytest.approx(expected)
    assert row.val_accuracy == heldout_accuracy(z, y, train, val)


def test_node2vec_experiment_bad_masks():
    edge_index, y = ring_of_cliques()
    train = torch.zeros(10, dtype=torch.bool)
    train[[0, 9]] = True
    kw = dict(num_epochs=1, lr=0.05, embedding_dim=4, walk_length=4, context_size=2)
    with pytest.raises(ValueError, match="eval_masks"):
        node2vec_experiment(edge_index, y, train, seeds=[0], eval_masks={}, **kw)
    with pytest.raises(ValueError, match="overlap"):
        node2vec_experiment(
            edge_index, y, train, seeds=[0], eval_masks={"test": ~train | train}, **kw
        )
    with pytest.raises(ValueError, match="eval_masks"):
        node2vec_experiment(
            edge_index,
            y,
            train,
            seeds=[0],
            eval_masks={"test": torch.ones(3, dtype=torch.bool)},
            **kw,
        )


def test_summarise():
    df = pd.DataFrame(
        {
            "embedding": ["a", "a", "b"],
            "test_accuracy": [0.5, 1.0, 0.2],
            "ari": [0.0, 1.0, 0.3],
        }
    )
    out = summarise(df)
    assert out.loc["a", "test_accuracy"] == 0.75
    assert out.loc["a", "test_accuracy_std"] == 0.25
    assert list(out.columns) == ["test_accuracy", "test_accuracy_std", "ari", "ari_std"]
    with pytest.raises(ValueError, match="no column"):
        summarise(df, by="setting")


def test_summarise_standard_error():
    df = pd.DataFrame(
        {"model": ["a", "a", "a", "b"], "test_accuracy": [0.0, 0.5, 1.0, 0.2]}
    )
    out = summarise(df, by="model", columns=["test_accuracy"], sem=True)
    assert list(out.columns) == [
        "test_accuracy",
        "test_accuracy_std",
        "test_accuracy_sem",
    ]
    assert out.loc["a", "test_accuracy_sem"] == pytest.approx(0.5 / np.sqrt(3))


def test_node2vec_experiment_n_init():
    # fewer k-means restarts (chapter 1's speed-up): same columns, accuracies unchanged
    edge_index, y = ring_of_cliques()
    train = torch.zeros(10, dtype=torch.bool)
    train[[0, 9]] = True
    kw = dict(num_epochs=20, lr=0.05, embedding_dim=4, walk_length=6, context_size=2)
    df10, _ = node2vec_experiment(edge_index, y, train, seeds=[0], **kw)
    df1, embs = node2vec_experiment(edge_index, y, train, seeds=[0], n_init=1, **kw)
    assert list(df1.columns) == list(df10.columns)
    pd.testing.assert_series_equal(df1.test_accuracy, df10.test_accuracy)
    z = l2_normalise(embs[0])
    clusters = KMeans(n_clusters=2, n_init=1, random_state=0).fit_predict(z)
    expected = adjusted_rand_score(y[~train], clusters[~train.numpy()])
    assert df1[df1.embedding == "normalised"].test_ari.iloc[0] == pytest.approx(
        expected
    )
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="n_init"):
            node2vec_experiment(edge_index, y, train, seeds=[0], n_init=bad, **kw)


def test_train_node2vec_presampled_windows_match_the_loader():
    # full batch: all epochs' walks are drawn up front, each epoch gets its own
    # windows, shaped like one batch of model.loader
    from helpers.training import _presampled_windows

    edge_index, _ = ring_of_cliques()
    model = Node2Vec(
        edge_index,
        embedding_dim=4,
        walk_length=6,
        context_size=3,
        walks_per_node=2,
        q=2.0,
    )
    adjacency = torch.zeros(10, 10, dtype=torch.bool)
    adjacency[edge_index[0], edge_index[1]] = True
    pos_ref, neg_ref = next(iter(model.loader(batch_size=10)))
    epochs = _presampled_windows(model, num_epochs=3)
    assert len(epochs) == 3
    for pos, neg in epochs:
        assert pos.shape == pos_ref.shape and neg.shape == neg_ref.shape
        assert adjacency[pos[:, :-1], pos[:, 1:]].all(), "windows are pieces of walks"
        starts = pos[: 10 * 2, 0]  # first window of every walk: its start node
        assert torch.equal(starts.bincount(minlength=10), torch.full((10,), 2))
        assert torch.equal(
            neg[: 10 * 2, 0].bincount(minlength=10), torch.full((10,), 2)
        )
    assert not torch.equal(epochs[0][0], epochs[1][0]), "a new draw every epoch"


def test_one_thread_limits_and_restores():
    # BLAS (logistic regression) and OpenMP (k-means) pools on one thread, then back
    from threadpoolctl import threadpool_info

    from helpers._utils import one_thread

    def threads():
        return {
            (i["user_api"], i["filepath"]): i["num_threads"] for i in threadpool_info()
        }

    before = threads()
    assert {api for api, _ in before} >= {"blas", "openmp"}
    with one_thread():
        assert all(n == 1 for n in threads().values())
    assert threads() == before


@pytest.mark.parametrize("module", ["evaluation", "experiments"])
def test_k_means_runs_on_one_thread(module, monkeypatch):
    # 300-cell k-means: waking a second OpenMP thread costs more than the fit
    import importlib

    from threadpoolctl import threadpool_info

    seen = []

    class Recording(KMeans):
        def fit_predict(self, X, y=None, sample_weight=None):
            seen.append({i["num_threads"] for i in threadpool_info()})
            return super().fit_predict(X)

    monkeypatch.setattr(
        importlib.import_module(f"helpers.{module}"), "KMeans", Recording
    )
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 20)
    if module == "evaluation":
        cluster_ari(rng.normal(size=(60, 4)) + 3 * y[:, None], y)
    else:
        edge_index, labels = ring_of_cliques()
        train = torch.zeros(10, dtype=torch.bool)
        train[[0, 9]] = True
        kw = dict(embedding_dim=4, walk_length=4, context_size=2, walks_per_node=1)
        node2vec_experiment(
            edge_index, labels, train, seeds=[0], num_epochs=1, lr=0.01, **kw
        )
    assert seen and all(threads == {1} for threads in seen)


@pytest.mark.parametrize("q", [1.0, 2.0])
def test_train_node2vec_pair_counts_give_the_loss_of_the_windows(q):
    # the pairs counted up front, from the same random numbers as the windows, give
    # model.loss of those windows (value and gradient) at every epoch
    from helpers.training import _presampled_pair_counts, _presampled_windows

    edge_index, _ = ring_of_cliques()
    kw = dict(embedding_dim=4, walk_length=6, context_size=3, walks_per_node=2, q=q)
    set_seed(0)
    model = Node2Vec(edge_index, **kw)
    set_seed(1)
    windows = _presampled_windows(model, num_epochs=3)
    set_seed(1)
    counted = _presampled_pair_counts(model, num_epochs=3)
    assert len(counted) == 3
    z = model.embedding.weight
    for (pos_rw, neg_rw), (pos_weight, neg_weight) in zip(
        windows, counted, strict=True
    ):
        assert pos_weight.shape == (10, 10) and neg_weight.shape == (10, 10)
        assert torch.isclose(pos_weight.sum(), torch.tensor(1.0))
        expected, mine = (
            model.loss(pos_rw, neg_rw),
            model._counted_loss(pos_weight, neg_weight),
        )
        assert torch.allclose(mine, expected, atol=1e-6)
        assert torch.allclose(
            torch.autograd.grad(mine, z)[0],
            torch.autograd.grad(expected, z)[0],
            atol=1e-6,
        )


def test_train_node2vec_restores_torch_threads():
    edge_index, _ = ring_of_cliques()
    model = Node2Vec(edge_index, embedding_dim=4, walk_length=4, context_size=2)
    before = torch.get_num_threads()
    train_node2vec(model, num_epochs=2, lr=0.01)
    assert torch.get_num_threads() == before


def _two_methods():
    return pd.DataFrame(
        {
            "seed": [0, 1, 2, 0, 1, 2],
            "method": ["a", "a", "a", "b", "b", "b"],
            "test_accuracy": [0.9, 0.8, 0.7, 0.6, 0.7, 0.5],
        }
    )


def test_paired_differences_pairs_by_seed():
    out = paired_differences(_two_methods(), [("a", "b")])
    d = np.array([0.3, 0.1, 0.2])  # a - b on seeds 0, 1, 2
    assert list(out.index.names) == ["method", "minus"]
    assert np.isclose(out.loc[("a", "b"), "mean"], d.mean())
    assert np.isclose(out.loc[("a", "b"), "se"], d.std(ddof=1) / np.sqrt(3))
    # shuffled rows give the same answer: the pairing is by seed, not by position
    shuffled = _two_methods().sample(frac=1, random_state=0)
    assert paired_differences(shuffled, [("a", "b")]).equals(out)


def test_paired_differences_other_columns():
    df = _two_methods().rename(columns={"method": "model", "test_accuracy": "ari"})
    out = paired_differences(df, [("b", "a")], by="model", value="ari")
    assert np.isclose(out.loc[("b", "a"), "mean"], -0.2)


def test_paired_differences_bad_input():
    with pytest.raises(ValueError, match="no column"):
        paired_differences(_two_methods(), [("a", "b")], value="ari")
    with pytest.raises(ValueError, match="'c'"):
        paired_differences(_two_methods(), [("a", "c")])
    with pytest.raises(ValueError, match="pairs"):
        paired_differences(_two_methods(), [])
    unpaired = _two_methods().iloc[:-1]  # b has no seed 2
    with pytest.raises(ValueError, match="seeds"):
        paired_differences(unpaired, [("a", "b")])
