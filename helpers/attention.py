"""Reading a graph attention network's attention and representations, chapter 5 (``05_gat_cell_types.ipynb``).

Attention coefficients come from ``GAT(..., return_attention_weights=True)`` (or
PyG's ``GATConv``): one row per edge ``source -> target`` and one column per head;
for each target node they sum to 1 over its incoming edges.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._utils import as_numpy

__all__ = ["attention_entropy", "same_label_attention", "representation_spread"]


def _check(edge_index, alpha) -> tuple[np.ndarray, np.ndarray]:
    ei, alpha = as_numpy(edge_index), as_numpy(alpha)
    if ei.ndim != 2 or ei.shape[0] != 2:
        raise ValueError(f"edge_index must have shape (2, num_edges), got {ei.shape}")
    alpha = alpha.reshape(alpha.shape[0], -1)
    if alpha.shape[0] != ei.shape[1]:
        raise ValueError(
            f"alpha has {alpha.shape[0]} rows but edge_index has {ei.shape[1]} edges"
        )
    if (alpha < 0).any():
        raise ValueError("alpha must be non-negative attention coefficients")
    return ei, alpha


def attention_entropy(edge_index, alpha, num_nodes: int) -> pd.DataFrame:
    """Entropy of each node's incoming attention, next to its maximum (uniform attention).

    Entropy ``-sum(a * log a)`` over a node's incoming edges, averaged over heads;
    the maximum, ``log(in-degree)``, is reached when the node attends to all its
    neighbours equally. Introduced in chapter 5.

    Returns
    -------
    pandas.DataFrame
        One row per node: ``in_degree``, ``entropy``, ``max_entropy``, and
        ``relative_entropy`` (entropy / maximum; 1 = uniform, NaN for degree <= 1).

    Raises
    ------
    ValueError
        If ``edge_index`` is not ``2 x E``, ``alpha`` does not have one row per
        edge or has negative entries, or a node id is ``>= num_nodes``.
    """
    ei, alpha = _check(edge_index, alpha)
    if ei.size and ei.max() >= num_nodes:
        raise ValueError(
            f"edge_index refers to node {ei.max()} but num_nodes is {num_nodes}"
        )
    target = ei[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(alpha > 0, -alpha * np.log(alpha), 0.0).mean(axis=1)
    entropy = np.bincount(target, weights=terms, minlength=num_nodes)
    degree = np.bincount(target, minlength=num_nodes)
    max_entropy = np.log(np.maximum(degree, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(degree > 1, entropy / max_entropy, np.nan)
    return pd.DataFrame(
        {
            "in_degree": degree,
            "entropy": entropy,
            "max_entropy": max_entropy,
            "relative_entropy": relative,
        }
    )


def same_label_attention(edge_index, alpha, y) -> np.ndarray:
    """Per node, the share of its attention (self loops excluded) on neighbours of its own label.

    Averaged over heads and renormalised over the non-self edges. Chapter 5 uses it
    to show that a well-trained GAT on a kNN graph attends to same-type cells.
    Nodes without non-self incoming edges get NaN.

    Raises
    ------
    ValueError
        As :func:`attention_entropy`, or if ``y`` is shorter than the largest node id.
    """
    ei, alpha = _check(edge_index, alpha)
    y = as_numpy(y)
    if ei.size and ei.max() >= len(y):
        raise ValueError(
            f"edge_index refers to node {ei.max()} but y has only {len(y)} labels"
        )
    src, dst = ei
    keep = src != dst
    mass = alpha.mean(axis=1)[keep]
    src, dst = src[keep], dst[keep]
    total = np.bincount(dst, weights=mass, minlength=len(y))
    same = np.bincount(dst, weights=mass * (y[src] == y[dst]), minlength=len(y))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, same / total, np.nan)


def representation_spread(h, y) -> pd.Series:
    """How spread out node representations are, and how much of it separates the types.

    ``total_variance`` is the mean squared distance of a node's vector to the mean
    vector: near 0 when message passing has made every node alike
    (over-smoothing). ``between_type_share`` is the part of it explained by the
    type means (1 = nodes of a type coincide, 0 = the types are indistinguishable;
    NaN when there is no spread beyond float rounding). Introduced in chapter 5.

    Parameters
    ----------
    h : array-like
        Nodes x features (input features, hidden layer or output).
    y : array-like
        Type of each node.

    Returns
    -------
    pandas.Series
        ``total_variance`` and ``between_type_share``.

    Raises
    ------
    ValueError
        If ``h`` is not 2-D or ``y`` does not have one label per row of ``h``.
    """
    h = as_numpy(h).astype(np.float64)
    y = as_numpy(y)
    if h.ndim != 2:
        raise ValueError(f"h must be 2-D (nodes x features), got shape {h.shape}")
    if y.shape != (h.shape[0],):
        raise ValueError(f"y has {y.size} labels but h has {h.shape[0]} rows")
    centred = h - h.mean(axis=0)
    total = float((centred**2).sum(axis=1).mean())
    _, inverse = np.unique(y, return_inverse=True)
    counts = np.bincount(inverse)
    type_means = np.stack(
        [np.bincount(inverse, weights=col) / counts for col in centred.T], axis=1
    )
    between = float((type_means[inverse] ** 2).sum(axis=1).mean())
    # float32 models leave rounding noise where the vectors coincide: treat a
    # variance below 1e-12 of the mean squared norm as no spread at all
    scale = float((h**2).sum(axis=1).mean())
    share = between / total if total > 1e-12 * scale else float("nan")
    return pd.Series({"total_variance": total, "between_type_share": share})
