"""Backend-neutral types -> Qdrant request objects. qdrant-edge-py and qdrant-client expose the same
model shapes from different modules, so one translation serves both, given the module."""

from __future__ import annotations

from typing import Any

from modasearch.index.types import Condition, Hit, VectorQuery


def has_id(models: Any, ids: tuple[str, ...]) -> Any:
    if "has_id" in getattr(models.HasIdCondition, "model_fields", {}):  # qdrant-client
        return models.HasIdCondition(has_id=list(ids))
    return models.HasIdCondition(point_ids=set(ids))  # qdrant-edge


def to_condition(models: Any, range_type: Any, c: Condition) -> Any:
    if c.ids is not None:
        return has_id(models, c.ids)
    if c.is_range:
        return models.FieldCondition(key=c.key, range=range_type(gte=c.gte, lte=c.lte, gt=c.gt, lt=c.lt))
    if c.text is not None:
        match = models.MatchTextAny(text_any=c.text) if c.any_word else models.MatchText(text=c.text)
        return models.FieldCondition(key=c.key, match=match)
    if c.any_of is not None:
        return models.FieldCondition(key=c.key, match=models.MatchAny(any=list(c.any_of)))
    assert c.equals is not None, "a condition needs a value, values or a range"
    return models.FieldCondition(key=c.key, match=models.MatchValue(value=c.equals))


def to_filter(models: Any, range_type: Any, conditions: tuple[Condition, ...]) -> Any:
    if not conditions:
        return None
    return models.Filter(must=[to_condition(models, range_type, c) for c in conditions])


def to_vector(models: Any, query: VectorQuery) -> Any:
    if query.sparse is not None:
        return models.SparseVector(indices=query.sparse.indices, values=query.sparse.values)
    return query.dense


def to_hits(points: list[Any]) -> list[Hit]:
    return [Hit(str(p.id), float(getattr(p, "score", 0.0) or 0.0), dict(p.payload or {})) for p in points]
