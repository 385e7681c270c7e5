"""The student edition (`make student`) holds no solution code, and nothing else changes."""

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

spec = importlib.util.spec_from_file_location(
    "student_edition", ROOT / "tools" / "student_edition.py"
)
student_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_edition)


def _solution_lines(nb) -> set[str]:
    lines = set()
    for cell in nb.cells:
        if student_edition.is_solution_code(cell):
            lines |= {line.strip() for line in cell.source.splitlines() if line.strip()}
    return lines


def test_every_chapter_with_exercises_has_solution_cells():
    with_solutions = [
        p.name
        for p in NOTEBOOKS
        if any(
            student_edition.is_solution_code(c)
            for c in nbformat.read(p, as_version=4).cells
        )
    ]
    # every chapter but the setup check, by name (a chapter that loses its
    # solutions, or a new one without any, fails here)
    expected = [p.name for p in NOTEBOOKS if not p.name.startswith("00_")]
    assert with_solutions == expected


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_edition_holds_no_solution(tmp_path, path):
    student_edition.main(["--out", str(tmp_path), str(path)])
    original = nbformat.read(path, as_version=4)
    student = nbformat.read(tmp_path / path.name, as_version=4)
    assert len(student.cells) == len(original.cells)
    solution_lines = _solution_lines(original)
    # lines that also occur outside the solutions (e.g. ")") prove nothing
    elsewhere = {
        line.strip()
        for cell in original.cells
        if cell.cell_type == "code" and not student_edition.is_solution_code(cell)
        for line in cell.source.splitlines()
    }
    telling = solution_lines - elsewhere
    student_code_lines = {
        line.strip()
        for cell in student.cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
    }
    left = telling & student_code_lines
    assert not left, f"solution code left in {path.name}: {sorted(left)}"
    for before, after in zip(original.cells, student.cells, strict=True):
        if student_edition.is_solution_code(before):
            assert after.source == student_edition.SOLUTION_CODE
            assert after.outputs == []
        elif student_edition.is_solution_text(before):
            assert "Not in the student edition" in after.source
            solution = before.source.split("```{admonition} Solution")[1]
            body = solution.split("```")[0].split("\n", 2)[-1].strip()
            assert body and body not in after.source
        else:
            assert after.source == before.source
