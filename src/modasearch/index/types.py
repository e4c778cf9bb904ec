"""Backend-neutral index types: what the pipeline sends to an index and gets back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from modasearch.models.onnx_text import SparseVec

_NAMESPACE = uuid.UUID("6f1c2b8e-5d0a-4f43-9a51-7c7e0d6a3b21")
FieldKind = Literal["keyword", "float", "text", "prefix"]  # text: words; prefix: word starts


def point_id(product_id: str) -> str:
    """Qdrant wants integer or UUID ids; a product id maps to a stable UUID."""
    return str(uuid.uuid5(_NAMESPACE, product_id))


@dataclass(frozen=True)
class Condition:
    """One filter condition on a payload key: equals, any-of, a numeric range, or `text`: every word
    of it (tokenised and stemmed like the field's text index) occurs in the field."""

    key: str
    equals: str | int | bool | None = None
    any_of: tuple[str | int, ...] | None = None
    gte: float | None = None
    lte: float | None = None
    gt: float | None = None
    lt: float | None = None
    text: str | None = None
    any_word: bool = False  # with `text`: one of its words is enough
    ids: tuple[str, ...] | None = None  # the point is one of these (key unused)

    @property
    def is_range(self) -> bool:
        return any(v is not None for v in (self.gte, self.lte, self.gt, self.lt))


@dataclass(frozen=True)
class VectorQuery:
    using: str
    dense: list[float] | None = None
    sparse: SparseVec | None = None


@dataclass(frozen=True)
class VectorLayout:
    """Named vectors of an index: dense name -> dimension, sparse name -> uses engine-side IDF;
    `multi`: dense names holding several vectors per product (views), a query scored against the
    nearest (MaxSim)."""

    dense: dict[str, int] = field(default_factory=dict)
    sparse: dict[str, bool] = field(default_factory=dict)
    multi: frozenset[str] = frozenset()


def first_vector(value: Any) -> list[float] | None:
    """One vector per product: of several (a product's views), the first."""
    if not isinstance(value, list) or not value:
        return None
    return value[0] if isinstance(value[0], list) else value


@dataclass
class IndexPoint:
    id: str
    dense: dict[str, list[float] | list[list[float]]]
    sparse: dict[str, SparseVec]
    payload: dict[str, Any]


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    payload: dict[str, Any]


class IndexBackend(Protocol):
    """What the search pipeline needs from a vector engine. Filters always run inside the engine.

    Searches return ids and scores only (empty payloads): rankings are often fetched deeper than the
    page shown, and payloads are read for the page alone through `retrieve`."""

    def upsert(self, points: list[IndexPoint]) -> None: ...
    def delete(self, ids: list[str]) -> None: ...
    def create_payload_index(self, key: str, kind: FieldKind) -> None: ...
    def optimize(self) -> None: ...
    def search(
        self, query: VectorQuery, conditions: tuple[Condition, ...], limit: int, offset: int = 0
    ) -> list[Hit]: ...
    def search_many(
        self, queries: list[VectorQuery], conditions: tuple[Condition, ...], limit: int
    ) -> list[list[Hit]]: ...
    def search_rrf(
        self,
        queries: list[VectorQuery],
        weights: list[float],
        k: int,
        conditions: tuple[Condition, ...],
        limit: int,
        offset: int,
        candidates: int,
    ) -> list[Hit]: ...
    def retrieve(self, ids: list[str]) -> list[Hit]: ...
    def count(self, conditions: tuple[Condition, ...] = ()) -> int: ...
    def scroll(self, conditions: tuple[Condition, ...], limit: int, fields: list[str]) -> list[Hit]: ...
    def facet(self, key: str, conditions: tuple[Condition, ...], limit: int) -> list[tuple[Any, int]]:
        """(value, products holding it) by count, values no product holds left out."""
        ...

    def vectors(self, ids: list[str], using: str) -> dict[str, list[float]]:
        """One vector per product (of several views, the first)."""
        ...

    def close(self) -> None: ...
