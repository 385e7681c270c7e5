"""Models: the networks of the course, each written out first in its chapter.

- :class:`Node2Vec` (chapter 1): a pure-PyTorch Node2Vec with the interface of
  ``torch_geometric.nn.Node2Vec``, with its random walks (:func:`random_walk`,
  :func:`to_csr`). PyG's own class needs the compiled ``pyg-lib`` (or
  ``torch-cluster``), which does not install from PyPI on every laptop; where it is
  installed, PyG's class is a drop-in replacement (the constructor arguments and
  ``forward``, ``loader``, ``pos_sample``, ``neg_sample``, ``sample``, ``loss``,
  ``test`` match).
- :class:`GCN` and :class:`MLP` (chapter 2).
- :class:`NormLossGCN` and :class:`DGIEncoder` (chapter 4).
- :class:`GAT` (chapter 5).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Embedding
from torch.utils.data import DataLoader
from torch_geometric.nn import GCNConv

from . import _PUBLIC
from ._utils import as_numpy

__all__ = list(_PUBLIC["models"])


def _check_arguments(
    in_channels: int, hidden_channels: int, out_channels: int, dropout: float
) -> None:
    sizes = {
        "in_channels": in_channels,
        "hidden_channels": hidden_channels,
        "out_channels": out_channels,
    }
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")


def _dense_gcn_adjacency(
    edge_index: Tensor, num_nodes: int, edge_weight: Tensor | None = None
) -> Tensor:
    """``GCNConv``'s normalised adjacency with self-loops, as a dense ``n x n`` matrix.

    Row ``i`` holds the weights with which node ``i`` averages its neighbours, so that
    ``A @ lin(x) + bias`` is what ``GCNConv(cached=True)`` computes (up to float
    rounding). Only for small graphs (a few thousand nodes at most).
    """
    from torch_geometric.nn.conv.gcn_conv import gcn_norm

    index, weight = gcn_norm(edge_index, edge_weight, num_nodes, add_self_loops=True)
    adjacency = torch.zeros(num_nodes, num_nodes, dtype=weight.dtype)
    return adjacency.index_put_((index[1], index[0]), weight, accumulate=True)


class _DenseGCNMixin:
    """Dense propagation for the course's small graphs (``dense=True``).

    The layers stay ``GCNConv`` (same parameters, same initialisation); only the
    neighbourhood sum becomes one matrix product with the cached normalised adjacency,
    rebuilt when the model is called on another graph. A layer that widens its input
    averages the inputs first, ``lin(A @ x)`` instead of ``A @ lin(x)``: the same
    result up to float rounding, with a smaller product and, for inputs that need no
    gradient (the features), no product in the backward pass; such an average is kept
    for the next call on the same, unchanged tensor.
    """

    def _init_dense(self, dense: bool) -> None:
        self.dense, self._dense_key, self._adjacency = dense, None, None
        self._averaged = None  # (input, its version, adjacency @ input)

    def _average(self, x: Tensor) -> Tensor:
        if x.requires_grad:
            return self._adjacency @ x
        kept = self._averaged
        if kept is None or kept[0] is not x or kept[1] != x._version:
            kept = self._averaged = (x, x._version, self._adjacency @ x)
        return kept[2]

    def _conv(
        self, conv: GCNConv, x: Tensor, edge_index: Tensor, edge_weight=None
    ) -> Tensor:
        if not self.dense:
            return conv(x, edge_index, edge_weight)
        key = (
            edge_index.data_ptr(),
            tuple(edge_index.shape),
            None if edge_weight is None else edge_weight.data_ptr(),
            x.size(0),
        )
        if self._dense_key != key:
            self._dense_key = key
            self._adjacency = _dense_gcn_adjacency(edge_index, x.size(0), edge_weight)
            self._averaged = None
        if conv.in_channels < conv.out_channels:
            return conv.lin(self._average(x)) + conv.bias
        return self._adjacency @ conv.lin(x) + conv.bias


class GCN(_DenseGCNMixin, torch.nn.Module):
    """Two-layer graph convolutional network (Kipf & Welling 2017), chapter 2.

    ``GCNConv -> ReLU -> dropout -> GCNConv -> log_softmax``. Train it with
    ``NLLLoss`` (the log-softmax is already applied). Chapter 2 writes this model
    out (``TwoLayerGCN``, from a hand-written ``MessagePassing`` layer) and checks
    that it computes the same as this class with the same weights.

    Parameters
    ----------
    in_channels, hidden_channels, out_channels : int
        Input features, hidden units, classes.
    dropout : float
        Dropout probability on the hidden layer, in ``[0, 1)``.
    cached : bool
        Normalise the graph on the first call and reuse it (about twice as fast on
        the course's graphs). A cached model belongs to one graph: calling it with
        another ``edge_index`` raises ``ValueError``; build a new model instead.
    dense : bool
        Propagate with a cached dense normalised adjacency (one matrix product per
        layer) instead of ``GCNConv``'s sparse message passing: the same parameters
        and the same result up to float rounding (chapter 2 writes this layer out and
        checks it equal to ``GCNConv``), several times faster on graphs of a few
        hundred nodes (chapters 3 and 6); keep the default on large graphs.

    Raises
    ------
    ValueError
        For a non-positive size or a dropout outside ``[0, 1)``; for a cached model
        called on a different graph.
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        dropout: float = 0.0,
        cached: bool = True,
        dense: bool = False,
    ):
        super().__init__()
        _check_arguments(in_channels, hidden_channels, out_channels, dropout)
        self.conv1 = GCNConv(in_channels, hidden_channels, cached=cached)
        self.conv2 = GCNConv(hidden_channels, out_channels, cached=cached)
        self.dropout = dropout
        self.cached = cached
        self._graph_key = None
        self._init_dense(dense)

    def _check_graph(self, edge_index: Tensor, edge_weight: Tensor | None) -> None:
        weight_ptr = None if edge_weight is None else edge_weight.data_ptr()
        key = (edge_index.data_ptr(), tuple(edge_index.shape), weight_ptr)
        if self._graph_key is None:
            self._graph_key = key
        elif key != self._graph_key:
            raise ValueError(
                "this GCN cached the normalised graph of another edge_index/edge_weight; "
                "build a new model for a new graph, or create it with cached=False"
            )

    def forward(
        self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None
    ) -> Tensor:
        """Return the log-probabilities of the classes, one row per node."""
        if self.cached:
            self._check_graph(edge_index, edge_weight)
        h = F.relu(self._conv(self.conv1, x, edge_index, edge_weight))
        h = F.dropout(h, p=self.dropout, training=self.training)
        return F.log_softmax(self._conv(self.conv2, h, edge_index, edge_weight), dim=1)


