"""Small private utilities shared by the helpers modules (no torch import at module level)."""

from __future__ import annotations

import numpy as np


def as_numpy(values) -> np.ndarray:
    """Return a NumPy array from a tensor (detached, on the CPU) or from anything array-like."""
    if hasattr(values, "detach"):
        return values.detach().cpu().numpy()
    return np.asarray(values)


def check_training(num_epochs: int, lr: float) -> None:
    """Raise ``ValueError`` unless ``num_epochs >= 1`` and ``lr > 0``."""
    if num_epochs < 1:
        raise ValueError(f"num_epochs must be >= 1, got {num_epochs}")
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
