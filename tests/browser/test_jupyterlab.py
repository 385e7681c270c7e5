"""JupyterLab as a student uses it, in Chromium (`make lab-test`, part of `make test`).

A headless JupyterLab on 127.0.0.1 (with a token) serves a copy of the notebooks: the
setup check, with its stored outputs removed, is run through the UI (Run > Run All
Cells) and must finish with every cell executed once, in order, and no error output; in
chapter 5 the solution cells must open collapsed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from playwright.sync_api import expect

from .conftest import ROOT

#: the notebook in the visible tab
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the notebooks; yields (base URL, token)."""
    work = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "notebooks" / "05_gat_cell_types.ipynb", work)
    # the setup check without its stored outputs: what the test sees is what the run made
    nb = nbformat.read(ROOT / "notebooks" / "00_setup_check.ipynb", 4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, work / "00_setup_check.ipynb")
    settings = work / ".settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # render every cell (JupyterLab 4 renders only the visible ones by default)
    (settings / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"})
    )
    token, port = secrets.token_hex(16), _free_port()
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(work / ".settings"))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",  # CI runs as root
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={work}",
            f"--LabApp.workspaces_dir={work / '.workspaces'}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start within 60 s")
            time.sleep(0.5)
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def _open(page, lab, name):
    base, token = lab
    # a workspace of its own, so that no other notebook is restored next to this one
    workspace = name.split(".")[0]
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?token={token}&reset")
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=60_000)
    # The kernel must be running before Run All: on a notebook whose kernel is still
    # starting ("No Kernel | Initializing"), JupyterLab skips every cell without a word.
    kernel = page.locator(f".jp-StatusBar-TextItem[title='Change kernel for {name}']")
    expect(kernel).to_have_text(
        re.compile(r"^(?!No Kernel).+ \| Idle$"), timeout=60_000
    )


def test_setup_check_runs_without_errors(page, lab):
    page.set_default_timeout(60_000)
    _open(page, lab, "00_setup_check.ipynb")
    nb = nbformat.read(ROOT / "notebooks" / "00_setup_check.ipynb", 4)
    expected = sum(c.cell_type == "code" for c in nb.cells)
    prompts = page.locator(f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt")
    expect(prompts).to_have_count(expected)  # the whole notebook is on the page
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # the run has started: the first cell is queued, running or done
    expect(prompts.first).to_have_text(re.compile(r"\[(\*|\d+)\]"), timeout=30_000)
    # every prompt shows an execution count once the kernel has run all cells
    page.wait_for_function(
        """sel => [...document.querySelectorAll(sel)].every(
            p => /\\[\\d+\\]/.test(p.textContent))""",
        arg=f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt",
        timeout=180_000,
    )
    # a fresh kernel ran each cell once, top to bottom
    counts = [int(re.search(r"\d+", t).group()) for t in prompts.all_inner_texts()]
    assert counts == list(range(1, expected + 1)), counts
    errors = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
        " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
    )
    assert errors.count() == 0, errors.all_inner_texts()
    assert "All required packages import" in page.locator(NOTEBOOK).inner_text()


def test_solution_cells_open_collapsed(page, lab):
    _open(page, lab, "05_gat_cell_types.ipynb")
    nb = nbformat.read(ROOT / "notebooks" / "05_gat_cell_types.ipynb", 4)
    solutions = [
        i
        for i, c in enumerate(nb.cells)
        if c.metadata.get("jupyter", {}).get("source_hidden")
    ]
    assert solutions
    cells = page.locator(f"{NOTEBOOK} .jp-Cell")
    page.wait_for_function(
        f"n => document.querySelectorAll('{NOTEBOOK} .jp-Cell').length === n",
        arg=len(nb.cells),
        timeout=60_000,
    )
    for i in solutions:
        cell = cells.nth(i)
        assert cell.locator(".jp-InputPlaceholder").count() == 1, (
            f"cell {i} not collapsed"
        )
        assert not cell.locator(".jp-InputArea-editor").is_visible()
    visible = [i for i in range(len(nb.cells)) if i not in solutions][:5]
    for i in visible:
        assert cells.nth(i).locator(".jp-InputPlaceholder").count() == 0
