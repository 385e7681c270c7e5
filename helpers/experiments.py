"""Experiments: the drivers that repeat a chapter's written-out procedure over seeds.

Each one runs what its chapter first does by hand, on the same splits per seed:
:func:`node2vec_experiment` (chapter 1), :func:`fit_seeded` and
:func:`repeated_node_classification` (chapter 2), :func:`compare_on_graphs` and
:func:`logistic_regression_over_splits` (chapter 3), :func:`compare_clusterings`
(chapter 4), :func:`grid_search` (chapter 5), :func:`integration_experiment` and
:func:`view_homophily` (chapter 6). Chapter 6's strategies, scored on the same
stratified splits: one GCN per view, on that view's patient-similarity kNN graph;
**early fusion** (the standardised views concatenated, one kNN graph, one GCN);
**graph fusion** (one graph from the averaged per-view affinities,
:func:`helpers.graphs.fuse_graphs`, the concatenated features, one GCN); **late
fusion** (the per-view GCNs' class probabilities averaged); a logistic regression on
the concatenated features (no graph).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import torch
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score

from . import _PUBLIC
from ._utils import as_numpy, one_thread
from .data import concatenate_views, standardise_views
from .evaluation import (
    accuracy,
    cluster_ari,
    l2_normalise,
    logistic_regression_baseline,
    majority_baseline,
    stratified_split,
)
from .graphs import affinity_graph, edge_homophily, fuse_graphs, knn_graph
from .models import GCN, MLP, Node2Vec, NormLossGCN
from .reproducibility import set_seed
from .training import (
    _one_torch_thread,
    train_dgi,
    train_node2vec,
    train_node_classifier,
    train_norm_loss,
)

__all__ = list(_PUBLIC["experiments"])


def fit_seeded(
    build: Callable[[], torch.nn.Module],
    data,
    masks: tuple,
    *,
    seed: int,
    num_epochs: int,
    lr: float,
    weight_decay: float = 0.0,
    eval_every: int = 1,
):
    """One reproducible training run: ``set_seed(seed)``, ``build()``, then train (chapter 2).

    The step every repeated evaluation of the course shares
    (:func:`repeated_node_classification`, :func:`grid_search`, chapter 6's
    integration experiment).

    Parameters
    ----------
    build : callable
        Returns a fresh model; called after ``set_seed(seed)``.
    data : torch_geometric.data.Data
        The graph and its labels.
    masks : tuple
        ``(train_mask, test_mask)`` or ``(train_mask, val_mask, test_mask)``; the
        validation mask, when given, selects the epoch.
    seed : int
        Seed of the run.
    num_epochs, lr, weight_decay, eval_every :
        Passed to :func:`train_node_classifier`.

    Returns
    -------
    model : torch.nn.Module
        The trained model (best validation epoch restored).
    history : pandas.DataFrame
        The training log of :func:`train_node_classifier`.
    """
    val_mask = masks[1] if len(masks) == 3 else None
    set_seed(seed)
    model = build()
    history = train_node_classifier(
        model,
        data,
        masks[0],
        num_epochs=num_epochs,
        lr=lr,
        weight_decay=weight_decay,
        val_mask=val_mask,
        eval_every=eval_every,
    )
    return model, history


def repeated_node_classification(
    data,
    models: dict[str, Callable[[], torch.nn.Module]],
    *,
    seeds: Iterable[int],
    split: Callable[[int], tuple],
    num_epochs: int,
    lr: float,
    weight_decay: float = 0.0,
    baselines: Iterable[str] = ("majority", "logistic regression"),
    eval_every: int = 1,
    on_trained: Callable | None = None,
) -> pd.DataFrame:
    """Train and test every model on one split per seed; the honest evaluation of chapters 2-7.

    For each seed: ``split(seed)`` gives ``(train_mask, test_mask)`` or
    ``(train_mask, val_mask, test_mask)``; then ``set_seed(seed)`` before building
    and training each model (``models[name]()`` builds it), and the baselines are
    scored on the same split.

    Parameters
    ----------
    data : torch_geometric.data.Data
        The graph and its labels.
    models : dict
        Name -> function that builds a fresh model.
    seeds : iterable of int
        One split and one training run per seed.
    split : callable
        Seed -> masks, e.g. ``lambda s: stratified_split(data.y, seed=s)``.
    num_epochs, lr, weight_decay :
        Passed to :func:`train_node_classifier`.
    baselines : iterable of str
        Any of ``"majority"`` and ``"logistic regression"``.
    eval_every : int
        Passed to :func:`train_node_classifier`.
    on_trained : callable, optional
        Called as ``on_trained(seed, name, model, history)`` after each training
        run, e.g. to keep one model for a closer look or its learning curve
        (chapter 5).

    Returns
    -------
    pandas.DataFrame
        Columns ``seed``, ``model``, ``test_accuracy``; one row per seed and model.

    Raises
    ------
    ValueError
        For an unknown baseline name or an empty ``seeds``.
    """
    baselines = list(baselines)
    unknown = set(baselines) - {"majority", "logistic regression"}
    if unknown:
        raise ValueError(
            f"unknown baselines {sorted(unknown)}; use 'majority' or 'logistic regression'"
        )
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    rows = []
    for seed in seeds:
        masks = split(seed)
        train_mask, test_mask = masks[0], masks[-1]
        for name, build in models.items():
            model, history = fit_seeded(
                build,
                data,
                masks,
                seed=seed,
                num_epochs=num_epochs,
                lr=lr,
                weight_decay=weight_decay,
                eval_every=eval_every,
            )
            if on_trained is not None:
                on_trained(seed, name, model, history)
            rows.append(
                {
                    "seed": seed,
                    "model": name,
                    "test_accuracy": accuracy(model, data, test_mask),
                }
            )
        if "majority" in baselines:
            acc = majority_baseline(data.y, train_mask, test_mask)
            rows.append({"seed": seed, "model": "majority class", "test_accuracy": acc})
        if "logistic regression" in baselines:
            acc = logistic_regression_baseline(data.x, data.y, train_mask, test_mask)
            rows.append(
                {"seed": seed, "model": "logistic regression", "test_accuracy": acc}
            )
    return pd.DataFrame(rows)


def compare_on_graphs(
    X,
    y,
    graphs: dict,
    *,
    seeds: Iterable[int] = range(5),
    hidden_channels: int = 16,
    num_epochs: int = 100,
    lr: float = 0.01,
    weight_decay: float = 5e-4,
    train_size: float = 0.6,
    val_size: float = 0.2,
    with_mlp: bool = True,
    eval_every: int = 1,
    dense: bool = False,
) -> pd.DataFrame:
    """Train a GCN on each graph, plus an MLP and a logistic regression, on the same splits (chapter 3).

    Every model is scored on the same stratified train/validation/test split per seed
    (:func:`stratified_split`), trained by :func:`train_node_classifier` with model
    selection on the validation nodes.

    Parameters
    ----------
    X : array-like
        Samples x features.
    y : array-like
        Integer class of each sample.
    graphs : dict
        Name -> ``(edge_index, edge_weight)``; ``edge_weight`` may be ``None``.
    seeds : iterable of int
        One split and one training run per seed.
    hidden_channels, num_epochs, lr, weight_decay :
        Model size and training settings, the same for every model.
    train_size, val_size : float
        Fractions for :func:`stratified_split`; the rest is the test set.
    with_mlp : bool
        Also train the MLP (the GCN without the graph).
    eval_every : int
        Validate every ``eval_every`` epochs (:func:`train_node_classifier`).
    dense : bool
        Build each GCN with ``GCN(..., dense=True)``: the same layer on the dense
        normalised adjacency, faster on a small graph with many edges; torch then
        runs on one thread (waking a second costs more than such small products).

    Returns
    -------
    pandas.DataFrame
        Columns ``seed``, ``model`` (``"GCN, <graph name>"``, ``"MLP"``,
        ``"logistic regression"``), ``test_accuracy``.

    Raises
    ------
    ValueError
        If ``graphs`` is empty or ``X`` and ``y`` disagree in length.
    """
    from torch_geometric.data import Data

    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y)
    if not graphs:
        raise ValueError("graphs must name at least one graph")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {y.shape[0]} labels")
    num_classes = int(y.max()) + 1
    seeds = list(seeds)

    def split(seed):
        return stratified_split(y, train_size, val_size, seed=seed)

    frames = []
    for i, (name, (edge_index, edge_weight)) in enumerate(graphs.items()):
        data = Data(
            x=torch.from_numpy(X), edge_index=edge_index, y=torch.from_numpy(y).long()
        )
        if edge_weight is not None:
            data.edge_weight = edge_weight
        models = {
            f"GCN, {name}": lambda: GCN(
                X.shape[1], hidden_channels, num_classes, dense=dense
            )
        }
        if i == 0 and with_mlp:
            models["MLP"] = lambda: MLP(X.shape[1], hidden_channels, num_classes)
        baselines = ["logistic regression"] if i == 0 else []
        threads = _one_torch_thread() if dense else contextlib.nullcontext()
        with threads:  # dense: a small graph, whose tensors are too small to share
            frames.append(
                repeated_node_classification(
                    data,
                    models,
                    seeds=seeds,
                    split=split,
                    num_epochs=num_epochs,
                    lr=lr,
                    weight_decay=weight_decay,
                    baselines=baselines,
                    eval_every=eval_every,
                )
            )
    return pd.concat(frames, ignore_index=True)


def logistic_regression_over_splits(
    X,
    y,
    *,
    seeds: Iterable[int] = range(5),
    train_size: float = 0.6,
    val_size: float = 0.2,
    name: str = "logistic regression",
) -> pd.DataFrame:
    """Logistic regression on ``X`` over the splits :func:`compare_on_graphs` uses (chapter 3).

    Chapter 3 runs it on the true latent factors as an *oracle*: the best accuracy
    the overlap of the clusters allows.

    Parameters
    ----------
    X : array-like or Tensor
        Samples x features (chapter 3: the latent factors ``Z``).
    y : array-like
        Integer class of each sample.
    seeds : iterable of int
        One stratified split per seed.
    train_size, val_size : float
        Fractions for :func:`stratified_split`: the classifier fits on the training
        part and is scored on the test part (the rest); the validation part is unused.
    name : str
        The value of the ``model`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``seed``, ``model`` (= ``name``), ``test_accuracy``.
    """
    y = np.asarray(y)
    rows = []
    for seed in seeds:
        train, _, test = stratified_split(y, train_size, val_size, seed=seed)
        acc = logistic_regression_baseline(X, y, train.numpy(), test.numpy())
        rows.append({"seed": seed, "model": name, "test_accuracy": acc})
    return pd.DataFrame(rows)


def grid_search(
    data,
    build: Callable[..., torch.nn.Module],
    grid: dict[str, Iterable],
    *,
    split: Callable[[int], tuple],
    seeds: Iterable[int],
    num_epochs: int,
    lr: float,
    weight_decay: float = 0.0,
    eval_every: int = 1,
) -> pd.DataFrame:
    """Train one model per setting of a hyper-parameter grid and seed; choose by validation (chapter 5).

    For every combination of the values in ``grid`` and every seed:
    ``split(seed)`` gives ``(train_mask, val_mask, test_mask)``, ``set_seed(seed)``,
    ``build(**setting)`` makes the model, :func:`train_node_classifier` trains it
    with model selection on the validation nodes. Choose a setting by
    ``val_accuracy``; ``test_accuracy`` is reported so that the chosen setting can
    be scored once, not so that it can be chosen by it.

    Parameters
    ----------
    data : torch_geometric.data.Data
        The graph and its labels.
    build : callable
        Keyword arguments named as in ``grid`` -> a fresh model.
    grid : dict
        Argument name -> list of values to try, e.g. ``{"hidden_channels": [8, 16]}``.
    split : callable
        Seed -> ``(train_mask, val_mask, test_mask)``.
    seeds : iterable of int
        One split and one training run per seed and setting.
    num_epochs, lr, weight_decay, eval_every :
        Passed to :func:`train_node_classifier`.

    Returns
    -------
    pandas.DataFrame
        One row per setting and seed: one column per grid argument, then ``seed``,
        ``val_accuracy`` (best validated epoch) and ``test_accuracy`` (that epoch's
        weights).

    Raises
    ------
    ValueError
        For an empty grid, an argument with no values, no seeds, or a ``split``
        that does not return a validation mask.
    """
    if not grid:
        raise ValueError("grid must name at least one argument to vary")
    values = {name: list(options) for name, options in grid.items()}
    for name, options in values.items():
        if not options:
            raise ValueError(f"grid argument {name!r} has no values to try")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    rows = []
    for combination in itertools.product(*values.values()):
        setting = dict(zip(values, combination, strict=True))
        for seed in seeds:
            masks = split(seed)
            if len(masks) != 3:
                raise ValueError(
                    "split must return (train_mask, val_mask, test_mask): "
                    "a grid search chooses on validation nodes, never on test nodes"
                )
            model, history = fit_seeded(
                functools.partial(build, **setting),
                data,
                masks,
                seed=seed,
                num_epochs=num_epochs,
                lr=lr,
                weight_decay=weight_decay,
                eval_every=eval_every,
            )
            rows.append(
                {
                    **setting,
                    "seed": seed,
                    "val_accuracy": float(history.val_accuracy.max()),
                    "test_accuracy": accuracy(model, data, masks[2]),
                }
            )
    return pd.DataFrame(rows)


def node2vec_experiment(
    edge_index,
    y,
    train_mask,
    *,
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
    (``"normalised"``, see :func:`l2_normalise`). For each named set of nodes in
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
        for kind, features in [("raw", z), ("normalised", l2_normalise(z))]:
            # one classifier and one clustering per embedding, scored on every mask
            with one_thread():
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


def compare_clusterings(
    X,
    y,
    edge_index,
    *,
    seeds=range(5),
    n_components: int = 10,
    hidden_channels: int = 64,
    num_epochs: int = 100,
    lr: float = 0.01,
    dense: bool = False,
) -> pd.DataFrame:
    """k-means ARI on four representations of the same cells, per seed (chapter 4).

    The representations: the (standardised) expression matrix ``X``; its first
    ``n_components`` principal components; the norm-loss GCN embedding; the DGI
    embedding (both on ``edge_index``). k-means uses as many clusters as ``y`` has
    types and ``random_state=seed``.

    Parameters
    ----------
    X : array-like
        Cells x genes (the standardised expression).
    y : array-like
        Type of each cell.
    edge_index : torch.Tensor
        The cell graph, ``2 x num_edges``, of both GCN embeddings.
    seeds : iterable of int
        One training run of each GCN and one k-means per representation per seed.
    n_components : int
        Principal components kept, ``1 <= n_components <= n_genes``.
    hidden_channels : int
        Embedding size of the DGI encoder (:func:`train_dgi`).
    num_epochs, lr :
        Training settings of both GCN embeddings (:func:`train_norm_loss`,
        :func:`train_dgi`).
    dense : bool
        Both GCNs propagate with a dense normalised adjacency (``dense=True`` of
        :class:`NormLossGCN` and :class:`DGIEncoder`): faster on small graphs, the
        same models up to float rounding.

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
        collapsed = NormLossGCN(X.shape[1], dense=dense)
        train_norm_loss(collapsed, data, num_epochs=num_epochs, lr=lr)
        with torch.no_grad():
            z_norm = collapsed(data.x, data.edge_index).numpy()
        z_dgi, _ = train_dgi(
            data,
            hidden_channels=hidden_channels,
            num_epochs=num_epochs,
            lr=lr,
            seed=seed,
            dense=dense,
        )
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
                    "ari": cluster_ari(features, y, seed=seed),
                }
            )
    return pd.DataFrame(rows)


EARLY = "early fusion (concatenated)"


GRAPH = "graph fusion (averaged affinities)"


LATE = "late fusion (averaged probabilities)"


LOGREG = "logistic regression (concatenated)"


def _graphs(views: dict, k: int) -> dict:
    """Build the graphs of chapter 6 once.

    They are what the experiment trains on and what :func:`view_homophily` measures.
    """
    scaled = standardise_views(views)
    n = next(iter(scaled.values())).shape[0]
    per_view = {name: affinity_graph(X, k) for name, X in scaled.items()}
    concatenated = concatenate_views(views)
    return {
        "scaled": scaled,
        "per_view": per_view,
        "concatenated": concatenated,
        "early": knn_graph(concatenated, k, metric="euclidean")[0],
        "fused": fuse_graphs(per_view.values(), n),
    }


def _score(probabilities, y, test) -> float:
    return float((probabilities.argmax(1)[test] == y[test]).float().mean())


def _gcn_probabilities(x, edge_index, edge_weight, y, masks, seed, settings):
    from torch_geometric.data import Data

    data = Data(x=torch.from_numpy(x), edge_index=edge_index, y=y)
    if edge_weight is not None:
        data.edge_weight = edge_weight
    hidden, dense = settings["hidden_channels"], settings["dense"]
    model, _ = fit_seeded(
        lambda: GCN(x.shape[1], hidden, int(y.max()) + 1, dense=dense),
        data,
        masks,
        seed=seed,
        num_epochs=settings["num_epochs"],
        lr=settings["lr"],
        weight_decay=settings["weight_decay"],
        eval_every=settings["eval_every"],
    )
    model.eval()
    with torch.no_grad():
        return model(data.x, data.edge_index, edge_weight).exp()


def integration_experiment(
    views: dict,
    y,
    *,
    k: int = 10,
    seeds: Iterable[int] = range(5),
    hidden_channels: int = 16,
    num_epochs: int = 100,
    lr: float = 0.01,
    weight_decay: float = 5e-4,
    train_size: float = 0.6,
    val_size: float = 0.2,
    eval_every: int = 5,
    dense: bool = False,
) -> pd.DataFrame:
    """Score every integration strategy of chapter 6 on the same splits.

    Graphs are built once from the standardised views (``k`` nearest neighbours,
    Euclidean, symmetrised); per seed, one stratified split
    (:func:`helpers.evaluation.stratified_split`), then every GCN is trained after
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
    dense : bool
        Every GCN propagates with a dense normalised adjacency (:class:`GCN`'s
        ``dense=True``): faster on a few hundred samples, the same up to float
        rounding.

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
        dense=dense,
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

    Parameters
    ----------
    views : dict
        View name -> samples x features matrix (same samples, same order).
    y : array-like
        Class of each sample.
    k : int
        Neighbours per sample in every kNN graph.

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
