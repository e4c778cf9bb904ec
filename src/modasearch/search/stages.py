"""The stages of a search, each a function of the request's `Context`:

text:    check -> understand -> encode -> rank -> page -> hydrate (-> facets)
photo:   check -> encode_photo -> rank -> page -> hydrate          (search/photos.py)
similar: check -> own_vectors -> rank -> page -> hydrate            (search/similar.py)

`rank` sets the pipeline's tier function and ranks the first tier (the retrievers' `candidates` best,
fused, re-ranked, arranged); `page` ranks deeper tiers only when the page reaches past it, so every
page of a query is a slice of one ranking, whatever its offset and size.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.index.payload import TEXT_FIELD, from_payload
from modasearch.index.types import Condition, Hit, VectorQuery
from modasearch.models.errors import ModelError
from modasearch.models.onnx_text import SparseVec
from modasearch.search.arrange import arrange_tier
from modasearch.search.context import Context
from modasearch.search.cross_encoder import CrossEncoderRanker
from modasearch.search.fusion import reciprocal_rank_fusion, weighted_score_fusion
from modasearch.search.paging import QueryError, check_page, clean_query
from modasearch.search.request import MAX_DEPTH, SearchRequest, check_bounds
from modasearch.search.rerank import PRIOR, LinearRanker, candidate_features
from modasearch.search.results import SearchHit, SearchResults
from modasearch.search.understand import ParsedQuery

Ranker = LinearRanker | CrossEncoderRanker
DEEPER = (1000, MAX_DEPTH)  # the retrievers' depth of the tiers after the first
EXACT_POOL = 30  # products holding every named value, added to a ranker's candidates
FILTERING = ("category", "filter")


# ---- shared by every pipeline -----------------------------------------------------------------
def check_request(ctx: Context) -> None:
    request = ctx.request
    check_bounds(request)
    check_page(request.page.k, request.page.offset)
    if request.page.offset + request.page.k > MAX_DEPTH:
        raise QueryError(f"offset + k must be <= {MAX_DEPTH}")
    arrangement = request.arrangement
    if arrangement.sort_by is not None and ctx.state.fields.get(arrangement.sort_by) != "float":
        numeric = sorted(f for f, kind in ctx.state.fields.items() if kind == "float")
        raise QueryError(f"cannot sort by {arrangement.sort_by!r}; numeric fields of this index: {numeric}")
    ctx.conditions = ctx.state.conditions(request.filters)


def extend(ctx: Context) -> bool:
    """Rank the next tier; False when there is none."""
    if ctx.exhausted or ctx.tier is None:
        return False
    first = not ctx.depth
    depth = ctx.request.retrieval.candidates if first else next((d for d in DEEPER if d > ctx.depth), 0)
    if not depth:
        ctx.exhausted = True
        return False
    t = time.perf_counter()
    ranked = {h.id for h in ctx.ranking}
    hits = [h for h in ctx.tier(ctx, depth) if h.id not in ranked and h.id not in ctx.exclude]
    ctx.ranking.extend(arrange_tier(ctx, hits, first))
    ctx.depth = depth
    ctx.timed("rank", t)
    return True


def page(ctx: Context) -> None:
    end = ctx.request.page.offset + ctx.request.page.k
    while len(ctx.ranking) < end and extend(ctx):
        pass
    ctx.page = ctx.ranking[ctx.request.page.offset : end]


def hydrate(ctx: Context) -> None:
    t = time.perf_counter()
    payloads = ctx.payloads([h.id for h in ctx.page])
    offset = ctx.request.page.offset
    explained = ctx.request.explain and ctx.lists
    hits = [
        SearchHit(
            product=from_payload(payloads[h.id]),
            score=h.score,
            rank=offset + i + 1,
            scores={name: scores.get(h.id) for name, scores in ctx.lists.items()} if explained else None,
        )
        for i, h in enumerate(h for h in ctx.page if h.id in payloads)  # deleted meanwhile: gone
    ]
    ctx.timed("hydrate", t)
    took = (time.perf_counter() - ctx.started) * 1000
    ctx.results = SearchResults(ctx.label or ctx.text, ctx.mode, hits, offset, took, ctx.timings)
    ctx.results.parse = ctx.notes.get("parse") if ctx.request.explain else None
    ctx.results.corrected = ctx.retrieval_text if ctx.retrieval_text != ctx.text else None


# ---- text search -------------------------------------------------------------------------------
def check_text(ctx: Context) -> None:
    request = ctx.request
    ctx.text = clean_query(request.query)
    modes = ctx.state.modes
    mode = request.retrieval.mode or "hybrid"
    if mode not in modes:
        raise QueryError(f"unknown or unavailable mode {mode!r}; this index supports {list(modes)}")
    roles = [m for m in modes if m != "hybrid"]
    given = dict(request.retrieval.weights or {})
    unknown = set(given) - set(roles)
    if unknown:
        raise QueryError(f"weights name unknown retrievers {sorted(unknown)}; use {roles}")
    if any(not w >= 0 for w in given.values()):
        raise QueryError(f"weights must be >= 0, got {given}")
    # photos join the text retrievers only when given a weight
    hybrid = [r for r in roles if r != "image" or given.get("image", 0) > 0]
    used = hybrid if mode == "hybrid" else [mode]
    ctx.weights = {r: float(given.get(r, 1.0)) for r in used if given.get(r, 1.0) > 0}
    ctx.mode = mode
    ranker = request.ranker
    if ranker is not None:
        load_ranker(ranker)  # an unknown ranker is an error before anything runs


def understand(ctx: Context) -> None:
    options = ctx.request.understanding
    ctx.retrieval_text = ctx.text
    if options.mode == "off" and not options.spelling:
        return
    parse = ctx.state.parser.parse(ctx.text)
    if options.spelling:
        ctx.retrieval_text = parse.corrected
    if options.mode == "off":
        parse = ParsedQuery(parse.query, corrections=parse.corrections)
    ctx.parse = parse
    ctx.notes["parse"] = parse.to_dict()
    if options.mode in FILTERING and parse.mentions:
        ctx.conditions = parsed_conditions(ctx, parse, options.mode)


def parsed_conditions(ctx: Context, parse: ParsedQuery, mode: str) -> tuple[Condition, ...]:
    """The shopper's filters plus the parsed ones for fields the shopper left open; the parsed ones
    are dropped when together they would leave nothing (a wrong parse must not empty the page).
    `mode="category"` uses only the product type's mentions."""
    filters = ctx.request.filters or {}
    fields = ctx.state.parser.fields[:1] if mode == "category" else None
    parsed = {f: v for f, v in parse.filters(fields).items() if f not in filters}
    if not parsed:
        return ctx.conditions
    combined = ctx.conditions + ctx.state.conditions(parsed)
    if ctx.backend.count(combined) > 0:
        return combined
    ctx.notes["dropped_filters"] = parsed
    return ctx.conditions


