"""The ROSMAP multi-omics cohort as MOGONET published it, introduced in chapter 7.

``07_rosmap_alzheimers.ipynb`` reads it with :func:`load_rosmap`. The files ship with
the package (``helpers/data/rosmap/``, with their MIT licence and a README saying where
they come from), so the chapter runs offline.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

__all__ = ["ROSMAP_VIEWS", "default_folder", "load_rosmap"]

#: View names, in the order of MOGONET's file prefixes 1, 2, 3.
ROSMAP_VIEWS = ("mRNA", "methylation", "miRNA")


def default_folder() -> Path:
    """The folder of the ROSMAP files shipped with the package."""
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
        by default the copy shipped with the package (:func:`default_folder`).

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
    folder = default_folder() if folder is None else Path(folder)
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
