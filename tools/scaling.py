#!/usr/bin/env python3
"""Scaling benchmark: every graph builder of the chapters, and one GCN epoch, up to 10^5 cells.

Part of `make bench`; run it alone (without the notebook bench) with
``python tools/scaling.py``. For each number of cells (50 PCA-like dimensions, three
cell types) it times, each in a fresh process so that peak memory is its own, the calls
the chapters make, with the builders' DEFAULT arguments:

- ``sklearn``: scikit-learn's exact ``kneighbors_graph(X, 15)`` alone, the reference;
  measured before and after the builders, and the ratios use the mean of the two (the
  machine may be shared: compare ratios, not absolute times);
- ``knn_graph``: ``knn_graph(X, 15)`` (default ``metric="cosine"``, as chapter 3 and
  every student call), then one full-batch training epoch of a 2-layer GCN on that
  graph (mean of 3 epochs after a warm-up epoch);
- ``knn_graph euclidean``: ``knn_graph(X, 15, metric="euclidean")`` (chapters 4, 5, 8);
- ``threshold_graph``: ``threshold_graph(X)`` (chapter 3: cosine similarity >= 0.7,
  isolated cells joined to their most similar cell);
- ``affinity_graph``: ``helpers.graphs.affinity_graph(X)`` (chapter 6: 10-NN,
  Euclidean, Gaussian weights);
- ``fuse_graphs``: ``fuse_graphs`` of two views' affinity graphs (chapter 6; the two
  graphs are built before the timer);
- ``dense``: the original lab's route, ``kneighbors_graph(...).toarray()`` and
  ``dense_to_sparse``, only where the dense matrix fits (``8 n^2`` bytes); otherwise
  the row says how much memory it would need;

Targets, for every builder at the largest size: time <= 1.3x scikit-learn's, peak
memory < 1.5 GB; one GCN epoch < 2 s. Writes _build/bench/scaling.csv and
_build/bench/scaling.md (or ``--out DIR``). A benchmark, not a test: numbers depend on
the machine and its load.

Usage: python tools/scaling.py [--out DIR] [--routes R1,R2] [N ...]
                                         (default: 10000 30000 100000, every route)
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
TARGET_RATIO = 1.3  # builder time / scikit-learn time at the largest size
TARGET_PEAK_MB = 1500
TARGET_EPOCH_S = 2.0
REFERENCE = "sklearn"
BUILDERS = [
    "knn_graph",
    "knn_graph euclidean",
    "threshold_graph",
    "affinity_graph",
    "fuse_graphs",
]
CALLS = {
    REFERENCE: f"kneighbors_graph(X, {K})",
    "knn_graph": f"knn_graph(X, {K})",
    "knn_graph euclidean": f'knn_graph(X, {K}, metric="euclidean")',
    "threshold_graph": "threshold_graph(X)",
    "affinity_graph": "affinity_graph(X)",
    "fuse_graphs": "fuse_graphs([affinity_graph(X1), affinity_graph(X2)], n)",
    "dense": f"kneighbors_graph(X, {K}).toarray() + dense_to_sparse",
}
ROUTES = [REFERENCE, *BUILDERS, "dense", REFERENCE]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cells(n: int):
    from helpers import synthetic_cell_types

    # 3 types, shifts of +-1 on every dimension: neighbours are mostly within a type
    return synthetic_cell_types(
        n_cells=n, n_genes=DIMENSIONS, means=(1.0, 0.0, -1.0), seed=0
    )


def _gcn_epoch_s(X, y, edge_index) -> float:
    import numpy as np
    import torch

    from helpers.models import GCN

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
    return float(np.mean(times[1:]))


def run_one(route: str, n: int) -> dict:
    """One measurement in this (fresh) process; imports and data are outside the timer."""
    import torch
    from sklearn.neighbors import kneighbors_graph
    from torch_geometric.utils import dense_to_sparse

    from helpers.graphs import affinity_graph, fuse_graphs, knn_graph, threshold_graph

    if route not in CALLS:
        raise ValueError(f"unknown route {route!r}")
    cells = _cells(n)
    X, y = cells["X"], torch.from_numpy(cells["y"]).long()
    views = None
    if route == "fuse_graphs":  # the views' graphs are the input, built beforehand
        half = DIMENSIONS // 2
        views = [affinity_graph(X[:, :half]), affinity_graph(X[:, half:])]
    result = {"route": route, "cells": n, "baseline_mb": _peak_mb()}
    start = time.perf_counter()
    if route == REFERENCE:
        graph = kneighbors_graph(X, K)
        edges = int(graph.nnz)
    elif route == "dense":
        dense = kneighbors_graph(X, K).toarray()
        edges = int(dense_to_sparse(torch.from_numpy(dense))[0].shape[1])
    elif route == "knn_graph":
        edge_index, _ = knn_graph(X, K)
        edges = int(edge_index.shape[1])
    elif route == "knn_graph euclidean":
        edges = int(knn_graph(X, K, metric="euclidean")[0].shape[1])
    elif route == "threshold_graph":
        edges = int(threshold_graph(X)[0].shape[1])
    elif route == "affinity_graph":
        edges = int(affinity_graph(X)[0].shape[1])
    elif route == "fuse_graphs":
        edges = int(fuse_graphs(views, n)[0].shape[1])
    result["graph_s"] = time.perf_counter() - start
    result["edges"] = edges
    result["peak_mb"] = _peak_mb()
    if route == "knn_graph":
        result["epoch_s"] = _gcn_epoch_s(X, y, edge_index)
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
    "call",
    "edges",
    "graph_s",
    "x_sklearn",
    "peak_mb",
    "baseline_mb",
    "epoch_s",
    "note",
]


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return str(value)


def add_ratios(rows: list[dict]) -> None:
    """Each row's time over the mean of the scikit-learn runs at the same size."""
    for n in {r["cells"] for r in rows}:
        ref = [
            r["graph_s"]
            for r in rows
            if r["cells"] == n and r["route"] == REFERENCE and "graph_s" in r
        ]
        if not ref:
            continue
        mean = sum(ref) / len(ref)
        for r in rows:
            if r["cells"] == n and "graph_s" in r:
                r["x_sklearn"] = r["graph_s"] / mean


