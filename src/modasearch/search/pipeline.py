"""Searches as compositions of stages (search/stages.py, search/photos.py) over one request's context.

Every door (Python, REST, CLI, evaluation, the page) builds a `SearchRequest` and calls `run`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from modasearch.search.context import Context
from modasearch.search.facets import facet_counts
from modasearch.search.photos import check_photos, encode_photo, own_vectors, rank_photo, swatch
from modasearch.search.request import SearchRequest
from modasearch.search.stages import (
    check_request,
    check_text,
    encode,
    hydrate,
    page,
    rank_text,
    understand,
)

Stage = Callable[[Context], None]

TEXT: tuple[Stage, ...] = (check_request, check_text, understand, encode, rank_text, page, hydrate)
PHOTO: tuple[Stage, ...] = (check_request, check_photos, encode_photo, rank_photo, page, hydrate)
COLOUR: tuple[Stage, ...] = (check_request, check_photos, swatch, page, hydrate)
SIMILAR: tuple[Stage, ...] = (check_request, own_vectors, page, hydrate)


def stages_for(request: SearchRequest) -> tuple[Stage, ...]:
    if request.photo is not None:
        return PHOTO
    if request.similar_to is not None:
        return SIMILAR
    if request.colour is not None:
        return COLOUR
    return TEXT


def facets(ctx: Context) -> None:
    """Counts over the query's match set (its ranked results when no product holds its words)."""
    asked = ctx.request.facets
    if asked is None:
        return
    t = time.perf_counter()
    ranked = lambda: [h.id for h in ctx.ranking[: ctx.request.retrieval.candidates]]  # noqa: E731
    ctx.facets = facet_counts(
        ctx.state, ctx.backend, ctx.text, ctx.request.filters, asked.fields, asked.limit, ranked
    )
    ctx.timed("facets", t)


def run(ctx: Context, stages: Sequence[Stage] | None = None) -> Context:
    for stage in stages or stages_for(ctx.request):
        stage(ctx)
    facets(ctx)
    if ctx.results is not None:
        ctx.results.took_ms = (time.perf_counter() - ctx.started) * 1000
        ctx.results.facets = ctx.facets
    return ctx
