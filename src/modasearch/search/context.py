"""The per-request context every stage reads and extends: the request, the index snapshot, the parsed
query and its vectors, the ranked list, a payload cache (each product's payload fetched once per
request), the timings and the explanation."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from modasearch.index.encoding import EncoderSet
from modasearch.index.types import Condition, Hit, IndexBackend, VectorQuery
from modasearch.search.request import SearchRequest
from modasearch.search.results import SearchResults
from modasearch.search.state import IndexState
from modasearch.search.understand import ParsedQuery

# A tier of the ranking: given the retrievers' depth, the products it ranks (best first), leaving out
# those already ranked. The first tier is ranked once per request; deeper tiers only when a page
# reaches past it, so every page of one query is a slice of the same list.
Tier = Callable[["Context", int], list[Hit]]


@dataclass
class Context:
    request: SearchRequest  # resolved: every option concrete
    state: IndexState
    backend: IndexBackend
    encoders: EncoderSet
    started: float = field(default_factory=time.perf_counter)
    label: str = ""  # what the results say was searched for
    mode: str = ""  # what ranked them (bm25, hybrid, image, ...)
    text: str = ""  # the shopper's words, cleaned
    retrieval_text: str = ""  # what the retrievers search for (spelling corrected)
    parse: ParsedQuery | None = None
    conditions: tuple[Condition, ...] = ()  # the shopper's filters, then any the query named
    proposed: dict[str, list[str]] | None = None  # a filter the query names, kept if retrievers agree
    queries: list[VectorQuery] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    lists: dict[str, dict[str, float]] = field(default_factory=dict)  # retriever -> id -> score
    tier: Tier | None = None
    ranking: list[Hit] = field(default_factory=list)  # ranked and arranged so far
    depth: int = 0  # the retrievers' depth the ranking reaches
    exhausted: bool = False  # the retrievers have nothing more
    groups_seen: set[Any] = field(default_factory=set)  # collapsed groups already shown
    exclude: frozenset[str] = frozenset()  # point ids never shown (similar items: the product itself)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # photo, colour or a product's own
    own: Mapping[str, Any] | None = None  # similar items: the product's own attribute values
    steered: bool = False  # a photo steered by words
    page: list[Hit] = field(default_factory=list)
    results: SearchResults | None = None
    facets: Any = None
    notes: dict[str, Any] = field(default_factory=dict)  # explanation: parse, dropped filters...
    timings: dict[str, float] = field(default_factory=dict)
    payload_fetches: int = 0
    _payloads: dict[str, dict[str, Any]] = field(default_factory=dict)

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Payloads by point id, each fetched from the index at most once per request (deleted:
        absent), and kept by the snapshot for the requests after it."""
        missing = [i for i in dict.fromkeys(ids) if i not in self._payloads]
        if missing:
            kept = self.state.payloads.get_many(missing)
            self._payloads.update(kept)
            missing = [i for i in missing if i not in kept]
        if missing:
            self.payload_fetches += 1
            found = {h.id: h.payload for h in self.backend.retrieve(missing)}
            self.state.payloads.put_many(found)
            for i in missing:
                self._payloads[i] = found.get(i, {})
        return {i: self._payloads[i] for i in ids if self._payloads.get(i)}

    def timed(self, name: str, started: float) -> None:
        self.timings[name] = self.timings.get(name, 0.0) + (time.perf_counter() - started) * 1000