def write_tables(rows: list[dict], out: Path = OUT) -> str:
    add_ratios(rows)
    for row in rows:
        row["call"] = f"`{CALLS[row['route']]}`"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "scaling.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    lines = [
        f"# Scaling: the chapters' graph builders ({DIMENSIONS} dimensions, "
        "default arguments) and one GCN epoch",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, "
        f"{_cpu_count()} CPU threads, Python {platform.python_version()}. "
        "`graph_s`: the call alone; `x_sklearn`: over the mean time of scikit-learn's "
        f"exact `kneighbors_graph(X, {K})` at the same size (measured before and after "
        "the builders); `peak_mb`: peak resident memory of the process, imports "
        "included (`baseline_mb` after imports and data); `epoch_s`: one full-batch "
        "GCN training epoch on the `knn_graph` graph.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        lines.append("| " + " | ".join(_fmt(row.get(c)) for c in COLUMNS) + " |")
    lines += ["", *verdicts(rows)]
    text = "\n".join(lines) + "\n"
    (out / "scaling.md").write_text(text)
    return text


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0


def verdicts(rows: list[dict]) -> list[str]:
    """The targets of the course (issue 18), for every builder at the largest size."""
    sizes = [r["cells"] for r in rows]
    if not sizes:
        return ["Targets not checked: no measurement."]
    largest = max(sizes)
    at = {r["route"]: r for r in rows if r["cells"] == largest}
    lines = []
    for route in BUILDERS:
        row = at.get(route, {})
        if "x_sklearn" not in row:
            lines.append(
                f"- At {largest:,} cells: `{CALLS[route]}` not measured (target "
                f"<= {TARGET_RATIO}x scikit-learn, < {TARGET_PEAK_MB} MB): NOT met"
            )
            continue
        ok = row["x_sklearn"] <= TARGET_RATIO and row["peak_mb"] < TARGET_PEAK_MB
        lines.append(
            f"- At {largest:,} cells: `{CALLS[route]}` {row['x_sklearn']:.2f}x "
            f"scikit-learn's kneighbors_graph, {row['peak_mb']:.0f} MB peak (target "
            f"<= {TARGET_RATIO}x, < {TARGET_PEAK_MB} MB): {'met' if ok else 'NOT met'}"
        )
    epoch = at.get("knn_graph", {}).get("epoch_s")
    if epoch is None:
        lines.append(f"- At {largest:,} cells: GCN epoch not measured: NOT met")
    else:
        lines.append(
            f"- At {largest:,} cells: GCN epoch {epoch:.2f} s on the default kNN "
            f"graph (target < {TARGET_EPOCH_S} s): "
            f"{'met' if epoch < TARGET_EPOCH_S else 'NOT met'}"
        )
    return lines


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(argv[1], int(argv[2]))))
        return 0
    out, routes = OUT, ROUTES
    while argv[:1] in (["--out"], ["--routes"]):
        if argv[0] == "--out":
            out = Path(argv[1]).resolve()
        else:
            wanted = argv[1].split(",")
            unknown = set(wanted) - set(CALLS)
            if unknown:
                raise SystemExit(
                    f"unknown routes {sorted(unknown)}; known: {list(CALLS)}"
                )
            routes = [r for r in ROUTES if r in wanted]
        argv = argv[2:]
    sizes = [int(a) for a in argv] or [10000, 30000, 100000]
    rows = []
    for n in sizes:
        for route in routes:
            rows.append(measure(route, n))
            shown = {k: _fmt(v) for k, v in rows[-1].items()}
            print(f"{n:>7} cells, {route}: {shown}", flush=True)
    print(write_tables(rows, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
