"""The FastAPI application: one open engine per process, warmed up before the first request."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from modasearch import __version__
from modasearch.api import product_routes, recommend_routes, search_routes
from modasearch.api.deps import Service
from modasearch.api.errors import install_error_handlers
from modasearch.api.middleware import BodyLimit, Failsafe, KeyFirst, Timing
from modasearch.api.openapi import index_openapi
from modasearch.api.schemas import Health
from modasearch.api.settings import ApiSettings
from modasearch.search.engine import Engine
from modasearch.search.request import PRESETS

UI_DIR = Path(__file__).resolve().parents[1] / "ui" / "static"
INDEX_ENV = "MODASEARCH_INDEX"


def limit_threads() -> None:
    """Requests run on a few threads, not anyio's 40: the engine holds the GIL, so more threads only
    queue for it and switch (measured in benchmarks/RESULTS.md, section load); the query encoders
    release it, so a few threads still overlap encoding with searching."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = int(
        os.environ.get("MODASEARCH_API_THREADS", "4")
    )


def warm_up(engine: Engine, rankers: tuple[str, ...] = ()) -> None:
    """Load every model and touch the index, so the first shopper does not wait for it."""
    for mode in engine.modes:
        engine.search("warm up", mode=mode, k=1)
    for name in PRESETS:
        engine.search("warm up", k=1, preset=name)
    for ranker in rankers:
        engine.search("warm up", k=1, rerank=ranker)
    engine.facets("warm up", limit=1)


def create_app(
    index_dir: str | Path | None = None, settings: ApiSettings | None = None, engine: Engine | None = None
) -> FastAPI:
    """An app over an index directory (opened at start-up, closed at shutdown) or an open engine."""
    settings = settings or ApiSettings.from_env()
    if engine is None and index_dir is None:
        raise ValueError("give an index directory or an open engine")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limit_threads()
        if engine is not None:  # the caller's engine: already in app.state, the caller closes it
            yield
            return
        opened = Engine.open(index_dir)  # type: ignore[arg-type]
        warm_up(opened, settings.rerankers)
        app.state.service = Service(opened, settings)
        yield
        opened.close()

    app = FastAPI(
        title="modasearch",
        version=__version__,
        description="Fashion search: hybrid text search, search by photo, facets, similar items.",
        lifespan=lifespan,
    )
    if engine is not None:
        warm_up(engine, settings.rerankers)
        app.state.service = Service(engine, settings)
    install_error_handlers(app)
    app.include_router(search_routes.router)
    app.include_router(recommend_routes.router)  # before the products' bare id route, which takes any path
    app.include_router(product_routes.router)

    @app.get("/health", response_model=Health, tags=["service"])
    def health() -> Health:
        svc: Service = app.state.service
        manifest = svc.engine.manifest
        return Health(
            status="ok",
            products=len(svc.engine),  # what the engine holds now, whatever happened to the manifest
            photos=svc.engine.photo_count(),
            modes=svc.engine.modes,
            models={role: f"{spec['name']}@{spec['version']}" for role, spec in manifest.encoders.items()},
            catalog={k: v for k, v in manifest.catalog.items() if k != "root"},
            revision=manifest.revision,
        )

    def openapi() -> dict[str, Any]:
        """This index's document, made again when a write changed its fields."""
        svc: Service = app.state.service
        revision = svc.engine.state.revision
        if app.openapi_schema is None or app.state.openapi_revision != revision:
            app.openapi_schema = index_openapi(app, svc.engine, svc.settings)
            app.state.openapi_revision = revision
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(UI_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=UI_DIR), name="static")
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", "X-API-Key", "Authorization"],
        )
    app.add_middleware(BodyLimit, upload_limit=settings.max_upload_bytes)
    app.add_middleware(KeyFirst, expected=settings.api_key)
    app.add_middleware(Timing)
    app.add_middleware(Failsafe)  # outermost
    return app


def app_from_env() -> FastAPI:
    """The factory `modasearch serve` hands to uvicorn (one call per worker process)."""
    return create_app(os.environ[INDEX_ENV])
