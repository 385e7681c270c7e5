#!/usr/bin/env python3
"""Scaling benchmark: kNN graph construction and one GCN epoch for 10^3 to 10^5 cells.

Part of `make bench`. For each number of cells (50 PCA-like dimensions, k = 15) it
times, each in a fresh process so that peak memory is its own:

- ``sklearn``: scikit-learn's exact ``kneighbors_graph`` alone (the reference);
- ``knn_graph``: the course's ``helpers.graphs.knn_graph`` (sparse, symmetrised), then
  one full-batch training epoch of a 2-layer GCN on that graph (mean of 3 epochs after
  a warm-up epoch);
- ``dense``: the original lab's route, ``kneighbors_graph(...).toarray()`` and
  ``dense_to_sparse``, only where the dense matrix fits (``8 n^2`` bytes); otherwise
  the row says how much memory it would need.

Writes _build/bench/scaling.csv and _build/bench/scaling.md. A benchmark, not a test:
numbers depend on the machine and its load.

Usage: python tools/scaling.py [N ...]          (default: 1000 10000 100000)
       python tools/scaling.py --one ROUTE N    (internal: one measurement, prints JSON)
"""

import csv
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "bench"
K = 15
DIMENSIONS = 50
DENSE_LIMIT_BYTES = (
    4 * 1024**3
)  # run the dense route only where the matrix fits in 4 GiB
TARGET_RATIO = 1.3  # knn_graph time / scikit-learn time at the largest size
TARGET_PEAK_MB = 1500
TARGET_EPOCH_S = 2.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cells(n: int):
    from helpers import synthetic_cell_types

    # 3 types, shifts of +-1 on every dimension: neighbours are mostly within a type
    return synthetic_cell_types(
        n_cells=n, n_genes=DIMENSIONS, means=(1.0, 0.0, -1.0), seed=0
    )


def run_one(route: str, n: int) -> dict:
    """One measurement in this (fresh) process."""
    import numpy as np
    import torch
    from sklearn.neighbors import kneighbors_graph
    from torch_geometric.utils import dense_to_sparse

    from helpers.graphs import knn_graph
    from helpers.models import GCN

    if route not in ("sklearn", "dense", "knn_graph"):
        raise ValueError(f"unknown route {route!r}")
    cells = _cells(n)
    X, y = cells["X"], torch.from_numpy(cells["y"]).long()
    result = {"route": route, "cells": n, "baseline_mb": _peak_mb()}
    start = time.perf_counter()  # imports and data are outside the timed part
    if route == "sklearn":
        graph = kneighbors_graph(X, K)
        result["edges"] = int(graph.nnz)
    elif route == "dense":
        dense = kneighbors_graph(X, K).toarray()
        edge_index, _ = dense_to_sparse(torch.from_numpy(dense))
        result["edges"] = int(edge_index.shape[1])
    else:
        edge_index = knn_graph(X, K, metric="euclidean")
        result["edges"] = int(edge_index.shape[1])
        result["graph_s"] = time.perf_counter() - start
        result["graph_peak_mb"] = _peak_mb()
        torch.manual_seed(0)
        model = GCN(DIMENSIONS, 16, 3, cached=True)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        x = torch.from_numpy(np.ascontiguousarray(X))
        times = []
        for _ in range(4):  # a warm-up epoch (builds the cached normalisation), then 3
            tic = time.perf_counter()
            optimizer.zero_grad()
            loss = torch.nn.functional.nll_loss(model(x, edge_index), y)
            loss.backward()
            optimizer.step()
            times.append(time.perf_counter() - tic)
        result["epoch_s"] = float(np.mean(times[1:]))
    result.setdefault("graph_s", time.perf_counter() - start)
    result["peak_mb"] = _peak_mb()
    return result


def measure(route: str, n: int) -> dict:
    if route == "dense" and 8 * n * n > DENSE_LIMIT_BYTES:
        return {
            "route": route,
            "cells": n,
            "note": f"skipped: the dense matrix alone needs {8 * n * n / 1e9:.0f} GB",
        }
    done = subprocess.run(
        [sys.executable, __file__, "--one", route, str(n)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"route": route, "cells": n, "note": f"failed: {tail[0]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


COLUMNS = [
    "cells",
    "route",
    "edges",
    "graph_s",
    "peak_mb",
    "baseline_mb",
    "epoch_s",
    "graph_peak_mb",
    "note",
]


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return str(value)


def write_tables(rows: list[dict]) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "scaling.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    lines = [
        f"# Scaling: kNN graph (k = {K}, {DIMENSIONS} dimensions) and one GCN epoch",
        "",
        f"Machine: {platform.machine()}, {_cpu_count()} CPU threads, Python "
        f"{platform.python_version()}. `graph_s`: graph construction (for `knn_graph`, "
        "without the GCN); `peak_mb`: peak resident memory of the process, imports "
        "included (`baseline_mb` after imports and data); `epoch_s`: one full-batch "
        "GCN training epoch.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        lines.append("| " + " | ".join(_fmt(row.get(c)) for c in COLUMNS) + " |")
    lines += ["", *verdicts(rows)]
    text = "\n".join(lines) + "\n"
    (OUT / "scaling.md").write_text(text)
    return text


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0


def verdicts(rows: list[dict]) -> list[str]:
    """The targets of the course (issue: speed and scale), checked at the largest size."""
    largest = max(r["cells"] for r in rows)
    by_route = {r["route"]: r for r in rows if r["cells"] == largest}
    ours, ref = by_route.get("knn_graph", {}), by_route.get("sklearn", {})
    if "graph_s" not in ours or "graph_s" not in ref:
        return [f"Targets not checked: a measurement at {largest:,} cells is missing."]
    ratio = ours["graph_s"] / ref["graph_s"]
    checks = [
        (
            f"graph time {ratio:.2f}x scikit-learn's kneighbors_graph",
            ratio <= TARGET_RATIO,
            f"<= {TARGET_RATIO}x",
        ),
        (
            f"graph peak memory {ours['graph_peak_mb']:.0f} MB",
            ours["graph_peak_mb"] < TARGET_PEAK_MB,
            f"< {TARGET_PEAK_MB} MB",
        ),
        (
            f"GCN epoch {ours['epoch_s']:.2f} s",
            ours["epoch_s"] < TARGET_EPOCH_S,
            f"< {TARGET_EPOCH_S} s",
        ),
    ]
    return [
        f"- At {largest:,} cells: {what} (target {target}): "
        f"{'met' if ok else 'NOT met'}"
        for what, ok, target in checks
    ]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(argv[1], int(argv[2]))))
        return 0
    sizes = [int(a) for a in argv] or [1000, 10000, 100000]
    rows = []
    for n in sizes:
        for route in ("sklearn", "knn_graph", "dense"):
            row = measure(route, n)
            rows.append(row)
            shown = {k: _fmt(v) for k, v in row.items()}
            print(f"{n:>7} cells, {route}: {shown}", flush=True)
    print(write_tables(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
