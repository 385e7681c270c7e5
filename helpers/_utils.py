"""Small private utilities shared by the helpers modules (no torch import at module level)."""

from __future__ import annotations

import numpy as np

_controller = None


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


def one_thread():
    """Context manager: BLAS and OpenMP on one thread, for a fit on a small table.

    A logistic regression (BLAS at every L-BFGS step) or a k-means (OpenMP) on a few
    hundred cells costs less than waking a second thread. Measured for scikit-learn's
    k-means of 300 cells (``n_init=10``) with torch loaded, on 2 cores: one thread
    6 ms; two threads 7-9 ms on an idle machine, 27 ms when idle threads sleep
    (``OMP_WAIT_POLICY=PASSIVE``, as the Makefile's pinned environment sets) and
    88 ms when the cores are busy with another process. The result is the same (a
    k-means on one thread even sums its centres in a fixed order). The controller
    is created at the first call (importing stays side-effect free) and reused:
    creating one costs milliseconds.
    """
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller.limit(limits=1)
