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
from modasearch.search.rerank import PRIOR, LinearRanker, candidate_features, word_lines
from modasearch.search.results import SearchHit, SearchResults
from modasearch.search.understand import ParsedQuery, singular, tokens
from modasearch.search.vocabulary import occasion_expansions, phrase_expansions

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
    if not hits and ctx.text and not ctx.request.page.offset:
        ctx.results.suggestions = suggestions_for_nothing(ctx)
    ctx.results.corrected = ctx.retrieval_text if ctx.retrieval_text != ctx.text else None


def suggestions_for_nothing(ctx: Context) -> list[str]:
    """What to try when nothing matched: the catalog's most common product types."""
    field = ctx.state.roles.product_type or ctx.state.primary_field
    return list(ctx.state.vocab.get(field, ())[:5]) if field else []


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
    """Spelling, and the attribute values the query names (search/understand.py). Only fields whose
    role is known (product type, colours, audience: search/roles.py) shape the ranking; "category"
    proposes a product-type filter that `rank_text` keeps only if the retrievers agree."""
    options = ctx.request.understanding
    ctx.retrieval_text = ctx.text
    if options.mode == "off" and not options.spelling:
        return
    parse = ctx.state.parser.parse(ctx.text)
    ctx.notes["parse"] = parse.to_dict()
    if options.spelling:
        ctx.retrieval_text = parse.corrected
    if options.mode == "off":
        return
    if options.mode == "filter":
        ctx.parse = parse
        if parse.mentions:
            ctx.conditions = parsed_conditions(ctx, parse, "filter")
        return
    ctx.parse = parse.only(ctx.state.roles.known)
    if options.mode == "category":
        ctx.proposed = category_filter(ctx, ctx.parse)


def category_filter(ctx: Context, parse: ParsedQuery) -> dict[str, list[str]] | None:
    """The product type the query's head noun names, when the parse covers the query: its last
    product-type mention, with at most `max_unparsed` words (stopwords aside) naming nothing, and no
    filter of the shopper's on that field."""
    field = ctx.state.roles.product_type
    options = ctx.request.understanding
    if field is None or field in (ctx.request.filters or {}):
        return None
    heads = [m for m in parse.mentions if m.field == field]
    if not heads or len(parse.unparsed) > (options.max_unparsed or 0):
        return None
    return {field: [value for name, value in heads[-1].values if name == field]}


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
    weight = ctx.request.understanding.synonyms or 0.0
    if weight > 0 and "bm25" in vectors:
        vectors["bm25"] = expanded_keywords(ctx, vectors["bm25"], weight)
    ctx.timings.update({f"encode_{role}": ms for role, ms in encode_ms.items()})
    ctx.queries = [vq for role in roles if (vq := vector_query(role, vectors[role])) is not None]
    ctx.timed("encode", t)


def expanded_keywords(ctx: Context, vector: Any, weight: float) -> SparseVec:
    """The BM25 query with the synonyms of its words and what shoppers wear for the occasion it
    names (search/vocabulary.py) at `weight`, each term counted once, only words the catalog holds."""
    typed = tokens(ctx.retrieval_text)
    found = phrase_expansions(typed)
    found += [e for e in occasion_expansions(typed) if e not in found]
    known = [e for e in found if all(ctx.state.lexicon.get(w, 0) for w in e.replace("-", " ").split())]
    terms = dict(zip(vector.indices, vector.values, strict=True))
    if known:
        for extra in ctx.encoders.bm25.encode_query(known):
            for index in extra.indices:
                terms.setdefault(index, weight)
        ctx.notes["synonyms"] = known
    order = sorted(terms)
    return SparseVec(order, [terms[i] for i in order])


def vector_query(role: str, vector: np.ndarray | SparseVec) -> VectorQuery | None:
    """An empty sparse vector (no known word) leaves its retriever out."""
    if isinstance(vector, SparseVec):
        return VectorQuery(role, sparse=vector) if vector.indices else None
    return VectorQuery(role, dense=np.asarray(vector).tolist())


def rank_text(ctx: Context) -> None:
    if ctx.proposed:
        settle_filter(ctx, ctx.proposed)
    ctx.tier = text_tier
    extend(ctx)


GUARD_TOP = 10  # the retrievers' best products a proposed filter must agree with


