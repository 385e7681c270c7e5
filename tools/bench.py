#!/usr/bin/env python3
"""Time every notebook in a fresh kernel, next to the import-only floor (`make bench`).

Writes _build/bench/notebooks.csv and _build/bench/notebooks.md with, per notebook: wall
time (from the kernel's start to the last cell's output; the kernel's shutdown afterwards
is not counted), peak memory of the kernel process, and the ratio to the
floor (measured again right before each notebook), a fresh kernel that only imports torch, torch_geometric, scikit-learn, matplotlib
and networkx. The course's budget is 2.5x the floor per notebook and 2 minutes in all.
This is a benchmark, not a test: numbers depend on the machine and on its load.

Usage: python tools/bench.py [--repeat N] [NOTEBOOK ...]   (default: notebooks/*.ipynb,
                                                      best of N = 2 runs each)
       python tools/bench.py --update-guide          (tables into the guide, summary into the README)
       python tools/bench.py --one NOTEBOOK          (internal: one run, prints JSON)

``--update-guide`` rewrites the block between ``<!-- bench:start -->`` and
``<!-- bench:end -->`` of book/instructor_guide.md with _build/bench/notebooks.md and
the verdicts of _build/bench/scaling.md, and the block between
``<!-- bench-summary:start -->`` and ``<!-- bench-summary:end -->`` of README.md with a
one-paragraph summary (``make bench`` does all three steps).
"""

import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "bench"
BUDGET_RATIO = 2.5
COURSE_BUDGET_S = 120.0
REPEAT = 2  # runs of each notebook and of its floor; the fastest counts
FLOOR = "import-only floor"
FLOOR_SOURCE = "import torch\nimport torch_geometric\nimport sklearn\nimport matplotlib.pyplot as plt\nimport networkx"


def run_one(target: str) -> dict:
    """Execute one notebook (or the floor) in a fresh kernel; this process's only child is that kernel."""
    import nbformat
    from nbclient import NotebookClient

    if target == FLOOR:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
        path = ROOT / "notebooks"
    else:
        nb = nbformat.read(target, as_version=4)
        path = Path(target).resolve().parent
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path)}},
    )
    start = time.perf_counter()
    with client.setup_kernel():  # starts the kernel; shuts it down on exit
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        # what a student waits for: kernel start to the last cell's output. The
        # kernel's shutdown (2-3 s of interpreter teardown after importing torch and
        # PyG, which nobody waits for) is left out of the time
        wall = time.perf_counter() - start
    peak_kb = resource.getrusage(
        resource.RUSAGE_CHILDREN
    ).ru_maxrss  # the kernel, reaped at shutdown
    return {"wall_s": wall, "peak_mb": peak_kb / 1024}