def encode(ctx: Context) -> None:
    t = time.perf_counter()
    roles = list(ctx.weights)
    vectors, encode_ms = ctx.encoders.encode_queries(ctx.retrieval_text, roles)
    ctx.timings.update({f"encode_{role}": ms for role, ms in encode_ms.items()})
    ctx.queries = [vq for role in roles if (vq := vector_query(role, vectors[role])) is not None]
    ctx.timed("encode", t)


def vector_query(role: str, vector: np.ndarray | SparseVec) -> VectorQuery | None:
    """An empty sparse vector (no known word) leaves its retriever out."""
    if isinstance(vector, SparseVec):
        return VectorQuery(role, sparse=vector) if vector.indices else None
    return VectorQuery(role, dense=np.asarray(vector).tolist())


def rank_text(ctx: Context) -> None:
    ctx.tier = text_tier
    extend(ctx)


def text_tier(ctx: Context, depth: int) -> list[Hit]:
    """Every retriever's best `depth`, fused; the first tier re-ranked when a ranker is asked for."""
    if not ctx.queries:
        ctx.exhausted = True
        return []
    lists = retrieve(ctx, depth)
    if all(len(hits) < depth for hits in lists.values()):
        ctx.exhausted = True
    fused = fuse(ctx, lists)
    ranker = ctx_ranker(ctx)
    if ctx.depth or ranker is None:
        return fused
    return rerank(ctx, ranker, fused, lists)


def retrieve(ctx: Context, depth: int) -> dict[str, list[Hit]]:
    """Each retriever's best `depth` (one batch call), kept for `explain` and the ranker's features."""
    found = ctx.backend.search_many(ctx.queries, ctx.conditions, depth)
    lists = dict(zip((q.using for q in ctx.queries), found, strict=True))
    for name, hits in lists.items():
        ctx.lists.setdefault(name, {}).update((h.id, h.score) for h in hits)
    return lists


