"""ASGI middleware: request timing headers, and request bodies capped before they are read."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from modasearch.api.deps import key_problem

log = logging.getLogger("modasearch.api")
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


class Failsafe:
    """The last line: anything raised past the app's handlers (a panic in the engine is a
    BaseException) becomes a JSON 500 and the connection stays usable."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        except (KeyboardInterrupt, SystemExit, asyncio.CancelledError):
            raise
        except BaseException as exc:
            log.error("unhandled error: %s", type(exc).__name__, exc_info=exc)
            if not started:
                await _send_json(send, 500, f"internal error ({type(exc).__name__}); see the server log")


async def _send_json(send: Any, status: int, message: str) -> None:
    body = json.dumps({"error": message, "detail": None}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """413 for a body over its route's limit, whether it declares its length or streams it (the
    app's own answer to a body cut short is replaced)."""

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
        over = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal seen, over
            message: dict[str, Any] = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                over = True
                raise BodyTooLarge
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            if not over:  # once over the limit, the answer is ours
                await send(message)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, counted_receive, guarded_send)
        if over:
            await self._reject(send, limit)

    @staticmethod
    async def _reject(send: Any, limit: int) -> None:
        await _send_json(send, 413, f"the request body is over the {limit / 2**20:.1f} MiB limit")


class KeyFirst:
    """Writes are refused for a missing or wrong API key before their body is read (a client without
    the key cannot make the server read 64 MiB, and a malformed body without a key is a 401)."""

    def __init__(self, app: App, expected: str | None) -> None:
        self.app = app
        self.expected = expected

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and is_write(scope["method"], scope["path"]):
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            problem = key_problem(headers, self.expected)
            if problem is not None:
                await _send_json(send, *problem)
                return
        await self.app(scope, receive, send)


def is_write(method: str, path: str) -> bool:
    return (method == "POST" and path == "/products") or (
        method == "DELETE" and path.startswith("/products/")
    )