class MLP(torch.nn.Module):
    """The same two-layer network without the graph: the non-graph baseline of chapter 2.

    ``Linear -> ReLU -> dropout -> Linear -> log_softmax``. Accepts (and ignores)
    ``edge_index`` and ``edge_weight`` so it trains with the same loop as :class:`GCN`.

    Parameters
    ----------
    in_channels, hidden_channels, out_channels : int
        Input features, hidden units, classes.
    dropout : float
        Dropout probability on the hidden layer, in ``[0, 1)``.

    Raises
    ------
    ValueError
        For a non-positive size or a dropout outside ``[0, 1)``.
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        dropout: float = 0.0,
    ):
        super().__init__()
        _check_arguments(in_channels, hidden_channels, out_channels, dropout)
        self.lin1 = torch.nn.Linear(in_channels, hidden_channels)
        self.lin2 = torch.nn.Linear(hidden_channels, out_channels)
        self.dropout = dropout

    def forward(
        self,
        x: Tensor,
        edge_index: Tensor | None = None,
        edge_weight: Tensor | None = None,
    ) -> Tensor:
        """Return the log-probabilities of the classes per node; the graph is ignored."""
        h = F.relu(self.lin1(x))
        h = F.dropout(h, p=self.dropout, training=self.training)
        return F.log_softmax(self.lin2(h), dim=1)


class GAT(torch.nn.Module):
    """Two-layer graph attention network (Veličković et al. 2018), chapter 5.

    ``dropout -> GATConv(heads, concat) -> ELU -> dropout -> GATConv(1 head) ->
    log_softmax``, as in the lab: ``heads`` attention heads of ``hidden_channels``
    units each, concatenated (``heads * hidden_channels`` features), then one head
    for the classes.

    ``GATConv`` ignores an edge weight passed as its third argument unless it was
    built with ``edge_dim``. This class never ignores one silently: with
    ``edge_dim=None`` a given ``edge_weight`` raises ``ValueError``; with
    ``edge_dim=1`` the weights become edge features that the attention sees.

    Parameters
    ----------
    in_channels, hidden_channels, out_channels : int
        Input features, units per head, classes.
    heads : int
        Attention heads in the first layer.
    dropout : float
        Dropout on the inputs of both layers and on the attention coefficients.
    activation : {"elu", "relu"}
        Non-linearity between the layers.
    edge_dim : int or None
        Size of edge features the attention uses (1 for a scalar weight), or ``None``.

    Raises
    ------
    ValueError
        For a non-positive size, a dropout outside ``[0, 1)``, an unknown
        activation, or an ``edge_weight`` given to a model without ``edge_dim``.
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int,
        out_channels: int,
        heads: int = 4,
        dropout: float = 0.6,
        activation: str = "elu",
        edge_dim: int | None = None,
    ):
        super().__init__()
        from torch_geometric.nn import GATConv

        _check_arguments(in_channels, hidden_channels, out_channels, dropout)
        if isinstance(heads, bool) or not isinstance(heads, int) or heads < 1:
            raise ValueError(f"heads must be a positive integer, got {heads!r}")
        if activation not in ("elu", "relu"):
            raise ValueError(f"activation must be 'elu' or 'relu', got {activation!r}")
        self.conv1 = GATConv(
            in_channels,
            hidden_channels,
            heads=heads,
            dropout=dropout,
            edge_dim=edge_dim,
        )
        self.conv2 = GATConv(
            hidden_channels * heads,
            out_channels,
            heads=1,
            dropout=dropout,
            edge_dim=edge_dim,
        )
        self.dropout = dropout
        self.activation = F.elu if activation == "elu" else F.relu
        self.edge_dim = edge_dim

    def _edge_attr(self, edge_weight: Tensor | None) -> Tensor | None:
        if edge_weight is not None and self.edge_dim is None:
            raise ValueError(
                "GATConv ignores edge weights unless it is built with edge_dim; "
                "create GAT(..., edge_dim=1) to use them, or leave them out"
            )
        return None if edge_weight is None else edge_weight.view(-1, 1)

    def forward(
        self,
        x: Tensor,
        edge_index: Tensor,
        edge_weight: Tensor | None = None,
        return_attention_weights: bool = False,
    ):
        """Return the log-probabilities of the classes, one row per node.

        With ``return_attention_weights=True``, also each layer's
        ``(edge_index, alpha)``: ``GATConv``'s edges (self loops added) and their
        attention coefficients, one column per head.
        """
        edge_attr = self._edge_attr(edge_weight)
        h = F.dropout(x, p=self.dropout, training=self.training)
        h, (ei1, alpha1) = self.conv1(
            h, edge_index, edge_attr, return_attention_weights=True
        )
        h = F.dropout(self.activation(h), p=self.dropout, training=self.training)
        out, (ei2, alpha2) = self.conv2(
            h, edge_index, edge_attr, return_attention_weights=True
        )
        out = F.log_softmax(out, dim=1)
        if return_attention_weights:
            return out, [(ei1, alpha1), (ei2, alpha2)]
        return out

    @torch.no_grad()
    def embed(
        self, x: Tensor, edge_index: Tensor, edge_weight: Tensor | None = None
    ) -> Tensor:
        """Return the first layer's output after the activation, in evaluation mode.

        ``heads * hidden_channels`` features per node: what the second layer
        aggregates. Chapter 5 measures its spread to show over-smoothing.
        """
        self.eval()
        edge_attr = self._edge_attr(edge_weight)
        return self.activation(self.conv1(x, edge_index, edge_attr))


