"""Graphs: building them from feature matrices and measuring them, without n x n matrices.

Introduced in chapter 3 (``03_better_data.ipynb``): :func:`threshold_graph`,
:func:`knn_graph`, :func:`edge_homophily`, :func:`node_degrees`; chapter 4 adds
:func:`class_homophily`, chapter 6 :func:`affinity_graph` and :func:`fuse_graphs`.
Every builder uses scikit-learn's exact neighbour search, whose memory grows with the
number of edges (it works through the samples in chunks), never with ``n ** 2``.
Cosine similarity is searched as the Euclidean distance between rows scaled to length
1 (``|u - v|^2 = 2 - 2 cos(u, v)``), so it is as fast as the Euclidean search and
finds the same neighbours. Ties (equal distances, e.g. duplicated samples) go to the
lower sample index, whatever the search algorithm or the BLAS kernel.
"""

from __future__ import annotations

import numpy as np

from . import _PUBLIC
from ._utils import as_numpy

__all__ = list(_PUBLIC["graphs"])


_METRICS = ("cosine", "euclidean")


def _check_features(X, name: str = "X") -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (samples x features), got shape {X.shape}"
        )
    if X.shape[0] < 2:
        raise ValueError(
            f"{name} needs at least 2 samples to build a graph, got {X.shape[0]}"
        )
    if not np.isfinite(X).all():
        raise ValueError(
            f"{name} contains NaN or infinite values; impute or drop them first"
        )
    return X


def _check_metric(metric: str) -> None:
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {_METRICS}, got {metric!r}")


def _unit_rows(X: np.ndarray, name: str = "X") -> np.ndarray:
    """Rows scaled to length 1, so that ``|u - v|^2 = 2 - 2 cos(u, v)``."""
    norms = np.sqrt(np.einsum("ij,ij->i", X, X))
    zero = np.flatnonzero(norms == 0)
    if zero.size:
        raise ValueError(
            f"{name} has {zero.size} all-zero rows (the first is sample {zero[0]}): "
            "cosine similarity is undefined for them; drop them, or use "
            "metric='euclidean'"
        )
    return X / norms[:, None]


