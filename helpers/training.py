"""Training and evaluating node classifiers, introduced in chapter 2 (``02_gcn_citation.ipynb``).

One loop for every model of the course (GCN, MLP, and later GAT): full-batch
training with ``NLLLoss`` on the training nodes, optional model selection on
validation nodes, and accuracy on held-out nodes; plus the non-graph baselines and
the splits that make an evaluation honest.
"""

from __future__ import annotations

import copy
import functools
import itertools
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from ._utils import as_numpy, check_training, one_blas_thread
from .models import GCN, MLP
from .reproducibility import set_seed

__all__ = [
    "random_split",
    "stratified_split",
    "train_node_classifier",
    "accuracy",
    "majority_baseline",
    "logistic_regression_baseline",
    "repeated_node_classification",
    "compare_on_graphs",
    "logistic_regression_over_splits",
    "grid_search",
    "fit_seeded",
]


def _mask(indices, n: int) -> torch.Tensor:
    mask = torch.zeros(n, dtype=torch.bool)
    mask[torch.as_tensor(np.asarray(indices), dtype=torch.long)] = True
    return mask


def random_split(
    num_nodes: int, num_test: int, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random train/test masks with ``num_test`` test nodes (chapter 2).

    Raises
    ------
    ValueError
        Unless ``1 <= num_test < num_nodes``.
    """
    if not 1 <= num_test < num_nodes:
        raise ValueError(
            f"num_test must be in [1, num_nodes={num_nodes}), got {num_test}"
        )
    order = np.random.default_rng(seed).permutation(num_nodes)
    test = _mask(order[:num_test], num_nodes)
    return ~test, test


def stratified_split(
    y, train_size: float = 0.6, val_size: float = 0.2, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Train/validation/test masks that keep each class's share in every part (chapter 3).

    The test part is what remains after ``train_size + val_size``.

    Parameters
    ----------
    y : array-like or Tensor
        Class of each node.
    train_size, val_size : float
        Fractions of the nodes, each in ``(0, 1)``, summing to less than 1.
    seed : int
        Seed of the shuffle.

    Returns
    -------
    train_mask, val_mask, test_mask : torch.Tensor
        Boolean masks over the nodes, disjoint, covering every node.

    Raises
    ------
    ValueError
        For fractions out of range, or a class too small to appear in every part.
    """
    from sklearn.model_selection import train_test_split

    y = as_numpy(y)
    if not (0 < train_size < 1 and 0 < val_size < 1 and train_size + val_size < 1):
        raise ValueError(
            f"train_size and val_size must be in (0, 1) with a sum below 1, got {train_size}, {val_size}"
        )
    counts = np.bincount(np.unique(y, return_inverse=True)[1])
    if counts.min() < 3:
        raise ValueError(
            f"every class needs at least 3 nodes for a 3-way split; class sizes {counts.tolist()}"
        )
    idx = np.arange(len(y))
    train, rest = train_test_split(
        idx, train_size=train_size, stratify=y, random_state=seed
    )
    val_share = val_size / (1 - train_size)
    val, test = train_test_split(
        rest, train_size=val_share, stratify=y[rest], random_state=seed
    )
    n = len(y)
    return _mask(train, n), _mask(val, n), _mask(test, n)


def _edge_weight(data):
    return getattr(data, "edge_weight", None)


@torch.no_grad()
def accuracy(model, data, mask) -> float:
    """Accuracy of ``model`` (in evaluation mode) on the nodes selected by ``mask`` (chapter 2).

    Raises
    ------
    ValueError
        If ``mask`` selects no node.
    """
    if int(mask.sum()) == 0:
        raise ValueError("mask selects no node")
    model.eval()
    pred = model(data.x, data.edge_index, _edge_weight(data)).argmax(dim=1)
    return float((pred[mask] == data.y[mask]).float().mean())


def train_node_classifier(
    model,
    data,
    train_mask,
    num_epochs: int,
    lr: float,
    weight_decay: float = 0.0,
    val_mask=None,
    eval_every: int = 1,
) -> pd.DataFrame:
    """Full-batch training with Adam and ``NLLLoss`` on the training nodes (chapter 2).

    The model must return log-probabilities and accept ``(x, edge_index, edge_weight)``;
    ``data.edge_weight`` is passed when the graph has one. With ``val_mask``, the
    weights of the epoch with the best validation accuracy (first one on ties) are
    restored at the end: model selection never looks at the test nodes. Chapter 2
    writes this loop out (``zero_grad``, forward, loss, ``backward``, ``step``) and
    checks that it ends with the same weights.

    Parameters
    ----------
    model : torch.nn.Module
        The classifier.
    data : torch_geometric.data.Data
        ``x``, ``edge_index``, ``y`` and optionally ``edge_weight``.
    train_mask : Tensor of bool
        Nodes whose labels the loss sees.
    num_epochs : int
        Full-batch steps, ``>= 1``.
    lr, weight_decay : float
        Adam's learning rate (``> 0``) and L2 penalty (``>= 0``).
    val_mask : Tensor of bool, optional
        Nodes for model selection; must not overlap ``train_mask``.
    eval_every : int
        Validate every ``eval_every`` epochs and after the last one (chapter 5 uses
        5 to save an evaluation pass on a large graph); selection only considers
        the validated epochs.

    Returns
    -------
    pandas.DataFrame
        One row per epoch: ``epoch``, ``loss``, ``train_accuracy`` (of the training
        step's predictions, dropout active) and, with a validation mask,
        ``val_accuracy`` (evaluation mode; NaN on epochs that were not validated).

    Raises
    ------
    ValueError
        For ``num_epochs < 1``, ``lr <= 0``, ``weight_decay < 0``, ``eval_every``
        not a positive integer, an empty training mask, overlapping masks, or
        masks whose length differs from the node count.
    """
    check_training(num_epochs, lr)
    if (
        isinstance(eval_every, bool)
        or not isinstance(eval_every, int)
        or eval_every < 1
    ):
        raise ValueError(f"eval_every must be a positive integer, got {eval_every!r}")
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    n = data.num_nodes
    for name, mask in [("train_mask", train_mask), ("val_mask", val_mask)]:
        if mask is not None and mask.shape[0] != n:
            raise ValueError(
                f"{name} has {mask.shape[0]} entries but the graph has {n} nodes"
            )
    if int(train_mask.sum()) == 0:
        raise ValueError("train_mask selects no node")
    if val_mask is not None and bool((train_mask & val_mask).any()):
        raise ValueError("train_mask and val_mask overlap")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    weight = _edge_weight(data)
    rows, best, best_state = [], -1.0, None
    for epoch in range(1, num_epochs + 1):
        model.train()
        optimizer.zero_grad()
        out = model(data.x, data.edge_index, weight)
        loss = F.nll_loss(out[train_mask], data.y[train_mask])
        loss.backward()
        optimizer.step()
        # accuracy of this step's (training-mode) predictions: no extra forward pass
        train_acc = (out[train_mask].argmax(dim=1) == data.y[train_mask]).float().mean()
        row = {
            "epoch": epoch,
            "loss": float(loss.detach()),
            "train_accuracy": float(train_acc),
        }
        validate = epoch % eval_every == 0 or epoch == num_epochs
        if val_mask is not None:
            row["val_accuracy"] = (
                accuracy(model, data, val_mask) if validate else float("nan")
            )
            if row["val_accuracy"] > best:
                best, best_state = (
                    row["val_accuracy"],
                    copy.deepcopy(model.state_dict()),
                )
        rows.append(row)
    if best_state is not None:
        model.load_state_dict(best_state)
    return pd.DataFrame(rows)


def fit_seeded(
    build: Callable[[], torch.nn.Module],
    data,
    masks: tuple,
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
        model, data, masks[0], num_epochs, lr, weight_decay, val_mask, eval_every
    )
    return model, history


def majority_baseline(y, train_mask, test_mask) -> float:
    """Accuracy of always predicting the most frequent training class (chapter 2)."""
    y = as_numpy(y)
    train_mask, test_mask = np.asarray(train_mask, bool), np.asarray(test_mask, bool)
    if not train_mask.any() or not test_mask.any():
        raise ValueError("train_mask and test_mask must each select at least one node")
    majority = np.bincount(y[train_mask]).argmax()
    return float((y[test_mask] == majority).mean())


def logistic_regression_baseline(X, y, train_mask, test_mask) -> float:
    """Held-out accuracy of a logistic regression on standardised features, no graph (chapter 3)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = as_numpy(X)
    y = as_numpy(y)
    train_mask, test_mask = np.asarray(train_mask, bool), np.asarray(test_mask, bool)
    if len(np.unique(y[train_mask])) < 2:
        return majority_baseline(y, train_mask, test_mask)
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    with one_blas_thread():  # same result, without waking a thread at every step
        clf.fit(X[train_mask], y[train_mask])
        return float(clf.score(X[test_mask], y[test_mask]))


def repeated_node_classification(
    data,
    models: dict[str, Callable[[], torch.nn.Module]],
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
                build, data, masks, seed, num_epochs, lr, weight_decay, eval_every
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
    seeds: Iterable[int] = range(5),
    hidden_channels: int = 16,
    num_epochs: int = 100,
    lr: float = 0.01,
    weight_decay: float = 5e-4,
    train_size: float = 0.6,
    val_size: float = 0.2,
    with_mlp: bool = True,
    eval_every: int = 1,
) -> pd.DataFrame:
    """A GCN on each graph, plus an MLP and a logistic regression, on the same splits (chapter 3).

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
        models = {f"GCN, {name}": lambda: GCN(X.shape[1], hidden_channels, num_classes)}
        if i == 0 and with_mlp:
            models["MLP"] = lambda: MLP(X.shape[1], hidden_channels, num_classes)
        baselines = ["logistic regression"] if i == 0 else []
        frames.append(
            repeated_node_classification(
                data,
                models,
                seeds,
                split,
                num_epochs,
                lr,
                weight_decay,
                baselines=baselines,
                eval_every=eval_every,
            )
        )
    return pd.concat(frames, ignore_index=True)


def logistic_regression_over_splits(
    X,
    y,
    seeds: Iterable[int] = range(5),
    train_size: float = 0.6,
    val_size: float = 0.2,
    name: str = "logistic regression",
) -> pd.DataFrame:
    """Logistic regression on ``X`` over the splits :func:`compare_on_graphs` uses (chapter 3).

    Chapter 3 runs it on the true latent factors as an *oracle*: the best accuracy
    the overlap of the clusters allows.

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
                seed,
                num_epochs,
                lr,
                weight_decay,
                eval_every,
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
