"""Figures shared by the chapters, introduced in chapter 1 (``01_node2vec_karate.ipynb``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import _PUBLIC

__all__ = list(_PUBLIC["plotting"])

#: Colour-blind-safe qualitative palette used for classes and communities.
PALETTE = "tab10"


def use_course_style() -> None:
    """Apply the course's matplotlib style: modest DPI, readable fonts, ``tab10`` colours.

    Introduced in chapter 0. Call it once in a notebook's imports cell; importing
    ``helpers`` never changes the style by itself.
    """
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.dpi": 80,
            "savefig.dpi": 80,
            "figure.figsize": (6.0, 4.0),
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "axes.grid": False,
            "axes.prop_cycle": mpl.cycler(color=mpl.colormaps[PALETTE].colors),
            "legend.frameon": False,
            "image.cmap": "viridis",
        }
    )


def _label_colours(labels) -> list:
    import matplotlib as mpl

    cmap = mpl.colormaps[PALETTE]
    return [cmap(int(c) % cmap.N) for c in labels]


def draw_graph(
    graph,
    labels,
    ax=None,
    title: str = "",
    pos=None,
    seed: int = 0,
    legend_title="community",
    highlight=(),
    colour_edges: bool = False,
    node_size: int = 260,
    with_labels: bool = True,
    highlight_label: str = "test node",
):
    """Draw a networkx graph with nodes coloured by label and numbered.

    Introduced in chapter 1; chapter 2 adds ``highlight`` and ``colour_edges``.

    Parameters
    ----------
    graph : networkx.Graph
        The graph to draw.
    labels : sequence of int
        One class/community per node, in ``graph.nodes`` order.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    title : str
        Axes title.
    pos : dict, optional
        Node positions; a seeded spring layout when omitted.
    seed : int
        Seed of the spring layout.
    legend_title : str
        Title of the colour legend.
    highlight : sequence of int
        Nodes drawn larger, with a thick outline (for example the test nodes).
    highlight_label : str
        Legend entry of the highlighted nodes.
    colour_edges : bool
        Draw edges within a class solid and dark, edges between classes dashed and red.
    node_size : int
        Marker area of ordinary nodes.
    with_labels : bool
        Write each node's number on it.

    Returns
    -------
    dict
        The node positions used, so a second figure can reuse them.

    Raises
    ------
    ValueError
        If ``labels`` does not have one entry per node, or ``highlight`` names a
        node that is not in the graph.
    """
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.lines import Line2D

    labels = np.asarray(labels)
    nodes = list(graph.nodes)
    if labels.shape[0] != len(nodes):
        raise ValueError(
            f"labels has {labels.shape[0]} entries but the graph has {len(nodes)} nodes"
        )
    missing = set(highlight) - set(nodes)
    if missing:
        raise ValueError(
            f"highlight names nodes that are not in the graph: {sorted(missing)}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    pos = nx.spring_layout(graph, seed=seed) if pos is None else pos
    label_of = dict(zip(nodes, labels, strict=True))
    handles = []
    if colour_edges:
        same = [(u, v) for u, v in graph.edges if label_of[u] == label_of[v]]
        diff = [(u, v) for u, v in graph.edges if label_of[u] != label_of[v]]
        nx.draw_networkx_edges(
            graph, pos, edgelist=same, ax=ax, edge_color="0.25", width=1.5
        )
        nx.draw_networkx_edges(
            graph, pos, edgelist=diff, ax=ax, edge_color="#d62728", style="dashed"
        )
        handles += [
            Line2D([], [], color="0.25", lw=1.5, label="same class"),
            Line2D([], [], color="#d62728", ls="--", label="different class"),
        ]
    else:
        nx.draw_networkx_edges(graph, pos, ax=ax, alpha=0.35)
    sizes = [node_size * 2.5 if n in set(highlight) else node_size for n in nodes]
    widths = [3.0 if n in set(highlight) else 1.0 for n in nodes]
    nx.draw_networkx_nodes(
        graph,
        pos,
        ax=ax,
        node_color=_label_colours(labels),
        node_size=sizes,
        edgecolors="black",
        linewidths=widths,
    )
    if with_labels:
        nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            color=_label_colours([c])[0],
            markeredgecolor="black",
            label=str(c),
        )
        for c in np.unique(labels)
    ] + handles
    if len(highlight):
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                color="white",
                markeredgecolor="black",
                markeredgewidth=3,
                markersize=12,
                label=highlight_label,
            )
        )
    ax.legend(handles=handles, title=legend_title, loc="best", fontsize=8)
    ax.set_title(title)
    ax.set_axis_off()
    return pos


def plot_embeddings(
    points,
    labels,
    ax=None,
    title: str = "",
    annotate: bool | Sequence[int] = True,
    xlabel="t-SNE 1",
    ylabel="t-SNE 2",
    legend_title="community",
):
    """Scatter a 2-D embedding coloured by label, optionally with node numbers.

    Introduced in chapter 1 (t-SNE of Node2Vec embeddings).

    Parameters
    ----------
    points : array-like
        Shape ``(num_nodes, 2)``.
    labels : sequence of int
        One label per point.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    title, xlabel, ylabel : str
        Axes title and axis labels.
    annotate : bool or sequence of int
        Write each point's index next to it (``True``), or only these points' indices.
    legend_title : str
        Title of the colour legend, drawn right of the axes.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``points`` is not ``(n, 2)`` or ``labels`` has a different length.
    """
    import matplotlib.pyplot as plt

    points, labels = np.asarray(points), np.asarray(labels)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {points.shape}")
    if labels.shape[0] != points.shape[0]:
        raise ValueError(
            f"labels has {labels.shape[0]} entries but points has {points.shape[0]} rows"
        )
    if ax is None:
        _, ax = plt.subplots()
    for c in np.unique(labels):
        sel = labels == c
        ax.scatter(
            points[sel, 0],
            points[sel, 1],
            color=_label_colours([c])[0],
            edgecolors="black",
            s=50,
            label=str(c),
        )
    if isinstance(annotate, bool):
        to_annotate = range(len(points)) if annotate else []
    else:
        to_annotate = [int(i) for i in annotate]
    for i in to_annotate:
        ax.annotate(
            str(i), points[i], fontsize=7, xytext=(3, 3), textcoords="offset points"
        )
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    # right of the axes: a legend inside could hide a point or its number
    ax.legend(title=legend_title, fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    return ax


def plot_accuracy_bars(
    mean,
    sd,
    points=None,
    lines: dict[str, float] | None = None,
    ax=None,
    *,
    bar_label: str = "mean ± sd",
    point_label: str = "one split",
    xlim: tuple[float, float] = (0.0, 1.0),
    xlabel: str = "test accuracy",
):
    """Horizontal bars of each method's mean score ± sd, with optional dots and reference lines.

    Introduced in chapter 7 (``07_rosmap_alzheimers.ipynb``) for its comparison
    table: one bar per method (first method on top), its error bar, a dot per
    method for a single split, and vertical lines for reference values.

    Parameters
    ----------
    mean, sd : pandas.Series
        Mean score and its standard deviation, indexed by method (same index).
    points : pandas.Series, optional
        One more value per method (same index), drawn as a dot.
    lines : dict, optional
        Label -> x position of a vertical reference line (the first dashed and
        black, the others dotted and grey).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.
    bar_label, point_label, xlim, xlabel :
        Legend labels of the bars and dots, x range and x label.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on (the legend is placed below them).

    Raises
    ------
    ValueError
        If ``mean`` is empty, or ``sd`` or ``points`` is not indexed like ``mean``.
    """
    import matplotlib.pyplot as plt

    if len(mean) == 0:
        raise ValueError("mean must hold at least one method")
    for name, values in [("sd", sd), ("points", points)]:
        if values is not None and list(values.index) != list(mean.index):
            raise ValueError(f"{name} must have the same index as mean")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.4 * len(mean) + 1.5))
    positions = np.arange(len(mean))
    ax.barh(positions, mean, xerr=sd, capsize=3, color="tab:blue", label=bar_label)
    if points is not None:
        ax.scatter(points, positions, color="tab:orange", zorder=3, label=point_label)
    for i, (label, x) in enumerate((lines or {}).items()):
        style = dict(color="black", ls="--") if i == 0 else dict(color="grey", ls=":")
        ax.axvline(x, label=label, **style)
    ax.set_yticks(positions, list(mean.index))
    ax.invert_yaxis()
    ax.set(xlabel=xlabel, xlim=xlim)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=2)
    return ax