def _pair_sq(Z: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared distances between rows ``a[i]`` and ``b[i]``, by the direct formula."""
    out = np.empty(len(a))
    step = max(1, 2**22 // max(Z.shape[1], 1))
    for s in range(0, len(a), step):
        diff = Z[a[s : s + step]] - Z[b[s : s + step]]
        out[s : s + step] = (diff * diff).sum(axis=1)
    return out


def _tolerance(Z: np.ndarray) -> float:
    """Above the rounding error of a squared distance computed as |u|^2 - 2 u.v + |v|^2."""
    scale = float(np.einsum("ij,ij->i", Z, Z).max(initial=0.0))
    return 16 * (Z.shape[1] + 2) * np.finfo(float).eps * scale


def _exact_neighbours(Z, rows, k, bound, tol):
    """Find the k nearest other rows of ``Z`` for ``rows``, ties to the lower index.

    By brute force in chunks: candidates within ``bound`` (squared) are re-measured by
    the direct formula, sorted by (distance, index).
    """
    n = Z.shape[0]
    norms = np.einsum("ij,ij->i", Z, Z)
    out_idx = np.empty((len(rows), k), dtype=np.int64)
    out_sq = np.empty((len(rows), k))
    step = max(1, 2**22 // n)
    for s in range(0, len(rows), step):
        r = rows[s : s + step]
        approx = norms[r, None] - 2 * (Z[r] @ Z.T) + norms[None, :]
        approx[np.arange(len(r)), r] = np.inf  # not the sample itself
        kth = np.partition(approx, k - 1, axis=1)[:, k - 1]  # at least k candidates
        cutoff = np.maximum(bound[s : s + step], kth) + 2 * tol
        query, cand = np.nonzero(approx <= cutoff[:, None])
        sq = _pair_sq(Z, r[query], cand)
        order = np.lexsort((cand, sq, query))
        query, cand, sq = query[order], cand[order], sq[order]
        take = np.searchsorted(query, np.arange(len(r)))[:, None] + np.arange(k)
        out_idx[s : s + step], out_sq[s : s + step] = cand[take], sq[take]
    return out_idx, out_sq


def _neighbours(Z: np.ndarray, k: int, rows=None, search=None):
    """Find the ``k`` nearest other rows of ``Z`` (Euclidean) for each of ``rows`` (all by default).

    Exact, through scikit-learn's search with ``algorithm="auto"`` (a k-d tree in up
    to 15 dimensions, else a chunked brute-force pass: what ``kneighbors_graph``
    picks). Ties, up to rounding, go to the lower sample index: where the k-th and
    the (k+1)-th distance of a sample agree to rounding, its neighbours are
    re-measured exactly (:func:`_exact_neighbours`), so the result does not depend
    on the search algorithm or the BLAS kernel.

    Returns
    -------
    index : ndarray of int64, distance : ndarray
        ``len(rows) x k`` each, nearest first.
    """
    from sklearn.neighbors import NearestNeighbors

    n = Z.shape[0]
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    extra = min(k + 1, n - 1)  # one neighbour more than asked, to see ties at the k-th
    if search is None:
        search = NearestNeighbors(n_neighbors=extra + 1).fit(Z)
    dist, idx = search.kneighbors(Z[rows], n_neighbors=extra + 1)
    # drop the sample itself or, where duplicates crowd it out, the farthest
    is_self = idx == rows[:, None]
    is_self[~is_self.any(axis=1), -1] = True
    dist = dist[~is_self].reshape(len(rows), extra)
    idx = idx[~is_self].reshape(len(rows), extra).astype(np.int64)
    tol = _tolerance(Z)
    sq = dist * dist
    if extra > k:
        tied = np.flatnonzero(sq[:, k] - sq[:, k - 1] <= tol)
    else:
        tied = np.empty(0, dtype=np.int64)
    idx, dist = idx[:, :k], dist[:, :k]
    if tied.size:
        exact_idx, exact_sq = _exact_neighbours(Z, rows[tied], k, sq[tied, k - 1], tol)
        idx[tied], dist[tied] = exact_idx, np.sqrt(exact_sq)
    return idx, dist


def _symmetric_edges(rows, cols, values, num_nodes):
    """Union of the directed edges and their reverses, without duplicates, sorted."""
    src = np.concatenate([rows, cols])
    dst = np.concatenate([cols, rows])
    keys, first = np.unique(src * num_nodes + dst, return_index=True)
    return keys // num_nodes, keys % num_nodes, np.concatenate([values, values])[first]


def _to_edge_index(rows, cols):
    import torch

    return torch.from_numpy(np.stack([rows, cols]).astype(np.int64))


def threshold_graph(
    X,
    threshold: float = 0.7,
    metric: str = "cosine",
    weight_base: float | None = 1.7,
    connect_isolated: bool = True,
):
    """Join every pair of samples whose cosine similarity is at least ``threshold``.

    The graph of the original lab, introduced in chapter 3 (which also writes it
    with a dense cosine-similarity matrix and checks it against this function).
    Edge weights are ``weight_base ** similarity``; every sample left without a
    neighbour is joined to its most similar sample (the lower index among equally
    similar ones), so no node is isolated. One pass over blocks of samples: their
    similarities to all samples as a float32 matrix product on the rows scaled to
    length 1, and the candidate pairs (and, for an isolated sample, the candidates
    for its most similar sample) measured again exactly in float64. No ``n x n``
    matrix: memory grows with the number of edges (the 20 bytes per edge of the
    result, plus 16 while it is assembled). With a fixed
    threshold that number itself grows like ``n ** 2`` (20 million edges for 100,000
    cells of the ``make bench`` data): for many cells use :func:`knn_graph`.

    Parameters
    ----------
    X : array-like
        Samples x features.
    threshold : float
        Minimum cosine similarity for an edge, in ``[-1, 1]``.
    metric : {"cosine"}
        Only cosine similarity is defined for thresholds here.
    weight_base : float or None
        Base of the edge weights (``> 0``); ``None`` for an unweighted graph.
    connect_isolated : bool
        Join isolated samples to their most similar sample.

    Returns
    -------
    edge_index : torch.Tensor
        ``2 x num_edges``, both directions of every edge, no self loops.
    edge_weight : torch.Tensor or None
        One weight per edge, or ``None`` when ``weight_base`` is ``None``.

    Raises
    ------
    ValueError
        For a matrix that is not 2-D, has fewer than 2 samples, non-finite values
        or an all-zero row (no cosine for it); a threshold outside ``[-1, 1]``;
        another metric; a base ``<= 0``.
    """
    import torch

    X = _check_features(X)
    if metric != "cosine":
        raise ValueError(
            f"metric must be 'cosine' for a similarity threshold, got {metric!r}"
        )
    if not -1.0 <= threshold <= 1.0:
        raise ValueError(
            f"threshold must be a cosine similarity in [-1, 1], got {threshold}"
        )
    if weight_base is not None and weight_base <= 0:
        raise ValueError(f"weight_base must be > 0 or None, got {weight_base}")
    n, d = X.shape
    Z = _unit_rows(X)
    # One pass over blocks of samples: their cosine similarities to all samples, in
    # float32 (a matrix product, fast), pick the candidate pairs, which are measured
    # again exactly (float64, direct formula; symmetric to the last bit, so every
    # kept pair comes in both directions). The same pass finds, for a sample with no
    # neighbour, its most similar sample. Memory: the block's similarities (about
    # 16 MB) plus 12 bytes per kept edge (int32 ends, float32 weights) until the
    # result is assembled. cos >= t  <=>  |u - v|^2 <= 2 (1 - t) for unit rows.
    limit = 2 * (1.0 - threshold + 1e-12)
    slack = 4 * (d + 2) * 2.0**-24  # above float32's rounding of a unit-row product
    Z32 = Z.astype(np.float32)
    index_type = np.int32 if n < 2**31 else np.int64

    def weigh(sq):  # squared distances of unit rows -> edge weights (float32)
        if weight_base is None:
            return np.zeros(len(sq), dtype=np.float32)
        return (weight_base ** (1.0 - sq / 2)).astype(np.float32)

    step = int(min(max(1, 2**22 // n), -(-n // 8)))
    blocks, lonely, partner, partner_sq = [], [], [], []
    for start in range(0, n, step):
        rows_here = np.arange(start, min(start + step, n))
        sim = Z32[rows_here] @ Z32.T
        sim[np.arange(len(rows_here)), rows_here] = -np.inf  # not the sample itself
        # candidates: within rounding of the threshold, or of the sample's best
        # similarity (its partner if it ends up isolated)
        cutoff = np.minimum(threshold - slack, sim.max(axis=1) - 2 * slack)
        query, cols = np.divmod(np.flatnonzero(sim >= cutoff[:, None]), n)
        del sim
        rows = rows_here[query]
        sq = _pair_sq(Z, rows, cols)
        keep = sq <= limit
        blocks.append(
            (
                rows[keep].astype(index_type),
                cols[keep].astype(index_type),
                weigh(sq[keep]),
            )
        )
        alone = np.bincount(query[keep], minlength=len(rows_here)) == 0
        if connect_isolated and alone.any():
            # the most similar other sample, ties to the lower index
            pick = np.flatnonzero(alone[query])
            order = pick[np.lexsort((cols[pick], sq[pick], query[pick]))]
            first = order[np.r_[True, np.diff(query[order]) > 0]]
            lonely.append(rows[first])
            partner.append(cols[first])
            partner_sq.append(sq[first])
    if lonely:
        # both directions, added to the blocks that hold their source rows
        lonely = np.concatenate(lonely)
        extra = _symmetric_edges(
            lonely, np.concatenate(partner), weigh(np.concatenate(partner_sq)), n
        )
        for b in np.unique(extra[0] // step):
            mine = extra[0] // step == b
            blocks[b] = tuple(
                np.concatenate([old, new[mine].astype(old.dtype)])
                for old, new in zip(blocks[b], extra, strict=True)
            )
    num_edges = sum(len(block[0]) for block in blocks)
    edge_index = np.empty((2, num_edges), dtype=np.int64)
    values = np.empty(num_edges, dtype=np.float32)
    at = 0
    for b in range(len(blocks)):  # sorted by sample, then neighbour; freed as copied
        rows, cols, weights = blocks[b]
        blocks[b] = None
        order = np.lexsort((cols, rows))
        end = at + len(order)
        edge_index[0, at:end], edge_index[1, at:end] = rows[order], cols[order]
        values[at:end] = weights[order]
        at = end
    if weight_base is None:
        return torch.from_numpy(edge_index), None
    return torch.from_numpy(edge_index), torch.from_numpy(values)


def knn_graph(
    X,
    k: int,
    metric: str = "cosine",
    symmetric: bool = True,
    self_loops: bool = False,
    return_distance: bool = False,
):
    """Build the k-nearest-neighbour graph of the samples, through sparse neighbour search.

    Introduced in chapter 3 and used by every later chapter. Each sample is joined
    to its ``k`` nearest other samples; with ``symmetric=True`` the reverse edges are
    added too (the union), so degrees are ``>= k``. Memory grows with ``n * k``.

    The search is exact and as fast as scikit-learn's ``kneighbors_graph``: a k-d
    tree in up to 15 dimensions, else a chunked brute-force pass (scikit-learn's
    ``algorithm="auto"``). For ``metric="cosine"`` it runs on the rows scaled to
    length 1, where the Euclidean order is the cosine order. Among samples at the
    same distance (up to rounding), the lower index is the nearer.

    Parameters
    ----------
    X : array-like
        Samples x features.
    k : int
        Neighbours per sample, ``1 <= k < n_samples``.
    metric : {"cosine", "euclidean"}
        Distance used to rank neighbours; cosine distance is ``1 - cos(u, v)``.
    symmetric : bool
        Add the reverse of every edge (an undirected graph in PyG's convention).
    self_loops : bool
        Add an edge from every sample to itself (distance 0).
    return_distance : bool
        Return each edge's distance as the second value (``None`` otherwise).

    Returns
    -------
    edge_index : torch.Tensor
        ``2 x num_edges``, sorted by source then target. For ``symmetric=False``,
        edges run from each sample (row 0) to its neighbours (row 1).
    distance : torch.Tensor or None
        With ``return_distance=True``, one distance per edge; else ``None`` (the
        graph is unweighted). Every builder of the course returns such a pair.

    Raises
    ------
    ValueError
        If ``X`` is not a finite 2-D matrix of at least 2 samples, ``k`` is not in
        ``[1, n_samples)``, ``metric`` is unknown, or ``metric="cosine"`` and a row
        of ``X`` is all zeros (its cosine similarity is undefined: drop it, or use
        ``metric="euclidean"``).
    """
    import torch

    X = _check_features(X)
    _check_metric(metric)
    n = X.shape[0]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k < n:
        raise ValueError(
            f"k must be an integer with 1 <= k < n_samples ({n}), got {k!r}"
        )
    # cosine: the Euclidean search on unit rows finds the same neighbours, as fast
    Z = _unit_rows(X) if metric == "cosine" else X
    idx, dist = _neighbours(Z, k)
    rows = np.repeat(np.arange(n), k)
    cols, dists = idx.reshape(-1), dist.reshape(-1)
    if metric == "cosine":
        dists = dists * dists / 2  # 1 - cos(u, v) = |u - v|^2 / 2 for unit vectors
    if symmetric:
        rows, cols, dists = _symmetric_edges(rows, cols, dists, n)
    if self_loops:
        rows = np.concatenate([rows, np.arange(n)])
        cols = np.concatenate([cols, np.arange(n)])
        dists = np.concatenate([dists, np.zeros(n)])
        order = np.lexsort((cols, rows))
        rows, cols, dists = rows[order], cols[order], dists[order]
    edge_index = _to_edge_index(rows, cols)
    if return_distance:
        return edge_index, torch.from_numpy(dists.astype(np.float32))
    return edge_index, None


def edge_homophily(edge_index, y, edge_weight=None) -> float:
    """Fraction of edges (self loops excluded) that join two samples of the same class.

    Introduced in chapter 3, which writes it as one numpy expression first. 1.0
    means every edge stays within a class; for random edges it is about
    ``sum(share_c ** 2)`` over the class shares. With
    ``edge_weight``, the share of the edge *weight* that stays within a class
    (chapter 6 reads a fused graph this way).

    Parameters
    ----------
    edge_index : array-like or Tensor
        Edges, shape ``(2, num_edges)``.
    y : array-like or Tensor
        Class of each sample.
    edge_weight : array-like or Tensor, optional
        One non-negative weight per edge; every edge counts once when omitted.

    Returns
    -------
    float
        The share, in ``[0, 1]``.

    Raises
    ------
    ValueError
        If ``edge_index`` is not ``2 x E``, refers to samples beyond ``y``, or has
        no edge other than self loops; if ``edge_weight`` does not hold one
        non-negative weight per edge, or none of its weight is off the self loops.
    """
    ei, y = as_numpy(edge_index), as_numpy(y)
    if ei.ndim != 2 or ei.shape[0] != 2:
        raise ValueError(f"edge_index must have shape (2, num_edges), got {ei.shape}")
    if ei.size and ei.max() >= len(y):
        raise ValueError(
            f"edge_index refers to sample {ei.max()} but y has only {len(y)} labels"
        )
    src, dst = ei
    keep = src != dst
    if not keep.any():
        raise ValueError("edge_index has no edges (other than self loops)")
    same = y[src[keep]] == y[dst[keep]]
    if edge_weight is None:
        return float(same.mean())
    w = as_numpy(edge_weight).astype(np.float64)
    if w.shape != (ei.shape[1],):
        raise ValueError(f"edge_weight has {w.size} weights for {ei.shape[1]} edges")
    if (w < 0).any():
        raise ValueError("edge_weight must be non-negative")
    w = w[keep]
    if w.sum() <= 0:
        raise ValueError("edge_weight puts no weight on edges other than self loops")
    return float((w * same).sum() / w.sum())


def class_homophily(edge_index, y):
    """Edge homophily per class: for each class, the share of its nodes' edges that stay in the class.

    Introduced in chapter 4, to find which cell type a graph serves badly. Self loops
    are excluded; the result is indexed by the class values (names, if ``y`` holds names).

    Parameters
    ----------
    edge_index : array-like or Tensor
        Edges, shape ``(2, num_edges)``; an edge belongs to the class of its source.
    y : array-like or Tensor
        Class of each node (ids or names).

    Returns
    -------
    pandas.Series
        One share per class, in sorted class order (NaN for a class without edges).

    Raises
    ------
    ValueError
        As :func:`edge_homophily`.
    """
    import pandas as pd

    edge_homophily(edge_index, y)  # validates the input
    src, dst = as_numpy(edge_index)
    y = as_numpy(y)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    same = y[src] == y[dst]
    classes = np.unique(y)
    return pd.Series(
        [same[y[src] == c].mean() if (y[src] == c).any() else np.nan for c in classes],
        index=classes,
    )


def node_degrees(edge_index, num_nodes: int) -> np.ndarray:
    """Count the outgoing edges of each node (its degree, for an undirected graph).

    Introduced in chapter 3.

    Parameters
    ----------
    edge_index : array-like or Tensor
        Edges, shape ``(2, num_edges)``.
    num_nodes : int
        Number of nodes, those without edges included.

    Returns
    -------
    numpy.ndarray
        ``num_nodes`` integer counts of the edges leaving each node.

    Raises
    ------
    ValueError
        If ``edge_index`` is not ``2 x E`` or refers to nodes ``>= num_nodes``.
    """
    ei = as_numpy(edge_index)
    if ei.ndim != 2 or ei.shape[0] != 2:
        raise ValueError(f"edge_index must have shape (2, num_edges), got {ei.shape}")
    if ei.size and ei.max() >= num_nodes:
        raise ValueError(
            f"edge_index refers to node {ei.max()} but num_nodes is {num_nodes}"
        )
    return np.bincount(ei[0], minlength=num_nodes)


def fuse_graphs(graphs, num_nodes: int):
    """Average several graphs on the same nodes into one weighted graph (chapter 6).

    The graph-fusion strategy of multi-omics integration, in the spirit of similarity
    network fusion: each view gives a graph of sample affinities, and the fused
    weight of an edge is its mean weight over the views (0 where a view lacks the
    edge; 1 for every edge of an unweighted graph). The result is the union of the
    edges; memory grows with the number of edges, never ``num_nodes ** 2``.

    Parameters
    ----------
    graphs : sequence of (edge_index, edge_weight)
        One graph per view; ``edge_weight`` may be ``None`` (all ones). Each
        ``edge_index`` should hold every edge once (no duplicates).
    num_nodes : int
        Number of nodes, shared by all graphs.

    Returns
    -------
    edge_index : torch.Tensor
        ``2 x num_edges``, the union of the edges, sorted by source then target.
    edge_weight : torch.Tensor
        Mean weight over the graphs, in ``(0, max weight]``.

    Raises
    ------
    ValueError
        For no graphs, an ``edge_index`` that is not ``2 x E``, a node id outside
        ``[0, num_nodes)``, or weights that do not match the edges or are negative.
    """
    import torch

    graphs = list(graphs)
    if not graphs:
        raise ValueError("graphs must contain at least one graph")
    keys, weights = [], []
    for i, (edge_index, edge_weight) in enumerate(graphs):
        ei = as_numpy(edge_index)
        if ei.ndim != 2 or ei.shape[0] != 2:
            raise ValueError(f"graph {i}: edge_index must be 2 x E, got {ei.shape}")
        if ei.size and (ei.min() < 0 or ei.max() >= num_nodes):
            raise ValueError(
                f"graph {i}: node ids must be in [0, num_nodes={num_nodes})"
            )
        w = np.ones(ei.shape[1]) if edge_weight is None else as_numpy(edge_weight)
        if w.shape != (ei.shape[1],):
            raise ValueError(f"graph {i}: {w.size} weights for {ei.shape[1]} edges")
        if (w < 0).any():
            raise ValueError(f"graph {i}: edge weights must be non-negative")
        keys.append(ei[0].astype(np.int64) * num_nodes + ei[1])
        weights.append(w.astype(np.float64))
    # one key per edge (source * n + target): sorted, summed in the order of the graphs
    edges, where = np.unique(np.concatenate(keys), return_inverse=True)
    fused = np.bincount(where, weights=np.concatenate(weights)) / len(graphs)
    keep = fused > 0
    rows, cols = np.divmod(edges[keep], num_nodes)
    return _to_edge_index(rows, cols), torch.from_numpy(fused[keep].astype(np.float32))


def affinity_graph(X, k: int = 10, metric: str = "euclidean"):
    """Build a symmetric kNN graph with Gaussian affinities ``exp(-d^2 / (2 sigma^2))``.

    ``sigma`` is the median neighbour distance (1 if that is 0), so affinities of
    different views are on the same scale and can be averaged
    (:func:`helpers.graphs.fuse_graphs`).

    Parameters
    ----------
    X : array-like
        Samples x features.
    k : int
        Neighbours per sample, ``1 <= k < n_samples``.
    metric : {"euclidean", "cosine"}
        Distance of the neighbour search, as for :func:`knn_graph` (cosine distance
        is ``1 - cos(u, v)``).

    Returns
    -------
    edge_index : torch.Tensor
        ``2 x num_edges``, both directions of every edge, sorted by source then target.
    edge_weight : torch.Tensor
        One affinity per edge, float32, at most 1 (1 at distance 0).

    Raises
    ------
    ValueError
        As :func:`knn_graph`.
    """
    import torch

    edge_index, distance = knn_graph(X, k, metric=metric, return_distance=True)
    d = distance.double()
    sigma = float(d.median()) or 1.0
    return edge_index, torch.exp(-(d**2) / (2 * sigma**2)).float()
