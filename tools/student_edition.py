#!/usr/bin/env python3
"""Write the student edition of the notebooks: the same chapters without the solutions.

`make student` runs it. Every solution is a code cell that is collapsed in JupyterLab
(metadata ``jupyter.source_hidden``) and hidden behind a toggle on the site (tag
``hide-input``), followed by a markdown cell holding a ``Solution`` admonition. In the
student edition the solution code cells keep their place but are emptied (a comment
says where the solution went) and lose their outputs, and the solution admonitions are
replaced by a short note. Everything else is copied unchanged.

Usage: python tools/student_edition.py [--out DIR] [NOTEBOOK ...]
       (default: notebooks/*.ipynb -> _build/student/)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "_build" / "student"
SOLUTION_CODE = "# Your solution here (the solution is in the instructor edition)."
SOLUTION_NOTE = (
    "```{admonition} Solution\n:class: dropdown\n"
    "Not in the student edition: ask your instructor, or compare with the course site.\n```"
)


def is_solution_code(cell) -> bool:
    """A solution code cell: hidden input on the site and collapsed in JupyterLab."""
    if cell.cell_type != "code":
        return False
    tags = cell.metadata.get("tags", [])
    hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
    return "hide-input" in tags and bool(hidden)


def is_solution_text(cell) -> bool:
    """A markdown cell that holds a ``Solution`` admonition."""
    return cell.cell_type == "markdown" and "{admonition} Solution" in cell.source


def student_notebook(nb):
    """Return a copy of ``nb`` with the solutions removed (see the module docstring)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if is_solution_code(cell):
            cell.source = SOLUTION_CODE
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)
        elif is_solution_text(cell):
            start = cell.source.index("```{admonition} Solution")
            end = cell.source.find("```", start + 3)
            end = len(cell.source) if end < 0 else end + 3
            cell.source = cell.source[:start] + SOLUTION_NOTE + cell.source[end:]
    return nb


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        student = student_notebook(nb)
        removed = sum(is_solution_code(c) for c in nb.cells)
        nbformat.write(student, args.out / path.name)
        print(f"{path.name}: {removed} solution cell(s) emptied")
    print(f"student edition in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
