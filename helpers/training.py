"""Training: the course's one training loop, and the trainings the chapters reuse.

:func:`train_loop` is the loop chapters 1 and 2 write out (``zero_grad``, the loss,
``backward``, ``step``); the trainers below only say what the loss is and what to
record: :func:`train_node2vec` (chapter 1), :func:`train_node_classifier` (chapter 2),
:func:`train_norm_loss` and :func:`train_dgi` (chapter 4).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.nn import DeepGraphInfomax

from . import _PUBLIC
from ._utils import check_training
from .evaluation import _edge_weight, accuracy
from .models import (
    _GRAM_LIMIT,
    DGIEncoder,
    Node2Vec,
    NormLossGCN,
    _corruption,
    _summary,
)
from .reproducibility import set_seed

__all__ = list(_PUBLIC["training"])


def train_loop(
    model: torch.nn.Module,
    loss_fn: Callable[[object], Tensor],
    *,
    num_epochs: int,
    lr: float,
    weight_decay: float = 0.0,
    batches: Callable[[], Iterable] | None = None,
    on_epoch: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Run the course's one training loop: Adam, and per step ``zero_grad``, loss, ``backward``, ``step``.

    Chapters 1 and 2 write this loop out; every trainer of the course calls it with
    its own loss. ``SparseAdam`` replaces Adam for a model with a sparse embedding
    (Node2Vec, as PyG's example does).

    Parameters
    ----------
    model : torch.nn.Module
        Its parameters are optimised; it is put in training mode at every epoch.
    loss_fn : callable
        ``loss_fn(batch)`` runs the forward pass on one batch and returns the loss
        (a scalar tensor).
    num_epochs : int
        Passes over the batches, ``>= 1``.
    lr : float
        Learning rate, ``> 0``.
    weight_decay : float
        Adam's L2 penalty, ``>= 0``.
    batches : callable, optional
        Returns the batches of one epoch (called once per epoch, e.g. a
        ``DataLoader``'s ``__iter__``); by default one full-batch step, ``batch=None``.
    on_epoch : callable, optional
        Called as ``on_epoch(epoch, mean_loss)`` after each epoch (epochs count from 1).

    Returns
    -------
    list of float
        The mean loss of each epoch.

    Raises
    ------
    ValueError
        For ``num_epochs < 1``, ``lr <= 0`` or ``weight_decay < 0``.
    """
    check_training(num_epochs, lr)
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    params = list(model.parameters())
    sparse = any(
        isinstance(m, torch.nn.Embedding) and m.sparse for m in model.modules()
    )
    if sparse:
        optimizer = torch.optim.SparseAdam(params, lr=lr)
    else:
        optimizer = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    history = []
    for epoch in range(1, num_epochs + 1):
        model.train()
        total, steps = 0.0, 0
        for batch in (None,) if batches is None else batches():
            optimizer.zero_grad()
            loss = loss_fn(batch)
            loss.backward()
            optimizer.step()
            total, steps = total + float(loss.detach()), steps + 1
        history.append(total / steps)
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history


