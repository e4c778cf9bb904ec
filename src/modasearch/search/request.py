"""One search request: every option of every door (Python, REST, CLI, evaluation, the shop page) and
the only place their defaults live.

An option left as None is decided by the request's named preset ("shop", the recommended pipeline,
by default; "plain": hybrid retrieval only; see PRESETS). `resolved()` fills every such option in, so
the pipeline only ever reads concrete values.

SearchRequest(query="black dress")                                    the default preset
SearchRequest(query="black dress", preset="plain")                    hybrid only
SearchRequest(query="black dress", retrieval=Retrieval(mode="bm25"))  the preset, keyword only
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modasearch.search.paging import MAX_QUERY_CHARS, QueryError

MAX_K = 1000
MAX_DEPTH = 10_000  # deepest result a page may reach (offset + k)
MAX_OFFSET = MAX_DEPTH - MAX_K  # every page the bounds allow ends within MAX_DEPTH


def option(default: Any = None, description: str = "", **bounds: Any) -> Any:
    """A request field: its default, what it does (the API documents it) and its bounds (ge, le,
    choices, max_length), which `check_bounds` enforces for every door."""
    return field(default=default, metadata={"description": description, **bounds})


@dataclass(frozen=True)
class Retrieval:
    mode: str | None = option(
        None,
        "Retriever: hybrid (all text retrievers fused), bm25, splade, dense, or image (text to photo).",
        choices=("hybrid", "bm25", "splade", "dense", "image"),
    )
    fusion: str | None = option(
        None,
        "How hybrid fuses: rrf (reciprocal rank) or score (min-max normalised scores).",
        choices=("rrf", "score"),
    )
    rrf_k: int | None = option(None, "RRF's k: larger flattens the rank differences.", ge=1, le=1000)
    weights: Mapping[str, float] | None = option(
        None,
        "Weight per retriever (bm25, splade, dense, image); 0 leaves one out. Photos join a "
        "hybrid text search only with a weight.",
    )
    candidates: int | None = option(
        None,
        "Results each retriever contributes to the fused, re-ranked first part of the ranking.",
        ge=10,
        le=1000,
    )
    cutoff: float | None = option(
        None,
        "When no word of the query is known (a catalog, English or shopper's word) and keyword "
        "retrieval finds nothing, keep only semantic matches above the catalog's noise floor: the mean "
        "best cosine of random strings plus this many standard deviations. 0: keep everything.",
        ge=0,
        le=20,
    )


@dataclass(frozen=True)
class Understanding:
    mode: str | None = option(
        None,
        "Attribute values the query names: ignored (off), ranking features (boost), the product "
        "type as a filter (category), or every value as a filter (filter).",
        choices=("off", "boost", "category", "filter"),
    )
    spelling: bool | None = option(
        None, "Correct words that are neither in the catalog nor known English words."
    )
    synonyms: float | None = option(
        None,
        "Weight of the shopper-vocabulary synonyms of the query's words in keyword (BM25) retrieval "
        "('sneakers' also finds 'casual shoes'); 0: none.",
        ge=0,
        le=1,
    )
    max_unparsed: int | None = option(
        None,
        "category: filter on the product type only when at most this many of the query's words "
        "(stopwords aside) name no value: a descriptive query is not a category query.",
        ge=0,
        le=20,
    )
    min_kept: float | None = option(
        None,
        "category: keep the type filter only when it keeps at least this share of the ten products "
        "the retrievers rank highest without it.",
        ge=0,
        le=1,
    )


@dataclass(frozen=True)
class Ranking:
    ranker: str | None = option(
        None,
        "Second stage over the fused candidates: none, prior, fashion-rank, a trained ranker "
        "folder, or a cross-encoder the server offers.",
        max_length=300,
    )


@dataclass(frozen=True)
class Arrangement:
    """`collapse`: products of one group (same group_id; or, without one, the same title and colour)
    shown once, the best-ranked standing for them. `sort_by`: price or a numeric attribute, among the
    `relevant` best results only (sorting never brings a semantic ranking's tail to the top).
    `diversify` (0-1): the weight MMR gives to novelty when it re-orders the `relevant` best."""

    collapse: bool | None = option(None, "One card per product: variants and duplicates once.")
    sort_by: str | None = option(
        None,
        "price or a numeric attribute, among the `relevant` best results; null: relevance.",
        max_length=100,
    )
    descending: bool = option(False, "With sort_by: largest first.")
    relevant: int = option(50, "Relevance cut-off for sorting and diversity.", ge=1, le=1000)
    diversify: float | None = option(
        None, "MMR: the weight of novelty among the relevant results.", ge=0, le=1
    )

    @property
    def active(self) -> bool:
        return bool(self.collapse) or self.sort_by is not None or bool(self.diversify)


@dataclass(frozen=True)
class Page:
    k: int = option(10, "Results per page.", ge=1, le=MAX_K)
    offset: int = option(
        0, "Results skipped before this page (no page reaches past the 10,000th result).", ge=0, le=MAX_OFFSET
    )


@dataclass(frozen=True)
class Facets:
    fields: tuple[str, ...] | None = option(None, "Fields to count; null: every facet field.")
    limit: int = option(20, "Values per field.", ge=1, le=100)


@dataclass(frozen=True)
class Visual:
    """Photo queries and similar items."""

    text_weight: float = option(0.3, "With a photo and words: how far the words steer.", ge=0, le=1)
    colour_weight: float = option(0.5, "Weight of the photo's garment colours.", ge=0, le=10)
    consensus_weight: float = option(
        0.5, "Weight of the attribute values the closest products agree on.", ge=0, le=10
    )
    own_share: float = option(0.5, "Similar items: the product's own values' share of that vote.", ge=0, le=1)
    similar_by: str = option(
        "auto",
        "Similar items by: auto (photo, else text), image, text, or fused.",
        choices=("auto", "image", "text", "fused"),
    )
    variants: bool = option(False, "Similar items: include the product's own colour variants.")


@dataclass(frozen=True)
class SearchRequest:
    """What to search for (words, a photo, a product's look-alikes, or a colour) and how."""

    query: str = option("", "The shopper's words.", max_length=MAX_QUERY_CHARS)
    preset: str | None = option(None, "A named pipeline (see /presets); null: the default.", max_length=40)
    filters: Mapping[str, Any] | None = option(
        None, 'Field -> value, list of values, or range {"gte", "lte", "gt", "lt"}.'
    )
    retrieval: Retrieval = option(Retrieval(), "Which retrievers and how they are fused.")
    understanding: Understanding = option(Understanding(), "Query understanding and spelling.")
    ranking: Ranking = option(Ranking(), "The second stage.")
    arrangement: Arrangement = option(Arrangement(), "How the ranked list becomes a shop page.")
    page: Page = option(Page(), "Which page.")
    facets: Facets | None = option(None, "Counts per value over the whole match set; null: none.")
    visual: Visual = option(Visual(), "Photo queries and similar items.")
    explain: bool = option(False, "Each retriever's score on every hit, and the query understanding.")
    similar_to: str | None = option(
        None, "Products that look like this product id.", max_length=200, api=False
    )
    colour: str | None = option(
        None, "Products of this colour: a swatch such as #1f2a44.", max_length=20, api=False
    )
    photo: bytes | str | Path | None = option(None, "A photo to search by (bytes or path).", api=False)

    def resolved(self) -> SearchRequest:
        """Every option the caller left open taken from the preset."""
        name = self.preset or DEFAULT_PRESET
        if name not in PRESETS:
            raise RequestError(f"unknown preset {name!r}; presets: {', '.join(PRESETS)}")
        base = PRESETS[name]
        return dataclasses.replace(
            self,
            preset=name,
            retrieval=_overlay(base.retrieval, self.retrieval),
            understanding=_overlay(base.understanding, self.understanding),
            ranking=_overlay(base.ranking, self.ranking),
            arrangement=_overlay(base.arrangement, self.arrangement),
        )

    def with_options(self, **flat: Any) -> SearchRequest:
        """A copy with options given by their flat names (mode=..., k=..., collapse=...; see FLAT)."""
        return from_flat(flat, self)

    @property
    def ranker(self) -> str | None:
        """The second stage's ranker, None for none (after `resolved`)."""
        name = self.ranking.ranker
        return None if name in (None, "", "none") else name


class RequestError(QueryError):
    """A request that cannot run as asked (an unknown preset, an option out of bounds)."""


def _overlay(base: Any, given: Any) -> Any:
    """`given`'s options where it sets them, `base`'s elsewhere."""
    changes = {f.name: getattr(given, f.name) for f in dataclasses.fields(given)}
    return dataclasses.replace(base, **{k: v for k, v in changes.items() if v is not None})


@dataclass(frozen=True)
class Preset:
    retrieval: Retrieval
    understanding: Understanding
    ranking: Ranking
    arrangement: Arrangement
    description: str


PLAIN = Preset(
    Retrieval(mode="hybrid", fusion="rrf", rrf_k=60, weights={}, candidates=100, cutoff=0.0),
    Understanding(mode="off", spelling=False, synonyms=0.0, max_unparsed=1, min_kept=0.3),
    Ranking(ranker="none"),
    Arrangement(collapse=False, diversify=0.0),
    "Hybrid retrieval (BM25, SPLADE, dense) fused by RRF; nothing else.",
)


def _variant(base: Preset, description: str, **parts: Any) -> Preset:
    changed = {name: _overlay(getattr(base, name), part) for name, part in parts.items()}
    return dataclasses.replace(base, description=description, **changed)


PRESETS: dict[str, Preset] = {
    "shop": _variant(
        PLAIN,
        "The recommended pipeline for a shop page: hybrid retrieval of the spelling-corrected query "
        "(keywords with shoppers' synonyms and what they wear for the occasion it names), nothing "
        "for a query no word of which is known, re-ranked by fashion-rank (the query's words "
        "covered, the type, colour and audience it names), variants and duplicates shown once. Each "
        "stage measured in benchmarks/RESULTS.md; the product-type filter (understand='category') "
        "is left out: it did not clear the do-no-harm bar on the tune parts.",
        retrieval=Retrieval(cutoff=2.0),
        understanding=Understanding(mode="boost", spelling=True, synonyms=0.6),
        ranking=Ranking(ranker="fashion-rank"),
        arrangement=Arrangement(collapse=True),
    ),
    "plain": PLAIN,
}
DEFAULT_PRESET = "shop"

# Flat option names (CLI flags, evaluation grids, query strings) -> (part, field) of the request.
FLAT: dict[str, tuple[str | None, str]] = {
    "query": (None, "query"),
    "preset": (None, "preset"),
    "filters": (None, "filters"),
    "explain": (None, "explain"),
    "facets": (None, "facets"),
    "similar_to": (None, "similar_to"),
    "colour": (None, "colour"),
    "photo": (None, "photo"),
    "mode": ("retrieval", "mode"),
    "fusion": ("retrieval", "fusion"),
    "rrf_k": ("retrieval", "rrf_k"),
    "weights": ("retrieval", "weights"),
    "candidates": ("retrieval", "candidates"),
    "cutoff": ("retrieval", "cutoff"),
    "understand": ("understanding", "mode"),
    "spelling": ("understanding", "spelling"),
    "synonyms": ("understanding", "synonyms"),
    "max_unparsed": ("understanding", "max_unparsed"),
    "min_kept": ("understanding", "min_kept"),
    "rerank": ("ranking", "ranker"),
    "collapse": ("arrangement", "collapse"),
    "sort_by": ("arrangement", "sort_by"),
    "descending": ("arrangement", "descending"),
    "relevant": ("arrangement", "relevant"),
    "diversify": ("arrangement", "diversify"),
    "k": ("page", "k"),
    "offset": ("page", "offset"),
    "text_weight": ("visual", "text_weight"),
    "colour_weight": ("visual", "colour_weight"),
    "consensus_weight": ("visual", "consensus_weight"),
    "own_share": ("visual", "own_share"),
    "similar_by": ("visual", "similar_by"),
    "variants": ("visual", "variants"),
}


def from_flat(options: Mapping[str, Any], base: SearchRequest | None = None) -> SearchRequest:
    """A request from flat option names; None values leave the option as it is in `base`."""
    request = base or SearchRequest()
    unknown = sorted(set(options) - set(FLAT))
    if unknown:
        raise RequestError(f"unknown search options {unknown}; known: {', '.join(FLAT)}")
    top: dict[str, Any] = {}
    parts: dict[str, dict[str, Any]] = {}
    for name, value in options.items():
        if value is None:
            continue
        part, key = FLAT[name]
        if name == "facets" and isinstance(value, Mapping):  # {"fields": [...], "limit": 20}
            fields = value.get("fields")
            value = Facets(tuple(fields) if fields else None, int(value.get("limit", 20)))
        if part is None:
            top[key] = value
        else:
            parts.setdefault(part, {})[key] = value
    for part, changes in parts.items():
        top[part] = dataclasses.replace(getattr(request, part), **changes)
    return dataclasses.replace(request, **top)


def check_bounds(obj: Any, where: str = "") -> None:
    """Every field's choices and bounds, for every door (the API checks them too, from the schema)."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        name = f"{where}{f.name}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            check_bounds(value, f"{name}.")
            continue
        if value is None:
            continue
        meta = f.metadata
        if "choices" in meta and value not in meta["choices"]:
            raise RequestError(f"unknown {name} {value!r}: use one of {', '.join(meta['choices'])}")
        low, high = meta.get("ge"), meta.get("le")
        if (low is not None and not value >= low) or (high is not None and not value <= high):  # and NaN
            bounds = f"between {low} and {high}" if low is not None and high is not None else ""
            bounds = bounds or (f">= {low}" if low is not None else f"<= {high}")
            raise RequestError(f"{name} must be {bounds}, got {value}")
        if "max_length" in meta and isinstance(value, str) and len(value) > meta["max_length"]:
            raise RequestError(f"{name} is {len(value)} characters long; the limit is {meta['max_length']}")