def fuse(ctx: Context, lists: Mapping[str, Sequence[Hit]]) -> list[Hit]:
    rankings = {name: [(h.id, h.score) for h in hits] for name, hits in lists.items()}
    retrieval = ctx.request.retrieval
    if len(rankings) == 1:
        ((_, ranking),) = rankings.items()
        return [Hit(doc, score, {}) for doc, score in sorted(ranking, key=lambda x: (-x[1], x[0]))]
    if retrieval.fusion == "score":
        fused = weighted_score_fusion(rankings, ctx.weights)
    else:
        fused = reciprocal_rank_fusion(rankings, ctx.weights, retrieval.rrf_k or 60)
    return [Hit(doc, score, {}) for doc, score in fused]


def ctx_ranker(ctx: Context) -> Ranker | None:
    name = ctx.request.ranker
    if name is not None:
        return load_ranker(name)
    return (
        PRIOR if ctx.parse is not None and ctx.request.understanding.mode in ("boost", "category") else None
    )


def rerank(ctx: Context, ranker: Ranker, fused: list[Hit], lists: Mapping[str, Sequence[Hit]]) -> list[Hit]:
    """The first tier re-scored by `ranker`, best first."""
    t = time.perf_counter()
    ids, payloads = candidate_pool(ctx, fused)
    if isinstance(ranker, LinearRanker):
        scores = ranker.score(candidate_features(ids, lists, payloads, ctx.parse, ctx.retrieval_text))
    else:
        texts = [str(payloads[d].get(TEXT_FIELD, "")) for d in ids]
        scores = ranker.score_pairs(ctx.retrieval_text, texts)
    order = sorted(range(len(ids)), key=lambda i: (-float(scores[i]), ids[i]))
    ctx.timed("rerank", t)
    return [Hit(ids[i], float(scores[i]), {}) for i in order]


def candidate_pool(ctx: Context, fused: list[Hit]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """What a ranker sees: the fused candidates and the products holding every value the query names
    (point ids, in that order, and their payloads)."""
    ids = [h.id for h in fused]
    known = set(ids)
    ids += [doc for doc in exact_matches(ctx) if doc not in known]
    payloads = ctx.payloads(ids)
    return [doc for doc in ids if doc in payloads], payloads


def exact_matches(ctx: Context) -> list[str]:
    """The best products holding every value the query names, so the ranker sees them even when the
    retrievers rank near misses above them ("green jacket": "Dark Green" ones crowd out "Green")."""
    parse = ctx.parse
    if parse is None or not parse.mentions:
        return []
    extra = ctx.state.conditions(parse.filters())
    if not extra or set(extra) <= set(ctx.conditions):
        return []
    lists = ctx.backend.search_many(ctx.queries, ctx.conditions + extra, EXACT_POOL)
    rankings = {q.using: [(h.id, h.score) for h in hits] for q, hits in zip(ctx.queries, lists, strict=True)}
    return [doc for doc, _ in reciprocal_rank_fusion(rankings, ctx.weights)][:EXACT_POOL]


@lru_cache(maxsize=16)
def load_ranker(ref: str) -> Ranker:
    """ "prior"; a learned linear ranker (shipped name or `train ranker` folder); or a cross-encoder
    (an exported folder, or a hub id / checkpoint: exported once, [hub] extra)."""
    if ref == "prior":
        return PRIOR
    try:
        return LinearRanker.load(ref)
    except FileNotFoundError as exc:
        if not _could_be_cross_encoder(ref):
            raise QueryError(str(exc)) from None
        try:
            return CrossEncoderRanker.load(ref)
        except ModelError as error:
            raise QueryError(f"{exc}; as a cross-encoder: {error}") from None


def _could_be_cross_encoder(ref: str) -> bool:
    """A local folder, or a hub id ("org/name"): anything else is a mistyped ranker name."""
    path = Path(ref).expanduser()
    return path.exists() or (ref.count("/") == 1 and not ref.startswith(("/", ".")))


def resolve(request: SearchRequest) -> SearchRequest:
    try:
        return request.resolved()
    except ValueError as exc:
        raise QueryError(str(exc)) from None
