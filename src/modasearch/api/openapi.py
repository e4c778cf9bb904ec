"""The OpenAPI document of one index: what a request may hold depends on the index (its filter fields
and their kinds, its facet fields, modes, numeric fields, the rankers the server offers), so the
document says exactly that, and the server answers 422 to what the document does not allow. Errors are
documented with the body every error has ({"error", "detail"})."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from modasearch.api.settings import ApiSettings
from modasearch.search.engine import Engine
from modasearch.search.request import PRESETS
from modasearch.search.state import IndexState

ERROR = {"$ref": "#/components/schemas/ErrorOut"}
ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {"error": {"type": "string"}, "detail": {}},
    "required": ["error"],
}
RANGE = {
    "type": "object",
    "properties": {k: {"type": "number"} for k in ("gte", "lte", "gt", "lt")},
    "additionalProperties": False,
    "minProperties": 1,
}
# what each operation can answer besides 200, by the reason
COMMON = {"422": "the request does not fit this document (this index's fields, modes, bounds)"}
WRITES = {"401": "no API key, or a wrong one", "403": "writes are disabled (no MODASEARCH_API_KEY)"}
BODIES = {"413": "the body is over its limit"}
UPLOAD = {"400": "the photo is corrupt or truncated", "413": "over the upload limit", "415": "not an image"}
ONE_PRODUCT = {"404": "no such product"}
EXTRA: dict[tuple[str, str], dict[str, str]] = {
    ("/search", "post"): BODIES,
    ("/search/image", "post"): UPLOAD,
    ("/recommendations", "post"): {**BODIES, "404": "a product named is not in the index"},
    ("/products", "post"): {**WRITES, **BODIES},
    ("/products/{product_id}", "delete"): {**WRITES, **ONE_PRODUCT},
    ("/products/{product_id}", "get"): ONE_PRODUCT,
    ("/products/{product_id}/image", "get"): ONE_PRODUCT,
    ("/products/{product_id}/similar", "get"): {**ONE_PRODUCT, "400": "the product has no usable photo"},
    ("/products/{product_id}/complete-the-look", "get"): ONE_PRODUCT,
}


def filters_schema(state: IndexState) -> dict[str, Any]:
    """Each filter field of the index with the values it takes."""
    properties: dict[str, Any] = {}
    for name, kind in state.fields.items():
        if kind == "float":  # a number, one written as a string, or a range
            numeric = {"type": "string", "pattern": r"^\s*-?(\d{1,15}(\.\d{0,15})?|\.\d{1,15})\s*$"}
            properties[name] = {"anyOf": [{"type": "number"}, numeric, RANGE]}
        else:
            values = {"type": "array", "items": {"type": "string"}, "minItems": 1}
            properties[name] = {"anyOf": [{"type": "string"}, values]}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _enum(values: list[str]) -> dict[str, Any]:
    return {"type": "string", "enum": values} if values else {"not": {}}


def index_openapi(app: FastAPI, engine: Engine, settings: ApiSettings) -> dict[str, Any]:
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    state = engine.state
    schemas = spec["components"]["schemas"]
    schemas["ErrorOut"] = ERROR_SCHEMA
    schemas["IndexFilters"] = filters_schema(state)
    filters = _nullable({"$ref": "#/components/schemas/IndexFilters"})
    roles = [m for m in state.modes if m != "hybrid"]
    numeric = sorted(f for f, kind in state.fields.items() if kind == "float")
    rankers = ["none", *settings.allowed_rankers()]
    request = schemas["SearchRequest"]["properties"]
    request["filters"] = {**filters, "description": request["filters"].get("description", "")}
    request["query"].update({"minLength": 1, "pattern": r"\S"})
    request["preset"] = _nullable(_enum(list(PRESETS)))
    retrieval = schemas["Retrieval"]["properties"]
    retrieval["mode"] = _nullable(_enum(list(state.modes)))
    weights = {
        "type": "object",
        "propertyNames": _enum(roles),
        "additionalProperties": {"type": "number", "minimum": 0},
    }
    retrieval["weights"] = _nullable(weights)
    schemas["Ranking"]["properties"]["ranker"] = _nullable(_enum(rankers))
    schemas["Arrangement"]["properties"]["sort_by"] = _nullable(_enum(numeric))
    facet_fields = {"type": "array", "items": _enum(list(state.facet_fields))}
    schemas["Facets"]["properties"]["fields"] = _nullable(facet_fields)
    if "RecommendationRequest" in schemas:
        schemas["RecommendationRequest"]["properties"]["filters"] = copy.deepcopy(filters)
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            _json_parameters(operation, facet_fields)
            _errors(operation, {**COMMON, **EXTRA.get((path, method), {})})
    _photo_form(spec)
    return spec


def _json_parameters(operation: dict[str, Any], facet_fields: dict[str, Any]) -> None:
    """Query parameters that carry JSON say so (content, not a bare string)."""
    for parameter in operation.get("parameters", []):
        if parameter["name"] == "filters":
            parameter.pop("schema", None)
            parameter["content"] = {
                "application/json": {"schema": {"$ref": "#/components/schemas/IndexFilters"}}
            }
        if parameter["name"] == "fields" and operation.get("operationId", "").startswith("facets"):
            parameter["schema"] = _nullable(facet_fields)


def _errors(operation: dict[str, Any], codes: dict[str, str]) -> None:
    responses = operation.setdefault("responses", {})
    for code, description in codes.items():
        responses[code] = {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _photo_form(spec: dict[str, Any]) -> None:
    """The photo form's `filters` part is JSON too."""
    body = spec["paths"].get("/search/image", {}).get("post", {}).get("requestBody", {})
    media = body.get("content", {}).get("multipart/form-data")
    if not media:
        return
    ref = media["schema"]["$ref"].rsplit("/", 1)[-1]
    form = spec["components"]["schemas"][ref]["properties"]
    form["filters"] = {"$ref": "#/components/schemas/IndexFilters"}
    media["encoding"] = {"filters": {"contentType": "application/json"}}
