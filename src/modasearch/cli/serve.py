"""`modasearch serve`: the REST API and the web page over an index."""

from __future__ import annotations

import os
from pathlib import Path

from modasearch.cli.display import console
from modasearch.index.manifest import Manifest
from modasearch.models.errors import missing_extra


def serve(index_dir: Path, host: str, port: int, workers: int, log_level: str = "warning") -> None:
    """Start uvicorn; each worker process opens the index once and warms it up."""
    try:
        import uvicorn

        from modasearch.api.app import INDEX_ENV
    except ImportError as exc:
        raise missing_extra("serving the API", "api") from exc
    manifest = Manifest.load(index_dir.resolve())
    if workers > 1 and manifest.backend.get("kind") == "edge":
        raise SystemExit(
            "an embedded index is opened by one process only: use --workers 1 (the API answers "
            "requests on threads), or build the index on a Qdrant server (--server) to run several workers"
        )
    os.environ[INDEX_ENV] = str(index_dir.resolve())
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    console.print(f"[green]modasearch on http://{shown}:{port}/[/]  (API docs: http://{shown}:{port}/docs)")
    uvicorn.run(
        "modasearch.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
    )
