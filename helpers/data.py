"""Data: the course's generators and its real data, with what prepares them.

- :func:`random_citation_graph`: the toy citation graph of chapter 2.
- :func:`classical_mds` and :func:`latent_factor_data`: the latent-factor generator
  of chapter 3 (which writes classical MDS out in numpy).
- :func:`synthetic_cell_types`: the cells of chapters 4 and 5.
- :func:`multiomics_data`, :func:`standardise_views`, :func:`concatenate_views`: the
  patients of chapter 6 and the scaling of their omics views.
- :func:`load_rosmap`: the ROSMAP cohort as MOGONET published it, chapter 7. The files
  ship with the package (``helpers/data/rosmap/``, with their MIT licence and a README
  saying where they come from), so the chapter runs offline.

Every generator is canonical: the same arrays whatever the BLAS kernel.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from . import _PUBLIC

__all__ = list(_PUBLIC["data"])


def random_citation_graph(
    num_nodes: int = 20,
    num_features: int = 5,
    edge_prob: float = 0.2,
    num_classes: int = 2,
    seed: int = 0,
):
    """Build the toy "citation network" of chapter 2: random features, edges and labels.

    An Erdős–Rényi graph (each pair of documents cites each other with probability
    ``edge_prob``), standard-normal node features, and labels drawn uniformly at
    random, independently of both. There is deliberately nothing to learn.

    Parameters
    ----------
    num_nodes : int
        Number of documents, ``>= 2``.
    num_features : int
        Features per document, ``>= 1``.
    edge_prob : float
        Edge probability, in ``[0, 1]``.
    num_classes : int
        Number of topics, ``>= 2``.
    seed : int
        Seed of the generator.

    Returns
    -------
    torch_geometric.data.Data
        ``x`` (float, ``num_nodes x num_features``), ``edge_index`` (both
        directions), ``y`` (long).

    Raises
    ------
    ValueError
        If an argument is out of range.
    """
    import torch
    from torch_geometric.data import Data

    if num_nodes < 2:
        raise ValueError(f"num_nodes must be >= 2, got {num_nodes}")
    if num_features < 1:
        raise ValueError(f"num_features must be >= 1, got {num_features}")
    if not 0.0 <= edge_prob <= 1.0:
        raise ValueError(f"edge_prob must be in [0, 1], got {edge_prob}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2, got {num_classes}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((num_nodes, num_features)).astype(np.float32)
    upper = np.triu(rng.random((num_nodes, num_nodes)) < edge_prob, k=1)
    src, dst = np.nonzero(upper)
    edges = np.concatenate([np.stack([src, dst]), np.stack([dst, src])], axis=1)
    y = rng.integers(0, num_classes, num_nodes)
    return Data(
        x=torch.from_numpy(x),
        edge_index=torch.from_numpy(edges).long(),
        y=torch.from_numpy(y).long(),
    )


def _check_distance_matrix(distances) -> np.ndarray:
    d = np.asarray(distances, dtype=float)
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise ValueError(f"distances must be a square matrix, got shape {d.shape}")
    if d.shape[0] < 1 or not np.isfinite(d).all():
        raise ValueError("distances must be a non-empty matrix of finite numbers")
    if not np.allclose(d, d.T):
        raise ValueError("distances must be symmetric (d[i, j] == d[j, i])")
    if not np.allclose(np.diag(d), 0.0):
        raise ValueError("distances must be zero on the diagonal")
    if (d < 0).any():
        raise ValueError("distances must be non-negative")
    return d


def classical_mds(distances, n_components: int = 2) -> np.ndarray:
    """Place points so that their Euclidean distances approximate ``distances``.

    Classical (Torgerson) multidimensional scaling, introduced in chapter 3: double-
    centre the squared distances and keep the top eigenvectors. Exact when the
    distances are Euclidean in ``n_components`` dimensions. Chapter 3 writes the
    same steps with ``eigh``; its axes agree with these up to sign. The placement is
    canonical: the same numbers on every machine, also when eigenvalues repeat
    (a square, a regular simplex), where an eigensolver's basis is arbitrary and
    depends on the CPU's BLAS kernel (see ``_canonical_axes``).

    Parameters
    ----------
    distances : array-like
        Square, symmetric, non-negative matrix with a zero diagonal.
    n_components : int
        Dimension of the placement, ``>= 1``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(distances), n_components)``, centred at the origin.

    Raises
    ------
    ValueError
        If ``distances`` is not a valid distance matrix or ``n_components < 1``.
    """
    d = _check_distance_matrix(distances)
    if n_components < 1:
        raise ValueError(f"n_components must be >= 1, got {n_components}")
    n = d.shape[0]
    centring = np.eye(n) - np.ones((n, n)) / n
    b = -0.5 * centring @ (d**2) @ centring
    values, vectors = np.linalg.eigh((b + b.T) / 2)
    values, axes = _canonical_axes(values, vectors, n_components)
    coords = axes * np.sqrt(values)
    if coords.shape[1] < n_components:
        coords = np.pad(coords, ((0, 0), (0, n_components - coords.shape[1])))
    return coords


def _canonical_axes(values, vectors, n_components: int, rtol: float = 1e-9):
    """Choose the top eigenvectors of a symmetric matrix the same way on every machine.

    ``eigh`` returns each eigenvector only up to its sign, and for a repeated
    eigenvalue any rotation of a basis of its eigenspace: which one depends on the
    LAPACK/BLAS kernel (and so on the CPU). The eigenspace itself, through its
    projector ``P = V V^T``, does not. So eigenvalues within ``rtol`` (relative to
    the largest) are grouped, and each group's axes are the Gram-Schmidt
    orthonormalisation of ``P e_1, P e_2, ...``: the same vectors, with the same
    signs, whatever basis ``eigh`` returned. Eigenvalues that are not clearly
    positive (rounding noise, or a non-Euclidean distance matrix) count as zero, so
    their axes contribute nothing and their (arbitrary) directions do not matter.
    """
    scale = max(float(np.abs(values).max()), np.finfo(float).tiny)
    values = np.where(values > rtol * scale, values, 0.0)
    order = np.argsort(-values, kind="stable")
    values, vectors = values[order], vectors[:, order]
    keep = min(n_components, values.size)
    axes = np.zeros((vectors.shape[0], keep))
    start = 0
    while start < keep:
        stop = start + 1
        while stop < values.size and values[start] - values[stop] <= rtol * scale:
            stop += 1
        if values[start] > 0:
            group = vectors[:, start:stop]
            projector = group @ group.T
            basis: list[np.ndarray] = []
            for column in projector.T:
                residual = column - sum((q @ column) * q for q in basis)
                norm = np.linalg.norm(residual)
                if norm > 1e-6:
                    basis.append(residual / norm)
                if len(basis) == stop - start:
                    break
            axes[:, start:stop] = np.stack(basis, axis=1)[:, : keep - start]
        start = stop
    return values[:keep], axes


def latent_factor_data(
    distances,
    n_samples: int = 200,
    n_features: int = 20,
    spread: float = 0.5,
    noise: float = 1.0,
    latent_dim: int = 2,
    baseline: float = 0.0,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Draw samples from clusters in a latent space, observed through a random linear map.

    The generator of chapter 3 (and of the multi-omics views of chapter 6):

    1. place one centre per cluster in a ``latent_dim``-dimensional latent space by
       :func:`classical_mds` of the cluster-distance matrix ``distances``;
    2. assign samples to clusters in turn (balanced) and draw each sample's latent
       factors around its centre with standard deviation ``spread``;
    3. observe ``X = b + Z @ W + E`` with a random map ``W`` (standard normal,
       ``latent_dim x n_features``), Gaussian noise ``E`` of standard deviation
       ``noise``, and a per-feature baseline level ``b`` (uniform between 0.5 and 1.5
       times ``baseline``), like genes' different mean expression levels.

    Parameters
    ----------
    distances : array-like
        Cluster-distance matrix, ``k x k``; its size sets the number of clusters.
    n_samples : int
        Number of samples, at least the number of clusters.
    n_features : int
        Observed features, ``>= 1``.
    spread : float
        Within-cluster standard deviation in the latent space, ``>= 0``.
    noise : float
        Standard deviation of the feature noise, ``>= 0``.
    latent_dim : int
        Dimension of the latent space, ``>= 1``.
    baseline : float
        Mean feature level, ``>= 0``. A positive level makes every sample point in
        a similar direction, so cosine similarities between samples are high.
    seed : int
        Seed of the generator.

    Returns
    -------
    dict
        ``X`` (``n_samples x n_features``, float32), ``y`` (cluster of each sample),
        ``Z`` (latent factors), ``centres`` (``k x latent_dim``), ``W`` (the map),
        ``baseline`` (the per-feature levels ``b``).

    Raises
    ------
    ValueError
        If ``distances`` is not square, symmetric, zero on the diagonal and
        non-negative; if there are more clusters than samples; if ``spread`` or
        ``noise`` or ``baseline`` is negative; or if a size is below 1.
    """
    d = _check_distance_matrix(distances)
    k = d.shape[0]
    if n_samples < k:
        raise ValueError(
            f"n_samples ({n_samples}) must be at least the number of clusters ({k})"
        )
    if n_features < 1 or latent_dim < 1:
        raise ValueError(
            f"n_features and latent_dim must be >= 1, got {n_features}, {latent_dim}"
        )
    if spread < 0:
        raise ValueError(f"spread must be >= 0, got {spread}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    if baseline < 0:
        raise ValueError(f"baseline must be >= 0, got {baseline}")
    rng = np.random.default_rng(seed)
    centres = classical_mds(d, n_components=latent_dim)
    y = np.arange(n_samples) % k
    z = centres[y] + spread * rng.standard_normal((n_samples, latent_dim))
    w = rng.standard_normal((latent_dim, n_features))
    x = z @ w + noise * rng.standard_normal((n_samples, n_features))
    b = baseline * rng.uniform(0.5, 1.5, n_features)
    return {
        "X": (x + b).astype(np.float32),
        "y": y,
        "Z": z,
        "centres": centres,
        "W": w,
        "baseline": b,
    }


def synthetic_cell_types(
    n_cells: int = 300,
    n_genes: int = 50,
    means=(2.0, 0.0, -2.0),
    informative_genes: int | None = None,
    noise: float = 1.0,
    seed: int = 0,
) -> dict:
    """Generate a toy single-cell expression matrix with known cell types (chapters 4 and 5).

    Cell ``i`` belongs to type ``i % len(means)`` (balanced types). Every gene is
    standard-normal noise (scaled by ``noise``); the first ``informative_genes``
    genes are shifted by the type's mean, the others carry no type information.

    Parameters
    ----------
    n_cells, n_genes : int
        Size of the matrix; ``n_cells`` at least the number of types.
    means : sequence of float
        Mean shift of each type's informative genes; its length is the number of types (>= 2).
    informative_genes : int, optional
        How many genes carry the shift (all when ``None``), ``1 <= . <= n_genes``.
    noise : float
        Standard deviation of the expression noise, ``> 0``.
    seed : int
        Seed of the generator.

    Returns
    -------
    dict
        ``X`` (cells x genes, float32), ``y`` (type index per cell), ``cell_type``
        (type names ``"type A"``, ...), ``genes`` (gene names ``"gene_00"``, ...).

    Raises
    ------
    ValueError
        For fewer than 2 types, fewer cells than types, ``informative_genes`` out
        of range, or ``noise <= 0``.
    """
    means = np.asarray(means, dtype=float)
    if means.ndim != 1 or means.size < 2:
        raise ValueError(f"means must list at least 2 type means, got {means.tolist()}")
    if n_cells < means.size:
        raise ValueError(
            f"n_cells ({n_cells}) must be at least the number of types ({means.size})"
        )
    if n_genes < 1:
        raise ValueError(f"n_genes must be >= 1, got {n_genes}")
    informative = n_genes if informative_genes is None else informative_genes
    if not 1 <= informative <= n_genes:
        raise ValueError(
            f"informative_genes must be in [1, n_genes={n_genes}], got {informative_genes}"
        )
    if noise <= 0:
        raise ValueError(f"noise must be > 0, got {noise}")
    rng = np.random.default_rng(seed)
    y = np.arange(n_cells) % means.size
    X = noise * rng.standard_normal((n_cells, n_genes))
    X[:, :informative] += means[y][:, None]
    names = np.array([f"type {chr(ord('A') + t)}" for t in range(means.size)])
    return {
        "X": X.astype(np.float32),
        "y": y,
        "cell_type": names[y],
        "genes": [f"gene_{g:02d}" for g in range(n_genes)],
    }


#: The three views of chapter 6: an expression-like view and a methylation-like view
#: that each see one latent factor, and a small, noisy miRNA-like view that sees both.
DEFAULT_VIEWS = (
    {
        "name": "mRNA",
        "kind": "expression",
        "n_features": 200,
        "noise": 3.0,
        "factors": (0,),
    },
    {
        "name": "methylation",
        "kind": "methylation",
        "n_features": 200,
        "noise": 3.0,
        "factors": (1,),
    },
    {
        "name": "miRNA",
        "kind": "mirna",
        "n_features": 20,
        "noise": 4.0,
        "factors": (0, 1),
    },
)


#: Four subtypes at the corners of a 2 x 1.6 rectangle: latent factor 0 separates
#: {0, 2} from {1, 3}, factor 1 separates {0, 1} from {2, 3} (the sides differ, so
#: the MDS axes follow the sides).
SUBTYPE_DISTANCES = np.array(
    [
        [0.0, 2.0, 1.6, np.hypot(2.0, 1.6)],
        [2.0, 0.0, np.hypot(2.0, 1.6), 1.6],
        [1.6, np.hypot(2.0, 1.6), 0.0, 2.0],
        [np.hypot(2.0, 1.6), 1.6, 2.0, 0.0],
    ]
)


_VIEW_KINDS = ("expression", "methylation", "mirna")


def _check_views(views, latent_dim: int) -> list[dict]:
    views = [dict(v) for v in views]
    if not views:
        raise ValueError("views must describe at least one view")
    names = [v.get("name") for v in views]
    if len(set(names)) != len(names) or None in names:
        raise ValueError(f"every view needs a unique name, got {names}")
    for v in views:
        if v.get("kind") not in _VIEW_KINDS:
            raise ValueError(
                f"view {v['name']!r}: kind must be one of {_VIEW_KINDS}, got {v.get('kind')!r}"
            )
        if int(v.get("n_features", 0)) < 1:
            raise ValueError(f"view {v['name']!r}: n_features must be >= 1")
        if float(v.get("noise", -1)) < 0:
            raise ValueError(f"view {v['name']!r}: noise must be >= 0")
        factors = tuple(v.get("factors", range(latent_dim)))
        if not factors or not all(0 <= f < latent_dim for f in factors):
            raise ValueError(
                f"view {v['name']!r}: factors must name latent factors in "
                f"[0, {latent_dim}), got {factors}"
            )
        v["factors"] = factors
    return views


def multiomics_data(
    distances=SUBTYPE_DISTANCES,
    n_samples: int = 300,
    views=DEFAULT_VIEWS,
    complementarity: float = 1.0,
    spread: float = 0.5,
    latent_dim: int = 2,
    seed: int = 0,
) -> dict:
    """Several omics views of the same samples, driven by shared latent factors (chapter 6).

    Extends :func:`latent_factor_data`: one set of latent factors ``Z`` per sample
    (clusters placed by MDS of ``distances``), then per view its own random linear
    map, noise and measurement character:

    - ``"expression"``: continuous, ``Z W + noise`` (log-expression-like);
    - ``"methylation"``: ``sigmoid((Z W + noise) / 4)``, beta values in ``[0, 1]``;
    - ``"mirna"``: continuous, usually few features and much noise.

    Each view loads fully on its own ``factors`` and with weight
    ``1 - complementarity`` on the others: ``complementarity=1`` makes every view
    blind to the factors it does not own (the views complement each other),
    ``complementarity=0`` lets every view see every factor (redundant views).

    Parameters
    ----------
    distances : array-like
        Cluster-distance matrix (``k x k``), as for :func:`latent_factor_data`.
    n_samples : int
        Samples (patients), at least the number of clusters.
    views : sequence of dict
        One dict per view: ``name``, ``kind`` (``"expression"``, ``"methylation"``
        or ``"mirna"``), ``n_features``, ``noise`` and ``factors`` (indices of the
        latent factors the view owns; all when omitted).
    complementarity : float
        In ``[0, 1]``; see above.
    spread : float
        Within-cluster standard deviation of the latent factors.
    latent_dim : int
        Number of latent factors.
    seed : int
        Seed of the generator.

    Returns
    -------
    dict
        ``views`` (name -> ``n_samples x n_features`` float32 matrix), ``y``
        (subtype of each sample), ``Z`` (latent factors), ``centres``.

    Raises
    ------
    ValueError
        For ``complementarity`` outside ``[0, 1]``, a view with a duplicate or
        missing name, an unknown kind, a size below 1, negative noise, or factors
        outside ``[0, latent_dim)``; and as :func:`latent_factor_data`.
    """
    if not 0.0 <= complementarity <= 1.0:
        raise ValueError(f"complementarity must be in [0, 1], got {complementarity}")
    views = _check_views(views, latent_dim)
    base = latent_factor_data(
        distances,
        n_samples=n_samples,
        n_features=1,
        spread=spread,
        noise=0.0,
        latent_dim=latent_dim,
        seed=seed,
    )
    z = base["Z"]
    rng = np.random.default_rng([seed, 1])
    out = {}
    for v in views:
        w = rng.standard_normal((latent_dim, int(v["n_features"])))
        unseen = np.setdiff1d(np.arange(latent_dim), v["factors"])
        w[unseen] *= 1.0 - complementarity
        x = z @ w + float(v["noise"]) * rng.standard_normal((n_samples, w.shape[1]))
        if v["kind"] == "methylation":
            x = 1.0 / (1.0 + np.exp(-x / 4.0))
        out[v["name"]] = x.astype(np.float32)
    return {"views": out, "y": base["y"], "Z": z, "centres": base["centres"]}


#: View names, in the order of MOGONET's file prefixes 1, 2, 3.
ROSMAP_VIEWS = ("mRNA", "methylation", "miRNA")


def _default_folder() -> Path:
    """Return the folder of the ROSMAP files shipped with the package."""
    return Path(__file__).resolve().parent / "data" / "rosmap"


def _open_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise FileNotFoundError(
            f"ROSMAP file {path.name} is missing from {path.parent}"
        )
    try:
        with gzip.open(path, "rt") as f:
            lines = f.read().splitlines()
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as err:
        raise ValueError(
            f"ROSMAP file {path.name} is damaged (not a readable gzip text file): {err}"
        ) from None
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        raise ValueError(f"ROSMAP file {path.name} is empty")
    return lines


def _read_matrix(path: Path) -> np.ndarray:
    """Comma-separated numbers, one patient per line; 'nan' counts as a missing value."""
    rows = [line.split(",") for line in _open_lines(path)]
    width = len(rows[0])
    for i, row in enumerate(rows, start=1):
        if len(row) != width:
            raise ValueError(
                f"ROSMAP file {path.name}, line {i}: {len(row)} values, "
                f"line 1 has {width}"
            )
    try:
        return np.array(rows, dtype=np.float64)
    except ValueError as err:
        raise ValueError(
            f"ROSMAP file {path.name} holds a value that is not a number: {err}"
        ) from None


def load_rosmap(folder: str | Path | None = None) -> dict:
    """Read the ROSMAP cohort (Alzheimer's disease vs normal control) of chapter 7.

    351 patients with three omics views of 200 preprocessed features each, as
    published with MOGONET (Wang et al. 2021): mRNA expression (Ensembl gene ids),
    DNA methylation (CpG probe ids) and miRNA expression (miRNA names). Rows are
    patients: the 245 training patients of the published split first, then its 106
    test patients.

    Parameters
    ----------
    folder : str or Path, optional
        Folder holding MOGONET's files (``1_tr.csv.gz`` ... ``labels_te.csv.gz``);
        by default the copy shipped with the package (:func:`_default_folder`).

    Returns
    -------
    dict
        ``views``: view name -> float array (351 x 200), in the order
        :data:`ROSMAP_VIEWS`; missing values, if a file has any, are NaN.
        ``y``: int array of 351 labels, 0 = normal control (NC), 1 = Alzheimer's
        disease (AD). ``train``, ``test``: int arrays of row indices of the
        published split. ``feature_names``: view name -> list of 200 ids.
        ``label_names``: ``("NC", "AD")``.

    Raises
    ------
    FileNotFoundError
        If ``folder`` or one of its files is missing (the message names it).
    ValueError
        If a file is damaged: not gzip text, rows of different lengths, a value
        that is not a number, a number of columns that disagrees with the feature
        names, a number of rows that disagrees with the labels, or a label other
        than 0 or 1 (the message names the file).
    """
    folder = _default_folder() if folder is None else Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"ROSMAP folder {folder} does not exist")
    labels = {}
    for part in ("tr", "te"):
        path = folder / f"labels_{part}.csv.gz"
        values = _read_matrix(path)
        if values.shape[1] != 1:
            raise ValueError(f"ROSMAP file {path.name}: one label per line expected")
        values = values[:, 0]
        if not np.isin(values, (0.0, 1.0)).all():
            raise ValueError(
                f"ROSMAP file {path.name}: every label must be 0 or 1 (NC or AD)"
            )
        labels[part] = values.astype(np.int64)
    views, feature_names = {}, {}
    for number, name in enumerate(ROSMAP_VIEWS, start=1):
        names_path = folder / f"{number}_featname.csv.gz"
        names = _open_lines(names_path)
        parts = []
        for part in ("tr", "te"):
            path = folder / f"{number}_{part}.csv.gz"
            X = _read_matrix(path)
            if X.shape[1] != len(names):
                raise ValueError(
                    f"ROSMAP file {path.name} has {X.shape[1]} columns but "
                    f"{names_path.name} names {len(names)} features"
                )
            n_labels = len(labels[part])
            if X.shape[0] != n_labels:
                raise ValueError(
                    f"ROSMAP file {path.name} has {X.shape[0]} patients but "
                    f"labels_{part}.csv.gz has {n_labels} labels"
                )
            parts.append(X)
        views[name] = np.vstack(parts)
        feature_names[name] = names
    n_train, n_test = len(labels["tr"]), len(labels["te"])
    return {
        "views": views,
        "y": np.concatenate([labels["tr"], labels["te"]]),
        "train": np.arange(n_train),
        "test": np.arange(n_train, n_train + n_test),
        "feature_names": feature_names,
        "label_names": ("NC", "AD"),
    }


