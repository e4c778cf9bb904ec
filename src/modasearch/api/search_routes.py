"""Read endpoints: search by text or photo, facets, suggestions."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Response, UploadFile
from pydantic import BaseModel

from modasearch.api.deps import Service, service
from modasearch.api.request_model import SearchBody, to_request
from modasearch.api.schemas import (
    FacetsOut,
    PresetOut,
    SearchResponse,
    SuggestResponse,
    facets_out,
    presets_out,
    search_response,
)
from modasearch.search.facets import FACET_LIMIT
from modasearch.search.paging import MAX_QUERY_CHARS
from modasearch.search.request import MAX_K, MAX_OFFSET, from_flat
from modasearch.search.suggest import MAX_PREFIX_CHARS, MAX_SUGGESTIONS

router = APIRouter(tags=["search"])
ServiceDep = Annotated[Service, Depends(service)]
ERRORS: dict[int | str, dict[str, Any]] = {}  # documented per index and operation (api/openapi.py)


def filters_param(raw: str | None) -> dict[str, Any] | None:
    """Filters given as a JSON object in a query string or form field."""
    if not raw:
        return None
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise HTTPException(422, f"filters must be a JSON object: {exc.msg} at character {exc.pos}") from None
    if not isinstance(parsed, dict):
        raise HTTPException(422, 'filters must be a JSON object such as {"colour_group": "Black"}')
    return parsed


def json_response(model: BaseModel) -> Response:
    """The model serialised once by pydantic-core (FastAPI would validate it again on the way out)."""
    return Response(content=model.model_dump_json(), media_type="application/json")


@router.post("/search", response_model=SearchResponse, responses=ERRORS)
def search(body: SearchBody, svc: ServiceDep) -> Response:  # type: ignore[valid-type]
    """Search by words (or by a product's look-alikes, or a colour swatch), in one request with the
    same options as the Python API and the command line; options left out come from the preset."""
    request = to_request(body)
    svc.check_ranker(request)
    results = svc.engine.run(request)
    return json_response(search_response(results, svc.has_image))


@router.get("/presets", response_model=dict[str, PresetOut])
def presets() -> dict[str, PresetOut]:
    """The named pipelines a request can choose (`preset`), and the default."""
    return presets_out()


@router.post("/search/image", response_model=SearchResponse, responses=ERRORS)
def search_image(
    svc: ServiceDep,
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP photo.")],
    text: Annotated[str | None, Form(max_length=MAX_QUERY_CHARS, description="Steer: 'in black'.")] = None,
    text_weight: Annotated[float, Form(ge=0, le=1, allow_inf_nan=False)] = 0.3,
    filters: Annotated[str | None, Form(description="A JSON object of filters.")] = None,
    k: Annotated[int, Form(ge=1, le=MAX_K)] = 10,
    offset: Annotated[int, Form(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """Products that look like the uploaded photo (the content is checked, not the declared type)."""
    cap = svc.settings.max_upload_bytes
    data = file.file.read(cap + 1)
    if len(data) > cap:
        raise HTTPException(413, f"the photo is over the {cap / 2**20:.0f} MiB upload limit")
    options = {"photo": data, "query": text or "", "text_weight": text_weight, "k": k, "offset": offset}
    request = from_flat({**options, "filters": filters_param(filters)})
    results = svc.engine.run(request)
    return json_response(search_response(results, svc.has_image))


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