def train_node_classifier(
    model,
    data,
    train_mask,
    *,
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
    weight = _edge_weight(data)
    rows, best, best_state, out = [], -1.0, None, None

    def loss_fn(_):
        nonlocal out
        out = model(data.x, data.edge_index, weight)
        return F.nll_loss(out[train_mask], data.y[train_mask])

    def record(epoch, loss):
        nonlocal best, best_state
        # accuracy of this step's (training-mode) predictions: no extra forward pass
        train_acc = (out[train_mask].argmax(dim=1) == data.y[train_mask]).float().mean()
        row = {"epoch": epoch, "loss": loss, "train_accuracy": float(train_acc)}
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

    train_loop(
        model,
        loss_fn,
        num_epochs=num_epochs,
        lr=lr,
        weight_decay=weight_decay,
        on_epoch=record,
    )
    if best_state is not None:
        model.load_state_dict(best_state)
    return pd.DataFrame(rows)


def train_norm_loss(
    model: NormLossGCN, data, *, num_epochs: int = 100, lr: float = 0.01
) -> pd.DataFrame:
    """Minimise the mean embedding norm, as the original lab did (chapter 4).

    The minimum of this loss is reached by mapping every cell to zero, which says
    nothing about cell types: the loss falls, and the embedding collapses. The
    model must be deterministic in training mode (no dropout), as
    :class:`NormLossGCN` is: the mean norm after each step is read from the next
    step's forward pass.

    Parameters
    ----------
    model : NormLossGCN
        The model, trained in place.
    data : torch_geometric.data.Data
        ``x`` and ``edge_index`` of the cells.
    num_epochs : int
        Full-batch steps, ``>= 1``.
    lr : float
        Adam's learning rate, ``> 0``.

    Returns
    -------
    pandas.DataFrame
        ``epoch``, ``loss`` (= mean norm during training), ``mean_norm`` (after the step).

    Raises
    ------
    ValueError
        For ``num_epochs < 1`` or ``lr <= 0``.
    """
    losses = train_loop(
        model,
        lambda _: model(data.x, data.edge_index).norm(dim=1).mean(),
        num_epochs=num_epochs,
        lr=lr,
    )
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


def train_dgi(
    data,
    *,
    hidden_channels: int = 64,
    num_epochs: int = 100,
    lr: float = 0.01,
    seed: int = 0,
    dense: bool = False,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Embed the nodes with Deep Graph Infomax (Veličković et al. 2019), chapter 4.

    DGI trains the encoder to tell the real graph from a corrupted copy (the same
    edges with the cells' features shuffled), using a summary of the whole graph.
    Mapping every cell to zero cannot solve that task, so the embedding does not
    collapse. ``set_seed(seed)`` is called first.

    Parameters
    ----------
    data : torch_geometric.data.Data
        ``x`` and ``edge_index`` of the cells.
    hidden_channels : int
        Embedding size, ``>= 1``.
    num_epochs : int
        Full-batch steps, ``>= 1``.
    lr : float
        Adam's learning rate, ``> 0``.
    seed : int
        Seed of the encoder's initialisation and of the corruptions (shuffles).
    dense : bool
        Passed to :class:`DGIEncoder`: a dense normalised adjacency, faster on
        graphs of a few hundred nodes, the same result up to float rounding.

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
    encoder = DGIEncoder(data.num_node_features, hidden_channels, dense=dense)
    model = DeepGraphInfomax(
        hidden_channels, encoder=encoder, summary=_summary, corruption=_corruption
    )
    losses = train_loop(
        model,
        lambda _: model.loss(*model(data.x, data.edge_index)),
        num_epochs=num_epochs,
        lr=lr,
    )
    rows = [{"epoch": epoch, "loss": loss} for epoch, loss in enumerate(losses, 1)]
    model.eval()
    with torch.no_grad():
        z = encoder(data.x, data.edge_index)
    return z.numpy(), pd.DataFrame(rows)


def train_node2vec(
    model: Node2Vec, *, num_epochs: int, lr: float, batch_size: int | None = None
) -> list[float]:
    """Train a Node2Vec model and return the mean loss of each epoch.

    Introduced in chapter 1, which writes this loop out (``zero_grad``, ``loss``,
    ``backward``, ``step`` over ``model.loader``); this function reuses it. Uses
    ``SparseAdam`` for a sparse embedding (as PyG's example does) and ``Adam`` otherwise. With ``batch_size=None`` every epoch is a
    single full-batch step over all nodes. Full batch on a small graph, the walks of
    all epochs are drawn in one call before training and each epoch's (first node,
    context node) pairs are counted at once (:func:`_presampled_pair_counts`): the same
    distribution as one draw per epoch from ``model.loader``, in far fewer calls,
    though not the same random numbers; each step then computes ``model.loss`` of its
    epoch's windows from their pair counts.

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
    with _one_torch_thread():  # the same random numbers, no idle threads to wake
        presampled = _presampled_pair_counts(model, num_epochs) if full_batch else None
    if presampled is None:
        loader = model.loader(batch_size=batch_size or model.num_nodes, shuffle=True)
        batches, loss_fn = loader.__iter__, lambda batch: model.loss(*batch)
    else:
        epochs = iter(presampled)

        def batches():
            return [next(epochs)]

        def loss_fn(batch):
            return model._counted_loss(*batch)

    with _one_torch_thread():
        return train_loop(model, loss_fn, num_epochs=num_epochs, lr=lr, batches=batches)


@contextlib.contextmanager
def _one_torch_thread():
    """Run torch on one thread, for the tiny tensors of a small graph.

    From about 2,000 entries torch runs ``sqrt``, ``exp`` or ``log`` on several
    threads; on a tensor that small, waking them costs far more than the work (on a
    busy 2-core laptop, a hundred times more), and element-wise results do not depend
    on the number of threads.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


_PRESAMPLE_LIMIT = 2_000_000  # walk entries drawn up front, at most


def _can_presample(model, num_epochs: int) -> bool:
    """Whether the walks of all ``num_epochs`` of a :class:`Node2Vec` fit ``_PRESAMPLE_LIMIT``."""
    if not isinstance(model, Node2Vec):
        return False
    walks = model.walks_per_node * (1 + model.num_negative_samples)
    return num_epochs * model.num_nodes * walks * (model.walk_length + 1) <= (
        _PRESAMPLE_LIMIT
    )


def _presampled_pair_counts(model, num_epochs: int) -> list | None:
    """Every epoch's pairs of :func:`_presampled_windows`, counted, from the same random numbers.

    For each epoch the arguments of :meth:`Node2Vec._counted_loss`: two
    ``(num_nodes, num_nodes)`` tensors, the fraction of that epoch's positive (and
    negative) windows' (first node, context node) pairs that are ``(u, v)``. Counted
    for all epochs at once, one ``bincount`` per distance in the window. ``None``
    where :func:`_presampled_windows` is, or above the Gram-matrix size of the loss.
    """
    if not _can_presample(model, num_epochs) or model.num_nodes > _GRAM_LIMIT:
        return None
    n, length = model.num_nodes, model.walk_length + 1
    nodes = torch.arange(n).repeat(num_epochs)
    context, num_windows = model.context_size, length - model.context_size + 1

    def fractions(rw):
        rw = rw.numpy()
        epoch = (np.arange(rw.shape[0]) // n) % num_epochs
        first = (epoch * n * n)[:, None] + rw[:, :num_windows] * n
        counts = np.zeros(num_epochs * n * n, dtype=np.int64)
        for distance in range(1, context):
            keys = first + rw[:, distance : distance + num_windows]
            counts += np.bincount(keys.ravel(), minlength=counts.size)
        num_pairs = rw.shape[0] // num_epochs * num_windows * (context - 1)
        weight = torch.from_numpy(counts).to(model.embedding.weight.dtype) / num_pairs
        return weight.view(num_epochs, n, n).unbind(0)

    pos = fractions(model._pos_walks(nodes))
    neg = fractions(model._neg_walks(nodes))
    return list(zip(pos, neg, strict=True))


def _presampled_windows(model, num_epochs: int) -> list | None:
    """Draw every epoch's full-batch ``(pos_rw, neg_rw)``, in one call each.

    ``pos_sample`` and ``neg_sample`` of all nodes repeated ``num_epochs`` times; their
    windows come out ordered (window offset, walk of the node, epoch, node), so one
    reshape gives each epoch its own windows. ``None`` for a model other than
    :class:`Node2Vec` or when the walks would exceed ``_PRESAMPLE_LIMIT`` entries.
    """
    if not _can_presample(model, num_epochs):
        return None
    n = model.num_nodes
    nodes = torch.arange(n).repeat(num_epochs)

    def per_epoch(rw):
        rw = rw.view(-1, num_epochs, n, model.context_size)
        return [
            rw[:, epoch].reshape(-1, model.context_size) for epoch in range(num_epochs)
        ]

    pos, neg = per_epoch(model.pos_sample(nodes)), per_epoch(model.neg_sample(nodes))
    return list(zip(pos, neg, strict=True))
