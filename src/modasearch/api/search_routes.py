"""Read endpoints: search by text or photo, facets, suggestions."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Response, UploadFile
from pydantic import BaseModel

from modasearch.api.deps import Service, service
from modasearch.api.schemas import (
    MAX_OFFSET,
    MAX_PAGE,
    FacetsOut,
    Range,
    SearchRequest,
    SearchResponse,
    SuggestResponse,
    search_response,
)
from modasearch.search.arrange import Arrangement
from modasearch.search.facets import FACET_LIMIT, FacetResult
from modasearch.search.paging import MAX_QUERY_CHARS
from modasearch.search.suggest import MAX_PREFIX_CHARS, MAX_SUGGESTIONS

router = APIRouter(tags=["search"])
ServiceDep = Annotated[Service, Depends(service)]
ERRORS: dict[int | str, dict[str, Any]] = {400: {"description": "a bad query, filter or photo"}}


def filters_of(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    return {k: v.model_dump(exclude_none=True) if isinstance(v, Range) else v for k, v in raw.items()}


def filters_param(raw: str | None) -> dict[str, Any] | None:
    """Filters given as a JSON object in a query string or form field."""
    if not raw:
        return None
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise HTTPException(400, f"filters must be a JSON object: {exc.msg} at character {exc.pos}") from None
    if not isinstance(parsed, dict):
        raise HTTPException(400, 'filters must be a JSON object such as {"colour_group": "Black"}')
    return parsed


def json_response(model: BaseModel) -> Response:
    """The model serialised once by pydantic-core (FastAPI would validate it again on the way out)."""
    return Response(content=model.model_dump_json(), media_type="application/json")


def facets_out(result: FacetResult) -> FacetsOut:
    return FacetsOut.model_validate(result.to_dict())


@router.post("/search", response_model=SearchResponse, responses=ERRORS)
def search(body: SearchRequest, svc: ServiceDep) -> Response:
    """Text search in any mode; optional facet counts over the whole match set (an empty list asks for
    every facet field)."""
    filters = filters_of(body.filters)
    if body.rerank is not None and body.rerank not in svc.settings.allowed_rankers():
        allowed = ", ".join(svc.settings.allowed_rankers())
        raise HTTPException(
            400, f"rerank {body.rerank!r} is not offered by this server: use {allowed} or null"
        )
    results = svc.engine.search(
        body.query,
        body.mode,
        body.k,
        body.offset,
        filters=filters,
        fusion=body.fusion,
        weights=body.weights,
        explain=body.explain,
        understand=body.understand,
        rerank=body.rerank,
        arrange=Arrangement(body.collapse, body.sort_by, body.descending, body.relevant, body.diversify),
    )
    facets = None
    if body.facets is not None:
        fields = body.facets or None
        facets = facets_out(svc.engine.facets(body.query, fields, filters, body.facet_limit))
    return json_response(search_response(results, body.k, svc.has_image, facets))


@router.post("/search/image", response_model=SearchResponse, responses=ERRORS)
def search_image(
    svc: ServiceDep,
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP photo.")],
    text: Annotated[str | None, Form(max_length=MAX_QUERY_CHARS, description="Steer: 'in black'.")] = None,
    text_weight: Annotated[float, Form(ge=0, le=1)] = 0.3,
    filters: Annotated[str | None, Form(description="A JSON object of filters.")] = None,
    k: Annotated[int, Form(ge=1, le=MAX_PAGE)] = 10,
    offset: Annotated[int, Form(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """Products that look like the uploaded photo (the content is checked, not the declared type)."""
    cap = svc.settings.max_upload_bytes
    data = file.file.read(cap + 1)
    if len(data) > cap:
        raise HTTPException(413, f"the photo is over the {cap / 2**20:.0f} MiB upload limit")
    results = svc.engine.search_image(
        data, k, offset, filters_param(filters), text=text or None, text_weight=text_weight
    )
    return json_response(search_response(results, k, svc.has_image, None))


@router.get("/facets", response_model=FacetsOut, responses=ERRORS)
def facets(
    svc: ServiceDep,
    query: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS)] = None,
    fields: Annotated[list[str] | None, Query(description="Repeat for several; all when absent.")] = None,
    filters: Annotated[str | None, Query(description="A JSON object of filters.")] = None,
    limit: Annotated[int, Query(ge=1, le=FACET_LIMIT)] = 20,
) -> FacetsOut:
    """Counts per attribute value over every product matching the query and filters."""
    return facets_out(svc.engine.facets(query, fields, filters_param(filters), limit))


@router.get("/suggest", response_model=SuggestResponse)
def suggest(
    svc: ServiceDep,
    q: Annotated[str, Query(max_length=MAX_PREFIX_CHARS)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_SUGGESTIONS)] = 8,
) -> SuggestResponse:
    """As-you-type suggestions from product titles and attribute values."""
    found = svc.engine.suggest(q, limit)
    return SuggestResponse.model_validate({"query": q, "suggestions": [s.__dict__ for s in found]})
