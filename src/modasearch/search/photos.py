"""The stages of search by photo, by colour swatch and of similar items.

Photo: candidates by the `image` vector (what the garment is), re-scored with the `colour` vector
(which colours it has) and with the attribute values the closest candidates agree on
(search/consensus.py): score = cos(image) + colour_weight * cos(colour) + consensus_weight * consensus.
Rank fusion (RRF) of image and colour lists was measured first and gave up too much article-type
consistency for the colour it gained (benchmarks/RESULTS.md).

Similar items: by the product's photo when it has one (its own catalog values join the neighbours'
vote), by its text (dense vector) otherwise, or both fused (RRF); the product itself and its colour
variants are never among them unless asked.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from modasearch.index.payload import from_payload
from modasearch.index.types import Condition, Hit, VectorQuery, point_id
from modasearch.models.colour import parse_hex, swatch_vector
from modasearch.models.images import open_image
from modasearch.search.consensus import consensus_bonus
from modasearch.search.context import Context
from modasearch.search.fusion import reciprocal_rank_fusion
from modasearch.search.paging import QueryError, clean_query
from modasearch.search.stages import extend, parsed_conditions

COLOUR_POOL = 100  # image candidates re-scored with colour and consensus
CONSENSUS_WEIGHT = 0.5  # per attribute field: chosen on the held-out Kaggle products (RESULTS.md)
NO_PHOTOS = "this index has no photo vectors: build it from a catalog with images"
RRF_K = 60
VARIANTS_MAX = 200  # colour variants of one product looked up for exclusion


def check_photos(ctx: Context) -> None:
    if "image" not in ctx.state.modes:
        raise QueryError(NO_PHOTOS)


# ---- by photo ----------------------------------------------------------------------------------
def encode_photo(ctx: Context) -> None:
    """The photo's aligned and colour vectors; words ("in black") steer the aligned vector,
    (1 - text_weight) * photo + text_weight * text, and the values they name filter the results
    (unless that leaves none or the caller filters that field). Steered, the photo's colours and its
    neighbours' consensus no longer count: the words ask to move away from them."""
    visual = ctx.encoders.image
    if visual is None:
        raise QueryError(NO_PHOTOS)
    assert ctx.request.photo is not None
    image = open_image(ctx.request.photo)
    t = time.perf_counter()
    aligned, colour = visual.photo_vectors([image])
    ctx.vectors = {"image": aligned[0], "colour": colour[0]}
    ctx.label, ctx.mode = "photo", "image"
    steer = clean_query(ctx.request.query, required=False)
    if steer:
        weight = ctx.request.visual.text_weight
        ctx.vectors = {"image": (1 - weight) * aligned[0] + weight * visual.embed_texts([steer])[0]}
        ctx.label = f"photo + {steer!r}"
        ctx.steered = True
        ctx.conditions = parsed_conditions(ctx, ctx.state.parser.parse(steer), "filter")
    ctx.timed("encode", t)


def rank_photo(ctx: Context) -> None:
    ctx.tier = photo_tier
    extend(ctx)


def photo_tier(ctx: Context, depth: int) -> list[Hit]:
    visual = ctx.request.visual
    image = VectorQuery("image", dense=np.asarray(ctx.vectors["image"], dtype=np.float32).tolist())
    colour = ctx.vectors.get("colour") if visual.colour_weight > 0 else None
    consensus = 0.0 if ctx.steered else visual.consensus_weight
    found = ctx.backend.search(image, ctx.conditions, max(COLOUR_POOL, depth))
    if len(found) < max(COLOUR_POOL, depth):
        ctx.exhausted = True
    candidates = [h for h in found if h.id not in ctx.exclude]
    bonuses = []
    if colour is not None:
        bonuses.append((visual.colour_weight, colour_bonus(ctx, candidates, colour)))
    if consensus:
        payloads = ctx.payloads([h.id for h in candidates])
        labelled = [Hit(h.id, h.score, payloads.get(h.id, {})) for h in candidates]
        vote = consensus_bonus(labelled, ctx.state.attribute_fields, own=ctx.own, own_share=visual.own_share)
        bonuses.append((consensus, vote))
    return rescore(candidates, *bonuses)[:depth]


def colour_bonus(ctx: Context, candidates: list[Hit], colour: np.ndarray) -> list[float]:
    stored = ctx.backend.vectors([h.id for h in candidates], "colour")
    query = np.asarray(colour, dtype=np.float32)
    return [float(np.dot(query, stored[h.id])) if h.id in stored else 0.0 for h in candidates]


