"""Products: read them, their photos and similar items; add and delete them with the API key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response
from fastapi.responses import FileResponse

from modasearch.api.deps import Service, require_key, service
from modasearch.api.schemas import (
    MAX_PAGE,
    ProductOut,
    ProductsIn,
    SearchResponse,
    WriteResult,
    search_response,
)
from modasearch.api.search_routes import ERRORS, filters_param, json_response
from modasearch.search.request import MAX_OFFSET

router = APIRouter(tags=["products"])
ServiceDep = Annotated[Service, Depends(service)]
NOT_FOUND: dict[int | str, dict[str, str]] = {404: {"description": "no such product"}}


def product_or_404(svc: Service, product_id: str) -> ProductOut:
    product = svc.engine.get(product_id)
    if product is None:
        raise HTTPException(404, f"product {product_id!r} is not in the index")
    return ProductOut.of(product, svc.has_image(product))


@router.get("/products/{product_id:path}/image", response_class=FileResponse, responses=NOT_FOUND)
def product_image(product_id: str, svc: ServiceDep) -> FileResponse:
    """The index's own copy of the product photo (never a path from the request)."""
    path = svc.engine.thumbnail(product_id)
    if path is None:
        raise HTTPException(404, f"product {product_id!r} has no photo in this index")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=3600"})


@router.get(
    "/products/{product_id:path}/similar", response_model=SearchResponse, responses={**NOT_FOUND, **ERRORS}
)
def similar(
    product_id: str,
    svc: ServiceDep,
    k: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 10,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    by: Annotated[str, Query(pattern="^(auto|image|text|fused)$")] = "auto",
    variants: Annotated[bool, Query(description="Include the product's own colour variants.")] = False,
    filters: Annotated[str | None, Query(description="A JSON object of filters.")] = None,
) -> Response:
    """Similar items: by photo when the product has one, by text otherwise, or as `by` says (fused:
    both); the product's colour variants are left out unless `variants=true`."""
    product_or_404(svc, product_id)
    options = {"k": k, "offset": offset, "filters": filters_param(filters), "variants": variants}
    results = svc.engine.similar(product_id, by=by, **options)
    return json_response(search_response(results, svc.has_image))


def image_problem(image: str, root: str | None) -> str | None:
    """Why an image reference cannot be used, or None. It must name a file inside the catalog's
    folder; the check is on the path as written (no ".." out of it), so a catalog whose images/
    folder is a symlink still works, and a path can never escape the folder."""
    if root is None:
        return "this index has no catalog folder to take images from"
    base = Path(os.path.normpath(root))
    candidate = Path(os.path.normpath(base / image))
    if not candidate.is_relative_to(base):
        return "must be a path inside the catalog's image folder"
    if not candidate.is_file():
        return f"{image!r} is not a file in the catalog's image folder"
    return None


def _check_images(svc: Service, body: ProductsIn) -> None:
    root = svc.engine.manifest.catalog.get("root")
    for i, product in enumerate(body.products):
        problem = image_problem(product.image, root) if product.image else None
        if problem is not None:
            raise HTTPException(422, f"products[{i}].image {problem}")


@router.post("/products", response_model=WriteResult, dependencies=[Depends(require_key)])
def add_products(body: ProductsIn, svc: ServiceDep) -> WriteResult:
    """Add products, or replace those whose id is already indexed."""
    _check_images(svc, body)
    ids = [p.id.strip() for p in body.products]
    if len(set(ids)) != len(ids):
        raise HTTPException(422, "product ids must be unique within one request")
    with svc.write_lock:
        added = svc.engine.add([p.to_product() for p in body.products])
        return WriteResult(added=added, products=len(svc.engine))


@router.delete(
    "/products/{product_id:path}",
    response_model=WriteResult,
    dependencies=[Depends(require_key)],
    responses=NOT_FOUND,
)
def delete_product(product_id: str, svc: ServiceDep) -> WriteResult:
    with svc.write_lock:
        if not svc.engine.delete([product_id]):
            raise HTTPException(404, f"product {product_id!r} is not in the index")
        return WriteResult(deleted=1, products=len(svc.engine))


# last: the bare id route takes any path the routes above (and complete-the-look) did not
@router.get("/products/{product_id:path}", response_model=ProductOut, responses=NOT_FOUND)
def get_product(product_id: str, svc: ServiceDep) -> ProductOut:
    """A product by id (an id holding "/" is written as is or percent-encoded)."""
    return product_or_404(svc, product_id)