class NormLossGCN(_DenseGCNMixin, torch.nn.Module):
    """The original lab's ``GCNCellClustering``: two GCN layers that embed cells (chapter 4).

    ``GCNConv(in, hidden) -> ReLU -> GCNConv(hidden, out)``; trained by
    :func:`train_norm_loss`.

    Parameters
    ----------
    in_channels : int
        Input features (genes).
    hidden_channels, out_channels : int
        Hidden units and embedding size.
    dense : bool
        Propagate with a cached dense normalised adjacency (one matrix product per
        layer) instead of ``GCNConv``'s sparse message passing: the same parameters
        and the same result up to float rounding, several times faster on graphs of a
        few hundred nodes (chapter 4); keep the default on large graphs.

    Raises
    ------
    ValueError
        For a size below 1.
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: int = 64,
        out_channels: int = 32,
        dense: bool = False,
    ):
        super().__init__()
        for name, value in [
            ("in_channels", in_channels),
            ("hidden_channels", hidden_channels),
            ("out_channels", out_channels),
        ]:
            if value < 1:
                raise ValueError(f"{name} must be >= 1, got {value}")
        self.conv1 = GCNConv(in_channels, hidden_channels, cached=True)
        self.conv2 = GCNConv(hidden_channels, out_channels, cached=True)
        self._init_dense(dense)

    def forward(self, x: Tensor, edge_index: Tensor) -> Tensor:
        """Return the embedding of each node, one row per node."""
        h = F.relu(self._conv(self.conv1, x, edge_index))
        return self._conv(self.conv2, h, edge_index)


class DGIEncoder(_DenseGCNMixin, torch.nn.Module):
    """One GCN layer with a PReLU, the encoder of PyG's Deep Graph Infomax example (chapter 4).

    Parameters
    ----------
    in_channels : int
        Input features.
    hidden_channels : int
        Embedding size.
    dense : bool
        Propagate with a cached dense normalised adjacency (one matrix product per
        layer) instead of ``GCNConv``'s sparse message passing: the same parameters
        and the same result up to float rounding, several times faster on graphs of a
        few hundred nodes (chapter 4); keep the default on large graphs.

    Raises
    ------
    ValueError
        For a size below 1.
    """

    def __init__(self, in_channels: int, hidden_channels: int, dense: bool = False):
        super().__init__()
        if in_channels < 1 or hidden_channels < 1:
            raise ValueError(
                f"in_channels and hidden_channels must be >= 1, got {in_channels}, {hidden_channels}"
            )
        self.conv = GCNConv(in_channels, hidden_channels, cached=True)
        self.act = torch.nn.PReLU(hidden_channels)
        self._init_dense(dense)

    def forward(self, x: Tensor, edge_index: Tensor) -> Tensor:
        """Return the embedding of each node, one row per node."""
        return self.act(self._conv(self.conv, x, edge_index))


def _summary(z: Tensor, *args, **kwargs) -> Tensor:
    return torch.sigmoid(z.mean(dim=0))


def _corruption(x: Tensor, edge_index: Tensor) -> tuple[Tensor, Tensor]:
    return x[torch.randperm(x.size(0))], edge_index


# Largest number of distinct nodes in a batch for which the loss uses a Gram matrix.
_GRAM_LIMIT = 2048


# Largest precomputed second-order transition table (entries = sum of deg(v) over edges t -> v).
_TABLE_LIMIT = 5_000_000


def _check_edge_index(edge_index: Tensor, num_nodes: int | None) -> int:
    if (
        not isinstance(edge_index, Tensor)
        or edge_index.dim() != 2
        or edge_index.size(0) != 2
    ):
        raise ValueError(
            "edge_index must be a tensor of shape (2, num_edges), "
            f"got {getattr(edge_index, 'shape', type(edge_index))}"
        )
    if edge_index.dtype not in (torch.int64, torch.int32):
        raise ValueError(
            f"edge_index must hold integer node ids, got dtype {edge_index.dtype}"
        )
    if edge_index.numel() and int(edge_index.min()) < 0:
        raise ValueError("edge_index must not contain negative node ids")
    inferred = int(edge_index.max()) + 1 if edge_index.numel() else 0
    if num_nodes is None:
        return inferred
    if num_nodes < inferred:
        raise ValueError(
            f"num_nodes={num_nodes} is smaller than the largest node id in edge_index + 1 ({inferred})"
        )
    return int(num_nodes)


def to_csr(edge_index: Tensor, num_nodes: int | None = None) -> tuple[Tensor, Tensor]:
    """Convert an ``edge_index`` to compressed sparse rows, neighbours sorted.

    Introduced in chapter 1.

    Parameters
    ----------
    edge_index : Tensor
        Directed edges, shape ``(2, num_edges)``. Give both directions for an
        undirected graph (PyG's convention).
    num_nodes : int, optional
        Number of nodes; inferred from ``edge_index`` when omitted.

    Returns
    -------
    rowptr : Tensor
        Shape ``(num_nodes + 1,)``; the neighbours of node ``v`` are
        ``col[rowptr[v]:rowptr[v + 1]]``.
    col : Tensor
        Shape ``(num_edges,)``, the edge targets sorted by source, then target.

    Raises
    ------
    ValueError
        If ``edge_index`` is not an integer tensor of shape ``(2, E)`` or holds
        ids outside ``[0, num_nodes)``.
    """
    num_nodes = _check_edge_index(edge_index, num_nodes)
    row, col = edge_index.long()
    order = torch.argsort(row * max(num_nodes, 1) + col)
    row, col = row[order], col[order]
    rowptr = torch.zeros(num_nodes + 1, dtype=torch.long)
    rowptr[1:] = torch.cumsum(torch.bincount(row, minlength=num_nodes), 0)
    return rowptr, col


def _uniform_neighbour(rowptr: Tensor, col: Tensor, cur: Tensor) -> Tensor:
    """One uniformly chosen neighbour per walker; walkers on isolated nodes stay put.

    The random numbers come from torch (``set_seed``); the arithmetic is NumPy's, which
    costs less per call than torch's on the few hundred walkers of a small graph.
    """
    rowptr_np, col_np, cur_np = rowptr.numpy(), col.numpy(), cur.numpy()
    first = rowptr_np[cur_np]
    deg = rowptr_np[cur_np + 1] - first
    offset = (torch.rand(cur_np.size).numpy() * deg).astype(np.int64)
    # Guard against rand() * deg rounding up to deg.
    offset = np.minimum(offset, np.maximum(deg - 1, 0))
    if col_np.size == 0:
        return cur.clone()
    nxt = col_np[np.minimum(first + offset, col_np.size - 1)]
    return torch.from_numpy(np.where(deg > 0, nxt, cur_np))


def random_walk(
    rowptr: Tensor,
    col: Tensor,
    start: Tensor,
    walk_length: int,
    p: float = 1.0,
    q: float = 1.0,
) -> Tensor:
    """Second-order (node2vec) random walks, vectorised over walkers.

    Introduced in chapter 1.

    A walker that arrived at ``v`` from ``t`` moves to a neighbour ``x`` of ``v``
    with probability proportional to ``1/p`` if ``x == t`` (going back), ``1`` if
    ``x`` is also a neighbour of ``t``, and ``1/q`` otherwise (moving outward)
    (Grover & Leskovec 2016). The first step is uniform. Each biased step is drawn
    exactly, for all walkers at once (no rejection loop). Randomness comes from torch's
    global generator, so ``set_seed`` makes walks reproducible.

    Parameters
    ----------
    rowptr, col : Tensor
        The graph in CSR form, from :func:`to_csr`.
    start : Tensor
        Start node of each walk, shape ``(num_walks,)``.
    walk_length : int
        Number of steps; each walk has ``walk_length + 1`` nodes.
    p, q : float
        Return and in-out parameters, both ``> 0``.

    Returns
    -------
    Tensor
        Shape ``(num_walks, walk_length + 1)``; column 0 is ``start``. A walker on an
        isolated node stays there.

    Raises
    ------
    ValueError
        If ``walk_length < 1``, ``p <= 0`` or ``q <= 0``, or ``start`` holds ids
        outside the graph.
    """
    if walk_length < 1:
        raise ValueError(f"walk_length must be >= 1, got {walk_length}")
    if p <= 0 or q <= 0:
        raise ValueError(f"p and q must be > 0, got p={p}, q={q}")
    num_nodes = rowptr.numel() - 1
    start = torch.as_tensor(start, dtype=torch.long).view(-1)
    if start.numel() and (int(start.min()) < 0 or int(start.max()) >= num_nodes):
        raise ValueError(
            f"start must hold node ids in [0, {num_nodes}), got {start.tolist()[:5]}..."
        )

    return _walk(rowptr, col, start, walk_length, p, q, table=None)


def _edge_keys(rowptr: Tensor, col: Tensor) -> Tensor:
    """Sorted keys ``u * n + v`` of all edges, to look edges up by binary search."""
    num_nodes = rowptr.numel() - 1
    src = torch.repeat_interleave(torch.arange(num_nodes), rowptr[1:] - rowptr[:-1])
    return src * num_nodes + col


def _is_edge(
    edge_keys: Tensor, u: Tensor, v: Tensor, num_nodes: int
) -> tuple[Tensor, Tensor]:
    """Whether ``(u, v)`` is an edge, and the position of its key in ``edge_keys``."""
    key = u * num_nodes + v
    pos = torch.searchsorted(edge_keys, key).clamp(max=max(edge_keys.numel() - 1, 0))
    return edge_keys[pos] == key, pos


def _transition_table(rowptr: Tensor, col: Tensor, p: float, q: float):
    """Cumulative second-order move weights for every directed edge ``t -> v``.

    Edge ``e`` (CSR order) owns the segment ``[start[e], end[e])`` of ``moves``
    (the neighbours ``x`` of ``v``) and ``cum`` (the running sum of their weights
    1/p, 1 or 1/q). ``None`` when the table would exceed ``_TABLE_LIMIT`` entries.
    """
    num_nodes = rowptr.numel() - 1
    deg = rowptr[1:] - rowptr[:-1]
    size = int(deg[col].sum())
    if size > _TABLE_LIMIT or col.numel() == 0:
        return None
    edge_keys = _edge_keys(rowptr, col)
    src = edge_keys // num_nodes
    edge = torch.repeat_interleave(torch.arange(col.numel()), deg[col])
    end = torch.cumsum(deg[col], 0)
    start = end - deg[col]
    moves = col[rowptr[col][edge] + torch.arange(size) - start[edge]]
    t = src[edge]
    common, _ = _is_edge(edge_keys, t, moves, num_nodes)
    weight = torch.full((size,), 1.0 / q, dtype=torch.float64)
    weight[common] = 1.0
    weight[moves == t] = 1.0 / p
    return {
        "keys": edge_keys,
        "start": start,
        "end": end,
        "moves": moves,
        "cum": torch.cumsum(weight, 0),
    }


def _sample_segments(cum: Tensor, start: Tensor, end: Tensor) -> Tensor:
    """One index per segment ``[start, end)`` of ``cum``, with probability proportional to its weight."""
    zero = torch.zeros((), dtype=cum.dtype)
    before = torch.where(start > 0, cum[(start - 1).clamp(min=0)], zero)
    total = cum[(end - 1).clamp(min=0)] - before
    target = before + torch.rand(start.numel(), dtype=cum.dtype) * total
    # NumPy's search: torch's runs multi-threaded from 200 queries, slow on a busy laptop
    idx = torch.from_numpy(np.searchsorted(cum.numpy(), target.numpy(), side="right"))
    return torch.minimum(torch.maximum(idx, start), end - 1).clamp(min=0)


def _walk_table(rowptr, col, start, walk_length, table):
    """Biased walks with a precomputed table: each walker carries the id of its last edge.

    The moves of edge ``t -> v`` are listed in the order of ``v``'s neighbours, so the
    ``j``-th move ``v -> x`` is the edge at CSR position ``rowptr[v] + j``: no edge
    look-up is needed. Same random numbers, hence the same walks, as a look-up.
    """
    deg = rowptr[1:] - rowptr[:-1]
    d = deg[start]
    offset = torch.minimum((torch.rand(start.numel()) * d).long(), (d - 1).clamp(min=0))
    edge = (rowptr[start] + offset).clamp(max=max(col.numel() - 1, 0))
    alive = d > 0
    cur = torch.where(alive, col[edge], start)
    walk = [start, cur]
    for _ in range(walk_length - 1):
        alive = alive & (deg[cur] > 0)  # a walker stops at a node without out-edges
        first = table["start"][edge]
        idx = _sample_segments(table["cum"], first, table["end"][edge])
        edge = torch.where(alive, rowptr[cur] + idx - first, edge)
        cur = torch.where(alive, table["moves"][idx], cur)
        walk.append(cur)
    return torch.stack(walk, dim=1)


def _walk(rowptr, col, start, walk_length, p, q, table):
    biased = not (p == 1.0 and q == 1.0)
    if biased and table is None:
        table = _transition_table(rowptr, col, p, q)
    if biased and table is not None:
        return _walk_table(rowptr, col, start, walk_length, table)
    edge_keys = _edge_keys(rowptr, col) if biased else None
    walk = [start]
    prev, cur = start, _uniform_neighbour(rowptr, col, start)
    walk.append(cur)
    for _ in range(walk_length - 1):
        if biased:
            nxt = _biased_step(rowptr, col, edge_keys, prev, cur, p, q)
        else:
            nxt = _uniform_neighbour(rowptr, col, cur)
        walk.append(nxt)
        prev, cur = cur, nxt
    return torch.stack(walk, dim=1)


def _biased_step(rowptr, col, edge_keys, prev, cur, p, q):
    """One exact second-order step for every walker, for graphs too large for a table.

    The candidate moves of all walkers are laid end to end (one segment of
    neighbours per walker), weighted 1/p, 1 or 1/q, and one move per segment is
    drawn by inverting the cumulative sum of the weights. Memory grows with the
    summed degree of the walkers' current nodes.
    """
    num_nodes = rowptr.numel() - 1
    deg = rowptr[cur + 1] - rowptr[cur]
    if int(deg.sum()) == 0:
        return cur.clone()
    walker = torch.repeat_interleave(torch.arange(cur.numel()), deg)
    end = torch.cumsum(deg, 0)
    start = end - deg
    nbr = col[rowptr[cur][walker] + torch.arange(walker.numel()) - start[walker]]
    t = prev[walker]
    common, _ = _is_edge(edge_keys, t, nbr, num_nodes)
    weight = torch.full(nbr.shape, 1.0 / q, dtype=torch.float64)
    weight[common] = 1.0
    weight[nbr == t] = 1.0 / p
    idx = _sample_segments(torch.cumsum(weight, 0), start, end)
    return torch.where(deg > 0, nbr[idx], cur)


class Node2Vec(torch.nn.Module):
    """Node2Vec embeddings (Grover & Leskovec 2016) in pure PyTorch.

    Introduced in chapter 1. Same constructor and methods as
    ``torch_geometric.nn.Node2Vec``; where ``pyg-lib`` is installed the two are
    interchangeable.

    Parameters
    ----------
    edge_index : Tensor
        Edges, shape ``(2, num_edges)``, both directions for an undirected graph.
    embedding_dim : int
        Size of each node's embedding.
    walk_length : int
        Steps per random walk.
    context_size : int
        Window size: nodes at most ``context_size - 1`` steps apart in a walk are
        positive pairs. Must be ``<= walk_length``.
    walks_per_node : int
        Walks started from each node per batch.
    p, q : float
        Return and in-out parameters of the biased walk (see :func:`random_walk`).
    num_negative_samples : int
        Negative (random) walks per positive walk.
    num_nodes : int, optional
        Number of nodes, inferred from ``edge_index`` when omitted.
    sparse : bool
        Sparse embedding gradients (use with ``torch.optim.SparseAdam``).

    Raises
    ------
    ValueError
        For a malformed ``edge_index`` or an argument out of range (named in the message).
    """

    EPS = 1e-15

    def __init__(
        self,
        edge_index: Tensor,
        embedding_dim: int,
        walk_length: int,
        context_size: int,
        walks_per_node: int = 1,
        p: float = 1.0,
        q: float = 1.0,
        num_negative_samples: int = 1,
        num_nodes: int | None = None,
        sparse: bool = False,
    ) -> None:
        super().__init__()
        for name, value in [
            ("embedding_dim", embedding_dim),
            ("walk_length", walk_length),
            ("walks_per_node", walks_per_node),
            ("num_negative_samples", num_negative_samples),
        ]:
            if int(value) < 1:
                raise ValueError(f"{name} must be >= 1, got {value}")
        if context_size < 2:
            raise ValueError(f"context_size must be >= 2, got {context_size}")
        if walk_length < context_size:
            raise ValueError(
                f"walk_length ({walk_length}) must be >= context_size ({context_size})"
            )
        if p <= 0 or q <= 0:
            raise ValueError(f"p and q must be > 0, got p={p}, q={q}")
        self.num_nodes = _check_edge_index(edge_index, num_nodes)
        self.rowptr, self.col = to_csr(edge_index, self.num_nodes)
        self.embedding_dim = embedding_dim
        self.walk_length = walk_length - 1  # PyG counts the start node as a step
        self.context_size = context_size
        self.walks_per_node = walks_per_node
        self.p, self.q = float(p), float(q)
        self.num_negative_samples = num_negative_samples
        biased = not (self.p == 1.0 and self.q == 1.0)
        self._table = (
            _transition_table(self.rowptr, self.col, self.p, self.q) if biased else None
        )
        self.embedding = Embedding(self.num_nodes, embedding_dim, sparse=sparse)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Re-initialise the embedding table (standard normal, as PyG)."""
        self.embedding.reset_parameters()

    def forward(self, batch: Tensor | None = None) -> Tensor:
        """Return the embeddings of ``batch`` nodes (all nodes when ``None``)."""
        emb = self.embedding.weight
        return emb if batch is None else emb[batch]

    def loader(self, **kwargs) -> DataLoader:
        """Return a ``DataLoader`` over node ids whose batches are ``(pos_rw, neg_rw)`` pairs."""
        return DataLoader(range(self.num_nodes), collate_fn=self.sample, **kwargs)

    def _windows(self, rw: Tensor) -> Tensor:
        num_windows = 1 + self.walk_length + 1 - self.context_size
        return torch.cat(
            [rw[:, j : j + self.context_size] for j in range(num_windows)], dim=0
        )

    def pos_sample(self, batch: Tensor) -> Tensor:
        """Positive windows: ``context_size`` consecutive nodes of biased walks."""
        return self._windows(self._pos_walks(batch))

    def _pos_walks(self, batch: Tensor) -> Tensor:
        """Draw the biased walks of :meth:`pos_sample`, ``walks_per_node`` per node of ``batch``."""
        batch = batch.repeat(self.walks_per_node)
        return _walk(
            self.rowptr, self.col, batch, self.walk_length, self.p, self.q, self._table
        )

    def neg_sample(self, batch: Tensor) -> Tensor:
        """Negative windows: the start node followed by uniformly random nodes."""
        return self._windows(self._neg_walks(batch))

    def _neg_walks(self, batch: Tensor) -> Tensor:
        """Draw the rows of :meth:`neg_sample`: a node of ``batch``, then uniform nodes."""
        batch = batch.repeat(self.walks_per_node * self.num_negative_samples)
        rw = torch.randint(
            self.num_nodes, (batch.size(0), self.walk_length), dtype=batch.dtype
        )
        return torch.cat([batch.view(-1, 1), rw], dim=-1)

    def sample(self, batch) -> tuple[Tensor, Tensor]:
        """Collate function of :meth:`loader`: positive and negative windows for ``batch``."""
        if not isinstance(batch, Tensor):
            batch = torch.tensor(batch, dtype=torch.long)
        return self.pos_sample(batch), self.neg_sample(batch)

    def loss(self, pos_rw: Tensor, neg_rw: Tensor) -> Tensor:
        """Skip-gram loss with negative sampling over positive and negative windows.

        Chapter 1 writes this loss out in a few lines: the mean of
        ``-log(sigmoid(z_u . z_v))`` over the (first node, context node) pairs of the
        positive windows, plus the mean of ``-log(1 - sigmoid(z_u . z_v))`` over those
        of the negative windows (PyG's formula, with its ``EPS``).
        """
        return self._pair_mean(pos_rw, self._pos_term) + self._pair_mean(
            neg_rw, self._neg_term
        )

    def _pos_term(self, s: Tensor) -> Tensor:
        return -torch.log(torch.sigmoid(s) + self.EPS)

    def _neg_term(self, s: Tensor) -> Tensor:
        return -torch.log(1 - torch.sigmoid(s) + self.EPS)

    def _counted_loss(self, pos_weight: Tensor, neg_weight: Tensor) -> Tensor:
        """:meth:`loss` of a full batch from its pairs, counted beforehand.

        ``pos_weight[u, v]`` is the fraction of the positive (first node, context node)
        pairs that are ``(u, v)``, ``neg_weight`` the same for the negative windows
        (each sums to 1). The same loss as :meth:`loss` on those windows, written as
        weighted sums over the ``num_nodes x num_nodes`` Gram matrix: a few operations
        per step, whatever the number of windows.
        """
        z = self.embedding.weight
        if self.embedding.sparse:  # a look-up, for the sparse gradient of SparseAdam
            z = self.embedding(torch.arange(self.num_nodes))
        scores = z @ z.T
        return (pos_weight * self._pos_term(scores)).sum() + (
            neg_weight * self._neg_term(scores)
        ).sum()

    def _pair_mean(self, rw: Tensor, f) -> Tensor:
        """Mean of ``f(z_u . z_v)`` over the pairs (first node ``u``, context node ``v``) of ``rw``.

        Mathematically identical to PyG's loss. When the windows touch at most
        ``_GRAM_LIMIT`` distinct nodes, the pairs are counted first (in NumPy: no
        gradient is needed, and NumPy stays on one thread), and ``f`` is applied once
        per distinct pair, weighted by its count: on small graphs this is many times
        faster than one dot product per pair, with a gradient on each node's row.
        """
        windows = rw.numpy()
        nodes = np.flatnonzero(np.bincount(windows.ravel(), minlength=self.num_nodes))
        k = nodes.size
        if k <= _GRAM_LIMIT:
            position = np.zeros(self.num_nodes, dtype=np.int64)
            position[nodes] = np.arange(k)
            local = position[windows]  # node id -> its row in h
            pair = (local[:, :1] * k + local[:, 1:]).ravel()
            counts = np.bincount(pair, minlength=k * k)
            seen = np.flatnonzero(counts)
            h = self.embedding(torch.from_numpy(nodes))
            u, v = torch.from_numpy(seen // k), torch.from_numpy(seen % k)
            scores = (h @ h.T)[u, v]  # a Gram matrix: no large per-pair tensors
            weight = torch.from_numpy(counts[seen]).to(scores.dtype)
            return (weight * f(scores)).sum() / pair.size
        start = rw[:, :1].expand(-1, rw.size(1) - 1).reshape(-1)
        context = rw[:, 1:].reshape(-1)
        scores = (self.embedding(start) * self.embedding(context)).sum(dim=-1)
        return f(scores).mean()

    def test(
        self, train_z, train_y, test_z, test_y, solver: str = "lbfgs", **kwargs
    ) -> float:
        """Accuracy of a logistic regression fit on ``train_z`` and scored on ``test_z``."""
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(solver=solver, **kwargs)
        clf.fit(as_numpy(train_z), as_numpy(train_y))
        return float(clf.score(as_numpy(test_z), as_numpy(test_y)))

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({self.num_nodes}, {self.embedding_dim}, "
            f"walk_length={self.walk_length + 1}, context_size={self.context_size}, "
            f"p={self.p}, q={self.q})"
        )
