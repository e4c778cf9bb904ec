"""Arranging a ranked list for a shop page: one card per product (variants and duplicates collapsed),
sorting by a number without surfacing junk, and diversity (MMR). The list functions are pure;
`arrange_tier` applies them to one tier of a request's ranking."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from modasearch.index.types import Hit
from modasearch.search.request import Arrangement

if TYPE_CHECKING:
    from modasearch.search.context import Context

__all__ = ["Arrangement", "arrange_tier", "collapse_key", "collapse_variants", "mmr", "sort_relevant"]

_COLOUR_NAME = re.compile(r"colou?r", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def collapse_key(payload: Mapping[str, Any]) -> Any:
    """What makes two results the same card: the group (colour/size variants) when the catalog names
    one; otherwise the same title in the same colour (a catalog listing one product several times)."""
    group = payload.get("group_id")
    if group:
        return ("group", group)
    attributes = payload.get("attributes") or {}
    colours = tuple(str(v).lower() for k, v in sorted(attributes.items()) if _COLOUR_NAME.search(k))
    title = _SPACES.sub(" ", str(payload.get("title", "")).strip().lower())
    return ("title", title, colours) if title else None


def collapse_variants(
    hits: Sequence[Hit], groups: Mapping[str, Any], seen: set[Any] | None = None
) -> list[Hit]:
    """The first hit of each group (None: a group of its own); `seen` groups are already shown."""
    seen = set() if seen is None else seen
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
    """The `relevant` best hits ordered by value (missing values last; ties keep relevance order);
    the rest are left out, so a sorted page never shows a semantic ranking's tail."""
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


def arrange_tier(ctx: Context, hits: list[Hit], first: bool) -> list[Hit]:
    """One tier of the ranking as the page shows it. Collapsing carries over tiers (a group shown in
    the first is not shown again in the second); diversity and sorting act on the first tier only,
    whose `relevant` best they re-order."""
    arrangement = ctx.request.arrangement
    if not hits or not (arrangement.collapse or (first and arrangement.active)):
        return hits
    payloads = ctx.payloads([h.id for h in hits])
    hits = [h for h in hits if h.id in payloads]  # deleted meanwhile: gone
    if arrangement.collapse:
        groups = {i: collapse_key(p) for i, p in payloads.items()}
        hits = collapse_variants(hits, groups, ctx.groups_seen)
    if not first:
        return hits
    if arrangement.diversify and "dense" in ctx.state.modes:
        top = [h.id for h in hits[: arrangement.relevant]]
        found = ctx.backend.vectors(top, "dense")
        vectors = {i: np.asarray(v, dtype=np.float64) for i, v in found.items()}
        hits = mmr(hits, vectors, arrangement.diversify, arrangement.relevant)
    if arrangement.sort_by is not None:
        name = arrangement.sort_by
        values = {
            i: _number(p.get(name) if name == "price" else (p.get("attributes") or {}).get(name))
            for i, p in payloads.items()
        }
        hits = sort_relevant(hits, values, arrangement.relevant, arrangement.descending)
        ctx.exhausted = True  # a sorted list is the relevant ones only
    return hits


def _number(value: Any) -> float | None:
    try:
        number = None if value is None else float(value)
    except (TypeError, ValueError):
        return None
    return None if number is None or number != number else number  # NaN sorts nowhere
