"""Shared code of the course *GNNs for Integrative Omics*, organised by role.

==================  ==========================================================
``data``            the generators and the real data (ROSMAP), view scaling
``graphs``          graph builders (kNN, threshold, affinity) and measures
``models``          Node2Vec, GCN, MLP, the clustering encoders, GAT
``training``        the one training loop, and the trainers built on it
``evaluation``      splits, metrics, baselines, attention measures, summaries
``experiments``     the drivers that repeat a chapter's procedure over seeds
``plotting``        the course's figure style, graph and embedding plots
``reproducibility`` seeds
``setup_check``     the checks of ``00_setup_check``
==================  ==========================================================

Every public name is importable from the package itself (``from helpers import
knn_graph``). :data:`_PUBLIC` is the one list of them: each module's ``__all__`` is
read from it, and a test checks that every public function and class is in it.

Importing this package does nothing by itself: no seeding, no style change, no
network access, and not even ``import torch`` until a name that needs it is used
(names are loaded lazily, so ``00_setup_check`` can report a missing package
instead of failing on import).
"""

from __future__ import annotations

import importlib

__version__ = "0.2.0"

#: module -> its public names, the package's one list of them
_PUBLIC = {
    "data": (
        "random_citation_graph",
        "classical_mds",
        "latent_factor_data",
        "synthetic_cell_types",
        "multiomics_data",
        "standardise_views",
        "concatenate_views",
        "load_rosmap",
    ),
    "graphs": (
        "threshold_graph",
        "knn_graph",
        "affinity_graph",
        "fuse_graphs",
        "edge_homophily",
        "class_homophily",
        "node_degrees",
    ),
    "models": (
        "Node2Vec",
        "random_walk",
        "to_csr",
        "GCN",
        "MLP",
        "NormLossGCN",
        "DGIEncoder",
        "GAT",
    ),
    "training": (
        "train_loop",
        "train_node2vec",
        "train_node_classifier",
        "train_norm_loss",
        "train_dgi",
    ),
    "evaluation": (
        "random_split",
        "stratified_split",
        "accuracy",
        "majority_baseline",
        "logistic_regression_baseline",
        "heldout_accuracy",
        "cluster_ari",
        "l2_normalise",
        "match_clusters",
        "attention_entropy",
        "same_label_attention",
        "representation_spread",
        "summarise",
        "paired_differences",
    ),
    "experiments": (
        "node2vec_experiment",
        "fit_seeded",
        "repeated_node_classification",
        "compare_on_graphs",
        "logistic_regression_over_splits",
        "compare_clusterings",
        "grid_search",
        "integration_experiment",
        "view_homophily",
    ),
    "plotting": (
        "use_course_style",
        "draw_graph",
        "plot_embeddings",
        "plot_accuracy_bars",
    ),
    "reproducibility": ("set_seed",),
    "setup_check": (
        "check_packages",
        "format_report",
        "hardware_summary",
        "smoke_train",
    ),
}

# public name -> the module that defines it (generated from _PUBLIC)
_EXPORTS = {name: module for module, names in _PUBLIC.items() for name in names}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))
