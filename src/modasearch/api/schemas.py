"""Request and response bodies of the REST API (pydantic): the OpenAPI schema at /docs comes from here."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from modasearch.catalog.product import Product, attribute_names_problem
from modasearch.search.facets import FacetResult
from modasearch.search.request import DEFAULT_PRESET, PRESETS
from modasearch.search.results import SearchHit, SearchResults

MAX_PAGE = 100  # recommendations and similar items per request


class ProductOut(BaseModel):
    id: str
    title: str
    description: str = ""
    attributes: dict[str, Any] = {}
    group_id: str | None = None
    price: float | None = None
    image_url: str | None = Field(None, description="The index's copy of the photo, if it has one.")

    @classmethod
    def of(cls, product: Product, has_image: bool) -> ProductOut:
        return cls(
            id=product.id,
            title=product.title,
            description=product.description,
            attributes=dict(product.attributes),
            group_id=product.group_id,
            price=product.price,
            image_url=f"/products/{product.id}/image" if has_image else None,
        )


class HitOut(BaseModel):
    rank: int
    score: float
    product: ProductOut
    scores: dict[str, float | None] | None = None


class FacetValue(BaseModel):
    value: str
    count: int


class FacetsOut(BaseModel):
    total: int = Field(description="Products in the match set, every filter applied.")
    match: Literal["all", "any", "results", "everything"]
    facets: dict[str, list[FacetValue]]


class SearchResponse(BaseModel):
    query: str
    corrected: str | None = Field(
        None, description="What was searched for instead of the query (spelling corrected), if anything."
    )
    mode: str
    preset: str | None = Field(None, description="The preset that decided the options left open.")
    k: int
    offset: int
    hits: list[HitOut]
    facets: FacetsOut | None = None
    took_ms: float
    timings_ms: dict[str, float] = {}
    parse: dict[str, Any] | None = Field(None, description="The query understanding, with explain.")
    suggestions: list[str] = Field([], description="What to try instead, when nothing matched.")


class PresetOut(BaseModel):
    description: str
    default: bool
    options: dict[str, Any]


class Suggestion(BaseModel):
    text: str
    field: str


class SuggestResponse(BaseModel):
    query: str
    suggestions: list[Suggestion]


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str = Field(
        min_length=1, max_length=200, description="Any characters but control characters; not blank."
    )
    title: str = Field(min_length=1, max_length=1000, description="Not blank.")
    description: str = Field("", max_length=20_000)
    attributes: dict[str, str | float | bool] = Field(
        {}, description="Names of letters, digits, spaces, '_' and '-' (not starting with '_')."
    )
    group_id: str | None = Field(None, max_length=200)
    price: Annotated[float, Strict(), Field(ge=0)] | None = None  # as JSON writes it: not true, not "9"
    image: str | None = Field(None, description="A path relative to the catalog's image folder.")

    @field_validator("id", "title")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        if any(ord(c) < 32 or c == "\x7f" for c in value):
            raise ValueError("must not hold control characters")
        return value

    @field_validator("image", "group_id", "description")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("must not hold a NUL character")
        return value

    @field_validator("attributes")
    @classmethod
    def _attribute_names(cls, value: dict[str, Any]) -> dict[str, Any]:
        problem = attribute_names_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    def to_product(self) -> Product:
        return Product(
            id=self.id.strip(),
            title=self.title.strip(),
            description=self.description,
            attributes=dict(self.attributes),
            image=self.image,
            group_id=self.group_id,
            price=self.price,
        )


class ProductsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    products: list[ProductIn] = Field(
        min_length=1, max_length=10_000, examples=[[{"id": "p1", "title": "Red linen dress"}]]
    )


class WriteResult(BaseModel):
    added: int = 0
    deleted: int = 0
    products: int


class Health(BaseModel):
    status: Literal["ok"]
    products: int
    photos: int
    modes: list[str]
    models: dict[str, str]
    catalog: dict[str, Any]
    revision: int


class ErrorOut(BaseModel):
    error: str
    detail: Any = None


def facets_out(result: FacetResult) -> FacetsOut:
    return FacetsOut.model_validate(result.to_dict())


def search_response(results: SearchResults, has_image: Any) -> SearchResponse:
    def hit(h: SearchHit) -> HitOut:
        product = ProductOut.of(h.product, has_image(h.product))
        return HitOut(rank=h.rank, score=h.score, product=product, scores=h.scores)

    request = results.request
    return SearchResponse(
        query=results.query,
        corrected=results.corrected,
        mode=results.mode,
        preset=request.preset if request is not None else None,
        k=request.page.k if request is not None else len(results.hits),
        offset=results.offset,
        hits=[hit(h) for h in results.hits],
        facets=facets_out(results.facets) if results.facets is not None else None,
        took_ms=round(results.took_ms, 3),
        timings_ms={name: round(ms, 3) for name, ms in results.timings_ms.items()},
        parse=results.parse,
        suggestions=results.suggestions,
    )


def presets_out() -> dict[str, PresetOut]:
    return {
        name: PresetOut(
            description=preset.description,
            default=name == DEFAULT_PRESET,
            options={
                part: {k: v for k, v in dataclasses.asdict(getattr(preset, part)).items() if v is not None}
                for part in ("retrieval", "understanding", "ranking", "arrangement")
            },
        )
        for name, preset in PRESETS.items()
    }
