"""The package's public names are one list (``helpers._PUBLIC``), and every name on it is used.

Issue 17: the lazy map of ``helpers/__init__.py`` and the modules' ``__all__`` used to
disagree. Now each module's ``__all__`` is read from ``_PUBLIC``; these tests check the
other direction: every public function or class a module defines is on the list, every
name on the list is defined where the list says, and every name is used by a notebook
or by another module of the package (names used by nothing go).
"""

import ast
import importlib
import inspect
import json
import re
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "helpers"
MODULES = sorted(helpers._PUBLIC)


def defined_public(module: str) -> set[str]:
    """Public functions and classes defined at the top level of a module's source."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
        and not node.name.startswith("_")
    }


def notebook_code() -> str:
    cells = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        cells += ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    return "\n".join(cells)


def test_every_module_file_is_listed():
    files = {p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")}
    assert files == set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_all_is_the_list(module):
    mod = importlib.import_module(f"helpers.{module}")
    assert list(mod.__all__) == list(helpers._PUBLIC[module])


@pytest.mark.parametrize("module", MODULES)
def test_every_public_definition_is_listed_and_defined_there(module):
    listed = set(helpers._PUBLIC[module])
    assert defined_public(module) == listed
    mod = importlib.import_module(f"helpers.{module}")
    for name in listed:
        assert getattr(helpers, name) is getattr(mod, name)
        assert getattr(mod, name).__module__ == f"helpers.{module}"


def test_no_name_is_listed_twice():
    names = [name for names in helpers._PUBLIC.values() for name in names]
    assert len(names) == len(set(names)) == len(helpers._EXPORTS)
    assert sorted(helpers.__all__) == sorted(names)


@pytest.mark.parametrize("name", sorted(helpers._EXPORTS))
def test_every_public_name_is_used(name):
    module = helpers._EXPORTS[name]
    pattern = re.compile(rf"\b{name}\b")
    others = "\n".join(
        p.read_text()
        for p in PACKAGE.glob("*.py")
        if p.stem not in (module, "__init__")
    )
    used = pattern.search(notebook_code()) or pattern.search(others)
    assert used, f"{name} is used by no notebook and no other helper: remove it"


TRAINING_ARGUMENTS = {"num_epochs", "lr", "weight_decay", "eval_every", "seeds", "seed"}


@pytest.mark.parametrize("name", sorted(helpers._EXPORTS))
def test_training_arguments_are_keyword_only(name):
    """One convention (issue 17): a function that trains takes its training settings by
    keyword, so a call reads ``num_epochs=100, lr=0.01`` and cannot swap them."""
    obj = getattr(helpers, name)
    if not callable(obj) or isinstance(obj, type):
        return
    params = inspect.signature(obj).parameters
    if not {"num_epochs", "lr"} & set(params):
        return
    positional = [
        p
        for p in params
        if p in TRAINING_ARGUMENTS
        and params[p].kind is not inspect.Parameter.KEYWORD_ONLY
    ]
    assert not positional, f"{name}: {positional} should be keyword-only"


@pytest.mark.parametrize("name", sorted(helpers._EXPORTS))
def test_seed_is_spelled_seed(name):
    obj = getattr(helpers, name)
    if callable(obj):
        assert "random_state" not in inspect.signature(obj).parameters
