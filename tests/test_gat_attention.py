"""Unit tests of the chapter-5 helpers: GAT and the attention read-outs."""

import numpy as np
import pytest
import torch

from helpers import (
    GAT,
    attention_entropy,
    knn_graph,
    representation_spread,
    same_label_attention,
    set_seed,
)


@pytest.fixture
def small():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 4)).astype(np.float32)
    return torch.tensor(X), knn_graph(X, 3, metric="euclidean", self_loops=True)[0]


def test_gat_shapes_and_attention(small):
    x, ei = small
    set_seed(0)
    model = GAT(4, 8, 3, heads=4).eval()
    out, attention = model(x, ei, return_attention_weights=True)
    assert out.shape == (12, 3)
    torch.testing.assert_close(out.exp().sum(1), torch.ones(12))
    (ei1, a1), (ei2, a2) = attention
    assert a1.shape == (ei1.shape[1], 4) and a2.shape == (ei2.shape[1], 1)
    per_target = torch.zeros(12).index_add_(0, ei1[1], a1[:, 0])
    torch.testing.assert_close(per_target, torch.ones(12))


def test_gat_refuses_to_ignore_edge_weights(small):
    x, ei = small
    with pytest.raises(ValueError, match="edge_dim"):
        GAT(4, 8, 3)(x, ei, torch.rand(ei.shape[1]))


def test_gat_with_edge_dim_uses_the_weights(small):
    x, ei = small
    set_seed(0)
    model = GAT(4, 8, 3, edge_dim=1).eval()
    w = torch.rand(ei.shape[1])
    assert not torch.allclose(model(x, ei, w), model(x, ei, w * 5))


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(heads=0), "heads"),
        (dict(activation="tanh"), "activation"),
        (dict(dropout=1.0), "dropout"),
    ],
)
def test_gat_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GAT(4, 8, 3, **kwargs)


def test_attention_entropy_uniform_and_peaked():
    ei = torch.tensor([[0, 1, 2, 0, 1], [2, 2, 2, 1, 1]])
    uniform = torch.tensor([1 / 3, 1 / 3, 1 / 3, 0.5, 0.5]).view(-1, 1)
    table = attention_entropy(ei, uniform, num_nodes=3)
    np.testing.assert_allclose(table.entropy[[1, 2]], [np.log(2), np.log(3)])
    np.testing.assert_allclose(table.relative_entropy[[1, 2]], [1.0, 1.0])
    assert np.isnan(table.relative_entropy[0])
    peaked = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.0]).view(-1, 1)
    assert attention_entropy(ei, peaked, 3).entropy[[1, 2]].tolist() == [0.0, 0.0]


def test_same_label_attention():
    ei = torch.tensor([[0, 1, 2, 2], [2, 2, 2, 0]])  # (2, 2) is a self loop, ignored
    alpha = torch.tensor([0.6, 0.3, 0.1, 1.0]).view(-1, 1)
    y = np.array([0, 1, 0])
    share = same_label_attention(ei, alpha, y)
    assert share[2] == pytest.approx(0.6 / 0.9)
    assert share[0] == 1.0 and np.isnan(share[1])


def test_attention_bad_input():
    ei = torch.tensor([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="rows"):
        attention_entropy(ei, torch.ones(3, 1), 2)
    with pytest.raises(ValueError, match="num_nodes"):
        attention_entropy(ei, torch.ones(2, 1), 1)
    with pytest.raises(ValueError, match="non-negative"):
        same_label_attention(ei, -torch.ones(2, 1), [0, 1])
    with pytest.raises(ValueError, match="labels"):
        same_label_attention(ei, torch.ones(2, 1), [0])


def test_gat_embed_is_the_first_layer(small):
    x, ei = small
    set_seed(0)
    model = GAT(4, 8, 3, heads=2).eval()
    h = model.embed(x, ei)
    assert h.shape == (12, 16)
    assert not h.requires_grad
    torch.testing.assert_close(h, model.embed(x, ei))
    assert model.training is False


def test_representation_spread():
    y = np.array([0, 0, 1, 1])
    collapsed = representation_spread(np.ones((4, 3)), y)
    assert collapsed.total_variance == 0.0 and np.isnan(collapsed.between_type_share)
    rounding = np.ones((4, 3)) + 1e-9 * np.arange(4)[:, None]
    assert np.isnan(representation_spread(rounding, y).between_type_share)
    separated = representation_spread(np.array([[0.0], [0.0], [2.0], [2.0]]), y)
    assert separated.total_variance == pytest.approx(1.0)
    assert separated.between_type_share == pytest.approx(1.0)
    mixed = representation_spread(np.array([[0.0], [2.0], [0.0], [2.0]]), y)
    assert mixed.between_type_share == pytest.approx(0.0)
    with pytest.raises(ValueError, match="labels"):
        representation_spread(np.ones((4, 3)), [0, 1])
    with pytest.raises(ValueError, match="2-D"):
        representation_spread(np.ones(4), y)
