"""Set-overlap baselines the engine is measured against: Jaccard and TF-IDF cosine.

Both score exact item matches only (no sub-technique credit, no type weights), which is what
ATT&CK-overlap tools commonly do. They see the same resolved query as the engine.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cyberdiplomacy.attribution.profiles import GroupProfiles, Query

Scores = NDArray[np.float64]


def _membership(profiles: GroupProfiles) -> tuple[dict[str, int], NDArray[np.float64]]:
    keys = sorted(profiles.items)
    index = {key: n for n, key in enumerate(keys)}
    matrix = np.zeros((len(profiles.groups), len(keys)))
    for row, group in enumerate(profiles.groups):
        matrix[row, [index[k] for k in group.items]] = 1.0
    return index, matrix


class Jaccard:
    """Shared items over the union of items (techniques, software and facets)."""

    def __init__(self, profiles: GroupProfiles) -> None:
        self.index, self.matrix = _membership(profiles)
        self.sizes = self.matrix.sum(axis=1)

    def scores(self, query: Query) -> Scores:
        """One score per group, in the order of `profiles.groups`."""
        columns = [self.index[k] for k in query.keys if k in self.index]
        shared = self.matrix[:, columns].sum(axis=1)
        union = self.sizes + len(query.keys) - shared
        ratio: Scores = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        return ratio


class TfidfCosine:
    """Cosine between binary TF-IDF vectors, with scikit-learn's smoothed IDF."""

    def __init__(self, profiles: GroupProfiles) -> None:
        self.index, membership = _membership(profiles)
        frequency = membership.sum(axis=0)
        self.idf = np.log((1 + len(profiles.groups)) / (1 + frequency)) + 1
        weighted = membership * self.idf
        norms = np.linalg.norm(weighted, axis=1, keepdims=True)
        self.matrix = np.divide(weighted, norms, out=np.zeros_like(weighted), where=norms > 0)

    def scores(self, query: Query) -> Scores:
        """One score per group, in the order of `profiles.groups`."""
        columns = [self.index[k] for k in query.keys if k in self.index]
        weights = self.idf[columns]
        norm = float(np.linalg.norm(weights))
        if norm == 0:
            return np.zeros(self.matrix.shape[0])
        return np.asarray(self.matrix[:, columns] @ (weights / norm), dtype=np.float64)
