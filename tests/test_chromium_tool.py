"""tools/chromium.py: how `make test` finds the browser, and what it says without one."""

from __future__ import annotations

import importlib.util
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "chromium.py"


def load():
    spec = importlib.util.spec_from_file_location("chromium_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_browser(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], env=env, capture_output=True, text=True
    )


def bare_env(tmp_path: Path, **extra: str) -> dict:
    """No browser on PATH (an empty folder), nothing from this machine's environment."""
    empty = tmp_path / "empty"
    empty.mkdir(exist_ok=True)
    return {"PATH": str(empty), "HOME": str(tmp_path), **extra}


def test_finds_chromium_on_path(tmp_path):
    browser = fake_browser(tmp_path, "chromium")
    assert load().find({"PATH": str(tmp_path)}) == str(browser)
    assert load().find({"PATH": str(tmp_path / "nowhere")}) is None


def test_chromium_variable_wins(tmp_path):
    chosen = fake_browser(tmp_path, "my-chrome")
    assert load().find({"CHROMIUM": str(chosen)}) == str(chosen)


def test_missing_browser_is_a_skip_outside_ci(tmp_path):
    result = run(bare_env(tmp_path))
    assert result.returncode == 1
    assert result.stdout.strip().startswith("Chromium not found: install it")
    assert len(result.stdout.strip().splitlines()) == 1


def test_missing_browser_fails_under_ci(tmp_path):
    result = run(bare_env(tmp_path, CI="true"))
    assert result.returncode == 2
    assert "Chromium not found" in result.stdout


def test_found_browser_is_reported(tmp_path):
    browser = fake_browser(tmp_path, "chromium")
    result = run({"PATH": str(tmp_path), "HOME": str(tmp_path), "CI": "true"})
    assert result.returncode == 0
    assert str(browser) in result.stdout
