#!/usr/bin/env python3
"""Check every chapter's claims on other CPUs' kernels (`make claims`).

A student's laptop does not get the pinned numerical environment of `make nbval`, so
the third decimal of a trained metric may differ there; the *lessons* must not. Each
chapter states its claims as assertions in a cell tagged ``remove-cell`` (hidden on the
site, run everywhere). This script executes every notebook, without comparing outputs,
under several numerical settings with nothing pinned (OpenBLAS kernels, torch's
vectorised kernels, MKL/oneDNN instruction sets, thread counts), and fails if any cell
raises, i.e. if a claim breaks.

Usage: python tools/claims.py [NOTEBOOK ...]       (default: notebooks/*.ipynb)
       python tools/claims.py --settings native,prescott-1thread NOTEBOOK ...
       python tools/claims.py --list [NOTEBOOK ...]   (print each chapter's claims)
       python tools/claims.py --one NOTEBOOK          (internal: one run, in this env)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Variables of the pinned environment (Makefile's PINNED): removed before each setting.
PINNED_VARS = (
    "OPENBLAS_CORETYPE",
    "ATEN_CPU_CAPABILITY",
    "MKL_ENABLE_INSTRUCTIONS",
    "MKL_CBWR",
    "ONEDNN_MAX_CPU_ISA",
    "NPY_DISABLE_CPU_FEATURES",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "PYTHONHASHSEED",
)

#: Name -> variables. "native" is the machine as it is; the others emulate other CPUs.
SETTINGS = {
    "native": {},
    "haswell-avx2": {"OPENBLAS_CORETYPE": "Haswell", "ATEN_CPU_CAPABILITY": "avx2"},
    "skylakex-default": {
        "OPENBLAS_CORETYPE": "SkylakeX",
        "ATEN_CPU_CAPABILITY": "default",
        "PYTHONHASHSEED": "1",
    },
    "sandybridge-default": {
        "OPENBLAS_CORETYPE": "Sandybridge",
        "ATEN_CPU_CAPABILITY": "default",
        "MKL_ENABLE_INSTRUCTIONS": "AVX",
        "ONEDNN_MAX_CPU_ISA": "AVX",
    },
    "prescott-1thread": {
        "OPENBLAS_CORETYPE": "Prescott",
        "ATEN_CPU_CAPABILITY": "default",
        "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
        "ONEDNN_MAX_CPU_ISA": "SSE41",
        "OMP_NUM_THREADS": "1",
    },
}


def run_one(path: str) -> None:
    """Execute one notebook top to bottom (outputs are not written back)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).resolve().parent)}},
    ).execute()


def claims_of(path: str) -> list[str]:
    """The messages of the ``assert`` statements in a notebook's claims cells."""
    import ast

    import nbformat

    messages = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or "remove-cell" not in cell.metadata.get(
            "tags", []
        ):
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Assert):
                message = node.msg
                if isinstance(message, ast.Constant):
                    messages.append(str(message.value))
                elif isinstance(message, ast.JoinedStr):
                    messages.append(
                        "".join(
                            str(v.value) if isinstance(v, ast.Constant) else "..."
                            for v in message.values
                        )
                    )
                else:
                    messages.append(ast.unparse(node.test))
    return messages


def check(notebook: str, setting: str) -> tuple[str, str, float, str]:
    env = {k: v for k, v in os.environ.items() if k not in PINNED_VARS}
    # several kernels share the cores: let idle OpenMP threads sleep instead of
    # spinning (scheduling only, no effect on the numbers)
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    env.update(SETTINGS[setting])
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, "--one", notebook],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode == 0:
        return notebook, setting, elapsed, ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    reason = next(
        (line for line in reversed(lines) if "Error" in line),
        lines[-1] if lines else "",
    )
    return notebook, setting, elapsed, reason


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--settings", default=",".join(SETTINGS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.one:
        run_one(args.one)
        return 0
    notebooks = args.notebooks or sorted(str(p) for p in ROOT.glob("notebooks/*.ipynb"))
    if args.list:
        for notebook in notebooks:
            print(f"{Path(notebook).stem}:")
            for message in claims_of(notebook) or ["(no claims)"]:
                print(f"  - {message}")
        return 0
    settings = args.settings.split(",")
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        parser.error(f"unknown settings {sorted(unknown)}; known: {list(SETTINGS)}")
    jobs = [(nb, s) for s in settings for nb in notebooks]
    failures = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for notebook, setting, elapsed, reason in pool.map(lambda j: check(*j), jobs):
            verdict = "ok" if not reason else f"CLAIM BROKEN: {reason}"
            failures += bool(reason)
            print(
                f"{setting:20s} {Path(notebook).name:36s} {elapsed:6.1f} s  {verdict}"
            )
            sys.stdout.flush()
    print(f"claims: {len(jobs) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
