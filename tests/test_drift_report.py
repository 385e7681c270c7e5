"""tools/drift_report.py: the weekly drift job's summary names what changed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "drift_report", ROOT / "tools" / "drift_report.py"
)
drift = importlib.util.module_from_spec(spec)
spec.loader.exec_module(drift)

NBVAL_LOG = """\
notebooks/02_gcn_citation.ipynb ..F.F
FAILED notebooks/02_gcn_citation.ipynb::Cell 10 - Notebook cell execution failed
FAILED notebooks/02_gcn_citation.ipynb::Cell 12 - Notebook cell execution failed
FAILED notebooks/05_gat_cell_types.ipynb::Cell 3 - Notebook cell execution failed
=================== 3 failed, 118 passed in 255.01s (0:04:15) ===================
"""
CLAIMS_LOG = """\
native               02_gcn_citation.ipynb                  12.0 s  ok
prescott-1thread     05_gat_cell_types.ipynb                20.1 s  CLAIM BROKEN: AssertionError: the GAT should stay at chance
claims: 1 passed, 1 failed
"""


def test_report_names_changed_notebooks_and_broken_claims(tmp_path):
    (tmp_path / "versions.txt").write_text("torch==2.99.0\ntorch-geometric==2.99.1\n")
    (tmp_path / "nbval.log").write_text(NBVAL_LOG)
    (tmp_path / "claims.log").write_text(CLAIMS_LOG)
    text = drift.report(tmp_path)
    assert "torch==2.99.0" in text
    assert "| notebooks/02_gcn_citation.ipynb | 2 |" in text
    assert "| notebooks/05_gat_cell_types.ipynb | 1 |" in text
    assert "3 failed, 118 passed" in text
    assert "| prescott-1thread | 05_gat_cell_types.ipynb |" in text
    assert "the GAT should stay at chance" in text
    assert "Unit tests" in text and "not run" in text  # no unit.log


def test_report_of_a_clean_run(tmp_path):
    (tmp_path / "nbval.log").write_text("===== 121 passed in 200.0s =====\n")
    (tmp_path / "claims.log").write_text("claims: 2 passed, 0 failed\n")
    (tmp_path / "unit.log").write_text("===== 300 passed, 4 deselected in 60s =====\n")
    text = drift.report(tmp_path)
    assert "No notebook's outputs changed." in text
    assert "Every claim held." in text
    assert "300 passed, 4 deselected" in text


def test_usage_without_a_folder(capsys, tmp_path):
    assert drift.main([str(tmp_path / "missing")]) == 2
    assert "Usage" in capsys.readouterr().out
