"""What the routes share: the one open engine, the settings, the write lock and the API-key check."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import HTTPException, Request

from modasearch.api.settings import ApiSettings
from modasearch.catalog.product import Product
from modasearch.recommend import CompleteTheLook, InteractionModel, Recommender
from modasearch.search.engine import Engine
from modasearch.search.request import SearchRequest


@dataclass
class Service:
    engine: Engine
    settings: ApiSettings
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    recommender: Recommender = field(init=False)
    look: CompleteTheLook = field(init=False)

    def __post_init__(self) -> None:
        model = InteractionModel.load(self.engine.directory)  # None until `modasearch recommend fit`
        self.recommender = Recommender(self.engine, model)
        self.look = CompleteTheLook(self.engine, model)
        if model is not None:  # build the lookups now, not in the first shopper's request
            model.history("")
            _ = model.popular_points
            _ = self.look._popularity

    def check_ranker(self, request: SearchRequest) -> None:
        """A request may name only the rankers the server loaded at start-up (never make it fetch
        or export a model)."""
        name = request.ranking.ranker
        allowed = ("none", *self.settings.allowed_rankers())
        if name is not None and name not in allowed:
            raise HTTPException(
                422,
                f"ranker {name!r} is not offered by this server: use {', '.join(allowed)} or leave it out",
            )

    def has_image(self, product: Product) -> bool:
        return bool(product.image) and self.engine.thumbnail(product.id) is not None


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


def key_problem(headers: Mapping[str, str], expected: str | None) -> tuple[int, str] | None:
    """Why a write is refused (status, message), or None: writes need the key from
    MODASEARCH_API_KEY, as `X-API-Key` or `Authorization: Bearer`."""
    if expected is None:
        return 403, "writes are disabled: start the server with MODASEARCH_API_KEY set"
    given = headers.get("x-api-key") or ""
    bearer = headers.get("authorization", "")
    if not given and bearer.lower().startswith("bearer "):
        given = bearer[7:].strip()
    if not given:
        return 401, "this endpoint needs an API key: send it as the X-API-Key header"
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return 401, "wrong API key"
    return None


def require_key(request: Request) -> None:
    problem = key_problem(request.headers, service(request).settings.api_key)
    if problem is not None:
        raise HTTPException(*problem)
