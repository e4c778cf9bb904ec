"""Client-side fusion of ranked lists. In-engine RRF is the default; these are the weighted
score-normalised alternative and a reference RRF for tests and explain output."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Ranking = Sequence[tuple[str, float]]  # (doc id, score), best first


def min_max(scores: Sequence[float]) -> list[float]:
    """Scale to [0, 1]; a list of equal scores maps to all ones (each is the best it has)."""
    if not scores:
        return []
    low, high = min(scores), max(scores)
    if high == low:
        return [1.0] * len(scores)
    return [(s - low) / (high - low) for s in scores]


def weighted_score_fusion(
    rankings: Mapping[str, Ranking], weights: Mapping[str, float]
) -> list[tuple[str, float]]:
    """Sum of weight x min-max-normalised score; a document missing from a list gets 0 from it."""
    fused: dict[str, float] = {}
    for name, ranking in rankings.items():
        weight = weights.get(name, 1.0)
        for (doc, _), norm in zip(ranking, min_max([s for _, s in ranking]), strict=True):
            fused[doc] = fused.get(doc, 0.0) + weight * norm
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def reciprocal_rank_fusion(
    rankings: Mapping[str, Ranking], weights: Mapping[str, float], k: int = 60
) -> list[tuple[str, float]]:
    """Sum of weight / (k + rank), rank starting at 1 (Cormack et al., 2009)."""
    fused: dict[str, float] = {}
    for name, ranking in rankings.items():
        weight = weights.get(name, 1.0)
        for rank, (doc, _) in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
