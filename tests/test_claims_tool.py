"""tools/claims.py (`make claims`): a broken claim fails the run and is named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "claims.py"


def notebook(path: Path, claim: str) -> Path:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("accuracy = 0.9"),
            nbformat.v4.new_code_cell(claim, metadata={"tags": ["remove-cell"]}),
        ]
    )
    nbformat.write(nb, path)
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True
    )


def test_list_prints_each_claim(tmp_path):
    path = notebook(
        tmp_path / "x.ipynb",
        'assert accuracy > 0.5, "better than chance"\nassert accuracy < 1',
    )
    out = run("--list", str(path)).stdout
    assert "x:" in out and "- better than chance" in out and "- accuracy < 1" in out


@pytest.mark.slow
def test_a_broken_claim_fails_and_is_named(tmp_path):
    good = notebook(tmp_path / "good.ipynb", 'assert accuracy > 0.5, "above chance"')
    bad = notebook(tmp_path / "bad.ipynb", 'assert accuracy > 0.95, "near perfect"')
    result = run("--settings", "native,prescott-1thread", str(good), str(bad))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert sum("good.ipynb" in line and line.endswith("ok") for line in lines) == 2
    broken = [line for line in lines if "bad.ipynb" in line]
    assert len(broken) == 2 and all("near perfect" in line for line in broken)
    assert lines[-1] == "claims: 2 passed, 2 failed"


def test_unknown_setting_is_refused(tmp_path):
    result = run("--settings", "pentium", str(tmp_path / "x.ipynb"))
    assert result.returncode == 2 and "unknown settings" in result.stderr
