#!/usr/bin/env python3
"""Write environment.yml (for conda, Binder and JupyterHub) from requirements.lock.

Usage: python3 tools/sync_environment.py [--check]
With --check, exit 1 (and change nothing) when environment.yml is out of date.
Standard library only, so it runs before the course environment exists.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "3.11"

HEADER = f"""\
# Conda / Binder / JupyterHub environment of the course.
# Generated from requirements.lock by tools/sync_environment.py: do not edit by hand;
# run `make lock` (or `python3 tools/sync_environment.py`) instead. tests/test_environment.py
# checks that the two agree on every pinned package.
name: gnn-omics
channels:
  - conda-forge
dependencies:
  - python={PYTHON}
  - pip
  - pip:
"""


def render() -> str:
    pins = []
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            pins.append(line)
    body = "".join(f"      - {pin}\n" for pin in pins)
    return HEADER + body + "      - -e .\n"


def main() -> int:
    target = ROOT / "environment.yml"
    text = render()
    if "--check" in sys.argv[1:]:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print(
                "environment.yml is out of date: run python3 tools/sync_environment.py"
            )
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
