"""Evaluation: splits, metrics, baselines without a graph, and result summaries.

- :func:`random_split` (chapter 2), :func:`stratified_split` (chapter 3): the splits.
- :func:`accuracy`, :func:`majority_baseline` (chapter 2),
  :func:`logistic_regression_baseline` (chapter 3): classifiers scored.
- :func:`heldout_accuracy`, :func:`cluster_ari`, :func:`l2_normalise` (chapter 1),
  :func:`match_clusters` (chapter 4): embeddings and clusterings scored.
- :func:`attention_entropy`, :func:`same_label_attention`,
  :func:`representation_spread` (chapter 5): what a graph attention network attends to.
  Attention coefficients come from ``GAT(..., return_attention_weights=True)`` (or PyG's
  ``GATConv``): one row per edge ``source -> target`` and one column per head; for each
  target node they sum to 1 over its incoming edges.
- :func:`summarise` (every chapter): mean, standard deviation and standard error per
  method over seeds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score

from . import _PUBLIC
from ._utils import as_numpy, one_thread

__all__ = list(_PUBLIC["evaluation"])


def _mask(indices, n: int) -> torch.Tensor:
    mask = torch.zeros(n, dtype=torch.bool)
    mask[torch.as_tensor(np.asarray(indices), dtype=torch.long)] = True
    return mask


def random_split(
    num_nodes: int, num_test: int, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random train/test masks with ``num_test`` test nodes (chapter 2).

    Parameters
    ----------
    num_nodes : int
        Number of nodes.
    num_test : int
        Number of test nodes, ``1 <= num_test < num_nodes``.
    seed : int
        Seed of the permutation.

    Returns
    -------
    train_mask, test_mask : torch.Tensor
        Boolean masks over the nodes, complementary: every node not tested trains.

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

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(x, edge_index, edge_weight)`` to one row of class scores per node
        (e.g. log-probabilities); it is left in evaluation mode.
    data : torch_geometric.data.Data
        ``x``, ``edge_index``, ``y`` and optionally ``edge_weight``.
    mask : Tensor of bool
        Nodes to score.

    Returns
    -------
    float
        Fraction of the selected nodes whose highest-scoring class is their label.

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


def majority_baseline(y, train_mask, test_mask) -> float:
    """Accuracy of always predicting the most frequent training class (chapter 2).

    Parameters
    ----------
    y : array-like or Tensor
        Non-negative integer class of each node.
    train_mask, test_mask : array-like or Tensor of bool
        Nodes whose classes are counted, and nodes scored.

    Returns
    -------
    float
        Fraction of test nodes in the most frequent training class (the lowest
        class id on ties).

    Raises
    ------
    ValueError
        If either mask selects no node.
    """
    y = as_numpy(y)
    train_mask, test_mask = np.asarray(train_mask, bool), np.asarray(test_mask, bool)
    if not train_mask.any() or not test_mask.any():
        raise ValueError("train_mask and test_mask must each select at least one node")
    majority = np.bincount(y[train_mask]).argmax()
    return float((y[test_mask] == majority).mean())


def logistic_regression_baseline(X, y, train_mask, test_mask) -> float:
    """Held-out accuracy of a logistic regression on standardised features, no graph (chapter 3).

    Parameters
    ----------
    X : array-like or Tensor
        Nodes x features.
    y : array-like or Tensor
        Integer class of each node.
    train_mask, test_mask : array-like or Tensor of bool
        Nodes that fit the scaling and the classifier, and nodes scored.

    Returns
    -------
    float
        Fraction of test nodes classified correctly; the :func:`majority_baseline`
        when the training nodes hold a single class.

    Raises
    ------
    ValueError
        If either mask selects no node.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = as_numpy(X)
    y = as_numpy(y)
    train_mask, test_mask = np.asarray(train_mask, bool), np.asarray(test_mask, bool)
    if len(np.unique(y[train_mask])) < 2:
        return majority_baseline(y, train_mask, test_mask)
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    with one_thread():  # same result, without waking a thread at every step
        clf.fit(X[train_mask], y[train_mask])
        return float(clf.score(X[test_mask], y[test_mask]))


def _check_rows(name: str, values: np.ndarray, n: int) -> None:
    if values.shape[0] != n:
        raise ValueError(
            f"{name} has {values.shape[0]} entries but the embedding has {n} rows"
        )


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
    with one_thread():
        clf = LogisticRegression(max_iter=1000)
        clf.fit(z[train_mask], y[train_mask])
        return float(clf.score(z[test_mask], y[test_mask]))


