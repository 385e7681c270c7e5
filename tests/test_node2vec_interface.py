"""The course's Node2Vec is a drop-in for PyG's (which needs pyg-lib, not on PyPI).

Students who later install pyg-lib should be able to swap ``helpers.Node2Vec`` for
``torch_geometric.nn.Node2Vec`` without changing a call: same public methods, same
parameter names, order and defaults, same output shapes.
"""

from __future__ import annotations

import inspect

import pytest
import torch
from torch_geometric.nn import Node2Vec as PyGNode2Vec

from helpers import Node2Vec

METHODS = [
    "__init__",
    "forward",
    "loader",
    "pos_sample",
    "neg_sample",
    "sample",
    "loss",
    "test",
]


def parameters(function) -> list[tuple[str, object, object]]:
    """(name, kind, default) of each parameter except a trailing ``*args``."""
    return [
        (p.name, p.kind, p.default)
        for p in inspect.signature(function).parameters.values()
        if p.kind is not inspect.Parameter.VAR_POSITIONAL
    ]


@pytest.mark.parametrize("method", METHODS)
def test_same_parameters_as_pyg(method):
    ours = parameters(getattr(Node2Vec, method))
    theirs = parameters(getattr(PyGNode2Vec, method))
    assert ours == theirs


def test_shapes_follow_pyg_conventions():
    ring = torch.arange(10)
    edge_index = torch.stack([ring, (ring + 1) % 10])
    edge_index = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    kwargs = dict(embedding_dim=8, walk_length=5, context_size=3, walks_per_node=2)
    model = Node2Vec(edge_index, **kwargs)
    assert model().shape == (10, 8)
    assert model(torch.tensor([1, 2])).shape == (2, 8)
    pos, neg = model.sample(torch.arange(4))
    # PyG counts the start node in walk_length: a walk holds walk_length nodes and
    # walk_length - context_size + 1 windows
    windows = 5 - 3 + 1
    assert pos.shape == (4 * 2 * windows, 3)
    assert neg.shape == (4 * 2 * windows, 3)
    assert model.loss(pos, neg).dim() == 0
