"""Request and response bodies of the REST API (pydantic): the OpenAPI schema at /docs comes from here."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from modasearch.catalog.product import Product
from modasearch.search.paging import MAX_QUERY_CHARS
from modasearch.search.results import SearchHit, SearchResults

MAX_PAGE = 100
MAX_OFFSET = 10_000


class Range(BaseModel):
    model_config = ConfigDict(extra="forbid")
    gte: float | None = None
    lte: float | None = None
    gt: float | None = None
    lt: float | None = None


FilterValue = str | float | list[str | float] | Range
Filters = dict[str, FilterValue]


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, examples=["black leather boots"])
    mode: Literal["hybrid", "bm25", "splade", "dense", "image"] = "hybrid"
    filters: Filters | None = Field(None, examples=[{"baseColour": ["Black", "Brown"], "price": {"lt": 50}}])
    facets: list[str] | None = Field(None, description="Fields to count over the whole match set.")
    facet_limit: int = Field(20, ge=1, le=100)
    k: int = Field(10, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    explain: bool = Field(False, description="Add each retriever's own score to every hit.")
    fusion: Literal["rrf", "score"] = "rrf"
    weights: dict[str, float] | None = Field(None, description="Per retriever, e.g. {'image': 1.0}.")
    understand: Literal["off", "boost", "category", "filter"] = Field(
        "category",
        description="Attribute values the query names: as ranking features (boost), the product type as "
        "a filter and the rest as features (category), all as filters (filter), or ignored (off).",
    )
    rerank: str | None = Field(
        "fashion-rank",
        max_length=200,
        description="Second-stage ranker: fashion-rank, prior, or a cross-encoder the server offers "
        "(MODASEARCH_RERANKERS); null: the fused order.",
    )
    collapse: bool = Field(True, description="One card per product: variants (same group_id) once.")
    sort_by: str | None = Field(
        None, max_length=100, description="price or a numeric attribute, among the `relevant` best results."
    )
    descending: bool = False
    relevant: int = Field(50, ge=1, le=1000, description="Relevance cut-off for sorting and diversity.")
    diversify: float = Field(0.0, ge=0, le=1, description="MMR: the weight of novelty in the top results.")


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
    mode: str
    k: int
    offset: int
    hits: list[HitOut]
    facets: FacetsOut | None = None
    took_ms: float
    timings_ms: dict[str, float] = {}
    parse: dict[str, Any] | None = Field(None, description="The query understanding, with explain.")


class Suggestion(BaseModel):
    text: str
    field: str


class SuggestResponse(BaseModel):
    query: str
    suggestions: list[Suggestion]


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=1000)
    description: str = Field("", max_length=20_000)
    attributes: dict[str, str | float | bool] = {}
    group_id: str | None = Field(None, max_length=200)
    price: float | None = None
    image: str | None = Field(None, description="A path relative to the catalog's image folder.")

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


def search_response(
    results: SearchResults, k: int, has_image: Any, facets: FacetsOut | None
) -> SearchResponse:
    def hit(h: SearchHit) -> HitOut:
        product = ProductOut.of(h.product, has_image(h.product))
        return HitOut(rank=h.rank, score=h.score, product=product, scores=h.scores)

    return SearchResponse(
        query=results.query,
        mode=results.mode,
        k=k,
        offset=results.offset,
        hits=[hit(h) for h in results.hits],
        facets=facets,
        took_ms=round(results.took_ms, 3),
        timings_ms={name: round(ms, 3) for name, ms in results.timings_ms.items()},
        parse=results.parse,
    )