def settle_filter(ctx: Context, proposed: dict[str, list[str]]) -> None:
    """Keep a filter the query proposed when it keeps at least `min_kept` of the products the
    retrievers rank highest without it; a parse that disagrees with every retriever is wrong more
    often than they all are."""
    if not ctx.queries:
        return
    t = time.perf_counter()
    lists = dict(
        zip(
            (q.using for q in ctx.queries),
            ctx.backend.search_many(ctx.queries, ctx.conditions, GUARD_TOP),
            strict=True,
        )
    )
    top = [h.id for h in fuse(ctx, lists)][:GUARD_TOP]
    extra = ctx.state.conditions(proposed)
    kept = ctx.backend.count((*ctx.conditions, *extra, Condition("id", ids=tuple(top)))) if top else 0
    share = kept / len(top) if top else 0.0
    if top and share >= (ctx.request.understanding.min_kept or 0.0):
        ctx.conditions = (*ctx.conditions, *extra)
        ctx.notes["filter"] = {"added": proposed, "kept_share": round(share, 3)}
    else:
        ctx.notes["filter"] = {"dropped": proposed, "kept_share": round(share, 3)}
    ctx.timed("guard", t)


def text_tier(ctx: Context, depth: int) -> list[Hit]:
    """Every retriever's best `depth`, fused; the first tier re-ranked when a ranker is asked for."""
    if not ctx.queries:
        ctx.exhausted = True
        return []
    lists = retrieve(ctx, depth)
    if all(len(hits) < depth for hits in lists.values()):
        ctx.exhausted = True
    if (
        "bm25" in ctx.weights
        and not lists.get("bm25")
        and ctx.request.retrieval.cutoff
        and not knows_a_word(ctx)
    ):
        lists = above_noise(ctx, lists)
    fused = fuse(ctx, lists)
    ranker = ctx_ranker(ctx)
    if ctx.depth or ranker is None:
        return fused
    return rerank(ctx, ranker, fused, lists)


NONSENSE = 24  # random strings whose best semantic matches mark a catalog's noise floor


def knows_a_word(ctx: Context) -> bool:
    """Is any word of the (corrected) query a word of the catalog, of English or of shoppers?"""
    speller = ctx.state.parser.speller
    return any(
        speller.known(word, singular(word)) or ctx.state.lexicon.get(word, 0) > 0
        for word in tokens(ctx.retrieval_text)
    )


def above_noise(ctx: Context, lists: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
    """No word of the query is known and none is in the catalog: keep only the semantic matches
    above the catalog's noise floor (a nonsense query answers with nothing, not with whatever is
    nearest); the other retrievers' matches then count only where the semantic one agrees."""
    floor = ctx.state.cached("noise_floor", lambda: noise_floor(ctx))
    limit = floor[0] + (ctx.request.retrieval.cutoff or 0.0) * floor[1]
    kept = [h for h in lists.get("dense", []) if h.score >= limit]
    ids = {h.id for h in kept}
    ctx.notes["cutoff"] = {"floor": round(limit, 4), "kept": len(kept)}
    if not kept:
        ctx.exhausted = True
    return {
        name: kept if name == "dense" else [h for h in hits if h.id in ids] for name, hits in lists.items()
    }


def noise_floor(ctx: Context) -> tuple[float, float]:
    """(mean, standard deviation) of the best cosine random letter strings find in this catalog."""
    rng = np.random.default_rng(0)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    texts = ["".join(rng.choice(letters, size=int(rng.integers(4, 10)))) for _ in range(NONSENSE)]
    dense = ctx.encoders.dense
    if dense is None:
        return 0.0, 0.0
    vectors = dense.encode_query(texts)
    queries = [VectorQuery("dense", dense=np.asarray(v).tolist()) for v in vectors]
    best = [hits[0].score for hits in ctx.backend.search_many(queries, (), 1) if hits]
    return (float(np.mean(best)), float(np.std(best))) if best else (0.0, 0.0)


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
    return PRIOR if ctx.parse is not None and ctx.request.understanding.mode == "boost" else None


def rerank(ctx: Context, ranker: Ranker, fused: list[Hit], lists: Mapping[str, Sequence[Hit]]) -> list[Hit]:
    """The first tier re-scored by `ranker`, best first."""
    t = time.perf_counter()
    ids, payloads = candidate_pool(ctx, fused)
    if isinstance(ranker, LinearRanker):
        lines = ctx.state.payloads.derived(payloads, word_lines)  # payloads: exactly `ids`
        parse, roles = ctx.parse, ctx.state.roles
        features = candidate_features(ids, lists, payloads, parse, ctx.retrieval_text, roles, lines)
        scores = ranker.score(features).tolist()
    else:
        texts = [str(payloads[d].get(TEXT_FIELD, "")) for d in ids]
        scores = ranker.score_pairs(ctx.retrieval_text, texts).tolist()
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], i))  # ties: the fused order
    ctx.timed("rerank", t)
    return [Hit(ids[i], scores[i], {}) for i in order]


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
