"""Tests of helpers.set_seed (chapter 0) and of the package's import behaviour."""

import random
import subprocess
import sys

import numpy as np
import pytest
import torch

from helpers import set_seed


def draw():
    return random.random(), np.random.rand(), torch.rand(1).item()  # noqa: NPY002


def test_set_seed_repeats_all_generators():
    set_seed(7)
    a = draw()
    set_seed(7)
    assert draw() == a
    set_seed(8)
    assert draw() != a


@pytest.mark.parametrize("seed", [-1, 1.5, "1", None, True])
def test_set_seed_rejects_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        set_seed(seed)


def test_import_helpers_has_no_side_effects():
    code = (
        "import sys, matplotlib as mpl; before = dict(mpl.rcParams); import helpers; "
        "assert 'torch' not in sys.modules, 'import helpers imported torch'; "
        "assert dict(mpl.rcParams) == before, 'import helpers changed the style'; "
        "helpers.set_seed; assert 'torch' not in sys.modules; print('ok')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "ok"


def test_unknown_attribute():
    import helpers

    with pytest.raises(AttributeError):
        helpers.does_not_exist  # noqa: B018
    assert "Node2Vec" in dir(helpers)
