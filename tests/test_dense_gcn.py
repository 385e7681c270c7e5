"""The ``dense=True`` path of the course's GCN models (chapters 4 and 6)."""

import numpy as np
import torch
from torch_geometric.data import Data

from helpers import set_seed
from helpers.experiments import compare_clusterings, integration_experiment
from helpers.models import GCN, DGIEncoder, NormLossGCN
from helpers.training import train_dgi


def small_graph(n=40, seed=0):
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, 120)
    dst = rng.integers(0, n, 120)
    keep = src != dst
    edge_index = torch.tensor(np.stack([src[keep], dst[keep]]), dtype=torch.long)
    edge_index = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    x = torch.tensor(rng.normal(size=(n, 5)), dtype=torch.float32)
    weight = torch.tensor(rng.random(edge_index.shape[1]), dtype=torch.float32)
    return x, edge_index, weight


def test_dense_gcn_matches_sparse_with_and_without_weights():
    x, edge_index, weight = small_graph()
    for edge_weight in (None, weight):
        sparse = GCN(5, 8, 3)
        dense = GCN(5, 8, 3, dense=True)
        dense.load_state_dict(sparse.state_dict())
        assert torch.allclose(
            sparse(x, edge_index, edge_weight),
            dense(x, edge_index, edge_weight),
            atol=1e-5,
        )


def test_dense_encoders_match_sparse_and_follow_a_new_graph():
    x, edge_index, _ = small_graph()
    _, other, _ = small_graph(seed=1)
    for build in (
        lambda d: NormLossGCN(5, 8, 4, dense=d),
        lambda d: DGIEncoder(5, 8, dense=d),
    ):
        set_seed(0)
        sparse = build(False)
        set_seed(0)
        dense = build(True)  # same parameters, same initialisation
        assert all(
            torch.equal(a, b)
            for a, b in zip(sparse.parameters(), dense.parameters(), strict=True)
        )
        assert torch.allclose(sparse(x, edge_index), dense(x, edge_index), atol=1e-5)
        fresh = build(False)
        fresh.load_state_dict(dense.state_dict())
        assert torch.allclose(fresh(x, other), dense(x, other), atol=1e-5)


def test_dense_is_off_by_default():
    assert not GCN(5, 8, 3).dense
    assert not NormLossGCN(5).dense
    assert not DGIEncoder(5, 8).dense


def test_train_dgi_dense_close_to_sparse():
    x, edge_index, _ = small_graph()
    data = Data(x=x, edge_index=edge_index)
    z_sparse, h_sparse = train_dgi(data, hidden_channels=8, num_epochs=3, seed=0)
    z_dense, h_dense = train_dgi(
        data, hidden_channels=8, num_epochs=3, seed=0, dense=True
    )
    assert np.allclose(z_sparse, z_dense, atol=1e-4)
    assert np.allclose(h_sparse.loss, h_dense.loss, atol=1e-4)


def test_experiments_accept_dense():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 20)
    X = (rng.normal(size=(40, 6)) + 2 * y[:, None]).astype(np.float32)
    x, edge_index, _ = small_graph()
    table = compare_clusterings(
        X, y, edge_index, seeds=[0], n_components=2, num_epochs=3, dense=True
    )
    assert len(table) == 4 and table.ari.between(-1, 1).all()
    views = {"a": X[:, :3], "b": X[:, 3:]}
    kwargs = dict(k=5, seeds=[0], num_epochs=5)
    dense = integration_experiment(views, y, dense=True, **kwargs)
    sparse = integration_experiment(views, y, **kwargs)
    assert list(dense.method) == list(sparse.method)
    assert dense.test_accuracy.between(0, 1).all()


def test_dense_widening_layer_follows_new_or_changed_inputs():
    # a layer that widens its input (5 -> 8) averages the inputs first and keeps
    # that average for the next call on the same, unchanged input tensor
    x, edge_index, _ = small_graph()
    sparse = GCN(5, 8, 3)
    dense = GCN(5, 8, 3, dense=True)
    dense.load_state_dict(sparse.state_dict())
    with torch.no_grad():
        for inputs in (x, x, x + 1.0, x.clone()):
            assert torch.allclose(
                sparse(inputs, edge_index), dense(inputs, edge_index), atol=1e-5
            )
        dense(x, edge_index)  # keeps the average of x
        x.mul_(-2.0)  # changed in place: the kept average is stale
        assert torch.allclose(sparse(x, edge_index), dense(x, edge_index), atol=1e-5)


def test_dense_gradients_match_sparse():
    x, edge_index, _ = small_graph()
    set_seed(0)
    sparse = NormLossGCN(5, 8, 4)
    set_seed(0)
    dense = NormLossGCN(5, 8, 4, dense=True)
    grads = []
    for model in (sparse, dense):
        inputs = x.clone().requires_grad_(True)
        for _ in range(2):  # twice: the input gradient adds up over both calls
            model.zero_grad()
            model(inputs, edge_index).norm(dim=1).mean().backward()
        grads.append([inputs.grad, *(p.grad for p in model.parameters())])
    for a, b in zip(*grads, strict=True):
        assert torch.allclose(a, b, atol=1e-5)