def rescore(candidates: list[Hit], *bonuses: tuple[float, list[float]]) -> list[Hit]:
    """Candidates by score + the sum of weight * bonus, best first (ties by id)."""
    scores = [h.score for h in candidates]
    for weight, bonus in bonuses:
        scores = [s + weight * b for s, b in zip(scores, bonus, strict=True)]
    rescored = [Hit(h.id, s, h.payload) for h, s in zip(candidates, scores, strict=True)]
    return sorted(rescored, key=lambda h: (-h.score, h.id))


# ---- by colour swatch --------------------------------------------------------------------------
def swatch(ctx: Context) -> None:
    """Products whose garment colours are perceptually closest (CIEDE2000) to a swatch ("#1f2a44")."""
    assert ctx.request.colour is not None
    try:
        rgb = parse_hex(ctx.request.colour)
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    ctx.vectors = {"colour": swatch_vector(rgb)}
    ctx.label, ctx.mode = f"colour {ctx.request.colour}", "colour"
    ctx.tier = single_vector_tier
    extend(ctx)


def single_vector_tier(ctx: Context, depth: int) -> list[Hit]:
    """The nearest products to one stored or computed vector (`ctx.vectors` holds just that one)."""
    ((using, vector),) = ctx.vectors.items()
    query = VectorQuery(using, dense=np.asarray(vector, dtype=np.float32).tolist())
    found = ctx.backend.search(query, ctx.conditions, depth + len(ctx.exclude))
    if len(found) < depth + len(ctx.exclude):
        ctx.exhausted = True
    return sorted((h for h in found if h.id not in ctx.exclude), key=lambda h: (-h.score, h.id))


# ---- similar items -----------------------------------------------------------------------------
def own_vectors(ctx: Context) -> None:
    """The product's stored vectors, its values and what to leave out (itself, its variants)."""
    request = ctx.request
    assert request.similar_to is not None
    product_id = request.similar_to
    pid = point_id(product_id)
    found = ctx.payloads([pid])
    if pid not in found:
        raise QueryError(f"product {product_id!r} is not in the index")
    payload = found[pid]
    by = request.visual.similar_by
    if request.visual.variants:  # its own colour variants asked for: not collapsed into one card either
        ctx.exclude = frozenset({pid})
        arrangement = dataclasses.replace(request.arrangement, collapse=False)
        ctx.request = dataclasses.replace(request, arrangement=arrangement)
    else:
        ctx.exclude = frozenset({pid, *variants(ctx, payload.get("group_id"))})
    ctx.label = f"similar to {product_id}"
    wanted = ("image", "colour") if by != "text" and "image" in ctx.state.modes else ()
    if by in ("text", "fused") or not wanted:
        wanted = (*wanted, "dense") if "dense" in ctx.state.modes else wanted
    for name in wanted:
        stored = ctx.backend.vectors([pid], name)
        if pid in stored:
            ctx.vectors[name] = np.asarray(stored[pid])
    ctx.own = from_payload(payload).attributes or None
    if by == "fused" and {"image", "dense"} <= set(ctx.vectors):
        ctx.mode, ctx.tier = "fused", fused_tier
    elif "image" in ctx.vectors and by != "text":
        ctx.vectors.pop("dense", None)
        ctx.mode, ctx.tier = "image", photo_tier
    elif by == "image":
        raise QueryError(f"product {product_id!r} has no usable photo: no similar-looking items to show")
    elif "dense" in ctx.vectors:
        ctx.vectors = {"dense": ctx.vectors["dense"]}
        ctx.mode, ctx.tier = "dense", single_vector_tier
    else:
        raise QueryError(f"this index has no dense text vectors: no similar items for {product_id!r}")
    extend(ctx)


def variants(ctx: Context, group_id: str | None) -> list[str]:
    if not group_id:
        return []
    return [h.id for h in ctx.backend.scroll((Condition("group_id", equals=group_id),), VARIANTS_MAX, [])]


def fused_tier(ctx: Context, depth: int) -> list[Hit]:
    """The photo's and the text's neighbours fused by RRF."""
    queries = [
        VectorQuery(name, dense=np.asarray(ctx.vectors[name], dtype=np.float32).tolist())
        for name in ("image", "dense")
    ]
    lists = ctx.backend.search_many(queries, ctx.conditions, depth + len(ctx.exclude))
    if all(len(hits) < depth + len(ctx.exclude) for hits in lists):
        ctx.exhausted = True
    rankings = {
        q.using: [(h.id, h.score) for h in hits if h.id not in ctx.exclude]
        for q, hits in zip(queries, lists, strict=True)
    }
    return [Hit(doc, s, {}) for doc, s in reciprocal_rank_fusion(rankings, {}, RRF_K)]
