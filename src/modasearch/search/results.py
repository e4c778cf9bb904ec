"""What a search returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from modasearch.catalog.product import Product


@dataclass(frozen=True)
class SearchHit:
    product: Product
    score: float
    rank: int
    scores: dict[str, float | None] | None = None  # per retriever, when explain=True

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": self.score,
            "product": self.product.to_dict(),
            "scores": self.scores,
        }


@dataclass
class SearchResults:
    query: str
    mode: str
    hits: list[SearchHit]
    offset: int = 0
    took_ms: float = 0.0
    timings_ms: dict[str, float] = field(default_factory=dict)
    parse: dict[str, Any] | None = None  # the query understanding, with explain
    corrected: str | None = None  # what was searched for instead of the query (spelling), if anything
    facets: Any = None  # FacetResult, when the request asked for facets
    suggestions: list[str] = field(default_factory=list)  # what to try instead, when nothing matched
    request: Any = None  # the resolved SearchRequest

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.hits)

    def ids(self) -> list[str]:
        return [h.product.id for h in self.hits]


def results_json(results: SearchResults) -> dict[str, Any]:
    """What `modasearch search --json` prints."""
    return {
        "query": results.query,
        "corrected": results.corrected,
        "mode": results.mode,
        "preset": getattr(results.request, "preset", None),
        "took_ms": results.took_ms,
        "hits": [h.to_dict() for h in results],
        "suggestions": results.suggestions,
    }
