"""Shared code of the course *GNNs for Integrative Omics*.

Importing this package does nothing by itself: no seeding, no style change, no
network access, and not even ``import torch`` until a name that needs it is used
(names are loaded lazily, so ``00_setup_check`` can report a missing package
instead of failing on import).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> submodule that defines it
_EXPORTS = {
    "set_seed": "reproducibility",
    "use_course_style": "plotting",
    "draw_graph": "plotting",
    "plot_embeddings": "plotting",
    "plot_accuracy_bars": "plotting",
    "Node2Vec": "node2vec",
    "random_walk": "node2vec",
    "to_csr": "node2vec",
    "train_node2vec": "embedding_eval",
    "heldout_accuracy": "embedding_eval",
    "cluster_ari": "embedding_eval",
    "node2vec_experiment": "embedding_eval",
    "l2_normalize": "embedding_eval",
    "summarise": "embedding_eval",
    "random_citation_graph": "datasets",
    "classical_mds": "datasets",
    "latent_factor_data": "datasets",
    "threshold_graph": "graphs",
    "knn_graph": "graphs",
    "edge_homophily": "graphs",
    "class_homophily": "graphs",
    "node_degrees": "graphs",
    "GCN": "models",
    "MLP": "models",
    "random_split": "training",
    "stratified_split": "training",
    "train_node_classifier": "training",
    "accuracy": "training",
    "majority_baseline": "training",
    "logistic_regression_baseline": "training",
    "repeated_node_classification": "training",
    "compare_on_graphs": "training",
    "logistic_regression_over_splits": "training",
    "synthetic_cell_types": "datasets",
    "NormLossGCN": "clustering",
    "train_norm_loss": "clustering",
    "DGIEncoder": "clustering",
    "train_dgi": "clustering",
    "match_clusters": "clustering",
    "compare_clusterings": "clustering",
    "GAT": "models",
    "kernel_graph": "graphs",
    "attention_entropy": "attention",
    "same_label_attention": "attention",
    "representation_spread": "attention",
    "grid_search": "training",
    "fit_seeded": "training",
    "multiomics_data": "datasets",
    "fuse_graphs": "graphs",
    "integration_experiment": "integration",
    "view_homophily": "integration",
    "load_rosmap": "rosmap",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))
