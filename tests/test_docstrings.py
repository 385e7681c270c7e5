"""Every public function and class of ``helpers`` has its numpydoc sections (issue 17).

ruff's pydocstyle rules (numpy convention, see ``pyproject.toml``) check the form of
every docstring in ``helpers``, but not its content: with the numpy convention ruff
does not check that each parameter is documented (D417 is off), and it cannot tell
which names are public (each module's ``__all__`` is read from ``helpers._PUBLIC``
at import time, which ruff does not evaluate), so its missing-docstring rules (D1xx)
never fire there. This file checks what ruff cannot, for every name of
``helpers._PUBLIC``:

- a docstring, and on a class a docstring on every public method it defines;
- a ``Parameters`` section naming every parameter, and only those (a line
  ``a, b : float`` documents both; ``*args`` and ``**kwargs`` count by name);
- a ``Returns`` section exactly when the function returns a value;
- a ``Raises`` section naming every exception class the function raises itself or
  through a private helper of the package (a class: its ``__init__``).

The checks read the code (its syntax tree), not a list of expected sections, and the
last tests below run them on small functions with a missing section, so that they
are seen to fail.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
import textwrap
from pathlib import Path

import pytest

import helpers

PUBLIC = sorted(helpers._EXPORTS)
FUNCTIONS = [n for n in PUBLIC if not n[0].isupper()]
CLASSES = [n for n in PUBLIC if n[0].isupper()]

_DASHES = re.compile(r"-{3,}")
# "name : type", "name", "a, b : float", "**kwargs :" at the start of a line
_PARAMETER_LINE = re.compile(r"^(\**\w+(?:\s*,\s*\**\w+)*)\s*(?::.*)?$")


def _obj(name: str):
    return getattr(helpers, name)


def _docstring(obj) -> str:
    # obj.__doc__, not inspect.getdoc: a class without a docstring of its own must not
    # borrow torch.nn.Module's
    return inspect.cleandoc(obj.__doc__ or "")


def sections(doc: str) -> dict[str, list[str]]:
    """Split a numpydoc docstring into its sections: title -> lines of its body."""
    lines = doc.splitlines()
    out: dict[str, list[str]] = {}
    current = None
    i = 0
    while i < len(lines):
        title = lines[i].strip()
        underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if title and _DASHES.fullmatch(underline) and len(underline) == len(title):
            current = title
            out[current] = []
            i += 2
            continue
        if current is not None:
            out[current].append(lines[i])
        i += 1
    return out


def documented_names(body: list[str]) -> list[str]:
    """The names a ``Parameters`` (or ``Raises``) section lists: its unindented lines."""
    names = []
    for line in body:
        if not line.strip() or line[0].isspace():
            continue
        match = _PARAMETER_LINE.match(line.strip())
        if match:
            names += [n.strip().lstrip("*") for n in match.group(1).split(",")]
    return names


def _function_node(obj) -> ast.FunctionDef:
    """The syntax tree of a function, or of a class's ``__init__``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(obj))))
    node = tree.body[0]
    if isinstance(node, ast.ClassDef):
        inits = [
            n
            for n in node.body
            if isinstance(n, ast.FunctionDef) and n.name == "__init__"
        ]
        assert inits, f"{obj.__name__} defines no __init__"
        return inits[0]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    return node


def _own_nodes(function: ast.AST):
    """The nodes of a function's body, not those of functions or classes nested in it."""
    todo = list(ast.iter_child_nodes(function))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
        ):
            todo.extend(ast.iter_child_nodes(node))


def returns_value(function: ast.AST) -> bool:
    """Whether a ``return`` of the function's own body gives a value (not ``None``)."""
    return any(
        isinstance(node, ast.Return)
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        for node in _own_nodes(function)
    )


@functools.cache
def _module_tree(module: str) -> ast.Module:
    path = Path(importlib.import_module(f"helpers.{module}").__file__)
    return ast.parse(path.read_text(encoding="utf-8"))


def _resolve(module: str | None, name: str) -> tuple[str, ast.FunctionDef] | None:
    """The private function of the package that ``name`` means in ``module``, if any."""
    if module is None or name in helpers._EXPORTS:
        return None  # a public function documents its own errors
    for node in _module_tree(module).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return module, node
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            if any((a.asname or a.name) == name for a in node.names):
                source = next(
                    a.name for a in node.names if (a.asname or a.name) == name
                )
                return _resolve(node.module, source)
    return None


