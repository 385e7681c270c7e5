"""Every data generator of ``helpers`` gives the same arrays whatever the BLAS kernel.

The course's stored outputs are only meaningful if a student's laptop generates the
*same data* as the book. numpy/scipy's OpenBLAS picks a kernel per CPU at run time
(``OPENBLAS_CORETYPE`` forces one), and the thread count changes how sums are split,
so each generator is run in fresh processes under several kernels and thread counts,
and their arrays are compared to 1e-9 (relative).
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

#: Calls whose arrays must not depend on the kernel: each generator with the
#: arguments the chapters use, and the MDS placements of chapter 3 (distinct and
#: repeated eigenvalues, including an exactly symmetric configuration).
SCRIPT = r"""
import sys
import numpy as np
from helpers.data import (
    classical_mds, latent_factor_data, multiomics_data, random_citation_graph,
    synthetic_cell_types,
)

out = {}
d4 = np.array([[0, 3, 2, 5], [3, 0, 4, 6], [2, 4, 0, 3], [5, 6, 3, 0]], float)
square = np.array([[0, 1, 1, 2 ** 0.5], [1, 0, 2 ** 0.5, 1],
                   [1, 2 ** 0.5, 0, 1], [2 ** 0.5, 1, 1, 0]])
simplex = 1.0 - np.eye(5)
for name, d in {"d4": d4, "square": square, "simplex": simplex,
                "pair": np.array([[0.0, 1.0], [1.0, 0.0]])}.items():
    for k in (1, 2, 3):
        out[f"mds_{name}_{k}"] = classical_mds(d, n_components=k)
for name, d in {"pair": [[0, 1], [1, 0]], "d4": d4, "d4_half": d4 * 0.5,
                "simplex": simplex}.items():
    data = latent_factor_data(d, n_samples=200, n_features=20, spread=0.5,
                              noise=1.0, baseline=2.0, seed=0)
    for key, value in data.items():
        out[f"latent_{name}_{key}"] = value
for complementarity in (0.0, 1.0):
    data = multiomics_data(n_samples=300, complementarity=complementarity, seed=0)
    for view, x in data["views"].items():
        out[f"omics_{complementarity}_{view}"] = x
    out[f"omics_{complementarity}_Z"] = data["Z"]
cells = synthetic_cell_types(n_cells=300, n_genes=50, seed=0)
out["cells_X"] = cells["X"]
graph = random_citation_graph(num_nodes=200, edge_prob=0.02, seed=0)
out["citation_x"] = graph.x.numpy()
out["citation_edges"] = graph.edge_index.numpy()
np.savez(sys.argv[1], **out)
"""

pytestmark = pytest.mark.slow  # 12 fresh processes

#: At least the kernels the reproducibility issue names, plus this machine's own.
KERNELS = [None, "Haswell", "SkylakeX", "Sandybridge", "Prescott", "Zen"]


def generate(tmp_path, coretype: str | None, threads: int) -> dict[str, np.ndarray]:
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    path = tmp_path / f"{coretype}_{threads}.npz"
    subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)],
        env=env,
        check=True,
        capture_output=True,
    )
    with np.load(path) as arrays:
        return dict(arrays)


SETTINGS = [(coretype, threads) for coretype in KERNELS for threads in (1, 2)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """All settings' arrays, two processes at a time (each one mostly waits on imports)."""
    folder = tmp_path_factory.mktemp("generated")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda s: generate(folder, *s), SETTINGS)
        return dict(zip(SETTINGS, results, strict=True))


@pytest.mark.parametrize("coretype,threads", SETTINGS[1:])
def test_generators_do_not_depend_on_the_kernel(generated, coretype, threads):
    reference = generated[SETTINGS[0]]
    arrays = generated[coretype, threads]
    assert arrays.keys() == reference.keys()
    differing = [
        key
        for key, value in reference.items()
        if not np.allclose(arrays[key], value, rtol=1e-9, atol=1e-12)
    ]
    assert not differing, f"kernel {coretype}, {threads} threads: {differing}"
