"""ASGI middleware: request timing headers, and request bodies capped before they are read."""

from __future__ import annotations

import json
import time
from typing import Any

Scope = dict[str, Any]
App = Any

JSON_LIMIT = 1 * 2**20
PRODUCTS_LIMIT = 64 * 2**20
MULTIPART_OVERHEAD = 64 * 2**10


class BodyTooLarge(Exception):
    pass


class Timing:
    """`Server-Timing` and `X-Response-Time` (milliseconds) on every response."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={ms:.2f}".encode()))
                headers.append((b"x-response-time", f"{ms:.2f}ms".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed_send)


class BodyLimit:
    """413 for a body over its route's limit, whether it declares its length or streams it."""

    def __init__(self, app: App, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    def limit(self, path: str) -> int:
        if path == "/search/image":
            return self.upload_limit + MULTIPART_OVERHEAD
        return PRODUCTS_LIMIT if path == "/products" else JSON_LIMIT

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(send, limit)
            return
        seen = 0

        async def counted_receive() -> dict[str, Any]:
            nonlocal seen
            message: dict[str, Any] = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted_receive, send)
        except BodyTooLarge:
            await self._reject(send, limit)

    @staticmethod
    async def _reject(send: Any, limit: int) -> None:
        message = f"the request body is over the {limit / 2**20:.1f} MiB limit"
        body = json.dumps({"error": message, "detail": None})
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})
