"""Every error is JSON with a message a developer can act on: {"error": ..., "detail": ...}."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from modasearch.models.errors import ModelError
from modasearch.models.images import ImageError
from modasearch.search.filters import FilterError
from modasearch.search.paging import QueryError

log = logging.getLogger("modasearch.api")
IMAGE_STATUS = {"type": 415, "size": 413, "corrupt": 400}


def error(
    status: int, message: str, detail: object = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": message, "detail": detail}, status_code=status, headers=dict(headers or {}))


# FastAPI's answer to a body it cannot decode (invalid UTF-8): the request does not fit the schema
UNPARSABLE_BODY = "There was an error parsing the body"


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    if any(p.get("type") == "json_invalid" for p in exc.errors()):
        return "the request body is not valid JSON"
    for problem in exc.errors()[:5]:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {problem.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()[:20]]
        return error(422, _validation_message(exc), detail)

    @app.exception_handler(HTTPException)
    async def http(_: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == UNPARSABLE_BODY:
            return error(422, "the request body is not valid UTF-8 JSON")
        return error(exc.status_code, str(exc.detail), headers=exc.headers)  # 405 keeps its Allow

    @app.exception_handler(QueryError)
    @app.exception_handler(FilterError)
    async def bad_query(_: Request, exc: Exception) -> JSONResponse:
        # what this index's OpenAPI document does not allow (a field it lacks, a mode, a bound)
        return error(422, str(exc))

    @app.exception_handler(ImageError)
    async def bad_image(_: Request, exc: ImageError) -> JSONResponse:
        return error(IMAGE_STATUS.get(exc.kind, 400), str(exc))

    @app.exception_handler(ModelError)
    async def model(_: Request, exc: ModelError) -> JSONResponse:
        return error(503, str(exc))

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error(500, f"internal error ({type(exc).__name__}); see the server log")
