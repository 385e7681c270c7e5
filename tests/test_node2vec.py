"""Unit tests of Node2Vec in helpers.models (chapter 1): walk statistics, PyG's interface, bad input."""

from collections import Counter

import numpy as np
import pytest
import torch
from scipy.stats import chisquare

import helpers.models as node2vec_module
from helpers import Node2Vec, random_walk, set_seed, to_csr


def undirected(edges):
    e = torch.tensor(edges, dtype=torch.long).T
    return torch.cat([e, e.flip(0)], dim=1)


# 0-1, 0-2, 1-2, 1-3, 1-4, 3-5: from (t=0, v=1) the moves are back (0), common (2), outward (3, 4)
SMALL = undirected([(0, 1), (0, 2), (1, 2), (1, 3), (1, 4), (3, 5)])


def expected_transition(rowptr, col, t, v, p, q):
    nbrs_v = col[rowptr[v] : rowptr[v + 1]].tolist()
    nbrs_t = set(col[rowptr[t] : rowptr[t + 1]].tolist())
    weights = [1 / p if x == t else (1.0 if x in nbrs_t else 1 / q) for x in nbrs_v]
    w = np.array(weights)
    return nbrs_v, w / w.sum()


def second_order_counts(walks):
    counts = {}
    for walk in walks.tolist():
        for a, b, c in zip(walk, walk[1:], walk[2:], strict=False):
            counts.setdefault((a, b), Counter())[c] += 1
    return counts


def test_to_csr_sorts_neighbours():
    rowptr, col = to_csr(SMALL)
    assert rowptr.tolist() == [0, 2, 6, 8, 10, 11, 12]
    assert col[rowptr[1] : rowptr[2]].tolist() == [0, 2, 3, 4]


@pytest.mark.parametrize("table_limit", [5_000_000, 0], ids=["table", "on-the-fly"])
@pytest.mark.parametrize("p,q", [(1.0, 1.0), (0.5, 2.0), (4.0, 0.25), (1.0, 4.0)])
def test_walk_transitions_match_node2vec_definition(p, q, table_limit, monkeypatch):
    monkeypatch.setattr(node2vec_module, "_TABLE_LIMIT", table_limit)
    set_seed(0)
    rowptr, col = to_csr(SMALL)
    start = torch.arange(6).repeat(800)
    walks = random_walk(rowptr, col, start, walk_length=8, p=p, q=q)
    counts = second_order_counts(walks)
    tested = 0
    for (t, v), counter in counts.items():
        n = sum(counter.values())
        if n < 500:
            continue
        nbrs, probs = expected_transition(rowptr, col, t, v, p, q)
        observed = np.array([counter[x] for x in nbrs])
        assert observed.sum() == n, "a walk moved to a non-neighbour"
        if len(nbrs) == 1:
            continue
        assert chisquare(observed, probs * n).pvalue > 1e-4, (t, v, observed, probs)
        tested += 1
    assert tested >= 6


@pytest.mark.parametrize("table_limit", [5_000_000, 0], ids=["table", "on-the-fly"])
def test_biased_walk_prefers_return_when_p_small(table_limit, monkeypatch):
    monkeypatch.setattr(node2vec_module, "_TABLE_LIMIT", table_limit)
    set_seed(1)
    rowptr, col = to_csr(SMALL)
    walks = random_walk(
        rowptr, col, torch.zeros(2000, dtype=torch.long), walk_length=2, p=0.1, q=1.0
    )
    # from 0 -> 1, going back to 0 has weight 10 against 1, 1, 1 for 2, 3, 4
    via_1 = walks[walks[:, 1] == 1]
    back = (via_1[:, 2] == 0).float().mean().item()
    assert abs(back - 10 / 13) < 0.05


def test_walk_shape_start_and_edges():
    set_seed(0)
    rowptr, col = to_csr(SMALL)
    walks = random_walk(
        rowptr, col, torch.tensor([0, 5, 3]), walk_length=6, p=2.0, q=0.5
    )
    assert walks.shape == (3, 7)
    assert walks[:, 0].tolist() == [0, 5, 3]
    edges = set(map(tuple, SMALL.T.tolist()))
    for walk in walks.tolist():
        assert all((a, b) in edges for a, b in zip(walk, walk[1:], strict=False))


@pytest.mark.parametrize("table_limit", [5_000_000, 0], ids=["table", "on-the-fly"])
def test_isolated_node_walk_stays(table_limit, monkeypatch):
    monkeypatch.setattr(node2vec_module, "_TABLE_LIMIT", table_limit)
    edge_index = undirected([(0, 1)])
    rowptr, col = to_csr(edge_index, num_nodes=3)
    walks = random_walk(
        rowptr, col, torch.tensor([2, 2, 0]), walk_length=4, p=0.5, q=2.0
    )
    assert walks[:2].unique().tolist() == [2]
    assert walks[2].tolist() == [0, 1, 0, 1, 0]


def test_walks_reproducible_with_seed():
    rowptr, col = to_csr(SMALL)
    set_seed(3)
    a = random_walk(rowptr, col, torch.arange(6), 10, p=0.5, q=2.0)
    set_seed(3)
    b = random_walk(rowptr, col, torch.arange(6), 10, p=0.5, q=2.0)
    assert torch.equal(a, b)


def make_model(**kw):
    args = dict(
        embedding_dim=8,
        walk_length=6,
        context_size=3,
        walks_per_node=2,
        num_negative_samples=1,
    )
    args.update(kw)
    return Node2Vec(SMALL, **args)