def cluster_ari(z, y, n_clusters: int | None = None, seed: int = 0) -> float:
    """Score k-means clusters of ``z`` against the labels ``y`` by the adjusted Rand index.

    Introduced in chapter 1. 0 is chance level, 1 a perfect match (up to renaming).

    Parameters
    ----------
    z : array-like or Tensor
        Embeddings, shape ``(num_nodes, dim)``.
    y : array-like or Tensor
        True labels, shape ``(num_nodes,)``.
    n_clusters : int, optional
        Number of k-means clusters; the number of distinct labels when omitted.
    seed : int
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
    kmeans = KMeans(n_clusters=n_clusters, n_init=10, random_state=seed)
    with one_thread():  # the same clusters, without waking a thread per iteration
        pred = kmeans.fit_predict(z)
    return float(adjusted_rand_score(y, pred))


def l2_normalise(z) -> np.ndarray:
    """Scale each row of ``z`` to unit length (cosine geometry), introduced in chapter 1.

    Skip-gram embeddings store a node's degree in the vector's length and its
    neighbourhood in its direction; normalising keeps only the direction.

    Parameters
    ----------
    z : array-like or Tensor
        Embeddings, shape ``(num_nodes, dim)``.

    Returns
    -------
    numpy.ndarray
        Float array of the same shape, every row of length 1.

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

    Parameters
    ----------
    per_seed : pandas.DataFrame
        One row per run: the group columns and the result columns.
    by : str or sequence of str
        Column(s) naming the groups (e.g. the method).
    columns : sequence of str
        Result columns to summarise.
    sem : bool
        Also report the standard error of each mean.

    Returns
    -------
    pandas.DataFrame
        One row per group, indexed by ``by`` in order of first appearance: for each
        column its mean, ``<column>_std`` and, with ``sem=True``, ``<column>_sem``.

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


def paired_differences(
    per_seed: pd.DataFrame,
    pairs: Sequence[tuple[str, str]],
    *,
    by: str = "method",
    value: str = "test_accuracy",
) -> pd.DataFrame:
    """Mean and standard error of per-seed differences between methods; chapter 6 writes it out.

    Two methods scored on the same splits are compared seed by seed: for each pair
    ``(a, b)`` the differences ``a - b`` are taken within each seed, then averaged,
    with their standard error (sample standard deviation / sqrt(number of seeds)).

    Parameters
    ----------
    per_seed : pandas.DataFrame
        One row per method and seed: columns ``seed``, ``by`` and ``value``.
    pairs : sequence of (str, str)
        The ``(a, b)`` pairs to compare, ``a - b``.
    by : str
        Column naming the method.
    value : str
        Column of the score.

    Returns
    -------
    pandas.DataFrame
        One row per pair, indexed by (``method``, ``minus``): ``mean`` and ``se``.

    Raises
    ------
    ValueError
        If a column is missing, ``pairs`` is empty, a method is unknown, or the two
        methods of a pair were not scored on the same seeds.
    """
    missing = [c for c in ("seed", by, value) if c not in per_seed.columns]
    if missing:
        raise ValueError(
            f"per_seed has no column(s) {missing}; it has {list(per_seed.columns)}"
        )
    if len(pairs) == 0:
        raise ValueError("pairs is empty: give at least one (a, b) pair")
    wide = per_seed.pivot(index="seed", columns=by, values=value)
    rows = {}
    for a, b in pairs:
        unknown = [m for m in (a, b) if m not in wide.columns]
        if unknown:
            raise ValueError(f"no method {unknown[0]!r} in per_seed[{by!r}]")
        if wide[a].isna().ne(wide[b].isna()).any():
            raise ValueError(f"{a!r} and {b!r} were not scored on the same seeds")
        d = (wide[a] - wide[b]).dropna()
        rows[a, b] = {"mean": d.mean(), "se": d.std() / np.sqrt(len(d))}
    return pd.DataFrame(rows).T.rename_axis(["method", "minus"])


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


def _check_attention(edge_index, alpha) -> tuple[np.ndarray, np.ndarray]:
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

    Parameters
    ----------
    edge_index : array-like or Tensor
        The edges ``source -> target`` the attention was computed on, shape
        ``(2, num_edges)``.
    alpha : array-like or Tensor
        Attention coefficients, one row per edge and one column per head (1-D for a
        single head).
    num_nodes : int
        Number of nodes, one row of the result each.

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
    ei, alpha = _check_attention(edge_index, alpha)
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

    Averaged over heads and renormalised over the non-self edges. Chapter 5 compares
    it with the graph's edge homophily: a share no higher than the homophily means the
    attention did not learn to prefer same-label neighbours.
    Nodes without non-self incoming edges get NaN.

    Parameters
    ----------
    edge_index, alpha : array-like or Tensor
        As for :func:`attention_entropy`.
    y : array-like or Tensor
        Label of each node.

    Returns
    -------
    numpy.ndarray
        One share in ``[0, 1]`` per node (``len(y)`` entries), NaN as above.

    Raises
    ------
    ValueError
        As :func:`attention_entropy`, or if ``y`` is shorter than the largest node id.
    """
    ei, alpha = _check_attention(edge_index, alpha)
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
