#!/usr/bin/env python3
"""Summarise a drift run (the weekly job against the newest torch / torch_geometric).

Usage: python3 tools/drift_report.py LOG_DIR  > report.md

Reads, from LOG_DIR, what the drift job's steps wrote (each step runs even when an
earlier one failed): ``versions.txt`` (pip freeze lines of the upgraded packages),
``unit.log`` (pytest, lock-pinning tests deselected), ``nbval.log`` (stored outputs) and
``claims.log`` (`make claims`). Prints a short Markdown report: the versions, then which
unit tests failed, which notebooks' outputs changed (cells per notebook) and which
claims broke. A missing log is reported as "not run". Standard library only.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

NBVAL_FAILED = re.compile(r"^FAILED (notebooks/[^:]+\.ipynb)::Cell (\d+)", re.M)
UNIT_FAILED = re.compile(r"^FAILED (tests/\S+)", re.M)
CLAIM_BROKEN = re.compile(
    r"^(\S+)\s+(\S+\.ipynb)\s+[\d.]+ s\s+CLAIM BROKEN: (.*)$", re.M
)
SUMMARY = re.compile(r"^=+ (.*(passed|failed|error).*) =+$", re.M)


def read(folder: Path, name: str) -> str | None:
    path = folder / name
    return path.read_text(errors="replace") if path.exists() else None


def summary_line(log: str) -> str:
    found = SUMMARY.findall(log)
    return found[-1][0] if found else "no pytest summary (did the step crash?)"


def report(folder: Path) -> str:
    lines = [
        "# Drift report: the course against the newest torch / torch_geometric",
        "",
    ]
    versions = read(folder, "versions.txt")
    lines += ["## Versions", "", "```", (versions or "not recorded").strip(), "```", ""]

    unit = read(folder, "unit.log")
    lines += ["## Unit tests (lock-pinning tests deselected)", ""]
    if unit is None:
        lines += ["not run", ""]
    else:
        failed = UNIT_FAILED.findall(unit)
        lines += [f"{summary_line(unit)}", ""]
        lines += [f"- `{name}`" for name in failed] + ([""] if failed else [])

    nbval = read(folder, "nbval.log")
    lines += ["## Stored outputs (nbval)", ""]
    if nbval is None:
        lines += ["not run", ""]
    else:
        cells = Counter(nb for nb, _ in NBVAL_FAILED.findall(nbval))
        lines += [f"{summary_line(nbval)}", ""]
        if cells:
            lines += ["| notebook | cells whose output changed |", "| --- | ---: |"]
            lines += [f"| {nb} | {n} |" for nb, n in sorted(cells.items())]
        else:
            lines += ["No notebook's outputs changed."]
        lines += [""]

    claims = read(folder, "claims.log")
    lines += ["## Claims (`make claims`)", ""]
    if claims is None:
        lines += ["not run", ""]
    else:
        broken = CLAIM_BROKEN.findall(claims)
        if broken:
            lines += ["| setting | notebook | what broke |", "| --- | --- | --- |"]
            lines += [f"| {s} | {nb} | {why} |" for s, nb, why in broken]
        else:
            lines += ["Every claim held."]
        lines += [""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print(__doc__)
        return 2
    print(report(Path(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
