"""tools/bench.py (`make bench`): the summary it quotes in the README, and its quoted blocks."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("bench", ROOT / "tools" / "bench.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

ROWS = [
    {"notebook": "01_node2vec_karate", "wall_s": "7.5", "ratio_to_floor": "2.240"},
    {"notebook": "04_gcn_cell_clustering", "wall_s": "8.1", "ratio_to_floor": "2.390"},
    {"notebook": "A1_scaling", "wall_s": "4.3", "ratio_to_floor": "1.280"},
]
VERDICTS = [
    "- At 100,000 cells: `knn_graph(X, 15)` 1.04x scikit-learn's kneighbors_graph: met",
    "- At 100,000 cells: GCN epoch 0.82 s on the default kNN graph (target < 2.0 s): met",
]


def test_summary_names_the_total_the_slowest_chapter_and_the_verdicts():
    text = bench.summary(ROWS, VERDICTS, "2026-11-29")
    assert "2026-11-29" in text
    assert "19.9 s" in text and "within the 120 s budget" in text
    assert "04_gcn_cell_clustering at 2.39x" in text and "within" in text
    assert "2 of 2" in text


def test_summary_says_when_a_budget_is_missed():
    slow = [{**ROWS[1], "wall_s": "130.0", "ratio_to_floor": "2.600"}]
    missed = [VERDICTS[0].replace(": met", ": not met"), VERDICTS[1]]
    text = bench.summary(slow, missed, "2026-11-29")
    assert "over the 120 s budget" in text
    assert "2.60x" in text and "over the 2.5x budget" in text
    assert "1 of 2" in text


def test_summary_without_a_scaling_run():
    assert "scaling" not in bench.summary(ROWS, [], "2026-11-29").lower()


def test_summary_bad_input():
    with pytest.raises(ValueError, match="rows"):
        bench.summary([], VERDICTS, "2026-11-29")


def test_replace_block_keeps_the_text_around_it():
    text = "head\n<!-- a -->\nold\n<!-- b -->\ntail\n"
    assert (
        bench.replace_block(text, "<!-- a -->", "<!-- b -->", "new")
        == "head\n<!-- a -->\nnew\n<!-- b -->\ntail\n"
    )
    with pytest.raises(ValueError, match="markers"):
        bench.replace_block("no markers here", "<!-- a -->", "<!-- b -->", "new")


def test_the_readme_and_the_guide_carry_the_markers():
    readme = (ROOT / "README.md").read_text()
    guide = (ROOT / "book" / "instructor_guide.md").read_text()
    assert bench.SUMMARY_START in readme and bench.SUMMARY_END in readme
    assert bench.START in guide and bench.END in guide