def raised_exceptions(function: ast.AST, module: str | None, _seen=None) -> set[str]:
    """Exception classes raised by the function's own body or by the private
    functions of the package it calls (followed through their calls too)."""
    seen = set() if _seen is None else _seen
    raised = set()
    for node in _own_nodes(function):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name):
                raised.add(exc.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            target = _resolve(module, node.func.id)
            if target is not None and (target[0], target[1].name) not in seen:
                seen.add((target[0], target[1].name))
                raised |= raised_exceptions(target[1], target[0], seen)
    return raised


def _parameters(obj) -> list[str]:
    """Parameter names of a function, or of a class's constructor (without ``self``)."""
    return list(inspect.signature(obj).parameters)


def parameter_problems(obj) -> list[str]:
    """What the ``Parameters`` section of ``obj``'s docstring lacks or has too much."""
    params = _parameters(obj)
    body = sections(_docstring(obj)).get("Parameters")
    if body is None:
        return ["no Parameters section"] if params else []
    documented = documented_names(body)
    problems = [
        f"parameter {p!r} not documented" for p in params if p not in documented
    ]
    problems += [
        f"documents {d!r}, which is not a parameter"
        for d in documented
        if d not in params
    ]
    return problems


def returns_problems(obj) -> list[str]:
    """A missing ``Returns`` section, or one on a function that returns nothing."""
    if inspect.isclass(obj):
        return []
    has_section = "Returns" in sections(_docstring(obj))
    if returns_value(_function_node(obj)) and not has_section:
        return ["returns a value but has no Returns section"]
    if has_section and not returns_value(_function_node(obj)):
        return ["has a Returns section but returns nothing"]
    return []


def raises_problems(obj, module: str | None) -> list[str]:
    """Exception classes raised but not listed in the ``Raises`` section."""
    raised = raised_exceptions(_function_node(obj), module)
    body = sections(_docstring(obj)).get("Raises")
    if raised and body is None:
        return [f"raises {sorted(raised)} but has no Raises section"]
    listed = documented_names(body or [])
    return [
        f"raises {e} but its Raises section does not list it"
        for e in sorted(raised)
        if e not in listed
    ]


# -- the public names ---------------------------------------------------------


@pytest.mark.parametrize("name", PUBLIC)
def test_has_docstring(name):
    assert _docstring(_obj(name)).strip(), f"{name} has no docstring"


@pytest.mark.parametrize("name", CLASSES)
def test_public_methods_have_docstrings(name):
    cls = _obj(name)
    missing = [
        attr
        for attr, value in vars(cls).items()
        if not attr.startswith("_") and inspect.isfunction(value) and not value.__doc__
    ]
    assert not missing, f"{name}: public methods without a docstring: {missing}"


@pytest.mark.parametrize("name", PUBLIC)
def test_parameters_section(name):
    assert parameter_problems(_obj(name)) == []


@pytest.mark.parametrize("name", FUNCTIONS)
def test_returns_section(name):
    assert returns_problems(_obj(name)) == []


@pytest.mark.parametrize("name", PUBLIC)
def test_raises_section(name):
    assert raises_problems(_obj(name), helpers._EXPORTS[name]) == []


# -- the checks themselves can fail -------------------------------------------


def _complete(a, b: float, *, c=None, **options):
    """Return a sum.

    Parameters
    ----------
    a, b : float
        Terms.
    c : float, optional
        Ignored.
    **options :
        Ignored.

    Returns
    -------
    float
        The sum.

    Raises
    ------
    ValueError
        If ``a`` is negative.
    """
    if a < 0:
        raise ValueError("a must be >= 0")
    return a + b


def _incomplete(a, b, c=None):
    """Return a sum.

    Parameters
    ----------
    a : float
        First term.
    d : float
        Not a parameter.
    """
    if a < 0:
        raise ValueError("a must be >= 0")
    return a + b


def _bare(a):
    """Return ``a``."""
    return a


def _validate(a):
    if a < 0:
        raise ValueError("a must be >= 0")


def _validated(a):
    """Check ``a``.

    Parameters
    ----------
    a : float
        Checked.
    """
    _validate(a)

    def nested():  # a nested function's return is not the function's
        return a

    nested()
    return None


def test_checks_pass_a_complete_docstring():
    assert parameter_problems(_complete) == []
    assert returns_problems(_complete) == []
    assert raised_exceptions(_function_node(_complete), None) == {"ValueError"}
    assert raises_problems(_complete, None) == []


def test_checks_fail_on_missing_sections_and_parameters():
    assert parameter_problems(_incomplete) == [
        "parameter 'b' not documented",
        "parameter 'c' not documented",
        "documents 'd', which is not a parameter",
    ]
    assert parameter_problems(_bare) == ["no Parameters section"]
    assert returns_problems(_incomplete) == [
        "returns a value but has no Returns section"
    ]
    assert raises_problems(_incomplete, None) == [
        "raises ['ValueError'] but has no Raises section"
    ]


def test_returns_none_and_nested_returns_need_no_section():
    assert not returns_value(_function_node(_validated))


def test_errors_of_private_helpers_count():
    # standardise_views raises nothing itself, only through _check_view_dict; train_dgi
    # only through check_training, imported from helpers._utils
    for name in ("standardise_views", "train_dgi"):
        node = _function_node(_obj(name))
        assert not raised_exceptions(node, None)
        assert raised_exceptions(node, helpers._EXPORTS[name]) == {"ValueError"}
