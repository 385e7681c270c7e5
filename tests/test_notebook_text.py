"""The chapters' prose: no editing artefacts that the site would show as typed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CODE_SPAN = re.compile(r"`[^`]*`")


def _markdown(path: Path) -> list[tuple[str, str]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        (c["id"], "".join(c["source"])) for c in cells if c["cell_type"] == "markdown"
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_has_no_escaped_newline(path):
    # a literal backslash-n in prose (outside `code`) is a newline that an editing
    # script escaped once too often: the page would show "\n" to the reader
    found = [
        cell_id
        for cell_id, text in _markdown(path)
        if "\\n" in CODE_SPAN.sub("", text.replace("$$", ""))
    ]
    assert not found, f"literal \\n in markdown cells {found}"


def test_the_check_finds_an_escaped_newline(tmp_path):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "id": "a", "source": ["as in R\\nSNFtool"]},
            {"cell_type": "markdown", "id": "b", "source": ["`print('\\n')` is fine"]},
        ]
    }
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"\['a'\]"):
        test_markdown_has_no_escaped_newline(path)
