"""Arranging a ranked list for a shop page: one card per product (variants collapsed), sorting by a
number without surfacing junk, and diversity (MMR). Mixed into `Engine`; the list functions are pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from modasearch.index.manifest import Manifest
from modasearch.index.types import Hit, IndexBackend
from modasearch.search.paging import QueryError


@dataclass(frozen=True)
class Arrangement:
    """`collapse`: products of one `group_id` shown once, the best-ranked variant standing for them
    (with query understanding on, the one with the colour asked for ranks first). `sort_by`: `price`
    or a numeric attribute, among the `relevant` best results only (a relevance cut-off, so sorting a
    semantic ranking never brings its tail to the top). `diversify` (0-1): the weight MMR gives to
    novelty when it re-orders the top `relevant`."""

    collapse: bool = False
    sort_by: str | None = None
    descending: bool = False
    relevant: int = 50
    diversify: float = 0.0

    @property
    def active(self) -> bool:
        return self.collapse or self.sort_by is not None or self.diversify > 0


def collapse_variants(hits: Sequence[Hit], groups: Mapping[str, Any]) -> list[Hit]:
    seen: set[Any] = set()
    out = []
    for hit in hits:
        group = groups.get(hit.id)
        if group is None or group not in seen:
            out.append(hit)
            if group is not None:
                seen.add(group)
    return out


def sort_relevant(
    hits: Sequence[Hit], values: Mapping[str, float | None], relevant: int, descending: bool
) -> list[Hit]:
    """The `relevant` best hits ordered by value (missing values last; ties keep relevance order)."""
    top = list(hits[:relevant])
    known = [h for h in top if values.get(h.id) is not None]
    known.sort(key=lambda h: float(values[h.id]), reverse=descending)  # type: ignore[arg-type]
    return known + [h for h in top if values.get(h.id) is None]


def mmr(hits: Sequence[Hit], vectors: Mapping[str, np.ndarray], novelty: float, top: int) -> list[Hit]:
    """Maximal marginal relevance over the `top` hits: each next pick maximises
    (1 - novelty) * relevance - novelty * (its highest cosine to those already picked)."""
    head, tail = list(hits[:top]), list(hits[top:])
    if len(head) < 3 or not vectors:
        return list(hits)
    scores = np.array([h.score for h in head], dtype=np.float64)
    relevance = (scores - scores.min()) / (np.ptp(scores) or 1.0)
    dim = len(next(iter(vectors.values())))
    matrix = np.array([vectors.get(h.id, np.zeros(dim)) for h in head], dtype=np.float64)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    chosen: list[int] = []
    left = list(range(len(head)))
    while left:
        similarity = (matrix[left] @ matrix[chosen].T).max(axis=1) if chosen else np.zeros(len(left))
        value = (1 - novelty) * relevance[left] - novelty * similarity
        pick = left[int(np.argmax(value))]
        chosen.append(pick)
        left.remove(pick)
    return [head[i] for i in chosen] + tail


class Arranging:
    backend: IndexBackend
    manifest: Manifest

    def check_arrangement(self, arrangement: Arrangement) -> None:
        if arrangement.sort_by is not None and self.manifest.fields.get(arrangement.sort_by) != "float":
            numeric = sorted(f for f, kind in self.manifest.fields.items() if kind == "float")
            raise QueryError(
                f"cannot sort by {arrangement.sort_by!r}; numeric fields of this index: {numeric}"
            )
        if not 0 <= arrangement.diversify <= 1:
            raise QueryError(f"diversify must be between 0 and 1, got {arrangement.diversify}")
        if arrangement.relevant < 1:
            raise QueryError(f"relevant must be >= 1, got {arrangement.relevant}")

    def arranged(self, hits: list[Hit], arrangement: Arrangement) -> list[Hit]:
        payloads = {h.id: h.payload for h in self.backend.retrieve([h.id for h in hits])}
        hits = [h for h in hits if h.id in payloads]
        if arrangement.collapse:
            hits = collapse_variants(hits, {i: p.get("group_id") for i, p in payloads.items()})
        if arrangement.diversify > 0 and "dense" in self.manifest.encoders:
            top = [h.id for h in hits[: arrangement.relevant]]
            found = self.backend.vectors(top, "dense")
            vectors = {i: np.asarray(v, dtype=np.float64) for i, v in found.items()}
            hits = mmr(hits, vectors, arrangement.diversify, arrangement.relevant)
        if arrangement.sort_by is not None:
            field = arrangement.sort_by
            values = {
                i: _number(p.get(field) if field == "price" else (p.get("attributes") or {}).get(field))
                for i, p in payloads.items()
            }
            hits = sort_relevant(hits, values, arrangement.relevant, arrangement.descending)
        return hits


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None
