"""Neural network models of the course (PyTorch Geometric layers).

- :class:`GCN` and :class:`MLP`: chapter 2 (``02_gcn_citation.ipynb``).
- :class:`GAT`: chapter 5 (``05_gat_cell_types.ipynb``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.nn import GCNConv

__all__ = ["GCN", "MLP", "GAT"]


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


class GCN(torch.nn.Module):
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
    ):
        super().__init__()
        _check_arguments(in_channels, hidden_channels, out_channels, dropout)
        self.conv1 = GCNConv(in_channels, hidden_channels, cached=cached)
        self.conv2 = GCNConv(hidden_channels, out_channels, cached=cached)
        self.dropout = dropout
        self.cached = cached
        self._graph_key = None

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
        if self.cached:
            self._check_graph(edge_index, edge_weight)
        h = F.relu(self.conv1(x, edge_index, edge_weight))
        h = F.dropout(h, p=self.dropout, training=self.training)
        return F.log_softmax(self.conv2(h, edge_index, edge_weight), dim=1)


class MLP(torch.nn.Module):
    """The same two-layer network without the graph: the non-graph baseline of chapter 2.

    ``Linear -> ReLU -> dropout -> Linear -> log_softmax``. Accepts (and ignores)
    ``edge_index`` and ``edge_weight`` so it trains with the same loop as :class:`GCN`.

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
        """The first layer's output after the activation, in evaluation mode.

        ``heads * hidden_channels`` features per node: what the second layer
        aggregates. Chapter 5 measures its spread to show over-smoothing.
        """
        self.eval()
        edge_attr = self._edge_attr(edge_weight)
        return self.activation(self.conv1(x, edge_index, edge_attr))
