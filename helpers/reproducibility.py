"""Seeding, introduced in chapter 0 (``00_setup_check.ipynb``) and used before every training run."""

from __future__ import annotations

import random

import numpy as np

from . import _PUBLIC

__all__ = list(_PUBLIC["reproducibility"])


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's and torch's global random generators.

    Call it once before building and training each model, so a run is
    reproducible on its own (uvadlc's ``seed_everything`` habit). Introduced in
    chapter 0.

    Parameters
    ----------
    seed : int
        A non-negative integer.

    Raises
    ------
    ValueError
        If ``seed`` is not a non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    import torch

    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (the legacy global generator is what np.random.* calls use)
    torch.manual_seed(seed)
