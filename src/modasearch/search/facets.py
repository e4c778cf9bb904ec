"""Facet counts over the whole match set of a query, computed by the engine (Qdrant facets).

The match set is every product whose text holds all the query's words (tokenised and stemmed like
BM25, through a full-text payload index); when no product holds them all, those holding any of them;
when none holds any (a typo, a query in other words), the query's best `RESULTS_POOL` hybrid results;
with no query, the whole catalog. Filters narrow it. Counts are disjunctive, as shop fronts do: a field's own
filter is left out of its counts, so choosing "Black" still shows how many "Blue" there are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from modasearch.index.manifest import Manifest
from modasearch.index.payload import TEXT_FIELD, payload_key
from modasearch.index.types import Condition, IndexBackend, point_id
from modasearch.search.filters import FilterError, Filters, to_conditions
from modasearch.search.paging import QueryError, clean_query
from modasearch.search.results import SearchResults

FACET_LIMIT = 100  # values per field at most
NOT_FACETED = ("group_id",)  # keyword fields whose values are ids, not choices

RESULTS_POOL = 100
Match = Literal["all", "any", "results", "everything"]


@dataclass(frozen=True)
class FacetResult:
    total: int  # products in the match set, all filters applied
    match: Match  # "all" query words, "any" word, the ranked "results", or "everything" (no query)
    counts: dict[str, list[tuple[str, int]]]  # field -> (value, count), most frequent first

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "match": self.match,
            "facets": {f: [{"value": v, "count": n} for v, n in c] for f, c in self.counts.items()},
        }


class FacetSearch:
    backend: IndexBackend
    manifest: Manifest
    search: Callable[..., SearchResults]  # the Engine's

    def facet_fields(self) -> list[str]:
        """Fields that can be faceted: the keyword fields, in the manifest's order."""
        return [f for f, kind in self.manifest.fields.items() if kind == "keyword" and f not in NOT_FACETED]

    def _text_conditions(
        self, query: str | None, filters: tuple[Condition, ...]
    ) -> tuple[tuple[Condition, ...], Match]:
        text = clean_query(query, required=False)
        if not text:
            return (), "everything"
        every_word = (Condition(TEXT_FIELD, text=text),)
        if self.backend.count(every_word + filters) > 0:
            return every_word, "all"
        any_word = (Condition(TEXT_FIELD, text=text, any_word=True),)
        if self.backend.count(any_word + filters) > 0:
            return any_word, "any"
        ranked = self.search(text, k=RESULTS_POOL).hits
        return (Condition("id", ids=tuple(point_id(h.product.id) for h in ranked)),), "results"

    def facets(
        self,
        query: str | None = None,
        fields: Sequence[str] | None = None,
        filters: Filters | None = None,
        limit: int = 20,
    ) -> FacetResult:
        """Counts per value of each field over the products matching `query` and `filters`."""
        available = self.facet_fields()
        wanted = list(fields) if fields is not None else available
        unknown = [f for f in wanted if f not in available]
        if unknown:
            raise FilterError(
                f"cannot facet on {unknown}; facet fields of this index: {', '.join(available)}"
            )
        if not 1 <= limit <= FACET_LIMIT:
            raise QueryError(f"limit must be between 1 and {FACET_LIMIT}, got {limit}")
        filters = dict(filters or {})
        all_filters = to_conditions(filters, self.manifest.fields, self.manifest.vocab)
        text, match = self._text_conditions(query, all_filters)
        counts = {}
        for name in wanted:
            others = {f: v for f, v in filters.items() if f != name}
            own = to_conditions(others, self.manifest.fields, self.manifest.vocab)
            hits = self.backend.facet(payload_key(name), text + own, limit)
            counts[name] = [(str(v), n) for v, n in hits]
        return FacetResult(self.backend.count(text + all_filters), match, counts)
