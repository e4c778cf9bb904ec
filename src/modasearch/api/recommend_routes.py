"""Recommendations: picks for a customer or a session, and the look that completes a product."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from modasearch.api.deps import Service, service
from modasearch.api.product_routes import NOT_FOUND, ServiceDep, product_or_404
from modasearch.api.request_model import Filters, json_int, plain_filters
from modasearch.api.schemas import MAX_PAGE, SearchResponse, search_response
from modasearch.api.search_routes import ERRORS, filters_param, json_response
from modasearch.index.types import point_id
from modasearch.recommend import Event, Shopper

router = APIRouter(tags=["recommendations"])
MAX_EVENTS = 1000
MAX_IDS = 200
ProductId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    product_id: ProductId
    kind: Literal["purchase", "cart", "like", "view"] = "purchase"
    at: Annotated[
        datetime | None,
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "format": "date-time", "pattern": "^(19|20|21)[0-9][0-9]-"},
                    {"type": "null"},
                ]
            }
        ),
    ] = Field(None, description="When it happened (default: now), between the years 1900 and 2199.")

    @field_validator("at")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        if value is not None and not 1900 <= value.year <= 2199:
            raise ValueError("a time between the years 1900 and 2199")
        return value

    def to_event(self) -> Event:
        at = None if self.at is None else pd.Timestamp(self.at)
        if at is not None and at.tzinfo is not None:
            at = at.tz_convert("UTC").tz_localize(None)
        return Event(self.product_id, self.kind, at)


class RecommendationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer_id: str | None = Field(None, min_length=1, max_length=200, description="A fitted customer.")
    events: list[EventIn] = Field([], max_length=MAX_EVENTS, description="This shopper's own events.")
    likes: list[ProductId] = Field([], max_length=MAX_IDS, description="Liked products (no login needed).")
    dislikes: list[ProductId] = Field([], max_length=MAX_IDS, description="Products to steer away from.")
    exclude: list[ProductId] = Field([], max_length=MAX_IDS, description="Products not to show.")
    k: json_int(ge=1, le=MAX_PAGE) = 12  # type: ignore[valid-type]
    filters: Filters | None = None


def _unknown(svc: Service, ids: list[str]) -> list[str]:
    if not ids:
        return []
    found = {h.id for h in svc.engine.backend.retrieve([point_id(p) for p in ids])}
    return sorted({p for p in ids if point_id(p) not in found})


@router.post("/recommendations", response_model=SearchResponse, responses=ERRORS)
def recommendations(body: RecommendationRequest, svc: Annotated[Service, Depends(service)]) -> Response:
    """Picks for a customer (their fitted history), for events sent with the request, or for a
    session's likes and dislikes; shoppers with nothing to go on get recent best-sellers."""
    shopper = Shopper(
        body.customer_id, tuple(e.to_event() for e in body.events), tuple(body.likes), tuple(body.dislikes)
    )
    results = svc.recommender.recommend(shopper, body.k, plain_filters(body.filters), body.exclude)
    model = svc.recommender.model
    history = len(model.history(body.customer_id)) if model is not None and body.customer_id else 0
    sent = [e.product_id for e in body.events] + body.likes + body.dislikes
    results.parse = {"customer_events": history, "unknown_products": _unknown(svc, sent)}
    return json_response(search_response(results, svc.has_image))


@router.get(
    "/products/{product_id:path}/complete-the-look",
    response_model=SearchResponse,
    responses={**NOT_FOUND, **ERRORS},
)
def complete_the_look(
    product_id: str,
    svc: ServiceDep,
    k: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 10,
    filters: Annotated[str | None, Query(description="A JSON object of filters.")] = None,
) -> Response:
    """Products of other types that go with this one: bought in the same baskets, or of
    complementary types and close to it in style."""
    product_or_404(svc, product_id)
    results = svc.look.complete(product_id, k, filters_param(filters))
    return json_response(search_response(results, svc.has_image))