def _check_view_dict(views: dict, n: int | None = None) -> dict[str, np.ndarray]:
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

    Parameters
    ----------
    views : dict
        View name -> samples x features matrix (array-like), the same samples in
        the same order in every view.

    Returns
    -------
    dict
        View name -> float32 matrix of the same shape, in the order of ``views``.

    Raises
    ------
    ValueError
        For no views, a view that is not a finite 2-D matrix, or views with
        different numbers of samples.
    """
    out = {}
    for name, X in _check_view_dict(views).items():
        sd = X.std(axis=0)
        out[name] = ((X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)).astype(
            np.float32
        )
    return out


def concatenate_views(views: dict) -> np.ndarray:
    """Concatenate standardised views, each scaled by ``1 / sqrt(n_features)``.

    Without the scaling a view with 200 features would outweigh one with 20 in
    every distance; with it, each view contributes equally on average.

    Parameters
    ----------
    views : dict
        View name -> samples x features matrix, as for :func:`standardise_views`
        (which standardises them here first).

    Returns
    -------
    numpy.ndarray
        Samples x (features of all views), float32, the views side by side in the
        order of ``views``.

    Raises
    ------
    ValueError
        As :func:`standardise_views`.
    """
    views = standardise_views(views)
    return np.hstack([X / np.sqrt(X.shape[1]) for X in views.values()]).astype(
        np.float32
    )
