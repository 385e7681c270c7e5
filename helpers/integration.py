"""Integrating omics views on graphs, introduced in chapter 6 (``06_multiomics_integration.ipynb``).

Every strategy of the chapter, scored on the same stratified splits:

- one GCN per view, on that view's patient-similarity kNN graph;
- **early fusion**: the standardised views concatenated, one kNN graph, one GCN;
- **graph fusion**: one graph from the averaged per-view affinities
  (:func:`helpers.graphs.fuse_graphs`), the concatenated features, one GCN;
- **late fusion**: the per-view GCNs' class probabilities averaged;
- a logistic regression on the concatenated features (no graph).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import torch

from .graphs import edge_homophily, fuse_graphs, knn_graph
from .models import GCN
from .training import fit_seeded, logistic_regression_baseline, stratified_split

__all__ = [
    "standardise_views",
    "concatenate_views",
    "affinity_graph",
    "integration_experiment",
    "view_homophily",
]

EARLY = "early fusion (concatenated)"
GRAPH = "graph fusion (averaged affinities)"
LATE = "late fusion (averaged probabilities)"
LOGREG = "logistic regression (concatenated)"


def _check_views(views: dict, n: int | None = None) -> dict[str, np.ndarray]:
    if not views:
        raise ValueError("views must contain at least one view")
    out = {}
    for name, X in views.items():
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise ValueError(f"view {name!r} must be 2-D (samples x features)")
        if not np.isfinite(X).all():
            raise ValueError(f"view {name!r} contains NaN or infinite values")
        n = X.shape[0] if n is None else n
        if X.shape[0] != n:
            raise ValueError(
                f"view {name!r} has {X.shape[0]} samples, the others {n}: "
                "views must describe the same samples in the same order"
            )
        out[name] = X
    return out


def standardise_views(views: dict) -> dict[str, np.ndarray]:
    """Each feature of each view to mean 0 and standard deviation 1 (constant features to 0).

    Raises
    ------
    ValueError
        For no views, a view that is not a finite 2-D matrix, or views with
        different numbers of samples.
    """
    out = {}
    for name, X in _check_views(views).items():
        sd = X.std(axis=0)
        out[name] = ((X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)).astype(
            np.float32
        )
    return out


def concatenate_views(views: dict) -> np.ndarray:
    """Concatenate standardised views, each scaled by ``1 / sqrt(n_features)``.

    Without the scaling a view with 200 features would outweigh one with 20 in
    every distance; with it, each view contributes equally on average.
    """
    views = standardise_views(views)
    return np.hstack([X / np.sqrt(X.shape[1]) for X in views.values()]).astype(
        np.float32
    )


def affinity_graph(X, k: int = 10, metric: str = "euclidean"):
    """A symmetric kNN graph with Gaussian affinities ``exp(-d^2 / (2 sigma^2))``.

    ``sigma`` is the median neighbour distance, so affinities of different views
    are on the same scale and can be averaged (:func:`helpers.graphs.fuse_graphs`).

    Returns
    -------
    edge_index, edge_weight : torch.Tensor
    """
    edge_index, distance = knn_graph(X, k, metric=metric, return_distance=True)
    d = distance.double()
    sigma = float(d.median()) or 1.0
    return edge_index, torch.exp(-(d**2) / (2 * sigma**2)).float()


def _graphs(views: dict, k: int) -> dict:
    """The graphs of chapter 6, built once: what the experiment trains on and
    :func:`view_homophily` measures."""
    scaled = standardise_views(views)
    n = next(iter(scaled.values())).shape[0]
    per_view = {name: affinity_graph(X, k) for name, X in scaled.items()}
    concatenated = concatenate_views(views)
    return {
        "scaled": scaled,
        "per_view": per_view,
        "concatenated": concatenated,
        "early": knn_graph(concatenated, k, metric="euclidean"),
        "fused": fuse_graphs(per_view.values(), n),
    }


def _score(probabilities, y, test) -> float:
    return float((probabilities.argmax(1)[test] == y[test]).float().mean())


def _gcn_probabilities(x, edge_index, edge_weight, y, masks, seed, settings):
    from torch_geometric.data import Data

    data = Data(x=torch.from_numpy(x), edge_index=edge_index, y=y)
    if edge_weight is not None:
        data.edge_weight = edge_weight
    hidden = settings["hidden_channels"]
    model, _ = fit_seeded(
        lambda: GCN(x.shape[1], hidden, int(y.max()) + 1),
        data,
        masks,
        seed,
        settings["num_epochs"],
        settings["lr"],
        settings["weight_decay"],
        settings["eval_every"],
    )
    model.eval()
    with torch.no_grad():
        return model(data.x, data.edge_index, edge_weight).exp()


def integration_experiment(
    views: dict,
    y,
    k: int = 10,
    seeds: Iterable[int] = range(5),
    hidden_channels: int = 16,
    num_epochs: int = 100,
    lr: float = 0.01,
    weight_decay: float = 5e-4,
    train_size: float = 0.6,
    val_size: float = 0.2,
    eval_every: int = 5,
) -> pd.DataFrame:
    """Score every integration strategy of chapter 6 on the same splits.

    Graphs are built once from the standardised views (``k`` nearest neighbours,
    Euclidean, symmetrised); per seed, one stratified split
    (:func:`helpers.training.stratified_split`), then every GCN is trained after
    ``set_seed(seed)`` with model selection on the validation samples. Late fusion
    re-uses the per-view GCNs, so it costs no extra training.

    Parameters
    ----------
    views : dict
        View name -> samples x features matrix (same samples, same order).
    y : array-like
        Class of each sample.
    k : int
        Neighbours per sample in every kNN graph.
    seeds : iterable of int
        One split and one training run per seed.
    hidden_channels, num_epochs, lr, weight_decay, eval_every :
        GCN size and training settings, the same for every GCN.
    train_size, val_size : float
        Fractions of the stratified split; the rest is the test set.

    Returns
    -------
    pandas.DataFrame
        Columns ``seed``, ``method``, ``test_accuracy``; methods are
        ``"GCN, <view>"`` per view and the four constants of this module
        (``EARLY``, ``GRAPH``, ``LATE``, ``LOGREG``).

    Raises
    ------
    ValueError
        As :func:`standardise_views`, or if ``y`` does not have one label per sample
        or ``seeds`` is empty.
    """
    graphs = _graphs(views, k)
    concatenated, (fused_index, fused_weight) = graphs["concatenated"], graphs["fused"]
    n = concatenated.shape[0]
    y = torch.as_tensor(np.asarray(y)).long()
    if y.shape != (n,):
        raise ValueError(f"y has {y.numel()} labels but the views have {n} samples")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    settings = dict(
        hidden_channels=hidden_channels,
        num_epochs=num_epochs,
        lr=lr,
        weight_decay=weight_decay,
        eval_every=eval_every,
    )
    rows = []
    for seed in seeds:
        masks = stratified_split(y, train_size, val_size, seed=seed)
        test = masks[2]

        probabilities = {}
        for name, X in graphs["scaled"].items():
            edge_index, _ = graphs["per_view"][name]
            probabilities[name] = _gcn_probabilities(
                X, edge_index, None, y, masks, seed, settings
            )
            rows.append((seed, f"GCN, {name}", _score(probabilities[name], y, test)))
        early = _gcn_probabilities(
            concatenated, graphs["early"], None, y, masks, seed, settings
        )
        rows.append((seed, EARLY, _score(early, y, test)))
        graph = _gcn_probabilities(
            concatenated, fused_index, fused_weight, y, masks, seed, settings
        )
        rows.append((seed, GRAPH, _score(graph, y, test)))
        late = torch.stack(list(probabilities.values())).mean(0)
        rows.append((seed, LATE, _score(late, y, test)))
        acc = logistic_regression_baseline(
            concatenated, y.numpy(), masks[0].numpy(), test.numpy()
        )
        rows.append((seed, LOGREG, acc))
    return pd.DataFrame(rows, columns=["seed", "method", "test_accuracy"])


def view_homophily(views: dict, y, k: int = 10) -> pd.Series:
    """Edge homophily of each view's kNN graph, of the concatenated views' and of the averaged graph.

    The graphs are those :func:`integration_experiment` trains on (chapter 6): a
    Euclidean ``k``-NN graph per standardised view, one on the concatenated views
    (early fusion) and the averaged graph of graph fusion (:func:`fuse_graphs`: the
    union of the per-view graphs, each edge counted once whatever its weight).

    Returns
    -------
    pandas.Series
        One value per view name, then ``"concatenated"``, ``"averaged"`` and
        ``"averaged, weighted"`` (the share of the averaged graph's edge *weight*
        that joins samples of the same class).
    """
    graphs = _graphs(views, k)
    values = {name: edge_homophily(g[0], y) for name, g in graphs["per_view"].items()}
    values["concatenated"] = edge_homophily(graphs["early"], y)
    fused_index, fused_weight = graphs["fused"]
    values["averaged"] = edge_homophily(fused_index, y)
    values["averaged, weighted"] = edge_homophily(fused_index, y, fused_weight)
    return pd.Series(values, name="edge_homophily")
