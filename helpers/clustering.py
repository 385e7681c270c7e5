"""Unsupervised cell clustering with GNNs, introduced in chapter 4 (``04_gcn_cell_clustering.ipynb``).

- :class:`NormLossGCN` and :func:`train_norm_loss`: the original recipe, whose loss
  (the mean embedding norm) has a trivial minimum: every embedding shrinks to zero.
- :class:`DGIEncoder` and :func:`train_dgi`: Deep Graph Infomax (Veličković et al.
  2019), an objective that cannot be satisfied by collapsing.
- :func:`match_clusters`: clusters renamed to the best-matching types, and the
  confusion table, for reading a clustering against known labels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.nn import DeepGraphInfomax, GCNConv

from ._utils import check_training
from .reproducibility import set_seed

__all__ = [
    "NormLossGCN",
    "train_norm_loss",
    "DGIEncoder",
    "train_dgi",
    "match_clusters",
]


class NormLossGCN(torch.nn.Module):
    """The original lab's ``GCNCellClustering``: two GCN layers that embed cells (chapter 4).

    ``GCNConv(in, hidden) -> ReLU -> GCNConv(hidden, out)``; trained by
    :func:`train_norm_loss`.
    """

    def __init__(
        self, in_channels: int, hidden_channels: int = 64, out_channels: int = 32
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

    def forward(self, x: Tensor, edge_index: Tensor) -> Tensor:
        return self.conv2(F.relu(self.conv1(x, edge_index)), edge_index)


def train_norm_loss(
    model: NormLossGCN, data, num_epochs: int = 100, lr: float = 0.01
) -> pd.DataFrame:
    """Minimise the mean embedding norm, as the original lab did (chapter 4).

    The minimum of this loss is reached by mapping every cell to zero, which says
    nothing about cell types: the loss falls, and the embedding collapses. The
    model must be deterministic in training mode (no dropout), as
    :class:`NormLossGCN` is: the mean norm after each step is read from the next
    step's forward pass.

    Returns
    -------
    pandas.DataFrame
        ``epoch``, ``loss`` (= mean norm during training), ``mean_norm`` (after the step).

    Raises
    ------
    ValueError
        For ``num_epochs < 1`` or ``lr <= 0``.
    """
    check_training(num_epochs, lr)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_epochs):
        model.train()
        optimizer.zero_grad()
        loss = model(data.x, data.edge_index).norm(dim=1).mean()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    with torch.no_grad():
        final_norm = float(model(data.x, data.edge_index).norm(dim=1).mean())
    # The model has no dropout, so the loss of epoch e + 1 is the mean norm after the
    # step of epoch e: one extra forward pass at the end instead of one per epoch.
    return pd.DataFrame(
        {
            "epoch": range(1, num_epochs + 1),
            "loss": losses,
            "mean_norm": losses[1:] + [final_norm],
        }
    )


class DGIEncoder(torch.nn.Module):
    """One GCN layer with a PReLU, the encoder of PyG's Deep Graph Infomax example (chapter 4)."""

    def __init__(self, in_channels: int, hidden_channels: int):
        super().__init__()
        if in_channels < 1 or hidden_channels < 1:
            raise ValueError(
                f"in_channels and hidden_channels must be >= 1, got {in_channels}, {hidden_channels}"
            )
        self.conv = GCNConv(in_channels, hidden_channels, cached=True)
        self.act = torch.nn.PReLU(hidden_channels)

    def forward(self, x: Tensor, edge_index: Tensor) -> Tensor:
        return self.act(self.conv(x, edge_index))


def _summary(z: Tensor, *args, **kwargs) -> Tensor:
    return torch.sigmoid(z.mean(dim=0))


def _corruption(x: Tensor, edge_index: Tensor) -> tuple[Tensor, Tensor]:
    return x[torch.randperm(x.size(0))], edge_index


