"""A shopper's taste as one vector: the recency- and event-weighted mean of the vectors of the
products they interacted with, minus what they disliked."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

DISLIKE_WEIGHT = 0.5  # a dislike pushes away half as hard as a like pulls


def taste_vector(
    vectors: Mapping[str, np.ndarray],
    weights: Mapping[str, float],
    dislikes: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray | None:
    """Unit vector of sum(w * v) / sum(w) - DISLIKE_WEIGHT * mean(disliked); None with nothing to go on."""
    liked = [(weights[p], v) for p, v in vectors.items() if weights.get(p, 0.0) > 0]
    if not liked and not dislikes:
        return None
    dim = len(next(iter(vectors.values() if vectors else (dislikes or {}).values())))
    profile = np.zeros(dim, dtype=np.float64)
    if liked:
        total = sum(w for w, _ in liked)
        profile += sum(w * _unit(v) for w, v in liked) / total
    if dislikes:
        profile -= DISLIKE_WEIGHT * np.mean([_unit(v) for v in dislikes.values()], axis=0)
    norm = np.linalg.norm(profile)
    return profile / norm if norm > 0 else None


def _unit(vector: np.ndarray) -> np.ndarray:
    v = np.asarray(vector, dtype=np.float64)
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v
