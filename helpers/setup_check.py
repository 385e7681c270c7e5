"""The environment check of chapter 0 (``00_setup_check.ipynb``).

Everything here reports problems as messages with a fix, never as a traceback,
and imports the packages it checks only inside functions, so it works (and says
what is missing) even in a half-installed environment.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import platform
import sys
from pathlib import Path

from . import _PUBLIC

__all__ = list(_PUBLIC["setup_check"])

#: (import name, distribution name) of every package the chapters import.
REQUIRED = [
    ("torch", "torch"),
    ("torch_geometric", "torch_geometric"),
    ("numpy", "numpy"),
    ("scipy", "scipy"),
    ("sklearn", "scikit-learn"),
    ("networkx", "networkx"),
    ("matplotlib", "matplotlib"),
    ("pandas", "pandas"),
    ("scanpy", "scanpy"),
    ("igraph", "igraph"),
]

#: Python versions the lock is tested with (CI) or known to install.
SUPPORTED_PYTHONS = ((3, 11),)

FIX_INSTALL = (
    "from the repository root run `make lab` (it creates .venv from requirements.lock), "
    "or `pip install -r requirements.lock && pip install -e .` in your own environment"
)

_LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-")


def _expected_versions(lock_path: str | os.PathLike | None = None) -> dict[str, str]:
    """Read the exact pins (``name==version``) of the course's lock file.

    Parameters
    ----------
    lock_path : path, optional
        The lock file; the repository's ``requirements.lock`` when omitted.

    Returns
    -------
    dict
        Canonical package name -> pinned version; empty when the file does not exist
        (for example when ``helpers`` was installed without the repository).

    Raises
    ------
    ValueError
        If a non-comment line of the file is not an exact ``name==version`` pin.
    """
    path = Path(lock_path) if lock_path is not None else _LOCK
    if not path.is_file():
        return {}
    pins = {}
    for number, raw in enumerate(
        path.read_text(encoding="utf-8").splitlines(), start=1
    ):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        if "==" not in line:
            raise ValueError(
                f"{path.name} line {number}: expected an exact pin name==version, got {raw!r}"
            )
        name, version = (part.strip() for part in line.split("==", 1))
        pins[_canonical(name.split("[")[0])] = version.split(";")[0].strip()
    return pins


def check_packages(
    required=REQUIRED, expected: dict[str, str] | None = None
) -> list[dict]:
    """Import each required package and compare its version with the lock.

    Parameters
    ----------
    required : list of (str, str)
        ``(import name, distribution name)`` pairs.
    expected : dict, optional
        Canonical name -> version; :func:`_expected_versions` when omitted.

    Returns
    -------
    list of dict
        One row per package: ``package``, ``expected``, ``installed``, ``status``
        (``"ok"``, ``"different version"`` or ``"missing"``) and ``fix``.

    Raises
    ------
    ValueError
        If ``expected`` is omitted and a line of the lock file is not an exact
        ``name==version`` pin.
    """
    expected = _expected_versions() if expected is None else expected
    rows = []
    for import_name, dist in required:
        want = expected.get(_canonical(dist), "")
        try:
            importlib.import_module(import_name)
            have = importlib.metadata.version(dist)
        except Exception as exc:  # any import failure is reported, not raised
            rows.append(
                {
                    "package": dist,
                    "expected": want,
                    "installed": "",
                    "status": "missing",
                    "fix": f"{type(exc).__name__}: {exc}. To fix: {FIX_INSTALL}.",
                }
            )
            continue
        same = not want or have.split("+")[0] == want.split("+")[0]
        rows.append(
            {
                "package": dist,
                "expected": want,
                "installed": have.split("+")[0],
                "status": "ok" if same else "different version",
                "fix": ""
                if same
                else f"outputs may differ slightly from the book. To match: {FIX_INSTALL}.",
            }
        )
    return rows


def format_report(rows: list[dict]) -> str:
    """Render :func:`check_packages` rows as an aligned text table plus a verdict line.

    Parameters
    ----------
    rows : list of dict
        As returned by :func:`check_packages`.

    Returns
    -------
    str
        The table (package, expected and installed version, status), the fix of
        every package that is not ``"ok"``, and the verdict.
    """
    header = f"{'package':<18}{'expected':<12}{'installed':<12}status"
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['package']:<18}{row['expected']:<12}{row['installed']:<12}{row['status']}"
        )
    problems = [row for row in rows if row["status"] != "ok"]
    for row in problems:
        lines.append(f"* {row['package']}: {row['fix']}")
    lines.append(
        "All required packages import at the locked versions."
        if not problems
        else f"{len(problems)} package(s) need attention (see above)."
    )
    return "\n".join(lines)


def hardware_summary() -> dict[str, object]:
    """Python version, operating system, CPU threads torch uses, and whether a GPU is visible.

    The course runs on CPU; a GPU is neither needed nor used.

    Returns
    -------
    dict
        ``python`` (version), ``python supported`` (bool), ``system``, ``cpu cores``,
        ``torch threads`` and ``gpu visible`` (bool); when torch does not import,
        ``torch`` (the error and the fix) instead of the last two.
    """
    summary: dict[str, object] = {
        "python": platform.python_version(),
        "python supported": sys.version_info[:2] in SUPPORTED_PYTHONS,
        "system": f"{platform.system()} {platform.machine()}",
        "cpu cores": os.cpu_count(),
    }
    try:
        import torch

        summary["torch threads"] = torch.get_num_threads()
        summary["gpu visible"] = bool(torch.cuda.is_available())
    except Exception as exc:  # reported, not raised
        summary["torch"] = f"cannot import torch ({exc}); {FIX_INSTALL}"
    return summary


def smoke_train(*, num_epochs: int = 60, seed: int = 0) -> dict[str, object]:
    """Train a tiny 2-layer GCN on a two-community graph, as an end-to-end check.

    Checks that torch, torch_geometric and autograd work together: the loss must
    fall and the model must separate two planted communities.

    Parameters
    ----------
    num_epochs : int
        Training epochs, ``>= 1``.
    seed : int
        Seed for the graph and the model.

    Returns
    -------
    dict
        ``first_loss``, ``last_loss``, ``train_accuracy``, ``passed`` (bool) and
        ``message`` (what to do when it did not pass).

    Raises
    ------
    ValueError
        If ``num_epochs < 1``.
    """
    if num_epochs < 1:
        raise ValueError(f"num_epochs must be >= 1, got {num_epochs}")
    import torch
    import torch.nn.functional as F
    from torch_geometric.nn import GCNConv

    from .reproducibility import set_seed
    from .training import train_loop

    set_seed(seed)
    n = 40
    y = torch.arange(n) % 2
    same = y[:, None] == y[None, :]
    prob = torch.where(same, torch.tensor(0.3), torch.tensor(0.02))
    adj = torch.triu(torch.rand(n, n) < prob, diagonal=1)
    edge_index = (adj | adj.T).nonzero().T
    x = torch.randn(n, 8) + y[:, None] * 0.5

    class TinyGCN(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = GCNConv(8, 16), GCNConv(16, 2)

        def forward(self, x, edge_index):
            return self.conv2(F.relu(self.conv1(x, edge_index)), edge_index)

    model = TinyGCN()
    losses = train_loop(
        model,
        lambda _: F.cross_entropy(model(x, edge_index), y),
        num_epochs=num_epochs,
        lr=0.05,
    )
    accuracy = float((model(x, edge_index).argmax(1) == y).float().mean())
    passed = losses[-1] < losses[0] and accuracy >= 0.9
    message = (
        "smoke training passed"
        if passed
        else (
            "smoke training did not learn: the installation is probably broken. "
            + FIX_INSTALL
        )
    )
    return {
        "first_loss": losses[0],
        "last_loss": losses[-1],
        "train_accuracy": accuracy,
        "passed": passed,
        "message": message,
    }