def train_dgi(
    data,
    hidden_channels: int = 64,
    num_epochs: int = 100,
    lr: float = 0.01,
    seed: int = 0,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Embed the nodes with Deep Graph Infomax (Veličković et al. 2019), chapter 4.

    DGI trains the encoder to tell the real graph from a corrupted copy (the same
    edges with the cells' features shuffled), using a summary of the whole graph.
    Mapping every cell to zero cannot solve that task, so the embedding does not
    collapse. ``set_seed(seed)`` is called first.

    Returns
    -------
    embedding : numpy.ndarray
        Nodes x ``hidden_channels``, from the trained encoder in evaluation mode.
    history : pandas.DataFrame
        ``epoch`` and ``loss``.

    Raises
    ------
    ValueError
        For ``num_epochs < 1``, ``lr <= 0`` or ``hidden_channels < 1``.
    """
    check_training(num_epochs, lr)
    set_seed(seed)
    encoder = DGIEncoder(data.num_node_features, hidden_channels)
    model = DeepGraphInfomax(
        hidden_channels, encoder=encoder, summary=_summary, corruption=_corruption
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    rows = []
    for epoch in range(1, num_epochs + 1):
        model.train()
        optimizer.zero_grad()
        pos_z, neg_z, summary = model(data.x, data.edge_index)
        loss = model.loss(pos_z, neg_z, summary)
        loss.backward()
        optimizer.step()
        rows.append({"epoch": epoch, "loss": float(loss.detach())})
    model.eval()
    with torch.no_grad():
        z = encoder(data.x, data.edge_index)
    return z.numpy(), pd.DataFrame(rows)


def match_clusters(clusters, labels) -> tuple[np.ndarray, pd.DataFrame]:
    """Rename clusters to the labels they overlap most (Hungarian matching), chapter 4.

    Parameters
    ----------
    clusters : array-like of int
        Cluster of each sample (any integer ids).
    labels : array-like
        True label of each sample (any hashable values).

    Returns
    -------
    matched : numpy.ndarray
        For each sample, the label its cluster was matched to (clusters left
        without a label, when there are more clusters than labels, become ``None``).
    confusion : pandas.DataFrame
        Counts with true labels as rows and matched clusters as columns.

    Raises
    ------
    ValueError
        If ``clusters`` and ``labels`` differ in length or are empty.
    """
    from scipy.optimize import linear_sum_assignment

    clusters, labels = np.asarray(clusters), np.asarray(labels)
    if clusters.shape != labels.shape or clusters.ndim != 1 or clusters.size == 0:
        raise ValueError(
            f"clusters and labels must be 1-D and of the same length, got {clusters.shape} and {labels.shape}"
        )
    cluster_ids, cluster_idx = np.unique(clusters, return_inverse=True)
    label_ids, label_idx = np.unique(labels, return_inverse=True)
    counts = np.zeros((len(cluster_ids), len(label_ids)), dtype=int)
    np.add.at(counts, (cluster_idx, label_idx), 1)
    rows, cols = linear_sum_assignment(-counts)
    name = {r: label_ids[c] for r, c in zip(rows, cols, strict=True)}
    matched = np.array([name.get(i) for i in cluster_idx], dtype=object)
    confusion = pd.crosstab(
        pd.Series(labels, name="true type"), pd.Series(matched, name="matched cluster")
    )
    return matched, confusion


def compare_clusterings(
    X,
    y,
    edge_index,
    seeds=range(5),
    n_components: int = 10,
    hidden_channels: int = 64,
    num_epochs: int = 100,
    lr: float = 0.01,
) -> pd.DataFrame:
    """k-means ARI on four representations of the same cells, per seed (chapter 4).

    The representations: the (standardised) expression matrix ``X``; its first
    ``n_components`` principal components; the norm-loss GCN embedding; the DGI
    embedding (both on ``edge_index``). k-means uses as many clusters as ``y`` has
    types and ``random_state=seed``.

    Returns
    -------
    pandas.DataFrame
        Columns ``seed``, ``method``, ``ari``.

    Raises
    ------
    ValueError
        If ``X`` and ``y`` differ in length, or ``n_components`` is not in ``[1, n_genes]``.
    """
    from sklearn.decomposition import PCA
    from torch_geometric.data import Data

    from .embedding_eval import cluster_ari

    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} cells but y has {y.shape[0]} labels")
    if not 1 <= n_components <= X.shape[1]:
        raise ValueError(
            f"n_components must be in [1, {X.shape[1]}], got {n_components}"
        )
    data = Data(x=torch.from_numpy(X), edge_index=edge_index)
    pcs = PCA(n_components=n_components, random_state=0).fit_transform(X)
    rows = []
    for seed in seeds:
        set_seed(seed)
        collapsed = NormLossGCN(X.shape[1])
        train_norm_loss(collapsed, data, num_epochs=num_epochs, lr=lr)
        with torch.no_grad():
            z_norm = collapsed(data.x, data.edge_index).numpy()
        z_dgi, _ = train_dgi(data, hidden_channels, num_epochs, lr, seed=seed)
        for method, features in [
            ("k-means, expression", X),
            (f"k-means, PCA ({n_components})", pcs),
            ("k-means, norm-loss GCN", z_norm),
            ("k-means, DGI", z_dgi),
        ]:
            rows.append(
                {
                    "seed": seed,
                    "method": method,
                    "ari": cluster_ari(features, y, random_state=seed),
                }
            )
    return pd.DataFrame(rows)
