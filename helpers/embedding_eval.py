"""Training and evaluating node embeddings, introduced in chapter 1 (``01_node2vec_karate.ipynb``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import torch
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score

from ._utils import as_numpy, check_training, one_blas_thread
from .node2vec import Node2Vec
from .reproducibility import set_seed

__all__ = [
    "train_node2vec",
    "heldout_accuracy",
    "cluster_ari",
    "l2_normalize",
    "node2vec_experiment",
    "summarise",
]


def _check_rows(name: str, values: np.ndarray, n: int) -> None:
    if values.shape[0] != n:
        raise ValueError(
            f"{name} has {values.shape[0]} entries but the embedding has {n} rows"
        )


def train_node2vec(
    model: Node2Vec, num_epochs: int, lr: float, batch_size: int | None = None
) -> list[float]:
    """Train a Node2Vec model and return the mean loss of each epoch.

    Introduced in chapter 1, which writes this loop out (``zero_grad``, ``loss``,
    ``backward``, ``step`` over ``model.loader``); this function reuses it. Uses
    ``SparseAdam`` for a sparse embedding (as PyG's example does) and ``Adam`` otherwise. With ``batch_size=None`` every epoch is a
    single full-batch step over all nodes. Full batch on a small graph, the walks of
    all epochs are drawn in one call before training (:func:`_presampled_windows`):
    the same distribution as one draw per epoch from ``model.loader``, in far fewer
    calls, though not the same random numbers.

    Parameters
    ----------
    model : Node2Vec
        The model to train (``helpers.Node2Vec`` or PyG's).
    num_epochs : int
        Passes over all start nodes, ``>= 1``.
    lr : float
        Learning rate, ``> 0``.
    batch_size : int, optional
        Start nodes per step; all nodes when ``None``.

    Returns
    -------
    list of float
        Mean loss per epoch.

    Raises
    ------
    ValueError
        If ``num_epochs < 1``, ``lr <= 0`` or ``batch_size < 1``.
    """
    check_training(num_epochs, lr)
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be >= 1 or None, got {batch_size}")
    full_batch = batch_size is None or batch_size >= model.num_nodes
    presampled = _presampled_windows(model, num_epochs) if full_batch else None
    if presampled is None:
        loader = model.loader(batch_size=batch_size or model.num_nodes, shuffle=True)
    params = list(model.parameters())
    sparse = model.embedding.sparse
    optimizer = (
        torch.optim.SparseAdam(params, lr=lr)
        if sparse
        else torch.optim.Adam(params, lr=lr)
    )
    history = []
    model.train()
    for epoch in range(num_epochs):
        total = 0.0
        batches = [presampled[epoch]] if presampled is not None else loader
        for pos_rw, neg_rw in batches:
            optimizer.zero_grad()
            loss = model.loss(pos_rw, neg_rw)
            loss.backward()
            optimizer.step()
            total += float(loss.detach())
        history.append(total / len(batches))
    return history


_PRESAMPLE_LIMIT = 2_000_000  # walk entries drawn up front, at most


def _presampled_windows(model, num_epochs: int) -> list | None:
    """Every epoch's full-batch ``(pos_rw, neg_rw)``, drawn in one call each.

    ``pos_sample`` and ``neg_sample`` of all nodes repeated ``num_epochs`` times; their
    windows come out ordered (window offset, walk of the node, epoch, node), so one
    reshape gives each epoch its own windows. ``None`` for a model other than
    :class:`Node2Vec` or when the walks would exceed ``_PRESAMPLE_LIMIT`` entries.
    """
    if not isinstance(model, Node2Vec):
        return None
    n, length = model.num_nodes, model.walk_length + 1
    walks = model.walks_per_node * (1 + model.num_negative_samples)
    if num_epochs * n * walks * length > _PRESAMPLE_LIMIT:
        return None
    nodes = torch.arange(n).repeat(num_epochs)

    def per_epoch(rw):
        rw = rw.view(-1, num_epochs, n, model.context_size)
        return [
            rw[:, epoch].reshape(-1, model.context_size) for epoch in range(num_epochs)
        ]

    pos, neg = per_epoch(model.pos_sample(nodes)), per_epoch(model.neg_sample(nodes))
    return list(zip(pos, neg, strict=True))


def heldout_accuracy(z, y, train_mask, test_mask) -> float:
    """Accuracy of a logistic regression fit on the training nodes, scored on the test nodes.

    Introduced in chapter 1: the classic Node2Vec evaluation (PyG's ``Node2Vec.test``).

    Parameters
    ----------
    z : array-like or Tensor
        Embeddings, shape ``(num_nodes, dim)``.
    y : array-like or Tensor
        Integer labels, shape ``(num_nodes,)``.
    train_mask, test_mask : array-like or Tensor of bool
        Which nodes train the classifier and which score it; must not overlap.

    Returns
    -------
    float
        Fraction of test nodes classified correctly.

    Raises
    ------
    ValueError
        If shapes disagree, a mask is empty, or the masks overlap.
    """
    z, y = as_numpy(z), as_numpy(y)
    train_mask, test_mask = (
        as_numpy(train_mask).astype(bool),
        as_numpy(test_mask).astype(bool),
    )
    if z.ndim != 2:
        raise ValueError(f"z must be 2-D (num_nodes, dim), got shape {z.shape}")
    for name, values in [
        ("y", y),
        ("train_mask", train_mask),
        ("test_mask", test_mask),
    ]:
        _check_rows(name, values, z.shape[0])
    if not train_mask.any() or not test_mask.any():
        raise ValueError("train_mask and test_mask must each select at least one node")
    if (train_mask & test_mask).any():
        raise ValueError(
            "train_mask and test_mask overlap: a test node must not be seen in training"
        )
    with one_blas_thread():
        clf = LogisticRegression(max_iter=1000)
        clf.fit(z[train_mask], y[train_mask])
        return float(clf.score(z[test_mask], y[test_mask]))


def cluster_ari(z, y, n_clusters: int | None = None, random_state: int = 0) -> float:
    """Adjusted Rand index between k-means clusters of ``z`` and the labels ``y``.

    Introduced in chapter 1. 0 is chance level, 1 a perfect match (up to renaming).

    Parameters
    ----------
    z : array-like or Tensor
        Embeddings, shape ``(num_nodes, dim)``.
    y : array-like or Tensor
        True labels, shape ``(num_nodes,)``.
    n_clusters : int, optional
        Number of k-means clusters; the number of distinct labels when omitted.
    random_state : int
        Seed of k-means.

    Returns
    -------
    float
        The adjusted Rand index.

    Raises
    ------
    ValueError
        If shapes disagree, ``z`` contains NaN, or ``n_clusters`` is not in ``[2, num_nodes]``.
    """
    z, y = as_numpy(z), as_numpy(y)
    if z.ndim != 2:
        raise ValueError(f"z must be 2-D (num_nodes, dim), got shape {z.shape}")
    _check_rows("y", y, z.shape[0])
    if np.isnan(z).any():
        raise ValueError("z contains NaN; check the training run that produced it")
    n_clusters = len(np.unique(y)) if n_clusters is None else n_clusters
    if not 2 <= n_clusters <= z.shape[0]:
        raise ValueError(
            f"n_clusters must be between 2 and {z.shape[0]}, got {n_clusters}"
        )
    pred = KMeans(
        n_clusters=n_clusters, n_init=10, random_state=random_state
    ).fit_predict(z)
    return float(adjusted_rand_score(y, pred))


def l2_normalize(z) -> np.ndarray:
    """Scale each row of ``z`` to unit length (cosine geometry), introduced in chapter 1.

    Skip-gram embeddings store a node's degree in the vector's length and its
    neighbourhood in its direction; normalising keeps only the direction.

    Raises
    ------
    ValueError
        If ``z`` is not 2-D or has an all-zero row.
    """
    z = as_numpy(z).astype(float)
    if z.ndim != 2:
        raise ValueError(f"z must be 2-D (num_nodes, dim), got shape {z.shape}")
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    if (norms == 0).any():
        raise ValueError("z has an all-zero row, which has no direction to keep")
    return z / norms


def node2vec_experiment(
    edge_index,
    y,
    train_mask,
    seeds: Iterable[int],
    num_epochs: int,
    lr: float,
    eval_masks: dict | None = None,
    n_init: int = 10,
    **node2vec_kwargs,
) -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
    """Train Node2Vec once per seed and score each embedding on held-out nodes.

    Introduced in chapter 1, which writes out one training run (the loop of
    :func:`train_node2vec`) and the scores; this function repeats them over seeds.
    Each embedding is scored twice: as trained (``"raw"``) and with unit-length rows
    (``"normalised"``, see :func:`l2_normalize`). For each named set of nodes in
    ``eval_masks``: the accuracy of a logistic regression fit on ``train_mask`` (see
    :func:`heldout_accuracy`), and the adjusted Rand index between k-means clusters of
    all nodes (as many as there are labels) and the labels, on that set's nodes only.

    Parameters
    ----------
    edge_index : Tensor
        The graph.
    y : Tensor
        Labels (used only for evaluation).
    train_mask : Tensor of bool
        Nodes whose labels the logistic regression may see.
    seeds : iterable of int
        One training run per seed (``set_seed(seed)`` before each).
    num_epochs, lr :
        Passed to :func:`train_node2vec` (full batch, dense gradients and ``Adam``).
    eval_masks : dict of str to boolean mask, optional
        Nodes to score, by name (e.g. ``{"val": val_mask, "test": test_mask}``); each
        must not overlap ``train_mask``. ``{"test": ~train_mask}`` when omitted.
    n_init : int
        Restarts of each k-means clustering (scikit-learn's ``n_init``), ``>= 1``;
        chapter 1 uses fewer than the default 10 to keep its ablation quick.
    **node2vec_kwargs :
        Passed to :class:`Node2Vec` (``embedding_dim``, ``walk_length``, ...).

    Returns
    -------
    per_seed : pandas.DataFrame
        Columns ``seed``, ``embedding`` (``"raw"`` or ``"normalised"``), then
        ``<name>_accuracy`` and ``<name>_ari`` for each name of ``eval_masks``, then
        ``final_loss``.
    embeddings : dict
        Seed -> trained (raw) embedding array ``(num_nodes, embedding_dim)``.

    Raises
    ------
    ValueError
        If ``seeds`` or ``eval_masks`` is empty, ``n_init`` is not a positive
        integer, a mask has the wrong length (and as
        raised by the functions it calls, e.g. for a mask that overlaps ``train_mask``).
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    if isinstance(n_init, bool) or not isinstance(n_init, int) or n_init < 1:
        raise ValueError(f"n_init must be a positive integer, got {n_init!r}")
    y_np = as_numpy(y)
    train_mask = torch.as_tensor(train_mask, dtype=torch.bool)
    if eval_masks is None:
        eval_masks = {"test": ~train_mask}
    if not eval_masks:
        raise ValueError("eval_masks must name at least one set of nodes")
    masks = {name: as_numpy(mask).astype(bool) for name, mask in eval_masks.items()}
    train = as_numpy(train_mask).astype(bool)
    for name, mask in masks.items():
        if mask.shape != y_np.shape:
            raise ValueError(
                f"eval_masks[{name!r}] has {mask.shape[0]} entries, y has {len(y_np)}"
            )
        if not mask.any():
            raise ValueError(f"eval_masks[{name!r}] selects no node")
        if (mask & train).any():
            raise ValueError(
                f"eval_masks[{name!r}] and train_mask overlap: "
                "a scored node must not be seen in training"
            )
    n_clusters = len(np.unique(y_np))
    rows, embeddings = [], {}
    for seed in seeds:
        set_seed(seed)
        model = Node2Vec(edge_index, num_nodes=len(y), **node2vec_kwargs)
        losses = train_node2vec(model, num_epochs=num_epochs, lr=lr)
        z = model().detach().numpy()
        for kind, features in [("raw", z), ("normalised", l2_normalize(z))]:
            # one classifier and one clustering per embedding, scored on every mask
            with one_blas_thread():
                classifier = LogisticRegression(max_iter=1000)
                predicted = classifier.fit(features[train], y_np[train]).predict(
                    features
                )
            clusters = KMeans(
                n_clusters=n_clusters, n_init=n_init, random_state=seed
            ).fit_predict(features)
            row = {"seed": seed, "embedding": kind}
            for name, mask in masks.items():
                row[f"{name}_accuracy"] = float((predicted[mask] == y_np[mask]).mean())
                row[f"{name}_ari"] = float(
                    adjusted_rand_score(y_np[mask], clusters[mask])
                )
            rows.append({**row, "final_loss": losses[-1]})
        embeddings[seed] = z
    return pd.DataFrame(rows), embeddings


def summarise(
    per_seed: pd.DataFrame,
    by: str | Sequence[str] = "embedding",
    columns: Sequence[str] = ("test_accuracy", "ari"),
    sem: bool = False,
) -> pd.DataFrame:
    """Mean and (population) standard deviation over seeds, per group; introduced in chapter 1.

    Every chapter's tables of per-seed results go through this function, so all of
    them report the same statistics. With ``sem=True`` a ``<column>_sem`` column
    adds the standard error of each mean (sample standard deviation / sqrt(n)),
    as chapter 2 uses to tell noise from a difference.

    Raises
    ------
    ValueError
        If a column named in ``by`` or ``columns`` is missing.
    """
    by_cols = [by] if isinstance(by, str) else list(by)
    missing = [c for c in [*by_cols, *columns] if c not in per_seed.columns]
    if missing:
        raise ValueError(
            f"per_seed has no column(s) {missing}; it has {list(per_seed.columns)}"
        )
    grouped = per_seed.groupby(by_cols, sort=False)[list(columns)]
    mean, std = grouped.mean(), grouped.std(ddof=0)
    out = pd.DataFrame(index=mean.index)
    for col in columns:
        out[col] = mean[col]
        out[f"{col}_std"] = std[col]
        if sem:
            out[f"{col}_sem"] = grouped.sem()[col]
    return out
