"""REST API and web page over an index (the [api] extra: FastAPI, uvicorn, python-multipart)."""

from modasearch.api.app import create_app

__all__ = ["create_app"]
