#!/usr/bin/env python3
"""Write environment.yml (conda, Binder, JupyterHub) and the site footer from requirements.lock.

The footer (``html.extra_footer`` in _config.yml) tells readers of every chapter which
versions it was executed with.

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
      # torch's CPU build on Linux (Binder, JupyterHub) instead of GBs of CUDA libraries
      - --extra-index-url https://download.pytorch.org/whl/cpu
"""


def render() -> str:
    pins = []
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            pins.append(line)
    body = "".join(f"      - {pin}\n" for pin in pins)
    return HEADER + body + "      - -e .\n"


#: Packages named in the footer of every page of the site (the rest is in the lock).
FOOTER_PACKAGES = (
    "torch",
    "torch_geometric",
    "numpy",
    "scipy",
    "scikit-learn",
    "pandas",
    "networkx",
    "matplotlib",
    "scanpy",
)
FOOTER_KEY = "  extra_footer: "


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.strip().split("==", 1)
            pins[name.lower().replace("_", "-")] = version
    return pins


def render_config() -> str:
    """_config.yml with a footer that names the versions every chapter was executed with."""
    pins = _pins()
    named = ", ".join(
        f"{name} {pins[name.lower().replace('_', '-')]}" for name in FOOTER_PACKAGES
    )
    footer = (
        f"<p>Every chapter was executed with Python {PYTHON} and {named} "
        "(all versions: <code>requirements.lock</code>).</p>"
    )
    lines = (ROOT / "_config.yml").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith(FOOTER_KEY)]
    at = kept.index("html:") + 1
    kept.insert(at, f"{FOOTER_KEY}'{footer}'")
    return "\n".join(kept) + "\n"


def main() -> int:
    outputs = {
        ROOT / "environment.yml": render(),
        ROOT / "_config.yml": render_config(),
    }
    if "--check" in sys.argv[1:]:
        stale = [
            p.name
            for p, text in outputs.items()
            if not p.exists() or p.read_text(encoding="utf-8") != text
        ]
        if stale:
            print(
                f"{', '.join(stale)} out of date: run python3 tools/sync_environment.py"
            )
            return 1
        return 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
