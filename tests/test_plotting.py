"""Tests of helpers.plotting (chapters 0-1)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import draw_graph, plot_embeddings, use_course_style  # noqa: E402


def test_use_course_style_sets_dpi_and_palette():
    with matplotlib.rc_context():
        use_course_style()
        assert matplotlib.rcParams["figure.dpi"] == 80
        assert (
            matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0]
            == matplotlib.colormaps["tab10"].colors[0]
        )


def test_draw_graph_returns_positions_and_title():
    g = nx.path_graph(4)
    fig, ax = plt.subplots()
    pos = draw_graph(g, [0, 0, 1, 1], ax=ax, title="a path")
    assert set(pos) == set(g.nodes)
    assert ax.get_title() == "a path"
    assert len(ax.get_legend().get_texts()) == 2
    plt.close(fig)


def test_draw_graph_bad_labels():
    with pytest.raises(ValueError, match="labels has 3"):
        draw_graph(nx.path_graph(4), [0, 1, 0])


def test_plot_embeddings_labels_axes():
    fig, ax = plt.subplots()
    plot_embeddings(
        np.zeros((3, 2)), [0, 1, 1], ax=ax, title="t", xlabel="x", ylabel="y"
    )
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("t", "x", "y")
    assert len(ax.texts) == 3
    plt.close(fig)


def test_plot_embeddings_bad_input():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plot_embeddings(np.zeros((3, 3)), [0, 1, 1])
    with pytest.raises(ValueError, match="labels has 2"):
        plot_embeddings(np.zeros((3, 2)), [0, 1])


def test_draw_graph_colour_edges_and_highlight():
    g = nx.path_graph(4)
    fig, ax = plt.subplots()
    draw_graph(g, [0, 0, 1, 1], ax=ax, highlight=[3], colour_edges=True)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["0", "1", "same class", "different class", "test node"]
    plt.close(fig)
    with pytest.raises(ValueError, match="highlight"):
        draw_graph(g, [0, 0, 1, 1], highlight=[9])


def test_plot_embeddings_annotates_selected_points():
    fig, ax = plt.subplots()
    plot_embeddings(np.zeros((5, 2)), [0, 1, 1, 0, 0], ax=ax, annotate=[1, 3])
    assert [t.get_text() for t in ax.texts] == ["1", "3"]
    plt.close(fig)


def test_plot_accuracy_bars_draws_bars_points_and_lines():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from helpers import plot_accuracy_bars

    mean = pd.Series({"a": 0.7, "b": 0.8, "c": 0.6})
    sd = pd.Series({"a": 0.05, "b": 0.04, "c": 0.03})
    points = pd.Series({"a": 0.72, "b": 0.75, "c": 0.65})
    fig, ax = plt.subplots()
    out = plot_accuracy_bars(
        mean, sd, points=points, lines={"reported": 0.81, "chance": 0.5}, ax=ax
    )
    assert out is ax
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert ax.yaxis_inverted()  # first method on top
    assert len(ax.lines) >= 2  # the two reference lines
    labels = ax.get_legend_handles_labels()[1]
    assert {"reported", "chance"} <= set(labels)
    plt.close(fig)


def test_plot_accuracy_bars_rejects_bad_input():
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from helpers import plot_accuracy_bars

    mean = pd.Series({"a": 0.7, "b": 0.8})
    with pytest.raises(ValueError, match="mean"):
        plot_accuracy_bars(pd.Series(dtype=float), pd.Series(dtype=float))
    with pytest.raises(ValueError, match="sd"):
        plot_accuracy_bars(mean, pd.Series({"a": 0.1}))
    with pytest.raises(ValueError, match="points"):
        plot_accuracy_bars(mean, mean, points=pd.Series({"b": 0.1, "c": 0.2}))


def test_plot_embeddings_legend_outside_the_points():
    # the legend sits right of the axes, so it never hides a point or its number
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots()
    plot_embeddings(rng.normal(size=(30, 2)), rng.integers(0, 3, 30), ax=ax)
    fig.canvas.draw()
    legend_box = ax.get_legend().get_window_extent()
    assert legend_box.x0 >= ax.get_window_extent().x1
    plt.close(fig)
