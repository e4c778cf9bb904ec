"""Products <-> index payloads, and the filterable fields and values of a catalog."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from modasearch.catalog.product import Product
from modasearch.index.types import FieldKind

TOP_LEVEL_FIELDS: dict[str, FieldKind] = {"price": "float", "group_id": "keyword"}
TEXT_FIELD = "text"  # the canonical product text, full-text indexed for facets' match sets
PHOTO_COLOURS = "photo_colours"  # palette names of the photo's main colours, set at index time
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
VOCAB_LIMIT = 1000  # distinct values kept per keyword field (for filters, facets, query parsing)


def to_payload(product: Product, text: str, photo_colours: list[str] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "product_id": product.id,
        "title": product.title,
        "description": product.description,
        "attributes": dict(product.attributes),
        "image": product.image,
        "group_id": product.group_id,
        "price": product.price,
        "text": text,
    }
    if photo_colours is not None:
        payload[PHOTO_COLOURS] = photo_colours
    return payload


def from_payload(payload: dict[str, Any]) -> Product:
    return Product(
        id=str(payload["product_id"]),
        title=payload.get("title", ""),
        description=payload.get("description") or "",
        attributes=dict(payload.get("attributes") or {}),
        image=payload.get("image"),
        group_id=payload.get("group_id"),
        price=payload.get("price"),
    )


def payload_key(field: str) -> str:
    """The engine's JSON path of a filter field; names that are not plain identifiers are quoted."""
    if field in TOP_LEVEL_FIELDS or field == PHOTO_COLOURS:
        return field
    return f"attributes.{field}" if _PLAIN.fullmatch(field) else f'attributes."{field}"'


def field_kinds(products: Iterable[Product]) -> dict[str, FieldKind]:
    """Filterable fields: an attribute is a float field if all its values are numbers."""
    kinds: dict[str, FieldKind] = {}
    numeric: dict[str, bool] = {}
    for product in products:
        for name, value in product.attributes.items():
            numeric[name] = numeric.get(name, True) and isinstance(value, int | float)
    for name, is_number in numeric.items():
        kinds[name] = "float" if is_number else "keyword"
    kinds.update(TOP_LEVEL_FIELDS)
    return kinds


def vocabulary(products: Iterable[Product], kinds: dict[str, FieldKind]) -> dict[str, list[str]]:
    """The most frequent values of each keyword attribute, most frequent first."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for product in products:
        for name, value in product.attributes.items():
            if kinds.get(name) == "keyword":
                counts[name][str(value)] += 1
    return {name: [v for v, _ in c.most_common(VOCAB_LIMIT)] for name, c in counts.items()}
