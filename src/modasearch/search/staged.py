"""The stages between retrieval and the page: query understanding (parsed attribute mentions used as
filters or as ranking features) and second-stage re-ranking of the fused candidates. Mixed into
`Engine`."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np

from modasearch.index.manifest import Manifest
from modasearch.index.payload import TEXT_FIELD
from modasearch.index.types import Condition, Hit, IndexBackend, VectorQuery
from modasearch.models.errors import ModelError
from modasearch.search.cross_encoder import CrossEncoderRanker
from modasearch.search.filters import Filters, to_conditions
from modasearch.search.fusion import reciprocal_rank_fusion
from modasearch.search.paging import QueryError
from modasearch.search.rerank import PRIOR, LinearRanker, candidate_features, rerank
from modasearch.search.understand import ParsedQuery, QueryParser

Ranker = LinearRanker | CrossEncoderRanker
EXACT_POOL = 30  # products holding every named value, added to the ranker's candidates

# off; boost: mentions as ranking features; category: the product type named (the primary field,
# the catalog's first text attribute) as a filter, the rest as features; filter: every mention a filter
Understand = Literal["off", "boost", "category", "filter"]
UNDERSTAND = ("off", "boost", "category", "filter")
FILTERING = ("category", "filter")
# A word in fewer product texts than this may itself be a misspelling: it still gets typo correction.
KNOWN_WORD_MIN = 5


class StagedSearch:
    backend: IndexBackend
    manifest: Manifest

    def facet_fields(self) -> list[str]:
        raise NotImplementedError

    @cached_property
    def parser(self) -> QueryParser:
        text_first = [f for f in self.manifest.catalog.get("text_attributes", []) if f in self.facet_fields()]
        fields = text_first + [f for f in self.facet_fields() if f not in text_first]
        counts: dict[str, int] = {}

        def frequency(word: str) -> int:  # how many product texts hold it
            if word not in counts:
                counts[word] = self.backend.count((Condition(TEXT_FIELD, text=word),))
            return counts[word]

        def known_word(word: str) -> bool:
            return frequency(word) >= KNOWN_WORD_MIN

        return QueryParser(self.manifest.vocab, fields, known_word, frequency=frequency)

    def _rankers(self) -> dict[str, Ranker]:
        if not hasattr(self, "_ranker_cache"):
            self._ranker_cache: dict[str, Ranker] = {}
        return self._ranker_cache

    def ranker(self, ref: str) -> Ranker:
        """ "prior"; a learned linear ranker (shipped name or `train ranker` folder); or a
        cross-encoder (an exported folder, or a hub id / checkpoint: exported once, [hub] extra)."""
        if ref == "prior":
            return PRIOR
        cache = self._rankers()
        if ref not in cache:
            try:
                cache[ref] = LinearRanker.load(ref)
            except FileNotFoundError as exc:
                if not _could_be_cross_encoder(ref):
                    raise QueryError(str(exc)) from None
                try:
                    cache[ref] = CrossEncoderRanker.load(ref)
                except ModelError as error:
                    raise QueryError(f"{exc}; as a cross-encoder: {error}") from None
        return cache[ref]

    def understand(self, text: str, mode: str) -> ParsedQuery | None:
        if mode not in UNDERSTAND:
            raise QueryError(f"understand must be one of {UNDERSTAND}, got {mode!r}")
        return None if mode == "off" else self.parser.parse(text)

    def parsed_conditions(
        self,
        parse: ParsedQuery,
        filters: Filters | None,
        conditions: tuple[Condition, ...],
        mode: str = "filter",
    ) -> tuple[Condition, ...]:
        """The shopper's filters plus the parsed ones for fields the shopper left open; the parsed ones
        are dropped when together they would leave nothing (a wrong parse must not empty the page).
        `mode="category"` uses only the primary field's mentions."""
        fields = self.parser.fields[:1] if mode == "category" else None
        parsed = {f: v for f, v in parse.filters(fields).items() if f not in (filters or {})}
        if not parsed:
            return conditions
        extra = to_conditions(parsed, self.manifest.fields, self.manifest.vocab)
        combined = conditions + extra
        return combined if self.backend.count(combined) > 0 else conditions

    def named_conditions(self, text: str, filters: Filters | None) -> tuple[Condition, ...]:
        """The conditions for the values `text` names, beyond `filters` (see `parsed_conditions`)."""
        parse = self.understand(text, "filter")
        base = to_conditions(filters, self.manifest.fields, self.manifest.vocab)
        return self.parsed_conditions(parse, filters, base)[len(base) :] if parse else ()

    def candidate_pool(
        self,
        text: str,
        queries: list[VectorQuery],
        weights: Mapping[str, float],
        conditions: tuple[Condition, ...],
        pool: int,
        parse: ParsedQuery | None,
    ) -> tuple[list[str], list[str], np.ndarray]:
        """Every retriever's top `pool`, fused (RRF): (point ids, product ids, features), fused order."""
        found = self.backend.search_many(queries, conditions, pool)
        lists = dict(zip((q.using for q in queries), found, strict=True))
        rankings = {name: [(h.id, h.score) for h in hits] for name, hits in lists.items()}
        fused = [doc for doc, _ in reciprocal_rank_fusion(rankings, weights)][:pool]
        fused += [doc for doc in self._exact_matches(queries, weights, conditions, parse) if doc not in fused]
        payloads: dict[str, Any] = {h.id: h.payload for h in self.backend.retrieve(fused)}
        fused = [doc for doc in fused if doc in payloads]  # deleted meanwhile: gone
        products = [str(payloads[doc].get("product_id")) for doc in fused]
        return fused, products, candidate_features(fused, lists, payloads, parse, text)

    def _exact_matches(
        self,
        queries: list[VectorQuery],
        weights: Mapping[str, float],
        conditions: tuple[Condition, ...],
        parse: ParsedQuery | None,
    ) -> list[str]:
        """The best products holding every value the query names, so the ranker sees them even when
        the retrievers rank near misses above them ("green jacket": "Dark Green" ones crowd out
        "Green"). Nothing when the query names no more than the filters already hold."""
        if parse is None or not parse.mentions:
            return []
        extra = to_conditions(parse.filters(), self.manifest.fields, self.manifest.vocab)
        if not extra or set(extra) <= set(conditions):
            return []
        names = [q.using for q in queries]
        found = self.backend.search_rrf(
            queries, [weights.get(n, 1.0) for n in names], 60, conditions + extra, EXACT_POOL, 0, EXACT_POOL
        )
        return [h.id for h in found]

    def reranked(
        self,
        text: str,
        queries: list[VectorQuery],
        weights: Mapping[str, float],
        conditions: tuple[Condition, ...],
        pool: int,
        parse: ParsedQuery | None,
        ranker: Ranker,
    ) -> list[Hit]:
        """The candidate pool re-scored by `ranker`, best first."""
        fused, _, features = self.candidate_pool(text, queries, weights, conditions, pool, parse)
        if isinstance(ranker, LinearRanker):
            return rerank(fused, features, ranker)
        payloads = {h.id: h.payload for h in self.backend.retrieve(fused)}
        scores = ranker.score_pairs(text, [str(payloads.get(d, {}).get(TEXT_FIELD, "")) for d in fused])
        order = sorted(range(len(fused)), key=lambda i: (-float(scores[i]), fused[i]))
        return [Hit(fused[i], float(scores[i]), {}) for i in order]


def _could_be_cross_encoder(ref: str) -> bool:
    """A local folder, or a hub id ("org/name"): anything else is a mistyped ranker name."""
    path = Path(ref).expanduser()
    return path.exists() or (ref.count("/") == 1 and not ref.startswith(("/", ".")))
