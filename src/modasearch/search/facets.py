"""Facet counts over the whole match set of a query, computed by the engine (Qdrant facets).

The match set is every product whose text holds all the query's words (tokenised and stemmed like
BM25, through a full-text payload index); when no product holds them all, those holding any of them;
when none holds any (a typo, a query in other words), the query's ranked results (the first tier of
its ranking); with no query, the whole catalog. Filters narrow it. Counts are disjunctive, as shop
fronts do: a field's own filter is left out of its counts, so choosing "Black" still shows how many
"Blue" there are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from modasearch.index.payload import TEXT_FIELD, payload_key
from modasearch.index.types import Condition, IndexBackend
from modasearch.search.filters import FilterError, Filters
from modasearch.search.paging import QueryError
from modasearch.search.state import IndexState

FACET_LIMIT = 100  # values per field at most
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


def check_facets(state: IndexState, fields: Sequence[str] | None, limit: int) -> list[str]:
    available = state.facet_fields
    wanted = list(fields) if fields else list(available)
    unknown = [f for f in wanted if f not in available]
    if unknown:
        raise FilterError(f"cannot facet on {unknown}; facet fields of this index: {', '.join(available)}")
    if not 1 <= limit <= FACET_LIMIT:
        raise QueryError(f"limit must be between 1 and {FACET_LIMIT}, got {limit}")
    return wanted


def facet_counts(
    state: IndexState,
    backend: IndexBackend,
    text: str,
    filters: Filters | None,
    fields: Sequence[str] | None,
    limit: int,
    ranked: Callable[[], Sequence[str]],
) -> FacetResult:
    """Counts per value of each field over the products matching `text` and `filters`; `ranked`
    gives the query's ranked point ids, the match set when no product holds any of its words."""
    wanted = check_facets(state, fields, limit)
    by_field = state.conditions_by_field(filters)
    everything = tuple(by_field.values())
    match: Match
    total: int | None = None
    if not text:
        words: tuple[Condition, ...] = ()
        match = "everything"
    else:
        words, match, total = _match_set(backend, text, everything, ranked)
    counts = {}
    for name in wanted:
        others = tuple(c for f, c in by_field.items() if f != name)
        counts[name] = [(str(v), n) for v, n in backend.facet(payload_key(name), words + others, limit)]
    if total is None:
        total = backend.count(words + everything)
    return FacetResult(total, match, counts)


def _match_set(
    backend: IndexBackend, text: str, filters: tuple[Condition, ...], ranked: Callable[[], Sequence[str]]
) -> tuple[tuple[Condition, ...], Match, int | None]:
    every_word = (Condition(TEXT_FIELD, text=text),)
    total = backend.count(every_word + filters)
    if total:
        return every_word, "all", total
    any_word = (Condition(TEXT_FIELD, text=text, any_word=True),)
    total = backend.count(any_word + filters)
    if total:
        return any_word, "any", total
    return (Condition("id", ids=tuple(ranked())),), "results", None
