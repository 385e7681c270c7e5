"""The lock, environment.yml and requirements.in must agree (students, conda users and CI get one environment)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins():
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonical(name)] = version
    return pins


def test_lock_is_exact_pins_only():
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.]+", line), line


def test_environment_yml_agrees_with_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    env_pins = {}
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in pip_section
    assert pip_section[-1] == "-e ."  # the course's helpers package
    for item in pip_section:
        if item.startswith("-"):
            continue
        name, version = item.split("==")
        env_pins[canonical(name)] = version
    assert env_pins == lock_pins()
    assert "python=3.11" in env["dependencies"]


def test_environment_yml_is_generated_from_lock():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "sync_environment.py"), "--check"]
    )
    assert result.returncode == 0, "run python3 tools/sync_environment.py"


def test_every_top_level_requirement_is_locked():
    pins = lock_pins()
    for line in (ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        name = canonical(re.split(r"[<>=!~\[ ]", line, maxsplit=1)[0])
        assert name in pins, (
            f"{name} is in requirements.in but not in requirements.lock"
        )
        if "==" in line:
            assert pins[name] == line.split("==")[1].strip(), (
                f"{name}: requirements.in and lock disagree"
            )


@pytest.mark.lock
def test_lock_pins_the_versions_the_course_is_built_on():
    pins = lock_pins()
    assert pins["torch"] == "2.13.0"
    assert pins["torch-geometric"] == "2.8.1"
    assert pins["jupyter-book"].startswith("1.")


@pytest.mark.lock
def test_installed_versions_match_lock():
    from importlib.metadata import version

    pins = lock_pins()
    for name in [
        "torch",
        "torch-geometric",
        "numpy",
        "scikit-learn",
        "networkx",
        "matplotlib",
        "pandas",
        "nbval",
    ]:
        assert version(name).split("+")[0] == pins[name], (
            f"{name}: installed {version(name)}, lock {pins[name]}"
        )