def measure(target: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--one", target],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


GUIDE = ROOT / "book" / "instructor_guide.md"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SUMMARY_START, SUMMARY_END = (
    "<!-- bench-summary:start -->",
    "<!-- bench-summary:end -->",
)


def replace_block(text: str, start: str, end: str, block: str) -> str:
    """Return ``text`` with the lines between the markers ``start`` and ``end`` replaced by ``block``."""
    if start not in text or end not in text.split(start, 1)[1]:
        raise ValueError(f"the text lacks the markers {start} ... {end}")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + "\n" + block + "\n" + end + tail


def summary(rows: list[dict], verdicts: list[str], measured: str) -> str:
    """One paragraph for the README: the course total, the slowest chapter, the scaling verdicts.

    ``rows`` are those of ``_build/bench/notebooks.csv`` (``notebook``, ``wall_s``,
    ``ratio_to_floor``); ``verdicts`` the scaling run's lines, each ending in ``met`` or
    ``not met`` (none when the scaling half did not run); ``measured`` the date.
    """
    if not rows:
        raise ValueError("rows is empty: run the notebook half of `make bench` first")
    total = sum(float(r["wall_s"]) for r in rows)
    worst = max(rows, key=lambda r: float(r["ratio_to_floor"]))
    ratio = float(worst["ratio_to_floor"])
    text = (
        f"Measured {measured} by `make bench`: every notebook, each in a fresh "
        f"kernel, {total:.1f} s in all ({'within' if total <= COURSE_BUDGET_S else 'over'} "
        f"the {COURSE_BUDGET_S:.0f} s budget); the slowest relative to the import-only floor, "
        f"{worst['notebook']} at {ratio:.2f}x ({'within' if ratio <= BUDGET_RATIO else 'over'} "
        f"the {BUDGET_RATIO}x budget)."
    )
    if verdicts:
        met = sum(1 for v in verdicts if v.rstrip().endswith(": met"))
        text += (
            f" Graph builders and a GCN epoch at 100,000 cells: {met} of {len(verdicts)} "
            "scaling targets met."
        )
    return text + " Tables and the run-to-run spread: `book/instructor_guide.md`."


def update_guide() -> None:
    """Quote the latest benchmark tables in the instructor guide, and their summary in the README."""
    notebooks = OUT / "notebooks.md"
    if not notebooks.exists():
        raise SystemExit("no _build/bench/notebooks.md: run `make bench` first")
    block = [notebooks.read_text().strip()]
    scaling = OUT / "scaling.md"
    verdicts = []
    if scaling.exists():
        verdicts = [
            line for line in scaling.read_text().splitlines() if line.startswith("- ")
        ]
        block += [
            "",
            "Scaling run (every graph builder the chapters call, with its default "
            "arguments, on 50 dimensions, next to scikit-learn's exact "
            "`kneighbors_graph(X, 15)`; then one GCN epoch; full table (by default 10,000, "
            "30,000 and 100,000 cells) in `_build/bench/scaling.md`):",
            "",
            *verdicts,
        ]
    GUIDE.write_text(replace_block(GUIDE.read_text(), START, END, "\n".join(block)))
    with open(OUT / "notebooks.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    measured = notebooks.read_text().split()[1]  # "Measured YYYY-MM-DD on ..."
    README.write_text(
        replace_block(
            README.read_text(),
            SUMMARY_START,
            SUMMARY_END,
            summary(rows, verdicts, measured),
        )
    )
    print(f"updated {GUIDE.relative_to(ROOT)} and {README.relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(argv[1])))
        return 0
    if argv[:1] == ["--update-guide"]:
        update_guide()
        return 0
    repeat = REPEAT
    if argv[:1] == ["--repeat"]:
        repeat, argv = int(argv[1]), argv[2:]
    books = argv or sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb")
    )
    # The floor is measured again right before every notebook: this machine's speed
    # drifts during a run (1.5-2x over a day here), and a ratio to a floor measured
    # minutes earlier would mix that drift into the chapter's cost. Each pair (floor,
    # notebook) runs `repeat` times and the fastest of each is kept: noise only ever
    # adds time, so the minimum is the usual estimate of the cost itself.
    rows, floors = [], []
    for book in books:
        pairs = [(measure(FLOOR), measure(book)) for _ in range(repeat)]
        floor = min((f for f, _ in pairs), key=lambda r: r["wall_s"])
        m = min((b for _, b in pairs), key=lambda r: r["wall_s"])
        floors.append(floor)
        ratio = m["wall_s"] / floor["wall_s"]
        rows.append(
            {
                "notebook": Path(book).stem,
                "wall_s": round(m["wall_s"], 1),
                "peak_mb": round(m["peak_mb"]),
                "floor_s": round(floor["wall_s"], 1),
                "ratio_to_floor": round(ratio, 3),
                "within_budget": ratio <= BUDGET_RATIO,
            }
        )
        print(
            f"{book}: {m['wall_s']:.1f} s, floor just before {floor['wall_s']:.1f} s "
            f"({ratio:.2f}x floor), {m['peak_mb']:.0f} MB",
            flush=True,
        )
    floor = {
        "wall_s": float(np.median([f["wall_s"] for f in floors])),
        "peak_mb": float(np.median([f["peak_mb"] for f in floors])),
    }
    total = sum(r["wall_s"] for r in rows)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "notebooks.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()} with {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"each time the fastest of {repeat} runs; "
        f"floor ({FLOOR}, measured before every notebook) median {floor['wall_s']:.1f} s, "
        f"{floor['peak_mb']:.0f} MB; "
        f"budget {BUDGET_RATIO}x floor per notebook, {COURSE_BUDGET_S:.0f} s for the course.",
        "",
        "| notebook | wall time (s) | peak memory (MB) | floor just before (s) | x floor | within budget |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    lines += [
        f"| {r['notebook']} | {r['wall_s']} | {r['peak_mb']} | {r['floor_s']} | {r['ratio_to_floor']:.3f} | "
        f"{'yes' if r['within_budget'] else 'no'} |"
        for r in rows
    ]
    lines.append(
        f"| **all notebooks** | {total:.1f} | | | | {'yes' if total <= COURSE_BUDGET_S else 'no'} |"
    )
    (OUT / "notebooks.md").write_text("\n".join(lines) + "\n")
    print(f"all notebooks: {total:.1f} s; tables in {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