def test_sample_shapes_match_pyg_convention():
    set_seed(0)
    model = make_model()
    batch = torch.tensor([0, 1, 2])
    pos, neg = model.sample(batch)
    # PyG: walks of walk_length nodes, walk_length + 1 - context_size windows each
    num_windows = 6 + 1 - 3
    assert pos.shape == (3 * 2 * num_windows, 3)
    assert neg.shape == (3 * 2 * num_windows, 3)
    assert set(pos[:, 0].tolist()) <= set(range(6))
    assert model(batch).shape == (3, 8)
    assert model().shape == (6, 8)


def test_loader_yields_pos_neg_pairs():
    set_seed(0)
    model = make_model()
    batches = list(model.loader(batch_size=4, shuffle=False))
    assert len(batches) == 2
    pos, neg = batches[0]
    assert pos.shape[1] == neg.shape[1] == 3


def test_loss_gram_path_equals_direct_computation():
    set_seed(0)
    model = make_model()
    pos, neg = model.sample(torch.arange(6))
    loss = model.loss(pos, neg)

    def direct(rw):
        h0 = model.embedding(rw[:, :1])
        h = model.embedding(rw[:, 1:])
        return (h0 * h).sum(-1).view(-1)

    eps = model.EPS
    ref = (
        -torch.log(torch.sigmoid(direct(pos)) + eps).mean()
        - torch.log(1 - torch.sigmoid(direct(neg)) + eps).mean()
    )
    assert torch.allclose(loss, ref, atol=1e-6)


def direct_loss(model, pos, neg):
    """PyG's formula, one dot product per (first node, context node) pair."""

    def scores(rw):
        return (
            (model.embedding(rw[:, :1]) * model.embedding(rw[:, 1:])).sum(-1).view(-1)
        )

    eps = model.EPS
    return (
        -torch.log(torch.sigmoid(scores(pos)) + eps).mean()
        - torch.log(1 - torch.sigmoid(scores(neg)) + eps).mean()
    )


def test_loss_above_the_gram_limit_equals_direct_computation():
    """Issue 17: a batch touching more than ``_GRAM_LIMIT`` distinct nodes takes the
    per-pair path; loss and gradient must equal PyG's formula there too."""
    n = node2vec_module._GRAM_LIMIT + 500
    ring = undirected([(i, (i + 1) % n) for i in range(n)])
    set_seed(0)
    model = Node2Vec(ring, embedding_dim=8, walk_length=4, context_size=2)
    pos, neg = model.sample(torch.arange(n))
    assert torch.unique(torch.cat([pos.ravel(), neg.ravel()])).numel() > (
        node2vec_module._GRAM_LIMIT
    )
    loss = model.loss(pos, neg)
    (grad,) = torch.autograd.grad(loss, model.embedding.weight)
    ref = direct_loss(model, pos, neg)
    (ref_grad,) = torch.autograd.grad(ref, model.embedding.weight)
    assert torch.allclose(loss, ref, atol=1e-6)
    assert torch.allclose(grad.to_dense(), ref_grad.to_dense(), atol=1e-7)


def test_loss_gram_and_per_pair_paths_agree(monkeypatch):
    set_seed(0)
    model = make_model()
    pos, neg = model.sample(torch.arange(6))
    gram = model.loss(pos, neg)
    monkeypatch.setattr(node2vec_module, "_GRAM_LIMIT", 0)  # force the per-pair path
    assert torch.allclose(model.loss(pos, neg), gram, atol=1e-6)


def test_training_reduces_loss_and_sparse_grad():
    set_seed(0)
    model = make_model(sparse=True)
    optimizer = torch.optim.SparseAdam(list(model.parameters()), lr=0.05)
    losses = []
    for _ in range(60):
        pos, neg = model.sample(torch.arange(6))
        optimizer.zero_grad()
        loss = model.loss(pos, neg)
        loss.backward()
        assert model.embedding.weight.grad.is_sparse
        optimizer.step()
        losses.append(loss.item())
    assert np.mean(losses[-10:]) < np.mean(losses[:10])


def test_test_method_scores_logistic_regression():
    model = make_model()
    z = torch.tensor([[0.0, 1.0], [0.1, 0.9], [1.0, 0.0], [0.9, 0.1]])
    y = torch.tensor([0, 0, 1, 1])
    assert model.test(z[[0, 2]], y[[0, 2]], z[[1, 3]], y[[1, 3]]) == 1.0


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(walk_length=2, context_size=3), "walk_length"),
        (dict(context_size=1), "context_size"),
        (dict(embedding_dim=0), "embedding_dim"),
        (dict(walks_per_node=0), "walks_per_node"),
        (dict(num_negative_samples=0), "num_negative_samples"),
        (dict(p=0.0), "p and q"),
        (dict(q=-1.0), "p and q"),
        (dict(num_nodes=3), "num_nodes"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_model(**kwargs)


@pytest.mark.parametrize(
    "edge_index",
    [
        torch.zeros(3, 4, dtype=torch.long),
        torch.zeros(2, 4),
        torch.tensor([[0, -1], [1, 0]]),
    ],
)
def test_bad_edge_index(edge_index):
    with pytest.raises(ValueError, match="edge_index"):
        Node2Vec(edge_index, embedding_dim=4, walk_length=4, context_size=2)


def test_random_walk_bad_input():
    rowptr, col = to_csr(SMALL)
    with pytest.raises(ValueError, match="walk_length"):
        random_walk(rowptr, col, torch.tensor([0]), 0)
    with pytest.raises(ValueError, match="start"):
        random_walk(rowptr, col, torch.tensor([6]), 3)
    with pytest.raises(ValueError, match="p and q"):
        random_walk(rowptr, col, torch.tensor([0]), 3, p=0)
